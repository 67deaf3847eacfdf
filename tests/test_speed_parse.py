"""Reading each side into SymPy does its work once and cheaply (counting tests, no timings).

The placeholders of a side's skeleton are replaced without SymPy re-flattening plain
products and sums (:mod:`symbackprop.notation.latex.replacing`, checked against
``xreplace``), a side's powers are found without SymPy's traversal, and a short side is
not measured for nesting.
"""

from __future__ import annotations

import itertools
import random

import pytest
import sympy
from sympy import Add, Float, Function, Mul, Rational, S, Symbol, exp, pi, sin, sqrt

from symbackprop.core.derivation import Partial
from symbackprop.errors import InputError
from symbackprop.notation.latex import parse_math, reader, replacing
from symbackprop.notation.latex.context import remembered
from symbackprop.notation.latex.vocabulary import name_key

_v = sympy.symbols("v_1:5")
_x, _y, _z = sympy.symbols("x y z")
_f = Function("f")


def _same(a: sympy.Basic, b: sympy.Basic) -> bool:
    """The same tree: equal, of the same type, and printed the same by ``srepr``."""
    return a == b and type(a) is type(b) and sympy.srepr(a) == sympy.srepr(b)


@pytest.mark.parametrize(
    ("skeleton", "values"),
    [
        (Mul(_v[0], _v[1]), (_y, _x)),
        (Mul(_v[0], _v[1]), (_x, _x)),  # x*x -> x**2
        (Mul(_v[0], _v[1]), (_x, _x**2)),
        (Mul(_v[0], _v[1]), (Rational(1, 2), _x + _y)),  # a number times a sum is expanded
        (Mul(_v[0], _v[1], _v[2]), (Rational(-3), _x, _y + _z)),
        (Mul(_v[0], _v[1]), (exp(_x), exp(_y))),
        (Mul(_v[0], _v[1]), (sqrt(2), sqrt(3))),
        (Mul(_v[0], _v[1]), (pi, S.ImaginaryUnit)),
        (Mul(_v[0], _v[1]), (Float(0.5), _x)),
        (Mul(_v[0], _v[1]), (S.Zero, _x)),
        (Mul(_v[0], _v[1], _v[2]), (_f(_x), Partial(_z, _x), _y)),
        (Add(_v[0], -_v[1] * _v[2]), (_x, _y, _z)),
        (Add(_v[0], -_v[1]), (_x, _x)),  # x - x -> 0
        (Add(_v[0], -_v[1]), (Rational(1), _x)),
        (Add(_v[0], _v[1]), (2 * _x, 3 * _x)),
        (Add(_v[0], _v[1]), (Float(2.5) * _x, _x)),
        (Add(_v[0], _v[1]), (_x * _y, -_x * _y)),
        (Add(_v[0], _v[1]), (Mul(0, _x, evaluate=False), _y)),
        (Add(_v[0], _v[1]), (Mul(1, _x, _y, evaluate=False), _x * _y)),
        (Add(_v[0], _v[1], _v[2]), (Rational(1, 3), Rational(2, 3), _x)),
        (Mul(_v[0], Add(_v[1], -_v[2])), (_x, Rational(1), _x)),
        (sympy.Pow(Add(_v[0], _v[1]), 2), (_x, -_x)),
        (sin(Mul(_v[0], _v[1])), (_x, _y)),
    ],
    ids=lambda p: str(p),
)
def test_replaced_is_xreplace(skeleton, values):
    rule = dict(zip(_v, values))
    assert _same(replacing.replaced(skeleton, rule), skeleton.xreplace(rule))


def test_replaced_is_xreplace_on_random_trees():
    """Random skeletons over random values (numbers, sums, products, powers, functions)."""
    rng = random.Random(7)
    values = [_x, _y, _z, -_x, 2 * _x, _x * _y, -3 * _x * _y, _x + _y, _x + 1, _x**2, exp(_x), _f(_x)]
    values += [Rational(1, 2), S(-1), S.Zero, S.One, Float(1.5), pi, sqrt(2), Partial(_y, _x)]
    values += [Float(1.0) * _x, Mul(1, _x, evaluate=False), Mul(-1, _x + _y, evaluate=False)]

    def tree(depth: int) -> sympy.Expr:
        if depth > 2 or rng.random() < 0.3:
            return rng.choice([*_v, S(-1), Rational(1, 3)])
        op = rng.choice([Add, Mul, Mul, Add, sympy.Pow])
        if op is sympy.Pow:
            return sympy.Pow(tree(depth + 1), rng.choice([S(2), S(-1), Rational(1, 2)]))
        return op(*[tree(depth + 1) for _ in range(rng.randint(2, 4))])

    for _ in range(400):
        skeleton = tree(0)
        rule = {v: rng.choice(values) for v in _v}
        assert _same(replacing.replaced(skeleton, rule), skeleton.xreplace(rule)), (skeleton, rule)


_fresh = itertools.count(91_000)


def _names() -> dict[str, Symbol]:
    """A table of names never seen before in this process, so that SymPy's cache cannot answer."""
    n = next(_fresh)
    return {name_key(b, str(n)): Symbol(f"{b}_{n}", real=True) for b in "wazx"} | {"eta": Symbol("eta")}


def _count_flatten(monkeypatch) -> list[str]:
    calls: list[str] = []
    for cls in (Mul, Add):
        real = cls.flatten.__func__

        def counted(c, seq, _real=real):
            calls.append(c.__name__)
            return _real(c, seq)

        monkeypatch.setattr(cls, "flatten", classmethod(counted))
    return calls


@pytest.mark.parametrize(
    ("side", "want"),
    [
        ("w_{N} x_{N}", lambda w, a, z, x, eta: w * x),
        (r"w_{N} - \eta a_{N} z_{N}", lambda w, a, z, x, eta: w - eta * a * z),
        ("(w_{N} - x_{N}) a_{N}", lambda w, a, z, x, eta: (w - x) * a),
        ("a_{N}(1 - a_{N})", lambda w, a, z, x, eta: a * (1 - a)),
    ],
    ids=["product", "update", "sum-times-name", "number-in-a-sum"],
)
def test_a_plain_side_is_built_without_sympy_flattening(monkeypatch, side, want):
    """Products and sums of distinct names (and a number) are put together directly: the side
    (and its exact value) is read without one call of ``Mul.flatten`` or ``Add.flatten`` (once its
    skeleton, shared by sides of the same shape, has been read)."""
    warm = _names()
    parse_math(side.replace("N", next(iter(warm)).split("_")[1]), warm.get, known=frozenset(warm))
    table = _names()
    n = next(iter(table)).split("_")[1]
    calls = _count_flatten(monkeypatch)
    exact = parse_math(side.replace("N", n), table.get, known=frozenset(table)).exact()
    assert calls == []
    monkeypatch.undo()
    w, a, z, x = (table[f"{b}_{n}"] for b in "wazx")
    assert _same(exact, want(w, a, z, x, table["eta"]))


def test_replacing_falls_back_to_sympy_when_terms_combine(monkeypatch):
    """``w x + w x`` combines: SymPy's own ``Add`` builds it (and gets ``2 w x``)."""
    table = _names()
    n = next(iter(table)).split("_")[1]
    calls = _count_flatten(monkeypatch)
    parsed = parse_math(f"w_{{{n}}} x_{{{n}}} + x_{{{n}}} w_{{{n}}}", table.get, known=frozenset(table))
    assert "Add" in calls
    w, x = table[f"w_{n}"], table[f"x_{n}"]
    assert parsed.exact() == 2 * w * x


def test_exact_finds_powers_without_sympy_traversal(monkeypatch):
    """``exact`` looks for powers of numbers (``9^{9^{9}}`` is refused) by its own walk."""
    table = _names()
    n = next(iter(table)).split("_")[1]
    parsed = parse_math(f"2^{{w_{{{n}}}}} + x_{{{n}}}^{{3}}", table.get, known=frozenset(table))

    def refused(*args, **kwargs):
        raise AssertionError("atoms walked")

    monkeypatch.setattr(sympy.Basic, "atoms", refused)
    w, x = table[f"w_{n}"], table[f"x_{n}"]
    assert parsed.exact() == 2**w + x**3
    with pytest.raises(InputError, match="too large"):
        parse_math("9^{9^{9}}", table.get).exact()


def test_a_short_side_is_not_measured_for_nesting(monkeypatch):
    """Each level of nesting takes a character: a side no longer than the limit is not measured."""
    measured: list[str] = []
    real = reader.nesting_depth
    monkeypatch.setattr(reader, "nesting_depth", lambda text: measured.append(text) or real(text))
    side = "(" * 49 + "xy" + ")" * 49  # 100 characters
    assert parse_math(side, Symbol).exact() == Symbol("x") * Symbol("y")
    assert measured == []
    with pytest.raises(InputError, match="nests 101 levels"):
        parse_math("(" * 101 + "x" + ")" * 101, Symbol)
    assert len(measured) == 1


def test_a_name_is_resolved_once_while_the_table_stays_the_same():
    """``remembered`` asks the resolver once per key; when the resolver records a new name (its
    table grows) the memory starts again, since an earlier answer may have changed."""
    table = {"w": Symbol("w")}
    asked: list[str] = []

    def resolve(key: str) -> Symbol:
        asked.append(key)
        if key == "eta" and "eta" not in table:
            return Symbol("learning_rate")  # not recorded: a later name may take the key
        return table.setdefault(key, Symbol(key))

    once = remembered(resolve, lambda: len(table))
    assert [once(k) for k in ("w", "w", "eta", "eta", "w")] == [Symbol("w"), Symbol("w")] + [
        Symbol("learning_rate")
    ] * 2 + [Symbol("w")]
    assert asked == ["w", "eta"]
    table["eta"] = Symbol("e_ta")  # the table grows: "eta" now names something else
    assert once("eta") == Symbol("e_ta")
    assert once("x") == Symbol("x")  # a new name, recorded
    assert once("x") == Symbol("x") and once("eta") == Symbol("e_ta")
    assert asked == ["w", "eta", "eta", "x", "eta"]


def _resolved_in_parsing(monkeypatch, count: int) -> list[str]:
    """The keys verify's parsing asks the document's names for, in a document of ``count`` chains."""
    from symbackprop.verification import runner, verify
    from symbackprop.verification.names import Names

    asked: list[str] = []
    real, parse_all = Names.resolve, runner.parse_all

    def counting(self: Names, key: str) -> Symbol:
        asked.append(key)
        return real(self, key)

    def marked(*args):
        asked.append("<parse_all>")
        parse_all(*args)
        asked.append("</parse_all>")

    monkeypatch.setattr(Names, "resolve", counting)
    monkeypatch.setattr(runner, "parse_all", marked)
    chain = "$$\\frac{\\partial L}{\\partial w} = (z - y) \\cdot x = 0.5 \\cdot 1 = 0.5$$\n"
    head = "`x = 1.0`, `w = 0.5`, `y = 0`\n\n$$z = x \\cdot w = 0.5$$\n\n$$L = \\frac{1}{2}(z - y)^2$$\n\n"
    verify("long.md", text=head + "\n".join([chain] * count), format="md")
    monkeypatch.undo()
    return asked[asked.index("<parse_all>") + 1 : asked.index("</parse_all>")]


def test_verify_resolves_a_name_written_again_from_memory(monkeypatch):
    """A document writes its names on many sides; parsing asks the document's names once per key
    (again after the table grew), not once per time a name is written."""
    few, many = _resolved_in_parsing(monkeypatch, 3), _resolved_in_parsing(monkeypatch, 30)
    assert set(many) == {"L", "w", "x", "y", "z"}
    assert many == few


def test_a_written_derivative_is_read_once_per_fraction(monkeypatch):
    """``\\frac{\\partial L}{\\partial w}`` is written on several sides (its value, a chain rule, an
    update): its differentials are read once per fraction, and its value is the same each time."""
    from symbackprop.notation.latex import derivatives

    derivatives._fraction_derivative.cache_clear()
    derivatives._lone_name.cache_clear()
    read: list[list[str]] = []
    real = derivatives.differential
    monkeypatch.setattr(derivatives, "differential", lambda toks: read.append(toks) or real(toks))
    table = _names()
    n = next(iter(table)).split("_")[1]
    w, a = table[f"w_{n}"], table[f"a_{n}"]
    table["L"] = Symbol("L")
    sides = [
        rf"\frac{{\partial L}}{{\partial w_{{{n}}}}}",
        rf"w_{{{n}}} - \eta \frac{{\partial L}}{{\partial w_{{{n}}}}}",
    ]
    sides.append(rf"\frac{{\partial L}}{{\partial a_{{{n}}}}} \frac{{\partial L}}{{\partial w_{{{n}}}}}")
    values = [parse_math(side, table.get, gradient=Partial, known=frozenset(table)).exact() for side in sides]
    L = table["L"]
    assert values == [Partial(L, w), w - table["eta"] * Partial(L, w), Partial(L, a) * Partial(L, w)]
    assert len(read) == 2 * 2  # two distinct fractions, a numerator and a denominator each
    assert derivatives._lone_name.cache_info().misses == 1  # "L" each time


def test_a_side_of_one_placeholder_needs_no_skeleton(monkeypatch):
    """A side that is one name, one number or one derivative is what its placeholder stands for:
    no skeleton is parsed for it."""
    from symbackprop.notation.latex import adapter

    parsed: list[str] = []
    real = adapter.parse_skeleton
    monkeypatch.setattr(adapter, "parse_skeleton", lambda text: parsed.append(text) or real(text))
    table = _names()
    n = next(iter(table)).split("_")[1]
    side = parse_math(f"w_{{{n}}}", table.get, known=frozenset(table))
    assert side.exact() == table[f"w_{n}"]
    number = parse_math("0.25", table.get)
    assert number.exact() == Rational(1, 4) and next(iter(number.numbers.values())).decimals == 2
    assert parsed == []
    assert parse_math(f"2 w_{{{n}}}", table.get, known=frozenset(table)).exact() == 2 * table[f"w_{n}"]
    assert len(parsed) == 1


def test_a_number_written_again_is_converted_once():
    """``0.5`` written on many sides becomes its exact value once (a fresh symbol each time)."""
    from symbackprop.notation.latex import scanner

    scanner._exact.cache_clear()
    sides = [parse_math(text, Symbol) for text in ("0.5", "0.5 x", "x - 0.5", ".5")]
    half, x = Rational(1, 2), Symbol("x")
    assert [s.exact() for s in sides] == [half, x / 2, x - half, half]
    assert scanner._exact.cache_info().misses == 2  # "0.5" and ".5"


def test_verify_makes_each_written_derivative_once_in_parsing(monkeypatch):
    """``\\frac{\\partial L}{\\partial w}`` on many sides is one (immutable) atom, made once."""
    from symbackprop.verification import runner, verify

    made: list[tuple] = []
    real_new, parse_all = Partial.__new__, runner.parse_all
    in_parsing = [False]

    def counting(cls, of, wrt):
        if in_parsing[0]:
            made.append((of, wrt))
        return real_new(cls, of, wrt)

    def marked(*args):
        in_parsing[0] = True
        parse_all(*args)
        in_parsing[0] = False

    monkeypatch.setattr(Partial, "__new__", counting)
    monkeypatch.setattr(runner, "parse_all", marked)
    chain = "$$\\frac{\\partial L}{\\partial w} = (z - y) \\cdot x = 0.5 \\cdot 1 = 0.5$$\n"
    update = "$$w^{+} = w - 0.1 \\frac{\\partial L}{\\partial w} = 0.45$$\n"
    head = "`x = 1.0`, `w = 0.5`, `y = 0`\n\n$$z = x \\cdot w = 0.5$$\n\n$$L = \\frac{1}{2}(z - y)^2$$\n\n"
    verify("long.md", text=head + "\n".join([chain, update] * 10), format="md")
    assert len(made) == len(set(made)) == 1


@pytest.mark.parametrize(
    ("text", "want", "scanned"),
    [
        (r"\frac{\partial L}{\partial w_{1}} x", r"\frac{\partial L}{\partial w_{1}} x", False),
        ("a >= b", r"a  \geq  b", True),
        ("x != y", r"x  \neq  y", True),
        (r"d\_output", "d_{output}", True),
        (r"\left. x \right.", "  x  ", False),
    ],
    ids=["plain", "geq", "neq", "escaped-underscore", "invisible"],
)
def test_plain_text_is_not_scanned_for_ascii_shorthands(monkeypatch, text, want, scanned):
    """``>=``, ``<=``, ``!=`` and ``\\_`` are spelled as LaTeX; text without them is not scanned."""
    from symbackprop.notation.latex import glyphs

    scans: list[str] = []
    real = glyphs._ASCII

    class Counting:
        def sub(self, repl, s):
            scans.append(s)
            return real.sub(repl, s)

    monkeypatch.setattr(glyphs, "_ASCII", Counting())
    assert glyphs.spell_latex(text) == want
    assert bool(scans) is scanned


def test_tokens_are_the_same_with_common_characters_first():
    """The tokenizer tries the commonest one-character tokens first: the tokens do not change."""
    import re

    from symbackprop.notation.latex.tokens import tokenize

    plain = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|\.\d+|\s+|.", re.S)  # the order of kinds
    text = r"\frac{\partial L}{\partial w_{12}} = (out - y)^{2} \cdot 0.5, a' | b \{ c \} .5 + 12"
    assert tokenize(text) == plain.findall(text)
