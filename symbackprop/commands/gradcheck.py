"""``symbackprop gradcheck SPEC``: every gradient against central finite differences."""

from __future__ import annotations

import argparse
from typing import Any

from ..recursion import deep
from .jsonout import print_json
from .options import add_set_option, numeric_spec

HELP = "check every symbolic gradient against central finite differences (exit 1 on a mismatch)"


#: The defaults of :func:`symbackprop.numeric.gradcheck.check`, kept here as data so that --help does
#: not import SymPy (tests/test_startup.py checks that they agree).
DEFAULT_EPS, DEFAULT_RTOL, DEFAULT_ATOL, DEFAULT_DIRECTIONS = 6e-6, 1e-6, 1e-9, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", help="the network spec (TOML)")
    parser.add_argument("--points", type=int, default=0, help="also check N random points (default 0)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random points (default 0)")
    parser.add_argument(
        "--rtol", type=float, default=DEFAULT_RTOL, help=f"relative tolerance (default {DEFAULT_RTOL})"
    )
    parser.add_argument(
        "--atol", type=float, default=DEFAULT_ATOL, help=f"absolute floor (default {DEFAULT_ATOL})"
    )
    parser.add_argument(
        "--eps",
        type=float,
        default=DEFAULT_EPS,
        help=f"relative finite-difference step (default {DEFAULT_EPS})",
    )
    parser.add_argument(
        "--inputs", action="store_true", help="also check the gradients with respect to the inputs"
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="check v.g along a few random directions v instead of every gradient "
        "(2 forward passes per direction; a failure does not say which gradient is wrong)",
    )
    parser.add_argument(
        "--directions",
        type=int,
        default=None,
        metavar="K",
        help=f"random directions per point with --fast (default {DEFAULT_DIRECTIONS})",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    add_set_option(parser)


@deep
def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..numeric import check

    if args.directions is not None and not args.fast:
        raise InputError("--directions: only with --fast (the full check compares every gradient)")
    network = numeric_spec(args.spec, args.set)  # a matrix spec is checked on its own arrays
    report = check(
        network,
        points=args.points,
        seed=args.seed,
        rtol=args.rtol,
        atol=args.atol,
        eps=args.eps,
        inputs=args.inputs,
        fast=args.fast,
        directions=DEFAULT_DIRECTIONS if args.directions is None else args.directions,
    )
    if args.json:
        if print_json(report.to_dict()):
            return 1  # a number that is not finite: not a usable check
    else:
        print(report.format())
        print()
        print(_summary(report))
    return 0 if report.ok else 1


def _settings(report: Any) -> list[str]:
    """What was compared, and how: the first lines under the table."""
    if report.fast:
        return [
            f"{len(report.points)} point(s), seed {report.seed}, {report.directions} random direction(s) v "
            "per point, v_i = r_i*max(1, |theta_i|) with r standard normal",
            f"each row: v.g against (L(theta + eps v) - L(theta - eps v)) / (2 eps), eps {report.eps:g}, "
            f"tolerance {report.atol:g} + {report.rtol:g}*sum|v_i g_i|",
        ]
    return [
        f"{len(report.points)} point(s), seed {report.seed}, tolerance |g_sym - g_num| <= "
        f"{report.atol:g} + {report.rtol:g}*max|g_num|, step {report.eps:g}*max(1, |theta|)"
    ]


def _summary(report: Any) -> str:
    """The lines under the table: the settings, what was not compared, and the verdict."""
    lines = _settings(report)
    kinks = sum(r.ok is None and r.finite for r in report.rows)
    if kinks:
        lines.append(f"{kinks} row(s) not differentiable at the point: not compared")
    if report.failures and report.fast:
        lines.append(
            f"FAILED: the derivatives along {_names(report.failures)} disagree with finite differences; "
            "run gradcheck without --fast to find which gradients are wrong"
        )
    elif report.failures:
        lines.append(f"FAILED: the gradients of {_names(report.failures)} disagree with finite differences")
    if report.not_finite:
        points = ", ".join(str(p) for p in sorted({r.point for r in report.not_finite}))
        what = "the derivatives along" if report.fast else "the gradients of"
        lines.append(
            f"not checked: {what} {_names(report.not_finite)} at point(s) {points}: "
            "a value there is not finite in double precision"
        )
    if report.ok:
        lines.append("ok: every direction agrees" if report.fast else "ok: every gradient agrees")
    return "\n".join(lines)


def _names(rows: Any) -> str:
    """The rows' names, once each, in order."""
    return ", ".join(dict.fromkeys(r.name for r in rows))
