"""Sphinx configuration for symbackprop's own documentation.

The docs are built with symbackprop's own Sphinx extension: the walkthrough
page is rendered from ``examples/tiny.toml`` at build time, and every page's
hand derivations are checked (``symbackprop_verify``).  Build with
``python -m sphinx -W -b html docs docs/_build/html``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from symbackprop import __version__  # noqa: E402

project = "symbackprop"
author = "The symbackprop developers"
copyright = "The symbackprop developers"
release = version = __version__

extensions = ["myst_parser", "symbackprop.sphinx", "clihelp"]
# The docs render the repository's own examples, one folder up.
symbackprop_allowed_paths = ["../examples"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_ext"]
root_doc = "index"

symbackprop_verify = True
symbackprop_digits = 4

html_theme = "alabaster"
html_title = f"symbackprop {release}"

# Sphinx's default LaTeX fonts (tex-gyre) are not in Debian's base texlive.
latex_elements = {"fontpkg": "", "fncychap": ""}
