"""A plan as typed operations: the four programs, and the functions that make their views.

Every program takes ``(theta, X, Y, B, T, G, grad)``:

``forward``
    every unit's values, with the parameters shared by every column;
``columns``
    the same with one parameter vector per column (``theta`` is ``(P, B)``);
``perturbed``
    the same with the parameters shared, and column ``b`` moving parameter
    ``index[b]`` by ``delta[b]``: the finite-difference check's points, all
    in one call, each at the cost of one forward pass;
``gradient`` and ``inputs``
    the forward pass, then the backward pass: the loss per example and the
    gradient of their sum in ``grad`` (and, for ``inputs``, ∂loss/∂X).

Weight matrices and bias columns that are slices of ``theta`` (and of
``grad``) are read through views, which ``theta_views``/``grad_views`` make
once per array and pass in as ``T`` and ``G``.  The views are known once
every program is built, so each program's first lines unpack them then.
"""

from __future__ import annotations

from .backward import Backward
from .forward import Forward
from .ops import Function, Name, Return, Statement, Unpack
from .plan import Plan

__all__ = ["ARGUMENTS", "lower"]

#: The parameters of every program (the perturbed one reads ``index`` and ``delta`` for G and grad).
ARGUMENTS = ("theta", "X", "Y", "B", "T", "G", "grad")
_PERTURBED = ("theta", "X", "Y", "B", "T", "index", "delta")

#: name -> (columns, backward, inputs)
_PROGRAMS = {
    "forward": (False, False, False),
    "columns": (True, False, False),
    "perturbed": (False, False, False),
    "gradient": (False, True, False),
    "inputs": (False, True, True),
}


def lower(plan: Plan) -> tuple[Function, ...]:
    """The programs of ``plan``: forward, columns, perturbed, gradient, inputs, theta_views, grad_views."""
    forward = Forward(plan)
    bodies = {}
    for name, (columns, backward, inputs) in _PROGRAMS.items():
        cache: dict[tuple[str, int], Name] = {}
        lines = forward.lines(columns, cache, nudged=name == "perturbed")
        if backward:
            lines += Backward(forward, inputs, cache).statements()
        else:
            lines.append(Return(tuple(Name(u.array) for u in plan.units), trailing_comma=True))
        bodies[name] = lines
    out = []
    for name, (columns, backward, _) in _PROGRAMS.items():
        head: list[Statement] = []
        if not columns and forward.tviews.names:
            head.append(Unpack(tuple(forward.tviews.names.values()), Name("T")))
        if backward and forward.gviews.names:
            head.append(Unpack(tuple(forward.gviews.names.values()), Name("G")))
        parameters = _PERTURBED if name == "perturbed" else ARGUMENTS
        out.append(Function(name, parameters, (*head, *bodies[name])))
    for name, array, views in (
        ("theta_views", "theta", forward.tviews),
        ("grad_views", "grad", forward.gviews),
    ):
        exprs = tuple(views.names)
        out.append(Function(name, (array,), (Return(exprs, trailing_comma=bool(exprs)),)))
    return tuple(out)
