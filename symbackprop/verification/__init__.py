"""Verify hand derivations: read a document's math and point at the wrong equation.

:func:`verify` returns a :class:`VerifyReport` of :class:`Finding` objects (see
:mod:`.runner` for the stages).  Importing this package also imports
:mod:`symbackprop.output.verify_report`, which presents reports (the text
table, annotations, JSON) and registers itself with :mod:`.report`.
"""

from ..output import verify_report as _presentation  # noqa: F401  (registers the report's views)
from .report import Arithmetic, Expected, Finding, Formula, Kind, Mistake, Number, Status, VerifyReport
from .rounding import DIGITS_POLICIES
from .runner import verify

__all__ = [
    "DIGITS_POLICIES",
    "Arithmetic",
    "Expected",
    "Finding",
    "Formula",
    "Kind",
    "Mistake",
    "Number",
    "Status",
    "VerifyReport",
    "verify",
]
