"""``symbackprop walkthrough``: subprocess runs, real pdflatex, atomic output."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES
from derive_counter import count_derive
from tools import requires_pdflatex

import symbackprop
from symbackprop.cli import main

PDFLATEX = shutil.which("pdflatex")
EXAMPLE_SPECS = sorted(p.name for p in EXAMPLES.glob("*.toml"))


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symbackprop", *args], capture_output=True, text=True, cwd=cwd, timeout=180
    )


def test_walkthrough_markdown_as_subprocess():
    out = run("walkthrough", str(EXAMPLES / "tiny.toml"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("# Tiny network")
    assert r"\approx 0.0692" in out.stdout and r"\approx 0.4931" in out.stdout
    assert "```mermaid" in out.stdout and "## Gradient check" in out.stdout


def _pdflatex(tex: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent, capture_output=True, text=True, timeout=180,
    )  # fmt: skip


@pytest.mark.slow
@requires_pdflatex
@pytest.mark.parametrize("spec", EXAMPLE_SPECS)
@pytest.mark.parametrize(
    "extra", [[], ["--rounding", "hand", "--digits", "3", "--delta", "--derivative", "d", "--mul", "times"]],
    ids=["default", "hand-delta"],
)  # fmt: skip
def test_standalone_latex_compiles_with_pdflatex(spec, extra, tmp_path):
    tex = tmp_path / "walkthrough.tex"
    out = run("walkthrough", str(EXAMPLES / spec), "--standalone", "-o", str(tex), *extra)
    assert out.returncode == 0, out.stderr
    result = _pdflatex(tex)
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "walkthrough.pdf").stat().st_size > 1000
    assert "Undefined control sequence" not in result.stdout


@pytest.mark.slow
@requires_pdflatex
def test_latex_fragment_can_be_input_into_a_document(tmp_path):
    assert (
        main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--format", "tex", "-o", str(tmp_path / "w.tex")])
        == 0
    )
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb,tikz}\n\\usetikzlibrary{arrows.meta}\n"
        "\\begin{document}\n\\input{w.tex}\n\\end{document}\n"
    )
    assert _pdflatex(tmp_path / "doc.tex").returncode == 0


def test_output_file_is_written_atomically(tmp_path, capsys):
    target = tmp_path / "notes.md"
    target.write_text("old notes\n")
    bad = tmp_path / "bad.toml"
    bad.write_text((EXAMPLES / "tiny.toml").read_text().replace('"sigmoid(z_2)"', '"sigmoid(z_3)"'))
    assert main(["walkthrough", str(bad), "-o", str(target)]) == 2
    assert target.read_text() == "old notes\n"  # a failed run leaves the file untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "notes.md"]  # and no temporary file
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "-o", str(target)]) == 0
    assert target.read_text().startswith("# Tiny network")
    capsys.readouterr()


def test_never_writes_inside_the_installed_package(capsys):
    inside = Path(symbackprop.__file__).resolve().parent / "walkthrough.md"
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "-o", str(inside)]) == 2
    assert not inside.exists()
    assert "inside the installed symbackprop package" in capsys.readouterr().err


def test_format_follows_the_output_suffix(tmp_path):
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "-o", str(tmp_path / "w.tex")]) == 0
    assert (tmp_path / "w.tex").read_text().startswith("\\section*{Tiny network")


@pytest.mark.parametrize(
    "extra",
    [[], ["--rounding", "hand", "--digits", "3"], ["--no-check"]],
    ids=["default", "hand", "no-check"],
)
def test_walkthrough_derives_once(extra, monkeypatch, capsys):
    calls = count_derive(monkeypatch)
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), *extra]) == 0
    assert "## Backward pass" in capsys.readouterr().out
    assert len(calls) == 1


def test_bad_options_exit_2(capsys):
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--sections", "forward,nope"]) == 2
    assert "unknown section 'nope'" in capsys.readouterr().err
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--digits", "99"]) == 2
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--template", "/no/such.j2"]) == 2


GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def _markdown_math(text: str) -> list[str]:
    import re

    display = re.findall(r"^\$\$\n(.*?)\n\$\$$", text, flags=re.S | re.M)
    rest = re.sub(r"^\$\$\n.*?\n\$\$$", "", text, flags=re.S | re.M)
    rest = re.sub(r"```.*?```", "", rest, flags=re.S)
    inline = re.findall(r"(?<![\\$])\$([^$\n]+?)\$", rest)
    return [f"\\[\n{m}\n\\]" for m in display] + [f"${m}$" for m in inline]


@pytest.mark.slow
@requires_pdflatex
def test_every_math_fragment_of_the_markdown_goldens_compiles(tmp_path):
    goldens = sorted(GOLDEN_DIR.glob("*.md"))
    assert len(goldens) >= 10
    fragments = [f for g in goldens for f in _markdown_math(g.read_text(encoding="utf-8"))]
    assert len(fragments) > 200
    body = "\n\n".join(fragments)
    (tmp_path / "math.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\allowdisplaybreaks\n"
        f"\\begin{{document}}\n{body}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    result = _pdflatex(tmp_path / "math.tex")
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("extra", "golden_name"), [([], "mlp_342.tex"), (["--detail", "full"], "mlp_342_full.tex")],
    ids=["compact-default", "full"],
)  # fmt: skip
def test_detail_option_picks_the_layout(extra, golden_name, capsys):
    assert main(["walkthrough", str(EXAMPLES / "mlp_342.toml"), "--format", "tex", *extra]) == 0
    golden = (Path(__file__).parent / "golden" / golden_name).read_text(encoding="utf-8")
    assert capsys.readouterr().out == golden


def test_unknown_detail_exits_2(capsys):
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--detail", "brief"]) == 2
    assert "--detail" in capsys.readouterr().err


def test_detail_choices_agree_with_the_renderer():
    from symbackprop.commands import walkthrough as command
    from symbackprop.output import compact

    assert command.DETAILS == compact.DETAILS
