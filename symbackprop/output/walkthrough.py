"""Walkthroughs: a Derivation laid out as lecture notes, through Jinja2 templates.

:func:`walkthrough_context` turns a derivation (and optionally a gradient
check) into plain data -- strings, numbers, lists and dicts -- with every piece
of math already printed by :mod:`symbackprop.output.printing` and every number by
:mod:`symbackprop.output.numbers`.  :func:`render` hands that context to a template.
Nothing here differentiates or evaluates: the numbers come from the
:class:`~symbackprop.core.derivation.Evaluation` the derivation already holds.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sympy import Expr, Symbol

from ..core.derivation import Derivation, Partial, derive
from ..core.network import Network
from ..errors import InputError, TemplateError
from .numbers import hand_quantizer, shown
from .printing import Notation, SymbackpropLatexPrinter

__all__ = ["FORMATS", "SECTIONS", "render", "template_path", "walkthrough_context"]

#: Sections of a walkthrough, in order.
SECTIONS = ("setup", "graph", "forward", "loss", "backward", "gradients", "update", "dataset", "check")

#: Most dataset examples shown as columns.
DATASET_COLUMNS = 8

#: Output formats and their templates.
FORMATS = {"md": "walkthrough.md.j2", "tex": "walkthrough.tex.j2"}

#: Largest network drawn as a picture, in defined nodes.
GRAPH_LIMIT = 20

ROUNDINGS = ("exact", "hand")

#: Notation.mul -> SymPy's ``mul_symbol`` setting.
_SYMPY_MUL = {"cdot": "dot", "times": "times", "none": None}


# ------------------------------------------------------------------ context


class _Printer:
    """Print symbolic and substituted math for one derivation and notation."""

    def __init__(self, derivation: Derivation, notation: Notation) -> None:
        net = derivation.network
        self.notation = notation
        self.base = {
            "latex_names": dict(net.latex_names),
            "derivative": notation.derivative,
            "delta": notation.delta,
            "delta_nodes": frozenset(net.nodes) - {net.loss},
            "loss": net.loss,
            "order": "none",
            "mul_symbol": None,
        }

    def _printer(self, numbers: Mapping[Any, str] | None = None) -> SymbackpropLatexPrinter:
        settings = dict(self.base)
        mul = self.notation.mul
        if numbers is not None:
            settings["numbers"] = numbers
            mul = "cdot" if mul == "none" else mul  # products of numbers always get a sign
        settings["mul_symbol"] = _SYMPY_MUL[mul]
        return SymbackpropLatexPrinter(settings)

    def symbolic(self, expr: Expr) -> str:
        return self._printer().doprint(expr)

    def substituted(self, expr: Expr, numbers: Mapping[Any, str]) -> str:
        return self._printer(numbers).doprint(expr)


def _escape_md(text: str) -> str:
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]{}#|$!])", r"\\\1", text)


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
}


def _escape_tex(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


def walkthrough_context(
    source: Derivation | Network,
    *,
    digits: int = 4,
    rounding: str = "exact",
    notation: Notation | None = None,
    check: Any = None,
    sections: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The plain data a walkthrough template receives (documented in the README).

    Args:
        source: A Derivation with a point, or a Network with values.
        digits: Decimals shown (see :func:`symbackprop.output.numbers.shown`).
        rounding: ``"exact"`` rounds each shown number from the exact value;
            ``"hand"`` carries on with the numbers as shown, like a student.
        notation: Derivative, δ and multiplication-sign options.
        check: A :class:`~symbackprop.numeric.gradcheck.CheckReport`, or None.
        sections: Which of :data:`SECTIONS` to include (default: all).
    """
    notation = notation or Notation()
    if rounding not in ROUNDINGS:
        msg = f"rounding must be 'exact' or 'hand', not {rounding!r}"
        raise InputError(msg)
    if not 0 <= digits <= 15:
        msg = f"digits must be between 0 and 15, not {digits}"
        raise InputError(msg)
    chosen = tuple(SECTIONS if sections is None else sections)
    for s in chosen:
        if s not in SECTIONS:
            msg = f"unknown section {s!r}; choose from {', '.join(SECTIONS)}"
            raise InputError(msg)
    derivation = source if isinstance(source, Derivation) else derive(source, evaluate_point=False)
    if rounding == "hand" or derivation.evaluation is None:
        derivation = derivation.at(None, quantize=hand_quantizer(digits) if rounding == "hand" else None)
    ev = derivation.evaluation
    assert ev is not None
    net = derivation.network
    p = _Printer(derivation, notation)

    def num(value: Expr, key: tuple | None = None) -> dict[str, Any]:
        s = shown(value, digits)
        exact = s.exact and (key is None or key not in ev.approx)
        return {"text": s.text, "latex": s.latex, "exact": exact, "rel": "=" if exact else r"\approx"}

    def sym(s: Symbol) -> str:
        return p.symbolic(s)

    value_numbers = {s: shown(v, digits).latex for s, v in ev.values.items()}
    adjoint_numbers = {(net.loss, s): shown(v, digits).latex for s, v in ev.adjoints.items()}
    local_numbers = {k: shown(v, digits).latex for k, v in ev.local.items()}

    def row(s: Symbol, role: str) -> dict[str, Any]:
        return {"name": s.name, "latex": sym(s), "role": role, "value": num(ev.values[s]),
                "frozen": s in net.frozen}  # fmt: skip

    setup = {
        "inputs": [row(s, "input") for s in net.inputs],
        "targets": [row(s, "target") for s in net.targets],
        "parameters": [row(s, "parameter") for s in net.parameters],
        "definitions": [
            {"name": d.symbol.name, "lhs": sym(d.symbol), "rhs": p.symbolic(d.expr)} for d in net.definitions
        ],
        "learning_rate": None if net.learning_rate is None else num(net.learning_rate),
        "loss": {"name": net.loss.name, "latex": sym(net.loss)},
    }
    forward = []
    for d in net.definitions:
        if d.symbol == net.loss:
            continue
        forward.append(
            _forward_row(d.symbol, d.expr, p, value_numbers, num(ev.values[d.symbol], ("value", d.symbol)))
        )
    loss_def = net.definition[net.loss]
    loss = {
        "name": net.loss.name,
        **_forward_row(net.loss, loss_def, p, value_numbers, num(ev.values[net.loss], ("value", net.loss))),
    }
    backward = []
    for step in derivation.steps:
        if step.symbol == net.loss or step.symbol in net.inputs or step.symbol in net.targets:
            continue
        quantity = p.symbolic(Partial(net.loss, step.symbol))
        leibniz = step.leibniz_recurrence()
        general = step.recurrence()
        numbers = {**value_numbers, **adjoint_numbers}
        factor_numbers = {
            **adjoint_numbers,
            **{(f.of, f.wrt): local_numbers[(f.of, f.wrt)] for f in step.factors},
        }
        value = num(ev.adjoints[step.symbol], ("adjoint", step.symbol))
        direct = len(step.factors) == 1 and step.factors[0].of == net.loss
        backward.append({
            "name": step.symbol.name,
            "latex": sym(step.symbol),
            "role": step.role,
            "quantity": quantity,
            "leibniz": None if direct else p.symbolic(leibniz),
            "general": p.symbolic(general),
            "substituted": p.substituted(general, numbers),
            "factors": p.substituted(leibniz, factor_numbers),
            "value": value,
            "paths": len(step.factors),
            "local": [
                {"of": sym(f.of), "wrt": sym(f.wrt), "partial": p.symbolic(f.partial),
                 "general": p.symbolic(f.general), "substituted": p.substituted(f.general, value_numbers),
                 "value": num(ev.local[(f.of, f.wrt)], ("local", f.of, f.wrt))}
                for f in step.factors
            ],
        })  # fmt: skip
    gradients = []
    for param in net.parameters:
        chain = derivation.leibniz(param)
        gradients.append({
            "name": param.name,
            "latex": sym(param),
            "quantity": p.symbolic(Partial(net.loss, param)),
            "chain": p.symbolic(chain),
            "value": num(ev.adjoints[param], ("adjoint", param)),
            "frozen": param in net.frozen,
        })  # fmt: skip
    update = None
    if ev.learning_rate is not None:
        eta = shown(ev.learning_rate, digits)
        rows = []
        for param in net.parameters:
            if param in net.frozen:
                continue
            grad = ev.adjoints[param]
            rows.append({
                "name": param.name,
                "latex": sym(param),
                "quantity": p.symbolic(Partial(net.loss, param)),
                "old": num(ev.values[param]),
                "gradient": num(grad, ("adjoint", param)),
                "new": num(ev.updates[param], ("update", param)),
                "substituted": r"%s - %s \cdot %s" % (
                    value_numbers[param], eta.latex, _paren(shown(grad, digits).latex)),
            })  # fmt: skip
        update = {
            "learning_rate": num(ev.learning_rate),
            "rows": rows,
            "frozen": [{"name": f.name, "latex": sym(f)} for f in net.frozen],
        }
    dataset = _dataset(derivation, num, sym, digits, rounding)
    graph = _graph(net, sym) if len(net.nodes) <= GRAPH_LIMIT else None
    check_rows = None
    if check is not None:
        check_rows = {
            "ok": check.ok,
            "seed": check.seed,
            "points": len(check.points),
            "rtol": f"{check.rtol:g}",
            "atol": f"{check.atol:g}",
            "rows": [
                {"name": r.name, "latex": r.latex, "point": r.point,
                 "symbolic": shown(r.symbolic, digits + 2).text, "numeric": shown(r.numeric, digits + 2).text,
                 "abs_error": f"{r.abs_error:.1e}",
                 "rel_error": f"{r.rel_error:.1e}", "verdict": r.verdict, "verdict_md": _escape_md(r.verdict),
                 "verdict_tex": _escape_tex(r.verdict), "ok": r.ok}
                for r in check.rows
            ],
        }  # fmt: skip
    title = net.title or "Backpropagation walkthrough"
    return {
        "title": title,
        "title_md": _escape_md(title),
        "title_tex": _escape_tex(title),
        "sections": list(chosen),
        "digits": digits,
        "rounding": rounding,
        "notation": {"derivative": notation.derivative, "delta": notation.delta, "mul": notation.mul},
        "setup": setup,
        "graph": graph,
        "graph_limit": GRAPH_LIMIT,
        "forward": forward,
        "loss": loss,
        "backward": backward,
        "gradients": gradients,
        "update": update,
        "check": check_rows,
        "dataset": dataset,
        "kinks": [{"node": sym(n), "condition": p.symbolic(c)} for n, c in ev.kinks],
        "deltas": notation.delta,
        "delta_example": r"\frac{\partial %s}{\partial n}" % sym(net.loss)
        if notation.derivative == "partial"
        else r"\frac{\mathrm{d}%s}{\mathrm{d}n}" % sym(net.loss),
    }


def _dataset(derivation: Derivation, num: Any, sym: Any, digits: int, rounding: str) -> dict[str, Any] | None:
    """The dataset section: per-example gradients (one column each) and their reduction."""
    over = derivation.over_dataset(hand_quantizer(digits) if rounding == "hand" else None)
    if over is None:
        return None
    net = derivation.network
    shown_examples = over.examples[:DATASET_COLUMNS]
    columns = []
    for i, ev in enumerate(shown_examples, 1):
        given = ", ".join(f"{sym(s)} = {shown(ev.values[s], digits).latex}" for s in net.inputs + net.targets)
        columns.append({"index": i, "given": given, "loss": num(ev.values[net.loss])})
    rows = [
        {"name": p.name, "latex": sym(p), "quantity": sym(p),
         "per_example": [num(ev.adjoints[p]) for ev in shown_examples], "reduced": num(over.gradients[p]),
         "frozen": p in net.frozen}
        for p in net.parameters
    ]  # fmt: skip
    updates = [
        {"name": p.name, "latex": sym(p), "old": num(over.examples[0].values[p]),
         "gradient": num(over.gradients[p]), "gradient_latex": _paren(shown(over.gradients[p], digits).latex),
         "new": num(v)}
        for p, v in over.updates.items()
    ]  # fmt: skip
    return {
        "count": len(over.examples),
        "shown": len(shown_examples),
        "reduction": over.reduction,
        "columns": columns,
        "rows": rows,
        "loss": num(over.loss),
        "updates": updates,
        "learning_rate": None if net.learning_rate is None else num(net.learning_rate),
    }


def _paren(text: str) -> str:
    return r"\left(%s\right)" % text if text.startswith("-") else text


def _forward_row(
    symbol: Symbol, expr: Expr, p: _Printer, numbers: Mapping[Symbol, str], value: dict[str, Any]
) -> dict[str, Any]:
    substituted = p.substituted(expr, numbers)
    return {
        "name": symbol.name,
        "lhs": p.symbolic(symbol),
        "rhs": p.symbolic(expr),
        "substituted": substituted,
        "value": value,
        "trivial": substituted == value["latex"],
    }


def _graph(net: Network, sym: Any) -> dict[str, Any]:
    """Nodes with layers and edges, for Mermaid and TikZ."""
    layer: dict[Symbol, int] = {s: 0 for s in net.inputs + net.targets + net.parameters}
    for d in net.definitions:
        parents = net.parents(d.symbol)
        layer[d.symbol] = 1 + max((layer[q] for q in parents), default=0)
    ids = {s: f"n{i}" for i, s in enumerate(net.symbols)}
    by_layer: dict[int, list[Symbol]] = {}
    for s in net.symbols:
        by_layer.setdefault(layer[s], []).append(s)
    nodes = []
    for k, members in sorted(by_layer.items()):
        for i, s in enumerate(members):
            role = net.role(s) if s != net.loss else "loss"
            nodes.append({"id": ids[s], "name": s.name, "latex": sym(s), "role": role, "x": 2.6 * k,
                          "y": -1.3 * i + 0.65 * (len(members) - 1)})  # fmt: skip
    edges = [
        {"source": ids[q], "target": ids[d.symbol]} for d in net.definitions for q in net.parents(d.symbol)
    ]
    return {"nodes": nodes, "edges": edges}


# ------------------------------------------------------------------ rendering


def template_path(name: str) -> Path:
    """Where a bundled template lives: in the installed package, else the checkout."""
    here = Path(__file__).resolve().parent.parent  # the package: symbackprop/
    for directory in (here / "templates", here.parent / "templates"):
        if (directory / name).is_file():
            return directory / name
    msg = f"bundled template {name!r} not found in {here / 'templates'} or {here.parent / 'templates'}"
    raise TemplateError(msg)


def _environment(fmt: str, directory: Path) -> Any:
    import jinja2

    options: dict[str, Any] = {
        "loader": jinja2.FileSystemLoader(str(directory)),
        "undefined": jinja2.StrictUndefined,
        "keep_trailing_newline": True,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "autoescape": False,
    }
    if fmt == "tex":
        options.update(
            block_start_string=r"\BLOCK{",
            block_end_string="}",
            variable_start_string=r"\VAR{",
            variable_end_string="}",
            comment_start_string=r"\#{",
            comment_end_string="}",
            line_statement_prefix="%%",
            line_comment_prefix="%#",
        )
    return jinja2.Environment(**options)


def render(
    source: Derivation | Network | Mapping[str, Any],
    format: str = "md",
    *,
    standalone: bool = False,
    template: str | Path | None = None,
    **context_options: Any,
) -> str:
    """Render a walkthrough.

    Args:
        source: A Derivation, a Network, or a context from
            :func:`walkthrough_context`.
        format: ``"md"`` or ``"tex"``.
        standalone: For LaTeX, a complete document (preamble and
            ``\\begin{document}``); otherwise a fragment to ``\\input``.
        template: A template file of your own, given the same context.
        **context_options: Passed to :func:`walkthrough_context`
            (``digits``, ``rounding``, ``notation``, ``check``, ``sections``).
    """
    import jinja2

    if format not in FORMATS:
        msg = f"unknown format {format!r}; use one of {', '.join(FORMATS)}"
        raise InputError(msg)
    context = dict(source) if isinstance(source, Mapping) else walkthrough_context(source, **context_options)
    context["standalone"] = standalone
    context["format"] = format
    path = Path(template) if template is not None else template_path(FORMATS[format])
    if not path.is_file():
        raise TemplateError("template not found", file=str(path))
    env = _environment(format, path.parent)
    try:
        return env.get_template(path.name).render(**context).lstrip("\n")
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(e.message or "syntax error", file=str(path), line=e.lineno) from None
    except jinja2.UndefinedError as e:
        raise TemplateError(
            f"the template uses something the context does not have: {e.message}", file=str(path)
        ) from None
