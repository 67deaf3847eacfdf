"""Rich notebook display, and the example notebook run top to bottom with nbclient."""

from __future__ import annotations

import re

import nbformat
import pytest
import sympy as sp
from conftest import EXAMPLES
from nbclient import NotebookClient

from symbackprop import derive, load_spec
from symbackprop.core.functions import to_elementary

WRONG = "$$\n\\frac{\\partial L}{\\partial w_2} = (a_2 - y) \\, a_2 \\, a_1\n$$\n"


def tiny_gradient() -> float:
    net = load_spec(EXAMPLES / "tiny.toml")
    return float(sp.diff(to_elementary(net.inlined()), net.symbol("w_2")).subs(net.values))


def test_derivation_displays_its_walkthrough_and_gradients() -> None:
    d = derive(load_spec(EXAMPLES / "tiny.toml"))
    markdown, latex = d._repr_markdown_(), d._repr_latex_()
    assert markdown.startswith("# Tiny network")
    assert f"{tiny_gradient():.4f}" in markdown
    assert latex.startswith("$$\n\\begin{aligned}") and latex.endswith("\\end{aligned}\n$$")
    assert r"\frac{\partial L}{\partial w_{2}} &= \frac{\partial L}{\partial a_{2}}" in latex
    assert f"\\approx {tiny_gradient():.4f}" in latex


def test_check_report_displays_a_table() -> None:
    from symbackprop import check

    report = check(load_spec(EXAMPLES / "swish_wrong.toml"))
    markdown = report._repr_markdown_()
    assert markdown.startswith("**Gradient check FAILED.**")
    assert markdown.count("\n| 0 |") == len(report.rows)
    assert r"\begin{array}" in report._repr_latex_()


def test_verify_report_displays_the_wrong_line() -> None:
    from symbackprop import verify

    report = verify("hw.md", text=WRONG, spec=EXAMPLES / "tiny.toml")
    markdown = report._repr_markdown_()
    assert markdown.startswith("**1 wrong equation(s).**")
    assert re.search(r"^\| 2 \| .* \| wrong \|", markdown, re.M)
    assert "0.069" in report._repr_latex_()


@pytest.mark.slow
def test_example_notebook_runs_top_to_bottom() -> None:
    nb = nbformat.read(EXAMPLES / "walkthrough.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    rich = [o["data"] for o in outputs if o.output_type == "execute_result"]
    assert len(rich) == 4  # derivation, walkthrough, check report, verify report
    derivation, walkthrough, checked, verified = rich
    assert {"text/markdown", "text/latex"} <= set(derivation)
    assert f"{tiny_gradient():.4f}" in derivation["text/markdown"]
    assert "0.562 \\cdot 0.246" in walkthrough["text/markdown"]  # hand rounding, 3 digits
    assert f"{tiny_gradient():.3f}" in walkthrough["text/markdown"]
    assert "every gradient agrees" in checked["text/markdown"]
    assert "**1 wrong equation(s).**" in verified["text/markdown"]
