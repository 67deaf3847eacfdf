"""``symbackprop verify`` file handling: several documents, --annotate, --in-place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from symbackprop.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "verify"


def test_several_documents_exit_1_if_any_is_wrong(tmp_path, capsys):
    good = shutil.copy(FIXTURES / "tiny_correct.md", tmp_path / "good.md")
    bad = shutil.copy(FIXTURES / "bce_walkthrough.md", tmp_path / "bad.md")
    assert main(["verify", str(good)]) == 0
    assert main(["verify", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "good.md:" in out and "bad.md:" in out


def test_annotate_never_overwrites_the_document_without_in_place(tmp_path, capsys):
    doc = Path(shutil.copy(FIXTURES / "bce_walkthrough.md", tmp_path / "doc.md"))
    original = doc.read_text()
    assert main(["verify", str(doc), "--annotate", "-o", str(doc)]) == 2
    assert "use --in-place" in capsys.readouterr().err
    assert doc.read_text() == original
    assert main(["verify", str(doc), "--annotate"]) == 1  # to stdout
    assert doc.read_text() == original
    annotated = capsys.readouterr().out
    assert annotated != original and annotated.count("\n") > original.count("\n")
    assert main(["verify", str(doc), "--annotate", "--in-place"]) == 1
    assert doc.read_text() == annotated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.md"]  # no temporary files left


def test_in_place_needs_annotate_as_subprocess(tmp_path):
    doc = shutil.copy(FIXTURES / "tiny_correct.md", tmp_path / "doc.md")
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "verify", str(doc), "--in-place"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr.startswith("error: --in-place:") and "Traceback" not in out.stderr


# ----------------------------------------------- issue 17: C3, B9, D5 (minimal inputs)


def test_an_astronomically_large_value_gets_a_short_verdict_as_subprocess(tmp_path):
    """C3: e^{e^{e^{e^{2}}}} has about 10^702 digits; the line is wrong, said in one short line."""
    import mpmath as mp

    power = mp.log10(mp.e) * mp.exp(mp.exp(mp.exp(2)))  # log10 of the value, by hand
    assert mp.nstr(power, 3) == "2.53e+702"
    doc = tmp_path / "doc.md"
    doc.write_text("`x = 2.0`\n\n$$y = x$$\n\n$$e^{e^{e^{e^{x}}}} = 5$$\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "verify", str(doc)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 1 and out.stderr == ""
    (row,) = [s for s in out.stdout.splitlines() if s.strip().startswith("5 ")]
    assert "WRONG" in row and "10^{2.53e+702}" in row and len(row) < 200


def test_json_of_an_astronomically_large_value_is_valid_json(tmp_path, capsys):
    import json

    doc = tmp_path / "doc.md"
    doc.write_text("`x = 2.0`\n\n$$y = x$$\n\n$$e^{e^{e^{e^{x}}}} = 5$$\n", encoding="utf-8")
    assert main(["verify", str(doc), "--json"]) == 1
    data = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))
    assert [f["status"] for f in data["findings"]] == ["ok", "wrong"]


@pytest.mark.parametrize("division", ["0/0", "1/0"], ids=["zero-by-zero", "by-zero"])
def test_an_undefined_value_never_holds(tmp_path, capsys, division):
    """B9: 0/0 (and 1/0) is no number: the line is wrong, not holding."""
    doc = tmp_path / "doc.md"
    doc.write_text(f"$$r = {division}$$\n", encoding="utf-8")
    assert main(["verify", str(doc)]) == 1
    out = capsys.readouterr().out
    assert "WRONG" in out and f"{division} is undefined" in out


@pytest.mark.parametrize(
    "fixture",
    ["bce_walkthrough.md", "../../corpus/verify/smaxx73-session6-solutions.tex",
     "../../corpus/verify/stats-se-377533.html"],
    ids=["md", "tex", "html"],
)  # fmt: skip
def test_annotating_twice_in_place_replaces_the_notes(tmp_path, fixture):
    """D5: the second --annotate --in-place recognises the first one's notes and replaces them."""
    source = FIXTURES / fixture
    doc = Path(shutil.copy(source, tmp_path / f"doc{source.suffix}"))
    main(["verify", str(doc), "--annotate", "--in-place"])
    once = doc.read_text(encoding="utf-8")
    assert "symbackprop" in once and once != source.read_text(encoding="utf-8")
    main(["verify", str(doc), "--annotate", "--in-place"])
    assert doc.read_text(encoding="utf-8") == once


def test_notes_taken_out_give_back_the_document():
    from symbackprop.output.verify_report import without_notes
    from symbackprop.verification import verify

    original = (FIXTURES / "bce_walkthrough.md").read_text(encoding="utf-8")
    annotated = verify(FIXTURES / "bce_walkthrough.md").annotate()
    assert annotated.count("> **symbackprop**") >= 10
    assert without_notes(annotated, "md") == original
