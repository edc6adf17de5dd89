"""``python -m arapol`` runs the command line."""

from arapol.cli import main

main()
