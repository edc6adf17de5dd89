"""From two annotation passes and the adjudications to the standoff file ``real.jsonl``.

``corpora/annotations/pass_a/batch_NNN.jsonl`` and ``pass_b/...`` hold independent labels;
``adjudicated.jsonl`` holds the final labels (with a reason) of posts the passes disagree on.
A post enters the corpus when both passes agree on every field, or when it is adjudicated
(an adjudication always wins). Disagreements not yet adjudicated, and posts labelled in one
pass only, stay out and are counted.

    result = merge(Path("corpora/annotations"))
    write_jsonl(Path("corpora/arapol-pol/real.jsonl"), result.records)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arapol.corpora.records import LabelError, Labels, parse_id, read_jsonl
from arapol.corpora.splits import split_of

__all__ = [
    "Annotation",
    "Annotations",
    "Disagreement",
    "MergeResult",
    "disagreements",
    "merge",
    "read_annotations",
    "standoff_record",
]


@dataclass(frozen=True)
class Annotation:
    """One post's labels in one pass (or the adjudication), with the file it came from."""

    id: str
    sha256: str
    labels: Labels
    file: str
    reason: str = ""


@dataclass
class Annotations:
    """Everything under ``corpora/annotations``: pass a, pass b, adjudications, errors."""

    a: dict[str, Annotation] = field(default_factory=dict)
    b: dict[str, Annotation] = field(default_factory=dict)
    adjudicated: dict[str, Annotation] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Disagreement:
    """A post the two passes label differently, and the fields that differ."""

    id: str
    a: Annotation
    b: Annotation
    fields: list[str]


@dataclass
class MergeResult:
    """Standoff records to write, what was left out and why, and errors."""

    records: list[dict[str, Any]] = field(default_factory=list)
    agreed: int = 0
    adjudicated: int = 0
    single: int = 0
    pending: list[Disagreement] = field(default_factory=list)
    one_pass_only: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _read(path: Path, into: dict[str, Annotation], errors: list[str]) -> None:
    for record in read_jsonl(path):
        rid = record.get("id", "?")
        try:
            parse_id(rid)
            labels = Labels.from_dict(record)
        except (LabelError, ValueError) as err:
            errors.append(f"{path}: {rid}: {err}")
            continue
        annotation = Annotation(rid, str(record.get("sha256")), labels, str(path),
                                str(record.get("reason", "")))
        previous = into.get(rid)
        if previous is not None and previous.labels != labels:
            errors.append(f"{rid}: labelled differently in {previous.file} and {path}")
        into[rid] = annotation


def read_annotations(directory: Path) -> Annotations:
    """Read ``pass_a/*.jsonl``, ``pass_b/*.jsonl`` and ``adjudicated.jsonl`` (all optional)."""
    out = Annotations()
    for name, into in (("pass_a", out.a), ("pass_b", out.b)):
        for path in sorted((directory / name).glob("*.jsonl")):
            _read(path, into, out.errors)
    if (directory / "adjudicated.jsonl").is_file():
        _read(directory / "adjudicated.jsonl", out.adjudicated, out.errors)
    for rid, adjudication in out.adjudicated.items():
        if not adjudication.reason.strip():
            out.errors.append(f"{rid}: adjudication without a reason ({adjudication.file})")
    return out


def disagreements(a: dict[str, Annotation], b: dict[str, Annotation]) -> list[Disagreement]:
    """Posts labelled in both passes whose labels differ on some field, by id."""
    out = []
    for rid in sorted(a.keys() & b.keys()):
        fields = a[rid].labels.differs(b[rid].labels)
        if fields:
            out.append(Disagreement(rid, a[rid], b[rid], fields))
    return out


def standoff_record(rid: str, digest: str, labels: Labels, resolution: str,
                    split: str | None = None) -> dict[str, Any]:
    """A ``real.jsonl`` record: pointer, hash, origin, split, labels and how they were decided."""
    pointer = parse_id(rid)
    return {"id": rid, "source": pointer.source, "file": pointer.file, "key": pointer.key,
            "sha256": digest, "origin": "real", "split": split or split_of(rid),
            **labels.to_dict(), "resolution": resolution}


def merge(directory: Path, *, splits: dict[str, str] | None = None,
          allow_single: bool = False) -> MergeResult:
    """Merge the passes; ``splits`` keeps the split already stored for an id.

    ``allow_single`` also takes posts labelled in one pass only (resolution ``single``).
    """
    found = read_annotations(directory)
    result = MergeResult(errors=list(found.errors))
    splits = splits or {}
    for rid in sorted(found.a.keys() | found.b.keys() | found.adjudicated.keys()):
        sources = [x for x in (found.a.get(rid), found.b.get(rid), found.adjudicated.get(rid)) if x]
        digests = {x.sha256 for x in sources}
        if len(digests) > 1:
            result.errors.append(f"{rid}: different sha256 in {[x.file for x in sources]}")
            continue
        chosen = _decide(rid, found, result, allow_single)
        if chosen is not None:
            labels, resolution = chosen
            result.records.append(standoff_record(rid, digests.pop(), labels, resolution,
                                                  splits.get(rid)))
    return result


def _decide(rid: str, found: Annotations, result: MergeResult,
            allow_single: bool) -> tuple[Labels, str] | None:
    a, b = found.a.get(rid), found.b.get(rid)
    if rid in found.adjudicated:
        result.adjudicated += 1
        return found.adjudicated[rid].labels, "adjudicated"
    if a is not None and b is not None:
        if a.labels == b.labels:
            result.agreed += 1
            return a.labels, "agreed"
        result.pending.append(Disagreement(rid, a, b, a.labels.differs(b.labels)))
        return None
    if allow_single:
        result.single += 1
        return (a or b).labels, "single"  # type: ignore[union-attr]
    result.one_pass_only.append(rid)
    return None
