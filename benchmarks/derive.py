"""Benchmark: the factored derivation against naive ``sympy.diff`` of the inlined loss.

For sigmoid MLPs of growing width and depth, prints the median time of
``derive(network, evaluate_point=False)`` (every gradient, symbolically, as
named factors), the baseline measured in the same run -- ``sympy.diff`` of the
fully inlined loss for every parameter -- and their ratio.  The baseline is
capped: once one naive run exceeds ``--cap`` seconds, larger cases are
extrapolated from the measured points (marked ``~``) instead of run.  SymPy's
cache is cleared before every repeat.  It ends with the fitted exponent of
time against parameter count (at fixed depth) and against depth.

Run: ``python benchmarks/derive.py [--repeat 5] [--cap 60]``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import sympy
from sympy.core.cache import clear_cache
from timing import median_time

from symbackprop.core.builders import mlp
from symbackprop.core.derivation import derive


def naive(net) -> None:
    loss = net.inlined()
    for p in net.parameters:
        sympy.diff(loss, p)


def fit(xs: list[float], ys: list[float]) -> float:
    lx, ly = [math.log(v) for v in xs], [math.log(v) for v in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds a single naive run may take")
    args = parser.parse_args()
    print(f"median of {args.repeat} runs (naive: 1 run); ratio = naive / factored\n")
    print(f"{'shape':>12} {'params':>7} {'factored':>10} {'naive':>12} {'ratio':>9}")
    widths = [[2, 4, 2], [4, 8, 4], [8, 16, 8], [8, 20, 8], [12, 24, 12], [16, 32, 16]]
    depths = [[4, 4, 2], [4, 4, 4, 2], [4, 4, 4, 4, 2], [4, 4, 4, 4, 4, 2], [4, 4, 4, 4, 4, 4, 2]]
    capped = False
    naive_points: list[tuple[int, float]] = []
    rows = {}
    for sizes in widths + depths:
        net = mlp(sizes, seed=0)
        n = len(net.parameters)
        ours = median_time(lambda net=net: derive(net, evaluate_point=False), args.repeat, clear_cache=True)
        rows[tuple(sizes)] = (n, ours)
        shape = "-".join(map(str, sizes))
        if sizes in widths and not capped:
            clear_cache()
            t = time.perf_counter()
            naive(net)
            base = time.perf_counter() - t
            naive_points.append((n, base))
            capped = base > args.cap
            print(f"{shape:>12} {n:>7} {ours:>9.3f}s {base:>11.2f}s {base / ours:>8.0f}x")
        elif sizes in widths and len(naive_points) >= 2:
            k = fit([p for p, _ in naive_points], [t for _, t in naive_points])
            n0, t0 = naive_points[-1]
            est = t0 * (n / n0) ** k
            est_text, ratio_text = f"~{est:.0f}s", f"~{est / ours:.0f}x"
            print(f"{shape:>12} {n:>7} {ours:>9.3f}s {est_text:>12} {ratio_text:>9}")
        else:
            print(f"{shape:>12} {n:>7} {ours:>9.3f}s {'-':>12} {'-':>9}")
    w = [rows[tuple(s)] for s in widths]
    k_params = fit([n for n, _ in w], [t for _, t in w])
    print(f"\nexponent of factored time vs parameters (depth 2): {k_params:.2f}")
    d = [rows[tuple(s)][1] for s in depths]
    layers = [len(s) - 1 for s in depths]
    print(f"exponent of factored time vs depth (width 4):      {fit(layers, d):.2f}  (linear = 1)")
    if len(naive_points) >= 2:
        k = fit([p for p, _ in naive_points], [t for _, t in naive_points])
        print(f"exponent of naive time vs parameters:              {k:.2f}")


if __name__ == "__main__":
    main()
