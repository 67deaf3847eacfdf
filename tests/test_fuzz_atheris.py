"""Coverage-guided fuzzing in CI: a bounded atheris run per target.

These runs are long, so they carry the ``fuzz`` marker: the default ``pytest`` leaves them
out, and ``pytest -m fuzz`` (a step of its own in ``.ci/run``) runs them.  Each run lasts
``SYMBACKPROP_FUZZ_SECONDS`` (default 60) with a fixed seed, on a copy of the kept corpus
under ``tests/fuzz/corpus/``.  A crash (any exception other than SymbackpropError) fails the
test, and the crashing input is reported so it can be kept under ``tests/fuzz/crashes/`` as a
regression case.  Without atheris the test skips, or fails when SYMBACKPROP_REQUIRE_TOOLS is
set (as in CI), so the fuzz step never passes without fuzzing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tools import requires_module

FUZZ = Path(__file__).resolve().parent / "fuzz"
SECONDS = int(os.environ.get("SYMBACKPROP_FUZZ_SECONDS", "60"))


@pytest.mark.slow
@pytest.mark.fuzz
@requires_module("atheris", pip="atheris  # the test extra installs it on Linux, Python < 3.13")
@pytest.mark.parametrize("target", ["spec", "latex"])
def test_atheris_finds_no_crash(target, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FUZZ / "corpus" / target, corpus)
    out = subprocess.run(
        [
            sys.executable,
            str(FUZZ / "fuzz.py"),
            target,
            f"-max_total_time={SECONDS}",
            "-seed=1",
            "-rss_limit_mb=2048",
            "-timeout=20",
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 240,
        cwd=tmp_path,
    )
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-")))
    runs = re.findall(r"Done (\d+) runs in (\d+) second", out.stderr)
    tried, took = runs[-1] if runs else ("?", "?")
    print(f"atheris {target}: {tried} inputs in {took} s, crashes: {crashes}")
    assert out.returncode == 0 and not crashes, out.stderr[-4000:]
