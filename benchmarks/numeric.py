"""Benchmark: the compiled named-node program against hand-written NumPy (and torch).

For sigmoid MLPs with half squared error it prints medians of one forward and
backward pass -- one example, and a batch of 10,000 -- for:

* symbackprop's compiled program (``compile_network``: one line per scalar node,
  vectorised over the batch);
* the baseline measured in the same run: a hand-written NumPy forward and
  backward pass in matrix form;
* PyTorch float64 CPU autograd, when torch is installed.

Ratios are ours / baseline (lower is better for us).  It also times the whole
``check()`` at 1,072 parameters and 10,000 training steps of the 2-2-2 example.

Run: ``python benchmarks/numeric.py [--repeat 7]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy
from timing import median_time

from symbackprop.derive import derive
from symbackprop.network import mlp
from symbackprop.numeric import check, compile_network, train
from symbackprop.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent


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
    delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1])
    grads = []
    for layer in range(len(ws) - 1, -1, -1):
        grads.append((delta @ acts[layer].T, delta.sum(axis=1)))
        if layer:
            delta = (ws[layer].T @ delta) * acts[layer] * (1 - acts[layer])
    return grads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    rng = numpy.random.default_rng(0)
    print(f"median of {args.repeat}; ratio = symbackprop / hand-written NumPy (lower is better)\n")
    head = ("shape", "params", "batch", "ours", "numpy", "ratio", "torch")
    print("{:>10} {:>7} {:>6} {:>11} {:>11} {:>7} {:>11}".format(*head))
    for sizes in ([2, 2, 2], [4, 8, 2], [8, 16, 4], [8, 24, 8], [16, 32, 16]):
        net = mlp(sizes, seed=0)
        compiled = compile_network(derive(net, evaluate_point=False))
        ws, bs = matrices(net, sizes)
        for batch in (1, 10_000):
            x = rng.uniform(0, 1, (sizes[0], batch))
            y = rng.uniform(0, 1, (sizes[-1], batch))
            feed = {f"x_{i + 1}": x[i] for i in range(sizes[0])}
            feed.update({f"y_{i + 1}": y[i] for i in range(sizes[-1])})
            feed.update({p.name: float(net.values[p]) for p in net.parameters})
            ours = median_time(lambda c=compiled, f=feed: c.run(f), args.repeat)
            base = median_time(lambda x=x, y=y, ws=ws, bs=bs: numpy_pass(ws, bs, x, y), args.repeat)
            torch_text = "-"
            if torch is not None:
                tw = [torch.tensor(w, requires_grad=True) for w in ws]
                tb = [torch.tensor(b, requires_grad=True) for b in bs]
                tx, ty = torch.tensor(x), torch.tensor(y)

                def torch_pass(tw=tw, tb=tb, tx=tx, ty=ty):
                    a = tx
                    for w, b in zip(tw, tb):
                        a = torch.sigmoid(w @ a + b[:, None])
                    loss = ((a - ty) ** 2).sum() / 2
                    torch.autograd.grad(loss, tw + tb)

                torch_text = f"{median_time(torch_pass, args.repeat) * 1e3:>9.3f}ms"
            shape = "-".join(map(str, sizes))
            print(
                f"{shape:>10} {len(net.parameters):>7} {batch:>6} {ours * 1e3:>9.3f}ms {base * 1e3:>9.3f}ms"
                f" {ours / base:>7.1f} {torch_text:>11}"
            )
    big = mlp([16, 32, 16], seed=0)
    t = median_time(lambda: check(big), max(1, args.repeat // 2))
    print(f"\ncheck() at 1,072 parameters (derive, compile, 2,144 perturbed passes): {t:.2f} s")
    two = load_spec(ROOT / "examples" / "two_layer.toml")
    t = median_time(lambda: train(two, 10_000), max(1, args.repeat // 2))
    print(f"10,000 training steps of examples/two_layer.toml: {t:.2f} s")


if __name__ == "__main__":
    main()
