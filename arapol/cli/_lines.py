"""Line-oriented stdin/file -> stdout/file processing shared by the text commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

__all__ = ["decode_lines", "run_lines"]


def decode_lines(stream: BinaryIO) -> Iterator[tuple[int, str | None, str | None]]:
    """Yield ``(line_number, text, error)``; a line that is not UTF-8 gets an error naming the byte offset.

    >>> import io
    >>> list(decode_lines(io.BytesIO(b"ok\\n\\xffbad\\n")))[1][2]
    'line 2: not valid UTF-8 at byte offset 3 (0xff)'
    """
    offset = 0
    for number, raw in enumerate(stream, start=1):
        body = raw.rstrip(b"\r\n")
        try:
            yield number, body.decode("utf-8"), None
        except UnicodeDecodeError as e:
            bad = body[e.start:e.start + 1].hex()
            yield number, None, f"line {number}: not valid UTF-8 at byte offset {offset + e.start} (0x{bad})"
        offset += len(raw)


@contextmanager
def _open_out(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
    else:
        with output.open("w", encoding="utf-8") as handle:
            yield handle


@contextmanager
def _open_in(source: Path | None) -> Iterator[BinaryIO]:
    if source is None or str(source) == "-":
        yield sys.stdin.buffer
    else:
        with source.open("rb") as handle:
            yield handle


def run_lines(func: Callable[[str], str], empty: str, source: Path | None, output: Path | None) -> int:
    """Apply ``func`` to each input line, one output line per input line; returns the error count.

    A line that is not UTF-8 or makes ``func`` fail gives ``empty`` and a warning on stderr.
    """
    errors = 0
    with _open_in(source) as stream, _open_out(output) as out:
        for number, text, error in decode_lines(stream):
            result = empty
            if error is None:
                try:
                    result = func(text)
                except Exception as e:  # one bad line never stops the run
                    error = f"line {number}: {type(e).__name__}: {e}"
            if error is not None:
                errors += 1
                print(f"arapol: warning: {error}", file=sys.stderr)
            out.write(result.replace("\n", " ") + "\n")
    return errors
