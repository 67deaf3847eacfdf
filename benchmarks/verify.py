"""Benchmark: ``symbackprop verify`` on documents of 100 to 10,000 equations, and on small hostile inputs.

All figures are medians of CPU time (user + system), which a busy machine
inflates far less than wall time.  Printed beside the targets of issue 13:

* a 100-equation document, the whole process ``python -m symbackprop verify DOC``: <= 1 s;
* 10,000 equations: <= 10 s;
* any input under 10 KB: <= 2 s (the hostile inputs: backticks, dollars, nested
  braces, primes, HTML comments, unclosed blocks, recursive macros ...).

The document is a hand-style walkthrough of a one-hidden-layer sigmoid network
with n hidden units (8 equations per unit: two definitions, four backward steps
with numbers, two updates).  For each size it also prints reading alone
(:func:`read_document`) and the baseline measured in the same run: plain
``latex2sympy`` (the library's default configuration) on every side of every
equation, which only parses (and misreads gradient fractions).

Run: ``python benchmarks/verify.py [--repeat 3] [--sizes 100 1000 10000] [--no-hostile]``.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sympy

import symbackprop
from symbackprop.core.derivation import derive
from symbackprop.core.functions import half_squared_error, sigmoid
from symbackprop.core.network import Network
from symbackprop.notation.latex_input import split_relations
from symbackprop.output.numbers import shown
from symbackprop.verification import verify
from symbackprop.verification.documents import read_document

#: Hidden units summed on one line of the generated document.
BLOCK = 250

#: (what, size, budget in CPU seconds) of the issue's targets.
TARGETS = {"process-100": 1.0, "verify-10000": 10.0, "hostile": 2.0}


def cpu(fn: Callable[[], object], repeat: int) -> float:
    """Median CPU time of ``fn()`` in this process."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def cpu_process(argv: list[str], repeat: int) -> float:
    """Median CPU time (user + system) of a whole child process."""
    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


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
    # the output sums the units in blocks of BLOCK, so that no line exceeds the reader's size limit
    blocks = [range(j, min(j + BLOCK, units)) for j in range(0, units, BLOCK)]
    s = sympy.symbols(f"s_1:{len(blocks) + 1}", real=True)
    defs += [(s[j], sympy.Add(*[v[i] * a[i] for i in block])) for j, block in enumerate(blocks)]
    defs += [(out, sympy.Add(*s)), (L, half_squared_error(out, y))]
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
    for j, block in enumerate(blocks):
        terms = " + ".join(f"v_{{{i + 1}}} a_{{{i + 1}}}" for i in block)
        lines += [f"$$s_{{{j + 1}}} = {terms}$$", ""]
    total = " + ".join(f"s_{{{j + 1}}}" for j in range(len(blocks)))
    lines += [f"$$out = {total}$$", "", "$$L = \\frac{1}{2}(out - y)^2$$", ""]
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


def repeated(count: int) -> str:
    """The security test's document: one small network, then the same derivative ``count`` times."""
    lines = ["# many equations", "", "`x = 1.0`, `w = 0.5`, `y = 0`", "", "$$z = x \\cdot w = 0.5$$", ""]
    lines += ["$$L = \\frac{1}{2}(z - y)^2$$", ""]
    lines += ["$$\\frac{\\partial L}{\\partial w} = (z - y) \\cdot x = 0.5 \\cdot 1 = 0.5$$\n"] * count
    return "\n".join(lines)


def baseline(text: str) -> int:
    """Plain latex2sympy on every side of every equation; returns the side count."""
    from latex2sympy2_extended import latex2sympy

    count = 0
    for frag in read_document(text, "md").fragments:
        for sides, _ in split_relations(frag.text):
            for side in sides:
                count += 1
                with contextlib.suppress(Exception):  # it fails on gradient fractions; timed anyway
                    latex2sympy(side)
    return count


#: Small hostile inputs (name -> (text, format)), each under 10 KB.
HOSTILE = {
    "8,000 backticks": ("`" * 8000, "md"),
    "dollars": ("$" * 8000, "md"),
    "dollar-letter pairs": ("$a" * 4000, "md"),
    "unclosed $$ lines": ("$$a\n" * 2500, "md"),
    "unclosed environments": ("\\begin{align}\n" * 700, "md"),
    "unclosed \\(": ("\\(" * 4000, "md"),
    "HTML comments with $": ("<!-- $ -->" * 900, "md"),
    "nested braces in math": ("$" + "{" * 4000 + "x" + "}" * 4000 + " = 1$", "md"),
    "nested parentheses": ("$$a = " + "(" * 3000 + "1" + ")" * 3000 + "$$", "md"),
    "13 primes": ("$$\\sigma'''''''''''''(z) = 1$$", "md"),
    "20 primes": ("$$\\sigma''''''''''''''''''''(z) = 1$$", "md"),
    "power tower": ("$$a = 9^{9^{9^{9}}}$$", "md"),
    "long sum": ("$$s = " + " + ".join(["0.1"] * 1500) + "$$", "md"),
    "many small equations": ("\n\n".join(f"$x_{{{k}}} = {k}$" for k in range(600)), "md"),
    "continued rows": ("$$\n" + "= a\n" * 2400 + "$$", "md"),
    "table of values": ("| $a=1$ " * 700 + "|\n" + "|---" * 700 + "|\n", "md"),
    "LaTeX braces": ("{" * 5000, "tex"),
    "LaTeX recursive macro": ("\\def\\x{\\x\\x}$y = \\x$", "tex"),
    "LaTeX macro bomb": ("\\newcommand{\\a}{\\b\\b}\\newcommand{\\b}{\\a\\a}$x = \\a$", "tex"),
    "HTML tags": ("<" * 9000, "html"),
    "HTML open \\(": ("<p>" + "\\(" * 4000, "html"),
    "notebook nesting": ("[" * 5000, "ipynb"),
}


#: CPU seconds a hostile input may run before its child process is stopped.
CPU_LIMIT = 30


def one(name: str) -> None:
    """Verify one hostile input in this process and print its CPU time (run as a child)."""
    text, fmt = HOSTILE[name]
    t = time.process_time()
    with contextlib.suppress(Exception):  # a refusal (InputError) is a fine answer
        verify("hostile", text=text, format=fmt)
    print(time.process_time() - t)


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 1))


def hostile(repeat: int) -> None:
    """Each hostile input in a child process limited to :data:`CPU_LIMIT` s (an exponential one stops)."""
    budget = TARGETS["hostile"]
    print(f"\nsmall hostile inputs: verify() CPU s, median of {repeat} (target <= {budget:g} s each)")
    worst = 0.0
    for name, (text, _) in HOSTILE.items():
        assert len(text.encode()) <= 10_240, name
        times = []
        for _ in range(repeat):
            argv = [sys.executable, __file__, "--one", name]
            out = subprocess.run(argv, capture_output=True, text=True, check=False, preexec_fn=_limited)
            times.append(float(out.stdout) if out.returncode == 0 and out.stdout.strip() else float("inf"))
        t = statistics.median(times)
        worst = max(worst, t)
        shown_t = f"{t:>7.3f} s" if t != float("inf") else f"> {CPU_LIMIT} s "
        print(f"  {name:<28} {len(text.encode()):>6} B {shown_t}  {'ok' if t <= budget else 'OVER'}")
    shown_w = f"{worst:>7.3f} s" if worst != float("inf") else f"> {CPU_LIMIT} s "
    print(f"  {'worst':<28} {'':>8} {shown_w}  {'ok' if worst <= budget else 'OVER'}")


def compiled() -> None:
    """Byte-compile the package, as pip does when it installs one: a source tree run with
    ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile every module again in every child process
    (about 0.5 s of each whole-process time)."""
    compileall.compile_dir(Path(symbackprop.__file__).parent, quiet=1)


def sizes(args: argparse.Namespace) -> None:
    compiled()
    print(
        f"{'equations':>9} {'process s':>10} {'verify s':>9} {'read s':>7} "
        f"{'verify ms/eq':>13} {'latex2sympy ms/eq':>18} {'ratio':>7}  verdicts"
    )
    for size in args.sizes:
        units = max(1, round((size - 2) / 8))  # plus one line per block of units
        text = document(units)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "walkthrough.md"
            path.write_text(text)
            report = verify(path)
            n = len(report.findings)
            counts = report.counts()
            repeat = args.repeat if size <= 1000 else 1
            proc = cpu_process([sys.executable, "-m", "symbackprop", "verify", str(path)], repeat)
            ours = cpu(lambda path=path: verify(path), repeat)
            read = cpu(lambda text=text: read_document(text, "md"), repeat)
            base = cpu(lambda text=text: baseline(text), 1) / n if size <= 1000 else float("nan")
        verdicts = f"{counts['ok']} ok / {counts['wrong']} wrong / {counts['not checked']} not checked"
        ratio = f"{ours / n / base:>6.3f}x" if base == base else f"{'-':>7}"  # (nan: not timed, too slow)
        per = f"{ours / n * 1e3:>13.2f} {base * 1e3:>18.2f} {ratio}"
        print(f"{n:>9} {proc:>10.2f} {ours:>9.2f} {read:>7.3f} {per}  {verdicts}")
    text = repeated(10_000)
    t = cpu(lambda: verify("many", text=text, format="md"), 1)
    target = TARGETS["verify-10000"]
    print(f"\n10,000 repeated equations (the security test's document): verify() {t:.2f} s", end="")
    print(f" (target <= {target:g} s)")
    inline = " ".join(f"$x_{{{k}}} = {k}$" for k in range(20_000))
    located = cpu(lambda: read_document(inline, "md"), 1)
    print(f"locating 20,000 inline equations: read_document() {located:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    ap.add_argument("--no-hostile", action="store_true", help="skip the small hostile inputs")
    ap.add_argument("--only-hostile", action="store_true", help="only the small hostile inputs")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.one)
        return
    print(
        f"targets: 100 equations whole process <= {TARGETS['process-100']:g} s; "
        f"10,000 equations <= {TARGETS['verify-10000']:g} s; any input < 10 KB <= {TARGETS['hostile']:g} s\n"
    )
    if not args.only_hostile:
        sizes(args)
    if not args.no_hostile:
        hostile(args.repeat)


if __name__ == "__main__":
    main()
