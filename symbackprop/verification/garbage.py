"""Fewer garbage collections while a document is verified.

Verifying a long document builds millions of small objects (SymPy trees,
parsed sides, numbers) that live until the report is made.  Python's cyclic
collector, with its default thresholds, walks every one of them again at each
full collection: on a 10,000-equation document nine full collections took
about 1.3 s of 10.  Nearly nothing verify builds is cyclic garbage (reference
counting frees it), so while a document is verified the youngest generation
is collected ten times less often, which leaves the full collections out of a
run of that size; the thresholds are restored afterwards.

Judging then adds its own objects to a document already read: :func:`set_aside`
moves what exists when a part starts being judged out of the collector's sight
(``gc.freeze``) and back when it is done, so the collections that still happen
skip the document.  It does so only when nothing is frozen already: a caller's
own ``gc.freeze()`` (a server before it forks) is never undone.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["YOUNG_THRESHOLD", "fewer_collections", "set_aside"]

#: Allocations (net of frees) between two collections of the youngest generation (Python's default: 700).
YOUNG_THRESHOLD = 10_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block, the youngest generation is collected at :data:`YOUNG_THRESHOLD` allocations
    at the least (a higher threshold already set is kept); the thresholds are restored on the way out.

    Blocks may nest or overlap (verify in several threads): the first one in raises the threshold and
    the last one out restores what it found.
    """
    with _LOCK:
        found = _SAVED[0] if _SAVED else gc.get_threshold()
        if not _SAVED:
            gc.set_threshold(max(found[0], YOUNG_THRESHOLD), *found[1:])
        _SAVED.append(found)
    try:
        yield
    finally:
        with _LOCK:
            restore = _SAVED.pop()
            if not _SAVED:
                gc.set_threshold(*restore)


#: The thresholds found by the first block in, once per block open (see :func:`fewer_collections`).
_SAVED: list[tuple[int, ...]] = []
_LOCK = threading.Lock()


@contextlib.contextmanager
def set_aside() -> Iterator[None]:
    """Within the block, the objects alive when it starts are frozen (see the module's docstring);
    unfrozen on the way out by the block that froze them.  A no-op when anything is frozen already:
    the caller's, or another block's (verify in several threads)."""
    with _LOCK:
        mine = gc.get_freeze_count() == 0
        if mine:
            gc.freeze()
    try:
        yield
    finally:
        if mine:
            with _LOCK:
                gc.unfreeze()
