"""Benchmark: ``derive`` against the same reverse accumulation in symengine, and against naive ``sympy.diff``.

On sigmoid MLPs with 280, 1,072, 4,192 and 16,576 parameters (8-16-8,
16-32-16, 32-64-32, 64-128-64, half squared error), measured in one run:

* **symbolic**: ``derive(network, evaluate_point=False)``: every local
  derivative (raw and in node names) and every backward step, from which the
  Leibniz factors, the general form and the closed form are read;
* **full**: ``derive(network)``, the same with the value of everything at the
  network's point (30 digits): the figure the targets name;
* **symengine**: the same reverse accumulation written in symengine, a C++
  engine: each definition differentiated by each of its parents (``diff`` per
  edge) and one adjoint recurrence per symbol.  This is the reference of the
  issue's table.  Two more columns for honesty: symengine differentiating sums
  term by term (as symbackprop does), and symengine with the values at the point
  (100-bit MPFR, the like-for-like of **full**);
* **naive**: ``sympy.diff`` of the fully inlined loss by every parameter, at 280
  parameters only (one run).

Every figure is a median of CPU time (``time.process_time``) with the wall
median beside it; SymPy's cache is cleared before every repeat (symbackprop's
own cache of local-derivative templates is kept: it is part of the design, and
the first derive of the process, which builds it, is printed too).  Targets
(issue 18): full <= 2x symengine at 280 and 1,072 parameters; full < symengine
from 4,192 up; naive >= 500x full at 280.  ``--levels`` also times reading all
four levels for every parameter.  symengine is a dependency of this benchmark
only (``pip install symengine``); without it those columns are skipped.

Run: ``python benchmarks/derive.py [--repeat 5] [--levels] [--no-naive]``.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import statistics
from typing import Any

import sympy
from _timing import Timing, measure, once

from symbackprop.core.builders import mlp
from symbackprop.core.derivation import derive
from symbackprop.errors import SizeLimitError

SHAPES = ([8, 16, 8], [16, 32, 16], [32, 64, 32], [64, 128, 64])
DEPTHS = ([4, 4, 2], [4, 4, 4, 2], [4, 4, 4, 4, 2], [4, 4, 4, 4, 4, 2], [4, 4, 4, 4, 4, 4, 2])
BITS = 100  # symengine's working precision: 30 decimal digits, as symbackprop's


# ------------------------------------------------------------------ symengine


def symengine_network(sizes: list[int]) -> tuple[list[tuple[Any, Any]], list[Any], Any]:
    """The MLP of :func:`mlp` in symengine: ``(definitions, parameters, loss)``, sigmoid written out."""
    import symengine as se

    current = [se.Symbol(f"x_{k}") for k in range(1, sizes[0] + 1)]
    ys = [se.Symbol(f"y_{k}") for k in range(1, sizes[-1] + 1)]
    defs: list[tuple[Any, Any]] = []
    params: list[Any] = []
    for layer, units in enumerate(sizes[1:], start=1):
        nxt = []
        for j in range(1, units + 1):
            ws = [se.Symbol(f"w{layer}_{j}_{k}") for k in range(1, len(current) + 1)]
            b = se.Symbol(f"b{layer}_{j}")
            params += [*ws, b]
            z, a = se.Symbol(f"z{layer}_{j}"), se.Symbol(f"a{layer}_{j}")
            defs.append((z, se.Add(*[w * c for w, c in zip(ws, current)]) + b))
            defs.append((a, 1 / (1 + se.exp(-z))))
            nxt.append(a)
        current = nxt
    loss = se.Symbol("L")
    defs.append((loss, se.Add(*[(a - y) ** 2 / 2 for a, y in zip(current, ys)])))
    return defs, params, loss


def symengine_reverse(
    net: tuple[list[tuple[Any, Any]], list[Any], Any], point: dict | None, term_by_term: bool = False
) -> dict | None:
    """Reverse accumulation in symengine: local derivatives, a recurrence per symbol, values at ``point``.

    Returns ``symbol -> ∂L/∂symbol`` at ``point``, or ``None`` without a point.
    """
    import symengine as se

    defs, params, loss = net
    local, children = _symengine_locals(defs, term_by_term)
    adjoint = {s: se.Symbol(f"dL_d{s}") for s, _ in defs}
    order = [s for s, _ in reversed(defs[:-1])] + params
    for s in order:  # the general form: sum over children of dL/dc * dc/ds
        se.Add(*[(1 if c == loss else adjoint[c]) * local[(c, s)] for c in children[s]])
    if point is None:
        return None
    values = dict(point)
    for s, e in defs:
        values[s] = e.subs({q: values[q] for q in e.free_symbols}).n(BITS, real=True)
    numbers = {k: d.subs({q: values[q] for q in d.free_symbols}).n(BITS, real=True) for k, d in local.items()}
    adj = {loss: se.Integer(1)}
    for s in order:
        adj[s] = se.Add(*[adj[c] * numbers[(c, s)] for c in children[s]])
    return adj


def _symengine_locals(defs: list[tuple[Any, Any]], term_by_term: bool) -> tuple[dict, dict[Any, list[Any]]]:
    """``(of, wrt) -> d of / d wrt`` by symengine's ``diff``, and each symbol's children in order."""
    import symengine as se

    local: dict[tuple[Any, Any], Any] = {}
    children: dict[Any, list[Any]] = {}
    for s, e in defs:
        terms = e.args if term_by_term and isinstance(e, se.Add) else (e,)
        for t in terms:
            for p in t.free_symbols:
                d = se.diff(t, p)
                local[(s, p)] = local[(s, p)] + d if (s, p) in local else d
                if not children.get(p) or children[p][-1] != s:
                    children.setdefault(p, []).append(s)
    return local, children


def symengine_point(network: Any) -> dict:
    import symengine as se

    return {se.Symbol(s.name): se.Rational(int(v.p), int(v.q)) for s, v in network.values.items()}


# ------------------------------------------------------------------ symbackprop


def naive(network: Any) -> None:
    loss = network.inlined()
    for p in network.parameters:
        sympy.diff(loss, p)


def all_levels(network: Any) -> None:
    """Derive with the point, then read the Leibniz factors, general and closed forms of every parameter."""
    d = derive(network)
    for p in network.parameters:
        d.leibniz(p)
        d.general_form(p)
        with contextlib.suppress(SizeLimitError):
            d.closed_form(p)


def fit(xs: list[float], ys: list[float]) -> float:
    """Slope of log(y) against log(x), least squares."""
    lx, ly = [math.log(v) for v in xs], [math.log(v) for v in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _have_symengine() -> bool:
    try:
        import symengine  # noqa: F401
    except ImportError:
        print("symengine is not installed (pip install symengine): its columns are skipped\n")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--levels", action="store_true", help="also time reading all four levels")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive sympy.diff baseline")
    args = parser.parse_args()
    se_ok = _have_symengine()
    cold = once(lambda: derive(mlp(SHAPES[0], seed=0, view="scalar"), evaluate_point=False), clear_cache=True)
    print(f"first symbolic derive of the process (builds the template cache): {cold.text()}")
    print(f"CPU medians of {args.repeat} runs (wall medians in parentheses); ratios are of CPU medians\n")
    rows: dict[int, dict[str, Timing]] = {}
    for sizes in SHAPES:
        net = mlp(sizes, seed=0, view="scalar")
        rows[len(net.parameters)] = r = _measure(sizes, net, args.repeat, se_ok, args.levels)
        print(f"{'-'.join(map(str, sizes))} ({len(net.parameters):,} parameters)")
        for key, label in LABELS.items():
            if key in r:
                print(f"  {label:<40} {r[key].text()}")
        print()
    if se_ok:
        _targets(rows)
    if not args.no_naive:
        _naive(rows)
    _exponents(rows, args.repeat)


LABELS = {
    "symbolic": "symbackprop derive, symbolic",
    "full": "symbackprop derive, with the point",
    "levels": "  + all four levels of every parameter",
    "se_edge": "symengine, diff per edge",
    "se_term": "symengine, diff term by term",
    "se_point": "symengine, diff per edge + values",
}


def _measure(sizes: list[int], net: Any, repeat: int, se_ok: bool, levels: bool) -> dict[str, Timing]:
    r = {
        "symbolic": measure(lambda: derive(net, evaluate_point=False), repeat, clear_cache=True),
        "full": measure(lambda: derive(net), repeat, clear_cache=True),
    }
    if se_ok:
        snet, point = symengine_network(sizes), symengine_point(net)
        r["se_edge"] = measure(lambda: symengine_reverse(snet, None), repeat)
        r["se_term"] = measure(lambda: symengine_reverse(snet, None, term_by_term=True), repeat)
        r["se_point"] = measure(lambda: symengine_reverse(snet, point), repeat)
    if levels:
        r["levels"] = measure(lambda: all_levels(net), max(1, repeat // 2), clear_cache=True)
    return r


def _targets(rows: dict[int, dict[str, Timing]]) -> None:
    print("ratios (CPU)                 " + "".join(f"{n:>10,}" for n in rows))
    for num, den, label in (
        ("full", "se_edge", "full / symengine"),
        ("full", "se_point", "full / symengine+values"),
        ("symbolic", "se_edge", "symbolic / symengine"),
        ("symbolic", "se_term", "symbolic / symengine tbt"),
    ):
        print(f"  {label:<27}" + "".join(f"{r[num] / r[den]:>9.2f}x" for r in rows.values()))
    print("\ntargets (issue 18), on full / symengine (diff per edge):")
    for n, r in rows.items():
        ratio = r["full"] / r["se_edge"]
        ok = ratio <= 2 if n < 4192 else ratio < 1
        want = "<= 2x" if n < 4192 else "< 1x"
        print(f"  {n:>6,} parameters: {ratio:6.2f}x  (target {want}: {_verdict(ok)})")
    print()


def _naive(rows: dict[int, dict[str, Timing]]) -> None:
    net = mlp(SHAPES[0], seed=0, view="scalar")
    base = once(lambda: naive(net), clear_cache=True)
    r = rows[len(net.parameters)]
    print(f"naive sympy.diff of the inlined loss, 280 parameters, one run: {base.text()}")
    ratio = base / r["full"]
    print(f"  naive / full derive:     {ratio:8.0f}x  (target >= 500x: {_verdict(ratio >= 500)})")
    print(f"  naive / symbolic derive: {base / r['symbolic']:8.0f}x\n")


def _exponents(rows: dict[int, dict[str, Timing]], repeat: int) -> None:
    ns = list(rows)
    for key in ("symbolic", "full"):
        print(f"exponent of {key} time vs parameters: {fit(ns, [rows[n][key].cpu for n in ns]):.2f}")
    nets = [mlp(s, seed=0, view="scalar") for s in DEPTHS]
    depth = [measure(lambda n=n: derive(n, evaluate_point=False), repeat, clear_cache=True).cpu for n in nets]
    layers = [len(s) - 1 for s in DEPTHS]
    print(f"exponent of symbolic time vs depth (width 4): {fit(layers, depth):.2f}  (linear = 1)")


if __name__ == "__main__":
    main()
