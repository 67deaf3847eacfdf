"""Reading documents: every equation of a Markdown or LaTeX file, with its line.

Expected fragments, lines and values are written here by hand from the
documents below (line numbers are counted in the comments), never taken from
the code under test.
"""

from __future__ import annotations

import pytest

from symbackprop.verification.documents import read_document

MARKDOWN = (
    "# Title\n"  # 1
    "Inline $a = 1$ and `$b = 2$` in code.\n"  # 2
    "\n"  # 3
    "$$\n"  # 4
    "c = 3 \\\\\n"  # 5
    "d = 4\n"  # 6
    "$$\n"  # 7
    "\\[ e = 5 \\]\n"  # 8
    "\\(f = 6\\) then `x = 0.5` and a learning rate of 0.1.\n"  # 9
    "```math\n"  # 10
    "g = 7\n"  # 11
    "```\n"  # 12
    "```python\n"  # 13
    "h = $8$\n"  # 14
    "```\n"  # 15
    "Prices: $5 and $6, escaped \\$9\\$.\n"  # 16
)

#: (text, line, display, block_end) of each fragment of MARKDOWN, by hand.
MARKDOWN_FRAGMENTS = [
    ("a = 1", 2, False, 2),
    ("c = 3", 5, True, 7),
    ("d = 4", 6, True, 7),
    ("e = 5", 8, True, 8),
    ("f = 6", 9, False, 9),
    ("g = 7", 11, True, 12),
]

LATEX = (
    "\\documentclass{article}\n"  # 1
    "\\begin{document}\n"  # 2
    "% $z = 9$ is a comment\n"  # 3
    "Weights \\texttt{w_1 = 0.5}, step $\\eta = 0.1$.\n"  # 4
    "\\begin{equation}\n"  # 5
    "  L = (a - y)^2\n"  # 6
    "\\end{equation}\n"  # 7
    "\\begin{align}\n"  # 8
    "  p &= 1 \\\\\n"  # 9
    "  q &= 2 \\label{eq:q}\n"  # 10
    "\\end{align}\n"  # 11
    "\\end{document}\n"  # 12
)

LATEX_FRAGMENTS = [
    ("\\eta = 0.1", 4, False, 4),
    ("L = (a - y)^2", 6, True, 7),
    ("p  = 1", 9, True, 11),  # the alignment & becomes a space
    ("q  = 2", 10, True, 11),  # \label is dropped
]


def _fragments(doc):
    return [(f.text, f.line, f.display, f.block_end) for f in doc.fragments]


def test_markdown_math_of_every_kind_with_lines():
    doc = read_document(MARKDOWN, "md")
    assert doc.format == "md"
    assert _fragments(doc) == MARKDOWN_FRAGMENTS


def test_markdown_code_is_not_math_but_gives_values():
    doc = read_document(MARKDOWN, "md")
    texts = [f.text for f in doc.fragments]
    assert "b = 2" not in texts and "h = 8" not in texts  # code span and fenced code
    assert [(v.name, v.number, v.line) for v in doc.code_values] == [("x", "0.5", 9)]
    assert doc.learning_rate == ("0.1", 9)


def test_latex_environments_alignment_and_comments():
    doc = read_document(LATEX)  # the format is guessed from \documentclass
    assert doc.format == "tex"
    assert _fragments(doc) == LATEX_FRAGMENTS
    assert [(v.name, v.number, v.line) for v in doc.code_values] == [("w_1", "0.5", 4)]
    assert doc.learning_rate is None  # "step" is not "learning rate"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$$\nu = 1\nv = 2\n$$\n", [("u = 1", 2), ("v = 2", 3)]),
        ("$$\nw = 1\n  + 2\n$$\n", [("w = 1 + 2", 2)]),
        ("$$\nr = \\frac{1}{\n2}\n$$\n", [("r = \\frac{1}{ 2}", 2)]),
        ("$$ s = 1, $$\n", [("s = 1", 1)]),
    ],
    ids=["two-lines-two-equations", "continued-by-operator", "open-brace-continues", "trailing-comma"],
)
def test_a_block_splits_at_line_breaks_between_equations(body, expected):
    doc = read_document(body, "md")
    assert [(f.text, f.line) for f in doc.fragments] == expected


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("\\begin{align} a &= 1 \\end{align}", "tex"), ("$a = 1$", "md"), ("no math", "md")],
    ids=["align-is-latex", "dollars-are-markdown", "plain-text-is-markdown"],
)
def test_format_is_guessed_from_the_text(text, fmt):
    assert read_document(text).format == fmt


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown document format 'rst'"):
        read_document("$a = 1$", "rst")
