"""Activations and losses as SymPy functions that differentiate like a textbook.

Every function here is a :class:`sympy.Function` subclass with

* ``fdiff`` giving the derivative in the form lecture notes use, in terms of
  the function itself where possible (σ′ = σ(1 − σ), tanh′ = 1 − tanh²);
* ``_latex`` printing as in lecture notes (``\\sigma\\left(z_{2}\\right)``);
* :meth:`LibraryFunction.elementary`, the definition in elementary SymPy
  functions, which is what numeric evaluation and compilation use;
* automatic evaluation when every argument is a Float, so that substituting
  numbers into a node gives a number.

The derivative a function declares and its elementary definition are two
independent routes; the gradient check compares them.  That is how a
user-written derivative (:func:`custom_function`) gets verified.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sympy
from sympy import Add, Expr, Function, Integer, Rational, S, Symbol

from ..errors import GraphError

__all__ = [
    "FUNCTIONS",
    "FunctionInfo",
    "LibraryFunction",
    "binary_cross_entropy",
    "cross_entropy",
    "custom_function",
    "half_squared_error",
    "identity",
    "kink_conditions",
    "leaky_relu",
    "mean_squared_error",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softplus",
    "squared_error",
    "step",
    "to_elementary",
]


def _all_numbers(args: Sequence[Expr]) -> bool:
    return all(a.is_number for a in args) and any(a.has(sympy.Float) for a in args)


def _paren(printer: Any, expr: Expr) -> str:
    return r"\left(%s\right)" % printer._print(expr)


class LibraryFunction(Function):
    """Base class of every symbackprop function.

    Subclasses set ``latex_name`` and implement :meth:`elementary` and
    ``fdiff``.  They evaluate to a number when all arguments are numbers and at
    least one is a Float; exact (Rational) arguments stay unevaluated so that
    printing shows ``\\sigma(1/4)`` rather than a long exact expression.
    """

    latex_name: ClassVar[str] = r"\operatorname{f}"
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
        return self.elementary(*self.args)._eval_evalf(prec)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        inner = ", ".join(printer._print(a) for a in self.args)
        out = r"%s\left(%s\right)" % (self.latex_name, inner)
        return out if exp is None else r"%s^{%s}" % (out, exp)

    @classmethod
    def kinks(cls, *args: Expr) -> tuple[Expr, ...]:
        """Expressions that are zero where the function is not differentiable."""
        return ()


# ---------------------------------------------------------------- activations


class sigmoid(LibraryFunction):  # noqa: N801 - SymPy convention: functions are lower case
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)), with σ′ = σ(1 − σ)."""

    nargs = 1
    latex_name = r"\sigma"

    @classmethod
    def elementary(cls, z: Expr) -> Expr:
        return 1 / (1 + sympy.exp(-z))

    @classmethod
    def eval(cls, z: Expr) -> Expr | None:
        if z is S.Zero:  # not z.is_zero: that asks assumptions of the whole subtree
            return Rational(1, 2)
        return super().eval(z)

    def fdiff(self, argindex: int = 1) -> Expr:
        return self * (1 - self)


class step(LibraryFunction):  # noqa: N801
    """Heaviside step 1[z > 0], with a declared value ``at_zero`` at z = 0.

    This is ReLU's derivative.  It prints as an indicator, ``\\mathbf{1}[z > 0]``.
    """

    nargs = 2

    @classmethod
    def elementary(cls, z: Expr, at_zero: Expr = S.Zero) -> Expr:
        return sympy.Heaviside(z, at_zero)

    @classmethod
    def eval(cls, z: Expr, at_zero: Expr = S.Zero) -> Expr | None:
        if z.is_number and z.is_comparable:
            if z > 0:
                return S.One
            if z < 0:
                return S.Zero
            return at_zero
        return None

    def fdiff(self, argindex: int = 1) -> Expr:
        return S.Zero  # zero almost everywhere; the kink is reported separately

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        z, at_zero = self.args
        if at_zero == 0:
            out = r"\mathbf{1}\left[%s > 0\right]" % printer._print(z)
        elif at_zero == 1:
            out = r"\mathbf{1}\left[%s \geq 0\right]" % printer._print(z)
        else:
            out = r"H_{%s}\left(%s\right)" % (printer._print(at_zero), printer._print(z))
        return out if exp is None else r"%s^{%s}" % (out, exp)


class relu(LibraryFunction):  # noqa: N801
    """ReLU(z) = max(0, z).

    The derivative is the indicator ``step(z, at_zero)``; ``at_zero`` is the
    convention at the kink, 0 by default as in PyTorch.  ``relu(z, h)`` sets it.
    """

    nargs = (1, 2)
    latex_name = r"\operatorname{ReLU}"

    @classmethod
    def elementary(cls, z: Expr, at_zero: Expr = S.Zero) -> Expr:
        return sympy.Max(0, z)

    @classmethod
    def eval(cls, z: Expr, at_zero: Expr | None = None) -> Expr | None:
        if z.is_number and z.is_comparable:
            return sympy.Max(0, z)
        return None

    @property
    def at_zero(self) -> Expr:
        return self.args[1] if len(self.args) > 1 else S.Zero

    def fdiff(self, argindex: int = 1) -> Expr:
        if argindex != 1:
            return S.Zero
        return step(self.args[0], self.at_zero)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        out = r"%s\left(%s\right)" % (self.latex_name, printer._print(self.args[0]))
        return out if exp is None else r"%s^{%s}" % (out, exp)

    @classmethod
    def kinks(cls, z: Expr, at_zero: Expr = S.Zero) -> tuple[Expr, ...]:
        return (z,)


class leaky_relu(LibraryFunction):  # noqa: N801
    """Leaky ReLU: z for z > 0, α·z otherwise (α = 0.01 unless given).

    Its derivative at 0 is α, as in PyTorch.
    """

    nargs = (1, 2)
    latex_name = r"\operatorname{LeakyReLU}"

    @classmethod
    def elementary(cls, z: Expr, alpha: Expr = Rational(1, 100)) -> Expr:
        return sympy.Piecewise((z, z > 0), (alpha * z, True))

    @property
    def alpha(self) -> Expr:
        return self.args[1] if len(self.args) > 1 else Rational(1, 100)

    @classmethod
    def eval(cls, z: Expr, alpha: Expr | None = None) -> Expr | None:
        a = Rational(1, 100) if alpha is None else alpha
        if z.is_number and z.is_comparable and a.is_number:
            return z if z > 0 else a * z
        return None

    def fdiff(self, argindex: int = 1) -> Expr:
        z = self.args[0]
        if argindex == 1:
            return sympy.Piecewise((1, z > 0), (self.alpha, True))
        return sympy.Piecewise((0, z > 0), (z, True))

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        inner = printer._print(self.args[0])
        if len(self.args) > 1:
            inner += "; " + printer._print(self.args[1])
        out = r"%s\left(%s\right)" % (self.latex_name, inner)
        return out if exp is None else r"%s^{%s}" % (out, exp)

    @classmethod
    def kinks(cls, z: Expr, alpha: Expr = Rational(1, 100)) -> tuple[Expr, ...]:
        return (z,)


class softplus(LibraryFunction):  # noqa: N801
    """softplus(z) = log(1 + e^z), whose derivative is σ(z)."""

    nargs = 1
    latex_name = r"\operatorname{softplus}"

    @classmethod
    def elementary(cls, z: Expr) -> Expr:
        return sympy.log(1 + sympy.exp(z))

    def fdiff(self, argindex: int = 1) -> Expr:
        return sigmoid(self.args[0])


class identity(Function):  # noqa: N801
    """The identity activation; it evaluates away at once."""

    nargs = 1

    @classmethod
    def eval(cls, z: Expr) -> Expr:
        return z


class softmax(LibraryFunction):  # noqa: N801
    """Component ``k`` (1-based) of the softmax over a group of nodes.

    ``softmax(2, z_1, z_2, z_3)`` is e^{z_2} / (e^{z_1} + e^{z_2} + e^{z_3}).
    Its derivative with respect to z_i is s_k (δ_ki − s_i), written with the
    other components of the same softmax.
    """

    latex_name = r"\operatorname{softmax}"

    @classmethod
    def elementary(cls, k: Expr, *zs: Expr) -> Expr:
        return sympy.exp(zs[int(k) - 1]) / Add(*[sympy.exp(z) for z in zs])

    @classmethod
    def eval(cls, k: Expr, *zs: Expr) -> Expr | None:
        if not (isinstance(k, Integer) and 1 <= int(k) <= len(zs)):
            msg = f"softmax index must be an integer from 1 to {len(zs)}, got {k}"
            raise GraphError(msg)
        return super().eval(k, *zs)

    def fdiff(self, argindex: int = 1) -> Expr:
        if argindex == 1:
            return S.Zero
        k, *zs = self.args
        i = argindex - 1
        s_k = self
        if i == int(k):
            return s_k * (1 - s_k)
        return -s_k * softmax(Integer(i), *zs)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        k, *zs = self.args
        inner = ", ".join(printer._print(z) for z in zs)
        out = r"%s_{%s}\left(%s\right)" % (self.latex_name, printer._print(k), inner)
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


# --------------------------------------------------------------------- losses


class squared_error(LibraryFunction):  # noqa: N801
    """(a − y)², with ∂/∂a = 2(a − y)."""

    nargs = 2

    @classmethod
    def elementary(cls, a: Expr, y: Expr) -> Expr:
        return (a - y) ** 2

    def fdiff(self, argindex: int = 1) -> Expr:
        a, y = self.args
        sign = 1 if argindex == 1 else -1
        return sympy.Mul(2 * sign, a - y, evaluate=False)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        a, y = self.args
        out = r"\left(%s\right)^{2}" % printer._print(a - y)
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


class half_squared_error(LibraryFunction):  # noqa: N801
    """½(a − y)², with ∂/∂a = a − y."""

    nargs = 2

    @classmethod
    def elementary(cls, a: Expr, y: Expr) -> Expr:
        return (a - y) ** 2 / 2

    def fdiff(self, argindex: int = 1) -> Expr:
        a, y = self.args
        return a - y if argindex == 1 else y - a

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        a, y = self.args
        out = r"\frac{1}{2}\left(%s\right)^{2}" % printer._print(a - y)
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


class mean_squared_error(LibraryFunction):  # noqa: N801
    """(1/n) Σ (a_i − y_i)², called as ``mean_squared_error(a_1..a_n, y_1..y_n)``."""

    @classmethod
    def eval(cls, *args: Expr) -> Expr | None:
        if len(args) == 0 or len(args) % 2:
            msg = "mean_squared_error takes predictions then targets: an even number of arguments"
            raise GraphError(msg)
        return super().eval(*args)

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        n = len(args) // 2
        return Add(*[(a - y) ** 2 for a, y in zip(args[:n], args[n:])]) / n

    def fdiff(self, argindex: int = 1) -> Expr:
        n = len(self.args) // 2
        i = (argindex - 1) % n
        a, y = self.args[i], self.args[n + i]
        sign = 1 if argindex <= n else -1
        return sympy.Mul(Rational(2 * sign, n), a - y, evaluate=False)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        n = len(self.args) // 2
        terms = " + ".join(
            r"\left(%s\right)^{2}" % printer._print(a - y) for a, y in zip(self.args[:n], self.args[n:])
        )
        out = r"\frac{1}{%d}\left(%s\right)" % (n, terms)
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


class binary_cross_entropy(LibraryFunction):  # noqa: N801
    """−[y log a + (1 − y) log(1 − a)], with ∂/∂a = (a − y) / (a(1 − a))."""

    nargs = 2

    @classmethod
    def elementary(cls, a: Expr, y: Expr) -> Expr:
        return -(y * sympy.log(a) + (1 - y) * sympy.log(1 - a))

    def fdiff(self, argindex: int = 1) -> Expr:
        a, y = self.args
        if argindex == 1:
            return (a - y) / (a * (1 - a))
        return sympy.log(1 - a) - sympy.log(a)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        a, y = self.args
        out = r"-\left[%s \log%s + %s \log%s\right]" % (
            printer.parenthesize(y, 50),
            _paren(printer, a),
            _paren(printer, 1 - y),
            _paren(printer, 1 - a),
        )
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


class cross_entropy(LibraryFunction):  # noqa: N801
    """Categorical cross-entropy −Σ y_i log p_i, as ``cross_entropy(p_1..p_n, y_1..y_n)``."""

    @classmethod
    def eval(cls, *args: Expr) -> Expr | None:
        if len(args) == 0 or len(args) % 2:
            msg = "cross_entropy takes probabilities then targets: an even number of arguments"
            raise GraphError(msg)
        return super().eval(*args)

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        n = len(args) // 2
        return -Add(*[y * sympy.log(p) for p, y in zip(args[:n], args[n:])])

    def fdiff(self, argindex: int = 1) -> Expr:
        n = len(self.args) // 2
        i = (argindex - 1) % n
        p, y = self.args[i], self.args[n + i]
        return -y / p if argindex <= n else -sympy.log(p)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        n = len(self.args) // 2
        terms = " + ".join(
            r"%s \log%s" % (printer.parenthesize(y, 50), _paren(printer, p))
            for p, y in zip(self.args[:n], self.args[n:])
        )
        out = r"-\left(%s\right)" % terms
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


class softmax_cross_entropy(LibraryFunction):  # noqa: N801
    """Cross-entropy of softmax(z) against y, fused: ``softmax_cross_entropy(z.., y..)``.

    ∂/∂z_i = s_i Σ_j y_j − y_i, which is the textbook s_i − y_i for one-hot y.
    """

    latex_name = r"\operatorname{CE}"

    @classmethod
    def eval(cls, *args: Expr) -> Expr | None:
        if len(args) == 0 or len(args) % 2:
            msg = "softmax_cross_entropy takes logits then targets: an even number of arguments"
            raise GraphError(msg)
        return super().eval(*args)

    @classmethod
    def elementary(cls, *args: Expr) -> Expr:
        n = len(args) // 2
        zs, ys = args[:n], args[n:]
        return -Add(*[y * sympy.log(softmax.elementary(Integer(i + 1), *zs)) for i, y in enumerate(ys)])

    def fdiff(self, argindex: int = 1) -> Expr:
        n = len(self.args) // 2
        zs, ys = self.args[:n], self.args[n:]
        i = (argindex - 1) % n
        if argindex <= n:
            return softmax(Integer(i + 1), *zs) * Add(*ys) - ys[i]
        return -sympy.log(softmax(Integer(i + 1), *zs))

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        n = len(self.args) // 2
        zs = ", ".join(printer._print(z) for z in self.args[:n])
        ys = ", ".join(printer._print(y) for y in self.args[n:])
        out = r"\operatorname{CE}\left(\operatorname{softmax}\left(%s\right), \left(%s\right)\right)" % (
            zs,
            ys,
        )
        return out if exp is None else r"\left(%s\right)^{%s}" % (out, exp)


# ------------------------------------------------------------ user functions


class CustomFunction(LibraryFunction):
    """Base of functions made by :func:`custom_function`."""

    _params: ClassVar[tuple[Symbol, ...]] = ()
    _expr: ClassVar[Expr] = S.Zero
    _derivatives: ClassVar[tuple[Expr, ...] | None] = None

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
        "latex_name": latex or r"\operatorname{%s}" % name.replace("_", r"\_"),
        "_params": params,
        "_expr": expr,
        "_derivatives": None if derivatives is None else tuple(derivatives),
        "__doc__": f"User-defined function {name}{params}.",
        "__module__": __name__,
    }
    return type(name, (CustomFunction,), attrs)


# ------------------------------------------------------------------- helpers


def to_elementary(expr: Expr) -> Expr:
    """Rewrite every library function in ``expr`` into elementary functions.

    Repeats until none is left, since a custom function's definition may call
    library functions (swish is ``z*sigmoid(z)``).
    """
    for _ in range(32):
        new = expr.replace(
            lambda e: isinstance(e, LibraryFunction),
            lambda e: type(e).elementary(*e.args),
        )
        if new == expr:
            return new
        expr = new
    msg = "function definitions nest more than 32 levels deep"
    raise GraphError(msg)


def kink_conditions(expr: Expr) -> list[Expr]:
    """Expressions that vanish at the non-differentiable points of ``expr``.

    Covers ReLU, leaky ReLU, ``Abs``, ``Max`` and ``Min``.
    """
    out: list[Expr] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, LibraryFunction):
            out.extend(type(node).kinks(*node.args))
        elif isinstance(node, sympy.Abs):
            out.append(node.args[0])
        elif isinstance(node, (sympy.Max, sympy.Min)) and len(node.args) == 2:
            out.append(node.args[0] - node.args[1])
    return out


@dataclass(frozen=True)
class FunctionInfo:
    """A name a network may call: its implementation and how many arguments it takes.

    ``arity`` is a fixed count, a tuple of allowed counts, or ``"even"`` /
    ``"many"`` for variadic functions.
    """

    name: str
    func: Callable[..., Expr]
    arity: int | tuple[int, ...] | str
    doc: str

    def accepts(self, n: int) -> bool:
        if self.arity == "even":
            return n >= 2 and n % 2 == 0
        if self.arity == "many":
            return n >= 2
        if isinstance(self.arity, tuple):
            return n in self.arity
        return n == self.arity

    def describe_arity(self) -> str:
        if self.arity == "even":
            return "an even number of arguments"
        if self.arity == "many":
            return "at least 2 arguments"
        if isinstance(self.arity, tuple):
            return " or ".join(str(a) for a in self.arity) + " arguments"
        return f"{self.arity} argument" + ("" if self.arity == 1 else "s")


def _tanh(z: Expr) -> Expr:
    """``tanh(z)``; symbolic arguments skip SymPy's eval, whose sign queries walk the subtree."""
    return sympy.tanh(z, evaluate=not z.free_symbols)


def _table() -> dict[str, FunctionInfo]:
    rows: list[tuple[str, Callable[..., Expr], int | tuple[int, ...] | str, str]] = [
        ("sigmoid", sigmoid, 1, "logistic sigmoid"),
        ("tanh", _tanh, 1, "hyperbolic tangent"),
        ("relu", relu, (1, 2), "ReLU; optional 2nd argument: derivative at 0"),
        ("leaky_relu", leaky_relu, (1, 2), "leaky ReLU; optional 2nd argument: slope"),
        ("softplus", softplus, 1, "log(1 + e^z)"),
        ("identity", identity, 1, "identity"),
        ("exp", sympy.exp, 1, "exponential"),
        ("log", sympy.log, 1, "natural logarithm"),
        ("sqrt", sympy.sqrt, 1, "square root"),
        ("abs", sympy.Abs, 1, "absolute value"),
        ("max", sympy.Max, "many", "maximum"),
        ("min", sympy.Min, "many", "minimum"),
        ("softmax", softmax, "many", "softmax(k, z_1, ..., z_n): component k"),
        ("squared_error", squared_error, 2, "(a - y)^2"),
        ("half_squared_error", half_squared_error, 2, "(a - y)^2 / 2"),
        ("mean_squared_error", mean_squared_error, "even", "mean of (a_i - y_i)^2"),
        ("mse", mean_squared_error, "even", "alias of mean_squared_error"),
        ("binary_cross_entropy", binary_cross_entropy, 2, "-[y log a + (1-y) log(1-a)]"),
        ("bce", binary_cross_entropy, 2, "alias of binary_cross_entropy"),
        ("cross_entropy", cross_entropy, "even", "-sum y_i log p_i"),
        ("softmax_cross_entropy", softmax_cross_entropy, "even", "cross-entropy of softmax(z)"),
    ]
    return {name: FunctionInfo(name, f, arity, doc) for name, f, arity, doc in rows}


#: The functions a spec may call, by name.  Operator tables are data, not ifs.
FUNCTIONS: dict[str, FunctionInfo] = _table()
