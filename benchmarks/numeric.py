"""Benchmark: the vectorised program against hand-written NumPy (and torch).

For sigmoid MLPs with half squared error it prints medians of one forward and
backward pass (the loss of each example and the gradient of their sum) -- one
example, and a batch of 10,000 -- for:

* symbackprop's vectorised program (``vectorize(net).gradient(theta, X, Y)``,
  the API call, checks and copy included);
* the baseline measured in the same run: a hand-written NumPy forward and
  backward pass in matrix form, weights already in matrices;
* PyTorch float64 CPU autograd, when torch is installed;
* for reference, the scalar program (``compile_network``: one line per node).

Ours and NumPy are timed in turns (``interleaved_times``), so that a noisy
moment of the machine falls on both alike; torch is timed on its own (its
worker threads keep spinning after a call and would slow the next one).  Ratios are ours / baseline (lower is
better for us).  It also times ``check()`` at 1,072 parameters and 10,000
training steps of the 2-2-2 example.

Run: ``python benchmarks/numeric.py [--repeat 31]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy
from timing import interleaved_times, median_time

from symbackprop.core.builders import mlp
from symbackprop.core.derivation import derive
from symbackprop.notation.spec import load_spec
from symbackprop.numeric import check, compile_network, train
from symbackprop.numeric.vectorization import vectorize

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ([2, 2, 2], [4, 8, 2], [8, 16, 4], [8, 24, 8], [16, 32, 16])


def matrices(net, sizes):
    """Weights W[l] (out x in) and biases b[l] from the network's scalar values."""
    values = {s.name: float(v) for s, v in net.values.items()}
    ws, bs = [], []
    for layer in range(1, len(sizes)):
        w = numpy.array([[values[f"w{layer}_{j}_{k}"] for k in range(1, sizes[layer - 1] + 1)]
                         for j in range(1, sizes[layer] + 1)])  # fmt: skip
        b = numpy.array([values[f"b{layer}_{j}"] for j in range(1, sizes[layer] + 1)])
        ws.append(w)
        bs.append(b)
    return ws, bs


def numpy_pass(ws, bs, x, y):
    """Hand-written forward and backward pass; x: (n_in, batch), y: (n_out, batch)."""
    acts = [x]
    for w, b in zip(ws, bs):
        acts.append(1 / (1 + numpy.exp(-(w @ acts[-1] + b[:, None]))))
    loss = 0.5 * ((acts[-1] - y) ** 2).sum(axis=0)
    delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
    grads = []
    for layer in range(len(ws) - 1, -1, -1):
        grads.append((delta @ acts[layer].T, delta.sum(axis=1)))
        if layer:
            delta = (ws[layer].T @ delta) * acts[layer] * (1 - acts[layer])
    return loss, grads


def torch_pass_for(torch, ws, bs, x, y):
    tw = [torch.tensor(w, requires_grad=True) for w in ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    tx, ty = torch.tensor(x), torch.tensor(y)

    def run():
        a = tx
        for w, b in zip(tw, tb):
            a = torch.sigmoid(w @ a + b[:, None])
        loss = ((a - ty) ** 2).sum() / 2
        torch.autograd.grad(loss, tw + tb)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=31, help="rounds (the median is reported)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    rng = numpy.random.default_rng(0)
    print(f"median of {args.repeat} rounds; ratio = symbackprop / baseline (lower is better)")
    threads = f" ({torch.get_num_threads()} threads)" if torch else ""
    print(f"torch: {torch.__version__ + threads if torch else 'not installed'}\n")
    head = ("shape", "params", "batch", "ours", "numpy", "ratio", "torch", "/torch", "scalar prog")
    print("{:>10} {:>6} {:>6} {:>10} {:>10} {:>6} {:>10} {:>6} {:>11}".format(*head))
    for sizes in SHAPES:
        net = mlp(sizes, seed=0, view="scalar")
        derivation = derive(net, evaluate_point=False)
        program = vectorize(derivation)
        scalar = compile_network(derivation)
        ws, bs = matrices(net, sizes)
        theta = program.pack(net.values)
        for batch in (1, 10_000):
            x = rng.uniform(0, 1, (sizes[0], batch))
            y = rng.uniform(0, 1, (sizes[-1], batch))
            fns = {
                "ours": lambda p=program, t=theta, x=x, y=y: p.gradient(t, x, y),
                "numpy": lambda x=x, y=y, ws=ws, bs=bs: numpy_pass(ws, bs, x, y),
            }
            number = 200 if batch == 1 else 1
            times = interleaved_times(fns, args.repeat, number)
            if torch is not None:
                # Timed on its own: torch's worker threads spin for a while after each call
                # and would slow down whatever ran next.
                once = torch_pass_for(torch, ws, bs, x, y)
                times["torch"] = interleaved_times({"torch": once}, args.repeat, number)["torch"]
            feed = {f"x_{i + 1}": x[i] for i in range(sizes[0])}
            feed.update({f"y_{i + 1}": y[i] for i in range(sizes[-1])})
            feed.update({p.name: float(net.values[p]) for p in net.parameters})
            slow = median_time(lambda c=scalar, f=feed: c.run(f), 5)
            ours, base = times["ours"], times["numpy"]
            t_torch = times.get("torch")
            torch_text = (
                f"{t_torch * 1e3:>8.3f}ms {ours / t_torch:>6.2f}" if t_torch else f"{'-':>10} {'-':>6}"
            )
            shape = "-".join(map(str, sizes))
            print(
                f"{shape:>10} {len(net.parameters):>6} {batch:>6} {ours * 1e3:>8.3f}ms {base * 1e3:>8.3f}ms"
                f" {ours / base:>6.2f} {torch_text} {slow * 1e3:>9.3f}ms"
            )
    big = mlp([16, 32, 16], seed=0, view="scalar")
    t = median_time(lambda: check(big), max(3, args.repeat // 6), clear_cache=True)
    print(
        f"\ncheck() at 1,072 parameters (derive, compile, 2,144 perturbed points; cache cleared): {t:.3f} s"
    )
    two = load_spec(ROOT / "examples" / "two_layer.toml")
    t = median_time(lambda: train(two, 10_000), max(3, args.repeat // 6))
    print(f"10,000 training steps of examples/two_layer.toml: {t:.3f} s")


if __name__ == "__main__":
    main()
