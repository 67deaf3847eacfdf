"""The document readers on published documents, and on inputs built to make them slow.

The corpus (tests/corpus/verify/, see its README) records, for every claim of
every document, the line it is on and its text as written (established without
symbackprop).  Every claim inside math must come out of the reader as a piece
of an equation starting on that line.  The adversarial inputs are small; each
must be read in bounded work (a generous alarm, never a tight timing).
"""

from __future__ import annotations

import contextlib
import re
import signal
import sys
from pathlib import Path

import pytest

from symbackprop.verification.documents import format_of, read_document

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

CORPUS = Path(__file__).parent / "corpus" / "verify"
EXPECTED = sorted((CORPUS / "expected").glob("*.toml"))

#: Where a claim's text is cut into pieces of math: delimiters, table cells, row breaks.
_CUTS = re.compile(
    r"\\\\\[[0-9.]+(?:em|ex|pt|mm|cm)\]|\\\\\(|\\\\\)|\\\\\[|\\\\\]|\\\\|\$\$|\$|\\\(|\\\)|\\\[|\\\]|\||&"
)
_MATHLIKE = re.compile(r"[0-9\\=^]|_[A-Za-z0-9{]")


def _squash(text: str) -> str:
    return re.sub(r"\s+|\\q?quad\b|\\[,;]", "", text).strip(",.;")


def _claim_pieces(text: str) -> list[str]:
    """The pieces of math in a claim's text (prose around them left out)."""
    text = re.sub(r"_{3,}", " ", re.sub(r"\A\s*(?:>\s*)+", "", text))  # blanks to fill, a quote's ">"
    return [_squash(p) for p in _CUTS.split(text) if _MATHLIKE.search(p) and _squash(p)]


def _claims():
    for path in EXPECTED:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for claim in data["claims"]:
            if claim.get("in_math", True):
                yield pytest.param(data["file"], claim, id=f"{path.stem}:{claim['line']}")


@pytest.fixture(scope="module")
def documents():
    cache = {}

    def read(name):
        if name not in cache:
            cache[name] = read_document(CORPUS / name)
        return cache[name]

    return read


@pytest.mark.parametrize(("name", "claim"), list(_claims()))
def test_every_claim_in_math_is_read_on_its_line(documents, name, claim):
    doc = documents(name)
    here = [_squash(text) for f in doc.fragments for text, line in f.pieces() if line == claim["line"]]
    for piece in _claim_pieces(claim["text"]):
        assert any(piece in text for text in here), (
            f"{piece!r} not in the pieces on line {claim['line']}: {here}"
        )


@pytest.mark.parametrize("path", [p for p in EXPECTED if "cell" in p.read_text()], ids=lambda p: p.stem)
def test_notebook_claims_name_their_cell_and_line_in_it(documents, path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    doc = documents(data["file"])
    for claim in data["claims"]:
        cells = {(f.cell, f.cell_line) for f in doc.fragments if f.line == claim["line"]}
        rows = {
            (f.cell, f.cell_line + (line - f.line))
            for f in doc.fragments
            for _, line in f.pieces()
            if line == claim["line"] and f.cell_line is not None
        }
        assert (claim["cell"], claim["cell_line"]) in cells | rows, claim


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.md", "md"),
        ("a.markdown", "md"),
        ("a.tex", "tex"),
        ("a.ipynb", "ipynb"),
        ("a.html", "html"),
        ("a.htm", "html"),
    ],
    ids=["md", "markdown", "tex", "ipynb", "html", "htm"],
)
def test_format_from_the_suffix(name, fmt):
    assert format_of(name) == fmt


# --------------------------------------------------------------- bounded work


@contextlib.contextmanager
def _alarm(seconds: int):
    """Fail (instead of hanging) if the block takes more than ``seconds`` of wall time."""
    if sys.platform == "win32":  # pragma: no cover
        yield
        return

    def stop(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


#: Small inputs built against each reader's weak spots (each under 10 KB).
ADVERSARIAL = {
    "backticks": ("`" * 8000, "md"),
    "backtick-runs": ("`a" * 4000, "md"),
    "dollars": ("$" * 8000, "md"),
    "dollar-a": ("$a" * 4000, "md"),
    "dollar-digit": ("$1 " * 3000, "md"),
    "escaped-dollars": ("\\$" * 4000, "md"),
    "double-dollar-lines": ("$$a\n" * 2500, "md"),
    "double-dollar-blocks": ("$$a\n\n" * 2000, "md"),
    "open-environments": ("\\begin{align}\n" * 700, "md"),
    "open-brackets": ("\\(" * 4000, "md"),
    "open-kramdown": ("\\\\(" * 2500, "md"),
    "bracket-lines": ("\\[\n" * 3000, "md"),
    "html-comments": ("<!-- $ -->" * 900, "md"),
    "open-comment": ("<!--" + "$a$ " * 2000, "md"),
    "quotes": (">" * 5000 + " $a=1$", "md"),
    "lists": ("- " * 3000 + "$a=1$", "md"),
    "links": ("[" * 5000 + "$a=1$", "md"),
    "emphasis": ("*_" * 4000, "md"),
    "braces-in-math": ("$" + "{" * 4000 + "$", "md"),
    "rows": ("$$" + "a \\\\ " * 2000 + "$$", "md"),
    "continued-lines": ("$$\n" + "= a\n" * 2400 + "$$", "md"),
    "align-columns": ("$$\\begin{align}" + "a &= b & " * 900 + "\\end{align}$$", "md"),
    "table": ("| $a=1$ " * 700 + "|\n" + "|---" * 700 + "|\n", "md"),
    "latex-dollars": ("$" * 8000, "tex"),
    "latex-braces": ("{" * 5000, "tex"),
    "latex-closing": ("}" * 8000, "tex"),
    "latex-environments": ("\\begin{align}" * 700, "tex"),
    "latex-comments": ("%$\n" * 3000, "tex"),
    "latex-macro-bomb": (
        "\\newcommand{\\a}{\\b\\b}\\newcommand{\\b}{\\c\\c}\\newcommand{\\c}{\\a\\a}$x = \\a$",
        "tex",
    ),
    "latex-recursive-def": ("\\def\\x{\\x\\x}$y = \\x$", "tex"),
    "latex-unclosed-definitions": ("\\newcommand{\\a}{" * 600, "tex"),
    "latex-tabular": ("\\begin{tabular}{c}" + "$a=1$ & " * 1200 + "\\end{tabular}", "tex"),
    "html-tags": ("<" * 9000, "html"),
    "html-open-comments": ("<!--" * 2500, "html"),
    "html-attributes": ("<a " + 'b="' * 3000, "html"),
    "html-scripts": ('<script type="math/tex">' * 400, "html"),
    "html-dollars": ("<p>" + "$" * 8000, "html"),
    "html-brackets": ("<p>" + "\\(" * 4000, "html"),
    "notebook-nested": ("[" * 5000, "ipynb"),
    "notebook-cells": (
        '{"cells": [' + ",".join(['{"cell_type": "markdown", "source": ["$a$"]}'] * 200) + "]}",
        "ipynb",
    ),
}


@pytest.mark.parametrize(("text", "fmt"), list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_small_adversarial_inputs_are_read_in_bounded_work(text, fmt):
    """Bound: well under the 2 s the issue allows a 10 KB input (the alarm is a hang guard)."""
    assert len(text.encode()) <= 10_240
    with _alarm(20):
        try:
            read_document(text, fmt)
        except ValueError as e:  # refusing is fine: "nested too deeply", "not a notebook"
            assert "nested" in str(e) or "not a Jupyter notebook" in str(e)


# ------------------------------------------------------------ any document

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PARTS = [
    "$", "$$", "\\(", "\\)", "\\[", "\\]", "\\\\(", "\\\\)", "\\\\", "&", "=", "+", "a", "1.5", "\n", "\n\n",
    "`", "```", "```math\n", "<!--", "-->", "<p>", "</p>", "<script type=\"math/tex\">", "</script>",
    "\\begin{align}", "\\end{align}", "\\begin{tabular}{cc}", "\\end{tabular}", "{", "}", "%", "> ", "| ",
    "\\newcommand{\\x}{\\x a}", "\\x", "\\def\\y#1{#1#1}", "\\y{b}", '{"cells": [', "]}", ", ", "\\$", " ",
]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PARTS), max_size=60), st.sampled_from(["md", "tex", "html", "ipynb"]))
def test_any_text_reads_into_equations_on_its_own_lines(parts, fmt):
    text = "".join(parts)
    try:
        doc = read_document(text, fmt)
    except ValueError:  # only for a notebook that is not one, or LaTeX nested too deeply
        assert fmt in ("ipynb", "tex")
        return
    last = text.count("\n") + 1
    for f in doc.fragments:
        assert 1 <= f.line <= f.block_end <= last or fmt == "ipynb"
        offsets = [r.offset for r in f.rows]
        assert offsets == sorted(offsets) and all(0 <= o <= len(f.text) for o in offsets)
        assert [line for _, line in f.pieces()] == sorted(line for _, line in f.pieces())
