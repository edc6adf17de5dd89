"""Train arapol's bundled model on arapol-pol and measure it beside the baselines.

    python scripts/train_models.py train --encoder models/arapol-encoder --work work/models/base
    python scripts/train_models.py train --encoder ... --work ... --resume     # continue a run
    python scripts/train_models.py eval --work work/models/base               # all the numbers
    python scripts/train_models.py install --work work/models/base            # -> models/arapol-base

``train``: ``arapol.modeling.train.train`` (multi-task, early stopping and calibration on REAL
dev posts; the test split is never used) into ``WORK/model``.

``eval``: on REAL test posts (and dev, for the shipping decision), the arapol model, with
``--ablation DIR`` a model trained with ``--no-wide`` (encoder heads alone), the
character n-gram TF-IDF + logistic-regression baseline (``arapol.modeling.baseline``, C and
thresholds chosen on dev) and the majority class, side by side in one table (overall and by
main target, script and source), plus per-target error rates. Writes ``WORK/results.json``,
``WORK/results.md`` and the reports / confusion matrices under ``WORK/eval``.

``install``: copy the model files into ``models/arapol-base`` (manifest re-checked).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TASKS = (("stance_macro_f1", "stance macro-F1"), ("slogan_f1", "slogan F1"), ("attack_f1", "attack F1"))
TARGETS = {"stance_macro_f1": 0.75, "slogan_f1": 0.80, "attack_f1": 0.75}
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
               "training.json", "manifest.json")


def cmd_train(args: argparse.Namespace) -> None:
    from arapol.modeling.train import TrainArgs, train

    result = train(TrainArgs(
        base_model=str(args.encoder), data="arapol-pol", output=args.work / "model", task="multi",
        seed=args.seed, epochs=args.epochs, patience=args.patience, batch_size=args.batch_size, lr=args.lr,
        head_lr=args.head_lr, max_length=args.max_length, dev_origin="real", threads=args.threads,
        resume=args.resume, checkpoint_every=args.checkpoint_every, max_steps=args.max_steps, wide=not args.no_wide,
        wide_auxiliary=[str(a) for a in args.auxiliary],
        description="arapol-base: multi-task stance / slogan / attack model fine-tuned on arapol-pol "
                    "(train split) from arapol's own MLM-pretrained encoder; see MODEL_CARD.md.",
    ), log=lambda line: print(line, flush=True))
    print(json.dumps({k: v for k, v in asdict(result).items() if k != "history"}, default=str, indent=1))


def _headline(report: Any) -> dict[str, float]:
    return {key: report.headline[key] for key, _ in TASKS}


def _group_rows(reports: dict[str, Any], kind: str) -> list[list[str]]:
    """One row per group of ``kind`` (by_target, by_script, by_source): n and the 3 scores per system."""
    first = next(iter(reports.values()))
    rows = []
    for group, g in getattr(first, kind).items():
        cells = [f"{kind[3:]}={group}", f"{g.n} ({g.n_stance}/{g.slogan_positives}/{g.attack_positives})"]
        for metric in ("stance_macro_f1", "slogan_f1", "attack_f1"):
            for report in reports.values():
                value = getattr(getattr(report, kind)[group], metric)
                cells.append("-" if value is None else f"{value:.3f}")
        rows.append(cells)
    return rows


def results_table(reports: dict[str, Any], title: str = "all real test posts",
                  kinds: tuple[str, ...] = ("by_target", "by_script", "by_source")) -> str:
    """Markdown: overall and per-group scores, one column per (metric, system)."""
    systems = list(reports)
    header = ["posts", "n (stance/slogan+/attack+)"] + [f"{label}: {s}" for _, label in TASKS for s in systems]
    first = next(iter(reports.values()))
    overall = [title,
               f"{first.n_posts} ({first.stance.n}/{first.slogan.positive.support}/{first.attack.positive.support})"]
    overall += [f"{_headline(reports[s])[key]:.3f}" for key, _ in TASKS for s in systems]
    rows = [overall]
    for kind in kinds:
        rows += _group_rows(reports, kind)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def baseline_wins(reports: dict[str, Any]) -> list[str]:
    """Every (group, metric) where the TF-IDF baseline scores above the arapol model."""
    arapol, tfidf = reports["arapol"], reports["tfidf"]
    wins = [f"overall {label} ({tfidf.headline[key]:.3f} vs {arapol.headline[key]:.3f})"
            for key, label in TASKS if tfidf.headline[key] > arapol.headline[key]]
    for kind in ("by_target", "by_script", "by_source"):
        for group, ours in getattr(arapol, kind).items():
            theirs = getattr(tfidf, kind)[group]
            for key, label in TASKS:
                a, b = getattr(ours, key), getattr(theirs, key)
                if a is not None and b is not None and b > a:
                    wins.append(f"{kind[3:]}={group} {label} ({b:.3f} vs {a:.3f})")
    return wins


def fairness_table(report: Any) -> str:
    """Markdown: per-target error rates of one system."""
    header = ["target", "n", "stance error", "against FPR", "against FNR", "favor FPR", "favor FNR",
              "attack FPR", "attack FNR", "attacked (gold)", "attacked FPR", "attacked FNR"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in report.fairness:
        values = [r.stance_error, r.against_fpr, r.against_fnr, r.favor_fpr, r.favor_fnr, r.attack_fpr,
                  r.attack_fnr]
        cells = [r.target, str(r.n)] + ["-" if v is None else f"{v:.3f}" for v in values]
        cells += [str(r.attacked_n)] + ["-" if v is None else f"{v:.3f}" for v in (r.attacked_fpr, r.attacked_fnr)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> None:
    from arapol.modeling.baseline import MajorityMultiTask, TfidfMultiTask
    from arapol.modeling.data import load_posts
    from arapol.modeling.evaluate import (
        calibration_errors,
        evaluate_posts,
        multitask_report,
        print_report,
        report_dict,
        write_report,
    )
    from arapol.modeling.model import load_model

    model_dir = args.model or args.work / "model"
    actors = load_model(model_dir).config.actors
    splits = load_posts("arapol-pol")
    dev = [p for p in splits["dev"] if p.origin == "real"]
    test = [p for p in splits["test"] if p.origin == "real"]
    test_all = splits["test"]
    started = time.time()
    tfidf = TfidfMultiTask(actors=list(actors)).fit(splits["train"], dev)
    print(f"TF-IDF baseline fitted in {time.time() - started:.0f} s: {tfidf.settings}", flush=True)
    majority = MajorityMultiTask().fit(splits["train"])
    reports, dev_scores = {}, {}
    for split, posts, origin in (("dev", dev, "real"), ("test", test, "real"), ("test_all", test_all, None)):
        meta = {"data": "arapol-pol", "origin": origin, "split": split.split("_")[0]}
        reports[split] = {
            "arapol": evaluate_posts(model_dir, posts, **meta),
            **({"encoder-only": evaluate_posts(args.ablation, posts, **meta)} if args.ablation else {}),
            "tfidf": multitask_report(posts, tfidf.predict(posts), model="tfidf-char-1-5+logreg", actors=actors,
                                      **meta),
            "majority": multitask_report(posts, majority.predict(posts), model="majority", actors=actors, **meta),
        }
        dev_scores[split] = {name: _headline(r) for name, r in reports[split].items()}
    ece = calibration_errors(load_model(model_dir), test)
    ece_line = "Expected calibration error on real test posts (10 bins), temperature-scaled vs T = 1: " + ", ".join(
        f"{head} {v['calibrated']:.3f} vs {v['uncalibrated']:.3f}" for head, v in ece.items())
    lower = {precision: evaluate_posts(model_dir, test, precision=precision, data="arapol-pol", origin="real",
                                       split="test") for precision in ("int8", "bfloat16")}
    precision_lines = [f"{precision} (`arapol label --precision {precision}`) on real test posts: " + ", ".join(
        f"{label} {report.headline[key]:.3f} (float32 {reports['test']['arapol'].headline[key]:.3f})"
        for key, label in TASKS) for precision, report in lower.items()]
    out = args.work / "eval"
    for name, report in reports["test"].items():
        write_report(report, out, stem=f"{name}_test_real")
    print_report(reports["test"]["arapol"])
    mean = {s: round(sum(v.values()) / 3, 4) for s, v in dev_scores["dev"].items()}
    better = mean["arapol"] > mean["tfidf"]
    table = results_table(reports["test"])
    wins = baseline_wins(reports["test"])
    reached = {label: dev_scores["test"]["arapol"][k] >= TARGETS[k] for k, label in TASKS}
    lines = [
        "## Real test posts: arapol vs TF-IDF vs majority (and the encoder-only ablation)", "", table, "",
        "Dev (real posts) mean of the three scores: " + ", ".join(f"{k} {v:.4f}" for k, v in mean.items())
        + f" -> {'arapol' if better else 'TF-IDF'} is better on dev.",
        "", *precision_lines, "", ece_line, "", "Targets (real test): " + ", ".join(f"{k} {'reached' if v else 'NOT reached'}" for k, v in reached.items()),
        "", f"Where the TF-IDF baseline beats arapol on real test posts ({len(wins)} cells): "
        + ("; ".join(wins) if wins else "nowhere"), "",
        "## All test posts (real + authored), by script", "",
        results_table(reports["test_all"], "all test posts", ("by_script",)), "",
        "## Per-target error rates (arapol)", "", fairness_table(reports["test"]["arapol"]), "",
        "## Per-target error rates (TF-IDF)", "", fairness_table(reports["test"]["tfidf"]), "",
    ]
    (args.work / "results.md").write_text("\n".join(lines), "utf-8")
    results = {
        "model": str(model_dir), "tfidf_settings": tfidf.settings,
        "majority": asdict(majority), "dev_mean": mean, "arapol_better_on_dev": better,
        "headline": dev_scores, "targets_reached": reached, **{f"{p}_test": _headline(r) for p, r in lower.items()}, "ece_test": ece,
        "reports": {split: {name: report_dict(r) for name, r in rs.items()} for split, rs in reports.items()},
    }
    (args.work / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str), "utf-8")
    print("\n".join(lines))
    print(f"wrote {args.work / 'results.md'}, {args.work / 'results.json'} and {out}/")


def cmd_install(args: argparse.Namespace) -> None:
    from arapol.modeling.model import load_model, verify_manifest

    source = args.model or args.work / "model"
    verify_manifest(source)
    target = args.target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in MODEL_FILES:
        shutil.copy2(source / name, target / name)
    loaded = load_model(target)
    size = sum(p.stat().st_size for p in target.iterdir()) / 2**20
    print(f"installed {source} -> {target} ({size:.1f} MiB, trained={loaded.config.trained})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="fine-tune the multi-task model (resumable)")
    tr.add_argument("--encoder", type=Path, default=ROOT / "models" / "arapol-encoder")
    tr.add_argument("--seed", type=int, default=42)
    tr.add_argument("--epochs", type=int, default=8)
    tr.add_argument("--patience", type=int, default=2)
    tr.add_argument("--batch-size", type=int, default=32)
    tr.add_argument("--lr", type=float, default=2e-4)
    tr.add_argument("--head-lr", type=float, default=1e-3)
    tr.add_argument("--max-length", type=int, default=64)
    tr.add_argument("--threads", type=int, default=2)
    tr.add_argument("--resume", action="store_true")
    tr.add_argument("--no-wide", action="store_true", help="encoder heads only (no hashed n-gram heads)")
    tr.add_argument("--auxiliary", type=Path, action="append", default=[],
                    help="table (text, 0/1 label) of a related task whose logits feed the wide heads; "
                         "scripts/build_auxiliary.py writes them (repeatable)")
    tr.add_argument("--checkpoint-every", type=int, default=50)
    tr.add_argument("--max-steps", type=int, default=None, help="stop at this global step (resume later)")
    ev = sub.add_parser("eval", help="arapol vs TF-IDF vs majority on real test posts")
    ev.add_argument("--ablation", type=Path, help="a model trained with --no-wide, shown as encoder-only")
    ins = sub.add_parser("install", help="copy the trained model into models/arapol-base")
    ins.add_argument("--target", type=Path, default=ROOT / "models" / "arapol-base")
    for p in (tr, ev, ins):
        p.add_argument("--work", type=Path, default=ROOT / "work" / "models" / "base")
    for p in (ev, ins):
        p.add_argument("--model", type=Path, default=None, help="model directory (default: WORK/model)")
    args = parser.parse_args()
    {"train": cmd_train, "eval": cmd_eval, "install": cmd_install}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
