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
from symbackprop.verification import verify
from symbackprop.verification.readback import near
from symbackprop.verification.report import Finding, Status
from symbackprop.verification.shorthands import telescoped
from symbackprop.verification.solved import read_off
from symbackprop.verification.termwise import parts_defined


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


# ------------------------------------------------- helpers for small documents


def findings(text: str) -> dict[int, Finding]:
    """verify's finding on each line of a small Markdown document (the first one of a line)."""
    out: dict[int, Finding] = {}
    for f in verify("doc.md", text=text).findings:
        out.setdefault(f.line, f)
    return out


def lines(*equations: str) -> str:
    """A Markdown document of display equations, one every other line (equation k on line 2k + 1)."""
    return "\n\n".join(f"$$ {e} $$" for e in equations) + "\n"


# ---------------------------------------------- a formula for every node of a layer

TWO_NODES = (
    "x = 1",
    "w_1 = 0.5",
    "w_2 = -0.3",
    "z_{1} = w_{1} x",
    "z_{2} = w_{2} x",
    None,  # the template, line 11
    r"a_{1} = \frac{1}{1+e^{-z_{1}}}",
    r"a_{2} = \frac{1}{1+e^{-z_{2}}}",
    "L = a_{1} + a_{2}",
)


def with_template(template: str) -> str:
    return lines(*(template if e is None else e for e in TWO_NODES))


def test_a_wrong_formula_for_every_node_is_wrong_as_its_instance_is():
    # 1/(1 + e^{z_1}) at z_1 = 0.5 is 0.3775; the logistic function needs e^{-z}: 0.6225
    got = findings(with_template(r"a_{j} = \frac{1}{1+e^{z_{j}}}"))
    assert got[11].status is Status.WRONG
    assert "a_{1}" in got[11].message
    assert all(f.status is not Status.NOT_CHECKED for f in got.values())


def test_a_right_formula_for_every_node_holds_and_defines_no_node():
    got = findings(with_template(r"a_{j} = \frac{1}{1+e^{-z_{j}}}"))
    assert got[11].status is Status.OK and got[11].checked
    assert all(f.status is Status.OK for f in got.values())


# ------------------------------------------------ a sum restated term by term

t_o1, t_o2, out_o1, out_o2 = (S(n) for n in ("t_o1", "t_o2", "out_o_1", "out_o_2"))
E_o1, E_o2 = S("E_o1"), S("E_o2")
HALF = sp.Rational(1, 2)


def test_each_term_of_a_restated_sum_defines_the_part_with_its_index():
    spelled = HALF * (t_o2 - out_o2) ** 2 + HALF * (t_o1 - out_o1) ** 2
    got = parts_defined(E_o1 + E_o2, spelled, set())
    assert got == {E_o1: HALF * (t_o1 - out_o1) ** 2, E_o2: HALF * (t_o2 - out_o2) ** 2}


RESTATED_NOT_READ = [
    (E_o1 + E_o2, HALF * (t_o1 - out_o1) ** 2, "fewer-terms"),
    (E_o1 + E_o2, HALF * (t_o1 - out_o1) ** 2 + HALF * (t_o1 - out_o2) ** 2, "a-term-with-two-indices"),
    (E_o1 + E_o2, (t_o1 - out_o1) ** 2 + (t_o1 + out_o1), "two-terms-for-one-part"),
    (E_o1 * E_o2, HALF * (t_o1 - out_o1) ** 2 * (t_o2 - out_o2) ** 2, "not-a-sum"),
]


@pytest.mark.parametrize(
    ("old", "new"), [c[:2] for c in RESTATED_NOT_READ], ids=[c[2] for c in RESTATED_NOT_READ]
)
def test_a_restated_sum_that_does_not_match_term_by_term_defines_nothing(old, new):
    assert parts_defined(old, new, set()) is None


def test_a_part_already_defined_is_not_defined_again():
    assert (
        parts_defined(E_o1 + E_o2, HALF * (t_o1 - out_o1) ** 2 + HALF * (t_o2 - out_o2) ** 2, {E_o1}) is None
    )


def test_a_loss_summing_named_parts_is_judged_through_its_parts():
    text = lines(
        "x = 1",
        "w = 0.5",
        "z_{o1} = w x",
        "z_{o2} = 2 w x",
        "E = E_{o1} + E_{o2}",
        r"E = \frac{1}{2}(t_{o1} - z_{o1})^2 + \frac{1}{2}(t_{o2} - z_{o2})^2",
        "t_{o1} = 0",
        "t_{o2} = 0",
        # dE/dw = (z_o1 - t_o1) x + (z_o2 - t_o2) 2x = 0.5 + 2 = 2.5
        r"\frac{\partial E}{\partial w} = 2.5",
        r"\frac{\partial E_{o2}}{\partial w} = 1.5",  # the part alone: (1 - 0) 2 = 2, not 1.5
    )
    got = findings(text)
    assert got[17].status is Status.OK and got[17].checked
    assert got[19].status is Status.WRONG


# --------------------------------------------------- values read back from substitutions


def near_of(arith: str, result: str) -> bool:
    return near(parse_math(arith, S), parse_math(result, S))


NEAR = [
    (r"0.40 - 0.5 \cdot 0.0821671041", "0.358916448", True, "the-result-as-computed"),
    (r"0.40 - 0.5 \cdot 0.0821671041", "0.35891648", True, "a-slip-in-the-last-digits"),
    (r"0.40 \cdot 0.5933 + 0.45 \cdot 0.5969 + 0.35", "1.1059", False, "a-wrong-number-inside"),
]


@pytest.mark.parametrize(("arith", "result", "expected"), [c[:3] for c in NEAR], ids=[c[3] for c in NEAR])
def test_numbers_are_read_back_from_arithmetic_that_comes_near_its_result(arith, result, expected):
    assert near_of(arith, result) is expected


ONE_NEURON = (
    r"The input is $x = 2$ and the learning rate is $\eta = 0.5$.",
    "",
    "$ z = w x $",
    "",
    r"$ a = \frac{1}{1+e^{-z}} $",
    "",
    r"$ E = \frac{1}{2}(t - a)^2 $",
    "",
)

#: w = 0.4, t = 0.2: a = σ(0.8) = 0.68997448…, ∂E/∂a = 0.48997448…, a(1 - a) = 0.21390970…,
#: ∂E/∂w = 0.20962059…, w⁺ = 0.29518971… (mpmath, 30 digits).
GRADIENT = r"$ \frac{\partial E}{\partial w} = 0.48997448 \cdot 0.2139097 \cdot 2 = 0.2096206 $"


def one_neuron(*more: str) -> str:
    return "\n".join((*ONE_NEURON, *more)) + "\n"


READ_BACK = [
    (
        one_neuron(
            "The weight is $w = 0.4$.",
            "",
            r"$ \frac{\partial E}{\partial a} = -(t - a) $",
            "",
            r"$ \frac{\partial E}{\partial a} = -(0.2 - 0.68997448) = 0.48997448 $",
            "",
            GRADIENT,
        ),
        15,
        "a-target-from-a-derivative-written-in-numbers",
    ),
    (
        one_neuron(
            "The target is $t = 0.2$.",
            "",
            r"$ w^{+} = w - \eta \frac{\partial E}{\partial w} $",
            "",
            r"$ w^{+} = 0.4 - 0.5 \cdot 0.2096206 = 0.2951897 $",
            "",
            GRADIENT,
        ),
        15,
        "a-weight-from-an-update-written-in-numbers",
    ),
]


@pytest.mark.parametrize(("text", "line"), [c[:2] for c in READ_BACK], ids=[c[2] for c in READ_BACK])
def test_a_value_is_read_back_from_a_substitution(text, line):
    got = findings(text)
    assert got[line].status is Status.OK and got[line].checked
    assert all("gives no value" not in f.message for f in got.values())


def test_an_update_whose_result_is_far_off_gives_no_value():
    text = one_neuron(
        "The target is $t = 0.2$.",
        "",
        r"$ w^{+} = w - \eta \frac{\partial E}{\partial w} $",
        "",
        r"$ w^{+} = 0.4 - 0.5 \cdot 0.2096206 = 0.2954 $",
        "",
        GRADIENT,
    )
    assert "gives no value for w" in findings(text)[15].message


# -------------------------------------------- a shorthand defined for one node, used for others


def D(of: str, wrt: str) -> Partial:
    return Partial(S(of), S(wrt))


TELESCOPED = [
    (D("E", "out_o1") * D("out_o1", "net_o1"), (1, D("E", "net_o1")), "two-factors"),
    (D("out_o1", "net_o1") * D("E", "out_o1"), (1, D("E", "net_o1")), "factors-in-any-order"),
    (-D("E", "net_o1"), (-1, D("E", "net_o1")), "a-sign-kept"),
    (D("E", "out_o1") * D("out_o2", "net_o2"), None, "a-broken-chain"),
    (D("E", "out_o1") * S("out_o1"), None, "a-value-among-the-factors"),
]


@pytest.mark.parametrize(("expr", "expected"), [c[:2] for c in TELESCOPED], ids=[c[2] for c in TELESCOPED])
def test_a_chain_of_derivatives_telescopes(expr, expected):
    assert telescoped(expr) == expected


HIDDEN_NODE = (
    "x = 1",
    "w_1 = 0.5",
    "w_2 = 0.3",
    "t = 0",
    "net_{h1} = w_1 x",
    r"out_{h1} = \frac{1}{1+e^{-net_{h1}}}",
    "net_{o1} = w_2 out_{h1}",
    r"E = \frac{1}{2}(net_{o1} - t)^2",
)


def test_a_delta_defined_for_one_node_stands_for_the_same_derivative_at_another():
    text = lines(
        *HIDDEN_NODE,
        r"\delta_{o1} = \frac{\partial E}{\partial net_{o1}}",
        r"\frac{\partial E}{\partial w_1} = \delta_{h1} x",  # ∂net_h1/∂w_1 = x: holds
        r"\frac{\partial E}{\partial w_1} = \delta_{h1} w_2",  # w_2 is no factor of ∂net_h1/∂w_1
    )
    got = findings(text)
    assert got[19].status is Status.OK and got[19].checked
    assert got[21].status is Status.WRONG


def test_a_delta_defined_by_values_says_nothing_about_other_nodes():
    text = lines(
        *HIDDEN_NODE,
        r"\delta_{o1} = net_{o1} - t",
        r"\frac{\partial E}{\partial w_1} = \delta_{h1} x",
    )
    assert findings(text)[19].status is Status.NOT_CHECKED


# -------------------------------------------- a leaf read off the value the document shows

b = S("b")


READ_OFF = [
    (
        sp.Rational(2, 5) * sp.Rational(5933, 10000) + b,
        "0.83732",
        5,
        sp.Rational(3, 5),
        "a-bias-of-one-digit",
    ),
    (2 * b + 1, "1.7", 1, sp.Rational(7, 20), "the-shortest-decimal-within-the-last-digit"),
    (b + sp.Rational(1, 3), "0.9", 1, sp.Rational(6, 10), "shortest-within-half-a-unit"),
    (sp.exp(b), "1.8221", 4, None, "not-linear"),
    (b + S("w"), "1.0", 1, None, "another-unknown"),
    (b + sp.Rational(1, 7), "0.61234567", 8, None, "not-short"),
]


@pytest.mark.parametrize(
    ("f", "shown", "decimals", "expected"), [c[:4] for c in READ_OFF], ids=[c[4] for c in READ_OFF]
)
def test_a_leaf_is_read_off_a_shown_value_when_linear_and_short(f, shown, decimals, expected):
    assert read_off(f, b, sp.Rational(shown), decimals) == expected


BIAS_IN_A_FIGURE = (
    "The input is $x = 1$ and the weight is $w = 0.5$.",
    "",
    "$$ z = w x + b $$",
    "",
    r"$$ z = 0.5 \cdot 1 + 0.2 = 0.80 $$",  # the sum is 0.7: the bias written is not the one used
    "",
    r"$$ a = \frac{1}{1+e^{-z}} $$",
    "",
    r"$$ a = \frac{1}{1+e^{-0.8}} = 0.68997448 $$",  # sigma(0.8) = 0.6899744811 (mpmath)
    "",
    "$$ L = a $$",
    "",
)


def test_a_bias_the_document_never_states_is_read_off_the_value_it_shows():
    got = findings("\n".join(BIAS_IN_A_FIGURE))
    assert got[9].status is Status.OK and got[9].checked
    assert "gives no value" not in got[9].message


def test_a_leaf_read_off_one_value_and_contradicted_by_another_is_not_taken():
    text = "\n".join((*BIAS_IN_A_FIGURE, "$$ u = b + 1 $$", "", "$$ u = 1.25 $$", ""))  # b = 0.3 gives 1.3
    assert "gives no value for b" in findings(text)[9].message


# ------------------------------------------------- the backward pass goes on at the old point

AFTER_AN_UPDATE = (
    r"The input is $x = 2$, the target is $t = 0$, the weight is $w = 0.5$ and the learning rate is "
    r"$\eta = 0.1$.",
    "",
    "$$ y = w x $$",
    "",
    r"$$ E = \frac{1}{2}(y - t)^2 $$",
    "",
    r"$$ \frac{\partial E}{\partial w} = (y - t) x = 2 $$",
    "",
    r"$$ w^{+} = w - \eta \frac{\partial E}{\partial w} = 0.5 - 0.1 \cdot 2 = 0.3 $$",
    "",
    "Calculating the updated weights of the other layers takes the same steps.",
    "",
    r"$$ \frac{\partial E}{\partial y} = y - t = 1 $$",  # at the old point: y = 1 (at the new one, 0.6)
    "",
    r"$$ y = 0.3 \cdot 2 = 0.6 $$",  # a forward value: the updated point is in force
    "",
)


def test_words_about_updated_weights_move_the_point_at_the_next_forward_value_only():
    got = findings("\n".join(AFTER_AN_UPDATE))
    assert got[13].status is Status.OK and got[13].checked
    assert got[15].status is Status.OK and got[15].checked


# ------------------------------------------- a wrong expression before a right result


def test_a_wrong_expression_before_a_right_result_is_not_corrected_by_that_result():
    # sigma(0.5) = 0.6224593312 is right; 1/(1 + e^{-0.6}) = 0.6456563062 is not (mpmath)
    eqs = (
        "x = 1",
        "w = 0.5",
        "z = w x",
        r"a = \frac{1}{1+e^{-z}}",
        "L = a",
        r"a = \frac{1}{1+e^{-0.6}} = 0.62245933",
    )
    got = findings(lines(*eqs))[11]
    assert got.status is Status.WRONG
    number = got.correction.number if got.correction is not None else None
    assert number is None or abs(float(number.value) - 0.62245933) > 1e-6
