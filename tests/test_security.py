"""No code execution, anywhere: a static scan of the package, and bounded resources.

The scan fails when a call that can execute or deserialize text appears in the
package outside the reviewed allow-list below.  Each allow-list entry says why
that call never sees user text.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import symbackprop

PACKAGE = Path(symbackprop.__file__).resolve().parent

#: Calls that execute, compile or deserialize text.
BANNED_NAMES = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "S", "parse_latex"}
BANNED_ATTRIBUTES = {"sympify", "parse_expr", "parse_latex", "S", "loads", "load"}
BANNED_MODULES = {"pickle", "marshal", "shelve", "dill", "sympy.parsing", "code", "codeop"}

#: (module file, call) -> why it is safe.  Reviewed by hand; keep it short.
ALLOWED: dict[tuple[str, str], str] = {
    ("notation/spec.py", "tomllib.loads"): "TOML is data; tomllib builds dicts, it does not execute",
    (
        "verification/documents/notebook.py",
        "json.loads",
    ): "a notebook is JSON data; json builds dicts and lists",
    ("numeric/reference.py", "exec"): "runs code printed from our SymPy trees over identifiers v0.., g0..",
    ("numeric/reference.py", "compile"): "compiles that same generated code; no user text reaches it",
    ("numeric/codegen.py", "exec"): "runs code printed from our typed operations over names o0.., n0..",
    ("numeric/codegen.py", "compile"): "compiles that same generated code; no user text reaches it",
}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in BANNED_NAMES:
                yield f.id, node.lineno
            elif isinstance(f, ast.Attribute) and f.attr in BANNED_ATTRIBUTES:
                owner = f.value.id if isinstance(f.value, ast.Name) else "?"
                yield f"{owner}.{f.attr}", node.lineno


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, node.lineno
            for a in node.names:
                if a.name in BANNED_NAMES - {"S"} or (node.module == "sympy" and a.name in BANNED_NAMES):
                    yield f"{node.module}.{a.name}", node.lineno


def test_no_eval_exec_sympify_or_pickle_outside_the_allow_list():
    found = []
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 5
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(PACKAGE).as_posix()
        for call, line in _calls(tree):
            if (rel, call) not in ALLOWED:
                found.append(f"{rel}:{line}: {call}(...)")
        for module, line in _imports(tree):
            root = module.split(".")[0]
            if (
                module in BANNED_MODULES
                or root in BANNED_MODULES
                or any(module.startswith(m + ".") or module == m for m in BANNED_MODULES)
            ):
                found.append(f"{rel}:{line}: import {module}")
            if module.endswith((".sympify", ".parse_expr", ".eval", ".exec")):
                found.append(f"{rel}:{line}: import {module}")
    assert not found, "calls that can execute text, outside the allow-list:\n" + "\n".join(found)


def test_the_scan_would_catch_a_violation(tmp_path):
    bad = "import sympy\nfrom sympy import sympify\nx = sympy.sympify(user)\ny = eval(text)\nimport pickle\n"
    tree = ast.parse(bad)
    assert {c for c, _ in _calls(tree)} == {"sympy.sympify", "eval"}
    assert "pickle" in {m for m, _ in _imports(tree)}
    assert "sympy.sympify" in {m for m, _ in _imports(tree)}


def _spec_with_chain(n: int) -> str:
    lines = ["[inputs]", "x = 0.5", "[targets]", "y = 0.25", "[parameters]", "w = 0.9", "[network]"]
    prev = "x"
    for k in range(1, n):
        lines.append(f'h_{k} = "sigmoid(w * {prev})"')
        prev = f"h_{k}"
    lines.append(f'L = "half_squared_error({prev}, y)"')
    return "\n".join(lines) + "\n"


# Each case states its bound: the process must finish within `seconds` (a hang
# guard, not a performance test) and exit with the given code.
RESOURCE_CASES = [
    ("exponent-tower", '[parameters]\nw = 1\n[network]\nL = "w * 9**9**9"\n', 2, "exponent too large", 30),
    ("huge-literal", '[parameters]\nw = 1\n[network]\nL = "w * 1' + "0" * 5000 + '"\n', 2, "too large", 30),
    ("inf-literal", '[parameters]\nw = 1\n[network]\nL = "w * 1e999"\n', 2, "out of range", 30),
    ("inf-value", '[parameters]\nw = 1e999\n[network]\nL = "w"\n', 2, "finite", 30),
    ("nan-value", '[parameters]\nw = nan\n[network]\nL = "w"\n', 2, "finite", 30),
    (
        "nested-parens",
        '[parameters]\nw = 1\n[network]\nL = "' + "(" * 10_000 + "w" + ")" * 10_000 + '"\n',
        2,
        "nested too deeply",
        30,
    ),
    (
        "1MB-expression",
        '[parameters]\nw = 1\n[network]\nL = "' + "+".join(["w"] * 500_000) + '"\n',
        2,
        "limit is",
        30,
    ),
    ("10k-node-chain", _spec_with_chain(10_000), 0, "", 300),
]

#: Cases that take a minute or more: run with the fuzzing (``-m long``), not in the default run.
LONG_CASES = {"10k-node-chain"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "code", "message", "seconds"),
    [pytest.param(*c[1:], marks=(pytest.mark.long,) if c[0] in LONG_CASES else ()) for c in RESOURCE_CASES],
    ids=[c[0] for c in RESOURCE_CASES],
)
def test_pathological_specs_fail_fast_or_finish_within_bounds(text, code, message, seconds, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", str(spec), "--json"],
        capture_output=True,
        text=True,
        timeout=seconds,
    )
    assert out.returncode == code, out.stderr[-2000:]
    assert message in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_a_document_of_10000_equations_is_verified_within_bounds(tmp_path):
    """Bound: the whole process finishes within 180 s (about 17 s here) and judges every equation."""
    lines = ["# many equations", "", "`x = 1.0`, `w = 0.5`, `y = 0`", "", "$$z = x \\cdot w = 0.5$$", ""]
    lines += ["$$L = \\frac{1}{2}(z - y)^2$$", ""]
    lines += ["$$\\frac{\\partial L}{\\partial w} = (z - y) \\cdot x = 0.5 \\cdot 1 = 0.5$$\n"] * 10_000
    doc = tmp_path / "many.md"
    doc.write_text("\n".join(lines))
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "verify", str(doc)], capture_output=True, text=True, timeout=180
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "10002 hold, 0 wrong, 0 not checked" in out.stdout
