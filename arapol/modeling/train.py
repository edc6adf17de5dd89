"""Fine-tune an encoder: the arapol multi-task model, or a plain single-label classifier.

``train(TrainArgs(...))`` (the engine of ``arapol train``):

- ``task`` ``multi`` (or ``stance`` / ``slogan`` / ``attack``: the same model, one loss) on
  :class:`~arapol.modeling.data.Post` data -> an ``ArapolModel`` directory that
  ``arapol.load`` reads; ``text-classification`` on a table's text/label columns -> a
  ``transformers`` sequence-classification directory (``AutoModelForSequenceClassification``).
- Losses: stance cross-entropy toward the gold target (or the main actor of a post without
  one: ``none``), plus down-weighted auxiliary targets (``against`` toward other attacked
  actors, ``none`` toward actors the post does not name; see ``multitask_targets``); BCE for
  slogan and attack; BCE for attacked actors on posts that are attacks. Class weights are
  ``(max count / count) ** 0.5`` (stance classes, positives of the binary heads).
- AdamW, linear warm-up then decay, encoder and heads with their own learning rates; early
  stopping on the dev score (mean of the trained tasks' dev scores: stance macro-F1 on posts
  with a gold target, slogan / attack F1 at their best dev threshold).
- Then (multi-task, ``wide=True``) the wide heads over hashed character n-grams
  (``arapol.modeling.wide``) are fitted on train and mixed in per head where they raise the
  dev score; then, on dev: temperature scaling per head, thresholds maximising F1 on the calibrated
  probabilities; both stored in ``config.json`` (never a pickle).
- Resumable: ``output/checkpoint/`` holds the weights, the optimizer state (safetensors) and
  ``state.json``; ``resume=True`` continues from the last step written. Batches and dropout
  are seeded per epoch / step, so a resumed run follows the same path as an uninterrupted one.

>>> args = TrainArgs(base_model="bert-dir", data="arapol-pol", output=Path("out"))
>>> args.task, args.max_length
('multi', 64)
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from arapol.modeling.data import (
    AUX_AGAINST_WEIGHT,
    AUX_NONE_WEIGHT,
    IGNORE,
    Labelled,
    Post,
    load_labelled,
    load_posts,
    model_text,
    multitask_targets,
    read_table,
    stance_target,
)
from arapol.modeling.evaluate import (
    TEXT_CLASSIFICATION_KEY,
    encode,
    multitask_logits,
    multitask_report,
    padded_batches,
    predictions_from_logits,
    sequence_logits,
)
from arapol.modeling.metrics import (
    best_threshold,
    classification_report,
    fit_temperature,
    sigmoid,
)
from arapol.modeling.wide import fit_wide

__all__ = ["MULTITASK", "TASKS", "TrainArgs", "TrainError", "TrainResult", "train"]

MULTITASK = ("multi", "stance", "slogan", "attack")
TASKS = (*MULTITASK, "text-classification")
CHECKPOINT_DIR = "checkpoint"
TRAINING_FILE = "training.json"
ATTACK_TARGETS_WEIGHT = 0.5


class TrainError(ValueError):
    """Arguments or data that training cannot use."""


@dataclass
class TrainArgs:
    """Everything a training run depends on (saved in ``training.json``)."""

    base_model: str
    data: str
    output: Path
    task: str = "multi"
    seed: int = 42
    epochs: int = 8
    patience: int = 2
    batch_size: int = 32
    lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    max_length: int = 64
    text_column: str = "text"
    label_column: str = "label"
    pair_column: str | None = None
    dev_data: str | None = None
    dev_origin: str | None = "real"
    aux_against_weight: float = AUX_AGAINST_WEIGHT
    aux_none_weight: float = AUX_NONE_WEIGHT
    wide: bool = True  # multi-task: fit the hashed char n-gram heads after fine-tuning (kept where dev gains)
    wide_auxiliary: list[str] = field(default_factory=list)  # tables (text, 0/1 label): extra wide features
    threads: int | None = None
    resume: bool = False
    checkpoint_every: int = 0  # steps; 0: at the end of each epoch only
    max_steps: int | None = None  # stop early (tests, smoke runs)
    description: str = ""


@dataclass
class TrainResult:
    """What a run did: dev scores per epoch, the best epoch, calibration, time."""

    output: Path
    task: str
    steps: int
    epochs_run: int
    best_epoch: int
    best_dev_score: float
    dev: dict[str, Any]
    history: list[dict[str, Any]]
    seconds: float
    resumed_from_step: int
    n_train: int
    n_dev: int
    calibration: dict[str, Any] = field(default_factory=dict)


def _auxiliary_task(path: str, preset: str, max_length: int) -> tuple[list[str], np.ndarray]:
    """Model texts and 0/1 labels of an auxiliary table (columns ``text`` and ``label``)."""
    rows = [r for r in read_table(path) if isinstance(r.get("text"), str) and r["text"].strip()]
    labels = [str(r.get("label")).strip() for r in rows]
    if not rows or set(labels) - {"0", "1"} or len(set(labels)) < 2:
        raise TrainError(f"{path}: an auxiliary table needs text and 0/1 label columns with both labels")
    return [model_text(r["text"], preset, max_length) for r in rows], np.array([int(x) for x in labels])


# -- shared loop ---------------------------------------------------------------------------

def epoch_order(lengths: Sequence[int], batch_size: int, seed: int) -> list[list[int]]:
    """Shuffled batches of similar lengths: sort by length within windows of 16 batches.

    >>> sorted(len(b) for b in epoch_order([3, 1, 2, 5, 4], 2, 0))
    [1, 2, 2]
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(lengths)).tolist()
    window = batch_size * 16
    batches = []
    for w in range(0, len(order), window):
        chunk = sorted(order[w:w + window], key=lambda i: lengths[i])
        batches += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up to 1, then linear decay to 0 at ``total``.

    >>> lr_factor(0, 100, 10), lr_factor(10, 100, 10), lr_factor(100, 100, 10)
    (0.1, 1.0, 0.0)
    """
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def class_weights(counts: Sequence[float]) -> np.ndarray:
    """(max / count) ** 0.5 per class, 1.0 for absent classes.

    >>> class_weights([100, 25, 0]).tolist()
    [1.0, 2.0, 1.0]
    """
    counts = np.asarray(counts, dtype=np.float64)
    top = counts.max() if len(counts) else 1.0
    return np.where(counts > 0, np.sqrt(top / np.maximum(counts, 1e-9)), 1.0).astype(np.float32)


def _optimizer(model: Any, encoder_prefix: str, args: TrainArgs) -> Any:
    import torch

    groups: dict[tuple[bool, bool], list[Any]] = {(e, d): [] for e in (True, False) for d in (True, False)}
    for name, param in model.named_parameters():
        is_encoder = name.startswith(encoder_prefix)
        decay = not (name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name)
        groups[(is_encoder, decay)].append(param)
    return torch.optim.AdamW([
        {"params": params, "lr": args.lr if enc else args.head_lr, "base_lr": args.lr if enc else args.head_lr,
         "weight_decay": args.weight_decay if decay else 0.0}
        for (enc, decay), params in groups.items() if params
    ])


# -- checkpoints ---------------------------------------------------------------------------

def _save_checkpoint(directory: Path, model: Any, optimizer: Any, state: dict[str, Any]) -> None:
    from safetensors.torch import save_file, save_model

    directory.mkdir(parents=True, exist_ok=True)
    save_model(model, str(directory / "model.tmp"))
    flat = {f"{i}.{k}": v.contiguous() for i, st in optimizer.state_dict()["state"].items()
            for k, v in st.items()}
    save_file(flat, str(directory / "optimizer.tmp"))
    groups = [{k: v for k, v in g.items() if k != "params"} for g in optimizer.param_groups]
    (directory / "state.tmp").write_text(json.dumps({**state, "param_groups": groups}, indent=1), "utf-8")
    for name, ext in (("model", "safetensors"), ("optimizer", "safetensors"), ("state", "json")):
        (directory / f"{name}.tmp").replace(directory / f"{name}.{ext}")  # state.json last


def _load_checkpoint(directory: Path, model: Any, optimizer: Any) -> dict[str, Any]:
    from safetensors.torch import load_file, load_model

    state = json.loads((directory / "state.json").read_text("utf-8"))
    load_model(model, str(directory / "model.safetensors"))
    per_param: dict[int, dict[str, Any]] = {}
    for key, value in load_file(str(directory / "optimizer.safetensors")).items():
        i, name = key.split(".", 1)
        per_param.setdefault(int(i), {})[name] = value
    saved = optimizer.state_dict()
    groups = [{**g, **extra} for g, extra in zip(saved["param_groups"], state.pop("param_groups"), strict=True)]
    optimizer.load_state_dict({"state": per_param, "param_groups": groups})
    return state


def _save_best(directory: Path, model: Any) -> None:
    from safetensors.torch import save_model

    directory.mkdir(parents=True, exist_ok=True)
    save_model(model, str(directory / "best.tmp"))
    (directory / "best.tmp").replace(directory / "best.safetensors")


def _load_best(directory: Path, model: Any) -> None:
    from safetensors.torch import load_model

    load_model(model, str(directory / "best.safetensors"))


# -- tasks ---------------------------------------------------------------------------------

@dataclass
class _Job:
    """A task plugged into the shared loop."""

    model: Any
    encoder_prefix: str
    ids: list[list[int]]  # token ids of the training examples
    pad_id: int
    n_dev: int
    loss: Callable[[list[int], Any, Any], Any]  # (rows, input_ids, mask) -> loss tensor
    dev_score: Callable[[], tuple[float, dict[str, Any]]]
    finish: Callable[[], dict[str, Any]]  # calibrate on dev, save the model; -> calibration


def _tokenizer(base_model: str, max_length: int) -> tuple[Any, Any, int]:
    """(transformers fast tokenizer to save, raw tokenizer with truncation, pad id)."""
    from transformers import AutoTokenizer

    fast = AutoTokenizer.from_pretrained(base_model, use_fast=True, trust_remote_code=False)
    if not fast.is_fast:
        raise TrainError(f"{base_model}: arapol needs a fast (tokenizers) tokenizer")
    raw = fast.backend_tokenizer
    raw.enable_truncation(max_length)
    raw.no_padding()
    if fast.pad_token_id is None:
        raise TrainError(f"{base_model}: the tokenizer has no padding token")
    return fast, raw, fast.pad_token_id


def _check_base(base_model: str) -> None:
    path = Path(base_model)
    config = path / "config.json"
    if config.is_file():
        data = json.loads(config.read_text(encoding="utf-8"))
        if "auto_map" in data:
            raise TrainError(f"{base_model} asks for remote code (auto_map); arapol never runs it")
        if "arapol" in data or TEXT_CLASSIFICATION_KEY in data:
            raise TrainError(f"{base_model} is already a fine-tuned arapol model; pass its base encoder")
        if not any(path.glob("*.safetensors")):
            raise TrainError(f"{base_model} has no .safetensors weights (arapol never loads pickles)")


def _multitask_job(args: TrainArgs, torch: Any) -> _Job:
    from arapol.modeling.config import ArapolConfig
    from arapol.modeling.model import ArapolModel, save_model

    splits = load_posts(args.data)
    if args.dev_data:
        splits["dev"] = load_posts(args.dev_data)["train"]
    train_posts = splits["train"]
    dev_posts = [p for p in splits["dev"] if args.dev_origin is None or p.origin == args.dev_origin] or splits["dev"]
    if not train_posts or not dev_posts:
        raise TrainError(f"{args.data}: need train and dev posts (got {len(train_posts)} and {len(dev_posts)})")
    fast, raw, pad_id = _tokenizer(args.base_model, args.max_length)
    config = ArapolConfig(max_length=args.max_length, trained=True, description=args.description)
    model = ArapolModel.from_encoder(args.base_model, config)
    enc_max = getattr(model.encoder.config, "max_position_embeddings", args.max_length)
    if args.max_length > enc_max:
        raise TrainError(f"max_length {args.max_length} > the encoder's {enc_max} positions")
    heads = {"multi": ("stance", "slogan", "attack"), "stance": ("stance",), "slogan": ("slogan",),
             "attack": ("attack",)}[args.task]

    def texts_of(posts: Sequence[Post]) -> list[str]:
        return [model_text(p.text, config.normalize_preset, args.max_length) for p in posts]

    train_texts, dev_texts = texts_of(train_posts), texts_of(dev_posts)  # read by the encoder and the wide heads
    # read (and checked) before training: a bad table must not fail a run at its very end
    auxiliary = [_auxiliary_task(path, config.normalize_preset, args.max_length)
                 for path in (args.wide_auxiliary if args.wide else [])]
    train_ids, dev_ids = encode(raw, train_texts), encode(raw, dev_texts)
    t = multitask_targets(train_posts, config.actors, config.stance_labels, args.aux_against_weight,
                          args.aux_none_weight)
    main = t.stance_weight >= 1.0
    stance_cw = torch.tensor(class_weights(np.bincount(t.stance[main], minlength=len(config.stance_labels))))
    pos_weight = {name: torch.tensor(float(class_weights([(v == 0).sum(), (v == 1).sum()])[1]))
                  for name, v in (("slogan", t.slogan), ("attack", t.attack))}
    tensors = {k: torch.from_numpy(v) for k, v in asdict(t).items()}
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def loss(rows: list[int], input_ids: Any, mask: Any) -> Any:
        out = model(input_ids, mask)
        r = torch.tensor(rows)
        total = out.slogan.new_zeros(())
        if "stance" in heads:
            y, w = tensors["stance"][r], tensors["stance_weight"][r]
            ce = torch.nn.functional.cross_entropy(out.stance.flatten(0, 1), y.flatten().clamp(min=0),
                                                   reduction="none").view_as(w)
            w = w * stance_cw[y.clamp(min=0)] * (y != IGNORE)
            total = total + (ce * w).sum() / w.sum().clamp(min=1.0)
        for name in ("slogan", "attack"):
            if name in heads:
                total = total + bce(getattr(out, name), tensors[name][r], pos_weight=pos_weight[name])
        if "attack" in heads:
            attacks = tensors["attack"][r] > 0
            if attacks.any():
                total = total + ATTACK_TARGETS_WEIGHT * bce(out.attack_targets[attacks],
                                                            tensors["attack_targets"][r][attacks])
        return total

    dev_t = multitask_targets(dev_posts, config.actors, config.stance_labels, 0.0, 0.0)
    dev_main = np.argwhere(dev_t.stance_weight >= 1.0)  # (row, actor) of each post's stance target
    dev_gold_target = np.array([p.target is not None for p in dev_posts])

    def dev_logits() -> dict[str, np.ndarray]:
        model.eval()
        out = multitask_logits(model, dev_ids, pad_id, 64, encoder_only=True)
        model.train()
        return out

    def scores(logits: dict[str, np.ndarray]) -> tuple[float, dict[str, Any]]:
        keep = dev_gold_target[dev_main[:, 0]]
        rows, cols = dev_main[keep, 0], dev_main[keep, 1]
        gold = dev_t.stance[rows, cols]
        pred = logits["stance"][rows, cols].argmax(-1)
        labels = config.stance_labels
        stance = classification_report([labels[i] for i in gold], [labels[i] for i in pred], labels).macro_f1
        metrics: dict[str, Any] = {"stance_macro_f1": stance}
        for name in ("slogan", "attack"):
            thr, f1 = best_threshold(sigmoid(logits[name]), getattr(dev_t, name))
            metrics[f"{name}_f1"], metrics[f"{name}_threshold_uncalibrated"] = round(f1, 4), thr
        score = float(np.mean([metrics[f"{h}_f1" if h != "stance" else "stance_macro_f1"] for h in heads]))
        return round(score, 4), metrics

    def fit_wide_heads(logits: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, Any] | None]:
        """Fit the wide heads on train; (fused dev logits, record) or the logits unchanged."""
        if not args.wide:
            return logits, None
        keys = {"stance": "stance_macro_f1", "slogan": "slogan_f1", "attack": "attack_f1"}
        targets = [stance_target(p) for p in train_posts]
        stance_y = np.array([config.stance_labels.index(p.stance) if t in config.actors else -1
                             for p, t in zip(train_posts, targets, strict=True)])
        fit = fit_wide(
            train_texts, targets, stance_y,
            {h: np.array([int(getattr(p, h)) for p in train_posts]) for h in ("slogan", "attack")},
            dev_texts, logits,
            lambda head, candidate: scores(candidate)[1][keys[head]] if head in heads else 0.0,
            config.actors, len(config.stance_labels), auxiliary=auxiliary)
        used = any(v > 0 for v in fit.config["mix"].values())
        model.set_wide(fit.config if used else None, fit.arrays if used else None)
        return (fit.dev_logits if used else logits), {"mix": fit.config["mix"], "C": fit.config["C"],
                                                      "dev_scores": fit.dev_scores}

    def finish() -> dict[str, Any]:
        logits, wide = fit_wide_heads(dev_logits())
        config = model.config
        rows, cols = dev_main[:, 0], dev_main[:, 1]
        temps = {"stance": fit_temperature(logits["stance"][rows, cols], dev_t.stance[rows, cols], True)}
        thresholds = {}
        for name in ("slogan", "attack"):
            temps[name] = fit_temperature(logits[name], getattr(dev_t, name), False)
            thresholds[name], _ = best_threshold(sigmoid(logits[name], temps[name]), getattr(dev_t, name))
        attacks = dev_t.attack > 0
        temps["attack_targets"] = fit_temperature(logits["attack_targets"][attacks].ravel(),
                                                  dev_t.attack_targets[attacks].ravel(), False)
        thresholds["attack_targets"], _ = best_threshold(
            sigmoid(logits["attack_targets"][attacks], temps["attack_targets"]).ravel(),
            dev_t.attack_targets[attacks].ravel())
        model.config = _replace(config, temperature=temps, thresholds=thresholds)
        preds = predictions_from_logits(dev_posts, logits, model.config)
        dev = multitask_report(dev_posts, preds, actors=config.actors).headline
        calibration = {"temperature": temps, "thresholds": thresholds, "dev_posts": len(dev_posts), "dev": dev,
                       "wide": wide}
        _write_training(args, calibration)
        save_model(model, fast, args.output)
        return calibration

    return _Job(model, "encoder.", train_ids, pad_id, len(dev_posts), loss, lambda: scores(dev_logits()), finish)


def _replace(config: Any, **changes: Any) -> Any:
    from arapol.modeling.config import ArapolConfig

    return ArapolConfig.from_dict({**config.to_dict(), **changes})


def _text_classification_job(args: TrainArgs, torch: Any) -> _Job:
    from transformers import AutoModelForSequenceClassification

    splits = load_labelled(args.data, args.text_column, args.label_column, args.pair_column)
    if args.dev_data:
        splits["dev"] = load_labelled(args.dev_data, args.text_column, args.label_column, args.pair_column)["train"]
    train_x, dev_x = splits["train"], splits["dev"]
    if not train_x or not dev_x:
        raise TrainError(f"{args.data}: need train and dev rows (got {len(train_x)} and {len(dev_x)})")
    labels = sorted({x.label for x in train_x})
    if len(labels) < 2:
        raise TrainError(f"{args.data}: column {args.label_column!r} has fewer than two labels")
    unknown = sorted({x.label for x in dev_x} - set(labels))
    if unknown:
        raise TrainError(f"dev labels {unknown} never occur in train")
    index = {label: i for i, label in enumerate(labels)}
    fast, raw, pad_id = _tokenizer(args.base_model, args.max_length)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.base_model, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=index,
        use_safetensors=True, trust_remote_code=False)
    preset = "model"

    def ids_of(xs: Sequence[Labelled]) -> list[list[int]]:
        return encode(raw, [model_text(x.text, preset, args.max_length) for x in xs], [x.pair for x in xs])

    train_ids, dev_ids = ids_of(train_x), ids_of(dev_x)
    y = torch.tensor([index[x.label] for x in train_x])
    dev_y = np.array([index[x.label] for x in dev_x])
    weights = torch.tensor(class_weights(np.bincount(y.numpy(), minlength=len(labels))))
    prefix = f"{model.base_model_prefix}."

    def loss(rows: list[int], input_ids: Any, mask: Any) -> Any:
        logits = model(input_ids=input_ids, attention_mask=mask).logits
        return torch.nn.functional.cross_entropy(logits, y[rows], weight=weights)

    def dev_logits() -> np.ndarray:
        model.eval()
        out = sequence_logits(model, dev_ids, pad_id, 64)
        model.train()
        return out

    def score() -> tuple[float, dict[str, Any]]:
        pred = dev_logits().argmax(1)
        rep = classification_report([labels[i] for i in dev_y], [labels[i] for i in pred], labels)
        return rep.macro_f1, {"macro_f1": rep.macro_f1, "accuracy": rep.accuracy}

    def finish() -> dict[str, Any]:
        logits = dev_logits()
        temperature = fit_temperature(logits, dev_y, True)
        settings = {"task": "text-classification", "normalize_preset": preset, "max_length": args.max_length,
                    "temperature": temperature, "pad_id": pad_id, "pair_column": args.pair_column,
                    "text_column": args.text_column, "label_column": args.label_column,
                    "description": args.description}
        setattr(model.config, TEXT_CLASSIFICATION_KEY, settings)
        rep = classification_report([labels[i] for i in dev_y], [labels[i] for i in logits.argmax(1)], labels)
        calibration = {"temperature": temperature, "dev_rows": len(dev_x), "labels": labels,
                       "dev": {"macro_f1": rep.macro_f1, "accuracy": rep.accuracy}}
        _write_training(args, calibration)
        model.save_pretrained(str(args.output), safe_serialization=True)
        fast.save_pretrained(str(args.output))
        return calibration

    return _Job(model, prefix, train_ids, pad_id, len(dev_x), loss, score, finish)


def _write_training(args: TrainArgs, calibration: dict[str, Any]) -> None:
    """training.json: the arguments, the run's history (from the checkpoint) and calibration."""
    state_path = args.output / CHECKPOINT_DIR / "state.json"
    state = json.loads(state_path.read_text("utf-8")) if state_path.is_file() else {}
    base = Path(args.base_model) / "pretraining.json"
    record = {
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(args).items()},
        "history": state.get("history", []), "best_epoch": state.get("best_epoch"),
        "best_dev_score": state.get("best_score"), "calibration": calibration,
        "encoder_pretraining": (
            {k: v for k, v in json.loads(base.read_text("utf-8")).items() if k != "loss_history"}
            if base.is_file() else None),
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / TRAINING_FILE).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", "utf-8")


# -- the loop ------------------------------------------------------------------------------

def _fresh_state() -> dict[str, Any]:
    return {"step": 0, "epoch": 0, "history": [], "best_score": -1.0, "best_epoch": -1, "bad_epochs": 0,
            "seconds": 0.0, "done": False}


def train(args: TrainArgs, log: Callable[[str], Any] = print) -> TrainResult:
    """Run (or resume) a training job; write the model into ``args.output``."""
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    if args.task not in TASKS:
        raise TrainError(f"unknown task {args.task!r}; choose from {', '.join(TASKS)}")
    _check_base(args.base_model)
    if args.threads:
        torch.set_num_threads(args.threads)
    args.output = Path(args.output)
    ckpt = args.output / CHECKPOINT_DIR
    if not args.resume and (ckpt / "state.json").is_file():
        raise TrainError(f"{ckpt} holds a checkpoint: pass --resume to continue it, or another --output")
    torch.manual_seed(args.seed)
    job = _text_classification_job(args, torch) if args.task == "text-classification" else _multitask_job(args, torch)
    model = job.model
    optimizer = _optimizer(model, job.encoder_prefix, args)
    state = _fresh_state()
    if args.resume and (ckpt / "state.json").is_file():
        state = _load_checkpoint(ckpt, model, optimizer)
        log(f"resumed from {ckpt} at step {state['step']} (epoch {state['epoch']})")
    resumed_from = state["step"]
    lengths = [len(i) for i in job.ids]
    per_epoch = len(epoch_order(lengths, args.batch_size, args.seed))
    total = per_epoch * args.epochs
    warmup = max(1, int(args.warmup * total))
    started = time.time()

    def checkpoint() -> None:
        _save_checkpoint(ckpt, model, optimizer, {**state, "seconds": state["seconds"] + time.time() - started})

    model.train()
    stopped = state["done"]
    while not stopped and state["epoch"] < args.epochs:
        batches = epoch_order(lengths, args.batch_size, args.seed + state["epoch"])
        running: list[float] = []
        for offset in range(state["step"] - state["epoch"] * per_epoch, per_epoch):
            if args.max_steps is not None and state["step"] >= args.max_steps:
                stopped = True
                break
            rows = batches[offset]
            torch.manual_seed(args.seed * 1_000_003 + state["step"])  # dropout, reproducible on resume
            _, input_ids, mask = next(padded_batches([job.ids[i] for i in rows], job.pad_id, len(rows),
                                                     range(len(rows))))
            factor = lr_factor(state["step"], total, warmup)
            for group in optimizer.param_groups:
                group["lr"] = group["base_lr"] * factor
            loss = job.loss(rows, input_ids, mask)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            running.append(float(loss.detach()))
            state["step"] += 1
            if args.checkpoint_every and state["step"] % args.checkpoint_every == 0:
                checkpoint()
        if stopped:
            break
        score, metrics = job.dev_score()
        state["epoch"] += 1
        entry = {"epoch": state["epoch"], "step": state["step"], "train_loss": round(float(np.mean(running or [math.nan])), 4),
                 "dev_score": score, **metrics, "minutes": round((state["seconds"] + time.time() - started) / 60, 2)}
        state["history"].append(entry)
        log(json.dumps(entry))
        if score > state["best_score"]:
            state.update(best_score=score, best_epoch=state["epoch"], bad_epochs=0)
            _save_best(ckpt, model)
        else:
            state["bad_epochs"] += 1
            if state["bad_epochs"] >= args.patience:
                log(f"early stop: no dev improvement for {args.patience} epochs")
                stopped = True
        checkpoint()
    state["done"] = args.max_steps is None or state["step"] < args.max_steps
    checkpoint()
    if state["best_epoch"] < 0:  # stopped by max_steps before any evaluation: keep the last weights
        _save_best(ckpt, model)
    _load_best(ckpt, model)
    model.eval()
    calibration = job.finish()
    seconds = state["seconds"] + time.time() - started
    log(f"saved {args.output} (best epoch {state['best_epoch']}, dev score {state['best_score']:.4f})")
    return TrainResult(
        output=args.output, task=args.task, steps=state["step"], epochs_run=state["epoch"],
        best_epoch=state["best_epoch"], best_dev_score=state["best_score"], dev=calibration["dev"],
        history=state["history"], seconds=round(seconds, 1), resumed_from_step=resumed_from,
        n_train=len(job.ids), n_dev=job.n_dev, calibration=calibration,
    )
