"""Keep the authored posts whose blind second reading (pass ``r``) agrees on every field.

    python scripts/finalize_authored.py corpora/authored/*.jsonl

Writes ``corpora/arapol-pol/authored.jsonl`` (ids ``authored:<file>:<line>``, text, labels,
script/lang/era notes, split by the corpus rule). A post whose reading differs is dropped and
counted; posts not yet reviewed are left out and counted.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from arapol.corpora.records import Labels, read_jsonl
from arapol.corpora.splits import split_of

FIELDS = ("target", "stance", "slogan", "attack")


def read_reviews(directory: Path) -> dict[str, Labels]:
    """Pass ``r`` labels (the blind second reading of authored posts), by id."""
    return {r["id"]: Labels.from_dict(r) for path in sorted(directory.glob("*.jsonl"))
            for r in read_jsonl(path)}


def same(intended: dict, review: Labels) -> bool:
    if any(intended[f] != getattr(review, f) for f in FIELDS):
        return False
    return sorted(intended["attack_targets"]) == sorted(review.attack_targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path, nargs="+")
    parser.add_argument("--annotations", type=Path, default=Path("corpora/annotations"))
    parser.add_argument("--out", type=Path, default=Path("corpora/arapol-pol/authored.jsonl"))
    args = parser.parse_args()
    reviews = read_reviews(args.annotations / "pass_r")
    kept, counts = [], {"kept": 0, "dropped": 0, "unreviewed": 0}
    pairs: dict[str, list[tuple[str, str]]] = {f: [] for f in FIELDS}
    for source in args.sources:
        for i, line in enumerate(source.read_text("utf-8").splitlines()):
            post = json.loads(line)
            rid = f"authored:{source.stem}:{i:04d}"
            review = reviews.get(rid)
            if review is not None:
                for f in FIELDS:
                    pairs[f].append((str(post[f]), str(getattr(review, f))))
            if review is None:
                counts["unreviewed"] += 1
            elif not same(post, review):
                counts["dropped"] += 1
            else:
                counts["kept"] += 1
                kept.append({"id": rid, "text": post["text"], "origin": "authored",
                             **{f: post[f] for f in (*FIELDS, "attack_targets")},
                             "script": post.get("script"), "lang": post.get("lang"),
                             "era": post.get("era"), "split": split_of(rid)})
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), "utf-8")
    from sklearn.metrics import cohen_kappa_score

    kappa = {f: round(cohen_kappa_score(*zip(*p, strict=True)), 3) for f, p in pairs.items() if p}
    print(json.dumps({"file": str(args.out), **counts, "kappa_writer_vs_reviewer": kappa}))


if __name__ == "__main__":
    main()
