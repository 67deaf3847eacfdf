"""The function library: textbook derivatives that agree with the elementary definitions."""

from __future__ import annotations

import mpmath
import pytest
import sympy as sp

from symbackprop.core import functions as F  # noqa: N812
from symbackprop.output.printing import latex

z, y, a, b, c = sp.symbols("z y a b c", real=True)

# Each case: the library expression, and the variables to differentiate by.
CASES = [
    ("sigmoid", F.sigmoid(z), [z]),
    ("softplus", F.softplus(z), [z]),
    ("leaky_relu", F.leaky_relu(z), [z]),
    ("leaky_relu_alpha", F.leaky_relu(z, sp.Rational(1, 5)), [z]),
    ("relu", F.relu(z), [z]),
    ("squared_error", F.squared_error(a, y), [a, y]),
    ("half_squared_error", F.half_squared_error(a, y), [a, y]),
    ("mse", F.mean_squared_error(a, b, y, c), [a, b, y, c]),
    ("bce", F.binary_cross_entropy(a, y), [a, y]),
    ("cross_entropy", F.cross_entropy(a, b, y, c), [a, b, y, c]),
    ("softmax_1", F.softmax(1, a, b, c), [a, b, c]),
    ("softmax_3", F.softmax(3, a, b, c), [a, b, c]),
    ("softmax_ce", F.softmax_cross_entropy(a, b, y, c), [a, b, y, c]),
]

# Points away from kinks and inside every domain (probabilities in (0, 1)).
POINTS = [
    {z: 0.37, y: 0.2, a: 0.61, b: 0.3, c: 0.9},
    {z: -1.3, y: 1.0, a: 0.15, b: 0.72, c: 0.05},
    {z: 2.1, y: 0.0, a: 0.93, b: 0.4, c: 0.6},
]


@pytest.mark.parametrize("name,expr,wrt", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("point", POINTS, ids=["p0", "p1", "p2"])
def test_declared_derivative_equals_derivative_of_definition(name, expr, wrt, point):
    """fdiff (the textbook form) and diff of the elementary form are two routes to one number."""
    elementary = F.to_elementary(expr)
    assert not elementary.has(F.LibraryFunction)
    for v in wrt:
        declared = sp.diff(expr, v)
        independent = sp.diff(elementary, v)
        subs = {k: sp.Float(val, 30) for k, val in point.items()}
        lhs = sp.N(F.to_elementary(declared).xreplace(subs), 25)
        rhs = sp.N(independent.xreplace(subs), 25)
        assert abs(lhs - rhs) < 1e-20, (name, v, lhs, rhs)


def test_sigmoid_derivative_is_textbook_form():
    assert sp.diff(F.sigmoid(z), z) == F.sigmoid(z) * (1 - F.sigmoid(z))


def test_tanh_derivative_is_textbook_form():
    assert F.FUNCTIONS["tanh"].func(z).diff(z) == 1 - sp.tanh(z) ** 2


def test_bce_derivative_is_textbook_form():
    assert sp.simplify(sp.diff(F.binary_cross_entropy(a, y), a) - (a - y) / (a * (1 - a))) == 0
    assert sp.diff(F.binary_cross_entropy(a, y), a) == (a - y) / (a * (1 - a))


@pytest.mark.parametrize(
    "at_zero,expected",
    [(None, 0), (sp.Rational(1, 2), sp.Rational(1, 2)), (1, 1)],
    ids=["torch", "half", "one"],
)
def test_relu_derivative_convention_at_zero(at_zero, expected):
    r = F.relu(z) if at_zero is None else F.relu(z, at_zero)
    d = sp.diff(r, z)
    assert d.subs(z, 0) == expected
    assert d.subs(z, sp.Rational(1, 3)) == 1
    assert d.subs(z, -sp.Rational(1, 3)) == 0


def test_relu_kinks_are_declared():
    assert F.kink_conditions(F.relu(z - 1)) == [z - 1]
    assert F.kink_conditions(sp.Abs(z) + sp.Max(a, b)) == [z, a - b] or set(
        F.kink_conditions(sp.Abs(z) + sp.Max(a, b))
    ) == {z, a - b}


@pytest.mark.parametrize(
    "expr,expected_latex",
    [
        (F.sigmoid(sp.Symbol("z_2")), r"\sigma\left(z_{2}\right)"),
        (F.relu(sp.Symbol("z_1")), r"\operatorname{ReLU}\left(z_{1}\right)"),
        (F.step(sp.Symbol("z_1"), 0), r"\mathbf{1}\left[z_{1} > 0\right]"),
        (F.half_squared_error(a, y), r"\frac{1}{2}\left(a - y\right)^{2}"),
    ],
    ids=["sigmoid", "relu", "step", "half_se"],
)
def test_lecture_note_latex(expr, expected_latex):
    assert latex(expr) == expected_latex


def test_evaluates_on_floats_like_mpmath():
    mpmath.mp.dps = 30
    value = F.sigmoid(sp.Float("0.25", 30))
    assert abs(value - sp.Float(str(1 / (1 + mpmath.exp(-mpmath.mpf("0.25")))), 30)) < 1e-28
    assert F.sigmoid(sp.Rational(1, 4)).is_Function  # exact input stays exact
    assert abs(F.sigmoid(sp.Rational(1, 4)).evalf(20) - value) < 1e-18


def test_lambdify_through_elementary():
    f = sp.lambdify([z], F.to_elementary(F.sigmoid(z) + F.softplus(z)), "math")
    import math

    assert f(0.3) == pytest.approx(1 / (1 + math.exp(-0.3)) + math.log1p(math.exp(0.3)), rel=1e-14)


def test_custom_function_uses_user_derivative_and_elementary_definition():
    t = sp.Symbol("t", real=True)
    wrong = F.custom_function(
        "swish", [t], t * F.sigmoid(t), derivatives=[F.sigmoid(t)], latex=r"\operatorname{swish}"
    )
    assert sp.diff(wrong(z), z) == F.sigmoid(z)  # trusted as written
    assert F.to_elementary(wrong(z)) == F.to_elementary(z * F.sigmoid(z))
    assert latex(wrong(z)) == r"\operatorname{swish}\left(z\right)"
    auto = F.custom_function("swish2", [t], t * F.sigmoid(t))
    assert sp.simplify(sp.diff(auto(z), z) - sp.diff(z * F.sigmoid(z), z)) == 0


def test_bad_arguments_are_graph_errors():
    with pytest.raises(F.GraphError, match="even number"):
        F.mean_squared_error(a, b, y)
    with pytest.raises(F.GraphError, match="softmax index"):
        F.softmax(4, a, b, c)
    assert F.FUNCTIONS["half_squared_error"].accepts(2)
    assert not F.FUNCTIONS["half_squared_error"].accepts(3)
    assert F.FUNCTIONS["mse"].accepts(4) and not F.FUNCTIONS["mse"].accepts(3)


def test_relu_definition_prints_as_max_for_sympy_lambdify():
    """ReLU's definition uses an unsimplified Max (issue 17); SymPy's printers must still know it:
    lambdify of the elementary form (mpmath and NumPy) gives max(0, z), computed by hand."""
    import sympy

    from symbackprop.core.functions import relu, to_elementary

    z = sympy.Symbol("z", real=True)
    f = to_elementary(relu(z))
    assert sympy.lambdify(z, f, "mpmath")(-2) == 0
    assert sympy.lambdify(z, f, "numpy")(3.0) == 3.0
    assert sympy.lambdify(z, sympy.diff(to_elementary(relu(2 * z)), z), "math")(1.0) == 2


def test_the_elementary_form_of_relu_equals_the_max_written_by_hand():
    """to_elementary gives SymPy's own Max (issue 17 keeps an unsimplified one inside), so a loss
    inlined by hand compares equal: max(0, 2z) - Max(0, 2z) is 0."""
    import sympy

    from symbackprop.core.functions import relu, to_elementary

    z = sympy.Symbol("z", real=True)
    assert to_elementary(relu(2 * z)) - sympy.Max(0, 2 * z) == 0
    assert type(to_elementary(relu(2 * z))) is sympy.Max
