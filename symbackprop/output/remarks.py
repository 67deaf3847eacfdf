r"""Remarks a careful author adds to a line: a kink and its convention, a textbook form.

* A point exactly at a kink is said to be one, with the convention its
  derivative used, from the function registry:
  ``z_{1} = 0``: ReLU'(0) = 0 by convention.
* The fused softmax cross-entropy's local derivative is p_k·Σ_j y_j − y_k in
  general (p = softmax(z)).  When the point's targets sum to 1 exactly
  (one-hot, or a probability vector), that is the textbook p_k − y_k, and the
  walkthrough shows it so, saying why ("i.e. p_3 − y_3, as Σ_j y_j = 1");
  otherwise it shows the general form, and says that Σ_j y_j ≠ 1.

* A sigmoid output under binary cross-entropy: ∂L/∂z = σ(z) − y = a − y, as
  σ'(z) = a(1 − a) cancels the loss's denominator a(1 − a).  The chain is
  written as it is, and the remark gives the combined form.

Remarks are LaTeX math fragments: they go on the line they explain, in every format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy
from sympy import Expr, Integer, Symbol

from ..core.evaluation import KinkPoint, value_of
from ..core.functions import binary_cross_entropy, sigmoid, softmax, softmax_cross_entropy

__all__ = ["Textbook", "combined_remark", "kink_note", "textbook_form"]

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "#": r"\#",
                 "%": r"\%", "&": r"\&", "$": r"\$", "~": r"\~{}"}  # fmt: skip


def _text(words: str) -> str:
    r"""Words inside ``\text{}``, with TeX's special characters escaped."""
    return r"\text{%s}" % "".join(_TEXT_ESCAPES.get(c, c) for c in words)


def kink_note(kink: KinkPoint, print_math: Callable[[Expr], str]) -> str:
    r"""``\text{at the kink } z_{1} = 0\text{: ReLU'(0) = 0 by convention}``: where, and the value used."""
    where = print_math(kink.condition)
    return r"%s%s = 0%s" % (_text("at the kink "), where, _text(f": {kink.convention} by convention"))


@dataclass(frozen=True)
class Textbook:
    """A local derivative in the form a textbook writes it, and why that form holds (LaTeX, plain text)."""

    expr: Expr
    remark: str
    plain: str = ""


def textbook_form(
    definition: Expr, wrt: Symbol, values: Mapping[Symbol, Expr], print_math: Callable[[Expr], str]
) -> Textbook | None:
    """The textbook form of ∂definition/∂wrt, when there is one (the fused softmax cross-entropy)."""
    if not isinstance(definition, softmax_cross_entropy):
        return None
    n = len(definition.args) // 2
    zs, ys = definition.args[:n], definition.args[n:]
    if wrt not in zs:
        return None
    k = zs.index(wrt)
    p_k = softmax(Integer(k + 1), *zs)
    if value_of(sympy.Add(*ys), values) == 1:
        y_k = print_math(ys[k])
        remark = r"%sp_{%d} - %s%s\sum_{j} y_{j} = 1" % (_text("i.e. "), k + 1, y_k, _text(", as "))
        plain = f"i.e. p_{k + 1} - {ys[k]}, as the targets sum to 1"
        return Textbook(sympy.Add(p_k, -ys[k], evaluate=False), remark, plain)
    remark = r"%s\sum_{j} y_{j} \neq 1" % _text("the general form, as ")
    general = sympy.Add(sympy.Mul(sympy.Add(*ys), p_k, evaluate=False), -ys[k], evaluate=False)
    return Textbook(general, remark, "the general form, as the targets do not sum to 1")


def combined_remark(
    node: Symbol,
    children: Callable[[Symbol], tuple[Symbol, ...]],
    definition: Mapping[Symbol, Expr],
    loss: Symbol,
    print_math: Callable[[Expr], str],
) -> str | None:
    """``i.e. σ(z) − y = a − y`` for the ``z`` of ``a = σ(z)`` when ``a`` feeds only ``L = BCE(a, y)``."""
    (a,) = children(node) if len(children(node)) == 1 else (None,)
    if a is None or a == loss or children(a) != (loss,):
        return None
    activation, cost = definition.get(a), definition.get(loss)
    if not (isinstance(activation, sigmoid) and activation.args[0] == node):
        return None
    if not (isinstance(cost, binary_cross_entropy) and cost.args[0] == a):
        return None
    y = cost.args[1]
    combined = sympy.Add(activation, -y, evaluate=False)
    return r"%s%s = %s" % (_text("i.e. "), print_math(combined), print_math(sympy.Add(a, -y, evaluate=False)))
