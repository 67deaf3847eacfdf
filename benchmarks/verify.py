"""Benchmark: ``symbackprop verify`` on generated documents of 100 and 1,000 equations.

The document is a hand-style walkthrough of a one-hidden-layer sigmoid network
with n hidden units (8 equations per unit: two definitions, four backward
steps with numbers, two updates).  For each size it prints the medians of

* the whole process ``python -m symbackprop verify DOC`` (start-up included;
  the issue's budget is 2 s for 100 equations),
* ``verify()`` in process, per equation,
* the baseline measured in the same run: plain ``latex2sympy`` (the library's
  default configuration) on every side of every equation, per equation,

and the ratio verify / baseline.  The baseline only parses (and misreads
gradient fractions); verify also derives and judges.

Run: ``python benchmarks/verify.py [--repeat 5] [--sizes 100 1000]``.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path

import sympy
from timing import median_time

from symbackprop.core.derivation import derive
from symbackprop.core.functions import half_squared_error, sigmoid
from symbackprop.core.network import Network
from symbackprop.notation.latex_input import split_relations
from symbackprop.output.numbers import shown
from symbackprop.verification import verify


def document(units: int) -> str:
    """A correct walkthrough with ``8 * units`` equations (plus the loss lines)."""
    x, y, out, L = sympy.symbols("x y out L", real=True)
    w = sympy.symbols(f"w_1:{units + 1}", real=True)
    v = sympy.symbols(f"v_1:{units + 1}", real=True)
    z = sympy.symbols(f"z_1:{units + 1}", real=True)
    a = sympy.symbols(f"a_1:{units + 1}", real=True)
    defs = []
    values = {x: 1.0, y: 0.0}
    for i in range(units):
        defs += [(z[i], w[i] * x), (a[i], sigmoid(z[i]))]
        values[w[i]] = round(0.1 + 0.8 * i / max(units - 1, 1), 2)
        values[v[i]] = round(0.5 - 0.6 * i / max(units - 1, 1), 2)
    defs += [(out, sympy.Add(*[v[i] * a[i] for i in range(units)])), (L, half_squared_error(out, y))]
    net = Network(defs, inputs=[x], targets=[y], parameters=[*w, *v], values=values, learning_rate=0.1)
    ev = derive(net).evaluation

    def n(value) -> str:
        return shown(value, 4).text

    lines = ["# Generated walkthrough", "", "`x = 1.0`, `y = 0.0`, learning rate `0.1`.", ""]
    for i in range(units):
        lines.append(f"`w_{i + 1} = {values[w[i]]}`, `v_{i + 1} = {values[v[i]]}`")
    lines.append("")
    for i in range(units):
        k = f"{{{i + 1}}}"
        lines += [f"$$z_{k} = w_{k} x = {n(ev.values[z[i]])}$$", ""]
        lines += [f"$$a_{k} = \\sigma(z_{k}) \\approx {n(ev.values[a[i]])}$$", ""]
    terms = " + ".join(f"v_{{{k}}} a_{{{k}}}" for k in range(1, units + 1))
    lines += [f"$$out = {terms}$$", "", "$$L = \\frac{1}{2}(out - y)^2$$", ""]
    g = ev.adjoints
    for i in range(units):
        k = f"{{{i + 1}}}"
        lines += [
            f"$$\\frac{{\\partial L}}{{\\partial a_{k}}} = (out - y) v_{k} \\approx {n(g[a[i]])}$$",
            "",
            f"$$\\frac{{\\partial a_{k}}}{{\\partial z_{k}}} = a_{k}(1 - a_{k}) "
            f"\\approx {n(ev.local[(a[i], z[i])])}$$",
            "",
            f"$$\\frac{{\\partial L}}{{\\partial w_{k}}} = \\frac{{\\partial L}}{{\\partial a_{k}}} "
            f"\\frac{{\\partial a_{k}}}{{\\partial z_{k}}} x \\approx {n(g[w[i]])}$$",
            "",
            f"$$\\frac{{\\partial L}}{{\\partial v_{k}}} = (out - y) a_{k} \\approx {n(g[v[i]])}$$",
            "",
            f"$$w_{k}^{{+}} = w_{k} - \\eta \\frac{{\\partial L}}{{\\partial w_{k}}} "
            f"\\approx {n(ev.updates[w[i]])}$$",
            "",
            f"$$v_{k}^{{+}} = v_{k} - \\eta \\frac{{\\partial L}}{{\\partial v_{k}}} "
            f"\\approx {n(ev.updates[v[i]])}$$",
            "",
        ]
    return "\n".join(lines)


def baseline(text: str) -> int:
    """Plain latex2sympy on every side of every equation; returns the side count."""
    from latex2sympy2_extended import latex2sympy

    from symbackprop.verification.documents import read_document

    count = 0
    for frag in read_document(text, "md").fragments:
        for sides, _ in split_relations(frag.text):
            for side in sides:
                count += 1
                with contextlib.suppress(Exception):  # it fails on gradient fractions; timed anyway
                    latex2sympy(side)
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    args = ap.parse_args()
    head = f"{'equations':>9} {'process s':>10} {'verify ms/eq':>13} {'latex2sympy ms/eq':>18} {'ratio':>6}"
    print(head + "  verdicts")
    for size in args.sizes:
        units = max(1, round((size - 2) / 8))
        text = document(units)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "walkthrough.md"
            path.write_text(text)
            report = verify(path)
            n = len(report.findings)
            counts = report.counts()
            command = [sys.executable, "-m", "symbackprop", "verify", str(path)]
            proc = median_time(
                lambda command=command: subprocess.run(
                    command,
                    capture_output=True,
                    check=False,
                ),
                args.repeat,
            )
            ours = median_time(lambda path=path: verify(path), args.repeat) / n
            base = median_time(lambda text=text: baseline(text), max(1, args.repeat // 2)) / n
        verdicts = f"{counts['ok']} ok / {counts['wrong']} wrong / {counts['not checked']} not checked"
        print(f"{n:>9} {proc:>10.2f} {ours * 1e3:>13.2f} {base * 1e3:>18.2f} {ours / base:>6.2f}  {verdicts}")


if __name__ == "__main__":
    main()
