"""Timing helpers shared by the benchmark scripts: medians, in-process and whole-process."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
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


def interleaved_times(
    fns: Mapping[str, Callable[[], object]], repeat: int, number: int = 1
) -> dict[str, float]:
    """Median time per call of each function, measured in turns.

    Each round runs every function ``number`` times in a row, one function
    after another, so a noisy moment of the machine falls on all of them
    alike; the result is the median over ``repeat`` rounds.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - t) / number)
    return {name: statistics.median(ts) for name, ts in times.items()}


def process_time(argv: Sequence[str], repeat: int) -> float:
    """Median wall time of a whole process, run from the repository root."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(list(argv), check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)
