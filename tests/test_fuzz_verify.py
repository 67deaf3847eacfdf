"""Property tests for ``verify``: random and mutated documents raise only
SymbackpropError subclasses, and ``symbackprop verify`` only exits 0, 1 or 2."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symbackprop.cli import main
from symbackprop.errors import SymbackpropError
from symbackprop.verification import verify

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "verify"
DOCUMENTS = sorted((p.name, p.read_text(encoding="utf-8")) for p in FIXTURES.glob("*.*"))
NOISE = [
    "$", "$$", "\\[", "\\]", "=", "\\approx", "0.069", "\\frac{dL}{d", "}", "{", "\n", "\\\\", "&",
    "\\begin{align}", "\\end{align}", "`x = ", "\\input{x}", "a_2", "(", ")", "\\sigma", "```math\n",
]  # fmt: skip


@st.composite
def mutated_documents(draw):
    name, text = draw(st.sampled_from(DOCUMENTS))
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, max(0, len(text) - 1)))
        j = min(len(text), i + draw(st.integers(0, 20)))
        if draw(st.booleans()):
            text = text[:i] + text[j:]
        else:
            text = text[:i] + draw(st.sampled_from(NOISE)) + text[i:]
    return name, text


def _check(name, text, spec=None):
    try:
        report = verify(name, text=text, spec=spec)
    except SymbackpropError:
        return
    for f in report.findings:
        assert f.line >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents(), st.booleans())
def test_mutated_documents_raise_only_symbackprop_errors(doc, with_spec):
    name, text = doc
    _check(name, text, EXAMPLES / "tiny.toml" if with_spec else None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_raises_only_symbackprop_errors(text):
    _check("random.md", text)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(doc=mutated_documents())
def test_verify_cli_exits_0_1_or_2_without_traceback(doc, tmp_path_factory, capsys):
    name, text = doc
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_text(text, encoding="utf-8")
    code = main(["verify", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 1, 2), err
    assert "internal error" not in err and "Traceback" not in err
