"""The command line: in-process ``main`` and real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy
from conftest import EXAMPLES

from symbackprop import __version__
from symbackprop.cli import COMMANDS, main
from symbackprop.core.functions import to_elementary
from symbackprop.notation.spec import load_spec


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symbackprop", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_version_and_help_as_subprocess():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"symbackprop {__version__}"
    out = run("--help")
    assert out.returncode == 0
    assert "derive" in out.stdout


def test_every_available_command_has_help(capsys):
    from symbackprop.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert "derive" in sub.choices
    for name in sub.choices:
        assert name in COMMANDS
        with pytest.raises(SystemExit) as e:
            build_parser().parse_args([name, "--help"])
        assert e.value.code == 0
        assert "usage: symbackprop " + name in capsys.readouterr().out


def test_no_command_and_unknown_command_exit_2(capsys):
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    assert "error:" in capsys.readouterr().err


def test_derive_json_as_subprocess_matches_sympy_diff():
    out = run("derive", str(EXAMPLES / "tiny.toml"), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    net = load_spec(EXAMPLES / "tiny.toml")
    loss = to_elementary(net.inlined())
    for p in net.parameters:
        expected = float(sympy.diff(loss, p).subs(dict(net.values)))
        assert report["gradients"][p.name] == pytest.approx(expected, rel=1e-14)
    # every input, target, parameter and node has a value and an adjoint
    names = {s.name for s in net.symbols}
    assert set(report["values"]) == names
    assert set(report["adjoints"]) == names
    assert report["loss"] == {"name": "L", "value": pytest.approx(float(loss.subs(dict(net.values))))}
    # one local entry per edge of the graph
    edges = {(n.name, p.name) for n in net.nodes for p in net.parents(n)}
    assert {(e["of"], e["wrt"]) for e in report["local"]} == edges
    sig = next(e for e in report["local"] if e["of"] == "a_2")
    assert sig["expr"] == "a_2*(1 - a_2)"
    assert report["update"]["w_1"] == pytest.approx(0.5 - 0.1 * report["gradients"]["w_1"], rel=1e-15)


def test_derive_text_output(capsys):
    assert main(["derive", str(EXAMPLES / "two_layer.toml")]) == 0
    out = capsys.readouterr().out
    assert "w_5  " in out and "0.358916" in out  # Mazur's published w_5 after one step
    assert "b_1" in out and "frozen (not updated)" in out


def test_derive_set_overrides_a_value(capsys):
    assert main(["derive", str(EXAMPLES / "quadratic.toml"), "--set", "w=1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["gradients"]["w"] == -4.0  # 2 (w - 3) at w = 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["derive", "no-such-file.toml"], "no-such-file.toml"),
        (["derive", str(EXAMPLES / "tiny.toml"), "--set", "w_1=abc"], "--set: w_1: 'abc' is not a number"),
        (["derive", str(EXAMPLES / "tiny.toml"), "--set", "q=1"], "'q' is not an input, target or parameter"),
    ],
    ids=["missing-file", "bad-number", "unknown-name"],
)
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_spec_error_as_subprocess_is_one_line_without_traceback(tmp_path):
    bad = (EXAMPLES / "tiny.toml").read_text().replace('"sigmoid(z_2)"', '"sigmoid(z_3)"')
    (tmp_path / "tiny.toml").write_text(bad)
    out = run("derive", "tiny.toml", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("error: tiny.toml:")
    assert "[network] a_2: unknown name 'z_3' (did you mean 'z_2'?)" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_unused_parameter_warning_is_one_line(tmp_path, capsys):
    text = (EXAMPLES / "tiny.toml").read_text().replace("w_2 = 0.5", "w_2 = 0.5\nw_9 = 1.0")
    (tmp_path / "s.toml").write_text(text)
    assert main(["derive", str(tmp_path / "s.toml")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and "'w_9'" in err and "SymbackpropWarning" not in err


def test_internal_error_is_short_exit_3_with_debug_hint(monkeypatch, capsys):
    from symbackprop.commands import derive as derive_command

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(derive_command, "run", broken)
    assert main(["derive", str(EXAMPLES / "tiny.toml")]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "--debug" in err
    assert "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--debug", "derive", str(EXAMPLES / "tiny.toml")])


def test_derive_does_not_import_heavy_dependencies():
    code = (
        "import sys; from symbackprop.cli import main; main(['derive', sys.argv[1]]);"
        "heavy = [m for m in ('numpy', 'jinja2', 'latex2sympy2_extended', 'antlr4') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "tiny.toml")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
