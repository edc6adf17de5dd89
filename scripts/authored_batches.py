"""Write blind-review reading batches for authored posts (ids ``authored:<file>:<line>``).

    python scripts/authored_batches.py corpora/authored/arabic.jsonl --first 100

Each batch (``work/annotate/batch_NNN.jsonl``, 250 posts) holds id, sha256 and text only, so
the reviewer labels with ``scripts/annotate.py`` without seeing the intended labels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--first", type=int, required=True, help="number of the first batch")
    parser.add_argument("--out", type=Path, default=Path("work/annotate"))
    args = parser.parse_args()
    lines = args.source.read_text("utf-8").splitlines()
    recs = []
    for i, line in enumerate(lines):
        text = json.loads(line)["text"]
        recs.append({"id": f"authored:{args.source.stem}:{i:04d}",
                     "sha256": hashlib.sha256(text.encode()).hexdigest(), "text": text})
    for b in range(0, len(recs), 250):
        path = args.out / f"batch_{args.first + b // 250:03d}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs[b:b + 250]), "utf-8")
        print(path)


if __name__ == "__main__":
    main()
