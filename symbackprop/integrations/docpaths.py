"""Which spec files the docs integrations may read: the docs project, and what its configuration adds.

A page names a spec file, and whoever writes pages is not always whoever runs
the build (a pull request to the docs, a shared wiki).  So the Sphinx and MkDocs
integrations read a spec only if its real path, symlinks resolved, is under the
docs project root (the Sphinx source directory, the folder of ``mkdocs.yml``) or
under a path the project's configuration allows (``symbackprop_allowed_paths``
in ``conf.py``, ``allowed_paths`` in ``mkdocs.yml``).  A refused path is checked
before anything is opened, so the error names the path as written and nothing
of the file (not even whether it exists).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import InputError

__all__ = ["allowed_roots", "checked_path", "is_allowed"]


def allowed_roots(paths: Iterable[str | os.PathLike[str]], base: str | None = None) -> tuple[Path, ...]:
    """The files and folders specs may be read from, each resolved (symlinks followed).

    Args:
        paths: The docs project root first, then what the configuration allows.
        base: The folder relative entries start from (default: the working directory).
    """
    start = Path(base) if base is not None else Path()
    return tuple(dict.fromkeys((start / Path(p)).resolve() for p in paths))


def is_allowed(path: str | os.PathLike[str], roots: Sequence[Path]) -> bool:
    """Whether ``path``, symlinks resolved, is one of ``roots`` or lies under one of them."""
    real = Path(path).resolve()
    return any(real == r or r in real.parents for r in roots)


def checked_path(path: str | os.PathLike[str], shown: str, roots: Sequence[Path], *, option: str) -> Path:
    """``path`` resolved, if allowed; else :class:`InputError` naming ``shown`` (never the file's text).

    Args:
        path: The path to read (absolute, or relative to the working directory).
        shown: The path as the page wrote it, for the message.
        roots: From :func:`allowed_roots`.
        option: The setting that allows more, named in the message.
    """
    if not is_allowed(path, roots):
        where = ", ".join(str(r) for r in roots)
        msg = f"spec file {shown!r} is outside the docs project ({where}); list it in {option} to read it"
        raise InputError(msg)
    return Path(path).resolve()
