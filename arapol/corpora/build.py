"""Join the standoff corpus files with their source texts, verifying every hash.

``corpora/<name>/real.jsonl`` holds keys, hashes and labels of real posts;
``authored.jsonl`` holds authored posts in full. :func:`build` returns the joined rows and
*every* problem found (missing source file, missing or ambiguous row, hash mismatch, invalid
labels), each naming the record; nothing is dropped silently.

    report = build(Path("corpora/arapol-pol"), Path("../shared/data"))
    if report.errors: ...
    write_corpus(report.rows, Path("work/corpus"))
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arapol.corpora._script import post_script
from arapol.corpora.records import LabelError, Labels, parse_id, read_jsonl, sha256
from arapol.corpora.sources import (
    FILES,
    SourceError,
    SourceTexts,
    default_cache_dir,
    locate,
    read_texts,
)
from arapol.corpora.splits import SPLITS, split_of

__all__ = [
    "COLUMNS",
    "BuildReport",
    "build",
    "default_data_dir",
    "write_corpus",
]

COLUMNS = ("id", "text", "source", "origin", "split", "script",
           "target", "stance", "slogan", "attack", "attack_targets")
_SHOWN = 5  # record ids named per missing file


@dataclass
class BuildReport:
    """Joined rows (columns :data:`COLUMNS`), errors, and where each source file was read."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def default_data_dir() -> Path:
    """``$ARAPOL_DATA``, else ``../shared/data`` from the working directory or the repo root."""
    if os.environ.get("ARAPOL_DATA"):
        return Path(os.environ["ARAPOL_DATA"])
    candidates = [Path("../shared/data"), Path(__file__).resolve().parents[2] / "../shared/data"]
    return next((p for p in candidates if p.is_dir()), candidates[0])


def build(corpus_dir: Path, data_dir: Path | None = None, *, cache_dir: Path | None = None,
          download: bool = True, base_url: str | None = None) -> BuildReport:
    """Join ``real.jsonl`` (with source texts) and ``authored.jsonl`` of ``corpus_dir``."""
    data_dir = data_dir or default_data_dir()
    cache_dir = cache_dir or default_cache_dir()
    report = BuildReport()
    real, authored = _standoff(corpus_dir / "real.jsonl"), _standoff(corpus_dir / "authored.jsonl")
    if not real and not authored:
        report.errors.append(f"{corpus_dir}: no real.jsonl or authored.jsonl records")
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in _unique(real + authored, report.errors):
        if record.get("origin") == "authored":
            _add(report, record, record.get("text"), "authored")
            continue
        if record.get("origin") != "real":
            report.errors.append(f"{record.get('id')}: origin must be 'real' or 'authored'")
            continue
        try:
            rid = parse_id(str(record.get("id")))
        except ValueError as err:
            report.errors.append(str(err))
            continue
        if rid.file not in FILES:
            report.errors.append(f"{record['id']}: unknown source file {rid.file!r}")
            continue
        by_file[rid.file].append(record)
    for relpath, records in sorted(by_file.items()):
        texts = _source_texts(relpath, records, data_dir, cache_dir, download, base_url, report)
        for record in records if texts is not None else ():
            _join(report, record, relpath, texts)
    report.rows.sort(key=lambda r: r["id"])
    return report


def _standoff(path: Path) -> list[dict[str, Any]]:
    return list(read_jsonl(path)) if path.is_file() else []


def _unique(records: list[dict[str, Any]], errors: list[str]) -> Iterable[dict[str, Any]]:
    seen: set[str] = set()
    for record in records:
        rid = record.get("id")
        if rid in seen:
            errors.append(f"{rid}: appears more than once in the corpus files")
            continue
        seen.add(rid)
        yield record


def _source_texts(relpath: str, records: list[dict[str, Any]], data_dir: Path, cache_dir: Path,
                  download: bool, base_url: str | None, report: BuildReport) -> SourceTexts | None:
    try:
        path = locate(FILES[relpath], data_dir, cache_dir, download=download, base_url=base_url)
        texts = read_texts(path, FILES[relpath].key)
    except SourceError as err:
        problem = str(err)
    except (ValueError, KeyError, OSError) as err:
        problem = f"{relpath}: unreadable ({type(err).__name__}: {err})"
    else:
        report.files[relpath] = str(path)
        return texts
    ids = ", ".join(r["id"] for r in records[:_SHOWN]) + (" ..." if len(records) > _SHOWN else "")
    report.errors.append(f"{problem} [{len(records)} record(s) need it: {ids}]")
    return None


def _join(report: BuildReport, record: dict[str, Any], relpath: str, texts: SourceTexts) -> None:
    rid = parse_id(record["id"])
    where = report.files[relpath]
    if rid.key in texts.duplicates:
        report.errors.append(f"{record['id']}: row key {rid.key!r} occurs more than once in {where}")
    elif rid.key not in texts.texts:
        report.errors.append(f"{record['id']}: no row with key {rid.key!r} in {where} "
                             f"({len(texts.texts)} rows)")
    elif sha256(texts.texts[rid.key]) != record.get("sha256"):
        report.errors.append(f"{record['id']}: sha256 mismatch: annotated "
                             f"{str(record.get('sha256'))[:12]}..., source text in {where} has "
                             f"{sha256(texts.texts[rid.key])[:12]}...")
    else:
        _add(report, record, texts.texts[rid.key], rid.source)


def _add(report: BuildReport, record: dict[str, Any], text: object, source: str) -> None:
    rid = record.get("id")
    try:
        labels = Labels.from_dict(record)
    except LabelError as err:
        report.errors.append(f"{rid}: {err}")
        return
    split = record.get("split") or split_of(str(rid))
    if split not in SPLITS:
        report.errors.append(f"{rid}: unknown split {split!r}")
    elif not isinstance(text, str) or not text.strip():
        report.errors.append(f"{rid}: empty or missing text")
    else:
        origin = "authored" if source == "authored" else "real"
        report.rows.append({"id": rid, "text": text, "source": source, "origin": origin,
                            "split": split, "script": post_script(text), **labels.to_dict()})


def write_corpus(rows: list[dict[str, Any]], out: Path) -> dict[str, int]:
    """Write ``<split>.jsonl`` and ``<split>.parquet`` (and ``manifest.json``) under ``out``."""
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in SPLITS:
        part = [r for r in rows if r["split"] == split]
        with (out / f"{split}.jsonl").open("w", encoding="utf-8") as handle:
            for row in part:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        pd.DataFrame(part, columns=list(COLUMNS)).to_parquet(out / f"{split}.parquet", index=False)
        counts[split] = len(part)
    manifest = {"columns": list(COLUMNS), "rows": counts}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts
