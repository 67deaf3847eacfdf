"""Token lists of LaTeX: splitting text into tokens and reading groups, arguments and decorations.

These are pure functions of a token list and an index; each returns what it
read and the index after it.  They know the shape of LaTeX (``{...}`` groups,
``(a, b)`` argument lists, ``_`` and ``^`` decorations, primes) but nothing
about the network.
"""

from __future__ import annotations

import re

from ...errors import InputError
from .vocabulary import DROP, TOKEN, UPDATE_MARKS

__all__ = ["decorations", "group", "letter_run", "paren", "primes", "skip_space", "subscript", "tokenize"]

#: Tokens that open and close a bracket inside an argument list.
_OPENERS = ("(", "[", "{", r"\{")
_CLOSERS = (")", "]", "}", r"\}")


def tokenize(text: str) -> list[str]:
    """``text`` as LaTeX tokens: command words, escaped characters, numbers, spaces, characters."""
    return TOKEN.findall(text)


def skip_space(toks: list[str], i: int) -> int:
    """The index of the first token at or after ``i`` that is neither space nor a spacing command."""
    while i < len(toks) and (toks[i].isspace() or (toks[i] in DROP and toks[i] not in (r"\left", r"\right"))):
        i += 1
    return i


def group(toks: list[str], i: int) -> tuple[list[str], int]:
    """A braced group ``{...}`` at ``i`` (or one token) -> its tokens, next index."""
    i = skip_space(toks, i)
    if i >= len(toks):
        raise InputError("an argument is missing at the end")
    if toks[i] != "{":
        return [toks[i]], i + 1
    depth = 0
    for j in range(i, len(toks)):
        if toks[j] == "{":
            depth += 1
        elif toks[j] == "}":
            depth -= 1
            if depth == 0:
                return toks[i + 1 : j], j + 1
    raise InputError("unbalanced braces: a '{' is not closed")


def paren(toks: list[str], i: int) -> tuple[list[list[str]], int] | None:
    """Arguments of ``( ... )`` at ``i`` (after \\left), split on top-level commas; ``None`` if none."""
    i = skip_space(toks, i)
    if i < len(toks) and toks[i] == r"\left":
        i += 1
    if i >= len(toks) or toks[i] not in ("(", "["):
        return None
    return _arguments(toks, i)


def _arguments(toks: list[str], i: int) -> tuple[list[list[str]], int]:
    """The comma-separated arguments of the bracket that opens at ``i``, and the index after it."""
    depth = 0
    args: list[list[str]] = [[]]
    for j in range(i, len(toks)):
        t = toks[j]
        if t in _OPENERS:
            depth += 1
            if depth == 1:
                continue
        elif t in _CLOSERS:
            depth -= 1
            if depth == 0:
                if args[-1] and args[-1][-1] == r"\right":
                    args[-1].pop()
                return args, j + 1
        if depth == 1 and t == ",":
            args.append([])
        elif not (depth == 1 and t == r"\right" and j + 1 < len(toks) and toks[j + 1] in (")", "]")):
            args[-1].append(t)
    raise InputError("unbalanced parentheses: a '(' is not closed")


def subscript(toks: list[str]) -> str:
    """The text of a subscript, as it goes into a name key: ``{\\text{total}}`` -> ``total``."""
    text = "".join(toks)
    text = re.sub(r"\\(?:text|mathrm|rm|mathit|operatorname)\s*", "", text)
    text = re.sub(r"[{}\s,]", "", text)
    if not re.fullmatch(r"[A-Za-z0-9_]+", text or "?"):
        msg = f"cannot read the subscript {''.join(toks)!r}"
        raise InputError(msg)
    return text


def decorations(toks: list[str], i: int) -> tuple[str, str, int]:
    """Subscript and layer superscript ``^{(1)}`` (or update mark ``^{+}``) after a name, in any order."""
    sub = layer = ""
    for _ in range(2):
        j = skip_space(toks, i)
        if j < len(toks) and toks[j] == "_" and not sub:
            g, i = group(toks, j + 1)
            sub = subscript(g)
        elif j < len(toks) and toks[j] == "^" and not layer:
            g, k = group(toks, j + 1)
            found = _layer(g)
            if found is None:
                break
            layer, i = found, k
        else:
            break
    return sub, layer, i


def _layer(toks: list[str]) -> str | None:
    """A superscript's layer (``(1)`` -> ``1``), ``+`` for an update mark, or ``None`` (a power)."""
    text = "".join(toks).replace(" ", "")
    if text in UPDATE_MARKS:
        return "+"
    m = re.fullmatch(r"[(\[]([A-Za-z0-9]+)[)\]]", text)
    return m.group(1) if m else None


def primes(toks: list[str], i: int) -> tuple[int, int]:
    """Count primes ``'`` / ``^{\\prime}`` at ``i`` -> (count, next index)."""
    n = 0
    while True:
        j = skip_space(toks, i)
        if j < len(toks) and toks[j] == "'":
            n, i = n + 1, j + 1
            continue
        if j < len(toks) and toks[j] == "^":
            g, k = group(toks, j + 1)
            if g and all(t == r"\prime" for t in g if not t.isspace()):
                n, i = n + len([t for t in g if t == r"\prime"]), k
                continue
        return n, i


def letter_run(toks: list[str], i: int) -> int:
    """The index after the run of single ASCII letters that starts at ``i``."""
    j = i
    while j < len(toks) and toks[j].isalpha() and toks[j].isascii() and len(toks[j]) == 1:
        j += 1
    return j
