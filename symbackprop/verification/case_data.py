"""Another case's data: ``x_1 = 0, x_2 = 1, y = 1`` for example 2 of a dataset.

A document that works one example and then lists the others (in a list of
examples, or in the other columns of a table's row of givens) states their
data: names given numbers, and nothing else.  Verify judges one case per
problem, so those lines are never read as the point; but they claim nothing
either.  They are data, given, like the first case's own givens: not "not
checked".  A line of another case that states anything else (a result,
``\\approx 0.1300``, a formula) is a claim, and stays not checked until it can be
judged at its own case.
"""

from __future__ import annotations

import re

from .documents.blocks import OTHER_COLUMN
from .own_functions import Given
from .report import Kind
from .sections import OTHER_CASE
from .statements import Statement

__all__ = ["other_case_data"]

#: ``x_{1} = 0``, ``\eta = 0.5``, ``y = -1.25``: a name (a letter or a command, subscripted) given a number.
_GIVEN = re.compile(r"\s*(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?\s*[A-Za-z0-9]+\s*\}?)?\s*=\s*-?\d+(?:\.\d+)?\s*")

#: Why a line of another case is left unread (see :mod:`.documents.blocks` and :mod:`.sections`).
_OTHER_CASE = (OTHER_CASE, OTHER_COLUMN)

#: Longest line read as data (bounded work).
_DATA_CHARS = 400


def other_case_data(statements: list[Statement]) -> dict[int, Given]:
    """Index -> what it gives, for each line of another case that only gives names numbers."""
    return {
        i: (Kind.VALUE, "given value (another case's data)")
        for i, st in enumerate(statements)
        if st.error in _OTHER_CASE and _data(st.source)
    }


def _data(text: str) -> bool:
    """Whether ``text`` is names given numbers, separated by commas."""
    return len(text) <= _DATA_CHARS and all(_GIVEN.fullmatch(part) for part in text.split(","))
