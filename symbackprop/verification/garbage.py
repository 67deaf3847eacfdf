"""Fewer garbage collections while a document is verified.

Verifying a long document builds millions of small objects (SymPy trees,
parsed sides, numbers) that live until the report is made.  Python's cyclic
collector, with its default thresholds, walks every one of them again at each
full collection: on a 10,000-equation document nine full collections took
about 1.3 s of 10.  Nearly nothing verify builds is cyclic garbage (reference
counting frees it), so while a document is verified the youngest generation
is collected ten times less often, which leaves the full collections out of a
run of that size; the thresholds are restored afterwards.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["YOUNG_THRESHOLD", "fewer_collections"]

#: Allocations (net of frees) between two collections of the youngest generation (Python's default: 700).
YOUNG_THRESHOLD = 10_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block, the youngest generation is collected at :data:`YOUNG_THRESHOLD` allocations
    at the least (a higher threshold already set is kept); the thresholds are restored on the way out."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], YOUNG_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
