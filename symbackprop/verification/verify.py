"""Verify hand derivations: read a document's math and point at the wrong equation.

The pipeline is linear:

1. :mod:`symbackprop.verification.documents` finds every equation and its line;
2. :mod:`symbackprop.notation.latex_input` splits relation chains and parses each side;
3. the network comes from ``spec`` or from the document's own first
   definitions (``z_1 = x w_1``, ``L = …``) and its stated values;
4. :func:`symbackprop.core.derivation.derive` gives the truth at the document's point
   and at random points;
5. every relation is judged, side by side, against that truth:

   * symbolic sides (``a_2 - y``, ``dL/da_2 · da_2/dz_2``) at the point and at
     random points;
   * numeric sides (``0.562 · 0.246``, ``0.138``) with rounding: a number
     shown with k decimals holds within half a unit of its last digit, plus
     the slack propagated from rounded numbers the document used;
   * the arithmetic as written (``0.5 - 0.1 · 0.069 = 0.4931``), separately;
   * a wrong number that follows from the document's own earlier wrong
     claims is reported as a consequence of that line, not as a new error.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sympy
from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Derivation, Evaluation, Partial, derive
from ..core.display import Displayable
from ..core.network import Definition, Network
from ..errors import GraphError, InputError, SymbackpropError, SymbackpropWarning
from ..files import read_text
from ..output.numbers import shown
from ..output.printing import latex as print_latex
from .documents import Document, read_document

__all__ = ["DIGITS_POLICIES", "Finding", "VerifyReport", "verify"]

#: How a number shown with k decimals is judged, as data: policy -> (units of the
#: last digit allowed, whether slack from earlier rounded numbers is added).
DIGITS_POLICIES: dict[str, tuple[Rational, bool]] = {
    "round": (Rational(1, 2), True),
    "strict": (Rational(1, 2), False),
    "loose": (Rational(1), True),
}

#: Largest inlined expression (in operations) differentiated for a derivative that
#: is not a graph edge and not an adjoint, e.g. ∂a_2/∂w_1 written in a document.
TOTAL_DERIVATIVE_LIMIT = 2_000

#: Names read as the learning rate.
LEARNING_RATE_NAMES = ("eta", "lr", "alpha")

#: Names that are targets, and prefixes of parameters, in a document-defined network.
TARGET_NAMES = re.compile(r"(?:y|t|target|y_true|label)(?:_.*)?\Z")
PARAMETER_NAMES = re.compile(r"(?:w|W|b|theta|beta|gamma|v|u)(?:\^.*|_.*|\d.*)?\Z")
LOSS_NAMES = ("L", "E", "J", "C", "E_total", "loss", "Loss", "cost")

_REL = Rational(1, 10**9)
_STATUS = ("ok", "wrong", "not checked")
_MARK = {"ok": "✓", "wrong": "✗", "not checked": "?"}


@dataclass(frozen=True)
class Finding:
    """The verdict on one equation (one relation chain) of the document.

    Attributes:
        line: 1-based source line.
        source: The equation as written.
        status: ``"ok"``, ``"wrong"`` or ``"not checked"``.
        message: Why, in one line.
        expected: The right expression and/or value in LaTeX, when wrong.
        kind: ``"definition"``, ``"value"``, ``"claim"``, ``"update"`` or ``"arithmetic"``.
        arithmetic: ``"holds"`` / ``"wrong"`` for the arithmetic as written, or ``None``.
        cause: For a consequence, the line of the error it follows from.
        value: The right value as a float, when known.
        block_end: The line where the math block ends (for annotations).
    """

    line: int
    source: str
    status: str
    message: str
    expected: str | None = None
    kind: str = "claim"
    arithmetic: str | None = None
    cause: int | None = None
    value: float | None = None
    block_end: int = 0
    subject: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VerifyReport(Displayable):
    """All findings of one document, in document order."""

    source: str
    findings: tuple[Finding, ...]
    network_from: str
    text: str = field(default="", repr=False)
    format: str = "md"

    @property
    def ok(self) -> bool:
        """True when nothing is wrong ("not checked" is not wrong)."""
        return not any(f.status == "wrong" for f in self.findings)

    @property
    def first_error(self) -> Finding | None:
        """The first wrong equation that is not a consequence of another."""
        return next((f for f in self.findings if f.status == "wrong" and f.cause is None), None)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.status == s) for s in _STATUS}

    def to_dict(self) -> dict[str, Any]:
        first = self.first_error
        return {
            "source": self.source,
            "network_from": self.network_from,
            "ok": self.ok,
            "counts": self.counts(),
            "first_error": None if first is None else first.line,
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def table(self) -> str:
        """A plain-text table: line, verdict, equation, and the correction."""
        rows = [("line", "verdict", "equation", "note")]
        for f in self.findings:
            verdict = {"ok": "holds", "wrong": "WRONG", "not checked": "not checked"}[f.status]
            eq = f.source if len(f.source) <= 60 else f.source[:57] + "..."
            rows.append((str(f.line), verdict, eq, f.message))
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        w2 = max(len(r[2]) for r in rows)
        lines = [f"{a:>{w0}}  {b:<{w1}}  {c:<{w2}}  {d}".rstrip() for a, b, c, d in rows]
        c = self.counts()
        first = self.first_error
        tail = f"{c['ok']} hold, {c['wrong']} wrong, {c['not checked']} not checked"
        if first is not None:
            tail += f"; first error at line {first.line}"
        return "\n".join([*lines, "", f"{self.source}: {tail}"]) + "\n"

    def annotate(self) -> str:
        """The document with a mark and a correction after each equation's block."""
        notes: dict[int, list[str]] = {}
        for f in self.findings:
            note = f"{_MARK[f.status]} line {f.line}: {f.message}"
            if self.format == "md" and f.status == "wrong" and f.expected and f.subject:
                why = f"follows from the error at line {f.cause}" if f.cause else "wrong"
                note = f"{_MARK[f.status]} line {f.line}: {why}; expected ${f.subject} = {f.expected}$"
            notes.setdefault(f.block_end or f.line, []).append(note)
        out: list[str] = []
        for n, line in enumerate(self.text.split("\n"), start=1):
            out.append(line)
            for note in notes.get(n, []):
                if self.format == "tex":
                    out.append("% symbackprop " + note.replace("\n", " "))
                else:
                    out.append("")
                    out.append("> **symbackprop** " + note.replace("\n", " "))
                    out.append("")
        return "\n".join(out)


# ---------------------------------------------------------------- statements


@dataclass
class _Statement:
    line: int
    block_end: int
    source: str
    sides: list[str]
    ops: list[str]
    parsed: list[Any] = field(default_factory=list)  # Parsed per side
    error: str | None = None


class _Names:
    """Written name keys -> Symbols, for a spec's network or the document's own."""

    def __init__(self, network: Network | None) -> None:
        self.table: dict[str, Symbol] = {}
        self.latex: dict[Symbol, str] = {}
        self.eta = Symbol("eta", real=True)
        self.created: set[Symbol] = set()
        self.updated: dict[Symbol, Symbol] = {}
        self.fixed = network is not None
        if network is not None:
            for s in network.symbols:
                self.table.setdefault(s.name, s)
            from ..notation.latex_input import parse_math

            for s, spelled in network.latex_names.items():
                seen: list[str] = []

                def grab(key: str, seen: list[str] = seen) -> Symbol:
                    seen.append(key)
                    return Symbol("_tmp")

                try:
                    parse_math(spelled, grab, known=frozenset({"_"}))
                except SymbackpropError:
                    continue
                if len(seen) == 1:
                    self.table.setdefault(seen[0], s)
                self.latex[s] = spelled
            for s in network.symbols:
                self.table.setdefault(_squash(s.name), s)

    def known(self) -> set[str]:
        return set(self.table)

    def resolve(self, key: str) -> Symbol:
        from ..notation.latex_input import UPDATED

        if key.endswith(UPDATED) and key not in self.table:
            base = self.resolve(key[: -len(UPDATED)])
            sym = Symbol(base.name + UPDATED, real=True)
            self.table[key] = sym
            self.updated[sym] = base
            return sym
        if key in self.table:
            return self.table[key]
        sq = _squash(key)
        if sq in self.table:
            return self.table[sq]
        if key in LEARNING_RATE_NAMES:
            return self.eta
        sym = Symbol(key, real=True)
        self.table[key] = sym
        self.table.setdefault(sq, sym)
        self.created.add(sym)
        return sym

    def spell(self, sym: Symbol, spelled: str) -> None:
        self.latex.setdefault(sym, spelled)


def _squash(key: str) -> str:
    return re.sub(r"[_^(){}]", "", key)


def _statements(doc: Document) -> list[_Statement]:
    from ..notation.latex_input import split_relations

    out: list[_Statement] = []
    for frag in doc.fragments:
        try:
            chains = split_relations(frag.text)
        except SymbackpropError as e:
            out.append(_Statement(frag.line, frag.block_end, frag.text, [frag.text], [], error=e.message))
            continue
        for sides, ops in chains:
            if len(sides) < 2:
                continue
            source = sides[0]
            for op, side in zip(ops, sides[1:]):
                source += f" {op} {side}"
            out.append(_Statement(frag.line, frag.block_end, source, sides, ops))
    return out


def _parse_all(statements: list[_Statement], names: _Names, functions: Mapping[str, Any]) -> None:
    from ..notation.latex_input import parse_math

    known = frozenset(names.known())
    for st in statements:
        if st.error:
            continue
        if any(not s.strip() for s in st.sides):
            st.error = "a side of the relation is empty"
            continue
        try:
            st.parsed = [
                parse_math(side, names.resolve, functions, gradient=Partial, known=known) for side in st.sides
            ]
            for p in st.parsed:
                p.exact()  # refuses number bombs such as 9^{9^{9}} before anything evaluates them
        except SymbackpropError as e:
            st.error = e.message


def _lhs_keys(statements: list[_Statement], functions: Mapping[str, Any]) -> set[str]:
    """Keys of names that a statement defines (the first side is one name)."""
    from ..notation.latex_input import parse_math

    keys: set[str] = set()
    for st in statements:
        if st.error:
            continue
        word = re.fullmatch(r"\s*([A-Za-z]{2,})\s*", st.sides[0])
        if word:  # "out = ...": a multi-letter name, not a product
            keys.add(word.group(1))
            continue
        seen: list[str] = []

        def grab(key: str, seen: list[str] = seen) -> Symbol:
            seen.append(key)
            return Symbol(f"_k{len(seen)}")

        try:
            p = parse_math(
                st.sides[0], grab, functions, gradient=lambda a, b: Symbol("_g"), known=frozenset()
            )
        except SymbackpropError:
            continue
        if len(seen) == 1 and isinstance(p.expr, Symbol) and not p.numbers:
            keys.add(seen[0])
    return keys


def _failed_definitions(
    statements: list[_Statement], names: _Names, functions: Mapping[str, Any]
) -> dict[Symbol, int]:
    """Names whose defining equation could not be read, with its line."""
    from ..notation.latex_input import parse_math

    out: dict[Symbol, int] = {}
    for st in statements:
        if not st.error or len(st.sides) < 2:
            continue
        try:
            p = parse_math(
                st.sides[0], names.resolve, functions, gradient=Partial, known=frozenset(names.known())
            )
        except SymbackpropError:
            continue
        if _is_name(p):
            out.setdefault(p.expr, st.line)
    return out


# -------------------------------------------------------------- the network


def _is_name(p: Any) -> bool:
    return isinstance(p.expr, Symbol) and not p.numbers


def _is_number(p: Any) -> bool:
    return not p.expr.free_symbols - set(p.numbers) and not p.expr.atoms(Partial)


def _document_network(
    statements: list[_Statement], names: _Names, doc: Document
) -> tuple[Network | None, dict[Symbol, Expr], dict[int, str]]:
    """The network the document itself defines, its aliases, and statement roles."""
    definitions: dict[Symbol, Expr] = {}
    aliases: dict[Symbol, Expr] = {}
    values: dict[Symbol, Expr] = {}
    roles: dict[int, str] = {}
    updated: set[Symbol] = set()
    order: list[Symbol] = []
    for i, st in enumerate(statements):
        if st.error or not _is_name(st.parsed[0]):
            continue
        n = st.parsed[0].expr
        rhs = st.parsed[1]
        if n == names.eta:
            if _is_number(rhs) and len(st.sides) == 2:
                values[n] = rhs.exact()
                roles[i] = "value"
            continue
        if n in definitions or n in aliases:
            continue
        if n in rhs.expr.free_symbols:
            updated.add(n)
            roles[i] = "update"
            continue
        if _is_number(rhs):
            if len(st.sides) == 2 and n not in values:
                values[n] = rhs.exact()
                roles[i] = "value"
            continue
        if rhs.expr.atoms(Partial) or rhs.expr.free_symbols & set(aliases):
            aliases[n] = rhs.exact()
            roles[i] = "alias"
            continue
        definitions[n] = rhs.exact()
        order.append(n)
        roles[i] = "definition"
    for cv in doc.code_values:
        sym = names.table.get(cv.name) or names.table.get(_squash(cv.name))
        if sym is not None and sym not in values and sym not in definitions:
            values[sym] = Rational(cv.number)
    if doc.learning_rate and names.eta not in values:
        values[names.eta] = Rational(doc.learning_rate[0])
    if not definitions:
        return None, aliases, roles
    used: set[Symbol] = set()
    for e in definitions.values():
        used |= e.free_symbols
    leaves = sorted(used - set(definitions) - {names.eta}, key=lambda s: s.name)
    params = [s for s in leaves if s in updated or PARAMETER_NAMES.match(s.name)]
    targets = [s for s in leaves if s not in params and TARGET_NAMES.match(s.name)]
    inputs = [s for s in leaves if s not in params and s not in targets]
    sinks = [s for s in order if not any(s in definitions[o].free_symbols for o in order)]
    loss = next((s for s in sinks if s.name in LOSS_NAMES), sinks[-1] if sinks else order[-1])
    lr = values.get(names.eta)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SymbackpropWarning)
            net = Network(
                tuple(Definition(s, definitions[s]) for s in order),
                inputs=tuple(inputs),
                targets=tuple(targets),
                parameters=tuple(params),
                loss=loss,
                values={s: v for s, v in values.items() if s in set(leaves)},
                learning_rate=lr if lr is not None and lr > 0 else None,
                latex_names=dict(names.latex),
            )
    except GraphError as e:
        msg = f"the document's own network is not valid: {e.message}"
        raise InputError(msg) from None
    return net, aliases, roles


# ----------------------------------------------------------------- numbers


class _Truth:
    """Values at the document's point and at random points."""

    def __init__(
        self, derivation: Derivation, names: _Names, aliases: Mapping[Symbol, Expr], seed: int
    ) -> None:
        self.d = derivation
        self.net = derivation.network
        self.names = names
        self.aliases = dict(aliases)
        self.point: Evaluation | None = derivation.evaluation
        self.randoms: list[Evaluation] = []
        rng = random.Random(seed)
        leaves = self.net.inputs + self.net.targets + self.net.parameters
        if self.point is not None:  # keep the document's data; vary the parameters
            leaves = self.net.parameters
        for _ in range(2):
            pt = {s: Rational(rng.randint(15, 85), 100) for s in leaves}
            try:
                ev = derivation.at(pt).evaluation
            except SymbackpropError:
                continue
            if ev is not None:
                self.randoms.append(ev)
        self._total: dict[tuple[Symbol, Symbol], Expr | None] = {}
        self.exact_values: list[Float] = []
        if self.point is not None:
            self.exact_values = [v for v in self.point.values.values()]
            if self.point.learning_rate is not None:
                self.exact_values.append(Float(self.point.learning_rate, DPS))

    def lr(self, ev: Evaluation) -> Expr | None:
        return None if ev.learning_rate is None else Float(ev.learning_rate, DPS)

    def total(self, of: Symbol, wrt: Symbol) -> Expr | None:
        """d(of)/d(wrt) through the graph, in node names (for partials that are not edges)."""
        key = (of, wrt)
        if key not in self._total:
            defs = self.net.definition
            if of not in defs:
                self._total[key] = sympy.S.One if of == wrt else sympy.S.Zero
            else:
                expr: Expr = of
                for _ in range(len(defs) + 1):
                    inner = {n: defs[n] for n in expr.free_symbols if n in defs and n != wrt}
                    if not inner:
                        break
                    expr = expr.xreplace(inner)
                    if sympy.count_ops(expr, visual=False) > TOTAL_DERIVATIVE_LIMIT:
                        self._total[key] = None
                        return None
                self._total[key] = sympy.diff(expr, wrt)
        return self._total[key]

    def partial(self, p: Partial, ev: Evaluation) -> Expr | None:
        of, wrt = p.of, p.wrt
        if of == self.net.loss and wrt in ev.adjoints:
            return ev.adjoints[wrt]
        if (of, wrt) in ev.local:
            return ev.local[(of, wrt)]
        if of not in self.net.symbols or wrt not in self.net.symbols:
            return None
        t = self.total(of, wrt)
        return None if t is None else _num(t.xreplace(dict(ev.values)))

    def resolve(self, expr: Expr, ev: Evaluation, numbers: Mapping[Symbol, Any] | None = None) -> Expr:
        """``expr`` with aliases, partials, symbols (and number placeholders) replaced."""
        for _ in range(8):
            if not any(s in self.aliases for s in expr.free_symbols):
                break
            expr = expr.xreplace(self.aliases)
        reps: dict[Any, Any] = {}
        for p in expr.atoms(Partial):
            v = self.partial(p, ev)
            if v is None:
                known = p.of in self.net.symbols and p.wrt in self.net.symbols
                why = "is too large to expand here" if known else "is not part of the network"
                msg = f"d{p.of.name}/d{p.wrt.name} {why}"
                raise _Unknown(msg)
            reps[p] = v
        for s in expr.free_symbols:
            if numbers is not None and s in numbers:
                continue
            if s in ev.values:
                reps[s] = ev.values[s]
            elif s == self.names.eta and self.lr(ev) is not None:
                reps[s] = self.lr(ev)
            elif s not in (numbers or {}):
                msg = f"no value for {s.name!r}"
                raise _Unknown(msg)
        return expr.xreplace(reps)

    def value(self, expr: Expr, ev: Evaluation, numbers: Mapping[Symbol, Any]) -> Float:
        e = self.resolve(expr, ev, numbers).xreplace({s: n.value for s, n in numbers.items()})
        v = _num(e)
        if v is None:
            msg = "the value is not a finite real number here"
            raise _Unknown(msg)
        return v

    def slack(self, expr: Expr, ev: Evaluation, numbers: Mapping[Symbol, Any]) -> Float:
        """First-order error bound from the rounded numbers the side uses."""
        e = self.resolve(expr, ev, numbers)
        vals = {s: n.value for s, n in numbers.items()}
        total = Float(0, DPS)
        for s, n in numbers.items():
            if n.decimals == 0 or self.is_exact(n.value):
                continue
            d = _num(sympy.diff(e, s).xreplace(vals))
            if d is None:
                continue
            total += abs(d) * Float(Rational(1, 2) / 10**n.decimals, DPS)
        return total

    def is_exact(self, value: Rational) -> bool:
        fv = Float(value, DPS)
        return any(abs(fv - v) <= Float("1e-25") * max(1, abs(v)) for v in self.exact_values)


class _Unknown(Exception):
    """A value cannot be computed: the side is not checked."""


def _num(expr: Expr) -> Float | None:
    try:
        v = expr.evalf(DPS) if not expr.is_Float else expr
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not v.is_Number or v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or not v.is_real:
        return None
    return Float(v, DPS)


def _close(a: Expr, b: Expr) -> bool:
    return abs(a - b) <= Float(_REL, DPS) * max(1, abs(a), abs(b))


def _flip(part: Expr) -> Expr:
    return sympy.Add(*[-t for t in part.args], evaluate=False)


def _tidy(expr: Expr) -> Expr | tuple[Expr, Expr]:
    """A textbook form, when cheap: one fraction whose factors lead with a positive term.

    ``(y - a)/(a(a - 1))`` becomes ``(a - y)/(a(1 - a))`` and ``-2(y - a)``
    becomes ``2(a - y)``: signs are moved into factors with a constant term.
    """
    if sympy.count_ops(expr) > 60:
        return expr
    try:
        f = sympy.factor(sympy.together(expr))
    except (sympy.PolynomialError, TypeError, ValueError):
        return expr
    coeff = sympy.S.One
    nums: list[Expr] = []
    dens: list[Expr] = []
    for factor in sympy.Mul.make_args(f):
        if factor.is_Number:
            coeff *= factor
        elif isinstance(factor, sympy.Pow) and factor.exp.is_Number and factor.exp < 0:
            dens.append(factor.base if factor.exp == -1 else sympy.Pow(factor.base, -factor.exp))
        else:
            nums.append(factor)
    if not coeff.is_Rational:
        return expr
    sign = 1 if coeff >= 0 else -1
    for parts in (nums, dens):
        for k, part in enumerate(parts):
            if (
                isinstance(part, sympy.Pow)
                and isinstance(part.base, sympy.Add)
                and part.exp.is_even
                and part.base.could_extract_minus_sign()
            ):
                parts[k] = sympy.Pow(_flip(part.base), part.exp, evaluate=False)
            if isinstance(part, sympy.Add) and part.could_extract_minus_sign():
                parts[k] = _flip(part)
                sign = -sign
    if sign < 0:
        for parts in (nums, dens):
            found = next(
                (
                    j
                    for j, p in enumerate(parts)
                    if isinstance(p, sympy.Add) and any(t.is_Number and t < 0 for t in p.args)
                ),
                None,
            )
            if found is not None:
                parts[found] = _flip(parts[found])
                sign = 1
                break
    head = abs(coeff) * sign
    nums = [p for p in nums if p != 1]
    dens = [p for p in dens if p != 1]
    num_head = [sympy.numer(head)] if sympy.numer(head) != 1 or not nums else []
    numerator = (
        sympy.Mul(*num_head, *nums, evaluate=False) if len(num_head) + len(nums) > 1 else (num_head + nums)[0]
    )
    den_parts = ([sympy.denom(head)] if sympy.denom(head) != 1 else []) + dens
    if not den_parts:
        return numerator
    denominator = sympy.Mul(*den_parts, evaluate=False) if len(den_parts) > 1 else den_parts[0]
    return numerator, denominator


# ------------------------------------------------------------------- judging


@dataclass
class _Claim:
    value: Float
    root: int | None  # the line of the error this value inherits, or None


class _Judge:
    def __init__(
        self,
        truth: _Truth | None,
        names: _Names,
        spec_mode: bool,
        roles: Mapping[int, str],
        policy: str,
        doc_defs: Mapping[Symbol, tuple[Expr, int]],
    ) -> None:
        self.truth = truth
        self.names = names
        self.spec_mode = spec_mode
        self.roles = roles
        self.units, self.inherit = DIGITS_POLICIES[policy]
        self.claims: dict[tuple, _Claim] = {}
        self.doc_defs = doc_defs
        self.flagged_defs: dict[Symbol, int] = {}
        self.seen: set[Symbol] = set()
        self.failed: dict[Symbol, int] = {}

    # -- printing
    def latex(self, expr: Any) -> str:
        names = dict(self.names.latex)
        if self.truth is not None:
            names.update(self.truth.net.latex_names)
        names.setdefault(self.names.eta, r"\eta")
        if isinstance(expr, tuple):
            n, d = expr
            return r"\frac{%s}{%s}" % (self.latex(n), self.latex(d))
        return print_latex(expr, latex_names=names)

    def fmt(self, value: Expr, digits: int) -> str:
        return shown(value, max(digits, 3)).text

    # -- keys and their truth
    def key_of(self, expr: Expr) -> tuple | None:
        t = self.truth
        if t is None:
            return None
        if isinstance(expr, Symbol) and expr in t.net.symbols:
            return ("value", expr)
        if isinstance(expr, Partial):
            if expr.of == t.net.loss:
                return ("adjoint", expr.wrt)
            if (expr.of, expr.wrt) in {(e.of, e.wrt) for e in t.d.edges}:
                return ("local", expr.of, expr.wrt)
        return None

    def expected_expr(self, key: tuple | None, ref: Expr) -> str | None:
        t = self.truth
        if t is None or key is None:
            return None
        try:
            if key[0] == "adjoint":
                return self.latex(_tidy(t.d.general_form(key[1])))
            if key[0] == "local":
                return self.latex(_tidy(t.d.local(key[1], key[2]).general))
            if key[0] == "value" and key[1] in t.net.definition:
                return self.latex(t.net.definition[key[1]])
            if key[0] == "update":
                p = key[1]
                return self.latex(p - self.names.eta * Partial(t.net.loss, p))
        except SymbackpropError:
            return None
        return None

    def doc_value(self, key: tuple, ev: Evaluation, depth: int = 0) -> tuple[Float, set[int]]:
        """The value of ``key`` computed from the document's own earlier claims."""
        if key in self.claims:
            c = self.claims[key]
            return c.value, ({c.root} if c.root is not None else set())
        t = self.truth
        assert t is not None
        if depth > 200:
            return self.true_value(key, ev), set()
        kind = key[0]
        if kind == "value":
            s = key[1]
            if s not in t.net.definition:
                return ev.values[s], set()
            e = t.net.definition[s]
            reps: dict[Symbol, Expr] = {}
            roots: set[int] = set()
            for p in e.free_symbols:
                v, r = self.doc_value(("value", p), ev, depth + 1)
                reps[p], roots = v, roots | r
            return _num(e.xreplace(reps)) or ev.values[s], roots
        if kind == "local":
            of, wrt = key[1], key[2]
            e = t.d.local(of, wrt).general
            reps = {}
            roots = set()
            for p in e.free_symbols:
                if p in ev.values:
                    v, r = self.doc_value(("value", p), ev, depth + 1)
                    reps[p], roots = v, roots | r
            return _num(e.xreplace(reps)) or ev.local[(of, wrt)], roots
        if kind == "adjoint":
            s = key[1]
            if s == t.net.loss:
                return Float(1, DPS), set()
            total, roots = Float(0, DPS), set()
            for f in t.d.step(s).factors:
                a, r1 = self.doc_value(("adjoint", f.of), ev, depth + 1)
                loc, r2 = self.doc_value(("local", f.of, f.wrt), ev, depth + 1)
                total += a * loc
                roots |= r1 | r2
            return total, roots
        if kind == "update":
            p = key[1]
            w, r1 = self.doc_value(("value", p), ev, depth + 1)
            g, r2 = self.doc_value(("adjoint", p), ev, depth + 1)
            lr = t.lr(ev) or Float(0, DPS)
            return w - lr * g, r1 | r2
        return self.true_value(key, ev), set()

    def true_value(self, key: tuple, ev: Evaluation) -> Float:
        kind = key[0]
        if kind == "value":
            return ev.values[key[1]]
        if kind == "local":
            return ev.local[(key[1], key[2])]
        if kind == "adjoint":
            return ev.adjoints[key[1]]
        if kind == "update":
            lr = self.truth.lr(ev) if self.truth else None
            if lr is None:
                msg = "no learning rate is known"
                raise _Unknown(msg)
            return ev.values[key[1]] - lr * ev.adjoints[key[1]]
        raise _Unknown("unknown quantity")

    def ref_value(self, key: tuple | None, ref: Any, ev: Evaluation) -> Float:
        if key is not None:
            return self.true_value(key, ev)
        assert self.truth is not None
        return self.truth.value(ref.expr, ev, ref.numbers)

    def doc_side_value(self, side: Any, ev: Evaluation) -> tuple[Float, set[int]]:
        """A side evaluated with the document's own earlier values for partials and nodes."""
        t = self.truth
        assert t is not None
        expr = side.expr
        reps: dict[Any, Any] = {}
        roots: set[int] = set()
        for p in expr.atoms(Partial):
            k = self.key_of(p)
            if k is None:
                raise _Unknown("not a quantity of the network")
            reps[p], r = self.doc_value(k, ev)
            roots |= r
        for s in expr.free_symbols:
            if s in side.numbers:
                continue
            if s in ev.values:
                reps[s], r = self.doc_value(("value", s), ev)
                roots |= r
        e = expr.xreplace(reps)
        return t.value(e, ev, side.numbers), roots

    # -- one statement
    def judge(self, index: int, st: _Statement) -> Finding:
        base: dict[str, Any] = {
            "line": st.line,
            "source": st.source,
            "block_end": st.block_end,
            "subject": st.sides[0].strip(),
        }
        if st.error:
            return Finding(status="not checked", message=f"not checked: {st.error}", **base)
        parsed = st.parsed
        first = parsed[0]
        role = self.roles.get(index)
        used: set[Symbol] = set()
        for p in parsed:
            used |= p.expr.free_symbols
            for d in p.expr.atoms(Partial):
                used |= {d.of, d.wrt}
        blocked = sorted((self.failed[s], s.name) for s in used if s in self.failed)
        if blocked:
            line, name = blocked[0]
            msg = f"not checked: it uses {name}, whose definition at line {line} could not be read"
            return Finding(status="not checked", message=msg, **base)
        t = self.truth
        key: tuple | None = None
        start = 1
        kind = "claim"
        if _is_name(first) and role == "value" and not self.spec_mode:
            return Finding(status="ok", message="given value", kind="value", **base)
        if _is_name(first) and first.expr == self.names.eta:
            return Finding(status="ok", message="learning rate", kind="value", **base)
        if _is_name(first) and role == "alias":
            kind = "definition"
        if t is None:
            return self.arithmetic_only(st, base)
        ev = t.point
        if _is_name(first):
            n = first.expr
            if n in self.names.updated:
                key, kind = ("update", self.names.updated[n]), "update"
            elif n in t.net.parameters and n in parsed[1].expr.free_symbols and len(parsed) > 1:
                key, kind = ("update", n), "update"
            elif n in t.net.symbols:
                key = ("value", n)
                if role == "definition" or (self.spec_mode and n in t.net.definition and n not in self.seen):
                    kind = "definition"
                elif role == "value" or (n not in t.net.definition and _is_number(parsed[1])):
                    kind = "value"
            elif n in t.aliases:
                key = self.key_of(t.aliases[n]) if isinstance(t.aliases[n], Partial) else None
                if role == "alias":
                    start = 2 if len(parsed) > 2 else 1
                    if len(parsed) == 2:
                        return Finding(status="ok", message="abbreviation", kind="definition", **base)
        else:
            key = self.key_of(first.expr)
        if _is_name(first):
            self.seen.add(first.expr)
        if ev is None and not t.randoms:
            return Finding(status="not checked", message="not checked: the document gives no point", **base)
        return self.chain(st, parsed, key, start, kind, base)

    def arithmetic_only(self, st: _Statement, base: dict[str, Any]) -> Finding:
        if not all(_is_number(p) for p in st.parsed):
            return Finding(status="not checked", message="not checked: no network to check against", **base)
        prev = None
        for k, (p, op) in enumerate(zip(st.parsed, [None, *st.ops])):
            v = _num(p.exact())
            if v is None:
                return Finding(status="not checked", message="not checked: not a finite number", **base)
            if prev is not None and op in ("=", "≈"):
                tol = self.arith_tol(p)
                if abs(v - prev) > tol:
                    shown_prev = self.fmt(prev, max(_decimals(p), 4))
                    msg = f"arithmetic: {st.sides[k - 1]} is {shown_prev}, not {st.sides[k]}"
                    return Finding(status="wrong", message=msg, kind="arithmetic", arithmetic="wrong", **base)
            prev = v
        return Finding(status="ok", message="arithmetic holds", kind="arithmetic", arithmetic="holds", **base)

    def arith_tol(self, p: Any) -> Float:
        if _bare(p):
            n = next(iter(p.numbers.values()))
            return Float(self.units / 10**n.decimals, DPS) + Float("1e-20")
        return Float("1e-20")

    def chain(
        self,
        st: _Statement,
        parsed: list[Any],
        key: tuple | None,
        start: int,
        kind: str,
        base: dict[str, Any],
    ) -> Finding:
        t = self.truth
        assert t is not None
        ev = t.point
        ref = parsed[0]
        problems: list[tuple[str, str | None, int | None, Float | None]] = []
        notes: list[str] = []
        arithmetic: str | None = None
        prev_num: Float | None = None
        prev_slack = Float(0, DPS)
        last_value: Float | None = None
        last_root: int | None = None
        wrong_root: int | None = None
        any_checked = False
        digits = max((n.decimals for p in parsed for n in p.numbers.values()), default=3)
        try:
            ref_true = self.ref_value(key, ref, ev) if ev is not None else None
        except (_Unknown, KeyError) as e:
            return Finding(status="not checked", message=f"not checked: {_why(e)}", **base)
        for i in range(start, len(parsed)):
            side = parsed[i]
            op = st.ops[i - 1]
            if op not in ("=", "≈"):
                res = self.inequality(parsed[i - 1], side, op, ev)
                if res is not None:
                    problems.append((res, None, None, None))
                continue
            numeric = any(n.decimals > 0 for n in side.numbers.values()) or _is_number(side)
            try:
                if not numeric:
                    any_checked = True
                    verdict = self.symbolic(side, key, ref, ev, ref_true)
                    if verdict is None:
                        continue
                    if verdict == "point-only" and (key is None or key[0] == "value"):
                        notes.append("holds at this point only (not in general)")
                        continue
                    if verdict == "point-only":  # a derivative formula that is right by coincidence
                        expected = self.expected_expr(key, ref)
                        text = f"{st.sides[i]} holds at this point only, not in general"
                        problems.append((text, expected, None, None))
                        continue
                    if verdict == "restates":
                        line = self.doc_defs[ref.expr][1]
                        notes.append(f"restates the document's definition at line {line}, flagged there")
                        continue
                    expected = self.expected_expr(key, ref)
                    value = ref_true
                    exp_text = expected or ""
                    if value is not None:
                        exp_text = (exp_text + r" \approx " if exp_text else "") + self.fmt(value, digits)
                    if kind == "definition" and self.spec_mode:
                        text = "the definition disagrees with the spec"
                    else:
                        text = f"{st.sides[i]} is wrong"
                    problems.append((text, exp_text or None, None, value))
                    if ev is not None and last_value is None:
                        try:
                            last_value = t.value(side.expr, ev, side.numbers)
                            last_root = st.line
                        except _Unknown:
                            pass
                    if kind == "definition" and self.spec_mode and isinstance(ref.expr, Symbol):
                        self.flagged_defs[ref.expr] = st.line
                    continue
                if ev is None:
                    notes.append(f"{st.sides[i]}: not checked (the document gives no complete point)")
                    continue
                any_checked = True
                v = t.value(side.expr, ev, side.numbers)
                sl = (
                    t.slack(side.expr, ev, side.numbers)
                    if self.inherit and not _bare(side)
                    else Float(0, DPS)
                )
                own = Float(self.units / 10 ** max(_decimals(side), 0), DPS) if _bare(side) else Float(0, DPS)
                tol = own + sl + (prev_slack if _bare(side) and self.inherit else 0) + Float("1e-20")
                # arithmetic as written: against the previous numeric side
                if prev_num is not None and _is_number(side):
                    if abs(v - prev_num) <= (own if _bare(side) else Float("1e-20")) + Float("1e-20"):
                        arithmetic = arithmetic or "holds"
                    else:
                        arithmetic = "wrong"
                        problems.append(
                            (
                                f"arithmetic: {st.sides[i - 1]} is "
                                f"{self.fmt(prev_num, max(_decimals(side), 4))}, not {st.sides[i]}",
                                None,
                                None,
                                None,
                            )
                        )
                prev_num = v if _is_number(side) else None
                prev_slack = sl if not _bare(side) else tol
                last_value, last_root = v, None
                if ref_true is None or abs(v - ref_true) <= tol:
                    continue
                # wrong: is it a consequence of an earlier wrong claim?
                cause = None
                try:
                    dv, roots = (
                        self.doc_value(key, ev)
                        if key is not None
                        else self.doc_side_value(parsed[start - 1], ev)
                    )
                    if roots and abs(v - dv) <= tol + abs(dv) * Float("1e-12"):
                        cause = min(roots)
                except (_Unknown, KeyError):
                    pass
                if cause is None and wrong_root is not None:
                    cause = wrong_root if wrong_root != st.line else None
                    if problems and arithmetic != "wrong":
                        last_root = st.line
                        continue  # the same error carried along the chain
                last_root = cause if cause is not None else st.line
                problems.append((st.sides[i], None, cause, ref_true))
            except _Unknown as e:
                if not any_checked:
                    return Finding(status="not checked", message=f"not checked: {_why(e)}", kind=kind, **base)
                notes.append(f"{st.sides[i]}: not checked ({_why(e)})")
            if problems and wrong_root is None:
                wrong_root = problems[-1][2] or st.line
        if key is not None and last_value is not None:
            root = last_root if problems else None
            self.claims[key] = _Claim(last_value, root)
        if not problems:
            msg = {"definition": "definition", "value": "value", "update": "update holds"}.get(kind, "holds")
            if kind == "definition" and self.spec_mode:
                msg = "definition agrees with the spec"
            if arithmetic == "holds":
                msg += "; arithmetic as written holds"
            if notes:
                msg = "; ".join(notes) if msg == "holds" else msg + "; " + "; ".join(notes)
            if not any_checked and start >= len(parsed):
                msg = "definition" if kind == "definition" else msg
            return Finding(status="ok", message=msg, kind=kind, arithmetic=arithmetic, **base)
        text, expected, cause, value = problems[0]
        if expected is None and value is not None:
            expected = self.fmt(value, digits)
            exp_expr = self.expected_expr(key, ref)
            if exp_expr:
                expected = f"{exp_expr} \\approx {expected}"
        if cause is not None:
            msg = (
                f"{text} follows from the error at line {cause}; the right value is {self.fmt(value, digits)}"
            )
        elif text.startswith("arithmetic"):
            msg = text
        elif expected:
            lhs = st.sides[0]
            msg = f"{text}: expected {lhs} = {expected}"
            if "disagrees" in text:
                msg = f"{text}: the spec has {lhs} = {expected}"
        else:
            msg = f"{text} is wrong"
        if arithmetic == "holds":
            msg += "; arithmetic as written holds"
        return Finding(
            status="wrong",
            message=msg,
            expected=expected,
            kind=kind,
            arithmetic=arithmetic,
            cause=cause,
            value=None if value is None else float(value),
            **base,
        )

    def symbolic(
        self, side: Any, key: tuple | None, ref: Any, ev: Evaluation | None, ref_true: Any
    ) -> str | None:
        """``None`` holds, ``"point-only"``, ``"restates"`` or ``"wrong"``."""
        t = self.truth
        assert t is not None
        if ev is not None:
            v = t.value(side.expr, ev, side.numbers)
            if not _close(v, ref_true):
                if key and key[0] == "value" and key[1] in self.flagged_defs and key[1] in self.doc_defs:
                    d_expr, _ = self.doc_defs[key[1]]
                    try:
                        dv = t.value(d_expr, ev, {})
                    except _Unknown:
                        return "wrong"
                    if _close(v, dv):
                        return "restates"
                return "wrong"
        agree = 0
        for r in t.randoms:
            try:
                a = t.value(side.expr, r, side.numbers)
                b = self.ref_value(key, ref, r)
            except (_Unknown, KeyError):
                continue
            if not _close(a, b):
                return "point-only" if ev is not None else "wrong"
            agree += 1
        if ev is None and agree == 0:
            raise _Unknown("the document gives no point and no random point could be evaluated")
        return None

    def inequality(self, a: Any, b: Any, op: str, ev: Evaluation | None) -> str | None:
        t = self.truth
        if t is None or ev is None:
            return None
        try:
            x = t.value(a.expr, ev, a.numbers)
            y = t.value(b.expr, ev, b.numbers)
        except _Unknown:
            return None
        ok = {"<": x < y, ">": x > y, "≤": x <= y, "≥": x >= y, "≠": not _close(x, y)}.get(op, True)
        return None if ok else f"{op} does not hold ({self.fmt(x, 4)} vs {self.fmt(y, 4)})"


def _bare(p: Any) -> bool:
    """A side that is one number as written (possibly signed)."""
    return len(p.numbers) == 1 and _is_number(p) and sympy.Abs(p.expr) == abs(next(iter(p.numbers)))


def _decimals(p: Any) -> int:
    return max((n.decimals for n in p.numbers.values()), default=0)


def _why(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"{e.args[0]} has no value in this network" if e.args else "no value in this network"
    return str(e.args[0]) if e.args else type(e).__name__


# ---------------------------------------------------------------------- API


def verify(
    source: str | Path,
    *,
    spec: str | Path | Network | None = None,
    text: str | None = None,
    format: str | None = None,
    digits_policy: str = "round",
    seed: int = 0,
) -> VerifyReport:
    """Check every equation of a hand-written derivation.

    Args:
        source: The document's path (or, with ``text``, just its name).
        spec: A spec file or :class:`Network` to check against; by default the
            document's own first definitions and values.
        text: The document's text, if not read from ``source``.
        format: ``"md"`` or ``"tex"``; from the file extension or content by default.
        digits_policy: ``"round"`` (half a unit of the last shown digit plus
            slack from earlier rounded numbers), ``"strict"`` (half a unit
            only) or ``"loose"`` (a whole unit, plus slack).
        seed: Seed of the random points used for symbolic claims.

    Returns:
        A :class:`VerifyReport` with one :class:`Finding` per equation.

    Raises:
        InputError: The document or spec cannot be read.
    """
    if digits_policy not in DIGITS_POLICIES:
        msg = f"unknown digits policy {digits_policy!r} (use {', '.join(DIGITS_POLICIES)})"
        raise InputError(msg)
    name = str(source)
    if text is None:
        text = read_text(source, "document")
    if format is None:
        suffix = Path(name).suffix.lower()
        format = "tex" if suffix in (".tex", ".ltx") else ("md" if suffix in (".md", ".markdown") else None)
    try:
        doc = read_document(text, format)
    except ValueError as e:
        raise InputError(str(e), file=name) from None
    network: Network | None
    if isinstance(spec, Network):
        network = spec
    elif spec is not None:
        from ..notation.spec import load_spec

        network = load_spec(spec)
    else:
        network = None
    try:
        return _verify(doc, network, name, digits_policy, seed)
    except SymbackpropError as e:
        raise e.located(file=name) from None


def _functions(network: Network | None) -> Mapping[str, Any]:
    """The library's functions plus the network's own custom functions (by name)."""
    from ..core.functions import FUNCTIONS, CustomFunction, FunctionInfo

    if network is None:
        return FUNCTIONS
    table = dict(FUNCTIONS)
    for d in network.definitions:
        for f in d.expr.atoms(sympy.Function):
            cls = type(f)
            if issubclass(cls, CustomFunction) and cls.__name__ not in table:
                table[cls.__name__] = FunctionInfo(cls.__name__, cls, len(cls._params), cls.__doc__ or "")
    return table


def _verify(doc: Document, network: Network | None, name: str, policy: str, seed: int) -> VerifyReport:
    functions = _functions(network)
    statements = _statements(doc)
    names = _Names(network)
    lhs = _lhs_keys(statements, functions)
    for key in lhs:
        names.resolve(key)
    _parse_all(statements, names, functions)
    for st in statements:
        for side_text, p in zip(st.sides, st.parsed):
            if _is_name(p):
                names.spell(p.expr, side_text.strip())
    spec_mode = network is not None
    doc_defs: dict[Symbol, tuple[Expr, int]] = {}
    for st in statements:
        if not st.error and _is_name(st.parsed[0]) and not _is_number(st.parsed[1]):
            n = st.parsed[0].expr
            if n not in doc_defs and n not in st.parsed[1].expr.free_symbols:
                doc_defs[n] = (st.parsed[1].exact(), st.line)
    failed = _failed_definitions(statements, names, functions)
    doc_net, aliases, roles = _document_network(statements, names, doc)
    if spec_mode:
        assert network is not None
        aliases = {s: e for s, e in aliases.items() if s not in network.symbols}
        for s, (e, _) in doc_defs.items():
            if s in names.created and s not in aliases and not isinstance(e, Partial):
                aliases[s] = e
        roles = {i: r for i, r in roles.items() if r != "value" or not _is_name(statements[i].parsed[0])}
        net: Network | None = network
    else:
        net = doc_net
    truth = None
    if net is not None:
        d = derive(net, evaluate_point=False)
        point = dict(net.values)
        leaves = net.inputs + net.targets + net.parameters
        if all(s in point for s in leaves):
            with contextlib.suppress(SymbackpropError):
                d = d.at(point)
        truth = _Truth(d, names, aliases, seed)
    judge = _Judge(truth, names, spec_mode, roles, policy, doc_defs)
    judge.failed = {sym: line for sym, line in failed.items() if sym not in doc_defs}
    findings = [judge.judge(i, st) for i, st in enumerate(statements)]
    if spec_mode and truth is not None and truth.point is not None:
        findings.extend(_code_value_findings(doc, names, truth))
        findings.sort(key=lambda f: f.line)
    return VerifyReport(name, tuple(findings), "spec" if spec_mode else "document", doc.text, doc.format)


def _code_value_findings(doc: Document, names: _Names, truth: _Truth) -> list[Finding]:
    out = []
    ev = truth.point
    assert ev is not None
    for cv in doc.code_values:
        sym = names.table.get(cv.name) or names.table.get(_squash(cv.name))
        if sym is None or sym not in ev.values or sym in truth.net.definition:
            continue
        stated = Rational(cv.number)
        if abs(Float(stated, DPS) - ev.values[sym]) > Float("1e-20"):
            msg = f"the spec has {sym.name} = {shown(ev.values[sym], 6).text}"
            out.append(
                Finding(cv.line, f"{cv.name} = {cv.number}", "wrong", msg, kind="value", block_end=cv.line)
            )
    return out
