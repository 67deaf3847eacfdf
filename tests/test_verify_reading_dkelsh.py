"""Reading rules for derivations written like dkelsh's tutorial (issue 13): one minimal input each.

A worked 2-2-2 example in the style of Mazur's post names its nodes with words
(``out_{h1}``, ``net_{o_{1}}``, ``E_{total}``), gives its weights only inside
substitutions, and uses δ and sums over ``o`` without defining them for every
node.  Each rule below is tested on its own small input; expected values are
written by hand or computed here with sympy, never taken from verify.
"""

from __future__ import annotations

import pytest
import sympy as sp

from symbackprop.core.derivation import Partial
from symbackprop.notation.latex import parse_math


def S(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def read(latex: str, known: frozenset[str]) -> sp.Expr:
    """``latex`` read with every name a fresh real symbol and derivatives as ``Partial``."""
    return parse_math(latex, S, gradient=Partial, known=known).exact()


# ------------------------------------------------------------ sums over o

#: The document spells its nodes ``out_{o_{1}}``, the sum's summand ``out_{o}``: keys differ by braces.
SPELLED_WITH_BRACES = frozenset({"out_o_1", "out_o_2", "net_o_1", "net_o_2", "out_h_1"})

SUM_RANGES = [
    (
        r"\sum_{o} out_{o}",
        S("out_o1") + S("out_o2"),
        "family-spelled-with-braces",
    ),
    (
        r"\sum_{o} \frac{\partial E_{total}}{\partial out_{o}}",
        Partial(S("E_total"), S("out_o1")) + Partial(S("E_total"), S("out_o2")),
        "a-word-in-a-subscript-is-no-index",
    ),
    (
        r"\sum_{o} \frac{\partial net_{o}}{\partial out_{h1}}",
        Partial(S("net_o1"), S("out_h1")) + Partial(S("net_o2"), S("out_h1")),
        "derivatives-over-the-family",
    ),
]


@pytest.mark.parametrize(("latex", "expected"), [c[:2] for c in SUM_RANGES], ids=[c[2] for c in SUM_RANGES])
def test_a_sum_ranges_over_the_family_however_its_subscripts_are_braced(latex, expected):
    assert read(latex, SPELLED_WITH_BRACES) == expected


def test_letters_of_a_two_letter_subscript_are_still_indices():
    known = frozenset({"w_o1h", "w_o2h"})
    assert read(r"\sum_{o} w_{oh}", known) == S("w_o1h") + S("w_o2h")
