"""``arapol corpus``: merge annotations, build the joined corpus, print stats and agreement.

    arapol corpus merge                      # passes a/b + adjudications -> real.jsonl
    arapol corpus build --out work/corpus    # join with source texts, verify hashes
    arapol corpus stats [--json]
    arapol corpus agreement [--json]         # Cohen's kappa, pass a vs pass b
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from arapol.cli import app

corpus_app = typer.Typer(name="corpus", help="The arapol-pol corpus: merge, build, stats, agreement.",
                         no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")

CorpusDir = Annotated[Path, typer.Option("--corpus", help="Standoff corpus folder.")]
DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Shared data folder (default: $ARAPOL_DATA, else ../shared/data).")]
CacheDir = Annotated[Path | None, typer.Option(
    "--cache-dir", help="Download cache (default: $ARAPOL_CACHE/sources or ~/.cache/arapol/sources).")]
AnnotationsDir = Annotated[Path, typer.Option("--annotations", help="pass_a/, pass_b/, adjudicated.jsonl.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
_DEFAULT_CORPUS = Path("corpora/arapol-pol")
_DEFAULT_ANNOTATIONS = Path("corpora/annotations")
_SHOWN = 50


def _fail(errors: list[str], what: str, note: str = "") -> None:
    for error in errors[:_SHOWN]:
        typer.echo(f"error: {error}", err=True)
    if len(errors) > _SHOWN:
        typer.echo(f"... and {len(errors) - _SHOWN} more error(s)", err=True)
    typer.echo(f"arapol corpus {what}: {len(errors)} error(s){note}", err=True)
    raise typer.Exit(1)


def _table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    Console().print(table)


@corpus_app.command()
def merge(
    annotations: AnnotationsDir = _DEFAULT_ANNOTATIONS,
    out: Annotated[Path, typer.Option(help="The standoff file to write.")] = _DEFAULT_CORPUS / "real.jsonl",
    allow_single: Annotated[bool, typer.Option(help="Also take posts labelled in one pass only.")] = False,
) -> None:
    """Merge pass a, pass b and adjudications into the standoff file (ids, hashes, labels)."""
    from arapol.corpora.merge import merge as _merge
    from arapol.corpora.records import read_jsonl, write_jsonl

    kept = {r["id"]: r["split"] for r in read_jsonl(out)} if out.is_file() else {}
    result = _merge(annotations, splits=kept, allow_single=allow_single)
    if result.errors:
        _fail(result.errors, "merge", "; nothing written")
    write_jsonl(out, result.records)
    typer.echo(json.dumps({"written": len(result.records), "path": str(out),
                           "agreed": result.agreed, "adjudicated": result.adjudicated,
                           "single_pass_taken": result.single,
                           "disagreements_pending": len(result.pending),
                           "one_pass_only_left_out": len(result.one_pass_only)}))


@corpus_app.command()
def build(
    data_dir: DataDir = None,
    out: Annotated[Path, typer.Option(help="Where the joined corpus goes (verbatim texts).")] = Path("work/corpus"),
    corpus: CorpusDir = _DEFAULT_CORPUS,
    cache_dir: CacheDir = None,
    download: Annotated[bool, typer.Option(help="Download missing source files.")] = True,
    base_url: Annotated[str | None, typer.Option(
        help="Raw-file server (default: $ARAPOL_DOWNLOAD_BASE or raw.githubusercontent.com).")] = None,
) -> None:
    """Join the standoff corpus with source texts, verify every hash, write JSONL + Parquet per split."""
    from arapol.corpora.build import build as _build
    from arapol.corpora.build import write_corpus

    report = _build(corpus, data_dir, cache_dir=cache_dir, download=download, base_url=base_url)
    if not report.ok:
        _fail(report.errors, "build", "; nothing written")
    counts = write_corpus(report.rows, out)
    typer.echo(json.dumps({"out": str(out), "rows": counts, "sources": report.files},
                          ensure_ascii=False))


@corpus_app.command()
def stats(
    corpus: CorpusDir = _DEFAULT_CORPUS,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    as_json: AsJson = False,
) -> None:
    """Counts per split, origin, source, script, target and label (script needs the source texts)."""
    from arapol.corpora.build import build as _build
    from arapol.corpora.stats import corpus_stats

    report = _build(corpus, data_dir, cache_dir=cache_dir, download=False)
    rows: list[dict[str, Any]] = report.rows
    if not report.ok:  # labels are still countable from the standoff files; scripts are not
        typer.echo(f"warning: {len(report.errors)} problem(s) joining the texts (first: "
                   f"{report.errors[0]}); counts below come from the standoff files, without "
                   "scripts", err=True)
        rows = _standoff_rows(corpus)
    result = corpus_stats(rows)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"{corpus}: {result.total} posts")
    _table("", ["split", "posts"], [[s, n] for s, n in result.splits.items()])
    for dimension, values in result.tables.items():
        header = [dimension, *result.splits, "total"]
        _table("", header, [[value, *counts.values()] for value, counts in values.items()])


def _standoff_rows(corpus: Path) -> list[dict[str, Any]]:
    from arapol.corpora.records import read_jsonl
    from arapol.corpora.splits import split_of

    rows = []
    for name in ("real.jsonl", "authored.jsonl"):
        for record in read_jsonl(corpus / name) if (corpus / name).is_file() else ():
            source = record.get("source") or record.get("origin")
            rows.append({**record, "source": source,
                         "split": record.get("split") or split_of(record["id"])})
    return rows


@corpus_app.command()
def agreement(
    annotations: AnnotationsDir = _DEFAULT_ANNOTATIONS,
    by_source: Annotated[bool, typer.Option(help="Also kappa per source data set.")] = False,
    as_json: AsJson = False,
) -> None:
    """Cohen's kappa per field between pass a and pass b, over the posts both labelled."""
    from arapol.corpora.agreement import agreement as _agreement
    from arapol.corpora.agreement import agreement_by
    from arapol.corpora.merge import disagreements, read_annotations

    found = read_annotations(annotations)
    if found.errors:
        _fail(found.errors, "agreement")
    a = {k: v.labels for k, v in found.a.items()}
    b = {k: v.labels for k, v in found.b.items()}
    rows = _agreement(a, b)
    groups = agreement_by(a, b, lambda rid: rid.split("/", 1)[0]) if by_source else {}
    summary = {"pass_a": len(a), "pass_b": len(b), "both": rows[0].n,
               "disagreements": len(disagreements(found.a, found.b)),
               "adjudicated": len(found.adjudicated)}
    if as_json:
        typer.echo(json.dumps({**summary, "fields": [r.to_dict() for r in rows],
                               "by_source": {g: [r.to_dict() for r in rs] for g, rs in groups.items()}},
                              indent=2))
        return
    typer.echo("  ".join(f"{k}={v}" for k, v in summary.items()))
    _table("pass a vs pass b", ["field", "n", "observed", "kappa"],
           [[r.field, r.n, f"{r.observed:.3f}", _kappa(r.kappa)] for r in rows])
    if groups:
        names = [r.field for r in rows[:5]]
        _table("kappa per source", ["source", "n", *names],
               [[g, rs[0].n, *(_kappa(r.kappa) for r in rs[:5])] for g, rs in groups.items()])


def _kappa(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
