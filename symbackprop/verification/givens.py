"""Values a document states outside its equations: prose, lists, tables, code blocks.

A derivation's point is often given in words: "the learning rate is 0.5",
"given inputs 0.05 and 0.10, we want the network to output 0.01 and 0.99",
a Markdown table of weights, a list ``- w₁ = 0.001``, or a code block of
``x₁ = 3000`` lines.  This module reads them from the document's text, as
plain data for :mod:`.infer`:

* :func:`named_values`: ``name = number`` (or ``name: number``) outside math,
  and two-column table rows ``| w₁ | 0.001 |``;
* :func:`role_values`: numbers that prose gives to a role (learning rate,
  inputs, targets), to be matched with the network's leaves by their order.

Comments (``<!-- … -->``, ``%`` in LaTeX) are never read: they are not what
the reader sees.  Nothing here parses math.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Given", "named_values", "normal_name", "role_values"]

#: A number as written in prose (a Unicode minus too).
_NUM = r"(?<![\w.])[-−]?(?:\d+(?:\.\d+)?|\.\d+)"

#: A name as written in prose or code: ``w1``, ``w_1``, ``w₁``, ``w_{11}``, ``η``, ``y_true``.
_NAME = r"(?:\\?[A-Za-z\u0370-\u03ff][A-Za-z0-9\u2080-\u2089]*(?:_\{?[A-Za-z0-9,]+\}?)*(?:\^\{?[A-Za-z0-9()+]+\}?)?)"

_ASSIGN = re.compile(rf"(?<![\w\\.])({_NAME})\s*(?:\([^()\n]{{0,30}}\)\s*)?(?:=|:)\s*({_NUM})(?!\w)(?!\.\d)")
_TABLE_ROW = re.compile(rf"^\s*\|\s*\**\$?({_NAME})\$?\**\s*\|\s*\$?({_NUM})\$?\s*\|")
_COMMENTS = re.compile(r"<!--.*?-->", re.S)
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|\\\[.*?\\\]|\\\(.*?\\\)|\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_GREEK = {"η": "eta", "α": "alpha", "θ": "theta", "σ": "sigma", "δ": "delta", "β": "beta", "γ": "gamma"}

#: Words that give numbers to a role, in the order they are listed.
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("learning rate", re.compile(r"learning[ -]rate|\beta\b|step size", re.I)),
    ("inputs", re.compile(r"\binputs?\b(?! (?:layer|neuron|node|unit))", re.I)),
    ("targets", re.compile(r"\b(?:targets?|desired outputs?|target outputs?|labels?|to output)\b", re.I)),
)
_LIST = re.compile(rf"{_NUM}(?:\s*(?:,|and|,\s*and)\s*{_NUM}(?!\w)(?!\.\d))*")


@dataclass(frozen=True)
class Given:
    """A value stated outside math.

    Attributes:
        name: The name as written (normalised by :func:`normal_name`), or the role.
        value: Its exact value.
        line: The 1-based line.
    """

    name: str
    value: Fraction
    line: int


def normal_name(written: str) -> str:
    """A prose name as a name key: ``w₁`` -> ``w_1``, ``η`` -> ``eta``, ``\\eta`` -> ``eta``."""
    name = written.strip().lstrip("\\")
    for g, word in _GREEK.items():
        name = name.replace(g, word)
    m = re.fullmatch(r"([A-Za-z]+)([\u2080-\u2089]+)", name)
    if m:
        return f"{m.group(1)}_{m.group(2).translate(_SUBSCRIPTS)}"
    return name.translate(_SUBSCRIPTS)


def _number(text: str) -> Fraction:
    return Fraction(text.replace("−", "-"))


def _visible(text: str) -> str:
    """The text without comments and without math (blanked, so that lines keep their numbers)."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    def math(m: re.Match[str]) -> str:
        inner = m.group(0).strip("$").strip()
        if inner.startswith("\\(") or inner.startswith("\\["):
            inner = inner[2:-2].strip()
        if re.fullmatch(_NAME, inner):  # a name in inline math reads as the name: $\eta$ = 0.5
            return inner.ljust(len(m.group(0)))
        return blank(m)

    text = _COMMENTS.sub(blank, text)
    if "\\documentclass" in text or "\\begin{document}" in text:
        text = _TEX_COMMENT.sub(blank, text)
    return _MATH.sub(math, text)


def named_values(text: str) -> list[Given]:
    """``name = number`` outside math (prose, lists, code blocks) and ``| name | number |`` rows."""
    out: list[Given] = []
    for n, line in enumerate(_visible(text).split("\n"), start=1):
        row = _TABLE_ROW.match(line)
        if row:
            out.append(Given(normal_name(row.group(1)), _number(row.group(2)), n))
            continue
        for m in _ASSIGN.finditer(line.replace("`", " ")):
            out.append(Given(normal_name(m.group(1)), _number(m.group(2)), n))
    return out


def role_values(text: str) -> list[tuple[str, list[Fraction], int]]:
    """Numbers that prose gives to a role, as lists: ``inputs 0.05 and 0.10`` -> ``("inputs", [...], line)``."""
    out: list[tuple[str, list[Fraction], int]] = []
    for n, line in enumerate(_visible(text).split("\n"), start=1):
        plain = line.replace("`", " ").replace("*", " ")
        for role, pattern in _ROLES:
            for m in pattern.finditer(plain):
                rest = plain[m.end() : m.end() + 80]
                first = re.search(_NUM, rest)
                if first is None or not _near(rest[: first.start()]):
                    continue
                listed = _LIST.match(rest, first.start())
                if listed is not None:
                    out.append((role, [_number(x) for x in re.findall(_NUM, listed.group(0))], n))
    return out


def _near(before: str) -> bool:
    """The number follows the role word closely: a few words, no sentence break, no other name."""
    return len(before.split()) <= 6 and not re.search(r"[.;!?=]|\\", before)
