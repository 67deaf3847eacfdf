"""The network a document defines, and the point it states, read from its statements.

Without a spec, a hand derivation is checked against its own first
definitions: ``z_1 = x w_1``, ``a_1 = \\operatorname{ReLU}(z_1)``, ...,
``L = ...``.  Each statement whose first side is a name gets a :class:`Role`:

* **value** -- ``x = 1.0``: a number for a leaf;
* **update** -- ``w_1 = w_1 - \\eta ...``: the name on both sides;
* **alias** -- ``\\delta = \\frac{\\partial L}{\\partial z_2}``: a shorthand for a
  derivative (or for something built from one), or another name for a node
  (``output_1 = o_1``).  ``\\delta_n = \\partial L / \\partial n`` with an index
  ``n`` defines a whole family: ``\\delta_{a_2}`` is then ∂L/∂a_2;
* **definition** -- anything else, the first time a name is defined.

A value line (``h_1 = \\sigma(0.9) = 0.711``) states a value; it defines nothing.

The point comes from the values stated in math, then from :mod:`.givens`
(inline code, prose, lists, tables, code blocks: ``w₁ = 0.001``, "the
learning rate is 0.5", "inputs 0.05 and 0.10"), then from substitutions:
``net_{h1} = w_1 i_1 + w_2 i_2 + b_1 = 0.15 \\cdot 0.05 + 0.2 \\cdot 0.1 + 0.35``
gives w_1 = 0.15, i_1 = 0.05, ... when the written arithmetic holds.

Leaves are sorted into parameters (updated, or named like ``w``, ``b``,
``\\theta``), targets (``y``, ``t``, ``target``) and inputs; the loss is the
sink named like a loss (``L``, ``E``, ``J``, ``C``), else the last sink.
"""

from __future__ import annotations

import enum
import random
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from sympy import Expr, Rational, Symbol

from ..core.derivation import Partial
from ..core.network import Definition, Network
from ..errors import GraphError, InputError, SymbackpropWarning
from .documents import Document
from .givens import named_values, normal_name, role_values
from .names import Names
from .readback import near, repaired, substitution
from .sections import headings
from .shorthands import by_subscript
from .solved import leaves_read_off, shown_values
from .statements import Statement, bare, is_name, is_number
from .table_roles import tabular_parameters
from .termwise import parts_defined
from .twins import twin_nodes

__all__ = ["LOSS_NAMES", "PARAMETER_NAMES", "TARGET_NAMES", "Inferred", "Role", "infer_network"]

#: Names that are targets, and prefixes of parameters, in a document-defined network.
TARGET_NAMES = re.compile(r"(?:y|t|target|y_true|label|ideal)(?:_.*)?\Z")
PARAMETER_NAMES = re.compile(r"(?:w|W|b|theta|beta|gamma|v|u)(?:\^.*|_.*|\d.*)?\Z")
LOSS_NAMES = ("L", "E", "J", "C", "E_total", "loss", "Loss", "cost", "l", "Error", "error")

#: The most leaves without a value that are read off the values the document shows (see :mod:`.solved`).
READ_OFF_MOST = 3

#: Index letters of a family of names (``\delta_n``, ``\delta_j``).
INDEX_NAMES = frozenset("ijklmnohpqc")

#: How explicitly a value outside the equations is stated (the most explicit wins).
CODE, TABLE, SUBSTITUTED, PROSE = 0, 1, 2, 3


class Role(enum.Enum):
    """What a ``name = ...`` statement does for the document's own network."""

    VALUE = "value"
    UPDATE = "update"
    ALIAS = "alias"
    DEFINITION = "definition"


@dataclass
class Inferred:
    """What the statements say about the network.

    Attributes:
        network: The document's own network, or ``None`` when it defines nothing.
        aliases: Shorthands for derivatives (``\\delta_2 -> ∂L/∂z_2``) and other names for nodes.
        roles: Statement index -> :class:`Role`, for statements that have one.
        missing: Why the document gives no complete point, in one line, or ``None``.
        givens: Every value the document states for a leaf (exact wherever written).
        later: Values stated again later, differently (a second sample, updated weights):
            ``(line, symbol, value)``.
        repairs: Statement index -> the right definition, for a definition that its own
            numbers contradict (``1/(1 + e^{net})`` where every number is σ(net)).
        twins: Nodes defined again under another name -> the node they name (see :mod:`.twins`).
    """

    network: Network | None
    aliases: dict[Symbol, Expr]
    roles: dict[int, Role]
    missing: str | None = None
    givens: tuple[Expr, ...] = ()
    later: tuple[tuple[int, Symbol, Expr], ...] = ()
    repairs: dict[int, Expr] = field(default_factory=dict)
    twins: dict[Symbol, Symbol] = field(default_factory=dict)


@dataclass
class _Reading:
    """The statements read one by one, in order."""

    names: Names
    definitions: dict[Symbol, Expr] = field(default_factory=dict)
    order: list[Symbol] = field(default_factory=list)
    aliases: dict[Symbol, Expr] = field(default_factory=dict)
    values: dict[Symbol, Expr] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    updated: set[Symbol] = field(default_factory=set)
    declared: set[Symbol] = field(default_factory=set)  # parameters by a table's role column
    families: dict[str, tuple[Symbol, Expr]] = field(default_factory=dict)
    lines: tuple[int, int | None] = (1, None)
    shown: dict[Rational, Symbol] = field(default_factory=dict)
    later: list[tuple[int, Symbol, Expr]] = field(default_factory=list)
    first_line: dict[Symbol, int] = field(default_factory=dict)
    offers: list[tuple[int, int, Symbol, Expr]] = field(default_factory=list)
    renamed: dict[Symbol, Expr] = field(default_factory=dict)  # another name for a node: out -> s_1
    read_back: list[Symbol] = field(default_factory=list)
    twins: dict[Symbol, Symbol] = field(default_factory=dict)  # a node defined again: net_{h1} -> z_1

    def here(self, line: int) -> bool:
        """Whether a line belongs to the problem being read."""
        first, last = self.lines
        return line >= first and (last is None or line <= last)

    @property
    def eta(self) -> Symbol:
        return self.names.eta

    def role_of(self, st: Statement) -> Role | None:
        """The role of a ``name = ...`` statement, given everything read before it."""
        n, rhs = st.parsed[0].expr, st.parsed[1]
        if n == self.eta:
            return Role.VALUE if is_number(rhs) and len(st.sides) == 2 else None
        if n in self.definitions and self.refines(n, rhs.exact()):
            return Role.DEFINITION  # "let u = 3x + 1, so y = u^2": the same node, through u
        if n in self.definitions or n in self.aliases:
            return None
        if n in rhs.free():
            return Role.UPDATE
        if is_number(rhs):
            return Role.VALUE if len(st.sides) == 2 and n not in self.values else None
        shorthands = set(self.aliases) - set(self.renamed)
        if rhs.atoms_of(Partial) or rhs.free() & (shorthands | {self.eta}):
            return Role.ALIAS  # a shorthand; with the learning rate, a step (\Delta w = \eta \delta x)
        if is_name(rhs) and (rhs.expr in self.definitions or rhs.expr in self.aliases):
            return Role.ALIAS  # another name for a node: output_1 = o_1
        return Role.DEFINITION

    def read(self, index: int, st: Statement) -> None:
        n = st.parsed[0].expr
        if n not in self.aliases and (meaning := self.instance(n)) is not None:
            self.aliases[n] = meaning
        role = self.role_of(st)
        if role is None and self.spell_out(st):
            self.roles[index] = Role.DEFINITION
            return
        if role is None:
            self.unsubstitute(st)
            self.note_shown(st)
            if n in self.values and len(st.parsed) == 2 and is_number(st.parsed[1]):
                self.restated(st.line, n, st.parsed[1].exact())
            return
        self.note_shown(st)
        rhs = st.parsed[1]
        self.roles[index] = role
        if role is Role.VALUE:
            self.values[n] = rhs.exact()
            self.first_line[n] = st.line
        elif role is Role.UPDATE:
            self.updated.add(n)
        elif role is Role.ALIAS:
            self.aliases[n] = rhs.exact()
            if is_name(rhs) and rhs.expr in self.definitions:
                self.renamed[n] = rhs.expr  # L = (out - y)^2 after out = s_1 is a definition through s_1
        else:
            if n not in self.definitions:
                self.order.append(n)
            else:  # a refinement: the node moves after the nodes its new definition uses
                self.order.remove(n)
                self.order.append(n)
            self.definitions[n] = rhs.exact().xreplace(self.renamed)

    def join_twins(self, statements: list[Statement]) -> None:
        """A node defined again under another name (see :mod:`.twins`) becomes that other name."""
        self.twins = joined = twin_nodes(self.definitions, self.order)
        if not joined:
            return
        for twin, node in joined.items():
            del self.definitions[twin]
            self.order.remove(twin)
            self.aliases[twin] = self.renamed[twin] = node
        self.definitions = {n: e.xreplace(joined) for n, e in self.definitions.items()}
        self.aliases = {n: _rename(e, joined) if n not in joined else e for n, e in self.aliases.items()}
        for i, role in self.roles.items():
            if role is Role.DEFINITION and statements[i].parsed[0].expr in joined:
                self.roles[i] = Role.ALIAS

    def spell_out(self, st: Statement) -> bool:
        """``E = E_{o1} + E_{o2}``, then ``E = ½(t_{o1} − out_{o1})² + …``: each term defines its part
        (see :mod:`.termwise`); ``E`` keeps its sum, after its parts."""
        n = st.parsed[0].expr
        if n not in self.definitions or len(st.parsed) != 2 or is_number(st.parsed[1]):
            return False
        found = parts_defined(self.definitions[n], st.parsed[1].exact(), self.definitions)
        if found is None:
            return False
        self.order.remove(n)
        for part, term in found.items():
            self.definitions[part] = term.xreplace(self.renamed)
            self.order.append(part)
        self.order.append(n)
        return True

    def refines(self, n: Symbol, expr: Expr) -> bool:
        """Whether ``n = expr`` restates ``n``'s definition through new intermediate nodes.

        ``y = (3x + 1)^2`` then "let u = 3x + 1, so y = u^2": the second definition
        is the same function of the leaves, with more structure (``u``).
        """
        old = self.definitions[n]
        if expr == old or not (expr.free_symbols - old.free_symbols) & set(self.definitions):
            return False
        if n in self._inline(expr).free_symbols:
            return False
        a, b = self._inline(old), self._inline(expr)
        rng = random.Random(7)
        leaves = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
        for _ in range(3):
            pt = {s: Rational(rng.randint(11, 97), 37) for s in leaves}
            x, y = a.xreplace(pt).evalf(30), b.xreplace(pt).evalf(30)
            if not (x.is_number and y.is_number) or abs(x - y) > 1e-20 * max(1, abs(x)):
                return False
        return True

    def _inline(self, expr: Expr) -> Expr:
        """``expr`` in leaves only (the definitions read so far substituted)."""
        for _ in range(len(self.definitions) + 1):
            if not expr.free_symbols & set(self.definitions):
                break
            expr = expr.xreplace(self.definitions)
        return expr

    def note_shown(self, st: Statement) -> None:
        """Remember which name the document last showed each number for (``z = … = 0.5``)."""
        n = st.parsed[0].expr
        if n == self.eta:
            return
        results = [p for p in st.parsed[1:] if is_number(p) and _single(p)]
        if results:
            self.shown[results[-1].exact()] = n

    def unsubstitute(self, st: Statement) -> None:
        """``\\hat{y} = \\sigma(0.5)`` with ``z = … = 0.5`` shown before: ``\\hat{y}`` is defined as σ(z).

        A value line of a name the document never defines by a formula is read as
        its definition with the values of earlier nodes substituted, when every
        number that is not a constant is the last value shown for a node.
        """
        n = st.parsed[0].expr
        if n in self.definitions or n in self.aliases or n in self.values or n == self.eta:
            return
        side = next((p for p in st.parsed[1:] if is_number(p) and not _single(p)), None)
        if side is None:
            return
        reps: dict[Symbol, Expr] = {}
        for placeholder, number in side.numbers.items():
            node = self.shown.get(number.value) or self.shown.get(-number.value)
            if node is not None and node in self.definitions and node != n:
                reps[placeholder] = node if number.value in self.shown else -node
            elif number.decimals > 0:
                return  # a number that is no earlier node's value: not a substituted definition
        if reps:
            expr = side.expr.xreplace(reps).xreplace({s: v.value for s, v in side.numbers.items()})
            self.definitions[n] = expr
            self.order.append(n)
            self.read_back.append(n)

    def repair(self, statements: list[Statement]) -> dict[int, Expr]:
        """Definitions the document's own numbers contradict, replaced by what the numbers show.

        Returns the written definitions that were repaired (statement index -> the
        right one); a definition read back from a value line is repaired silently
        (that line's own arithmetic is judged as written).
        """
        out: dict[int, Expr] = {}
        written = {i: statements[i].parsed[0].expr for i, r in self.roles.items() if r is Role.DEFINITION}
        by_subject: dict[Expr, list[Statement]] = {}  # one pass: the statements about each first side
        for st in statements:
            if not st.error:
                by_subject.setdefault(st.parsed[0].expr, []).append(st)
        for i, n in [*written.items(), *((-1, n) for n in self.read_back)]:
            if i >= 0 and self.definitions.get(n) != statements[i].parsed[1].exact():
                continue
            lines = by_subject.get(n, [])
            fixed = repaired(self.definitions[n], lines)
            if fixed is not None:
                self.definitions[n] = fixed
                if i >= 0:
                    out[i] = fixed
        return out

    # ---------------------------------------------------------- families

    def find_families(self, statements: list[Statement]) -> None:
        """``\\delta_n = \\partial L/\\partial n``: a shorthand for every node, by its index ``n``."""
        for st in statements:
            if st.error or not is_name(st.parsed[0]) or not st.parsed[1].atoms_of(Partial):
                continue
            n, meaning = st.parsed[0].expr, st.parsed[1].exact()
            base, _, index = n.name.partition("_")
            symbols = set(meaning.free_symbols)
            for d in meaning.atoms(Partial):
                symbols |= {d.of, d.wrt}
            for k in symbols:
                if k.name == index and k.name in INDEX_NAMES and base and base not in self.families:
                    self.families[base] = (k, meaning)

    def find_samples(self, statements: list[Statement]) -> None:
        """``\\hat y_3`` where ``\\hat y = w_1 x + w_2`` is defined and ``x_3`` is written: the model at
        sample 3, its definition with each input at that sample (an alias, like a family's member)."""
        seen: set[Symbol] = set()  # what a name means does not change here: each is asked once
        for st in statements:
            for p in () if st.error else st.parsed:
                fresh = p.free() - seen
                seen |= fresh
                for s in sorted(fresh, key=lambda s: s.name):
                    if s not in self.aliases and (meaning := self.sample(s)) is not None:
                        self.aliases[s] = meaning

    def sample(self, n: Symbol) -> Expr | None:
        """What ``\\hat y_3`` means, as :meth:`find_samples` reads it, or ``None``."""
        base, _, k = n.name.rpartition("_")
        node = self.names.lookup(base) if k.isdigit() and base else None
        if node is None or node not in self.definitions or n in self.definitions or n in self.values:
            return None
        meaning = self.definitions[node]
        at = {s: i for s in meaning.free_symbols if (i := self.names.lookup(f"{s.name}_{k}")) is not None}
        return meaning.xreplace(at) if at and not set(at) & set(self.definitions) else None

    def instance(self, n: Symbol) -> Expr | None:
        """What ``\\delta_{a_2}`` means when the document defines the family ``\\delta_n``."""
        base, _, index = n.name.partition("_")
        if base not in self.families or not index:
            return None
        k, meaning = self.families[base]
        if index == k.name:
            return None
        target = self.names.lookup(index)
        return None if target is None else _rename(meaning, {k: target})

    # ------------------------------------------------------------ values

    def read_text(self, doc: Document, leaves: set[Symbol]) -> None:
        """Values from inline code, prose, lists, tables and code blocks (see :meth:`offer`)."""
        for cv in doc.code_values:
            if self.here(cv.line):
                self.offer(cv.line, self.names.lookup(cv.name), Rational(cv.number), leaves, CODE)
        for g in named_values(doc.text):
            if not self.here(g.line):
                continue
            key = normal_name(g.name)
            sym = self.eta if key in ("eta", "lr", "alpha") else self.names.lookup(key)
            rank = TABLE if g.table else PROSE
            self.offer(g.line, sym, Rational(g.value.numerator, g.value.denominator), leaves, rank)
        if doc.learning_rate and self.here(doc.learning_rate[1]):
            self.offer(doc.learning_rate[1], self.eta, Rational(doc.learning_rate[0]), leaves, PROSE)

    def offer(self, line: int, sym: Symbol | None, value: Expr, leaves: set[Symbol], rank: int) -> None:
        """A value stated outside the equations, by how it is stated (see :meth:`settle`)."""
        if sym is not None and (sym in leaves or sym == self.eta):
            self.offers.append((rank, line, sym, value))

    def settle(self, leaves: set[Symbol]) -> None:
        """The point: each leaf's first value, from the most explicit way the document states values
        (code, tables, substitutions, prose); values stated again later are kept apart."""
        for _, line, sym, value in sorted(self.offers, key=lambda t: (t[0], t[1])):
            self._give(sym, value, leaves, line)

    def read_roles(self, doc: Document, inputs: list[Symbol], targets: list[Symbol]) -> None:
        """Numbers prose gives to roles: the learning rate, the inputs and targets in their order."""
        wanted = {"learning rate": [self.eta], "inputs": inputs, "targets": targets}
        done: set[str] = set()
        for role, numbers, line in role_values(doc.text):
            leaves = wanted[role]
            if (
                not self.here(line)
                or role in done
                or len(numbers) != len(leaves)
                or any(s in self.values for s in leaves)
            ):
                continue
            done.add(role)
            for s, v in zip(leaves, numbers):
                self.values[s] = Rational(v.numerator, v.denominator)

    def _give(self, sym: Symbol | None, value: Expr, leaves: set[Symbol], line: int = 0) -> None:
        if sym is None or not (sym in leaves or sym == self.eta):
            return
        if sym not in self.values:
            self.values[sym] = value
            self.first_line[sym] = line
        elif line > self.first_line.get(sym, 0):
            self.restated(line, sym, value)

    def restated(self, line: int, sym: Symbol, value: Expr) -> None:
        """A value stated again later, differently: a new sample, or an updated parameter."""
        previous = [v for ln, s, v in self.later if s == sym and ln < line]
        if value != (previous[-1] if previous else self.values.get(sym)):
            self.later.append((line, sym, value))

    def substitute(self, statements: list[Statement], leaves: set[Symbol]) -> None:
        """Leaf values from ``node = expression = the same expression in numbers`` (arithmetic holding)."""
        forms: dict[Expr, dict] = {}  # by first side: a name, or a derivative (∂E/∂out = … = …)
        tried: set[tuple[int, int]] = set()  # a side written again is parsed once: try each pair once
        for st in statements:
            if st.error or not (is_name(st.parsed[0]) or _derivative(st.parsed[0])):
                continue
            n = st.parsed[0].expr
            sides = st.parsed[1:]
            forms.setdefault(n, {}).update((p.expr, p) for p in sides if not is_number(p) and p.names)
            numeric = [p for p in sides if is_number(p) and not _single(p)]
            results = [p for p in sides if is_number(p) and _single(p)]
            for num in numeric:
                if results and not near(num, results[-1]):
                    continue  # the written arithmetic does not hold: its numbers are not trusted
                untried = [f for f in forms.get(n, {}).values() if (id(f), id(num)) not in tried]
                tried.update((id(f), id(num)) for f in untried)
                self._read_back(st.line, untried, num, leaves)

    def _read_back(self, line: int, forms: list, num: Any, leaves: set[Symbol]) -> None:
        """The leaf values of the first form that the numbers ``num`` substitute (:func:`substitution`)."""
        for form in forms:
            found = substitution(form, num, self.names)
            if found is not None:
                for s, v in found.items():
                    if not self.negated(s, v):
                        self.offer(line, s, v, leaves, SUBSTITUTED)
                return

    def read_off(self, statements: list[Statement], leaves: set[Symbol]) -> None:
        """A leaf still without a value, read off a node's shown value (see :mod:`.solved`)."""
        missing = sorted((s for s in leaves if s not in self.values), key=lambda s: s.name)
        if missing and len(missing) <= READ_OFF_MOST:
            computed = lambda n: self._inline(self.definitions[n]).xreplace(self.values)  # noqa: E731
            shown = shown_values(statements, self.definitions)
            leaves_read_off(missing, self.order, self.definitions, shown, computed, self.values)

    def negated(self, sym: Symbol, value: Expr) -> bool:
        """Whether ``-value`` is already stated for ``sym``: a substitution cannot tell the signs of a
        product of negatives apart (``(-0.3) \\cdot (-0.5)`` is ``0.3 \\cdot 0.5``)."""
        stated = [v for _, _, s, v in self.offers if s == sym]
        return value != 0 and -value in (*stated, self.values.get(sym))

    # ----------------------------------------------------------- network

    def network(self, latex_names: dict[Symbol, str]) -> Network:
        """The network of the definitions read, with the stated values as its point."""
        inputs, targets, params = self.leaves()
        leaves = set(inputs + targets + params)
        lr = self.values.get(self.eta)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SymbackpropWarning)
                return Network(
                    tuple(Definition(s, self.definitions[s]) for s in self.order),
                    inputs=tuple(inputs),
                    targets=tuple(targets),
                    parameters=tuple(params),
                    loss=self.loss(),
                    values={s: v for s, v in self.values.items() if s in leaves},
                    learning_rate=lr if lr is not None and lr > 0 else None,
                    latex_names=latex_names,
                )
        except GraphError as e:
            msg = f"the document's own network is not valid: {e.message}"
            raise InputError(msg) from None

    def leaves(self) -> tuple[list[Symbol], list[Symbol], list[Symbol]]:
        """``inputs, targets, parameters``: the undefined names the definitions use, by role."""
        used: set[Symbol] = set()
        for e in self.definitions.values():
            used |= e.free_symbols
        leaves = sorted(used - set(self.definitions) - {self.eta}, key=lambda s: s.name)
        params = [
            s for s in leaves if s in self.updated or s in self.declared or PARAMETER_NAMES.match(s.name)
        ]
        taken = set(params)  # sets: a list would make each test a scan of SymPy comparisons
        targets = [s for s in leaves if s not in taken and TARGET_NAMES.match(s.name)]
        taken.update(targets)
        inputs = [s for s in leaves if s not in taken]
        return inputs, targets, params

    def loss(self) -> Symbol:
        """The sink named like a loss, else the last sink."""
        order, definitions = self.order, self.definitions
        used = set().union(*(definitions[o].free_symbols for o in order))  # once, not once per name
        sinks = [s for s in order if s not in used]
        return next((s for s in sinks if s.name in LOSS_NAMES), sinks[-1] if sinks else order[-1])

    def missing(self) -> str | None:
        """The values the document does not give, in one line, or ``None``."""
        inputs, targets, params = self.leaves()
        absent = [s.name for s in inputs + targets + params if s not in self.values]
        if not absent:
            return None
        return "the document gives no value for " + ", ".join(absent[:6]) + ("…" if len(absent) > 6 else "")


def _rename(expr: Expr, names: dict[Symbol, Symbol]) -> Expr:
    """``expr`` with symbols renamed, inside derivatives too (``∂L/∂n`` -> ``∂L/∂a_2``)."""
    partials = {d: Partial(names.get(d.of, d.of), names.get(d.wrt, d.wrt)) for d in expr.atoms(Partial)}
    return expr.xreplace(partials).xreplace(names)


def _derivative(side: Any) -> bool:
    """A side that is one derivative (``\\frac{\\partial E}{\\partial out_{o1}}``)."""
    return isinstance(side.expr, Partial) and not side.numbers


def _single(p: object) -> bool:
    """A side that is one written number (a result, not arithmetic)."""
    return bare(p)


def _sections(doc: Document, lines: tuple[int, int | None]) -> tuple[int, int | None]:
    """A problem's lines widened to its headings: the text from the first heading after the previous
    problem's last equation (``## Second sample``, a code block ``x₁ = 2000``) belongs to the next."""
    first, last = lines
    heads = [line for line, _ in headings(doc.text)]
    math = [f.line for f in doc.fragments]

    def heading_above(line: int) -> int | None:
        """The first heading after the last equation before ``line``, if one comes before it."""
        before = max((m for m in math if m < line), default=0)
        return next((h for h in heads if before < h <= line), None)

    if first > 1:
        first = heading_above(first) or first
    if last is not None:
        head = heading_above(last + 1)
        last = head - 1 if head is not None else last
    return first, last


def infer_network(
    statements: list[Statement], names: Names, doc: Document, lines: tuple[int, int | None] = (1, None)
) -> Inferred:
    """The network the document itself defines, its aliases, the statements' roles and its point.

    ``lines``: the lines of the problem the statements belong to (values stated
    in its text only); the whole document by default.
    """
    reading = _Reading(names, lines=_sections(doc, lines))
    reading.find_families(statements)
    for i, st in enumerate(statements):
        if not st.error and is_name(st.parsed[0]):
            reading.read(i, st)
    repairs = reading.repair(statements)
    reading.join_twins(statements)
    used = {s for st in statements if not st.error for p in st.parsed for s in p.free()}
    reading.aliases.update(by_subscript(used - set(reading.definitions), reading.aliases, names))
    reading.find_samples(statements)
    if not reading.definitions:
        givens = (*reading.values.values(), *(Rational(cv.number) for cv in doc.code_values))
        givens += tuple(Rational(g.value.numerator, g.value.denominator) for g in named_values(doc.text))
        why = "the document defines no network (no definition such as z = w x + b)"
        return Inferred(None, reading.aliases, reading.roles, why, givens, repairs=repairs)
    reading.declared = {
        s for g in named_values(doc.text) if g.parameter and (s := names.lookup(g.name)) is not None
    }
    reading.declared |= set(filter(None, map(names.lookup, tabular_parameters(doc.text))))  # LaTeX tables
    inputs, targets, params = reading.leaves()
    leaves = set(inputs + targets + params)
    reading.read_text(doc, leaves)
    reading.substitute(statements, leaves)
    reading.settle(leaves)
    reading.read_roles(doc, inputs, targets)
    reading.read_off(statements, leaves)
    network = reading.network(dict(names.latex))
    givens = tuple(v for s, v in reading.values.items() if s in leaves or s == reading.eta)
    later = tuple((ln, s, v) for ln, s, v in reading.later if s in leaves)
    missing = reading.missing()
    return Inferred(network, reading.aliases, reading.roles, missing, givens, later, repairs, reading.twins)
