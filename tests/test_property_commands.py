"""A property test over every command, on specs generated from a grammar (issue 17).

The specs are valid TOML with a well-formed network, so they get past the reader and exercise
what comes after it: numbers drawn across the whole float range and beyond it (exact decimals
with huge or tiny exponents), library functions at the edges of their domains (log of 0, sqrt
of a negative number, division by zero), and nesting up to the documented limit. Every command
must then exit 0, 1 or 2, never print a traceback or an internal error, print valid JSON
wherever ``--json`` is asked, and finish within a bound on CPU time.

The default run draws a few shallow specs; the ``long`` run (CI, with the fuzzing) draws many,
with nesting up to :data:`LONG_DEPTH`.
"""

from __future__ import annotations

import contextlib
import json
import signal
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from symbackprop.cli import main
from symbackprop.notation.limits import MAX_DEPTH

#: Library functions of one argument, and the two-argument ones that take expressions.
UNARY = ("sigmoid", "tanh", "exp", "log", "sqrt", "abs", "relu", "leaky_relu", "softplus", "identity")
BINARY_FUNCTIONS = ("max", "min")
OPERATORS = (" + ", " - ", "*", "/")
LEAVES = ("x", "w_1", "w_2", "y")

#: Numbers at the edges: zero, the float range's ends and beyond, exact decimals, huge exponents.
EDGE_NUMBERS = (
    "0",
    "-0.0",
    "1",
    "-1",
    "0.1",
    "0.5",
    "1e-300",
    "5e-324",
    "1.7976931348623157e308",
    "1e308",
    "1e400",
    "-1e400",
    "1e-5000",
    "123456789012345678901234567890.5",
    "0.000000000000000000000000000001",
)

#: CPU seconds one command may take on one generated spec (the bound on time), and the wall-clock
#: seconds after which a run that has not finished is stopped and the test fails.
TIME_BOUND = 60.0
WALL_BOUND = 180


class Unbounded(Exception):
    """A command ran past :data:`WALL_BOUND`."""


@contextlib.contextmanager
def _wall_bound(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Unbounded(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _float_text(value: float) -> str:
    return repr(value)


numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.floats(allow_nan=False, allow_infinity=False).map(_float_text),
    st.integers(-(10**40), 10**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=12).map(str),
)


def expressions(max_leaves: int) -> st.SearchStrategy[str]:
    """Expressions over the spec's names, numbers, operators and library functions."""
    leaves = st.one_of(st.sampled_from(LEAVES), numbers.map(lambda n: f"({n})"))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(st.sampled_from(BINARY_FUNCTIONS), inner, inner).map(
                lambda t: f"{t[0]}({t[1]}, {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(OPERATORS), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(inner, st.integers(-3, 3)).map(lambda t: f"({t[0]})**{t[1]}"),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def nested(depth: st.SearchStrategy[int]) -> st.SearchStrategy[str]:
    """Library functions applied to one another ``depth`` times, around ``x*w_1``: one function
    repeated, or a mix of them."""

    def build(names: list[str]) -> str:
        return "".join(f"{name}(" for name in names) + "x*w_1" + ")" * len(names)

    repeated = st.tuples(st.sampled_from(("sigmoid", "tanh", "relu", "softplus", "exp")), depth).map(
        lambda t: [t[0]] * t[1]
    )
    mixed = depth.flatmap(lambda k: st.lists(st.sampled_from(UNARY), min_size=k, max_size=k))
    return st.one_of(repeated, mixed).map(build)


@st.composite
def specs(draw: st.DrawFn, max_leaves: int, max_depth: int) -> str:
    """A valid spec: two parameters, one hidden node, one loss, a learning rate."""
    hidden = draw(st.one_of(expressions(max_leaves), nested(st.integers(1, max_depth))))
    loss = draw(
        st.sampled_from(
            (
                "(h - y)**2",
                "half_squared_error(h, y)",
                "binary_cross_entropy(sigmoid(h), y)",
                "abs(h - y) + w_2*w_2",
                "h",
            )
        )
    )
    values = {name: draw(numbers) for name in ("x", "y", "w_1", "w_2")}
    rate = draw(st.sampled_from(("0.1", "1e-300", "1e300", "0")))
    return (
        f"[inputs]\nx = {values['x']}\n[targets]\ny = {values['y']}\n"
        f"[parameters]\nw_1 = {values['w_1']}\nw_2 = {values['w_2']}\n"
        f'[network]\nh = "{hidden}"\nL = "{loss}"\n'
        f"[training]\nlearning_rate = {rate}\n"
    )


def _strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"not valid JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def _commands(spec: Path, out: Path) -> list[tuple[list[str], bool]]:
    """Every command, as (arguments, prints JSON)."""
    s = str(spec)
    return [
        (["derive", s], False),
        (["derive", s, "--json"], True),
        (["walkthrough", s, "-o", str(out)], False),
        (["walkthrough", s, "--format", "tex", "--rounding", "hand"], False),
        (["gradcheck", s, "--points", "2"], False),
        (["gradcheck", s, "--json"], True),
        (["train", s, "--steps", "3"], False),
        (["train", s, "--steps", "3", "--json"], True),
        (["verify", str(out), "--spec", s], False),
        (["verify", str(out), "--spec", s, "--json"], True),
    ]


def _run_every_command(text: str, directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = directory / "spec.toml"
    spec.write_text(text, encoding="utf-8")
    out = directory / "walk.md"
    out.unlink(missing_ok=True)
    for args, is_json in _commands(spec, out):
        if args[0] == "verify" and not out.exists():
            continue  # the walkthrough was refused: there is nothing to verify
        start = time.process_time()
        where = f"{' '.join(args[:1] + args[2:])} on\n{text}"
        with warnings.catch_warnings(), _wall_bound(WALL_BOUND):
            warnings.simplefilter("ignore")
            try:
                code = main(args)
            except Unbounded as e:
                pytest.fail(f"{e}: {where}")
        took = time.process_time() - start
        printed = capsys.readouterr()
        assert code in (0, 1, 2), f"exit {code}: {printed.err[-800:]}\n{where}"
        assert "Traceback" not in printed.err and "internal error" not in printed.err, (
            f"{printed.err}\n{where}"
        )
        assert took < TIME_BOUND, f"{took:.1f} s CPU\n{where}"
        if is_json and code in (0, 1):
            _strict_json(printed.out)


_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]


@settings(max_examples=6, deadline=None, suppress_health_check=_HEALTH)
@given(text=specs(max_leaves=4, max_depth=3))
def test_every_command_on_generated_specs(text, tmp_path_factory, capsys):
    _run_every_command(text, tmp_path_factory.mktemp("grammar"), capsys)


#: Nesting drawn by the long run: the documented limit.  99 nested calls of one function are also
#: held in every command by tests/test_hardening.py::test_99_nested_sigmoids_work_in_every_command.
LONG_DEPTH = MAX_DEPTH

#: The long run's shapes: many specs of wide expressions and shallow nesting, and fewer specs nested
#: up to the documented limit (each of those takes up to half a minute over every command).
_LONG_RUNS = {"wide": (110, 12), "deep": (40, LONG_DEPTH)}


def _long_run(examples: int, depth: int):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=_HEALTH,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: minutes per attempt
    )(given(text=specs(max_leaves=12, max_depth=depth))(_every_command))


def _every_command(text, tmp_path_factory, capsys):
    _run_every_command(text, tmp_path_factory.mktemp("grammar"), capsys)


test_every_command_on_many_wide_specs = pytest.mark.long(_long_run(*_LONG_RUNS["wide"]))
test_every_command_on_deeply_nested_specs = pytest.mark.long(_long_run(*_LONG_RUNS["deep"]))
