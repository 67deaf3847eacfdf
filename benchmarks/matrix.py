"""Benchmark: the derivation at the level of layers costs per layer, not per weight.

For sigmoid MLPs in matrix form (:func:`~symbackprop.core.matrix_builders.matrix_mlp`),
prints the median CPU time of ``derive_matrix`` with every level built for every
quantity (the Leibniz chain, the recurrence, the textbook δ form, the general and
closed forms) and every vector and matrix evaluated at the point, against the
targets of issue 15: a 784-128-10 MLP (about 100k parameters) in at most 0.5 s,
and a 1M-parameter MLP in at most 2 s.  For a 16-32-16 MLP it also derives the
scalar view (the same network, weight by weight, with the scalar derivation at
30 digits) in the same run, and prints the ratio.

Then the numbers: ``gradcheck`` (every entry, and ``--fast``) and ``train`` of the
784-128-10 MLP on its matrix program (:mod:`symbackprop.numeric.matrix_program`,
derived and compiled from the network each time) against the same calls on its
scalar view (derived and vectorised weight by weight each time; writing the
view out is timed apart), median CPU times and their ratio.

Run: ``python benchmarks/matrix.py [--repeat 5] [--scalar-repeat 1]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from symbackprop.core.derivation import derive
from symbackprop.core.matrix import MatrixNetwork
from symbackprop.core.matrix_builders import matrix_mlp
from symbackprop.core.matrix_derivation import derive_matrix
from symbackprop.numeric import check, train

#: (sizes, target seconds or None)
CASES = [([16, 32, 16], None), ([784, 128, 10], 0.5), ([784, 1024, 256, 10], 2.0)]

#: The network of the numeric table, and how many training steps it times.
NUMERIC_SIZES, TRAIN_STEPS = [784, 128, 10], 100

#: (label, call on a network): what the numeric table times.
NUMERIC_CALLS: list[tuple[str, Callable[[Any], object]]] = [
    ("gradcheck", lambda net: check(net)),
    ("gradcheck --fast", lambda net: check(net, fast=True)),
    (f"train {TRAIN_STEPS} steps", lambda net: train(net, TRAIN_STEPS)),
]


def cpu_median(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU time (``time.process_time``) of ``fn()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def every_level(net: MatrixNetwork) -> None:
    """The layer-level derivation with all four levels built and the numbers at the point."""
    d = derive_matrix(net)
    for step in d.steps:
        s = step.symbol
        d.leibniz(s), d.recurrence(s), d.textbook(s), d.general_form(s), d.closed_form(s)


def parameter_count(net: MatrixNetwork) -> int:
    return sum(net.shapes[p][0] * net.shapes[p][1] for p in net.parameters)


def cold(fn: Callable[[], object]) -> float:
    """CPU time of one run after clearing SymPy's cache and the derivation's own caches."""
    from sympy.core.cache import clear_cache

    from symbackprop.core import matrix_derivation, matrix_values

    clear_cache()
    matrix_derivation._local.cache_clear()
    matrix_values._kernel.cache_clear()
    return cpu_median(fn, 1)


def numeric_table(repeat: int, scalar_repeat: int) -> None:
    """gradcheck and train of a matrix MLP: its matrix program against its scalar view."""
    net = matrix_mlp(NUMERIC_SIZES, seed=0, learning_rate=0.1)
    shape = "-".join(map(str, NUMERIC_SIZES))
    print(f"\nCPU time, {shape} MLP ({parameter_count(net)} parameters), median of {repeat} runs (matrix)")
    print(f"and {scalar_repeat} (scalar view): every call derives and compiles its program from the network.")
    expand = cpu_median(net.scalar, 1)
    scalar_net = net.scalar()
    print(f"{'call':>18} {'matrix':>9} {'scalar':>9} {'ratio':>7}")
    for label, call in NUMERIC_CALLS:
        ours = cpu_median(lambda call=call: call(net), repeat)
        theirs = cpu_median(lambda call=call: call(scalar_net), scalar_repeat)
        print(f"{label:>18} {ours:>8.3f}s {theirs:>8.3f}s {theirs / ours:>6.1f}x")
    print(f"{'':>18} (writing the scalar view out took {expand:.3f}s more)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scalar-repeat", type=int, default=1)
    args = parser.parse_args()
    print("CPU time. matrix: derive_matrix with every level for every quantity and the numbers at the")
    print(f"point; cold: one run with every cache cleared; median: of {args.repeat} runs after it.")
    print("scalar: derive() of the scalar view (written out beforehand), 30-digit numbers;")
    print("ratio: scalar / matrix, cold and median.\n")
    print(f"{'shape':>16} {'params':>9} {'cold':>9} {'median':>9} {'target':>7} {'scalar':>9} {'ratio':>13}")
    for sizes, target in CASES:
        net = matrix_mlp(sizes, seed=0)
        first = cold(lambda net=net: every_level(net))
        ours = cpu_median(lambda net=net: every_level(net), args.repeat)
        target_text = f"≤ {target:g}s" if target is not None else "-"
        scalar_text = ratio_text = "-"
        if target is None:  # small enough to write out weight by weight
            expand = cpu_median(net.scalar, 1)
            scalar = cpu_median(lambda net=net: derive(net.scalar()), 1)
            scalar_text, ratio_text = f"{scalar:.3f}s", f"{scalar / first:.0f}x, {scalar / ours:.0f}x"
        shape = "-".join(map(str, sizes))
        row = f"{shape:>16} {parameter_count(net):>9} {first:>8.3f}s {ours:>8.4f}s {target_text:>7}"
        print(f"{row} {scalar_text:>9} {ratio_text:>13}")
        if target is None:
            print(f"{'':>16} (writing the scalar view out took {expand:.3f}s more)")
    numeric_table(args.repeat, args.scalar_repeat)


if __name__ == "__main__":
    main()
