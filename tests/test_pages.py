"""Nothing runs off the page: line breaking, wide tables, titles in any script, real headings.

The acceptance tests compile every example standalone with real pdflatex, in both rounding
modes and with a title full of Unicode, and read the log: no overfull box wider than 1 pt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLES
from tools import requires_pdflatex

from symbackprop.cli import main
from symbackprop.notation.spec import load_spec
from symbackprop.output.breaking import TEXT_WIDTH_PT, break_relation, split_top_level
from symbackprop.output.context import walkthrough_context
from symbackprop.output.formats import escape_latex, latex_tabular
from symbackprop.output.tables import Column, Math, Number, Table, Text
from symbackprop.output.walkthrough import render
from symbackprop.output.widths import LATEX_EM_PT, math_width

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(
    PDFLATEX is None,
    reason="needs pdflatex: apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-pictures",
)
SPECS = sorted(p.name for p in EXAMPLES.glob("*.toml"))
UNICODE_TITLE = "σ and η — ∂L/∂w₁ for a naïve café, ≈ 1½ ✓ 😀"


def _rows_fit(rows: list[str], lhs_width: float = 0.0) -> bool:
    budget = TEXT_WIDTH_PT / LATEX_EM_PT
    return all(lhs_width + math_width(r.replace("&", "")) <= budget for r in rows)


def _flat(text: str) -> str:
    return re.sub(r"\s+|&|\\\\|\\quad|\\qquad", "", text)


# ------------------------------------------------------------------ line breaking


@pytest.mark.parametrize(
    ("latex", "operators", "pieces"),
    [
        ("-a + b - c", ("+", "-"), ["-a", "+ b", "- c"]),
        (r"\left(a + b\right) \cdot c + \frac{d + e}{2}", ("+", "-"),
         [r"\left(a + b\right) \cdot c", r"+ \frac{d + e}{2}"]),
        (r"a \cdot \left(-0.5\right) \cdot b", (r"\cdot",), ["a", r"\cdot \left(-0.5\right)", r"\cdot b"]),
        ("x^{-1} + y_{a+b}", ("+", "-"), ["x^{-1}", "+ y_{a+b}"]),
        ("a = -b", ("+", "-"), ["a = -b"]),
        (r"\left(a + b", ("+",), [r"\left(a + b"]),
    ],
    ids=["signs", "nested", "products", "scripts", "sign-after-relation", "unbalanced"],
)  # fmt: skip
def test_split_only_at_top_level_binary_operators(latex, operators, pieces):
    assert split_top_level(latex, operators) == pieces


def _chain(net_spec: str, name: str, key: str = "gradients") -> dict:
    context = walkthrough_context(load_spec(EXAMPLES / net_spec))
    return next(g for g in context[key] if g["name"] == name)


def test_the_two_layer_bias_chain_breaks_before_plus_and_keeps_every_term():
    g = _chain("two_layer.toml", "b_1")
    sides = [g["quantity"], "=", g["chain"], g["value"]["rel"], g["value"]["latex"]]
    assert math_width(" ".join(sides)) * LATEX_EM_PT > TEXT_WIDTH_PT + 400  # 453 pt too wide before
    rows = break_relation(sides)
    assert len(rows) == 4  # four paths, one a row: dE/dout_o? . dout/dnet . dnet/dout_h? . ... (by hand)
    assert rows[0].startswith(g["quantity"] + " &= ")
    assert all(r.startswith(r"  &\quad + ") for r in rows[1:])
    assert rows[-1].endswith(r"\approx " + g["value"]["latex"])
    assert _rows_fit(rows)
    assert _flat("".join(rows)) == _flat("".join(sides))


def test_a_chain_of_forms_starts_a_row_at_each_relation_but_the_value():
    b = _chain("tiny.toml", "w_1", "backward")
    sides = [b["quantity"], "=", b["leibniz"], "=", b["general"], "=", b["factors"], "\\approx", "0.0692"]
    rows = break_relation(sides, each=True)
    assert [r.split()[0] for r in rows[1:]] == ["&=", "&="]
    assert rows[-1].endswith(r"\approx 0.0692")


@pytest.mark.parametrize("spec", ["mlp_342.toml", "mlp_231.toml", "two_layer.toml"])
def test_forward_lines_fit_after_breaking(spec):
    context = walkthrough_context(load_spec(EXAMPLES / spec))
    lhs = max(math_width(f["lhs"]) for f in context["forward"])
    for f in context["forward"]:
        sides = [f["lhs"], "=", f["rhs"], "=", f["substituted"], f["value"]["rel"], f["value"]["latex"]]
        rows = break_relation(sides, lhs_width=lhs)
        assert _rows_fit([r.split("&", 1)[1] for r in rows], lhs)
        assert _flat("".join(rows)) == _flat("".join(sides))


def test_short_relations_stay_on_one_line_and_the_filter_joins_rows():
    assert break_relation(["a", "=", "b", "=", "c"]) == ["a &= b = c"]
    long_sum = " + ".join(f"x_{{{i}}}" for i in range(80))
    text = render(load_spec(EXAMPLES / "tiny.toml"), "tex", sections=["loss"])
    assert "\\begin{align*}" in text
    rows = break_relation(["L", "=", long_sum])
    assert len(rows) > 1 and _rows_fit(rows)
    with pytest.raises(ValueError, match="odd number"):
        break_relation(["a", "="])


def test_markdown_breaks_long_displays_into_aligned_blocks():
    md = render(load_spec(EXAMPLES / "two_layer.toml"), "md", sections=["loss", "backward"])
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", md, flags=re.S | re.M)
    assert any(b.startswith("\\begin{aligned}") for b in blocks)
    for block in blocks:
        lines = block.removeprefix("\\begin{aligned}\n").removesuffix("\n\\end{aligned}").split(" \\\\\n")
        assert _rows_fit(lines), block[:200]


# ------------------------------------------------------------------ wide tables


def _table(verdict: str) -> Table:
    columns = tuple(Column(k, k) for k in ("parameter", "symbolic", "verdict"))
    return Table(columns, ((Math("w"), Number("0.789926"), Text(verdict)),))


def test_wide_text_columns_wrap_and_narrow_tables_stay_as_they_are():
    narrow = latex_tabular(_table("ok"))
    assert "\\parbox" not in narrow
    wide = latex_tabular(_table("MISMATCH " * 30))
    assert re.search(r"\\parbox\[t\]\{[\d.]+em\}\{\\raggedright MISMATCH", wide)
    share = float(re.search(r"\\parbox\[t\]\{([\d.]+)em", wide).group(1))
    assert 6 <= share <= TEXT_WIDTH_PT / LATEX_EM_PT


# ------------------------------------------------------------------ titles


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("σ and η", r"$\sigma$ and $\eta$"),
        ("∂L/∂w₁", r"$\partial$L/$\partial$w$_{1}$"),
        ("σ′(z)", r"$\sigma'$(z)"),
        ("a — b – c", "a --- b -- c"),
        ("naïve café", r"na\"{\i}ve caf\'{e}"),
        ("Straße, Ærø", r"Stra\ss{}e, \AE{}r\o{}"),
        ("x² ≈ 1½", r"x$^{2}$ $\approx$ 1$\tfrac{1}{2}$"),
        ("😀", r"\texttt{[U+1F600]}"),
        ("50% & $x_1$ <b>", r"50\% \& \$x\_1\$ \textless{}b\textgreater{}"),
    ],
    ids=[
        "greek",
        "partials",
        "merged-math",
        "dashes",
        "accents",
        "letters",
        "scripts",
        "unknown",
        "specials",
    ],
)
def test_titles_map_unicode_to_latex(text, latex):
    assert escape_latex(text) == latex


def test_escaped_titles_are_pure_ascii():
    every = "".join(chr(c) for c in range(0x20, 0x3000) if chr(c).isprintable())
    assert escape_latex(every).isascii()


# ------------------------------------------------------------------ structure


def test_standalone_has_real_headings_with_display_math_and_a_toc_when_long():
    two = render(load_spec(EXAMPLES / "two_layer.toml"), "tex", standalone=True, detail="full")
    assert "\\section{Setup}" in two and "\\section{Backward pass}" in two
    quantity = r"\frac{\partial E_{\mathrm{total}}}{\partial w_{1}}"
    pdf = r"{dE\_total/dw\_1}"
    heading = r"\subsection[\texorpdfstring{$%s$}%s]{\texorpdfstring{$\displaystyle %s$}%s}"
    assert heading % (quantity, pdf, quantity, pdf) in two
    assert "\\tableofcontents" in two
    tiny = render(load_spec(EXAMPLES / "tiny.toml"), "tex", standalone=True)
    assert "\\tableofcontents" not in tiny
    fragment = render(load_spec(EXAMPLES / "two_layer.toml"), "tex", detail="full")
    assert fragment.startswith("\\section*{") and "\\subsection*{Setup}" in fragment
    assert "\\subsubsection*{$\\displaystyle " in fragment
    assert "\\tableofcontents" not in fragment and "\\texorpdfstring" not in fragment


def test_compact_standalone_has_a_heading_per_unit_and_keeps_the_toc():
    text = render(load_spec(EXAMPLES / "mlp_342.toml"), "tex", standalone=True)
    heads = re.findall(r"\\subsection\[\\texorpdfstring\{Unit \$(.*?)\$\}\{Unit ([^}]+)\}\]", text)
    assert heads == [("a^{(2)}_{1}", "a2\\_1"), ("a^{(1)}_{1}", "a1\\_1")]  # one worked unit per layer
    assert "\\tableofcontents" in text
    fragment = render(load_spec(EXAMPLES / "mlp_342.toml"), "tex")
    assert "\\subsubsection*{Unit $a^{(1)}_{1}$}" in fragment and "\\texorpdfstring" not in fragment


# ------------------------------------------------------------------ real pdflatex


def _compile(tex: Path) -> tuple[str, int]:
    """pdflatex once (twice with a table of contents); the log and the page count."""
    runs = 2 if "\\tableofcontents" in tex.read_text(encoding="utf-8") else 1
    for _ in range(runs):
        result = subprocess.run(
            [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", tex.name],
            cwd=tex.parent, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-3000:]
    log = tex.with_suffix(".log").read_text(encoding="latin-1")
    pages = int(re.search(r"Output written on .*?\((\d+) pages?", log, flags=re.S).group(1))
    return log, pages


def _overfull(log: str) -> list[float]:
    return [float(x) for x in re.findall(r"Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)", log)]


def _with_title(spec: str, tmp_path: Path, title: str) -> Path:
    text = (EXAMPLES / spec).read_text(encoding="utf-8")
    text = re.sub(r"^title = .*$", lambda _: f'title = "{title}"', text, count=1, flags=re.M)
    path = tmp_path / spec
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
@needs_pdflatex
@pytest.mark.parametrize("rounding", ["exact", "hand"])
@pytest.mark.parametrize("spec", SPECS)
def test_every_example_compiles_standalone_with_nothing_off_the_page(spec, rounding, tmp_path):
    source = _with_title(spec, tmp_path, UNICODE_TITLE)
    tex = tmp_path / "walkthrough.tex"
    assert main(["walkthrough", str(source), "--standalone", "--rounding", rounding, "-o", str(tex)]) == 0
    log, pages = _compile(tex)
    too_wide = [x for x in _overfull(log) if x > 1.0]
    assert not too_wide, f"overfull boxes: {too_wide}"
    assert "Missing character" not in log
    if pages > 3:
        assert "\\tableofcontents" in tex.read_text(encoding="utf-8")
    outline = (tmp_path / "walkthrough.out").read_text(encoding="latin-1")  # hyperref's PDF outline
    source_text = tex.read_text(encoding="utf-8")
    assert outline.count("\\BOOKMARK [1]") == source_text.count("\\section{") >= 7
    assert outline.count("\\BOOKMARK [2]") == source_text.count("\\subsection[") >= 1


#: The 3-4-2 walkthrough, compact by default, fits this many pages (19 with --detail full).
COMPACT_342_PAGES = 6


@pytest.mark.slow
@requires_pdflatex
def test_the_342_walkthrough_is_compact_by_default_and_fits_six_pages(tmp_path):
    tex = tmp_path / "walkthrough.tex"
    assert main(["walkthrough", str(EXAMPLES / "mlp_342.toml"), "--standalone", "-o", str(tex)]) == 0
    log, pages = _compile(tex)
    assert pages <= COMPACT_342_PAGES
    assert not [x for x in _overfull(log) if x > 1.0]
    assert "\\tableofcontents" in tex.read_text(encoding="utf-8")


@pytest.mark.slow
@needs_pdflatex
def test_width_estimates_are_close_to_what_tex_measures(tmp_path):
    """The estimate, which the breaker trusts, against TeX's own widths of three examples' relations."""
    strings = []
    for spec in ("two_layer.toml", "mlp_342.toml", "softmax.toml"):
        c = walkthrough_context(load_spec(EXAMPLES / spec))
        strings += [f"{f['lhs']} = {f['rhs']} = {f['substituted']}" for f in c["forward"]]
        strings += [f"{b['quantity']} = {b['general']}" for b in c["backward"]]
    body = "\n".join(
        f"\\setbox0\\hbox{{$\\displaystyle {s}$}}\\typeout{{W{i}=\\the\\wd0}}" for i, s in enumerate(strings)
    )
    tex = tmp_path / "widths.tex"
    tex.write_text(f"\\documentclass[11pt]{{article}}\\usepackage{{amsmath,amssymb}}\\begin{{document}}\n{body}\n"
                   "x\\end{document}\n")  # fmt: skip
    log, _ = _compile(tex)
    measured = {int(i): float(w) for i, w in re.findall(r"W(\d+)=([\d.]+)pt", log)}
    assert len(measured) == len(strings)
    for i, s in enumerate(strings):
        estimate = math_width(s) * LATEX_EM_PT
        assert 0.97 * measured[i] <= estimate <= 1.15 * measured[i], s


@pytest.mark.slow
def test_sphinx_draws_the_network_as_svg_and_a_table_for_latex(tmp_path):
    import sys

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["symbackprop.integrations.sphinx"]\nproject = "p"\n')
    shutil.copy(EXAMPLES / "two_layer.toml", src / "net.toml")
    (src / "index.rst").write_text("Net\n===\n\n.. symbackprop:: net.toml\n   :sections: graph\n")
    for builder in ("html", "latex"):
        command = [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-q",
            "-b",
            builder,
            str(src),
            str(tmp_path / builder),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="symbackprop-graph"') == 1
    assert "computed from" not in html
    latex = next((tmp_path / "latex").glob("*.tex")).read_text(encoding="utf-8")
    assert "<svg" not in latex and "computed from" in latex
