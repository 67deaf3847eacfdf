"""The one LaTeX printer: SymPy's, with lecture-note names and notation options.

Customising it means subclassing :class:`SymbackpropLatexPrinter` and
overriding one ``_print_<Class>`` method, as in SymPy.  Options:

* ``latex_names``: how a symbol prints (``w1_2_1`` as ``w^{(1)}_{21}``);
* ``derivative``: ``"partial"`` (∂L/∂w) or ``"d"`` (dL/dw);
* ``delta``: write ∂L/∂n as δ_n for every node n;
* ``numbers``: symbol (or ``(of, wrt)`` pair) -> LaTeX of a number, for the
  "numbers substituted" lines; negative numbers get parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sympy import Expr, Symbol
from sympy.printing.latex import LatexPrinter

from ..core.names import ACCENTS, GREEK_LETTERS

__all__ = ["MUL_SYMBOLS", "Notation", "SymbackpropLatexPrinter", "latex", "symbol_latex"]


#: ``--mul`` choices -> the LaTeX between factors.
MUL_SYMBOLS = {"cdot": r" \cdot ", "times": r" \times ", "none": " "}


@dataclass(frozen=True)
class Notation:
    """How derivatives and products are written.

    Attributes:
        derivative: ``"partial"`` for ∂L/∂w, ``"d"`` for dL/dw.
        delta: Write ∂L/∂n as δ_n for the network's nodes.
        mul: ``"cdot"``, ``"times"`` or ``"none"``: the sign between factors in
            symbolic products.  Products of numbers always get a sign.
    """

    derivative: str = "partial"
    delta: bool = False
    mul: str = "cdot"

    def __post_init__(self) -> None:
        if self.derivative not in ("partial", "d"):
            msg = f"derivative notation must be 'partial' or 'd', not {self.derivative!r}"
            raise ValueError(msg)
        if self.mul not in MUL_SYMBOLS:
            msg = f"multiplication sign must be one of {', '.join(MUL_SYMBOLS)}, not {self.mul!r}"
            raise ValueError(msg)


_NAME = re.compile(r"([A-Za-z][A-Za-z0-9]*?)((?:_[A-Za-z0-9]+)*)\Z")

_GREEK = frozenset(g.lower() for g in GREEK_LETTERS)


_ACCENTS = ACCENTS


def _part(text: str) -> str:
    if text.lower() in _GREEK:
        return "\\" + text
    if len(text) == 1 or text.isdigit():
        return text
    return r"\mathrm{%s}" % text


def symbol_latex(name: str) -> str:
    """A spec name in lecture-note LaTeX.

    ``w_1`` -> ``w_{1}``, ``E_total`` -> ``E_{\\mathrm{total}}``, ``net_h1`` ->
    ``\\mathrm{net}_{\\mathrm{h1}}``, ``beta`` -> ``\\beta``, ``w_1_2`` -> ``w_{1,2}``.
    """
    m = _NAME.match(name)
    if not m:
        return r"\mathrm{%s}" % name.replace("_", r"\_")
    base, subs = m.group(1), [s for s in m.group(2).split("_") if s]
    if subs and subs[-1] in _ACCENTS:  # y_hat -> \hat{y}
        return r"\%s{%s}" % (subs[-1], symbol_latex("_".join([base, *subs[:-1]])))
    out = _part(base)
    if subs:
        out += "_{%s}" % ",".join(_part(s) for s in subs)
    return out


class SymbackpropLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the options in the module docstring."""

    _default_settings: ClassVar[dict[str, Any]] = {
        **LatexPrinter._default_settings,
        "latex_names": {},
        "derivative": "partial",
        "delta": False,
        "delta_nodes": frozenset(),
        "loss": None,
        "numbers": {},
    }

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._names: Mapping[Symbol, str] = self._settings["latex_names"]
        self._numbers: Mapping[Any, str] = self._settings["numbers"]

    def _number(self, key: Any) -> str | None:
        text = self._numbers.get(key)
        if text is None:
            return None
        return r"\left(%s\right)" % text if text.startswith("-") else text

    def _print_Symbol(self, expr: Symbol, style: str = "plain") -> str:
        number = self._number(expr)
        if number is not None:
            return number
        name = self._names.get(expr)
        return name if name is not None else symbol_latex(expr.name)

    def _print_Partial(self, expr: Any, exp: str | None = None) -> str:
        number = self._number((expr.of, expr.wrt))
        if number is not None:
            return number
        if (
            self._settings["delta"]
            and expr.of == self._settings["loss"]
            and expr.wrt in self._settings["delta_nodes"]
        ):
            out = r"\delta_{%s}" % self._print(expr.wrt)
        else:
            d = r"\partial " if self._settings["derivative"] == "partial" else r"\mathrm{d}"
            out = r"\frac{%s%s}{%s%s}" % (d, self._print(expr.of), d, self._print(expr.wrt))
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)

    def _print_Float(self, expr: Expr) -> str:
        from .numbers import shown

        return shown(expr, 6).latex


def latex(expr: Expr, **settings: Any) -> str:
    """Print ``expr`` with :class:`SymbackpropLatexPrinter`."""
    return SymbackpropLatexPrinter(settings).doprint(expr)
