"""The ``requires`` marker (tests/tools.py): skip naming what to install, or fail in CI."""

from __future__ import annotations

import conftest
import pytest
from tools import REQUIRE_TOOLS, Module, Tool, check, requires_tool

ABSENT = Tool("symbackprop-no-such-tool", debian="no-such-package other-package")


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_TOOLS, raising=False)


@pytest.mark.parametrize("value", [None, "", "0"], ids=["unset", "empty", "zero"])
def test_missing_tool_skips_naming_the_debian_packages(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(REQUIRE_TOOLS, raising=False)
    else:
        monkeypatch.setenv(REQUIRE_TOOLS, value)
    with pytest.raises(pytest.skip.Exception) as skipped:
        check(ABSENT)
    assert str(skipped.value) == (
        "symbackprop-no-such-tool not found; install with: apt-get install no-such-package other-package"
    )


@pytest.mark.parametrize("value", ["1", "yes"], ids=["one", "yes"])
def test_missing_tool_fails_when_tools_are_required(monkeypatch, value):
    monkeypatch.setenv(REQUIRE_TOOLS, value)
    with pytest.raises(pytest.fail.Exception) as failed:
        check(ABSENT)
    message = str(failed.value)
    assert "apt-get install no-such-package other-package" in message
    assert f"{REQUIRE_TOOLS} is set" in message


@pytest.mark.parametrize("value", [None, "1"], ids=["unset", "required"])
def test_present_tool_neither_skips_nor_fails(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(REQUIRE_TOOLS, raising=False)
    else:
        monkeypatch.setenv(REQUIRE_TOOLS, value)
    check(Tool("sh", debian="dash"))  # returns: sh is on every Debian PATH
    check(Module("pytest", pip="pytest"))


@pytest.mark.usefixtures("no_env")
def test_missing_latex_file_is_named() -> None:
    tool = Tool("sh", debian="texlive-latex-extra", tex_files=("symbackprop-no-such-file.sty",))
    with pytest.raises(pytest.skip.Exception) as skipped:
        check(tool)
    assert "symbackprop-no-such-file.sty" in str(skipped.value)
    assert str(skipped.value).endswith("install with: apt-get install texlive-latex-extra")


@pytest.mark.usefixtures("no_env")
def test_missing_module_names_the_pip_command() -> None:
    with pytest.raises(pytest.skip.Exception) as skipped:
        check(Module("symbackprop_no_such_module", pip="no-such-dist"))
    expected = "symbackprop_no_such_module not found; install with: pip install no-such-dist"
    assert str(skipped.value) == expected


class _Item:
    """The part of a pytest.Item that the setup hook reads."""

    def __init__(self, marks: list[pytest.Mark]) -> None:
        self.marks = marks

    def iter_markers(self, name: str) -> list[pytest.Mark]:
        return [m for m in self.marks if m.name == name]


@pytest.mark.parametrize(("value", "outcome"), [(None, pytest.skip.Exception), ("1", pytest.fail.Exception)],
                         ids=["skips", "fails-in-ci"])  # fmt: skip
def test_conftest_hook_reads_the_marker(monkeypatch, value, outcome):
    if value is None:
        monkeypatch.delenv(REQUIRE_TOOLS, raising=False)
    else:
        monkeypatch.setenv(REQUIRE_TOOLS, value)

    @requires_tool("symbackprop-no-such-tool", debian="no-such-package")
    def marked() -> None: ...

    with pytest.raises(outcome, match="apt-get install no-such-package"):
        conftest.pytest_runtest_setup(_Item(marked.pytestmark))
    conftest.pytest_runtest_setup(_Item([]))  # no marker: nothing to check
