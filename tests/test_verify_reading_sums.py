"""verify reads sums to a symbolic size (``\\sum_{i=1}^{N}``) at one size, and a model per sample (issue 13).

Expected verdicts by hand: with L = (1/N) sum_i (y_i - w_1 x_i - w_2)^2 and yhat_i = w_1 x_i + w_2,
dL/dw_1 = (2/N) sum_i (yhat_i - y_i) x_i and dL/dw_2 = (2/N) sum_i (yhat_i - y_i).
"""

from __future__ import annotations

import pytest

from symbackprop.verification import Status, verify
from symbackprop.verification.sizes import SIZE, at_size, size_letters

MODEL = "$$\n\\hat y = w_1x+w_2\n$$\n\n$$\nL=\\frac{1}{N}\\sum_{i=1}^N (y_i - w_1x_i - w_2)^2\n$$\n\n"


def status_of(claim: str) -> set[Status]:
    report = verify("doc.md", text=MODEL + f"$$\n{claim}\n$$\n", format="md")
    return {f.status for f in report.findings if f.line == 10}


@pytest.mark.parametrize(
    ("claim", "status"),
    [
        ("\\frac{\\partial L}{\\partial w_1}=\\frac{2}{N}\\sum_{i=1}^N(\\hat y_i-y_i)x_i", Status.OK),
        ("\\frac{\\partial L}{\\partial w_2}=\\frac{2}{N}\\sum_{i=1}^{N}(\\hat y_i-y_i)", Status.OK),
        ("\\frac{\\partial L}{\\partial w_2}=\\frac{2}{N}\\sum_{i=1}^N(w_1x_i+w_2-y_i)", Status.OK),
        ("\\frac{\\partial L}{\\partial w_1}=\\frac{1}{N}\\sum_{i=1}^N(\\hat y_i-y_i)x_i", Status.WRONG),
        ("\\frac{\\partial L}{\\partial w_2}=\\frac{2}{N}\\sum_{i=1}^N(y_i-\\hat y_i)", Status.WRONG),
        ("\\frac{\\partial L}{\\partial w_2}=\\frac{2}{N}\\sum_{i=1}^N(\\hat y_i-y_i)x_i", Status.WRONG),
    ],
    ids=["dw1", "dw2-braced-limit", "dw2-model-written-out", "factor-2-dropped", "wrong-sign", "x-in-bias"],
)
def test_a_sum_to_n_is_judged_at_one_size(claim, status):
    assert status_of(claim) == {status}


def test_the_size_outside_any_sum_is_not_read():
    claim = "\\frac{\\partial L}{\\partial \\hat y_i}=\\frac{2}{N}(\\hat y_i-y_i)"
    assert status_of(claim) == {Status.NOT_CHECKED}


@pytest.mark.parametrize(
    ("text", "letters"),
    [
        ("\\sum_{i=1}^N x_i", {"N"}),
        ("\\sum_{i=1}^{n} x_i + \\sum_{j=0}^{M} y_j", {"n", "M"}),
        ("\\sum_{i=1}^{3} x_i", set()),
        ("\\sum_{i=1}^{N-1} x_i", set()),
        ("\\sum_i x_i", set()),
    ],
    ids=["bare", "braced-two", "a-number", "an-expression", "no-limits"],
)
def test_the_sizes_of_a_document_are_the_letters_its_sums_run_to(text, letters):
    assert size_letters(text) == letters


def test_a_relation_with_a_sum_to_n_is_read_at_the_size_everywhere_in_it():
    sides, why = at_size(["L", "\\frac{1}{N}\\sum_{i=1}^{N} x_i + N_0 + \\Nu"], frozenset({"N"}))
    assert sides == ["L", f"\\frac{{1}}{{{SIZE}}}\\sum_{{i=1}}^{{{SIZE}}} x_i + N_0 + \\Nu"] and why is None


def test_a_relation_that_uses_the_size_without_its_sum_is_not_read():
    sides, why = at_size(["g", "\\frac{2}{N} x"], frozenset({"N"}))
    assert sides == ["g", "\\frac{2}{N} x"] and why is not None and why.startswith("N is the number of terms")


def test_a_model_at_one_sample_is_its_definition_at_that_samples_inputs():
    claim = "\\frac{\\partial L}{\\partial w_1}=\\frac{2}{N}\\sum_{i=1}^N(\\hat y_i-y_i)x_i"
    text = "$$\n\\hat y = w_1x+w_2\n$$\n\n$$\nL=\\frac{1}{N}\\sum_{i=1}^N (y_i - w_1x_i - w_2)^2\n$$\n"
    no_model = text.replace("\\hat y = w_1x+w_2", "z = 1")  # yhat_i now means nothing: not checked
    report = verify("doc.md", text=no_model + f"\n$$\n{claim}\n$$\n", format="md")
    assert {f.status for f in report.findings if f.line == 10} == {Status.NOT_CHECKED}
