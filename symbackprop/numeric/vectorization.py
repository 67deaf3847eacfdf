"""The vectorised program: a derivation compiled, layer by layer, to whole-array NumPy code.

:func:`~symbackprop.numeric.reference.compile_network` prints one line per
scalar node: the readable program and the mpmath reference, but per example
its cost is bound by the interpreter.  :func:`vectorize` runs the network's
layers (:func:`~symbackprop.core.layers.find_layers`) as whole-array
operations instead, in four steps, each a module:

1. :mod:`.plan`: the layers become units, checked against the derivation;
2. :mod:`.forward` and :mod:`.backward`, assembled by :mod:`.lowering`: the
   units become typed operations (:mod:`.ops`);
3. :mod:`.codegen`: the operations are printed as NumPy source and compiled;
4. :mod:`.runtime`: a :class:`VectorizedNetwork` runs them.

The backward pass chains the derivation's local derivatives and never
differentiates: a wrong user-written derivative is compiled as written,
which is what the gradient check exists to catch.
"""

from __future__ import annotations

from ..core.derivation import Derivation, derive
from ..core.layers import find_layers
from ..core.network import Network
from .codegen import compile_functions
from .lowering import lower
from .plan import Unit, build_plan
from .runtime import VectorizedNetwork

__all__ = ["Unit", "VectorizedNetwork", "vectorize"]


def vectorize(derivation: Derivation | Network) -> VectorizedNetwork:
    """Compile a derivation (or a network, derived first) into whole-array code."""
    d = derivation if isinstance(derivation, Derivation) else derive(derivation, evaluate_point=False)
    planned = build_plan(d, find_layers(d.network))
    compiled = compile_functions(lower(planned))
    net = d.network
    return VectorizedNetwork(
        derivation=d,
        units=tuple(unit.summary() for unit in planned.units),
        parameters=tuple(s.name for s in planned.parameters),
        inputs=tuple(s.name for s in net.inputs),
        targets=tuple(s.name for s in net.targets),
        source=compiled.source,
        _functions=compiled.functions,
        _locations={s.name: (loc.array, loc.row) for s, loc in planned.locations.items()},
        _unit_arrays=tuple(unit.array for unit in planned.units),
    )
