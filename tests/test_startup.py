"""Start-up: ``--version`` and ``--help`` import no SymPy; each command imports what it uses.

Each case runs in a fresh interpreter (a subprocess), since ``sys.modules`` of
the test process already holds everything.  No timings are asserted here:
``benchmarks/startup.py`` measures them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import symbackprop

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sympy", "mpmath", "numpy", "jinja2", "latex2sympy2_extended")

_PROBE = """
import contextlib, io, json, sys
from symbackprop.cli import main
argv = json.loads(sys.argv[1])
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(argv)
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _imported(argv: list[str]) -> tuple[int, set[str]]:
    """Run ``symbackprop *argv`` in a fresh interpreter: its exit code and every module it imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return data["code"], set(data["modules"])


LIGHT = {
    "version": ["--version"],
    "help": ["--help"],
    "no-command": [],
    "derive-help": ["derive", "--help"],
    "walkthrough-help": ["walkthrough", "--help"],
    "gradcheck-help": ["gradcheck", "--help"],
    "train-help": ["train", "--help"],
    "verify-help": ["verify", "--help"],
    "unknown-command": ["frobnicate"],
}


@pytest.mark.parametrize("argv", list(LIGHT.values()), ids=list(LIGHT))
def test_help_and_version_import_no_sympy(argv):
    code, modules = _imported(argv)
    assert code in (0, 2)
    assert not [m for m in HEAVY if m in modules]


def test_python_dash_m_version_imports_no_sympy():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "symbackprop", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    assert out.stdout.strip() == f"symbackprop {symbackprop.__version__}"
    imported = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert "symbackprop.cli" in imported
    assert not [m for m in HEAVY if m in imported]


def test_one_commands_help_does_not_import_another_commands_options():
    _, modules = _imported(["derive", "--help"])
    assert "symbackprop.output.formats" not in modules  # walkthrough's --format choices
    _, modules = _imported(["walkthrough", "--help"])
    assert "symbackprop.output.formats" in modules


COMMANDS = {
    "derive": (["derive", "examples/tiny.toml"], {"numpy", "jinja2", "symbackprop.output.walkthrough"}),
    "gradcheck": (["gradcheck", "examples/tiny.toml"], {"jinja2", "symbackprop.output.walkthrough"}),
    "verify": (
        ["verify", "tests/fixtures/verify/tiny_correct.md"],
        {"numpy", "jinja2", "symbackprop.output.walkthrough"},
    ),
}


@pytest.mark.parametrize(("argv", "unused"), list(COMMANDS.values()), ids=list(COMMANDS))
def test_a_command_imports_only_what_it_uses(argv, unused):
    code, modules = _imported(argv)
    assert code == 0
    assert "sympy" in modules  # it did its work
    assert not unused & modules


def test_import_symbackprop_is_lazy_and_every_public_name_resolves():
    probe = (
        "import sys, symbackprop; light = 'sympy' not in sys.modules; "
        "from symbackprop import derive; print(light, 'sympy' in sys.modules, derive.__module__)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["True", "True", "symbackprop.core.derivation"]
    import symbackprop.verification as verification
    from symbackprop.core import builders, derivation
    from symbackprop.numeric import vectorization
    from symbackprop.output import walkthrough

    assert symbackprop.derive is derivation.derive and symbackprop.mlp is builders.mlp
    assert symbackprop.render is walkthrough.render and symbackprop.verify is verification.verify
    assert symbackprop.vectorize is vectorization.vectorize
    for name in symbackprop.__all__:
        assert getattr(symbackprop, name) is not None, name
    assert set(symbackprop.__all__) <= set(dir(symbackprop))
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        symbackprop.nonexistent  # noqa: B018


def test_help_data_agrees_with_its_source():
    from symbackprop.commands import gradcheck, walkthrough
    from symbackprop.numeric import gradcheck as scalar
    from symbackprop.output import context, printing

    assert walkthrough.SECTIONS == context.SECTIONS
    assert walkthrough.ROUNDINGS == context.ROUNDINGS
    assert tuple(printing.MUL_SYMBOLS) == walkthrough.MUL_SYMBOLS
    defaults = (gradcheck.DEFAULT_EPS, gradcheck.DEFAULT_RTOL, gradcheck.DEFAULT_ATOL)
    assert defaults == (scalar.DEFAULT_EPS, scalar.DEFAULT_RTOL, scalar.DEFAULT_ATOL)


def test_the_version_has_one_home():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '[tool.hatch.version]\npath = "symbackprop/_version.py"\n' in pyproject
    path = ROOT / "symbackprop" / "_version.py"
    assert f'__version__ = "{symbackprop.__version__}"' in path.read_text(encoding="utf-8")
