"""Judging's speed-ups on a long document, held by counting (never by timing).

Each test counts what a speed-up removed (a conversion done once per evaluation, a rule found once
per class, ``mp.prec`` never set, a decision taken once per factor) and checks the value against an
independent route (mpmath's own interval arithmetic at 40 digits, SymPy's arithmetic).
"""

from __future__ import annotations

from collections import Counter

import pytest
import sympy
from mpmath import mp
from mpmath.ctx_iv import MPIntervalContext
from sympy import Float, Rational, Symbol

from symbackprop.core.derivation import DPS, Partial, derive
from symbackprop.core.functions import half_squared_error, sigmoid
from symbackprop.core.network import Network
from symbackprop.notation.latex.parsed import Number, Parsed
from symbackprop.verification import mpvalue, oracle, rounding, zero_factors
from symbackprop.verification.claims import pointwise, scaled, written
from symbackprop.verification.names import Names
from symbackprop.verification.oracle import Oracle
from symbackprop.verification.zero_factors import ZeroFactors

R = Rational
x, y, w, v, a, out, L = sympy.symbols("x y w v a out L", real=True)


def _oracle() -> Oracle:
    net = Network(
        [(a, sigmoid(w * x)), (out, v * a), (L, half_squared_error(out, y))],
        inputs=[x],
        targets=[y],
        parameters=[w, v],
        values={x: R(1), y: R(0), w: R(1, 10), v: R(1, 2)},
        learning_rate=R(1, 10),
    )
    return Oracle(derive(net), Names(net), {}, seed=3)


def test_a_names_value_is_converted_once_per_evaluation(monkeypatch):
    """The second side at the same evaluation reads its names' values already converted: the
    oracle's own lookup (``_leaf``) runs once per name and evaluation, not once per side."""
    o = _oracle()
    calls: list[object] = []
    leaf = Oracle._leaf
    monkeypatch.setattr(Oracle, "_leaf", lambda self, *args: calls.append(args[0]) or leaf(self, *args))
    sides = [(out - y) * v, (out - y) * a, a * (1 - a) * x, Partial(L, out) * v]
    for ev in [o.point, *o.randoms]:
        first = [o.value(side, ev, {}) for side in sides]
        assert [o.value(side, ev, {}) for side in sides] == first
    names = {out, y, v, a, x, Partial(L, out)}
    assert Counter(map(str, calls)) == {str(n): 1 + len(o.randoms) for n in names}
    for side in sides:  # the value itself: SymPy's, at the point's own numbers
        want = o.resolve(side, o.point).evalf(40)
        assert abs(o.value(side, o.point, {}) - want) <= R(1, 10**27) * max(1, abs(want))


def test_a_written_number_is_its_own_value_at_every_evaluation():
    """A side's written numbers are never taken from the remembered names' values (placeholders
    are the side's own): the same placeholder stands for two numbers on two sides."""
    o = _oracle()
    n = Symbol("n0", real=True)
    one = o.value(n * out, o.point, {n: Number(R(2), 0, "2")})
    three = o.value(n * out, o.point, {n: Number(R(3), 0, "3")})
    assert three == Float(one * R(3, 2), DPS)


def test_the_walk_finds_a_rule_once_per_class(monkeypatch):
    """Evaluating many expressions looks the rule of each node class up once (a dict by class, not
    an ``isinstance`` chain per node)."""
    found: list[type] = []
    rule = mpvalue._rule
    monkeypatch.setattr(mpvalue, "_RULES", {})
    monkeypatch.setattr(mpvalue, "_rule", lambda cls: found.append(cls) or rule(cls))
    leaves = {x: Float("0.25", DPS), y: R(3, 4)}
    for k in range(1, 40):
        expr = (x - k * y) ** 2 / k + sympy.exp(-x * y)
        want = expr.xreplace(leaves).evalf(45)
        got = mpvalue.evaluate(expr, leaves.get)
        assert abs(Rational(str(got)) - Rational(str(want))) <= R(1, 10**30) * max(1, abs(want))
    assert len(found) == len(set(found))


def _counting_prec(monkeypatch) -> list[int]:
    """Every setting of ``mp.prec`` (made while the test runs)."""
    sets: list[int] = []
    cls = type(mp)
    prop = cls.prec
    monkeypatch.setattr(cls, "prec", property(prop.fget, lambda ctx, n: sets.append(n) or prop.fset(ctx, n)))
    return sets


INTERVALS = {
    "positive": ("0.5245", "0.5255"),
    "around zero": ("-0.0005", "0.0015"),
    "negative": ("-2.40001427", "-2.40001425"),
    "large": ("71.77015", "71.77025"),
}


@pytest.mark.parametrize(("low", "high"), INTERVALS.values(), ids=INTERVALS.keys())
def test_interval_operations_set_no_precision(monkeypatch, low, high):
    """``contains``, ``overlap``, ``hull``, ``widen``, ``carry`` and ``shown`` work on raw numbers at
    the interval precision: ``mp.prec`` is never set, and each result is what mpmath's own interval
    arithmetic at 40 digits gives (an independent route)."""
    box = rounding.IV.mpf([low, high])
    r = rounding.Rounding("round")
    sets = _counting_prec(monkeypatch)
    inside, outside = (Float(low, DPS) + Float(high, DPS)) / 2, Float(high, DPS) + Float("1e-3", DPS)
    for _ in range(2):  # the second time, every number made once (points, widths) is made already
        sets.clear()
        got_in, got_out = rounding.contains(box, inside), rounding.contains(box, outside)
        got_overlap = rounding.overlap(box, rounding.point(R(high) + R(1, 10**30)))
        got_hull = rounding.hull(box, R(high) + 1)
        got_widen = r.widen(box, 4)
        r.carry(R(high) + 1, box)
        r.carry(-R(high) - 1, -box)
        got_shown = r.shown(Number(R(high) + 1, 4, ""))
    assert sets == []
    assert (got_in, got_out, got_overlap) == (True, False, True)
    mpiv = MPIntervalContext()  # mpmath's own interval arithmetic, at 40 digits
    mpiv.dps = 40
    with mp.workdps(40):
        top = mp.mpf(int(R(high).p + R(high).q)) / int(R(high).q)  # high + 1, to nearest
        assert got_hull._mpi_ == mpiv.mpf([box.a, top])._mpi_
        h = mp.mpf(1) / 2 / mp.mpf(10) ** 4 + rounding.NOISE
        assert got_widen._mpi_ == mpiv.mpf([mp.mpf(box.a) - h, mp.mpf(box.b) + h])._mpi_
        half = mpiv.mpf(1) / 2 / mpiv.mpf(10) ** 4
        own = mpiv.mpf(int(R(high).p + R(high).q)) / int(R(high).q) + mpiv.mpf([-half.b, half.b])
        assert got_shown._mpi_ == mpiv.mpf([min(own.a, box.a), max(own.b, box.b)])._mpi_


def test_a_true_value_as_an_interval_is_the_number_itself():
    """``fresh_point`` of a 30-digit Float is the interval of width zero at its own digits (what
    ``point`` keeps), made without SymPy's 40-digit Float."""
    value = Float("0.5249791874789399", DPS)
    assert rounding.fresh_point(value)._mpi_ == (value._mpf_, value._mpf_)
    assert rounding.fresh_point(value)._mpi_ == rounding._point(value)._mpi_
    assert rounding.fresh_point(R(1, 3))._mpi_ == rounding.point(R(1, 3))._mpi_


def test_an_update_is_computed_once_per_evaluation(monkeypatch):
    """``w − η ∂L/∂w`` at an evaluation is computed once (the chain's truth, then the timeline's
    update read it again), and equals SymPy's arithmetic on the point's numbers."""
    o = _oracle()
    reads: list[object] = []
    lr = Oracle.lr
    monkeypatch.setattr(Oracle, "lr", lambda self, ev: reads.append(ev) or lr(self, ev))
    first = o.true_value(("update", w), o.point)
    assert o.true_value(("update", w), o.point) is first
    assert len(reads) == 1
    want = o.point.values[w] - Float(R(1, 10), DPS) * o.point.adjoints[w]
    assert first == want


def test_each_factor_is_decided_once(monkeypatch):
    """Whether a factor is 0 in the network is decided once per factor, however many lines use it."""
    net = _oracle().network
    asked: list[object] = []
    independent = zero_factors.independent
    monkeypatch.setattr(
        zero_factors, "independent", lambda f, *rest: asked.append(f) or independent(f, *rest)
    )
    zero = ZeroFactors(net, True, {}, frozenset(net.symbols), {}, lambda n: _under(net, n))
    factors = [Partial(a, v), Partial(out, a), x, Partial(a, w)]
    assert [zero(f) for f in factors * 5] == [True, False, False, False] * 5
    assert len(asked) == len(factors)


def _under(net: Network, node: Symbol) -> set[Symbol]:
    seen: set[Symbol] = set()
    stack = [node]
    while stack:
        for s in net.definition[n].free_symbols if (n := stack.pop()) in net.definition else ():
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return seen


class _Walked(Parsed):
    """A side that fails the test if its expression is walked."""

    def atoms_of(self, *types: type) -> set:
        pytest.fail("the side was walked")


def test_a_formula_without_written_numbers_is_not_walked_for_them():
    """``pointwise`` asks nothing of a formula that writes no number (most formulas)."""
    assert pointwise(_Walked(Partial(L, a) * v)) is False
    n = Symbol("n0", real=True)
    assert pointwise(Parsed(Partial(L, a) * n, {n: Number(R(1), 0, "1")})) is True


def test_scaling_by_one_is_no_multiplication():
    """A quantity judged as itself keeps its own number (the same object); SymPy's special case of
    a zero Float, which it makes the Integer 0, is kept."""
    value = Float("0.25", DPS)
    assert scaled(sympy.S.One, value) is value
    assert scaled(sympy.S.NegativeOne, value) == -value
    zero = Float(0, DPS)
    assert scaled(sympy.S.One, zero) == sympy.S.One * zero
    assert type(scaled(sympy.S.One, zero)) is type(sympy.S.One * zero)


def test_a_shown_number_is_read_once_per_side(monkeypatch):
    """``written`` reads a bare side's number once, however many times judging asks."""
    n = Symbol("n0", real=True)
    side = Parsed(-n, {n: Number(R(5250, 10000), 4, "0.5250")})
    exact = Parsed.exact
    reads: list[object] = []
    monkeypatch.setattr(Parsed, "exact", lambda self: reads.append(self) or exact(self))
    assert [written(side) for _ in range(4)] == [R(-21, 40)] * 4
    assert len(reads) == 1


def test_the_leaf_cache_is_bounded(monkeypatch):
    """The converted values are kept for at most ``KNOWN_EVALUATIONS`` evaluations."""
    o = _oracle()
    monkeypatch.setattr(oracle, "KNOWN_EVALUATIONS", 2)
    for ev in [o.point, *o.randoms, o.point, *o.randoms]:
        o.value(out * v, ev, {})
        assert len(o._known) <= 2


UPDATES = {
    "fraction": (R(1, 10), Float("0.1", DPS), Float("17.8977580291", DPS)),
    "integer": (R(2), Float("0.1", DPS), Float("-3.25", DPS)),
    "float": (Float("0.4999", DPS), Float("0.05", DPS), Float("1.0e-7", DPS)),
    "zero step": (R(1, 3), Float("0.1", DPS), Float(0, DPS)),
    "mixed precision": (Float("0.3", 15), Float("0.1", DPS), Float("2.5", 40)),
}


@pytest.mark.parametrize(("value", "lr", "gradient"), UPDATES.values(), ids=UPDATES.keys())
def test_an_update_is_what_sympy_computes(value, lr, gradient):
    """``w − η g`` without SymPy's dispatch is SymPy's own result: the same class, digits and
    precision (SymPy's arithmetic is the independent route)."""
    got, want = oracle._update(value, lr, gradient), value - lr * gradient
    assert type(got) is type(want)
    assert got == want
    assert getattr(got, "_mpf_", None) == getattr(want, "_mpf_", None)
    assert getattr(got, "_prec", None) == getattr(want, "_prec", None)


@pytest.mark.parametrize("text", ["0.5250", "-2.40001426", "71.7702", "1e-40", "7"])
def test_a_shown_number_as_a_float_is_sympys(text):
    """``dps_float`` of a written number is ``Float(value, DPS)``, digit for digit."""
    from symbackprop.verification.claims import dps_float

    value = Rational(text)
    got, want = dps_float(value), Float(value, DPS)
    assert type(got) is type(want) and got._mpf_ == want._mpf_ and got._prec == want._prec


def test_a_width_is_the_same_wherever_it_is_first_asked(monkeypatch):
    """The interval a number shown with d decimals stands for does not depend on the precision
    ``mp`` happens to have when it is first made (a one-number side is read outside the 40-digit
    context): its ends are ``±½·10⁻ᵈ`` at 40 digits, as mpmath's interval arithmetic makes them."""
    monkeypatch.setattr(rounding, "_WIDTHS", {})
    with mp.workprec(53):
        got = rounding.Rounding("round").interval(Symbol("n0"), {Symbol("n0"): Number(R(21, 40), 11, "")})
    ref = MPIntervalContext()
    ref.dps = 40
    h = (ref.mpf(1) / 2 / ref.mpf(10) ** 11).b
    with mp.workdps(40):
        assert got._mpi_ == (ref.mpf(R(21, 40).p) / R(21, 40).q + ref.mpf([-h, h]))._mpi_


def test_judging_freezes_the_heap_and_thaws_it(monkeypatch):
    """Judging a part runs with the objects that existed before it frozen (full collections skip
    them), and leaves nothing frozen."""
    import gc

    from symbackprop.verification import runner, verify

    seen: list[int] = []
    judged = runner._judged
    monkeypatch.setattr(
        runner, "_judged", lambda *a, **k: seen.append(gc.get_freeze_count()) or judged(*a, **k)
    )
    report = verify("doc.md", text="`x = 1.0`, `w = 0.5`\n\n$$z = x \\cdot w = 0.5$$\n", format="md")
    assert report.counts()["wrong"] == 0
    assert seen and all(n > 0 for n in seen)
    assert gc.get_freeze_count() == 0


def test_judging_never_undoes_the_callers_own_freeze():
    """A caller that froze its heap itself (a server before it forks) still has it frozen after
    verify, and verify judged all the same."""
    import gc

    from symbackprop.verification import verify

    gc.freeze()
    try:
        report = verify("doc.md", text="`x = 1.0`, `w = 0.5`\n\n$$z = x \\cdot w = 0.7$$\n", format="md")
        assert report.counts()["wrong"] == 1
        assert gc.get_freeze_count() > 0  # (a frozen object freed since has left: no exact count)
    finally:
        gc.unfreeze()
