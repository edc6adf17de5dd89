"""Speed and memory of the bundled model (tokenization + forward) beside a BERT-base pipeline.

    python scripts/bench_models.py                    # models/arapol-base, 20,000 posts
    python scripts/bench_models.py --model PATH --threads 2 --baseline-posts 2000

Both sides run in their own subprocess (peak RSS from ``os.wait4``) on the same posts (the
mix of ``scripts/bench_pipeline.py``: shared data sets plus synthetic Arabizi / Tifinagh /
French posts), with the same torch threads, batch size and 64-token truncation:

- arapol: ``normalize(text, "model")`` + the model's tokenizer + ``ArapolModel`` forward
  (all four heads, plus the wide n-gram heads when the model has them; posts sorted by length
  into batches), raw logits. This is
  the model alone; ``scripts/bench_pipeline.py`` measures the whole ``arapol label`` path.
  Measured in float32, bfloat16 and int8 (``load_model(precision=...)``).
- transformers: ``pipeline("text-classification")`` with a BERT-base-sized
  ``BertForSequenceClassification`` (``BertConfig()`` sizes, random weights) and the same
  tokenizer, in float32 (the pipeline's default) and in bfloat16, on ``--baseline-posts`` posts
  (posts/s is the comparable figure; the time for all posts is extrapolated).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import gather_posts, run_measured, stand_in_model, write_jsonl  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _texts(source: Path, n: int) -> list[str]:
    with source.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in islice(handle, n)]


def child_arapol(model_dir: Path, source: Path, n: int, threads: int, batch_size: int,
                 precision: str = "float32") -> None:
    """(subprocess) normalize + tokenize + forward of the arapol model; JSON line on stderr."""
    import torch

    from arapol.modeling.data import model_text
    from arapol.modeling.evaluate import encode, multitask_logits
    from arapol.modeling.model import load_model

    torch.set_num_threads(threads)
    loaded = load_model(model_dir, precision=precision)
    cfg = loaded.config
    texts = _texts(source, n)
    started = time.perf_counter()
    model_texts = [model_text(t, cfg.normalize_preset, cfg.max_length) for t in texts]
    ids = encode(loaded.tokenizer, model_texts)
    tokenized = time.perf_counter()
    logits = multitask_logits(loaded.model, ids, loaded.pad_id, batch_size, model_texts)  # + wide heads
    done = time.perf_counter()
    tokens = sum(map(len, ids))
    print(json.dumps({"posts": len(texts), "seconds": done - started, "tokenize_seconds": tokenized - started,
                      "tokens": tokens, "stance_shape": list(logits["stance"].shape)}), file=sys.stderr)


def child_transformers(model_dir: Path, source: Path, n: int, threads: int, batch_size: int,
                       dtype: str = "float32") -> None:
    """(subprocess) transformers text-classification pipeline, BERT-base sizes, random weights."""
    from arapol.modeling.tiny import bert_base_classifier

    classify = bert_base_classifier(model_dir / "tokenizer.json", threads, dtype)
    texts = _texts(source, n)
    started = time.perf_counter()
    classify(texts, batch_size=batch_size, truncation=True, max_length=64)
    print(json.dumps({"posts": len(texts), "seconds": time.perf_counter() - started}), file=sys.stderr)


def _result(stderr: str) -> dict:
    return json.loads([line for line in stderr.splitlines() if line.startswith("{")][-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "arapol-base")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, default=ROOT / "work" / "bench")
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--baseline-posts", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # internal: KIND MODEL SOURCE
    args = parser.parse_args()
    if args.child:
        kind, model, source = args.child
        name, _, precision = kind.partition("-")
        child = child_transformers if name == "transformers" else child_arapol
        child(Path(model), Path(source), args.posts, args.threads, args.batch_size, precision or "float32")
        return

    args.work.mkdir(parents=True, exist_ok=True)
    posts, origin = gather_posts(args.data, args.posts)
    model, note = args.model, ""
    if not (model / "manifest.json").is_file():
        model, note = stand_in_model(args.work, posts), " (RANDOM WEIGHTS stand-in, 4 layers x 256: speed only)"
    source = write_jsonl(args.work / f"models-posts-{len(posts)}.jsonl", posts, len(posts))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; torch threads {args.threads}, "
          f"batch {args.batch_size}")
    print(f"posts: {len(posts):,} ({origin}); model: {model}{note}")

    def measure(kind: str, n: int) -> tuple[dict, float]:
        run = run_measured([sys.executable, __file__, "--child", kind, str(model), str(source), "--posts", str(n),
                            "--threads", str(args.threads), "--batch-size", str(args.batch_size)])
        return _result(run.stderr), run.peak_rss_mib

    ours = {}
    for kind in ("arapol", "arapol-bfloat16", "arapol-int8"):
        result, rss = measure(kind, len(posts))
        ours[kind] = (result["posts"] / result["seconds"], rss)
        print(f"{kind:<15}: {result['posts']:,} posts in {result['seconds']:6.1f} s = {ours[kind][0]:7.0f} posts/s "
              f"(tokenization {result['tokenize_seconds']:.1f} s, {result['tokens'] / result['posts']:.1f} "
              f"tokens/post); peak RSS {rss:,.0f} MiB")
    theirs = {}
    for kind in ("transformers", "transformers-bfloat16"):
        result, rss = measure(kind, min(args.baseline_posts, len(posts)))
        theirs[kind] = (result["posts"] / result["seconds"], rss)
        print(f"{kind:<15}: {result['posts']:,} posts in {result['seconds']:6.1f} s = {theirs[kind][0]:7.1f} posts/s "
              f"(BERT-base sizes, random weights, text-classification pipeline); peak RSS {rss:,.0f} MiB; "
              f"{len(posts):,} posts extrapolated: {len(posts) / theirs[kind][0] / 60:.1f} min")
    for kind, (rate, rss) in ours.items():
        print(f"ratio: {kind} labels " + ", ".join(
            f"{rate / hf_rate:.1f}x as many posts/s as {hf} ({rss / hf_rss:.2f}x its peak memory)"
            for hf, (hf_rate, hf_rss) in theirs.items()))


if __name__ == "__main__":
    main()
