"""The generalized delta rule (Rumelhart et al.), read where a document uses it without defining a loss.

A document that gives a network of weighted sums (``a_3 = w_{1,3} y_3 + w_{2,3} y_4``), its units'
outputs read back as the logistic function of those sums by the stated values (``y_5 = F(0.702) =
\\frac{1}{1 + e^{-0.702}}`` after ``a_3 = … = 0.702``), and an output δ of exactly the delta rule's
form ``δ_5 = y_5(1 − y_5)(y_{target} − y_5)`` -- f′(a)(t − y), which is −∂E/∂a for E = ½(t − y)² --
is read with that loss: an update ``Δw = η δ O`` (δ of the node the weight feeds, O the value it
multiplies there) and ``w(new) = w + Δw`` are judged against the true update −η ∂E/∂w, with η and the
target from the prose (``the learning rate is 1``, ``the target output is 0.5``).  A weight stated
only by its updated value (``w_{1,2}(new) = 0.273225``) is then a claim, no longer a given.

Rounding is a careful reader's: a stated update holds when it lies in the interval that the document's
own holding values of δ and O carry (``−0.0376 × 0.578``), or at the true value.  Whatever is not
read for sure (which unit is which, η, the target) leaves every line as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import sympy
from sympy import Add, Expr, Mul, Rational, Symbol

from .givens import role_values
from .names import Names
from .readback import substitution
from .report import Finding, Kind, Status
from .rounding import NoInterval, Rounding, hull, overlap, point
from .statements import Statement, is_name, is_number

__all__ = ["delta_rule_findings"]

#: How the loss is named in the findings.
LOSS = "the δ's form is the delta rule's for E = ½(t − y)²"


@dataclasses.dataclass
class _Net:
    """The network as read: weighted sums, unit outputs, leaf values, shown values and the δ's."""

    sums: dict[Symbol, Expr] = dataclasses.field(default_factory=dict)
    forms: dict[Symbol, Any] = dataclasses.field(default_factory=dict)  # each sum's Parsed definition
    outputs: dict[Symbol, Symbol] = dataclasses.field(default_factory=dict)  # y -> a, y = σ(a)
    values: dict[Symbol, Rational] = dataclasses.field(default_factory=dict)
    seen: dict[Symbol, set[Rational]] = dataclasses.field(default_factory=dict)  # substituted values
    shown: dict[Symbol, tuple[int, Any]] = dataclasses.field(default_factory=dict)  # (line, Parsed)
    deltas: dict[Symbol, Symbol] = dataclasses.field(default_factory=dict)  # δ -> a
    eta: Expr = sympy.S.Zero
    target: Expr = sympy.S.Zero
    out: Symbol | None = None

    def expr(self, a: Symbol, shift: Symbol | None = None, eps: Expr = sympy.S.Zero, depth: int = 0) -> Expr:
        """The sum ``a`` in the leaves (and ``eps`` added to the sum ``shift``)."""
        if depth > len(self.sums):
            raise _NotRead
        e = self.sums[a].xreplace(
            {
                y: 1 / (1 + sympy.exp(-self.expr(b, shift, eps, depth + 1)))
                for y, b in self.outputs.items()
                if y in self.sums[a].free_symbols
            }
        )
        return e + eps if a == shift else e

    def loss(self, shift: Symbol | None = None, eps: Expr = sympy.S.Zero) -> Expr:
        """E = ½(t − y)² of the output unit."""
        assert self.out is not None
        y = 1 / (1 + sympy.exp(-self.expr(self.outputs[self.out], shift, eps)))
        return Rational(1, 2) * (self.target - y) ** 2

    def true_delta(self, a: Symbol) -> Expr:
        """−∂E/∂a at the document's point."""
        eps = Symbol("_eps")
        return sympy.N((-sympy.diff(self.loss(a, eps), eps)).xreplace({eps: 0}).xreplace(self.values), 40)

    def value(self, q: Symbol) -> Expr:
        """A leaf's, a sum's, an output's or a δ's true value."""
        if q in self.values:
            return self.values[q]
        if q in self.sums:
            return sympy.N(self.expr(q).xreplace(self.values), 40)
        if q in self.outputs:
            return 1 / (1 + sympy.exp(-self.value(self.outputs[q])))
        return self.true_delta(self.deltas[q])


class _NotRead(Exception):
    """Something needed is not read for sure."""


def delta_rule_findings(
    statements: Sequence[Statement], findings: list[Finding], names: Names, text: str, policy: str
) -> list[Finding]:
    """``findings`` with the updates of a delta-rule document judged (see the module's docstring)."""
    try:
        net = _read(statements, names, text)
        if net is None:
            return findings
        return _judged(net, statements, findings, text, policy)
    except (_NotRead, NoInterval, TypeError, ValueError, ZeroDivisionError):
        return findings


# ------------------------------------------------------------------ reading


def _read(statements: Sequence[Statement], names: Names, text: str) -> _Net | None:
    """The network, the loss's target and η, or ``None`` where anything is not read for sure."""
    net = _Net()
    readable = [st for st in statements if not st.error and len(st.parsed) >= 2 and is_name(st.parsed[0])]
    for st in readable:
        lhs, rhs = st.parsed[0].expr, st.parsed[1]
        if not rhs.numbers and _weighted(rhs.expr):
            if net.sums.setdefault(lhs, rhs.expr) != rhs.expr:
                return None
            net.forms.setdefault(lhs, rhs)
    if not net.sums:
        return None
    for st in readable:
        _read_values(net, st, names)
    for st in readable:
        _read_output(net, st)
    if not _complete(net) or not _prose(net, text):
        return None
    _read_deltas(net, statements, text)
    return net if any(a == net.outputs[net.out] for a in net.deltas.values()) else None  # type: ignore[index]


def _weighted(expr: Expr) -> bool:
    """A weighted sum: at least two terms, each the product of two names."""
    terms = Add.make_args(expr)
    return len(terms) >= 2 and all(
        isinstance(t, Mul) and len(t.args) == 2 and all(isinstance(f, Symbol) for f in t.args) for t in terms
    )


def _read_values(net: _Net, st: Statement, names: Names) -> None:
    """The leaves' values a substituted sum shows, and the sum's shown value."""
    lhs = st.parsed[0].expr
    if lhs not in net.sums:
        return
    numeric = [p for p in st.parsed[1:] if is_number(p) and p.numbers]
    if numeric and len(numeric[-1].numbers) == 1:
        net.shown[lhs] = (st.line, numeric[-1])
    for p in numeric:
        for s, v in (substitution(net.forms[lhs], p, names) or {}).items():
            net.seen.setdefault(s, set()).add(v)


def _read_output(net: _Net, st: Statement) -> None:
    """``y = \\frac{1}{1 + e^{-c}}`` where ``c`` is the shown value of exactly one sum: y = σ(that sum)."""
    y = st.parsed[0].expr
    if y in net.sums:
        return
    for p in st.parsed[1:]:
        if not is_number(p) or len(p.numbers) != 3:
            continue
        for n in p.numbers.values():
            if p.exact() != 1 / (1 + sympy.exp(-n.value)):
                continue
            sums = [a for a, (_, s) in net.shown.items() if s.exact() == n.value]
            if len(sums) != 1 or net.outputs.setdefault(y, sums[0]) != sums[0]:
                raise _NotRead
            last = st.parsed[-1]
            if is_number(last) and len(last.numbers) == 1 and last is not p:
                net.shown[y] = (st.line, last)
            return


def _complete(net: _Net) -> bool:
    """Every name of every sum is a leaf with a value or a unit's output; one output unit."""
    if any(len(v) != 1 for s, v in net.seen.items() if s not in net.outputs):
        return False  # a leaf substituted with two values
    net.values = {s: next(iter(v)) for s, v in net.seen.items() if s not in net.outputs and s not in net.sums}
    for a, e in net.sums.items():
        if any(s not in net.values and s not in net.outputs for s in e.free_symbols):
            return False
        if list(net.outputs.values()).count(a) != 1:
            return False
    used = {s for e in net.sums.values() for s in e.free_symbols}
    last = [y for y in net.outputs if y not in used]
    if len(last) != 1:
        return False
    net.out = last[0]
    return True


def _prose(net: _Net, text: str) -> bool:
    """η and the target, each stated once (one value) in the prose."""
    found: dict[str, set[Rational]] = {}
    for role, values, _ in role_values(text):
        found.setdefault(role, set()).update(Rational(v.numerator, v.denominator) for v in values)
    rate, target = found.get("learning rate", set()), found.get("targets", set())
    if len(rate) != 1 or len(target) != 1:
        return False
    net.eta, net.target = next(iter(rate)), next(iter(target))
    return True


def _read_deltas(net: _Net, statements: Sequence[Statement], text: str) -> None:
    """The output δ of exactly the form y(1 − y)(t − y), then every δ whose definition is −∂E/∂a of
    exactly one sum at the point; each with its shown value (the ``= …`` line after it)."""
    known = set(net.sums) | set(net.outputs) | set(net.values)
    _output_delta(net, statements, text, known)
    for _ in range(len(net.sums)):
        _hidden_deltas(net, statements, text, known)


def _output_delta(net: _Net, statements: Sequence[Statement], text: str, known: set[Symbol]) -> None:
    """The δ written y(1 − y)(t − y) for the output unit y and a name t of no unit (the target)."""
    y = net.out
    for i, st in enumerate(statements):
        if st.error or len(st.parsed) < 2 or not is_name(st.parsed[0]) or st.parsed[0].expr in known:
            continue
        rhs = st.parsed[1].exact()
        others = rhs.free_symbols - {y}
        if y in rhs.free_symbols and len(others) == 1:
            t = next(iter(others))
            if t not in known and sympy.expand(rhs - y * (1 - y) * (t - y)) == 0:  # type: ignore[operator]
                _adopt(net, statements, i, text, net.outputs[y])  # type: ignore[index]


def _hidden_deltas(net: _Net, statements: Sequence[Statement], text: str, known: set[Symbol]) -> None:
    """Every δ whose definition, in the units and δ's read so far, is −∂E/∂a of exactly one sum."""
    for i, st in enumerate(statements):
        d = st.parsed[0].expr if not st.error and len(st.parsed) >= 2 and is_name(st.parsed[0]) else None
        if d is None or d in known or d in net.deltas:
            continue
        rhs = st.parsed[1].exact()
        if not rhs.free_symbols or not rhs.free_symbols <= known | set(net.deltas):
            continue
        at = rhs.xreplace({s: net.value(s) for s in rhs.free_symbols})
        hits = [a for a in net.sums if _same(at, net.true_delta(a))]
        if len(hits) == 1:
            _adopt(net, statements, i, text, hits[0])


def _same(a: Expr, b: Expr) -> bool:
    """Equal and nonzero, to 25 digits."""
    x, y = sympy.N(a, 30), sympy.N(b, 30)
    return bool(y != 0 and abs(x - y) <= abs(y) * Rational(1, 10**25))


def _adopt(net: _Net, statements: Sequence[Statement], i: int, text: str, a: Symbol) -> None:
    """δ (statement ``i``'s name) is the sum ``a``'s; its shown value is its own last side or the next
    line's, written as ``= …`` right below it."""
    st = statements[i]
    d = st.parsed[0].expr
    if net.deltas.setdefault(d, a) != a:
        raise _NotRead
    last = st.parsed[-1]
    if len(st.parsed) > 2 and is_number(last) and len(last.numbers) == 1:
        net.shown[d] = (st.line, last)
        return
    if i + 1 >= len(statements):
        return
    nxt = statements[i + 1]
    lines = text.split("\n")
    written = lines[nxt.line - 1].lstrip("> ").lstrip() if nxt.line <= len(lines) else ""
    ok = not nxt.error and nxt.line - st.block_end <= 3 and written.startswith("=")
    if ok and all(is_number(p) for p in nxt.parsed) and len(nxt.parsed[-1].numbers) == 1:
        net.shown[d] = (nxt.line, nxt.parsed[-1])


# ------------------------------------------------------------------ judging


def _judged(
    net: _Net, statements: Sequence[Statement], findings: list[Finding], text: str, policy: str
) -> list[Finding]:
    """The findings with every Δw and w(new) line judged against the true update."""
    rounding = Rounding(policy)
    status = {f.line: f for f in findings if f.row_of is None}
    out = {id(f): f for f in findings}
    steps: dict[Symbol, Any] = {}  # Δw's interval: carried from the shown δ and O, with the true one
    for new in (False, True):
        for st in statements:
            found = _update(net, st, new)
            if found is None or st.line not in status:
                continue
            w, claimed = found
            interval, true = _interval(net, w, status, rounding, steps, new)
            shown = rounding.interval(claimed.expr, claimed.numbers, result=True)
            holds = overlap(shown, interval)
            before = status[st.line]
            if not new and holds and before.status is not Status.WRONG:
                steps[w] = hull(steps[w], claimed.exact())  # the next line may carry the stated Δw
            mine = _finding(net, st, before, holds, true, w, new, claimed)
            out[id(before)] = mine
            status[st.line] = mine
    return list(out.values())


def _update(net: _Net, st: Statement, new: bool) -> tuple[Symbol, Any] | None:
    """The weight a Δw (or, ``new``, a w(new)) line is about and the value it states."""
    if st.error or len(st.parsed) < 2 or not is_name(st.parsed[0]):
        return None
    name, last = str(st.parsed[0].expr), st.parsed[-1]
    if not (is_number(last) and len(last.numbers) == 1 and last.numbers):
        return None
    for w in net.values:
        if name == (f"{w}^+" if new else f"Delta_{w}") and _edge(net, w) is not None:
            return w, last
    return None


def _edge(net: _Net, w: Symbol) -> tuple[Symbol, Symbol] | None:
    """The sum ``w`` feeds and the name it multiplies there, if it is in exactly one term."""
    found = [(a, t) for a, e in net.sums.items() for t in Add.make_args(e) if w in t.free_symbols]
    if len(found) != 1:
        return None
    a, term = found[0]
    (o,) = [f for f in term.args if f != w]
    return a, o


def _interval(
    net: _Net,
    w: Symbol,
    status: Mapping[int, Finding],
    rounding: Rounding,
    steps: dict[Symbol, Any],
    new: bool,
) -> tuple[Any, Expr]:
    """The interval a careful reader allows for Δw (or w(new)), and the true value."""
    a, o = _edge(net, w)  # type: ignore[misc]
    true = sympy.N(-net.eta * sympy.diff(net.loss(), w).xreplace(net.values), 40)
    if w not in steps:
        deltas = [d for d, b in net.deltas.items() if b == a]
        carried = point(true)
        if len(deltas) == 1:
            carried = (
                point(net.eta) * _held(net, deltas[0], status, rounding) * _held(net, o, status, rounding)
            )
        steps[w] = hull(carried, true)
    if new:
        return point(net.values[w]) + steps[w], net.values[w] + true
    return steps[w], true


def _held(net: _Net, q: Symbol, status: Mapping[int, Finding], rounding: Rounding) -> Any:
    """``q``'s true value, widened to its shown value's interval where the line showing it holds."""
    true = net.value(q)
    if q not in net.shown:
        return point(true)
    line, p = net.shown[q]
    f = status.get(line)
    if f is None or f.status is not Status.OK or not f.checked:
        return point(true)
    return hull(rounding.interval(p.expr, p.numbers, result=True), true)


def _finding(
    net: _Net, st: Statement, before: Finding, holds: bool, true: Expr, w: Symbol, new: bool, claimed: Any
) -> Finding:
    """The verdict on one update line: a wrong one stays as it was found."""
    if before.status is Status.WRONG or (holds and before.status is Status.OK and before.checked):
        return before
    decimals = max(n.decimals for n in claimed.numbers.values()) + 1
    what = f"{st.sides[0]} = w + Δw" if new else f"{st.sides[0]} = η δ O"
    if holds:
        why = f"holds: {what} ≈ {float(true):.{decimals}f} ({LOSS})"
        return dataclasses.replace(before, status=Status.OK, explanation=(why,), kind=Kind.UPDATE, checked=1)
    why = f"wrong: {what} ≈ {float(true):.{decimals}f} ({LOSS})"
    if not new:
        why += _used_instead(net, st, w)
    return dataclasses.replace(
        before, status=Status.WRONG, explanation=(why,), kind=Kind.UPDATE, checked=1, value=float(true)
    )


def _used_instead(net: _Net, st: Statement, w: Symbol) -> str:
    """``; it uses 0.59 for y_4, which line 69 gives as 0.578``, where the written product of η, δ and
    one more number has that number not the one computed for O."""
    a, o = _edge(net, w)  # type: ignore[misc]
    if o not in net.shown or len(st.parsed) < 3 or not is_number(st.parsed[1]):
        return ""
    line, shown = net.shown[o]
    numbers = [n.value for n in st.parsed[1].numbers.values()]
    deltas = [net.shown[d][1].exact() for d, b in net.deltas.items() if b == a and d in net.shown]
    rest = [abs(v) for v in numbers if v != net.eta and abs(v) not in {abs(d) for d in deltas}]
    if len(rest) != 1 or rest[0] == abs(shown.exact()) or abs(rest[0] - net.value(o)) < Rational(1, 10**6):
        return ""
    return f"; it uses {_text(rest[0])} for {o}, which line {line} gives as {_text(shown.exact())}"


def _text(v: Expr) -> str:
    """A written number as plain text."""
    return f"{float(v):g}"
