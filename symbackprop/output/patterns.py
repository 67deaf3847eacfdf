"""Repeated patterns in a backward pass: units of one layer whose steps have the same shape.

A *unit* is a node with everything that feeds only it: ``a`` with the ``z``
whose one consumer it is, and the parameters whose one consumer is that ``z``.
Two units have the *same shape* when one is the other with its symbols renamed:
their steps, definitions and local derivatives match tree for tree under one
consistent, role-preserving renaming (:func:`same_shape`).  Detection reads the
derivation's steps, never the names.  The arguments of a sum or a product, and a
node's paths (:class:`Unordered`), match in any order; a softmax component
matches as the argument it picks, then the others (``softmax(2, z₁, z₂, z₃)`` is
``softmax(1, z₂, z₁, z₃)``), so the outputs of one softmax are units of one shape.

A compact walkthrough works the first unit of each such group in full and
summarises the others in a table.  Its headers write the varying part of the
names as an index when the names show one (:func:`index_names`: a purely
presentational step); otherwise each row names its own quantities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sympy import Basic, Integer, Symbol

from ..core.backward import Partial, Step
from ..core.functions import softmax

__all__ = ["Group", "Unit", "Unordered", "group_units", "index_names", "same_shape", "units_of"]

#: What a step looks like, for shape matching: SymPy trees, symbols and plain data.
Key = Callable[[Step], Sequence[object]]

#: Letters tried, in order, for the index that varies across a group's units.
INDEX_LETTERS = ("j", "k", "m", "i", "n", "u")

#: Functions whose first argument is the 1-based index of the argument they pick among the others.
PICKING = (softmax,)

#: Arguments matched in any order up to this many (beyond it, in their order only), and the work one
#: comparison may do: a bound, so that a comparison of wide layers stays linear.
MAX_UNORDERED = 6
MAX_TRIES = 20_000


class Unordered(tuple):  # type: ignore[type-arg]
    """Items of a step's shape whose order does not matter (a node's paths): matched in any order."""

    __slots__ = ()


@dataclass(frozen=True)
class Unit:
    """A node (the head) and the steps that feed only it, nodes first, in backward order."""

    steps: tuple[Step, ...]
    layer: int

    @property
    def head(self) -> Symbol:
        return self.steps[0].symbol


@dataclass(frozen=True)
class Group:
    """Units of one layer with the same shape; the first is worked in full."""

    units: tuple[Unit, ...]


def units_of(order: Sequence[Step], loss: Symbol, layer: Callable[[Symbol], int]) -> list[Unit]:
    """The backward steps (children before parents) cut into units.

    A parameter that feeds one node joins that node's unit; so does a node that
    feeds one node, when it is that node's only parent node (``z`` in
    ``a = σ(z)``, not ``a₁`` in ``z = w₁a₁ + w₂a₂``).  Any other step starts a
    unit of its own.
    """
    parent_nodes: dict[Symbol, int] = {}
    for step in order:
        if step.role == "node":
            for f in step.factors:
                parent_nodes[f.of] = parent_nodes.get(f.of, 0) + 1
    members: dict[Symbol, list[Step]] = {}
    owner: dict[Symbol, Symbol] = {}
    for step in order:
        only = step.factors[0].of if len(step.factors) == 1 else None
        joins = only is not None and only != loss and only in owner
        if joins and step.role == "node":
            joins = parent_nodes.get(only, 0) == 1
        if joins:
            head = owner[only]  # type: ignore[index]
            members[head].append(step)
        else:
            head = step.symbol
            members[head] = [step]
        owner[step.symbol] = head
    return [Unit(tuple(steps), layer(head)) for head, steps in members.items()]


class _Renaming:
    """A one-to-one, role-preserving renaming of symbols, built up while two trees are matched."""

    def __init__(self, role: Callable[[Symbol], str]) -> None:
        self.role = role
        self.forward: dict[Symbol, Symbol] = {}
        self.backward: dict[Symbol, Symbol] = {}
        self.tries = 0

    def symbols(self, x: Symbol, y: Symbol) -> bool:
        if self.role(x) != self.role(y):
            return False
        return self.forward.setdefault(x, y) == y and self.backward.setdefault(y, x) == x

    def all(self, xs: Sequence[object], ys: Sequence[object]) -> bool:
        return len(xs) == len(ys) and all(self.match(a, b) for a, b in zip(xs, ys))

    def any_order(self, xs: Sequence[object], ys: Sequence[object]) -> bool:
        """Whether ``ys`` is ``xs`` renamed, in some order: in their order first, then by backtracking."""
        if len(xs) != len(ys):
            return False
        saved = self._saved()
        if self.all(xs, ys):
            return True
        self._restore(saved)
        return len(xs) <= MAX_UNORDERED and self._assign(list(xs), list(ys))

    def _assign(self, xs: list[object], ys: list[object]) -> bool:
        if not xs:
            return True
        for j, y in enumerate(ys):
            self.tries += 1
            if self.tries > MAX_TRIES:
                return False
            saved = self._saved()
            if self.match(xs[0], y) and self._assign(xs[1:], ys[:j] + ys[j + 1 :]):
                return True
            self._restore(saved)
        return False

    def _saved(self) -> tuple[dict[Symbol, Symbol], dict[Symbol, Symbol]]:
        return dict(self.forward), dict(self.backward)

    def _restore(self, saved: tuple[dict[Symbol, Symbol], dict[Symbol, Symbol]]) -> None:
        self.forward, self.backward = saved

    def match(self, x: object, y: object) -> bool:
        """Whether ``y`` is ``x`` renamed, extending the renaming as it goes."""
        if isinstance(x, Basic) and isinstance(y, Basic):
            return self._tree(x, y)
        if type(x) is not type(y):
            return False
        if isinstance(x, Unordered):
            return self.any_order(x, y)  # type: ignore[arg-type]
        if isinstance(x, (tuple, list)):
            return self.all(x, y)  # type: ignore[arg-type]
        return x == y

    def _tree(self, x: Basic, y: Basic) -> bool:
        if isinstance(x, Partial) or isinstance(y, Partial):
            both = isinstance(x, Partial) and isinstance(y, Partial)
            return both and self.all((x.of, x.wrt), (y.of, y.wrt))  # type: ignore[attr-defined]
        if isinstance(x, Symbol) or isinstance(y, Symbol):
            return isinstance(x, Symbol) and isinstance(y, Symbol) and self.symbols(x, y)
        if x.is_Atom or y.is_Atom:
            return x == y
        if x.func != y.func:
            return False
        if x.is_Add or x.is_Mul:
            return self.any_order(x.args, y.args)
        return self.all(_picked(x), _picked(y))


def _picked(x: Basic) -> tuple[Basic, ...]:
    """A function's arguments, the one it picks first for a picking function (see :data:`PICKING`)."""
    args = x.args
    if isinstance(x, PICKING) and args and isinstance(args[0], Integer) and 1 <= int(args[0]) < len(args):
        k = int(args[0])
        return (args[k], *args[1:k], *args[k + 1 :])
    return args


def same_shape(
    first: Sequence[Step], second: Sequence[Step], key: Key, role: Callable[[Symbol], str]
) -> bool:
    """Whether the steps ``second`` are the steps ``first`` under one role-preserving renaming."""
    renaming = _Renaming(role)
    return renaming.all([tuple(key(a)) for a in first], [tuple(key(b)) for b in second])


def group_units(units: Sequence[Unit], key: Key, role: Callable[[Symbol], str]) -> list[Group]:
    """Units gathered by layer and shape, each group in the order of its first unit."""
    groups: list[list[Unit]] = []
    for unit in units:
        for group in groups:
            if group[0].layer == unit.layer and same_shape(group[0].steps, unit.steps, key, role):
                group.append(unit)
                break
        else:
            groups.append([unit])
    return [Group(tuple(g)) for g in groups]


# ------------------------------------------------------------------ the index in the names


def _common_prefix(texts: Sequence[str]) -> str:
    first = min(texts)
    last = max(texts)
    n = 0
    while n < len(first) and first[n] == last[n]:
        n += 1
    return first[:n]


def _split(texts: Sequence[str], trim_digits: bool) -> tuple[str, list[str], str] | None:
    prefix = _common_prefix(texts)
    suffix = _common_prefix([t[len(prefix) :][::-1] for t in texts])[::-1]
    if trim_digits:
        prefix = prefix.rstrip("0123456789")
    middles = [t[len(prefix) : len(t) - len(suffix)] for t in texts]
    return (prefix, middles, suffix) if all(middles) else None


def _letter(fixed: Sequence[str]) -> str | None:
    plain = " ".join(re.sub(r"\\[A-Za-z]+", " ", t) for t in fixed)
    return next((c for c in INDEX_LETTERS if c not in plain), None)


def index_names(columns: Sequence[Sequence[str]]) -> tuple[list[str], list[str], str] | None:
    """The headers of a group's table and each unit's index, from the names in its columns.

    Args:
        columns: For each position of the pattern, the LaTeX name of that step in each unit.

    Returns:
        The header names with the varying part written as an index letter (``w^{(1)}_{j1}``),
        each unit's value of the index (``"2"``), and the letter; None when the names show no
        common index.
    """
    for trim in (False, True):
        parts = [_split(texts, trim) for texts in columns]
        if any(p is None for p in parts):
            continue
        splits = [p for p in parts if p is not None]
        indices = splits[0][1]
        consistent = all(s[1] == indices for s in splits) and len(set(indices)) == len(indices)
        letter = _letter([s[0] + s[2] for s in splits])
        if consistent and letter is not None:
            return [f"{s[0]}{letter}{s[2]}" for s in splits], indices, letter
    return None
