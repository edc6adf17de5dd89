"""Text-layer benchmark: Arabizi -> Arabic CER against ``arabizi`` 0.1.0, and throughput of
normalize / tokenize / transliterate against camel-tools, side by side with ratios.

    python scripts/bench_text.py                    # everything (a few minutes)
    python scripts/bench_text.py --quick            # smaller run
    python scripts/bench_text.py --section cer      # or: speed

CER: held-out DODa pairs (``arapol.text._arabizi.heldout``: SHA-256 of the Latin text
divisible by 10; never used for training) and NArabizi (Algerian, out of domain), after
``fold_for_cer`` on hypothesis and reference alike (diacritics/shadda/tatweel dropped;
hamza/alef forms, ة/ه, ى/ي, گ/ڭ, Arabic/Latin punctuation unified; whitespace squeezed).
Speed: single process, 20,000 synthetic posts mixed from the shared data by a seeded
generator; one warm-up pass, best of 3 repeats.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import editdistance

DATA = Path("/work/shared/data")


@dataclass(frozen=True)
class CerResult:
    """Character error rate of one system on one evaluation set."""

    errors: int
    chars: int
    seconds: float

    @property
    def cer(self) -> float:
        return self.errors / max(self.chars, 1)


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table with padded columns."""
    cells = [[str(c) for c in header], *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# ---------------------------------------------------------------- CER


def doda_heldout(data: Path, name: str) -> list[tuple[str, str]]:
    from arapol.text._arabizi import heldout

    with (data / "doda" / name).open(encoding="utf-8") as f:
        rows = [(r["darija"].strip(), r["darija_ar"].strip()) for r in csv.DictReader(f)]
    return [(lat, ar) for lat, ar in rows if lat and ar and heldout(lat)]


def narabizi(data: Path) -> list[tuple[str, str]]:
    with (data / "narabizi" / "narabizi.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [(r["text"], r["arabic"]) for r in rows if r["text"].strip() and r["arabic"].strip()]


def score(system: Callable[[str], str], pairs: Sequence[tuple[str, str]]) -> CerResult:
    from arapol.text._arabizi import fold_for_cer

    start = time.perf_counter()
    hyps = [system(lat) for lat, _ in pairs]
    seconds = time.perf_counter() - start
    errors = chars = 0
    for hyp, (_, ref) in zip(hyps, pairs, strict=True):
        ref = fold_for_cer(ref)
        errors += editdistance.eval(fold_for_cer(hyp), ref)
        chars += len(ref)
    return CerResult(errors, chars, seconds)


def clear_caches() -> None:
    from arapol.text import _arabizi

    for cached in (_arabizi.decode_word, _arabizi.is_foreign, _arabizi._graphone_cost,
                   _arabizi._arabic_cost):
        cached.cache_clear()


def versus(cer: float, base: float) -> str:
    """How a CER compares with the baseline's, e.g. '4.50x lower'."""
    if cer == base:
        return "1.00x"
    return f"{base / cer:.2f}x lower" if cer < base else f"{cer / base:.2f}x higher"


def throughput(pairs: Sequence[tuple[str, str]]) -> list[list[object]]:
    """Sentences/s of arapol (empty, then filled caches) and arabizi 0.1.0 on ``pairs``."""
    import arabizi

    from arapol.text.translit import arabizi_to_arabic

    clear_caches()
    cold = score(arabizi_to_arabic, pairs)
    warm = score(arabizi_to_arabic, pairs)
    theirs = score(arabizi.transliterate, pairs)
    return [[name, len(pairs), f"{len(pairs) / res.seconds:,.0f}"]
            for name, res in [("arapol (cold caches)", cold), ("arapol (warm caches)", warm),
                              ("arabizi 0.1.0", theirs)]]


def run_cer(data: Path, quick: bool) -> None:
    import arabizi

    from arapol.text._arabizi import load_model
    from arapol.text.translit import arabizi_to_arabic

    limit = 400 if quick else None
    sets = {
        "DODa held-out (sentences_ongoing)": doda_heldout(data, "sentences_ongoing.csv")[:limit],
        "DODa held-out (sentences_translated)":
            doda_heldout(data, "sentences_translated.csv")[:limit],
        "NArabizi (Algerian, all splits)": narabizi(data)[:limit],
    }
    t0 = time.perf_counter()
    load_model()
    load_seconds = time.perf_counter() - t0
    systems: dict[str, Callable[[str], str]] = {
        "arapol": arabizi_to_arabic,
        "arapol, French words converted too": lambda t: arabizi_to_arabic(t, keep_foreign=False),
        "arabizi 0.1.0": arabizi.transliterate,
    }
    rows = []
    for set_name, pairs in sets.items():
        results = {name: score(system, pairs) for name, system in systems.items()}
        base = results["arabizi 0.1.0"].cer
        for name, res in results.items():
            rows.append([set_name, len(pairs), name, f"{100 * res.cer:.2f}%", versus(res.cer, base)])
    print("\n## Arabizi -> Arabic, character error rate (lower is better)\n")
    print(table(["evaluation set", "pairs", "system", "CER", "vs arabizi 0.1.0"], rows))
    print("\n## Arabizi -> Arabic throughput (single process)\n")
    print(table(["system", "sentences", "sentences/s"],
                throughput(next(iter(sets.values())))))
    print(f"\nmodel load: {load_seconds:.2f}s")


def run_roundtrip(data: Path, quick: bool) -> None:
    from arapol.text.translit import transliterate

    with (data / "oldi_seed" / "seed_eng_ary_zgh.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["zgh_Tfng"] for line in f][: 500 if quick else None]
    def round_trips(text: str) -> bool:
        return transliterate(transliterate(text, "tifinagh", "latin"), "latin", "tifinagh") == text

    def has_foreign_letters(text: str) -> bool:  # Latin-side input on the way back
        return any(c.isascii() and c.isalpha() or c in "εγ" for c in text)

    clean = [t for t in texts if not has_foreign_letters(t)]
    print("\n## Tifinagh -> Latin -> Tifinagh round trip (oldi_seed zgh_Tfng)\n")
    print(table(["sentences", "identical", "without Latin/Greek letters", "of those identical"],
                [[len(texts), sum(map(round_trips, texts)), len(clean),
                  sum(map(round_trips, clean))]]))


# ---------------------------------------------------------------- speed

URLS = ["https://www.hespress.com/politique/{n}.html", "http://bit.ly/{n}x", "www.le360.ma/{n}"]
MENTIONS = ["@RNI_officiel", "@PJD_Maroc", "@hespress", "@user{n}", "@Akhannouch_A"]
HASHTAGS = ["#المغرب", "#انتخابات_2021", "#مقاطعون", "#Maroc", "#l7aq_f_chghol", "#ⴰⵣⵓⵍ"]
EMOJI = ["😡", "😂", "👍🏽", "❤️", "🇲🇦", "🙏", "😂😂😂", "👨\u200d👩\u200d👧", "🔥"]


def source_texts(data: Path) -> dict[str, list[str]]:
    """Arabic-script, Arabizi and Tifinagh lines from the shared data sets."""
    import re

    def column(rel: str, name: str) -> list[str]:
        with (data / rel).open(encoding="utf-8") as f:
            return [r[name].strip() for r in csv.DictReader(f) if r[name].strip()]

    latin = re.compile(r"[a-z]")
    myc = column("myc/myc_cleaned.csv", "text")
    with (data / "oldi_seed" / "seed_eng_ary_zgh.jsonl").open(encoding="utf-8") as f:
        tifinagh = [json.loads(line)["zgh_Tfng"] for line in f]
    return {
        "arabic": column("elecmorocco2016/elecmorocco2016.csv", "text")
        + column("mac/mac_corpus.csv", "text"),
        "arabizi": [t for t in myc if latin.search(t)]
        + column("doda/sentences_ongoing.csv", "darija"),
        "tifinagh": tifinagh,
    }


def mixed_posts(data: Path, count: int, seed: int = 13) -> list[str]:
    """``count`` single-line posts: 60% Arabic script, 30% Arabizi, 10% Tifinagh, with URLs
    (10%), @mentions (20%), hashtags (25%) and emoji (35%) mixed in."""
    rng = random.Random(seed)
    sources = source_texts(data)
    posts = []
    for _ in range(count):
        kind = rng.choices(["arabic", "arabizi", "tifinagh"], weights=[6, 3, 1])[0]
        words = rng.choice(sources[kind]).split()
        for pool, rate in ((URLS, 0.10), (MENTIONS, 0.20), (HASHTAGS, 0.25), (EMOJI, 0.35)):
            if rng.random() < rate:
                item = rng.choice(pool).format(n=rng.randrange(10_000))
                words.insert(rng.randrange(len(words) + 1), item)
        posts.append(" ".join(words))
    return posts


def lines_per_second(func: Callable[[str], object], posts: Sequence[str], repeats: int) -> float:
    for post in posts:  # warm-up: caches, lazy imports, compiled regexes
        func(post)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for post in posts:
            func(post)
        best = min(best, time.perf_counter() - start)
    return len(posts) / best


def camel_normalize() -> Callable[[str], str]:
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar

    return lambda t: dediac_ar(normalize_alef_maksura_ar(normalize_alef_ar(t)))


def run_speed(data: Path, quick: bool) -> None:
    from camel_tools.tokenizers.word import simple_word_tokenize

    import arapol
    from arapol.text.translit import arabizi_to_arabic

    posts = mixed_posts(data, 2_000 if quick else 20_000)
    pairs = [
        ("normalize", "arapol.normalize (default)", arapol.normalize,
         "camel-tools alef + alef maksura + dediac", camel_normalize()),
        ("tokenize", "arapol.tokenize", arapol.tokenize,
         "camel-tools simple_word_tokenize", simple_word_tokenize),
    ]
    rows = []
    for task, ours, func, theirs, baseline in pairs:
        mine, other = lines_per_second(func, posts, 3), lines_per_second(baseline, posts, 3)
        rows.append([task, ours, f"{mine:,.0f}", theirs, f"{other:,.0f}", f"{mine / other:.2f}x"])
    clear_caches()
    start = time.perf_counter()
    for post in posts:
        arabizi_to_arabic(post)
    cold = len(posts) / (time.perf_counter() - start)
    warm = lines_per_second(arabizi_to_arabic, posts, 3)
    print(f"\n## Throughput on {len(posts):,} mixed posts (single process, best of 3)\n")
    print(table(["task", "arapol", "lines/s", "camel-tools", "lines/s", "arapol / camel"], rows))
    print(f"\narapol arabizi->arabic on the same posts: {cold:,.0f} lines/s in one pass from "
          f"empty caches, {warm:,.0f} lines/s once the word cache is filled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--quick", action="store_true", help="smaller samples")
    parser.add_argument("--section", choices=["cer", "speed"], help="run one section only")
    args = parser.parse_args()
    if args.section in (None, "cer"):
        run_cer(args.data, args.quick)
        run_roundtrip(args.data, args.quick)
    if args.section in (None, "speed"):
        run_speed(args.data, args.quick)


if __name__ == "__main__":
    main()
