"""The spec format and its safe expression parser.

Expected gradients come from ``sympy.diff`` of the inlined loss, mpmath, or a
published worked example (Mazur 2015), never from the derivation under test.
"""

from __future__ import annotations

import ast
import os
import textwrap

import mpmath
import pytest
import sympy
from conftest import EXAMPLES

from symbackprop.core.derivation import derive
from symbackprop.core.functions import FUNCTIONS, to_elementary
from symbackprop.errors import SpecError, SymbackpropError
from symbackprop.notation import expressions
from symbackprop.notation.expressions import parse_expression
from symbackprop.notation.latex import parse_latex_expression
from symbackprop.notation.limits import MAX_DEPTH, MAX_NUMBER_BITS
from symbackprop.notation.spec import load_spec, loads_spec

X, Y, W = sympy.symbols("x y w", real=True)
SYMS = {"x": X, "y": Y, "w": W}

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.toml"))


def _spec(body: str) -> str:
    return textwrap.dedent(body).lstrip()


TINY = _spec(
    """
    title = "t"
    [inputs]
    x = 1.0
    [targets]
    y = 0.0
    [parameters]
    w_1 = 0.5
    w_2 = 0.5
    [network]
    z_1 = "x * w_1"
    a_1 = "relu(z_1)"
    z_2 = "a_1 * w_2"
    a_2 = "sigmoid(z_2)"
    L   = "half_squared_error(a_2, y)"
    """
)


# ------------------------------------------------------------ expression parser


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x * w", X * W),
        ("x*w + 1", X * W + 1),
        ("-x ** 2", -(X**2)),
        ("(x - y)**2 / 2", (X - Y) ** 2 / 2),
        ("0.1 * x", sympy.Rational(1, 10) * X),
        ("1e-3", sympy.Rational(1, 1000)),
        ("x - y - w", X - Y - W),
        ("2**-1", sympy.Rational(1, 2)),
        ("+x", X),
    ],
    ids=[
        "product",
        "sum",
        "neg-power",
        "half-square",
        "exact-decimal",
        "exponent",
        "left-assoc",
        "neg-exp",
        "uplus",
    ],
)
def test_parse_expression_builds_exact_sympy(text, expected):
    assert parse_expression(text, SYMS) == expected


@pytest.mark.parametrize(
    "name", ["E", "I", "S", "N", "Q", "O", "beta", "gamma", "lambda", "pi", "if", "None"]
)
def test_every_declared_name_is_a_plain_symbol(name):
    sym = sympy.Symbol(name, real=True)
    expr = parse_expression(f"2 * {name} + {name}**2", {name: sym})
    assert expr == 2 * sym + sym**2
    assert expr.free_symbols == {sym}


def test_library_functions_are_called_by_name():
    expr = parse_expression("sigmoid(x * w) + tanh(y)", SYMS)
    assert expr == FUNCTIONS["sigmoid"].func(X * W) + sympy.tanh(Y)


PAYLOADS = [
    ("__import__('os').system('touch PWNED')", "not allowed"),
    ("().__class__.__bases__", "not allowed"),
    ("x.__class__", "not allowed"),
    ("(lambda: 1)()", "invalid"),  # keywords are plain names in a spec, so this is not a lambda
    ("[c for c in ()]", "invalid"),
    ("f'{x}'", "not allowed"),
    ("'abc'", "not allowed"),
    ("x[0]", "not allowed"),
    ("open('PWNED', 'w')", "unknown function 'open'"),
    ("exec('1')", "unknown function 'exec'"),
    ("z_3 * x", "unknown name 'z_3'"),
    ("x ^ 2", "power"),
    ("x if y else w", "invalid"),
    ("x; import os", "invalid"),
    ("x, y", "tuples are not allowed"),
    ("(x := 1)", "not allowed"),
    ("x @ y", "'@' is not allowed"),
    ("9**9**9", "exponent too large"),
    ("x / 0", "division by zero"),
    ("sigmoid(x, y)", "sigmoid() takes 1 argument, got 2"),
    ("sigmoid", "is a function; call it"),
    ("x(y)", "is a name, not a function"),
    ("(x + y", "unbalanced"),
    ("x * ", "invalid"),
    ("", "empty"),
    ("x # comment", "'#' is not allowed"),
    ("σ(x)", "not allowed"),
]


@pytest.mark.parametrize(("text", "message"), PAYLOADS, ids=[p[0][:30] for p in PAYLOADS])
def test_hostile_and_wrong_expressions_are_refused_without_side_effects(text, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as err:
        parse_expression(text, SYMS, where="[network] L")
    assert message in str(err.value)
    assert str(err.value).startswith("[network] L: ")
    assert os.listdir(tmp_path) == []


def test_deep_nesting_and_long_sums_are_bounded():
    with pytest.raises(SpecError, match="nested too deeply"):
        parse_expression("(" * 10_000 + "x" + ")" * 10_000, SYMS)
    long_sum = " + ".join(["x*w"] * 5_000)
    assert parse_expression(long_sum, SYMS) == 5_000 * X * W
    with pytest.raises(SpecError, match="limit is"):
        parse_expression("x+" * 60_000 + "x", SYMS)


# ------------------------------------------------------------------ spec files


def test_tiny_spec_reads_into_the_seed_network():
    net = loads_spec(TINY)
    assert [s.name for s in net.parameters] == ["w_1", "w_2"]
    assert net.loss.name == "L"
    assert net.values[net.symbol("w_1")] == sympy.Rational(1, 2)
    # The loss inlined by hand, differentiated by sympy: the independent oracle.
    x, y, w1, w2 = (net.symbol(n) for n in ("x", "y", "w_1", "w_2"))
    by_hand = sympy.Rational(1, 2) * (1 / (1 + sympy.exp(-sympy.Max(0, x * w1) * w2)) - y) ** 2
    assert sympy.simplify(to_elementary(net.inlined()) - by_hand) == 0


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_every_example_derives_what_sympy_diff_of_the_inlined_loss_gives(name):
    net = load_spec(EXAMPLES / name)
    gradients = derive(net).gradients
    loss = to_elementary(net.inlined())
    point = dict(net.values)
    for p in net.parameters:
        expected = sympy.diff(loss, p).subs(point).evalf(30)
        if "swish_wrong" in name:
            continue  # the derivation trusts the user's (wrong) derivative; gradcheck catches it
        assert abs(gradients[p] - expected) <= 1e-25 * max(1, abs(expected)), (name, p)


def test_tiny_gradient_matches_mpmath():
    mpmath.mp.dps = 30
    s = 1 / (1 + mpmath.e ** mpmath.mpf("-0.25"))
    expected = (s - 0) * s * (1 - s) * mpmath.mpf("0.5")  # dL/dw_2 = (a2 - y) a2 (1 - a2) a1
    gradients = derive(load_spec(EXAMPLES / "tiny.toml")).gradients
    for g in gradients.values():
        assert abs(mpmath.mpf(str(g)) - expected) < mpmath.mpf("1e-25")
    assert f"{float(expected):.7f}" == "0.0691854"


def test_two_layer_reproduces_mazurs_published_update():
    ev = derive(load_spec(EXAMPLES / "two_layer.toml")).evaluation
    updates = {p.name: v for p, v in ev.updates.items()}
    assert round(float(updates["w_5"]), 8) == 0.35891648
    assert round(float(updates["w_1"]), 9) == 0.149780716
    assert "b_1" not in updates and "b_2" not in updates  # frozen


def test_quadratic_matches_seed_001_reasoning():
    net = load_spec(EXAMPLES / "quadratic.toml")
    w = net.symbol("w")
    for value, slope in [(5, 4), (1, -4), (3, 0)]:  # dL/dw = 2 (w - 3)
        assert float(derive(net.with_values({w: value})).gradients[w]) == slope


def test_dataset_examples_and_reduction():
    net = load_spec(EXAMPLES / "xor.toml")
    assert net.dataset is not None and net.dataset.reduction == "mean"
    assert len(net.dataset.examples) == 4
    targets = [e[net.symbol("y")] for e in net.dataset.examples]
    assert targets == [0, 1, 1, 0]


def test_relu_convention_option_changes_the_derivative_at_zero():
    spec = TINY.replace("x = 1.0", "x = 0.0") + "[options]\nrelu_at_zero = 0.5\n"
    net = loads_spec(spec)
    d = derive(net)
    ev = d.evaluation
    a1, z1 = net.symbol("a_1"), net.symbol("z_1")
    assert float(ev.local[(a1, z1)]) == 0.5


def test_custom_function_with_user_derivative_is_used():
    net = load_spec(EXAMPLES / "swish.toml")
    a, z = net.symbol("a"), net.symbol("z")
    d = derive(net)
    general = d.local(a, z).general
    s = FUNCTIONS["sigmoid"].func(z)
    assert sympy.simplify(to_elementary(general - (s + z * s * (1 - s)))) == 0


def test_latex_names_table():
    net = load_spec(EXAMPLES / "neuron.toml")
    assert net.latex_names[net.symbol("y_hat")] == r"\hat{y}"


ERRORS = [
    ("malformed", "[parameters\nw = 1\n", r"spec.toml:1: malformed TOML"),
    ("missing-network", "[parameters]\nw = 1\n", "missing the [network] table"),
    (
        "non-numeric",
        '[parameters]\nw = "a"\n[network]\nL = "w"\n',
        "spec.toml:2: [parameters] w: expected a number, got the string 'a'",
    ),
    ("bool-value", '[parameters]\nw = true\n[network]\nL = "w"\n', "expected a number, got true"),
    ("nan", '[parameters]\nw = nan\n[network]\nL = "w"\n', "expected a finite number"),
    (
        "undefined",
        TINY.replace('"sigmoid(z_2)"', '"sigmoid(z_3)"'),
        "spec.toml:13: [network] a_2: unknown name 'z_3' (did you mean 'z_2'?)",
    ),
    ("redefined", TINY + 'z_1 = "x"\n', "[network] z_1: 'z_1' is defined twice (lines 10 and 15)"),
    ("cycle", '[parameters]\nw = 1\n[network]\nz = "L * w"\nL = "z * 2"\n', "[network]: cycle: L -> z -> L"),
    (
        "unknown-function",
        TINY.replace('"relu(z_1)"', '"rleu(z_1)"'),
        "unknown function 'rleu' (did you mean 'relu'?)",
    ),
    ("arity", TINY.replace('"sigmoid(z_2)"', '"sigmoid(z_2, x)"'), "sigmoid() takes 1 argument, got 2"),
    (
        "frozen",
        TINY + '[training]\nfrozen = ["w_3"]\n',
        "[training] frozen: frozen name 'w_3' is not a parameter (did you mean 'w_2'?)",
    ),
    ("loss", 'loss = "M"\n' + TINY, "spec.toml:1: loss: the loss 'M' is not defined in [network]"),
    (
        "two-roles",
        TINY.replace("[targets]\ny = 0.0", "[targets]\nx = 0.0"),
        "[targets] x: 'x' is already declared in [inputs]",
    ),
    (
        "node-is-param",
        TINY.replace('z_1 = "x * w_1"', 'w_2 = "x * w_1"'),
        "[network] w_2: 'w_2' is already declared as a parameter",
    ),
    ("unknown-top", "netwrok = 1\n" + TINY, "netwrok: unknown top-level key (did you mean 'network'?)"),
    ("dunder-name", TINY.replace("w_1 = 0.5", "__class__ = 0.5"), "not a valid name"),
    (
        "bad-latex-name",
        TINY + '[latex]\nw_1 = "\\\\input{/etc/passwd}"\n',
        "[latex] w_1: expected a short LaTeX name",
    ),
    ("bad-dataset", TINY + "[dataset]\nexamples = [{x = 1, q = 2}]\n", "'q' is not an input or target"),
    (
        "bad-derivative-count",
        TINY + '[functions.f]\nargs = ["u"]\nexpr = "u"\nderivative = ["1", "2"]\n',
        "give one derivative per argument (1), got 2",
    ),
]


@pytest.mark.parametrize(("text", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_spec_mistakes_name_file_table_key_and_line(text, message):
    with pytest.raises(SymbackpropError) as err:
        loads_spec(text, file="spec.toml")
    assert message in str(err.value)
    assert str(err.value).startswith("spec.toml")


def test_unused_parameter_is_a_warning_naming_the_file():
    from symbackprop.errors import SymbackpropWarning

    text = TINY.replace("w_2 = 0.5", "w_2 = 0.5\nw_9 = 1.0")
    with pytest.warns(SymbackpropWarning, match="spec.toml: .*'w_9'"):
        loads_spec(text, file="spec.toml")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SymbackpropError, match=r"no-such\.toml"):
        load_spec(tmp_path / "no-such.toml")


# ------------------------------------------------- seams: operator tables, one set of limits

POWER_SPEC = '[parameters]\nw = 2\n[network]\nL = "w ** 2"\n'  # L is on line 4, "w ** 2" starts at column 1


def test_binary_operators_dispatch_through_the_table(monkeypatch):
    monkeypatch.delitem(expressions.BINARY_OPERATORS, ast.Pow)
    with pytest.raises(SpecError) as err:
        loads_spec(POWER_SPEC, file="spec.toml")
    assert str(err.value) == "spec.toml:4: [network] L: operator is not allowed (at column 1)"
    monkeypatch.setitem(expressions.BINARY_OPERATORS, ast.MatMult, expressions.BinaryOperator("@", sympy.Mul))
    assert parse_expression("x @ y @ w", SYMS) == X * Y * W


def test_unary_operators_dispatch_through_the_table(monkeypatch):
    monkeypatch.delitem(expressions.UNARY_OPERATORS, ast.USub)
    with pytest.raises(SpecError) as err:
        loads_spec(POWER_SPEC.replace("w ** 2", "-w"), file="spec.toml")
    assert str(err.value) == "spec.toml:4: [network] L: operator 'USub' is not allowed (at column 1)"


def test_nodes_dispatch_through_the_table(monkeypatch):
    monkeypatch.delitem(expressions.NODES, ast.Call)
    with pytest.raises(SpecError, match=r"^\[network\] L: Call is not allowed \(at column 1\)$"):
        parse_expression("sigmoid(x)", SYMS, where="[network] L")


@pytest.mark.parametrize(
    ("read", "refusal"),
    [
        (lambda text: parse_expression(text, SYMS), f"nested too deeply (limit {MAX_DEPTH} levels)"),
        (lambda text: parse_latex_expression(text, SYMS), f"nests {MAX_DEPTH + 1} levels deep; the limit is"),
    ],
    ids=["spec", "latex"],
)
def test_spec_and_latex_readers_share_one_depth_limit(read, refusal):
    assert read("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH) == X
    with pytest.raises(SymbackpropError) as err:
        read("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    assert refusal in str(err.value)


@pytest.mark.parametrize(
    ("read", "power"),
    [
        (lambda text: parse_expression(text, SYMS), "2**{}"),
        (lambda text: parse_latex_expression(text, SYMS), "2^{{{}}}"),
    ],
    ids=["spec", "latex"],
)
def test_spec_and_latex_readers_share_one_number_size_limit(read, power):
    # 2 takes 2 bits, so 2^k costs 2k bits: k = MAX_NUMBER_BITS / 2 is the largest power either reader builds.
    largest = MAX_NUMBER_BITS // 2
    assert read(power.format(largest)) == sympy.Integer(2) ** largest
    with pytest.raises(SymbackpropError, match=f"{MAX_NUMBER_BITS} bits"):
        read(power.format(largest + 1))
