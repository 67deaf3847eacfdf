"""``python -m symbackprop`` runs the command line."""

from .cli import console

console()
