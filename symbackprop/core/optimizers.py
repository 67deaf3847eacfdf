"""Optimisers: one registry entry per update rule (gradient descent, momentum, Adam).

Each entry declares, in one place, everything the library knows about an
optimiser: its name in a spec (``[training] optimizer = "adam"``), its
hyper-parameters with their defaults and ranges, the quantities one update
computes (with the LaTeX formula that renders them), and the rule itself.

The rule is written once, over plain arithmetic and a ``sqrt``: the numeric
engine (:func:`symbackprop.numeric.train`) runs it on NumPy arrays, and the
walkthrough's worked step (:func:`first_step`) runs it on exact SymPy numbers.
Every rule returns the step ``s`` of the update ``θ ← θ − η·s``:

* ``sgd``: ``s = g``.
* ``momentum`` (heavy ball, PyTorch's convention): ``v ← μ·v + g``, ``s = v``.
* ``adam`` (Kingma & Ba, 2015, with bias correction): ``m ← β₁·m + (1 − β₁)·g``,
  ``v ← β₂·v + (1 − β₂)·g²``, ``m̂ = m / (1 − β₁ᵗ)``, ``v̂ = v / (1 − β₂ᵗ)``,
  ``s = m̂ / (√v̂ + ε)``.

State (``v``, or ``m`` and ``v``) starts at zero; ``t`` counts updates from 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import InputError

__all__ = [
    "DEFAULT_OPTIMIZER",
    "OPTIMIZERS",
    "HyperParameter",
    "Optimizer",
    "OptimizerInfo",
    "Quantity",
    "choose_optimizer",
    "first_step",
    "hyper_parameter_keys",
]

#: The optimiser when a spec names none: plain gradient descent.
DEFAULT_OPTIMIZER = "sgd"


@dataclass(frozen=True)
class HyperParameter:
    """One hyper-parameter: its spec key, default, allowed interval and symbol.

    The interval is ``low < value < high``, with ``low`` (``high``) included when
    ``closed_low`` (``closed_high``) is true.
    """

    key: str
    default: str  # a decimal, read exactly (0.9 is 9/10)
    low: float
    high: float
    closed_low: bool
    closed_high: bool
    latex: str
    meaning: str

    @property
    def interval(self) -> str:
        """The allowed values, as ``[0, 1)``."""
        high = "∞" if math.isinf(self.high) else f"{self.high:g}"
        return f"{'[' if self.closed_low else '('}{self.low:g}, {high}{']' if self.closed_high else ')'}"

    def admits(self, value: float) -> bool:
        """Whether ``value`` lies in the interval (NaN never does)."""
        above = value >= self.low if self.closed_low else value > self.low
        below = value <= self.high if self.closed_high else value < self.high
        return above and below


@dataclass(frozen=True)
class Quantity:
    """A quantity one update computes, as rendered in a walkthrough.

    ``formula`` is LaTeX with ``$name`` placeholders (:class:`string.Template`):
    ``$g`` the gradient, ``$t`` the step, each state's previous value as
    ``$m_prev``, each quantity computed before under its key (``$m``,
    ``$m_hat``), and each hyper-parameter under its key (``$beta1``).  Filled with symbols it is the general
    form; filled with numbers, the substituted one.
    """

    key: str
    latex: str  # the symbol, with ``$t`` for the step: ``m_{$t}``
    formula: str


def _sgd(g: Any, state: Mapping[str, Any], h: Mapping[str, Any], t: int, sqrt: Callable) -> dict[str, Any]:
    return {"s": g}


def _momentum(
    g: Any, state: Mapping[str, Any], h: Mapping[str, Any], t: int, sqrt: Callable
) -> dict[str, Any]:
    v = h["momentum"] * state["v"] + g
    return {"v": v, "s": v}


def _adam(g: Any, state: Mapping[str, Any], h: Mapping[str, Any], t: int, sqrt: Callable) -> dict[str, Any]:
    beta1, beta2 = h["beta1"], h["beta2"]
    m = beta1 * state["m"] + (1 - beta1) * g
    v = beta2 * state["v"] + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat, "s": m_hat / (sqrt(v_hat) + h["epsilon"])}


#: A rule: ``(g, previous state, hyper-parameters, t, sqrt) -> {quantity: value}``, ending with ``"s"``.
Rule = Callable[[Any, Mapping[str, Any], Mapping[str, Any], int, Callable], dict[str, Any]]


@dataclass(frozen=True)
class OptimizerInfo:
    """One optimiser of the registry.

    Attributes:
        name: Its name in a spec and on the command line.
        title: How prose names it ("Adam").
        hyper: Its hyper-parameters, in the order they are shown.
        state: The quantities carried from one step to the next (zero at the start).
        quantities: What one update computes, in order; the step ``s`` is not among them.
        step: How the step ``s`` of the update θ ← θ − η·s is written (placeholders as in
            :class:`Quantity`).
        rule: The update rule (see :data:`Rule`).
        reference: Where the rule is published, for the walkthrough's prose.
    """

    name: str
    title: str
    hyper: tuple[HyperParameter, ...]
    state: tuple[str, ...]
    quantities: tuple[Quantity, ...]
    step: str
    rule: Rule
    reference: str

    def defaults(self) -> dict[str, str]:
        return {h.key: h.default for h in self.hyper}


_UNIT = (0.0, 1.0, True, False)  # [0, 1)

OPTIMIZERS: dict[str, OptimizerInfo] = {
    o.name: o
    for o in (
        OptimizerInfo("sgd", "gradient descent", (), (), (), "$g", _sgd, "the steepest-descent step"),
        OptimizerInfo(
            "momentum",
            "gradient descent with momentum",
            (HyperParameter("momentum", "0.9", *_UNIT, r"\mu", "momentum coefficient"),),
            ("v",),
            (Quantity("v", "v_{$t}", r"$momentum \cdot $v_prev + $g"),),
            "$v",
            _momentum,
            "the heavy-ball method, as PyTorch writes it",
        ),
        OptimizerInfo(
            "adam",
            "Adam",
            (
                HyperParameter("beta1", "0.9", *_UNIT, r"\beta_1", "decay of the first moment"),
                HyperParameter("beta2", "0.999", *_UNIT, r"\beta_2", "decay of the second moment"),
                HyperParameter("epsilon", "1e-8", 0.0, math.inf, False, False, r"\epsilon", "keeps s finite"),
            ),
            ("m", "v"),
            (
                Quantity("m", "m_{$t}", r"$beta1 \cdot $m_prev + \left(1 - $beta1\right) \cdot $g"),
                Quantity("v", "v_{$t}", r"$beta2 \cdot $v_prev + \left(1 - $beta2\right) \cdot $g^{2}"),
                Quantity("m_hat", r"\hat{m}_{$t}", r"\frac{$m}{1 - $beta1^{$t}}"),
                Quantity("v_hat", r"\hat{v}_{$t}", r"\frac{$v}{1 - $beta2^{$t}}"),
            ),
            r"\frac{$m_hat}{\sqrt{$v_hat} + $epsilon}",
            _adam,
            "Kingma and Ba (2015), with bias correction",
        ),
    )
}


def hyper_parameter_keys() -> tuple[str, ...]:
    """Every hyper-parameter key of every optimiser, once each: the keys ``[training]`` may hold."""
    return tuple(dict.fromkeys(h.key for o in OPTIMIZERS.values() for h in o.hyper))


@dataclass(frozen=True)
class Optimizer:
    """A chosen optimiser and its hyper-parameters (exact numbers; defaults filled in)."""

    name: str = DEFAULT_OPTIMIZER
    settings: tuple[tuple[str, Any], ...] = ()

    @property
    def info(self) -> OptimizerInfo:
        return OPTIMIZERS[self.name]

    def values(self) -> dict[str, Any]:
        """``key -> value`` for every hyper-parameter, in the registry's order."""
        return dict(self.settings)

    def floats(self) -> dict[str, float]:
        """The hyper-parameters as floats, for the numeric engine."""
        return {k: float(v) for k, v in self.settings}


def choose_optimizer(name: Any, settings: Mapping[str, Any] | None = None) -> Optimizer:
    """The optimiser ``name`` with ``settings`` checked against its registry entry.

    Args:
        name: An optimiser's name (``"sgd"``, ``"momentum"``, ``"adam"``).
        settings: Hyper-parameter values by key; a missing key takes its default.

    Raises:
        InputError: Unknown optimiser, a key it does not have, or a value out of
            range; ``where`` is the offending key (``optimizer`` for the name).
    """
    if not isinstance(name, str) or name not in OPTIMIZERS:
        shown = name if isinstance(name, str) else repr(name)
        msg = f"unknown optimizer {shown!r}; choose from {', '.join(OPTIMIZERS)}"
        raise InputError(msg, where="optimizer")
    info = OPTIMIZERS[name]
    given = dict(settings or {})
    _check_keys(info, given)
    chosen = []
    for h in info.hyper:
        value = _exact(given.get(h.key, h.default), h.key)
        number = float(value)
        if not h.admits(number):
            msg = f"must be in {h.interval}, got {number:g}"
            raise InputError(msg, where=h.key)
        chosen.append((h.key, value))
    return Optimizer(name, tuple(chosen))


def _check_keys(info: OptimizerInfo, given: Mapping[str, Any]) -> None:
    """Every key of ``given`` is a hyper-parameter of ``info``; else say whose it is."""
    own = {h.key for h in info.hyper}
    for key in given:
        if key not in own:
            others = [o.name for o in OPTIMIZERS.values() if key in {h.key for h in o.hyper}]
            whose = f" (it belongs to {', '.join(repr(o) for o in others)})" if others else ""
            msg = f"not a hyper-parameter of the {info.name!r} optimizer{whose}"
            raise InputError(msg, where=key)


def _exact(value: Any, key: str) -> Any:
    """``value`` as an exact SymPy number: a float or decimal string as written (0.9 is 9/10)."""
    from sympy import Expr, Rational

    if isinstance(value, Expr) and value.is_number:
        return value
    if isinstance(value, (int, float, str, Fraction)) and not isinstance(value, bool):
        try:
            exact = Fraction(repr(value) if isinstance(value, float) else value)
        except (ValueError, ZeroDivisionError):
            exact = None
        if exact is not None:
            return Rational(exact.numerator, exact.denominator)
    msg = f"must be a number, got {value!r}"
    raise InputError(msg, where=key)


def first_step(optimizer: Optimizer, gradient: Any, value: Any, learning_rate: Any) -> dict[str, Any]:
    """The first update (``t = 1``, state zero) of one parameter, in exact SymPy numbers.

    Returns ``{quantity: value}`` as the rule computes it, then the step ``s``,
    then ``new``: the parameter after the update, ``value − learning_rate·s``.
    """
    import sympy

    info = optimizer.info
    state = {k: sympy.Integer(0) for k in info.state}
    hyper = {k: _exact(v, k) for k, v in optimizer.settings}
    quantities = info.rule(gradient, state, hyper, 1, sympy.sqrt)
    return {**quantities, "new": value - learning_rate * quantities["s"]}
