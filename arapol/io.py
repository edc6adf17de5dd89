"""Streaming readers and writers for ``arapol label``: JSONL, CSV, TSV, Parquet, plain text.

Readers yield :class:`Record` s one at a time (a line or record that cannot be read is a
Record with ``error`` set, never skipped); writers take lists of row dicts. Memory stays
flat whatever the input size. Resuming an interrupted run relies on a checkpoint file
written after each flushed chunk (see :func:`resume_point`).

>>> format_of("posts.parquet"), format_of("-"), format_of("x.dat", "csv")
('parquet', 'txt', 'csv')
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from arapol.labels import ROW_COLUMNS

__all__ = [
    "FORMATS",
    "Input",
    "InputError",
    "ParquetPartsWriter",
    "Record",
    "Writer",
    "clear_checkpoint",
    "format_of",
    "open_input",
    "open_writer",
    "parquet_schema",
    "parts_dir",
    "read_input",
    "resume_point",
    "save_checkpoint",
]

FORMATS = ("jsonl", "csv", "tsv", "parquet", "txt")
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
              ".parquet": "parquet", ".pq": "parquet", ".txt": "txt"}
DELIMITERS = {"csv": ",", "tsv": "\t"}
TEXT_COLUMN_OF_TXT = "text"


class InputError(ValueError):
    """An input or output that cannot be used at all (unknown format, missing column...)."""


@dataclass
class Record:
    """One input row: its line (text formats) or row number (Parquet), values, read error."""

    number: int
    values: dict[str, Any]
    error: str | None = None


def format_of(path: str | Path | None, given: str | None = None) -> str:
    """The format named by ``given``, else by the extension; stdin (``-``) is plain text."""
    if given is not None:
        if given not in FORMATS:
            raise InputError(f"unknown format {given!r}; choose one of {', '.join(FORMATS)}")
        return given
    if path is None or str(path) == "-":
        return "txt"
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InputError(f"cannot tell the format of {path} from its extension; pass --format "
                         f"({', '.join(FORMATS)})")
    return EXTENSIONS[suffix]


@contextmanager
def open_input(source: str | Path) -> Iterator[BinaryIO]:
    """A binary stream: the file, or stdin for ``-``."""
    if str(source) == "-":
        yield sys.stdin.buffer
    else:
        with Path(source).open("rb") as handle:
            yield handle


# -- readers ------------------------------------------------------------------------------

def _read_txt(stream: BinaryIO) -> Iterator[Record]:
    for number, raw in enumerate(stream, start=1):
        body = raw.rstrip(b"\r\n")
        try:
            yield Record(number, {TEXT_COLUMN_OF_TXT: body.decode("utf-8")})
        except UnicodeDecodeError as e:
            error = f"line {number}: not valid UTF-8 at byte {e.start} (0x{body[e.start]:02x})"
            yield Record(number, {TEXT_COLUMN_OF_TXT: None}, error)


def _read_jsonl(stream: BinaryIO) -> Iterator[Record]:
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue  # a blank line is not a record
        try:
            value = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            snippet = raw[:60].decode("utf-8", "replace").strip()
            yield Record(number, {}, f"line {number}: not valid JSON ({e}): {snippet!r}")
            continue
        if isinstance(value, dict):
            yield Record(number, value)
        else:
            yield Record(number, {}, f"line {number}: expected a JSON object, got {type(value).__name__}")


def _read_delimited(reader: Any, header: list[str], text: Any) -> Iterator[Record]:
    for fields in reader:
        if not fields:
            continue  # a blank line is not a record
        values = dict(zip(header, fields, strict=False))
        error = None
        if len(fields) != len(header):
            error = f"line {reader.line_num}: expected {len(header)} fields, found {len(fields)}"
            values.update(dict.fromkeys(header[len(fields):]))
        yield Record(reader.line_num, values, error)
    text.detach()


def _read_parquet(path: Path) -> Iterator[Record]:
    import pyarrow.parquet as pq

    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
        for values in batch.to_pylist():
            number += 1
            yield Record(number, values)


def _jsonl_keys(path: str | Path) -> list[str]:
    keys: dict[str, None] = {}
    with open_input(path) as stream:
        for record in _read_jsonl(stream):
            keys.update(dict.fromkeys(record.values))
    return list(keys)


@dataclass
class Input:
    """An opened input: its columns when known up front, its records, its Parquet schema."""

    columns: list[str] | None
    records: Iterator[Record]
    schema: Any | None = None


def read_input(source: str | Path, fmt: str, stream: BinaryIO | None = None,
               jsonl_columns: bool = False) -> Input:
    """Open ``source`` in ``fmt``; text formats read ``stream`` (see open_input).

    CSV/TSV columns come from the header, Parquet's from the schema, plain text has
    ``text``. JSONL columns are known only with ``jsonl_columns`` and a file (one scan of
    all keys); otherwise None.
    """
    if fmt == "parquet":
        import pyarrow.parquet as pq

        if str(source) == "-":
            raise InputError("Parquet cannot be read from stdin; pass a file")
        schema = pq.read_schema(source)
        return Input(list(schema.names), _read_parquet(Path(source)), schema)
    if stream is None:
        raise InputError(f"{fmt} input needs an open stream")
    if fmt == "txt":
        return Input([TEXT_COLUMN_OF_TXT], _read_txt(stream))
    if fmt == "jsonl":
        columns = _jsonl_keys(source) if jsonl_columns and str(source) != "-" else None
        return Input(columns, _read_jsonl(stream))
    import io

    # surrogateescape: a byte that is not UTF-8 survives to the output unchanged
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter=DELIMITERS[fmt])
    header = next(reader, None) or []
    if len(set(header)) != len(header):
        duplicates = sorted({c for c in header if header.count(c) > 1})
        raise InputError(f"{source}: duplicate column names {duplicates}")
    return Input(header, _read_delimited(reader, header, text))


# -- writers ------------------------------------------------------------------------------

class Writer(Protocol):
    """Appends rows; ``position`` is what a checkpoint records (bytes, or Parquet parts)."""

    def write(self, rows: list[dict[str, Any]]) -> None: ...

    def position(self) -> int: ...

    def close(self) -> None: ...


def _json_default(value: Any) -> Any:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# characters that str.splitlines() and JavaScript treat as line breaks: escaped in JSONL
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json_line(row: dict[str, Any]) -> bytes:
    line = json.dumps(row, ensure_ascii=False, default=_json_default)
    if "\x85" in line or "\u2028" in line or "\u2029" in line:
        line = line.translate(_LINE_BREAKS)
    try:
        return (line + "\n").encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: \u escapes keep them, and valid UTF-8
        return (json.dumps(row, default=_json_default) + "\n").encode("ascii")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)


class JsonlWriter:
    """One JSON object a line, input keys first then the label columns."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.stream.write(b"".join(_json_line(row) for row in rows))
        self.stream.flush()

    def position(self) -> int:
        return self.stream.tell()

    def close(self) -> None:
        self.stream.flush()


class DelimitedWriter:
    """CSV/TSV with a fixed header; lists as JSON arrays, booleans as true/false, None empty."""

    def __init__(self, stream: BinaryIO, delimiter: str, columns: list[str], header: bool) -> None:
        import io

        self.stream = stream
        self.text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape",
                                     newline="", write_through=True)
        self.columns = columns
        self.writer = csv.writer(self.text, delimiter=delimiter, lineterminator="\n")
        if header:
            self.writer.writerow(columns)

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.writer.writerows([_cell(row.get(c)) for c in self.columns] for row in rows)
        self.text.flush()

    def position(self) -> int:
        return self.stream.tell()

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


def _label_schema() -> Any:
    import pyarrow as pa

    types = {"str": pa.string(), "float": pa.float64(), "bool": pa.bool_(),
             "list[str]": pa.list_(pa.string())}
    return [pa.field(name, types[kind]) for name, kind in ROW_COLUMNS.items()]


def parquet_schema(columns: list[str], source_schema: Any | None) -> Any:
    """Input columns (their own types from a Parquet input, else strings) + label columns."""
    import pyarrow as pa

    labels = _label_schema()
    names = {f.name for f in labels}
    if source_schema is not None:
        kept = [f for f in source_schema if f.name not in names]
    else:
        kept = [pa.field(c, pa.string()) for c in columns if c not in names]
    return pa.schema(kept + labels)


class ParquetPartsWriter:
    """Each chunk is an atomically renamed part file in ``OUTPUT.parts/``; ``close`` merges them.

    Parts make an interrupted run resumable: every part on disk is complete.
    """

    def __init__(self, path: Path, schema: Any, start_part: int = 0) -> None:
        self.path = path
        self.schema = schema
        self.parts_dir = parts_dir(path)
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        self.parts = start_part
        self._strings = [f.name for f in schema if str(f.type) == "string"]

    def _coerce(self, row: dict[str, Any]) -> dict[str, Any]:
        for name in self._strings:
            value = row.get(name)
            if value is not None and not isinstance(value, str):
                row[name] = _cell(value)
        return row

    def write(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([self._coerce(dict(r)) for r in rows], schema=self.schema)
        final = self.parts_dir / f"part-{self.parts:06d}.parquet"
        tmp = final.with_suffix(".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, final)
        self.parts += 1

    def position(self) -> int:
        return self.parts

    def close(self) -> None:
        import pyarrow.parquet as pq

        tmp = self.path.with_name(self.path.name + ".tmp")
        with pq.ParquetWriter(tmp, self.schema) as writer:
            for part in sorted(self.parts_dir.glob("part-*.parquet")):
                writer.write_table(pq.read_table(part, schema=self.schema))
        os.replace(tmp, self.path)
        shutil.rmtree(self.parts_dir)


def parts_dir(path: Path) -> Path:
    """Where a Parquet output keeps its parts until it is finished."""
    return path.with_name(path.name + ".parts")


@contextmanager
def open_writer(output: Path | None, fmt: str, columns: list[str] | None,
                source_schema: Any | None = None, append_at: int | None = None) -> Iterator[Writer]:
    """A writer to ``output`` (stdout when None); ``append_at`` resumes at that position.

    ``columns``: the output columns of a CSV/TSV/Parquet file (input columns + labels).
    """
    if fmt == "txt":
        raise InputError("plain text cannot hold labels; write jsonl, csv, tsv or parquet")
    if fmt == "parquet":
        if output is None:
            raise InputError("Parquet output needs a file: pass -o OUTPUT.parquet")
        writer = ParquetPartsWriter(output, parquet_schema(columns or [], source_schema), append_at or 0)
        yield writer
        writer.close()
        return
    if output is None:
        stream, owned = sys.stdout.buffer, False
    elif append_at is not None:
        stream, owned = output.open("r+b"), True
        stream.truncate(append_at)
        stream.seek(append_at)
    else:
        stream, owned = output.open("wb"), True
    try:
        if fmt == "jsonl":
            writer: Writer = JsonlWriter(stream)
        else:
            if columns is None:
                raise InputError(f"{fmt} output needs the input columns up front: JSONL on stdin "
                                 "has none; write JSONL or read from a file")
            writer = DelimitedWriter(stream, DELIMITERS[fmt], columns, header=not append_at)
        yield writer
        writer.close()
    finally:
        if owned:
            stream.close()


# -- resume -------------------------------------------------------------------------------

def checkpoint_path(output: Path) -> Path:
    return output.with_name(output.name + ".arapol-checkpoint.json")


def save_checkpoint(output: Path, rows: int, position: int) -> None:
    """Record that ``rows`` rows are safely written, ending at ``position``."""
    path = checkpoint_path(output)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"rows": rows, "position": position}), encoding="utf-8")
    os.replace(tmp, path)


def clear_checkpoint(output: Path) -> None:
    checkpoint_path(output).unlink(missing_ok=True)


def _count_written(output: Path, fmt: str) -> tuple[int, int]:
    """(rows, end position) of a finished output, trimming a trailing partial line."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(output).metadata.num_rows
        directory = parts_dir(output)
        directory.mkdir(exist_ok=True)
        os.replace(output, directory / "part-000000.parquet")
        return rows, 1
    data_end = 0

    def complete_lines(handle: BinaryIO) -> Iterator[bytes]:
        nonlocal data_end
        for raw in handle:
            if raw.endswith(b"\n"):  # a last line without newline was cut: dropped
                data_end += len(raw)
                yield raw

    with output.open("rb") as handle:
        if fmt == "jsonl":
            rows = sum(1 for raw in complete_lines(handle) if raw.strip())
        else:
            text = (raw.decode("utf-8", "surrogateescape") for raw in complete_lines(handle))
            records = sum(1 for fields in csv.reader(text, delimiter=DELIMITERS[fmt]) if fields)
            rows = max(0, records - 1)  # minus the header
    return rows, data_end


def resume_point(output: Path, fmt: str) -> tuple[int, int | None]:
    """(rows already written, position to append at; None: start afresh).

    With a checkpoint the output is cut back to the last checkpointed chunk; without one a
    finished output is counted (a partial last line is dropped) and appended to.
    """
    path = checkpoint_path(output)
    if path.is_file():
        state = json.loads(path.read_text(encoding="utf-8"))
        if fmt == "parquet":
            for part in parts_dir(output).glob("part-*"):
                if part.suffix != ".parquet" or int(part.stem.split("-")[1]) >= state["position"]:
                    part.unlink()
        return state["rows"], state["position"]
    if fmt == "parquet" and parts_dir(output).is_dir():
        shutil.rmtree(parts_dir(output))  # parts with no checkpoint: nothing to trust
    if not output.is_file():
        return 0, None
    return _count_written(output, fmt)
