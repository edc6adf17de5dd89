"""Auxiliary tasks for the wide heads: offensive and sentiment tables from the shared data sets.

Writes ``OUT/offensive.jsonl`` and ``OUT/sentiment.jsonl`` (``text``, ``label`` 0/1; git-ignored:
source texts are never committed). Every arapol-pol post is left out by the SHA-256 of its text
(``held_out_hashes``, the rule pretraining uses), so no corpus post (train, dev or test) is seen
through an auxiliary task.

    python scripts/build_auxiliary.py --data ../shared/data --out work/aux
    python scripts/train_models.py train ... --auxiliary work/aux/offensive.jsonl --auxiliary work/aux/sentiment.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from arapol.corpora.records import sha256

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pretrain_encoder import held_out_hashes  # noqa: E402  (the texts pretraining holds out too)

# (file, column -> positive label): offensive = 1 (offensive, abusive or hateful), sentiment = 1 (positive)
# OMCD's test file is left out: it is a transfer benchmark (MODEL_CARD.md), as in pretraining.
OFFENSIVE = [("omcd/omcd_train.csv", lambda v: v == "1"),
             ("osact2022/osact2022_train.csv", lambda v: v == "OFF"), ("osact2022/osact2022_dev.csv", lambda v: v == "OFF"),
             ("l_hsab/l_hsab.csv", lambda v: v != "normal"), ("t_hsab/t_hsab.csv", lambda v: v != "normal")]
SENTIMENT = {"elecmorocco2016/elecmorocco2016.csv": {"P": 1, "N": 0},
             "mac/mac_corpus.csv": {"positive": 1, "negative": 0},  # neutral and mixed left out
             "msac/msac.csv": {"pos": 1, "neg": 0}, "myc/myc_cleaned.csv": {"1": 1, "-1": 0}}


def rows(data: Path, rel: str) -> pd.DataFrame:
    return pd.read_csv(data / rel, dtype=str, keep_default_na=False)


def write(path: Path, pairs: list[tuple[str, int]], held_out: set[str]) -> dict[str, int]:
    kept = {(t, y) for t, y in pairs if t.strip() and sha256(t) not in held_out}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for text, label in sorted(kept):
            handle.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
    return {"rows": len(kept), "positive": sum(y for _, y in kept), "left_out": len(pairs) - len(kept)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("work/aux"))
    args = parser.parse_args()
    held_out = held_out_hashes(Path("."))
    offensive = [(t, int(positive(v))) for rel, positive in OFFENSIVE
                 for t, v in zip(*(rows(args.data, rel)[c] for c in ("text", "label")), strict=True)]
    sentiment = [(t, labels[v]) for rel, labels in SENTIMENT.items()
                 for t, v in zip(*(rows(args.data, rel)[c] for c in ("text", "label")), strict=True) if v in labels]
    print(json.dumps({"offensive": write(args.out / "offensive.jsonl", offensive, held_out),
                      "sentiment": write(args.out / "sentiment.jsonl", sentiment, held_out)}))


if __name__ == "__main__":
    main()
