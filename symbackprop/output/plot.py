"""The loss curve of a training run, as PNG or SVG (matplotlib, the ``plot`` extra)."""

from __future__ import annotations

import io
import os
from pathlib import Path

from ..errors import InputError
from ..files import write_atomic

__all__ = ["FORMATS", "plot_losses"]

#: File suffixes the plot can be written as.
FORMATS = (".png", ".svg")


def check_plot_path(path: str | os.PathLike[str]) -> Path:
    """The path as a Path, or an InputError when its suffix is not a known format."""
    out = Path(path)
    if out.suffix.lower() not in FORMATS:
        raise InputError(
            f"{out}: the plot is written as {' or '.join(FORMATS)}, not {out.suffix or 'no suffix'!r}"
        )
    return out


def plot_losses(
    losses: list[float] | tuple[float, ...], path: str | os.PathLike[str], *, title: str = ""
) -> None:
    """Draw the loss against the step and write it to ``path`` (.png or .svg), atomically.

    The loss axis is logarithmic when every loss is positive and they span
    more than two decades, as training curves usually do.
    """
    out = check_plot_path(path)
    try:
        import matplotlib

        matplotlib.use("Agg")  # no screen needed
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError(
            "--plot needs matplotlib: pip install 'symbackprop[plot]' (or pip install matplotlib)"
        ) from None
    figure = Figure(figsize=(6, 3.6), layout="constrained")
    axes = figure.add_subplot()
    axes.plot(range(len(losses)), losses, color="C0", linewidth=1.5)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    positive = [v for v in losses if v > 0]
    if len(positive) == len(losses) and losses and max(losses) > 100 * min(losses):
        axes.set_yscale("log")
    axes.grid(True, alpha=0.3)
    if title:
        axes.set_title(title)
    buffer = io.BytesIO()
    # A fixed date and no software stamp keep the file the same from run to run.
    metadata = {"Date": None} if out.suffix.lower() == ".svg" else {"Software": None}
    figure.savefig(buffer, format=out.suffix.lower()[1:], metadata=metadata)
    write_atomic(out, buffer.getvalue())
