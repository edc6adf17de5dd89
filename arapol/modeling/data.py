"""Training data: the arapol-pol corpus or any CSV / JSONL / Parquet file -> examples.

Two kinds of examples:

- :class:`Post`, for the multi-task model (text, target, stance, slogan, attack, attacked
  actors), from the corpus (``"arapol-pol"``) or a table with those columns;
- :class:`Labelled`, for a plain single-label classifier (``--task text-classification``),
  from a table's ``text_column`` / ``label_column`` (optionally a ``pair_column``, e.g. the
  stance target of Mawqif).

Splits come from a ``split`` column (``train``/``dev``/``test``; ``validation`` means dev)
when the data has one; otherwise every row is ``train`` and :func:`carve_dev` moves a
fixed 10% (by the hash of the text) into ``dev``.

>>> rows = [{"text": "صوتوا على الحمامة", "label": "slogan"}, {"text": "الحكومة فاشلة", "label": "attack"}]
>>> [(x.text, x.label) for x in labelled_rows(rows, "text", "label")]
[('صوتوا على الحمامة', 'slogan'), ('الحكومة فاشلة', 'attack')]
>>> multitask_targets([Post("صوتوا على الحمامة", "RNI", "favor", True, False, ())], ["PJD", "RNI"],
...                   ["favor", "against", "none"]).stance.tolist()
[[-100, 0]]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from arapol.actors import find_actors, main_actor
from arapol.text.normalize import normalize

__all__ = [
    "AUX_AGAINST_WEIGHT",
    "AUX_NONE_WEIGHT",
    "CHARS_PER_TOKEN",
    "CORPUS_NAMES",
    "IGNORE",
    "SPLITS",
    "DataError",
    "Labelled",
    "MultiTaskTargets",
    "Post",
    "carve_dev",
    "load_labelled",
    "load_posts",
    "labelled_rows",
    "model_text",
    "multitask_targets",
    "post_rows",
    "read_table",
    "stance_target",
]

CORPUS_NAMES = ("arapol-pol",)
SPLITS = ("train", "dev", "test")
IGNORE = -100  # stance label index that contributes no loss
CHARS_PER_TOKEN = 16  # as the pipeline: the model text is cut at max_length * 16 characters
DEV_SHARE = 10  # percent of rows moved to dev when the data has no split column
# auxiliary stance examples toward actors other than the gold target (see multitask_targets)
AUX_AGAINST_WEIGHT = 0.3
AUX_NONE_WEIGHT = 0.02  # per actor: about 0.2 of a gold example per post over the 11 actors


class DataError(ValueError):
    """Data that cannot be turned into training examples (missing column, bad label...)."""


@dataclass(frozen=True)
class Post:
    """One post with the arapol labels; ``target`` None means no political actor."""

    text: str
    target: str | None
    stance: str
    slogan: bool
    attack: bool
    attack_targets: tuple[str, ...]
    id: str = ""
    origin: str = "real"
    source: str = ""
    script: str = ""


@dataclass(frozen=True)
class Labelled:
    """One text with a single label (and an optional second segment, e.g. a stance target)."""

    text: str
    label: str
    pair: str | None = None


# -- reading ------------------------------------------------------------------------------

def read_table(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a CSV, TSV, JSONL / JSON-lines or Parquet file, or of a ``datasets`` folder
    (``save_to_disk``; a DatasetDict's split names fill the ``split`` column).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("text,label\\nbravo,P\\n", encoding="utf-8")
    >>> read_table(p)
    [{'text': 'bravo', 'label': 'P'}]
    """
    import pandas as pd

    path = Path(path)
    if path.is_dir():
        from datasets import load_from_disk

        ds = load_from_disk(str(path))  # Arrow files and JSON metadata: nothing is unpickled
        if hasattr(ds, "keys"):
            return [{**row, "split": name} for name in ds for row in _named_rows(ds[name])]
        return _named_rows(ds)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep="\t" if suffix == ".tsv" else ",")
    elif suffix in (".jsonl", ".ndjson", ".json"):
        frame = pd.read_json(path, lines=suffix != ".json", dtype=False)
    elif suffix in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    else:
        raise DataError(f"{path}: unknown file type {suffix!r} (use .csv, .tsv, .jsonl or .parquet)")
    return frame.to_dict("records")


def _named_rows(ds: Any) -> list[dict[str, Any]]:
    """Rows of a ``datasets.Dataset`` with ClassLabel columns as their label names."""
    from datasets import ClassLabel

    names = {c: f for c, f in ds.features.items() if isinstance(f, ClassLabel)}
    return [{k: names[k].int2str(v) if k in names and v is not None and v >= 0 else v for k, v in row.items()}
            for row in ds.to_list()]


def _split_name(value: Any) -> str:
    name = str(value).strip().lower()
    name = {"validation": "dev", "valid": "dev", "val": "dev"}.get(name, name)
    if name not in SPLITS:
        raise DataError(f"unknown split {value!r} (expected train, dev/validation or test)")
    return name


def _by_split(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by their ``split`` column, or all in ``train`` without one."""
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    for row in rows:
        out[_split_name(row["split"]) if row.get("split") not in (None, "") else "train"].append(row)
    return out


def carve_dev(splits: dict[str, list[Any]], key: Any = None, share: int = DEV_SHARE) -> dict[str, list[Any]]:
    """Move ``share``% of train (chosen by sha256 of ``key(example)``, default its text) to dev
    when dev is empty; deterministic, independent of row order.

    >>> s = carve_dev({"train": [Labelled(str(i), "x") for i in range(100)], "dev": [], "test": []})
    >>> len(s["train"]), len(s["dev"])
    (88, 12)
    """
    if splits["dev"]:
        return splits
    key = key or (lambda example: example.text)
    to_dev = [_bucket(key(x)) < share for x in splits["train"]]
    return {**splits, "train": [x for x, d in zip(splits["train"], to_dev, strict=True) if not d],
            "dev": [x for x, d in zip(splits["train"], to_dev, strict=True) if d]}


def _bucket(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 100


# -- posts (multi-task) -------------------------------------------------------------------

def _bool(value: Any, column: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "1.0"):
        return True
    if text in ("false", "0", "no", "0.0", ""):
        return False
    raise DataError(f"column {column!r}: {value!r} is not a boolean")


def _actor_list(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("["):
            value = json.loads(value)
        else:
            value = [v for v in value.replace(",", ";").replace("|", ";").split(";")]
    return tuple(str(v).strip().upper() for v in value if str(v).strip())


def _target(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().upper()
    return None if text in ("", "-", "NONE", "NULL") else text


def post_rows(rows: Iterable[Mapping[str, Any]], text_column: str = "text") -> list[Post]:
    """Posts from dict rows with the corpus columns (``target`` ``stance`` ``slogan`` ``attack``
    ``attack_targets``; ``id`` ``origin`` ``source`` ``script`` optional)."""
    posts = []
    for i, row in enumerate(rows):
        try:
            text = row[text_column]
            posts.append(Post(
                text=str(text), target=_target(row.get("target")),
                stance=str(row.get("stance") or "none").strip().lower(),
                slogan=_bool(row.get("slogan", False), "slogan"),
                attack=_bool(row.get("attack", False), "attack"),
                attack_targets=_actor_list(row.get("attack_targets")),
                id=str(row.get("id", i)), origin=str(row.get("origin") or "real"),
                source=str(row.get("source") or ""), script=str(row.get("script") or ""),
            ))
        except KeyError as e:
            raise DataError(f"row {i} has no column {e}") from None
    return posts


def load_posts(data: str | Path, corpus_path: str | Path | None = None) -> dict[str, list[Post]]:
    """train/dev/test posts from the corpus name ``arapol-pol`` or a table file."""
    if str(data) in CORPUS_NAMES:
        from arapol.corpora import load

        ds = load(str(data), corpus_path=corpus_path)
        return {split: post_rows(ds[split]) for split in SPLITS}
    splits = {s: post_rows(rows) for s, rows in _by_split(read_table(data)).items()}
    return carve_dev(splits)


# -- labelled texts (text classification) -------------------------------------------------

def labelled_rows(rows: Iterable[Mapping[str, Any]], text_column: str, label_column: str,
                  pair_column: str | None = None) -> list[Labelled]:
    """Single-label examples; rows with an empty text or label are an error."""
    out = []
    for i, row in enumerate(rows):
        missing = [c for c in (text_column, label_column, pair_column) if c and c not in row]
        if missing:
            raise DataError(f"row {i} has no column {missing[0]!r} (columns: {sorted(row)})")
        text, label = row[text_column], row[label_column]
        if text is None or label is None or str(text).strip() == "" or str(label).strip() == "":
            raise DataError(f"row {i}: empty {text_column!r} or {label_column!r}")
        pair = str(row[pair_column]) if pair_column else None
        out.append(Labelled(str(text), str(label).strip(), pair))
    return out


def load_labelled(data: str | Path, text_column: str = "text", label_column: str = "label",
                  pair_column: str | None = None, corpus_path: str | Path | None = None,
                  ) -> dict[str, list[Labelled]]:
    """train/dev/test single-label examples from a table (or a corpus column, e.g. stance)."""
    if str(data) in CORPUS_NAMES:
        from arapol.corpora import load

        ds = load(str(data), corpus_path=corpus_path)
        return {s: labelled_rows(ds[s], text_column, label_column, pair_column) for s in SPLITS}
    grouped = _by_split(read_table(data))
    return carve_dev({s: labelled_rows(r, text_column, label_column, pair_column)
                      for s, r in grouped.items()})


# -- model inputs and targets -------------------------------------------------------------

def model_text(text: str, preset: str, max_length: int) -> str:
    """The text the encoder sees: normalized like the pipeline does, cut at a character cap.

    >>> model_text("Salam https://x.ma", "model", 64)
    'salam <url>'
    """
    return normalize(text, preset)[: max_length * CHARS_PER_TOKEN]


def stance_target(post: Post) -> str | None:
    """The actor a post's stance is scored toward: its gold target, else its main actor
    (as the pipeline does when no target is given), else None (stance ``none`` by rule)."""
    return post.target or main_actor(find_actors(post.text))


@dataclass
class MultiTaskTargets:
    """Loss targets of N posts over A actors (``IGNORE`` / weight 0 where there is none)."""

    stance: np.ndarray  # (N, A) int64 label index or IGNORE
    stance_weight: np.ndarray  # (N, A) float32
    slogan: np.ndarray  # (N,) float32
    attack: np.ndarray  # (N,) float32
    attack_targets: np.ndarray  # (N, A) float32, meaningful where attack == 1


def multitask_targets(posts: Sequence[Post], actors: Sequence[str], stance_labels: Sequence[str],
                      against_weight: float = AUX_AGAINST_WEIGHT,
                      none_weight: float = AUX_NONE_WEIGHT) -> MultiTaskTargets:
    """Targets for the multi-task loss.

    Stance: the gold stance toward :func:`stance_target` (weight 1; posts with no target and
    no actor found get none). Auxiliary examples: ``against`` toward every other attacked actor
    (``against_weight``: an attack is a position against), and ``none`` toward actors that
    the post does not name and does not attack (``none_weight``: the label scheme's "talk
    about a different actor only"); a weight of 0 leaves them out. Actors named but not
    judged by the annotators get no loss.
    """
    index = {a: i for i, a in enumerate(actors)}
    labels = {s: i for i, s in enumerate(stance_labels)}
    n, a = len(posts), len(actors)
    stance = np.full((n, a), IGNORE, dtype=np.int64)
    weight = np.zeros((n, a), dtype=np.float32)
    attacked = np.zeros((n, a), dtype=np.float32)
    for row, post in enumerate(posts):
        for actor in post.attack_targets:
            if actor in index:
                attacked[row, index[actor]] = 1.0
        mentions = find_actors(post.text)
        mentioned = {m.actor for m in mentions}
        target = post.target or main_actor(mentions)
        for actor, col in index.items():
            if actor in post.attack_targets and against_weight > 0:
                stance[row, col], weight[row, col] = labels["against"], against_weight
            elif actor not in mentioned and actor not in post.attack_targets and none_weight > 0:
                stance[row, col], weight[row, col] = labels["none"], none_weight
        if target in index:
            stance[row, index[target]], weight[row, index[target]] = labels[post.stance], 1.0
    return MultiTaskTargets(
        stance=stance, stance_weight=weight,
        slogan=np.array([p.slogan for p in posts], dtype=np.float32),
        attack=np.array([p.attack for p in posts], dtype=np.float32),
        attack_targets=attacked,
    )
