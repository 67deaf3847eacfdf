"""The seams of verification: statements, names, inference, the oracle, the report.

Expected values come from an independent route: ``sympy.diff`` of the inlined
loss of the tiny network (x = 1, y = 0, w_1 = w_2 = 0.5, ReLU, sigmoid, half
squared error), or are written by hand.
"""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path

import pytest
import sympy as sp
from conftest import EXAMPLES, ROOT

import symbackprop.verification.report as report_module
from symbackprop.core.derivation import Partial, derive
from symbackprop.notation.latex_input import UPDATED
from symbackprop.notation.spec import load_spec
from symbackprop.output.verify_report import text
from symbackprop.verification import Expected, Formula, Kind, Number, Status, verify
from symbackprop.verification.documents import read_document
from symbackprop.verification.infer import Role, infer_network
from symbackprop.verification.names import Names
from symbackprop.verification.oracle import Claim, Oracle
from symbackprop.verification.sections import rows
from symbackprop.verification.statements import (
    bare,
    decimals,
    is_name,
    is_number,
    parse_all,
    read_statements,
)
from symbackprop.verification.textbook import tidy

TINY_SPEC = EXAMPLES / "tiny.toml"
FIXTURES = ROOT / "tests" / "fixtures" / "verify"

# ------------------------------------------------------ the independent truth

X, Y, W1, W2, T = sp.symbols("x y w1 w2 t", real=True)
HALF = sp.Rational(1, 2)
POINT = {X: 1, Y: 0, W1: HALF, W2: HALF}


def _sigmoid(t: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-t))


A1 = sp.Max(0, X * W1)
A2 = _sigmoid(A1 * W2)
LOSS = HALF * (A2 - Y) ** 2


def truth(expr: sp.Expr, point: dict | None = None) -> float:
    return float(expr.subs(point or POINT).evalf(30))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def net():
    return load_spec(TINY_SPEC)


@pytest.fixture(scope="module")
def sym(net):
    return {s.name: s for s in net.symbols}


@pytest.fixture
def oracle(net):
    return Oracle(derive(net), Names(net), {}, seed=0)


# -------------------------------------------------------------- statements


def test_a_chain_is_one_statement_with_its_sides_and_relations():
    doc = read_document("text\n\n$$a_2 = \\sigma(z_2) \\approx 0.5622 < 1$$\n", "md")
    (st,) = read_statements(doc)
    assert (st.line, st.block_end) == (3, 3)
    assert st.sides == ["a_2", "\\sigma(z_2)", "0.5622", "1"]
    assert st.ops == ["=", "≈", "<"]
    assert st.source == "a_2 = \\sigma(z_2) ≈ 0.5622 < 1"
    parse_all([st], Names(None), _functions())
    assert st.error is None
    name, formula, shown, one = st.parsed
    assert is_name(name) and not is_number(name)
    assert not is_number(formula) and not bare(formula)
    assert is_number(shown) and bare(shown) and decimals(shown) == 4
    assert bare(one) and decimals(one) == 0


def _functions():
    from symbackprop.core.functions import FUNCTIONS

    return dict(FUNCTIONS)


def test_an_unreadable_side_keeps_the_reason():
    (st,) = read_statements(read_document("$$a = \\input{x}$$", "md"))
    parse_all([st], Names(None), _functions())
    assert st.parsed == [] and "refused" in st.error


# ------------------------------------------------------------------- names


def test_names_resolve_to_the_spec_symbols(net, sym):
    names = Names(net)
    assert names.resolve("w_{1}") is sym["w_1"]  # braces and underscores do not matter
    assert names.resolve("w1") is sym["w_1"]
    assert names.resolve("eta") is names.eta
    new = names.resolve("w_1" + UPDATED)
    assert names.updated[new] is sym["w_1"]
    made_up = names.resolve("q_7")
    assert made_up in names.created and made_up not in net.symbols


# --------------------------------------------------------------- inference


def test_the_document_defines_the_tiny_network(sym):
    doc = read_document((FIXTURES / "tiny_correct.md").read_text(), "md")
    statements = read_statements(doc)
    names = Names(None)
    parse_all(statements, names, _functions())
    inferred = infer_network(statements, names, doc)
    got = inferred.network
    assert got is not None
    assert [s.name for s in got.inputs] == ["x"]
    assert [s.name for s in got.targets] == ["y"]
    assert [s.name for s in got.parameters] == ["w_1", "w_2"]
    assert got.loss.name == "L"
    assert [s.name for s in got.nodes] == ["z_1", "a_1", "z_2", "a_2", "L"]
    assert {s.name: v for s, v in got.values.items()} == {"x": 1, "y": 0, "w_1": HALF, "w_2": HALF}
    assert got.learning_rate == sp.Rational(1, 10)
    roles = [inferred.roles.get(i) for i in range(5)]
    assert roles == [Role.DEFINITION] * 5


# ------------------------------------------------------------------ oracle


@pytest.mark.parametrize(
    ("node", "truth_expr"),
    [("w_1", sp.diff(LOSS, W1)), ("w_2", sp.diff(LOSS, W2)), ("a_2", A2 - Y)],
    ids=["dL/dw_1", "dL/dw_2", "dL/da_2"],
)
def test_oracle_adjoints_agree_with_sympy_diff_of_the_inlined_loss(oracle, sym, node, truth_expr):
    key = oracle.key_of(Partial(sym["L"], sym[node]))
    assert key == ("adjoint", sym[node])
    assert float(oracle.true_value(key, oracle.point)) == pytest.approx(truth(truth_expr), rel=1e-12)


def test_oracle_agrees_at_its_random_points_too(oracle, sym):
    # two random points at least; more so that z_1 = x w_1 lands on both sides of ReLU's kink
    assert len(oracle.randoms) >= 2
    assert {ev.values[sym["z_1"]] > 0 for ev in oracle.randoms} == {True, False}
    for ev in oracle.randoms:
        point = {X: 1, Y: 0, W1: ev.values[sym["w_1"]], W2: ev.values[sym["w_2"]]}
        got = oracle.true_value(("adjoint", sym["w_1"]), ev)
        assert float(got) == pytest.approx(truth(sp.diff(LOSS, W1), point), rel=1e-12)


def test_a_derivative_that_is_no_edge_is_a_total_derivative(oracle, sym):
    """∂a_2/∂w_1 goes through z_1, a_1 and z_2: the adjoint of w_1 with a_2 as the loss."""
    got = oracle.partial(Partial(sym["a_2"], sym["w_1"]), oracle.point)
    assert float(got) == pytest.approx(truth(sp.diff(A2, W1)), rel=1e-12)
    assert oracle.key_of(Partial(sym["a_2"], sym["w_1"])) is None  # not an edge, not an adjoint
    edge = oracle.key_of(Partial(sym["a_2"], sym["z_2"]))
    assert edge == ("local", sym["a_2"], sym["z_2"])
    a2 = truth(A2)
    assert float(oracle.true_value(edge, oracle.point)) == pytest.approx(a2 * (1 - a2), rel=1e-12)


def test_the_update_is_w_minus_eta_times_the_gradient(oracle, sym):
    got = oracle.true_value(("update", sym["w_2"]), oracle.point)
    assert float(got) == pytest.approx(0.5 - 0.1 * truth(sp.diff(LOSS, W2)), rel=1e-12)


def test_the_documents_own_numbers_are_followed_with_pins(oracle, sym):
    """A wrong ∂L/∂a_2 = 1 claimed at line 20 carries to ∂L/∂w_2 and ∂L/∂w_1."""
    claims = {("adjoint", sym["a_2"]): Claim(sp.Float(1, 30), 20)}
    a2 = truth(A2)
    local = a2 * (1 - a2)  # σ'(z_2), by hand
    w1, w2 = ("adjoint", sym["w_1"]), ("adjoint", sym["w_2"])
    assert float(oracle.following(w2, claims)) == pytest.approx(1 * local * 0.5, rel=1e-12)
    assert float(oracle.following(w1, claims)) == pytest.approx(1 * local * 0.5 * 1 * 1, rel=1e-12)
    assert oracle.roots(w2, claims) == oracle.roots(w1, claims) == {20}
    claims[w2] = Claim(sp.Float(3, 30), 26)  # not on w_1's path
    assert oracle.roots(w1, claims) == {20} and oracle.roots(w2, claims) == {26}
    z1 = ("value", sym["z_1"])
    assert oracle.following(z1, claims) == HALF and oracle.roots(z1, claims) == set()


def test_derivation_at_pinned_recomputes_downstream(net, sym):
    ev = derive(net).at(pinned={("value", sym["z_1"]): sp.Float(2, 30)}).evaluation
    s1 = _sigmoid(sp.Integer(1))  # a_1 = relu(2) = 2, z_2 = 2 * 0.5 = 1
    assert float(ev.values[sym["a_2"]]) == pytest.approx(float(s1), rel=1e-12)
    expected = (s1 - 0) * s1 * (1 - s1) * 2  # dL/da_2 · σ'(z_2) · a_1
    assert float(ev.adjoints[sym["w_2"]]) == pytest.approx(float(expected), rel=1e-12)
    assert ev.values[sym["w_1"]] == HALF  # leaves are untouched


# ------------------------------------------------------------------ report


@pytest.fixture(scope="module")
def bce_report():
    return verify(FIXTURES / "bce_walkthrough.md")


def test_statuses_and_kinds_are_enums_that_read_as_words(bce_report):
    data = bce_report.to_dict()
    statuses = [f["status"] for f in data["findings"]]
    assert all(isinstance(s, Status) for s in statuses)
    assert Status.WRONG in statuses and "wrong" in statuses
    assert all(isinstance(f["kind"], Kind) for f in data["findings"])
    assert str(Status.NOT_CHECKED) == "not checked" and f"{Kind.UPDATE}" == "update"
    assert set(data["counts"]) == {"ok", "wrong", "not checked"}
    plain = json.loads(bce_report.to_json())
    assert {f["status"] for f in plain["findings"]} == {"ok", "wrong"}


def test_a_finding_holds_an_expression_and_a_number_not_latex(bce_report):
    first = bce_report.first_error
    correction = first.correction
    assert isinstance(correction, Expected) and isinstance(correction.formula, Formula)
    a, y = sp.symbols("a_2 y", real=True)
    num, den = correction.formula.expr, correction.formula.denominator
    dl_da2 = sp.diff(-(y * sp.log(a) + (1 - y) * sp.log(1 - a)), a)
    assert sp.simplify(num / den - dl_da2) == 0
    a2 = truth(A2)
    assert float(correction.number.value) == pytest.approx(1 / (1 - a2), rel=1e-12)
    assert correction in first.explanation  # the message is laid out from the data, in output/


def test_report_module_never_imports_output():
    tree = ast.parse(Path(report_module.__file__).read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if "output" in m]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("x is ", Number(sp.Rational(1, 3), 4)), "x is 0.3333"),
        ((Formula(sp.Symbol("w1"), names={sp.Symbol("w1"): "w^{(1)}"}),), "w^{(1)}"),
        ((Formula(sp.Symbol("a"), sp.Symbol("b")),), "\\frac{a}{b}"),
        ((Expected(Formula(sp.Symbol("a")), Number(sp.Rational(2, 3), 3)),), "a \\approx 0.667"),
        ((Expected(Formula(sp.Symbol("a")), Number(sp.Rational(1, 2), 3)),), "a = 0.5"),  # exact: no ≈
        ((Expected(None, Number(sp.Rational(2, 3), 3)),), "0.667"),
    ],
    ids=[
        "number",
        "spelled-name",
        "fraction",
        "formula-and-number",
        "formula-and-exact-number",
        "number-only",
    ],
)
def test_explanations_are_presented_by_output(parts, expected):
    assert text(parts) == expected


# ---------------------------------------------------------------- textbook


def test_tidy_leads_each_factor_with_a_positive_term():
    a, y = sp.symbols("a y", real=True)
    num, den = tidy((y - a) / (a * (a - 1)))
    assert str(num) == "a - y" and sp.expand(den - a * (1 - a)) == 0
    assert str(tidy(-2 * (y - a))) == "2*(a - y)"


# ------------------------------------- the document's network and point (issue 13, section 3)

_NEURON_BODY = """
$$z = w x + b$$

$$a = \\sigma(z) \\approx 0.6225$$

$$L = \\frac{1}{2}(a - y)^2 \\approx 0.0713$$

$$\\frac{\\partial L}{\\partial w} = (a - y) \\, a (1 - a) \\, x \\approx -0.0444$$

$$w^{+} = w - \\eta \\frac{\\partial L}{\\partial w} = 0.8 - 0.5 \\cdot (-0.0444) = 0.8222$$
"""

#: The same point (x = 0.5, w = 0.8, b = 0.1, y = 1, η = 0.5), stated in each common way.
_STATED = {
    "math": "With $x = 0.5$, $w = 0.8$, $b = 0.1$, $y = 1$ and $\\eta = 0.5$.\n",
    "inline-code": "With `x = 0.5`, `w = 0.8`, `b = 0.1`, `y = 1` and `eta = 0.5`.\n",
    "prose": "The weight is w = 0.8 and the bias b = 0.1. "
    "With input 0.5 and target 1, the learning rate is 0.5.\n",
    "table": "| name | value |\n|---|---|\n| x | 0.5 |\n| w | 0.8 |\n| b | 0.1 |\n| y | 1 |\n"
    "| $\\eta$ | 0.5 |\n",
    "list": "- x: 0.5\n- w: 0.8\n- b: 0.1\n- y: 1\n- learning rate: 0.5\n",
    "code-block": "```\nx = 0.5\nw = 0.8\nb = 0.1\ny = 1\nη = 0.5\n```\n",
}


def _neuron_truth() -> dict[str, float]:
    a = 1 / (1 + sp.exp(-sp.Rational(1, 2)))  # z = 0.8 * 0.5 + 0.1
    dw = (a - 1) * a * (1 - a) * sp.Rational(1, 2)
    return {
        "a": float(a),
        "L": float((a - 1) ** 2 / 2),
        "dw": float(dw),
        "w+": float(sp.Rational(4, 5) - dw / 2),
    }


def test_the_neuron_document_is_right_by_sympy():
    t = _neuron_truth()
    assert (round(t["a"], 4), round(t["L"], 4), round(t["dw"], 4), round(t["w+"], 4)) == (
        0.6225,
        0.0713,
        -0.0444,
        0.8222,
    )


@pytest.mark.parametrize("way", list(_STATED), ids=list(_STATED))
def test_values_stated_in_any_common_way_make_the_point(way):
    text = _STATED[way] + _NEURON_BODY
    report = verify("neuron.md", text=text, format="md")
    claims = [f for f in report.findings if f.checked]
    assert len(claims) == 4 and all(f.verdict == "holds" for f in claims), report.table()
    line = next(i for i, s in enumerate(text.split("\n"), start=1) if "0.6225" in s)
    slip = verify("neuron.md", text=text.replace("\\approx 0.6225", "\\approx 0.7034"), format="md")
    assert [f.line for f in slip.findings if f.status == "wrong"][:1] == [line]


def test_a_value_line_is_not_mistaken_for_a_definition():
    text = "$$h_1 = \\sigma(0.9) = 0.711$$\n\n$$h_1 = \\sigma(0.9) = 0.811$$\n"
    doc = read_document(text, "md")
    statements = read_statements(doc)
    names = Names(None)
    parse_all(statements, names, _functions())
    assert infer_network(statements, names, doc).network is None  # nothing is defined
    report = verify("v.md", text=text, format="md")
    assert [f.verdict for f in report.findings] == ["holds", "wrong"]  # checked as arithmetic


def test_one_quantity_written_two_ways():
    text = (
        "With `x = 0.5`, `w = 0.8`, `b = 0.1`, `y = 1`.\n\n$$z = w x + b$$\n\n$$o_1 = \\sigma(z)$$\n\n"
        "$$output_1 = o_1$$\n\n$$L = \\frac{1}{2}(output_1 - y)^2$$\n\n$$output_1 \\approx 0.6225$$\n\n"
        "$$o_1 \\approx 0.7$$\n"
    )
    report = verify("o.md", text=text, format="md")
    assert [(f.line, f.verdict) for f in report.findings if f.checked] == [(11, "holds"), (13, "wrong")]
    assert "0.622" in report.findings[-1].message


@pytest.mark.parametrize(
    ("definition", "claim", "verdict"),
    [
        ("L(w)=w^2-4w+5", "L(2)=1", "holds"),  # 4 - 8 + 5 = 1, by hand
        ("L(w)=w^2-4w+5", "L(2)=1.2", "wrong"),
        ("L(w)=(w-3)^2+1", "L(-1.5)=21.25", "holds"),  # 20.25 + 1
        ("L(w)=w^2 + w_1", "L(2)=1", "not checked"),  # w_1 is another name: not sure
        ("L(w)=w^2", "f(2)=4", "not checked"),  # f is not defined
    ],
    ids=["value", "slip", "negative-argument", "another-name-with-the-letter", "unknown-function"],
)
def test_a_function_the_document_defines_is_read_at_a_number(definition, claim, verdict):
    text = f"$$\n{definition}\n$$\n\nso\n\n$$\n{claim}\n$$\n"
    report = verify("f.md", text=text, format="md")
    assert [f.verdict for f in report.findings if f.line == 8] == [verdict]


def test_a_quantity_stated_by_value_and_differentiated_is_not_an_input():
    """``E_2 = 0.3`` and then ``∂E_2/∂w``: E_2 is computed somewhere the document does not show, so
    its derivative is not 0 (as it would be for an input) but unknown: not checked, never wrong."""
    text = (
        "Inputs $x = 2$, $w = 0.5$, target $t = 3$.\n\n$y = w x$\n\n$E_1 = \\frac{1}{2}(t - y)^2$\n\n"
        "$E_2 = 0.3$\n\n$E = E_1 + E_2$\n\n$\\frac{\\partial E_2}{\\partial w} = 0.7$\n"
    )
    report = verify("e.md", text=text, format="md")
    assert [f.verdict for f in report.findings if f.line == 11] == ["not checked"]
    assert "E_2" in report.findings[-1].message
    assert not [f for f in report.findings if f.status == "wrong"]


@pytest.mark.parametrize(
    "spelling",
    ["w^{+} = w - ", "w := w - ", "w \\leftarrow w - ", "w^{(new)} = w - "],
    ids=["plus", "colon-equals", "leftarrow", "new"],
)
def test_updates_in_every_spelling(spelling):
    text = _STATED["inline-code"] + _NEURON_BODY.replace("w^{+} = w - ", spelling)
    report = verify("u.md", text=text, format="md")
    update = report.findings[-1]
    assert update.verdict == "holds" and update.kind == "update", update.message
    wrong = verify("u.md", text=text.replace("= 0.8222", "= 0.9304"), format="md").findings[-1]
    assert wrong.status == "wrong"


def test_a_forward_pass_after_the_update_is_judged_at_the_updated_point():
    w_new = sp.Rational(1, 2) - sp.Rational(1, 10) * _tiny_dw()
    a_new = 1 / (1 + sp.exp(-w_new))  # x = 1
    assert round(float(w_new), 5) == 0.48537 and round(float(a_new), 4) == 0.6190
    text = (
        "Values `x = 1.0`, `y = 0.0`, `w = 0.5`, and the learning rate is 0.1.\n\n$$z = w x$$\n\n"
        "$$a = \\sigma(z) \\approx 0.6225$$\n\n$$L = \\frac{1}{2}(a - y)^2$$\n\n"
        "$$\\frac{\\partial L}{\\partial w} = (a - y) a (1 - a) x \\approx 0.1463$$\n\n"
        "$$w^{+} = w - \\eta \\frac{\\partial L}{\\partial w} = 0.5 - 0.1 \\cdot 0.1463 = 0.48537$$\n\n"
        "After one step the forward pass gives:\n\n$$a = \\sigma(0.48537) \\approx 0.6190$$\n"
    )
    assert verify("s.md", text=text, format="md").findings[-1].verdict == "holds"
    stale = text.replace("\\sigma(0.48537) \\approx 0.6190", "\\sigma(z) \\approx 0.6225")
    assert verify("s.md", text=stale, format="md").findings[-1].status == "wrong"


def _tiny_dw() -> sp.Expr:
    a = 1 / (1 + sp.exp(-sp.Rational(1, 2)))
    return a * a * (1 - a)


@pytest.mark.parametrize(
    ("definition", "right", "wrong"),
    [
        (
            "-\\frac{\\partial L}{\\partial z}",
            "(y - a) a (1 - a) \\approx 0.0887",
            "(a - y) a (1 - a) \\approx -0.0887",
        ),
        (
            "\\frac{\\partial L}{\\partial z}",
            "(a - y) a (1 - a) \\approx -0.0887",
            "(y - a) a (1 - a) \\approx 0.0887",
        ),
    ],
    ids=["minus-convention", "plus-convention"],
)
def test_delta_is_judged_under_the_documents_own_sign_convention(definition, right, wrong):
    a = 1 / (1 + sp.exp(-sp.Rational(1, 2)))
    assert round(float((a - 1) * a * (1 - a)), 4) == -0.0887
    text = (
        "With `x = 0.5`, `w = 0.8`, `b = 0.1`, `y = 1`.\n\n$$z = w x + b$$\n\n$$a = \\sigma(z)$$\n\n"
        f"$$L = \\frac{{1}}{{2}}(a - y)^2$$\n\n$$\\delta = {definition}$$\n\n"
        f"$$\\delta = {right}$$\n\n$$\\delta = {wrong}$$\n"
    )
    report = verify("d.md", text=text, format="md")
    assert [f.verdict for f in report.findings[-2:]] == ["holds", "wrong"]
    assert report.findings[-1].mistake == "wrong-sign"


def test_a_family_of_shorthands_by_index():
    text = (
        "With `x = 0.5`, `w = 0.8`, `b = 0.1`, `y = 1`.\n\n$$z = w x + b$$\n\n$$a = \\sigma(z)$$\n\n"
        "$$L = \\frac{1}{2}(a - y)^2$$\n\n"
        "We write $\\delta_n = \\frac{\\partial L}{\\partial n}$ for every node.\n\n"
        "$$\\delta_a = a - y \\approx -0.3775$$\n\n"
        "$$\\delta_z = \\delta_a \\cdot a (1 - a) \\approx -0.0887$$\n\n"
        "$$\\delta_z = \\delta_a \\approx -0.3775$$\n"
    )
    report = verify("f.md", text=text, format="md")
    assert [f.verdict for f in report.findings[-3:]] == ["holds", "holds", "wrong"]
    assert report.findings[-1].expected.startswith("\\delta_a a \\left(1 - a\\right)")


def test_substituted_numbers_give_the_weights():
    """net = w_1 i_1 + w_2 i_2 + b·1 = 0.15·0.05 + 0.2·0.1 + 0.35·1: the weights are read off."""
    text = (
        "Given inputs 0.05 and 0.10, and the target 0.01.\n\n"
        "$$net = w_1 i_1 + w_2 i_2 + b \\cdot 1 "
        "= 0.15 \\cdot 0.05 + 0.2 \\cdot 0.1 + 0.35 \\cdot 1 = 0.3775$$\n\n"
        "$$out = \\sigma(net) \\approx 0.5933$$\n\n$$E = \\frac{1}{2}(t - out)^2$$\n\n"
        "$$\\frac{\\partial E}{\\partial w_1} = (out - t) \\, out (1 - out) \\, i_1 \\approx 0.0070$$\n"
    )
    out = 1 / (1 + sp.exp(-sp.Rational(3775, 10000)))
    assert round(float((out - sp.Rational(1, 100)) * out * (1 - out) / 20), 4) == 0.0070
    report = verify("n.md", text=text, format="md")
    assert [f.verdict for f in report.findings if f.checked] == ["holds"] * 3
    assert verify("n.md", text=text.replace("0.0070", "0.0079"), format="md").findings[-1].status == "wrong"


def test_an_exercise_sheet_is_judged_exercise_by_exercise():
    text = (
        "# Exercises\n\n## Exercise 1\n\n$$y = (3x + 1)^2$$\n\nLet $u = 3x + 1$, so $y = u^2$.\n\n"
        "$$\\frac{dy}{dx} = \\frac{dy}{du} \\cdot \\frac{du}{dx} = 2u \\cdot 3 = 6(3x + 1)$$\n\n"
        "## Exercise 2\n\n$$y = \\sigma(2x - 1)$$\n\n"
        "$$\\frac{dy}{dx} = 2 \\sigma(2x - 1)(1 - \\sigma(2x - 1))$$\n"
    )
    report = verify("e.md", text=text, format="md")
    assert not [f for f in report.findings if f.status == "wrong"], report.table()
    assert [f.verdict for f in report.findings if f.checked] == ["holds", "holds"]


# ------------------------------------------------- numbers in prose after other words

PROSE_AFTER_AN_EQUATION = [
    ("$w_1 = w_2 = 0.5$, learning rate $0.1$, and input $x = 2$.", "0.1", "learning-rate-in-math"),
    ("$w_1 = 0.5$ and the learning rate is 0.1.", "0.1", "learning-rate-in-words"),
    ("$w_1 = 0.5$, learning rate $= 0.1$.", None, "relation-in-prose"),
]


@pytest.mark.parametrize(
    ("line", "rate"), [c[:2] for c in PROSE_AFTER_AN_EQUATION], ids=[c[2] for c in PROSE_AFTER_AN_EQUATION]
)
def test_a_number_after_other_words_is_not_the_previous_names_value(line, rate):
    text = f"# Example\n\n{line}\n\n$$y = w_1 \\cdot 2$$\n\n$$y = 0.5 \\cdot 2 = 1$$\n"
    report = verify("doc.md", text=text)
    assert not [f for f in report.findings if f.status is Status.WRONG]
    assert not [f for f in report.findings if f.subject == "w_1" and "0.1" in f.source]
    doc = read_document(text, "md")
    assert (doc.learning_rate[0] if doc.learning_rate else None) == rate


@pytest.mark.parametrize(
    ("chain", "status"),
    [
        (r"y = F(0.5) = \frac{1}{1+e^{-0.5}} \approx 0.6225", Status.OK),  # 0.62245933... (by hand)
        (r"y = F(0.5) = \frac{1}{1+e^{-0.5}} \approx 0.6525", Status.WRONG),
        (r"y = \frac{1}{1+e^{-0.5}} \approx F(0.5)", Status.NOT_CHECKED),  # the last side: nothing to skip to
    ],
    ids=["middle-side-skipped-holds", "middle-side-skipped-wrong", "last-side-unreadable"],
)
def test_an_unreadable_side_in_the_middle_of_a_chain_is_left_out(chain, status):
    report = verify("doc.md", text=f"# F\n\n$${chain}$$\n")
    assert {f.status for f in report.findings} == {status}
    statements = read_statements(read_document(f"$${chain}$$", "md"))
    parse_all(statements, Names(None), {})
    if status is not Status.NOT_CHECKED:
        assert [side for side, _ in statements[0].unread] == ["F(0.5)"]
        assert "F(0.5)" not in statements[0].sides


@pytest.mark.parametrize(
    ("first", "rest", "name"),
    [
        ("f(w)", ["3w^2+2w-1"], "f"),
        ("L(w_1,w_2)", ["(3-2w_1-w_2)^2"], "L"),
        ("L(2)", ["1"], None),  # a value at a point: stays as written
        ("f(x)", ["3w"], None),  # the argument is not used: not a definition of f
        ("L(w)", ["(y-wx)^2"], "L"),  # juxtaposed: w x
        ("f_a(x)", ["ax"], None),  # a family of functions, then called f: not read
        ("g(w_1)", ["w_{12}"], None),  # w_{12} is not w_1
    ],
    ids=[
        "one-argument",
        "two-arguments",
        "value-at-a-point",
        "unused-argument",
        "juxtaposed",
        "family",
        "w12",
    ],
)
def test_a_function_written_with_its_arguments_defines_its_name(first, rest, name):
    statements = read_statements(read_document(f"$${first} = {rest[0]}$$", "md"))
    assert statements[0].sides[0] == (name or first)
    assert statements[0].function == (name is not None)


def test_derivatives_of_functions_defined_one_after_another():
    # d/dw of 3w^2 + 2w - 1 is 6w + 2; of (5 - 2w)^2 it is -4(5 - 2w) (by hand); the second f is
    # another example, not a contradiction of the first
    text = (
        "$$f(w)=3w^2+2w-1$$\n\n$$\\frac{df}{dw}=6w+2$$\n\n"
        "$$f(w)=(5-2w)^2 \\hspace{1em} \\frac{df}{dw}=-4(5-2w)$$\n\n$$\\frac{df}{dw}=8w+20$$\n"
    )
    report = verify("doc.md", text=text)
    verdicts = [(f.line, f.status) for f in report.findings if f.kind is not Kind.DEFINITION]
    assert verdicts == [(3, Status.OK), (5, Status.OK), (7, Status.WRONG)]


@pytest.mark.parametrize(
    "text",
    [
        "$$a =" + " " * 9000 + "x, b = 1$$",  # givens of several examples
        "$$a \\\\\n" + " " * 9000 + "x$$",  # a row of only a relation
        "$$f(w_" + "a" * 9000 + " = 1$$",  # a function's arguments
        "$$" + "x = 1, " * 1200 + "y = 2$$",
    ],
    ids=["spaces-after-equals", "spaces-in-a-row", "long-argument", "many-givens"],
)
def test_rows_and_sides_are_read_in_bounded_work(text):
    start = time.process_time()
    rows(read_document(text, "md"))  # cuts rows, finds givens and function names
    assert time.process_time() - start < 2.0


@pytest.mark.parametrize(
    ("gradient", "status"),
    [(r"(out - y) \, a (1 - a) x", Status.OK), (r"(out - y) x", Status.WRONG)],
    ids=["right", "sigmoid-derivative-dropped"],
)
def test_a_loss_written_through_another_name_of_a_node(gradient, status):
    # out = a only renames a; L = (out - y)^2 / 2 is still the loss of the network, so
    # dL/dw = (a - y) a (1 - a) x (sympy.diff of (sigmoid(w x) - y)^2 / 2, by hand)
    text = (
        "`x = 1`, `w = 0.5`, `y = 0`\n\n$$z = w x$$\n\n$$a = \\sigma(z)$$\n\n$$out = a$$\n\n"
        f"$$L = \\frac{{1}}{{2}}(out - y)^2$$\n\n$$\\frac{{\\partial L}}{{\\partial w}} = {gradient}$$\n"
    )
    report = verify("doc.md", text=text)
    assert [f.status for f in report.findings if f.line == 11] == [status]


def test_a_defined_function_with_its_own_arguments_is_its_value_at_the_point():
    # f(x, y) = xy at x = 4, y = -3 is -12 (by hand): "f(x,y) = -13.5" is a wrong value of f,
    # not an unreadable tuple and not a new definition
    text = "$$f(x,y) = x y$$\n\nIf $x = 4, y = -3$ then $f(x,y) = -13.5$ and $f(x,y) = -12$.\n"
    report = verify("doc.md", text=text)
    claims = [(f.source, f.status) for f in report.findings if f.source.startswith("f(x,y) = -1")]
    assert claims == [("f(x,y) = -13.5", Status.WRONG), ("f(x,y) = -12", Status.OK)]
