"""Benchmark: reading specs, and the whole ``symbackprop derive`` process.

Prints medians and ratios against baselines measured in the same run:

* parsing + validating a generated spec of N definitions, against
  ``tomllib.loads`` of the same text (the floor any TOML spec reader pays);
* the whole ``symbackprop derive examples/tiny.toml`` process, against a
  process that only runs ``import sympy`` (the floor for any SymPy tool).

Targets (issue 3): 1,000 definitions in <= 0.5 s; the whole derive process in
<= 1.0 s.  Run: ``python benchmarks/spec.py [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import warnings

from timing import median_time, process_time

from symbackprop.errors import SymbackpropWarning
from symbackprop.notation.spec import loads_spec

ROOT = Path(__file__).resolve().parent.parent


def generated_spec(n: int) -> str:
    """A chain of n definitions over 10 parameters: z_k = w_(k%10) * a_(k-1) + ..."""
    lines = ["[inputs]", "x = 0.5", "[targets]", "y = 0.25", "[parameters]"]
    lines += [f"w_{i} = {0.1 * (i + 1):.1f}" for i in range(10)]
    lines.append("[network]")
    prev = "x"
    for k in range(1, n):
        node = f"h_{k}"
        fn = ("sigmoid", "tanh", "relu", "softplus")[k % 4]
        lines.append(f'{node} = "{fn}(w_{k % 10} * {prev} + 0.01 * x)"')
        prev = node
    lines.append(f'L = "half_squared_error({prev}, y)"')
    return "\n".join(lines) + "\n"


def main() -> None:
    warnings.simplefilter("ignore", SymbackpropWarning)  # generated specs leave w_0 unused when short
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"median of {args.repeat} runs; ratios are against the baseline measured in this run\n")
    print(f"{'definitions':>12} {'tomllib (s)':>12} {'load_spec (s)':>14} {'ratio':>7}")
    for n in (10, 100, 1000, 3000):
        text = generated_spec(n)
        base = median_time(lambda text=text: tomllib.loads(text), args.repeat, clear_cache=True)
        ours = median_time(lambda text=text: loads_spec(text), args.repeat, clear_cache=True)
        print(f"{n:>12} {base:>12.4f} {ours:>14.4f} {ours / base:>7.1f}")
    print()
    base = process_time([sys.executable, "-c", "import sympy"], args.repeat)
    ours = process_time([sys.executable, "-m", "symbackprop", "derive", "examples/tiny.toml"], args.repeat)
    print(f"process 'import sympy'                 {base:.3f} s")
    print(f"process 'symbackprop derive tiny.toml' {ours:.3f} s   ratio {ours / base:.2f}")


if __name__ == "__main__":
    main()
