"""The reference program: a Derivation compiled to one line per scalar node.

The compiled program follows the network's named nodes, not its inlined closed
form: one line per definition forward, then one accumulation per graph edge
backward, using the local derivatives the derivation found (in node names, so
``a_2*(1 - a_2)`` reuses the forward value of ``a_2``).  Two backends print the
same program: NumPy float64, which broadcasts over a batch, and mpmath, the
arbitrary-precision reference.

The source is generated from SymPy trees of our own, over identifiers ``v0,
v1, ...`` that stand for the network's symbols, so no user text ever reaches
the compiler.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sympy import Expr, Symbol

from ..core.derivation import Derivation, LocalFactor, derive
from ..core.functions import to_elementary
from ..core.network import Network
from ..errors import InputError
from .printers import MpmathCode, NumPyCode

__all__ = ["CompiledNetwork", "compile_network"]


@dataclass(frozen=True)
class CompiledNetwork:
    """Forward and backward pass of a derivation as a Python function.

    ``run(values)`` takes ``name -> number or array`` for every input, target
    and parameter and returns ``(values, adjoints)``: ``name -> value`` for
    every symbol, and ``name -> ∂loss/∂name`` for every symbol.
    """

    derivation: Derivation
    backend: str
    source: str
    function: Callable[..., tuple[Any, ...]] = field(repr=False)
    names: tuple[str, ...]
    outputs: tuple[str, ...]

    def run(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        args = []
        for name in self.names:
            if name not in values:
                msg = f"no value for {name!r}"
                raise InputError(msg)
            args.append(values[name])
        result = self.function(*args)
        n = len(self.outputs)
        return dict(zip(self.outputs, result[:n])), dict(zip(self.outputs, result[n:]))


def _backend(backend: str) -> tuple[Any, str, str, dict[str, Any]]:
    """``(printer, zero, one, namespace)`` of a backend."""
    if backend == "numpy":
        import numpy

        return NumPyCode(), "0.0", "1.0", {"numpy": numpy}
    if backend == "mpmath":
        import mpmath

        return MpmathCode(), "mpmath.mpf(0)", "mpmath.mpf(1)", {"mpmath": mpmath}
    msg = f"unknown backend {backend!r}; use 'numpy' or 'mpmath'"
    raise InputError(msg)


def compile_network(derivation: Derivation | Network, backend: str = "numpy") -> CompiledNetwork:
    """Compile the forward and backward pass of a derivation.

    Args:
        derivation: A :class:`~symbackprop.core.derivation.Derivation` (or a Network,
            derived first).
        backend: ``"numpy"`` (float64, broadcasting over a batch) or
            ``"mpmath"`` (arbitrary precision, at the current ``mpmath.mp.dps``).
    """
    d = derivation if isinstance(derivation, Derivation) else derive(derivation, evaluate_point=False)
    net = d.network
    declared = net.inputs + net.targets + net.parameters
    symbols = declared + net.nodes
    ident = {s: Symbol(f"v{i}", real=True) for i, s in enumerate(symbols)}
    adj = {s: Symbol(f"g{i}", real=True) for i, s in enumerate(symbols)}
    printer, zero, one, namespace = _backend(backend)

    def code(expr: Expr) -> str:
        return printer.doprint(to_elementary(expr, plain=False).xreplace(ident))

    lines = ["def program(%s):" % ", ".join(str(ident[s]) for s in declared)]
    lines += [f"    {ident[dfn.symbol]} = {code(dfn.expr)}" for dfn in net.definitions]
    lines += [f"    {adj[s]} = {one if s == net.loss else zero}" for s in symbols]
    edges: dict[Symbol, list[LocalFactor]] = {}
    for e in d.edges:
        edges.setdefault(e.of, []).append(e)
    for of in reversed(net.nodes):  # reverse topological
        lines += [
            f"    {adj[e.wrt]} = {adj[e.wrt]} + {adj[of]} * ({code(e.general)})" for e in edges.get(of, [])
        ]
    outs = [str(ident[s]) for s in symbols] + [str(adj[s]) for s in symbols]
    lines.append("    return (%s,)" % ", ".join(outs))
    source = "\n".join(lines) + "\n"
    # Generated from our own SymPy trees over identifiers v0.., g0..; no user text.
    exec(compile(source, "<symbackprop program>", "exec"), namespace)
    return CompiledNetwork(
        derivation=d,
        backend=backend,
        source=source,
        function=namespace["program"],
        names=tuple(s.name for s in declared),
        outputs=tuple(s.name for s in symbols),
    )
