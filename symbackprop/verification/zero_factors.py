"""Which factors of a chain are 0 in the network, decided once per factor.

``∂net_{h1}/∂w_5`` is 0 when net_h1 does not depend on w_5 at all (see
:func:`.zeros.independent`); :func:`.zeros.zero_contradicted` asks it of every
factor of every side, and a long document multiplies the same derivatives on
line after line.  What decides it (the network, the document's definitions,
the definitions that could not be read) does not change while one document is
judged, so each factor is decided once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from sympy import Expr, Symbol

from ..core.derivation import Partial
from ..core.network import Network
from .zeros import independent

__all__ = ["ZeroFactors"]


class ZeroFactors:
    """``factor -> whether it is 0 in the network`` (call it), remembered per factor.

    Args:
        net: The network judged against.
        spec_mode: Whether it comes from a spec.
        defined: The names the document defines.
        symbols: The network's symbols.
        failed: Names whose definitions could not be read (and what blocks them).
        under: Everything a node is computed from.
    """

    def __init__(
        self,
        net: Network,
        spec_mode: bool,
        defined: Collection[Symbol],
        symbols: Collection[Symbol],
        failed: Mapping[Symbol, Any],
        under: Callable[[Symbol], set[Symbol]],
    ) -> None:
        self.net, self.spec_mode, self.defined = net, spec_mode, defined
        self.symbols, self.failed, self.under = symbols, failed, under
        self._known: dict[Expr, bool] = {}

    def __call__(self, factor: Expr) -> bool:
        known = self._known.get(factor)
        if known is None:
            known = self._known[factor] = self._zero(factor)
        return known

    def _zero(self, factor: Expr) -> bool:
        """A factor ``∂a/∂b`` that is 0 in the network; without a spec, not where ``b`` feeds nothing
        the loss uses (the document may name one quantity two ways)."""
        if (
            isinstance(factor, Partial)
            and not self.spec_mode
            and factor.wrt in self.defined
            and factor.wrt not in self.under(self.net.loss)
        ):
            return False
        return independent(factor, self.net, self.symbols, self.failed, self.under)
