"""Judging statements against the oracle, one at a time, in document order.

:class:`Judge` decides what a statement is about (a definition, a stated
value, an update, a derivative, a shorthand) and hands the relation chain to
:class:`~symbackprop.verification.chain.Chain`, which judges each side.  With
no network to check against, the arithmetic as written is still checked.

The judge keeps the document's own numbers as it goes (:class:`Claim`), so
that a later wrong number that follows from an earlier wrong one is reported
as its consequence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sympy import Expr, Symbol

from ..core.derivation import Partial
from .chain import Chain, Memory, Rules, Subject
from .infer import Role
from .names import Names
from .oracle import Oracle
from .report import Finding, Kind, Status
from .rounding import DIGITS_POLICIES, Rounding
from .statements import Statement, is_name, is_number

__all__ = ["DIGITS_POLICIES", "Judge"]


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
        givens: Values the document states (exact wherever they are written).
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
        givens: Iterable[Expr] = (),
    ) -> None:
        self.oracle = oracle
        self.names = names
        self.spec_mode = spec_mode
        self.roles = roles
        self.rules = Rules(spec_mode, doc_defs)
        self.failed = failed
        exact = list(givens) + (list(oracle.exact_values) if oracle is not None else [])
        self.memory = Memory(Rounding(policy, exact))
        self.seen: set[Symbol] = set()

    # ------------------------------------------------------- one statement

    def judge(self, index: int, st: Statement, continued: bool = False) -> Finding:
        """The finding for statement number ``index`` (``continued``: it continues the row before)."""
        if not continued:
            self.memory.last_iv = None
        base = _base(st)
        if st.error:
            return Finding(status=Status.NOT_CHECKED, explanation=(f"not checked: {st.error}",), **base)
        blocked = self._blocked(st)
        if blocked:
            return Finding(status=Status.NOT_CHECKED, explanation=(blocked,), **base)
        first, role = st.parsed[0], self.roles.get(index)
        if is_name(first) and role is Role.VALUE and not self.spec_mode:
            return Finding(status=Status.OK, explanation=("given value",), kind=Kind.VALUE, **base)
        if is_name(first) and first.expr == self.names.eta and len(st.parsed) == 2 and is_number(st.parsed[1]):
            return Finding(status=Status.OK, explanation=("learning rate",), kind=Kind.VALUE, **base)
        o = self.oracle
        if o is None:
            subject = Subject(None, Kind.ARITHMETIC if is_number(first) else Kind.CLAIM)
            return Chain(None, None, self.rules, self.memory, st, subject, base).judge()
        subject = self.subject(st, role)
        if subject is None:
            why = "abbreviation" if role is Role.ALIAS else "definition"
            return Finding(status=Status.OK, explanation=(why,), kind=Kind.DEFINITION, **base)
        if is_name(first):
            self.seen.add(first.expr)
        return Chain(o, o.point, self.rules, self.memory, st, subject, base).judge()

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
        """What the chain is about; ``None`` for a definition or shorthand that states nothing more."""
        o = self.oracle
        assert o is not None
        first, parsed = st.parsed[0], st.parsed
        if not is_name(first):
            kind = Kind.ARITHMETIC if is_number(first) else Kind.CLAIM
            return Subject(o.key_of(first.expr), kind)
        n, net = first.expr, o.network
        if n in self.names.updated:
            return Subject(("update", self.names.updated[n]), Kind.UPDATE)
        if n in net.parameters and n in parsed[1].expr.free_symbols and len(parsed) > 1:
            return Subject(("update", n), Kind.UPDATE)
        if n in net.symbols:
            kind = self._kind_of_name(n, parsed[1], role)
            if kind is Kind.DEFINITION and not self.spec_mode:  # side 1 is the definition itself
                return None if len(parsed) == 2 else Subject(("value", n), kind, start=2)
            return Subject(("value", n), kind)
        if n in o.aliases:
            meaning = o.aliases[n]
            key = o.key_of(meaning) if isinstance(meaning, Partial) else None
            if role is Role.ALIAS:
                return None if len(parsed) == 2 else Subject(key, Kind.DEFINITION, start=2)
            return Subject(key, Kind.CLAIM)
        return Subject(None, Kind.CLAIM)

    def _kind_of_name(self, n: Symbol, rhs: Any, role: Role | None) -> Kind:
        net = self.oracle.network  # type: ignore[union-attr]
        if role is Role.DEFINITION or (self.spec_mode and n in net.definition and n not in self.seen):
            return Kind.DEFINITION
        if role is Role.VALUE or (n not in net.definition and is_number(rhs)):
            return Kind.VALUE
        return Kind.CLAIM


def _base(st: Statement) -> dict[str, Any]:
    return {"line": st.line, "source": st.source, "block_end": st.block_end, "subject": st.sides[0].strip()}
