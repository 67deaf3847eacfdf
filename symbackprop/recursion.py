"""Deep expressions within the documented limits: SymPy's recursion on a big stack.

SymPy walks expression trees recursively (``replace``, ``is_number``, ``cse``,
printing), many Python frames per level of nesting.  The spec reader allows
100 levels; compiling 99 nested ``sigmoid`` calls for the finite-difference
check needs about 1,500 frames, over Python's default limit of 1,000.

:func:`call_deep` (and the :func:`deep` decorator) runs a function in a thread
with a large C stack (address space, committed only as it is used) and a
recursion limit raised to match, so that every command handles what the reader
accepts.  A :class:`RecursionError` that still happens (custom functions calling
custom functions, each deep) becomes a :class:`~symbackprop.errors.SizeLimitError`:
one line, exit 2.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from .errors import SizeLimitError

__all__ = ["RECURSION_LIMIT", "STACK_BYTES", "call_deep", "deep"]

#: Python frames allowed inside :func:`call_deep` (the default is 1,000).
RECURSION_LIMIT = 20_000
#: C stack of the worker thread: room for :data:`RECURSION_LIMIT` frames that each pass through C
#: (about 1.7 kB a frame on CPython 3.11, so 32 MB would do; eight times that, for margin).
STACK_BYTES = 256 * 1024 * 1024

P = ParamSpec("P")
R = TypeVar("R")

_state = threading.local()


def _guarded(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args, **kwargs)``, a :class:`RecursionError` turned into a one-line input error."""
    try:
        return fn(*args, **kwargs)
    except RecursionError:
        msg = (
            "an expression nests too deeply to compile or print (Python's recursion limit was "
            "reached); split it into more nodes"
        )
        raise SizeLimitError(msg) from None


def call_deep(fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
    """Call ``fn`` on a thread with a large stack and a raised recursion limit; return its result.

    Exceptions are re-raised in the caller, tracebacks kept.  Inside such a call
    (nested), ``fn`` runs directly.  Where the platform refuses a large stack,
    ``fn`` runs here with the usual limit.  The recursion limit is process-wide:
    it is raised for the duration of the call and put back afterwards.

    Raises:
        SizeLimitError: ``fn`` still ran out of recursion.
    """
    if getattr(_state, "deep", False):
        return _guarded(fn, *args, **kwargs)
    outcome: list[tuple[bool, Any]] = []

    def target() -> None:
        _state.deep = True
        try:
            outcome.append((True, _guarded(fn, *args, **kwargs)))
        except BaseException as e:  # re-raised in the caller below
            outcome.append((False, e))

    try:
        old_size = threading.stack_size(STACK_BYTES)
    except (ValueError, RuntimeError):  # pragma: no cover - platforms without a settable stack size
        return _guarded(fn, *args, **kwargs)
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=target, name="symbackprop-deep", daemon=True)
        try:
            worker.start()
        except RuntimeError:  # pragma: no cover - no room for the stack (a 32-bit process)
            sys.setrecursionlimit(old_limit)
            return _guarded(fn, *args, **kwargs)
        finally:
            threading.stack_size(old_size)
        worker.join()
    finally:
        sys.setrecursionlimit(old_limit)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def deep(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: every call of ``fn`` goes through :func:`call_deep`."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return call_deep(fn, *args, **kwargs)

    return wrapper
