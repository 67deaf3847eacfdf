"""Activations: each class, then its registry entry right below it.

Adding an activation is one class (``elementary`` and ``fdiff``) and one
:func:`~.registry.register` call; the spec reader, the LaTeX reader, the
printer, the compiler and the check report find it there.
"""

from __future__ import annotations

import sympy
from sympy import Add, Expr, Function, Integer, Rational, S

from ...errors import GraphError
from .base import LibraryFunction
from .registry import FunctionInfo, Kink, register

__all__ = ["identity", "leaky_relu", "relu", "sigmoid", "softmax", "softplus", "step"]


class sigmoid(LibraryFunction):  # noqa: N801 - SymPy convention: functions are lower case
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)), with σ′ = σ(1 − σ)."""

    nargs = 1

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


register(
    FunctionInfo(
        "sigmoid",
        sigmoid,
        1,
        "logistic sigmoid",
        latex_name=r"\sigma",
        latex_aliases=("sigma", "sigmoid", "sigm", "logistic"),
    )
)


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


# Only derivatives make a step, so a spec cannot call it (and may name a node "step").
register(FunctionInfo("step", step, 2, "indicator 1[z > 0]", latex_name=r"\mathbf{1}", spec_names=()))


class _Unsimplified:
    """A ``Max``/``Min`` of a definition (ReLU's, leaky ReLU's), not simplified while any argument is
    symbolic.

    SymPy's ``Max`` compares its arguments when it is built, which asks signs of the whole
    subtree below; rebuilt once per level of a nesting (substitutions do), that cost the compiler
    minutes.  Printers and evaluation treat it as SymPy's own (:attr:`sympy_class`).
    """

    sympy_class: type

    def __new__(cls, *args: Expr, **options: object) -> Expr:  # type: ignore[misc]
        if all(a.is_number for a in args):
            return cls.sympy_class(*args)
        return super().__new__(cls, *args, evaluate=False)  # type: ignore[call-arg]

    def plain(self) -> Expr:
        """SymPy's own ``Max``/``Min`` of the same arguments (not evaluated), for :func:`to_elementary`."""
        return self.sympy_class(*self.args, evaluate=False)  # type: ignore[attr-defined]


class _Max(_Unsimplified, sympy.Max):
    sympy_class = sympy.Max


class _Min(_Unsimplified, sympy.Min):
    sympy_class = sympy.Min


# Printers (SymPy's lambdify among them) look functions up by class name: they print these as the
# Max and Min they are (pickle finds the classes by their qualified names, which stay private).
_Max.__name__, _Min.__name__ = "Max", "Min"


class relu(LibraryFunction):  # noqa: N801
    """ReLU(z) = max(0, z).

    The derivative is the indicator ``step(z, at_zero)``; ``at_zero`` is the
    convention at the kink, 0 by default as in PyTorch.  ``relu(z, h)`` sets it.
    """

    nargs = (1, 2)

    @classmethod
    def elementary(cls, z: Expr, at_zero: Expr = S.Zero) -> Expr:
        return _Max(S.Zero, z)

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


def _first(z: Expr, *rest: Expr) -> tuple[Expr, ...]:
    """The kink of a function of ``z`` at z = 0 (further arguments are settings)."""
    return (z,)


register(
    FunctionInfo(
        "relu",
        relu,
        (1, 2),
        "ReLU; optional 2nd argument: derivative at 0",
        latex_name=r"\operatorname{ReLU}",
        latex_aliases=("relu",),
        kink=Kink(_first, "ReLU'(0) = {}"),
    )
)

#: Leaky ReLU's slope for z < 0 when none is given, as in PyTorch.
LEAKY_SLOPE = Rational(1, 100)


class leaky_relu(LibraryFunction):  # noqa: N801
    """Leaky ReLU: z for z > 0, α·z otherwise (α = 0.01 unless given).

    Its derivative at 0 is α, as in PyTorch.
    """

    nargs = (1, 2)

    @classmethod
    def elementary(cls, z: Expr, alpha: Expr = LEAKY_SLOPE) -> Expr:
        # max(z, αz) for 0 <= α <= 1, min(z, αz) for α > 1: no Piecewise, whose condition would
        # hold the inner definitions of a nesting and be folded (simplify_logic) at every level
        if alpha.is_Number and alpha >= 0:
            pick = _Max if alpha <= 1 else _Min
            return pick(z, alpha * z)
        return sympy.Piecewise((z, z > 0), (alpha * z, True))

    @property
    def alpha(self) -> Expr:
        return self.args[1] if len(self.args) > 1 else LEAKY_SLOPE

    @classmethod
    def eval(cls, z: Expr, alpha: Expr | None = None) -> Expr | None:
        a = LEAKY_SLOPE if alpha is None else alpha
        if z.is_number and z.is_comparable and a.is_number:
            return z if z > 0 else a * z
        return None

    def fdiff(self, argindex: int = 1) -> Expr:
        z = self.args[0]
        if argindex == 1:
            return sympy.Piecewise((1, z > 0), (self.alpha, True))
        return sympy.Piecewise((0, z > 0), (z, True))


register(
    FunctionInfo(
        "leaky_relu",
        leaky_relu,
        (1, 2),
        "leaky ReLU; optional 2nd argument: slope",
        latex_name=r"\operatorname{LeakyReLU}",
        kink=Kink(_first, "leaky ReLU'(0) = {}"),
    )
)


class softplus(LibraryFunction):  # noqa: N801
    """softplus(z) = log(1 + e^z), whose derivative is σ(z)."""

    nargs = 1

    @classmethod
    def elementary(cls, z: Expr) -> Expr:
        return sympy.log(1 + sympy.exp(z))

    def fdiff(self, argindex: int = 1) -> Expr:
        return sigmoid(self.args[0])


register(
    FunctionInfo(
        "softplus",
        softplus,
        1,
        "log(1 + e^z)",
        latex_name=r"\operatorname{softplus}",
        latex_aliases=("softplus",),
    )
)


class identity(Function):  # noqa: N801
    """The identity activation; it evaluates away at once."""

    nargs = 1

    @classmethod
    def eval(cls, z: Expr) -> Expr:
        return z


register(FunctionInfo("identity", identity, 1, "identity"))


class softmax(LibraryFunction):  # noqa: N801
    """Component ``k`` (1-based) of the softmax over a group of nodes.

    ``softmax(2, z_1, z_2, z_3)`` is e^{z_2} / (e^{z_1} + e^{z_2} + e^{z_3}).
    Its derivative with respect to z_i is s_k (δ_ki − s_i), written with the
    other components of the same softmax.
    """

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


register(
    FunctionInfo(
        "softmax",
        softmax,
        "many",
        "softmax(k, z_1, ..., z_n): component k",
        latex_name=r"\operatorname{softmax}",
        latex_aliases=("softmax",),
    )
)
