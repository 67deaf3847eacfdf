"""verify's verdicts (issue 13, section 1): honest, rounded as a careful reader, named, explained.

Every expected number is computed here with mpmath (40 digits) or written by
hand from the document's own network; never taken from the code under test.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from fractions import Fraction
from pathlib import Path

import mpmath as mp
import pytest
from conftest import ROOT

from symbackprop.cli import main
from symbackprop.verification import Mistake, Status, verify

FIXTURES = ROOT / "tests" / "fixtures" / "verify"
mp.mp.dps = 40


def sig(t):
    return 1 / (1 + mp.exp(-mp.mpf(t)))


def run(text: str, **kw):
    return verify("doc.md", text=text, format="md", **kw)


def at(report, line: int):
    found = [f for f in report.findings if f.line == line]
    assert found, f"no finding at line {line}"
    return found[0]


def line_of(text: str, needle: str) -> int:
    return next(i for i, s in enumerate(text.split("\n"), start=1) if needle in s)


# ------------------------------------------------------------- honest verdicts

NEURON = """With `x = 0.5`, `w = 0.8`, `b = 0.1`, `y = 1` and `eta = 0.5`.

$$z = w x + b$$

$$a = \\sigma(z) \\approx 0.6225$$

$$L = \\frac{1}{2}(a - y)^2 \\approx 0.0713$$

$$\\frac{\\partial L}{\\partial w} = (a - y) \\, a (1 - a) \\, x \\approx -0.0444$$

$$w^{+} = w - \\eta \\frac{\\partial L}{\\partial w} = 0.8 - 0.5 \\cdot (-0.0444) = 0.8222$$
"""


def neuron_truth() -> dict[str, mp.mpf]:
    x, w, b, y, eta = mp.mpf("0.5"), mp.mpf("0.8"), mp.mpf("0.1"), 1, mp.mpf("0.5")
    a = sig(w * x + b)
    dw = (a - y) * a * (1 - a) * x
    return {"a": a, "L": (a - y) ** 2 / 2, "dw": dw, "w+": w - eta * dw}


def test_the_neuron_numbers_are_what_the_document_shows():
    t = neuron_truth()
    assert [mp.nstr(t[k], 3, min_fixed=-9, max_fixed=9) for k in ("a", "L", "dw", "w+")] == [
        "0.622",
        "0.0713",
        "-0.0444",
        "0.822",
    ]


def test_holds_means_checked_and_definitions_are_given():
    report = run(NEURON)
    for f in report.findings:
        assert (f.verdict == "holds") == (f.status is Status.OK and f.checked > 0)
    assert at(report, 3).verdict == "given" and at(report, 3).checked == 0
    assert all(f.verdict == "holds" for f in report.findings if f.line >= 5)
    assert report.claims_checked == sum(f.checked for f in report.findings) >= 5
    assert f"{report.claims_checked} claims checked" in report.table()


def test_a_line_whose_claims_were_all_unchecked_is_not_checked_with_the_missing_values():
    text = NEURON.replace("With `x = 0.5`, `w = 0.8`, `b = 0.1`, `y = 1` and `eta = 0.5`.", "No values.")
    report = run(text)
    f = at(report, line_of(text, "a = \\sigma(z)"))
    assert f.status is Status.NOT_CHECKED and f.checked == 0
    assert f.message.startswith("not checked:")
    assert "the document gives no value for " in f.message and "\n" not in f.message
    assert all(f" {name}" in f.message for name in ("b", "w", "x", "y"))
    # the formula is still checked at random points: that line holds, its number is noted
    g = at(report, line_of(text, "(a - y) \\, a (1 - a)"))
    assert g.verdict == "holds" and "no value" in g.message


def test_strict_fails_on_anything_not_checked(tmp_path, capsys):
    text = NEURON + "\n$$\\frac{\\partial L}{\\partial q} = 3$$\n"
    doc = tmp_path / "doc.md"
    doc.write_text(text)
    assert run(text).ok and not run(text).complete
    assert not run(text, strict=True).ok
    assert main(["verify", str(doc)]) == 0
    assert main(["verify", str(doc), "--strict"]) == 1
    assert "strict: not checked counts as a failure" in capsys.readouterr().out
    clean = tmp_path / "clean.md"
    clean.write_text(NEURON)
    assert main(["verify", str(clean), "--strict"]) == 0


# ------------------------------------------------------------ pure arithmetic

ARITHMETIC = [
    ("\\sigma(0.9) \\approx 0.711", "0.711"),
    ("0.4 \\cdot 0.711 + (-0.6) \\cdot 0.786 = -0.188", "-0.188"),
    ("0.2748 + 0.0236 = 0.2984", "0.2984"),
    ("0.5 - 0.1 \\cdot 0.069 = 0.4931", "0.4931"),
]


@pytest.mark.parametrize(("latex", "shown"), ARITHMETIC, ids=["sigmoid", "sum", "add", "update"])
def test_pure_arithmetic_is_always_checked(latex, shown):
    """No network, no point, no definitions: the arithmetic as written is checked; a 13 % slip is not."""
    report = run(f"$${latex}$$\n")
    (f,) = report.findings
    assert f.verdict == "holds" and f.checked >= 1 and f.arithmetic == "holds"
    slipped = latex.replace(f"= {shown}", f"= {float(shown) * 1.13:.4f}").replace(
        f"\\approx {shown}", f"\\approx {float(shown) * 1.13:.3f}"
    )
    assert slipped != latex
    (g,) = run(f"$${slipped}$$\n").findings
    assert g.status is Status.WRONG and g.arithmetic == "wrong"


def test_the_issue_arithmetic_examples_are_right_by_hand():
    assert mp.nstr(sig("0.9"), 3) == "0.711"
    assert Fraction("0.2748") + Fraction("0.0236") == Fraction("0.2984")
    assert Fraction("0.5") - Fraction("0.1") * Fraction("0.069") == Fraction("0.4931")
    assert (
        mp.nstr(mp.mpf("0.4") * sig("0.9") - mp.mpf("0.6") * sig("1.3"), 3) == "-0.187"
    )  # -0.188 from rounded
    assert Fraction("0.4") * Fraction("0.711") - Fraction("0.6") * Fraction("0.786") == Fraction("-0.1872")


# ------------------------------------------------------------------ rounding

ROUNDED = """Inputs `u_1 = 0.9`, `u_2 = 1.3`, weights `w_1 = 0.4`, `w_2 = -0.6`.

$$h_1 = \\sigma(u_1) \\approx 0.711$$

$$h_2 = \\sigma(u_2) \\approx 0.786$$

$$z = w_1 h_1 + w_2 h_2$$

$$w_1 h_1 = 0.4 \\cdot 0.711 \\approx 0.284$$

$$w_2 h_2 = -0.6 \\cdot 0.786 \\approx -0.472$$

$$z = 0.284 - 0.472 = -0.188$$
"""


def test_a_value_that_follows_from_rounded_intermediates_holds():
    truth = mp.mpf("0.4") * sig("0.9") - mp.mpf("0.6") * sig("1.3")
    assert mp.nstr(truth, 3) == "-0.187"  # the correctly rounded truth differs from what is written
    report = run(ROUNDED)
    f = at(report, line_of(ROUNDED, "z = 0.284 - 0.472"))
    assert f.verdict == "holds" and f.arithmetic == "holds"
    assert (
        at(run(ROUNDED, digits_policy="strict"), f.line).status is Status.WRONG
    )  # strict: rounded truth only
    slip = ROUNDED.replace("= -0.188", "= -0.212")  # 13 %
    assert at(run(slip), f.line).status is Status.WRONG


def test_a_correctly_rounded_value_is_never_wrong():
    """E_o1 = ½(0.01 − out_o1)² = 0.274811083176… in Mazur's network, shown as 0.274811083."""
    text = TWO_LAYER + "\n$$E_{o1} = \\frac{1}{2}(target_{o1} - out_{o1})^2 = 0.274811083$$\n"
    e_o1 = (mp.mpf("0.01") - mazur()["o1"]) ** 2 / 2
    assert mp.nstr(e_o1, 12) == "0.274811083176"
    assert run(text).findings[-1].verdict == "holds"
    for policy in ("round", "strict", "loose"):
        assert run(text, digits_policy=policy).findings[-1].verdict == "holds"
    slip = text.replace("= 0.274811083$$", "= 0.310536524$$")  # 13 %
    assert run(slip).findings[-1].status is Status.WRONG
    (f,) = run("$$\\frac{1}{2}(0.01 - 0.75136507)^2 = 0.274811083$$\n").findings  # pure arithmetic too
    assert f.verdict == "holds"


# ----------------------------------------------------------------- corrections

TWO_LAYER = (FIXTURES / "two_layer_correct.md").read_text()


def mazur() -> dict[str, mp.mpf]:
    """Mazur's 2-2-2 network, by hand with mpmath."""
    i1, i2, t1, t2 = mp.mpf("0.05"), mp.mpf("0.10"), mp.mpf("0.01"), mp.mpf("0.99")
    w = [None, *(mp.mpf(v) for v in ("0.15", "0.20", "0.25", "0.30", "0.40", "0.45", "0.50", "0.55"))]
    b1, b2 = mp.mpf("0.35"), mp.mpf("0.60")
    h1, h2 = sig(w[1] * i1 + w[2] * i2 + b1), sig(w[3] * i1 + w[4] * i2 + b1)
    o1, o2 = sig(w[5] * h1 + w[6] * h2 + b2), sig(w[7] * h1 + w[8] * h2 + b2)
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    w5, w7 = w[5] - mp.mpf("0.5") * d1 * h1, w[7] - mp.mpf("0.5") * d2 * h1
    return {
        "o1": o1,
        "d1": d1,
        "d2": d2,
        "dh1": d1 * w[5] + d2 * w[7],
        "w6": d1 * w[6] + d2 * w[7],
        "up": d1 * w5 + d2 * w7,
    }


def _hidden(value: str, formula: str) -> str:
    deltas = (
        "$$\\delta_{o1} = \\frac{\\partial E_{total}}{\\partial net_{o1}}$$\n\n"
        "$$\\delta_{o2} = \\frac{\\partial E_{total}}{\\partial net_{o2}}$$\n\n"
    )
    line = f"$$\\frac{{\\partial E_{{total}}}}{{\\partial out_{{h1}}}} = {formula} = {value}$$\n"
    return TWO_LAYER + "\n" + deltas + line


def test_a_correction_is_the_chain_rule_in_the_documents_own_names():
    m = mazur()
    text = _hidden(mp.nstr(m["w6"], 9), "\\delta_{o1} w_6 + \\delta_{o2} w_7")
    f = run(text).findings[-1]
    assert f.status is Status.WRONG
    assert f.expected.startswith("\\delta_{o1} w_{5} + \\delta_{o2} w_{7}")
    assert f.value == pytest.approx(float(m["dh1"]), rel=1e-12)


DOUBLED = re.compile(r"\b([a-z]{2,}(?: [a-z]{2,})*) \1\b")


def _all_reports():
    docs = sorted(FIXTURES.glob("*.md")) + sorted((ROOT / "tests" / "corpus" / "verify").glob("*.md"))
    return [verify(d) for d in docs]


def test_no_message_doubles_its_words_or_contradicts_itself():
    for report in _all_reports():
        for f in report.findings:
            assert not DOUBLED.search(f.message), f.message
            if f.status is not Status.WRONG or f.correction is None or f.correction.number is None:
                continue
            number = f.correction.number
            shown = mp.nstr(mp.mpf(str(number.value)), 30)
            written = re.findall(r"-?\d+\.\d+", f.source.split("=")[-1].split("≈")[-1])
            rendered = f"{float(shown):.{number.digits}f}"
            assert rendered not in written, (f.line, f.message)


def test_a_constant_correction_is_written_once():
    """f = 3 + x: df/dx is the constant 1 (by hand); the correction says "= 1", not "= 1 = 1"."""
    f = at(run("# t\n\n$f(x)=3+x$\n\n$\\frac{df}{dx}=3$\n"), 5)
    assert f.status is Status.WRONG
    assert f.message.endswith("expected \\frac{df}{dx} = 1"), f.message
    assert f.value == 1


def test_a_right_number_is_not_offered_as_the_correction_of_a_wrong_formula():
    """w_2 = a_1 = 0.5 at this point: the formula is wrong in general, the number 0.0692 is right."""
    text = (
        (FIXTURES / "tiny_correct.md")
        .read_text()
        .replace(
            "\\frac{\\partial L}{\\partial z_2} \\cdot \\frac{\\partial z_2}{\\partial w_2}",
            "\\frac{\\partial L}{\\partial z_2} \\cdot w_2",
        )
    )
    f = at(run(text), line_of(text, "\\cdot w_2 = 0.1384"))
    assert f.status is Status.WRONG and "not in general" in f.message
    assert "0.0692" not in (f.expected or "") and "\\approx" not in (f.expected or "")


# ------------------------------------------------------------ classic mistakes


def _replaced(path: Path, old: str, new: str) -> str:
    text = path.read_text()
    assert old in text
    return text.replace(old, new, 1)


TINY = FIXTURES / "tiny_correct.md"


def test_the_seeds_mistake_is_named():
    f = verify(FIXTURES / "bce_walkthrough.md").first_error
    assert f.mistake is Mistake.BCE_WITH_MSE_DERIVATIVE
    assert "binary cross-entropy" in f.message


def _mistakes() -> list[tuple[str, str, Mistake]]:
    """(document, a needle on the wrong line or '' for the last line, the mistake it makes)."""
    m = mazur()
    a2 = sig(mp.mpf("0.25"))  # tiny: z_2 = relu(0.5) * 0.5
    assert mp.nstr(a2, 4) == "0.5622"
    return [
        (
            _hidden(mp.nstr(m["d1"] * mp.mpf("0.40"), 9), "\\delta_{o1} w_5"),
            "",
            Mistake.MISSING_SUM_OVER_PATHS,
        ),
        (
            _replaced(TINY, "a_2 - y \\approx 0.5622", f"y - a_2 \\approx {mp.nstr(-a2, 4)}"),
            "y - a_2",
            Mistake.WRONG_SIGN,
        ),
        (
            _replaced(
                TINY,
                "\\frac{\\partial L}{\\partial a_2} \\frac{\\partial a_2}{\\partial z_2} "
                "= 0.5622 \\cdot 0.2461 \\approx 0.1384",
                "\\frac{\\partial L}{\\partial a_2} \\approx 0.5622",
            ),
            "\\frac{\\partial L}{\\partial a_2} \\approx 0.5622",
            Mistake.DROPPED_ACTIVATION_DERIVATIVE,
        ),
        (_hidden(mp.nstr(m["w6"], 9), "\\delta_{o1} w_6 + \\delta_{o2} w_7"), "", Mistake.WRONG_EDGE_WEIGHT),
        (
            _hidden(mp.nstr(m["up"], 9), "\\delta_{o1} w_5^{+} + \\delta_{o2} w_7^{+}"),
            "",
            Mistake.USED_UPDATED_VALUE,
        ),
        (
            _replaced(TINY, "\\sigma(z_2) \\approx 0.5622", "\\sigma(z_2) \\approx 0.5621"),
            "0.5621",
            Mistake.ROUNDING,
        ),
        (
            _replaced(TINY, "0.5622 \\cdot 0.4378 \\approx 0.2461", "0.5622 \\cdot 0.4378 \\approx 0.2761"),
            "0.2761",
            Mistake.ARITHMETIC_SLIP,
        ),
    ]


@pytest.mark.parametrize(
    "case",
    range(7),
    ids=[
        "missing-path",
        "sign",
        "dropped-sigma-prime",
        "wrong-edge",
        "updated-value",
        "rounding",
        "arithmetic",
    ],
)
def test_the_classic_mistake_is_named(case):
    text, needle, mistake = _mistakes()[case]
    report = run(text)
    line = line_of(text, needle) if needle else max(f.line for f in report.findings)
    f = at(report, line)
    assert f.status is Status.WRONG and f.cause is None, f.message
    assert f.mistake is mistake, f.message


# ---------------------------------------------------------------------- kinks

RELU = """Values `x = 1.0`, `y = 0.0`, `w_1 = 0.5`, `w_2 = 0.5`.

$$z_1 = x w_1$$

$$a_1 = \\operatorname{ReLU}(z_1)$$

$$z_2 = a_1 w_2$$

$$a_2 = \\sigma(z_2)$$

$$L = \\frac{1}{2}(a_2 - y)^2$$

$$\\frac{\\partial L}{\\partial w_1} = \\frac{\\partial L}{\\partial a_1} \\cdot x$$

$$\\frac{\\partial L}{\\partial w_1} = \\frac{\\partial L}{\\partial a_1} \\mathbf{1}[z_1 > 0] \\, x$$
"""


def test_dropping_relu_prime_is_caught_although_z_is_positive_here():
    report = run(RELU)
    dropped, kept = at(report, 13), at(report, 15)
    assert dropped.status is Status.WRONG and "not in general" in dropped.message
    assert dropped.mistake is Mistake.DROPPED_ACTIVATION_DERIVATIVE
    assert kept.verdict == "holds"


def test_relu_prime_evaluated_here_is_a_value_at_this_point():
    """The seed writes ∂L/∂z_1 = ∂L/∂a_1 · 1 after "since z_1 > 0": a consequence, not a new error."""
    path = FIXTURES / "bce_walkthrough.md"
    report = verify(path)
    line = line_of(path.read_text(), "\\frac{\\partial L}{\\partial a_1} \\cdot 1 = 0.069")
    f = at(report, line)
    assert f.status is Status.WRONG and f.cause == report.first_error.line


def test_cli_strict_option_is_documented(capsys):
    with contextlib.suppress(SystemExit):
        main(["verify", "--help"])
    assert "--strict" in capsys.readouterr().out


def test_several_documents_with_strict(tmp_path):
    good = shutil.copy(FIXTURES / "tiny_correct.md", tmp_path / "good.md")
    assert main(["verify", str(good), "--strict"]) == 0


def test_a_logistic_written_without_its_minus_is_named_by_the_documents_own_numbers():
    """out = 1/(1 + e^{net}) while the document computes σ(0.3775) = 0.593269992 (dkelsh's slip)."""
    assert mp.nstr(sig("0.3775"), 9) == "0.593269992"
    assert mp.nstr(1 / (1 + mp.exp(mp.mpf("0.3775"))), 9) == "0.406730008"
    text = (
        "Values `i = 0.5`, `w = 0.755`, `t = 0.01`.\n\n$$net = w i$$\n\n"
        "$$out = \\frac{1}{1+e^{net}}$$\n\n$$out = \\frac{1}{1+e^{0.3775}} = 0.593269992$$\n\n"
        "$$E = \\frac{1}{2}(t - out)^2$$\n\n"
        "$$\\frac{\\partial out}{\\partial net} = out (1 - out) \\approx 0.2413$$\n"
    )
    report = run(text)
    definition = at(report, 5)
    assert definition.status is Status.WRONG and definition.mistake is Mistake.WRONG_SIGN
    assert "e^{- net}" in definition.message.replace("e^{-net}", "e^{- net}")
    assert at(report, 7).arithmetic == "wrong"  # 1/(1+e^{0.3775}) is 0.4067 as written
    # the network is the logistic one the numbers show: σ' = out (1 - out) holds
    assert mp.nstr(sig("0.3775") * (1 - sig("0.3775")), 4) == "0.2413"
    assert at(report, 11).verdict == "holds"


def test_plain_text_arithmetic_lines_are_checked():
    text = "The error:\n\n=> 0.5−0.67=−0.17\n\n=0.59(1−0.59)(0.9×−0.0376)=−0.0819\n"
    assert round(0.59 * (1 - 0.59) * (0.9 * -0.0376), 5) == -0.00819  # a factor of ten
    report = run(text)
    assert [(f.line, f.verdict) for f in report.findings] == [(3, "holds"), (5, "wrong")]
    assert "-0.0082" in report.findings[-1].message


# ------------------------------------------- rounding: what the corpus taught (issue 13)


def test_a_value_stated_with_approx_stands_for_its_rounding_not_an_exact_given():
    """smaxx73 session 6: ``\\hat{y} \\approx 0.7109`` is a rounded value, so the product of the
    three rounded factors may be shown as -0.1189 although the truth is -0.11880."""
    text = (
        "Using $e \\approx -0.2891$, $\\hat{y} \\approx 0.7109$, $z = 0.9$, $x = 1.5$.\n\n"
        "$$-0.5782 \\times 0.7109 \\times 0.2891 \\approx {shown}$$\n"
    )
    f = [mp.mpf(s) for s in ("0.5782", "0.7109", "0.2891")]
    h = mp.mpf("0.00005")
    low = (f[0] - h) * (f[1] - h) * (f[2] - h) - h  # the product's interval, widened by its last digit
    high = (f[0] + h) * (f[1] + h) * (f[2] + h) + h
    assert low <= mp.mpf("0.1189") <= high and not low <= mp.mpf("0.1350") <= high
    assert mp.nstr(-sig("0.9") * (1 - sig("0.9")) * 2 * (sig("0.9") - 1), 4) == "0.1188"  # 2e·σ' here
    (holds,) = [f for f in run(text.replace("{shown}", "-0.1189")).findings if "0.5782" in f.source]
    assert holds.status is Status.OK
    (slip,) = [f for f in run(text.replace("{shown}", "-0.1350")).findings if "0.5782" in f.source]
    assert slip.status is Status.WRONG


ROUNDED_ON = """`x_1 = 3000`, `w_1 = 0.001`, `b = 0.155`

$$z = x_1 w_1 + b$$

$$z = 3.0 + 0.155 = 3.155$$

$$a = \\sigma(z) = \\frac{1}{1 + e^{-3.155}} \\approx 0.9591$$

$$\\frac{\\partial a}{\\partial z} = a (1 - a) = 0.9591 \\cdot (1 - 0.9591) = {shown}$$
"""


@pytest.mark.parametrize(
    ("shown", "verdict"), [("0.03923", Status.OK), ("0.03932", Status.WRONG)], ids=["right", "swapped"]
)
def test_a_correctly_rounded_result_carries_its_rounding_not_a_wider_interval(shown, verdict):
    """mahfuzar: 3.0 is 3000 * 0.001 exactly, so 3.155 is exact and 0.9591 stands for sigma(3.155)
    rounded; 0.9591 * (1 - 0.9591) = 0.039227..., so two swapped digits (0.03932) are a slip."""
    assert mp.nstr(sig("3.155"), 4) == "0.9591"
    assert mp.nstr(mp.mpf("0.9591") * (1 - mp.mpf("0.9591")), 4) == "0.03923"
    text = ROUNDED_ON.replace("{shown}", shown)
    assert at(run(text), line_of(text, "a (1 - a)")).status is verdict


def test_a_wrong_row_of_a_chain_is_reported_on_its_own_row():
    """Mazur transcribed: a digit inserted in the exponent (1.1059059067 for 1.105905967) makes that
    row wrong; the next row, 0.75136507, is out_o1 correctly rounded and holds."""
    rows = (
        "$$\n\\begin{aligned}\nout_{o1} &= \\frac{1}{1+e^{-net_{o1}}} \\\\\n"
        "&= \\frac{1}{1+e^{-1.1059059067}} \\\\\n&= 0.75136507\n\\end{aligned}\n$$"
    )
    text = TWO_LAYER.replace("$$out_{o1} = \\sigma(net_{o1}) = 0.75136507$$", rows)
    assert mp.nstr(mazur()["o1"], 8) == "0.75136507" and mp.nstr(sig("1.1059059067"), 9) == "0.751365058"
    report = run(text)
    wrong = [f for f in report.findings if f.status is Status.WRONG]
    assert [f.line for f in wrong] == [line_of(text, "1.1059059067")]


BLOCKED = """We define $w_6 = 2 \\bowtie 3$

$$z = w_6 \\cdot 2 = 0.4 \\cdot 2 = {shown}$$

$$v = w_6 \\cdot 3$$
"""


@pytest.mark.parametrize(("shown", "verdict"), [("0.8", "holds"), ("0.9", "wrong")], ids=["right", "slip"])
def test_arithmetic_is_checked_even_where_the_quantity_cannot_be(shown, verdict):
    """w_6's definition is unreadable (an unknown command; ``w_6 = ?`` asks a question and defines
    nothing), so z's value cannot be judged; 0.4 * 2 = 0.8 still can."""
    text = BLOCKED.replace("{shown}", shown)
    report = run(text)
    z = at(report, line_of(text, "z = "))
    assert z.verdict == verdict and z.arithmetic == ("holds" if verdict == "holds" else "wrong")
    assert at(report, line_of(text, "v = ")).status is Status.NOT_CHECKED  # no arithmetic: nothing checked


NEXT_SAMPLE = """$$z = -2.53 + 0.0299865 + 0 + 0.09999924 = -2.40001426$$

$$\\hat{y} = \\frac{1}{1 + e^{-z}} = \\frac{1}{1 + e^{2.40001426}}$$

$$\\hat{y} \\approx {shown}$$
"""


@pytest.mark.parametrize(
    ("shown", "verdict"), [("0.0832", "holds"), ("0.0831", "wrong")], ids=["right", "truncated"]
)
def test_a_result_in_the_next_equation_goes_on_from_the_one_before(shown, verdict):
    """mahfuzar, second sample: -2.40001426 shows eight decimals, what its operands give as written,
    so it stands for its own rounding; 1/(1 + e^2.40001426) = 0.083172..., written 0.0831 one
    equation later: truncated, not rounded."""
    assert Fraction("-2.53") + Fraction("0.0299865") + Fraction("0.09999924") == Fraction("-2.40001426")
    assert mp.nstr(1 / (1 + mp.exp(mp.mpf("2.40001426"))), 5) == "0.083172"
    text = NEXT_SAMPLE.replace("{shown}", shown)
    assert at(run(text), line_of(text, "\\approx")).verdict == verdict


@pytest.mark.parametrize(
    ("gradient", "verdict"), [("0.08216704", "holds"), ("0.0821671041", "wrong")], ids=["as-written", "other"]
)
def test_a_result_with_many_more_digits_than_an_operand_takes_it_as_exact(gradient, verdict):
    """dkelsh: 0.40 - 0.5 * 0.0821671041 is 0.35891644795, not 0.35891648 (that is 0.40 - 0.5 *
    0.08216704): eight decimals do not come from a 0.40 that stands for [0.395, 0.405]."""
    assert Fraction("0.40") - Fraction("0.5") * Fraction("0.0821671041") == Fraction("0.35891644795")
    assert Fraction("0.40") - Fraction("0.5") * Fraction("0.08216704") == Fraction("0.35891648")
    (f,) = run(f"$$0.40 - 0.5 * {gradient} = 0.35891648$$\n").findings
    assert f.verdict == verdict


CARRIED = """$$-(0.99 - 0.772928465) \\cdot 0.772928465 (1 - 0.772928465) \\cdot 0.55 = -0.02095403013$$

$$0.0623243528 - 0.02095403013 = {shown}$$
"""


@pytest.mark.parametrize(
    ("shown", "verdict"), [("0.041370323", "holds"), ("0.041370322", "wrong")], ids=["rounded", "truncated"]
)
def test_a_result_carries_what_its_short_operands_give_as_exact(shown, verdict):
    """dkelsh: -0.02095403013 (eleven decimals) was computed with 0.99 and 0.55 exact, so it carries
    that tight interval, not the +-0.005 of a rounded 0.55; 0.0623243528 - 0.02095403013 =
    0.04137032267, which rounds to 0.041370323."""
    exact = -(Fraction("0.99") - Fraction("0.772928465")) * Fraction("0.772928465")
    exact *= (1 - Fraction("0.772928465")) * Fraction("0.55")
    assert abs(exact + Fraction("0.02095403013")) < Fraction(1, 10**11)
    assert Fraction("0.0623243528") - Fraction("0.02095403013") == Fraction("0.04137032267")
    text = CARRIED.replace("{shown}", shown)
    assert at(run(text), 3).verdict == verdict


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ("y_3 = F(0.21) = \\frac{1}{1 + e^{-0.21}} = 0.55", "holds"),
        ("y_3 = F(0.21) = \\frac{1}{1 + e^{-0.21}} = 0.56", "wrong"),
        ("y_3 = F(0.21) = 0.56", "not checked"),
    ],
    ids=["right", "slip", "nothing-to-compute"],
)
def test_the_arithmetic_of_a_chain_with_an_unreadable_side_is_checked(line, verdict):
    """gfg: F(0.21) is an unknown function (not read), but 1/(1 + e^-0.21) = 0.55 is arithmetic."""
    assert mp.nstr(sig("0.21"), 4) == "0.5523"
    (f,) = run(f"$${line}$$\n").findings
    assert f.verdict == verdict


@pytest.mark.parametrize(
    ("chain", "verdict"),
    [
        ("\\frac{df}{dw} = 2(5-2w)(-2) = -4(5-2w) = 8w-20", "holds"),
        ("\\frac{df}{dw} = 2(5-2w)(-2) = -4(5-2w) = 8w+20", "wrong"),
        ("\\frac{dL}{dw} = 2(y-wx)(-x) = -2x(y-wx)", "holds"),
        ("\\frac{dL}{dw} = 2(y-wx)(-x) = 2x(y-wx)", "wrong"),
        ("\\delta = a - y = 0.5368 - 0 \\approx 0.5368", "holds"),
    ],
    ids=["identity", "slip", "two-names", "sign", "a-name-defined-here"],
)
def test_with_no_network_a_formula_equals_the_formula_before_it(chain, verdict):
    """smaxx73 session 5: -4(5 - 2w) = 8w - 20 for every w (by hand: -20 + 8w); 8w + 20 is not."""
    (f,) = run(f"$${chain}$$\n").findings
    assert f.verdict == verdict


@pytest.mark.parametrize(
    ("derivative", "verdict"),
    [("-4(3-2w_1-w_2)", "holds"), ("-2(3-2w_1-w_2)", "wrong")],
    ids=["right", "factor-2-dropped"],
)
def test_with_no_network_a_derivative_of_the_documents_formula_is_checked(derivative, verdict):
    """d/dw_1 (3 - 2w_1 - w_2)^2 = 2(3 - 2w_1 - w_2)(-2) = -4(3 - 2w_1 - w_2), by hand."""
    text = f"$$L(w_1,w_2) = (3-2w_1-w_2)^2$$\n\n$$\\frac{{\\partial L}}{{\\partial w_1}} = {derivative}$$\n"
    first, second = run(text).findings
    assert first.verdict == "given" and second.verdict == verdict


ZERO_CHAIN = """$$net_{h1} = w_1 i_1 + w_2 i_2 + b_1$$

$$out_{h1} = \\sigma(net_{h1})$$

$$net_{o1} = w_5 out_{h1} + b_2$$

$$\\frac{\\partial E}{\\partial w_5} = \\frac{\\partial E}{\\partial {node}} \\cdot
\\frac{\\partial {node}}{\\partial w_5} = 0.74136507 \\cdot 0.593269992$$
"""


@pytest.mark.parametrize(
    ("node", "verdict"), [("net_{h1}", "wrong"), ("net_{o1}", "holds")], ids=["pasted", "right"]
)
def test_a_chain_through_a_node_that_does_not_depend_on_the_weight_is_zero(node, verdict):
    """Mazur transcribed: the w1 chain pasted for w5 goes through net_h1 = w_1 i_1 + w_2 i_2 + b_1,
    which does not depend on w_5: dnet_h1/dw_5 = 0, so the product is 0, not 0.7413 x 0.5932
    (the loss E is not defined here, so nothing else can be judged)."""
    text = ZERO_CHAIN.replace("{node}", node)
    f = at(run(text), line_of(text, "\\partial E}{\\partial w_5}"))
    assert f.verdict in (verdict, "not checked" if verdict == "holds" else verdict)
    assert (f.status is Status.WRONG) == (verdict == "wrong")
    if verdict == "wrong":
        assert "net_h1 does not depend on w_5" in f.message


OWN_FORMULA = """$$f(x,y) = x y$$

For example, if $x = 4, y = -3$ then $f(x,y) = {value}$ and $\\frac{\\partial f}{\\partial x} = {slope}$.
"""


@pytest.mark.parametrize(
    ("value", "slope", "verdicts"),
    [
        ("-12", "-3", ["holds", "holds"]),
        ("-13.5", "-3", ["wrong", "holds"]),
        ("-12", "4", ["holds", "wrong"]),
    ],
    ids=["right", "value-slip", "slope-slip"],
)
def test_with_no_network_a_value_of_the_documents_own_function_is_checked(value, slope, verdicts):
    """CS231n: f(x, y) = xy at x = 4, y = -3 is -12 and df/dx = y = -3 (by hand)."""
    text = OWN_FORMULA.replace("{value}", value).replace("{slope}", slope)
    claims = [f for f in run(text).findings if f.source.startswith(("f(x,y) =", "\\frac"))]
    assert [f.verdict for f in claims if f.line == 3] == verdicts


ROWS = """An update:
$$
\\begin{aligned}
w^{+} &= 0.5 - 0.1 \\cdot 0.069 \\\\
&= 0.5 - 0.0069 \\\\
&= 0.4931
\\end{aligned}
$$
"""


def test_each_row_of_a_chain_that_holds_is_judged_on_its_own_line():
    """0.5 - 0.1 * 0.069 = 0.5 - 0.0069 = 0.4931 (by hand): every ``&= ...`` row is a statement of
    its own, on its own line, and holds; the summary counts the three, annotating adds one note each."""
    assert Fraction("0.5") - Fraction("0.1") * Fraction("0.069") == Fraction("0.4931")
    report = run(ROWS)
    rows = {f.line: f for f in report.findings}
    assert sorted(rows) == [4, 5, 6] and all(f.verdict == "holds" for f in rows.values())
    assert report.verdicts()["holds"] == 3 and len(report.equations) == 3
    assert report.annotate().count("symbackprop") == 3


def test_a_derivative_the_read_network_makes_zero_is_not_checked_rather_than_holding():
    """E = E_1 + E_2 with E_1, E_2 never defined: the network read does not make E depend on w, so
    'dE/dw = ...' would 'hold' as 0 = 0; that checks nothing."""
    text = (
        "$$net = w x + b$$\n\n$$out = \\sigma(net)$$\n\n$$E = E_1 + E_2$$\n\n"
        "$$\\frac{\\partial E}{\\partial w} = \\frac{\\partial E}{\\partial out} "
        "\\frac{\\partial out}{\\partial net} x$$\n"
    )
    f = at(run(text), 7)
    assert f.status is Status.NOT_CHECKED and "does not depend on w" in f.message


BLOCKED_SUM = """With `t_1 = 0.01`, `o_1 = 0.75`, `E_2 = 0.0236`.

$$
\\begin{align}
E_1 &= \\frac{1}{2}\\|\\mathbf{t} - \\mathbf{o}\\|^2
\\end{align}
$$

$$
\\begin{align}
E &= E_1 + E_2 \\\\ \\\\
&= 0.2738 + 0.0236 \\\\ \\\\
&= RESULT
\\end{align}
$$
"""


@pytest.mark.parametrize(
    "result, operands, last",
    [
        # 0.2738 + 0.0236 = 0.2974 by hand (Fraction), both operands with 4 decimals
        (f"{float(Fraction('0.2738') + Fraction('0.0236')):.4f}", Status.OK, Status.OK),
        # a 13 % slip in the result: 0.2974 * 1.13 = 0.3361 (rounded)
        ("0.3361", Status.NOT_CHECKED, Status.WRONG),
    ],
    ids=["holds", "slip"],
)
def test_the_operands_row_of_blocked_arithmetic_is_checked_with_its_result(result, operands, last):
    """E's definition (through E_1, a norm) is unread: the operands row ``= 0.2738 + 0.0236`` is
    arithmetic, checked by the result on the next row; if the result is wrong, the operands row
    is not called wrong (the slip may be in either) and stays not checked."""
    text = BLOCKED_SUM.replace("RESULT", result)
    report = run(text)
    row = at(report, line_of(text, "0.2738 + 0.0236"))
    end = at(report, line_of(text, f"&= {result}"))
    assert (row.status, end.status) == (operands, last), (row.message, end.message)
    if operands is Status.OK:
        assert "only the arithmetic is checked" in row.message and "could not be read" in row.message


@pytest.mark.parametrize(
    ("definition", "claim", "verdict"),
    [
        ("f(x,y) = x + y", "\\frac{\\partial f}{\\partial x} = 1", "holds"),
        ("f(x,y) = x + y", "\\frac{\\partial f}{\\partial y} = 2", "wrong"),
        ("f(x,y) = 3x - 2y", "\\frac{\\partial f}{\\partial y} = -2", "holds"),
        ("f(x,y) = 3x - 2y", "\\frac{\\partial f}{\\partial x} = 2.7", "wrong"),
        ("f(x,y) = x y", "\\frac{\\partial f}{\\partial x} = 1", "not checked"),
    ],
    ids=["sum", "sum-slip", "linear", "linear-slip", "depends-on-y"],
)
def test_a_derivative_that_is_the_same_everywhere_needs_no_point(definition, claim, verdict):
    """cs231n: ∂(x + y)/∂x = 1 with no values of x and y is checked; ∂(xy)/∂x = y is not a number."""
    import sympy

    x, y = sympy.symbols("x y")
    assert sympy.diff(x + y, x) == 1 and sympy.diff(3 * x - 2 * y, y) == -2
    assert sympy.diff(x * y, x).free_symbols == {y}
    report = run(f"$${definition}$$\n\n$${claim}$$\n")
    assert at(report, 3).verdict == verdict, at(report, 3).message


@pytest.mark.parametrize(
    ("result", "verdict"),
    [(f"{float(Fraction('0.2738') + Fraction('0.0236')):.4f}", "holds"), ("0.3361", "wrong")],
    ids=["holds", "slip"],
)
def test_blocked_arithmetic_compares_the_numbers_on_either_side_of_a_formula(result, verdict):
    """E uses E_1, whose definition (a norm) is unread: ``0.2738 + 0.0236 = E_1 + E_2 = 0.2974`` still
    claims 0.2738 + 0.0236 = 0.2974 (0.2974 by hand; 0.3361 is a 13 % slip)."""
    text = BLOCKED_SUM.replace("E &= E_1 + E_2 \\\\ \\\\", f"E = 0.2738 + 0.0236 = E_1 + E_2 = {result}")
    text = text.replace("&= 0.2738 + 0.0236 \\\\ \\\\\n&= RESULT\n", "")
    found = at(run(text), line_of(text, "E = 0.2738"))
    assert found.verdict == verdict, found.message
    assert "could not be read" in found.message


def test_every_row_of_an_update_written_over_rows_holds_and_none_is_a_given():
    """0.5 - 0.1 * 0.069 = 0.5 - 0.0069 = 0.4931 (by hand): the first row is arithmetic, checked
    against the next, never a "given value"."""
    assert Fraction("0.5") - Fraction("0.1") * Fraction("0.069") == Fraction("0.5") - Fraction("0.0069")
    report = run(ROWS)
    assert {f.line: f.verdict for f in report.findings} == {4: "holds", 5: "holds", 6: "holds"}
    assert "given" not in at(report, 4).message


def test_a_side_left_out_of_the_chain_is_named_in_the_note():
    """``F`` is unknown: ``y_3 = F(0.21) = 0.56`` is not a given value; the note names F(0.21)."""
    found = at(run("$$y_3 = F(0.21) = 0.56$$\n"), 1)
    assert found.verdict == "not checked" and "F(0.21): not checked (unknown function 'F'" in found.message
