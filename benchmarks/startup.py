"""Benchmark: start-up of ``symbackprop --version``, ``--help`` and ``COMMAND --help``.

Each runs as a whole process (``python -m symbackprop ...``), against ``python
-c pass`` and ``python -c "import sympy"`` measured in the same run.  It prints
the medians of the child's CPU time (user + system) and of wall time, the ratio
to ``python -c pass``, and whether SymPy was imported (from ``-X importtime``).
Target (issue 18): <= 0.1 s, and no SymPy.  The machine is shared: read the
CPU medians.

Run: ``python benchmarks/startup.py [--repeat 11]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from _timing import ROOT, measure_process

CASES = (
    ["--version"],
    ["--help"],
    ["derive", "--help"],
    ["walkthrough", "--help"],
    ["gradcheck", "--help"],
    ["train", "--help"],
    ["verify", "--help"],
)
TARGET = 0.1


def imports_sympy(argv: list[str]) -> bool:
    """Whether ``python -m symbackprop *argv`` imports SymPy (read from ``-X importtime``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-X", "importtime", "-m", "symbackprop", *argv]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    return any(line.rsplit("|", 1)[-1].strip() == "sympy" for line in out.stderr.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    env = {"PYTHONPATH": str(ROOT)}
    empty = measure_process([sys.executable, "-c", "pass"], args.repeat)
    sympy_ = measure_process([sys.executable, "-c", "import sympy"], args.repeat)
    print(f"CPU medians of {args.repeat} processes (wall in parentheses); ratio to python -c pass (CPU)\n")
    print(f"{'process':<44} {'time':>28} {'ratio':>7}  sympy  target <= {TARGET} s")
    print(f"{'python -c pass':<44} {empty.text(9):>28} {1:>7.2f}")
    label = 'python -c "import sympy"'
    print(f"{label:<44} {sympy_.text(9):>28} {sympy_ / empty:>7.2f}  yes")
    for argv in CASES:
        t = measure_process([sys.executable, "-m", "symbackprop", *argv], args.repeat, env)
        heavy = imports_sympy(argv)
        verdict = "met" if t.cpu <= TARGET and not heavy else "NOT met"
        label = "symbackprop " + " ".join(argv)
        print(f"{label:<44} {t.text(9):>28} {t / empty:>7.2f}  {'yes' if heavy else 'no ':<5}  {verdict}")


if __name__ == "__main__":
    main()
