"""Text-layer commands: line in, line out, in order. None of them imports torch."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from arapol.cli import app
from arapol.cli._lines import run_lines

Input = Annotated[Path | None, typer.Argument(help="Input file (one post a line); stdin when omitted or '-'.")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")]


class TokenFormat(StrEnum):
    json = "json"
    text = "text"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _finish(errors: int) -> None:
    if errors:
        typer.echo(f"arapol: {errors} line(s) could not be processed (empty results written)", err=True)


@app.command()
def normalize(
    source: Input = None,
    output: Output = None,
    preset: Annotated[str, typer.Option(help="default | search | model")] = "default",
) -> None:
    """Normalize each line (NFKC, diacritics, alef/yeh, digits, repeated letters)."""
    from arapol.text.normalize import PRESETS
    from arapol.text.normalize import normalize as _normalize

    if preset not in PRESETS:
        raise typer.BadParameter(f"unknown preset {preset!r}; choose one of {sorted(PRESETS)}")
    _finish(run_lines(lambda t: _normalize(t, preset), "", source, output))


@app.command()
def tokenize(
    source: Input = None,
    output: Output = None,
    format: Annotated[TokenFormat, typer.Option("--format", "-f", help="json: one JSON array a line; text: tokens joined by spaces")] = TokenFormat.json,
) -> None:
    """Tokenize each line (URLs, mentions, hashtags, emoji and Arabizi words stay whole)."""
    from arapol.text.tokenize import tokenize as _tokenize

    if format is TokenFormat.json:
        _finish(run_lines(lambda t: _json(_tokenize(t)), "[]", source, output))
    else:
        _finish(run_lines(lambda t: " ".join(_tokenize(t)), "", source, output))


@app.command()
def transliterate(
    source_file: Input = None,
    output: Output = None,
    source: Annotated[str, typer.Option("--source", "-s", help="arabizi | arabic | tifinagh | latin")] = "arabizi",
    target: Annotated[str, typer.Option("--target", "-t", help="arabic | tifinagh | latin")] = "arabic",
) -> None:
    """Transliterate each line: Arabizi -> Arabic, Tifinagh <-> Latin (IRCAM)."""
    from arapol.text.translit import SUPPORTED
    from arapol.text.translit import transliterate as _transliterate

    if (source, target) not in SUPPORTED:
        pairs = ", ".join(f"{s}->{t}" for s, t in sorted(SUPPORTED))
        raise typer.BadParameter(f"unsupported {source}->{target}; supported: {pairs}")
    _finish(run_lines(lambda t: _transliterate(t, source, target), "", source_file, output))


@app.command()
def detect(source: Input = None, output: Output = None) -> None:
    """Script and language of each line, as one JSON object a line."""
    from arapol.text.detect import detect as _detect

    _finish(run_lines(lambda t: _json(_detect(t).to_dict()), "{}", source, output))


@app.command()
def actors(source: Input = None, output: Output = None) -> None:
    """Political actors mentioned in each line, as one JSON array a line."""
    from arapol.actors import find_actors

    _finish(run_lines(lambda t: _json([m.to_dict() for m in find_actors(t)]), "[]", source, output))
