"""What every walkthrough section builder reads: the evaluated derivation, its printer, the number options.

:class:`Source` holds a derivation with its point, a :class:`MathPrinter` for
its notation, and the number options (``digits``, ``rounding``).  It turns a
formula into *numbers substituted*: given numbers as written, computed numbers
shown so that the line reproduces its result (exact rounding,
:mod:`symbackprop.output.substitution`) or as hand rounding carried them on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sympy
from sympy import Expr, Symbol

from ..core.derivation import Derivation, Evaluation, Partial
from ..core.network import Network
from .numbers import Shown, carried, given, hand_quantizer, shown
from .printing import Notation, SymbackpropLatexPrinter, make_printer
from .substitution import line_numbers

__all__ = ["ETA", "MathPrinter", "Source", "keys_of", "number_data", "paren"]

#: Notation.mul -> SymPy's ``mul_symbol`` setting.
_SYMPY_MUL = {"cdot": "dot", "times": "times", "none": None}


class MathPrinter:
    """Print symbolic and substituted math for one derivation and notation.

    Each expression is printed once: symbolic LaTeX is memoised by expression
    (equal SymPy trees print alike), and a printer is made once per table of
    numbers rather than once per call.
    """

    def __init__(self, derivation: Derivation, notation: Notation) -> None:
        net = derivation.network
        self.notation = notation
        self.base = {
            "latex_names": dict(net.latex_names),
            "derivative": notation.derivative,
            "delta": notation.delta,
            "delta_nodes": frozenset(net.nodes) - {net.loss},
            "loss": net.loss,
            "order": "none",
            "mul_symbol": None,
            "written": net.written,
        }
        self._memo: dict[Expr, str] = {}
        self._printers: dict[int, tuple[Mapping[Any, str] | None, SymbackpropLatexPrinter]] = {}

    def _printer(self, numbers: Mapping[Any, str] | None = None) -> SymbackpropLatexPrinter:
        cached = self._printers.get(id(numbers))
        if cached is not None and cached[0] is numbers:
            return cached[1]
        settings = dict(self.base)
        mul = self.notation.mul
        if numbers is not None:
            settings["numbers"] = numbers
            mul = "cdot" if mul == "none" else mul  # products of numbers always get a sign
        settings["mul_symbol"] = _SYMPY_MUL[mul]
        printer = make_printer(settings)  # the class use_printer() installed
        if len(self._printers) >= 8:  # tables of one step come and go; keep the long-lived ones few
            self._printers.clear()
        self._printers[id(numbers)] = (numbers, printer)  # holding numbers keeps its id unique
        return printer

    def symbolic(self, expr: Expr) -> str:
        text = self._memo.get(expr)
        if text is None:
            text = self._memo[expr] = self._printer().doprint(expr)
        return text

    def substituted(self, expr: Expr, numbers: Mapping[Any, str]) -> str:
        key = (expr.of, expr.wrt) if isinstance(expr, Partial) else expr
        if isinstance(expr, (Symbol, Partial)) and key in numbers:
            return numbers[key]  # a lone number needs no parentheses, even when negative
        return self._printer(numbers).doprint(expr)


@dataclass(frozen=True)
class Source:
    """What every section builder reads: the evaluated derivation, its printer, the number options."""

    derivation: Derivation
    printer: MathPrinter
    digits: int
    rounding: str

    @property
    def net(self) -> Network:
        return self.derivation.network

    @property
    def ev(self) -> Evaluation:
        ev = self.derivation.evaluation
        assert ev is not None
        return ev

    def num(self, value: Expr, key: tuple | None = None, approx: frozenset | None = None) -> dict[str, Any]:
        """A number of the context: ``{text, latex, exact, rel}``.

        ``key`` names a computed value (``("adjoint", w)``) that hand rounding
        may have rounded; ``approx`` is the set of rounded keys (default: the
        point's).  Either way, ≈ marks the number when its value is not exactly the text.
        """
        rounded = key in (self.ev.approx if approx is None else approx)
        if rounded and self.rounding == "hand":
            return number_data(carried(value, self.digits), True)
        return number_data(shown(value, self.digits), rounded)

    def latex(self, value: Expr) -> str:
        return shown(value, self.digits).latex

    def sym(self, s: Symbol) -> str:
        return self.printer.symbolic(s)

    @cached_property
    def leaves(self) -> frozenset:
        """Keys of the given numbers: inputs, targets, parameters."""
        return frozenset(self.net.inputs + self.net.targets + self.net.parameters)

    def value(self, key: Any) -> Expr:
        """The number a substitution key stands for: a symbol's value, or ∂of/∂wrt."""
        if isinstance(key, tuple):
            of, wrt = key
            return self.ev.adjoints[wrt] if of == self.net.loss else self.ev.local[key]
        return self.ev.values[key] if key != ETA else self.ev.learning_rate

    def numbers(self, expr: Expr, result: Expr) -> dict[Any, str]:
        """The LaTeX of every number substituted into ``expr``, reproducing ``result`` (see
        :mod:`symbackprop.output.substitution`)."""
        keys = keys_of(expr)
        if self.rounding == "hand":  # the shown numbers are the ones carried on
            return {k: self.carried_latex(k) for k in keys}
        return line_numbers(
            expr,
            {k: self.value(k) for k in keys},
            result,
            digits=self.digits,
            leaves=self.leaves | {ETA},
            reproduce=self.rounding == "exact",
        )

    def substituted(self, expr: Expr, result: Expr) -> str:
        return self.printer.substituted(expr, self.numbers(expr, result))

    def carried_latex(self, key: Any) -> str:
        """A number as hand rounding carried it on: given ones as written, rounded ones with zeros."""
        value = self.value(key)
        if key in self.leaves or key == ETA:
            return given(value, self.digits).latex
        if isinstance(key, tuple):
            of, wrt = key
            names = {("local", of, wrt)} | ({("adjoint", wrt)} if of == self.net.loss else set())
        else:
            names = {("value", key)}
        rounded = bool(names & self.ev.approx)
        return (carried if rounded else shown)(value, self.digits).latex

    def flags(self, keys: Sequence[Any], approx: frozenset | None = None) -> list[bool] | None:
        """Which of ``keys`` hand rounding rounded (``None`` in exact rounding): for :func:`column`."""
        if self.rounding != "hand":
            return None
        rounded = self.ev.approx if approx is None else approx
        return [k in rounded for k in keys]

    def quantizer(self) -> Any:
        return hand_quantizer(self.digits) if self.rounding == "hand" else None


#: η in the update line θ − η·∂L/∂θ.
ETA = Symbol("eta")


def keys_of(expr: Expr) -> list[Any]:
    """The substitution keys of ``expr``: its symbols, and the ``(of, wrt)`` pair of each Partial."""
    keys: dict[Any, None] = {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, Partial):
            keys[(node.of, node.wrt)] = None
        elif node.is_Symbol:
            keys[node] = None
    return list(keys)


def number_data(s: Shown, rounded: bool = False) -> dict[str, Any]:
    """A number of the context: ``{text, latex, exact, rel, marked_latex}``; ≈ marks it when rounded."""
    exact = s.exact and not rounded
    rel = "=" if exact else r"\approx"
    return {"text": s.text, "latex": s.latex, "exact": exact, "rel": rel,
            "marked_latex": s.latex if exact else r"\approx %s" % s.latex}  # fmt: skip


def paren(text: str) -> str:
    return r"\left(%s\right)" % text if text.startswith("-") else text
