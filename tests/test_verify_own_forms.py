"""Forms the project's own walkthroughs write, read by verify (issue 13's round trip, issue 15 §3).

* shape annotations of the matrix view, ``(2 \\times 1) = (2 \\times 2)^{\\top} (2 \\times 1)``:
  checked as shapes, never read as numbers;
* a remark led in by words, ``\\quad \\text{i.e. } \\sigma(z) - y = a - y``;
* a correction whose right value is exact says ``= -12``, not ``\\approx -12``.

Every expected shape and value below is worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from symbackprop.verification import Status, verify


def _findings(body: str, **kwargs):
    return verify("t.md", text=body, format="md", **kwargs).findings


def _one(latex: str, **kwargs):
    found = [f for f in _findings(f"$$\n{latex}\n$$\n", **kwargs) if f.line == 2]
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ shapes

SHAPES = [
    # (2×2)(2×1) is (2×1); + (1×1) broadcasts
    (r"(2 \times 1) = (2 \times 2) (2 \times 1) + (1 \times 1)", Status.OK, "affine"),
    # (2×2)ᵀ(2×1) is (2×1); ⊙ keeps it
    (
        r"\text{shapes: } (2 \times 1) = \left((2 \times 2)^{\top} (2 \times 1)\right) \odot (2 \times 1)",
        Status.OK,
        "transpose-and-hadamard",
    ),
    (r"\text{shapes: } (2 \times 2) = (2 \times 1) (2 \times 1)^{\top}", Status.OK, "outer-product"),
    (r"(1 \times 1) = \operatorname{sum}\left((2 \times 1)\right) / 2", Status.OK, "sum-over-two"),
    (r"\text{shapes: } (3 \times 1) = \operatorname{rowsum}\left((3 \times 4)\right)", Status.OK, "rowsum"),
    (r"(3 \times 4) = (3 \times 2) (2 \times 4) + (3 \times 1)", Status.OK, "bias-column-over-a-batch"),
    (r"\text{shapes: } (3 \times 1) = - \frac{(3 \times 1)}{(3 \times 1)}", Status.OK, "fraction"),
    (r"(1 \times 1) = \operatorname{CE}\left((3 \times 1), (3 \times 1)\right)", Status.OK, "loss-of-two"),
    # (2×1)ᵀ(2×1) is (1×1), not (2×2): the order of δ aᵀ reversed
    (r"\text{shapes: } (2 \times 2) = (2 \times 1)^{\top} (2 \times 1)", Status.WRONG, "wrong-order"),
    # (2×2)(1×2): inner sizes 2 and 1 differ
    (r"(2 \times 1) = (2 \times 2) (1 \times 2)", Status.WRONG, "inner-sizes-differ"),
    # (2×1) ⊙ (3×1): no broadcasting between 2 and 3
    (r"(2 \times 1) = (2 \times 1) \odot (3 \times 1)", Status.WRONG, "hadamard-of-unequal"),
]


@pytest.mark.parametrize(("latex", "status"), [s[:2] for s in SHAPES], ids=[s[2] for s in SHAPES])
def test_a_shape_annotation_is_checked_as_shapes(latex: str, status: Status):
    found = _one(latex)
    assert found.status is status, found.message
    assert found.checked == 1
    if status is Status.WRONG:
        assert found.message.startswith("shapes: ")


def test_a_shape_annotation_beside_a_definition_is_not_a_number():
    # in an aligned row, ``&&`` separates the definition from its shapes
    row = r"z &= 2 \cdot 3 && (2 \times 1) = (2 \times 2) (2 \times 1)"
    body = f"$$\n\\begin{{aligned}}\n{row}\n\\end{{aligned}}\n$$\n"
    shapes = [f for f in _findings(body) if f.source.startswith("(2")]
    assert [(f.status, f.message) for f in shapes] == [(Status.OK, "shapes agree")]


# ------------------------------------------------------------- leading words

LEADING = [
    (r"x = 3 \quad \text{i.e. } 2 + 1 = 3", Status.OK, "i.e."),
    (r"x = 3 \quad \text{i.e. } 2 + 1 = 4", Status.WRONG, "i.e.-wrong"),  # 2 + 1 is 3, not 4
    (r"x = 3 \quad \text{so } 2 \cdot 3 = 6", Status.OK, "so"),
]


@pytest.mark.parametrize(("latex", "status"), [c[:2] for c in LEADING], ids=[c[2] for c in LEADING])
def test_words_leading_into_an_equation_are_not_prose_to_refuse(latex: str, status: Status):
    found = [f for f in _findings(f"$$\n{latex}\n$$\n") if "text" in f.source]
    assert [f.status for f in found] == [status], [f.message for f in found]


# ------------------------------------------------------------------ wording

#: L = z y with z = w x: ∂L/∂w = y x = -3 · 4 = -12 exactly (by hand).
WORDING = (
    "Values `x = 4`, `y = -3`, `w = 2`.\n\n$$z = w x$$\n\n$$L = z y$$\n\n"
    "$$\\frac{\\partial L}{\\partial w} = y x = -13$$\n"
)


def test_an_exact_right_value_is_written_with_equals():
    (found,) = [f for f in _findings(WORDING) if f.status is Status.WRONG]
    assert found.message.endswith("= x y = -12"), found.message
    assert "\\approx" not in found.message and "≈" not in found.message


def test_a_rounded_right_value_keeps_approx():
    # y = -1, x = 1/3: ∂L/∂w = y x = -1/3, no finite decimal: shown rounded, ≈ -0.3333 (by hand)
    text = (
        "Values `w = 2`, `y = -1`.\n\n$$x = \\frac{1}{3}$$\n\n$$z = w x$$\n\n$$L = z y$$\n\n"
        "$$\\frac{\\partial L}{\\partial w} = y x = -0.5$$\n"
    )
    (found,) = [f for f in _findings(text) if f.status is Status.WRONG]
    assert "\\approx -0.333" in found.message, found.message


# ---------------------------------------------- a product of negative numbers

#: x₂ = -0.5 and w₁₂ = -0.3 from the table: z = w₁₁ x₁ + w₁₂ x₂ = 0.2 · 1 + (-0.3)(-0.5) = 0.35 (by hand).
#: Read back without signs, (-0.3)(-0.5) is also 0.3 · 0.5: never a reason to think x₂ = 0.5.
NEGATIVES = (
    "| symbol | role | value |\n|---|---|---|\n| $x_{1}$ | input | 1 |\n| $x_{2}$ | input | -0.5 |\n"
    "| $w_{11}$ | parameter | 0.2 |\n| $w_{12}$ | parameter | -0.3 |\n\n"
    "$$z = w_{11} x_{1} + w_{12} x_{2}$$\n\n"
    "$$z = w_{11} \\cdot x_{1} + w_{12} \\cdot x_{2}"
    " = 0.2 \\cdot 1 + \\left(-0.3\\right) \\cdot \\left(-0.5\\right) = 0.35$$\n\n"
    "$$\\frac{\\partial z}{\\partial w_{12}} = x_{2} = -0.5$$\n"
)


def test_a_product_of_negative_numbers_does_not_restate_the_values():
    assert pytest.approx(0.35) == 0.2 * 1 + (-0.3) * (-0.5)
    verdicts = [(f.line, f.status) for f in _findings(NEGATIVES) if f.line >= 10]
    assert verdicts == [(10, Status.OK), (12, Status.OK)]


# ------------------------------------------------------ index notation (issue 15 §4)

INDEX = [
    (
        r"\delta^{(1)}_j = \sum_k w^{(2)}_{kj} \delta^{(2)}_k \sigma'(z^{(1)}_j)",
        "sum over k",
        "delta-layered",
    ),
    (r"\delta_j = \sum_k w_{kj} \delta_k \sigma'(z_j)", "sum over k", "delta-bare"),
    (
        r"\delta^{(1)}_j = \sum_k w^{(2)}_{jk} \delta^{(2)}_k \sigma'(z^{(1)}_j)",
        "sum over k",
        "indices-swapped",
    ),
    (r"\mathbf{x}^{(i)} = 0.85", "matrix notation", "example-superscript"),
]


@pytest.fixture(scope="module")
def layered_walkthrough(tmp_path_factory) -> str:
    """The 2-3-1 walkthrough (names w^{(2)}_{kj}, z^{(1)}_j as in index notation), in Markdown."""
    from conftest import EXAMPLES

    from symbackprop.cli import main

    out = tmp_path_factory.mktemp("index") / "w.md"
    assert main(["walkthrough", str(EXAMPLES / "mlp_231.toml"), "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("latex", "why"), [c[:2] for c in INDEX], ids=[c[2] for c in INDEX])
def test_index_notation_is_never_misread_against_a_spec_with_matching_names(latex: str, why: str):
    from conftest import EXAMPLES

    last = verify("i.md", text=f"$$\n{latex}\n$$\n", format="md", spec=EXAMPLES / "mlp_231.toml").findings[-1]
    assert (last.status, why in last.message) == (Status.NOT_CHECKED, True), last.message


def test_index_notation_is_never_misread_in_a_document_that_defines_the_names(layered_walkthrough: str):
    latex = INDEX[0][0]
    last = verify("w.md", text=f"{layered_walkthrough}\n\n$$\n{latex}\n$$\n", format="md").findings[-1]
    assert latex[:12] in last.source
    assert (last.status, "sum over k" in last.message) == (Status.NOT_CHECKED, True), last.message


# --------------------------------------------------- a parameter by the table's role column

#: x = 2, y = 1, w = 0.5, c = 0.5: z = w x + c = 1.5, ∂L/∂c = z - y = 0.5 for L = ½(z - y)²,
#: so c ← 0.5 - 0.1 · 0.5 = 0.45 (by hand).  ``c`` is no parameter by its name: the table says it is.
ROLES = (
    "| symbol | role | value |\n|---|---|---|\n| $x$ | input | 2 |\n| $y$ | target | 1 |\n"
    "| $w$ | parameter | 0.5 |\n| $c$ | parameter | 0.5 |\n| $\\eta$ | learning rate | 0.1 |\n\n"
    "$$z = w x + c$$\n\n$$L = \\frac{1}{2}(z - y)^2$$\n\n"
    "$$\\frac{\\partial L}{\\partial c} = z - y = 0.5$$\n\n$$c \\leftarrow 0.5 - 0.1 \\cdot 0.5 = 0.45$$\n"
)


@pytest.mark.parametrize(
    ("update", "status"), [("0.45", Status.OK), ("0.39", Status.WRONG)], ids=["right", "wrong"]
)
def test_a_name_the_table_calls_a_parameter_is_updated_as_one(update: str, status: Status):
    assert pytest.approx(0.45) == 0.5 - 0.1 * (0.5 * 2 + 0.5 - 1)
    last = _findings(ROLES.replace("= 0.45", f"= {update}"))[-1]
    assert (last.line, last.status) == (15, status), last.message
    assert "expected c = 0.5" not in last.message
