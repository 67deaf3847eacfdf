"""The base class of library functions, user functions, and the rewrite to elementary form.

A library function is a :class:`sympy.Function` subclass with

* ``fdiff``: the derivative in the form lecture notes use, in terms of the
  function itself where possible (σ′ = σ(1 − σ)); SymPy's chain rule multiplies
  it by the inner derivative;
* :meth:`LibraryFunction.elementary`: the definition in elementary SymPy
  functions, which numeric evaluation and compilation use;
* automatic evaluation when every argument is a number and one is a Float, so
  that substituting numbers into a node gives a number.

The declared derivative and the elementary definition are two independent
routes; the gradient check compares them.  That is how a user-written
derivative (:func:`custom_function`) gets verified.  How a function prints,
reads and kinks is in its registry entry (:mod:`.registry`), not in the class.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import ClassVar, cast

import sympy
from mpmath.libmp import prec_to_dps
from sympy import Expr, Function, S, Symbol

from ...errors import GraphError
from .registry import FunctionInfo

__all__ = ["CustomFunction", "LibraryFunction", "custom_function", "to_elementary"]


#: Bits carried beyond the asked precision when a library function's arguments are evaluated.
_GUARD_BITS = 20


def _all_numbers(args: Sequence[Expr]) -> bool:
    return all(a.is_number for a in args) and any(a.has(sympy.Float) for a in args)


class LibraryFunction(Function):
    """Base class of every symbackprop function.

    Subclasses implement :meth:`elementary` and ``fdiff``.  They evaluate to a
    number when all arguments are numbers and at least one is a Float; exact
    (Rational) arguments stay unevaluated so that printing shows ``\\sigma(1/4)``
    rather than a long exact expression.
    """

    is_real = True

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        """The function's definition in elementary SymPy functions."""
        raise NotImplementedError

    @classmethod
    def eval(cls, *args: Expr) -> Expr | None:
        if _all_numbers(args):
            return cls.elementary(*args)
        return None

    def _eval_evalf(self, prec: int) -> Expr:
        # Numbers in, the definition applied to them: each argument is evaluated once, with guard
        # bits.  Handing SymPy the definition over unevaluated arguments lets its adaptive evalf
        # evaluate them again at rising precision, once per level of a nesting: 11 nested sigmoids
        # took seconds and 98 would not end (issue 17).
        if not all(a.is_number for a in self.args):
            return self.elementary(*self.args)._eval_evalf(prec)
        args = [a if a.is_Number else _evaluated(a, prec + _GUARD_BITS) for a in self.args]
        return self.elementary(*args)._eval_evalf(prec)


#: Arguments already evaluated, at the highest precision asked so far (see :func:`_evaluated`).
_EVALUATED: OrderedDict[Expr, Expr] = OrderedDict()
_EVALUATED_SIZE = 1 << 12


def _evaluated(arg: Expr, prec: int) -> Expr:
    """``arg`` evaluated to at least ``prec`` bits, remembered.

    A chain-rule product names the same inner node once per factor, and each level of a nesting
    asks for a few more bits than the one around it; a value kept at a higher precision serves
    every later request for fewer bits, so each node of a nesting is evaluated about once.
    """
    known = _EVALUATED.get(arg)
    if known is not None and getattr(known, "_prec", 0) >= prec:
        _EVALUATED.move_to_end(arg)
        return known
    value = arg.evalf(prec_to_dps(prec))
    _EVALUATED[arg] = value
    if len(_EVALUATED) > _EVALUATED_SIZE:
        _EVALUATED.popitem(last=False)
    return value


class CustomFunction(LibraryFunction):
    """Base of functions made by :func:`custom_function`; each carries its own ``function_info``."""

    _params: ClassVar[tuple[Symbol, ...]] = ()
    _expr: ClassVar[Expr] = S.Zero
    _derivatives: ClassVar[tuple[Expr, ...] | None] = None
    function_info: ClassVar[FunctionInfo | None] = None

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        return cls._expr.xreplace(dict(zip(cls._params, args)))

    def fdiff(self, argindex: int = 1) -> Expr:
        mapping = dict(zip(self._params, self.args))
        if self._derivatives is not None:
            return self._derivatives[argindex - 1].xreplace(mapping)
        return sympy.diff(self._expr, self._params[argindex - 1]).xreplace(mapping)


def custom_function(
    name: str,
    params: Sequence[Symbol],
    expr: Expr,
    derivatives: Sequence[Expr] | None = None,
    latex: str | None = None,
) -> type[CustomFunction]:
    """Make a user-defined activation (or any function) usable in networks.

    The function is not added to the library's registry (its name belongs to
    the spec or program that made it); its entry rides on the class as
    ``function_info``, which the printer reads.

    Args:
        name: The function's name, e.g. ``"swish"``.
        params: Its formal parameters, e.g. ``(z,)``.
        expr: Its definition in terms of ``params``; numeric code uses this.
        derivatives: One derivative per parameter, written by the user.  They
            are trusted by the derivation and verified by the gradient check.
            ``None`` means SymPy differentiates ``expr``.
        latex: How the name prints, default ``\\operatorname{name}``.
    """
    params = tuple(params)
    if derivatives is not None and len(derivatives) != len(params):
        msg = f"function {name!r} has {len(params)} parameters but {len(derivatives)} derivatives"
        raise GraphError(msg)
    attrs = {
        "nargs": len(params),
        "_params": params,
        "_expr": expr,
        "_derivatives": None if derivatives is None else tuple(derivatives),
        "__doc__": f"User-defined function {name}{params}.",
        "__module__": __name__,
    }
    cls = cast("type[CustomFunction]", type(name, (CustomFunction,), attrs))
    latex_name = latex or r"\operatorname{%s}" % name.replace("_", r"\_")
    cls.function_info = FunctionInfo(
        name, cls, len(params), f"user function {name}", latex_name=latex_name, spec_names=()
    )
    return cls


def to_elementary(expr: Expr, plain: bool = True) -> Expr:
    """Rewrite every library function in ``expr`` into elementary functions.

    Repeats until none is left, since a custom function's definition may call
    library functions (swish is ``z*sigmoid(z)``).  ``plain``: write the
    definitions' own unsimplified ``Max``/``Min`` (ReLU's) as SymPy's, so that
    the result equals what a user writes by hand; the compilers keep them
    (``plain=False``), since SymPy's compares its arguments whenever it is rebuilt.
    """
    for _ in range(32):
        new = expr.replace(
            lambda e: isinstance(e, LibraryFunction),
            lambda e: type(e).elementary(*e.args),
        )
        if new == expr:
            return new.replace(lambda e: hasattr(e, "plain"), lambda e: e.plain()) if plain else new
        expr = new
    msg = "function definitions nest more than 32 levels deep"
    raise GraphError(msg)
