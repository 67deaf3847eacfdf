"""``verify``: read a document, find its network and point, judge every equation.

The pipeline is linear, one module per stage:

1. :mod:`.documents` finds every equation and its line;
2. :mod:`.statements` splits relation chains and parses each side, with
   :mod:`.names` mapping the document's names to symbols;
3. :mod:`.infer` reads the network and the point from the document's own
   definitions and values (unless a spec is given);
4. :mod:`.oracle` gets the truth from :func:`symbackprop.core.derivation.derive`
   at the document's point and at random points;
5. :mod:`.judge` and :mod:`.chain` judge every relation against it, and
   :mod:`.report` holds the findings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sympy
from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, derive
from ..core.network import Network
from ..errors import InputError, SymbackpropError
from ..files import read_text
from .documents import Document, read_document
from .infer import Inferred, Role, infer_network
from .judge import DIGITS_POLICIES, Judge
from .names import Names
from .oracle import Oracle
from .report import Finding, Kind, Number, Status, VerifyReport
from .statements import (
    Statement,
    defining_statements,
    failed_definitions,
    is_name,
    is_number,
    lhs_keys,
    parse_all,
    read_statements,
    spell_names,
)

__all__ = ["verify"]

#: Document suffixes -> format.
SUFFIXES = {".tex": "tex", ".ltx": "tex", ".md": "md", ".markdown": "md"}


def verify(
    source: str | Path,
    *,
    spec: str | Path | Network | None = None,
    text: str | None = None,
    format: str | None = None,
    digits_policy: str = "round",
    seed: int = 0,
    strict: bool = False,
) -> VerifyReport:
    """Check every equation of a hand-written derivation.

    Args:
        source: The document's path (or, with ``text``, just its name).
        spec: A spec file or :class:`Network` to check against; by default the
            document's own first definitions and values.
        text: The document's text, if not read from ``source``.
        format: ``"md"`` or ``"tex"``; from the file extension or content by default.
        digits_policy: How shown numbers are judged (see :mod:`.rounding`): ``"round"``
            (a number with k decimals stands for ± half a unit of its last digit,
            and a result carries the interval it was computed in), ``"strict"``
            (half a unit, nothing carried: every number must be its true value
            correctly rounded) or ``"loose"`` (a whole unit: truncation accepted).
        seed: Seed of the random points used for symbolic claims.
        strict: For CI and documentation builds: the report is ``ok`` only when
            nothing is wrong *and* nothing was left not checked.

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
        format = SUFFIXES.get(Path(name).suffix.lower())
    try:
        doc = read_document(text, format)
    except ValueError as e:
        raise InputError(str(e), file=name) from None
    network: Network | None
    if isinstance(spec, Network) or spec is None:
        network = spec
    else:
        from ..notation.spec import load_spec

        network = load_spec(spec)
    try:
        report = _verify(doc, network, name, digits_policy, seed)
    except SymbackpropError as e:
        raise e.located(file=name) from None
    return dataclasses.replace(report, strict=strict) if strict else report


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


def _statements(doc: Document) -> tuple[list[Statement], set[int]]:
    """The document's statements, and which of them continue the chain of the row before.

    A row that starts with a relation (``&= 0.3775`` under ``net_{h1} &= …``) is
    about the same quantity: its empty first side becomes the first side of the
    row it continues (in place), and its numbers are judged against the last
    numbers of that row.  A first side on a line of its own
    (``\\frac{\\partial out}{\\partial net}`` then ``&= out(1 - out)``) starts the
    chain of the next row.  A relation sign alone (``$\\approx$`` in prose) is no
    equation.
    """
    out: list[Statement] = []
    continues: set[int] = set()
    pending: tuple[int, str] | None = None  # a lone first side: (its block, its text)
    for frag in doc.fragments:
        found = read_statements(dataclasses.replace(doc, fragments=(frag,)))
        found = [st for st in found if st.error or any(side.strip() for side in st.sides)]
        lone = frag.text.strip()
        if not found and out and _NUMBER.fullmatch(lone) and out[-1].line == frag.line and not out[-1].error:
            # a table row: | $z = z_1 + b = 1.0 - 0.5$ | $0.5$ | -- the value cell is "= 0.5"
            prev = out[-1]
            found = [Statement(frag.line, frag.block_end, lone, [prev.sides[0], lone], ["="])]
            continues.add(len(out))
            out.extend(found)
            pending = None
            continue
        if not found:
            pending = (frag.block_end, lone) if lone and not lone.startswith("\\text") else None
            continue
        first = found[0]
        if not first.error and len(first.sides) > 1 and not first.sides[0].strip():
            if pending is not None and pending[0] == frag.block_end:
                first.sides[0] = pending[1]
            elif out and out[-1].block_end == frag.block_end and not out[-1].error and out[-1].sides[0].strip():
                first.sides[0] = out[-1].sides[0]
                continues.add(len(out))
        pending = None
        out.extend(found)
    return out, continues


def _read(doc: Document, network: Network | None) -> tuple[list[Statement], Names, set[int]]:
    """The document's statements, parsed, its names, and which rows continue the row before."""
    functions = _functions(network)
    statements, continues = _statements(doc)
    names = Names(network)
    for key in lhs_keys(statements, functions):
        names.resolve(key)
    parse_all(statements, names, functions)
    spell_names(statements, names)
    return statements, names, continues


def _against_spec(
    inferred: Inferred, network: Network, statements: list[Statement], names: Names, doc_defs: Mapping
) -> Inferred:
    """What the document infers, narrowed to what a spec leaves open: its own shorthands."""
    aliases = {s: e for s, e in inferred.aliases.items() if s not in network.symbols}
    for s, (e, _) in doc_defs.items():
        if s in names.created and s not in aliases:
            aliases[s] = e
    roles = {
        i: r for i, r in inferred.roles.items() if r is not Role.VALUE or not is_name(statements[i].parsed[0])
    }
    return Inferred(network, aliases, roles, None, inferred.givens)


def _oracle(net: Network | None, names: Names, aliases: Mapping[Symbol, Expr], seed: int) -> Oracle | None:
    """The truth at the network's point (if complete) and at random points."""
    if net is None:
        return None
    d = derive(net, evaluate_point=False)
    point = dict(net.values)
    if all(s in point for s in net.inputs + net.targets + net.parameters):
        with contextlib.suppress(SymbackpropError):
            d = d.at(point)
    return Oracle(d, names, aliases, seed)


def _verify(doc: Document, network: Network | None, name: str, policy: str, seed: int) -> VerifyReport:
    statements, names, continues = _read(doc, network)
    starts = [0] if network is not None else problems(statements, doc.text)
    findings: list[Finding] = []
    for a, b in zip(starts, [*starts[1:], len(statements)]):
        first = statements[a].line if a < len(statements) else 1
        last = statements[b].line - 1 if b < len(statements) else None
        part = statements[a:b]
        again = {i - a for i in continues if a <= i < b}
        findings += _judge_part(doc, part, again, names, network, policy, seed, (first, last) if a else (1, last))
    findings.sort(key=lambda f: f.line)
    source = "spec" if network is not None else "document"
    return VerifyReport(name, tuple(findings), source, doc.text, doc.format)


def _judge_part(
    doc: Document,
    statements: list[Statement],
    continues: set[int],
    names: Names,
    network: Network | None,
    policy: str,
    seed: int,
    lines: tuple[int, int | None],
) -> list[Finding]:
    """Judge one problem of the document (the whole document, unless it holds several exercises)."""
    doc_defs = defining_statements(statements)
    failed = failed_definitions(statements, names, _functions(network))
    inferred = infer_network(statements, names, doc, lines)
    if network is not None:
        inferred = _against_spec(inferred, network, statements, names, doc_defs)
    oracle = _oracle(inferred.network, names, inferred.aliases, seed)
    blocked = _downstream({sym: line for sym, line in failed.items() if sym not in doc_defs}, inferred.network)
    judge = Judge(
        oracle,
        names,
        network is not None,
        inferred.roles,
        policy,
        doc_defs,
        blocked,
        inferred.givens,
        inferred.later,
        doc.text,
    )
    if inferred.missing is not None:
        judge.memory.no_point = inferred.missing
    findings = [judge.judge(i, st, continued=i in continues) for i, st in enumerate(statements)]
    if network is not None and oracle is not None and oracle.point is not None:
        findings.extend(_code_value_findings(doc, names, oracle))
    return findings


#: A number alone in a math span (a table's value cell).
_NUMBER = re.compile(r"[-−]?\s*\d+(?:\.\d+)?")

#: Headings, by level: Markdown ``#``…``######``, LaTeX sectioning commands.
_HEADING = re.compile(r"^(#{1,6})\s|^\s*\\(section|subsection|subsubsection|paragraph)\*?\{", re.M)
_LEVELS = {"section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4}


def _headings(text: str) -> list[tuple[int, int]]:
    """``(line, level)`` of every heading."""
    out = []
    for m in _HEADING.finditer(text):
        level = len(m.group(1)) if m.group(1) else _LEVELS[m.group(2)]
        out.append((text.count("\n", 0, m.start()) + 1, level))
    return out


def _defines(st: Statement) -> tuple[Symbol, Expr] | None:
    """``(name, expression)`` when a statement defines a name by a formula."""
    if st.error or not is_name(st.parsed[0]) or is_number(st.parsed[1]):
        return None
    n, rhs = st.parsed[0].expr, st.parsed[1]
    if n in rhs.expr.free_symbols or not rhs.expr.free_symbols - set(rhs.numbers):
        return None
    return n, rhs.exact()


def _gives(st: Statement) -> tuple[Symbol, Expr] | None:
    """``(name, value)`` when a statement gives a name a number (``y = 1``)."""
    if st.error or len(st.parsed) != 2 or not is_name(st.parsed[0]) or not is_number(st.parsed[1]):
        return None
    return st.parsed[0].expr, st.parsed[1].exact()


def problems(statements: list[Statement], text: str) -> list[int]:
    """Where each problem of a document starts (statement indices; the first is 0).

    An exercise sheet reuses names: ``y = (3x + 1)^2`` in one exercise,
    ``y = \\sigma(2x - 1)`` (or ``y = 1``) in the next.  A name defined again by
    another formula, or given a number, after a heading starts a new problem
    there, at the highest heading in between, with its own network and point.
    """
    heads = _headings(text)
    starts = [0]
    levels: list[int] = []  # the heading levels problems were split at
    defined: dict[Symbol, tuple[Expr, int]] = {}
    for i, st in enumerate(statements):
        found = _defines(st) or _gives(st)
        if found is None:
            continue
        n, expr = found
        if n in defined and defined[n][0] != expr:
            since = defined[n][1]  # a heading between the first definition and this one
            between = [(level, line) for line, level in heads if since < line <= st.line]
            if between:
                level, head = min(between)
                levels.append(level)
                j = next(k for k in range(starts[-1], i + 1) if statements[k].line >= head)
                if j > starts[-1]:
                    starts.append(j)
                defined = {}
                for earlier in statements[j:i]:
                    if (d := _defines(earlier)) is not None:
                        defined.setdefault(d[0], (d[1], earlier.line))
        if _defines(st) is not None:
            defined.setdefault(n, (expr, st.line))
    if not levels:
        return starts
    # an exercise sheet: every heading of the level its exercises are split at starts one
    lines = [line for line, level in heads if level <= min(levels)]
    more = {next((k for k, st in enumerate(statements) if st.line >= line), len(statements)) for line in lines}
    return sorted(set(starts) | {k for k in more if 0 < k < len(statements)})


def _downstream(failed: Mapping[Symbol, int], net: Network | None) -> dict[Symbol, tuple[int, Symbol]]:
    """Names that cannot be judged: those whose definition was unreadable, and every node computed
    from one (``E_total = E_{o1} + E_{o2}`` with ``E_{o1}`` unreadable), with the line and name of
    the unreadable definition."""
    out = {s: (line, s) for s, line in failed.items()}
    if net is None:
        return out
    for d in net.definitions:
        roots = sorted(out[s] for s in d.expr.free_symbols if s in out)
        if roots and d.symbol not in out:
            out[d.symbol] = roots[0]
    return out


def _code_value_findings(doc: Document, names: Names, oracle: Oracle) -> list[Finding]:
    """Values in inline code (``w_1 = 0.4``) that disagree with the spec's point."""
    out = []
    ev = oracle.point
    assert ev is not None
    for cv in doc.code_values:
        sym = names.lookup(cv.name)
        if sym is None or sym not in ev.values or sym in oracle.network.definition:
            continue
        if abs(Float(Rational(cv.number), DPS) - ev.values[sym]) > Float("1e-20"):
            why = ("the spec has ", sym.name, " = ", Number(ev.values[sym], 6))
            source = f"{cv.name} = {cv.number}"
            out.append(Finding(cv.line, source, Status.WRONG, why, kind=Kind.VALUE, block_end=cv.line))
    return out
