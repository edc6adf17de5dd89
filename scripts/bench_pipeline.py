"""Benchmark ``arapol label`` against a transformers text-classification pipeline.

    python scripts/bench_pipeline.py                      # bundled model, else a random stand-in
    python scripts/bench_pipeline.py --model PATH --with-1m

1. 20,000 posts: text columns of shared data sets (``--data``) plus synthetic posts
   (Arabizi, Tifinagh, French, hashtags, URLs), written to ``--work`` (git-ignored).
2. ``arapol label`` on them in a subprocess: posts/s (end to end, and the labelling loop
   as the command reports it) and peak RSS (``os.wait4``'s ``ru_maxrss``).
3. A ``transformers`` ``pipeline("text-classification")`` with a BERT-base-sized model
   (``BertConfig()`` sizes, random weights, the stand-in's tokenizer) on a subset with 1
   and 2 torch threads, in float32 (its default) and, with ``--baseline-dtypes``, bfloat16,
   extrapolated to the full set; same 64-token truncation. Ratios are to the faster thread
   count of each dtype.
4. Per-post cost of ``arapol label`` at 1k, 10k and 100k posts (1M with --with-1m).

``arapol label`` runs with each ``--precision`` of ``--modes`` (float32, bfloat16, int8), with
its text-layer worker process and with ``--processes 1`` (``/1``), in the same run; the scale
series uses ``--scale-mode``. Peak RSS is given for the labelling process and for it
with its worker processes (summed, sampled from ``/proc``).

Without ``--model`` and without a bundled model, a model with RANDOM weights of the size
arapol's encoder aims at (4 layers x 256) stands in: the numbers are for speed only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (file under --data, text column)
SOURCES = [
    ("elecmorocco2016/elecmorocco2016.csv", "text"),
    ("myc/myc_cleaned.csv", "text"),
    ("mac/mac_corpus.csv", "text"),
    ("omcd/omcd_train.csv", "text"),
    ("msac/msac.csv", "text"),
]
SYNTHETIC_SHARE = 0.15
# made-up fragments for synthetic posts (scripts and forms the data sets lack)
FRAGMENTS = [
    "l7koma", "3lach", "ma dartch", "chi 7aja", "ghadi nsawet", "3la", "lmisbah", "akhannouch",
    "ⴰⵣⵓⵍ", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "azul fellawen", "franchement", "le gouvernement", "les élections",
    "#تعاقد_من_أجل_الكرامة", "#VoteRNI2021", "https://example.ma/p/123", "@someone", "😡", "👍🏽",
    "الحكومة", "صوتوا على", "الحمامة", "بنكيران", "الجرار", "الانتخابات", "فاشلة", "bravo",
]


def gather_posts(data: Path, n: int, seed: int = 0) -> tuple[list[str], str]:
    """``n`` posts: real texts from ``data`` plus SYNTHETIC_SHARE made-up ones, shuffled."""
    rng = random.Random(seed)
    real: list[str] = []
    for name, column in SOURCES:
        path = data / name
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                real += [row[column] for row in csv.DictReader(handle) if row.get(column, "").strip()]
    rng.shuffle(real)
    n_real = min(len(real), int(n * (1 - SYNTHETIC_SHARE)))
    synthetic = [" ".join(rng.choices(FRAGMENTS, k=rng.randint(3, 14))) for _ in range(n - n_real)]
    posts = real[:n_real] + synthetic
    rng.shuffle(posts)
    return posts, f"{n_real:,} from {data} + {len(synthetic):,} synthetic"


def cpu_features() -> str:
    """The CPU's bfloat16 / int8 matrix instructions (Linux /proc/cpuinfo), which decide what
    ``--precision bfloat16`` and ``int8`` gain."""
    try:
        flags = next(line for line in open("/proc/cpuinfo") if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return "CPU flags unknown"
    wanted = ("amx_bf16", "amx_int8", "avx512_bf16", "avx512_vnni", "avx2")
    return "has " + (", ".join(f for f in wanted if f in flags) or "none of " + ", ".join(wanted))


def write_jsonl(path: Path, posts: list[str], n: int) -> Path:
    """``n`` rows cycling over ``posts`` (windows of 1,024 rows never repeat a post)."""
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(islice(cycle(posts), n)):
            out.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
    return path


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the child
    peak_rss_mib: float  # the child itself (ru_maxrss)
    stderr: str
    tree_peak_mib: float = 0.0  # the child and its worker processes together, sampled from /proc


def tree_rss_kib(pid: int) -> int:
    """Summed VmRSS of a process and all its descendants (Linux /proc); 0 for what has ended."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_measured(command: list[str]) -> Run:
    """Run a command; wall time, CPU time, peak RSS (ru_maxrss of this child, via os.wait4) and
    the peak of the whole process tree's RSS (sampled every 0.1 s)."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as devnull, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=devnull, stderr=errors)
        tree_peak = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, tree_rss_kib(process.pid))
            time.sleep(0.1)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[:4]} failed ({process.returncode}):\n{stderr}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stderr, tree_peak / 1024)


def loop_rate(stderr: str) -> float:
    """posts/s of the labelling loop, from the summary line of ``arapol label``."""
    for line in stderr.splitlines():
        if line.startswith("arapol label:") and (found := re.search(r"([\d,.]+) posts/s", line)):
            return float(found.group(1).replace(",", ""))
    raise ValueError(f"no summary in: {stderr[-500:]}")


def label_command(source: Path, model: Path, threads: int, batch_size: int, mode: str = "float32") -> list[str]:
    """``arapol label`` in ``mode``: a ``--precision``, with ``/1`` for ``--processes 1`` (no worker)."""
    precision, _, processes = mode.partition("/")
    return [sys.executable, "-c", "from arapol.cli import main; main()", "label", str(source),
            "-o", str(source.with_suffix(".out.jsonl")), "--model", str(model),
            "--threads", str(threads), "--batch-size", str(batch_size)] + \
        ["--precision", precision] + (["--processes", processes] if processes else [])


def stand_in_model(work: Path, posts: list[str]) -> Path:
    """A RANDOM-weight model of the intended size, tokenizer trained on the bench posts."""
    from arapol.modeling.tiny import make_random_model

    path = work / "random-small"
    if not (path / "manifest.json").is_file():
        make_random_model(path, size="small", texts=posts, vocab_size=16000, max_length=64)
    return path


def baseline(model_dir: Path, source: Path, n: int, threads: int, batch_size: int, dtype: str) -> None:
    """(subprocess) transformers text-classification, BERT-base sizes, random weights."""
    from arapol.modeling.tiny import bert_base_classifier

    classify = bert_base_classifier(model_dir / "tokenizer.json", threads, dtype)
    with source.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in islice(handle, n)]
    started = time.perf_counter()
    classify(texts, batch_size=batch_size, truncation=True, max_length=64)
    print(f"baseline loop: {n} posts in {time.perf_counter() - started:.2f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model directory (default: bundled, else a random stand-in)")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--work", type=Path, default=ROOT / "work" / "bench")
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--baseline-posts", type=int, default=1_000)
    parser.add_argument("--threads", type=int, help="torch threads of arapol label (default: its own)")
    parser.add_argument("--baseline-threads", default="1,2", help="torch threads to try for transformers")
    parser.add_argument("--baseline-dtypes", default="float32", help="transformers dtypes to try (float32,bfloat16)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--scales", default="1000,10000,100000")
    parser.add_argument("--modes", default="float32,bfloat16,int8,bfloat16/1,int8/1",
                        help="arapol label modes to measure (/1: --processes 1, no worker process)")
    parser.add_argument("--scale-mode", default="int8", choices=("float32", "bfloat16", "int8"))
    parser.add_argument("--with-1m", action="store_true", help="also 1,000,000 posts (about 15-20 min)")
    parser.add_argument("--baseline", nargs=3, help=argparse.SUPPRESS)  # internal: MODEL_DIR SOURCE DTYPE
    args = parser.parse_args()
    if args.baseline:
        baseline(Path(args.baseline[0]), Path(args.baseline[1]), args.baseline_posts, args.threads, args.batch_size,
                 args.baseline[2])
        return

    from arapol.pipeline import default_threads

    threads = args.threads or default_threads()
    args.work.mkdir(parents=True, exist_ok=True)
    posts, origin = gather_posts(args.data, args.posts)
    bundled = ROOT / "models" / "arapol-base"
    model = args.model or (bundled if (bundled / "manifest.json").is_file() else None)
    note = ""
    if model is None:
        model = stand_in_model(args.work, posts)
        note = " (RANDOM WEIGHTS, 4 layers x 256, standing in until a trained model is bundled: speed only)"
    print(f"machine: {len(os.sched_getaffinity(0))} usable CPUs ({cpu_features()}), load average before start "
          f"{os.getloadavg()[0]:.1f} (other processes share the CPUs)")
    print(f"posts: {len(posts):,} ({origin}); model: {model}{note}")

    source = write_jsonl(args.work / f"posts-{len(posts)}.jsonl", posts, len(posts))
    rates = {}
    for mode in args.modes.split(","):
        arapol = run_measured(label_command(source, model, threads, args.batch_size, mode))
        rates[mode] = loop_rate(arapol.stderr)
        where = "in one process" if mode.endswith("/1") else "text layer in a worker process"
        print(f"arapol label, {mode} ({threads} torch thread(s); {where}): {len(posts):,} posts "
              f"in {arapol.seconds:.1f} s = {len(posts) / arapol.seconds:.0f} posts/s end to end, "
              f"{rates[mode]:,.0f} posts/s labelling loop; CPU {arapol.cpu_seconds:.1f} s; "
              f"peak RSS {arapol.peak_rss_mib:,.0f} MiB (with its worker processes {arapol.tree_peak_mib:,.0f} MiB)")

    n = min(args.baseline_posts, len(posts))
    best: dict[str, float] = {}  # baseline dtype -> its best posts/s over the thread counts
    for dtype in args.baseline_dtypes.split(","):
        for hf_threads in (int(t) for t in args.baseline_threads.split(",")):
            hf = run_measured([sys.executable, __file__, "--baseline", str(model), str(source), dtype,
                               "--baseline-posts", str(n), "--threads", str(hf_threads),
                               "--batch-size", str(args.batch_size)])
            hf_rate = n / float(hf.stderr.split(" posts in ")[1].split()[0])
            best[dtype] = max(best.get(dtype, 0.0), hf_rate)
            print(f"transformers pipeline ({dtype}, {hf_threads} torch thread(s); BERT-base sizes, random weights, "
                  f"one head, no text layer): {n:,} posts, {hf_rate:.1f} posts/s loop -> {len(posts):,} posts "
                  f"extrapolated {len(posts) / hf_rate / 60:.1f} min; peak RSS {hf.peak_rss_mib:,.0f} MiB")
    for mode, rate in rates.items():
        print(f"ratio (labelling loops): arapol label {mode} = " + ", ".join(
            f"{rate / hf_rate:.1f}x transformers {dtype}" for dtype, hf_rate in best.items()))

    scales = [int(s) for s in args.scales.split(",")] + ([1_000_000] if args.with_1m else [])
    print(f"per-post cost of arapol label {args.scale_mode} (labelling loop; end to end adds startup; CPU: user+system "
          "time of the process, marginal = extra CPU per extra post since the previous size):")
    previous: tuple[int, float] | None = None
    for size in scales:
        path = write_jsonl(args.work / f"scale-{size}.jsonl", posts, size)
        run = run_measured(label_command(path, model, threads, args.batch_size, args.scale_mode))
        rate = loop_rate(run.stderr)
        marginal = "" if previous is None else \
            f", marginal {(run.cpu_seconds - previous[1]) / (size - previous[0]) * 1e6:,.0f} us CPU/post"
        print(f"  {size:>9,} posts: {1e6 / rate:6.0f} us/post ({rate:,.0f} posts/s); end to end "
              f"{run.seconds:.1f} s; CPU {run.cpu_seconds:.1f} s{marginal}; peak RSS "
              f"{run.peak_rss_mib:,.0f} MiB (with workers {run.tree_peak_mib:,.0f} MiB); "
              f"load average now {os.getloadavg()[0]:.1f}")
        previous = (size, run.cpu_seconds)
        path.unlink()
        path.with_suffix(".out.jsonl").unlink()


if __name__ == "__main__":
    main()
