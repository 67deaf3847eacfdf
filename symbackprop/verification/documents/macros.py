"""A document's own macros: ``\\newcommand``, ``\\renewcommand``, ``\\def``, expanded in its math.

``\\newcommand{\\dLdw}{\\frac{\\partial L}{\\partial w}}`` in a preamble (or, in
Markdown, in a math block, as MathJax allows) makes ``\\dLdw`` read as its body.
Definitions with arguments (``[2]``), an optional first argument with a default
(``[2][x]``), ``\\def\\f#1{...}`` and ``\\DeclareMathOperator`` are understood.  TeX
is never run: this is plain text substitution, and it is bounded, so that a
recursive definition (``\\def\\a{\\a\\a}``) stops with a reason instead of looping:

* at most :data:`MAX_DEPTH` rounds of expansion (a macro inside a macro's body
  is one more round),
* the text may grow to at most :data:`MAX_GROWTH` times its size (plus
  :data:`MAX_EXTRA` characters),
* a definition's body is at most :data:`MAX_BODY` characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_BODY", "MAX_DEPTH", "MAX_EXTRA", "MAX_GROWTH", "Macro", "Macros", "collect"]

#: Rounds of expansion (nesting of macros in macros).
MAX_DEPTH = 32
#: How many times its size a piece of math may grow by expansion.
MAX_GROWTH = 8
#: Characters a piece may grow by, whatever its size.
MAX_EXTRA = 20_000
#: Longest body of a definition.
MAX_BODY = 4_000

_DEFINE = re.compile(
    r"\\(?:(newcommand|renewcommand|providecommand)\*?|(def)|(DeclareMathOperator)\*?)(?![A-Za-z])"
)
_COMMAND = re.compile(r"\\[A-Za-z]+")
_NAME = re.compile(r"\s*(?:\{\s*(\\[A-Za-z]+)\s*\}|(\\[A-Za-z]+))")
_COUNT = re.compile(r"\s*\[\s*(\d)\s*\]")
_OPTIONAL = re.compile(r"\s*\[([^\]\n]{0,200})\]")
_PARAMS = re.compile(r"((?:#\d)*)\s*")
_SPACE = re.compile(r"\s*")
_PARAMETER = re.compile(r"#(#|\d)")
_ENDS_IN_WORD = re.compile(r"\\[A-Za-z]+\Z")
_DEFINERS = frozenset(
    {r"\newcommand", r"\renewcommand", r"\providecommand", r"\def", r"\DeclareMathOperator"}
)


def _skip_space(text: str, pos: int) -> int:
    m = _SPACE.match(text, pos)
    return m.end() if m else pos


@dataclass(frozen=True)
class Macro:
    """One definition: how many arguments, the default of an optional first one, the body."""

    arguments: int
    default: str | None
    body: str


def _group(text: str, i: int, limit: int) -> int | None:
    """The end of the balanced ``{...}`` at ``i`` (looking at most ``limit`` characters), or ``None``."""
    depth = 0
    stop = min(len(text), i + limit)
    j = i
    while j < stop:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


def _definition(text: str, m: re.Match[str]) -> tuple[str, Macro, int] | None:
    """The macro defined at ``m``, and where the definition ends."""
    name = _NAME.match(text, m.end())
    if name is None:
        return None
    key = name.group(1) or name.group(2)
    pos = name.end()
    count, default = 0, None
    if m.group(2):  # \def\f#1#2{...}
        params = _PARAMS.match(text, pos)
        assert params is not None
        count, pos = len(params.group(1)) // 2, params.end()
    elif m.group(1):
        n = _COUNT.match(text, pos)
        if n:
            count, pos = int(n.group(1)), n.end()
            opt = _OPTIONAL.match(text, pos)
            if opt:
                default, pos = opt.group(1), opt.end()
    pos = _skip_space(text, pos)
    if not text.startswith("{", pos):
        return None
    end = _group(text, pos, MAX_BODY)
    if end is None:
        return None
    body = text[pos + 1 : end - 1]
    if m.group(3):
        body = r"\operatorname{" + body + "}"
    return key, Macro(count, default, body), end


class Macros:
    """The macros a document defines; :meth:`expand` replaces them in a piece of math."""

    def __init__(self, table: dict[str, Macro] | None = None) -> None:
        self.table = dict(table or {})

    def __bool__(self) -> bool:
        return bool(self.table)

    def expand(self, text: str) -> tuple[str, str | None]:
        """``text`` with the macros replaced, and definitions removed; ``(text, why not)`` on failure."""
        if "\\" not in text:
            return text, None
        limit = len(text) * MAX_GROWTH + MAX_EXTRA
        out = text
        for _ in range(MAX_DEPTH):
            new, used = self._round(out)
            if used is None:
                return new, None
            if len(new) > limit:
                return text, f"the macro {used} expands too far (is it defined in terms of itself?)"
            out = new
        return text, "macros nested too deeply (is one defined in terms of itself?)"

    def _round(self, text: str) -> tuple[str, str | None]:
        """One round: every macro (and definition) in ``text`` replaced once; the last macro used."""
        out: list[str] = []
        pos = 0
        used: str | None = None
        for m in _COMMAND.finditer(text):
            if m.start() < pos:
                continue
            name = m.group(0)
            define = _DEFINE.match(text, m.start()) if name in _DEFINERS else None
            if define is not None:
                found = _definition(text, define)
                if found is not None:
                    out.append(text[pos : m.start()])
                    pos = found[2]
                continue
            macro = self.table.get(name)
            if macro is None:
                continue
            args, end = self._arguments(text, m.end(), macro)
            if args is None:
                continue
            out.append(text[pos : m.start()])
            body = _substitute(macro.body, args)
            out.append(body + " " if _ENDS_IN_WORD.search(body) and text[end : end + 1].isalpha() else body)
            pos, used = end, name
        if not out:
            return text, None
        out.append(text[pos:])
        return "".join(out), used

    @staticmethod
    def _arguments(text: str, pos: int, macro: Macro) -> tuple[list[str] | None, int]:
        """The arguments of a use of ``macro`` at ``pos``: braced groups or single tokens."""
        args: list[str] = []
        count = macro.arguments
        if macro.default is not None:
            opt = _OPTIONAL.match(text, pos)
            args.append(opt.group(1) if opt else macro.default)
            pos = opt.end() if opt else pos
            count -= 1
        for _ in range(count):
            pos = _skip_space(text, pos)
            if pos >= len(text):
                return None, pos
            if text[pos] == "{":
                end = _group(text, pos, len(text))
                if end is None:
                    return None, pos
                args.append(text[pos + 1 : end - 1])
                pos = end
            else:
                tok = _COMMAND.match(text, pos)
                end = tok.end() if tok else pos + 1
                args.append(text[pos:end])
                pos = end
        return args, pos


def _substitute(body: str, args: list[str]) -> str:
    """``body`` with ``#1`` ... replaced by the arguments (``##`` is a ``#``).

    A space keeps a command word and a following letter apart (``\\alpha#1`` with ``x``).
    """
    if not args:
        return body

    def arg(m: re.Match[str]) -> str:
        if m.group(1) == "#":
            return "#"
        k = int(m.group(1)) - 1
        value = args[k] if 0 <= k < len(args) else ""
        if value[:1].isalpha() and _ENDS_IN_WORD.search(body, 0, m.start()):
            return " " + value
        return value

    return _PARAMETER.sub(arg, body)


def collect(text: str) -> Macros:
    """Every macro ``text`` defines (a later definition wins)."""
    table: dict[str, Macro] = {}
    pos = 0
    for m in _DEFINE.finditer(text):
        if m.start() < pos:
            continue
        found = _definition(text, m)
        if found is not None:
            key, macro, pos = found
            table[key] = macro
    return Macros(table)
