"""verify follows the numbers a hand-rounded matrix walkthrough carries (issue 15).

``walkthrough --rounding hand`` on a matrix spec rounds every vector and matrix as
the page shows it and computes later steps from the shown numbers; verify judges
each such entry against the interval propagated from the shown entries (widened by
its own last digit), as it does for scalar claims.  The expected intervals here are
worked out by hand from the golden page's numbers, never by the code under test.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.verification import Status, verify

GOLDEN = Path(__file__).parent / "golden"
MATRIX_SPECS = ("two_layer_matrix", "softmax_matrix", "batch_matrix")

#: Two run by default (a few seconds each), the others with the long tests.
FAST = {("two_layer_matrix", "md"), ("softmax_matrix", "tex")}


def _wrong(report):
    return [f for f in report.findings if f.status is Status.WRONG]


@pytest.mark.parametrize(
    ("stem", "fmt"),
    [
        pytest.param(stem, fmt, id=f"{stem}-{fmt}", marks=() if (stem, fmt) in FAST else pytest.mark.long)
        for stem in MATRIX_SPECS
        for fmt in ("md", "tex")
    ],
)
def test_hand_rounded_matrix_walkthrough_verifies(tmp_path: Path, stem: str, fmt: str):
    """Nothing wrong, nothing unchecked (shape notes, softmax and ``CE(p, y)`` included)."""
    spec = EXAMPLES / f"{stem}.toml"
    hand = tmp_path / f"hand.{fmt}"
    assert main(["walkthrough", str(spec), "--format", fmt, "-o", str(hand), "--rounding", "hand"]) == 0
    report = verify(hand, spec=spec)
    assert _wrong(report) == [], "\n".join(f"{f.line}: {f.message[:200]}" for f in _wrong(report))
    unchecked = [f for f in report.findings if f.status is Status.NOT_CHECKED]
    assert unchecked == [], "\n".join(f"{f.line}: {f.message[:200]}" for f in unchecked)
    assert sum(f.status is Status.OK for f in report.findings) >= 45


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_carried_entry_holds_by_hand():
    """0.40865 = 0.45 − 0.5·0.0827 with 0.0827 ∈ [0.08265, 0.08275]: in [0.408625, 0.408675] ± 0.000005,
    while the exact entry 0.4086662... is 1.6 units of the last digit away."""
    text = (GOLDEN / "two_layer_matrix_hand.md").read_text()
    low = Fraction("0.45") - Fraction("0.5") * Fraction("0.08275") - Fraction("0.000005")
    high = Fraction("0.45") - Fraction("0.5") * Fraction("0.08265") + Fraction("0.000005")
    assert low <= Fraction("0.40865") <= high
    report = verify(GOLDEN / "two_layer_matrix_hand.md", spec=EXAMPLES / "two_layer_matrix.toml")
    line = _line_of(text, "0.40865")
    assert [f.status for f in report.findings if f.line == line] == [Status.OK]


#: (what is replaced, by what: 13 % off in one entry, the line that holds it).
SLIPS = {
    "delta": ("\\approx \\begin{bmatrix} 0.0088 \\\\ 0.0100", "\\approx \\begin{bmatrix} 0.0088 \\\\ 0.0113"),
    "update": ("0.3589 & 0.40865", "0.3589 & 0.46177"),
    "gradient": ("\\approx \\begin{bmatrix} 0.0822 & 0.0827", "\\approx \\begin{bmatrix} 0.0822 & 0.0935"),
}


@pytest.mark.parametrize("fmt", ["md", "tex"])
@pytest.mark.parametrize("slip", sorted(SLIPS), ids=sorted(SLIPS))
def test_slip_in_one_entry_is_caught_at_its_line(tmp_path: Path, fmt: str, slip: str):
    old, new = SLIPS[slip]
    text = (GOLDEN / f"two_layer_matrix_hand.{fmt}").read_text()
    assert old in text
    broken = tmp_path / f"broken.{fmt}"
    broken.write_text(text.replace(old, new, 1))  # its first occurrence: later lines follow from it
    report = verify(broken, spec=EXAMPLES / "two_layer_matrix.toml")
    wrong = _wrong(report)
    assert wrong, "the slip was not caught"
    assert wrong[0].line == _line_of(text, old)


def test_strict_policy_does_not_carry():
    """Under ``--digits-policy strict`` every number must be its true value rounded: 0.40865 is not."""
    golden = GOLDEN / "two_layer_matrix_hand.md"
    report = verify(golden, spec=EXAMPLES / "two_layer_matrix.toml", digits_policy="strict")
    assert _line_of(golden.read_text(), "0.40865") in {f.line for f in _wrong(report)}


@pytest.mark.parametrize(
    ("note", "status"),
    [
        (r"(2 \times 2) = (2 \times 1) (2 \times 1)^{\top}", Status.OK),
        (r"(2 \times 1) = \left((2 \times 2)^{\top} (2 \times 1)\right) \odot (2 \times 1)", Status.OK),
        (r"\text{shapes: } (3 \times 1) = \operatorname{rowsum}\left((3 \times 4)\right)", Status.OK),
        (r"(2 \times 2) = (2 \times 1) (2 \times 1)", Status.WRONG),
        (r"(1 \times 2) = (2 \times 1) (2 \times 1)^{\top}", Status.WRONG),
        (r"(2 \times 1) = (2 \times 2) (2 \times 1) + (3 \times 1)", Status.WRONG),
    ],
    ids=["outer", "backward-step", "rowsum", "missing-transpose", "wrong-result", "cannot-add"],
)
def test_shape_annotations_are_checked(note: str, status: Status):
    """A shape note is worked out by each operation's shape rule: (m×k)(k×n) is m×n, ⊙ and + need one
    shape (or a row or column broadcast), a transpose swaps, rowsum gives a column."""
    (f,) = verify("one.md", spec=EXAMPLES / "two_layer_matrix.toml", text=f"$${note}$$\n").findings
    assert f.status is status, f.message


def test_delta_notation_is_a_definition():
    text = "$$\\delta_{z} = \\partial L / \\partial z$$\n"
    (f,) = verify("one.md", spec=EXAMPLES / "two_layer_matrix.toml", text=text).findings
    assert f.verdict == "given" and "notation" in f.message
