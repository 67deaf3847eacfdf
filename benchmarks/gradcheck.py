"""Benchmark: ``check()`` (gradcheck) against its inherent cost, and its fast mode.

A full central-difference check of P parameters inherently costs 2P forward
passes.  For sigmoid MLPs of 1,072, 10,384, 16,576 and 24,768 parameters it
prints medians of:

* ``full``: the whole ``check(net)`` -- derive, compile, the gradient, the 2P
  perturbed points, the rows (SymPy's cache cleared before each run);
* ``2P fwd``: the baseline measured in the same run: 2P forward passes of the
  compiled program, in the same column chunks, reading only the loss -- the
  inherent cost;
* ``fd only``: the finite-difference part of the check alone (the perturbed
  program over the 2P points), and its ratio to the baseline;
* ``fast``: ``check(net, fast=True)`` with the default 3 directions.

Then the exponents of the full and the fast check against P (least squares
of log time on log P).  Targets (issue 18): full check at 24,768 parameters
<= 5 s; full-check time proportional to P^<=2.1; fast mode linear in P.

Every figure is a median of CPU time (``time.process_time``) with the wall
median beside it; the machine is shared, so the CPU figures are the ones to read.

Run: ``python benchmarks/gradcheck.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse

import numpy
from _timing import Timing, measure, measure_interleaved
from derive import fit

from symbackprop.core.builders import mlp
from symbackprop.core.derivation import derive
from symbackprop.numeric import check
from symbackprop.numeric.gradcheck import _CHUNK_VALUES
from symbackprop.numeric.vectorization import vectorize

SHAPES = ([16, 32, 16], [64, 128, 16], [64, 128, 64], [128, 128, 64])
TARGET_SECONDS, TARGET_EXPONENT = 5.0, 2.1


def passes(program, theta, X, Y, *, perturbed: bool) -> None:
    """2P forward passes in the check's chunks: the perturbed points, or the plain program (baseline)."""
    P = len(theta)
    height = sum(u.shape[0] for u in program.units) + X.shape[0] + Y.shape[0]
    chunk = max(2, _CHUNK_VALUES // height)
    for a in range(0, 2 * P, chunk):
        cols = numpy.arange(a, min(2 * P, a + chunk))
        Xc, Yc = numpy.repeat(X, len(cols), axis=1), numpy.repeat(Y, len(cols), axis=1)
        if perturbed:
            step = numpy.where(cols < P, 1e-5, -1e-5)
            values = program.perturbed(theta, cols % P, step, Xc, Yc)
        else:
            values = program.forward(theta, Xc, Yc)
        values["L"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (the median is reported)")
    args = parser.parse_args()
    print(f"median of {args.repeat} rounds; CPU seconds (wall in parentheses); ratio = ours / 2P fwd\n")
    head = ("params", "full", "2P fwd", "full/2P", "fd only", "fd/2P", "fast")
    print("{:>7} {:>22} {:>22} {:>7} {:>22} {:>6} {:>22}".format(*head))
    rows: dict[int, dict[str, Timing]] = {}
    for sizes in SHAPES:
        net = mlp(sizes, seed=0, view="scalar")
        P = len(net.parameters)
        program = vectorize(derive(net, evaluate_point=False))
        values = {s.name: float(v) for s, v in net.values.items()}
        theta = program.pack(values)
        X, Y = program.data(values)
        inner = measure_interleaved(
            {
                "base": lambda p=program, t=theta, x=X, y=Y: passes(p, t, x, y, perturbed=False),
                "fd": lambda p=program, t=theta, x=X, y=Y: passes(p, t, x, y, perturbed=True),
            },
            3 * args.repeat,  # short runs: more rounds
        )
        full = measure(lambda n=net: check(n), args.repeat, clear_cache=True)
        fast = measure(lambda n=net: check(n, fast=True), args.repeat, clear_cache=True)
        rows[P] = {"full": full, "fast": fast, **inner}
        print(
            f"{P:>7,} {full.text(10):>22} {inner['base'].text(10):>22} {full / inner['base']:>7.2f}"
            f" {inner['fd'].text(10):>22} {inner['fd'] / inner['base']:>6.2f} {fast.text(10):>22}"
        )
    ps = sorted(rows)
    largest = rows[ps[-1]]["full"].cpu
    slope = fit([float(p) for p in ps], [rows[p]["full"].cpu for p in ps])
    fast_slope = fit([float(p) for p in ps], [rows[p]["fast"].cpu for p in ps])
    base_slope = fit([float(p) for p in ps], [rows[p]["base"].cpu for p in ps])
    print(f"\nfull check at {ps[-1]:,} parameters: {largest:.2f} s (target <= {TARGET_SECONDS:g} s)")
    print(
        f"exponent of the full check vs P: {slope:.2f} (target <= {TARGET_EXPONENT};"
        f" 2P fwd: {base_slope:.2f})"
    )
    print(f"exponent of the fast check vs P: {fast_slope:.2f} (linear = 1)")


if __name__ == "__main__":
    main()
