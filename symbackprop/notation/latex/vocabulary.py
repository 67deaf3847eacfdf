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
    "BARS",
    "DROP",
    "DROP_WITH_ARGUMENT",
    "FUNCTION_ALIASES",
    "GREEK",
    "MATRIX_COMMANDS",
    "MATRIX_ENVIRONMENTS",
    "NORMS",
    "NUMBER",
    "PLACEHOLDER",
    "PROSE_WORDS",
    "REFUSED",
    "RELATIONS",
    "SEPARATORS",
    "TIMES",
    "TOKEN",
    "TRANSPARENT",
    "TRANSPOSE_MARKS",
    "UPDATED",
    "UPDATE_MARKS",
    "UPDATE_WORDS",
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
    "≈": "≈",
    "≃": "≈",
    "≔": "=",
    "←": "=",
    "≠": "≠",
    "≤": "≤",
    "≥": "≥",
}

#: Commands that separate two statements (``A = 1 \Rightarrow B = 2``).
SEPARATORS = frozenset(
    {
        r"\Rightarrow",
        r"\implies",
        r"\Longrightarrow",
        r"\rightarrow",
        r"\longrightarrow",
        r"\to",
        r"\iff",
        r"\Leftrightarrow",
        r"\therefore",
        r"\quad",
        r"\qquad",
        "⇒",
        "⟹",
        "→",
        "∴",
        "=>",
    }
)

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
        r"\Biggl",
        r"\Biggr",
        r"\scriptstyle",
        r"\quad",
        r"\qquad",
        r"\enspace",
        r"\thinspace",
        r"\medspace",
        r"\thickspace",
        r"\negthinspace",
        r"\>",
        r"\mathstrut",
        r"\strut",
    }
)

#: Commands dropped together with their braced argument: layout and labels (``\tag{3}``).
DROP_WITH_ARGUMENT = frozenset({"tag", "label", "hspace", "vspace", "phantom", "hphantom", "vphantom"})

#: Commands whose argument is read as a parenthesised expression: ``\boxed{0.5}`` is ``(0.5)``.
TRANSPARENT = frozenset({"boxed", "fbox", "underbrace", "overbrace", "color"})

#: Commands that only matrix and vector notation uses; each makes a side "not checked: matrix notation".
MATRIX_COMMANDS = frozenset({"odot", "circ", "otimes", "oslash", "top", "intercal", "vec", "overrightarrow"})

#: Environments that hold matrices or vectors (``\begin{bmatrix}``).
MATRIX_ENVIRONMENTS = frozenset(
    {"matrix", "bmatrix", "pmatrix", "vmatrix", "Vmatrix", "Bmatrix", "smallmatrix", "array"}
)

#: Superscripts that mean a transpose (``W^T``, ``W^{\top}``) unless ``T`` is a name of the document.
TRANSPOSE_MARKS = frozenset(
    {"T", r"\top", r"\intercal", r"\mathsf{T}", r"\mathrm{T}", r"\mathbf{T}", r"\text{T}"}
)

#: Commands for the bars of an absolute value (``\lvert a \rvert``): read as ``|``.
BARS = frozenset({r"\lvert", r"\rvert", r"\vert"})

#: The bars of a norm (``\|a\|``): vector notation or, on a scalar, an absolute value whose sign a
#: derivation often ignores (``\frac{1}{2}\|t - o\|^2`` differentiated to ``\|t - o\|``); not read.
NORMS = frozenset({r"\|", r"\lVert", r"\rVert", r"\Vert"})

#: Words in parentheses or a subscript after a name that mark its updated value (``w(new)``,
#: ``w_{\text{new}}``) or its value before the update (``w(old)``).
UPDATE_WORDS = {"new": "+", "updated": "+", "next": "+", "old": "", "current": ""}

#: Multiplication signs.
TIMES = frozenset({r"\cdot", r"\times", r"\ast", "*", r"\bullet"})

#: Greek letters read as names.
GREEK = frozenset(GREEK_LETTERS)

#: Accents that become a name suffix: ``\hat{y}`` -> ``y_hat``.
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde"}

#: Word commands that hold a name or a function name.
WORD_COMMANDS = frozenset({"text", "mathrm", "operatorname", "textrm", "mathit", "textit", "mathsf", "rm"})

#: Words that ``\\text{}`` holds as prose, never as a name.
PROSE_WORDS = frozenset(
    {
        "and",
        "or",
        "where",
        "for",
        "if",
        "with",
        "since",
        "so",
        "then",
        "thus",
        "hence",
        "when",
        "is",
        "at",
        "by",
    }
)

#: Function spellings -> canonical function names: the function registry's live table (a registered
#: function's LaTeX aliases appear here as soon as it is registered).
FUNCTION_ALIASES: Mapping[str, str] = LATEX_ALIASES

#: One number as written: digits with an optional decimal part.
NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")

#: One token of LaTeX: a command word, an escaped character, a number, a run of space, or a character
#: (the commonest characters first: none of them starts another kind of token).
TOKEN = re.compile(r"[A-Za-z{}_^()+\-=,/'|]|\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|\.\d+|\s+|.", re.S)

#: A placeholder symbol ``v_{k}`` that the scanner leaves for the arithmetic parser.
PLACEHOLDER = re.compile(r"v_\{?(\d+)\}?\Z")


def name_key(base: str, sub: str = "", layer: str = "", accent: str = "") -> str:
    """The canonical key of a written name: ``w^{(1)}_{11}`` -> ``w^(1)_11``.

    A ``layer`` that ends with ``+`` marks the updated value: ``w^{(2)+}_{11}``
    (layer ``2+``) -> ``w^(2)_11^+``; ``w^{+}_5`` (layer ``+``) -> ``w_5^+``.
    """
    updated = layer.endswith("+")
    layer = layer[:-1] if updated else layer
    key = base
    if accent:
        key += "_" + accent
    if layer:
        key += f"^({layer})"
    if sub:
        key += "_" + sub
    if updated:
        key += UPDATED
    return key
