"""Spec files: a network written in TOML, read into a :class:`~symbackprop.core.network.Network`.

A spec names its inputs, targets and parameters with their values, then lists
the definitions of the network in order, each as a right-hand side in plain
math syntax::

    title = "Tiny network"

    [inputs]
    x = 1.0

    [targets]
    y = 0.0

    [parameters]
    w_1 = 0.5

    [network]
    z_1 = "x * w_1"
    a_1 = "sigmoid(z_1)"
    L   = "half_squared_error(a_1, y)"

The other tables are ``[training]``, ``[dataset]``, ``[functions.NAME]``,
``[latex]`` and ``[options]``; each is read by one method of
:class:`_SpecReader`, in the order the tables depend on each other.

Right-hand sides are parsed by
:func:`~symbackprop.notation.expressions.parse_expression`, which walks
Python's ``ast`` and accepts only numbers, declared names, ``+ - * / **``,
unary signs, parentheses and calls of known functions.  Nothing in a spec is
ever passed to ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  A right-hand
side wrapped in ``$...$`` is LaTeX and goes through
:mod:`symbackprop.notation.latex`.

Every mistake raises :class:`~symbackprop.errors.SpecError` naming the file,
the line where it can be found, the table and key, and what is wrong.
"""

from __future__ import annotations

import math
import re
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sympy import Expr, Integer, Rational, Symbol

from ..core.functions import FUNCTIONS, FunctionInfo, custom_function, relu
from ..core.matrix import MatrixNetwork
from ..core.names import ACCENTS, GREEK_LETTERS
from ..core.network import Dataset, Definition, Network, suggest
from ..core.optimizers import DEFAULT_OPTIMIZER, Optimizer, choose_optimizer, hyper_parameter_keys
from ..errors import GraphError, InputError, SpecError, SymbackpropWarning
from ..files import read_text
from .expressions import describe, parse_expression
from .limits import MAX_DEPTH, MAX_EXPRESSION_CHARS, MAX_LITERAL_CHARS, MAX_NAME_LENGTH, MAX_NUMBER_BITS
from .lines import duplicate_key, locate
from .matrix_spec import is_matrix_spec, read_matrix

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPRESSION_CHARS",
    "MAX_LITERAL_CHARS",
    "MAX_NAME_LENGTH",
    "MAX_NUMBER_BITS",
    "NAME_PATTERN",
    "load_spec",
    "loads_spec",
    "parse_expression",
    "read_spec",
    "reads_spec",
]

#: Names: an ASCII letter, then letters, digits and underscores; no ``__``.
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: Top-level keys and tables a spec may have.
TOP_LEVEL = (
    "title",
    "loss",
    "inputs",
    "targets",
    "parameters",
    "network",
    "training",
    "dataset",
    "functions",
    "options",
    "latex",
)

#: ``optimizer`` and the hyper-parameters of every optimiser (core/optimizers.py) may join these.
TRAINING_KEYS = ("learning_rate", "frozen", "optimizer", *hyper_parameter_keys())
DATASET_KEYS = ("reduction", "examples")
EXAMPLE_KEYS = ("inputs", "targets")
FUNCTION_KEYS = ("args", "expr", "derivative", "latex")
OPTION_KEYS = ("relu_at_zero",)

ROLE_TABLES = (("input", "inputs"), ("target", "targets"), ("parameter", "parameters"))


def load_spec(path: str | Any) -> Network:
    """Read a TOML spec file into a validated :class:`~symbackprop.core.network.Network`.

    Raises:
        SpecError: The file is missing, is not valid TOML, or describes an
            invalid network; the message names the file, table, key and line.
        InputError: The file cannot be read.
    """
    name = str(path)
    text = read_text(path, "spec")
    return loads_spec(text, file=name)


def loads_spec(text: str, *, file: str = "<string>") -> Network:
    """Read a spec from TOML text; see :func:`load_spec`.

    A matrix spec (:mod:`symbackprop.notation.matrix_spec`) is read as its scalar
    view: every vector and matrix written out element by element.
    """
    return _reader(text, file).network()


def read_spec(path: str | Any) -> Network | MatrixNetwork:
    """Read a spec file as written: a :class:`~symbackprop.core.matrix.MatrixNetwork`
    for a matrix spec, a :class:`~symbackprop.core.network.Network` otherwise."""
    return reads_spec(read_text(path, "spec"), file=str(path))


def reads_spec(text: str, *, file: str = "<string>") -> Network | MatrixNetwork:
    """Read a spec from TOML text as written; see :func:`read_spec`."""
    reader = _reader(text, file)
    return read_matrix(reader) if is_matrix_spec(reader.data) else reader.network()


def _reader(text: str, file: str) -> _SpecReader:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line = int(at.group(1)) if at else getattr(e, "lineno", None)
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(e))
        if at:
            message += f" (column {at.group(2)})"
        duplicate = duplicate_key(text)
        if duplicate is not None:
            table, key, first, second = duplicate
            where = f"[{table}] {key}" if table else key
            msg = f"{key!r} is defined twice (lines {first} and {second})"
            raise SpecError(msg, file=file, where=where, line=second) from None
        raise SpecError(f"malformed TOML: {message}", file=file, line=line) from None
    return _SpecReader(data, text, file)


@dataclass
class _Names:
    """The declared names so far: each name's role and table, its value, and names by role."""

    roles: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (role, table)
    values: dict[str, Expr] = field(default_factory=dict)
    by_role: dict[str, list[str]] = field(default_factory=dict)


class _SpecReader:
    """Reads one parsed TOML document; every error names file, table, key and line.

    :meth:`network` reads the tables in the order they depend on each other, so
    the first mistake found is the one reported.
    """

    def __init__(self, data: dict[str, Any], text: str, file: str) -> None:
        self.data = data
        self.text = text
        self.file = file

    # -- errors

    def error(self, message: str, table: str = "", key: str | None = None) -> SpecError:
        where = f"[{table}]" if table else ""
        if key is not None:
            where = f"{where} {key}" if where else key
        line = locate(self.text, table, key) if table else locate(self.text, "", key)
        return SpecError(message, file=self.file, where=where or None, line=line)

    # -- the whole document

    def network(self) -> Network:
        if is_matrix_spec(self.data):
            matrix = read_matrix(self)
            try:
                return matrix.scalar()
            except GraphError as e:
                raise self.error(e.message) from None
        title = self.top_level()
        names = self.declared()
        network = self.definitions_table(names)
        symbols = {name: Symbol(name, real=True) for name in [*names.roles, *network]}
        functions = self.functions(symbols)
        definitions, written = self.definitions(network, symbols, functions)
        loss = self.loss(network)
        learning_rate, frozen = self.training(names.by_role["parameter"])
        dataset = self.dataset(symbols, names.by_role)
        latex_names = self.latex_names(symbols)
        point = {symbols[n]: v for n, v in names.values.items()}
        if dataset is not None:
            for sym, v in dataset.examples[0].items():
                point.setdefault(sym, v)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", SymbackpropWarning)
                net = Network(
                    tuple(definitions),
                    inputs=tuple(symbols[n] for n in names.by_role["input"]),
                    targets=tuple(symbols[n] for n in names.by_role["target"]),
                    parameters=tuple(symbols[n] for n in names.by_role["parameter"]),
                    loss=symbols[loss] if loss else None,
                    values=point,
                    title=title,
                    latex_names=latex_names,
                    learning_rate=learning_rate,
                    frozen=tuple(symbols[f] for f in frozen),
                    dataset=dataset,
                    written=written,
                    optimizer=self.optimizer(),
                )
        except GraphError as e:
            raise SpecError(
                e.message, file=self.file, where="[network]", line=locate(self.text, "network", None)
            ) from None
        for w in caught:
            warnings.warn(f"{self.file}: {w.message}", SymbackpropWarning, stacklevel=3)
        return net

    # -- top level

    def top_level(self) -> str:
        """Check the top-level keys; return the title."""
        for key in self.data:
            if key not in TOP_LEVEL:
                raise self.error(f"unknown top-level key{suggest(key, TOP_LEVEL)}", "", key)
        title = self.data.get("title", "")
        if not isinstance(title, str):
            raise self.error(f"title must be a string, got {describe(title)}", "", "title")
        if "network" not in self.data:
            raise self.error("missing the [network] table with the definitions")
        return title

    def loss(self, network: Mapping[str, Any]) -> str | None:
        loss = self.data.get("loss")
        if loss is None:
            return None
        if not isinstance(loss, str):
            raise self.error(f"loss must be a node name in quotes, got {describe(loss)}", "", "loss")
        if loss not in network:
            raise self.error(
                f"the loss {loss!r} is not defined in [network]{suggest(loss, network)}", "", "loss"
            )
        return loss

    # -- [inputs] [targets] [parameters] [network]

    def declared(self) -> _Names:
        """Every name of ``[inputs]``, ``[targets]`` and ``[parameters]``, with its value."""
        names = _Names()
        for role, table in ROLE_TABLES:
            section = self.table(table, required=False)
            names.by_role[role] = []
            for name, value in section.items():
                self.check_name(name, table)
                if name in names.roles:
                    other = names.roles[name][1]
                    msg = f"{name!r} is already declared in [{other}]; a name has one role"
                    raise self.error(msg, table, name)
                names.roles[name] = (role, table)
                names.by_role[role].append(name)
                names.values[name] = self.number(value, table, name)
        return names

    def definitions_table(self, names: _Names) -> dict[str, Any]:
        """The ``[network]`` table, with every node name checked against the declared ones."""
        network = self.table("network")
        if not network:
            raise self.error("the [network] table has no definitions", "network")
        for name in network:
            self.check_name(name, "network")
            if name in names.roles:
                role, other = names.roles[name]
                msg = f"{name!r} is already declared as {_a(role)} in [{other}]; a name has one role"
                raise self.error(msg, "network", name)
        return network

    def definitions(
        self, network: Mapping[str, Any], symbols: Mapping[str, Symbol], functions: Mapping[str, Any]
    ) -> tuple[list[Definition], dict[Expr, tuple[Expr, ...]]]:
        """The definitions, and the written order of their sums and products (for printing)."""
        written: dict[Expr, tuple[Expr, ...]] = {}
        definitions = [
            Definition(symbols[name], self.expression(rhs, symbols, functions, "network", name, written))
            for name, rhs in network.items()
        ]
        return definitions, written

    # -- [training]

    def training(self, parameters: list[str]) -> tuple[Expr | None, list[str]]:
        """The learning rate (if given) and the frozen parameters."""
        training = self.table("training", required=False)
        for key in training:
            if key not in TRAINING_KEYS:
                raise self.error(f"unknown key{suggest(key, TRAINING_KEYS)}", "training", key)
        learning_rate = None
        if "learning_rate" in training:
            learning_rate = self.number(training["learning_rate"], "training", "learning_rate")
            if learning_rate <= 0:
                raise self.error("learning_rate must be positive", "training", "learning_rate")
        frozen = training.get("frozen", [])
        if not isinstance(frozen, list) or not all(isinstance(f, str) for f in frozen):
            raise self.error("frozen must be an array of parameter names", "training", "frozen")
        for f in frozen:
            if f not in parameters:
                msg = f"frozen name {f!r} is not a parameter{suggest(f, parameters)}"
                raise self.error(msg, "training", "frozen")
        return learning_rate, frozen

    def optimizer(self) -> Optimizer:
        """``[training] optimizer`` (default gradient descent) with its hyper-parameters, checked."""
        training = self.table("training", required=False)
        name = training.get("optimizer", DEFAULT_OPTIMIZER)
        settings = {
            k: self.number(v, "training", k) for k, v in training.items() if k in hyper_parameter_keys()
        }
        try:
            return choose_optimizer(name, settings)
        except InputError as e:
            raise self.error(e.message, "training", e.where) from None

    # -- values and names

    def table(self, name: str, *, required: bool = True) -> dict[str, Any]:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.error(f"missing the [{name}] table")
            return {}
        if not isinstance(value, dict):
            raise self.error(f"{name} must be a table [{name}], got {describe(value)}", "", name)
        return value

    def check_name(self, name: str, table: str) -> None:
        if len(name) > MAX_NAME_LENGTH:
            raise self.error(f"name is longer than {MAX_NAME_LENGTH} characters", table, name)
        if not NAME_PATTERN.match(name) or "__" in name:
            msg = (
                f"{name!r} is not a valid name: use an ASCII letter, then letters, digits and "
                "single underscores (e.g. w_1, net_h1, E_total)"
            )
            raise self.error(msg, table, name)
        if name in FUNCTIONS:
            raise self.error(f"{name!r} is the name of a library function; choose another name", table, name)

    def number(self, value: Any, table: str, key: str) -> Expr:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"expected a number, got {describe(value)}", table, key)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(f"expected a finite number, got {value!r}", table, key)
        if isinstance(value, int) and value.bit_length() > 64:
            raise self.error("number is too large", table, key)
        return Rational(repr(value)) if isinstance(value, float) else Integer(value)

    def expression(
        self,
        text: Any,
        symbols: Mapping[str, Symbol],
        funcs: Mapping[str, Any],
        table: str,
        key: str,
        written: dict[Expr, tuple[Expr, ...]] | None = None,
        *,
        matrix: bool = False,
    ) -> Expr:
        where = f"[{table}] {key}"
        try:
            return parse_expression(text, symbols, funcs, where=where, written=written, matrix=matrix)
        except SpecError as e:
            raise SpecError(
                e.message, file=self.file, where=where, line=locate(self.text, table, key)
            ) from None

    # -- [options] and [functions.NAME]

    def functions(self, symbols: Mapping[str, Symbol]) -> dict[str, Any]:
        """The library functions, as ``[options]`` sets them, plus each ``[functions.NAME]``."""
        funcs: dict[str, Any] = dict(FUNCTIONS)
        relu_at_zero = self.options()
        if relu_at_zero is not None:
            funcs["relu"] = FunctionInfo("relu", lambda z, at=relu_at_zero: relu(z, at), (1, 2), "ReLU")
        for name, body in self.table("functions", required=False).items():
            self.check_name(name, "functions")
            if name in symbols:
                raise self.error(f"{name!r} is also a declared name", "functions", name)
            if not isinstance(body, dict):
                msg = f"expected a table [functions.{name}], got {describe(body)}"
                raise self.error(msg, "functions", name)
            funcs[name] = self.custom_function(name, body, funcs)
        return funcs

    def options(self) -> Expr | None:
        """``relu_at_zero``, the derivative of ReLU at 0, if ``[options]`` sets it."""
        options = self.table("options", required=False)
        for key in options:
            if key not in OPTION_KEYS:
                raise self.error(f"unknown option{suggest(key, OPTION_KEYS)}", "options", key)
        if "relu_at_zero" not in options:
            return None
        h = self.number(options["relu_at_zero"], "options", "relu_at_zero")
        if not 0 <= h <= 1:
            raise self.error("relu_at_zero must be between 0 and 1", "options", "relu_at_zero")
        return h

    def custom_function(self, name: str, body: Mapping[str, Any], funcs: Mapping[str, Any]) -> FunctionInfo:
        """One ``[functions.NAME]`` table: arguments, definition, derivatives and LaTeX name."""
        table = f"functions.{name}"
        for key in body:
            if key not in FUNCTION_KEYS:
                raise self.error(f"unknown key{suggest(key, FUNCTION_KEYS)}", table, key)
        args = self.function_args(body.get("args"), table)
        params = {a: Symbol(a, real=True) for a in args}
        if "expr" not in body:
            raise self.error(f"missing key 'expr' (the definition of {name})", table)
        expr = self.expression(body["expr"], params, funcs, table, "expr")
        derivatives = None
        if "derivative" in body:
            raw = body["derivative"]
            raw_list = raw if isinstance(raw, list) else [raw]
            if len(raw_list) != len(args):
                msg = f"give one derivative per argument ({len(args)}), got {len(raw_list)}"
                raise self.error(msg, table, "derivative")
            derivatives = [self.expression(r, params, funcs, table, "derivative") for r in raw_list]
        latex = body.get("latex")
        if latex is not None and (not isinstance(latex, str) or not _SAFE_LATEX_NAME.match(latex)):
            msg = r"latex must be a short LaTeX name such as '\operatorname{swish}' (letters, \, {}, _, ^)"
            raise self.error(msg, table, "latex")
        func = custom_function(name, list(params.values()), expr, derivatives, latex)
        return FunctionInfo(name, func, len(args), f"user function {name}")

    def function_args(self, args: Any, table: str) -> list[str]:
        if not isinstance(args, list) or not args or not all(isinstance(a, str) for a in args):
            raise self.error("args must be a non-empty array of argument names", table, "args")
        for a in args:
            if not NAME_PATTERN.match(a) or "__" in a:
                raise self.error(f"{a!r} is not a valid argument name", table, "args")
        if len(set(args)) != len(args):
            raise self.error("argument names must be different", table, "args")
        return args

    # -- [dataset]

    def dataset(self, symbols: Mapping[str, Symbol], declared: Mapping[str, list[str]]) -> Dataset | None:
        table = self.table("dataset", required=False)
        if not table:
            return None
        for key in table:
            if key not in DATASET_KEYS:
                raise self.error(f"unknown key{suggest(key, DATASET_KEYS)}", "dataset", key)
        reduction = table.get("reduction", "mean")
        if reduction not in ("mean", "sum"):
            raise self.error(
                f'reduction must be "mean" or "sum", got {describe(reduction)}', "dataset", "reduction"
            )
        examples = table.get("examples")
        if not isinstance(examples, list) or not examples:
            raise self.error("examples must be a non-empty array of tables", "dataset", "examples")
        wanted = declared["input"] + declared["target"]
        rows = [self.example(i, example, symbols, wanted) for i, example in enumerate(examples, 1)]
        return Dataset(tuple(rows), reduction)

    def example(
        self, i: int, example: Any, symbols: Mapping[str, Symbol], wanted: list[str]
    ) -> dict[Symbol, Expr]:
        key = f"examples[{i}]"
        if not isinstance(example, dict):
            raise self.error(f"{key} must be a table such as {{x = 0, y = 1}}", "dataset", "examples")
        values = {}
        for name, value in example.items():
            if name not in wanted:
                msg = f"{key}: {name!r} is not an input or target{suggest(name, wanted)}"
                raise self.error(msg, "dataset", "examples")
            values[symbols[name]] = self.number(value, "dataset", "examples")
        missing = [n for n in wanted if symbols[n] not in values]
        if missing:
            raise self.error(f"{key} has no value for {', '.join(missing)}", "dataset", "examples")
        return values

    # -- [latex]

    def latex_names(self, symbols: Mapping[str, Symbol]) -> dict[Symbol, str]:
        table = self.table("latex", required=False)
        out = {}
        for name, latex in table.items():
            if name not in symbols:
                raise self.error(f"unknown name{suggest(name, symbols)}", "latex", name)
            if not isinstance(latex, str) or not _SAFE_LATEX_NAME.match(latex):
                msg = (
                    "expected a short LaTeX name such as 'w^{(1)}_{21}': letters, digits, {}, (), _, ^ "
                    "and Greek letters or accents such as \\hat"
                )
                raise self.error(msg, "latex", name)
            out[symbols[name]] = latex
        return out


#: LaTeX commands a name or function name from a spec may use (an allow-list:
#: nothing like ``\\input``, ``\\write18`` or ``\\catcode`` can get through).
LATEX_NAME_COMMANDS = (
    *GREEK_LETTERS,
    *ACCENTS,
    "ddot",
    "mathrm",
    "mathbf",
    "mathit",
    "mathcal",
    "operatorname",
    "text",
    "prime",
    "ell",
    "partial",
    "nabla",
)

#: The allowed characters and commands, never TeX's ``^^`` character notation (``^^5c`` is a
#: backslash to TeX, so ``^^5cinput`` would be ``\\input``): no ``^`` may follow a ``^``.
_SAFE_LATEX_NAME = re.compile(
    r"(?!.*\^\s*\^)(?:[A-Za-z0-9_^{}()',.+\- ]|\\(?:%s)(?![A-Za-z]))+\Z" % "|".join(LATEX_NAME_COMMANDS),
    re.S,
)


def _a(role: str) -> str:
    return ("an " if role[0] in "aeiou" else "a ") + role
