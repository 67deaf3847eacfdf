"""Judging a long document without the garbage collector walking the document again and again.

A 10,000-equation document is hundreds of thousands of SymPy objects, read
before judging starts and alive until it ends.  Each full collection while it
is judged walks all of them (about a tenth of judging's time, for no garbage:
they are all in use).  :func:`frozen_heap` moves what exists when a part of the
document starts being judged out of the collector's sight (``gc.freeze``) and
back when it is done (``gc.unfreeze``): what judging makes is still
collected, and nothing is kept longer than the call.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import TypeVar

__all__ = ["frozen_heap"]

T = TypeVar("T")


def frozen_heap(f: Callable[..., T]) -> Callable[..., T]:
    """``f`` run with the objects that exist when it starts frozen (see the module's docstring)."""

    @functools.wraps(f)
    def g(*args: object, **kwargs: object) -> T:
        gc.freeze()
        try:
            return f(*args, **kwargs)
        finally:
            gc.unfreeze()

    return g
