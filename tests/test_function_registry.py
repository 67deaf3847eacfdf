"""The registry of function facts: one entry per function, read by every reader, the printer and the check.

Expected values come from hand computation (PyTorch's leaky-ReLU slope 0.01,
mish's textbook derivative) or from SymPy differentiating the elementary
definition, never from the entry under test.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from symbackprop import check, derive, loads_spec, render
from symbackprop.core import functions as F  # noqa: N812
from symbackprop.errors import GraphError, SpecError
from symbackprop.notation import latex_input
from symbackprop.output.printing import latex

z, a, b, c, y = sp.symbols("z a b c y", real=True)

# ------------------------------------------------------------ the tables

#: The spec names and arities before the registry existed (hand-copied from the old table).
SPEC_FUNCTIONS = {
    "sigmoid": 1, "tanh": 1, "relu": (1, 2), "leaky_relu": (1, 2), "softplus": 1, "identity": 1,
    "exp": 1, "log": 1, "sqrt": 1, "abs": 1, "max": "many", "min": "many", "softmax": "many",
    "squared_error": 2, "half_squared_error": 2, "mean_squared_error": "even", "mse": "even",
    "binary_cross_entropy": 2, "bce": 2, "cross_entropy": "even", "softmax_cross_entropy": "even",
}  # fmt: skip

#: The LaTeX reader's hand table before it was derived from the registry.
OLD_FUNCTION_ALIASES = {
    "sigma": "sigmoid", "sigmoid": "sigmoid", "sigm": "sigmoid", "logistic": "sigmoid", "relu": "relu",
    "tanh": "tanh", "softplus": "softplus", "exp": "exp", "log": "log", "ln": "log", "max": "max",
    "min": "min", "sqrt": "sqrt", "abs": "abs", "softmax": "softmax",
}  # fmt: skip


def test_spec_names_and_arities_are_unchanged():
    assert {name: info.arity for name, info in F.FUNCTIONS.items()} == SPEC_FUNCTIONS
    assert F.FUNCTIONS["mse"].func is F.mean_squared_error
    assert F.FUNCTIONS["bce"].doc == "alias of binary_cross_entropy"
    assert "step" in F.REGISTRY and "step" not in F.FUNCTIONS  # a spec may still name a node "step"


def test_the_latex_readers_aliases_are_the_registrys():
    assert dict(F.LATEX_ALIASES) == OLD_FUNCTION_ALIASES
    assert latex_input.FUNCTION_ALIASES is F.LATEX_ALIASES


# ------------------------------------------------- derivatives, from the entries

#: Arguments per arity for a generic call; softmax's first argument is its index.
ARGS = {1: (z,), (1, 2): (z,), 2: (a, y), "even": (a, b, y, c), "many": (a, b)}
SPECIAL_ARGS = {"softmax": (sp.Integer(2), a, b, c), "step": (z, sp.Integer(0))}
POINT = {z: sp.Float("0.37", 30), a: sp.Float("0.61", 30), b: sp.Float("0.3", 30), c: sp.Float("0.9", 30),
         y: sp.Float("0.2", 30)}  # fmt: skip


@pytest.mark.parametrize("name", sorted(F.REGISTRY), ids=sorted(F.REGISTRY))
def test_every_entrys_derivative_agrees_with_its_elementary_definition(name):
    info = F.REGISTRY[name]
    args = SPECIAL_ARGS.get(name, ARGS[info.arity])
    elementary = F.to_elementary(info.func(*args))
    for index, arg in enumerate(args, start=1):
        if not arg.is_Symbol:
            continue
        declared = F.to_elementary(info.derivative(*args, index=index)).xreplace(POINT)
        independent = sp.diff(elementary, arg).xreplace(POINT)
        assert abs(sp.N(declared - independent, 25)) < 1e-20, (name, arg)


# ---------------------------------------------------- kinks and conventions


@pytest.mark.parametrize(
    "expr,conditions,convention",
    [
        (F.relu(z - 1), [z - 1], "ReLU'(0) = 0"),
        (F.relu(z, sp.Rational(1, 2)), [z], "ReLU'(0) = 0.5"),
        (F.relu(z, 1), [z], "ReLU'(0) = 1"),
        (F.leaky_relu(2 * z), [2 * z], "leaky ReLU'(0) = 0.01"),
        (F.leaky_relu(z, sp.Rational(1, 5)), [z], "leaky ReLU'(0) = 0.2"),
        (sp.Abs(z), [z], "|z|'(0) = 0"),
        (sp.Max(a, b), [a - b], "SymPy's convention for max/min: d max(a, b)/da = 0.5 at a = b"),
        (sp.Max(a, b, c), [], "library convention"),
        (F.sigmoid(z), [], "library convention"),
        (F.sigmoid(F.leaky_relu(z)), [z], "leaky ReLU'(0) = 0.01"),
    ],
    ids=["relu", "relu-half", "relu-one", "leaky", "leaky-alpha", "abs", "max", "max3", "none", "nested"],
)
def test_kinks_and_their_conventions(expr, conditions, convention):
    assert F.kink_conditions(expr) == conditions
    assert F.kink_convention(expr) == convention


SPEC = """
[inputs]
x = 1.0
[targets]
y = 0.25
[parameters]
w_1 = 0.0
w_2 = 0.5
{options}
[network]
z_1 = "x * w_1"
a_1 = "{activation}"
z_2 = "a_1 * w_2"
L = "half_squared_error(z_2, y)"
"""


@pytest.mark.parametrize(
    "activation,options,slope",
    [
        ("leaky_relu(z_1)", "", 0.01),  # PyTorch's default negative_slope
        ("leaky_relu(z_1, 0.2)", "", 0.2),
        ("relu(z_1)", "", 0.0),
        ("relu(z_1)", "[options]\nrelu_at_zero = 0.5", 0.5),
    ],
    ids=["leaky-default", "leaky-alpha", "relu", "relu-at-half"],
)
def test_check_reports_the_slope_the_derivation_uses_at_a_kink(activation, options, slope):
    net = loads_spec(SPEC.format(activation=activation, options=options))
    local = derive(net).evaluation.local[(net.symbol("a_1"), net.symbol("z_1"))]
    assert float(local) == pytest.approx(slope, abs=1e-15)
    rows = {r.name: r for r in check(net).rows}
    assert rows["w_1"].ok is None  # z_1 = 0: at the kink, nothing to compare
    reported = re.search(r"\(convention: .*'\(0\) = ([^)]+)\)", rows["w_1"].verdict)
    assert reported is not None, rows["w_1"].verdict
    assert float(reported.group(1)) == pytest.approx(float(local), abs=1e-15)


# ------------------------------------------------ adding a function is one entry


class mish(F.LibraryFunction):  # noqa: N801 - SymPy convention
    """mish(z) = z·tanh(softplus(z)), a test-local activation."""

    nargs = 1

    @classmethod
    def elementary(cls, z):
        return z * sp.tanh(sp.log(1 + sp.exp(z)))

    def fdiff(self, argindex=1):
        (x,) = self.args
        t = sp.tanh(F.softplus(x))
        return t + x * F.sigmoid(x) * (1 - t**2)  # by hand: d/dz tanh(sp(z)) = (1 - tanh²)·σ(z)


MISH = F.FunctionInfo(
    "mish", mish, 1, "z tanh(softplus(z))", latex_name=r"\operatorname{Mish}", latex_aliases=("mish",)
)

MISH_SPEC = """
[inputs]
x = 0.7
[targets]
y = 0.2
[parameters]
w = 0.4
[network]
z = "w * x"
a = '{a}'
L = "half_squared_error(a, y)"
"""


@pytest.fixture
def with_mish():
    F.register(MISH)
    try:
        yield
    finally:
        F.unregister("mish")


@pytest.mark.usefixtures("with_mish")
def test_a_registered_activation_is_read_printed_and_checked_with_no_other_edit():
    from_spec = loads_spec(MISH_SPEC.format(a="mish(z)"))
    from_latex = loads_spec(MISH_SPEC.format(a=r"$\operatorname{Mish}(z)$"))
    z_, a_ = from_spec.symbol("z"), from_spec.symbol("a")
    assert from_spec.definition[a_] == mish(z_) == from_latex.definition[a_]
    assert latex(mish(z_)) == r"\operatorname{Mish}\left(z\right)"
    assert r"\operatorname{Mish}\left(z\right)" in render(from_spec, "md")
    assert check(from_spec).ok
    # the derivation's gradient equals sympy.diff of the inlined, elementary loss
    w_ = from_spec.symbol("w")
    oracle = sp.diff(F.to_elementary(from_spec.inlined()), w_).xreplace(from_spec.values)
    assert abs(sp.N(derive(from_spec).gradients[w_] - oracle, 25)) < 1e-20


def test_unregistering_forgets_every_name():
    F.register(MISH)
    F.unregister("mish")
    assert "mish" not in F.FUNCTIONS and "mish" not in F.LATEX_ALIASES and F.entry_for(mish) is None
    with pytest.raises(SpecError, match="mish"):
        loads_spec(MISH_SPEC.format(a="mish(z)"))


@pytest.mark.parametrize(
    "info",
    [
        F.FunctionInfo("sigmoid", F.sigmoid, 1, "again"),
        F.FunctionInfo("logistic2", lambda x: x, 1, "a taken spelling", latex_aliases=("ln",)),
        F.FunctionInfo("relu2", F.relu, 1, "a taken class"),
    ],
    ids=["name", "latex-alias", "class"],
)
def test_register_refuses_what_is_taken(info):
    with pytest.raises(GraphError, match="already registered"):
        F.register(info)


def test_entries_are_found_by_class():
    assert F.entry_for(F.sigmoid) is F.REGISTRY["sigmoid"]
    assert F.entry_for(sp.Abs) is F.REGISTRY["abs"]

    class my_relu(F.relu):  # noqa: N801
        pass

    assert F.entry_for(my_relu) is F.REGISTRY["relu"]
    t = sp.Symbol("t", real=True)
    swish = F.custom_function("swish", [t], t * F.sigmoid(t))
    assert F.entry_for(swish).latex_name == r"\operatorname{swish}"
    assert "swish" not in F.FUNCTIONS  # a user function belongs to its spec, not to the library
    assert F.entry_for(sp.Symbol) is None
