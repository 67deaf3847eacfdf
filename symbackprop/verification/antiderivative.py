"""A function the document gives only by its derivative and a value: ``dL/dw = 2w - 6``, ``L(3) = 1``.

An exercise often states a loss through its slope, ``\\frac{dL}{dw} = 2w - 6``, and one
value, ``L(3) = 1``, then tabulates ``L(w)`` along a descent.  A careful reader recovers
``L(w) = w^2 - 6w + 10`` by integrating the stated derivative, with the constant fixed by
the stated values, and checks the table against it.  :class:`Antiderivatives` does the
same while the document is read: from the derivative's statement to the end of its
section (or the next derivative of the same function), the function is known as if the
document had written ``L(w) = w^2 - 6w + 10``, so that ``L(1.2) = 4.84`` and
``\\frac{dL}{dw}\\big|_{w=1.2} = -3.6`` are worked out and judged.

Only a derivative ``d F / d v`` of single letters, written with ``d`` (never ``\\partial``),
whose every other side is one and the same expression in ``v`` that SymPy integrates
exactly within a size bound (a polynomial, or a small elementary expression) is read.
The constant is fixed by the values ``F(a) = b`` the section states: those that agree on it
(within their last digit) fix it when they outnumber every other group of agreeing values;
when two groups tie (``L(3) = 1`` and ``L(0) = 12`` alone) nothing is known and each value
is not checked, saying so.  A function the document defines itself (``L(w) = …``,
``L = u^2``) is never replaced: its derivative is then a claim to judge, not a premise.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Iterator, Sequence

import sympy
from sympy import Expr, Float, Rational, Symbol

from ..errors import SymbackpropError
from ..output.printing import latex
from .documents import Fragment

__all__ = ["Antiderivatives", "Recovered", "constant_of", "integrated"]

#: The longest side read as a derivative's formula, and the most operations in it: bounded work.
MAX_SIDE = 120
MAX_OPS = 30

#: Digits of the arithmetic on non-polynomial antiderivatives.
DPS = 30

_D = r"(?:d|\\mathrm\s*\{\s*d\s*\}|\\text\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\})\s*"
#: ``\frac{dL}{dw}``, ``\dfrac{dL}{dw}``, ``dL/dw`` at the start of a fragment.
_DERIVATIVE = re.compile(
    rf"\s*(?:\\[dt]?frac\s*\{{\s*{_D}([A-Za-z])\s*\}}\s*\{{\s*{_D}([A-Za-z])\s*\}}"
    rf"|{_D}([A-Za-z])\s*/\s*{_D}([A-Za-z]))\s*"
)
_NUMBER = r"-?\d+(?:\.\d+)?"
#: ``L(3) = 1``, ``L(1.200) \approx 4.840``: a value at a number, as a fragment of its own.
_VALUE = re.compile(rf"\s*([A-Za-z])\s*\(\s*({_NUMBER})\s*\)\s*(?:=|\\approx|≈)\s*({_NUMBER})\s*")
#: ``L(`` at the start of a side: a value at a point (whose statements a tie leaves not checked).
_AT = r"\s*{}\s*\(\s*{}\s*\)"


@dataclasses.dataclass(frozen=True)
class Recovered:
    """A function recovered from its stated derivative, over the fragments ``[start, end)``.

    Attributes:
        name: The function's letter (``L``).
        arg: Its argument's letter (``w``).
        body: The function in LaTeX (``w^{2} - 6 w + 10``), or ``None`` when its values disagree.
        why: When ``body`` is ``None``, why the values at points are not checked.
        start: The first fragment (index) where it is known.
        end: The fragment where it is no longer known.
    """

    name: str
    arg: str
    body: str | None
    why: str | None
    start: int
    end: int


@functools.lru_cache(maxsize=256)
def integrated(f: Expr, v: Symbol) -> Expr | None:
    """An antiderivative of ``f`` in ``v`` (constant 0), exact, or ``None`` beyond the size bound or
    when SymPy leaves an integral."""
    if sympy.count_ops(f) > MAX_OPS:
        return None
    if f.is_polynomial(v):
        return sympy.Poly(f, v).integrate().as_expr()
    from sympy.integrals.manualintegrate import manualintegrate  # 20 ms to import: for integrals only

    try:
        big = manualintegrate(f, v)
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return None
    return None if big.has(sympy.Integral) else big


def constant_of(values: Sequence[tuple[Expr, Rational, int]]) -> Rational | None:
    """The constant that the most values ``(F(a), b, decimals of b)`` agree on, each ``b`` standing for
    ``± ½`` unit of its last digit (an integer for itself), as the shortest decimal they all allow;
    ``None`` when no group of agreeing values outnumbers every other (a tie, or nothing)."""
    spans = [_span(at, b, d) for at, b, d in values]
    best = _most_overlapping(spans)
    if best is None:
        return None
    lo, hi, inside = best
    others = [s for k, s in enumerate(spans) if k not in inside]
    second = _most_overlapping(others)
    if second is not None and len(second[2]) >= len(inside):
        return None
    return _shortest(lo, hi)


def _span(at: Expr, b: Rational, decimals: int) -> tuple[Rational, Rational]:
    half = Rational(1, 2 * 10**decimals) if decimals else Rational(0)
    c = b - (Rational(at) if at.is_Rational else Rational(str(at.evalf(DPS))))
    return c - half, c + half


def _most_overlapping(
    spans: Sequence[tuple[Rational, Rational]],
) -> tuple[Rational, Rational, set[int]] | None:
    """The stretch most spans cover, with which spans cover it (the first such, by its left end)."""
    best: tuple[Rational, Rational, set[int]] | None = None
    for lo, _ in spans:
        inside = {k for k, (a, b) in enumerate(spans) if a <= lo <= b}
        if best is None or len(inside) > len(best[2]):
            hi = min(spans[k][1] for k in inside)
            best = (lo, hi, inside)
    return best


def _shortest(lo: Rational, hi: Rational) -> Rational:
    """The decimal with the fewest places in ``[lo, hi]``."""
    mid = (lo + hi) / 2
    for places in range(0, 16):
        x = Rational(round(mid * 10**places), 10**places)
        if lo <= x <= hi:
            return x
    return mid


class Antiderivatives:
    """The functions a document gives by their derivative, known over their stretch of fragments.

    Args:
        fragments: The document's fragments, one per row, in order.
        headings: The lines of the document's headings (a stretch ends at the next one).
    """

    def __init__(self, fragments: Sequence[Fragment], headings: Sequence[int]) -> None:
        self.found = list(_recovered(fragments, headings))
        self._starts: dict[int, list[int]] = {}
        self._ends: dict[int, list[int]] = {}
        for k, r in enumerate(self.found):
            self._starts.setdefault(r.start, []).append(k)
            self._ends.setdefault(r.end, []).append(k)
        self._ties = [r for r in self.found if r.why is not None]
        self._saved: dict[int, dict[str, list[str] | None]] = {}

    def enter(self, index: int, functions: dict[str, list[str]], body_key: str) -> None:
        """Before fragment ``index`` is read: forget each function whose stretch ends there, and make
        known in ``functions`` (``name -> [arg]``, ``body_key + name -> [body]``) each that starts there
        (unless the document defined that function itself before)."""
        for k in self._ends.get(index, ()):
            for key, old in self._saved.pop(k, {}).items():
                if old is None:
                    functions.pop(key, None)
                else:
                    functions[key] = old
        for k in self._starts.get(index, ()):
            r = self.found[k]
            if r.body is not None and body_key + r.name not in functions:
                self._saved[k] = {r.name: functions.get(r.name), body_key + r.name: None}
                functions[r.name], functions[body_key + r.name] = [r.arg], [r.body]

    def unknown_at(self, index: int, sides: Sequence[str]) -> str | None:
        """Why a statement of fragment ``index`` whose first side is a value at a point (``L(3)``) of a
        function whose stated values disagree is not checked, or ``None``."""
        for r in self._ties:
            at = r.start <= index < r.end and sides
            if at and re.fullmatch(_AT.format(re.escape(r.name), _NUMBER), sides[0]):
                return r.why
        return None


# ------------------------------------------------------------------ reading


def _recovered(fragments: Sequence[Fragment], headings: Sequence[int]) -> Iterator[Recovered]:
    """Each function given by its derivative, known from the first fragment on its line to the end of
    its section or the next derivative of the same function (linear work in the fragments)."""
    found = [(k, d) for k, f in enumerate(fragments) if (d := _derivative(f.text)) is not None]
    if not found:
        return
    marks = sorted(headings)
    section = [bisect.bisect_right(marks, f.line) for f in fragments]
    defined = {(section[j], name) for j, f in enumerate(fragments) if (name := _defined(f.text))}
    first_on_line = _first_on_line(fragments)
    starts = [first_on_line[k] for k, _ in found]
    befores = _next_starts([d[0][0] for _, d in found], starts, len(fragments))
    for start, before, (k, ((name, arg), v, f)) in zip(starts, befores, found):
        if (section[k], name) in defined:
            continue
        end = k + 1
        while end < before and section[end] == section[k]:
            end += 1
        values = [x for frag in fragments[start:end] if (x := _value(frag.text, name))]
        r = _with_constant((name, arg), v, f, tuple(values))
        if r is not None:
            yield dataclasses.replace(r, start=start, end=end)


def _first_on_line(fragments: Sequence[Fragment]) -> list[int]:
    """For each fragment, the first fragment on its line."""
    out = list(range(len(fragments)))
    for j in range(1, len(fragments)):
        if fragments[j].line == fragments[j - 1].line:
            out[j] = out[j - 1]
    return out


def _next_starts(names: Sequence[str], starts: Sequence[int], last: int) -> list[int]:
    """For each derivative, where the next derivative of the same function starts (else ``last``)."""
    following: dict[str, int] = {}
    out = []
    for name, start in zip(reversed(names), reversed(starts)):
        out.append(following.get(name, last))
        following[name] = start
    return out[::-1]


def _defined(text: str) -> str | None:
    """The letter a fragment ``L(w) = …`` or ``L = …`` defines (not a value at a number), or ``None``."""
    m = re.match(r"\s*([A-Za-z])\s*(\(\s*[A-Za-z][^()=]*\))?\s*(=|:=|\\coloneqq)", text[:200])
    return m.group(1) if m is not None else None


@functools.lru_cache(maxsize=1 << 12)  # a derivative written again is read once
def _derivative(text: str) -> tuple[tuple[str, str], Symbol, Expr] | None:
    """``((F, v), v, f)`` for a fragment ``\\frac{dF}{dv} = f(v)`` whose every other side is the same
    expression in ``v`` alone, or ``None``."""
    m = _DERIVATIVE.match(text) if len(text) <= 4 * MAX_SIDE else None
    if m is None:
        return None
    from ..core.functions import FUNCTIONS
    from ..notation.latex_input import parse_math, split_relations

    name, arg = m.group(1) or m.group(3), m.group(2) or m.group(4)
    v = Symbol(arg)
    try:
        chains = split_relations(text)
        sides = chains[0][0] if len(chains) == 1 and set(chains[0][1]) == {"="} else []
        if _DERIVATIVE.fullmatch(sides[0] if sides else "") is None:
            return None
        exprs = {parse_math(s, Symbol, FUNCTIONS).exact() for s in sides[1:] if len(s) <= MAX_SIDE}
    except SymbackpropError:
        return None
    if len(exprs) != 1 or len(sides) < 2:
        return None
    (f,) = exprs
    if f.free_symbols - {v} or f.atoms(sympy.Function) - f.atoms(sympy.exp, sympy.log):
        return None
    return (name, arg), v, f


def _value(text: str, name: str) -> tuple[Rational, Rational, int] | None:
    """``(a, b, decimals of b)`` for a fragment ``name(a) = b``."""
    m = _VALUE.fullmatch(text) if len(text) <= 80 else None
    if m is None or m.group(1) != name:
        return None
    b = m.group(3)
    return Rational(m.group(2)), Rational(b), len(b.partition(".")[2])


@functools.lru_cache(maxsize=256)  # the same derivative and values again: the same function
def _with_constant(
    key: tuple[str, str], v: Symbol, f: Expr, values: Sequence[tuple[Rational, Rational, int]]
) -> Recovered | None:
    """The function ``∫ f dv + C`` with ``C`` fixed by ``values``, as LaTeX that reads back as itself."""
    name, arg = key
    if not values:
        return None
    F = integrated(f, v)
    if F is None:
        return None
    at = [F.xreplace({v: a}) for a, _, _ in values]
    if not all(x.is_real and x.is_finite for x in at):
        return None
    c = constant_of([(x, b, d) for x, (_, b, d) in zip(at, values)])
    if c is None:
        shown = ", ".join(f"{name}({a}) = {b}" for a, b, _ in values)
        why = (
            f"not checked: the values stated for {name} ({shown}) disagree on the constant of "
            f"{name}, an antiderivative of d{name}/d{arg} = {sympy.sstr(f)}, and none outnumbers the others"
        )
        return Recovered(name, arg, None, why, 0, 0)
    body = latex(F + c, exp="function")  # a number put in for x is never read as e^{(1)}
    return Recovered(name, arg, body, None, 0, 0) if _reads_back(body, F + c, v) else None


@functools.lru_cache(maxsize=256)
def _reads_back(body: str, expected: Expr, v: Symbol) -> bool:
    """Whether the LaTeX reader reads ``body`` as ``expected``, and ``body`` with a number put in for
    its argument (as a value at a point is written out) as ``expected`` there."""
    from ..core.functions import FUNCTIONS
    from ..notation.latex_input import parse_math

    at = Rational(3, 2)
    alone = rf"(?<![A-Za-z\\]){v.name}(?![A-Za-z_])"
    try:
        got = parse_math(body, Symbol, FUNCTIONS).exact()
        there = parse_math(re.sub(alone, "(1.5)", body), Symbol, FUNCTIONS).exact()
    except SymbackpropError:
        return False
    if got.free_symbols - {v} or there.free_symbols:
        return False
    gaps = [(got - expected).xreplace({v: p}) for p in (Rational(3, 7), Rational(11, 5))]
    gaps.append(there - expected.xreplace({v: at}))
    return all(g == 0 or abs(g.evalf(DPS)) < Float("1e-20") for g in gaps)
