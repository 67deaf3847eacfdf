"""``symbackprop train SPEC --steps N``: the spec's optimiser over its dataset.

A loss that stops being finite ends training at that step, with a message that
names the step and suggests a smaller learning rate; the command then exits 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..recursion import deep
from .jsonout import print_json
from .options import add_set_option, numeric_spec

if TYPE_CHECKING:  # the network module imports SymPy; --help must not
    from ..numeric.training import TrainResult

HELP = "train on the spec's dataset (gradient descent, momentum or Adam); print the loss trace and parameters"

# Kept here as data so that --help does not import SymPy (a test checks them against core/optimizers.py).
OPTIMIZER_NAMES = ("sgd", "momentum", "adam")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", help="the network spec (TOML)")
    parser.add_argument("--steps", type=int, required=True, help="number of gradient-descent steps")
    parser.add_argument("--learning-rate", type=float, default=None, help="η (default: the spec's)")
    parser.add_argument(
        "--optimizer",
        choices=OPTIMIZER_NAMES,
        default=None,
        help="the update rule (default: the spec's [training] optimizer, else sgd)",
    )
    parser.add_argument("--every", type=int, default=None, help="report the loss every K steps")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--plot",
        metavar="FILE",
        default=None,
        help="also draw the loss curve to FILE (.png or .svg; needs the plot extra)",
    )
    add_set_option(parser)


class _Progress:
    """A tqdm progress bar on stderr, only on a terminal; redrawn when the percentage changes."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = max(total, 1)
        self.shown = -1
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm  # only the terminal needs it

            self.bar = tqdm(total=total, file=sys.stderr, unit="step", dynamic_ncols=True)

    def __call__(self, step: int, loss: float) -> None:
        percent = 100 * step // self.total
        if self.bar is None or percent == self.shown:
            return
        self.shown = percent
        self.bar.set_postfix_str(f"loss {loss:.6g}", refresh=False)
        self.bar.update(step - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@deep
def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..numeric import train

    if args.every is not None and args.every < 1:
        raise InputError("--every must be at least 1", where="--every")
    if args.plot is not None:
        from ..files import check_not_input
        from ..output.plot import check_plot_path

        check_plot_path(args.plot)  # before training, not after
        check_not_input(args.plot, [args.spec], where="--plot")
    network, matrix = _read(args)
    every = args.every or max(1, args.steps // 10)
    progress = _Progress(args.steps, enabled=not args.quiet and sys.stderr.isatty())
    try:
        result = train(
            network, args.steps, learning_rate=args.learning_rate, callback=progress, optimizer=args.optimizer
        )
    finally:
        progress.close()
    if args.plot is not None:
        from ..output.plot import plot_losses

        plot_losses(result.losses, args.plot, title=network.title)
    if args.json:
        data = _shaped(result.to_dict(every), matrix)
        if result.diverged_at is not None:
            data["error"] = diverged_message(result)
        return max(print_json(data), 1 if result.diverged_at is not None else 0)
    _print_text(result, every, "the dataset" if getattr(network, "dataset", None) else "one example")
    if result.diverged_at is not None:
        print(f"error: {diverged_message(result)}", file=sys.stderr)
        return 1
    return 0


def diverged_message(result: TrainResult) -> str:
    """Where training stopped because the loss was not finite, and what to try."""
    kind = "NaN" if result.final_loss != result.final_loss else "infinite"
    if result.diverged_at == 0:
        return f"the loss is {kind} at the starting point, before any step"
    return (
        f"training diverged: the loss is {kind} after step {result.diverged_at}; "
        f"try a smaller learning rate than {result.learning_rate:g}"
    )


def _print_text(result: TrainResult, every: int, data: str) -> None:
    """The header, the loss every ``every`` steps (and the last), and the parameters."""
    settings = "".join(f", {k} {v:g}" for k, v in result.optimizer.floats().items())
    print(
        f"{result.steps} steps of {result.optimizer.info.title}{settings}, learning rate "
        f"{result.learning_rate:g}, {result.reduction} over {data}"
    )
    print()
    print("step  loss")
    for i, loss in enumerate(result.losses):
        if i % every == 0 or i == result.last_step:
            print(f"{i:<5} {loss:.8g}")
    print()
    print("parameters" if result.diverged_at is None else f"parameters at step {result.diverged_at}")
    width = max((len(n) for n in result.parameters), default=1)
    for name, value in result.parameters.items():
        note = "   (frozen)" if name in result.frozen else ""
        print(f"  {name:<{width}}  {result.initial[name]:.8g} -> {value:.8g}{note}")


def _read(args: argparse.Namespace) -> tuple[Any, Any]:
    """The network to train, and the same network if it is a matrix spec (or ``None``)."""
    from ..core.network import Network

    network = numeric_spec(args.spec, args.set)  # a matrix spec trains on its own arrays
    return network, (None if isinstance(network, Network) else network)


def _shaped(data: dict[str, Any], matrix: Any) -> dict[str, Any]:
    """A matrix spec's parameters in their shapes: numbers, columns, lists of rows."""
    if matrix is not None:
        for key in ("parameters", "initial"):
            data[key] = matrix.nested(data[key])
    return data
