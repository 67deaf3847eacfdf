"""The Sphinx extension, through real ``sphinx-build`` runs on temporary projects."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp
from conftest import EXAMPLES
from derive_counter import count_derive
from tools import requires_sphinx_latex

from symbackprop.core.functions import to_elementary
from symbackprop.notation.spec import load_spec

CONF = """\
extensions = ["myst_parser", "symbackprop.sphinx"]
myst_enable_extensions = ["dollarmath", "amsmath"]
project = "course"
exclude_patterns = ["_build"]
latex_elements = {"fontpkg": "", "fncychap": ""}
"""

INDEX_RST = """\
Course
======

.. toctree::

   myst_page

Week one
--------

.. symbackprop:: tiny.toml
   :digits: 4
"""

MYST_PAGE = """\
# Week one, in MyST

```{symbackprop} tiny.toml
:sections: forward, backward, gradients
:rounding: hand
:digits: 3
```
"""


def tiny_gradient() -> sp.Float:
    """∂L/∂w_1 of the tiny example, from sympy.diff of the inlined, elementary loss."""
    net = load_spec(EXAMPLES / "tiny.toml")
    loss = to_elementary(net.inlined())
    return sp.diff(loss, net.symbol("w_1")).subs(net.values).evalf(30)


def sphinx(src: Path, out: Path, builder: str = "html", *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-b",
        builder,
        "-q",
        *extra,
        str(src),
        str(out),
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def project(tmp_path: Path, pages: dict[str, str], conf: str = CONF) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(conf, encoding="utf-8")
    shutil.copy(EXAMPLES / "tiny.toml", src / "tiny.toml")
    for name, text in pages.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One HTML build of a reST page and a MyST page that use the directive."""
    tmp = tmp_path_factory.mktemp("sphinx")
    src = project(tmp, {"index.rst": INDEX_RST, "myst_page.md": MYST_PAGE})
    result = sphinx(src, tmp / "html")
    assert result.returncode == 0, result.stderr
    return tmp / "html"


@pytest.mark.parametrize("options", [{}, {"check": None, "points": 1}], ids=["notes", "with-check"])
def test_directive_derives_once(options, monkeypatch) -> None:
    from types import SimpleNamespace

    from symbackprop.integrations.sphinx import SymbackpropDirective

    calls = count_derive(monkeypatch)
    fake = SimpleNamespace(
        options=options, config=SimpleNamespace(symbackprop_digits=4, symbackprop_rounding="exact")
    )
    context = SymbackpropDirective._context(fake, load_spec(EXAMPLES / "tiny.toml"))
    assert ("check" in context["sections"]) == ("check" in options)
    assert len(calls) == 1


def test_independent_gradient_is_the_seed_number() -> None:
    assert f"{tiny_gradient():.3f}" == "0.069"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("index.html", f"{float(tiny_gradient()):.4f}"),  # 0.0692
        ("myst_page.html", f"{float(tiny_gradient()):.3f}"),  # 0.069, hand rounding at 3 digits
    ],
    ids=["rest", "myst"],
)
def test_html_holds_equations_and_the_gradient(built: Path, page: str, expected: str) -> None:
    html = (built / page).read_text(encoding="utf-8")
    assert '<div class="math notranslate nohighlight">' in html  # display math from math_block nodes
    assert '<span class="math notranslate nohighlight">' in html  # inline math in tables and headings
    assert r"\frac{\partial L}{\partial w_{1}}" in html
    assert expected in html
    assert "<table" in html


@pytest.mark.slow
def test_rest_page_has_every_default_section(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    for heading in ("Setup", "The network", "Forward pass", "Loss", "Backward pass", "Gradients",
                    "Gradient-descent update"):  # fmt: skip
        assert f">{heading}</p>" in html, heading
    assert "Gradient check" not in html  # only with :check:
    assert r"\operatorname{ReLU}" in html


@pytest.mark.slow
def test_myst_page_has_only_its_sections_rounded_by_hand(built: Path) -> None:
    html = (built / "myst_page.html").read_text(encoding="utf-8")
    assert ">Forward pass</p>" in html and ">Backward pass</p>" in html
    assert ">Setup</p>" not in html and "Gradient-descent update" not in html
    # hand rounding carries 0.562 and 0.246 on: 0.562 * 0.246 = 0.138252 -> 0.138
    assert "0.562 \\cdot 0.246" in html
    assert "carried on as shown" in html


@pytest.mark.slow
def test_inline_toml_body_and_check_table(tmp_path: Path) -> None:
    page = """\
Inline
======

.. symbackprop::
   :check:
   :title: One neuron

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
    src = project(tmp_path, {"index.rst": page})
    result = sphinx(src, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    x, y, w = sp.Rational(2), sp.Rational(1), sp.Rational(1, 2)
    a = 1 / (1 + sp.exp(-x * w))
    expected = sp.N((a - y) * a * (1 - a) * x, 10)  # by hand: ∂L/∂w = (a - y) σ'(xw) x
    assert f"{float(expected):.4f}" in html
    assert ">One neuron</p>" in html
    assert ">Gradient check</p>" in html and "finite differences" in html


@pytest.mark.slow
def test_changing_the_spec_rebuilds_the_page(tmp_path: Path) -> None:
    src = project(tmp_path, {"index.rst": INDEX_RST.replace("   myst_page\n", "")})
    out = tmp_path / "html"
    assert sphinx(src, out).returncode == 0
    assert "0.0692" in (out / "index.html").read_text(encoding="utf-8")
    spec = src / "tiny.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("w_2 = 0.5", "w_2 = 2.0"), encoding="utf-8")
    result = sphinx(src, out)  # incremental: only the dependency changed
    assert result.returncode == 0, result.stderr
    html = (out / "index.html").read_text(encoding="utf-8")
    net = load_spec(spec)
    grad = sp.diff(to_elementary(net.inlined()), net.symbol("w_2")).subs(net.values)
    assert f"{float(grad):.4f}" in html
    assert "0.0692" not in html


@pytest.mark.slow
@pytest.mark.parametrize(
    ("directive", "message"),
    [
        (".. symbackprop:: missing.toml", "spec file not found: missing.toml"),
        (".. symbackprop:: tiny.toml\n   :rounding: sloppy", "rounding"),
        ('.. symbackprop::\n\n   [network]\n   L = "q"\n', "index.rst:9: [network] L: unknown name 'q'"),
    ],
    ids=["missing-file", "bad-option", "bad-inline-spec"],
)
def test_mistakes_fail_the_build_naming_the_page(tmp_path: Path, directive: str, message: str) -> None:
    src = project(tmp_path, {"index.rst": f"Page\n====\n\nText.\n\n{directive}\n"})
    result = sphinx(src, tmp_path / "html")
    assert result.returncode != 0
    assert "index.rst:6" in result.stderr
    assert message in result.stderr


@pytest.mark.slow
def test_inline_spec_errors_in_myst_name_the_page_line(tmp_path: Path) -> None:
    page = '# P\n\ntext\n\n```{symbackprop}\n:digits: 3\n\n[network]\nL = "q"\n```\n'
    src = project(tmp_path, {"index.md": page})
    result = sphinx(src, tmp_path / "html")
    assert result.returncode != 0
    assert "index.md:9: [network] L: unknown name 'q'" in result.stderr


RIGHT = r"""
.. math::

   \frac{\partial L}{\partial z_2} = (a_2 - y) \, a_2 (1 - a_2)
"""

WRONG = r"""
.. math::

   \frac{\partial L}{\partial w_2} = (a_2 - y) \, a_2 \, a_1
"""


def _page(kind: str, body: str) -> tuple[str, str]:
    """A page that runs the tiny example and then derives by hand (reST or MyST)."""
    if kind == "rst":
        head = "Week two\n========\n\n.. symbackprop:: tiny.toml\n   :sections: gradients\n\nBy hand:\n"
        return "index.rst", head + body
    head = "# Week two\n\n```{symbackprop} tiny.toml\n:sections: gradients\n```\n\nBy hand:\n"
    math = body.split(".. math::", 1)[1].strip()
    return "index.md", head + f"\n$$\n{math}\n$$\n"


VERIFY_CONF = CONF + "symbackprop_verify = True\n"


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["rst", "myst"], ids=["rst", "myst"])
def test_right_hand_derivation_builds_with_verify_on(tmp_path: Path, kind: str) -> None:
    name, text = _page(kind, RIGHT)
    src = project(tmp_path, {name: text}, VERIFY_CONF)
    result = sphinx(src, tmp_path / "html")
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["rst", "myst"], ids=["rst", "myst"])
def test_wrong_hand_derivation_fails_the_build_naming_the_line(tmp_path: Path, kind: str) -> None:
    name, text = _page(kind, WRONG)
    line = next(i for i, t in enumerate(text.split("\n"), 1) if r"\partial w_2" in t)
    src = project(tmp_path, {name: text}, VERIFY_CONF)
    result = sphinx(src, tmp_path / "html")
    assert result.returncode != 0
    assert f"{name}:{line}: WARNING: symbackprop: wrong equation" in result.stderr
    assert "0.069" in result.stderr  # the right value, from the spec the page names
    assert result.stderr.count("wrong equation") == 1


@pytest.mark.slow
def test_verify_is_off_by_default(tmp_path: Path) -> None:
    name, text = _page("rst", WRONG)
    src = project(tmp_path, {name: text})
    assert sphinx(src, tmp_path / "html").returncode == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\n\n.. math::\n\n   x = 1\n\nb", "a\n\n\n\n$$ x = 1 $$\n\nb"),
        (".. math:: x = 1\n", "$$ x = 1 $$\n"),
        ("see :math:`a_2 = 1` here", "see $a_2 = 1$ here"),
        (".. code-block:: python\n\n   $x$ = 1\n", "\n\n\n"),
        (".. math::\n   :label: e1\n\n   x = 1\n   y = 2\n", "\n\n\n$$ x = 1\ny = 2 $$\n"),
    ],
    ids=["block", "one-line", "role", "code-blanked", "options-skipped"],
)
def test_rst_math_becomes_markdown_line_for_line(text: str, expected: str) -> None:
    from symbackprop.integrations.sphinx import rst_as_markdown

    assert rst_as_markdown(text) == expected


@pytest.mark.slow
@requires_sphinx_latex
def test_latex_builder_output_compiles_with_pdflatex(tmp_path: Path) -> None:
    pdflatex = shutil.which("pdflatex")
    assert pdflatex, "pdflatex is required (CI installs texlive)"
    src = project(tmp_path, {"index.rst": INDEX_RST.replace("   :digits: 4", "   :digits: 4\n   :check:"),
                             "myst_page.md": MYST_PAGE})  # fmt: skip
    out = tmp_path / "latex"
    result = sphinx(src, out, "latex")
    assert result.returncode == 0, result.stderr
    tex = (out / "course.tex").read_text(encoding="utf-8")
    assert r"\begin{split}" in tex and r"\frac{\partial L}{\partial w_{1}}" in tex
    for _ in range(2):  # twice, for the references
        run = subprocess.run(
            [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "course.tex"],
            cwd=out, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-3000:]
    assert (out / "course.pdf").stat().st_size > 10_000


# ------------------------------------------------------------------ S2: specs only from the docs project

#: A spec outside the source directory whose names must never reach the build's output or log.
SECRET_SPEC = '[inputs]\nx = 1.0\n[network]\nL = "TOPSECRET_name * x"\n'
SECRET_VALID = (
    'title = "TOPSECRET title"\n' + (EXAMPLES / "tiny.toml").read_text(encoding="utf-8").split("\n", 3)[3]
)


def _outside(tmp_path: Path, text: str = SECRET_SPEC) -> Path:
    outside = tmp_path / "shared"
    outside.mkdir(exist_ok=True)
    (outside / "secret.toml").write_text(text, encoding="utf-8")
    return outside / "secret.toml"


@pytest.mark.slow
@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"], ids=["dotdot", "absolute", "symlink"])
def test_a_spec_outside_the_source_directory_is_refused_naming_only_its_path(
    tmp_path: Path, how: str
) -> None:
    secret = _outside(tmp_path)
    src = project(tmp_path, {})
    argument = {"dotdot": "../shared/secret.toml", "absolute": str(secret), "symlink": "link.toml"}[how]
    if how == "symlink":
        (src / "link.toml").symlink_to(secret)
    (src / "index.rst").write_text(f"Page\n====\n\n.. symbackprop:: {argument}\n", encoding="utf-8")
    result = sphinx(src, tmp_path / "html")
    assert result.returncode != 0
    assert "TOPSECRET" not in result.stderr + result.stdout
    html = tmp_path / "html" / "index.html"
    assert not html.exists() or "TOPSECRET" not in html.read_text(encoding="utf-8")
    if how == "absolute":  # Sphinx reads "/..." from the source directory: not found there
        assert "spec file not found" in result.stderr
    else:
        assert (
            f"index.rst:4: ERROR: symbackprop: spec file '{argument}' is outside the docs project"
            in result.stderr
        )
        assert "symbackprop_allowed_paths" in result.stderr


@pytest.mark.slow
def test_allowed_paths_let_the_project_read_more(tmp_path: Path) -> None:
    _outside(tmp_path, SECRET_VALID)
    src = project(tmp_path, {}, CONF + 'symbackprop_allowed_paths = ["../shared"]\n')
    (src / "link.toml").symlink_to(src / "tiny.toml")  # a symlink inside, to a file inside
    page = "Page\n====\n\n.. symbackprop:: ../shared/secret.toml\n\n.. symbackprop:: link.toml\n"
    (src / "index.rst").write_text(page, encoding="utf-8")
    result = sphinx(src, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert ">TOPSECRET title</p>" in html
    assert f"{float(tiny_gradient()):.4f}" in html


@pytest.mark.slow
def test_verify_refuses_a_spec_outside_the_project(tmp_path: Path) -> None:
    _outside(tmp_path)
    conf = VERIFY_CONF + 'symbackprop_verify_spec = "../shared/secret.toml"\n'
    src = project(tmp_path, {"index.rst": "Page\n====\n\n.. math::\n\n   y = 2\n"}, conf)
    result = sphinx(src, tmp_path / "html")
    assert result.returncode != 0
    assert (
        "WARNING: symbackprop: spec file '../shared/secret.toml' is outside the docs project" in result.stderr
    )
    assert "TOPSECRET" not in result.stderr + result.stdout


def test_verify_spec_setting_outside_the_project_is_refused(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from symbackprop.errors import InputError
    from symbackprop.integrations.sphinx import _verify_spec

    _outside(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    config = SimpleNamespace(symbackprop_allowed_paths=[], symbackprop_verify_spec="../shared/secret.toml")
    app = SimpleNamespace(srcdir=str(src), confdir=str(src), config=config)
    with pytest.raises(InputError, match=r"spec file '\.\./shared/secret\.toml' is outside the docs project"):
        _verify_spec(app, "index", "no directive here\n")
    config.symbackprop_allowed_paths = [str(tmp_path / "shared" / "secret.toml")]  # one file allowed
    assert _verify_spec(app, "index", "") == (tmp_path / "shared" / "secret.toml").resolve()


@pytest.mark.slow
def test_99_nested_calls_with_check_build(tmp_path: Path) -> None:
    """C2: inside the 100-level limit, the directive's gradient check compiles (no RecursionError)."""
    inner = "x*w"
    for _ in range(99):
        inner = f"sigmoid({inner})"
    spec = f'[inputs]\nx = 0.7\n[targets]\ny = 0.1\n[parameters]\nw = 0.5\n[network]\na = "{inner}"\n'
    src = project(tmp_path, {"index.rst": "Page\n====\n\n.. symbackprop:: deep.toml\n   :check:\n"})
    (src / "deep.toml").write_text(spec + 'L = "half_squared_error(a, y)"\n', encoding="utf-8")
    result = sphinx(src, tmp_path / "html")
    assert result.returncode == 0, result.stderr[-2000:]
    assert ">Gradient check</p>" in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
