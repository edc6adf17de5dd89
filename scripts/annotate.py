"""Reading and recording tool for annotators of the arapol-pol corpus.

    python scripts/annotate.py show 3                 # numbered posts of work/annotate/batch_003.jsonl
    python scripts/annotate.py save 3 a < labels.tsv  # record pass "a" labels for batch 3

A labels line is ``N<TAB>target<TAB>stance<TAB>slogan<TAB>attack<TAB>attack_targets``:
``target`` an actor id or ``-`` (no political actor), ``stance`` favor|against|none,
``slogan``/``attack`` 1|0, ``attack_targets`` comma-separated ids or ``-``. The file written,
``corpora/annotations/pass_<p>/batch_NNN.jsonl``, holds ids, hashes and labels only (no text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ACTORS = {"PJD", "PAM", "RNI", "ISTIQLAL", "USFP", "PPS", "MP", "UC", "FGD", "GOV", "OTHER_POL"}
STANCES = {"favor", "against", "none"}
WORK = Path("work/annotate")
OUT = Path("corpora/annotations")


def batch(n: int) -> list[dict]:
    with (WORK / f"batch_{n:03d}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def parse(line: str, records: list[dict]) -> dict:
    cells = [c.strip() for c in line.rstrip("\n").split("\t")]
    if len(cells) != 6:
        raise ValueError(f"expected 6 tab-separated cells, got {len(cells)}: {line!r}")
    n, target, stance, slogan, attack, targets = cells
    rec = records[int(n)]
    target = None if target in ("-", "", "null") else target.upper()
    attacked = [] if targets in ("-", "") else [t.strip().upper() for t in targets.split(",")]
    if target is not None and target not in ACTORS:
        raise ValueError(f"post {n}: unknown target {target!r}")
    if stance not in STANCES:
        raise ValueError(f"post {n}: unknown stance {stance!r}")
    if target is None and stance != "none":
        raise ValueError(f"post {n}: stance must be none when target is -")
    if slogan not in ("0", "1") or attack not in ("0", "1"):
        raise ValueError(f"post {n}: slogan and attack are 1 or 0")
    if any(t not in ACTORS for t in attacked) or (attack == "1") != bool(attacked):
        raise ValueError(f"post {n}: attack=1 needs attack_targets (and only then): {attacked}")
    return {"id": rec["id"], "sha256": rec["sha256"], "target": target, "stance": stance,
            "slogan": slogan == "1", "attack": attack == "1", "attack_targets": attacked}


def main() -> None:
    command, n = sys.argv[1], int(sys.argv[2])
    records = batch(n)
    if command == "show":
        for i, rec in enumerate(records):
            print(f"{i}\t{rec['id'].split('/')[0]}\t{' '.join(rec['text'].split())}")
        return
    if command == "save":  # merges with labels saved before, so a batch can be saved in parts
        path = OUT / f"pass_{sys.argv[3]}" / f"batch_{n:03d}.jsonl"
        saved: dict[str, dict] = {}
        if path.exists():
            saved = {r["id"]: r for r in map(json.loads, path.read_text("utf-8").splitlines())}
        for line in sys.stdin:
            if line.strip():
                rec = parse(line, records)
                saved[rec["id"]] = rec
        path.parent.mkdir(parents=True, exist_ok=True)
        order = {r["id"]: i for i, r in enumerate(records)}
        with path.open("w", encoding="utf-8") as handle:
            for rec in sorted(saved.values(), key=lambda r: order[r["id"]]):
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
        missing = [i for i, r in enumerate(records) if r["id"] not in saved]
        print(f"{path}: {len(saved)}/{len(records)} labelled; missing: {missing[:20] or 'none'}"
              + (" ..." if len(missing) > 20 else ""))
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
