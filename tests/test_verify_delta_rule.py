"""verify reads the generalized delta rule: a document whose output δ is y(1 − y)(t − y) for sigmoid
units has its updates judged against E = ½(t − y)² (see symbackprop/verification/delta_rule.py).

The expected updates are computed here independently: the network inlined by hand and
sympy.diff of ½(t − y)², never by the code under test.
"""

from __future__ import annotations

import pytest
import sympy

from symbackprop.verification import verify
from symbackprop.verification.report import Status

X1, X2 = sympy.Rational(35, 100), sympy.Rational(7, 10)
W = {"11": sympy.Rational(2, 10), "21": sympy.Rational(2, 10), "12": sympy.Rational(3, 10)}
W |= {"22": sympy.Rational(3, 10), "13": sympy.Rational(3, 10), "23": sympy.Rational(9, 10)}
TARGET, ETA = sympy.Rational(1, 2), 1


def _sigma(a: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-a))


def _true_updates() -> dict[str, float]:
    """Δw for every weight: −η ∂E/∂w of E = ½(t − y_5)², the network inlined by hand."""
    w = {k: sympy.Symbol(f"w{k}") for k in W}
    y3 = _sigma(w["11"] * X1 + w["21"] * X2)
    y4 = _sigma(w["12"] * X1 + w["22"] * X2)
    y5 = _sigma(w["13"] * y3 + w["23"] * y4)
    loss = sympy.Rational(1, 2) * (TARGET - y5) ** 2
    at = {w[k]: v for k, v in W.items()}
    return {k: float(-ETA * sympy.diff(loss, w[k]).subs(at)) for k in W}


UPDATES = _true_updates()


def _forward() -> str:
    """The forward pass, as the document writes it (numbers rounded as a person would)."""
    a1 = W["11"] * X1 + W["21"] * X2
    a2 = W["12"] * X1 + W["22"] * X2
    y3, y4 = round(float(_sigma(a1)), 3), round(float(_sigma(a2)), 3)
    a3 = round(float(W["13"]) * y3 + float(W["23"]) * y4, 4)
    y5 = round(float(_sigma(sympy.Float(a3))), 3)
    return "\n".join(
        [
            "$$a_1 = (w_{1,1} \\times x_1) + (w_{2,1} \\times x_2)$$",
            f"$$a_1 = (0.2 \\times 0.35) + (0.2 \\times 0.7) = {float(a1):g}$$",
            f"$$y_3 = \\frac{{1}}{{1 + e^{{-{float(a1):g}}}}} = {y3}$$",
            "$$a_2 = (w_{1,2} \\times x_1) + (w_{2,2} \\times x_2) = (0.3 \\times 0.35) + (0.3 \\times 0.7)"
            f" = {float(a2):g}$$",
            f"$$y_4 = \\frac{{1}}{{1 + e^{{-{float(a2):g}}}}} = {y4}$$",
            "$$a_3 = (w_{1,3} \\times y_3) + (w_{2,3} \\times y_4)"
            f" = (0.3 \\times {y3}) + (0.9 \\times {y4}) = {a3}$$",
            f"$$y_5 = \\frac{{1}}{{1 + e^{{-{a3}}}}} = {y5}$$",
        ]
    )


RULE = "$$δ_5 = y_5(1-y_5)(y_{target}-y_5)$$"
PROSE = "The target output is 0.5 and the learning rate is 1.\n\n"


def _document(updates: dict[str, float], *, rule: str = RULE, prose: str = PROSE) -> str:
    lines = [prose + _forward(), "", rule, ""]
    for k, v in updates.items():
        lines.append(f"$$w_{{{k[0]},{k[1]}}}(new) = {float(W[k]) + v:.6f}$$")
    return "\n".join(lines) + "\n"


def _findings(text: str) -> dict[int, object]:
    report = verify("doc.md", text=text)
    return {f.line: f for f in report.findings}


def _update_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), start=1) if "(new)" in line]


def test_the_true_updates_hold() -> None:
    text = _document(UPDATES)
    found = _findings(text)
    for n in _update_lines(text):
        assert found[n].status is Status.OK and found[n].checked, found[n].message


@pytest.mark.parametrize("weight", ["23", "12", "21"], ids=["hidden-to-output", "input-w12", "input-w21"])
def test_a_wrong_update_stated_by_value_is_found(weight: str) -> None:
    slipped = {**UPDATES, weight: UPDATES[weight] + 0.02}
    text = _document(slipped)
    found = _findings(text)
    for n in _update_lines(text):
        wrong = f"w_{{{weight[0]},{weight[1]}}}(new)" in text.split("\n")[n - 1]
        assert (found[n].status is Status.WRONG) == wrong, found[n].message
        if wrong:
            assert found[n].value == pytest.approx(float(W[weight]) + UPDATES[weight], abs=1e-9)
            assert "delta rule's for E = ½(t − y)²" in found[n].message


def _step(y4: str) -> object:
    """The finding on ``Δw_{2,3} = 1 × δ_5 × y4``, δ_5 shown as −0.0368 (from y_5 = 0.665) on the line
    below its definition."""
    delta5 = "=0.665(1-0.665)(-0.165)=-0.0368"
    step = f"$$Δw_{{2,3}} = 1 \\times (-0.0368) \\times {y4} = {-0.0368 * float(y4):.6f}$$"
    text = _document({}, rule=f"{RULE}\n\n{delta5}\n\n{step}")
    line = next(n for n, s in enumerate(text.split("\n"), start=1) if "Δw" in s)
    return _findings(text)[line]


def test_a_step_from_the_documents_rounded_values_holds() -> None:
    """−0.0368 × 0.578 = −0.021270 is off the exact −0.0212571 only by the document's own rounding."""
    found = _step("0.578")
    assert found.status is Status.OK and found.checked, found.message


def test_a_step_that_uses_another_value_for_the_unit_is_named() -> None:
    """Δw_{2,3} = η δ_5 y_4 written with 0.59 for y_4 (the forward pass gives 0.578)."""
    found = _step("0.59")
    assert found.status is Status.WRONG
    assert found.value == pytest.approx(UPDATES["23"], abs=1e-9)
    assert "uses 0.59 for y_4" in found.message


@pytest.mark.parametrize(
    ("rule", "prose"),
    [
        ("$$δ_5 = (y_{target}-y_5)$$", PROSE),  # no activation derivative: not the delta rule's form
        ("$$δ_5 = y_5(1-y_5)(y_5-y_{target})$$", PROSE),  # ∂E/∂a, not −∂E/∂a
        (RULE, "The target output is 0.5.\n\n"),  # η not stated
        (RULE, "The learning rate is 1.\n\n"),  # the target not stated
    ],
    ids=["no-derivative", "other-sign", "no-eta", "no-target"],
)
def test_without_the_delta_rule_for_sure_the_lines_stay_given(rule: str, prose: str) -> None:
    slipped = {**UPDATES, "12": UPDATES["12"] + 0.02}
    text = _document(slipped, rule=rule, prose=prose)
    found = _findings(text)
    for n in _update_lines(text):
        assert found[n].status is not Status.WRONG and not found[n].checked, found[n].message
