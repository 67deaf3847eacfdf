r"""The one LaTeX printer: SymPy's, with lecture-note names and notation options.

Every piece of LaTeX the package writes goes through
:class:`SymbackpropLatexPrinter`, which dispatches on ``_print_<Class>`` as
SymPy's printers do: ``_print_sigmoid``, ``_print_relu``, ``_print_Partial``,
...  Function classes carry no ``_latex`` methods; a function with the plain
layout ``name\left(args\right)`` needs only a ``latex_name`` in its registry
entry (:mod:`symbackprop.core.functions.registry`).

Customising the printer means subclassing it and overriding one method, then
installing the subclass with :func:`use_printer`; every output (walkthroughs in
every format, notebook display, check and verify reports) is then printed by it::

    class MyPrinter(SymbackpropLatexPrinter):
        def _print_sigmoid(self, expr, exp=None):
            return self._function(r"\operatorname{logistic}", expr.args, exp)

    with use_printer(MyPrinter):
        text = render(derivation, "md")

Options (printer settings):

* ``latex_names``: how a symbol prints (``w1_2_1`` as ``w^{(1)}_{21}``);
* ``derivative``: ``"partial"`` (∂L/∂w) or ``"d"`` (dL/dw);
* ``delta``: write ∂L/∂n as δ_n for every node n;
* ``numbers``: symbol (or ``(of, wrt)`` pair) -> LaTeX of a number, for the
  "numbers substituted" lines; negative numbers get parentheses;
* ``shapes``: for matrix expressions (:mod:`symbackprop.core.tensors`), the shape of
  every atom: a product of two arrays is then elementwise, ``a \\odot b``, a power of
  an array ``a^{\\odot 2}``, and ``A @ B`` is written ``A B``, ``A.T`` ``A^{\\top}``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from sympy import Expr, Function, Symbol
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from ..core import functions as F  # noqa: N812 - the function library, as in the tests
from ..core.derivation import Partial
from ..core.functions import entry_for
from ..core.names import ACCENTS, GREEK_LETTERS
from ..core.tensors import SCALAR, MatProduct, Mismatch, infer_shape

__all__ = [
    "MUL_SYMBOLS",
    "Notation",
    "SymbackpropLatexPrinter",
    "SymbackpropTextPrinter",
    "latex",
    "make_printer",
    "printer_class",
    "symbol_latex",
    "text",
    "use_printer",
]


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

#: ``w1_2_1``, ``b1_2``, ``b1``: a letter (or word), a layer number, then indices.
_LAYERED = re.compile(r"([A-Za-z]+?)([0-9]+)((?:_[0-9]+)*)\Z")

#: ``w1``, ``x12``: one letter and a number.
_NUMBERED = re.compile(r"([A-Za-z])([0-9]+)\Z")

_GREEK = frozenset(g.lower() for g in GREEK_LETTERS)


_ACCENTS = ACCENTS


def _part(text: str) -> str:
    if text.lower() in _GREEK:
        return "\\" + text
    if len(text) == 1 or text.isdigit():
        return text
    return r"\mathrm{%s}" % text


def _indices(indices: Sequence[str]) -> str:
    """``21`` for one-digit indices, ``12,3`` when one has two digits (as the network builder writes them)."""
    return ("" if all(len(i) == 1 for i in indices) else ",").join(indices)


def symbol_latex(name: str) -> str:
    """A spec name in lecture-note LaTeX, by convention (the ``[latex]`` table is for exceptions).

    The rules, in order:

    * an accent suffix: ``y_hat`` -> ``\\hat{y}`` (also ``_bar``, ``_tilde``, ``_vec``, ``_dot``);
    * a layer number after the letter, then indices: ``w1_2_1`` -> ``w^{(1)}_{21}``,
      ``b1_2`` -> ``b^{(1)}_{2}``, ``a2_10_3`` -> ``a^{(2)}_{10,3}`` (the network
      builder's names); with no index, ``b1`` -> ``b_{1}`` (one letter and a number);
    * one letter and a number: ``w1`` -> ``w_{1}``;
    * ``_`` starts subscripts, joined by commas: ``w_1`` -> ``w_{1}``, ``w_1_2`` -> ``w_{1,2}``,
      ``E_total`` -> ``E_{\\mathrm{total}}``, ``net_h1`` -> ``\\mathrm{net}_{\\mathrm{h1}}``;
    * Greek letter names are letters: ``beta`` -> ``\\beta``; other words are upright: ``\\mathrm{net}``.
    """
    m = _NAME.match(name)
    if not m:
        return r"\mathrm{%s}" % name.replace("_", r"\_")
    base, subs = m.group(1), [s for s in m.group(2).split("_") if s]
    if subs and subs[-1] in _ACCENTS:  # y_hat -> \hat{y}
        return r"\%s{%s}" % (subs[-1], symbol_latex("_".join([base, *subs[:-1]])))
    layered = _LAYERED.match(name)
    if layered and layered.group(3):
        letters, layer, indices = layered.group(1), layered.group(2), layered.group(3).split("_")[1:]
        return r"%s^{(%s)}_{%s}" % (_part(letters), layer, _indices(indices))
    numbered = _NUMBERED.match(name)
    if numbered:
        return r"%s_{%s}" % numbered.groups()
    out = _part(base)
    if subs:
        out += "_{%s}" % ",".join(_part(s) for s in subs)
    return out


def _divides(factor: Expr) -> bool:
    """A factor printed as a denominator, which SymPy's own product layout handles."""
    return bool(factor.is_Pow and factor.exp.is_negative) or bool(factor.is_Rational and factor.q != 1)


#: A ``_print_<name>`` method of the printer.
_PrintMethod = Callable[[Any, Any, "str | None"], str]


def _only(cls: type) -> Callable[[_PrintMethod], _PrintMethod]:
    """Let a library function's print method print only that function.

    SymPy dispatches on the class *name*, so a user's ``custom_function("relu",
    ...)`` would otherwise reach ``_print_relu``; it prints by its own name instead.
    """

    def wrap(method: _PrintMethod) -> _PrintMethod:
        @functools.wraps(method)
        def print_only(self: Any, expr: Any, exp: str | None = None) -> str:
            if not isinstance(expr, cls):
                return self._print_Function(expr, exp)
            return method(self, expr, exp)

        return print_only

    return wrap


def _power(out: str, exp: str | None) -> str:
    """``out`` raised to ``exp``, for a function written ``f(z)``: ``f(z)^{2}``."""
    return out if exp is None else r"%s^{%s}" % (out, exp)


def _paren_power(out: str, exp: str | None) -> str:
    r"""``out`` raised to ``exp``, for a formula: ``\left(out\right)^{2}``."""
    return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


class SymbackpropLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the options in the module docstring.

    Subclass it and override a ``_print_<Class>`` method to change how one
    kind of expression prints; install the subclass with :func:`use_printer`.
    """

    _default_settings: ClassVar[dict[str, Any]] = {
        **LatexPrinter._default_settings,
        "latex_names": {},
        "derivative": "partial",
        "delta": False,
        "delta_nodes": frozenset(),
        "loss": None,
        "numbers": {},
        "written": {},
        "shapes": {},
        "exp": "power",  # or "function": \exp\left(x\right), never read back as a label e^{(1)}
    }

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._names: Mapping[Symbol, str] = self._settings["latex_names"]
        self._numbers: Mapping[Any, str] = self._settings["numbers"]
        self._written: Mapping[Expr, Sequence[Expr]] = self._settings["written"]
        self._shapes: Mapping[Any, tuple[int, int]] = self._settings["shapes"]
        self._shape_memo: dict[Expr, tuple[int, int]] = {}

    def _print_exp(self, expr: Expr, exp: str | None = None) -> str:
        if self._settings["exp"] != "function":
            return str(self._print_ExpBase(expr, exp))
        inner = rf"\exp\left({self._print(expr.args[0])}\right)"
        return inner if exp is None else rf"{inner}^{{{exp}}}"

    def _number(self, key: Any) -> str | None:
        text = self._numbers.get(key)
        if text is None:
            return None
        return r"\left(%s\right)" % text if text.startswith("-") else text

    def _bare(self, expr: Expr) -> str:
        """``expr`` where nothing binds to it (a function's argument, a sum's first term): a
        substituted negative number needs no parentheses there, ``\\sigma\\left(-0.49\\right)``."""
        key = (expr.of, expr.wrt) if isinstance(expr, Partial) else expr
        text = self._numbers.get(key) if isinstance(expr, (Symbol, Partial)) else None
        return text if text is not None else self._print(expr)

    # -- sums and products in the order the definition wrote them

    def _as_ordered_terms(self, expr: Expr, order: str | None = None) -> list[Expr]:
        written = self._written.get(expr)
        return list(written) if written is not None else super()._as_ordered_terms(expr, order=order)

    def _print_Add(self, expr: Expr, order: str | None = None) -> str:
        terms = self._as_ordered_terms(expr, order=order)
        tex = self._bare(terms[0])
        if self._needs_add_brackets(terms[0]):
            tex = r"\left(%s\right)" % tex
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                tex += " - "
                term = -term
            else:
                tex += " + "
            term_tex = self._print(term)
            tex += r"\left(%s\right)" % term_tex if self._needs_add_brackets(term) else term_tex
        return tex

    def _print_Mul(self, expr: Expr) -> str:
        if self._shapes and self._elementwise(expr):
            return self._hadamard(expr)
        written = self._written.get(expr)
        if written is None or expr.could_extract_minus_sign() or any(_divides(f) for f in written):
            return super()._print_Mul(expr)
        separator = self._settings["mul_symbol_latex"]
        out = []
        for i, factor in enumerate(written):
            tex = self._print(factor)
            if self._needs_mul_brackets(factor, first=i == 0, last=i == len(written) - 1):
                tex = r"\left(%s\right)" % tex
            out.append(tex)
        return separator.join(out)

    # -- matrix expressions (with the ``shapes`` setting)

    def _is_array(self, expr: Expr) -> bool:
        try:
            return infer_shape(expr, self._shapes, self._shape_memo) != SCALAR
        except Mismatch:
            return False

    def _elementwise(self, expr: Expr) -> bool:
        """A product of two or more arrays, or one divided by an array: elementwise, written with ⊙."""
        arrays = [f for f in expr.args if self._is_array(f)]
        return len(arrays) > 1 or any(f.is_Pow and f.exp.is_negative for f in arrays)

    def _odot(self, factors: Sequence[Expr]) -> str:
        """Factors joined by ⊙, in the order given (``written``), scalars in front."""
        if len(factors) == 1:
            return self._print(factors[0])
        out = [self.parenthesize(f, 50, strict=True) for f in factors if not self._is_array(f)]
        arrays = [self._odot_factor(f) for f in factors if self._is_array(f)]
        return " ".join([*out, r" \odot ".join(arrays)]) if arrays else " ".join(out)

    def _odot_factor(self, f: Expr) -> str:
        if f.is_Add or f.is_Mul or isinstance(f, MatProduct):
            return r"\left(%s\right)" % self._print(f)
        return self.parenthesize(f, 50)

    def _hadamard(self, expr: Expr) -> str:
        coefficient, factors = expr.as_coeff_mul()
        written = self._written.get(expr)
        if written is not None:
            factors = tuple(sorted(factors, key=lambda f: written.index(f) if f in written else len(written)))
        numerator: list[Expr] = []
        denominator: list[Expr] = []
        for f in factors:
            if f.is_Pow and f.exp.is_negative:
                denominator.append(f.base ** (-f.exp))
            else:
                numerator.append(f)
        sign = "- " if coefficient.is_negative else ""
        p, q = abs(coefficient).as_numer_denom()
        numerator = ([p] if p != 1 else []) + numerator
        denominator = ([q] if q != 1 else []) + denominator
        top = self._odot(numerator)
        return sign + (r"\frac{%s}{%s}" % (top, self._odot(denominator)) if denominator else top)

    def _print_Pow(self, expr: Expr, rational: bool = False) -> str:
        if self._shapes and expr.exp.is_positive and self._is_array(expr.base):
            base = self.parenthesize(expr.base, PRECEDENCE["Pow"])
            return r"%s^{\odot %s}" % (base, self._print(expr.exp))
        return super()._print_Pow(expr)

    def _print_MatProduct(self, expr: Expr, exp: str | None = None) -> str:
        left, right = (
            r"\left(%s\right)" % self._print(a) if a.is_Add or a.is_Mul else self._print(a) for a in expr.args
        )
        return _paren_power(f"{left} {right}", exp)

    def _print_Transposed(self, expr: Expr, exp: str | None = None) -> str:
        number = self._numbers.get(expr)
        if number is not None:
            return number
        inner = self._print(expr.args[0])
        simple = isinstance(expr.args[0], Symbol) and r"\frac" not in inner
        if simple and "^" in inner:  # a^{(1)}: braced, or ^{\top} would be a double superscript
            inner = "{%s}" % inner
        return _power(r"%s^{\top}" % (inner if simple else r"\left(%s\right)" % inner), exp)

    def _print_TensorOp(self, expr: Expr, exp: str | None = None) -> str:
        """``sum``, ``mean``, row and column sums, softmax and cross-entropies of arrays."""
        name = _TENSOR_NAMES.get(type(expr).__name__, r"\operatorname{%s}" % type(expr).__name__)
        args = list(expr.args)
        if type(expr).__name__ == "ColumnSoftmaxCrossEntropy":
            inner = r"\operatorname{softmax}\left(%s\right), %s" % (self._bare(args[0]), self._bare(args[1]))
            return _power(r"%s\left(%s\right)" % (name, inner), exp)
        return self._function(name, args, exp)

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
        return _paren_power(out, exp)

    def _print_Float(self, expr: Expr) -> str:
        from .numbers import shown

        return shown(expr, 6).latex

    # -- functions: the plain layout name(args), from the registry entry

    def _function(self, name: str, args: Sequence[Expr], exp: str | None = None, sep: str = ", ") -> str:
        r"""``name\left(args\right)``, raised to ``exp``: the layout of most functions."""
        inner = sep.join(self._bare(a) for a in args)
        return _power(r"%s\left(%s\right)" % (name, inner), exp)

    def _print_Function(self, expr: Function, exp: str | None = None) -> str:
        """A function with a ``latex_name`` in its registry entry; SymPy's layout otherwise."""
        info = entry_for(type(expr))
        if info is None or info.latex_name is None:
            return super()._print_Function(expr, exp)
        return self._function(info.latex_name, expr.args, exp)

    def _latex_name(self, expr: Expr) -> str:
        info = entry_for(type(expr))
        return info.latex_name if info is not None and info.latex_name is not None else r"\operatorname{f}"

    # -- activations

    @_only(F.sigmoid)
    def _print_sigmoid(self, expr: Expr, exp: str | None = None) -> str:
        return self._function(self._latex_name(expr), expr.args, exp)

    @_only(F.softplus)
    def _print_softplus(self, expr: Expr, exp: str | None = None) -> str:
        return self._function(self._latex_name(expr), expr.args, exp)

    @_only(F.relu)
    def _print_relu(self, expr: Expr, exp: str | None = None) -> str:
        return self._function(self._latex_name(expr), expr.args[:1], exp)  # at_zero is not shown

    @_only(F.leaky_relu)
    def _print_leaky_relu(self, expr: Expr, exp: str | None = None) -> str:
        return self._function(self._latex_name(expr), expr.args, exp, sep="; ")

    @_only(F.step)
    def _print_step(self, expr: Expr, exp: str | None = None) -> str:
        z, at_zero = expr.args
        if at_zero == 0:
            out = r"\mathbf{1}\left[%s > 0\right]" % self._bare(z)
        elif at_zero == 1:
            out = r"\mathbf{1}\left[%s \geq 0\right]" % self._bare(z)
        else:
            out = r"H_{%s}\left(%s\right)" % (self._print(at_zero), self._print(z))
        return _power(out, exp)

    @_only(F.softmax)
    def _print_softmax(self, expr: Expr, exp: str | None = None) -> str:
        k, *zs = expr.args
        inner = ", ".join(self._bare(z) for z in zs)
        return _paren_power(r"%s_{%s}\left(%s\right)" % (self._latex_name(expr), self._print(k), inner), exp)

    # -- losses: printed as their formulas

    def _log(self, expr: Expr) -> str:
        return r"\log\left(%s\right)" % self._print(expr)

    @_only(F.squared_error)
    def _print_squared_error(self, expr: Expr, exp: str | None = None) -> str:
        a, y = expr.args
        return _paren_power(r"\left(%s\right)^{2}" % self._print(a - y), exp)

    @_only(F.half_squared_error)
    def _print_half_squared_error(self, expr: Expr, exp: str | None = None) -> str:
        a, y = expr.args
        return _paren_power(r"\frac{1}{2}\left(%s\right)^{2}" % self._print(a - y), exp)

    @_only(F.mean_squared_error)
    def _print_mean_squared_error(self, expr: Expr, exp: str | None = None) -> str:
        n = len(expr.args) // 2
        pairs = zip(expr.args[:n], expr.args[n:])
        terms = " + ".join(r"\left(%s\right)^{2}" % self._print(a - y) for a, y in pairs)
        return _paren_power(r"\frac{1}{%d}\left(%s\right)" % (n, terms), exp)

    @_only(F.binary_cross_entropy)
    def _print_binary_cross_entropy(self, expr: Expr, exp: str | None = None) -> str:
        a, y = expr.args
        out = r"-\left[%s %s + %s %s\right]" % (
            self.parenthesize(y, 50),
            self._log(a),
            r"\left(%s\right)" % self._print(1 - y),
            self._log(1 - a),
        )
        return _paren_power(out, exp)

    @_only(F.cross_entropy)
    def _print_cross_entropy(self, expr: Expr, exp: str | None = None) -> str:
        n = len(expr.args) // 2
        pairs = zip(expr.args[:n], expr.args[n:])
        terms = " + ".join(r"%s %s" % (self.parenthesize(y, 50), self._log(p)) for p, y in pairs)
        return _paren_power(r"-\left(%s\right)" % terms, exp)

    @_only(F.softmax_cross_entropy)
    def _print_softmax_cross_entropy(self, expr: Expr, exp: str | None = None) -> str:
        n = len(expr.args) // 2
        zs = ", ".join(self._bare(z) for z in expr.args[:n])
        ys = ", ".join(self._bare(y) for y in expr.args[n:])
        out = r"%s\left(\operatorname{softmax}\left(%s\right), \left(%s\right)\right)" % (
            self._latex_name(expr),
            zs,
            ys,
        )
        return _paren_power(out, exp)


#: How the structural operations of :mod:`symbackprop.core.tensors` print, by class name.
_TENSOR_NAMES = {
    "Total": r"\operatorname{sum}",
    "Average": r"\operatorname{mean}",
    "RowSums": r"\operatorname{rowsum}",
    "ColumnSums": r"\operatorname{colsum}",
    "ColumnSoftmax": r"\operatorname{softmax}",
    "ColumnCrossEntropy": r"\operatorname{CE}",
    "ColumnSoftmaxCrossEntropy": r"\operatorname{CE}",
}


for _name in _TENSOR_NAMES:  # SymPy dispatches a Function subclass on its own class name only
    setattr(SymbackpropLatexPrinter, f"_print_{_name}", SymbackpropLatexPrinter._print_TensorOp)


#: The printer class every output uses; :func:`use_printer` changes it.
_PRINTER: ContextVar[type[SymbackpropLatexPrinter]] = ContextVar(
    "symbackprop_printer", default=SymbackpropLatexPrinter
)


def printer_class() -> type[SymbackpropLatexPrinter]:
    """The printer class in use: the package printer unless :func:`use_printer` installed another."""
    return _PRINTER.get()


@contextmanager
def use_printer(cls: type[SymbackpropLatexPrinter]) -> Iterator[type[SymbackpropLatexPrinter]]:
    """Print everything inside the ``with`` block with ``cls``, a subclass of the package printer.

    Raises:
        TypeError: ``cls`` is not a subclass of :class:`SymbackpropLatexPrinter`.
    """
    if not (isinstance(cls, type) and issubclass(cls, SymbackpropLatexPrinter)):
        msg = f"use_printer needs a subclass of SymbackpropLatexPrinter, got {cls!r}"
        raise TypeError(msg)
    token = _PRINTER.set(cls)
    try:
        yield cls
    finally:
        _PRINTER.reset(token)


def make_printer(settings: dict[str, Any] | None = None) -> SymbackpropLatexPrinter:
    """A printer of the class in use (see :func:`use_printer`) with ``settings``."""
    return _PRINTER.get()(settings)


def latex(expr: Expr, **settings: Any) -> str:
    """Print ``expr`` with the printer in use (see :func:`use_printer`)."""
    return make_printer(settings).doprint(expr)


class SymbackpropTextPrinter(StrPrinter):
    """Plain text in textbook symbols, for terminals: ``1[z_1 > 0]``, ``σ(z_2)``, ``a_2·(1 - a_2)``."""

    def _print_Partial(self, expr: Any) -> str:
        return f"∂{self._print(expr.of)}/∂{self._print(expr.wrt)}"

    @_only(F.step)
    def _print_step(self, expr: Expr, exp: str | None = None) -> str:
        z, at_zero = expr.args
        if at_zero in (0, 1):
            return "1[%s %s 0]" % (self._print(z), ">" if at_zero == 0 else ">=")
        return "H_%s(%s)" % (self._print(at_zero), self._print(z))

    @_only(F.sigmoid)
    def _print_sigmoid(self, expr: Expr, exp: str | None = None) -> str:
        return "σ(%s)" % self._print(expr.args[0])

    @_only(F.relu)
    def _print_relu(self, expr: Expr, exp: str | None = None) -> str:
        return "ReLU(%s)" % self._print(expr.args[0])

    @_only(F.softmax)
    def _print_softmax(self, expr: Expr, exp: str | None = None) -> str:
        k, *zs = expr.args
        return "softmax_%s(%s)" % (self._print(k), ", ".join(self._print(z) for z in zs))


_TIMES = re.compile(r"(?<!\*)\*(?!\*)")


def text(expr: Expr) -> str:
    """``expr`` as plain text in textbook symbols: ``·`` for products, ``^`` for powers."""
    return _TIMES.sub("·", SymbackpropTextPrinter({"order": "none"}).doprint(expr)).replace("**", "^")
