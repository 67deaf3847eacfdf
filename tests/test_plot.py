"""``symbackprop train --plot``: the loss curve as PNG or SVG, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import EXAMPLES

pytest.importorskip("matplotlib")


def _train(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    if code is None:
        argv = [sys.executable, "-m", "symbackprop", "train", *args]
    else:  # run the CLI under a prelude, e.g. one that hides matplotlib
        prelude = code + "\nfrom symbackprop.cli import main\nsys.exit(main(sys.argv[1:]))"
        argv = [sys.executable, "-c", prelude, "train", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def test_png_plot_of_the_xor_loss_curve(tmp_path):
    out = tmp_path / "loss.png"
    run = _train(str(EXAMPLES / "xor.toml"), "--steps", "300", "--plot", str(out), "--json")
    assert run.returncode == 0, run.stderr
    import matplotlib.image

    image = matplotlib.image.imread(out)
    assert image.shape[0] > 200 and image.shape[1] > 300  # a real raster, 6 x 3.6 inches
    assert json.loads(run.stdout)["steps"] == 300  # the run itself is reported as without --plot


def test_svg_plot_has_the_title_axes_and_one_curve(tmp_path):
    out = tmp_path / "loss.svg"
    run = _train(str(EXAMPLES / "two_layer.toml"), "--steps", "50", "--plot", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert svg.count('id="line2d_') >= 1 and "step" in svg and "loss" in svg


@pytest.mark.parametrize("name", ["loss.pdf", "loss"])
def test_unknown_plot_format_fails_before_training(tmp_path, name):
    out = tmp_path / name
    run = _train(str(EXAMPLES / "xor.toml"), "--steps", "10000000", "--plot", str(out))
    assert run.returncode == 2
    assert f"{out}: the plot is written as .png or .svg" in run.stderr
    assert "Traceback" not in run.stderr and not out.exists()


def test_missing_matplotlib_says_what_to_install(tmp_path):
    out = tmp_path / "loss.png"
    hide = "import sys\nsys.modules['matplotlib'] = None  # as if the plot extra were not installed"
    run = _train(str(EXAMPLES / "xor.toml"), "--steps", "5", "--plot", str(out), code=hide)
    assert run.returncode == 2
    assert "pip install 'symbackprop[plot]'" in run.stderr
    assert "Traceback" not in run.stderr and not out.exists()
