"""Reading user files with clear errors, and writing output atomically.

Every command reads and writes through here so that a missing file is one
clear line, and a failed run never leaves a half-written output file.

What is promised (and tested in ``tests/test_files.py``):

* Inputs must be regular files.  Devices, FIFOs, sockets and directories are
  refused before they are read (a FIFO is never waited on), and every read is
  bounded: at most :data:`MAX_INPUT_BYTES` bytes, whatever ``st_size`` says.
  A leading UTF-8 byte-order mark is dropped.
* Output goes through a temporary file and a rename, and only to a regular
  file or a new path.  A device, FIFO, socket or directory is refused, never
  replaced; ``-o /dev/stdout`` is refused too (leave ``-o`` out to write to
  standard output).  A symlink is written through: its target gets the new
  text and the link stays.  A read-only file is refused.
* :func:`check_not_input` lets a command refuse to write over one of its own
  inputs, whatever path names it (a symlink, a hard link, ``./x`` for ``x``).
* :func:`read_snapshot` remembers what a file was when read; ``write_atomic(...,
  unchanged_since=snapshot)`` refuses to replace it if it changed since (an
  editor saved it, a writer appended to it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = [
    "MAX_INPUT_BYTES",
    "Snapshot",
    "check_not_input",
    "read_snapshot",
    "read_text",
    "same_file",
    "write_atomic",
]

#: Largest input file read (specs, documents, templates): 5 MB.
MAX_INPUT_BYTES = 5_000_000

_BOM = "\ufeff"

#: What a path that is not a regular file is, for messages: (test, name).
_KINDS = (
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def _kind(mode: int) -> str:
    """``"FIFO"``, ``"character device"`` ... for a mode that is not a regular file's."""
    return next((name for test, name in _KINDS if test(mode)), "special file")


@dataclass(frozen=True)
class Snapshot:
    """A file's text as it was read, and what the file was on disk at that moment.

    Attributes:
        path: The path as given.
        text: The decoded text, without a leading byte-order mark.
        bom: Whether the file started with a UTF-8 byte-order mark.
        device, inode, size, mtime_ns: From ``fstat`` of the file as it was opened.
        digest: SHA-256 of the bytes read.
    """

    path: str
    text: str
    bom: bool
    device: int
    inode: int
    size: int
    mtime_ns: int
    digest: str


def _read_error(e: OSError, what: str) -> str:
    """One line for an ``OSError`` met while opening or reading an input."""
    if isinstance(e, FileNotFoundError):
        return f"{what} not found"
    if isinstance(e, IsADirectoryError):
        return f"{what} is a directory"
    if isinstance(e, PermissionError):
        return f"{what} is not readable (permission denied)"
    return f"cannot read {what}: {e.strerror or e}"


def _open_regular(path: str, what: str) -> tuple[int, os.stat_result]:
    """Open ``path`` for reading if it is a regular file; return the descriptor and its ``fstat``.

    The path is checked with ``stat`` before it is opened, so no device or FIFO
    is ever opened, and again with ``fstat`` after (in case it was swapped).
    ``O_NONBLOCK`` keeps a FIFO swapped in between from blocking the open.
    """
    before = os.stat(path)
    if not stat.S_ISREG(before.st_mode):
        raise InputError(f"{what} is a {_kind(before.st_mode)}, not a regular file", file=path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    after = os.fstat(fd)
    if not stat.S_ISREG(after.st_mode):
        os.close(fd)
        raise InputError(f"{what} is a {_kind(after.st_mode)}, not a regular file", file=path)
    return fd, after


def _read_bounded(path: str, what: str) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file, at most :data:`MAX_INPUT_BYTES` of them, and its ``fstat``."""
    try:
        fd, info = _open_regular(path, what)
        if info.st_size > MAX_INPUT_BYTES:
            os.close(fd)
            raise InputError(f"{what} is {info.st_size} bytes; the limit is {MAX_INPUT_BYTES}", file=path)
        with os.fdopen(fd, "rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)  # files in /proc say st_size 0 and may grow
    except OSError as e:
        raise InputError(_read_error(e, what), file=path) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"{what} is more than {MAX_INPUT_BYTES} bytes; the limit is {MAX_INPUT_BYTES}", file=path
        )
    return data, info


def read_snapshot(path: str | os.PathLike[str], what: str = "file") -> Snapshot:
    """Read a UTF-8 text file and remember what it was, or raise :class:`InputError` naming it.

    Args:
        path: The file.  It must be a regular file (or a symlink to one).
        what: What the file is, for messages: ``"spec"``, ``"document"``, ...
    """
    name = str(path)
    data, info = _read_bounded(name, what)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{what} is not UTF-8 text (byte {e.start})", file=name) from None
    bom = text.startswith(_BOM)
    return Snapshot(
        path=name,
        text=text[1:] if bom else text,
        bom=bom,
        device=info.st_dev,
        inode=info.st_ino,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        digest=hashlib.sha256(data).hexdigest(),
    )


def read_text(path: str | os.PathLike[str], what: str = "file") -> str:
    """Read a UTF-8 text file (a leading byte-order mark dropped), or raise :class:`InputError`."""
    return read_snapshot(path, what).text


def _changed(snapshot: Snapshot) -> bool:
    """Whether the file at ``snapshot.path`` is no longer what was read (or cannot be read)."""
    try:
        now = os.stat(snapshot.path)
    except OSError:
        return True
    then = (snapshot.device, snapshot.inode, snapshot.size, snapshot.mtime_ns)
    if (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) != then:
        return True
    try:  # same size and time stamp: compare the bytes too (time stamps can be coarse)
        data, _ = _read_bounded(snapshot.path, "file")
    except InputError:
        return True
    return hashlib.sha256(data).hexdigest() != snapshot.digest


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same existing file (same device and inode, links followed)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_not_input(
    output: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str] | None],
    *,
    where: str,
    hint: str = "",
) -> None:
    """Raise :class:`InputError` if ``output`` is the same file as one of ``inputs``.

    Same file means same device and inode, so a symlink, a hard link or another
    relative path to an input is caught too.  ``None`` inputs are skipped.

    Args:
        output: The path about to be written.
        inputs: The files the command reads.
        where: The option that named ``output`` (``"--output"``, ``"--plot"``).
        hint: Appended to the message, e.g. ``"; use --in-place to rewrite it"``.
    """
    for item in inputs:
        if item is not None and same_file(output, item):
            msg = f"{output} is the input file {item}; refusing to write over it{hint}"
            raise InputError(msg, where=where)


def _output_target(path: str | os.PathLike[str]) -> tuple[Path, os.stat_result | None]:
    """Where ``path`` really is (symlinks resolved) and its ``stat``, or refuse to write there."""
    name = str(path)
    try:
        info: os.stat_result | None = os.stat(name)  # follows symlinks, /dev/stdout included
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise InputError(f"cannot write output: {e.strerror or e}", file=name) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(f"refusing to replace a {_kind(info.st_mode)} with a regular file", file=name)
    target = Path(os.path.realpath(name))
    if info is not None and not same_file(target, name):
        raise InputError("cannot tell which file this path names; not replaced", file=name)
    package = Path(__file__).resolve().parent
    if package == target.parent or package in target.parents:
        raise InputError("refusing to write inside the installed symbackprop package", file=name)
    if info is not None and (not info.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK)):
        raise InputError("is read-only; not replaced", file=name)
    if not target.parent.is_dir():
        raise InputError("cannot write output: its directory does not exist", file=name)
    return target, info


def _copy_metadata(tmp: str, info: os.stat_result | None) -> None:
    """Give the temporary file the old file's mode and (where allowed) owner, or the umask's mode."""
    if info is None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    os.chmod(tmp, info.st_mode & 0o777)
    if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):  # not allowed (not root): it becomes ours, as with any editor
            os.chown(tmp, info.st_uid, info.st_gid)


def write_atomic(
    path: str | os.PathLike[str], text: str | bytes, *, unchanged_since: Snapshot | None = None
) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Either the whole new content is there afterwards, or the old file (or no
    file) is left untouched.  Only a regular file or a new path is written; a
    symlink's target is written and the link kept; a read-only file, a device,
    a FIFO, a socket or a directory is refused with :class:`InputError`.

    Args:
        path: Where to write.
        text: The new content (``str`` is written as UTF-8).
        unchanged_since: The snapshot the new content was made from: if the file
            changed since it was read, it is not replaced (checked just before
            the rename).
    """
    target, info = _output_target(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise InputError(f"cannot write output: {e.strerror or e}", file=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _copy_metadata(tmp, info)
        if unchanged_since is not None and _changed(unchanged_since):
            raise InputError("changed since it was read; not replaced", file=str(path))
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write output: {e.strerror or e}", file=str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
