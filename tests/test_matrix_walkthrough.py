"""Walkthroughs in matrix form: goldens, numbers from an independent route, elision, views, pages.

Expected numbers come from sympy.diff of Mazur's network written out by hand (not from the
matrix derivation, nor from the scalar view) and from Mazur's published values; they are
rounded here with Decimal, not by the package's number formatter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import ROUND_HALF_EVEN, Decimal

import mpmath
import numpy
import pytest
import sympy
from conftest import EXAMPLES, GOLDEN
from tools import requires_pdflatex

from symbackprop.cli import main
from symbackprop.core.derivation import Partial
from symbackprop.core.matrix_builders import matrix_mlp
from symbackprop.core.tensors import MatProduct, Total, Transposed
from symbackprop.errors import InputError
from symbackprop.notation.spec import load_spec, read_spec, reads_spec
from symbackprop.numeric import check
from symbackprop.output.bmatrix import matrix_latex
from symbackprop.output.matrix_context import matrix_walkthrough_context
from symbackprop.output.printing import latex
from symbackprop.output.walkthrough import render

MATRIX_SPECS = ["two_layer_matrix", "softmax_matrix", "batch_matrix"]
GOLDEN_CASES = [(f"{stem}_view.{fmt}", stem, fmt) for stem in MATRIX_SPECS for fmt in ("md", "tex")]


@pytest.mark.parametrize(("golden_name", "stem", "fmt"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_matrix_walkthrough_matches_golden(golden_name, stem, fmt, golden):
    net = read_spec(EXAMPLES / f"{stem}.toml")
    golden(golden_name, render(net, fmt, check=check(net)))  # as the CLI: the array program


# ------------------------------------------------------------------ Mazur's numbers, by hand


def _mazur_by_hand() -> dict[str, sympy.Matrix]:
    """Mazur's 2-2-2 network written out in scalars, differentiated by sympy.diff."""
    w = sympy.symbols("w1:9")
    i1, i2, b1, b2, t1, t2 = (sympy.Rational(v) for v in ("0.05", "0.10", "0.35", "0.60", "0.01", "0.99"))
    weights = ("0.15", "0.20", "0.25", "0.30", "0.40", "0.45", "0.50", "0.55")
    start = dict(zip(w, (sympy.Rational(v) for v in weights)))

    def s(v):
        return 1 / (1 + sympy.exp(-v))

    h1, h2 = s(w[0] * i1 + w[1] * i2 + b1), s(w[2] * i1 + w[3] * i2 + b1)
    o1, o2 = s(w[4] * h1 + w[5] * h2 + b2), s(w[6] * h1 + w[7] * h2 + b2)
    loss = ((o1 - t1) ** 2 + (o2 - t2) ** 2) / 2
    grad = {k: sympy.diff(loss, k).subs(start).evalf(30) for k in w}

    def grid(first: int, new: bool = False) -> sympy.Matrix:
        def entry(k: int) -> sympy.Expr:
            return start[w[k]] - grad[w[k]] / 2 if new else grad[w[k]]  # η = 0.5

        return sympy.Matrix([[entry(first), entry(first + 1)], [entry(first + 2), entry(first + 3)]])

    return {
        "W_1": grid(0),
        "W_2": grid(4),
        "W_1_new": grid(0, new=True),
        "W_2_new": grid(4, new=True),
        "L": loss.subs(start).evalf(30),
    }


def _round(value, places: int) -> str:
    text = format(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN), "f")
    return "0" if Decimal(text) == 0 else text


def _bmatrix(matrix: sympy.Matrix, places: int) -> str:
    rows = [" & ".join(_round(v, places) for v in matrix.row(i)) for i in range(matrix.rows)]
    return r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join(rows)


def test_mazur_in_matrix_form_shows_the_published_numbers():
    truth = _mazur_by_hand()
    # Mazur (2015), "A Step by Step Backpropagation Example": E = 0.298371109, w5+ = 0.35891648,
    # w6+ = 0.408666186, w7+ = 0.511301270, w8+ = 0.561370121, w1+ = 0.149780716, w2+ = 0.19956143,
    # w3+ = 0.24975114, w4+ = 0.29950229 (his dE/dw5 = 0.082167041).
    published = {
        "W_2_new": sympy.Matrix([[0.35891648, 0.408666186], [0.511301270, 0.561370121]]),
        "W_1_new": sympy.Matrix([[0.149780716, 0.19956143], [0.24975114, 0.29950229]]),
    }
    for key, values in published.items():
        assert numpy.allclose(
            numpy.array(truth[key], dtype=float), numpy.array(values, dtype=float), atol=1e-8
        )
    assert abs(truth["L"] - sympy.Float("0.298371109")) < 1e-9
    assert abs(truth["W_2"][0, 0] - sympy.Float("0.082167041")) < 1e-9
    context = matrix_walkthrough_context(read_spec(EXAMPLES / "two_layer_matrix.toml"))
    gradients = {g["name"]: "".join(g["rows"]) for g in context["gradients"]}
    assert _bmatrix(truth["W_2"], 4) in gradients["W_2"]  # [0.0822 0.0827; -0.0226 -0.0227]
    assert _bmatrix(truth["W_1"], 7) in gradients["W_1"]  # below 0.001: 7 decimals (4 significant digits)
    updates = "".join("".join(rows) for rows in context["update"]["rows"])
    assert _bmatrix(truth["W_2_new"], 4) in updates and _bmatrix(truth["W_1_new"], 4) in updates
    assert r"\approx " + _round(truth["L"], 4) in "".join(context["loss"])


def test_mazur_backward_pass_is_written_in_layer_form():
    context = matrix_walkthrough_context(read_spec(EXAMPLES / "two_layer_matrix.toml"))
    steps = {b["name"]: "".join(b["rows"]) for b in context["backward"]}
    assert [b["name"] for b in context["backward"]] == [
        "a_2",
        "z_2",
        "W_2",
        "b_2",
        "a_1",
        "z_1",
        "W_1",
        "b_1",
    ]
    assert steps["z_2"].startswith(r"\delta_{z_{2}} &= \frac{\partial L}{\partial z_{2}}")
    assert r"a_{2} \odot \left(1 - a_{2}\right) \odot \left(a_{2} - y\right)" in steps["z_2"]
    assert (
        r"\left(W_{2}^{\top} \delta_{z_{2}}\right) \odot a_{1} \odot \left(1 - a_{1}\right)" in steps["z_1"]
    )
    assert r"\delta_{z_{1}} x^{\top}" in steps["W_1"]  # ∂L/∂W = δ aᵀ
    assert (
        r"(2 \times 1) = \left((2 \times 2)^{\top} (2 \times 1)\right) \odot (2 \times 1) \odot (2 \times 1)"
        in (steps["z_1"])
    )
    # W_2ᵀ is written out transposed: rows (0.4, 0.5) and (0.45, 0.55)
    assert r"\begin{bmatrix} 0.4 & 0.5 \\ 0.45 & 0.55 \end{bmatrix}" in steps["a_1"]
    assert context["layout"] == "a gradient has its parameter's shape (as in PyTorch)"
    setup = "".join(context["setup"]["lines"])
    assert r"x = \begin{bmatrix} 0.05 \\ 0.1 \end{bmatrix} \in \mathbb{R}^{2 \times 1}" in setup
    assert (
        r"W_{1} = \begin{bmatrix} 0.15 & 0.2 \\ 0.25 & 0.3 \end{bmatrix} \in \mathbb{R}^{2 \times 2}" in setup
    )


def test_softmax_classifier_shows_p_minus_y_with_numbers_by_hand():
    context = matrix_walkthrough_context(read_spec(EXAMPLES / "softmax_matrix.toml"))
    step = "".join(next(b["rows"] for b in context["backward"] if b["name"] == "z_2"))
    assert "= p - y" in step
    x = numpy.array([1.0, -0.5])
    W_1 = numpy.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.6]])
    W_2 = numpy.array([[0.3, -0.2, 0.5], [-0.4, 0.6, 0.1], [0.2, 0.1, -0.3]])
    z_2 = W_2 @ numpy.tanh(W_1 @ x + [0.0, 0.1, -0.1]) + [0.05, -0.05, 0.0]
    p = numpy.exp(z_2) / numpy.exp(z_2).sum()
    expected = sympy.Matrix(p - [0.0, 1.0, 0.0])
    assert r"\approx " + _bmatrix(expected, 4) in step


# ------------------------------------------------------------------ elision, views, printing


def test_big_matrices_are_elided_and_can_be_shown_in_full():
    net = matrix_mlp([6, 5, 2])
    context = matrix_walkthrough_context(net, sections=["setup"])
    assert context["elided"]
    setup = "".join(context["setup"]["lines"])
    assert r"\cdots" in setup and r"\vdots" in setup and r"\ddots" in setup
    assert r"\end{bmatrix}_{5 \times 6}" in setup  # the shape is stated under an elided matrix
    full = matrix_walkthrough_context(net, sections=["setup"], max_shown=None)
    assert not full["elided"] and r"\cdots" not in "".join(full["setup"]["lines"])
    array = numpy.arange(30.0).reshape(5, 6)
    shown = matrix_latex(array, max_shown=4).latex
    rows = shown.split(r"\\")
    assert len(rows) == 5 and all(r.count("&") == 4 for r in rows)  # 3 + ⋯ + last, of 5 and 6
    assert rows[0].endswith(r"0 & 1 & 2 & \cdots & 5 ")
    assert "29" in rows[-1] and r"\vdots" in rows[3]


def test_the_scalar_view_of_a_matrix_spec_is_the_expanded_walkthrough():
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    assert render(net, "md", view="scalar", sections=["gradients"]) == render(
        load_spec(EXAMPLES / "two_layer_matrix.toml"), "md", sections=["gradients"]
    )
    with pytest.raises(InputError, match="matrix view needs a matrix network"):
        render(load_spec(EXAMPLES / "tiny.toml"), "md", view="matrix")
    with pytest.raises(InputError, match="unknown view"):
        render(net, "md", view="tensor")
    with pytest.raises(InputError, match="rounding must be 'exact' or 'hand'"):
        render(net, "md", rounding="sloppy")


def test_cli_walkthrough_defaults_to_the_matrix_view_for_a_matrix_spec(capsys):
    spec = str(EXAMPLES / "two_layer_matrix.toml")
    assert main(["walkthrough", spec, "--no-check"]) == 0
    assert r"\odot" in capsys.readouterr().out
    assert main(["walkthrough", spec, "--no-check", "--rounding", "hand"]) == 0  # by hand, still matrices
    assert r"\odot" in (by_hand := capsys.readouterr().out) and r"0.03635 \\ 0.04137" in by_hand
    assert main(["walkthrough", spec]) == 0
    assert capsys.readouterr().out == (GOLDEN / "two_layer_matrix_view.md").read_text(encoding="utf-8")
    assert main(["walkthrough", spec, "--view", "scalar"]) == 0
    assert capsys.readouterr().out == (GOLDEN / "two_layer_matrix.md").read_text(encoding="utf-8")
    assert main(["walkthrough", str(EXAMPLES / "tiny.toml"), "--view", "matrix"]) == 2
    assert "--view matrix needs a matrix spec" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("a*(1 - a)*d", r"\frac{\partial L}{\partial a} \odot a \odot \left(1 - a\right)"),
        ("(a - y)/4", r"\frac{a - y}{4}"),
        ("W.T @ d", r"W^{\top} \frac{\partial L}{\partial a}"),
        ("sum((a - y)**2)", r"\operatorname{sum}\left(\left(a - y\right)^{\odot 2}\right)"),
        ("b*a", r"a b"),
    ],
    ids=["hadamard", "scalar-divisor", "transpose", "power", "scalar-times-array"],
)
def test_matrix_expressions_print_as_courses_write_them(expr, expected):
    a, y, b, W, L = (sympy.Symbol(n, real=True) for n in ("a", "y", "b", "W", "L"))
    d = Partial(L, a)
    shapes = {a: (2, 1), y: (2, 1), b: (1, 1), W: (2, 2), d: (2, 1)}
    built = {
        "a*(1 - a)*d": a * (1 - a) * d,
        "(a - y)/4": sympy.Mul(sympy.Rational(1, 4), a - y, evaluate=False),
        "W.T @ d": MatProduct(Transposed(W), d),
        "sum((a - y)**2)": Total((a - y) ** 2),
        "b*a": b * a,
    }[expr]
    written = {built: sorted(built.args, key=lambda f: not f.has(Partial))} if built.is_Mul else {}
    assert latex(built, shapes=shapes, written=written) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(8.9936e-10, r"8.994 \times 10^{-10}"), (-2.5e-7, r"-2.5 \times 10^{-7}"), (0.00004363, "0.00004363")],
    ids=["rounded", "exact", "kept"],
)
def test_tiny_entries_are_written_in_scientific_notation(value, expected):
    assert (
        matrix_latex(numpy.array([[value, 1.0]])).latex == r"\begin{bmatrix} %s & 1 \end{bmatrix}" % expected
    )


def test_width_of_an_elided_matrix_counts_its_shape_underneath():
    from symbackprop.output.bmatrix import latex_width
    from symbackprop.output.widths import math_width

    body = r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}"
    shape = math_width(r"{}_{10 \times 128}")  # the subscript set after the bracket
    assert latex_width(body + r"_{10 \times 128}") == pytest.approx(latex_width(body) + shape)
    assert shape > 2.0


@pytest.mark.parametrize(
    ("stem", "batch"),
    [("batch_matrix", {"m": 4, "n": 4, "factor": r"\frac{1}{4}"}), ("two_layer_matrix", None),
     ("softmax_matrix", None)],
    ids=["batch-mean", "one-example", "softmax"],
)  # fmt: skip
def test_a_mean_over_a_batch_says_each_delta_carries_one_over_n(stem, batch):
    from symbackprop.integrations.sphinx import _MatrixBuilder

    net = read_spec(EXAMPLES / f"{stem}.toml")  # batch_matrix: X is 2×4, L = mean of a 1×4 array
    context = matrix_walkthrough_context(net, sections=["backward"])
    assert context["batch"] == batch
    md = render(net, "md", sections=["backward"])
    said = r"is $\frac{1}{4} \Delta A^{\top}$, with $\Delta$ the per-example deltas side by side" in md
    assert said == (batch is not None)
    paragraphs = [n.astext() for n in _MatrixBuilder(context, "index").section_backward()[:3]]
    assert any("mean's factor" in t for t in paragraphs) == (batch is not None)


def test_transpose_of_a_name_with_a_superscript_is_braced():
    tex = render(matrix_mlp([3, 4, 2]), "tex", sections=["backward"])
    assert r"\delta_{z^{(2)}} {a^{(1)}}^{\top}" in tex and r"{W^{(2)}}^{\top}" in tex
    assert not re.search(r"\^\{\(\d\)\}\^", tex)  # a^{(1)}^{\top} is a double superscript in TeX


# ------------------------------------------------------------------ hand rounding

HAND_CASES = [f"two_layer_matrix_hand.{fmt}" for fmt in ("md", "tex")]


@pytest.mark.parametrize("golden_name", HAND_CASES, ids=HAND_CASES)
def test_hand_rounded_matrix_walkthrough_matches_golden(golden_name, golden):
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    fmt = golden_name.rsplit(".", 1)[1]
    golden(golden_name, render(net, fmt, rounding="hand", check=check(net.scalar())))


def _hand(value) -> Decimal:
    """``value`` as a student with 4 decimals writes it down: kept when it has at most 5 decimals,
    else rounded half-even to 4 decimals, or to 4 significant digits when that leaves fewer than 2."""
    d = (
        Decimal(mpmath.nstr(value, 40, strip_zeros=False))
        if isinstance(value, mpmath.mpf)
        else Decimal(value)
    )
    if d == d.quantize(Decimal("1e-5")):
        return d.normalize()
    rounded = d.quantize(Decimal("1e-4"), rounding=ROUND_HALF_EVEN)
    if abs(rounded) < Decimal("0.001"):  # fewer than two significant digits
        rounded = d.quantize(Decimal(1).scaleb(d.adjusted() - 3), rounding=ROUND_HALF_EVEN)
    return rounded


def _mazur_by_hand_rounded() -> dict[str, list[list[Decimal]]]:
    """Mazur's network with every computed number rounded as written down (mpmath for σ, Decimal
    for the rest), each step from the rounded numbers before it."""
    mpmath.mp.dps = 40
    D = Decimal
    x, y, eta = [D("0.05"), D("0.10")], [D("0.01"), D("0.99")], D("0.5")
    W1, W2 = (
        [[D("0.15"), D("0.20")], [D("0.25"), D("0.30")]],
        [[D("0.40"), D("0.45")], [D("0.50"), D("0.55")]],
    )

    def sigma(v):
        return _hand(1 / (1 + mpmath.exp(-mpmath.mpf(str(v)))))

    z1 = [_hand(W1[i][0] * x[0] + W1[i][1] * x[1] + D("0.35")) for i in range(2)]
    a1 = [sigma(v) for v in z1]
    z2 = [_hand(W2[i][0] * a1[0] + W2[i][1] * a1[1] + D("0.60")) for i in range(2)]
    a2 = [sigma(v) for v in z2]
    dL_da2 = [_hand(a2[i] - y[i]) for i in range(2)]
    d2 = [_hand(dL_da2[i] * a2[i] * (1 - a2[i])) for i in range(2)]
    dL_da1 = [_hand(W2[0][j] * d2[0] + W2[1][j] * d2[1]) for j in range(2)]
    d1 = [_hand(dL_da1[i] * a1[i] * (1 - a1[i])) for i in range(2)]
    gW2 = [[_hand(d2[i] * a1[j]) for j in range(2)] for i in range(2)]
    gW1 = [[_hand(d1[i] * x[j]) for j in range(2)] for i in range(2)]
    return {
        "a_1": [[v] for v in a1],
        "a_2": [[v] for v in a2],
        "delta_2": [[v] for v in d2],
        "dL_da1": [[v] for v in dL_da1],
        "delta_1": [[v] for v in d1],
        "W_1": gW1,
        "W_2": gW2,
        "W_1_new": [[_hand(W1[i][j] - eta * gW1[i][j]) for j in range(2)] for i in range(2)],
        "W_2_new": [[_hand(W2[i][j] - eta * gW2[i][j]) for j in range(2)] for i in range(2)],
    }


def test_hand_rounding_carries_each_matrix_on_as_shown():
    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    text = render(net, "md", rounding="hand", sections=["forward", "backward", "update"])
    by_hand = _mazur_by_hand_rounded()

    def bmatrix(rows):
        return r"\begin{bmatrix} %s \end{bmatrix}" % r" \\ ".join(" & ".join(str(v) for v in r) for r in rows)

    assert by_hand["delta_1"] == [[Decimal("0.0088")], [Decimal("0.0100")]]  # the zeros a student keeps
    assert by_hand["W_2_new"][0][0] == Decimal("0.3589")  # Mazur's w5+ = 0.35891648, to 4 decimals
    for name, rel in [("a_1", r"\approx"), ("a_2", r"\approx"), ("delta_2", r"\approx"), ("dL_da1", "="),
                      ("delta_1", r"\approx"), ("W_1", "="), ("W_2", r"\approx"), ("W_1_new", "="),
                      ("W_2_new", "=")]:  # fmt: skip
        assert f"{rel} {bmatrix(by_hand[name])}" in text, name
    # each step from the shown numbers: δ_{z_1} from the shown ∂L/∂a_1, not from W_2ᵀ δ_{z_2} again
    assert rf"= {bmatrix(by_hand['dL_da1'])} \odot {bmatrix(by_hand['a_1'])}" in text
    exact = render(net, "md", sections=["backward"])
    assert r"\approx \begin{bmatrix} 0.0004386 & 0.0008771" in exact and "0.00044 & 0.00088" in text


# ------------------------------------------------------------------ the graph of layers

#: Mazur's network in matrix form, read off examples/two_layer_matrix.toml by hand: the row, left
#: to right, and what sits above which box, each with its shape.
MAZUR_ROW = [("x", "input", [2, 1]), ("z_1", "node", [2, 1]), ("a_1", "node", [2, 1]),
             ("z_2", "node", [2, 1]), ("a_2", "node", [2, 1]), ("L", "loss", [1, 1])]  # fmt: skip
MAZUR_SIDES = [("W_1", [2, 2], "z_1"), ("b_1", [1, 1], "z_1"), ("W_2", [2, 2], "z_2"),
               ("b_2", [1, 1], "z_2"), ("y", [2, 1], "L")]  # fmt: skip


def test_graph_of_layers_is_one_row_with_parameters_above():
    graph = matrix_walkthrough_context(read_spec(EXAMPLES / "two_layer_matrix.toml"))["graph"]
    assert [(n["name"], n["role"], n["shape"]) for n in graph["nodes"]] == MAZUR_ROW
    name = {n["id"]: n["name"] for n in graph["nodes"] + graph["sides"]}
    assert [(s["name"], s["shape"], name[s["feeds"]]) for s in graph["sides"]] == MAZUR_SIDES
    z_1 = graph["nodes"][1]
    assert z_1["label"] == r"z_{1} \in \mathbb{R}^{2 \times 1}" and z_1["text"] == "z₁ ∈ ℝ²ˣ¹"
    edges = {(name[e["source"]], name[e["target"]], e["kind"]) for e in graph["edges"]}
    assert edges == {("x", "z_1", "row"), ("z_1", "a_1", "row"), ("a_1", "z_2", "row"), ("z_2", "a_2", "row"),
                     ("a_2", "L", "row"), ("W_1", "z_1", "side"), ("b_1", "z_1", "side"),
                     ("W_2", "z_2", "side"), ("b_2", "z_2", "side"), ("y", "L", "side")}  # fmt: skip
    row, sides = graph["nodes"], graph["sides"]
    for left, right in zip(row, row[1:]):  # left to right, not touching
        assert left["x"] + left["width"] / 2 < right["x"] - right["width"] / 2
    for left, right in zip(sides, sides[1:]):
        assert left["x"] + left["width"] / 2 < right["x"] - right["width"] / 2
    assert all(s["y"] - s["height"] / 2 > row[0]["y"] + row[0]["height"] / 2 for s in sides)  # above the row
    assert graph["width"] * graph["scale"] <= 15.0 + 1e-9


def test_graph_of_layers_draws_skips_and_is_in_both_formats():
    spec = (
        (EXAMPLES / "two_layer_matrix.toml").read_text().replace('"W_2 @ a_1 + b_2"', '"W_2 @ a_1 + b_2 + x"')
    )
    net = reads_spec(spec)
    graph = matrix_walkthrough_context(net, sections=["graph"])["graph"]
    name = {n["id"]: n["name"] for n in graph["nodes"] + graph["sides"]}
    assert {(name[e["source"]], name[e["target"]]) for e in graph["edges"] if e["kind"] == "skip"} == {
        ("x", "z_2")
    }
    md = render(net, "md", sections=["graph"])
    assert "```mermaid\nflowchart LR\n" in md and '("z₂ ∈ ℝ²ˣ¹")' in md and '[/"W₁ ∈ ℝ²ˣ²"/]' in md
    tex = render(net, "tex", sections=["graph"])
    assert r"\begin{tikzpicture}" in tex and "to[out=-25, in=-155]" in tex
    assert r"{$z_{2} \in \mathbb{R}^{2 \times 1}$}" in tex
    assert "The network" in tex  # without the setup, the picture has its own heading


def test_mermaid_labels_write_the_symbols_as_the_math_does():
    md = render(matrix_mlp([3, 4, 2]), "md", sections=["graph"])  # printed z^{(1)}, W^{(2)}
    assert '("z⁽¹⁾ ∈ ℝ⁴ˣ¹")' in md and '[/"W⁽²⁾ ∈ ℝ²ˣ⁴"/]' in md and "z_1" not in md
    spec = (EXAMPLES / "two_layer_matrix.toml").read_text() + "[latex]\nW_1 = 'W_{\\mathrm{in}}'\n"
    assert '[/"W_1 ∈ ℝ²ˣ²"/]' in render(reads_spec(spec), "md", sections=["graph"])  # no Unicode for "in"


def _on_border(box, point, tol=2e-3):
    """Whether ``point`` lies on ``box``'s outline."""
    dx, dy = abs(point["x"] - box["x"]), abs(point["y"] - box["y"])
    w, h = box["width"] / 2, box["height"] / 2
    return (abs(dx - w) <= tol and dy <= h + tol) or (abs(dy - h) <= tol and dx <= w + tol)


def test_graph_of_layers_as_svg_joins_box_borders_with_shaped_labels():
    from symbackprop.output.layer_graph import layer_graph_svg, svg_layout

    spec = (
        (EXAMPLES / "two_layer_matrix.toml").read_text().replace('"W_2 @ a_1 + b_2"', '"W_2 @ a_1 + b_2 + x"')
    )
    graph = matrix_walkthrough_context(reads_spec(spec), sections=["graph"])["graph"]
    layout = svg_layout(graph)
    boxes = {b["id"]: b for b in layout["nodes"]}
    assert len(boxes) == len(graph["nodes"]) + len(graph["sides"]) == 11
    name = {i: b["name"] for i, b in boxes.items()}
    for e in layout["edges"]:  # every edge leaves its source's outline and enters its target's
        end = e["segments"][-1]["to"]
        assert _on_border(boxes[e["source"]], e["start"]) and _on_border(boxes[e["target"]], end), e
        assert e["segments"][0]["curve"] == ((name[e["source"]], name[e["target"]]) == ("x", "z_2"))
        if not e["segments"][0]["curve"]:  # a line points from the source's centre to the target's
            sx, sy = boxes[e["source"]]["x"], boxes[e["source"]]["y"]
            tx, ty = boxes[e["target"]]["x"], boxes[e["target"]]["y"]
            cross = (end["x"] - e["start"]["x"]) * (ty - sy) - (end["y"] - e["start"]["y"]) * (tx - sx)
            assert abs(cross) < 1e-2 and (end["x"] - e["start"]["x"]) * (tx - sx) >= 0
    skip = next(e for e in layout["edges"] if e["segments"][0]["curve"])
    assert skip["segments"][0]["c1"]["y"] < skip["start"]["y"]  # below the row, as TikZ's out=-25
    ys = [b["y"] + k * b["height"] / 2 for b in boxes.values() for k in (-1, 1)]
    assert min(ys) >= 0 and max(ys) <= layout["height"] + 1e-9
    svg = layer_graph_svg(graph, "Mazur")
    assert svg.count("<rect") == 11 + 1 and svg.count("<path d=") == len(graph["edges"]) + 1  # loss: 2; arrow
    assert "ℝ</tspan>" in svg and "<title>Mazur</title>" in svg
    assert '<tspan dy="0.0" font-size="12.0" font-style="italic">y</tspan>' in svg  # a target is small


# ------------------------------------------------------------------ pages (real pdflatex)


PAGE_CASES = [*MATRIX_SPECS, "two_layer_matrix_hand", "mlp_784_128_10"]


@pytest.mark.slow
@requires_pdflatex
@pytest.mark.parametrize("case", PAGE_CASES)
def test_matrix_walkthroughs_compile_with_nothing_off_the_page(case, tmp_path):
    tex = tmp_path / f"{case}.tex"
    if case.startswith("mlp"):  # built through the API, its big matrices elided
        tex.write_text(render(matrix_mlp([784, 128, 10]), "tex", standalone=True), encoding="utf-8")
    else:
        stem, hand = case.removesuffix("_hand"), case.endswith("_hand")
        options = ["--rounding", "hand"] if hand else []
        spec = str(EXAMPLES / f"{stem}.toml")
        assert main(["walkthrough", spec, "--standalone", *options, "-o", str(tex)]) == 0
    result = subprocess.run(
        [shutil.which("pdflatex") or "pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    log = tex.with_suffix(".log").read_text(encoding="latin-1")
    overfull = [float(x) for x in re.findall(r"Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too", log)]
    assert not [x for x in overfull if x > 1.0], overfull
    pages = int(re.search(r"Output written on .*?\((\d+) pages?", log, flags=re.S).group(1))
    if case.startswith("two_layer_matrix"):
        assert pages <= 2  # Mazur's 2-2-2 network in matrix form fits on two pages, by hand too


# ------------------------------------------------------------------ docs integrations


@pytest.mark.parametrize(
    ("options", "view"),
    [
        ({}, "matrix"),
        ({"view": "scalar"}, None),
        ({"rounding": "hand"}, "matrix"),
        ({"check": None}, "matrix"),
    ],
    ids=["default", "scalar", "hand", "check"],
)
def test_sphinx_directive_writes_a_matrix_spec_in_its_view(options, view):
    from types import SimpleNamespace

    from symbackprop.integrations.sphinx import SymbackpropDirective

    fake = SimpleNamespace(
        options=options, config=SimpleNamespace(symbackprop_digits=4, symbackprop_rounding="exact")
    )
    context = SymbackpropDirective._context(fake, read_spec(EXAMPLES / "two_layer_matrix.toml"))
    assert context.get("view") == view
    assert ("check" in context["sections"]) == ("check" in options)
    if "check" in options:
        assert context["check"]["table"].rows  # one row per parameter, from the scalar view's check


def test_mkdocs_blocks_take_a_view(tmp_path):
    from symbackprop.integrations.mkdocs import expand

    shutil.copy(EXAMPLES / "two_layer_matrix.toml", tmp_path / "net.toml")
    block = "```symbackprop sections=gradients{}\nnet.toml\n```\n"
    page = "# Notes\n\n" + block.format("") + "\n" + block.format(" view=scalar")
    text, used = expand(page, search=[tmp_path])
    matrix, scalar = text.split("## 2-2-2 network in matrix form")[1:]
    assert r"\delta_{z_{1}} x^{\top}" in matrix and r"\in \mathbb{R}^{2 \times 2}" in matrix
    assert r"\partial W_{1,11}$" in scalar and r"\odot" not in scalar
    assert used == [(tmp_path / "net.toml").resolve()] * 2


@pytest.mark.slow
def test_sphinx_build_lays_out_the_matrix_view(tmp_path):
    import sys

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["symbackprop.sphinx"]\nproject = "m"\n', encoding="utf-8")
    shutil.copy(EXAMPLES / "two_layer_matrix.toml", src / "net.toml")
    hand = ".. symbackprop:: net.toml\n   :rounding: hand\n   :sections: backward\n   :no-title:\n"
    page = "Net\n===\n\n.. symbackprop:: net.toml\n   :check:\n\nBy hand\n-------\n\n" + hand
    (src / "index.rst").write_text(page, encoding="utf-8")
    cmd = [sys.executable, "-m", "sphinx", "-W", "-b", "html", "-q", str(src), str(tmp_path / "html")]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    truth = _mazur_by_hand()
    assert r"\odot" in html and "bmatrix" in html and ">Layer 2: " in html
    assert _round(truth["W_2"][0, 0], 4) in html and ">Gradient check</p>" in html
    assert (
        ">The network</p>" in html
        and html.count('<svg xmlns="http://www.w3.org/2000/svg" class="symbackprop-graph"') == 1
    )
    assert 'font-style="italic">W</tspan><tspan dy="4.2" font-size="8.6">1</tspan>' in html  # W_1, small
    by_hand = html.split("By hand")[-1]  # the matrix view, rounded as shown: ∂L/∂a_1 from the shown δ_{z_2}
    assert r"0.03635 \\ 0.04137" in by_hand and "as by hand" in by_hand and r"\odot" in by_hand


def test_sphinx_matrix_graph_is_svg_in_html_and_a_table_elsewhere():
    from sphinx import addnodes

    from symbackprop.integrations.sphinx import _MatrixBuilder

    context = matrix_walkthrough_context(read_spec(EXAMPLES / "two_layer_matrix.toml"), sections=["graph"])
    heading, _, picture, fallback = _MatrixBuilder(context, "index").section_graph()
    assert heading.astext() == "The network"
    assert isinstance(picture, addnodes.only) and picture["expr"] == "html" and "<svg" in picture.astext()
    assert isinstance(fallback, addnodes.only) and fallback["expr"] == "not html"
    rows = [
        [e.astext() for e in r.findall(lambda n: n.tagname == "entry")]
        for r in fallback.findall(lambda n: n.tagname == "row")
    ]
    assert rows[0] == ["node", "kind", "shape", "computed from"]
    cells = {r[0]: (r[1], r[2], set(r[3].split(", "))) for r in rows[1:]}
    assert cells["z_{1}"] == ("node", r"\mathbb{R}^{2 \times 1}", {"x", "W_{1}", "b_{1}"})
    assert cells["L"] == ("loss", r"\mathbb{R}^{1 \times 1}", {"a_{2}", "y"})
    assert list(cells) == ["z_{1}", "a_{1}", "z_{2}", "a_{2}", "L"]


def test_cli_full_shows_big_matrices_whole(tmp_path, capsys):
    rows = ", ".join(["[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]"] * 5)
    spec = tmp_path / "wide.toml"
    lines = [
        "[inputs]",
        "x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]",
        "[targets]",
        "y = [0.0, 1.0]",
        "[parameters]",
        f"W_1 = [{rows}]",
        "W_2 = [[0.1, 0.2, 0.3, 0.4, 0.5], [0.5, 0.4, 0.3, 0.2, 0.1]]",
        "[network]",
        'z_1 = "W_1 @ x"',
        'a_1 = "sigmoid(z_1)"',
        'z_2 = "W_2 @ a_1"',
        'L = "softmax_cross_entropy(z_2, y)"',
    ]
    spec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["walkthrough", str(spec), "--sections", "setup"]) == 0
    elided = capsys.readouterr().out
    assert r"\cdots" in elided and r"\end{bmatrix}_{5 \times 6}" in elided
    assert main(["walkthrough", str(spec), "--sections", "setup", "--detail", "full"]) == 0
    full = capsys.readouterr().out
    assert r"\cdots" not in full and r"0.1 & 0.2 & 0.3 & 0.4 & 0.5 & 0.6 \\" in full


def test_check_table_has_one_row_per_matrix_naming_what_disagrees():
    from dataclasses import replace

    net = read_spec(EXAMPLES / "two_layer_matrix.toml")
    report = check(net.scalar())
    by_name = {r.name: r for r in report.rows}
    rows = [
        replace(r, ok=False) if r.name == "W_1_2_1" else replace(r, ok=None) if r.name == "W_2_1_2" else r
        for r in report.rows
    ]
    table = matrix_walkthrough_context(net, check=replace(report, rows=tuple(rows)))["check"]["table"]
    cells = {r[0].text: [c.text for c in r[1:]] for r in table.rows}
    assert cells["W_1"][0] == "4" and cells["W_1"][2] == "1 of 4 disagree"
    assert cells["W_2"][2] == "1 of 4 not checked"
    assert cells["b_1"][2] == "agree" and "W_1_2_1" in by_name
