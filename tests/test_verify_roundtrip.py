"""The project's own walkthroughs verify cleanly against their spec (issue 13).

``symbackprop walkthrough examples/X.toml`` in every format and notation mode, then
``symbackprop verify OUT --spec examples/X.toml``: no line is wrong, and none is
"not checked" except for the honestly unreadable reasons below (the values of a
dataset table's other columns are at other examples, which the walkthrough does
not derive line by line).

A few cases run by default (a few seconds in all); the whole matrix of examples x
formats x modes is marked ``long``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES

from symbackprop.cli import main
from symbackprop.verification import Status, verify
from symbackprop.verification.documents.blocks import OTHER_COLUMN
from symbackprop.verification.sections import OTHER_CASE

#: Notation modes of the walkthrough.
MODES = {
    "exact": [],
    "hand": ["--rounding", "hand"],
    "delta": ["--delta"],
    "derivative-d": ["--derivative", "d"],
    "mul-times": ["--mul", "times"],
    "mul-none": ["--mul", "none"],
}

#: Not checked for a reason a careful reader would give too: another example's values.
HONEST = (OTHER_COLUMN, OTHER_CASE)

#: Run by default: custom functions (swish), layered names under delta (mlp_231), dataset tables (xor),
#: the compact layout's LaTeX tables (values in text cells, an index column; hand-rounded values),
#: the matrix view's shape annotations, its gradients written with d, its scalar view (two_layer_matrix).
FAST = {
    ("mlp_231", "tex", "hand"),
    ("two_layer_matrix", "md", "derivative-d"),
    ("two_layer_matrix", "tex", "hand"),
    ("tiny_bce", "tex", "exact"),
    ("tiny", "md", "exact"),
    ("tiny", "tex", "hand"),
    ("tiny", "md", "derivative-d"),
    ("tiny", "tex", "mul-none"),
    ("swish", "md", "delta"),
    ("swish", "tex", "derivative-d"),
    ("mlp_231", "md", "delta"),
    ("xor", "tex", "exact"),
    ("xor", "md", "mul-times"),
}

#: Walkthroughs verify cannot read cleanly yet (issue 13, issue 15 §4), as expected failures:
#: the matrix view of softmax_matrix (its softmax and cross-entropy definitions) and batch_matrix
#: (a bias column added to a batch, the elementwise Y log(A), arithmetic on written matrices);
#: their scalar view (--rounding hand) verifies.
NOT_READ_CASES = {
    (stem, fmt, mode)
    for stem in ("batch_matrix", "softmax_matrix")
    for fmt in ("md", "tex")
    for mode in MODES
    if mode != "hand"
}


def _marks(stem: str, fmt: str, mode: str) -> tuple[pytest.MarkDecorator, ...]:
    marks = () if (stem, fmt, mode) in FAST else (pytest.mark.long,)
    if (stem, fmt, mode) in NOT_READ_CASES:
        marks += (
            pytest.mark.xfail(reason="issue 13/15: this walkthrough's form is not read yet", strict=False),
        )
    return marks


SPECS = sorted(EXAMPLES.glob("*.toml"))
CASES = [
    pytest.param(spec, fmt, mode, id=f"{spec.stem}-{fmt}-{mode}", marks=_marks(spec.stem, fmt, mode))
    for spec in SPECS
    for fmt in ("md", "tex")
    for mode in MODES
]


def test_the_fast_cases_exist():
    names = {s.stem for s in SPECS}
    assert {stem for stem, _, _ in FAST} <= names


@pytest.mark.parametrize(("spec", "fmt", "mode"), CASES)
def test_own_walkthrough_verifies_cleanly(tmp_path: Path, spec: Path, fmt: str, mode: str):
    out = tmp_path / f"walkthrough.{fmt}"
    assert main(["walkthrough", str(spec), "--format", fmt, "-o", str(out), *MODES[mode]]) == 0
    report = verify(out, spec=spec)
    bad = [
        f
        for f in report.findings
        if f.status is not Status.OK
        and not (f.status is Status.NOT_CHECKED and any(r in f.message for r in HONEST))
    ]
    assert bad == [], "\n".join(f"{f.line}: {f.source[:60]} -- {f.message[:160]}" for f in bad)
    assert sum(f.status is Status.OK for f in report.findings) > 0
