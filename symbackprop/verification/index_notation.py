"""Judging claims written in index notation, for every value of their indices.

``\\delta_j = \\sum_k w_{kj}\\delta_k \\sigma'(z_j)`` says something for every unit ``j``: it
is read by :mod:`symbackprop.notation.latex.indexed`, its names are bound to the network
by :mod:`.index_bindings` (a matrix network: letters are units of layers; a scalar
network: ``w_{kj}`` are the network's own names), and each side is compared with the
first, exactly, at every value of the first side's indices (and under every way the
letters fit the layers: a formula written without layers holds where it fits).

A line holds when it holds for every index value in range; a wrong one is reported at
the first index where it fails, with the right value there, and, against a matrix
network, named as the classic mistake its values reproduce
(:func:`~.matrix_mistakes.recognise`: a missing transpose, which index notation writes
as ``w_{jk}`` for ``w_{kj}``; a missing σ′; a wrong order).  What cannot be bound for
sure is "not checked", with the reason; a formula that holds at some layers and not at
others holds, with a note (the text may mean the layers where it does).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..errors import SymbackpropError
from ..notation.latex.indexed import INDEX_LETTERS, IndexUnread, IxNode, Leaf, read_index_side
from .example_columns import example_finding
from .index_bindings import MatrixBinding, Misindexed, ScalarBinding, Unbound
from .index_mistakes import named
from .matrix_mistakes import recognise
from .report import MISTAKES, Expected, Finding, Formula, Kind, Mistake, Status
from .statements import Statement

__all__ = ["IndexJudge"]

EXACT = 1e-9

#: The most terms one line's comparison may evaluate (a 784-unit layer against a 128-unit one is
#: 100,352 weights: such a line is not checked rather than slow).
MAX_WORK = 50_000


@dataclass
class _Outcome:
    """What one way of fitting the letters to the layers gives."""

    asg: dict[str, int]
    checked: int = 0
    wrong: tuple[str, dict[str, int], float, float] | None = None  # side, index values, written, truth
    misindexed: str | None = None
    reversed: bool = False
    unread: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.wrong is not None or self.misindexed is not None


class IndexJudge:
    """Judges index-notation chains against a matrix judge's network or an oracle's scalar network.

    Args:
        matrix: The :class:`~.matrix_claims.MatrixJudge` (a matrix spec), or ``None``.
        oracle: The :class:`~.oracle.Oracle` (a scalar network at a point), or ``None``.
    """

    def __init__(
        self, matrix: Any = None, oracle: Any = None, statements: list[Statement] | None = None
    ) -> None:
        self.matrix = matrix
        self.binding: Any = None
        try:
            if matrix is not None:
                self.binding = MatrixBinding(matrix.network, matrix.evaluation)
            elif oracle is not None and oracle.point is not None:
                self.binding = ScalarBinding(oracle.network, oracle.point)
        except Unbound:
            self.binding = None
        self._derivatives: dict[tuple[str, int], tuple[Any, Any]] = {}
        self._values_of: dict[tuple[str, int, float], float] = {}
        self._examples: set[str] = set()  # the statement's example letters (``^{(i)}``)
        self.convention = ""  # said on every finding when the document writes weights from -> to
        if isinstance(self.binding, MatrixBinding) and statements:
            self._weights_from_to(statements)

    def _weights_from_to(self, statements: list[Statement]) -> None:
        """Read ``w_{jk}`` as the weight from ``j`` to ``k`` when that is the document's convention: every
        line with a weight (two at least) holds read that way, and none holds read row ``j``, column ``k``."""
        lines = [st for st in statements if any(_weighted(side) for side in st.sides)]
        if len(lines) < 2:
            return
        straight = [self.judge(st) for st in lines]
        self.binding.from_to = True
        turned = [self.judge(st) for st in lines]
        holds = [f is not None and f.status is Status.OK for f in turned]
        if all(holds) and not any(f is not None and f.status is Status.OK for f in straight):
            self.convention = (
                " (w_{jk} read as the weight from j to k, as every weight line of the document is)"
            )
        else:
            self.binding.from_to = False

    def over(self, st: Statement, found: Finding) -> Finding:
        """The finding on a line nothing else checked (``found``): the index-notation verdict, or
        ``found`` with the reason index notation adds."""
        read = self.judge(st)
        if read is None:
            return found
        if read.status is not Status.NOT_CHECKED:
            return read
        said = "".join(str(p) for p in read.explanation).removeprefix("not checked: ")
        return dataclasses.replace(found, explanation=(*found.explanation, f"; {said}"))

    def judge(self, st: Statement) -> Finding | None:
        """The finding on one chain written in index notation, or ``None`` when it is not."""
        if self.binding is None or len(st.sides) < 2 or any(op not in ("=", "≈") for op in st.ops):
            return None
        if (found := self._matrix_example(st)) is not None:
            return found
        written = _as_written(st)
        try:
            first = read_index_side(written[0])
        except IndexUnread:
            return None
        free = _free(first)
        if (not free and not _examples(first)) or not _indexed(first):
            return None
        base = {
            "line": st.line,
            "source": st.source,
            "block_end": st.block_end,
            "subject": st.sides[0].strip(),
        }
        self._examples = {e for text in written for e in _all_examples(text)}
        sides, unread = _later_sides(first, [*(u for u, _ in st.unread), *written[1:]])
        if not sides:
            return _not_checked(base, "; ".join(unread) or "nothing to compare")
        try:
            outcomes, why = self._outcomes(first, sides, free)
        except (ArithmeticError, SymbackpropError) as e:
            return _not_checked(base, f"cannot be evaluated ({e})")
        if not outcomes:
            return _not_checked(base, f"the indices cannot be bound to the network for sure ({why})")
        return self._finding(base, first, outcomes, sides)

    def _matrix_example(self, st: Statement) -> Finding | None:
        """``z_1^{(i)} = W_1 x^{(i)} + b_1``: matrix form, example by example (a verdict, or ``None``)."""
        found = example_finding(self.matrix, st) if self.matrix is not None else None
        return found if found is not None and found.status is not Status.NOT_CHECKED else None

    # ------------------------------------------------------------ fitting and evaluating

    def _fits(self, nodes: list[IxNode]) -> tuple[list[tuple[dict[str, int], bool]], str]:
        """Every assignment under which every name resolves, and whether it reads a weight reversed."""
        leaves = [leaf for n in nodes for leaf in _leaves(n)]
        letters = sorted({c for leaf in leaves for c in leaf.indices if c.isalpha()})
        sums = {s for n in nodes for s in _sum_letters(n)}
        if not sums <= set(letters) | self._examples:
            return [], "a sum over an index no name carries"
        layered = any(leaf.layer is not None and leaf.layer[0] for leaf in leaves)
        fits, why = [], "no layer fits"
        for asg in self.binding.assignments(letters, layered):
            try:
                refs = [self.binding.resolve(leaf, asg) for leaf in leaves]
            except Unbound as e:
                why = str(e)
                continue
            fits.append((asg, any(r.reversed for r in refs)))
        return sorted(fits, key=lambda f: f[1]), why  # the straight readings first

    def _outcomes(
        self, first: IxNode, sides: list[tuple[str, IxNode]], free: set[str]
    ) -> tuple[list[_Outcome], str]:
        fits, why = self._fits([first, *(n for _, n in sides)])
        outcomes = []
        for asg, rev in fits:
            out = _Outcome(asg, reversed=rev)
            try:
                self._compare(out, first, sides, free)
            except Misindexed as e:
                out.misindexed = str(e)
            except Unbound as e:
                why = str(e)
                continue
            if out.checked or out.failed or out.unread:
                outcomes.append(out)
        return outcomes, why

    def _compare(self, out: _Outcome, first: IxNode, sides: list[tuple[str, IxNode]], free: set[str]) -> None:
        work = self._work(out.asg, free, [first, *(n for _, n in sides)])
        if work > MAX_WORK:
            out.unread.append(f"about {work} terms, more than {MAX_WORK}")
            return
        for vals in self._values(out.asg, free, first):
            truth = self._at(first, out.asg, vals)
            for text, node in sides if truth is not None else ():
                value = self._at(node, out.asg, vals)
                if value is None or truth is None:
                    continue
                if abs(value - truth) > EXACT * max(1.0, abs(truth)):
                    out.wrong = (text, dict(vals), value, truth)
                    return
                out.checked += 1

    def _work(self, asg: Mapping[str, int], free: set[str], nodes: list[IxNode]) -> int:
        """An upper bound on the terms evaluated: every index value, times every sum's length."""
        work = len(nodes) * len(self.binding.example_span()) ** len(self._examples)
        for letter in free | {c for n in nodes for c in _sum_letters(n)} - self._examples:
            work *= len(self.binding.span(letter, asg))
        return work

    def _at(self, node: IxNode, asg: Mapping[str, int], vals: Mapping[str, int]) -> float | None:
        """A side's value, or ``None`` where a scalar family has no member for these index values."""
        try:
            return self.eval(node, asg, vals)
        except Unbound:
            if self.binding.sparse:
                return None
            raise

    def _values(self, asg: Mapping[str, int], free: set[str], first: IxNode) -> Iterator[dict[str, int]]:
        letters = sorted(free)
        spans = [self.binding.span(c, asg) for c in letters]
        examples = sorted(_examples(first))
        spans += [self.binding.example_span() for _ in examples]
        for combo in itertools.product(*spans):
            yield dict(zip([*letters, *examples], combo))

    def eval(self, node: IxNode, asg: Mapping[str, int], vals: Mapping[str, int]) -> float:
        """A side's value at index values (0-based) under an assignment of layers."""
        op, args = node.op, node.args
        if op == "num":
            return float(args[0])
        if op == "leaf":
            return self.binding.entry(args[0], asg, vals)
        if op == "sum":
            return self._sum(node, asg, vals)
        if op == "call":
            return self._call(args[0], args[1], args[2], asg, vals)
        if op == "pow":
            return float(self.eval(args[0], asg, vals) ** args[1])
        if op == "neg":
            return -self.eval(args[0], asg, vals)
        a, b = (self.eval(x, asg, vals) for x in args)
        if op == "div" and b == 0:
            raise Unbound("division by zero")
        return {"mul": a * b, "add": a + b, "sub": a - b, "div": a / b if b else 0.0}[op]

    def _sum(self, node: IxNode, asg: Mapping[str, int], vals: Mapping[str, int]) -> float:
        letter, low, high, body = node.args
        span = self.binding.example_span() if letter in self._examples else self.binding.span(letter, asg)
        if not self.binding.sparse and not _limits_fit(low, high, len(span)):
            raise Unbound(f"the sum over {letter} runs over {len(span)} units, not {low}..{high}")
        total, terms = 0.0, 0
        for v in span:
            try:
                total += self.eval(body, asg, {**vals, letter: v})
            except Unbound:
                if not self.binding.sparse:
                    raise
                continue
            terms += 1
        if not terms:
            raise Unbound(f"the sum over {letter} has no terms")
        return total

    def _call(
        self, name: str, primes: int, arg: IxNode, asg: Mapping[str, int], vals: Mapping[str, int]
    ) -> float:
        from ..core.functions import FUNCTIONS

        if name == "f":  # the layer's own activation: f'(z_j)
            leaf = arg.args[0] if arg.op == "leaf" else None
            if leaf is None or leaf.base.lower() != "z":
                raise Unbound("f of something other than a layer's z")
            name = self.binding.activation(leaf, asg, vals)
        info = FUNCTIONS.get(name)
        if info is None or not info.accepts(1):
            raise Unbound(f"{name} is not a function of one number")
        x = self.eval(arg, asg, vals)
        key = (name, primes, x)
        if key not in self._values_of:
            import numpy

            from ..core.matrix_values import Evaluator

            t, expr = self._derivative(name, primes)
            try:
                self._values_of[key] = float(Evaluator({t: numpy.full((1, 1), x)})(expr)[0, 0])
            except (TypeError, ValueError, ArithmeticError):
                raise Unbound(f"{name} at {x}") from None
        return self._values_of[key]

    def _derivative(self, name: str, primes: int) -> tuple[Any, Any]:
        """``(t, f^(primes)(t))`` for a library function, differentiated once per document."""
        from ..core.functions import FUNCTIONS

        if (name, primes) not in self._derivatives:
            t = sympy.Dummy("t")
            expr = FUNCTIONS[name].func(t)
            for _ in range(primes):
                expr = sympy.diff(expr, t)
            self._derivatives[name, primes] = (t, expr)
        return self._derivatives[name, primes]

    # ------------------------------------------------------------ the finding

    def _finding(
        self, base: dict[str, Any], first: IxNode, outcomes: list[_Outcome], sides: list[tuple[str, IxNode]]
    ) -> Finding:
        straight = [o for o in outcomes if not o.reversed] or outcomes
        if any(o.checked and not o.failed for o in straight):
            return _holds(base, first, straight, self.convention)
        failed = [o for o in outcomes if o.failed]
        if not failed:
            return _not_checked(base, f"too many index values to compare ({outcomes[0].unread[0]})")
        transposed = all(o.reversed for o in outcomes)  # no straight reading: w_{jk} for w_{kj}
        named = ((o, self._mistake(first, sides, o, transposed)) for o in failed)
        out, mistake = next(((o, m) for o, m in named if m is not None), (failed[0], None))
        return _wrong(base, first, out, mistake)

    def _mistake(
        self, first: IxNode, sides: list[tuple[str, IxNode]], out: _Outcome, transposed: bool
    ) -> Mistake | None:
        """The classic matrix-form mistake the wrong side's values reproduce, over the whole quantity."""
        if out.misindexed is not None or transposed:
            return Mistake.MISSING_TRANSPOSE
        if out.wrong is None:
            return None
        node = next(n for t, n in sides if t == out.wrong[0])
        return self._matrix_mistake(first, node, out) or named(
            first, node, lambda variant: self._holds_everywhere(first, variant, out.asg)
        )

    def _holds_everywhere(self, first: IxNode, variant: IxNode, asg: dict[str, int]) -> bool:
        """Whether a rewritten side agrees with the first at every index value (at least one)."""
        compared = 0
        for vals in self._values(asg, _free(first), first):
            try:
                truth, value = self._at(first, asg, vals), self._at(variant, asg, vals)
            except (Unbound, Misindexed):
                return False
            if truth is None or value is None:
                continue
            if abs(value - truth) > EXACT * max(1.0, abs(truth)):
                return False
            compared += 1
        return compared > 0

    def _matrix_mistake(self, first: IxNode, node: IxNode, out: _Outcome) -> Mistake | None:
        """The matrix-form mistake (:func:`~.matrix_mistakes.recognise`) the side's values reproduce."""
        if self.matrix is None or first.op != "leaf":
            return None
        leaf: Leaf = first.args[0]
        if leaf.grad is None and leaf.base != "delta":
            return None
        ref = self.binding.resolve(leaf, out.asg)
        if ref.row is None:
            return None
        import numpy

        rows = self.binding.span(ref.row, out.asg)
        cols = self.binding.span(ref.col, out.asg) if ref.col in leaf.indices else range(1)
        try:
            written = numpy.array(
                [
                    [
                        self.eval(node, out.asg, {ref.row: r, **({ref.col: c} if ref.col else {})})
                        for c in cols
                    ]
                    for r in rows
                ]
            )
        except (Unbound, Misindexed):
            return None

        def matches(v: Any) -> bool:
            v = numpy.asarray(v, dtype=float)
            return v.shape == written.shape and bool(numpy.allclose(v, written, rtol=1e-9, atol=1e-12))

        return recognise(self.matrix.derivation, ("adjoint", ref.symbol), matches)


def _holds(base: dict[str, Any], first: IxNode, straight: list[_Outcome], convention: str = "") -> Finding:
    """The finding on a chain that holds wherever it fits (and, said, where it does not)."""
    held = [o for o in straight if o.checked and not o.failed]
    count = sum(o.checked for o in held)
    said = f"holds for every index value in range: {count} values compared{_layers(held, first)}{convention}"
    if not_here := [o for o in straight if o.failed]:
        said += f"; it does not hold{_layers(not_here, first, 'where')}"
    if skipped := [o for o in straight if o.unread]:
        said += f"; not compared{_layers(skipped, first, 'where')} ({skipped[0].unread[0]})"
    return Finding(status=Status.OK, explanation=(said,), kind=Kind.CLAIM, checked=count, **base)


def _wrong(base: dict[str, Any], first: IxNode, out: _Outcome, mistake: Mistake | None) -> Finding:
    """The finding on a wrong chain: where it fails, what it gives there and the right value."""
    if out.misindexed is not None:
        said = f"{base['source']} is wrong ({MISTAKES[Mistake.MISSING_TRANSPOSE]}): {out.misindexed}"
        return Finding(
            status=Status.WRONG,
            explanation=(f"{said}: the weight's indices are the other way round",),
            mistake=Mistake.MISSING_TRANSPOSE,
            checked=1,
            **base,
        )
    assert out.wrong is not None
    text, vals, value, truth = out.wrong
    where = ", ".join(f"{c} = {v + 1}" for c, v in sorted(vals.items()))
    why: list[Any] = [f"{text} is wrong at {where}{_layers([out], first)}"]
    if mistake is not None:
        why.append(f": {MISTAKES[mistake]}")
    right = Formula(sympy.Float(truth, 6))
    why += [f"; it gives {value:.6g}, expected ", right]
    return Finding(
        status=Status.WRONG,
        explanation=tuple(why),
        correction=Expected(formula=right),
        mistake=mistake,
        value=truth,
        checked=out.checked + 1,
        **base,
    )


def _later_sides(first: IxNode, texts: list[str]) -> tuple[list[tuple[str, IxNode]], list[str]]:
    """The sides read (each a function of the first side's indices, in symbols), and why others are not."""
    sides, unread = [], []
    for text in texts:
        try:
            node = read_index_side(text)
        except IndexUnread as e:
            unread.append(f"{text.strip()[:40]}: {e}")
            continue
        own = _free(node) <= _free(first) and _examples(node) <= _examples(first) and _indexed(node)
        if not own or _has_decimals(node):
            unread.append(f"{text.strip()[:40]}: other indices, or written numbers")
            continue
        sides.append((text.strip(), node))
    return sides, unread


def _weighted(text: str) -> bool:
    """Whether a side in index notation uses a weight ``w_{jk}``."""
    try:
        node = read_index_side(text)
    except IndexUnread:
        return False
    return any(leaf.base.lower() == "w" and len(leaf.indices) == 2 for leaf in _leaves(node))


def _as_written(st: Statement) -> list[str]:
    """The chain's sides as written: a sum to a letter (``\\sum_{k=1}^{n}``) stays one, where the
    scalar reader wrote it out at one size (:mod:`.sizes`)."""
    if st.unread:
        return st.sides
    sides, depth, start = [], 0, 0
    for m in _RELATION.finditer(st.source):
        depth += m.group().count("{") - m.group().count("}")
        if depth == 0 and m.group() in ("=", r"\approx"):
            sides.append(st.source[start : m.start()].strip())
            start = m.end()
    sides.append(st.source[start:].strip())
    return sides if len(sides) == len(st.sides) else st.sides


#: Braces and the relations a chain is split at.
_RELATION = re.compile(r"\\approx(?![A-Za-z])|[{}=]")


def _not_checked(base: dict[str, Any], why: str) -> Finding:
    return Finding(status=Status.NOT_CHECKED, explanation=(f"not checked: index notation: {why}",), **base)


def _layers(outcomes: list[_Outcome], first: IxNode, lead: str = "") -> str:
    """``" (j in layer 1; j in layer 2)"`` for a matrix network (nothing for a scalar one)."""
    letters = sorted(_free(first))
    parts = []
    for o in outcomes:
        said = ", ".join(f"{c} in layer {o.asg[c]}" for c in letters if c in o.asg)
        if said or "^l" in o.asg:
            parts.append(said or f"l = {o.asg['^l']}")
    if not parts:
        return ""
    return f" {lead} {' or '.join(parts)}" if lead else f" ({'; '.join(parts)})"


def _limits_fit(low: str | None, high: str | None, size: int) -> bool:
    """``\\sum_{k=1}^{n}`` fits any size; ``\\sum_{k=1}^{2}`` only 2 units (``_{k=0}^{1}`` too)."""
    if high is None or not high.isdigit():
        return low in (None, "0", "1")
    return (low in (None, "1") and int(high) == size) or (low == "0" and int(high) == size - 1)


def _leaves(node: IxNode) -> Iterator[Leaf]:
    if node.op == "leaf":
        yield node.args[0]
    for a in node.args:
        if isinstance(a, IxNode):
            yield from _leaves(a)


def _sum_letters(node: IxNode) -> set[str]:
    own = {node.args[0]} if node.op == "sum" else set()
    return own.union(*(_sum_letters(a) for a in node.args if isinstance(a, IxNode)))


def _free(node: IxNode) -> set[str]:
    """The index letters a side depends on (not bound by one of its sums)."""
    if node.op == "leaf":
        return {c for c in node.args[0].indices if c in INDEX_LETTERS}
    if node.op == "sum":
        return _free(node.args[3]) - {node.args[0]}
    return set().union(*(_free(a) for a in node.args if isinstance(a, IxNode)))


def _indexed(node: IxNode) -> bool:
    """Whether every letter in a subscript is an index letter (``z_o``, ``w_{ho}`` are names, not indices)."""
    return all(c in INDEX_LETTERS for leaf in _leaves(node) for c in leaf.indices if c.isalpha())


def _examples(node: IxNode) -> set[str]:
    """The example letters a side depends on (not bound by one of its sums)."""
    return {leaf.example for leaf in _leaves(node) if leaf.example is not None} - _sum_letters(node)


def _all_examples(text: str) -> set[str]:
    try:
        return {leaf.example for leaf in _leaves(read_index_side(text)) if leaf.example is not None}
    except IndexUnread:
        return set()


def _has_decimals(node: IxNode) -> bool:
    if node.op == "num":
        return "." in node.args[0]
    return any(isinstance(a, IxNode) and _has_decimals(a) for a in node.args)
