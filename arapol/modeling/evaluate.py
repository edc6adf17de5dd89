"""Evaluate a model (or any predictions) on labelled posts: scores, breakdowns, fairness.

Two kinds of model directory:

- an arapol multi-task model (``config.json`` with an ``"arapol"`` section): stance
  (favor/against/none, toward the gold target), slogan and attack, broken down by main
  target, script and source, plus per-target error rates (fairness);
- a single-label classifier written by ``arapol train --task text-classification``
  (``config.json`` with ``"arapol_text_classification"``): per-label scores.

``evaluate_model`` returns a report dataclass; ``write_report`` saves it as JSON plus a
confusion-matrix PNG.

>>> import tempfile, warnings
>>> from arapol.modeling.tiny import make_random_model
>>> from arapol.modeling.data import Post
>>> posts = [Post("صوتوا على الحمامة", "RNI", "favor", True, False, ()),
...          Post("الحكومة فاشلة", "GOV", "against", False, True, ("GOV",))]
>>> report = evaluate_posts(make_random_model(tempfile.mkdtemp()), posts)
>>> report.stance.labels, report.n_posts
(['favor', 'against', 'none'], 2)
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from arapol.modeling.config import ArapolConfig
from arapol.modeling.data import (
    CORPUS_NAMES,
    Labelled,
    Post,
    load_labelled,
    load_posts,
    model_text,
    stance_target,
)
from arapol.modeling.metrics import (
    ClassReport,
    binary_report,
    classification_report,
    expected_calibration_error,
    rate,
    sigmoid,
    softmax,
)

if TYPE_CHECKING:
    from arapol.modeling.model import LoadedModel, Precision

__all__ = [
    "TEXT_CLASSIFICATION_KEY",
    "calibration_errors",
    "post_logits",
    "FairnessRow",
    "GroupScores",
    "MultiTaskReport",
    "PostPredictions",
    "TextClassificationReport",
    "encode",
    "evaluate_model",
    "evaluate_posts",
    "is_multitask_model",
    "multitask_logits",
    "multitask_report",
    "predict_posts",
    "predictions_from_logits",
    "print_report",
    "report_dict",
    "script_group",
    "sequence_logits",
    "text_classification_report",
    "write_report",
]

TEXT_CLASSIFICATION_KEY = "arapol_text_classification"
STANCES = ["favor", "against", "none"]


# -- forward passes -----------------------------------------------------------------------

def encode(tokenizer: Any, texts: Sequence[str], pairs: Sequence[str | None] | None = None) -> list[list[int]]:
    """Token ids from a ``tokenizers.Tokenizer`` (truncation already enabled on it)."""
    if pairs is not None and any(p is not None for p in pairs):
        return [e.ids for e in tokenizer.encode_batch(list(zip(texts, pairs, strict=True)))]
    return [e.ids for e in tokenizer.encode_batch(list(texts))]


def padded_batches(ids: Sequence[Sequence[int]], pad_id: int, batch_size: int,
                   order: Sequence[int] | None = None) -> Iterator[tuple[list[int], Any, Any]]:
    """(positions, input_ids, attention_mask) torch batches; default order: by length."""
    import torch

    if order is None:
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), batch_size):
        positions = list(order[start:start + batch_size])
        width = max(len(ids[i]) for i in positions)
        input_ids = np.full((len(positions), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(positions), width), dtype=np.int64)
        for row, i in enumerate(positions):
            input_ids[row, :len(ids[i])] = ids[i]
            mask[row, :len(ids[i])] = 1
        yield positions, torch.from_numpy(input_ids), torch.from_numpy(mask)


def _collect(forward: Callable[[Any, Any], dict[str, Any]], ids: Sequence[Sequence[int]], pad_id: int,
             batch_size: int) -> dict[str, np.ndarray]:
    import torch

    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    positions: list[int] = []
    with torch.inference_mode():
        for pos, input_ids, mask in padded_batches(ids, pad_id, batch_size):
            positions += pos
            for name, value in forward(input_ids, mask).items():
                parts[name].append(value.float().cpu().numpy())
    inverse = np.argsort(np.array(positions, dtype=np.int64))
    return {name: np.concatenate(chunks)[inverse] for name, chunks in parts.items()}


def multitask_logits(model: Any, ids: Sequence[Sequence[int]], pad_id: int, batch_size: int = 64,
                     texts: Sequence[str] | None = None, encoder_only: bool = False) -> dict[str, np.ndarray]:
    """Raw logits of an ``ArapolModel`` (eval mode is the caller's business), in input order.

    A model with wide heads needs the model ``texts`` (its temperatures and thresholds were
    fitted on encoder + wide logits), unless ``encoder_only`` asks for the encoder's alone.
    """
    if model.wide is not None and texts is None and not encoder_only:
        raise ValueError("this model has wide n-gram heads: pass the model texts (or encoder_only=True)")
    def forward(input_ids: Any, mask: Any) -> dict[str, Any]:
        out = model(input_ids, mask)
        return {"stance": out.stance, "slogan": out.slogan, "attack": out.attack,
                "attack_targets": out.attack_targets}

    logits = _collect(forward, ids, pad_id, batch_size)
    wide = model.wide.logits(texts) if texts is not None and model.wide is not None and not encoder_only else {}
    return {name: value + wide[name] if name in wide else value for name, value in logits.items()}


def sequence_logits(model: Any, ids: Sequence[Sequence[int]], pad_id: int, batch_size: int = 64) -> np.ndarray:
    """(N, C) logits of a transformers sequence-classification model, in input order."""
    return _collect(lambda i, m: {"logits": model(input_ids=i, attention_mask=m).logits},
                    ids, pad_id, batch_size)["logits"]


# -- multi-task predictions ---------------------------------------------------------------

@dataclass
class PostPredictions:
    """Labels for N posts: stance toward ``stance_targets`` (None: ``none`` by rule)."""

    stance: list[str]
    stance_targets: list[str | None]
    slogan: list[bool]
    attack: list[bool]
    attack_targets: list[tuple[str, ...]]


def _attacked(scores: np.ndarray, actors: Sequence[str], threshold: float) -> tuple[str, ...]:
    chosen = tuple(a for a, s in zip(actors, scores, strict=True) if s >= threshold)
    return chosen or (actors[int(np.argmax(scores))],)


def predictions_from_logits(posts: Sequence[Post], logits: dict[str, np.ndarray],
                            config: ArapolConfig) -> PostPredictions:
    """Labels as the pipeline gives them: calibrated probabilities, config thresholds, stance
    toward the gold target (else the main actor; ``none`` when there is neither); an attack's
    actor is that target, else the attacked-actors head's (as the pipeline does)."""
    t, thr = config.temperature, config.thresholds
    index = {a: i for i, a in enumerate(config.actors)}
    slogan = sigmoid(logits["slogan"], t["slogan"]) >= thr["slogan"]
    attack = sigmoid(logits["attack"], t["attack"]) >= thr["attack"]
    attacked = sigmoid(logits["attack_targets"], t["attack_targets"])
    targets = [stance_target(p) for p in posts]
    stance = [
        config.stance_labels[int(np.argmax(logits["stance"][i, index[a]]))] if a in index else "none"
        for i, a in enumerate(targets)
    ]
    return PostPredictions(
        stance=stance, stance_targets=targets, slogan=[bool(x) for x in slogan],
        attack=[bool(x) for x in attack],
        attack_targets=[() if not attack[i] else (targets[i],) if targets[i] in index
                        else _attacked(attacked[i], config.actors, thr["attack_targets"]) for i in range(len(posts))],
    )


def post_logits(loaded: LoadedModel, posts: Sequence[Post], batch_size: int = 64) -> dict[str, np.ndarray]:
    """Raw logits (encoder + wide heads) of ``posts``, read as the pipeline reads them."""
    cfg = loaded.config
    texts = [model_text(p.text, cfg.normalize_preset, cfg.max_length) for p in posts]
    return multitask_logits(loaded.model, encode(loaded.tokenizer, texts), loaded.pad_id, batch_size, texts)


def predict_posts(loaded: LoadedModel, posts: Sequence[Post], batch_size: int = 64) -> PostPredictions:
    """Label ``posts`` with a loaded arapol model (``arapol.modeling.model.load_model``)."""
    return predictions_from_logits(posts, post_logits(loaded, posts, batch_size), loaded.config)


def calibration_errors(loaded: LoadedModel, posts: Sequence[Post], batch_size: int = 64) -> dict[str, dict[str, float]]:
    """ECE of each head's predicted labels on ``posts``, with the config's temperatures
    ("calibrated") and with T = 1 ("uncalibrated"). Stance: posts with a gold target; binary
    heads: the label at 0.5 and its probability."""
    cfg = loaded.config
    logits = post_logits(loaded, posts, batch_size)
    index = {a: i for i, a in enumerate(cfg.actors)}
    rows = [i for i, p in enumerate(posts) if p.target in index]
    stance_logits = logits["stance"][rows, [index[posts[i].target] for i in rows]]
    stance_gold = np.array([cfg.stance_labels.index(posts[i].stance) for i in rows])
    out: dict[str, dict[str, float]] = {"stance": {}, "slogan": {}, "attack": {}}
    for name, temps in (("calibrated", cfg.temperature), ("uncalibrated", dict.fromkeys(cfg.temperature, 1.0))):
        probs = softmax(stance_logits, temps["stance"])
        out["stance"][name] = expected_calibration_error(probs.max(-1), probs.argmax(-1) == stance_gold)
        for head in ("slogan", "attack"):
            p = sigmoid(logits[head], temps[head])
            gold = np.array([bool(getattr(x, head)) for x in posts])
            out[head][name] = expected_calibration_error(np.maximum(p, 1 - p), (p >= 0.5) == gold)
    return out


# -- multi-task report --------------------------------------------------------------------

def script_group(post: Post) -> str:
    """arabic, arabizi (Latin Darija), amazigh (Tifinagh or Latin Amazigh), latin-other
    (French, English), mixed or other; from ``arapol.text.detect`` on the text.

    >>> script_group(Post("l7koma fachla", None, "none", False, False, ()))
    'arabizi'
    """
    from arapol.text.detect import detect

    d = detect(post.text)
    if d.script == "tifinagh" or (d.script == "latin" and d.lang == "amazigh"):
        return "amazigh"
    if d.script == "latin":
        return "arabizi" if d.lang == "darija" else "latin-other"
    return d.script


@dataclass(frozen=True)
class GroupScores:
    """Scores on one group of posts (a target, a script, a source)."""

    n: int
    n_stance: int  # posts with a gold target
    stance_macro_f1: float | None
    slogan_positives: int
    slogan_f1: float | None
    attack_positives: int
    attack_f1: float | None


@dataclass(frozen=True)
class FairnessRow:
    """Error rates for posts whose gold main target is ``target`` (None: no posts to rate).

    ``against_fpr``: share of its non-against posts predicted against; ``against_fnr``: share
    of its against posts not predicted against (same for favor). ``attack_*``: the attack
    label on the same posts. ``attacked_*``: the actor as an attacked actor, over all posts
    (FPR: predicted attacked among posts that do not attack it).
    """

    target: str
    n: int
    stance_error: float | None
    against_fpr: float | None
    against_fnr: float | None
    favor_fpr: float | None
    favor_fnr: float | None
    attack_fpr: float | None
    attack_fnr: float | None
    attacked_n: int
    attacked_fpr: float | None
    attacked_fnr: float | None


@dataclass
class MultiTaskReport:
    """Scores of one model on one set of posts."""

    model: str
    data: str
    split: str
    origin: str | None
    n_posts: int
    stance: ClassReport  # posts with a gold target, stance toward it
    stance_all: ClassReport  # every post; no gold target -> main actor, else none by rule
    slogan: ClassReport
    attack: ClassReport
    attack_targets_f1: float | None  # micro-F1 of attacked actors, on posts both call attacks
    by_target: dict[str, GroupScores] = field(default_factory=dict)
    by_script: dict[str, GroupScores] = field(default_factory=dict)
    by_source: dict[str, GroupScores] = field(default_factory=dict)
    fairness: list[FairnessRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def headline(self) -> dict[str, float]:
        """stance macro-F1 (gold targets), slogan F1 and attack F1 (positive class)."""
        return {"stance_macro_f1": self.stance.macro_f1, "slogan_f1": self.slogan.positive.f1,
                "attack_f1": self.attack.positive.f1}


def _group_scores(posts: Sequence[Post], preds: PostPredictions, rows: list[int]) -> GroupScores:
    stance_rows = [i for i in rows if posts[i].target is not None]
    slogan = binary_report([posts[i].slogan for i in rows], [preds.slogan[i] for i in rows])
    attack = binary_report([posts[i].attack for i in rows], [preds.attack[i] for i in rows])
    stance = (classification_report([posts[i].stance for i in stance_rows], [preds.stance[i] for i in stance_rows],
                                    STANCES).macro_f1 if stance_rows else None)
    return GroupScores(
        n=len(rows), n_stance=len(stance_rows), stance_macro_f1=stance,
        slogan_positives=slogan.positive.support,
        slogan_f1=slogan.positive.f1 if slogan.positive.support else None,
        attack_positives=attack.positive.support,
        attack_f1=attack.positive.f1 if attack.positive.support else None,
    )


def _breakdown(posts: Sequence[Post], preds: PostPredictions, key: Callable[[Post], str]) -> dict[str, GroupScores]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, post in enumerate(posts):
        groups[key(post)].append(i)
    return {name: _group_scores(posts, preds, rows)
            for name, rows in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


def _label_rates(gold: list[str], pred: list[str], label: str) -> tuple[float | None, float | None]:
    pos = [p == label for g, p in zip(gold, pred, strict=True) if g == label]
    neg = [p == label for g, p in zip(gold, pred, strict=True) if g != label]
    return rate(sum(neg), len(neg)), rate(len(pos) - sum(pos), len(pos))


def _fairness(posts: Sequence[Post], preds: PostPredictions, actors: Sequence[str]) -> list[FairnessRow]:
    out = []
    for actor in actors:
        rows = [i for i, p in enumerate(posts) if p.target == actor]
        gold = [posts[i].stance for i in rows]
        pred = [preds.stance[i] for i in rows]
        gold_attack = [posts[i].attack for i in rows]
        pred_attack = [preds.attack[i] for i in rows]
        attacked_gold = [actor in p.attack_targets for p in posts]
        attacked_pred = [actor in t for t in preds.attack_targets]
        a_fpr, a_fnr = _label_rates(gold, pred, "against")
        f_fpr, f_fnr = _label_rates(gold, pred, "favor")
        at_fpr, at_fnr = _label_rates([str(x) for x in gold_attack], [str(x) for x in pred_attack], "True")
        t_fpr, t_fnr = _label_rates([str(x) for x in attacked_gold], [str(x) for x in attacked_pred], "True")
        out.append(FairnessRow(
            target=actor, n=len(rows),
            stance_error=rate(sum(g != p for g, p in zip(gold, pred, strict=True)), len(rows)),
            against_fpr=a_fpr, against_fnr=a_fnr, favor_fpr=f_fpr, favor_fnr=f_fnr,
            attack_fpr=at_fpr, attack_fnr=at_fnr, attacked_n=sum(attacked_gold),
            attacked_fpr=t_fpr, attacked_fnr=t_fnr,
        ))
    return out


def _attack_targets_f1(posts: Sequence[Post], preds: PostPredictions) -> float | None:
    tp = fp = fn = 0
    for post, attacked, predicted in zip(posts, preds.attack, preds.attack_targets, strict=True):
        if post.attack and attacked:
            gold, pred = set(post.attack_targets), set(predicted)
            tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else None


def multitask_report(posts: Sequence[Post], preds: PostPredictions, *, model: str = "", data: str = "",
                     split: str = "", origin: str | None = None,
                     actors: Sequence[str] | None = None) -> MultiTaskReport:
    """Scores, breakdowns (target, script, source) and fairness rows of ``preds``."""
    actors = list(actors or ArapolConfig().actors)
    with_target = [i for i, p in enumerate(posts) if p.target is not None]
    return MultiTaskReport(
        model=model, data=data, split=split, origin=origin, n_posts=len(posts),
        stance=classification_report([posts[i].stance for i in with_target],
                                     [preds.stance[i] for i in with_target], STANCES),
        stance_all=classification_report([p.stance for p in posts], preds.stance, STANCES),
        slogan=binary_report([p.slogan for p in posts], preds.slogan),
        attack=binary_report([p.attack for p in posts], preds.attack),
        attack_targets_f1=_attack_targets_f1(posts, preds),
        by_target=_breakdown(posts, preds, lambda p: p.target or "(none)"),
        by_script=_breakdown(posts, preds, script_group),
        by_source=_breakdown(posts, preds, lambda p: p.source or "(unknown)"),
        fairness=_fairness(posts, preds, actors),
    )


def _select(posts: list[Post], origin: str | None) -> list[Post]:
    return [p for p in posts if origin is None or p.origin == origin]


def evaluate_posts(model_dir: str | Path, posts: Sequence[Post], batch_size: int = 64,
                   precision: Precision = "float32", **meta: Any) -> MultiTaskReport:
    """Label ``posts`` with an arapol model (``precision`` as ``arapol label --precision``) and score them."""
    from arapol.modeling.model import load_model

    loaded = load_model(model_dir, precision=precision)
    preds = predict_posts(loaded, posts, batch_size)
    return multitask_report(posts, preds, model=str(model_dir), actors=loaded.config.actors, **meta)


# -- text classification ------------------------------------------------------------------

@dataclass
class TextClassificationReport:
    """Scores of a single-label classifier; ``favor_against_f1`` is the mean F1 of the labels
    named favor and against (any case) when both exist: the StanceEval / SemEval-2016 F."""

    model: str
    data: str
    split: str
    report: ClassReport
    favor_against_f1: float | None = None

    @property
    def headline(self) -> dict[str, float]:
        out = {"macro_f1": self.report.macro_f1, "accuracy": self.report.accuracy}
        if self.favor_against_f1 is not None:
            out["favor_against_f1"] = self.favor_against_f1
        return out


def text_classification_report(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str], *,
                               model: str = "", data: str = "", split: str = "") -> TextClassificationReport:
    """Per-label scores, plus the favor/against F when the labels include both."""
    report = classification_report(gold, pred, labels)
    lower = {label.lower(): label for label in labels}
    fa = None
    if "favor" in lower and "against" in lower:
        fa = round((report.per_label[lower["favor"]].f1 + report.per_label[lower["against"]].f1) / 2, 4)
    return TextClassificationReport(model, data, split, report, fa)


def is_multitask_model(model_dir: str | Path) -> bool:
    """True for an arapol multi-task model directory, False for a text classifier."""
    config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    if "arapol" in config:
        return True
    if TEXT_CLASSIFICATION_KEY in config:
        return False
    raise ValueError(f"{model_dir} is neither an arapol model nor an arapol text classifier")


def load_text_classifier(model_dir: str | Path) -> tuple[Any, Any, dict[str, Any]]:
    """(model in eval mode, raw tokenizers.Tokenizer with truncation, settings); safetensors
    only, never remote code."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model_dir = Path(model_dir)
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if "auto_map" in config:
        raise ValueError(f"{model_dir} asks for remote code (auto_map); arapol never runs it")
    settings = config[TEXT_CLASSIFICATION_KEY]
    model = AutoModelForSequenceClassification.from_pretrained(
        str(model_dir), use_safetensors=True, trust_remote_code=False).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), trust_remote_code=False).backend_tokenizer
    tokenizer.enable_truncation(settings["max_length"])
    tokenizer.no_padding()
    return model, tokenizer, settings


def classify(model_dir: str | Path, examples: Sequence[Labelled], batch_size: int = 64) -> tuple[list[str], np.ndarray]:
    """(predicted labels, calibrated probabilities) of a text classifier on ``examples``."""
    model, tokenizer, settings = load_text_classifier(model_dir)
    texts = [model_text(x.text, settings["normalize_preset"], settings["max_length"]) for x in examples]
    ids = encode(tokenizer, texts, [x.pair for x in examples])
    probs = softmax(sequence_logits(model, ids, settings["pad_id"], batch_size), settings["temperature"])
    labels = [model.config.id2label[i] for i in range(probs.shape[1])]
    return [labels[i] for i in probs.argmax(1)], probs


# -- entry point and output ---------------------------------------------------------------

def evaluate_model(model_dir: str | Path, data: str | Path = "arapol-pol", split: str = "test",
                   origin: str | None = None, *, text_column: str = "text", label_column: str = "label",
                   pair_column: str | None = None, batch_size: int = 64,
                   ) -> MultiTaskReport | TextClassificationReport:
    """Evaluate a model directory on a split (``all``: every split) of the corpus or a table."""
    splits = [split] if split != "all" else ["train", "dev", "test"]
    if is_multitask_model(model_dir):
        loaded = load_posts(data)
        posts = _select([p for s in splits for p in loaded[s]], origin)
        if not posts:
            raise ValueError(f"no posts in {data} split {split!r} with origin {origin!r}")
        return evaluate_posts(model_dir, posts, batch_size, data=str(data), split=split, origin=origin)
    if origin is not None and str(data) not in CORPUS_NAMES:
        raise ValueError("--origin applies to the arapol-pol corpus only")
    table = load_labelled(data, text_column, label_column, pair_column)
    examples = [x for s in splits for x in table[s]]
    if not examples:
        raise ValueError(f"no rows in {data} split {split!r}")
    pred, _ = classify(model_dir, examples, batch_size)
    labels = sorted({x.label for x in examples} | set(pred))
    return text_classification_report([x.label for x in examples], pred, labels, model=str(model_dir),
                                       data=str(data), split=split)


def _confusions(report: MultiTaskReport | TextClassificationReport) -> dict[str, ClassReport]:
    if isinstance(report, TextClassificationReport):
        return {"label": report.report}
    return {"stance (gold targets)": report.stance, "slogan": report.slogan, "attack": report.attack}


def plot_confusions(reports: dict[str, ClassReport], path: Path, title: str) -> Path:
    """One confusion-matrix panel per report (rows gold, columns predicted), matplotlib Agg."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(reports), figsize=(4.2 * len(reports), 4.2), squeeze=False)
    for ax, (name, rep) in zip(axes[0], reports.items(), strict=True):
        matrix = np.array(rep.confusion)
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(rep.labels)), rep.labels, rotation=45, ha="right")
        ax.set_yticks(range(len(rep.labels)), rep.labels)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        positive = f"F1(true) {rep.positive.f1:.3f}, " if rep.labels == ["false", "true"] else ""
        ax.set_title(f"{name}\n{positive}macro-F1 {rep.macro_f1:.3f}, n={rep.n}", fontsize=9)
        for (r, c), value in np.ndenumerate(matrix):
            ax.text(c, r, str(value), ha="center", va="center",
                    color="white" if value > matrix.max() / 2 else "black", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def report_dict(report: MultiTaskReport | TextClassificationReport) -> dict[str, Any]:
    """JSON-ready dict, headline figures included."""
    return {**asdict(report), "headline": report.headline}


def write_report(report: MultiTaskReport | TextClassificationReport, out_dir: str | Path,
                 stem: str = "eval") -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``<stem>_confusion.png`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{stem}.json"
    json_path.write_text(json.dumps(report_dict(report), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    title = f"{'/'.join(Path(report.model).parts[-2:]) or report.model} on {report.data} [{report.split}]"
    png = plot_confusions(_confusions(report), out_dir / f"{stem}_confusion.png", title)
    return json_path, png


def _label_lines(rep: ClassReport, name: str) -> list[str]:
    lines = [f"{name} (n={rep.n}): macro-F1 {rep.macro_f1:.4f}, accuracy {rep.accuracy:.4f}",
             f"  {'label':<12}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>9}"]
    lines += [f"  {label:<12}{s.precision:>10.4f}{s.recall:>10.4f}{s.f1:>10.4f}{s.support:>9}"
              for label, s in rep.per_label.items()]
    return lines


def _fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:.3f}"


def print_report(report: MultiTaskReport | TextClassificationReport, echo: Callable[[str], Any] = print) -> None:
    """Human-readable report: per-label P/R/F1, macro-F1, breakdowns, fairness."""
    if isinstance(report, TextClassificationReport):
        for line in _label_lines(report.report, "label"):
            echo(line)
        if report.favor_against_f1 is not None:
            echo(f"F(favor, against) = {report.favor_against_f1:.4f}")
        return
    echo(f"{report.n_posts} posts ({report.data}, split {report.split}, origin {report.origin or 'all'})")
    for rep, name in ((report.stance, "stance, posts with a gold target"),
                      (report.stance_all, "stance, all posts (no gold target: main actor or none)"),
                      (report.slogan, "slogan"), (report.attack, "attack")):
        for line in _label_lines(rep, name):
            echo(line)
    echo(f"attacked actors micro-F1 (posts both call attacks): {_fmt(report.attack_targets_f1)}")
    for title, groups in (("main target", report.by_target), ("script", report.by_script),
                          ("source", report.by_source)):
        echo(f"by {title}: {'group':<16}{'n':>5}{'stance':>8}{'slogan':>8}{'(pos)':>6}{'attack':>8}{'(pos)':>6}")
        for name, g in groups.items():
            echo(f"    {'':<{len(title)}}  {name:<16}{g.n:>5}{_fmt(g.stance_macro_f1):>8}{_fmt(g.slogan_f1):>8}"
                 f"{g.slogan_positives:>6}{_fmt(g.attack_f1):>8}{g.attack_positives:>6}")
    echo("fairness (posts by gold main target): error rates")
    echo(f"  {'target':<10}{'n':>4}{'st.err':>8}{'ag.FPR':>8}{'ag.FNR':>8}{'fa.FPR':>8}{'fa.FNR':>8}"
         f"{'at.FPR':>8}{'at.FNR':>8}{'attacked':>9}{'FPR':>7}{'FNR':>7}")
    for r in report.fairness:
        echo(f"  {r.target:<10}{r.n:>4}{_fmt(r.stance_error):>8}{_fmt(r.against_fpr):>8}{_fmt(r.against_fnr):>8}"
             f"{_fmt(r.favor_fpr):>8}{_fmt(r.favor_fnr):>8}{_fmt(r.attack_fpr):>8}{_fmt(r.attack_fnr):>8}"
             f"{r.attacked_n:>9}{_fmt(r.attacked_fpr):>7}{_fmt(r.attacked_fnr):>7}")
