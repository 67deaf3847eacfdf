"""verify's values without 30-digit SymPy arithmetic (issue 13, section 5): counted, never timed.

:func:`symbackprop.verification.mpvalue.evaluate` walks a side with mpmath; each value is checked
against SymPy's own ``evalf`` at 50 digits (an independent route), and the oracle is checked to
take the SymPy route (:meth:`Oracle.resolve`) for no ordinary side at all.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from sympy import Float, Rational, Symbol, exp, log
from test_verify_bounded_work import HEAD

from symbackprop.core.derivation import DPS, Partial, derive
from symbackprop.core.functions import half_squared_error, leaky_relu, relu, sigmoid, softplus, step
from symbackprop.core.functions.registry import REGISTRY
from symbackprop.core.network import Network
from symbackprop.verification import rounding, statements, verify
from symbackprop.verification.claims import Memory
from symbackprop.verification.mpvalue import Fallback, evaluate
from symbackprop.verification.names import Names
from symbackprop.verification.oracle import Oracle, _as_float, close, number

x, y, z = sympy.symbols("x y z", real=True)
R = Rational

#: Leaf values: two inexact (30-digit Floats, as the oracle's) and one exact.
LEAVES = {x: Float("0.731058578630004879251159850229", DPS), y: Float("-1.25", DPS), z: R(3, 7)}

CASES = {
    "sum": x + y + z,
    "product": x * y * z,
    "quotient": x / (y - z),
    "square": (x - y) ** 2 / 2,
    "sigmoid": sigmoid(x * y),
    "sigmoid of an exact number": sigmoid(z),
    "sigmoid' form": sigmoid(x) * (1 - sigmoid(x)),
    "exp and log": exp(-x) + log(z),
    "relu, negative": relu(y),
    "relu, positive": relu(x),
    "leaky relu": leaky_relu(y, R(1, 10)),
    "softplus": softplus(y),
    "tanh": sympy.tanh(x),
    "step": step(y, R(1, 2)) + step(x, 0),
    "square root": sympy.sqrt(x),
    "Max and Min": sympy.Max(x, z) - sympy.Min(y, z),
    "abs": abs(y) * x,
    "pi and e": sympy.pi * x + sympy.E,
    "loss": half_squared_error(x, z),
}


@pytest.mark.parametrize("expr", CASES.values(), ids=CASES.keys())
def test_values_agree_with_sympy_evalf(expr):
    """Each value is the expression's at the leaves' exact values (SymPy, 50 digits) to 32 digits."""
    value = evaluate(expr, LEAVES.get)
    expected = Rational(str(expr.xreplace({s: Rational(v) for s, v in LEAVES.items()}).evalf(50)))
    assert abs(Rational(_text(value)) - expected) <= R(1, 10**32) * max(1, abs(expected))


def _text(value: object) -> str:
    if isinstance(value, Fraction):
        return str(sympy.Float(Rational(value.numerator, value.denominator), 45))
    return str(value)


def _add(*terms: sympy.Expr) -> sympy.Expr:
    return sympy.Add(*terms, evaluate=False)


def _mul(*factors: sympy.Expr) -> sympy.Expr:
    return sympy.Mul(*factors, evaluate=False)


@pytest.mark.parametrize(
    ("expr", "exact"),
    [
        (_add(R(1, 10), R(2, 10), R(-3, 10)), Fraction(0)),
        (_add(_mul(R(2, 3), R(3, 4)), R(-1, 2)), Fraction(0)),
        (sympy.Pow(R(2, 5), 3, evaluate=False), Fraction(8, 125)),
        (_add(_mul(z, 7), -3), Fraction(0)),
    ],
    ids=["0.1 + 0.2 - 0.3", "2/3 * 3/4 - 1/2", "0.4^3", "a name with an exact value"],
)
def test_exact_numbers_stay_exact(expr, exact):
    """Written arithmetic is exact, as in SymPy: a difference of exact numbers is exactly zero."""
    assert evaluate(expr, LEAVES.get) == exact


UNEVALUATED = {
    "log of a negative number": log(y, evaluate=False),
    "division by zero": sympy.Pow(x - x + 0 * y, -1, evaluate=False),
    "cube root of a negative number": sympy.Pow(y, R(1, 3), evaluate=False),
    "a function of the document's own": sympy.Function("f")(x),
    "a name with no value": x + Symbol("q"),
    "a piecewise": sympy.Piecewise((x, y > 0), (z, True)),
}


@pytest.mark.parametrize("expr", UNEVALUATED.values(), ids=UNEVALUATED.keys())
def test_what_has_no_rule_falls_back_to_sympy(expr):
    with pytest.raises(Fallback):
        evaluate(expr, LEAVES.get)


def _oracle() -> tuple[Oracle, Network]:
    w, a, out, L = sympy.symbols("w a out L", real=True)
    net = Network(
        [(a, sigmoid(w * x)), (out, 2 * a), (L, half_squared_error(out, y))],
        inputs=[x],
        targets=[y],
        parameters=[w],
        values={x: R(1, 2), y: R(1, 4), w: R(-3, 10)},
        learning_rate=R(1, 10),
    )
    d = derive(net)
    return Oracle(d, Names(net), {}, seed=7), net


def test_the_oracle_takes_no_sympy_route_for_ordinary_sides(monkeypatch):
    """Every value below comes from the mpmath walk: ``resolve`` (SymPy's route) is never called,
    and each equals SymPy's value at 50 digits within the oracle's own tolerance."""
    oracle, net = _oracle()
    w, a, out, L = net.parameters[0], *sympy.symbols("a out L", real=True)
    sides = [
        Partial(L, out) * 2 * a * (1 - a) * x,
        out - y,
        w - oracle.names.eta * Partial(L, w),
        sigmoid(w * x),
    ]
    expected = []
    for ev in [oracle.point, *oracle.randoms]:
        for side in sides:
            expected.append(oracle.resolve(side, ev).evalf(50))
    monkeypatch.setattr(Oracle, "resolve", lambda *a, **k: pytest.fail("the SymPy route was taken"))
    got = [oracle.value(side, ev, {}) for ev in [oracle.point, *oracle.randoms] for side in sides]
    assert all(close(g, Float(e, DPS)) for g, e in zip(got, expected))
    assert all(abs(g - e) <= R(1, 10**26) * max(1, abs(e)) for g, e in zip(got, expected))


def test_a_side_with_a_shorthand_takes_the_sympy_route():
    """A shorthand (δ) is resolved by SymPy, as before, and gives the same value."""
    oracle, _ = _oracle()
    L, a = sympy.symbols("L a", real=True)
    delta = Symbol("delta", real=True)
    oracle.aliases[delta] = Partial(L, a)
    ev = oracle.point
    assert oracle.value(delta * 2, ev, {}) == oracle.value(Partial(L, a) * 2, ev, {})


def test_close_on_floats_agrees_with_the_sympy_comparison():
    """The fast comparison of two Floats gives SymPy's answer on both sides of the tolerance."""
    a = Float("12.3456789012345678901234567890", DPS)
    for rel, same in [(R(5, 10**10), True), (R(2, 10**9), False), (0, True), (-R(9, 10**10), True)]:
        b = Float(a * (1 + rel), DPS)
        assert close(a, b) is same
        assert close(a, b) == bool(abs(a - b) <= Float(R(1, 10**9), DPS) * max(1, abs(a), abs(b)))


def test_a_long_document_keeps_its_verdicts(monkeypatch):
    """The speed-ups change no verdict: a correct walkthrough holds throughout, and a slipped
    number in it is still wrong."""
    text = "\n".join(
        [
            "`x = 1.0`, `w = 0.5`, `y = 0`",
            "",
            "$$z = x \\cdot w = 0.5$$",
            "",
            "$$a = \\sigma(z) \\approx 0.6225$$",
            "",
            "$$L = \\frac{1}{2}(a - y)^2$$",
            "",
            "$$\\frac{\\partial L}{\\partial w} = (a - y) a (1 - a) x \\approx 0.1463$$",
            "",
            "$$\\frac{\\partial L}{\\partial a} = a - y \\approx 0.6225$$",
        ]
    )
    assert verify("ok.md", text=text, format="md").counts()["wrong"] == 0
    slipped = verify("slip.md", text=text.replace("0.1463", "0.1663"), format="md")
    assert slipped.counts()["wrong"] == 1


def _library() -> dict[str, tuple[type, int]]:
    """Every registered library function, with a number of arguments it accepts."""
    out = {}
    for name, info in REGISTRY.items():
        if info.cls is None or not callable(getattr(info.cls, "elementary", None)):
            continue
        n = next(k for k in range(1, 7) if info.accepts(k))
        out[name] = (info.cls, n)
    return out


@pytest.mark.parametrize(("cls", "n"), _library().values(), ids=_library().keys())
def test_every_library_function_is_evaluated_as_sympy_evaluates_it(cls, n):
    """Each function's elementary form, built once with dummies, gives SymPy's value of the
    function applied to numbers (so a function added later with branches on its arguments is
    caught here); an index argument (softmax's k) is a written integer."""
    names = sympy.symbols(f"s0:{n}", real=True)
    for point in ([R(3, 10), R(-7, 10), R(11, 10)], [R(-13, 10), R(2, 5), R(1, 20)]):
        values = {s: Float(point[k % 3] + R(k, 7), DPS) for k, s in enumerate(names)}
        args = [sympy.Integer(1) if cls.__name__ == "softmax" and k == 0 else s for k, s in enumerate(names)]
        try:
            expected = cls(*[a.xreplace({s: Rational(v) for s, v in values.items()}) for a in args]).evalf(50)
        except (TypeError, ValueError):
            pytest.skip(f"{cls.__name__} takes no such arguments")
        try:
            value = evaluate(cls(*args), values.get)
        except Fallback:
            continue  # SymPy's route, as before
        assert abs(Rational(_text(value)) - Rational(str(expected))) <= R(1, 10**28) * max(1, abs(expected))


@pytest.mark.parametrize(
    "fraction",
    [
        Fraction(1, 3),
        Fraction(-586003750129, 276453378),
        Fraction(843874416256, 70706590301463704683),
        Fraction(7),
    ],
    ids=["1/3", "a long quotient", "a small one", "an integer"],
)
def test_an_exact_value_is_the_float_sympy_makes_of_it(fraction):
    """An exact result becomes the very Float that ``Rational.evalf`` gives (bit for bit)."""
    ours = _as_float(fraction)
    theirs = number(Rational(fraction.numerator, fraction.denominator))
    assert (ours._mpf_, ours._prec) == (theirs._mpf_, theirs._prec)


def _repeated(count: int) -> str:
    """The bounded-work tests' walkthrough with ``count`` copies of a chain through the loss's formula."""
    chain = "$$\\frac{\\partial L}{\\partial w} = (z - y) \\cdot x = 0.5 \\cdot 1 = 0.5$$\n"
    return "\n".join([*HEAD, *[chain] * count])


@pytest.mark.parametrize("count", [3, 40], ids=["3 equations", "40 equations"])
def test_judging_copies_the_memory_of_no_ordinary_chain(monkeypatch, count):
    """The judge's memory (every claim so far: it grows with the document) was copied once per
    derivative of the loss, in case the chain had to be judged again; it is copied only for a
    chain that may be, so a long document is not quadratic in copies."""
    copies = []
    original = Memory.snapshot

    def counting(self: Memory) -> tuple:
        copies.append(1)
        return original(self)

    monkeypatch.setattr(Memory, "snapshot", counting)
    report = verify("long.md", text=_repeated(count), format="md")
    assert report.counts()["wrong"] == 0
    assert report.counts()["ok"] == count + 2
    assert copies == []


@pytest.mark.parametrize("count", [3, 40], ids=["3 equations", "40 equations"])
def test_each_number_becomes_an_interval_once(monkeypatch, count):
    """A shown number's interval is made once per number, not once per equation that shows it."""
    made = []
    original = rounding._point

    def counting(x: object) -> object:
        made.append(x)
        return original.__wrapped__(x)

    monkeypatch.setattr(rounding, "_point", counting)
    monkeypatch.setattr(rounding, "_POINTS", {})
    verify("long.md", text=_repeated(count), format="md")
    assert len(made) == len(set(made)) <= 6


def test_whether_a_side_is_one_number_is_worked_out_once_per_side():
    """``bare`` is asked several times of each side (reading, judging, remembering), and SymPy's
    ``Abs`` of a name asks its assumptions: it is worked out once per side."""
    statements._bare.cache_clear()
    verify("long.md", text=_repeated(40), format="md")
    info = statements._bare.cache_info()
    assert info.hits >= info.misses > 0
