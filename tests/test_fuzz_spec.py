"""Property tests: random and mutated specs raise only SymbackpropError, and the
CLI only ever exits 0, 1 or 2 on them, with no traceback."""

from __future__ import annotations

import string
import warnings

import sympy
from conftest import EXAMPLES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from symbackprop.cli import main
from symbackprop.errors import SymbackpropError, SymbackpropWarning
from symbackprop.notation.expressions import parse_expression
from symbackprop.notation.spec import loads_spec

SYMS = {n: sympy.Symbol(n, real=True) for n in ("x", "y", "w_1", "w_2", "E", "lambda")}

TOKENS = [
    *SYMS,
    "sigmoid",
    "relu",
    "tanh",
    "softmax",
    "max",
    "__import__",
    "__class__",
    "os",
    "lambda",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "'",
    '"',
    "+",
    "-",
    "*",
    "/",
    "**",
    "^",
    "%",
    "@",
    "0",
    "1",
    "2.5",
    "1e999",
    "9",
    "0x10",
    "1_000",
    "nan",
    "inf",
    " ",
    "#",
    "$",
    "\\",
    "=",
    ";",
    "if",
    "not",
]

expressions = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=30).map("".join),
    st.text(alphabet=string.printable + "σ∂", max_size=80),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
@example("__import__('os').system('touch X')")
@example("().__class__.__bases__")
@example("9**9**9**9")
@example("relu(" * 150 + "x" + ")" * 150)
def test_parse_expression_raises_only_spec_errors(text):
    try:
        expr = parse_expression(text, SYMS)
    except SymbackpropError:
        return
    assert isinstance(expr, sympy.Expr)
    assert expr.free_symbols <= set(SYMS.values())


SEED_SPECS = sorted(p.read_text() for p in EXAMPLES.glob("*.toml"))


@st.composite
def mutated_specs(draw):
    text = draw(st.sampled_from(SEED_SPECS))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "duplicate-line"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        j = min(len(text), i + draw(st.integers(0, 12)))
        if kind == "delete":
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = (
                text[:i]
                + draw(st.sampled_from([*TOKENS, "\n", "[network]\n", "= ", '"', "[[x]]"]))
                + text[i:]
            )
        elif kind == "replace":
            text = text[:i] + draw(st.sampled_from(TOKENS)) + text[j:]
        else:
            lines = text.splitlines(keepends=True)
            k = draw(st.integers(0, len(lines) - 1))
            text = "".join([*lines[: k + 1], lines[k], *lines[k + 1 :]])
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_specs())
def test_mutated_specs_raise_only_symbackprop_errors(text):
    with warnings.catch_warnings(record=True) as caught:  # a mutant may also be valid but warn
        warnings.simplefilter("always")
        try:
            loads_spec(text, file="mutant.toml")
        except SymbackpropError as e:
            assert str(e).startswith("mutant.toml")
    for w in caught:
        assert issubclass(w.category, SymbackpropWarning) and str(w.message).startswith("mutant.toml"), w


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=mutated_specs())
def test_cli_exits_0_1_or_2_without_traceback(text, tmp_path_factory, capsys):
    path = tmp_path_factory.mktemp("fuzz") / "mutant.toml"
    path.write_text(text, encoding="utf-8")
    code = main(["derive", str(path), "--json"])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "internal error" not in err and "Traceback" not in err
