"""What some tests need from outside the test extra, and what to install to get it.

A test that needs a system tool (pdflatex and its LaTeX packages) or a module the test extra
cannot always install (atheris) carries one marker::

    @requires_tool("pdflatex", debian="texlive-latex-base texlive-pictures", tex_files=["tikz.sty"])

When the tool is missing the test is skipped, and the reason names the packages to install
(``apt-get install ...``).  When ``SYMBACKPROP_REQUIRE_TOOLS`` is set (``.ci/run`` sets it), a
missing tool fails the test instead, so CI can never skip it silently.  ``tests/conftest.py``
checks the marker before each test (``pytest_runtest_setup``).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

REQUIRE_TOOLS = "SYMBACKPROP_REQUIRE_TOOLS"

# The LaTeX files the tests use, by Debian package (dpkg -S on Debian 12): latex-base (amsmath,
# geometry), pictures (tikz, pict2e, ellipse), recommended (booktabs ... xcolor), extra (capt-of ...).
WALKTHROUGH_TEX = ("amsmath.sty", "amssymb.sty", "geometry.sty", "tikz.sty")
SPHINX_TEX = (
    *("booktabs.sty", "etoolbox.sty", "fancyvrb.sty", "float.sty", "parskip.sty", "xcolor.sty"),
    *("capt-of.sty", "framed.sty", "needspace.sty", "tabulary.sty", "titlesec.sty", "upquote.sty"),
    *("varwidth.sty", "wrapfig.sty", "pict2e.sty", "ellipse.sty"),
)
TEXLIVE = "texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-pictures"


class Requirement(Protocol):
    """Something a test needs: what is missing now, and how to install it."""

    @property
    def install(self) -> str: ...

    def missing(self) -> list[str]: ...


@dataclass(frozen=True)
class Tool:
    """A command on ``PATH``, and the LaTeX files ``kpsewhich`` must find, from Debian packages."""

    command: str
    debian: str
    tex_files: tuple[str, ...] = ()

    @property
    def install(self) -> str:
        return f"apt-get install {self.debian}"

    def missing(self) -> list[str]:
        if shutil.which(self.command) is None:
            return [self.command]
        return list(_missing_tex_files(self.tex_files))


@dataclass(frozen=True)
class Module:
    """A Python module that the test extra installs only on some platforms."""

    name: str
    pip: str

    @property
    def install(self) -> str:
        return f"pip install {self.pip}"

    def missing(self) -> list[str]:
        return [] if importlib.util.find_spec(self.name) is not None else [self.name]


@functools.cache
def _missing_tex_files(files: tuple[str, ...]) -> tuple[str, ...]:
    """The files of ``files`` that kpsewhich does not find (all of them without kpsewhich)."""
    if not files:
        return ()
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return ("kpsewhich", *files)
    out = subprocess.run([kpsewhich, *files], capture_output=True, text=True, timeout=60)
    found = {Path(line.strip()).name for line in out.stdout.splitlines() if line.strip()}
    return tuple(f for f in files if f not in found)


def required() -> bool:
    """True when a missing tool must fail the test (``SYMBACKPROP_REQUIRE_TOOLS`` set, not ``0``)."""
    return os.environ.get(REQUIRE_TOOLS, "").strip() not in ("", "0")


def check(requirement: Requirement) -> None:
    """Return if ``requirement`` is met; otherwise skip, or fail when tools are required."""
    missing = requirement.missing()
    if not missing:
        return
    message = f"{', '.join(missing)} not found; install with: {requirement.install}"
    if required():
        pytest.fail(f"{message} ({REQUIRE_TOOLS} is set, so a missing tool is a failure)", pytrace=False)
    pytest.skip(message)


def check_markers(markers: Iterable[pytest.Mark]) -> None:
    """Check every ``requires`` marker of a test (called from ``pytest_runtest_setup``)."""
    for mark in markers:
        check(mark.args[0])


def requires_tool(command: str, *, debian: str, tex_files: Sequence[str] = ()) -> pytest.MarkDecorator:
    """Mark a test that runs ``command`` (and needs ``tex_files``), from the Debian packages ``debian``."""
    return pytest.mark.requires(Tool(command, debian, tuple(tex_files)))


def requires_module(name: str, *, pip: str) -> pytest.MarkDecorator:
    """Mark a test that needs the module ``name``, installed by ``pip install PIP``."""
    return pytest.mark.requires(Module(name, pip))


# Both name the four packages .ci/run and the README install; each checks the files it needs.
# pdflatex on a walkthrough (standalone, fragment, the math of the goldens): amsmath, geometry, TikZ.
requires_pdflatex = requires_tool("pdflatex", debian=TEXLIVE, tex_files=WALKTHROUGH_TEX)
# pdflatex on Sphinx's LaTeX output: sphinx.sty needs texlive-latex-extra (wrapfig, titlesec, ...).
requires_sphinx_latex = requires_tool("pdflatex", debian=TEXLIVE, tex_files=WALKTHROUGH_TEX + SPHINX_TEX)
