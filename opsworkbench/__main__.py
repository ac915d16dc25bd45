"""``python -m opsworkbench`` runs the command line."""

from opsworkbench.cli import main

main()
