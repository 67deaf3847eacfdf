"""Reading and writing user files (issue 17: S3, H4, D1-D4, B6).

Special files (FIFOs, sockets, device nodes) are made in ``tmp_path``; no test
writes to a real ``/dev`` node, and ``/dev/null`` and ``/dev/zero`` are only
named as inputs.  A FIFO is never opened without a reader: the tests check that
it is refused before anything opens it, under a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EXAMPLES

from symbackprop import files
from symbackprop.cli import main
from symbackprop.errors import InputError
from symbackprop.files import check_not_input, read_snapshot, read_text, write_atomic

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "verify"
TINY = EXAMPLES / "tiny.toml"
BOM = b"\xef\xbb\xbf"


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Fail instead of hanging (say, on opening a FIFO that has no writer)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _memory_cap(extra: int = 2 << 30) -> Iterator[None]:
    """Fail with MemoryError instead of eating the machine if a read is ever unbounded again."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    status = Path("/proc/self/status").read_text()
    used = int(status.split("VmSize:")[1].split()[0]) * 1024
    cap = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    if len(str(path)) > 100:
        pytest.skip("path too long for a Unix socket")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()  # the socket file stays
    return path


def _char_device(path: Path) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null's node
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


SPECIAL = [
    (_fifo, "FIFO", stat.S_ISFIFO),
    (_socket, "socket", stat.S_ISSOCK),
    (_char_device, "character device", stat.S_ISCHR),
    (_directory, "directory", stat.S_ISDIR),
]
SPECIAL_IDS = ["fifo", "socket", "char-device", "directory"]


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


# ------------------------------------------------------------------ H4: inputs


@pytest.mark.parametrize(("make", "kind", "is_kind"), SPECIAL, ids=SPECIAL_IDS)
def test_special_files_are_refused_as_input_without_being_opened(make, kind, is_kind, tmp_path):
    path = make(tmp_path / "spec.toml")
    with _deadline(20), pytest.raises(InputError) as info:
        read_text(path, "spec")
    assert str(info.value) == f"{path}: spec is a {kind}, not a regular file"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"], ids=["null", "zero"])
def test_derive_refuses_a_device_in_process(device, capsys):
    if not os.path.exists(device) or not Path("/proc/self/status").exists():
        pytest.skip(f"needs {device} and /proc")
    with _deadline(60), _memory_cap():
        assert main(["derive", device]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line == f"error: {device}: spec is a character device, not a regular file"


def test_derive_dev_zero_exits_2_promptly_as_subprocess():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")

    def limit_memory() -> None:  # if the bound ever breaks, fail instead of eating the machine
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
    )
    assert out.returncode == 2, out.stderr
    assert _one_error_line(out.stderr) == "error: /dev/zero: spec is a character device, not a regular file"


def test_a_fifo_spec_is_refused_as_subprocess(tmp_path):
    fifo = _fifo(tmp_path / "spec.toml")
    out = subprocess.run(
        [sys.executable, "-m", "symbackprop", "derive", str(fifo)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert _one_error_line(out.stderr) == f"error: {fifo}: spec is a FIFO, not a regular file"


def test_the_read_is_bounded_whatever_st_size_says(monkeypatch):
    """Files in /proc report st_size 0; the reader stops at the limit anyway."""
    status = Path("/proc/self/status")
    if not status.is_file() or status.stat().st_size != 0:
        pytest.skip("needs a /proc file whose st_size is 0")
    monkeypatch.setattr(files, "MAX_INPUT_BYTES", 100)
    with pytest.raises(InputError, match=r"spec is more than 100 bytes; the limit is 100"):
        read_text(status, "spec")


def test_a_regular_file_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (files.MAX_INPUT_BYTES + 1))
    with pytest.raises(InputError, match=rf"spec is {files.MAX_INPUT_BYTES + 1} bytes; the limit is"):
        read_text(big, "spec")


# ------------------------------------------------------------------ B6: byte-order mark


def test_a_spec_with_a_byte_order_mark_derives_the_same(tmp_path, capsys):
    plain = tmp_path / "plain.toml"
    plain.write_bytes(TINY.read_bytes())
    marked = tmp_path / "marked.toml"
    marked.write_bytes(BOM + TINY.read_bytes())
    assert main(["derive", str(plain), "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert main(["derive", str(marked), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert read_text(marked) == TINY.read_text(encoding="utf-8")


def test_a_bad_byte_is_reported_at_its_offset_in_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(BOM + b"ab\xff")
    with pytest.raises(InputError, match=r"spec is not UTF-8 text \(byte 5\)"):
        read_text(bad, "spec")


def test_in_place_keeps_a_documents_byte_order_mark(tmp_path):
    plain = tmp_path / "plain" / "doc.md"
    plain.parent.mkdir()
    shutil.copy(FIXTURES / "bce_walkthrough.md", plain)
    marked = tmp_path / "marked" / "doc.md"
    marked.parent.mkdir()
    marked.write_bytes(BOM + plain.read_bytes())
    assert main(["verify", str(plain), "--annotate", "--in-place"]) == 1
    assert main(["verify", str(marked), "--annotate", "--in-place"]) == 1
    assert marked.read_bytes() == BOM + plain.read_bytes()
    assert plain.read_bytes() != (FIXTURES / "bce_walkthrough.md").read_bytes()  # it was annotated


# ------------------------------------------------------------------ S3: outputs


@pytest.mark.parametrize(("make", "kind", "is_kind"), SPECIAL, ids=SPECIAL_IDS)
def test_special_files_are_never_replaced_by_output(make, kind, is_kind, tmp_path):
    path = make(tmp_path / "out.md")
    with _deadline(20), pytest.raises(InputError) as info:
        write_atomic(path, "text\n")
    assert str(info.value) == f"{path}: refusing to replace a {kind} with a regular file"
    assert is_kind(os.lstat(path).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temporary file left


def test_walkthrough_refuses_a_fifo_and_a_link_to_one(tmp_path, capsys):
    fifo = _fifo(tmp_path / "out.md")
    link = tmp_path / "link.md"
    link.symlink_to(fifo)
    for target in (fifo, link):  # a link to a FIFO is what /dev/stdout is, in a pipe
        with _deadline(60):
            assert main(["walkthrough", str(TINY), "-o", str(target)]) == 2
        line = _one_error_line(capsys.readouterr().err)
        assert line == f"error: {target}: refusing to replace a FIFO with a regular file"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and link.is_symlink()


def test_new_and_regular_files_are_written_with_their_mode_kept(tmp_path):
    new = tmp_path / "new.md"
    write_atomic(new, "one\n")
    assert new.read_text() == "one\n"
    old = tmp_path / "old.md"
    old.write_text("old\n")
    old.chmod(0o640)
    write_atomic(old, b"two\n")
    assert old.read_text() == "two\n" and stat.S_IMODE(old.stat().st_mode) == 0o640


# ------------------------------------------------------------------ D1: never over an input


def _alias(kind: str, original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Another name for ``original``: the same path, ./relative, a symlink or a hard link."""
    if kind == "same":
        return str(original)
    if kind == "relative":
        monkeypatch.chdir(original.parent)
        return os.path.join(".", "sub", "..", original.name)
    link = tmp_path / f"alias{original.suffix}"
    if kind == "symlink":
        link.symlink_to(original)
    else:
        os.link(original, link)
    return str(link)


ALIASES = ["same", "relative", "symlink", "hardlink"]


@pytest.mark.parametrize("alias", ALIASES)
def test_walkthrough_never_writes_over_its_spec(alias, tmp_path, monkeypatch, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_bytes(TINY.read_bytes())
    (tmp_path / "sub").mkdir()
    out = _alias(alias, spec, tmp_path, monkeypatch)
    assert main(["walkthrough", str(spec), "-o", out]) == 2
    assert "refusing to write over it" in _one_error_line(capsys.readouterr().err)
    assert spec.read_bytes() == TINY.read_bytes()


def test_walkthrough_never_writes_over_its_template(tmp_path, capsys):
    template = tmp_path / "notes.md.j2"
    template.write_text("{{ title }}\n")
    assert main(["walkthrough", str(TINY), "--template", str(template), "-o", str(template)]) == 2
    assert "refusing to write over it" in _one_error_line(capsys.readouterr().err)
    assert template.read_text() == "{{ title }}\n"


def test_train_plot_never_writes_over_its_spec(tmp_path, capsys):
    spec = tmp_path / "spec.svg"  # a spec may have any name, even a plot's
    spec.write_bytes(TINY.read_bytes())
    link = tmp_path / "loss.svg"
    link.symlink_to(spec)
    assert main(["train", str(spec), "--steps", "1", "--plot", str(link), "--quiet"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith("error: --plot: ") and "refusing to write over it" in line
    assert spec.read_bytes() == TINY.read_bytes()


def test_verify_output_never_writes_over_its_spec(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_bytes(TINY.read_bytes())
    doc = shutil.copy(FIXTURES / "tiny_correct.md", tmp_path / "doc.md")
    (tmp_path / "sub").mkdir()
    assert (
        main(
            ["verify", str(doc), "--spec", str(spec), "--annotate", "-o", str(tmp_path / "sub/../spec.toml")]
        )
        == 2
    )
    assert "refusing to write over it" in _one_error_line(capsys.readouterr().err)
    assert spec.read_bytes() == TINY.read_bytes()


def test_check_not_input_ignores_new_paths_and_missing_inputs(tmp_path):
    check_not_input(tmp_path / "new.md", [TINY, None, tmp_path / "missing.toml"], where="-o")


# ------------------------------------------------------------------ D2, D3, D4: --in-place


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    return Path(shutil.copy(FIXTURES / "bce_walkthrough.md", tmp_path / "doc.md"))


def test_in_place_through_a_symlink_rewrites_the_target_and_keeps_the_link(doc, tmp_path, capsys):
    original = doc.read_text()
    link = tmp_path / "link.md"
    link.symlink_to(doc.name)  # relative, as links in a repository are
    assert main(["verify", str(link), "--annotate"]) == 1
    annotated = capsys.readouterr().out
    assert annotated != original
    assert main(["verify", str(link), "--annotate", "--in-place"]) == 1
    assert link.is_symlink() and os.readlink(link) == doc.name
    assert doc.read_text() == annotated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.md", "link.md"]


def test_in_place_refuses_a_read_only_document(doc, tmp_path, capsys):
    original = doc.read_bytes()
    doc.chmod(0o444)
    assert main(["verify", str(doc), "--annotate", "--in-place"]) == 2
    assert _one_error_line(capsys.readouterr().err) == f"error: {doc}: is read-only; not replaced"
    assert doc.read_bytes() == original and stat.S_IMODE(doc.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.md"]


def test_in_place_keeps_a_line_appended_while_verify_runs(doc, tmp_path, monkeypatch, capsys):
    import symbackprop.verification as module

    real = module.verify

    def verify_while_someone_appends(*args, **kwargs):
        report = real(*args, **kwargs)
        with doc.open("a") as f:  # another writer, between the read and the rename
            f.write("a line added meanwhile\n")
        return report

    monkeypatch.setattr(module, "verify", verify_while_someone_appends)
    original = doc.read_text()
    assert main(["verify", str(doc), "--annotate", "--in-place"]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line == f"error: {doc}: changed since it was read; not replaced"
    assert doc.read_text() == original + "a line added meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.md"]


def test_a_same_size_edit_with_the_old_time_stamp_is_still_seen(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("x = 1\n")
    snapshot = read_snapshot(path, "document")
    before = path.stat()
    path.write_text("x = 2\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old time stamp
    with pytest.raises(InputError, match="changed since it was read; not replaced"):
        write_atomic(path, "annotated\n", unchanged_since=snapshot)
    assert path.read_text() == "x = 2\n"


def test_an_unchanged_file_is_replaced(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("x = 1\n")
    snapshot = read_snapshot(path, "document")
    write_atomic(path, "annotated\n", unchanged_since=snapshot)
    assert path.read_text() == "annotated\n"
