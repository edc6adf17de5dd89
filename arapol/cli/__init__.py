"""The ``arapol`` command line (typer). Heavy imports happen inside commands."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="arapol",
    help="Political discourse on Moroccan social media: Arabic, Darija, Amazigh.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# each module registers its commands on `app`
from arapol.cli import corpus, label, text  # noqa: E402,F401


def main() -> None:
    """Console-script entry point."""
    app()
from arapol.cli import train as _train  # noqa: E402,F401
