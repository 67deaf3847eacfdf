"""Reading documents: every equation of a Markdown or LaTeX file, with its line.

Expected fragments, lines and values are written here by hand from the
documents below (line numbers are counted in the comments), never taken from
the code under test.
"""

from __future__ import annotations

import pytest

from symbackprop.verification.documents import read_document
from symbackprop.verification.documents.blocks import OTHER_COLUMN
from symbackprop.verification.sections import OTHER_CASE, rows

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


def _rows(doc):
    return [(f.text, [(text, line) for text, line in f.pieces()]) for f in doc.fragments]


# ---------------------------------------------------------------- Markdown


def test_a_dollar_in_an_html_comment_does_not_swallow_the_document():
    text = (
        "<!-- costs $5 -->\n"  # 1
        "\n"  # 2
        "Here $a = 1$ holds.\n"  # 3
        "\n"  # 4
        "$$b = 2$$\n"  # 5
        "and <!-- $c = 3$ --> $d = 4$\n"  # 6
    )
    assert [(f.text, f.line) for f in read_document(text, "md").fragments] == [
        ("a = 1", 3),
        ("b = 2", 5),
        ("d = 4", 6),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kramdown \\\\(x = 1\\\\) inline.\n", [("x = 1", 1, False)]),
        ("Kramdown\n\n\\\\[\ny = 2\n\\\\]\n", [("y = 2", 4, True)]),
        ("$$\nz = 3\n$$\n", [("z = 3", 2, True)]),
        ("$$\n\nq = 4\n\n$$\n", [("q = 4", 3, True)]),
        ("text\n\\begin{align}\nu &= 5\n\\end{align}\n", [("u  = 5", 3, True)]),
        ("code `$v = 6$` and\n\n    $w = 7$\n", []),
        ("~~~\n$v = 6$\n~~~\n", []),
        ("```math\nm = 8\n```\n", [("m = 8", 2, True)]),
        ("$5 and $6 or \\$7\\$.\n", []),
        ("$$\nlost = 1\n\nnot math\n", []),
    ],
    ids=[
        "kramdown-inline",
        "kramdown-display",
        "dollars-on-own-lines",
        "blank-lines-inside-the-delimiters",
        "bare-align-environment",
        "code-span-and-indented-code",
        "tilde-fence",
        "math-fence",
        "prices-and-escaped-dollars",
        "unclosed-block-ends-at-a-blank-line",
    ],
)
def test_markdown_delimiters(text, expected):
    doc = read_document(text, "md")
    assert [(f.text, f.line, f.display) for f in doc.fragments] == expected


def test_math_in_html_blocks_and_tables_of_markdown():
    text = (
        "<details>\n"  # 1
        "<summary>Answer</summary>\n"  # 2
        "The maximum is $s = 0.25$.\n"  # 3
        "</details>\n"  # 4
        "\n"  # 5
        "| step | computation | value |\n"  # 6
        "|---|---|---|\n"  # 7
        "| 1 | $z_1 = 0.5 \\times 2$ | $1.0$ |\n"  # 8
        "| 2 | $\\hat{y} = \\sigma(0.5)$ | $\\approx 0.6225$ |\n"  # 9
        "| $0.1$ | $x_1 = 1$ | $x_2 = 2$ |\n"  # 10
    )
    doc = read_document(text, "md")
    assert [(f.text, f.line) for f in doc.fragments] == [
        ("s = 0.25", 3),
        ("z_1 = 0.5 \\times 2 = 1.0", 8),  # a value column continues the chain
        ("\\hat{y} = \\sigma(0.5) \\approx 0.6225", 9),
        ("0.1", 10),  # before any relation: alone
        ("x_1 = 1", 10),  # a cell with its own relation starts a new chain
        ("x_2 = 2", 10),
    ]


def test_a_table_over_several_examples_reads_its_first_column_only():
    text = (
        "| | example 1 | example 2 |\n"  # 1
        "|---|---|---|\n"  # 2
        "| given | $x = 0, y = 0$ | $x = 0, y = 1$ |\n"  # 3
        "| $L$ | $\\approx 0.14$ | $\\approx 0.13$ |\n"  # 4
        "| $g$ | $0$ | $\\approx -0.02$ |\n"  # 5
        "| $w_1$ | $0.5$ |\n"  # 6
        "| $z = 2 \\cdot 3$ | $= 6$ | $\\approx 6.0$ |\n"  # 7
    )
    doc = read_document(text, "md")
    other = OTHER_COLUMN
    assert [(f.text, f.line, f.error) for f in doc.fragments] == [
        ("x = 0, y = 0", 3, None),
        ("x = 0, y = 1", 3, other),  # the same names again: another example
        ("L \\approx 0.14", 4, None),  # a label takes one value
        ("\\approx 0.13", 4, other),
        ("g = 0", 4 + 1, None),
        ("\\approx -0.02", 5, other),
        ("w_1 = 0.5", 6, None),  # a label and a number: a given
        ("z = 2 \\cdot 3 = 6 \\approx 6.0", 7, None),  # a chain goes on over any number of cells
    ]


def test_lines_of_givens_for_several_examples_read_the_first_only():
    text = "Example 1: $x_1 = 0, y = 0$.\nExample 2: $x_1 = 0, y = 1$.\n\nThen $x_1 = 1, y = 1$.\n"
    statements, _ = rows(read_document(text, "md"))
    assert [(st.line, st.error) for st in statements] == [
        (1, None),
        (1, None),
        (2, OTHER_CASE),
        (4, None),  # not on the next line: not a list of examples
        (4, None),
    ]


# --------------------------------------------------- multi-line derivations


def test_align_continuation_rows_belong_to_the_chain_above():
    text = (
        "$$\n"  # 1
        "\\begin{align}\n"  # 2
        "net_{h1} &= w_1 i_1 + b_1 \\\\ \\\\\n"  # 3
        "&= 0.15 * 0.05 + 0.35 \\\\\n"  # 4
        "&\\approx 0.3575 \\label{eq:net}\n"  # 5
        "\\end{align}\n"  # 6
        "$$\n"  # 7
    )
    (frag,) = read_document(text, "md").fragments
    assert frag.text == "net_{h1}  = w_1 i_1 + b_1 = 0.15 * 0.05 + 0.35 \\approx 0.3575"
    assert frag.pieces() == [
        ("net_{h1}  = w_1 i_1 + b_1", 3),
        ("= 0.15 * 0.05 + 0.35", 4),
        ("\\approx 0.3575", 5),
    ]
    assert (frag.line, frag.block_end) == (3, 7)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a = b\n= c\n+ d\n", [("a = b = c + d", [("a = b", 1), ("= c", 2), ("+ d", 3)])]),
        ("a =\nb + c\n", [("a = b + c", [("a =", 1), ("b + c", 2)])]),
        (
            "a = \\frac{1}{2}\n(y - t)^2\n",
            [("a = \\frac{1}{2} (y - t)^2", [("a = \\frac{1}{2}", 1), ("(y - t)^2", 2)])],
        ),
        (
            "\\begin{aligned} s &= 1 \\\\ \\frac{dz}{dw} \\\\ &= x \\end{aligned}",
            [("s  = 1", [("s  = 1", 1)]), ("\\frac{dz}{dw} = x", [("\\frac{dz}{dw}", 1), ("= x", 1)])],
        ),
        (
            "\\begin{align} p &= 1, & q &= 2 \\end{align}",
            [("p  = 1", [("p  = 1", 1)]), ("q  = 2", [("q  = 2", 1)])],
        ),
        (
            "\\begin{eqnarray} e & = & 1 \\\\ & = & 1.0 \\end{eqnarray}",
            [("e   =   1 =   1.0", [("e   =   1", 1), ("=   1.0", 1)])],
        ),
        (
            "M = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}\n",
            [
                (
                    "M = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}",
                    [("M = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}", 1)],
                )
            ],
        ),
        ("a &= b \\\\ &\\quad + c % a comment \\\\ here\n", [("a  = b + c", [("a  = b", 1), ("+ c", 1)])]),
    ],
    ids=[
        "lines-starting-with-relation-and-operator",
        "line-ending-with-relation",
        "expression-without-relation-continues",
        "row-holding-only-a-left-side",
        "align-columns-side-by-side",
        "eqnarray",
        "matrix-rows-stay-inside",
        "spacing-and-comment",
    ],
)
def test_chains_over_rows_and_lines(body, expected):
    doc = read_document("$$\n" + body + "\n$$\n", "md")
    got = [(f.text, [(t, line - 1) for t, line in f.pieces()]) for f in doc.fragments]
    assert got == expected


# ------------------------------------------------------------------- LaTeX

LATEX_MACROS = (
    "\\documentclass{article}\n"  # 1
    "\\newcommand{\\dd}[2]{\\frac{\\partial #1}{\\partial #2}}\n"  # 2
    "\\newcommand\\sig[1][z]{\\sigma(#1)}\n"  # 3
    "\\def\\half{\\frac{1}{2}}\n"  # 4
    "\\DeclareMathOperator{\\relu}{ReLU}\n"  # 5
    "\\def\\loop{\\loop\\loop}\n"  # 6
    "\\begin{document}\n"  # 7
    "\\begin{equation*}\n"  # 8
    "  \\dd{L}{w} = \\half \\sig \\relu(x) + \\sig[a]\n"  # 9
    "\\end{equation*}\n"  # 10
    "\\[ b = \\loop \\]\n"  # 11
    "\\begin{verbatim}\n"  # 12
    "$v = 1$\n"  # 13
    "\\end{verbatim}\n"  # 14
    "\\begin{tabular}{ccc}\n"  # 15
    "1 & $z = wx$ & $0.8 \\times 1.5$\n"  # 16
    "  & $\\approx 1.2$ \\\\\n"  # 17
    "\\end{tabular}\n"  # 18
    "\\end{document}\n"  # 19
)


def test_latex_macros_are_expanded_and_a_recursive_one_is_refused():
    doc = read_document(LATEX_MACROS)
    first, loop, row = doc.fragments
    assert (first.text, first.line) == (
        "\\frac{\\partial L}{\\partial w} = \\frac{1}{2} \\sigma(z) \\operatorname{ReLU}(x) + \\sigma(a)",
        9,
    )
    assert (loop.line, loop.text, loop.error) == (11, "b = \\loop", loop.error)
    assert loop.error is not None and "\\loop" in loop.error
    assert (row.text, row.pieces()) == (
        "z = wx = 0.8 \\times 1.5 \\approx 1.2",
        [("z = wx", 16), ("= 0.8 \\times 1.5", 16), ("\\approx 1.2", 17)],
    )


# --------------------------------------------------------------- notebooks

NOTEBOOK = (
    "{\n"  # 1
    ' "cells": [\n'  # 2
    "  {\n"  # 3
    '   "cell_type": "code",\n'  # 4
    '   "source": ["x = $1$\\n"]\n'  # 5
    "  },\n"  # 6
    "  {\n"  # 7
    '   "cell_type": "markdown",\n'  # 8
    '   "metadata": {"source": ["$m = 0$"]},\n'  # 9
    '   "source": [\n'  # 10
    '    "Given `w = 0.5` and a learning rate of 0.1:\\n",\n'  # 11
    '    "\\n",\n'  # 12
    '    "$$\\n",\n'  # 13
    '    "a &= 1 \\\\\\\\\\n",\n'  # 14
    '    "&= 1.0\\n",\n'  # 15
    '    "$$"\n'  # 16
    "   ]\n"  # 17
    "  },\n"  # 18
    "  {\n"  # 19
    '   "cell_type": "markdown",\n'  # 20
    '   "source": "One line: $b = 2$\\nNext: $c = 3$"\n'  # 21
    "  }\n"  # 22
    " ],\n"  # 23
    ' "nbformat": 4\n'  # 24
    "}\n"  # 25
)


def test_notebook_markdown_cells_with_cell_and_file_lines():
    doc = read_document(NOTEBOOK, "ipynb")
    got = [(f.text, f.line, f.cell, f.cell_line, f.pieces()) for f in doc.fragments]
    assert got == [
        ("a  = 1 = 1.0", 14, 1, 4, [("a  = 1", 14), ("= 1.0", 15)]),
        ("b = 2", 21, 2, 1, [("b = 2", 21)]),
        ("c = 3", 21, 2, 2, [("c = 3", 21)]),  # one JSON string holds both lines of the cell
    ]
    assert [r.cell_line for r in doc.fragments[0].rows] == [4, 5]
    assert [(v.name, v.number, v.line) for v in doc.code_values] == [("w", "0.5", 11)]
    assert doc.learning_rate == ("0.1", 11)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "no list of cells"),
        ('{"cells": [1]}', "cell 0 is not an object"),
        ('{"cells": [{"cell_type": "markdown", "source": 3}]}', "source of cell 0 is not text"),
        ('{"cells": [', "not a Jupyter notebook"),
        ("[" * 100_000, "nested too deeply"),
    ],
    ids=["not-a-notebook", "cell-not-object", "source-not-text", "not-json", "nested"],
)
def test_a_broken_notebook_is_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        read_document(text, "ipynb")


# -------------------------------------------------------------------- HTML

PAGE = (
    "<!-- saved page, $5 -->\n"  # 1
    "<html><head><style>p { content: '$x = 1$'; }</style>\n"  # 2
    '<script>var s = "\\\\(y = 2\\\\)";</script></head>\n'  # 3
    "<body><p>Inline \\(a = 1\\) and\n"  # 4
    "$$b = 2$$ in text, <code>c = 0.5</code>.</p>\n"  # 5
    '<script type="math/tex">d = 3</script>\n'  # 6
    '<script type="math/tex; mode=display">\n'  # 7
    "e = 4\n"  # 8
    "</script>\n"  # 9
    '<span class="katex"><span class="katex-mathml"><math><semantics><mrow><mi>f</mi></mrow>\n'  # 10
    '<annotation encoding="application/x-tex">f = 5</annotation></semantics></math></span>\n'  # 11
    '<span class="katex-html" aria-hidden="true">f = 5 \\(g = 6\\)</span></span>\n'  # 12
    '<img src="eq.png" alt="h_{1} = \\sigma(0.5)"> <img src="cat.jpg" alt="a cat on a mat">\n'  # 13
    "<pre>$i = 7$</pre><p>learning rate 0.5</p>\n"  # 14
    "</body></html>\n"  # 15
)


def test_html_math_from_mathjax_katex_text_and_images():
    doc = read_document(PAGE)
    assert doc.format == "html"
    got = [(f.text, f.line, f.display) for f in doc.fragments]
    assert got == [
        ("a = 1", 4, False),
        ("b = 2", 5, True),
        ("d = 3", 6, False),
        ("e = 4", 8, True),
        ("f = 5", 11, False),  # the annotation, not the rendered spans beside it
        ("h_{1} = \\sigma(0.5)", 13, False),
    ]
    assert [(v.name, v.number, v.line) for v in doc.code_values] == [("c", "0.5", 5)]
    assert doc.learning_rate == ("0.5", 14)


# -------------------------------------------------- verify, through the CLI


@pytest.mark.parametrize(
    ("last", "code"),
    [("0.4931", 0), ("0.4951", 1)],
    ids=["right-continuation-row", "wrong-continuation-row"],
)
def test_a_wrong_continuation_row_is_found(tmp_path, capsys, last, code):
    from symbackprop.cli import main

    doc = tmp_path / "update.md"
    doc.write_text(
        "An update:\n"  # 1
        "$$\n"  # 2
        "\\begin{aligned}\n"  # 3
        "0.5 - 0.1 \\cdot 0.069 &= 0.5 - 0.0069 \\\\\n"  # 4
        f"&= {last}\n"  # 5
        "\\end{aligned}\n"  # 6
        "$$\n"  # 7
    )
    assert main(["verify", str(doc)]) == code
    out = capsys.readouterr().out
    # each row is judged on its own line: the first holds, the continuation row is right or wrong
    assert ("2 hold, 0 wrong" if code == 0 else "1 hold, 1 wrong") in out
    assert ("first error at line 5" in out) == (code == 1)


def test_a_notebook_finding_names_its_cell(tmp_path, capsys):
    from symbackprop.cli import main

    nb = tmp_path / "n.ipynb"
    nb.write_text(NOTEBOOK.replace("&= 1.0", "&= 2.0").replace("a &= 1", "1 &= 1"))
    assert main(["verify", str(nb)]) == 1
    out = capsys.readouterr().out
    assert "15 (cell 1, line 5)" in out  # the wrong row, "&= 2.0", where the chain's wrong side is
    assert main(["verify", "--annotate", str(nb)]) == 2
    assert "notebook cannot be annotated" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        (
            "See ![eq](https://latex.codecogs.com/svg.latex?\\dpi{110}%20E%20%3D%20%5Cfrac%7B1%7D%7B2%7D).",
            "md",
            "E = \\frac{1}{2}",
        ),
        ("![](https://render.githubusercontent.com/render/math?math=a%20%3D%201)", "md", "a = 1"),
        ("![x_1 = 0.5](eq.png)", "md", "x_1 = 0.5"),
        (
            '<img src="https://s0.wp.com/latex.php?latex=w_5%5E%2B+%3D+0.3589&bg=fff" alt="w">',
            "html",
            "w_5^+ = 0.3589",
        ),
        ('<img class="latex" alt="$b = 2$" src="b.png">', "html", "b = 2"),
        ('<math alttext="c = 3"><mi>c</mi></math>', "html", "c = 3"),
    ],
    ids=[
        "codecogs",
        "github-renderer",
        "markdown-alt",
        "wordpress-latex",
        "latex-class-alt",
        "mathml-alttext",
    ],
)
def test_formulas_of_equation_images(text, fmt, expected):
    assert [f.text for f in read_document(text, fmt).fragments] == [expected]


@pytest.mark.parametrize(
    "text",
    ["![a cat on the mat](cat.png)", '<img src="plot.png" alt="loss over the first ten steps">'],
    ids=["markdown", "html"],
)
def test_an_image_described_in_words_is_not_math(text):
    assert read_document(text, "html" if text.startswith("<") else "md").fragments == ()


def test_each_continued_row_is_a_statement_on_its_own_line():
    text = (
        "$$\n"  # 1
        "\\begin{aligned}\n"  # 2
        "net &= w_1 x + b \\\\\n"  # 3
        "&= 0.5 \\cdot 2 + 1 \\\\\n"  # 4
        "&= 2\n"  # 5
        "\\end{aligned}\n"  # 6
        "$$\n"  # 7
        "$$\n"  # 8
        "\\frac{\\partial L}{\\partial w}\n"  # 9
        "=\n"  # 10
        "\\frac{-2}{3}(-9)\n"  # 11
        "=\n"  # 12
        "6.0\n"  # 13
        "$$\n"  # 14
        "| $a = 1 + 2$ | $= 3$ |\n"  # 15
        "|---|---|\n"  # 16
    )
    statements, continues = rows(read_document(text, "md"))
    assert [(st.line, st.sides) for st in statements] == [
        (3, ["net", "w_1 x + b"]),
        (4, ["net", "0.5 \\cdot 2 + 1"]),  # the first side of the row above
        (5, ["net", "2"]),
        (11, ["\\frac{\\partial L}{\\partial w}", "\\frac{-2}{3}(-9)"]),  # a lone "=" row: the line after it
        (13, ["\\frac{\\partial L}{\\partial w}", "6.0"]),
        (15, ["a", "1 + 2", "3"]),  # the cells of one table row stay one statement
    ]
    assert continues == {1, 2, 4}
