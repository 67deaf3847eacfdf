"""Timing helpers shared by the benchmark scripts: medians, in-process and whole-process."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn: Callable[[], object], repeat: int, *, clear_cache: bool = False) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs; optionally clear SymPy's cache first."""
    from sympy.core.cache import clear_cache as clear

    times = []
    for _ in range(repeat):
        if clear_cache:
            clear()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def process_time(argv: Sequence[str], repeat: int) -> float:
    """Median wall time of a whole process, run from the repository root."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(list(argv), check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)
