r"""The matrix-form walkthrough's context: a :class:`~symbackprop.core.matrix_derivation.MatrixDerivation`
laid out layer by layer, as courses write it.

Everything comes from the derivation (its textbook forms and its numbers at the
point); nothing is differentiated or evaluated here.  Each step is a relation
given as its sides, ``[lhs, "=", form, "=", numbers, "≈", value]``, already
packed into the rows of an alignment (:func:`symbackprop.output.bmatrix.pack`),
so that the templates (``walkthrough_matrix.md.j2``, ``walkthrough_matrix.tex.j2``)
only lay rows out.  Vectors and matrices are ``bmatrix`` numbers, big ones
elided (:data:`~symbackprop.output.bmatrix.MAX_SHOWN`); ``A @ B`` is written
``A B``, elementwise products ``⊙``, transposes ``ᵀ``; the δ of a linear node
(one with ``@``) is written ``δ_z``; each step that multiplies or transposes has
its shapes written out, ``(2×1) = (2×2)ᵀ (2×1) ⊙ (2×1)``.  Layout: a gradient
has its parameter's shape.  The graph of layers (one row, parameters above) is
:func:`symbackprop.output.layer_graph.layer_graph_context`'s.

The scalar view's context is :func:`symbackprop.output.context.walkthrough_context`;
:mod:`symbackprop.output.views` chooses between them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sympy
from sympy import Dummy, Expr, Symbol

from ..core.derivation import Partial
from ..core.matrix import MatrixNetwork
from ..core.matrix_derivation import MatrixDerivation, derive_matrix
from ..core.tensors import Average, MatProduct, Transposed, infer_shape, is_structural
from ..errors import InputError
from .bmatrix import MAX_SHOWN, Matrix, budget, hand_rounder, latex_width, matrix_latex, pack, shape_latex
from .context import SECTIONS
from .layer_graph import layer_graph_context
from .numbers import plain, scientific, shown
from .printing import Notation, make_printer
from .tables import Column, Math, Table, Text
from .training_steps import matrix_training_context

__all__ = ["LAYOUT", "MATRIX_SECTIONS", "matrix_walkthrough_context"]

#: The layout convention, as the walkthrough states it.
LAYOUT = "a gradient has its parameter's shape (as in PyTorch)"

#: The sections a matrix-form walkthrough has (the others of :data:`~symbackprop.output.context.SECTIONS`
#: are accepted and have nothing to show in this view).
MATRIX_SECTIONS = ("setup", "graph", "forward", "loss", "backward", "gradients", "update", "check")


def _written(expr: Expr) -> dict[Expr, list[Expr]]:
    """Sums and products in the order a course writes them: ``W x + b``, ``1 - a``, ``a - y``, and
    adjoints and matrix products first in an elementwise product, ``(W^T δ) ⊙ a ⊙ (1 - a)``."""
    out: dict[Expr, list[Expr]] = {}
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Add):
            out[node] = sorted(node.args, key=lambda t: (not t.has(MatProduct), t.could_extract_minus_sign()))
        elif isinstance(node, sympy.Mul):
            out[node] = sorted(node.as_ordered_factors(), key=lambda f: not f.has(Partial, MatProduct))
    return out


def _rebuilt(expr: Expr, mapping: Mapping[Expr, Expr]) -> Expr:
    """``expr`` with ``mapping`` applied and nothing evaluated: ``(a - y)/4`` stays a product."""
    found = mapping.get(expr)
    if found is not None:
        return found
    if not expr.args or isinstance(expr, Partial):
        return expr
    args = [_rebuilt(a, mapping) for a in expr.args]
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)):
        return expr.func(*args, evaluate=False)
    return expr.func(*args)


def _replaced(written: Mapping[Expr, Sequence[Expr]], mapping: Mapping[Expr, Expr]) -> dict[Expr, list[Expr]]:
    """The orders of :func:`_written` for the same expression with ``mapping`` applied."""
    return {_rebuilt(k, mapping): [_rebuilt(a, mapping) for a in v] for k, v in written.items()}


class _Source:
    """The derivation, its point and the printer settings every relation shares."""

    def __init__(
        self, derivation: MatrixDerivation, notation: Notation, digits: int, max_shown: int | None, hand: bool
    ):
        self.derivation = derivation
        self.net = net = derivation.network
        self.ev = derivation.evaluation
        self.digits = digits
        self.hand = hand
        self.max_shown = max_shown
        self.linear = frozenset(d.symbol for d in net.definitions if d.expr.has(MatProduct))
        self.shapes: dict[Any, tuple[int, int]] = dict(net.shapes)
        self.shapes.update({Partial(net.loss, s): net.shapes[s] for s in net.nodes})
        self.settings = {
            "latex_names": net.latex_names,
            "derivative": notation.derivative,
            "delta": True,
            "delta_nodes": net.nodes if notation.delta else self.linear,
            "loss": net.loss,
            "fold_short_frac": True,
        }
        self.elided = False
        self.memo: dict[Expr, tuple[int, int]] = {}
        #: The widest left-hand side of the walkthrough's alignments, in em.
        self.lhs_width = max(
            [latex_width(self.partial(s)) for s in net.symbols]
            + [latex_width(self.sym(s)) for s in net.symbols]
        )

    def latex(self, expr: Expr, numbers: Mapping[Any, str] | None = None, **shapes: Any) -> str:
        settings = {**self.settings, "shapes": {**self.shapes, **shapes}, "written": _written(expr)}
        if numbers:
            settings["numbers"] = numbers
        return make_printer(settings).doprint(expr)

    def sym(self, s: Symbol) -> str:
        return self.latex(s)

    def partial(self, s: Symbol) -> str:
        """∂L/∂s, always as a fraction (a δ is named beside it)."""
        return make_printer({**self.settings, "delta": False}).doprint(Partial(self.net.loss, s))

    def value(self, array: Any, key: tuple[str, Expr] | None = None) -> Matrix:
        """``array`` as shown; ``key`` (``("value" | "adjoint" | "update", symbol)``) names a computed
        one, which by hand is shown as carried on (with its zeros, ≈) when rounding changed it."""
        carry = self.hand and self.ev is not None and key in self.ev.rounded
        m = matrix_latex(array, self.digits, self.max_shown, carry)
        self.elided = self.elided or m.elided
        return m

    def of(self, atom: Expr) -> Any:
        """The value of a quantity, or of ∂L/∂quantity."""
        assert self.ev is not None
        if isinstance(atom, Partial):
            return self.ev.adjoints[atom.wrt]
        return self.ev.values[atom]

    def substituted(self, expr: Expr) -> str:
        """``expr`` with every quantity and adjoint (and transposed one) written as its numbers."""
        mapping: dict[Expr, Expr] = {}
        numbers: dict[Expr, str] = {}
        shapes: dict[Expr, tuple[int, int]] = {}
        for node in sympy.preorder_traversal(expr):
            atom, transposed = (node.args[0], True) if isinstance(node, Transposed) else (node, False)
            if node in mapping or not (atom in self.shapes and (atom.is_Symbol or isinstance(atom, Partial))):
                continue
            value = self.of(atom).T if transposed else self.of(atom)
            key = ("adjoint", atom.wrt) if isinstance(atom, Partial) else ("value", atom)
            dummy = Dummy(getattr(atom, "name", "d"))
            mapping[node], numbers[dummy], shapes[dummy] = dummy, self.value(value, key).latex, value.shape
        return self._print_replaced(expr, mapping, numbers, shapes)

    def hadamard(self, node: Expr) -> bool:
        """Whether ``node`` is an elementwise product of two or more arrays (written with ⊙)."""
        if not isinstance(node, sympy.Mul):
            return False
        return sum(infer_shape(f, self.shapes, self.memo) != (1, 1) for f in node.args) > 1

    def annotated(self, expr: Expr) -> bool:
        """Whether a step's shapes are worth writing: it multiplies, transposes or reduces arrays."""
        return any(is_structural(n) or self.hadamard(n) for n in sympy.preorder_traversal(expr))

    def shapes_of(self, expr: Expr) -> str:
        """``expr`` with each elementwise part written as its shape: ``(2×2)^⊤ (2×1) ⊙ (2×1)``."""
        numbers: dict[Expr, str] = {}
        shapes: dict[Expr, tuple[int, int]] = {}

        def visit(node: Expr) -> Expr:
            if node.is_Number:
                return node
            if isinstance(node, sympy.Pow) and node.exp.is_negative:  # an elementwise divisor keeps its place
                return sympy.Pow(visit(node.base), node.exp, evaluate=False)
            if isinstance(node, Partial) or not self.annotated(node):
                shape = infer_shape(node, self.shapes, self.memo)
                dummy = Dummy("s")
                numbers[dummy], shapes[dummy] = "(%s)" % shape_latex(shape), shape
                return dummy
            order = _written(node).get(node, node.args)  # dummies are made, and so printed, in this order
            return _rebuilt(node, {a: visit(a) for a in order})

        return self._print_replaced(visit(expr), {}, numbers, shapes)

    def _print_replaced(
        self, expr: Expr, mapping: Mapping[Expr, Expr], numbers: Mapping[Any, str], shapes: Mapping[Any, Any]
    ) -> str:
        replaced = _rebuilt(expr, mapping)
        settings = {
            **self.settings,
            "shapes": {**self.shapes, **shapes},
            "written": _replaced(_written(expr), mapping),
            "numbers": numbers,
        }
        return make_printer(settings).doprint(replaced)


# ------------------------------------------------------------------ sections


def _in(shape: Sequence[int]) -> str:
    return r"\in \mathbb{R}^{%s}" % shape_latex(shape)


def _setup(src: _Source) -> dict[str, Any]:
    net = src.net
    assert src.ev is not None
    given = []
    for role, group in (("input", net.inputs), ("target", net.targets), ("parameter", net.parameters)):
        for s in group:
            value = src.value(src.ev.values[s])
            given.append(
                {
                    "name": s.name,
                    "latex": src.sym(s),
                    "role": role,
                    "shape": shape_latex(net.shapes[s]),
                    "frozen": s in net.frozen,
                    "item": f"{src.sym(s)} = {value.latex} {_in(net.shapes[s])}",
                }
            )
    definitions = []
    for d in net.definitions:
        row = f"{src.sym(d.symbol)} &= {src.latex(d.expr)}"
        if any(is_structural(n) for n in sympy.preorder_traversal(d.expr)):
            row += r" && (%s) = %s" % (shape_latex(net.shapes[d.symbol]), src.shapes_of(d.expr))
        else:
            row += r" && %s" % _in(net.shapes[d.symbol])
        definitions.append(row)
    eta = None if net.learning_rate is None else _scalar(net.learning_rate)
    return {
        "given": given,
        "lines": _lines([g["item"] for g in given]),
        "frozen": [src.sym(p) for p in net.frozen],
        "definitions": definitions,
        "learning_rate": eta,
        "loss": {"name": net.loss.name, "latex": src.sym(net.loss)},
    }


def _scalar(value: Any) -> dict[str, Any]:
    s = shown(value, 6)
    return {"text": s.text, "latex": s.latex, "exact": s.exact, "rel": s.rel}


def _lines(items: Sequence[str]) -> list[str]:
    """Items packed into lines that fit, separated by ``\\qquad``."""
    room, lines, current = budget(), [], ""
    for item in items:
        joined = f"{current}, \\qquad {item}" if current else item
        if current and latex_width(joined) > room:
            lines.append(current)
            joined = item
        current = joined
    return [*lines, current] if current else lines


def _relation(
    src: _Source, lhs: str, forms: Sequence[str], numbers: str, value: Matrix, shapes: str | None = None
) -> list[str]:
    """``lhs = form = ... = numbers ≈ value``, packed into rows, then the shapes when given.

    The numbers are left out when a form says them already, or when they are too wide for a row
    of their own (a loss over a batch written out in full).
    """
    sides = [lhs]
    for form in forms:
        sides += ["=", form]
    if numbers not in forms and latex_width(numbers) <= budget(src.lhs_width):
        sides += ["=", numbers]
    sides += [value.rel, value.latex]
    if shapes is not None:
        sides += [r"\qquad", r"\text{shapes: } " + shapes]
    return pack(sides, src.lhs_width)


def _forward(src: _Source) -> list[list[str]]:
    net = src.net
    return [
        _relation(
            src,
            src.sym(d.symbol),
            [src.latex(d.expr)],
            src.substituted(d.expr),
            src.value(src.of(d.symbol), ("value", d.symbol)),
        )
        for d in net.definitions
        if d.symbol != net.loss
    ]


def _loss(src: _Source) -> list[str]:
    expr = src.net.definition[src.net.loss]
    loss = src.net.loss
    value = src.value(src.of(loss), ("value", loss))
    return _relation(src, src.sym(loss), [src.latex(expr)], src.substituted(expr), value)


def _backward_layers(src: _Source) -> list[tuple[Symbol | None, list[Symbol]]]:
    """Layer by layer from the loss: each node, and after a linear node the parameters it uses.

    A layer ends with its linear node (the one with ``@``) and that node's parameters.
    """
    derivation, net = src.derivation, src.net
    layers: list[tuple[Symbol | None, list[Symbol]]] = []
    current: list[Symbol] = []
    done: set[Symbol] = set()
    for s in reversed(net.nodes):
        if s == net.loss:
            continue
        current.append(s)
        if s in src.linear:
            current += [p for p in net.parameters if s in derivation.step(p).children and p not in done]
            done.update(current)
            layers.append((s, current))
            current = []
    rest = [p for p in net.parameters if p not in done and derivation.step(p).terms]
    if current or rest:
        layers.append((None, current + rest))
    return layers


def _batch(src: _Source) -> dict[str, Any] | None:
    """A batch (inputs with more than one column) whose loss is a ``mean``: the batch size ``m``
    and the count ``n`` the mean divides by, which every δ carries (δ Aᵀ is Δ Aᵀ / n), as ``factor``."""
    net = src.net
    m = max((net.shapes[s][1] for s in net.inputs), default=1)
    means = [n for n in sympy.preorder_traversal(net.definition[net.loss]) if isinstance(n, Average)]
    if m < 2 or len(means) != 1:
        return None
    rows, columns = infer_shape(means[0].args[0], src.shapes, src.memo)
    n = rows * columns
    return {"m": m, "n": n, "factor": r"\frac{1}{%d}" % n}


def _backward(src: _Source) -> list[dict[str, Any]]:
    """The layers of the backward pass, each with its steps; numbered down from the last layer."""
    layers = _backward_layers(src)
    out = []
    for k, (linear, symbols) in enumerate(layers):
        number = len(layers) - k
        heading = None if linear is None else f"{src.sym(linear)} = {src.latex(src.net.definition[linear])}"
        out.append({"number": number, "latex": heading, "steps": [_backward_step(src, s) for s in symbols]})
    return out


def _backward_step(src: _Source, s: Symbol) -> dict[str, Any]:
    """One quantity's adjoint: its one-step recurrence and textbook form, then the numbers.

    By hand, the numbers are the recurrence's (the adjoints just shown, as rounded), written last.
    """
    derivation, net = src.derivation, src.net
    recurrence, textbook = derivation.recurrence(s), derivation.textbook(s)
    order = [textbook, recurrence] if src.hand else [recurrence, textbook]
    forms = [src.latex(order[0])] + ([src.latex(order[1])] if textbook != recurrence else [])
    quantity = src.partial(s)
    lhs = quantity
    if s in src.linear:
        forms.insert(0, quantity)
        lhs = src.latex(Partial(net.loss, s))
    value = src.value(src.of(Partial(net.loss, s)), ("adjoint", s))
    shapes = (
        r"(%s) = %s" % (shape_latex(net.shapes[s]), src.shapes_of(textbook))
        if src.annotated(textbook)
        else None
    )
    substituted = order[1] if textbook != recurrence else textbook
    numbers = (
        forms[-1] if substituted.is_Atom or isinstance(substituted, Partial) else src.substituted(substituted)
    )
    rows = _relation(src, lhs, forms, numbers, value, shapes)
    return {
        "name": s.name,
        "latex": src.sym(s),
        "role": derivation.step(s).role,
        "delta": s in src.linear,
        "quantity": quantity,
        "shape": shape_latex(net.shapes[s]),
        "shapes": shapes,
        "rows": rows,
    }


def _gradients(src: _Source) -> list[dict[str, Any]]:
    net, derivation = src.net, src.derivation
    out = []
    for p in net.parameters:
        value = src.value(src.of(Partial(net.loss, p)), ("adjoint", p))
        chain = src.latex(derivation.textbook(p))
        rows = pack(
            [src.partial(p), "=", chain, value.rel, value.latex + " " + _in(net.shapes[p])], src.lhs_width
        )
        out.append({"name": p.name, "latex": src.sym(p), "frozen": p in net.frozen, "rows": rows})
    return out


def _update(src: _Source) -> dict[str, Any] | None:
    net, ev = src.net, src.ev
    if ev is None or ev.learning_rate is None:
        return None
    eta = _scalar(ev.learning_rate)
    rows = []
    for p, new in ev.updates.items():
        old, gradient = src.value(ev.values[p]), src.value(ev.adjoints[p], ("adjoint", p))
        after = src.value(new, ("update", p))
        general = r"%s - \eta \, %s" % (src.sym(p), src.partial(p))
        step = r"\left(%s\right)" % gradient.latex if gradient.latex.startswith("-") else gradient.latex
        numbers = r"%s - %s \cdot %s" % (old.latex, eta["latex"], step)
        rows.append(
            pack([src.sym(p), r"\leftarrow", general, "=", numbers, after.rel, after.latex], src.lhs_width)
        )
    return {"learning_rate": eta, "rows": rows, "frozen": [src.sym(p) for p in net.frozen]}


def _check(src: _Source, report: Any) -> dict[str, Any] | None:
    """The scalar view's gradient check, one row per parameter: its elements' largest error."""
    if report is None:
        return None
    net = src.net
    by_element = {r.name: r for r in report.rows}
    rows = []
    for p in net.parameters:
        elements = [by_element[e.name] for row in net.elements(p) for e in row if e.name in by_element]
        if not elements:
            continue
        worst = max(r.rel_error for r in elements)
        bad, unchecked = sum(r.ok is False for r in elements), sum(r.ok is None for r in elements)
        verdict = (
            f"{bad} of {len(elements)} disagree"
            if bad
            else f"{unchecked} of {len(elements)} not checked"
            if unchecked
            else "agree"
        )
        rows.append(
            (
                Math(src.sym(p), p.name),
                Text(str(len(elements))),
                Text(scientific(worst, 1)),
                Text(verdict),
            )
        )
    columns = (
        Column("parameter", "parameter"),
        Column("elements", "elements"),
        Column("rel_error", "largest relative error"),
        Column("verdict", "verdict"),
    )
    return {
        "ok": report.ok,
        "seed": report.seed,
        "points": len(report.points),
        "rtol": plain(report.rtol),
        "atol": plain(report.atol),
        "table": Table(columns, tuple(rows)),
    }


# ------------------------------------------------------------------ the context


def _derivation(source: MatrixDerivation | MatrixNetwork, digits: int, hand: bool) -> MatrixDerivation:
    """The derivation at its point; by hand, every computed array rounded as shown before it is used."""
    derivation = source if isinstance(source, MatrixDerivation) else derive_matrix(source)
    if hand or derivation.evaluation is None:
        derivation = derivation.at(None, quantize=hand_rounder(digits) if hand else None)
    return derivation


def _check_numbers(rounding: str, digits: int) -> None:
    if rounding not in ("exact", "hand"):
        raise InputError(f"rounding must be 'exact' or 'hand', not {rounding!r}", where="--rounding")
    if not 0 <= digits <= 15:
        raise InputError(f"digits must be between 0 and 15, not {digits}")


def matrix_walkthrough_context(
    source: MatrixDerivation | MatrixNetwork,
    *,
    digits: int = 4,
    rounding: str = "exact",
    notation: Notation | None = None,
    check: Any = None,
    sections: Sequence[str] | None = None,
    max_shown: int | None = MAX_SHOWN,
    detail: str = "compact",
    steps: int = 0,
) -> dict[str, Any]:
    """The plain data a matrix-form walkthrough template receives.

    Args:
        source: A matrix network with values, or its derivation.
        digits: Decimals shown (see :func:`symbackprop.output.numbers.shown`).
        rounding: ``"exact"`` rounds each shown number from the value; ``"hand"`` carries on with
            every vector and matrix as shown (rounded to ``digits``), like a student.
        notation: Derivative notation; ``delta`` names every node's δ (linear nodes' always are).
        check: A :class:`~symbackprop.numeric.gradcheck.CheckReport` of the scalar view, or None.
        sections: Which of :data:`~symbackprop.output.context.SECTIONS` to include (default: all).
        max_shown: Rows and columns shown of a vector or matrix; ``None`` shows them in full.
        detail: ``"compact"`` elides big vectors and matrices to ``max_shown`` rows and columns;
            ``"full"`` shows every entry.
        steps: Training steps shown as a table after the update (:mod:`.training_steps`).

    Raises:
        InputError: An unknown section or rounding, or digits out of range.
    """
    _check_numbers(rounding, digits)
    chosen = list(SECTIONS if sections is None else sections)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise InputError(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
    if detail not in ("compact", "full"):
        raise InputError(f"unknown detail {detail!r}; choose from compact, full", where="--detail")
    if detail == "full":
        max_shown = None
    if max_shown is not None and max_shown < 2:
        raise InputError(f"max_shown must be at least 2, not {max_shown}")
    notation = notation or Notation()
    hand = rounding == "hand"
    src = _Source(_derivation(source, digits, hand), notation, digits, max_shown, hand)
    net = src.net
    context: dict[str, Any] = {
        "title": net.title or "Backpropagation walkthrough in matrix form",
        "view": "matrix",
        "layout": LAYOUT,
        "sections": chosen,
        "digits": digits,
        "rounding": rounding,
        "notation": {"derivative": notation.derivative, "delta": notation.delta, "mul": notation.mul},
        "setup": _setup(src),
        "graph": layer_graph_context(net, src.sym),
        "forward": _forward(src),
        "loss": _loss(src),
        "layers": _backward(src),
        "batch": _batch(src),
        "gradients": _gradients(src),
        "update": _update(src),
        "check": _check(src, check),
        "training": matrix_training_context(net, src.sym, digits, steps, max_shown),
        "max_shown": max_shown,
    }
    context["backward"] = [step for layer in context["layers"] for step in layer["steps"]]
    context["elided"] = src.elided
    return context
