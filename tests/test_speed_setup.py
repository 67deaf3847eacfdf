"""verify's setup (between reading and judging) does each piece of work once: counted, never timed.

* a document's visible text (math and comments blanked) is made once, whoever reads values,
  roles or plain arithmetic from it, and its values are read once;
* roles are read on the lines that name one only, with the same result as reading every line;
* a name met before is resolved by one look-up;
* what a sample name (``\\hat y_3``) means is asked once per name, not once per occurrence;
* an update θ − η·g is one rounded product, negated, not mpmath's general product, and it is the
  same number to the bit;
* while a document is verified, the youngest generation of the garbage collector is collected
  less often (the thresholds are restored afterwards).
"""

from __future__ import annotations

import gc
import os
import random
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from sympy import Symbol

from symbackprop.core import arithmetic, evaluation
from symbackprop.errors import InputError
from symbackprop.verification import garbage, givens, infer, names, runner, verify
from symbackprop.verification.names import Names

DOCUMENT = """# A walkthrough

The learning rate is 0.5; inputs 0.05 and 0.10, targets 0.01 and 0.99.

`w_1 = 0.15`, `w_2 = 0.2`

| name | value |
|------|-------|
| b_1  | 0.35  |

$$z = w_1 x_1 + w_2 x_2 + b_1 = 0.15 \\cdot 0.05 + 0.2 \\cdot 0.1 + 0.35 = 0.3775$$

=0.3775(1−0.3775)=0.235
"""


def test_the_visible_text_is_made_once_per_document():
    """Values, roles and plain arithmetic of one text blank its math and comments once."""
    givens._visible.cache_clear()
    givens._named_values.cache_clear()
    text = DOCUMENT + "\n<!-- a fresh text -->\n"
    givens.named_values(text)
    givens.role_values(text)
    givens.plain_arithmetic(text)
    givens.named_values(text)
    assert givens._visible.cache_info().misses == 1
    assert givens._named_values.cache_info().misses == 1


def test_remembered_values_are_the_callers_own():
    """A caller that changes the list it got does not change what the next caller gets."""
    first = givens.named_values(DOCUMENT)
    first.clear()
    roles = givens.role_values(DOCUMENT)
    roles[0][1].clear()
    assert givens.role_values(DOCUMENT)[0] == ("learning rate", [Fraction(1, 2)], 3)
    assert [(g.name, g.value) for g in givens.named_values(DOCUMENT)] == [
        ("w_1", Fraction(15, 100)),
        ("w_2", Fraction(2, 10)),
        ("b_1", Fraction(35, 100)),
    ]


def _roles_line_by_line(text: str) -> list[tuple[str, list[Fraction], int]]:
    """Every line read for every role: what :func:`givens.role_values` must return."""
    out = []
    for n, line in enumerate(givens._visible(text).split("\n"), start=1):
        plain = line.replace("`", " ").replace("*", " ")
        for role, pattern in givens._ROLES:
            for m in pattern.finditer(plain):
                rest = plain[m.end() : m.end() + 80]
                first = re.search(givens._NUM, rest)
                if first is None or not givens._near(rest[: first.start()]):
                    continue
                listed = givens._LIST.match(rest, first.start())
                if listed is not None:
                    numbers = [
                        Fraction(x.replace("−", "-")) for x in re.findall(givens._NUM, listed.group(0))
                    ]
                    out.append((role, numbers, n))
    return out


ROLE_TEXTS = {
    "prose": DOCUMENT,
    "upper case": "LEARNING RATE 0.1\nINPUTS 1 and 2\nTargets: 3\n",
    "hyphen and beta": "learning-rate 0.3, Beta 0.9\nstep size 0.01",
    "emphasis": "the *inputs* are 0.5 and 0.25 and the **target output** 1",
    "desired outputs": "we want desired outputs 0.2, 0.8\nlabels 0 and 1\nto output 0.7",
    "input layer": "the input layer 3\nthe inputs 0.1, 0.2 and 0.3",
    "dotted capital I": "İnputs 0.4 and 0.6",
    "nothing": "no roles here: x = 1, y = 2\n\n",
    "math hides": "$inputs 0.1$ and then inputs 0.2",
}


@pytest.mark.parametrize("text", ROLE_TEXTS.values(), ids=ROLE_TEXTS.keys())
def test_roles_read_on_the_lines_naming_one_are_all_of_them(text):
    assert givens.role_values(text) == _roles_line_by_line(text)


def test_a_known_name_is_one_look_up(monkeypatch):
    """Resolving a name met before neither squashes it nor makes a symbol."""
    table = Names(None)
    w = table.resolve("w_{1}")
    calls = []
    monkeypatch.setattr(names, "squash", lambda key: calls.append(key) or key)
    monkeypatch.setattr(names, "Symbol", lambda *a, **k: calls.append(a) or Symbol(*a, **k))
    assert [table.resolve("w_{1}") for _ in range(5)] == [w] * 5
    assert calls == []
    assert table.resolve("w_{1}^+") is table.resolve("w_{1}^+")  # updated: made once, then looked up
    assert table.updated[table.resolve("w_{1}^+")] is w


def test_a_sample_name_is_asked_once(monkeypatch):
    """``\\hat y_3`` written on many lines: its meaning is worked out once."""
    text = "$$\\hat{y} = w x$$\n\n$$x_3 = 2$$\n\n" + "".join(
        f"$$e_{k} = \\hat{{y}}_3 - {k}$$\n\n" for k in range(1, 9)
    )
    asked: list[Symbol] = []
    sample = infer._Reading.sample
    monkeypatch.setattr(infer._Reading, "sample", lambda self, n: asked.append(n) or sample(self, n))
    verify("doc.md", text=text)
    assert [s.name for s in asked].count("y_hat_3") == 1  # written on eight lines
    assert len(asked) == len(set(asked))


def _mpf(rng: random.Random) -> object:
    return arithmetic._CTX.mpf(rng.uniform(-5, 5)) * arithmetic._CTX.exp(rng.uniform(-40, 40))


def test_an_update_is_the_general_product_to_the_bit(monkeypatch):
    """θ − η·g as ``mul2`` twice equals ``add([θ, mul([−1, η, g])])`` exactly (computed before mpmath's
    product is taken away), for exact and inexact values, zeros and signs."""
    rng = random.Random(3)
    values = [Fraction(0), Fraction(1, 10), Fraction(-7, 3), arithmetic._CTX.mpf(0)]
    values += [Fraction(rng.randint(-(10**6), 10**6), rng.randint(1, 10**6)) for _ in range(20)]
    values += [_mpf(rng) for _ in range(20)]
    rates = [Fraction(1, 10), Fraction(0), Fraction(-3, 1000), Fraction(7, 3)]
    cases = [(t, e, g) for t in values[::3] for e in rates for g in values]
    expected = [arithmetic.add([t, arithmetic.mul([Fraction(-1), e, g])]) for t, e, g in cases]

    def no_product(*_):
        raise AssertionError("mpmath's general product")

    monkeypatch.setattr(arithmetic._CTX, "fprod", no_product)
    got = [evaluation._update(t, e, g) for t, e, g in cases]
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert [v if type(v) is Fraction else v._mpf_ for v in got] == [
        v if type(v) is Fraction else v._mpf_ for v in expected
    ]
    assert all(type(v) is Fraction or isinstance(v, arithmetic._CTX.mpf) for v in got)


def test_verify_collects_the_young_generation_less_often(monkeypatch):
    """Inside verify the youngest generation's threshold is at least YOUNG_THRESHOLD; outside it is the
    caller's own again, even when verify fails."""
    seen = []
    inner = runner._verify

    def spy(*args, **kwargs):
        seen.append(gc.get_threshold())
        return inner(*args, **kwargs)

    monkeypatch.setattr(runner, "_verify", spy)
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        verify("doc.md", text="$$z = 2 \\cdot 3 = 6$$\n")
        assert seen == [(garbage.YOUNG_THRESHOLD, 10, 10)]
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(50_000, 10, 10)  # a higher threshold of the caller's is kept
        verify("doc.md", text="$$z = 2 \\cdot 3 = 6$$\n")
        assert seen[-1] == (50_000, 10, 10)
        gc.set_threshold(700, 10, 10)
        with pytest.raises(InputError):
            verify("doc.md", text="$$z = 1$$\n", digits_policy="no such policy")
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_overlapping_blocks_restore_what_the_first_found():
    """Two verifications that overlap (threads): the last one out restores the caller's thresholds."""
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        first, second = garbage.fewer_collections(), garbage.fewer_collections()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)  # the first one out is not the last
        assert gc.get_threshold() == (garbage.YOUNG_THRESHOLD, 10, 10)
        second.__exit__(None, None, None)
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_verify_imports_no_integrator_for_an_ordinary_document(tmp_path):
    """SymPy's manualintegrate (20 ms to import) is imported by a document that integrates, not by
    ``python -m symbackprop verify`` of an ordinary one."""
    doc = tmp_path / "doc.md"
    doc.write_text("$$z = w x = 0.5$$\n\n`w = 0.5`, `x = 1`\n")
    code = (
        "import sys\nfrom symbackprop.cli import main\nmain(['verify', sys.argv[1]])\n"
        "print('sympy.integrals.manualintegrate' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([sys.executable, "-c", code, str(doc)], capture_output=True, text=True, env=env)
    assert run.stdout.splitlines()[-1] == "False", run.stdout + run.stderr


def _frozen_at_exit(tmp_path: Path, imports: str, call: str) -> subprocess.CompletedProcess:
    """Verify a wrong one-line document in a child that runs the command by ``call`` and prints its
    exit code and whether anything was frozen when it exited."""
    doc = tmp_path / "doc.md"
    doc.write_text("$$z = 2 \\cdot 3 = 7$$\n")
    code = (
        f"import gc, sys\n{imports}\nsys.argv = ['symbackprop', 'verify', sys.argv[1]]\n"
        f"try:\n    {call}\n"
        "except SystemExit as e:\n    print('exit', e.code, 'frozen', gc.get_freeze_count() > 0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([sys.executable, "-c", code, str(doc)], capture_output=True, text=True, env=env)
    assert run.stdout.splitlines()[-1] == "exit 1 frozen True", run.stdout + run.stderr
    return run


def test_the_process_sets_its_objects_aside_before_it_exits(tmp_path):
    """``python -m symbackprop`` freezes what is alive when the command is done (so that the last
    collection at exit walks nothing), with the command's exit code and output unchanged."""
    run = _frozen_at_exit(tmp_path, "import runpy", "runpy.run_module('symbackprop', run_name='__main__')")
    assert "wrong" in run.stdout


def test_the_installed_command_sets_its_objects_aside_too(tmp_path):
    """The ``symbackprop`` console script runs :func:`symbackprop.cli.console` (as ``python -m``
    does), which freezes what is alive before it exits, with the command's exit code."""
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="symbackprop")
    assert script.value == "symbackprop.cli:console"
    _frozen_at_exit(tmp_path, "from symbackprop.cli import console", "console()")
