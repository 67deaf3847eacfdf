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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sympy
from sympy import Expr, Float, Rational, Symbol

from ..core.derivation import DPS, Partial, derive
from ..core.functions import FUNCTIONS
from ..core.matrix import MatrixNetwork
from ..core.network import Network
from ..errors import InputError, SymbackpropError
from ..files import read_text
from .case_columns import judged_columns
from .case_data import other_case_data
from .chain_shapes import shape_error
from .conventions import as_convention, other_conventions
from .delta_rule import delta_rule_findings
from .documents import Document, Fragment, format_of, read_document
from .garbage import fewer_collections, set_aside
from .givens import plain_arithmetic
from .index_notation import IndexJudge
from .infer import Inferred, Role, infer_network
from .judge import DIGITS_POLICIES, Judge
from .matrix_infer import document_matrix, with_reason
from .matrix_shapes import shape_note
from .misnamed import misnamed_definitions, misplaced_factors
from .names import Names
from .node_shorthands import node_members
from .oracle import Oracle
from .own_functions import function_definitions, given_findings, others_than, with_stated_functions
from .report import Arithmetic, Finding, Kind, Number, Status, VerifyReport
from .sections import problems, rows
from .sibling_definitions import adopted, with_definitions
from .siblings import computed_from, frontiers
from .spellings import loss_spellings, respelled
from .statements import (
    Statement,
    bare,
    decimals,
    defining_statements,
    failed_definitions,
    is_name,
    is_number,
    lhs_keys,
    parse_all,
    spell_names,
)
from .templates import instances
from .twins import join_names
from .units import members
from .wording import NOTHING_CHECKED

__all__ = ["verify"]


@fewer_collections()  # a long document's millions of objects, walked at every full collection
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
        format: ``"md"``, ``"tex"``, ``"ipynb"`` or ``"html"``; from the file's suffix or
            its content by default.
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
        format = format_of(name, text)
    try:
        doc = read_document(text, format)
    except ValueError as e:
        raise InputError(str(e), file=name) from None
    network, matrix = _network(spec, digits_policy)
    own = document_matrix(doc, digits_policy) if spec is None else None  # a matrix-form document
    if isinstance(own, tuple):
        network, matrix = own
    try:
        report = _verify(doc, network, name, digits_policy, seed, matrix)
    except SymbackpropError as e:
        raise e.located(file=name) from None
    if isinstance(own, str):  # not read: each matrix-form line says why
        report = with_reason(report, own)
    elif own is not None:
        report = dataclasses.replace(report, network_from="document")
    return dataclasses.replace(report, strict=strict) if strict else report


def _network(spec: str | Path | Network | MatrixNetwork | None, policy: str) -> tuple[Network | None, Any]:
    """The (scalar) network to check against and, for a matrix spec, the judge of matrix-form claims."""
    if isinstance(spec, Network) or spec is None:
        return spec, None
    if not isinstance(spec, MatrixNetwork):
        from ..notation.spec import read_spec

        spec = read_spec(spec)
    if isinstance(spec, MatrixNetwork):
        from .matrix_claims import MatrixJudge

        return spec.scalar(), MatrixJudge(spec, policy)
    return spec, None


def _functions(network: Network | None, statements: list[Statement] | None = None) -> Mapping[str, Any]:
    """The library's functions plus the network's own custom functions (by name), and those the
    ``statements`` define (see :mod:`.own_functions`)."""
    from ..core.functions import FUNCTIONS, CustomFunction, FunctionInfo

    if network is None:
        return with_stated_functions(FUNCTIONS, statements or [])
    table = dict(FUNCTIONS)
    for d in network.definitions:
        for f in d.expr.atoms(sympy.Function):
            cls = type(f)
            if issubclass(cls, CustomFunction) and cls.__name__ not in table:
                table[cls.__name__] = FunctionInfo(cls.__name__, cls, len(cls._params), cls.__doc__ or "")
    return with_stated_functions(table, statements or [])


def _read(doc: Document, network: Network | None) -> tuple[list[Statement], Names, set[int]]:
    """The document's statements, parsed, its names, and which rows continue the row before."""
    plain = [Fragment(t, line, False, line) for line, t in plain_arithmetic(doc.text)]
    if plain:
        doc = dataclasses.replace(
            doc, fragments=tuple(sorted((*doc.fragments, *plain), key=lambda f: f.line))
        )
    statements, continues = rows(doc)
    functions = _functions(network, statements)
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


def _verify(
    doc: Document, network: Network | None, name: str, policy: str, seed: int, matrix: Any = None
) -> VerifyReport:
    statements, names, continues = _read(doc, network)
    functions = _functions(network, statements)  # the document's own, for every problem of it
    starts = [0] if network is not None else problems(statements, doc.text)
    findings: list[Finding] = []
    as_read = [dataclasses.replace(st) for st in statements]  # the parts rename twins in place
    for a, b in zip(starts, [*starts[1:], len(statements)]):
        first = statements[a].line if a < len(statements) else 1
        last = statements[b].line - 1 if b < len(statements) else None
        part = statements[a:b]
        again = {i - a for i in continues if a <= i < b}
        span = (first, last) if a else (1, last)
        findings += _judge_part(doc, part, again, names, network, policy, seed, span, matrix, functions)
    if network is None:  # Δw = η δ O with δ = y(1 − y)(t − y): the delta rule's loss, ½(t − y)²
        findings = delta_rule_findings(as_read, findings, names, doc.text, policy)
    findings.sort(key=lambda f: f.line)
    source = "spec" if network is not None else "document"
    return VerifyReport(name, tuple(_in_cells(doc, findings)), source, doc.text, doc.format)


@set_aside()  # full collections while judging skip the document read before it (see .garbage)
def _judge_part(
    doc: Document,
    statements: list[Statement],
    continues: set[int],
    names: Names,
    network: Network | None,
    policy: str,
    seed: int,
    lines: tuple[int, int | None],
    matrix: Any = None,
    functions: Mapping[str, Any] = FUNCTIONS,
) -> list[Finding]:
    """Judge one problem of the document (the whole document, unless it holds several exercises)."""
    doc_defs = defining_statements(statements)
    failed = failed_definitions(statements, names, functions)
    templated = instances(statements, names)  # out_{h_i} = ...: judged as out_{h_1}, defining nothing
    inferred = infer_network(_hidden(statements, templated), names, doc, lines)
    shapes = {i: why for i, st in enumerate(statements) if (why := shape_error(st)) is not None}
    shapes |= misplaced_factors(statements)  # as written, before twins are joined
    join_names(statements, inferred.twins)
    if network is not None:
        inferred = _against_spec(inferred, network, statements, names, doc_defs)
    statements = respelled(statements, loss_spellings(statements, inferred.network))
    inferred = _with_members(inferred, statements, names)
    inferred, failed = _with_siblings(inferred, failed, statements, policy, own=network is None)
    oracle = _oracle(inferred.network, names, inferred.aliases, seed)
    spec_defines = set(network.symbols) if network is not None else set()  # the spec's, read or not
    blocked = _downstream(
        {sym: line for sym, line in failed.items() if sym not in doc_defs and sym not in spec_defines},
        inferred.network,
    )
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
        inferred.repairs if network is None else None,
        _approximate(statements),
    )
    if inferred.missing is not None:
        judge.memory.no_point = inferred.missing
    judge.runs = _readable_runs(statements, names, functions)
    valued = _stated_by_value(inferred, failed, statements) if network is None else []
    judge.valued = frozenset(valued)
    if valued and inferred.network is not None and inferred.missing is None:
        judge.computed_from = computed_from(inferred.network, valued)
        judge.frontiers = frontiers(inferred.network, valued)
    misnamed = misnamed_definitions(statements, inferred.roles, names) if network is None else {}
    judge.as_written = {**shapes, **misnamed}
    own = function_definitions(statements, _functions(network)) | other_case_data(statements)  # given
    columns = judged_columns(statements, names, inferred.network, doc.text, policy)  # the other examples
    findings: list[Finding] = [*given_findings(statements, own), *columns.values()]
    before: int | None = None  # the index in findings of the statement before's own finding
    others = other_conventions(statements, doc.text)
    index = IndexJudge(matrix, oracle, statements)  # δ_j = Σ_k w_kj δ_k σ′(z_j): for every j, where it fits
    for i, st in others_than(statements, {*own, *columns}):
        found = _judged(judge, matrix, i, templated.get(i, st), i in continues, i in others, index)
        if i in continues and before is not None and judge.memory.joined is Arithmetic.HOLDS:
            findings[before] = _operands_checked(findings[before], statements[i - 1], found.line)
        if i in continues and before is not None:
            findings = _zero_continued(findings, before, judge, statements[i - 1], st)
        before = len(findings)
        findings += [found, *_other_rows(st, found)]
    if network is not None and oracle is not None and oracle.point is not None:
        findings.extend(_code_value_findings(doc, names, oracle))
    return findings


def _judged(
    judge: Judge, matrix: Any, i: int, st: Statement, continued: bool, other: bool, index: Any = None
) -> Finding:
    """The finding on one statement: by the judge, by the matrix judge for matrix-form claims, and
    not checked instead of wrong where the text presents it as other sources' convention."""
    found = judge.judge(i, st, continued=continued)
    if matrix is not None:  # a matrix spec: matrix-form claims are judged element by element
        read = matrix.judge(st, continued=continued)
        if read is not None and (read.status is not Status.NOT_CHECKED or found.status is Status.NOT_CHECKED):
            found = read  # (the scalar view's verdict stands where the matrix reading checks nothing)
    if found.status is Status.NOT_CHECKED and index is not None and not continued:
        found = index.over(st, found)  # index notation, read where nothing else checks the line
    found = shape_note(st) or found  # (2 \times 1) = (2 \times 2) (2 \times 1): shapes, not numbers
    return as_convention(found) if other else found


def _with_members(inferred: Inferred, statements: list[Statement], names: Names) -> Inferred:
    """The shorthands, with those the document uses for another unit than it defines them for
    (``\\delta_{h1}`` after ``\\delta_{o1} = ∂E/∂net_{o1}``; see :mod:`.units`), or for another quantity
    (``\\delta_{z_2}`` after ``\\delta_{z_1} = ∂L/∂z_1``; see :mod:`.node_shorthands`)."""
    if inferred.network is None or not inferred.aliases:
        return inferred
    used = {s for st in statements if not st.error for p in st.parsed for s in p.free()}
    more = members(inferred.aliases, used, frozenset(inferred.network.symbols))
    more |= node_members(
        {**inferred.aliases, **more}, used, frozenset(inferred.network.symbols), names.lookup
    )
    return dataclasses.replace(inferred, aliases={**inferred.aliases, **more}) if more else inferred


def _with_siblings(
    inferred: Inferred, failed: dict[Symbol, int], statements: list[Statement], policy: str, own: bool
) -> tuple[Inferred, dict[Symbol, int]]:
    """The document's own network (``own``: no spec given) with each quantity stated only by its
    value defined as its siblings are, for its own unit, where that reading reproduces the value
    (see :mod:`.sibling_definitions`)."""
    net = inferred.network
    valued = _stated_by_value(inferred, failed, statements) if own else []
    if net is None or inferred.missing is not None or not valued:
        return inferred, failed
    lines = {(st.parsed[0].expr, st.line): st.parsed[1] for st in statements if not st.error}
    stated = {s: (lines[s, failed[s]].exact(), decimals(lines[s, failed[s]])) for s in valued}
    more = adopted(net, stated, policy)
    wider = with_definitions(net, more) if more else None
    if wider is None:
        return inferred, failed
    adopted_at = {(s, failed[s]) for s in more}  # the value lines: now claims, no longer givens
    claims = {
        i for i, st in enumerate(statements) if not st.error and (st.parsed[0].expr, st.line) in adopted_at
    }
    roles = {i: r for i, r in inferred.roles.items() if i not in claims}
    failed = {s: line for s, line in failed.items() if s not in more}
    return dataclasses.replace(inferred, network=wider, roles=roles), failed


def _stated_by_value(
    inferred: Inferred, failed: Mapping[Symbol, int], statements: list[Statement]
) -> list[Symbol]:
    """The quantities stated only by their values (``E_{o2} = 0.0236``), yet differentiated: what
    they may be computed from is read from their siblings (see :mod:`.siblings`) when the document
    gives a complete point (without one, nothing is judged through them); an unreadable definition
    stays unreadable."""
    if inferred.network is None:
        return []
    valued = {  # each name's value lines: the line ``failed`` gives for it is its first
        (st.parsed[0].expr, st.line)
        for st in statements
        if not st.error and len(st.parsed) == 2 and is_name(st.parsed[0]) and is_number(st.parsed[1])
    }
    return [s for s, line in failed.items() if (s, line) in valued]


def _zero_continued(
    findings: list[Finding], before: int, judge: Judge, previous: Statement, row: Statement
) -> list[Finding]:
    """The findings with the previous statement's made wrong when its chain has a side that is 0 and
    ``row``, which continues it, a nonzero number (see :meth:`Judge.zero_continued`); a wrong chain
    is reported on its wrong row only (see :func:`_other_rows`)."""
    if findings[before].status is Status.WRONG:
        return findings
    zero = judge.zero_continued(previous, row)
    if zero is None:
        return findings
    out = [f for f in findings if f.row_of != zero.line]
    out[before] = zero  # the rows dropped come after it
    return out


def _hidden(statements: list[Statement], templates: Mapping[int, Statement]) -> list[Statement]:
    """The statements with the templates left unread: a formula for every node defines none."""
    if not templates:
        return statements
    why = "a formula for every node of a layer"
    return [dataclasses.replace(st, error=why) if i in templates else st for i, st in enumerate(statements)]


def _operands_checked(row: Finding, st: Statement, result: int) -> Finding:
    """A row whose arithmetic the next row's result checks (``= 0.2748 + 0.0236`` then ``= 0.2984``):
    not checked on its own (its quantity's definition is unread, say), it holds with its result."""
    last = st.parsed[-1] if st.parsed and not st.error else None
    if row.status is not Status.NOT_CHECKED or last is None or not is_number(last) or bare(last):
        return row
    why = row.message.removeprefix("not checked: ")
    note = f"holds; arithmetic as written holds (checked against line {result})"
    if why != NOTHING_CHECKED:
        note += f"; only the arithmetic is checked: {why}"
    return dataclasses.replace(
        row, status=Status.OK, explanation=(note,), arithmetic=Arithmetic.HOLDS, checked=1
    )


def _other_rows(st: Statement, found: Finding) -> list[Finding]:
    """The rows a chain goes on over (``&= …`` in ``align``), each with the chain's verdict.

    A chain that holds (or could not be checked) does so on each of its rows; a wrong chain is
    reported on the row of its wrong side only (its other rows are not verdicts of their own).
    """
    if found.status is Status.WRONG or len(set(st.lines)) < 2 or len(st.lines) != len(st.sides):
        return []
    rows: dict[int, list[str]] = {}
    for k, (line, side) in enumerate(zip(st.lines, st.sides)):
        if line != found.line:
            rows.setdefault(line, []).append(f"{st.ops[k - 1]} {side.strip()}" if k else side.strip())
    return [
        dataclasses.replace(found, line=line, source=" ".join(sides), row_of=found.line)
        for line, sides in rows.items()
    ]


def _readable_runs(
    statements: list[Statement], names: Names, functions: Mapping[str, Any]
) -> dict[int, Statement]:
    """For each unreadable chain, its longest run of sides written in numbers only, each readable
    (``y_3 = F(0.21) = \\frac{1}{1 + e^{-0.21}} = 0.56``: ``F`` is unknown, the arithmetic is not)."""
    from ..notation.latex_input import parse_math

    known = frozenset(names.known())
    out: dict[int, Statement] = {}
    for i, st in enumerate(statements):
        if not st.error or len(st.sides) < 3:
            continue
        parsed: list[Any] = []
        for side in st.sides:
            try:
                p = parse_math(side, names.resolve, functions, gradient=Partial, known=known)
                p.exact()  # refuses number bombs
            except SymbackpropError:
                p = None
            parsed.append(p if p is not None and is_number(p) else None)
        run = _longest_run(parsed, st.ops)
        if run is not None:
            a, b = run
            lines = st.lines[a:b] if len(st.lines) == len(st.sides) else []
            out[i] = Statement(
                lines[0] if lines else st.line, st.block_end, st.source, st.sides[a:b], st.ops[a : b - 1],
                parsed=parsed[a:b], lines=lines,
            )  # fmt: skip
    return out


def _longest_run(parsed: list[Any], ops: list[str]) -> tuple[int, int] | None:
    """The longest stretch ``[a, b)`` of at least two parsed sides related by equalities."""
    best: tuple[int, int] | None = None
    start: int | None = None
    for k, p in enumerate([*parsed, None]):
        if p is not None and (start is None or ops[k - 1] in ("=", "≈")):
            start = k if start is None else start
            continue
        if start is not None and k - start >= 2 and (best is None or k - start > best[1] - best[0]):
            best = (start, k)
        start = k if p is not None else None
    return best


def _approximate(statements: list[Statement]) -> set[Expr]:
    """Values the document states as approximate (``\\hat{y} \\approx 0.7109``): never exact givens."""
    out: set[Expr] = set()
    for st in statements:
        if st.error or len(st.parsed) != 2 or st.ops[0] != "≈" or not is_name(st.parsed[0]):
            continue
        side = st.parsed[1]
        if bare(side):
            out.add(abs(Rational(side.exact())))
    return out


def _downstream(failed: Mapping[Symbol, int], net: Network | None) -> dict[Symbol, tuple[int, Symbol]]:
    """Names that cannot be judged: those whose definition was unreadable, and every node computed
    from one (``E_total = E_{o1} + E_{o2}`` with ``E_{o1}`` unreadable), with the line and name of
    the unreadable definition."""
    out = {s: (line, s) for s, line in failed.items()}
    if net is None:
        return out
    for d in net.definitions:
        roots = sorted((out[s] for s in d.expr.free_symbols if s in out), key=lambda r: (r[0], r[1].name))
        if roots and d.symbol not in out:
            out[d.symbol] = roots[0]
    return out


def _in_cells(doc: Document, findings: list[Finding]) -> list[Finding]:
    """In a notebook, each finding with the cell (and the line in it) its equation starts in."""
    where: dict[int, tuple[int, int]] = {}
    for frag in doc.fragments:
        for row in frag.rows:
            if frag.cell is not None and row.cell_line is not None:
                where.setdefault(row.line, (frag.cell, row.cell_line))
    if not where:
        return findings
    out = []
    for f in findings:
        cell, cell_line = where.get(f.line, (None, None))
        out.append(dataclasses.replace(f, cell=cell, cell_line=cell_line))
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
