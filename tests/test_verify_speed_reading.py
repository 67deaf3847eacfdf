"""Counting tests (not timed) for verify's reading of a document: each repeated cost that was removed
stays removed, and each shortcut gives what the long way gives."""

from __future__ import annotations

import pytest
import sympy

import symbackprop.notation.latex_input as latex_input
from symbackprop.errors import InputError
from symbackprop.notation.latex import adapter
from symbackprop.verification import statements
from symbackprop.verification.statements import Statement, _lhs_key, lhs_keys

FUNCTIONS = {"f": ["x"], "=f": ["x^2"]}

QUICK_SIDES = [
    "z_{1}",
    "w_1",
    " a_{12} ",
    "e_{3}",
    "f_1",  # a function's name: parsed
    r"\frac{\partial L}{\partial w_{1}}",
    r"\frac{\partial a_{2}}{\partial z_2}",
    r"\frac{\partial L}{\partial L}",
    r"\frac{\partial f}{\partial x}",  # a function's name: parsed
]


@pytest.mark.parametrize("side", QUICK_SIDES, ids=range(len(QUICK_SIDES)))
def test_first_side_key_without_parsing_is_the_parsed_key(side, monkeypatch):
    quick = _lhs_key(side, FUNCTIONS)
    monkeypatch.setattr(statements, "_quick_lhs_key", lambda s, f: None)
    assert quick == _lhs_key(side, FUNCTIONS)


def test_names_and_derivatives_on_the_left_are_not_parsed_again(monkeypatch):
    calls: list[str] = []
    real = latex_input.parse_math

    def counting(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(latex_input, "parse_math", counting)
    rows = [
        Statement(1, 1, "", ["z_{1}", "w_{1} x", "0.5"], ["=", "="]),
        Statement(2, 2, "", [r"\frac{\partial L}{\partial w_{1}}", "x", "1"], ["=", "="]),
        Statement(3, 3, "", ["a_1^{+}", "a_1 - 1"], ["="]),
        Statement(4, 4, "", ["a_1^{*}", "a_1 - 2"], ["="]),
    ]
    keys = lhs_keys(rows, {})
    assert calls == ["a_1^{*}"]  # only the side no shortcut knows
    monkeypatch.setattr(statements, "_quick_lhs_key", lambda s, f: None)
    assert lhs_keys(rows, {}) == keys
    assert len(calls) == 5


def test_a_side_is_substituted_in_one_walk(monkeypatch):
    v1, v2, x = sympy.symbols("v_1 v_{2} x")
    raw = sympy.sin(v1) * v2 + v1**2
    table = {1: x, 2: sympy.Integer(3)}
    assert adapter._walk(raw, table) is not None  # no free_symbols walk
    walks: list[tuple] = []
    atoms = sympy.Basic.atoms
    monkeypatch.setattr(sympy.Basic, "atoms", lambda self, *t: walks.append(t) or atoms(self, *t))
    assert adapter._substitute(raw, table) == 3 * sympy.sin(x) + x**2
    assert walks == []


CASES = {
    "unreadable": (sympy.Symbol("q") + sympy.Symbol("v_1"), "cannot read 'q'"),
    "unknown placeholder": (sympy.Symbol("v_9"), "cannot read 'v_9'"),
    "stray float": (sympy.Symbol("v_1") + sympy.Float(0.5), "misread"),
    "stray function": (sympy.Function("g")(sympy.Symbol("v_1")), "misread"),
}


@pytest.mark.parametrize("raw, message", CASES.values(), ids=CASES.keys())
def test_one_walk_refuses_what_the_long_way_refuses(raw, message):
    with pytest.raises(InputError, match=message):
        adapter._substitute(raw, {1: sympy.Symbol("x")})


def test_a_node_that_binds_names_takes_the_long_way():
    i, v1 = sympy.Symbol("v_2"), sympy.Symbol("v_1")
    raw = sympy.Sum(v1 * i, (i, 1, 3))
    # the bound index is replaced only where it is free: nowhere
    got = adapter._substitute(raw, {1: sympy.Symbol("x"), 2: sympy.Symbol("y")})
    assert got == sympy.Sum(sympy.Symbol("x") * i, (i, 1, 3))


def test_a_sides_partials_and_names_are_walked_once(monkeypatch):
    from symbackprop.core.derivation import Partial
    from symbackprop.notation.latex.parsed import Parsed

    L, w, a = sympy.symbols("L w a")
    p = Parsed(Partial(L, a) * a + w)
    walks: list[tuple] = []
    atoms = sympy.Basic.atoms
    monkeypatch.setattr(sympy.Basic, "atoms", lambda self, *t: walks.append(t) or atoms(self, *t))
    for _ in range(3):
        assert p.atoms_of(Partial) == {Partial(L, a)}
        assert p.free() == {a, w}
    assert walks == [(Partial,)]
    assert p.free() == p.expr.free_symbols


SUBSCRIPTS = {
    "digits": "12",
    "letters": "ij",
    "word": r"\text{total}",
    "accent": r"\hat{y}",
    "spaced": "1, 2",
}


@pytest.mark.parametrize("text", SUBSCRIPTS.values(), ids=SUBSCRIPTS.keys())
def test_a_plain_subscript_is_read_as_written(text):
    from symbackprop.notation.latex.tokens import subscript

    expected = {"12": "12", "ij": "ij", r"\text{total}": "total", r"\hat{y}": "y_hat", "1, 2": "12"}[text]
    assert subscript(list(text)) == expected


SHORTHAND = r"""`x = 1.0`, `y = 0.0`, learning rate `0.1`, `w_1 = 0.1`, `v_1 = 0.5`

$$z_{1} = w_{1} x = 0.1$$

$$a_{1} = \sigma(z_{1}) \approx 0.5250$$

$$s_{1} = v_{1} a_{1}$$

$$out = s_{1}$$

$$L = \frac{1}{2}(out - y)^2$$

$$\frac{\partial L}{\partial a_{1}} = (out - y) v_{1} \approx 0.1312$$

$$\frac{\partial L}{\partial v_{1}} = (out - y) a_{1} \approx 0.1378$$
"""


def test_a_side_using_a_shorthand_is_valued_without_sympy(monkeypatch):
    """``(out - y) v_1`` with ``out`` a shorthand: written out, then walked with mpmath, never
    resolved and evaluated by SymPy."""
    from symbackprop.verification import oracle
    from symbackprop.verification.runner import verify

    calls: list[object] = []
    real = oracle.number
    monkeypatch.setattr(oracle, "number", lambda e: calls.append(e) or real(e))
    report = verify("shorthand.md", text=SHORTHAND)
    assert calls == []
    # (out - y) v_1 = 0.5 σ(0.1) · 0.5 and (out - y) a_1 = 0.5 σ(0.1)^2, by hand: both hold
    sig = 1 / (1 + __import__("math").exp(-0.1))
    assert round(0.25 * sig, 4) == 0.1312 and round(0.5 * sig**2, 4) == 0.1378
    assert not [f for f in report.findings if f.status.name == "WRONG"]


def test_whether_a_side_is_numbers_only_is_worked_out_once(monkeypatch):
    from symbackprop.notation.latex.parsed import Parsed

    x = sympy.Symbol("x")
    calls: list[object] = []
    real = statements._numbers_only
    monkeypatch.setattr(statements, "_numbers_only", lambda e, p: calls.append(e) or real(e, p))
    name, formula = Parsed(x), Parsed(2 * x)
    assert [statements.is_number(p) for p in (name, formula, name, formula, name)] == [False] * 5
    assert calls == [x, 2 * x]


def test_a_skeleton_shared_by_sides_is_parsed_once(monkeypatch):
    from symbackprop.notation.latex import skeleton

    built: list[str] = []
    real = skeleton._Skeleton
    monkeypatch.setattr(skeleton, "_Skeleton", lambda text: built.append(text) or real(text))
    monkeypatch.setattr(skeleton, "_PARSED", {})
    a, b, c = sympy.symbols("v_1 v_2 v_3")
    for _ in range(3):
        assert skeleton.parse_skeleton("( v_{1}  -  v_{2} )  v_{3} ") == (a - b) * c
        assert skeleton.parse_skeleton(r"\int v_{1}") is None  # not a skeleton: remembered as such
    assert built == ["( v_{1}  -  v_{2} )  v_{3} ", r"\int v_{1}"]


def test_a_skeleton_shared_by_sides_is_walked_once(monkeypatch):
    walked: list[object] = []
    real = adapter._shape
    monkeypatch.setattr(adapter, "_shape", lambda raw: walked.append(raw) or real(raw))
    monkeypatch.setattr(adapter, "_SHAPES", {})
    v1, v2, x, y = sympy.symbols("v_1 v_2 x y")
    raw = (v1 - v2) * v1
    for table, expected in [({1: x, 2: y}, (x - y) * x), ({1: y, 2: x}, (y - x) * y)]:
        assert adapter._substitute(raw, table) == expected
    assert walked == [raw]


def test_the_rounding_width_of_a_number_of_decimals_is_made_once(monkeypatch):
    from fractions import Fraction

    from symbackprop.verification import rounding

    monkeypatch.setattr(rounding, "_WIDTHS", {})
    r = rounding.Rounding("round")
    a = r._rounded(sympy.Rational(711, 1000), 3)
    b = r._rounded(sympy.Rational(-188, 1000), 3)
    assert len(rounding._WIDTHS) == 1
    # 0.711 stands for [0.7105, 0.7115] and -0.188 for [-0.1885, -0.1875] (units 1/2 of the last digit)
    for iv, (low, high) in [(a, ("0.7105", "0.7115")), (b, ("-0.1885", "-0.1875"))]:
        lo, hi = Fraction(str(rounding.lo(iv))), Fraction(str(rounding.hi(iv)))
        assert abs(lo - Fraction(low)) < Fraction(1, 10**12) and abs(hi - Fraction(high)) < Fraction(
            1, 10**12
        )
