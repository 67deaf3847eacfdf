"""Benchmark: the compiled named-node program against lambdify of the inlined gradients.

For each MLP shape it prints the median time of one forward+backward pass over a
batch of 256 examples, for (a) symbackprop's compiled program and (b) the
baseline measured in the same run: ``sympy.lambdify`` of every parameter's
closed-form gradient (sympy.diff of the inlined loss), with CSE.  The ratio is
baseline / ours (higher is better for us).  Compile times are printed too.

Run: ``python benchmarks/numeric.py [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy
import sympy

from symbackprop.derive import derive
from symbackprop.functions import to_elementary
from symbackprop.network import mlp
from symbackprop.numeric import compile_network


def median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    rng = numpy.random.default_rng(0)
    print(f"median of {args.repeat}; batch of 256; ratio = baseline / symbackprop\n")
    head = ("shape", "params", "compile ours", "compile base", "run ours", "run base", "ratio")
    print("{:>10} {:>7} {:>13} {:>13} {:>10} {:>10} {:>6}".format(*head))
    for sizes in ([2, 2, 2], [4, 8, 2], [8, 16, 4], [16, 32, 16]):
        net = mlp(sizes, seed=0)
        shape = "-".join(map(str, sizes))
        t = time.perf_counter()
        compiled = compile_network(derive(net, evaluate_point=False))
        compile_ours = time.perf_counter() - t
        declared = list(net.inputs + net.targets + net.parameters)
        batch = {s.name: rng.uniform(0, 1, 256) for s in net.inputs + net.targets}
        batch.update({p.name: float(net.values[p]) for p in net.parameters})
        run_ours = median(lambda c=compiled, b=batch: c.run(b), args.repeat)
        if len(net.parameters) <= 250:
            t = time.perf_counter()
            loss = to_elementary(net.inlined())
            grads = [sympy.diff(loss, p) for p in net.parameters]
            f = sympy.lambdify(declared, grads, "numpy", cse=True)
            compile_base = time.perf_counter() - t
            argv = [batch[s.name] for s in declared]
            run_base = median(lambda f=f, a=argv: f(*a), args.repeat)
            print(
                f"{shape:>10} {len(net.parameters):>7} {compile_ours:>12.3f}s {compile_base:>12.3f}s"
                f" {run_ours * 1e3:>8.2f}ms {run_base * 1e3:>8.2f}ms {run_base / run_ours:>6.1f}"
            )
        else:
            print(
                f"{shape:>10} {len(net.parameters):>7} {compile_ours:>12.3f}s {'(skipped)':>13}"
                f" {run_ours * 1e3:>8.2f}ms {'-':>10} {'-':>6}"
            )


if __name__ == "__main__":
    main()
