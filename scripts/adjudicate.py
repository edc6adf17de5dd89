"""Adjudication tool for the arapol-pol corpus: read where passes a and b disagree, decide.

    python scripts/adjudicate.py status                   # per batch: both passes, disagreements, decided
    python scripts/adjudicate.py show 3                   # undecided disagreements of batch 3, with texts
    python scripts/adjudicate.py show 3 --all             # ... including the decided ones
    python scripts/adjudicate.py save 3 < decisions.tsv   # record decisions for batch 3

A decision line is ``N<TAB>a<TAB>reason`` or ``N<TAB>b<TAB>reason`` (take that pass's labels),
or ``N<TAB>target<TAB>stance<TAB>slogan<TAB>attack<TAB>attack_targets<TAB>reason`` (the same
cells as ``scripts/annotate.py``: ``-`` for no target / no attacked actor, 1|0 for slogan and
attack). ``N`` is the post's number in the batch, as ``show`` prints it. The reason is
required. Decisions go to ``corpora/annotations/adjudicated.jsonl`` (ids, hashes, labels,
reason; no text); saving again for a post replaces its decision.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from arapol.corpora.merge import Annotation, Annotations, read_annotations
from arapol.corpora.records import LabelError, Labels, read_jsonl, write_jsonl

WORK = Path("work/annotate")
ANNOTATIONS = Path("corpora/annotations")


def batch(work: Path, n: int) -> list[dict[str, Any]]:
    """The posts of reading batch ``n`` (id, sha256, text), in their numbered order."""
    return list(read_jsonl(work / f"batch_{n:03d}.jsonl"))


def as_cells(labels: Labels) -> str:
    """Labels in the tab-separated cells of a decision line."""
    return "\t".join([labels.target or "-", labels.stance, str(int(labels.slogan)),
                      str(int(labels.attack)), ",".join(labels.attack_targets) or "-"])


def parse_decision(line: str, records: list[dict[str, Any]], found: Annotations) -> dict[str, Any]:
    """One decision line -> an ``adjudicated.jsonl`` record; ValueError says what is wrong."""
    cells = [c.strip() for c in line.rstrip("\n").split("\t")]
    if len(cells) not in (3, 7):
        raise ValueError(f"expected 3 or 7 tab-separated cells, got {len(cells)}: {line!r}")
    n, reason = cells[0], cells[-1]
    if not n.isdigit() or int(n) >= len(records):
        raise ValueError(f"no post {n!r} in this batch (0-{len(records) - 1})")
    record = records[int(n)]
    if not reason:
        raise ValueError(f"post {n}: a reason is required")
    if len(cells) == 3:
        chosen = {"a": found.a, "b": found.b}.get(cells[1].lower())
        if chosen is None or record["id"] not in chosen:
            raise ValueError(f"post {n}: {cells[1]!r} is not a pass that labelled this post "
                             "(3 cells take pass a or b; a full decision has 7 cells)")
        labels = chosen[record["id"]].labels
    else:
        labels = _labels(n, cells[1:6])
    return {"id": record["id"], "sha256": record["sha256"], **labels.to_dict(), "reason": reason}


def _labels(n: str, cells: list[str]) -> Labels:
    target, stance, slogan, attack, attacked = cells
    if slogan not in ("0", "1") or attack not in ("0", "1"):
        raise ValueError(f"post {n}: slogan and attack are 1 or 0")
    try:
        return Labels.from_dict({
            "target": None if target in ("-", "", "null") else target.upper(),
            "stance": stance.lower(), "slogan": slogan == "1", "attack": attack == "1",
            "attack_targets": [] if attacked in ("-", "") else
            [t.strip().upper() for t in attacked.split(",")],
        })
    except LabelError as err:
        raise ValueError(f"post {n}: {err}") from err


def _differs(found: Annotations, rid: str) -> list[str]:
    a, b = found.a.get(rid), found.b.get(rid)
    return a.labels.differs(b.labels) if a and b else []


def show(records: list[dict[str, Any]], found: Annotations, everything: bool = False) -> list[str]:
    """Reading lines for the disagreements of a batch (undecided ones unless ``everything``)."""
    out = []
    for i, record in enumerate(records):
        rid = record["id"]
        fields = _differs(found, rid)
        if not fields or (rid in found.adjudicated and not everything):
            continue
        out.append(f"{i}\t{rid.split('/')[0]}\t{' '.join(record['text'].split())}")
        out.append(f"  a:\t{i}\t{as_cells(found.a[rid].labels)}")
        out.append(f"  b:\t{i}\t{as_cells(found.b[rid].labels)}")
        out.append(f"  differ: {', '.join(fields)}")
        decided: Annotation | None = found.adjudicated.get(rid)
        if decided is not None:
            out.append(f"  decided:\t{i}\t{as_cells(decided.labels)}\t{decided.reason}")
    return out


def status(work: Path, found: Annotations) -> list[str]:
    """One line per reading batch: posts, labelled in both passes, disagreements, decided."""
    lines = ["batch\tposts\tboth\tdisagree\tdecided\tleft"]
    for path in sorted(work.glob("batch_*.jsonl")):
        ids = [r["id"] for r in read_jsonl(path)]
        both = [i for i in ids if i in found.a and i in found.b]
        disagree = [i for i in both if _differs(found, i)]
        decided = [i for i in disagree if i in found.adjudicated]
        lines.append(f"{path.stem}\t{len(ids)}\t{len(both)}\t{len(disagree)}\t{len(decided)}\t"
                     f"{len(disagree) - len(decided)}")
    return lines


def save(path: Path, decisions: list[dict[str, Any]]) -> int:
    """Merge decisions into ``adjudicated.jsonl`` (by id, newest wins); returns the total."""
    kept = {r["id"]: r for r in read_jsonl(path)} if path.is_file() else {}
    kept.update({d["id"]: d for d in decisions})
    return write_jsonl(path, (kept[k] for k in sorted(kept)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["status", "show", "save"])
    parser.add_argument("batch", type=int, nargs="?")
    parser.add_argument("--all", action="store_true", help="show: include decided posts")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--annotations", type=Path, default=ANNOTATIONS)
    args = parser.parse_args(argv)
    found = read_annotations(args.annotations)
    for error in found.errors:
        print(f"warning: {error}", file=sys.stderr)
    if args.command == "status":
        print("\n".join(status(args.work, found)))
        return
    if args.batch is None:
        parser.error(f"{args.command} needs a batch number")
    records = batch(args.work, args.batch)
    if args.command == "show":
        print("\n".join(show(records, found, args.all)))
        return
    decisions, errors = [], []
    for line in sys.stdin:
        if line.strip():
            try:
                decisions.append(parse_decision(line, records, found))
            except ValueError as err:
                errors.append(str(err))
    if errors:
        raise SystemExit("nothing saved:\n" + "\n".join(errors))
    total = save(args.annotations / "adjudicated.jsonl", decisions)
    left = sum(1 for r in records if _differs(found, r["id"]) and r["id"] not in found.adjudicated
               and r["id"] not in {d["id"] for d in decisions})
    print(json.dumps({"saved": len(decisions), "adjudicated_total": total,
                      f"undecided_in_batch_{args.batch:03d}": left}))


if __name__ == "__main__":
    main()
