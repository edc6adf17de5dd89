"""Pick real posts to annotate for the arapol-pol corpus and write reading batches.

Keywords only *pick candidates to read*; they never assign a label. Texts go to
``work/annotate/`` (git-ignored: source texts are never committed); only keys and
hashes reach the repository, through the annotation files.

    python scripts/select_candidates.py --data ../shared/data --out work/annotate
    python scripts/select_candidates.py --round 2 --first-batch 20   # more posts, none read before
    python scripts/select_candidates.py --round 3 --first-batch 26   # after round 2 is annotated
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

import pandas as pd

from arapol.corpora.records import sha256

POLITICAL = re.compile(
    r"حكوم|انتخاب|حزب|احزاب|أحزاب|برلمان|وزير|وزرا|صوت|تصويت|مقاطع|بنكيران|بن كيران|كيران|العثماني|"
    r"البيجيدي|البجيدي|العدالة والتنمية|المصباح|الاخوان|الإخوان|البام|الجرار|الاصالة|الأصالة|العماري|"
    r"الياس|إلياس|وهبي|الأحرار|الاحرار|الحمامة|أخنوش|اخنوش|الاستقلال|الإستقلال|الميزان|شباط|بركة|"
    r"الاتحاد الاشتراكي|الوردة|لشكر|التقدم والاشتراكية|بنعبد الله|الحركة الشعبية|السنبلة|العنصر|"
    r"منيب|فيدرالية|المخزن|رئيس الحكومة|سياس|الشعب|فساد|الفساد|مزوار|نزار|الداودي|الرميد|"
    r"\b(?:pjd|pam|rni|usfp|pps|l7koma|l7okoma|l7oukouma|hokoma|houkouma|gouvernement|akhannouch|"
    r"akhanouch|benkiran|benkirane|vote|voter|election|élection|intikhabat|parti|ministre|"
    r"siyasa|barlaman|makhzen|lmakhzen|istiqlal|politique|pouvoir|hkouma|7koma)\b",
    re.IGNORECASE,
)
ACTOR_RARE = re.compile(  # actors the 2016 comments rarely name: read all their candidates
    r"الأحرار|الاحرار|الحمامة|أخنوش|اخنوش|مزوار|الاستقلال|الإستقلال|الميزان|شباط|بركة|الاتحاد الاشتراكي|"
    r"الوردة|لشكر|التقدم والاشتراكية|بنعبد الله|نبيل|الكتاب|الحركة الشعبية|السنبلة|العنصر|منيب|"
    r"البام|الجرار|الاصالة|الأصالة|العماري|الياس|إلياس|وهبي"
)
LATIN = re.compile(r"[A-Za-z]")
ARABIC = re.compile(r"[\u0600-\u06ff]")


def rows(data: Path, rel: str, key_column: str | None = None) -> list[tuple[str, str]]:
    frame = pd.read_csv(data / rel, dtype=str, keep_default_na=False)
    keys = frame[key_column] if key_column else frame.index.astype(str)
    return [(f"{rel}#{k}", t) for k, t in zip(keys, frame["text"], strict=True) if t.strip()]


def armpro_rows(data: Path) -> list[tuple[str, str]]:
    out = []
    for split in ("dev", "test"):
        rel = f"armpro/armpro_{split}.jsonl"
        with (data / rel).open(encoding="utf-8") as handle:
            for i, line in enumerate(handle):
                rec = json.loads(line)
                if {"Slogans", "Name_Calling-Labeling"} & set(rec.get("techniques", [])):
                    out.append((f"{rel}#{i}", rec["text"]))
    return out


def narabizi_politics(data: Path) -> list[tuple[str, str]]:
    rel = "narabizi/narabizi.jsonl"
    with (data / rel).open(encoding="utf-8") as handle:
        recs = [json.loads(line) for line in handle]
    return [(f"{rel}#{r['sent_id']}", r["text"]) for r in recs if r.get("topic") == "POLITICS"]


def pick(items, n, rng, pattern=POLITICAL):
    hits = [x for x in items if pattern.search(x[1])]
    rng.shuffle(hits)
    return hits[:n]


def annotated() -> tuple[set[str], set[str]]:
    """Ids and text hashes already read in any pass: rounds 2 and 3 never offer them again."""
    recs = [json.loads(line) for f in Path("corpora/annotations").glob("pass_*/*.jsonl")
            for line in f.open(encoding="utf-8")]
    return {r["id"] for r in recs}, {r["sha256"] for r in recs}


def unread(items: list[tuple[str, str]], seen: tuple[set[str], set[str]]) -> list[tuple[str, str]]:
    """The (id, text) items whose id and text hash are both outside ``seen`` (:func:`annotated`)."""
    ids, hashes = seen
    return [x for x in items if x[0] not in ids and sha256(x[1]) not in hashes]


def round_one(d: Path, rng: random.Random) -> list[tuple[str, str]]:
    """Round 1 (seed 13): the 4,761 candidates of corpus v1."""
    elec = rows(d, "elecmorocco2016/elecmorocco2016.csv", "index")
    rare = [x for x in elec if ACTOR_RARE.search(x[1])]
    rng.shuffle(rare)
    rest = [x for x in elec if not ACTOR_RARE.search(x[1])]
    rng.shuffle(rest)
    chosen = rare[:1300] + rest[: 2700 - min(1300, len(rare))]
    chosen += pick(rows(d, "msac/msac.csv"), 300, rng)
    chosen += pick(rows(d, "mac/mac_corpus.csv"), 400, rng)
    myc = rows(d, "myc/myc_cleaned.csv")
    myc_latin = [x for x in myc if LATIN.search(x[1]) and not ARABIC.search(x[1])]
    chosen += pick(myc_latin, 250, rng)
    rng.shuffle(myc_latin)
    chosen += myc_latin[:200]  # Arabizi posts, mostly non-political: negatives in Latin script
    chosen += pick(rows(d, "darija_translit_silver/raw_reels_comments.csv"), 150, rng)
    chosen += narabizi_politics(d)
    chosen += pick(rows(d, "omcd/omcd_train.csv", "id") + rows(d, "omcd/omcd_test.csv", "id"), 300, rng)
    chosen += pick(rows(d, "l_hsab/l_hsab.csv"), 350, rng)
    otam = rows(d, "otam/otam.csv")
    rng.shuffle(otam)
    chosen += otam[:300]
    arm = armpro_rows(d)
    rng.shuffle(arm)
    chosen += arm[:200]
    return chosen


def round_two(d: Path, rng: random.Random) -> list[tuple[str, str]]:
    """Round 2: keyword-matched Moroccan posts not read in round 1, mostly 2016 election comments."""
    seen = annotated()
    chosen = pick(unread(rows(d, "elecmorocco2016/elecmorocco2016.csv", "index"), seen), 1100, rng)
    chosen += pick(unread(rows(d, "mac/mac_corpus.csv"), seen), 150, rng)
    myc = unread(rows(d, "myc/myc_cleaned.csv"), seen)
    chosen += pick([x for x in myc if LATIN.search(x[1]) and not ARABIC.search(x[1])], 100, rng)
    omcd = rows(d, "omcd/omcd_train.csv", "id") + rows(d, "omcd/omcd_test.csv", "id")
    chosen += pick(unread(omcd, seen), 150, rng)
    return chosen


def round_three(d: Path, rng: random.Random) -> list[tuple[str, str]]:
    """Round 3: more 2016 election comments (keyword-matched and not) and Arabic-script YouTube
    comments, none read in rounds 1-2."""
    seen = annotated()
    elec = unread(rows(d, "elecmorocco2016/elecmorocco2016.csv", "index"), seen)
    chosen = pick(elec, 1250, rng)
    other = [x for x in elec if not POLITICAL.search(x[1])]
    rng.shuffle(other)
    chosen += other[:250]  # election-page comments without a keyword: harder negatives and positives
    myc = unread(rows(d, "myc/myc_cleaned.csv"), seen)
    chosen += pick([x for x in myc if ARABIC.search(x[1])], 250, rng)
    return chosen


def write_batches(chosen: list[tuple[str, str]], rng: random.Random, out: Path, size: int, first: int) -> None:
    seen: set[str] = set()
    unique = []
    for key, text in chosen:
        h = sha256(text)
        if h not in seen:  # exact duplicates are read once
            seen.add(h)
            unique.append({"id": key, "sha256": h, "text": text})
    rng.shuffle(unique)
    out.mkdir(parents=True, exist_ok=True)
    for b in range(0, len(unique), size):
        path = out / f"batch_{first + b // size:03d}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for rec in unique[b : b + size]:
                handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
    by_source: dict[str, int] = {}
    for rec in unique:
        src = rec["id"].split("/")[0]
        by_source[src] = by_source.get(src, 0) + 1
    print(json.dumps({"candidates": len(unique), "by_source": by_source}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("work/annotate"))
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--round", type=int, choices=(1, 2, 3), default=1)
    parser.add_argument("--first-batch", type=int, default=0, help="number of the first batch written")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    chosen = {1: round_one, 2: round_two, 3: round_three}[args.round](args.data, rng)
    write_batches(chosen, rng, args.out, args.batch, args.first_batch)


if __name__ == "__main__":
    main()
