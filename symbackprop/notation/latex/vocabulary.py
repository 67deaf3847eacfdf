"""The vocabulary of the LaTeX reader, as data: relations, commands, accents, function names.

Every table the scanner consults lives here, so that teaching the reader a new
spelling (a relation, an accent, a function's name) is one entry in one table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...core.functions import LATEX_ALIASES
from ...core.names import GREEK_LETTERS

__all__ = [
    "ACCENTS",
    "DROP",
    "FUNCTION_ALIASES",
    "GREEK",
    "NUMBER",
    "PLACEHOLDER",
    "REFUSED",
    "RELATIONS",
    "SEPARATORS",
    "TIMES",
    "TOKEN",
    "UPDATED",
    "UPDATE_MARKS",
    "WORD_COMMANDS",
    "name_key",
]

#: Suffix of a name key that means "the updated value": ``w_5^{+}``, ``w_5^{new}``.
UPDATED = "^+"

#: Superscripts that mark an updated parameter.
UPDATE_MARKS = frozenset({"+", "new", r"\text{new}", r"\mathrm{new}", "(new)", "(t+1)", "{(t+1)}", "*"})

#: Relation commands and characters, as data: token -> operator name.
RELATIONS: dict[str, str] = {
    "=": "=",
    r"\approx": "≈",
    r"\simeq": "≈",
    r"\equiv": "=",
    r"\coloneqq": "=",
    ":=": "=",
    r"\leftarrow": "=",
    r"\gets": "=",
    r"\mathrel{:}=": "=",
    r"\neq": "≠",
    r"\ne": "≠",
    "<": "<",
    ">": ">",
    r"\lt": "<",
    r"\gt": ">",
    r"\le": "≤",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\geq": "≥",
}

#: Commands that separate two statements (``A = 1 \Rightarrow B = 2``).
SEPARATORS = (r"\Rightarrow", r"\implies", r"\Longrightarrow", r"\therefore", r"\quad", r"\qquad")

#: TeX primitives refused outright: they read or write files or change the lexer.
REFUSED = frozenset(
    {
        "input",
        "include",
        "write",
        "write18",
        "immediate",
        "openout",
        "openin",
        "read",
        "readline",
        "catcode",
        "def",
        "edef",
        "gdef",
        "xdef",
        "let",
        "futurelet",
        "newcommand",
        "renewcommand",
        "providecommand",
        "DeclareMathOperator",
        "csname",
        "endcsname",
        "expandafter",
        "usepackage",
        "documentclass",
        "special",
        "jobname",
        "makeatletter",
        "loop",
        "scantokens",
    }
)

#: Spacing and decoration commands that are dropped.
DROP = frozenset(
    {
        r"\left",
        r"\right",
        r"\bigl",
        r"\bigr",
        r"\Bigl",
        r"\Bigr",
        r"\biggl",
        r"\biggr",
        r"\big",
        r"\Big",
        r"\bigg",
        r"\Bigg",
        r"\,",
        r"\;",
        r"\:",
        r"\!",
        r"\displaystyle",
        r"\textstyle",
        r"\limits",
        r"\nonumber",
        r"\notag",
        r"\middle",
        r"\ ",
    }
)

#: Multiplication signs.
TIMES = frozenset({r"\cdot", r"\times", r"\ast", "*", r"\bullet"})

#: Greek letters read as names.
GREEK = frozenset(GREEK_LETTERS)

#: Accents that become a name suffix: ``\hat{y}`` -> ``y_hat``.
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde"}

#: Word commands that hold a name or a function name.
WORD_COMMANDS = frozenset({"text", "mathrm", "operatorname", "textrm", "mathit", "textit", "mathsf", "rm"})

#: Function spellings -> canonical function names: the function registry's live table (a registered
#: function's LaTeX aliases appear here as soon as it is registered).
FUNCTION_ALIASES: Mapping[str, str] = LATEX_ALIASES

#: One number as written: digits with an optional decimal part.
NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")

#: One token of LaTeX: a command word, an escaped character, a number, a run of space, or a character.
TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|\.\d+|\s+|.", re.S)

#: A placeholder symbol ``v_{k}`` that the scanner leaves for the arithmetic parser.
PLACEHOLDER = re.compile(r"v_\{?(\d+)\}?\Z")


def name_key(base: str, sub: str = "", layer: str = "", accent: str = "") -> str:
    """The canonical key of a written name: ``w^{(1)}_{11}`` -> ``w^(1)_11``."""
    key = base
    if accent:
        key += "_" + accent
    if layer and layer != "+":
        key += f"^({layer})"
    if sub:
        key += "_" + sub
    if layer == "+":
        key += UPDATED
    return key
