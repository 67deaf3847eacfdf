"""The registry of output formats, and tables as data laid out by each format."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import EXAMPLES

from symbackprop.cli import build_parser, main
from symbackprop.errors import InputError
from symbackprop.notation.spec import load_spec
from symbackprop.numeric import check
from symbackprop.output.formats import (
    FORMATS,
    Format,
    escape_latex,
    escape_markdown,
    format_for_path,
    format_names,
    get_format,
    latex_array,
    latex_tabular,
    markdown_table,
    register_format,
    unregister_format,
)
from symbackprop.output.tables import Column, Math, Number, Table, Text, check_table, text_table
from symbackprop.output.walkthrough import render

TINY_TITLE = "Tiny network: ReLU hidden unit, sigmoid output"


def _format_choices() -> tuple[str, ...]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    walkthrough = sub.choices["walkthrough"]
    return tuple(next(a for a in walkthrough._actions if a.dest == "format").choices)


@pytest.fixture
def testfmt(tmp_path: Path):
    """A test-only format with a template of its own: upper-case text, tables as their headers."""
    template = tmp_path / "walkthrough.tst.j2"
    template.write_text("{{ title | escape_text }}\n{{ tables.gradients | table }}\n{{ format }}\n")
    fmt = register_format(
        Format(
            name="testfmt",
            description="a test format",
            suffixes=(".tst",),
            template=template,
            escape=str.upper,
            table=lambda t: "/".join(t.labels),
            strong="!{}!".format,
        )
    )
    yield fmt
    unregister_format("testfmt")


def test_builtin_formats_are_md_then_tex() -> None:
    assert format_names()[:2] == ("md", "tex")
    assert get_format("md").suffixes == (".md", ".markdown")
    assert get_format("tex").suffixes == (".tex",)


def test_cli_format_choices_come_from_the_registry(testfmt) -> None:
    assert _format_choices() == format_names()
    assert "testfmt" in _format_choices()


def test_a_registered_format_renders_with_its_template_and_filters(testfmt) -> None:
    out = render(load_spec(EXAMPLES / "tiny.toml"), "testfmt")
    assert out == f"{TINY_TITLE.upper()}\nparameter/chain rule/value/gradient\ntestfmt\n"


def test_a_registered_format_is_chosen_by_its_suffix(testfmt, tmp_path, capsys) -> None:
    target = tmp_path / "notes.tst"
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--no-check", "-o", str(target)]) == 0
    assert target.read_text().startswith(TINY_TITLE.upper() + "\n")
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--no-check", "--format", "testfmt"]) == 0
    assert capsys.readouterr().out.endswith("\ntestfmt\n")


def test_unregistered_format_is_gone(testfmt) -> None:
    unregister_format("testfmt")
    assert "testfmt" not in _format_choices()
    with pytest.raises(InputError, match="unknown format 'testfmt'; use one of md, tex"):
        render(load_spec(EXAMPLES / "tiny.toml"), "testfmt")
    register_format(testfmt)  # for the fixture's clean-up


def test_a_format_is_registered_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_format(FORMATS["md"])


@pytest.mark.parametrize(
    ("path", "name"),
    [("notes.md", "md"), ("notes.markdown", "md"), ("notes.tex", "tex"), ("NOTES.TEX", "tex"),
     ("notes.txt", "md"), (None, "md")],
    ids=["md", "markdown", "tex", "upper-case", "other", "stdout"],
)  # fmt: skip
def test_the_output_suffix_selects_the_format(path, name) -> None:
    assert format_for_path(path).name == name


@pytest.mark.parametrize(
    ("name", "suffix", "start"),
    [("md", ".markdown", "# Tiny network"), ("tex", ".TEX", r"\section*{Tiny network")],
    ids=["markdown", "upper-case-tex"],
)
def test_cli_infers_the_format_from_the_suffix(name, suffix, start, tmp_path) -> None:
    target = tmp_path / f"w{suffix}"
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--no-check", "-o", str(target)]) == 0
    assert target.read_text().startswith(start)


@pytest.mark.parametrize(
    ("escape", "text", "expected"),
    [
        (escape_markdown, "a_b | *c* <d>", r"a\_b \| \*c\* &lt;d&gt;"),
        (escape_markdown, r"$x$ \ [y](z) #", r"\$x\$ \\ \[y\](z) \#"),
        (escape_latex, "50% & $x_1$", r"50\% \& \$x\_1\$"),
        (escape_latex, r"\input{a} ~^#", r"\textbackslash{}input\{a\} \textasciitilde{}\textasciicircum{}\#"),
    ],
    ids=["md-punctuation", "md-math", "tex-specials", "tex-commands"],
)
def test_free_text_is_escaped_per_format(escape, text, expected) -> None:
    assert escape(text) == expected


SMALL = Table(
    (Column("p", "parameter"), Column("v", "value"), Column("note", "note")),
    (
        (Math(r"w_{1}", "w_1"), Number("0.0692", approx=True), Text("a_b")),
        (Math(r"\left|b\right|", "b"), Number("2"), Text("ok")),
    ),
)


def test_markdown_table() -> None:
    assert markdown_table(SMALL) == (
        "| parameter | value | note |\n"
        "|---|---|---|\n"
        "| $w_{1}$ | ≈ 0.0692 | a\\_b |\n"
        "| $\\left\\|b\\right\\|$ | 2 | ok |"
    )


def test_latex_tabular() -> None:
    assert latex_tabular(SMALL) == (
        "\\begin{tabular}{lll}\n\\hline\nparameter & value & note \\\\\n\\hline\n"
        "$w_{1}$ & $\\approx 0.0692$ & a\\_b \\\\\n"
        "$\\left|b\\right|$ & 2 & ok \\\\\n\\hline\n\\end{tabular}"
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (Number("-0.0381", approx=True), r"$\approx -0.0381$"),
        (Number("-0.5"), "$-0.5$"),
        (Number("0.5"), "0.5"),
        (Number("4.7e-11"), "4.7e-11"),
    ],
    ids=["rounded-negative", "negative", "positive", "scientific"],
)
def test_a_negative_number_in_a_latex_table_has_a_true_minus_sign(number, expected) -> None:
    # in text mode "-" is a hyphen; in math it is a minus sign, and ≈ stays beside its number
    table = Table((Column("v", "value"),), ((number,),))
    assert latex_tabular(table).splitlines()[4] == expected + r" \\"


def test_latex_array() -> None:
    assert latex_array(SMALL) == (
        "$$\n\\begin{array}{lll}\n\\textbf{parameter} & \\textbf{value} & \\textbf{note} \\\\\n"
        "w_{1} & \\approx 0.0692 & \\text{a\\_b} \\\\\n"
        "\\left|b\\right| & 2 & \\text{ok}\n\\end{array}\n$$"
    )


def test_text_table() -> None:
    assert text_table(SMALL) == (
        "parameter  value     note\n"
        "---------  --------  ----\n"
        "w_1        ≈ 0.0692  a_b\n"
        "b          2         ok"
    )


def test_views_select_and_relabel_columns() -> None:
    view = SMALL.select("note", "p").relabel(note="remark")
    assert view.labels == ("remark", "parameter")
    assert view.rows[1] == (Text("ok"), Math(r"\left|b\right|", "b"))
    with pytest.raises(KeyError):
        SMALL.relabel(nope="x")


def _row(name, latex, symbolic, numeric, verdict, point=0):
    error = abs(symbolic - numeric)
    return SimpleNamespace(
        name=name, latex=latex, symbolic=symbolic, numeric=numeric, abs_error=error,
        rel_error=error / abs(numeric), verdict=verdict, ok=verdict == "ok", point=point,
    )  # fmt: skip


def test_check_table_as_text_by_hand() -> None:
    report = SimpleNamespace(
        rows=[_row("w_1", "w_{1}", 0.0692041, 0.0692043, "ok"), _row("b", "b", -0.5, -0.25, "MISMATCH")]
    )
    assert text_table(check_table(report, digits=3)) == (
        "point  parameter  symbolic  numeric  abs error  rel error  verdict\n"
        "-----  ---------  --------  -------  ---------  ---------  --------\n"
        "0      w_1        0.0692    0.0692   2.00e-07   2.89e-06   ok\n"
        "0      b          -0.5      -0.25    2.50e-01   1.00e+00   MISMATCH"
    )


@pytest.mark.parametrize("spec", ["tiny.toml", "swish_wrong.toml"], ids=["agrees", "fails"])
def test_check_table_as_text_is_the_reports_own_table(spec) -> None:
    report = check(load_spec(EXAMPLES / spec), points=1)
    assert text_table(check_table(report, digits=5)) == report.format(digits=5)
