"""The MkDocs plugin: fenced-block parsing in-process, and real ``mkdocs build --strict`` runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from conftest import EXAMPLES
from derive_counter import count_derive

from symbackprop.core.functions import to_elementary
from symbackprop.errors import InputError, SymbackpropError
from symbackprop.integrations.mkdocs import expand, find_blocks
from symbackprop.notation.spec import load_spec

MKDOCS_YML = """\
site_name: course
plugins:
  - symbackprop{options}
markdown_extensions:
  - tables
  - pymdownx.arithmatex:
      generic: true
"""

INLINE = """\
[inputs]
x = 2.0
[targets]
y = 1.0
[parameters]
w = 0.5
[network]
a = "sigmoid(x * w)"
L = "half_squared_error(a, y)"
"""


def tiny_gradient() -> float:
    net = load_spec(EXAMPLES / "tiny.toml")
    return float(sp.diff(to_elementary(net.inlined()), net.symbol("w_1")).subs(net.values))


def neuron_gradient() -> float:
    x, y, w = sp.Rational(2), sp.Rational(1), sp.Rational(1, 2)
    a = 1 / (1 + sp.exp(-x * w))
    return float((a - y) * a * (1 - a) * x)  # ∂L/∂w by hand


def site(tmp_path: Path, pages: dict[str, str], options: str = "") -> Path:
    root = tmp_path / "site-src"
    (root / "docs" / "week").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(options=options), encoding="utf-8")
    shutil.copy(EXAMPLES / "tiny.toml", root / "tiny.toml")  # beside mkdocs.yml
    for name, text in pages.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    return root


def mkdocs(root: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
           "-d", str(root / "site")]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


# ------------------------------------------------------------------ in-process


@pytest.mark.parametrize(
    ("text", "count", "options"),
    [
        ("```symbackprop\ntiny.toml\n```\n", 1, {}),
        ("~~~~symbackprop digits=3\ntiny.toml\n~~~~\n", 1, {"digits": 3}),
        (
            '```{symbackprop} rounding=hand sections="forward, backward"\nx\n```\n',
            1,
            {"rounding": "hand", "sections": ["forward", "backward"]},
        ),
        ("````markdown\n```symbackprop\ntiny.toml\n```\n````\n", 0, None),
        ("```python\nprint(1)\n```\n```symbackprop\na.toml\n```\n", 1, {}),
        ("```symbackprop-other\nx\n```\n", 0, None),
    ],
    ids=["backticks", "tildes-option", "braces-quoted", "nested-in-other-fence", "after-code", "other-info"],
)
def test_find_blocks(text: str, count: int, options: dict | None) -> None:
    blocks = find_blocks(text)
    assert len(blocks) == count
    if count:
        assert blocks[0].options == options


def test_expand_derives_once_per_block(monkeypatch) -> None:
    calls = count_derive(monkeypatch)
    page = "# P\n\n```symbackprop\ntiny.toml\n```\n\ntext\n\n```symbackprop digits=3\ntiny.toml\n```\n"
    text, used = expand(page, search=[EXAMPLES])
    assert text.count("## Backward pass") == 2 and len(used) == 2
    assert len(calls) == 2


def test_unknown_option_names_the_line() -> None:
    with pytest.raises(InputError, match=r"week\.md:3: unknown symbackprop block option 'colour=red'"):
        expand("# T\n\n```symbackprop colour=red\ntiny.toml\n```\n", search=[EXAMPLES], page="week.md")


def test_expand_leaves_the_rest_of_the_page_alone() -> None:
    page = "# Week 1\n\nBefore.\n\n```symbackprop sections=gradients\ntiny.toml\n```\n\nAfter.\n"
    text, used = expand(page, search=[EXAMPLES], page="week.md")
    assert used == [(EXAMPLES / "tiny.toml").resolve()]
    assert text.startswith("# Week 1\n\nBefore.\n")
    assert text.endswith("\nAfter.\n")
    assert "## Tiny network" in text and "### Gradients" in text  # demoted under the page title
    assert f"{tiny_gradient():.4f}" in text
    assert "```" not in text


def test_inline_toml_errors_name_the_page_line() -> None:
    page = '# T\n\n```symbackprop\n[network]\nL = "q"\n```\n'
    with pytest.raises(SymbackpropError, match=r"week\.md:5: \[network\] L: unknown name 'q'"):
        expand(page, search=[EXAMPLES], page="week.md")


# ------------------------------------------------------------------ real builds


@pytest.mark.slow
def test_strict_build_renders_equations_and_the_gradient(tmp_path: Path) -> None:
    pages = {
        "index.md": "# Course\n\n```symbackprop\ntiny.toml\n```\n",
        "week/one.md": f"---\ntitle: One\n---\n# One neuron\n\n```symbackprop digits=5\n{INLINE}```\n",
    }
    root = site(tmp_path, pages)
    result = mkdocs(root)
    assert result.returncode == 0, result.stderr
    index = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert '<div class="arithmatex">' in index and '<span class="arithmatex">' in index
    assert r"\frac{\partial L}{\partial w_{1}}" in index
    assert f"{tiny_gradient():.4f}" in index  # 0.0692
    assert "<table>" in index
    one = (root / "site" / "week" / "one" / "index.html").read_text(encoding="utf-8")
    assert f"{neuron_gradient():.5f}" in one


@pytest.mark.slow
def test_missing_spec_fails_the_strict_build(tmp_path: Path) -> None:
    root = site(tmp_path, {"index.md": "# Course\n\n```symbackprop\nnope.toml\n```\n"})
    result = mkdocs(root)
    assert result.returncode != 0
    assert "index.md:4: spec file 'nope.toml' not found" in result.stderr


WRONG_PAGE = r"""# Week two

```symbackprop sections=gradients
tiny.toml
```

By hand:

$$
\frac{\partial L}{\partial z_2} = (a_2 - y) \, a_2 (1 - a_2)
$$

$$
\frac{\partial L}{\partial w_2} = (a_2 - y) \, a_2 \, a_1
$$
"""


@pytest.mark.slow
def test_wrong_hand_derivation_fails_the_strict_build_naming_the_line(tmp_path: Path) -> None:
    root = site(tmp_path, {"index.md": WRONG_PAGE}, ":\n      verify: true")
    result = mkdocs(root)
    assert result.returncode != 0
    assert "index.md:14: wrong equation" in result.stderr
    assert "0.069" in result.stderr  # the right value, from the spec the page names
    assert "index.md:10" not in result.stderr  # the right equation is not reported


@pytest.mark.slow
def test_right_hand_derivation_passes_with_verify_on(tmp_path: Path) -> None:
    right = WRONG_PAGE.replace(r"a_2 \, a_1", r"a_2 (1 - a_2) \, a_1")
    root = site(tmp_path, {"index.md": right}, ":\n      verify: true")
    result = mkdocs(root)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_verify_is_off_by_default(tmp_path: Path) -> None:
    root = site(tmp_path, {"index.md": WRONG_PAGE})
    assert mkdocs(root).returncode == 0


# ------------------------------------------------------------------ S2: specs only from the docs project

#: A spec outside the project whose names must never reach the build's output or log.
SECRET_SPEC = '[inputs]\nx = 1.0\n[network]\nL = "TOPSECRET_name * x"\n'


def _outside(tmp_path: Path, text: str = SECRET_SPEC) -> Path:
    outside = tmp_path / "shared"
    outside.mkdir(exist_ok=True)
    (outside / "secret.toml").write_text(text, encoding="utf-8")
    return outside / "secret.toml"


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"], ids=["dotdot", "absolute", "symlink"])
def test_expand_refuses_a_spec_outside_the_project(tmp_path: Path, how: str) -> None:
    secret = _outside(tmp_path)
    docs = tmp_path / "project" / "docs"
    docs.mkdir(parents=True)
    name = {"dotdot": "../../shared/secret.toml", "absolute": str(secret), "symlink": "link.toml"}[how]
    if how == "symlink":
        (docs / "link.toml").symlink_to(secret)
    page = f"# T\n\n```symbackprop\n{name}\n```\n"
    with pytest.raises(InputError) as caught:
        expand(page, search=[docs, docs.parent], page="week.md")
    message = str(caught.value)
    assert message.startswith(f"week.md:4: spec file {name!r} is outside the docs project")
    assert "allowed_paths in mkdocs.yml" in message
    assert "TOPSECRET" not in message


def test_expand_reads_what_allowed_lists(tmp_path: Path) -> None:
    _outside(tmp_path, (EXAMPLES / "tiny.toml").read_text(encoding="utf-8"))
    docs = tmp_path / "project" / "docs"
    docs.mkdir(parents=True)
    page = "# T\n\n```symbackprop\n../../shared/secret.toml\n```\n"
    text, used = expand(page, search=[docs], allowed=[docs, tmp_path / "shared"])
    assert used == [(tmp_path / "shared" / "secret.toml").resolve()]
    assert f"{tiny_gradient():.4f}" in text


def test_a_missing_spec_outside_is_refused_like_an_existing_one(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    page = "# T\n\n```symbackprop\n/no/such/file.toml\n```\n"
    with pytest.raises(InputError, match=r"spec file '/no/such/file\.toml' is outside the docs project"):
        expand(page, search=[docs])


@pytest.mark.slow
@pytest.mark.parametrize("how", ["dotdot", "symlink"], ids=["dotdot", "symlink"])
def test_strict_build_refuses_a_spec_outside_the_project(tmp_path: Path, how: str) -> None:
    _outside(tmp_path)
    name = "../../shared/secret.toml" if how == "dotdot" else "link.toml"
    root = site(tmp_path, {"index.md": f"# Course\n\n```symbackprop\n{name}\n```\n"})
    if how == "symlink":
        (root / "docs" / "link.toml").symlink_to(tmp_path / "shared" / "secret.toml")
    result = mkdocs(root)
    assert result.returncode != 0
    assert f"index.md:4: spec file {name!r} is outside the docs project" in result.stderr
    assert "TOPSECRET" not in result.stderr + result.stdout


@pytest.mark.slow
def test_allowed_paths_option_lets_the_build_read_more(tmp_path: Path) -> None:
    _outside(tmp_path, (EXAMPLES / "tiny.toml").read_text(encoding="utf-8"))
    root = site(tmp_path, {"index.md": "# Course\n\n```symbackprop\n../../shared/secret.toml\n```\n"},
                ":\n      allowed_paths: [../shared]")  # fmt: skip
    result = mkdocs(root)
    assert result.returncode == 0, result.stderr
    assert f"{tiny_gradient():.4f}" in (root / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_verify_spec_option_outside_the_project_is_refused(tmp_path: Path) -> None:
    _outside(tmp_path)
    root = site(tmp_path, {"index.md": "# Course\n\n$$\ny = 2\n$$\n"},
                ":\n      verify: true\n      spec: ../shared/secret.toml")  # fmt: skip
    result = mkdocs(root)
    assert result.returncode != 0
    assert "spec file '../shared/secret.toml' is outside the docs project" in result.stderr
    assert "TOPSECRET" not in result.stderr + result.stdout
