"""Transfer benchmarks: arapol's encoder fine-tuned with ``arapol train --task text-classification``
beside a TF-IDF baseline and the published numbers.

    python scripts/eval_transfer.py --encoder models/arapol-encoder --out work/transfer
    python scripts/eval_transfer.py --only mawqif --epochs 3          # one benchmark
    python scripts/eval_transfer.py --baseline-only                   # TF-IDF only (fast)

- OMCD (offensive / not, Moroccan YouTube comments): the original train / test split; dev =
  10% of train by hash. Published: macro-F1 78.31 (TF-IDF + SVC, Essefar et al. 2023).
- Mawqif (stance favor / against / none toward 3 targets; the target is the second segment of
  the input): the original train / test split; dev = 10% of train by hash. Scores: F =
  mean F1 of favor and against per target, averaged over targets (the StanceEval 2024
  leaderboard definition), the same pooled over targets, and 3-class macro-F1. Published:
  StanceEval 2024 best F 84.38 (its own blind test set, not this split), Mawqif paper 78.89.
- ElecMorocco2016 (sentiment P / N, Facebook comments on the 2016 elections): 5-fold
  cross-validation (folds by the hash of the row index; dev = 10% of the training folds);
  accuracy and macro-F1, mean and standard deviation over folds. No published number is
  reproduced here.

The arapol encoder's MLM pretraining saw the ElecMorocco2016 texts outside the corpus (not
their labels), OMCD train and Mawqif train texts; never OMCD test, Mawqif test or any
arapol-pol post (``held_out_hashes`` in scripts/pretrain_encoder.py).
Results: ``OUT/results.json`` and a table on stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = {
    "omcd": "macro-F1 78.31 (TF-IDF + SVC; Essefar et al. 2023)",
    "mawqif": "F(favor, against) 84.38 (StanceEval 2024 best, its blind test set); 78.89 (Mawqif paper, WANLP 2022)",
    "elecmorocco2016": "none reproduced here",
}


def _rows(path: Path, text: str = "text", label: str = "label", pair: str | None = None) -> list[Any]:
    """Labelled rows of a benchmark file; rows with an empty text are dropped (and counted)."""
    from arapol.modeling.data import labelled_rows, read_table

    rows = read_table(path)
    kept = [r for r in rows if str(r[text]).strip()]
    if len(kept) < len(rows):
        print(f"  {path.name}: {len(rows) - len(kept)} row(s) with an empty text dropped", flush=True)
    return labelled_rows(kept, text, label, pair)


def _fold(key: str, k: int) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest(), 16) % k


def _write_csv(path: Path, examples: Sequence[Any], splits: Sequence[str]) -> Path:
    import pandas as pd

    pd.DataFrame({"text": [x.text for x in examples], "label": [x.label for x in examples],
                  "pair": [x.pair or "" for x in examples], "split": list(splits)}).to_csv(path, index=False)
    return path


def _scores(gold: Sequence[str], pred: Sequence[str], pairs: Sequence[str | None]) -> dict[str, Any]:
    from arapol.modeling.evaluate import text_classification_report

    labels = sorted(set(gold) | set(pred))
    rep = text_classification_report(gold, pred, labels)
    out: dict[str, Any] = {"macro_f1": rep.report.macro_f1, "accuracy": rep.report.accuracy,
                           "per_label_f1": {k: v.f1 for k, v in rep.report.per_label.items()}, "n": len(gold)}
    if rep.favor_against_f1 is not None:
        out["favor_against_f1_pooled"] = rep.favor_against_f1
        per_target = {}
        for target in sorted({p for p in pairs if p}):
            rows = [i for i, p in enumerate(pairs) if p == target]
            sub = text_classification_report([gold[i] for i in rows], [pred[i] for i in rows], labels)
            per_target[target] = sub.favor_against_f1
        out["favor_against_f1_per_target"] = per_target
        out["favor_against_f1"] = round(sum(per_target.values()) / len(per_target), 4)
    return out


def _split_train(train: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    from arapol.modeling.data import carve_dev

    s = carve_dev({"train": list(train), "dev": [], "test": []})
    return s["train"], s["dev"]


def run_tfidf(train: Sequence[Any], test: Sequence[Any]) -> dict[str, Any]:
    """TF-IDF + logistic regression, C by dev macro-F1 (dev carved from train)."""
    from arapol.modeling.baseline import TfidfClassifier

    fit, dev = _split_train(train)
    pairs = [x.pair for x in fit] if fit[0].pair is not None else None
    dev_pairs = [x.pair for x in dev] if pairs else None
    clf = TfidfClassifier().fit([x.text for x in fit], [x.label for x in fit], [x.text for x in dev],
                                [x.label for x in dev], pairs, dev_pairs)
    pred = clf.predict([x.text for x in test], [x.pair for x in test] if pairs else None)
    return {**_scores([x.label for x in test], pred, [x.pair for x in test]), "C": clf.chosen_c}


def run_arapol(train: Sequence[Any], test: Sequence[Any], work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """``arapol train --task text-classification`` from the encoder, then the test predictions."""
    from arapol.modeling.evaluate import classify
    from arapol.modeling.train import TrainArgs
    from arapol.modeling.train import train as fit

    fit_rows, dev = _split_train(train)
    work.mkdir(parents=True, exist_ok=True)
    data = _write_csv(work / "data.csv", fit_rows + dev, ["train"] * len(fit_rows) + ["dev"] * len(dev))
    has_pair = train[0].pair is not None
    output = work / "model"
    result = fit(TrainArgs(
        base_model=str(args.encoder), data=str(data), output=output, task="text-classification",
        pair_column="pair" if has_pair else None, epochs=args.epochs, patience=args.patience,
        batch_size=args.batch_size, lr=args.lr, max_length=args.max_length, threads=args.threads,
        resume=(output / "checkpoint" / "state.json").is_file(), seed=args.seed,
    ), log=lambda line: print(f"  {line}", flush=True))
    pred, _ = classify(output, test)
    return {**_scores([x.label for x in test], pred, [x.pair for x in test]),
            "epochs": result.epochs_run, "best_epoch": result.best_epoch, "minutes": round(result.seconds / 60, 1)}


def benchmark(name: str, data: Path) -> list[tuple[str, list[Any], list[Any]]]:
    """(fold name, train, test) pairs of a benchmark."""
    if name == "omcd":
        return [("test", _rows(data / "omcd" / "omcd_train.csv"), _rows(data / "omcd" / "omcd_test.csv"))]
    if name == "mawqif":
        return [("test", _rows(data / "mawqif" / "mawqif_train.csv", pair="target"),
                 _rows(data / "mawqif" / "mawqif_test.csv", pair="target"))]
    from arapol.modeling.data import read_table

    rows = [r for r in read_table(data / "elecmorocco2016" / "elecmorocco2016.csv") if str(r["text"]).strip()]
    examples = _rows(data / "elecmorocco2016" / "elecmorocco2016.csv")
    folds = [_fold(str(r["index"]), 5) for r in rows]
    return [(f"fold{k}", [x for x, f in zip(examples, folds, strict=True) if f != k],
             [x for x, f in zip(examples, folds, strict=True) if f == k]) for k in range(5)]


def _mean(results: list[dict[str, Any]], key: str) -> str:
    values = [r[key] for r in results if key in r]
    if not values:
        return "-"
    if len(values) == 1:
        return f"{100 * values[0]:.2f}"
    return f"{100 * statistics.mean(values):.2f} ± {100 * statistics.stdev(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", type=Path, default=ROOT / "models" / "arapol-encoder")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "work" / "transfer")
    parser.add_argument("--only", default="omcd,mawqif,elecmorocco2016")
    parser.add_argument("--folds", type=int, default=5, help="ElecMorocco2016 folds to run (of 5)")
    parser.add_argument("--baseline-only", action="store_true")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--patience", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "results.json"
    results: dict[str, Any] = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    for name in args.only.split(","):
        entry = results.setdefault(name, {"published": PUBLISHED[name], "tfidf": {}, "arapol": {}})
        for fold, train, test in benchmark(name, args.data)[:args.folds]:
            print(f"{name} {fold}: {len(train):,} train, {len(test):,} test", flush=True)
            started = time.time()
            entry["tfidf"][fold] = run_tfidf(train, test)
            print(f"  tfidf ({time.time() - started:.0f} s): {json.dumps(entry['tfidf'][fold])}", flush=True)
            if not args.baseline_only:
                entry["arapol"][fold] = run_arapol(train, test, args.out / name / fold, args)
                print(f"  arapol: {json.dumps(entry['arapol'][fold])}", flush=True)
            path.write_text(json.dumps(results, indent=1, ensure_ascii=False), "utf-8")
    print("\n| benchmark | metric | arapol encoder | TF-IDF + logreg | published |\n|---|---|---|---|---|")
    for name, entry in results.items():
        keys = ["favor_against_f1", "favor_against_f1_pooled", "macro_f1"] if name == "mawqif" else ["macro_f1", "accuracy"]
        for key in keys:
            arapol = _mean(list(entry["arapol"].values()), key)
            tfidf = _mean(list(entry["tfidf"].values()), key)
            folds = f" ({len(entry['tfidf'])} folds)" if name == "elecmorocco2016" else ""
            print(f"| {name}{folds} | {key} | {arapol} | {tfidf} | {entry['published'] if key == keys[0] else ''} |")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
