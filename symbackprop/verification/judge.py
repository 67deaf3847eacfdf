"""Judging statements against the oracle, one at a time, in document order.

:class:`Judge` decides what a statement is about (a definition, a stated
value, an update, a derivative, a shorthand) and hands the relation chain to
:class:`~symbackprop.verification.chain.Chain`, which judges each side.  With
no network to check against, only the arithmetic as written is checked.

The judge keeps the document's own numbers as it goes (:class:`Claim`), so
that a later wrong number that follows from an earlier wrong one is reported
as its consequence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Partial
from .chain import NOISE, Chain, Memory, Rules, Subject, arithmetic_slip
from .infer import Role
from .names import Names
from .oracle import Oracle, number
from .report import Arithmetic, Finding, Kind, Status
from .statements import Statement, bare, is_name, is_number

__all__ = ["DIGITS_POLICIES", "Judge"]

#: How a number shown with k decimals is judged, as data: policy -> (units of the
#: last digit allowed, whether slack from earlier rounded numbers is added).
DIGITS_POLICIES: dict[str, tuple[Rational, bool]] = {
    "round": (Rational(1, 2), True),
    "strict": (Rational(1, 2), False),
    "loose": (Rational(1), True),
}


class Judge:
    """Judges each statement of one document, in order, and remembers its claims.

    Args:
        oracle: The truth, or ``None`` when there is no network.
        names: The document's names.
        spec_mode: Whether the network comes from a spec (else from the document).
        roles: Statement index -> role in the document's own network.
        policy: A key of :data:`DIGITS_POLICIES`.
        doc_defs: The document's own definitions, ``name -> (expression, line)``.
        failed: Names whose definition could not be read -> its line.
    """

    def __init__(
        self,
        oracle: Oracle | None,
        names: Names,
        spec_mode: bool,
        roles: Mapping[int, Role],
        policy: str,
        doc_defs: Mapping[Symbol, tuple[Expr, int]],
        failed: Mapping[Symbol, int],
    ) -> None:
        self.oracle = oracle
        self.names = names
        self.spec_mode = spec_mode
        self.roles = roles
        units, inherit = DIGITS_POLICIES[policy]
        self.rules = Rules(units, inherit, spec_mode, doc_defs)
        self.failed = failed
        self.memory = Memory()
        self.seen: set[Symbol] = set()
        net = oracle.network if oracle is not None else None
        # sets, built once: `in net.symbols` rebuilds a tuple and compares SymPy objects one by one
        self.parameters = frozenset(net.parameters if net is not None else ())
        self.symbols = frozenset(net.symbols if net is not None else ())

    # ------------------------------------------------------- one statement

    def judge(self, index: int, st: Statement) -> Finding:
        """The finding for statement number ``index``."""
        base = _base(st)
        if st.error:
            return Finding(status=Status.NOT_CHECKED, explanation=(f"not checked: {st.error}",), **base)
        blocked = self._blocked(st)
        if blocked:
            return Finding(status=Status.NOT_CHECKED, explanation=(blocked,), **base)
        first, role = st.parsed[0], self.roles.get(index)
        if is_name(first) and role is Role.VALUE and not self.spec_mode:
            return Finding(status=Status.OK, explanation=("given value",), kind=Kind.VALUE, **base)
        if is_name(first) and first.expr == self.names.eta:
            return Finding(status=Status.OK, explanation=("learning rate",), kind=Kind.VALUE, **base)
        if self.oracle is None:
            return self.arithmetic_only(st, base)
        subject = self.subject(st, role)
        if subject is None:
            return Finding(status=Status.OK, explanation=("abbreviation",), kind=Kind.DEFINITION, **base)
        if is_name(first):
            self.seen.add(first.expr)
        o = self.oracle
        if o.point is None and not o.randoms:
            why = "not checked: the document gives no point"
            return Finding(status=Status.NOT_CHECKED, explanation=(why,), **base)
        return Chain(o, self.rules, self.memory, st, subject, base).judge()

    def _blocked(self, st: Statement) -> str | None:
        """Why a statement cannot be checked: it uses a name whose definition was unreadable."""
        used: set[Symbol] = set()
        for p in st.parsed:
            used |= p.expr.free_symbols
            for d in p.expr.atoms(Partial):
                used |= {d.of, d.wrt}
        blocked = sorted((self.failed[s], s.name) for s in used if s in self.failed)
        if not blocked:
            return None
        line, name = blocked[0]
        return f"not checked: it uses {name}, whose definition at line {line} could not be read"

    def subject(self, st: Statement, role: Role | None) -> Subject | None:
        """What the chain is about; ``None`` for a shorthand that only names a derivative."""
        o = self.oracle
        assert o is not None
        first, parsed = st.parsed[0], st.parsed
        kind = Kind.DEFINITION if is_name(first) and role is Role.ALIAS else Kind.CLAIM
        if not is_name(first):
            return Subject(o.key_of(first.expr), kind)
        n = first.expr
        if n in self.names.updated:
            return Subject(("update", self.names.updated[n]), Kind.UPDATE)
        if n in self.parameters and n in parsed[1].expr.free_symbols and len(parsed) > 1:
            return Subject(("update", n), Kind.UPDATE)
        if n in self.symbols:
            return Subject(("value", n), self._kind_of_name(n, parsed[1], role, kind))
        if n in o.aliases:
            meaning = o.aliases[n]
            key = o.key_of(meaning) if isinstance(meaning, Partial) else None
            if role is Role.ALIAS:
                if len(parsed) == 2:
                    return None
                return Subject(key, kind, start=2)
            return Subject(key, kind)
        return Subject(None, kind)

    def _kind_of_name(self, n: Symbol, rhs: Any, role: Role | None, kind: Kind) -> Kind:
        defined = self.oracle.definition  # type: ignore[union-attr]
        if role is Role.DEFINITION or (self.spec_mode and n in defined and n not in self.seen):
            return Kind.DEFINITION
        if role is Role.VALUE or (n not in defined and is_number(rhs)):
            return Kind.VALUE
        return kind

    # ------------------------------------------------ no network: arithmetic

    def arithmetic_only(self, st: Statement, base: dict[str, Any]) -> Finding:
        """Numbers only: does the arithmetic hold as written?"""
        if not all(is_number(p) for p in st.parsed):
            why = "not checked: no network to check against"
            return Finding(status=Status.NOT_CHECKED, explanation=(why,), **base)
        prev = None
        for k, (p, op) in enumerate(zip(st.parsed, [None, *st.ops])):
            v = number(p.exact())
            if v is None:
                why = "not checked: not a finite number"
                return Finding(status=Status.NOT_CHECKED, explanation=(why,), **base)
            if prev is not None and op in ("=", "≈") and abs(v - prev) > self.arith_tol(p):
                return Finding(
                    status=Status.WRONG,
                    explanation=arithmetic_slip(st, k, prev, p),
                    kind=Kind.ARITHMETIC,
                    arithmetic=Arithmetic.WRONG,
                    **base,
                )
            prev = v
        return Finding(
            status=Status.OK,
            explanation=("arithmetic holds",),
            kind=Kind.ARITHMETIC,
            arithmetic=Arithmetic.HOLDS,
            **base,
        )

    def arith_tol(self, p: Any) -> Float:
        """How far a side may be from the previous one: half a unit of its last digit, if bare."""
        if bare(p):
            n = next(iter(p.numbers.values()))
            return Float(self.rules.units / 10**n.decimals, DPS) + NOISE
        return NOISE


def _base(st: Statement) -> dict[str, Any]:
    return {"line": st.line, "source": st.source, "block_end": st.block_end, "subject": st.sides[0].strip()}
