"""``arapol label``: label a file of posts, one output row per input row, in order.

    arapol label posts.jsonl -o labelled.jsonl --model models/arapol-base
    arapol label comments.csv -o out.parquet --text-column body --target RNI --report dist.png
    cat posts.txt | arapol label - > labelled.jsonl
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer

from arapol.cli import app

MAX_WARNINGS = 20
MMAP_THRESHOLD = 4 << 20  # bytes; glibc's M_MMAP_THRESHOLD


def _cap_heap_growth() -> None:
    """Serve allocations of 4 MiB and more (a batch's activations) from their own mappings.

    glibc otherwise raises its mmap threshold after the first large free and carves later
    batches out of the heap, which fragments: over a long run the process grew by a few hundred
    MiB (see ``scripts/bench_pipeline.py``). Only this command's own process is changed; nothing
    happens where glibc is absent.
    """
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, MMAP_THRESHOLD)  # -3: M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


class Precision(StrEnum):
    """How the network runs (``arapol.load(precision=...)``); the model module's ``PRECISIONS``,
    spelled here so that ``arapol --help`` does not import torch."""

    float32 = "float32"
    bfloat16 = "bfloat16"
    int8 = "int8"


@dataclass
class LabelStats:
    """Counts over the rows labelled in this run, overall and per actor."""

    rows: int = 0
    errors: int = 0
    stance: Counter[str] = field(default_factory=Counter)
    slogans: int = 0
    attacks: int = 0
    per_actor: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, row: dict[str, Any]) -> None:
        """Count one output row (the flat label columns)."""
        self.rows += 1
        if row["error"] is not None:
            self.errors += 1
            return
        target = row["stance_target"]
        self.stance[row["stance"]] += 1
        if target is not None:
            self.per_actor[target][row["stance"]] += 1
        if row["slogan"]:
            self.slogans += 1
            if target is not None:
                self.per_actor[target]["slogan"] += 1
        if row["attack"]:
            self.attacks += 1
            for actor in row["attack_targets"]:
                self.per_actor[actor]["attacked"] += 1

    def summary(self, seconds: float, resumed: int) -> str:
        """Lines for stderr: rows, errors, label counts, posts/s."""
        rate = self.rows / seconds if seconds > 0 else 0.0
        stance = ", ".join(f"{k} {self.stance[k]:,}" for k in ("favor", "against", "none"))
        lines = [
            f"arapol label: {self.rows:,} rows ({self.errors:,} errors) in {seconds:.1f} s, {rate:,.0f} posts/s",
            f"  stance: {stance} | slogan: {self.slogans:,} | attack: {self.attacks:,}",
        ]
        if resumed:
            lines.append(f"  resumed after {resumed:,} rows already written (counts cover this run)")
        return "\n".join(lines)


def draw_report(stats: LabelStats, path: Path, title: str) -> None:
    """Bar charts of the label distribution per actor (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    actors = sorted(stats.per_actor, key=lambda a: -sum(stats.per_actor[a].values())) or ["(none)"]
    counts = [stats.per_actor.get(a, Counter()) for a in actors]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 0.45 * len(actors) + 2.5))
    left = [0] * len(actors)
    for label, color in (("favor", "#2a9d8f"), ("against", "#e76f51"), ("none", "#bbbbbb")):
        values = [c[label] for c in counts]
        ax1.barh(actors, values, left=left, color=color, label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax1.set_title("stance toward the actor")
    ax1.legend(loc="lower right")
    ax1.invert_yaxis()
    height = 0.4
    ys = range(len(actors))
    ax2.barh([y - height / 2 for y in ys], [c["slogan"] for c in counts], height, label="slogan", color="#457b9d")
    ax2.barh([y + height / 2 for y in ys], [c["attacked"] for c in counts], height, label="attacked", color="#9d0208")
    ax2.set_yticks(list(ys), actors)
    ax2.set_title("slogans (stance target) and attacks received")
    ax2.legend(loc="lower right")
    ax2.invert_yaxis()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _output_format(output: Path | None, given: str | None, input_format: str) -> str:
    from arapol.io import EXTENSIONS, format_of

    if given is not None:
        return format_of(None, given)
    if output is not None and output.suffix.lower() in EXTENSIONS:
        return format_of(output)
    return "jsonl" if input_format == "txt" else input_format


def _check_columns(columns: list[str] | None, **named: str | None) -> None:
    if not columns:  # unknown (JSONL) or an empty input
        return
    for option, column in named.items():
        if column is not None and column not in columns:
            raise typer.BadParameter(f"column {column!r} ({option}) is not in the input; "
                                     f"its columns are: {', '.join(columns)}")


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _warn(message: str) -> None:
    typer.echo(f"arapol: warning: {message}", err=True)


def _labelled_rows(nlp: Any, records: Iterable[Any], text_column: str, target_column: str | None,
                   target: str | None, batch_size: int, n_process: int = 1) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(record, output row) in input order, through one lazy ``nlp.pipe`` over the stream."""
    from arapol.labels import Analysis

    waiting: deque[Any] = deque()  # records whose analysis has not come back yet
    targets: deque[Any] = deque()

    def texts() -> Iterator[Any]:
        for record in records:
            waiting.append(record)
            targets.append(record.values.get(target_column) if target_column else target)
            yield record.values.get(text_column) if record.error is None else None

    def next_targets() -> Iterator[Any]:
        while True:  # pipe takes exactly as many targets as texts
            yield targets.popleft()

    for analysis in nlp.pipe(texts(), next_targets(), batch_size=batch_size, n_process=n_process):
        record = waiting.popleft()
        if record.error is not None:
            analysis = Analysis(text=None, error=record.error)
        elif text_column not in record.values:
            analysis.error = f"line {record.number}: no {text_column!r} field"
        yield record, {**record.values, **analysis.to_row()}


def _load(model: str | None, revision: str | None, threads: int | None, target: str | None,
          precision: str = "float32") -> Any:
    from arapol.pipeline import UntrainedModelWarning, load

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UntrainedModelWarning)
            nlp = load(model, revision=revision, threads=threads, precision=precision)
    except (FileNotFoundError, ValueError) as e:
        typer.echo(f"arapol: error: {e}", err=True)
        raise typer.Exit(2) from None
    if not nlp.trained:
        _warn(f"{nlp.loaded.directory} has RANDOM weights (trained: false): its labels mean nothing")
    if target is not None and target.strip().upper() not in nlp.config.actors:
        raise typer.BadParameter(f"unknown --target {target!r}; this model knows {', '.join(nlp.config.actors)}")
    return nlp


class _ReadErrors:
    """Warns on stderr about the first MAX_WARNINGS unreadable records."""

    def __init__(self, id_column: str | None) -> None:
        self.id_column = id_column
        self.count = 0

    def check(self, record: Any) -> None:
        if record.error is None:
            return
        self.count += 1
        if self.count <= MAX_WARNINGS:
            ident = f" ({self.id_column}={record.values.get(self.id_column)!r})" if self.id_column else ""
            more = " (further read errors not shown)" if self.count == MAX_WARNINGS else ""
            _warn(f"{record.error}{ident}{more}")


@app.command()
def label(
    source: Annotated[str, typer.Argument(help="Input file (jsonl, csv, tsv, parquet, txt) or '-' for stdin.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file; stdout when omitted.")] = None,
    format: Annotated[str | None, typer.Option("--format", help="Input format (default: from the extension; stdin: txt).")] = None,
    output_format: Annotated[str | None, typer.Option(help="Output format (default: from -o, else the input's; txt input gives jsonl).")] = None,
    text_column: Annotated[str, typer.Option(help="Column holding the post.")] = "text",
    id_column: Annotated[str | None, typer.Option(help="Column identifying rows (checked, shown in warnings).")] = None,
    target_column: Annotated[str | None, typer.Option(help="Column with each row's stance target (actor id).")] = None,
    target: Annotated[str | None, typer.Option(help="Stance target for every row (actor id, e.g. RNI).")] = None,
    model: Annotated[str | None, typer.Option(help="Model directory or Hub repo id (default: the bundled model).")] = None,
    revision: Annotated[str | None, typer.Option(help="Hub revision (branch, tag or commit).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Posts per forward pass.")] = 64,
    threads: Annotated[int | None, typer.Option(min=1, help="torch threads (default: usable cores - 1; one core preprocesses).")] = None,
    processes: Annotated[int | None, typer.Option(min=1, help="Processes: 1 preprocesses in this one; 2+ adds worker processes for the text layer (default: 2 on 2+ cores).")] = None,
    precision: Annotated[Precision, typer.Option(help="float32 (the reference); bfloat16 (fastest on CPUs with AMX, and GPUs) or int8 (CPU): scores within ~0.01 of float32.")] = Precision.float32,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run from the rows already in OUTPUT.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")] = False,
    report: Annotated[Path | None, typer.Option(help="Draw label distributions per actor to this PNG.")] = None,
) -> None:
    """Label posts: stance, slogan, attack, actors, script, language; every input column kept."""
    from arapol import io
    from arapol.labels import ROW_COLUMNS
    from arapol.pipeline import WINDOW_BATCHES

    if target is not None and target_column is not None:
        raise typer.BadParameter("give --target or --target-column, not both")
    if resume and output is None:
        raise typer.BadParameter("--resume needs -o OUTPUT")
    try:
        in_fmt = io.format_of(source, format)
        out_fmt = _output_format(output, output_format, in_fmt)
        stream_context = io.open_input(source) if in_fmt != "parquet" else nullcontext()
    except io.InputError as e:
        raise typer.BadParameter(str(e)) from None
    if source != "-" and not Path(source).is_file():
        raise typer.BadParameter(f"input file {source} does not exist")
    if out_fmt == "txt":
        raise typer.BadParameter("plain text cannot hold labels: use --output-format jsonl, csv, tsv or parquet")
    if out_fmt == "parquet" and output is None:
        raise typer.BadParameter("Parquet output needs a file: pass -o OUTPUT.parquet")
    with stream_context as stream:
        try:
            # JSONL -> JSONL needs no column list (it would cost a scan of the whole input)
            data = io.read_input(source, in_fmt, stream, jsonl_columns=out_fmt != "jsonl")
        except (io.InputError, OSError) as e:
            raise typer.BadParameter(str(e)) from None
        columns = data.columns
        if columns is None and out_fmt != "jsonl":
            raise typer.BadParameter(f"{out_fmt} output needs the input's columns up front, which JSONL "
                                     "on stdin does not give: write JSONL or read from a file")
        _check_columns(columns, **{"--text-column": text_column, "--id-column": id_column,
                                   "--target-column": target_column})
        _cap_heap_growth()
        nlp = _load(model, revision, threads, target, precision.value)
        if columns is not None and (clash := [c for c in ROW_COLUMNS if c in columns]):
            _warn(f"input column(s) {', '.join(clash)} will be replaced by the labels")
        out_columns = None if columns is None else columns + [c for c in ROW_COLUMNS if c not in columns]
        schema = data.schema if out_fmt == "parquet" else None
        skip, append_at = io.resume_point(output, out_fmt) if resume else (0, None)
        if output is not None and not resume:
            io.clear_checkpoint(output)

        stats, read_errors = LabelStats(), _ReadErrors(id_column)
        from tqdm import tqdm

        progress = tqdm(unit=" posts", initial=skip, disable=quiet or not sys.stderr.isatty())
        started = time.perf_counter()
        with io.open_writer(output, out_fmt, out_columns, schema, append_at) as writer:
            n_process = processes or (2 if len(os.sched_getaffinity(0)) >= 2 else 1)
            rows = _labelled_rows(nlp, islice(data.records, skip, None), text_column, target_column,
                                  target, batch_size, n_process)
            written = skip
            for chunk in _chunks(rows, batch_size * WINDOW_BATCHES):
                writer.write([row for _, row in chunk])
                written += len(chunk)
                if output is not None:
                    io.save_checkpoint(output, written, writer.position())
                for record, row in chunk:
                    read_errors.check(record)
                    stats.add(row)
                progress.update(len(chunk))
        progress.close()
    if output is not None:
        io.clear_checkpoint(output)
    if not quiet:
        typer.echo(stats.summary(time.perf_counter() - started, skip), err=True)
    if report is not None:
        note = "" if nlp.trained else " (RANDOM-WEIGHT MODEL: labels mean nothing)"
        draw_report(stats, report, f"{source}: {stats.rows:,} posts{note}")
