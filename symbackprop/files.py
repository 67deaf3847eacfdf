"""Reading user files with clear errors, and writing output atomically.

Every command reads and writes through here so that a missing file is one
clear line, and a failed run never leaves a half-written output file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError

__all__ = ["MAX_INPUT_BYTES", "read_text", "write_atomic"]

#: Largest input file read (specs, documents, templates): 5 MB.
MAX_INPUT_BYTES = 5_000_000


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """Read a UTF-8 text file, or raise :class:`InputError` naming it."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_INPUT_BYTES:
            msg = f"{what} is {size} bytes; the limit is {MAX_INPUT_BYTES}"
            raise InputError(msg, file=str(path))
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory", file=str(path)) from None
    except PermissionError:
        raise InputError(f"{what} is not readable (permission denied)", file=str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read {what}: {e.strerror or e}", file=str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{what} is not UTF-8 text (byte {e.start})", file=str(path)) from None


def write_atomic(path: str | os.PathLike[str], text: str | bytes) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Either the whole new content is there afterwards, or the old file (or no
    file) is left untouched.
    """
    target = Path(path)
    package = Path(__file__).resolve().parent
    if package == target.resolve().parent or package in target.resolve().parents:
        raise InputError("refusing to write inside the installed symbackprop package", file=str(path))
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("cannot write output: its directory does not exist", file=str(path))
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write output: {e.strerror or e}", file=str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
