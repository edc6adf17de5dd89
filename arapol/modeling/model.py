"""arapol's multi-task model: one encoder pass per post, four heads, safe save/load.

Heads over the encoder's token states ``h`` (masked mean ``p``):

- stance, target-conditioned: each actor has a learned query ``q_a``; attention pooling
  ``v_a = softmax(h q_a / sqrt(H)) h`` then ``MLP([v_a, p, q_a]) -> favor/against/none``.
  One encoder pass scores every actor at once.
- slogan and attack (binary) and attacked actors (multi-label over actor ids), from ``p``.
- optionally, the wide heads (``arapol.modeling.wide``): linear logits over hashed character
  n-grams of the same text, added to the stance, slogan and attack logits (:meth:`ArapolModel.add_wide`).

A model directory holds ``config.json`` (encoder config + ``"arapol"`` section),
``model.safetensors``, ``tokenizer.json`` + ``tokenizer_config.json`` and ``manifest.json``
(sha256 and size of each of them). :func:`load_model` verifies the manifest before it builds
anything and reads only JSON and safetensors: ``torch.load`` is never called.

>>> import tempfile
>>> from arapol.modeling.tiny import make_random_model
>>> loaded = load_model(make_random_model(tempfile.mkdtemp()))
>>> loaded.config.actors[:3], loaded.config.trained
(['PJD', 'PAM', 'RNI'], False)
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import torch
from torch import nn

from arapol.modeling.config import ArapolConfig
from arapol.modeling.wide import WideHeads

__all__ = [
    "CONFIG_FILE",
    "MANIFEST_FILE",
    "TOKENIZER_FILE",
    "WEIGHTS_FILE",
    "ArapolModel",
    "LoadedModel",
    "Logits",
    "ModelFileError",
    "PRECISIONS",
    "Precision",
    "Probabilities",
    "check_precision",
    "load_model",
    "quantize_int8",
    "save_model",
    "verify_manifest",
    "file_sha256",
    "write_manifest",
]

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
MANIFEST_FILE = "manifest.json"
REQUIRED_FILES = (CONFIG_FILE, WEIGHTS_FILE, TOKENIZER_FILE)
HASHED_SUFFIXES = (".json", ".safetensors", ".txt")
Precision = Literal["float32", "bfloat16", "int8"]  # how load_model runs the network (files stay float32)
PRECISIONS: tuple[str, ...] = get_args(Precision)


class ModelFileError(ValueError):
    """A model directory that is missing, incomplete, tampered with or unsafe to load."""


@dataclass(frozen=True)
class Logits:
    """Raw head outputs for a batch of B posts and A actors."""

    stance: torch.Tensor  # (B, A, S)
    slogan: torch.Tensor  # (B,)
    attack: torch.Tensor  # (B,)
    attack_targets: torch.Tensor  # (B, A)


@dataclass(frozen=True)
class Probabilities:
    """Calibrated probabilities (temperature scaling from the config), same shapes as Logits."""

    stance: torch.Tensor
    slogan: torch.Tensor
    attack: torch.Tensor
    attack_targets: torch.Tensor


def _mlp(d_in: int, hidden: int, d_out: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d_in, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, d_out))


class ArapolModel(nn.Module):
    """Encoder + stance / slogan / attack / attacked-actors heads."""

    def __init__(self, encoder_config: Any, config: ArapolConfig, encoder: nn.Module | None = None) -> None:
        from transformers import AutoModel

        super().__init__()
        self.config = config
        self.encoder = encoder if encoder is not None else AutoModel.from_config(encoder_config)
        hidden = encoder_config.hidden_size
        n_actors, n_stances = len(config.actors), len(config.stance_labels)
        self.target_queries = nn.Parameter(torch.randn(n_actors, hidden) * 0.02)
        self.stance_head = _mlp(3 * hidden, config.head_hidden, n_stances, config.dropout)
        self.post_head = nn.Sequential(nn.Linear(hidden, config.head_hidden), nn.GELU(),
                                       nn.Dropout(config.dropout))
        self.slogan_head = nn.Linear(config.head_hidden, 1)
        self.attack_head = nn.Linear(config.head_hidden, 1)
        self.attack_targets_head = nn.Linear(config.head_hidden, n_actors)
        self.wide = (WideHeads(config.wide["n_features"], config.actors, n_stances, config.wide.get("mix", {}),
                               config.wide.get("ngram_range", (1, 5))) if config.wide else None)

    @classmethod
    def from_encoder(cls, name_or_path: str | Path, config: ArapolConfig) -> ArapolModel:
        """Fresh heads on a pretrained Hugging Face encoder (safetensors only, no remote code).

        >>> model = ArapolModel.from_encoder("models/arapol-encoder", ArapolConfig())  # doctest: +SKIP
        """
        from transformers import AutoModel

        encoder = AutoModel.from_pretrained(str(name_or_path), use_safetensors=True, trust_remote_code=False)
        return cls(encoder.config, config, encoder=encoder)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Logits:
        """Encoder-head logits; stance toward every actor. The wide heads are added apart
        (``model.wide.logits(texts)``, :meth:`add_wide`): they read the text, not the token ids."""
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.to(states.dtype)
        pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        queries = self.target_queries.to(states.dtype)
        scores = torch.einsum("blh,ah->bal", states, queries) / math.sqrt(states.shape[-1])
        scores = scores.masked_fill(attention_mask[:, None, :] == 0, torch.finfo(scores.dtype).min)
        per_target = scores.softmax(-1) @ states  # (B, A, H)
        n_posts, n_actors = per_target.shape[:2]
        stance_in = torch.cat([per_target, pooled[:, None].expand(-1, n_actors, -1),
                               queries[None].expand(n_posts, -1, -1)], dim=-1)
        post = self.post_head(pooled)
        return Logits(  # float32 whatever the network runs in: calibration and wide heads need it
            stance=self.stance_head(stance_in).float(),
            slogan=self.slogan_head(post).squeeze(-1).float(),
            attack=self.attack_head(post).squeeze(-1).float(),
            attack_targets=self.attack_targets_head(post).float(),
        )

    def set_wide(self, section: dict[str, Any] | None, arrays: dict[str, Any] | None) -> None:
        """Attach fitted wide heads (``section`` for the config) or, with None, remove them."""
        self.config = ArapolConfig.from_dict({**self.config.to_dict(), "wide": section})
        self.wide = None
        if section is not None and arrays is not None:
            self.wide = WideHeads(section["n_features"], self.config.actors, len(self.config.stance_labels),
                                  section.get("mix", {}), section.get("ngram_range", (1, 5))).load_arrays(arrays)

    @staticmethod
    def add_wide(logits: Logits, wide: dict[str, torch.Tensor] | None) -> Logits:
        """Encoder logits plus (already scaled) wide logits of the same posts."""
        if wide is None:
            return logits
        return dataclasses.replace(logits, **{k: getattr(logits, k) + v.to(getattr(logits, k).dtype)
                                             for k, v in wide.items()})

    def probabilities(self, logits: Logits) -> Probabilities:
        """Temperature-scaled probabilities: softmax for stance, sigmoid for the rest."""
        t = self.config.temperature
        return Probabilities(
            stance=(logits.stance / t["stance"]).softmax(-1),
            slogan=torch.sigmoid(logits.slogan / t["slogan"]),
            attack=torch.sigmoid(logits.attack / t["attack"]),
            attack_targets=torch.sigmoid(logits.attack_targets / t["attack_targets"]),
        )


# -- files --------------------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(directory: str | Path) -> dict[str, Any]:
    """Write ``manifest.json``: sha256 and size of every JSON, safetensors and txt file."""
    directory = Path(directory)
    files = {
        p.name: {"sha256": file_sha256(p), "size": p.stat().st_size}
        for p in sorted(directory.iterdir())
        if p.is_file() and p.suffix in HASHED_SUFFIXES and p.name != MANIFEST_FILE
    }
    manifest = {"format": 1, "files": files}
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def verify_manifest(directory: str | Path) -> dict[str, Any]:
    """Check every file named in ``manifest.json`` (size, then sha256); raise ModelFileError.

    A truncated or modified file is refused with its name, before any weight is read.
    """
    directory = Path(directory)
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise ModelFileError(f"{directory} has no {MANIFEST_FILE}: not an arapol model directory, "
                             "or an incomplete download")
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError) as e:
        raise ModelFileError(f"{path} is not a valid manifest: {e}") from None
    missing = [name for name in REQUIRED_FILES if name not in files]
    if missing:
        raise ModelFileError(f"{path} does not list {missing}")
    for name, expected in files.items():
        file = directory / name
        if Path(name).name != name:
            raise ModelFileError(f"{path} names a file outside the model directory: {name!r}")
        if not file.is_file():
            raise ModelFileError(f"{file} is missing (listed in {MANIFEST_FILE})")
        size = file.stat().st_size
        if size != expected["size"]:
            raise ModelFileError(f"{file} is truncated or modified: {size} bytes, "
                                 f"the manifest says {expected['size']}")
        if file_sha256(file) != expected["sha256"]:
            raise ModelFileError(f"{file} does not match its sha256 in {MANIFEST_FILE}: "
                                 "corrupted or tampered with; download or copy it again")
    return files


def save_model(model: ArapolModel, tokenizer: Any, directory: str | Path) -> Path:
    """Save weights (safetensors), tokenizer, config and manifest into ``directory``.

    ``tokenizer`` is a ``transformers.PreTrainedTokenizerFast``.
    """
    from safetensors.torch import save_model as save_weights

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    encoder_config = model.encoder.config.to_dict()
    encoder_config["arapol"] = model.config.to_dict()
    (directory / CONFIG_FILE).write_text(json.dumps(encoder_config, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    save_weights(model, str(directory / WEIGHTS_FILE), metadata={"format": "pt"})
    tokenizer.save_pretrained(str(directory))
    write_manifest(directory)
    return directory


def quantize_int8(model: ArapolModel) -> ArapolModel:
    """Dynamic int8 quantization of every ``nn.Linear`` (CPU inference, about 2x faster), in place.

    Weights are quantized once at load time; activations per batch. The files on disk stay float32.

    >>> from arapol.modeling.tiny import make_random_model
    >>> import tempfile
    >>> q = quantize_int8(load_model(make_random_model(tempfile.mkdtemp())).model)
    >>> type(q.slogan_head).__name__
    'Linear'
    >>> q.slogan_head.__module__
    'torch.ao.nn.quantized.dynamic.modules.linear'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's notice that it moves to torchao
        return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8, inplace=True)


@dataclass
class LoadedModel:
    """A verified model: network in eval mode, raw ``tokenizers.Tokenizer``, configs, manifest."""

    model: ArapolModel
    tokenizer: Any
    config: ArapolConfig
    directory: Path
    pad_id: int
    files: dict[str, Any]  # manifest entries: name -> {"sha256", "size"}
    precision: Precision = "float32"


def _encoder_config(data: dict[str, Any], path: Path) -> Any:
    from transformers import CONFIG_MAPPING

    if "auto_map" in data:
        raise ModelFileError(f"{path} asks for remote code (auto_map); arapol never runs it")
    model_type = data.get("model_type")
    if model_type not in CONFIG_MAPPING:
        raise ModelFileError(f"{path}: model_type {model_type!r} is not a transformers built-in encoder")
    return CONFIG_MAPPING[model_type].from_dict(data)


def _read_config(directory: Path) -> tuple[Any, ArapolConfig]:
    path = directory / CONFIG_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    if "arapol" not in data:
        raise ModelFileError(f"{path} has no 'arapol' section: not an arapol model")
    config = ArapolConfig.from_dict(data.pop("arapol"))
    return _encoder_config(data, path), config


def _pad_id(directory: Path, tokenizer: Any) -> int:
    path = directory / TOKENIZER_CONFIG_FILE
    pad = "[PAD]"
    if path.is_file():
        pad = json.loads(path.read_text(encoding="utf-8")).get("pad_token") or pad
        pad = pad["content"] if isinstance(pad, dict) else pad
    pad_id = tokenizer.token_to_id(pad)
    if pad_id is None:
        raise ModelFileError(f"{directory / TOKENIZER_FILE} has no padding token {pad!r}")
    return pad_id


def check_precision(precision: str) -> None:
    """Raise ValueError unless ``precision`` is one of :data:`PRECISIONS`.

    >>> check_precision("fp8")
    Traceback (most recent call last):
    ...
    ValueError: precision 'fp8': choose one of float32, bfloat16, int8
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: choose one of {', '.join(PRECISIONS)}")


def load_model(directory: str | Path, device: str | torch.device = "cpu",
               precision: Precision = "float32") -> LoadedModel:
    """Verify the manifest, then build the model from JSON + safetensors only.

    ``precision``: ``float32``; ``bfloat16`` (the network's weights and activations; fast on CPUs
    with AMX or AVX512-BF16, and on GPUs); ``int8`` (dynamic quantization, :func:`quantize_int8`;
    CPU only). The wide heads and the calibration stay float32.
    """
    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    check_precision(precision)
    if precision == "int8" and torch.device(device).type != "cpu":
        raise ValueError(f"int8 quantization runs on CPU only, not on {device}")
    directory = Path(directory)
    files = verify_manifest(directory)
    encoder_config, config = _read_config(directory)
    model = ArapolModel(encoder_config, config)
    state = load_file(str(directory / WEIGHTS_FILE), device="cpu")
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise ModelFileError(f"{directory / WEIGHTS_FILE} does not fit {CONFIG_FILE}: {e}") from None
    tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
    tokenizer.enable_truncation(config.max_length)
    tokenizer.no_padding()
    model = model.to(device).eval()
    if precision == "int8":
        model = quantize_int8(model)
    elif precision == "bfloat16":  # all but the n-gram heads, which run in NumPy, float32
        wide, model.wide = model.wide, None
        model.to(torch.bfloat16)
        model.wide = wide
    return LoadedModel(model, tokenizer, config, directory, _pad_id(directory, tokenizer), files, precision)
