"""verify: finding the wrong equation of a hand derivation.

Expected values are re-derived here with sympy.diff of the inlined loss, or
taken from Matt Mazur's published 2-2-2 example; never from the code under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from conftest import EXAMPLES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbackprop.cli import main
from symbackprop.errors import SymbackpropError
from symbackprop.verification import verify
from symbackprop.verification.documents import read_document

FIXTURES = ROOT / "tests" / "fixtures" / "verify"
BCE_MD = FIXTURES / "bce_walkthrough.md"
BCE_TEX = FIXTURES / "bce_walkthrough.tex"
TINY_MD = FIXTURES / "tiny_correct.md"
TWO_LAYER_MD = FIXTURES / "two_layer_correct.md"
TINY_SPEC = EXAMPLES / "tiny.toml"


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing ``needle``."""
    hits = [i for i, text in enumerate(path.read_text().splitlines(), start=1) if needle in text]
    return hits[occurrence - 1]


# ------------------------------------------------ independent expected values


def bce_truth() -> dict[str, float]:
    """∂L/∂a₂ and ∂L/∂w₂, ∂L/∂w₁ for the seed network with BCE, by sympy.diff."""
    x, y, w1, w2, a = sp.symbols("x y w1 w2 a", real=True)
    bce = -(y * sp.log(a) + (1 - y) * sp.log(1 - a))
    inlined = bce.subs(a, 1 / (1 + sp.exp(-(sp.Max(0, x * w1) * w2))))
    point = {x: 1, y: 0, w1: sp.Rational(1, 2), w2: sp.Rational(1, 2)}
    a2 = (1 / (1 + sp.exp(-sp.Rational(1, 4)))).evalf(30)
    return {
        "dL/da2": float(sp.diff(bce, a).subs({a: a2, y: 0})),
        "dL/dw2": float(sp.diff(inlined, w2).subs(point).evalf(30)),
        "dL/dw1": float(sp.diff(inlined, w1).subs(point).evalf(30)),
    }


def test_independent_values_are_what_the_issue_says():
    t = bce_truth()
    assert round(t["dL/da2"], 3) == 2.284
    assert round(t["dL/dw2"], 3) == round(t["dL/dw1"], 3) == 0.281


# ----------------------------------------------------------- the acceptance


@pytest.fixture(scope="module")
def bce_report():
    return verify(BCE_MD)


def test_seed_like_document_flags_the_bce_derivative(bce_report):
    line = line_of(BCE_MD, r"\frac{\partial L}{\partial a_2} = a_2 - y")
    first = bce_report.first_error
    assert first is not None and first.line == line
    assert first.status == "wrong" and first.cause is None
    assert first.expected.startswith(r"\frac{a_2 - y}{a_2 \left(1 - a_2\right)}")
    assert first.value == pytest.approx(bce_truth()["dL/da2"], rel=1e-9)
    assert "2.284" in first.message
    assert not bce_report.ok


@pytest.mark.parametrize(
    ("needle", "truth"),
    [(r"\frac{\partial L}{\partial w_2} = ", "dL/dw2"), (r"\frac{\partial L}{\partial w_1} = ", "dL/dw1")],
    ids=["dL/dw2", "dL/dw1"],
)
def test_downstream_gradients_are_consequences(bce_report, needle, truth):
    first = line_of(BCE_MD, r"\frac{\partial L}{\partial a_2} = a_2 - y")
    line = line_of(BCE_MD, needle)
    f = next(f for f in bce_report.findings if f.line == line)
    assert f.status == "wrong"
    assert f.cause == first
    assert f.value == pytest.approx(bce_truth()[truth], rel=1e-9)
    assert "0.281" in f.message


def test_right_arithmetic_is_reported_as_holding(bce_report):
    line = line_of(BCE_MD, r"a_2 (1 - a_2) = 0.562 \times 0.438")
    f = next(f for f in bce_report.findings if f.line == line)
    assert f.status == "ok" and f.arithmetic == "holds"
    # the wrong steps' arithmetic is still right as written
    w2 = next(f for f in bce_report.findings if f.line == line_of(BCE_MD, "w_2 = w_2 - "))
    assert w2.status == "wrong" and w2.arithmetic == "holds"


def test_only_the_definitions_and_values_before_the_error_hold(bce_report):
    first = bce_report.first_error.line
    assert all(f.status == "ok" for f in bce_report.findings if f.line < first)
    assert all(f.status != "not checked" for f in bce_report.findings)


def test_with_the_spec_only_the_loss_definition_disagrees():
    report = verify(BCE_MD, spec=TINY_SPEC)
    wrong = [f for f in report.findings if f.status == "wrong"]
    assert [f.line for f in wrong] == [line_of(BCE_MD, r"L = -\left[y \log(a_2)")]
    assert "disagrees with the spec" in wrong[0].message
    assert all(f.status == "ok" for f in report.findings if f not in wrong)


def test_latex_align_version_gives_the_same_verdicts():
    report = verify(BCE_TEX)
    first = report.first_error
    assert first.line == line_of(BCE_TEX, r"\frac{\partial L}{\partial a_2} &= a_2 - y")
    assert "2.284" in first.message
    consequences = {f.line for f in report.findings if f.cause == first.line}
    assert line_of(BCE_TEX, r"\frac{\partial L}{\partial w_2} &=") in consequences
    assert line_of(BCE_TEX, r"\frac{\partial L}{\partial w_1} &=") in consequences
    with_spec = verify(BCE_TEX, spec=TINY_SPEC)
    assert [f.line for f in with_spec.findings if f.status == "wrong"] == [line_of(BCE_TEX, "L = -")]


@pytest.mark.parametrize(
    ("path", "spec"),
    [
        (TINY_MD, None),
        (TINY_MD, TINY_SPEC),
        (TWO_LAYER_MD, None),
        (TWO_LAYER_MD, EXAMPLES / "two_layer.toml"),
    ],
    ids=["tiny", "tiny-spec", "two-layer", "two-layer-spec"],
)
def test_correct_derivations_pass(path, spec):
    report = verify(path, spec=spec)
    bad = [f for f in report.findings if f.status != "ok"]
    assert bad == []
    assert report.ok and len(report.findings) >= 10


BROKEN = [
    # (fixture, old, new, spec)
    (TINY_MD, r"a_2(1 - a_2) = 0.5622", r"a_2(1 + a_2) = 0.5622", None),
    (
        TINY_MD,
        r"\frac{\partial L}{\partial z_2} \cdot \frac{\partial z_2}{\partial w_2}",
        r"\frac{\partial L}{\partial a_2} \cdot \frac{\partial z_2}{\partial w_2}",
        None,
    ),
    (BCE_MD, "0.5 - 0.1 \\cdot 0.069 = 0.4931", "0.5 - 0.1 \\cdot 0.069 = 0.4391", TINY_SPEC),
    (TWO_LAYER_MD, r"\cdot w_5 + \frac{\partial E_{total}}{\partial net_{o2}} \cdot w_7", r"\cdot w_5", None),
    (
        TWO_LAYER_MD,
        r"\cdot w_5 + \frac{\partial E_{total}}{\partial net_{o2}} \cdot w_7",
        r"\cdot w_5",
        EXAMPLES / "two_layer.toml",
    ),
]


@pytest.mark.parametrize(
    ("path", "old", "new", "spec"),
    BROKEN,
    ids=["sigma-prime-plus", "chain-missing-factor", "arithmetic-0.4391", "one-output-path", "one-path-spec"],
)
def test_broken_copies_are_caught_at_the_right_line(tmp_path, path, old, new, spec):
    text = path.read_text()
    assert old in text
    broken = tmp_path / path.name
    broken.write_text(text.replace(old, new, 1))
    before = {f.line for f in verify(path, spec=spec).findings if f.status == "wrong"}
    report = verify(broken, spec=spec)
    new_errors = [f for f in report.findings if f.status == "wrong" and f.line not in before]
    assert new_errors, "nothing new was flagged"
    assert new_errors[0].line == line_of(broken, new)
    assert new_errors[0].cause is None


def test_wrong_arithmetic_is_reported_as_arithmetic(tmp_path):
    broken = tmp_path / "b.md"
    broken.write_text(BCE_MD.read_text().replace("0.069 = 0.4931", "0.069 = 0.4391", 1))
    f = next(f for f in verify(broken, spec=TINY_SPEC).findings if "0.4391" in f.source)
    assert f.status == "wrong" and f.arithmetic == "wrong"
    assert "0.4931" in f.message


def test_squared_error_that_drops_the_factor_two(tmp_path):
    doc = tmp_path / "se.md"
    doc.write_text(
        "Values `x = 1.0`, `y = 0.0`, `w_1 = 0.5`, `w_2 = 0.5`.\n\n"
        "$$z_1 = x w_1$$\n\n$$a_1 = \\operatorname{ReLU}(z_1)$$\n\n$$z_2 = a_1 w_2$$\n\n"
        "$$a_2 = \\sigma(z_2)$$\n\n$$L = (a_2 - y)^2$$\n\n"
        "$$\\frac{\\partial L}{\\partial a_2} = a_2 - y$$\n"
    )
    report = verify(doc)
    f = report.first_error
    assert f.line == 13
    a2 = 1 / (1 + sp.exp(-sp.Rational(1, 4)))
    assert f.value == pytest.approx(float(sp.diff((sp.Symbol("a") - 0) ** 2, "a").subs("a", a2)), rel=1e-9)
    assert f.expected.startswith("2")


def test_a_wrong_number_used_later_makes_a_consequence(tmp_path):
    """0.2561 is wrong (a slip); the next line uses it and is wrong only because of it."""
    text = TINY_MD.read_text()
    text = text.replace(r"0.5622 \cdot 0.4378 \approx 0.2461", r"0.5622 \cdot 0.4378 \approx 0.2561")
    text = text.replace(r"0.5622 \cdot 0.2461 \approx 0.1384", r"0.5622 \cdot 0.2561 \approx 0.1440")
    doc = tmp_path / "t.md"
    doc.write_text(text)
    report = verify(doc)
    slip, carried = line_of(doc, r"\approx 0.2561"), line_of(doc, "0.1440")
    wrong = {f.line: f for f in report.findings if f.status == "wrong"}
    assert sorted(wrong) == [slip, carried]
    assert wrong[slip].cause is None and wrong[slip].arithmetic == "wrong"
    assert wrong[carried].cause == slip and wrong[carried].arithmetic == "holds"


# ------------------------------------------------------------ digits policy


@pytest.mark.parametrize(
    ("shown", "policy", "ok"),
    [
        ("0.5622", "round", True),
        ("0.5621", "round", False),
        ("0.5621", "loose", True),
        ("0.562", "strict", True),
    ],
    ids=["rounded", "truncated-round", "truncated-loose", "three-decimals-strict"],
)
def test_digits_policy(tmp_path, shown, policy, ok):
    doc = tmp_path / "p.md"
    doc.write_text(
        "`x = 1.0` `w_1 = 0.5` `w_2 = 0.5` `y = 0.0`\n\n$$z_1 = x w_1$$\n\n"
        "$$a_1 = \\operatorname{ReLU}(z_1)$$\n\n$$z_2 = a_1 w_2$$\n\n"
        f"$$a_2 = \\sigma(z_2) \\approx {shown}$$\n\n$$L = \\frac{{1}}{{2}}(a_2 - y)^2$$\n"
    )
    assert verify(doc, digits_policy=policy).ok is ok


# ---------------------------------------------------- garbage and bad input


def test_unparseable_math_is_not_checked_never_fine(tmp_path):
    doc = tmp_path / "g.md"
    doc.write_text(
        "`x = 1.0` `w_1 = 0.5`\n\n$$z_1 = x w_1 = 0.5$$\n\n$$L = z_1^2$$\n\n"
        "$$\\frac{dL}{dz_1} = \\mathbf{w} = 1$$\n\n$$a = \\input{/etc/passwd}$$\n\n"
        "$$\\frac{dL}{dz_1} = \\sqrt{ = 3$$\n\n$$ = = = $$\n"
    )
    report = verify(doc)
    statuses = {f.line: f.status for f in report.findings}
    assert statuses[7] == "not checked" and statuses[9] == "not checked" and statuses[11] == "not checked"
    assert "refused" in next(f.message for f in report.findings if f.line == 9)
    assert all(f.message.startswith("not checked") for f in report.findings if f.status == "not checked")


def test_document_without_math_has_no_findings(tmp_path):
    doc = tmp_path / "empty.md"
    doc.write_text("no math here, $5 and $6\n")
    assert verify(doc).findings == ()


def test_markdown_extraction_keeps_lines():
    text = (
        "a\n$$\nx = 1 \\\\\ny = 2\n$$\n\n```math\nz = 3\n```\n\n"
        "```python\n$q = 1$\n```\n\\(w = 4\\) and $v = 5$\n"
    )
    doc = read_document(text, "md")
    assert [(f.text, f.line) for f in doc.fragments] == [
        ("x = 1", 3),
        ("y = 2", 4),
        ("z = 3", 8),
        ("w = 4", 14),
        ("v = 5", 14),
    ]


def test_latex_extraction_align_and_comments():
    text = "\\begin{align}\n a &= 1 \\\\ % c = 3 \\\\\n b &= 2\n\\end{align}\n% $d = 4$\n\\texttt{x = 1.5}\n"
    doc = read_document(text, "tex")
    assert [(f.text, f.line) for f in doc.fragments] == [("a  = 1", 2), ("b  = 2", 3)]
    assert [(v.name, v.number) for v in doc.code_values] == [("x", "1.5")]


# ----------------------------------------------------------------- the CLI


def test_cli_subprocess_exit_codes(tmp_path):
    run = [sys.executable, "-m", "symbackprop", "verify"]
    bad = subprocess.run([*run, str(BCE_MD)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1
    assert f"first error at line {line_of(BCE_MD, 'a_2 - y = 0.562')}" in bad.stdout
    good = subprocess.run([*run, str(TINY_MD), "--spec", str(TINY_SPEC)], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    missing = subprocess.run([*run, str(tmp_path / "nope.md")], capture_output=True, text=True)
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_cli_json(capsys):
    assert main(["verify", str(BCE_MD), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["first_error"] == line_of(BCE_MD, "a_2 - y = 0.562")
    assert {f["status"] for f in data["findings"]} == {"ok", "wrong"}


def test_cli_annotate_to_file(tmp_path, capsys):
    out = tmp_path / "annotated.md"
    assert main(["verify", str(BCE_MD), "--annotate", "-o", str(out)]) == 1
    text = out.read_text()
    assert text.count("> **symbackprop** ✗") == 8
    assert "2.284" in text
    assert text.startswith(BCE_MD.read_text().splitlines()[0])


def test_cli_annotate_tex_uses_comments(capsys):
    assert main(["verify", str(BCE_TEX), "--annotate"]) == 1
    out = capsys.readouterr().out
    assert "% symbackprop ✗" in out and "> **symbackprop**" not in out


def test_cli_bad_options(capsys, tmp_path):
    assert main(["verify", str(BCE_MD), "--output", str(tmp_path / "x")]) == 2
    assert "--annotate" in capsys.readouterr().err
    assert main(["verify", str(BCE_MD), "--spec", str(tmp_path / "missing.toml")]) == 2


def test_custom_function_of_the_spec_is_read(tmp_path):
    doc = tmp_path / "swish.md"
    doc.write_text(
        "$$z = w x + b$$\n\n$$a = \\operatorname{swish}(z)$$\n\n"
        "$$\\frac{\\partial a}{\\partial z} = \\sigma(z) + z \\sigma(z)(1 - \\sigma(z))$$\n\n"
        "$$\\frac{\\partial a}{\\partial z} = \\sigma(z)$$\n"
    )
    report = verify(doc, spec=EXAMPLES / "swish.toml")
    assert [(f.line, f.status) for f in report.findings] == [(1, "ok"), (3, "ok"), (5, "ok"), (7, "wrong")]
    z = sp.Rational(8, 10) * sp.Rational(3, 2) - sp.Rational(3, 10)
    swish_prime = sp.diff(sp.Symbol("t") / (1 + sp.exp(-sp.Symbol("t"))), "t").subs("t", z)
    assert report.findings[-1].value == pytest.approx(float(swish_prime), rel=1e-9)


def test_text_argument_and_no_network():
    report = verify("inline.md", text="$$0.5 \\cdot 0.5 = 0.25$$\n\n$$0.1 + 0.2 = 0.4$$\n")
    assert [(f.status, f.arithmetic) for f in report.findings] == [("ok", "holds"), ("wrong", "wrong")]


FRAGMENTS = [
    "$$x = 1$$",
    "$$",
    "$",
    "\\[",
    "\\]",
    "\\frac{",
    "}",
    "=",
    "\\approx",
    "\\partial L",
    "/",
    "\\partial w",
    "a_2",
    "(",
    ")",
    "0.5",
    "\\sigma",
    "\\\\",
    "&",
    "\n",
    "```math",
    "```",
    "`x = 1`",
    "\\begin{align}",
    "\\end{align}",
    "\\input{x}",
    "e^{",
    "\\text{ReLU}",
    "L",
    "y",
    "\\hat{y}",
    "w^{(1)}_{11}",
    "%",
    "9^{9^{9}}",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.sampled_from(["md", "tex"]))
def test_garbage_documents_never_crash(parts, fmt):
    try:
        report = verify("fuzz", text=" ".join(parts), format=fmt)
    except SymbackpropError as e:  # only a whole-document problem may be an error
        assert e.exit_code == 2
        return
    for f in report.findings:
        assert f.status in ("ok", "wrong", "not checked")


LAYERED_SPEC = """
[inputs]
x = 1.0
[targets]
y = 0.0
[parameters]
w1_1_1 = 0.5
w2_1_1 = 0.5
[network]
z_1 = "x * w1_1_1"
a_1 = "$\\\\operatorname{ReLU}(z_1)$"
z_2 = "a_1 * w2_1_1"
a_2 = "sigmoid(z_2)"
L = "half_squared_error(a_2, y)"
[latex]
w1_1_1 = "w^{(1)}_{11}"
w2_1_1 = "w^{(2)}_{11}"
"""


def test_layer_indices_match_the_spec_latex_names(tmp_path):
    from symbackprop.notation.spec import loads_spec

    net = loads_spec(LAYERED_SPEC)
    doc = tmp_path / "layers.md"
    doc.write_text(
        "$$z_1 = x \\, w^{(1)}_{11}$$\n\n"
        "$$\\frac{\\partial L}{\\partial w^{(2)}_{11}} = (a_2 - y) a_2 (1 - a_2) a_1 \\approx 0.0692$$\n\n"
        "$$\\frac{\\partial L}{\\partial w^{(1)}_{11}} = (a_2 - y) a_2 (1 - a_2) a_1 \\approx 0.0692$$\n"
    )
    report = verify(doc, spec=net)
    assert [f.status for f in report.findings] == ["ok", "ok", "wrong"]


def test_values_that_disagree_with_the_spec_are_reported(tmp_path):
    doc = tmp_path / "v.md"
    doc.write_text(TINY_MD.read_text().replace("`w_1 = 0.5`", "`w_1 = 0.4`"))
    report = verify(doc, spec=TINY_SPEC)
    wrong = [f for f in report.findings if f.status == "wrong"]
    assert [(f.line, f.kind) for f in wrong] == [(3, "value")]
    assert "the spec has w_1 = 0.5" in wrong[0].message
