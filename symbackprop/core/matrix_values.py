"""Numbers of a matrix expression: NumPy float64 arrays, one operation at a time.

A structural operation takes its rule's ``numeric`` (``A @ B``, ``A.T``, a
stable softmax).  A run of elementwise operations (``a_1*(1 - a_1)``, or
``sigmoid(z)``) is one kernel: the run's SymPy tree over placeholders, in
elementary functions, printed as NumPy code by the vectorised program's printer
(:func:`symbackprop.numeric.codegen.compile_functions`) and compiled once per
template.  Nothing is differentiated here, and no user text reaches the
compiler: the templates are our own trees over placeholders.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from sympy import Expr, Symbol

from ..errors import InputError
from .functions import to_elementary
from .layers import placeholder
from .tensors import TENSOR_RULES

__all__ = ["Evaluator", "elementwise_kernel"]


class Evaluator:
    """Evaluates matrix expressions at known arrays (values of symbols, adjoints, ...).

    Args:
        known: ``atom -> array``: every symbol (and adjoint atom) the expressions use.
    """

    def __init__(self, known: Mapping[Expr, Any]) -> None:
        self.known = known
        self.memo: dict[Expr, Any] = {}

    def __call__(self, expr: Expr) -> Any:
        import numpy

        found = self.known.get(expr)
        if found is not None:
            return found
        if expr in self.memo:
            return self.memo[expr]
        rule = TENSOR_RULES.get(type(expr))
        if rule is not None:
            value = rule.numeric(*[self(a) for a in expr.args])
        elif expr.is_Number:
            value = numpy.full((1, 1), float(expr))
        elif isinstance(expr, Symbol):
            raise InputError(f"no value for {expr.name!r}")
        else:
            kernel, leaves = elementwise_kernel(expr, self.known)
            value = kernel(*[self(leaf) for leaf in leaves])
        self.memo[expr] = value
        return value


def elementwise_kernel(expr: Expr, known: Mapping[Expr, Any]) -> tuple[Callable[..., Any], list[Expr]]:
    """The NumPy function of ``expr``'s elementwise run, and the operands it takes, in order.

    Each operand is a symbol, an atom of ``known`` or a structural operation;
    the function is compiled once per template (and cached).
    """
    leaves: list[Expr] = []
    template = _template(expr, known, leaves)
    return _kernel(template, len(leaves)), leaves


def _template(expr: Expr, known: Mapping[Expr, Any], leaves: list[Expr]) -> Expr:
    """``expr``'s elementwise run, with each operand that is not elementwise as a placeholder."""
    mapping: dict[Expr, Expr] = {}

    def visit(node: Expr) -> None:
        if node in mapping:
            return
        if node in known or isinstance(node, Symbol) or type(node) in TENSOR_RULES:
            mapping[node] = placeholder(len(leaves))
            leaves.append(node)
            return
        for a in node.args:
            visit(a)

    visit(expr)
    return expr.xreplace(mapping)


@functools.lru_cache(maxsize=1024)
def _kernel(template: Expr, arity: int) -> Callable[..., Any]:
    """A NumPy function of ``arity`` arrays that computes ``template`` over the placeholders."""
    from ..numeric.codegen import compile_functions
    from ..numeric.ops import Formula, Function, Return

    names = tuple((placeholder(i), f"p{i}") for i in range(arity))
    body = Return((Formula(to_elementary(template), names),))
    function = Function("kernel", tuple(n for _, n in names), (body,))
    return compile_functions([function]).functions["kernel"]
