"""Coverage-guided fuzzing with atheris.

    python tests/fuzz/fuzz.py spec  -atheris_runs=0 -max_total_time=60 -seed=1 tests/fuzz/corpus/spec
    python tests/fuzz/fuzz.py latex -max_total_time=60 -seed=1 tests/fuzz/corpus/latex

Targets:

* ``spec``: the safe expression parser and the spec reader;
* ``latex``: the LaTeX reader (``symbackprop.notation.latex``).

Any exception other than a :class:`~symbackprop.errors.SymbackpropError` is a
crash: libFuzzer writes the input to ``crash-*`` (point ``-artifact_prefix`` at
``tests/fuzz/crashes/``), and the input is kept there as a regression case once
fixed.  Runs are reproducible from ``-seed``.
"""

from __future__ import annotations

import contextlib
import sys
import warnings

import atheris

with atheris.instrument_imports(include=["symbackprop"]):
    import sympy

    from symbackprop.errors import SymbackpropError, SymbackpropWarning
    from symbackprop.notation.expressions import parse_expression
    from symbackprop.notation.spec import loads_spec

warnings.simplefilter("ignore", SymbackpropWarning)

SYMBOLS = {n: sympy.Symbol(n, real=True) for n in ("x", "y", "w_1", "w_2", "a_2", "z_2", "E", "lambda")}


def fuzz_spec(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(4096)
    with contextlib.suppress(SymbackpropError):
        parse_expression(text, SYMBOLS)
    with contextlib.suppress(SymbackpropError):
        loads_spec(text, file="fuzz.toml")


def fuzz_latex(data: bytes) -> None:
    from symbackprop.notation.latex import parse_latex_expression

    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(2048)
    with contextlib.suppress(SymbackpropError):
        parse_latex_expression(text, SYMBOLS, None)


TARGETS = {"spec": fuzz_spec, "latex": fuzz_latex}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options] [corpus dirs]")
    target = TARGETS[sys.argv.pop(1)]
    if target is fuzz_latex:
        with atheris.instrument_imports(include=["symbackprop", "latex2sympy2_extended"]):
            import symbackprop.notation.latex  # noqa: F401
    sys.setrecursionlimit(5000)
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
