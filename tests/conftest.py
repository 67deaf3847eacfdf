"""Shared test fixtures: paths, golden files, the seed network, and the ``requires`` marker."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from tools import check_markers

# Property tests explore the same examples on every run, so CI is reproducible; run
# `pytest --hypothesis-profile=explore` to let Hypothesis draw fresh examples.
settings.register_profile("default", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile("default")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = ROOT.parent / "shared" / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files from the current output (then read them before committing)",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or, with SYMBACKPROP_REQUIRE_TOOLS set, fail) a test whose system tool is missing."""
    check_markers(item.iter_markers("requires"))


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, text)``: compare ``text`` with tests/golden/NAME, whole."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden and read it"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from golden file {path}"

    return check
