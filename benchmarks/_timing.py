"""Timing helpers for the benchmarks: medians of CPU time and of wall time, in-process and whole-process.

The machines the benchmarks run on are shared, so every figure is reported
twice: the median of CPU time (``time.process_time`` in-process; the child's
user + system time for a whole process), which other load disturbs little, and
the median of wall time.  The CPU medians are the ones the targets are read on.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["ROOT", "Timing", "measure", "measure_interleaved", "measure_process", "once"]


@dataclass(frozen=True)
class Timing:
    """Medians of CPU time and wall time, in seconds."""

    cpu: float
    wall: float

    def __truediv__(self, other: Timing) -> float:
        """The ratio of CPU medians (the figure the targets are read on)."""
        return self.cpu / other.cpu

    def text(self, width: int = 8) -> str:
        """``0.0123 s (wall 0.0150)``, padded."""
        return f"{_seconds(self.cpu):>{width}} (wall {_seconds(self.wall)})"


def _seconds(t: float) -> str:
    return f"{t:.4f}s" if t < 1 else f"{t:.2f}s"


def once(fn: Callable[[], object], *, clear_cache: bool = False) -> Timing:
    """One run of ``fn()``; optionally clear SymPy's cache first."""
    if clear_cache:
        from sympy.core.cache import clear_cache as clear

        clear()
    c, w = time.process_time(), time.perf_counter()
    fn()
    return Timing(time.process_time() - c, time.perf_counter() - w)


def measure(fn: Callable[[], object], repeat: int, *, clear_cache: bool = False) -> Timing:
    """Medians over ``repeat`` runs of ``fn()``; optionally clear SymPy's cache before each."""
    runs = [once(fn, clear_cache=clear_cache) for _ in range(repeat)]
    return Timing(statistics.median(r.cpu for r in runs), statistics.median(r.wall for r in runs))


def measure_interleaved(
    fns: Mapping[str, Callable[[], object]], repeat: int, *, clear_cache: bool = False
) -> dict[str, Timing]:
    """Medians of each function, measured in turns.

    Each round runs every function once, one after another, so that a noisy
    moment of the machine falls on all of them alike.
    """
    runs: dict[str, list[Timing]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            runs[name].append(once(fn, clear_cache=clear_cache))
    return {
        name: Timing(statistics.median(r.cpu for r in rs), statistics.median(r.wall for r in rs))
        for name, rs in runs.items()
    }


def measure_process(argv: Sequence[str], repeat: int, env: Mapping[str, str] | None = None) -> Timing:
    """Medians of a whole process run from the repository root: its CPU time (user + system) and wall time."""
    full_env = {**os.environ, **(env or {})}
    cpu, wall = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(list(argv), check=True, capture_output=True, cwd=ROOT, env=full_env)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return Timing(statistics.median(cpu), statistics.median(wall))
