"""Models on the Hugging Face Hub: download (cached, pinned by revision) and publish.

>>> is_repo_id("arapol/arapol-base"), is_repo_id("./models/x"), is_repo_id("a/b/c")
(True, False, False)

Only JSON, safetensors, txt and md files are ever downloaded or uploaded; the manifest
is checked by :func:`arapol.modeling.model.load_model` after the download.
``HF_HUB_OFFLINE=1`` uses only the local cache; ``HF_ENDPOINT`` selects another Hub.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from arapol.modeling.config import ArapolConfig
from arapol.modeling.model import CONFIG_FILE, MANIFEST_FILE, file_sha256, verify_manifest

__all__ = [
    "ALLOW_PATTERNS",
    "HubError",
    "PlannedFile",
    "download_model",
    "is_repo_id",
    "model_card",
    "publish",
    "upload_plan",
]

ALLOW_PATTERNS = ["*.json", "*.safetensors", "*.txt", "*.md"]
_REPO_ID_RE = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}")


class HubError(FileNotFoundError):
    """A model could not be had from the Hub (offline, not found, unreachable)."""


def is_repo_id(name: str) -> bool:
    """True for ``owner/name`` (what the Hub accepts), not for paths like ``./x`` or ``a/b/c``."""
    return _REPO_ID_RE.fullmatch(name) is not None and ".." not in name


def download_model(repo_id: str, revision: str | None = None, cache_dir: str | Path | None = None) -> Path:
    """Snapshot of ``repo_id`` at ``revision`` (branch, tag or commit) in the HF cache."""
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    where = f"model {repo_id!r} (revision {revision or 'main'})"
    try:
        return Path(snapshot_download(repo_id, revision=revision, cache_dir=cache_dir,
                                      allow_patterns=ALLOW_PATTERNS))
    except RevisionNotFoundError:
        raise HubError(f"{where}: no such revision on {constants.ENDPOINT}") from None
    except RepositoryNotFoundError:
        raise HubError(f"{where} was not found on {constants.ENDPOINT} (a private or gated "
                       "repo needs `hf auth login`)") from None
    except LocalEntryNotFoundError as e:
        if constants.HF_HUB_OFFLINE:
            raise HubError(f"{where} is not in the local Hugging Face cache and HF_HUB_OFFLINE is "
                           "set: download it once with network access, or pass a local model "
                           "directory") from e
        raise HubError(f"{where}: could not reach {constants.ENDPOINT} and it is not cached: "
                       "check the network (HF_ENDPOINT, proxies) or pass a local model "
                       "directory") from e
    except (HfHubHTTPError, OSError) as e:
        raise HubError(f"{where}: download from {constants.ENDPOINT} failed ({e}); "
                       "pass a local model directory instead") from e


@dataclass(frozen=True)
class PlannedFile:
    """One file of an upload: name in the repo, size, sha256 and source (a path or bytes)."""

    path_in_repo: str
    size: int
    sha256: str
    source: Path | bytes

    @classmethod
    def from_path(cls, path: Path) -> PlannedFile:
        return cls(path.name, path.stat().st_size, file_sha256(path), path)

    @classmethod
    def from_bytes(cls, name: str, content: bytes) -> PlannedFile:
        return cls(name, len(content), hashlib.sha256(content).hexdigest(), content)


def model_card(config: ArapolConfig, repo_id: str) -> str:
    """A Hub model card (README.md) describing labels, actors, thresholds and calibration."""
    warning = "" if config.trained else (
        "\n> **RANDOM WEIGHTS.** This model was not trained: its labels mean nothing. "
        "It exists to test software.\n")
    # a trained model inherits the terms of its training data, which arapol cannot know
    licence = "other" if config.trained else "apache-2.0"
    licence_name = "\nlicense_name: training-data-terms" if config.trained else ""
    terms = ("\nLicence: the terms of the data this model was trained on apply (edit this card to "
             "name them; arapol's bundled models are for non-commercial research, see its MODEL_CARD.md).\n"
             if config.trained else "")
    rows = "\n".join(f"| {name} | {config.thresholds[name]} |" for name in config.thresholds)
    temps = ", ".join(f"{k} {v}" for k, v in config.temperature.items())
    return f"""---
language: [ar, ary, zgh, fr]
license: {licence}{licence_name}
library_name: arapol
pipeline_tag: text-classification
tags: [arapol, stance, political-discourse, darija, arabizi, amazigh, morocco]
---

# {repo_id}
{warning}
{config.description or "arapol multi-task model"}: stance toward a political actor
(favor / against / none), campaign slogan (yes / no) and attack on political actors
(yes / no, with the actors attacked), for Moroccan social-media posts in Arabic, Darija
(Arabic script and Arabizi), Amazigh and French. Label scheme: arapol's `LABELS.md` (v1).

```python
import arapol
nlp = arapol.load("{repo_id}")
nlp("صوتوا على الحمامة يوم 8 شتنبر").stance
```

Actors: {", ".join(config.actors)}. Inputs are normalized with
`arapol.normalize(text, "{config.normalize_preset}")` and cut at {config.max_length} tokens.

| head | threshold |
|---|---|
{rows}

Temperature scaling: {temps}. `manifest.json` holds the sha256 of every file; arapol checks
it before loading and reads only JSON and safetensors.
{terms}"""


def upload_plan(model_dir: str | Path, repo_id: str, card: str | Path | None = None) -> list[PlannedFile]:
    """Verified files to upload: those of the manifest, the manifest and README.md.

    README.md is ``card`` (e.g. ``MODEL_CARD.md``), else the directory's own, else generated
    by :func:`model_card`.
    """
    model_dir = Path(model_dir)
    names = sorted(verify_manifest(model_dir)) + [MANIFEST_FILE]
    plan = [PlannedFile.from_path(model_dir / name) for name in names]
    readme = Path(card) if card is not None else model_dir / "README.md"
    if card is not None and not readme.is_file():
        raise FileNotFoundError(f"model card {readme} does not exist")
    if readme.is_file():
        plan.append(dataclasses.replace(PlannedFile.from_path(readme), path_in_repo="README.md"))
    else:
        card = model_card(_arapol_config(model_dir), repo_id)
        plan.append(PlannedFile.from_bytes("README.md", card.encode("utf-8")))
    return plan


def _arapol_config(model_dir: Path) -> ArapolConfig:
    data = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    return ArapolConfig.from_dict(data["arapol"])


def publish(model_dir: str | Path, repo_id: str, *, private: bool = False, revision: str | None = None,
            message: str = "Upload arapol model", allow_untrained: bool = False,
            card: str | Path | None = None) -> str:
    """Create ``repo_id`` if needed and push the model in one commit; returns the commit URL.

    A model with random weights is refused unless ``allow_untrained``.
    """
    from huggingface_hub import CommitOperationAdd, HfApi

    if not _arapol_config(Path(model_dir)).trained and not allow_untrained:
        raise ValueError(f"{model_dir} has random weights (trained: false); refusing to publish it "
                         "as a model (pass allow_untrained=True for a test repo)")
    plan = upload_plan(model_dir, repo_id, card)
    api = HfApi()
    api.create_repo(repo_id, private=private, exist_ok=True)
    operations = [CommitOperationAdd(path_in_repo=f.path_in_repo, path_or_fileobj=f.source) for f in plan]
    commit = api.create_commit(repo_id, operations=operations, commit_message=message, revision=revision)
    return commit.commit_url
