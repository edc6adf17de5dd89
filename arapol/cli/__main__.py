"""``python -m arapol.cli`` runs the command line."""

from arapol.cli import main

main()
