"""The point each statement is judged at: the document's point, then the updated ones.

A worked example often goes on after its update: "after one step, the
forward pass gives …", or a second training sample with the updated weights.
:class:`Timeline` follows it, statement by statement:

* an update the document makes (``w_5^+ = w_5 - \\eta …``) is remembered with
  its *true* value (pending: the backward pass goes on with the old weights);
* the pending updates take effect when the text says so ("after one step",
  "updated weights", "new", "second sample", "forward pass is repeated"),
  when the document states new data or restates an updated parameter, or when
  a forward value holds only at the updated point;
* new input values stated later (a second sample) move the point too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sympy import Expr, Symbol

from ..core.derivation import Evaluation
from ..errors import SymbackpropError
from .oracle import Oracle

__all__ = ["SIGNALS", "Timeline"]

#: Words that say the forward pass is repeated at the updated point.
SIGNALS = re.compile(
    r"after (?:one|the|a|this|1|an) (?:step|update|iteration|epoch)"
    r"|updated (?:weights|parameters|values|network)"
    r"|(?:with|using) (?:the )?new (?:weights|parameters|values)|forward pass (?:is )?(?:repeated|again)"
    r"|repeat(?:ed|ing)? the forward|(?:second|next) (?:sample|example|iteration|step|round|training)"
    r"|after (?:updating|the update)",
    re.I,
)


class Timeline:
    """Where the document is: the evaluation in force, and the updates it has made.

    Args:
        oracle: The truth.
        later: Values the document states again later, ``(line, symbol, value)``.
        text: The document's text (for the words that move to the updated point).
    """

    def __init__(self, oracle: Oracle, later: Sequence[tuple[int, Symbol, Expr]], text: str) -> None:
        self.o = oracle
        self.ev: Evaluation | None = oracle.point
        self.pending: dict[Symbol, Expr] = {}
        self.later = sorted(later, key=lambda t: t[0])
        self.lines = text.split("\n")
        self.last_line = 0
        self.moved = False
        self.signalled = False  # the text said the updates are in force; at the next forward value

    def update(self, p: Symbol, value: Expr) -> None:
        """The document updated ``p``; its true updated value is ``value`` (in force later)."""
        self.pending[p] = value

    def before(self, line: int, forward: bool = True) -> None:
        """Move to the point in force at ``line``: restated values and the words since the last line.

        The words take effect at the next forward value (``forward``): a derivative after
        "calculating the updated weights" still belongs to the backward pass at the old point.
        """
        changes: dict[Symbol, Expr] = {}
        while self.later and self.later[0][0] <= line:
            _, s, v = self.later.pop(0)
            changes[s] = v
        said = "\n".join(self.lines[max(self.last_line, 0) : max(line - 1, 0)])
        self.last_line = max(self.last_line, line)
        self.signalled = self.signalled or bool(self.pending and SIGNALS.search(said))
        if self.ev is None or (not changes and not (self.signalled and forward)):
            return
        self.signalled = False
        params = set(self.o.network.parameters)
        data = {s: v for s, v in changes.items() if s not in params}
        if data or self.pending or changes:
            self.commit(data)

    def alternative(self) -> Evaluation | None:
        """The evaluation with the pending updates in force, or ``None`` when there are none."""
        return self._at({}) if self.pending else None

    def commit(self, data: Mapping[Symbol, Expr] | None = None) -> None:
        """Put the pending updates (and new data) in force."""
        ev = self._at(data or {})
        if ev is not None:
            self.ev = ev
            self.pending = {}
            self.moved = True

    def _at(self, data: Mapping[Symbol, Expr]) -> Evaluation | None:
        if self.ev is None:
            return None
        net = self.o.network
        point = {s: self.ev.values[s] for s in net.inputs + net.targets + net.parameters}
        point.update(self.pending)
        point.update(data)
        try:
            return self.o.derivation.at(point).evaluation
        except SymbackpropError:
            return None
