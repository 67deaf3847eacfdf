"""Benchmark: the whole ``symbackprop walkthrough`` process.

Prints the median wall time of ``symbackprop walkthrough examples/tiny.toml``
and ``examples/two_layer.toml`` (Markdown, with the gradient check), against a
process that only runs ``import sympy``, measured in the same run.  Targets
(issue 5): tiny <= 1.0 s, 2-2-2 <= 1.5 s.

Run: ``python benchmarks/walkthrough.py [--repeat 9]``.
"""

from __future__ import annotations

import argparse
import sys

from timing import process_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    base = process_time([sys.executable, "-c", "import sympy"], args.repeat)
    print(f"median of {args.repeat} runs\n")
    print(f"{'process':<44} {'time':>7} {'ratio':>6}")
    label = 'python -c "import sympy" (baseline)'
    print(f"{label:<44} {base:>6.2f}s {1:>6.2f}")
    for spec, fmt in (("tiny.toml", "md"), ("tiny.toml", "tex"), ("two_layer.toml", "md")):
        argv = [sys.executable, "-m", "symbackprop", "walkthrough", f"examples/{spec}", "--format", fmt]
        t = process_time(argv, args.repeat)
        print(f"{'walkthrough ' + spec + ' --format ' + fmt:<44} {t:>6.2f}s {t / base:>6.2f}")


if __name__ == "__main__":
    main()
