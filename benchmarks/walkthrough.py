"""Benchmark: how ``symbackprop walkthrough`` grows with the network, and the whole process on the examples.

1. **Growth.**  Sigmoid networks five units wide and 5, 10 and 20 layers deep
   (51, 101 and 201 nodes; every node has at most six parents, as in most
   lecture examples) are written as spec files, and the whole walkthrough --
   read the spec, derive, check, print -- runs in-process through
   ``symbackprop.cli.main``, with the gradient check off and on, in Markdown
   and LaTeX.  It prints the medians and the exponent
   ``log(t201/t51) / log(201/51)``.  Target (issue 18): <= 1.2.
   ``--wide`` adds 4-n-n-1 networks (51, 103, 203 nodes), whose parameters, and
   so whose output, grow as nodes squared; it prints the exponents against nodes
   and against the bytes written, to tell the inherent growth from ours.
2. **Processes.**  ``symbackprop walkthrough examples/tiny.toml`` and
   ``examples/two_layer.toml`` as whole processes, against ``python -c "import
   sympy"`` in the same run.  Targets (issue 5): tiny <= 1.0 s, 2-2-2 <= 1.5 s.

Every figure is a median of CPU time (the child's user + system time for a
process) with the wall median beside it; the machine is shared, so the CPU
figures are the ones to read.

Run: ``python benchmarks/walkthrough.py [--repeat 5] [--wide]``.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
from functools import partial
from pathlib import Path

from _timing import Timing, measure, measure_process

from symbackprop.cli import main as cli

DEPTHS = (5, 10, 20)
WIDE = (12, 25, 50)


def chain_spec(layers: int, width: int, seed: int = 0) -> str:
    """A spec of ``layers`` sigmoid layers of ``width`` units, half squared error over the last layer."""
    rng = random.Random(seed)
    lines = [f'title = "sigmoid network, {layers} layers of {width}"', "", "[inputs]"]
    lines += [f"x_{k} = {rng.uniform(0, 1):.2f}" for k in range(1, width + 1)]
    lines += ["", "[targets]", *[f"y_{k} = {rng.uniform(0, 1):.2f}" for k in range(1, width + 1)]]
    params: list[str] = []
    network: list[str] = []
    previous = [f"x_{k}" for k in range(1, width + 1)]
    for layer in range(1, layers + 1):
        current = []
        for j in range(1, width + 1):
            ws = [f"w{layer}_{j}_{k}" for k in range(1, len(previous) + 1)]
            params += [*ws, f"b{layer}_{j}"]
            terms = " + ".join(f"{w} * {p}" for w, p in zip(ws, previous))
            network += [f'z{layer}_{j} = "{terms} + b{layer}_{j}"', f'a{layer}_{j} = "sigmoid(z{layer}_{j})"']
            current.append(f"a{layer}_{j}")
        previous = current
    loss = " + ".join(f"half_squared_error({a}, y_{k})" for k, a in enumerate(previous, 1))
    lines += ["", "[parameters]", *[f"{p} = {rng.uniform(-1, 1):.2f}" for p in params]]
    lines += ["", "[network]", *network, f'L = "{loss}"', "", "[training]", "learning_rate = 0.5"]
    return "\n".join(lines) + "\n"


def wide_spec(width: int) -> str:
    """The 4-width-width-1 sigmoid MLP of :func:`symbackprop.mlp` as a spec."""
    from symbackprop import mlp

    net = mlp([4, width, width, 1], seed=0, learning_rate=0.5, view="scalar")
    values = {s.name: float(v) for s, v in net.values.items()}
    lines = [f'title = "{net.title}"']
    for section, group in (("inputs", net.inputs), ("targets", net.targets), ("parameters", net.parameters)):
        lines += ["", f"[{section}]", *[f"{s.name} = {values[s.name]!r}" for s in group]]
    lines += ["", "[network]"]
    for d in net.definitions:
        lines.append(f'{d.symbol.name} = "{d.expr}"')
    lines += ["", "[training]", "learning_rate = 0.5"]
    return "\n".join(lines) + "\n"


def _walkthrough(spec: Path, fmt: str, check: bool, out: Path) -> None:
    argv = ["walkthrough", str(spec), "--format", fmt, "-o", str(out)]
    if cli(argv if check else [*argv, "--no-check"]) != 0:
        raise SystemExit(f"walkthrough of {spec} failed")


def exponent(small: tuple[float, float], large: tuple[float, float]) -> float:
    """``log(t_large / t_small) / log(n_large / n_small)`` for ``(n, t)`` pairs."""
    return math.log(large[1] / small[1]) / math.log(large[0] / small[0])


def growth(specs: dict[int, str], repeat: int, tmp: Path, label: str) -> None:
    """Time the walkthrough of each spec (nodes -> text); print medians and the exponents."""
    paths = {}
    for nodes, text in specs.items():
        paths[nodes] = tmp / f"net{nodes}.toml"
        paths[nodes].write_text(text, encoding="utf-8")
    print(f"{label}: CPU medians of {repeat} runs (wall in parentheses)\n")
    print(f"{'':<18}" + "".join(f"{n:>26} nodes" for n in specs) + "   exponent  bytes-exponent")
    for fmt in ("md", "tex"):
        for check in (False, True):
            out = tmp / f"out.{fmt}"
            _walkthrough(paths[min(specs)], fmt, check, out)  # warm: imports, templates
            times: dict[int, Timing] = {}
            sizes: dict[int, int] = {}
            for nodes, path in paths.items():
                times[nodes] = measure(partial(_walkthrough, path, fmt, check, out), repeat)
                sizes[nodes] = out.stat().st_size
            lo, hi = min(times), max(times)
            k = exponent((lo, times[lo].cpu), (hi, times[hi].cpu))
            kb = exponent((sizes[lo], times[lo].cpu), (sizes[hi], times[hi].cpu))
            name = f"{fmt}, check {'on' if check else 'off'}"
            cells = "".join(f"{times[n].text(9):>32}" for n in times)
            print(f"{name:<18}{cells}   {k:8.2f}  {kb:14.2f}")
    print()


def processes(repeat: int) -> None:
    base = measure_process([sys.executable, "-c", "import sympy"], repeat)
    print(f"whole processes: CPU medians of {repeat} runs (wall in parentheses)\n")
    print(f"{'process':<46} {'time':>28} {'ratio':>6}")
    label = 'python -c "import sympy" (baseline)'
    print(f"{label:<46} {base.text(9):>28} {1:>6.2f}")
    targets = {"tiny.toml": 1.0, "two_layer.toml": 1.5}
    for spec, fmt in (("tiny.toml", "md"), ("tiny.toml", "tex"), ("two_layer.toml", "md")):
        argv = [sys.executable, "-m", "symbackprop", "walkthrough", f"examples/{spec}", "--format", fmt]
        t = measure_process(argv, repeat)
        verdict = "met" if t.cpu <= targets[spec] else "NOT met"
        label = f"walkthrough {spec} --format {fmt}"
        print(f"{label:<46} {t.text(9):>28} {t / base:>6.2f}  (target <= {targets[spec]} s: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wide", action="store_true", help="also the 4-n-n-1 networks (slow)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        deep = {10 * d + 1: chain_spec(d, 5) for d in DEPTHS}
        growth(deep, args.repeat, Path(tmp), "five units wide, 5/10/20 layers (target: exponent <= 1.2)")
        if args.wide:
            wide = {4 * w + 3: wide_spec(w) for w in WIDE}
            growth(wide, max(1, args.repeat // 2), Path(tmp), "4-n-n-1 (parameters grow as nodes squared)")
    processes(args.repeat)


if __name__ == "__main__":
    main()
