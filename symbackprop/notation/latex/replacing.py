"""``expr.xreplace(rule)`` without SymPy's re-flattening where it cannot change anything.

Each side is read as a skeleton over placeholders, and each placeholder is then
replaced by what it stands for (a name, a number's symbol, a derivative).
``xreplace`` rebuilds every product and sum through ``Mul(*args)`` / ``Add(*args)``,
whose ``flatten`` collects coefficients and powers; when the new factors (terms)
are plain and pairwise distinct, there is nothing to collect, and the result is
the factors in SymPy's canonical order.  :func:`replaced` builds that directly
and leaves every other node to SymPy, so the result equals ``xreplace``'s (a test
compares the two).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sympy import Add, Basic, Expr, Mul, S, Symbol
from sympy.calculus.accumulationbounds import AccumBounds
from sympy.core.basic import _args_sortkey

__all__ = ["replaced"]


def replaced(expr: Basic, rule: Mapping[Any, Any]) -> Any:
    """``expr.xreplace(rule)``: equal to it, built faster for products and sums of plain parts."""
    if not rule:
        return expr
    return _replace(expr, rule)[0]


def _replace(node: Basic, rule: Mapping[Any, Any]) -> tuple[Any, bool]:
    """What ``node`` becomes, and whether anything in it was replaced (as ``Basic._xreplace``)."""
    if node in rule:
        return rule[node], True
    old = node.args
    if not old:
        return node, False
    args = []
    changed = False
    for a in old:
        if isinstance(a, Basic):
            new, hit = _replace(a, rule)
            args.append(new)
            changed = changed or hit
        else:
            args.append(a)
    return (_rebuilt(node, args), True) if changed else (node, False)


def _rebuilt(node: Basic, args: list[Any]) -> Any:
    """``node.func(*args)``, with a product or a sum of plain parts put together directly."""
    cls = type(node)
    if cls is not Mul and cls is not Add:
        return node.func(*args)
    key = (cls, *args, *map(type, args))  # typed: SymPy's 1 and 1.0 are unequal, but may not be
    made = _MADE.get(key)
    if made is None:
        made = _product(args) if cls is Mul else _sum(args)
        if made is None:
            return node.func(*args)  # SymPy's constructor remembers these itself
        if len(_MADE) >= _REMEMBERED:
            _MADE.clear()
        _MADE[key] = made
    return made


#: Products and sums built here (``out - y`` is written beside many names), by their arguments.
_MADE: dict[tuple[Any, ...], Expr] = {}

#: The most remembered (then the memory starts again).
_REMEMBERED = 4096


def _plain(e: Any) -> bool:
    """Whether ``Mul.flatten`` and ``Add.flatten`` keep ``e`` as it is: a commutative expression
    that is neither a number, a product, a sum, a power, an order term nor an interval."""
    kind = _KINDS.get(type(e))
    if kind is None:
        kind = _KINDS[type(e)] = _kind(type(e))
    if kind == _NEVER or e.is_commutative is not True:
        return False
    return kind == _NAME or (e.as_base_exp()[1] is S.One and not e.is_number)


#: What the type of a part says of it: never plain, plain if commutative (a symbol), or ask it.
_NEVER, _NAME, _ASK = 0, 1, 2
_KINDS: dict[type, int] = {}


def _kind(cls: Any) -> int:
    """:data:`_NEVER`, :data:`_NAME` or :data:`_ASK` for instances of ``cls`` (see :func:`_plain`)."""
    if not issubclass(cls, Expr) or issubclass(cls, AccumBounds):
        return _NEVER
    if cls.is_Mul or cls.is_Add or cls.is_Pow or cls.is_Number or cls.is_Order:
        return _NEVER
    symbol = issubclass(cls, Symbol) and cls.as_base_exp is Expr.as_base_exp
    return _NAME if symbol and cls.is_number is False else _ASK


def _product(args: list[Any]) -> Expr | None:
    """``Mul(*args)`` when nothing combines: at most one rational coefficient (not 0 or 1) and
    distinct plain factors or commutative sums (no sum beside a coefficient, which ``Mul`` would
    expand), two at least; else ``None``."""
    coeff: list[Any] = []
    rest: list[Any] = []
    sums = False
    for a in args:
        if not isinstance(a, Expr):
            return None
        if a.is_Rational:
            coeff.append(a)
        elif a.is_Add and a.is_commutative is True:  # kept whole, as a power of 1
            rest.append(a)
            sums = True
        elif _plain(a):
            rest.append(a)
        else:
            return None
    if coeff and (len(coeff) > 1 or sums or coeff[0] is S.One or coeff[0] is S.Zero):
        return None
    if len(rest) < 2 - len(coeff) or len(set(rest)) != len(rest):
        return None
    _ordered(rest)
    return _built(Mul, coeff + rest)


def _sum(args: list[Any]) -> Expr | None:
    """``Add(*args)`` when no terms combine: at most one rational number (not 0), and terms that
    :func:`_term_key` accepts, each distinct once its coefficient is set aside; else ``None``."""
    numbers = [a for a in args if isinstance(a, Expr) and a.is_Rational]
    terms = [a for a in args if not (isinstance(a, Expr) and a.is_Rational)]
    if len(numbers) > 1 or (numbers and numbers[0] is S.Zero) or len(terms) < 2 - len(numbers):
        return None
    seen = set()
    for a in terms:
        key = _term_key(a)
        if key is None or key in seen:
            return None
        seen.add(key)
    _ordered(terms)
    return _built(Add, numbers + terms)


def _term_key(a: Any) -> Any:
    """What ``Add.flatten`` collects the term ``a`` under (``a`` past its numeric coefficient), when
    it rebuilds ``a`` as it is: a plain term, or a product with a finite non-zero coefficient (not 1)
    and a plain factor or two factors at least; ``None`` otherwise."""
    if _plain(a):
        return a
    if not (isinstance(a, Expr) and a.is_Mul and a.is_commutative is True):
        return None
    first, rest = a.args[0], a.args[1:]
    if not first.is_Number:
        return a
    if not (first.is_Rational or first.is_Float) or first.is_zero or first is S.One:
        return None
    if len(rest) == 1:
        return rest[0] if _plain(rest[0]) else None
    return a._new_rawargs(*rest)


def _ordered(parts: list[Any]) -> None:
    """Sort distinct ``parts`` in SymPy's canonical order, in place (two by one comparison)."""
    if len(parts) == 2:
        if parts[1].compare(parts[0]) < 0:  # what sort() asks of two
            parts.reverse()
    else:
        parts.sort(key=_args_sortkey)


#: Per type of argument: whether no constructor postprocessor is registered for it (most types).
_BARE: dict[type, bool] = {}


def _built(cls: type[Mul] | type[Add], args: list[Any]) -> Expr:
    """``cls`` over ``args`` (already in canonical order), as ``AssocOp.__new__`` ends: the
    postprocessors of the arguments' types run, when there are any."""
    obj = cls._from_args(args, True)
    for a in args:
        bare = _BARE.get(type(a))
        if bare is None:
            mapping = Basic._constructor_postprocessor_mapping
            bare = _BARE[type(a)] = not any(c in mapping for c in type(a).__mro__)
        if not bare:
            return cls._exec_constructor_postprocessors(obj)
    return obj
