"""Walkthroughs: numbers from an independent route, goldens, notation, escaping."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

import mpmath
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop.core.functions import to_elementary
from symbackprop.errors import InputError, TemplateError
from symbackprop.notation.spec import load_spec, loads_spec
from symbackprop.numeric import check
from symbackprop.output.numbers import column
from symbackprop.output.patterns import index_names
from symbackprop.output.printing import Notation, symbol_latex
from symbackprop.output.walkthrough import render, template_path, walkthrough_context

EXAMPLE_STEMS = sorted(p.stem for p in EXAMPLES.glob("*.toml"))

#: Every example in both formats, plus the notation and rounding variants.
GOLDEN_CASES = [
    *[(f"{stem}.{fmt}", f"{stem}.toml", {"format": fmt}) for stem in EXAMPLE_STEMS for fmt in ("md", "tex")],
    ("tiny_hand3.md", "tiny.toml", {"format": "md", "rounding": "hand", "digits": 3}),
    ("tiny_hand3.tex", "tiny.toml", {"format": "tex", "rounding": "hand", "digits": 3}),
    ("tiny_standalone.tex", "tiny.toml", {"format": "tex", "standalone": True}),
    ("mlp_342_full.tex", "mlp_342.toml", {"format": "tex", "detail": "full"}),
    ("two_layer_full.md", "two_layer.toml", {"format": "md", "detail": "full"}),
    (
        "softmax_delta.tex",
        "softmax.toml",
        {"format": "tex", "notation": Notation(delta=True, derivative="d")},
    ),
]


@pytest.mark.parametrize(("golden_name", "spec", "options"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_walkthrough_matches_golden(golden_name, spec, options, golden):
    net = load_spec(EXAMPLES / spec)
    options = dict(options)
    fmt = options.pop("format")
    golden(golden_name, render(net, fmt, check=check(net), **options))


def _oracle_gradients(net):
    loss = to_elementary(net.inlined())
    point = dict(net.values)
    return {p.name: sympy.diff(loss, p).evalf(30, subs=point) for p in net.parameters}


@pytest.mark.parametrize(
    "spec", ["tiny.toml", "tiny_bce.toml", "two_layer.toml", "softmax.toml", "neuron.toml"]
)
def test_gradient_table_shows_sympy_diff_values_rounded(spec):
    net = load_spec(EXAMPLES / spec)
    context = walkthrough_context(net, digits=4)
    expected = _oracle_gradients(net)
    texts = column([expected[g["name"]] for g in context["gradients"]], 4)  # one policy for the column
    for g, text in zip(context["gradients"], texts):
        assert g["value"]["text"] == text.text
        assert g["value"]["rel"] == (r"\approx" if not g["value"]["exact"] else "=")


def _round(value, places):
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def test_hand_rounding_recomputes_from_the_shown_numbers():
    # By hand with 3 decimals, independently: sigma(0.25), then each step from the rounded numbers.
    mpmath.mp.dps = 30
    a2 = _round(str(1 / (1 + mpmath.e ** mpmath.mpf("-0.25"))), 3)  # 0.562
    local = _round(a2 * (1 - a2), 3)  # 0.246
    dz2 = _round(a2 * local, 3)  # 0.562 * 0.246 = 0.138252 -> 0.138
    dw2 = dz2 * Decimal("0.5")  # 0.069, exact
    new = Decimal("0.5") - Decimal("0.1") * dw2  # 0.4931, exact
    context = walkthrough_context(load_spec(EXAMPLES / "tiny.toml"), rounding="hand", digits=3)
    steps = {b["name"]: b for b in context["backward"]}
    assert steps["z_2"]["factors"] == f"{a2} \\cdot {local}"
    assert steps["z_2"]["value"]["text"] == str(dz2) and steps["z_2"]["value"]["rel"] == r"\approx"
    assert steps["w_2"]["value"]["text"] == str(dw2.normalize()) and steps["w_2"]["value"]["rel"] == "="
    row = context["update"]["rows"][1]
    assert row["new"]["text"] == str(new.normalize()) == "0.4931" and row["new"]["rel"] == "="


def test_exact_rounding_rounds_every_number_from_the_exact_value():
    context = walkthrough_context(load_spec(EXAMPLES / "tiny.toml"), digits=3)
    expected = _oracle_gradients(load_spec(EXAMPLES / "tiny.toml"))
    row = context["update"]["rows"][0]
    assert row["new"]["text"] == str(_round(str(0.5 - 0.1 * float(expected["w_1"])), 3))  # 0.493, not 0.4931
    assert row["new"]["rel"] == r"\approx"


def test_paths_that_meet_are_summed():
    context = walkthrough_context(load_spec(EXAMPLES / "two_layer.toml"))
    out_h1 = next(b for b in context["backward"] if b["name"] == "out_h1")
    assert out_h1["paths"] == 2
    assert out_h1["leibniz"].count(r"\frac{\partial E_{\mathrm{total}}}") == 2
    assert " + " in out_h1["factors"]


@pytest.mark.parametrize(
    ("name", "latex"),
    [("w_1", "w_{1}"), ("net_h1", r"\mathrm{net}_{\mathrm{h1}}"), ("E_total", r"E_{\mathrm{total}}"),
     ("beta", r"\beta"), ("y_hat", r"\hat{y}"), ("w_1_2", "w_{1,2}")],
    ids=["w_1", "net_h1", "E_total", "beta", "y_hat", "w_1_2"],
)  # fmt: skip
def test_subscripts_print_like_lecture_notes(name, latex):
    assert symbol_latex(name) == latex


def test_sections_and_notation_options():
    net = load_spec(EXAMPLES / "tiny.toml")
    text = render(net, "md", sections=["forward", "update"], notation=Notation(mul="times"))
    assert "## Forward pass" in text and "## Gradient-descent update" in text
    assert "## Backward pass" not in text and "## Setup" not in text
    assert r"1 \times 0.5" in text  # z_1 = "x * w_1": the factors in the order written
    with pytest.raises(InputError, match="unknown section 'nope'"):
        render(net, "md", sections=["nope"])


def test_titles_cannot_inject_into_output():
    text = (EXAMPLES / "tiny.toml").read_text()
    evil = r'title = "\\input{/etc/passwd} \\write18{rm -rf x} <script>alert(1)</script> $x$ # _a_"'
    net = loads_spec(re.sub(r"^title = .*$", lambda m: evil, text, flags=re.M))
    tex = render(net, "tex", standalone=True)
    assert r"\input{" not in tex and r"\write18" not in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex
    md = render(net, "md")
    assert "<script>" not in md and "&lt;script&gt;" in md


def test_bundled_templates_are_found_and_custom_templates_work(tmp_path):
    assert template_path("walkthrough.md.j2").is_file()
    custom = tmp_path / "mine.md.j2"
    custom.write_text("{{ title }}: {% for g in gradients %}{{ g.name }}={{ g.value.text }} {% endfor %}\n")
    out = render(load_spec(EXAMPLES / "tiny.toml"), "md", template=custom)
    assert out == "Tiny network: ReLU hidden unit, sigmoid output: w_1=0.0692 w_2=0.0692 "  # trim_blocks
    broken = tmp_path / "broken.md.j2"
    broken.write_text("line one\n{% for x in %}\n")
    with pytest.raises(TemplateError, match=r"broken.md.j2:2"):
        render(load_spec(EXAMPLES / "tiny.toml"), "md", template=broken)
    unknown = tmp_path / "unknown.md.j2"
    unknown.write_text("{{ no_such_key }}\n")
    with pytest.raises(TemplateError, match="no_such_key"):
        render(load_spec(EXAMPLES / "tiny.toml"), "md", template=unknown)


def test_dataset_section_reduces_per_example_gradients_like_sympy():
    net = load_spec(EXAMPLES / "xor.toml")
    context = walkthrough_context(net, digits=4)
    data = context["dataset"]
    assert data["count"] == 4 and data["reduction"] == "mean"
    loss = to_elementary(net.inlined())
    params = {s: v for s, v in net.values.items() if s in net.parameters}
    oracle = [  # per example: the loss, then each gradient; each a column of the table
        [loss.xreplace({**params, **dict(e)}).evalf(30)]
        + [sympy.diff(loss, p).xreplace({**params, **dict(e)}).evalf(30) for p in net.parameters]
        for e in net.dataset.examples
    ]
    mean = [sum(example[i] for example in oracle) / 4 for i in range(len(oracle[0]))]
    for j, values in enumerate([*oracle, mean]):
        texts = [c.text for c in column(values, 4)]
        shown_column = [data["columns"][j]["loss"] if j < 4 else data["loss"]]
        shown_column += [row["per_example"][j] if j < 4 else row["reduced"] for row in data["rows"]]
        assert [v["text"] for v in shown_column] == texts
    assert r"\left(-0.00001417\right)" in render(net, "md")  # negative gradients in parentheses
    assert walkthrough_context(load_spec(EXAMPLES / "tiny.toml"))["dataset"] is None


def test_check_table_has_a_point_column_for_several_points():
    net = load_spec(EXAMPLES / "tiny.toml")
    report = check(net, points=2)
    md = render(net, "md", check=report)
    assert "| point | parameter | symbolic | finite differences | relative error | verdict |\n|---|" in md
    assert "\n| 2 | $w_{2}$ | " in md
    tex = render(net, "tex", check=report)
    assert "point & parameter & symbolic & finite differences & relative error & verdict \\\\" in tex
    assert "\n2 & $w_{2}$ & " in tex


def test_context_is_the_same_for_every_format():
    context = walkthrough_context(
        load_spec(EXAMPLES / "tiny.toml"), check=check(load_spec(EXAMPLES / "tiny.toml"))
    )
    assert not [k for k in context if k.endswith(("_md", "_tex"))]
    assert not [k for r in context["check"]["rows"] for k in r if k.endswith(("_md", "_tex"))]


# ------------------------------------------------------------------ compact and full detail


def test_compact_342_works_one_unit_per_layer_and_tables_the_others():
    net = load_spec(EXAMPLES / "mlp_342.toml")
    groups = walkthrough_context(net)["compact"]["groups"]
    assert [g["steps"][0]["name"] for g in groups] == ["a2_1", "a1_1"]
    hidden = groups[1]
    assert [s["name"] for s in hidden["steps"]] == ["a1_1", "z1_1", "w1_1_1", "w1_1_2", "w1_1_3", "b1_1"]
    assert [s["brief"] for s in hidden["steps"]] == [False, False, False, True, True, False]
    expected = _oracle_gradients(net)  # sympy.diff of the inlined loss
    for group, units, params in [
        (groups[0], (2,), ["w2_{j}_1", "w2_{j}_2", "w2_{j}_3", "w2_{j}_4", "b2_{j}"]),
        (hidden, (2, 3, 4), ["w1_{j}_1", "w1_{j}_2", "w1_{j}_3", "b1_{j}"]),
    ]:
        others = group["others"]
        assert [r["index"] for r in others["rows"]] == [str(j) for j in units]
        for k, param in enumerate(params, start=2):  # after ∂L/∂a_j and ∂L/∂z_j
            values = [expected[param.format(j=j)] for j in units]
            assert [r["cells"][k]["text"] for r in others["rows"]] == [c.text for c in column(values, 4)]
    assert hidden["others"]["letter"] == "j"
    assert hidden["others"]["quantities"][2] == r"\frac{\partial L}{\partial w^{(1)}_{j1}}"


@pytest.mark.parametrize(
    "spec", ["tiny.toml", "tiny_bce.toml", "neuron.toml", "swish.toml", "quadratic.toml"]
)
def test_without_a_repeated_unit_compact_is_the_full_layout(spec):
    net = load_spec(EXAMPLES / spec)
    assert walkthrough_context(net)["compact"] is None
    for fmt in ("md", "tex"):
        assert render(net, fmt) == render(net, fmt, detail="full")


def test_softmax_outputs_and_their_logits_are_units_of_one_shape():
    # softmax(1, z₁, z₂, z₃) and softmax(2, z₁, z₂, z₃) differ by the index they pick: p₂ is p₁ with z₁ and
    # z₂ swapped, and z₂'s paths are z₁'s with p₁ and p₂ swapped (matched in any order)
    net = load_spec(EXAMPLES / "softmax.toml")
    groups = walkthrough_context(net)["compact"]["groups"]
    assert [g["head"] for g in groups] == ["p_{1}", "z_{1}"]
    outputs, logits = (g["others"] for g in groups)
    assert [r["index"] for r in outputs["rows"]] == ["2", "3"] == [r["index"] for r in logits["rows"]]
    assert logits["quantities"][1] == r"\frac{\partial L}{\partial w_{j1}}"
    expected = _oracle_gradients(net)  # sympy.diff of the inlined loss
    for k, param in enumerate(["w_{j}1", "w_{j}2", "b_{j}"], start=1):  # after ∂L/∂z_j
        values = [expected[param.format(j=j)] for j in (2, 3)]
        assert [r["cells"][k]["text"] for r in logits["rows"]] == [c.text for c in column(values, 4)]
    p_2 = sympy.Symbol("p_2")  # ∂L/∂p₂ = -y₂/p₂ at the point, by hand from the definitions
    z = [sympy.Rational(35, 100), sympy.Rational(45, 100), sympy.Rational(-9, 10)]
    p2 = sympy.exp(z[1]) / sum(sympy.exp(v) for v in z)
    assert outputs["rows"][0]["cells"][0]["text"] == column([(-1 / p_2).subs(p_2, p2).evalf(30)], 4)[0].text


def test_units_without_a_common_index_are_table_rows_named_in_full():
    # Mazur's 2-2-2: w₅, w₆ | w₇, w₈ show no common index; each row names its own gradients
    net = load_spec(EXAMPLES / "two_layer.toml")
    groups = walkthrough_context(net)["compact"]["groups"]
    named = [g for g in groups if g["others"]]
    assert [g["head"] for g in named] == [r"\mathrm{out}_{\mathrm{o1}}", r"\mathrm{out}_{\mathrm{h1}}"]
    expected = _oracle_gradients(net)  # sympy.diff of the inlined loss
    for group, params in zip(named, (["w_7", "w_8"], ["w_3", "w_4"])):
        others = group["others"]
        assert others["letter"] is None and others["count"] == 1
        (row,) = others["rows"]
        assert row["index"] is None
        for cell, param in zip(row["cells"][2:], params):
            loss = r"\partial E_{\mathrm{total}}"
            assert cell["quantity"] == rf"\frac{{{loss}}}{{\partial w_{{{param[-1]}}}}}"
            assert cell["text"] == column([expected[param]], 4)[0].text
    text = render(net, "md", check=None)
    assert r"| $\frac{\partial E_{\mathrm{total}}}{\partial w_{7}} \approx -0.0226$ |" in text
    assert "### Unit $\\mathrm{out}_{\\mathrm{o2}}$" not in text


def test_a_wide_table_of_named_cells_is_cut_into_runs_of_columns_that_fit_the_line():
    # 7 steps a unit (out, net, 4 weights, a bias), names with no common index (w_1 | w_5)
    spec = (EXAMPLES / "two_layer.toml").read_text(encoding="utf-8")
    wide = loads_spec(_WIDE)
    others = next(g["others"] for g in walkthrough_context(wide)["compact"]["groups"] if g["others"])
    assert others["letter"] is None and len(others["quantities"]) == 7
    assert [k for part in others["parts"] for k in part] == list(range(7)) and len(others["parts"]) == 2
    two_layer = walkthrough_context(loads_spec(spec))["compact"]["groups"]
    assert [g["others"]["parts"] for g in two_layer if g["others"]] == [[[0, 1, 2, 3]]] * 2


_WIDE = """
[inputs]
x_1 = 0.1
x_2 = 0.2
x_3 = 0.3
x_4 = 0.4
[targets]
y = 0.5
[parameters]
w_1 = 0.1
w_2 = -0.2
w_3 = 0.3
w_4 = 0.4
c_1 = 0.1
w_5 = 0.5
w_6 = -0.6
w_7 = 0.7
w_8 = 0.8
c_2 = -0.1
v_a = 0.3
v_b = -0.4
[network]
net_h1 = "w_1 * x_1 + w_2 * x_2 + w_3 * x_3 + w_4 * x_4 + c_1"
out_h1 = "sigmoid(net_h1)"
net_h2 = "w_5 * x_1 + w_6 * x_2 + w_7 * x_3 + w_8 * x_4 + c_2"
out_h2 = "sigmoid(net_h2)"
o = "v_a * out_h1 + v_b * out_h2"
L = "half_squared_error(o, y)"
"""


def test_hand_rounding_works_every_unit_and_tables_none():
    # a carried number is reproduced from the numbers shown; a table row shows none of them
    net = load_spec(EXAMPLES / "softmax.toml")
    compact = walkthrough_context(net, rounding="hand")["compact"]
    assert compact["tabled"] is False
    assert [g["head"] for g in compact["groups"]] == ["p_{1}", "p_{2}", "p_{3}", "z_{1}", "z_{2}", "z_{3}"]
    assert all(g["others"] is None for g in compact["groups"])
    assert walkthrough_context(net)["compact"]["tabled"] is True


def _xor(second_hidden: str) -> str:
    text = (EXAMPLES / "xor.toml").read_text(encoding="utf-8")
    return text.replace('h_2 = "sigmoid(z_2)"', f'h_2 = "{second_hidden}(z_2)"')


@pytest.mark.parametrize(
    ("second_hidden", "summarised"), [("sigmoid", True), ("tanh", False)], ids=["same-shape", "other-shape"]
)
def test_units_are_summarised_by_the_shape_of_their_steps(second_hidden, summarised):
    compact = walkthrough_context(loads_spec(_xor(second_hidden)))["compact"]
    if summarised:
        assert [g["steps"][0]["name"] for g in compact["groups"]] == ["a_o", "h_1"]
        assert [r["head"] for r in compact["groups"][1]["others"]["rows"]] == ["h_{2}"]
    else:  # the same names, another activation: nothing is summarised
        assert compact is None


def test_full_detail_writes_every_step_and_compact_fewer():
    net = load_spec(EXAMPLES / "mlp_342.toml")
    steps = len(walkthrough_context(net)["backward"])
    assert render(net, "tex", detail="full").count("\\subsubsection*{$\\displaystyle ") == steps == 38
    compact = render(net, "tex")
    assert compact.count("\\subsubsection*{Unit ") == 2 and "\\displaystyle \\frac" in compact


def test_unknown_detail_is_an_input_error():
    with pytest.raises(InputError, match="detail must be 'compact' or 'full'"):
        walkthrough_context(load_spec(EXAMPLES / "tiny.toml"), detail="brief")


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ([["a^{(1)}_{1}", "a^{(1)}_{2}"], ["w^{(1)}_{13}", "w^{(1)}_{23}"]],
         (["a^{(1)}_{j}", "w^{(1)}_{j3}"], ["1", "2"], "j")),
        ([["a_{1}", "a_{10}"]], (["a_{j}"], ["1", "10"], "j")),
        ([["j_{1}", "j_{2}"]], (["j_{k}"], ["1", "2"], "k")),
        ([["w_{5}", "w_{7}"], ["w_{6}", "w_{8}"]], None),
        ([["h_{1}", "h_{2}"], ["w_{11}", "w_{12}"]], (["h_{j}", "w_{1j}"], ["1", "2"], "j")),
    ],
    ids=["layer-names", "ten-units", "letter-in-use", "no-common-index", "second-index"],
)  # fmt: skip
def test_index_names_write_the_varying_part_of_the_names_as_an_index(columns, expected):
    assert index_names(columns) == expected


def test_mkdocs_blocks_take_a_detail_option():
    pytest.importorskip("mkdocs")
    from symbackprop.integrations.mkdocs import expand

    compact, _ = expand("```symbackprop\nmlp_342.toml\n```\n", search=[EXAMPLES])
    full, _ = expand("```symbackprop detail=full\nmlp_342.toml\n```\n", search=[EXAMPLES])
    assert "#### Unit $a^{(1)}_{1}$" in compact and "other units of this layer" in compact
    assert "Unit $" not in full and full.count("#### $\\frac{\\partial L}{\\partial ") == 38


def test_sigmoid_under_binary_cross_entropy_gets_the_combined_form_as_a_remark():
    z, y = sympy.symbols("z y")
    a = 1 / (1 + sympy.exp(-z))
    bce = -(y * sympy.log(a) + (1 - y) * sympy.log(1 - a))
    assert sympy.simplify(sympy.diff(bce, z) - (a - y)) == 0  # the form the remark states, by sympy
    net = load_spec(EXAMPLES / "tiny_bce.toml")
    notes = {b["name"]: b["note"] for b in walkthrough_context(net)["backward"] if b["note"]}
    assert notes == {"z_2": r"\text{i.e. }\sigma\left(z_{2}\right) - y = a_{2} - y"}
    assert not [b for b in walkthrough_context(load_spec(EXAMPLES / "tiny.toml"))["backward"] if b["note"]]


@pytest.mark.parametrize(
    ("detail", "tables", "units"), [("compact", 2, 2), ("full", 0, 0)], ids=["compact", "full"]
)
def test_sphinx_lays_out_the_compact_backward_pass_too(detail, tables, units):
    pytest.importorskip("sphinx")
    from docutils import nodes

    from symbackprop.integrations.sphinx import _Builder

    context = walkthrough_context(load_spec(EXAMPLES / "mlp_342.toml"), detail=detail)
    out = nodes.container("", *_Builder(context, "page").section_backward())
    assert len(list(out.findall(nodes.table))) == tables
    assert sum(p.astext().startswith("Unit ") for p in out.findall(nodes.paragraph)) == units
    blocks = len(list(out.findall(nodes.math_block)))
    # by hand: compact shows 13 chains (7 + 6 steps) and the local lines of its 8 non-brief steps that
    # have one (3 + 5); full shows 38 chains and 40 local lines (2 + 8 + 4 + 26, none for ∂L/∂a₂)
    assert blocks == (13 + 8 if detail == "compact" else 38 + 40)


def test_sphinx_names_each_cell_where_the_units_show_no_common_index():
    pytest.importorskip("sphinx")
    from docutils import nodes

    from symbackprop.integrations.sphinx import _Builder

    context = walkthrough_context(load_spec(EXAMPLES / "two_layer.toml"))
    out = nodes.container("", *_Builder(context, "page").section_backward())
    tables = list(out.findall(nodes.table))
    assert len(tables) == 2
    first = [e.astext() for e in tables[0].findall(nodes.entry)]
    assert first[0] == "unit" and "None" not in " ".join(first)
    assert any(r"\partial w_{7}} \approx -0.0226" in e for e in first)


@pytest.mark.parametrize(
    ("latex", "slashed"),
    [
        (r"\frac{\partial L}{\partial w^{(1)}_{11}}", r"\partial L / \partial w^{(1)}_{11}"),
        (r"\frac{\mathrm{d}L}{\mathrm{d}w_{1}}", r"\mathrm{d}L / \mathrm{d}w_{1}"),
        (r"\frac{a}{b}+1", r"\frac{a}{b}+1"),
        ("w", "w"),
    ],
    ids=["partial", "d", "not-alone", "no-fraction"],
)
def test_a_gradient_in_a_table_cell_is_slashed_not_a_tiny_fraction(latex, slashed):
    from symbackprop.output.tables import _slashed

    assert _slashed(latex) == slashed


def test_the_compact_gradient_table_labels_each_value_as_a_gradient():
    # a parameter's symbol beside a number reads as the parameter's value; the gradient's does not
    text = render(load_spec(EXAMPLES / "mlp_342.toml"), "md", check=None)
    assert r"| $\partial L / \partial w^{(1)}_{11}$ | ≈ 0.000159 |" in text
