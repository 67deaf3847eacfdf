"""verify checks arithmetic written inside a sentence, outside math (issue 13: pure arithmetic is
always checked).

Expected values are hand computations: (1 - 0.73) * 0.73 = 0.1971, which is 0.2 to one decimal;
0.5 - 0.1 * 0.069 = 0.4931.
"""

from __future__ import annotations

import time

import pytest

from symbackprop.verification import Status, verify
from symbackprop.verification.prose_arithmetic import in_sentence


def statuses(text: str) -> dict[int, set[Status]]:
    out: dict[int, set[Status]] = {}
    for f in verify("doc.md", text=text, format="md").findings:
        out.setdefault(f.line, set()).add(f.status)
    return out


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("The local gradient would simply be (1 - 0.73) * 0.73 ~= 0.2, as before.", Status.OK),
        ("The local gradient would simply be (1 - 0.73) * 0.73 ~= 0.3, as before.", Status.WRONG),
        ("The new weight is 0.5 - 0.1 × 0.069 = 0.4931 after one step.", Status.OK),
        ("The new weight is 0.5 - 0.1 × 0.069 = 0.4391 after one step.", Status.WRONG),
    ],
    ids=["approximately", "approximately-wrong", "update", "update-slip"],
)
def test_arithmetic_in_a_sentence_is_checked(sentence, status):
    assert statuses(f"# Notes\n\n{sentence}\n")[3] == {status}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("would be (1 - 0.73) * 0.73 ~= 0.2, as", ["(1 - 0.73) \\cdot 0.73 \\approx 0.2"]),
        ("so 0.4·0.711 + (−0.6)·0.786 = −0.188.", ["0.4 \\cdot 0.711 + (-0.6) \\cdot 0.786 = -0.188"]),
        ("(gives 2 * 3 = 6)", ["2 \\cdot 3 = 6"]),  # the closing parenthesis is the sentence's
        ("released 2017-01-10 = a Tuesday", []),
        ("retrieved on 2017-01-10", []),
        ("version v1.2 - 3 = 4 of the file", []),  # part of a word
        ("in code `0.5 * 2 = 1` only", []),
        ("x = 0.5 and y = 2", []),  # values, not arithmetic
        ("the ratio 3/4 = 0.75 holds", ["3/4 = 0.75"]),
    ],
    ids=["gradient", "unicode", "in-parentheses", "date-word", "date", "version", "code", "values", "ratio"],
)
def test_in_sentence(line, expected):
    assert in_sentence(line) == expected


@pytest.mark.parametrize(
    "hostile",
    ["1" + " " * 1990, "(" * 990 + "1" + ")" * 990, "1 - " * 490 + "1", "1" + " )" * 900 + " x"],
    ids=["spaces", "parentheses", "long-run", "closing"],
)
def test_bounded_work(hostile):
    start = time.process_time()
    in_sentence(hostile)
    assert time.process_time() - start < 0.5
