"""The registry of function facts: one :class:`FunctionInfo` entry per function.

An entry says everything the rest of the package needs to know about one
function, in one place (jax declares a primitive once, with its rules beside
it; this is the same idea):

* ``func`` and ``cls``: what a call builds, and the SymPy class that then
  appears in expressions.  The class's ``fdiff`` is the textbook derivative and
  its ``elementary`` the numeric implementation (see
  :class:`~symbackprop.core.functions.base.LibraryFunction`);
* ``arity``: how many arguments a call takes;
* ``kink``: where the function is not differentiable, and the text of the
  derivative the class declares there (computed from ``fdiff``, never written
  twice);
* ``latex_name``: how the printer writes the function's name;
* ``spec_names``: the names a spec may call it by (``mse`` for
  ``mean_squared_error``), and ``latex_aliases``: the words the LaTeX reader
  reads as this function (``\\sigma``, ``\\text{Sigmoid}``, ``\\operatorname{ReLU}``).

:func:`register` adds an entry; the spec reader (:data:`FUNCTIONS`), the LaTeX
reader (:data:`LATEX_ALIASES`), the printer and the check report
(:func:`kink_conditions`, :func:`kink_convention`) then find it with no other
edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import sympy
from sympy import Dummy, Expr, Function

from ...errors import GraphError

__all__ = [
    "FUNCTIONS",
    "LATEX_ALIASES",
    "REGISTRY",
    "Arity",
    "FunctionInfo",
    "Kink",
    "entry_for",
    "kink_conditions",
    "kink_convention",
    "register",
    "unregister",
]

#: A fixed count, a tuple of allowed counts, or ``"even"`` / ``"many"`` for variadic functions.
Arity = int | tuple[int, ...] | str


@dataclass(frozen=True)
class Kink:
    """Where a function is not differentiable, and what its derivative is there.

    Attributes:
        at: The function's arguments -> expressions that vanish at its kinks
            (``relu(z)`` -> ``(z,)``, ``max(a, b)`` -> ``(a - b,)``).
        label: The convention as text, with ``{}`` where the slope goes:
            ``"ReLU'(0) = {}"``.
        zeroed: How many leading arguments are 0 at the kink (``max(a, b)``: 2).
    """

    at: Callable[..., tuple[Expr, ...]]
    label: str
    zeroed: int = 1


@dataclass(frozen=True)
class FunctionInfo:
    """One function: how it is called, named, printed, read and differentiated.

    The first four fields are what a spec call needs (``FunctionInfo(name,
    func, arity, doc)`` also describes a spec's own functions); the rest are
    the facts :func:`register` files in the registry.

    Attributes:
        name: The canonical name, e.g. ``"sigmoid"``.
        func: What a call builds: the class, or a SymPy function.
        arity: See :data:`Arity`.
        doc: One line for help texts.
        cls: The class that appears in expressions; by default ``func`` when it
            is a class (``sqrt`` builds a ``Pow`` and has none).
        latex_name: The printed name for the layout ``name\\left(args\\right)``;
            ``None`` when SymPy's printer or a ``_print_<Class>`` method lays it out.
        spec_names: Names a spec may call it by; default ``(name,)``; ``()``
            for a function that only derivatives produce (``step``).
        latex_aliases: Lower-case words the LaTeX reader reads as this function,
            after a backslash or inside ``\\text{}``/``\\operatorname{}``.
        kink: Where it is not differentiable, or ``None``.
    """

    name: str
    func: Callable[..., Expr]
    arity: Arity
    doc: str
    cls: type | None = None
    latex_name: str | None = None
    spec_names: tuple[str, ...] | None = None
    latex_aliases: tuple[str, ...] = ()
    kink: Kink | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.cls is None and isinstance(self.func, type):
            object.__setattr__(self, "cls", self.func)
        if self.spec_names is None:
            object.__setattr__(self, "spec_names", (self.name,))

    def accepts(self, n: int) -> bool:
        """Whether a call with ``n`` arguments is allowed."""
        if self.arity == "even":
            return n >= 2 and n % 2 == 0
        if self.arity == "many":
            return n >= 2
        if isinstance(self.arity, tuple):
            return n in self.arity
        return n == self.arity

    def describe_arity(self) -> str:
        """The arity in words, for error messages."""
        if self.arity == "even":
            return "an even number of arguments"
        if self.arity == "many":
            return "at least 2 arguments"
        if isinstance(self.arity, tuple):
            return " or ".join(str(a) for a in self.arity) + " arguments"
        return f"{self.arity} argument" + ("" if self.arity == 1 else "s")

    def derivative(self, *args: Expr, index: int = 1) -> Expr:
        """The textbook derivative by argument ``index`` (1-based): the class's ``fdiff``.

        ``args`` should be symbols; a call that evaluates away is differentiated by SymPy.
        """
        applied = self.func(*args)
        if isinstance(applied, Function):
            return applied.fdiff(index)
        return sympy.diff(applied, args[index - 1])

    def convention(self, args: Sequence[Expr]) -> str:
        """The derivative at the kink of ``func(*args)``, as text: ``"leaky ReLU'(0) = 0.01"``.

        The slope comes from :meth:`derivative` at the kink, so it is the value
        the derivation uses, by construction.
        """
        if self.kink is None:
            return _LIBRARY_CONVENTION
        zeros = [Dummy(real=True) for _ in range(self.kink.zeroed)]
        slope = self.derivative(*zeros, *args[self.kink.zeroed :])
        return self.kink.label.format(_number_text(slope.xreplace(dict.fromkeys(zeros, sympy.Integer(0)))))


_LIBRARY_CONVENTION = "library convention"


def _number_text(value: Expr) -> str:
    """A slope as the check report writes it: ``0.01``, ``0``, ``0.5``; symbols as SymPy writes them."""
    if value.is_number and value.is_comparable:
        return format(float(value), "g")
    return str(value)


#: Every entry, by canonical name (``step`` included, which a spec cannot call).
REGISTRY: dict[str, FunctionInfo] = {}

#: The functions a spec may call, by name (aliases included).  Updated in place by :func:`register`.
FUNCTIONS: dict[str, FunctionInfo] = {}

#: LaTeX spellings -> canonical names, for the LaTeX reader.  Updated in place by :func:`register`.
LATEX_ALIASES: dict[str, str] = {}

_BY_CLASS: dict[type, FunctionInfo] = {}


def _taken(info: FunctionInfo) -> list[str]:
    """The names and spellings of ``info`` that another entry already has."""
    names = [info.name] if info.name in REGISTRY else []
    names += [n for n in info.spec_names or () if n in FUNCTIONS]
    names += [a for a in info.latex_aliases if a in LATEX_ALIASES]
    if info.cls is not None and info.cls in _BY_CLASS:
        names.append(info.cls.__name__)
    return names


def register(info: FunctionInfo) -> FunctionInfo:
    """Add ``info`` to the registry; the readers, printer and check report then know it.

    Raises:
        GraphError: A name, spelling or class of ``info`` is already registered.
    """
    taken = _taken(info)
    if taken:
        msg = f"cannot register function {info.name!r}: already registered: {', '.join(taken)}"
        raise GraphError(msg)
    REGISTRY[info.name] = info
    for n in info.spec_names or ():
        FUNCTIONS[n] = info if n == info.name else replace(info, name=n, doc=f"alias of {info.name}")
    for a in info.latex_aliases:
        LATEX_ALIASES[a] = info.name
    if info.cls is not None:
        _BY_CLASS[info.cls] = info
    return info


def unregister(name: str) -> None:
    """Remove the entry ``name`` and all its names (for tests and plugins that clean up)."""
    info = REGISTRY.pop(name)
    for n in info.spec_names or ():
        FUNCTIONS.pop(n, None)
    for a in info.latex_aliases:
        LATEX_ALIASES.pop(a, None)
    if info.cls is not None:
        _BY_CLASS.pop(info.cls, None)


def entry_for(cls: type) -> FunctionInfo | None:
    """The entry of the class ``cls`` (or of its nearest registered base), or ``None``.

    A function made by :func:`~symbackprop.core.functions.custom_function` is
    not in the registry (its name belongs to one spec); it carries its own entry
    as ``function_info``.
    """
    for c in cls.__mro__:
        info = _BY_CLASS.get(c)
        if info is not None:
            return info
    info = getattr(cls, "function_info", None)
    return info if isinstance(info, FunctionInfo) else None


def _kinked(expr: Expr) -> Iterator[tuple[Expr, FunctionInfo, Kink]]:
    """``(node, entry, kink)`` for every node of ``expr`` whose function has a kink, in preorder."""
    for node in sympy.preorder_traversal(expr):
        info = entry_for(type(node))
        if info is not None and info.kink is not None:
            yield node, info, info.kink


def kink_conditions(expr: Expr) -> list[Expr]:
    """Expressions that vanish at the non-differentiable points of ``expr``.

    Covers every registered function with a :class:`Kink`: ReLU, leaky ReLU,
    ``Abs``, ``Max`` and ``Min`` of two arguments.
    """
    return [c for node, _, kink in _kinked(expr) for c in kink.at(*node.args)]


def kink_convention(expr: Expr) -> str:
    """The convention at the first kink of ``expr``, as the check report states it.

    ``leaky_relu(z, 1/5)`` gives ``"leaky ReLU'(0) = 0.2"``: the slope the
    derivation uses there.  An expression without a kink gives
    ``"library convention"``.
    """
    for node, info, kink in _kinked(expr):
        if kink.at(*node.args):
            return info.convention(node.args)
    return _LIBRARY_CONVENTION
