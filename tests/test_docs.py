"""The project's own docs, the pre-commit hook, and the rule that the core imports no docs tool."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
import yaml
from conftest import EXAMPLES, ROOT

from symbackprop.core.functions import to_elementary
from symbackprop.notation.spec import load_spec

DOCS = ROOT / "docs"


@pytest.mark.slow
def test_project_docs_build_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "html"
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-n",
        "-b",
        "html",
        "-q",
        str(DOCS),
        str(out),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    net = load_spec(EXAMPLES / "tiny.toml")
    grad = sp.diff(to_elementary(net.inlined()), net.symbol("w_1")).subs(net.values)
    walkthrough = (out / "walkthrough.html").read_text(encoding="utf-8")
    assert f"{float(grad):.4f}" in walkthrough and f"{float(grad):.3f}" in walkthrough
    assert r"\frac{\partial L}{\partial w_{1}}" in walkthrough
    cli = (out / "cli.html").read_text(encoding="utf-8")
    for command in ("derive", "walkthrough", "gradcheck", "train", "verify"):
        assert f"symbackprop {command}" in cli, command
    for page in ("getting-started", "spec-format", "cli", "template-context", "walkthrough", "integrations"):
        assert (out / f"{page}.html").is_file(), page


def test_template_context_page_documents_every_key() -> None:
    from symbackprop.output.walkthrough import walkthrough_context

    page = (DOCS / "template-context.md").read_text(encoding="utf-8")
    context = walkthrough_context(load_spec(EXAMPLES / "tiny.toml"))
    for key in [*context, "standalone", "format"]:
        assert f"`{key}`" in page, key
    for key in context["setup"]:
        assert f"`{key}`" in page, key


def test_spec_format_page_names_every_bundled_example() -> None:
    page = (DOCS / "spec-format.md").read_text(encoding="utf-8")
    for spec in sorted(EXAMPLES.glob("*.toml")):
        if not spec.stem.startswith("walkthrough"):
            assert f"examples/{spec.name}" in page, spec.name


def test_core_imports_no_docs_tool() -> None:
    code = (
        "import sys, symbackprop, symbackprop.output.walkthrough, symbackprop.core.derivation\n"
        "import symbackprop.cli\n"
        "from symbackprop import load_spec, derive\n"
        "d = derive(load_spec(sys.argv[1]))\n"
        "tools = ('sphinx', 'docutils', 'mkdocs', 'IPython', 'nbclient', 'myst_parser')\n"
        "heavy = [m for m in tools if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "tiny.toml")],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------ pre-commit


WRONG = r"""# Homework

$$
\frac{\partial L}{\partial w_2} = (a_2 - y) \, a_2 \, a_1
$$
"""

RIGHT = WRONG.replace(r"a_2 \, a_1", r"a_2 (1 - a_2) \, a_1")


def _hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "symbackprop-verify"]
    return hook


def _run_hook(args: list[str], files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the hook's entry the way pre-commit does: entry, then args, then file names."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    cmd = [*shlex.split(_hook()["entry"]), *args, *[str(f) for f in files]]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_hook_checks_markdown_and_latex() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert set(hook["types_or"]) == {"markdown", "tex"}
    assert "symbackprop verify" in hook["entry"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("pages", "code"),
    [
        ({"a.md": RIGHT, "b.md": RIGHT}, 0),
        ({"a.md": RIGHT, "b.md": WRONG}, 1),
        ({"a.md": WRONG, "b.md": RIGHT}, 1),
    ],
    ids=["all-right", "second-wrong", "first-wrong"],
)
def test_hook_fails_when_any_file_is_wrong(tmp_path: Path, pages: dict[str, str], code: int) -> None:
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    spec = str(EXAMPLES / "tiny.toml")
    result = _run_hook(["--spec", spec], [tmp_path / n for n in pages], tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    wrong = [n for n, t in pages.items() if t is WRONG]
    for name in wrong:
        assert name in result.stdout + result.stderr
