"""Exact arithmetic end to end, kinks, numbers as a careful author writes them, textbook forms.

Every expected number here comes from an independent route: SymPy Rationals by
hand, mpmath, or arithmetic on the numbers as printed; never from the code under test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy
from conftest import EXAMPLES, ROOT

from symbackprop import check, derive, verify
from symbackprop.core.arithmetic import compiled
from symbackprop.core.functions import leaky_relu, relu, sigmoid, softmax, step
from symbackprop.notation.spec import load_spec, loads_spec
from symbackprop.output.printing import latex, symbol_latex
from symbackprop.output.walkthrough import render, walkthrough_context

# ----------------------------------------------------------------- specs that hit exact zeros

KINK_SPEC = """
title = "ReLU at its kink"
[inputs]
x_1 = 0.5
x_2 = -1.0
[targets]
y = 1.0
[parameters]
b = 0.1
w_1 = 0.4
w_2 = 0.3
v = 0.5
[network]
z_1 = "b + w_1 * x_1 + w_2 * x_2"
a_1 = "relu(z_1)"
z_2 = "v * a_1"
L = "half_squared_error(z_2, y)"
[training]
learning_rate = 0.1
{options}
"""

#: Specs whose marked node is exactly zero at the point (by hand, in Rationals): name, spec, node.
ZERO_SPECS = [
    ("affine", KINK_SPEC.format(options=""), "z_1"),  # 1/10 + 2/5·1/2 + 3/10·(−1) = 0
    (
        "difference",
        "[inputs]\nx = 0.7\n[targets]\ny = 0.21\n[parameters]\nw = 0.3\n"
        '[network]\nd = "w * x - y"\nL = "d ** 2"\n',
        "d",
    ),  # 3/10·7/10 − 21/100 = 0
    (
        "dataset",
        "[inputs]\nx = 0.2\n[targets]\ny = 0.0\n[parameters]\nw = 0.3\nc = -0.06\n"
        '[network]\nz = "w * x + c"\nL = "half_squared_error(z, y)"\n[training]\nlearning_rate = 0.5\n'
        "[dataset]\nexamples = [{x = 0.2, y = 0.0}, {x = 0.1, y = 0.03}]\n",
        "z",
    ),  # 3/10·1/5 − 3/50 = 0
]


def _by_hand(spec: str, node: str) -> sympy.Expr:
    """The node's value with SymPy Rationals, from the inlined expression (an independent route)."""
    net = loads_spec(spec)
    sym = net.symbol(node)
    return net.inlined(sym).xreplace({s: sympy.Rational(str(v)) for s, v in net.values.items()})


@pytest.mark.parametrize(("name", "spec", "node"), ZERO_SPECS, ids=[z[0] for z in ZERO_SPECS])
def test_an_exact_zero_prints_0_everywhere(name, spec, node):
    assert _by_hand(spec, node) == 0
    net = loads_spec(spec)
    d = derive(net)
    value = d.evaluation.values[net.symbol(node)]
    assert value == 0 and isinstance(value, sympy.Rational)  # exact, not 1e-32
    context = walkthrough_context(d)
    row = next(r for r in context["forward"] + [context["loss"]] if r["name"] == node)
    assert (row["value"]["text"], row["value"]["rel"]) == ("0", "=")
    for fmt in ("md", "tex"):
        out = render(d, fmt)
        assert "10^{-" not in out and "e-3" not in out, fmt  # no 30-digit noise anywhere
    if net.dataset is not None:
        first = context["dataset"]["columns"][0]
        assert context["dataset"]["rows"][0]["per_example"][0]["text"] == "0"  # ∂L/∂w at z = 0
        assert first["loss"]["text"] == "0"


def test_decimal_literals_are_read_exactly():
    net = loads_spec(KINK_SPEC.format(options=""))
    assert net.values[net.symbol("b")] == sympy.Rational(1, 10)
    d = derive(net)
    assert d.evaluation.values[net.symbol("L")] == sympy.Rational(1, 2)  # ½(0 − 1)², exact


# ----------------------------------------------------------------- kinks


@pytest.mark.parametrize(
    ("options", "slope", "expected"),
    [
        ("", 0, sympy.Integer(0)),
        ("[options]\nrelu_at_zero = 1", 1, sympy.Rational(-1, 4)),  # (z_2 − y)·v·1·x_1 = (−1)(1/2)(1/2)
    ],
    ids=["relu'(0)=0", "relu'(0)=1"],
)
def test_derive_check_walkthrough_and_verify_agree_at_a_kink(options, slope, expected):
    net = loads_spec(KINK_SPEC.format(options=options))
    d = derive(net)
    w_1 = net.symbol("w_1")
    assert d.evaluation.adjoints[w_1] == expected
    kinks = d.evaluation.kink_points
    assert [(k.node.name, str(k.condition), k.convention) for k in kinks] == [
        ("a_1", "z_1", f"ReLU'(0) = {slope}")
    ]
    rows = {r.name: r for r in check(net).rows}
    assert rows["w_1"].symbolic == float(expected)  # the check's symbolic column, on the same side
    assert rows["w_1"].ok is None and "kink" in rows["w_1"].verdict
    context = walkthrough_context(d)
    local = next(row for b in context["backward"] for row in b["local"] if row["of"] == "a_{1}")
    assert "kink" in local["note"] and f"ReLU'(0) = {slope} by convention" in local["note"]
    assert context["kinks"][0]["convention"] == f"ReLU'(0) = {slope}"
    report = verify("kink.md", text=render(d, "md", sections=["forward", "loss", "backward"]), spec=net)
    assert report.ok, [f for f in report.findings if f.status == "wrong"]


# ----------------------------------------------------------------- the arithmetic


def _run(expr, **values):
    env = {sympy.Symbol(k): Fraction(v) for k, v in values.items()}
    return compiled(expr)(env)


z, h = sympy.symbols("z h")

EXACT = [
    ("exp(0)", sympy.exp(z), {"z": 0}, Fraction(1)),
    ("log(1)", sympy.log(z), {"z": 1}, Fraction(0)),
    ("sigmoid(0)", sigmoid(z), {"z": 0}, Fraction(1, 2)),
    ("tanh(0)", sympy.tanh(z), {"z": 0}, Fraction(0)),
    ("sqrt(4/9)", sympy.sqrt(z), {"z": Fraction(4, 9)}, Fraction(2, 3)),
    ("power", z**3 / 2, {"z": Fraction(-1, 10)}, Fraction(-1, 2000)),
    ("relu", relu(z), {"z": Fraction(-3, 10)}, Fraction(0)),
    ("step at 0", step(z, 0), {"z": 0}, Fraction(0)),
    ("leaky", leaky_relu(z), {"z": Fraction(-1, 2)}, Fraction(-1, 200)),
    ("max", sympy.Max(z, h), {"z": Fraction(1, 3), "h": Fraction(1, 4)}, Fraction(1, 3)),
    ("abs", sympy.Abs(z), {"z": Fraction(-7, 10)}, Fraction(7, 10)),
    ("softmax of equal logits", softmax(2, z, z, z), {"z": Fraction(3, 10)}, Fraction(1, 3)),
    ("zero times a log", z * sympy.log(h), {"z": 0, "h": Fraction(1, 2)}, Fraction(0)),
]


@pytest.mark.parametrize(("name", "expr", "values", "expected"), EXACT, ids=[e[0] for e in EXACT])
def test_what_can_be_exact_stays_exact(name, expr, values, expected):
    value = _run(expr, **values)
    assert isinstance(value, Fraction) and value == expected


TRANSCENDENTAL = [
    ("sigmoid", sigmoid(z), {"z": Fraction(1, 4)}, lambda: 1 / (1 + mpmath.exp(mpmath.mpf(-1) / 4))),
    ("sqrt(2)", sympy.sqrt(z), {"z": 2}, lambda: mpmath.sqrt(2)),
    ("log", sympy.log(z), {"z": Fraction(3, 10)}, lambda: mpmath.log(mpmath.mpf(3) / 10)),
    ("tanh", sympy.tanh(z), {"z": Fraction(-1, 2)}, lambda: mpmath.tanh(mpmath.mpf(-1) / 2)),
]


@pytest.mark.parametrize(
    ("name", "expr", "values", "oracle"), TRANSCENDENTAL, ids=[t[0] for t in TRANSCENDENTAL]
)
def test_transcendental_values_carry_30_digits(name, expr, values, oracle):
    with mpmath.workdps(40):
        expected = oracle()
        value = _run(expr, **values)
        assert not isinstance(value, Fraction)
        assert abs(mpmath.mpf(value) - expected) <= mpmath.mpf(10) ** -30 * abs(expected)


# ----------------------------------------------------------------- numbers a reader can check

_NUMBER = r"(?:\\left\()?(-?\d+(?:\.\d+)?)(?:\\right\))?"


def _numbers(text: str) -> list[Decimal]:
    return [Decimal(n) for n in re.findall(_NUMBER, text)]


def _evaluate_products(text: str) -> Decimal | None:
    """``a \\cdot b + c \\cdot d - e`` with numbers only, evaluated by hand; None for anything else."""
    if re.search(r"[a-zA-Z]", text.replace(r"\left(", "").replace(r"\right)", "").replace(r"\cdot", "")):
        return None
    total = Decimal(0)
    for sign, term in re.findall(r"(^|\s[+-]\s)((?:(?!\s[+-]\s).)+)", text):
        product = Decimal(1)
        for factor in term.split(r"\cdot"):
            (n,) = _numbers(factor)
            product *= n
        total += -product if sign.strip() == "-" else product
    return total


def _gives(computed: Decimal, shown: dict) -> bool:
    target = Decimal(shown["text"])
    if shown["exact"]:
        return computed == target
    return computed.quantize(target, rounding=ROUND_HALF_EVEN) == target


CASES = [
    (stem, rounding, digits)
    for stem in ("tiny", "two_layer", "xor", "softmax", "neuron")
    for rounding, digits in (("exact", 4), ("hand", 3), ("hand", 4))
]


@pytest.mark.parametrize(("stem", "rounding", "digits"), CASES, ids=[f"{c[0]}-{c[1]}{c[2]}" for c in CASES])
def test_every_substituted_product_line_reproduces_its_shown_result(stem, rounding, digits):
    context = walkthrough_context(load_spec(EXAMPLES / f"{stem}.toml"), rounding=rounding, digits=digits)
    lines = [(b["factors"], b["value"]) for b in context["backward"] if b["leibniz"]]
    if context["update"]:
        lines += [
            (r["substituted"].replace(" - ", " + -1 \\cdot ", 1), r["new"]) for r in context["update"]["rows"]
        ]
    checked = 0
    for text, value in lines:
        computed = _evaluate_products(text)
        if computed is not None:
            assert _gives(computed, value), (text, value)
            checked += 1
    assert checked >= 2


def test_two_layer_line_that_did_not_reproduce_now_does():
    context = walkthrough_context(load_spec(EXAMPLES / "two_layer.toml"))
    w_1 = next(b for b in context["backward"] if b["name"] == "w_1")
    assert w_1["factors"] == r"0.008771 \cdot 0.05" and w_1["value"]["text"] == "0.0004386"  # not 0.0088·0.05


def test_hand_rounding_marks_every_rounded_value():
    spec = (
        "[inputs]\nx = 1.511\n[targets]\ny = 0.0\n[parameters]\nw = 1.0\n"
        '[network]\nz = "w * x * x"\nL = "half_squared_error(z, y)"\n'
    )
    context = walkthrough_context(loads_spec(spec), rounding="hand", digits=3)
    z_row = context["forward"][0]
    assert z_row["value"]["text"] == "2.283" and z_row["value"]["rel"] == r"\approx"  # 2.283121 by hand


def test_one_precision_per_dataset_column():
    context = walkthrough_context(load_spec(EXAMPLES / "xor.toml"))
    data = context["dataset"]
    columns = [
        [c["loss"]] + [r["per_example"][i] for r in data["rows"]] for i, c in enumerate(data["columns"])
    ]
    columns.append([data["loss"]] + [r["reduced"] for r in data["rows"]])
    for cells in columns:
        places = {len(c["text"].split(".")[1]) for c in cells if not c["exact"] and "." in c["text"]}
        assert len(places) <= 1, cells


# ----------------------------------------------------------------- names and forms

NAMES = [
    ("w1_2_1", "w^{(1)}_{21}"),
    ("b1_2", "b^{(1)}_{2}"),
    ("a2_10_3", "a^{(2)}_{10,3}"),
    ("z3_1", "z^{(3)}_{1}"),
    ("w1", "w_{1}"),
    ("y_hat", r"\hat{y}"),
    ("y_1_hat", r"\hat{y_{1}}"),
    ("w_1_2", "w_{1,2}"),
    ("net_h1", r"\mathrm{net}_{\mathrm{h1}}"),
    ("E_total", r"E_{\mathrm{total}}"),
    ("beta", r"\beta"),
]


@pytest.mark.parametrize(("name", "expected"), NAMES, ids=[n[0] for n in NAMES])
def test_names_print_by_convention(name, expected):
    assert symbol_latex(name) == expected


def test_the_latex_table_is_for_exceptions():
    spec = (
        "[inputs]\nx = 1.0\n[targets]\ny = 0.0\n[parameters]\nw1_2_1 = 0.5\n"
        '[network]\nL = "(w1_2_1 * x - y) ** 2"\n[latex]\nw1_2_1 = "\\\\theta"\n'
    )
    assert r"\theta" in render(loads_spec(spec), "md", sections=["setup"])


@pytest.mark.parametrize(
    ("rhs", "printed"),
    [("b + w * x", r"b + w \cdot x"), ("w * x + b", r"w \cdot x + b"), ("x * w - b", r"x \cdot w - b")],
    ids=["bias-first", "bias-last", "product-order"],
)
def test_terms_keep_the_order_of_the_definition(rhs, printed):
    spec = (
        "[inputs]\nx = 1.0\n[targets]\ny = 0.0\n[parameters]\nw = 0.5\nb = 0.1\n"
        f'[network]\nz = "{rhs}"\nL = "(z - y) ** 2"\n'
    )
    context = walkthrough_context(loads_spec(spec))
    assert context["setup"]["definitions"][0]["rhs"] == printed


def test_backward_runs_layer_by_layer_in_definition_order():
    context = walkthrough_context(load_spec(EXAMPLES / "two_layer.toml"))
    names = [b["name"] for b in context["backward"]]
    assert names.index("out_o1") < names.index("out_o2") < names.index("out_h1") < names.index("out_h2")


def test_no_doubled_parentheses_around_a_negative_argument():
    out = render(load_spec(EXAMPLES / "xor.toml"), "md", sections=["forward"])
    assert r"\sigma\left(-0.2\right)" in out and r"\left(\left(" not in out


SCE = """
[inputs]
x = 1.0
[targets]
y_1 = {y1}
y_2 = 0.0
y_3 = 1.0
[parameters]
w_1 = 0.2
w_2 = -0.3
w_3 = 0.5
[network]
z_1 = "w_1 * x"
z_2 = "w_2 * x"
z_3 = "w_3 * x"
L = "softmax_cross_entropy(z_1, z_2, z_3, y_1, y_2, y_3)"
"""


@pytest.mark.parametrize(("y1", "textbook"), [("0.0", True), ("0.5", False)], ids=["one-hot", "sum-1.5"])
def test_softmax_cross_entropy_shows_p_minus_y_only_when_targets_sum_to_1(y1, textbook):
    context = walkthrough_context(loads_spec(SCE.format(y1=y1)))
    step = next(b for b in context["backward"] if b["name"] == "z_3")
    if textbook:
        assert step["general"] == r"\operatorname{softmax}_{3}\left(z_{1}, z_{2}, z_{3}\right) - y_{3}"
        assert "p_{3} - y_{3}" in step["note"]
    else:
        assert step["general"].startswith(r"\left(y_{1} + y_{2} + y_{3}\right) \cdot")
        assert r"\neq 1" in step["note"]
    with mpmath.workdps(30):  # p_3 Σy − y_3, independently
        zs = [mpmath.mpf("0.2"), mpmath.mpf("-0.3"), mpmath.mpf("0.5")]
        p3 = mpmath.exp(zs[2]) / sum(mpmath.exp(v) for v in zs)
        expected = p3 * (mpmath.mpf(y1) + 1) - 1
    assert Decimal(step["value"]["text"]) == Decimal(mpmath.nstr(expected, 4, strip_zeros=False)).quantize(
        Decimal("0.0001")
    )


def test_a_title_like_latex_still_prints_names_by_convention():
    assert latex(sympy.Symbol("w2_1_3")) == "w^{(2)}_{13}"


def test_derive_command_prints_the_exact_zero(tmp_path):
    spec = tmp_path / "kink.toml"
    spec.write_text(KINK_SPEC.format(options=""))
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", str(spec)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert re.search(r"^  z_1 +   = 0$", out.stdout, re.M) or re.search(r"^  z_1\s+= 0$", out.stdout, re.M)
    assert "z_1 = 0: ReLU'(0) = 0 by convention" in out.stdout
