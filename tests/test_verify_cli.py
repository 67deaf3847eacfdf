"""``symbackprop verify`` file handling: several documents, --annotate, --in-place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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
