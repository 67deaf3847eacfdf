"""Local derivatives of one definition, from known forms and without ``sympy.diff`` where possible.

The derivation differentiates each definition with respect to each of its
parents.  :func:`local_derivatives` returns the same expressions as
``sympy.diff(definition, parent)`` (``raw``) and ``raw.xreplace(node_of)``
(``general``, in node names), tree for tree, but reaches them by cheaper routes:

* a weighted sum ``Σ w_k a_k + b`` is differentiated term by term: the
  derivative by ``w_k`` is the symbol ``a_k`` itself, built with no SymPy call;
* a function applied to distinct symbols, ``sigmoid(z)`` or
  ``half_squared_error(a, y)``, takes its derivative from a **template**:
  ``sympy.diff`` of the same function applied to dummies with the same
  assumptions, computed once per (class, argument pattern, argument) and
  cached.  The template is then instantiated for each node by
  :func:`substitute`;
* anything else goes to ``sympy.diff``, as before.

:func:`substitute` equals ``expr.xreplace(rule)`` but rebuilds ``Add``, ``Mul``,
``Pow`` and library-function nodes without SymPy's evaluation (no flattening, no
assumption queries) wherever evaluation provably changes nothing but the
order of arguments, which it restores with SymPy's own sort key.  Each such
rule is guarded: a node that could evaluate differently (two factors with one
base, like terms, a number appearing) is rebuilt by SymPy as ``xreplace`` would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import sympy
from sympy import Add, Dummy, Expr, Function, Mul, Pow, S, Symbol
from sympy.core.basic import _args_sortkey
from sympy.core.function import ArgumentIndexError

from .functions import LibraryFunction

__all__ = ["local_derivatives", "parents", "product", "substitute", "total"]

#: ``(parent, raw, general)``: one local derivative in parent names and in node names.
Local = tuple[Symbol, Expr, Expr]


def local_derivatives(expr: Expr, parents: Sequence[Symbol], node_of: Mapping[Expr, Symbol]) -> list[Local]:
    """The derivative of one definition by each of its ``parents``, raw and in node names.

    Args:
        expr: The definition's right-hand side.
        parents: The symbols of the network that occur in ``expr``.
        node_of: Definition expression -> the node it defines (for the general form).

    Returns:
        ``(parent, raw, general)`` per parent, in the order of ``parents``, with
        ``raw == sympy.diff(expr, parent)`` and ``general == raw.xreplace(node_of)``.
    """
    if isinstance(expr, Add):
        return _sum_derivatives(expr, parents, node_of)
    out = []
    for p in parents:
        raw = _derivative(expr, p)
        out.append((p, raw, _general(raw, node_of)))
    return out


def _sum_derivatives(expr: Add, parents: Sequence[Symbol], node_of: Mapping[Expr, Symbol]) -> list[Local]:
    """A sum differentiated term by term, touching only the terms that hold the parent.

    A weighted sum of k inputs then costs O(k), not O(k^2): the derivative of
    ``w*a`` by ``w`` is read off the term.
    """
    parts: dict[Symbol, list[Expr]] = {p: [] for p in parents}
    for term in expr.args:
        if term.is_Symbol:
            if term in parts:
                parts[term].append(S.One)
            continue
        pair = _symbol_pair(term)
        if pair is not None:
            u, v = pair
            if u in parts:
                parts[u].append(v)
            if v in parts:
                parts[v].append(u)
            continue
        for s in term.free_symbols:
            if s in parts:
                parts[s].append(_derivative(term, s))
    out = []
    for p in parents:
        found = parts[p]
        raw = found[0] if len(found) == 1 else Add(*found)
        out.append((p, raw, _general(raw, node_of)))
    return out


def _symbol_pair(term: Expr) -> tuple[Symbol, Symbol] | None:
    """``(w, a)`` when ``term`` is the product ``w*a`` of two distinct symbols."""
    if term.is_Mul and len(term.args) == 2:
        u, v = term.args
        if u.is_Symbol and v.is_Symbol and u != v:
            return u, v
    return None


def parents(expr: Expr, known: set[Symbol] | frozenset[Symbol]) -> list[Symbol]:
    """The symbols of ``known`` that occur in ``expr``, sorted by name."""
    if isinstance(expr, Add):
        found: set[Symbol] = set()
        for term in expr.args:
            if term.is_Symbol:
                found.add(term)
            elif _symbol_pair(term) is not None:
                found.update(term.args)
            else:
                found |= term.free_symbols
    else:
        found = expr.free_symbols
    return sorted((s for s in found if s in known), key=lambda s: s.name)


def _general(raw: Expr, node_of: Mapping[Expr, Symbol]) -> Expr:
    """``raw.xreplace(node_of)``, cheaply."""
    if not node_of:
        return raw
    if raw.is_Atom:
        return node_of.get(raw, raw)
    return substitute(raw, node_of)


def _derivative(term: Expr, symbol: Symbol) -> Expr:
    """``sympy.diff(term, symbol)`` by the cheapest route that gives the same tree."""
    if term == symbol:
        return S.One
    if isinstance(term, Mul):
        args = term.args
        rest = [f for f in args if f != symbol]
        if len(rest) == len(args) - 1 and not any(symbol in f.free_symbols for f in rest):
            return Mul(*rest)
    elif isinstance(term, Function):
        known = _from_template(term, symbol)
        if known is not None:
            return known
    return sympy.diff(term, symbol)


def _from_template(app: Function, symbol: Symbol) -> Expr | None:
    """``sympy.diff(app, symbol)`` from the cached template of ``app``'s class, or ``None``.

    Applies when ``symbol`` is one of the arguments, the symbolic arguments are
    distinct symbols, and every other argument is a number.  Then the chain
    rule's inner factor is 1 and ``sympy.diff`` returns ``app.fdiff(i)``
    itself; the template gives that tree without calling ``fdiff`` again.
    """
    pattern: list[object] = []
    seen: set[Expr] = set()
    index = None
    for i, arg in enumerate(app.args):
        if arg.is_Symbol:
            if arg in seen:
                return None
            seen.add(arg)
            if arg == symbol:
                index = i
            pattern.append(_assumptions(arg))
        elif arg.is_Number:
            pattern.append(arg)
        else:
            return None
    if index is None:
        return None
    # SymPy's FunctionClass defines __eq__, so mypy doubts that classes hash; they do (by identity).
    template = _template(type(app), tuple(pattern), index)  # type: ignore[arg-type]
    if template is None:
        return None
    dummies, applied, derivative = template
    if derivative is None:  # fdiff builds part of its answer unevaluated: ask it each time
        try:
            return app.fdiff(index + 1)
        except ArgumentIndexError:
            return None
    rule: dict[Expr, Expr] = {d: a for d, a in zip(dummies, app.args) if d is not None}
    rule[applied] = app
    return substitute(derivative, rule)


def _assumptions(symbol: Symbol) -> tuple[tuple[str, bool], ...]:
    return tuple(sorted(symbol.assumptions0.items()))


Template = tuple[tuple[Dummy | None, ...], Expr, Expr | None]


@lru_cache(maxsize=512)
def _template(cls: type[Function], pattern: tuple[object, ...], index: int) -> Template | None:
    """``(dummies, cls(*args), derivative by args[index])`` for dummy symbolic arguments.

    Each dummy carries the assumptions of the symbol it stands for, so that
    SymPy takes the same decisions on the template as on the real call.  The
    derivative is ``None`` unless every node of it is in SymPy's evaluated
    form, whichever way the dummies sort (names in one order, then reversed):
    only then does rebuilding it in canonical order give what ``fdiff`` builds
    from the real arguments.  ``None`` when the call evaluates away.
    """
    n = len(pattern)
    derivatives = []
    for names in (range(n), reversed(range(n))):
        dummies = tuple(
            Dummy(f"t{k:04d}", **dict(p)) if isinstance(p, tuple) else None for k, p in zip(names, pattern)
        )
        args = [d if d is not None else p for d, p in zip(dummies, pattern)]
        applied = cls(*args)
        if not isinstance(applied, cls):
            return None
        try:  # what sympy.diff returns here (the inner factor is 1), without its assumption queries
            derivative = applied.fdiff(index + 1)
        except ArgumentIndexError:
            return None
        derivatives.append(derivative if _evaluated(derivative) else None)
    return dummies, applied, derivative if None not in derivatives else None


def _evaluated(expr: Expr) -> bool:
    """Whether every node of ``expr`` is what SymPy builds from its arguments with evaluation."""
    return all(node.func(*node.args) == node for node in sympy.preorder_traversal(expr) if node.args)


def substitute(expr: Expr, rule: Mapping[Expr, Expr]) -> Expr:
    """``expr.xreplace(rule)``, the same tree, with cheap rebuilds where evaluation changes nothing.

    Meant for rules whose values are symbols or function applications (node
    names, arguments), on small expressions such as local derivatives.
    """
    if expr in rule:
        return rule[expr]
    if not expr.args:
        return expr
    args = tuple(substitute(a, rule) for a in expr.args)
    if all(new is old for new, old in zip(args, expr.args)):
        return expr
    rebuilt = _rebuild(expr, args)
    return rebuilt if rebuilt is not None else expr.func(*args)


def _rebuild(expr: Expr, args: tuple[Expr, ...]) -> Expr | None:
    """``expr.func(*args)`` without evaluation, when that is provably the same tree; else ``None``."""
    if expr.is_Add:
        return _rebuild_add(args)
    if expr.is_Mul:
        return _rebuild_mul(args)
    if expr.is_Pow:
        base, exp = args
        return Pow(base, exp, evaluate=False) if exp is expr.exp and exp.is_Number and _plain(base) else None
    if isinstance(expr, LibraryFunction) and all(a.is_Symbol or a is b for a, b in zip(args, expr.args)):
        return expr.func(*args, evaluate=False)
    return None


def _rebuild_add(args: tuple[Expr, ...]) -> Expr | None:
    """A sum stays as it is unless two terms are alike (``a - a``) or a term is itself a sum."""
    keys = [a.as_coeff_Mul()[1] for a in args if not a.is_Number]
    if len(set(keys)) != len(keys) or any(a.is_Add for a in args):
        return None
    return _canonical(Add, args)


def _rebuild_mul(args: tuple[Expr, ...]) -> Expr | None:
    """A product stays as it is unless two factors share a base, a factor is a product, or it distributes."""
    bases = [a.as_base_exp()[0] for a in args if not a.is_Number]
    if len(set(bases)) != len(bases) or any(a.is_Mul or not a.is_commutative for a in args):
        return None
    if len(args) == 2 and args[0].is_Number and args[1].is_Add:  # 2*(a + b) distributes
        return None
    return _canonical(Mul, args)


def product(a: Expr, b: Expr) -> Expr:
    """``a*b``, the same tree, without Mul's flattening where it provably changes only the order.

    The factors of both sides are joined and put in canonical order when no two
    share a base, at most one is a number (not 0 or 1), no power of a number
    could gather with another, and a number would not distribute over a sum.
    """
    if a is S.One:
        return b
    if b is S.One:
        return a
    factors = _numbers_first((*(a.args if a.is_Mul else (a,)), *(b.args if b.is_Mul else (b,))))
    if factors is None or any(f.is_Pow and f.base.is_Number for f in factors):  # √2·√3 gathers to √6
        return a * b
    rebuilt = _rebuild_mul(factors)
    return rebuilt if rebuilt is not None else a * b


def total(terms: Sequence[Expr]) -> Expr:
    """``Add(*terms)``, the same tree, without Add's flattening where it provably changes only the order."""
    if len(terms) < 2:
        return terms[0] if terms else S.Zero
    ordered = _numbers_first(tuple(terms))
    rebuilt = None if ordered is None else _rebuild_add(ordered)
    return rebuilt if rebuilt is not None else Add(*terms)


def _numbers_first(items: tuple[Expr, ...]) -> tuple[Expr, ...] | None:
    """``items`` with its number first; ``None`` unless there is at most one, finite, neither 0 nor 1
    (SymPy would combine several, and drop or absorb those)."""
    numbers = [x for x in items if x.is_Number]
    if not numbers:
        return items
    n = numbers[0]
    if len(numbers) > 1 or not n.is_finite or n == 0 or n == 1:
        return None
    return (n, *[x for x in items if not x.is_Number])


def _plain(base: Expr) -> bool:
    """Whether ``base ** number`` stays as it is: a symbol, or a function without its own power rule."""
    if base.is_Symbol:
        return True
    return isinstance(base, LibraryFunction) and type(base)._eval_power is Expr._eval_power


def _canonical(cls: type[Add] | type[Mul], args: tuple[Expr, ...]) -> Expr | None:
    """An ``Add`` or ``Mul`` of ``args`` in SymPy's canonical order: the number first, then sorted."""
    numbers = [a for a in args if a.is_Number]
    if len(numbers) > 1 or (numbers and numbers[0] is not args[0]):
        return None
    rest = sorted(args[len(numbers) :], key=_args_sortkey)
    return cls._from_args([*numbers, *rest])
