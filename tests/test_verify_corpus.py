"""verify on real published derivations, without a spec (issue 13, acceptance).

The corpus (``tests/corpus/verify``, see its README) holds 15 derivations by
others and planted copies; ``expected/*.toml`` records every claim's verdict,
established independently with sympy/mpmath (``oracle/*.py``), never from
verify.  The figures are computed here and printed; the targets are:

* at least 90 % of the errors made on their own line (``verdict = "wrong"``
  without ``cause``) found: a wrong finding on that line;
* no false alarm: a line none of whose claims is wrong is never "wrong";
* at least 90 % of the planted slips found;
* at most 10 % of the equations not checked: lines with a claim that holds or
  is wrong (not matrix notation) whose findings are all "not checked", or that
  verify did not find at all.

The project's own walkthroughs verify cleanly: every example, in both formats
and with every notation option, gives zero wrong and zero not checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import tomllib
from conftest import EXAMPLES, ROOT

from symbackprop.cli import main
from symbackprop.errors import SymbackpropError
from symbackprop.verification import Status, VerifyReport, verify

CORPUS = ROOT / "tests" / "corpus" / "verify"
EXPECTED = sorted((CORPUS / "expected").glob("*.toml"))
DOCUMENTS = [p for p in EXPECTED if not p.stem.endswith("-planted")]
PLANTED = [p for p in EXPECTED if p.stem.endswith("-planted")]

#: The acceptance targets.
ERRORS_FOUND = 0.90
PLANTED_FOUND = 0.90
NOT_CHECKED = 0.10


@dataclass
class Figures:
    """What verify found on one document, against its expectations."""

    own: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    false_alarms: list[int] = field(default_factory=list)
    equations: list[int] = field(default_factory=list)
    not_checked: list[int] = field(default_factory=list)
    planted: list[int] = field(default_factory=list)
    planted_found: list[int] = field(default_factory=list)


@cache
def report_of(relative: str) -> VerifyReport | None:
    """verify's report on a corpus file, or ``None`` when it refuses the whole document."""
    try:
        return verify(CORPUS / relative)
    except SymbackpropError:
        return None


def _statuses(report: VerifyReport | None) -> dict[int, set[Status]]:
    out: dict[int, set[Status]] = {}
    for f in report.findings if report is not None else ():
        out.setdefault(f.line, set()).add(f.status)
    return out


@cache
def figures(toml: Path) -> Figures:
    data = tomllib.loads(toml.read_text(encoding="utf-8"))
    by_line = _statuses(report_of(data["file"]))
    fig = Figures()
    claims = data["claims"]
    if toml.stem.endswith("-planted"):
        for c in claims:
            fig.planted.append(c["line"])
            if Status.WRONG in by_line.get(c["line"], set()):
                fig.planted_found.append(c["line"])
        return fig
    lines: dict[int, list[dict]] = {}
    for c in claims:
        lines.setdefault(c["line"], []).append(c)
    for line, cs in sorted(lines.items()):
        got = by_line.get(line, set())
        for c in cs:
            if c["verdict"] == "wrong" and "cause" not in c:
                fig.own.append(line)
                if Status.WRONG in got:
                    fig.found.append(line)
        if not any(c["verdict"] == "wrong" for c in cs):
            fig.correct.append(line)
            if Status.WRONG in got:
                fig.false_alarms.append(line)
        if any(c["verdict"] in ("holds", "wrong") and not c.get("matrix") for c in cs):
            fig.equations.append(line)
            if not got & {Status.OK, Status.WRONG}:
                fig.not_checked.append(line)
    return fig


def _total() -> Figures:
    total = Figures()
    for toml in EXPECTED:
        f = figures(toml)
        for name in total.__dataclass_fields__:
            getattr(total, name).extend(getattr(f, name))
    return total


def _ratio(part: list, whole: list) -> str:
    return f"{len(part)}/{len(whole)} = {len(part) / max(len(whole), 1):.0%}"


def table() -> Iterator[str]:
    """The figures by document, then in all."""
    yield f"{'document':44} {'errors found':>14} {'false alarms':>13} {'not checked':>13} {'planted':>9}"
    for toml in EXPECTED:
        f = figures(toml)
        planted = f"{len(f.planted_found)}/{len(f.planted)}" if f.planted else ""
        errors = f"{len(f.found)}/{len(f.own)}" if not f.planted else ""
        alarms = f"{len(f.false_alarms)}/{len(f.correct)}" if not f.planted else ""
        unchecked = f"{len(f.not_checked)}/{len(f.equations)}" if not f.planted else ""
        yield f"{toml.stem:44} {errors:>14} {alarms:>13} {unchecked:>13} {planted:>9}"
    t = _total()
    yield (
        f"in all: errors found {_ratio(t.found, t.own)} (target >= 90%); false alarms {len(t.false_alarms)} "
        f"(target 0); planted found {_ratio(t.planted_found, t.planted)} (target >= 90%); "
        f"not checked {_ratio(t.not_checked, t.equations)} (target <= 10%)"
    )


#: Issue 13's targets are reached over the whole corpus (figures measured: errors found 45/50 = 90%,
#: false alarms 0, planted slips found 13/14 = 93%, not checked 21/420 = 5%). One planted copy
#: (cs231n) is still below 90% on its own: its test is an expected failure, so that a regression
#: elsewhere still fails CI. Remove the entry once that document's slip is found.
FALSE_ALARMS_KNOWN: set[str] = set()
PLANTED_MISSED_KNOWN = {"cs231n-optimization-2-planted"}
NOT_YET = "issue 13: target not reached yet (see the closing note's figures)"


def _not_yet(request: pytest.FixtureRequest) -> None:
    request.node.add_marker(pytest.mark.xfail(reason=NOT_YET, strict=False))


def test_the_corpus_is_complete():
    assert len(DOCUMENTS) >= 15 and len(PLANTED) >= 5
    for toml in EXPECTED:
        data = tomllib.loads(toml.read_text(encoding="utf-8"))
        assert (CORPUS / data["file"]).is_file(), data["file"]


@pytest.mark.parametrize("toml", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_no_false_alarm_on_a_correct_line(toml, request):
    if toml.stem in FALSE_ALARMS_KNOWN:
        _not_yet(request)
    f = figures(toml)
    assert f.false_alarms == [], f"lines {f.false_alarms} hold (established independently), called wrong"


@pytest.mark.parametrize("toml", PLANTED, ids=[p.stem for p in PLANTED])
def test_planted_slips_are_found(toml, request):
    if toml.stem in PLANTED_MISSED_KNOWN:
        _not_yet(request)
    f = figures(toml)
    missed = sorted(set(f.planted) - set(f.planted_found))
    assert len(f.planted_found) >= PLANTED_FOUND * len(f.planted), f"planted slips missed at lines {missed}"


def test_the_reached_targets_hold_over_the_whole_corpus():
    """No false alarm anywhere, at least 90 % of all planted slips found and at most 10 % of the
    equations not checked (reached; held for real)."""
    t = _total()
    assert not t.false_alarms
    assert len(t.planted_found) >= PLANTED_FOUND * len(t.planted), _ratio(t.planted_found, t.planted)
    assert len(t.not_checked) <= NOT_CHECKED * len(t.equations), _ratio(t.not_checked, t.equations)


def test_the_corpus_figures_reach_the_targets(capsys):
    with capsys.disabled():
        print("\n" + "\n".join(table()))
    t = _total()
    assert len(t.found) >= ERRORS_FOUND * len(t.own), _ratio(t.found, t.own)
    assert not t.false_alarms
    assert len(t.planted_found) >= PLANTED_FOUND * len(t.planted), _ratio(t.planted_found, t.planted)
    assert len(t.not_checked) <= NOT_CHECKED * len(t.equations), _ratio(t.not_checked, t.equations)


# ------------------------------------------------ the project's own walkthroughs

EXAMPLE_SPECS = sorted(p for p in EXAMPLES.glob("*.toml"))
NOTATIONS = {
    "default": [],
    "derivative-d": ["--derivative", "d"],
    "delta": ["--delta"],
    "mul-times": ["--mul", "times"],
    "mul-none": ["--mul", "none"],
}

#: Walkthroughs that do not verify cleanly without their spec yet, and why (none today: every example
#: verifies cleanly; the mechanism stays for the next form a walkthrough learns).
NOT_CLEAN_YET: dict[str, str] = {}
NOT_CLEAN_CASES: dict[tuple[str, str, str], str] = {}


def _own_case(spec: Path, fmt: str, opt: str) -> object:
    why = NOT_CLEAN_YET.get(spec.stem) or NOT_CLEAN_CASES.get((spec.stem, fmt, opt))
    marks = [pytest.mark.xfail(reason=f"issue 13: {why}", strict=False)] if why else []
    return pytest.param(spec, fmt, opt, id=f"{spec.stem}-{fmt}-{opt}", marks=marks)


CASES = [_own_case(spec, fmt, opt) for spec in EXAMPLE_SPECS for fmt in ("md", "tex") for opt in NOTATIONS]


@pytest.mark.parametrize(("spec", "fmt", "notation"), CASES)
def test_the_projects_own_walkthroughs_verify_cleanly(tmp_path, spec, fmt, notation):
    out = tmp_path / f"walkthrough.{fmt}"
    assert main(["walkthrough", str(spec), "--format", fmt, "-o", str(out), *NOTATIONS[notation]]) == 0
    report = verify(out)
    bad = [f for f in report.findings if f.status is not Status.OK]
    assert bad == [], "\n".join(f"{f.line}: {f.source[:60]} -- {f.message[:160]}" for f in bad)
