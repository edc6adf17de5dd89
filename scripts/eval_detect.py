"""Evaluate ``arapol.text.detect`` on held-out data and print the tables the README quotes.

Held-out rule (``train_detect.is_heldout``): a row is held out when the first 8 bytes of
sha256(normalize(text, "model")) read as a big-endian integer are 0 mod 5 (about 20% of every
source, mac and darija_lid_val included); the packaged model never trained on those rows.

(a) darija vs msa on mac held-out (gold: its standard/dialectal flag; a prediction other
    than darija counts as msa); (b) darija vs not-darija on darija_lid_val held-out;
(c) the same on all of darija_lid_val with a model trained without any darija_lid_val row;
(d) majority-class baselines beside each; (e) 6-class confusion matrix on a held-out mix
    (at most MIX_PER_SOURCE rows per source); (f) detect() speed on 20,000 distinct real posts;
(g) languages predicted for unlabelled Moroccan comments. (a), (b), (e) and (g) also show the
    model without the Moroccan prior on ``other`` (train_detect.train, step 4).

    python scripts/eval_detect.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_detect as td  # noqa: E402

from arapol.text.detect import LANGS, MODEL_PATH, LangModel, detect  # noqa: E402
from arapol.text.normalize import normalize  # noqa: E402

MIX_PER_SOURCE = 500
SPEED_POSTS = 20_000


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Mean over the gold classes of F1."""
    scores = []
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        n_pred, n_gold = sum(p == label for p in pred), sum(g == label for g in gold)
        scores.append(2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0)
    return sum(scores) / len(scores)


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def binary_table(name: str, rows: list[td.Row], models: dict[str, LangModel], negative: str) -> None:
    """Darija vs ``negative``: accuracy and macro-F1 of each model beside the majority class."""
    gold = ["darija" if r.lang == "darija" else negative for r in rows]
    majority = [Counter(gold).most_common(1)[0][0]] * len(gold)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(Counter(gold).items()))
    print(f"\n{name}  (n={len(rows)}: {counts})")
    print(f"{'':44}{'accuracy':>10}{'macro-F1':>10}")
    for label, model in models.items():
        pred = ["darija" if detect(r.text, model).lang == "darija" else negative for r in rows]
        print(f"{label:44}{accuracy(gold, pred):>10.4f}{macro_f1(gold, pred):>10.4f}")
    print(f"{'majority (' + majority[0] + ')':44}{accuracy(gold, majority):>10.4f}{macro_f1(gold, majority):>10.4f}")


def moroccan_table(data: Path, models: dict[str, LangModel]) -> None:
    """Share of each predicted language on unlabelled Moroccan comments (why other gets a prior)."""
    posts = [r["text"] for r in td.read_csv(data / "elecmorocco2016" / "elecmorocco2016.csv")]
    print(f"\n(g) predicted languages of the {len(posts)} elecmorocco2016 comments (Moroccan, unlabelled)")
    print(f"{'':44}" + "".join(f"{lang:>9}" for lang in LANGS))
    for label, model in models.items():
        counts = Counter(detect(post, model).lang for post in posts)
        print(f"{label:44}" + "".join(f"{counts[lang] / len(posts):>9.3f}" for lang in LANGS))


def without_prior(model: LangModel, other_shift: float) -> LangModel:
    """The model before its Moroccan prior on ``other`` (train_detect.train, step 4)."""
    return td.adjusted(model, 1.0, -other_shift)


def heldout_mix(data: Path) -> list[td.Row]:
    """Held-out rows of every training source, at most MIX_PER_SOURCE per source."""
    by_source: dict[str, list[td.Row]] = {}
    for row in td.load_corpus(data):
        if td.is_heldout(row.text):
            by_source.setdefault(row.source, []).append(row)
    rng = random.Random(0)
    return [r for s in sorted(by_source) for r in rng.sample(by_source[s], min(MIX_PER_SOURCE, len(by_source[s])))]


def confusion_table(rows: list[td.Row], model: LangModel, variant: str = "") -> None:
    """6-class confusion matrix (rows gold, columns predicted), per-class P/R/F1, per-source accuracy."""
    pred = [detect(r.text, model).lang for r in rows]
    gold = [r.lang for r in rows]
    pairs = Counter(zip(gold, pred, strict=True))
    print(f"\n(e) 6-class confusion on the held-out mix{', ' + variant if variant else ''}"
          f" (n={len(rows)}; rows gold, columns predicted)")
    print(f"{'':10}" + "".join(f"{lang:>9}" for lang in LANGS) + f"{'recall':>9}{'prec.':>9}{'F1':>9}")
    for g in LANGS:
        n_gold, n_pred, tp = sum(pairs[g, p] for p in LANGS), sum(pairs[x, g] for x in LANGS), pairs[g, g]
        r, p = tp / max(n_gold, 1), tp / max(n_pred, 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{g:10}" + "".join(f"{pairs[g, x]:>9}" for x in LANGS) + f"{r:>9.3f}{p:>9.3f}{f1:>9.3f}")
    majority = [Counter(gold).most_common(1)[0][0]] * len(gold)
    print(f"accuracy {accuracy(gold, pred):.4f}  macro-F1 {macro_f1(gold, pred):.4f}   "
          f"majority ({majority[0]}): accuracy {accuracy(gold, majority):.4f}  macro-F1 {macro_f1(gold, majority):.4f}")
    print("\naccuracy per held-out source and class")
    for source, lang in sorted({(r.source, r.lang) for r in rows}):
        idx = [i for i, r in enumerate(rows) if (r.source, r.lang) == (source, lang)]
        print(f"  {source:24}{lang:>9}{len(idx):>6}{accuracy([gold[i] for i in idx], [pred[i] for i in idx]):>9.4f}")


def speed_posts(data: Path) -> list[str]:
    """SPEED_POSTS distinct real posts: elecmorocco2016 comments, then myc comments."""
    texts = [r["text"] for r in td.read_csv(data / "elecmorocco2016" / "elecmorocco2016.csv")]
    texts += [r["text"] for r in td.read_csv(data / "myc" / "myc_cleaned.csv")]
    return list(dict.fromkeys(t for t in texts if t.strip()))[:SPEED_POSTS]


def speed_table(data: Path, model_path: Path) -> None:
    """Posts per second of detect() with a freshly loaded model (empty token cache), then again.

    normalize(text, "model") on the same posts is timed beside it, and CPU time beside wall
    time: the machine is shared, so the ratios say more than the absolute numbers.
    """
    posts = speed_posts(data)
    start = time.perf_counter()
    model = LangModel.load(model_path)
    detect("warm-up: imports", model)
    load = time.perf_counter() - start
    chars = sum(map(len, posts)) / len(posts)
    print(f"\n(f) speed on {len(posts)} distinct posts (elecmorocco2016 + myc, mean {chars:.0f} chars);"
          f" model load + imports {load:.2f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    runs = [("detect, first pass (cold cache)", lambda t: detect(t, model)),
            ("detect, second pass (warm cache)", lambda t: detect(t, model)),
            ("normalize(text, 'model') alone", lambda t: normalize(t, "model"))]
    print(f"  {'':34}{'wall s':>8}{'posts/s':>10}{'CPU s':>8}{'posts/CPU-s':>13}")
    for name, function in runs:
        wall, cpu = time.perf_counter(), time.process_time()
        for post in posts:
            function(post)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"  {name:34}{wall:8.2f}{len(posts) / wall:>10,.0f}{cpu:8.2f}{len(posts) / cpu:>13,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    parser.add_argument("--skip-cross", action="store_true", help="skip (c), which trains a model")
    args = parser.parse_args()
    model = LangModel.load(args.model)
    with np.load(args.model) as data:
        shift = float(data["other_shift"])
    print(f"model {args.model} ({args.model.stat().st_size / 1e6:.2f} MB, {2**model.bits} buckets x "
          f"{len(model.langs)} classes; log-prior shift of other {shift:.3f})")
    models = {"arapol detect": model, "  same without the prior shift on other": without_prior(model, shift)}
    mac = [r for r in td.load_mac(args.data) if td.is_heldout(r.text)]
    binary_table("(a) mac held-out: darija vs msa", mac, models, "msa")
    lid = td.load_darija_lid(args.data)
    binary_table("(b) darija_lid_val held-out: darija vs not-darija", [r for r in lid if td.is_heldout(r.text)], models, "not")
    if not args.skip_cross:
        cross, cross_shift = td.train(args.data, exclude=frozenset({"darija_lid_val"}))
        cross = td.quantize(cross)
        binary_table("(c) ALL darija_lid_val, model trained without darija_lid_val", lid,
                     {"arapol detect (retrained)": cross, "  same without the prior shift on other": without_prior(cross, cross_shift)}, "not")
    mix = heldout_mix(args.data)
    confusion_table(mix, model)
    confusion_table(mix, models["  same without the prior shift on other"], "without the prior shift on other")
    moroccan_table(args.data, models)
    speed_table(args.data, args.model)


if __name__ == "__main__":
    main()
