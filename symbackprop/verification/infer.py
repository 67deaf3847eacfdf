"""The network a document defines, and the point it states, read from its statements.

Without a spec, a hand derivation is checked against its own first
definitions: ``z_1 = x w_1``, ``a_1 = \\operatorname{ReLU}(z_1)``, ...,
``L = ...``.  Each statement whose first side is a name gets a :class:`Role`:

* **value** -- ``x = 1.0``: a number for a leaf (also from inline code and
  "learning rate 0.1" in prose);
* **update** -- ``w_1 = w_1 - \\eta ...``: the name on both sides;
* **alias** -- ``\\delta = \\frac{\\partial L}{\\partial z_2}``: a shorthand for a
  derivative (or for something built from one);
* **definition** -- anything else, the first time a name is defined.

Leaves are sorted into parameters (updated, or named like ``w``, ``b``,
``\\theta``), targets (``y``, ``t``, ``target``) and inputs; the loss is the
sink named like a loss (``L``, ``E``, ``J``, ``C``), else the last sink.
"""

from __future__ import annotations

import enum
import re
import warnings
from dataclasses import dataclass, field

from sympy import Expr, Rational, Symbol

from ..core.derivation import Partial
from ..core.network import Definition, Network
from ..errors import GraphError, InputError, SymbackpropWarning
from .documents import Document
from .names import Names
from .statements import Statement, is_name, is_number

__all__ = ["LOSS_NAMES", "PARAMETER_NAMES", "TARGET_NAMES", "Inferred", "Role", "infer_network"]

#: Names that are targets, and prefixes of parameters, in a document-defined network.
TARGET_NAMES = re.compile(r"(?:y|t|target|y_true|label)(?:_.*)?\Z")
PARAMETER_NAMES = re.compile(r"(?:w|W|b|theta|beta|gamma|v|u)(?:\^.*|_.*|\d.*)?\Z")
LOSS_NAMES = ("L", "E", "J", "C", "E_total", "loss", "Loss", "cost")


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
        aliases: Shorthands for derivatives (``\\delta_2 -> ∂L/∂z_2``).
        roles: Statement index -> :class:`Role`, for statements that have one.
    """

    network: Network | None
    aliases: dict[Symbol, Expr]
    roles: dict[int, Role]


@dataclass
class _Reading:
    """The statements read one by one, in order."""

    eta: Symbol
    definitions: dict[Symbol, Expr] = field(default_factory=dict)
    order: list[Symbol] = field(default_factory=list)
    aliases: dict[Symbol, Expr] = field(default_factory=dict)
    values: dict[Symbol, Expr] = field(default_factory=dict)
    roles: dict[int, Role] = field(default_factory=dict)
    updated: set[Symbol] = field(default_factory=set)

    def role_of(self, st: Statement) -> Role | None:
        """The role of a ``name = ...`` statement, given everything read before it."""
        n, rhs = st.parsed[0].expr, st.parsed[1]
        if n == self.eta:
            return Role.VALUE if is_number(rhs) and len(st.sides) == 2 else None
        if n in self.definitions or n in self.aliases:
            return None
        if n in rhs.expr.free_symbols:
            return Role.UPDATE
        if is_number(rhs):
            return Role.VALUE if len(st.sides) == 2 and n not in self.values else None
        if rhs.expr.atoms(Partial) or rhs.expr.free_symbols & (set(self.aliases) | {self.eta}):
            return Role.ALIAS  # a shorthand; with the learning rate, a step (\Delta w = \eta \delta x)
        return Role.DEFINITION

    def read(self, index: int, st: Statement) -> None:
        role = self.role_of(st)
        if role is None:
            return
        n, rhs = st.parsed[0].expr, st.parsed[1]
        self.roles[index] = role
        if role is Role.VALUE:
            self.values[n] = rhs.exact()
        elif role is Role.UPDATE:
            self.updated.add(n)
        elif role is Role.ALIAS:
            self.aliases[n] = rhs.exact()
        else:
            self.definitions[n] = rhs.exact()
            self.order.append(n)

    def read_prose(self, doc: Document, names: Names) -> None:
        """Values from inline code (``x = 1.0``) and the learning rate from prose."""
        for cv in doc.code_values:
            sym = names.lookup(cv.name)
            if sym is not None and sym not in self.values and sym not in self.definitions:
                self.values[sym] = Rational(cv.number)
        if doc.learning_rate and self.eta not in self.values:
            self.values[self.eta] = Rational(doc.learning_rate[0])

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
        params = [s for s in leaves if s in self.updated or PARAMETER_NAMES.match(s.name)]
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


def infer_network(statements: list[Statement], names: Names, doc: Document) -> Inferred:
    """The network the document itself defines, its aliases, and the statements' roles."""
    reading = _Reading(names.eta)
    for i, st in enumerate(statements):
        if not st.error and is_name(st.parsed[0]):
            reading.read(i, st)
    reading.read_prose(doc, names)
    if not reading.definitions:
        return Inferred(None, reading.aliases, reading.roles)
    return Inferred(reading.network(dict(names.latex)), reading.aliases, reading.roles)
