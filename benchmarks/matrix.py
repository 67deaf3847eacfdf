"""Benchmark: the derivation at the level of layers costs per layer, not per weight.

For sigmoid MLPs in matrix form (:func:`~symbackprop.core.matrix_builders.matrix_mlp`),
prints the median CPU time of ``derive_matrix`` with every level built for every
quantity (the Leibniz chain, the recurrence, the textbook δ form, the general and
closed forms) and every vector and matrix evaluated at the point, against the
targets of issue 15: a 784-128-10 MLP (about 100k parameters) in at most 0.5 s,
and a 1M-parameter MLP in at most 2 s.  For a 16-32-16 MLP it also derives the
scalar view (the same network, weight by weight, with the scalar derivation at
30 digits) in the same run, and prints the ratio.

Run: ``python benchmarks/matrix.py [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from symbackprop.core.derivation import derive
from symbackprop.core.matrix import MatrixNetwork
from symbackprop.core.matrix_builders import matrix_mlp
from symbackprop.core.matrix_derivation import derive_matrix

#: (sizes, target seconds or None)
CASES = [([16, 32, 16], None), ([784, 128, 10], 0.5), ([784, 1024, 256, 10], 2.0)]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
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


if __name__ == "__main__":
    main()
