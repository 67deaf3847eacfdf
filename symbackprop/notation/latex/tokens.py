"""Token lists of LaTeX: splitting text into tokens and reading groups, arguments and decorations.

These are pure functions of a token list and an index; each returns what it
read and the index after it.  They know the shape of LaTeX (``{...}`` groups,
``(a, b)`` argument lists, ``_`` and ``^`` decorations, primes) but nothing
about the network.
"""

from __future__ import annotations

import re

from ...errors import InputError
from .glyphs import spell_latex
from .vocabulary import ACCENTS, DROP, GREEK, TOKEN, UPDATE_MARKS, UPDATE_WORDS

__all__ = [
    "MAX_PRIMES",
    "decorations",
    "group",
    "letter_run",
    "paren",
    "primes",
    "skip_space",
    "subscript",
    "term_end",
    "tokenize",
]

#: An accented letter inside a subscript: ``\\hat{y}``, ``\\hat y``.
_ACCENTED = re.compile(r"\\(" + "|".join(ACCENTS) + r")\s*\{?\s*([A-Za-z])\s*\}?")

#: A layered name as a subscript, braces removed: ``a^(2)_1`` or ``a_1^(2)``.
_LAYERED = re.compile(r"([A-Za-z]+)(?:\^\((\w+)\)_(\w+)|_(\w+)\^\((\w+)\))")

#: The most primes read on one function (``\\sigma''(z)``); more is refused before any work.
MAX_PRIMES = 40

#: Tokens that open and close a bracket inside an argument list.
_OPENERS = ("(", "[", "{", r"\{")
_CLOSERS = (")", "]", "}", r"\}")


def tokenize(text: str) -> list[str]:
    """``text`` as LaTeX tokens: command words, escaped characters, numbers, spaces, characters.

    Unicode math and ASCII shorthands are spelled as LaTeX first (see
    :func:`~symbackprop.notation.latex.glyphs.spell_latex`).
    """
    return TOKEN.findall(spell_latex(text))


#: The spacing commands that :func:`skip_space` passes over (``\left`` and ``\right`` mark brackets).
_SPACING = DROP - {r"\left", r"\right"}


def skip_space(toks: list[str], i: int) -> int:
    """The index of the first token at or after ``i`` that is neither space nor a spacing command."""
    n = len(toks)
    while i < n:
        t = toks[i]
        if not (t in _SPACING or t.isspace()):
            return i
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
    if text.isascii() and text.isalnum():  # z_{12}, w_{ij}: nothing to spell out
        return text
    text = _ACCENTED.sub(lambda m: f"{m.group(2)}_{ACCENTS[m.group(1)]}", text)  # \hat{y} -> y_hat
    text = re.sub(r"\\(?:text|mathrm|rm|mathit|operatorname)\s*", "", text)
    text = re.sub(r"\\([A-Za-z]+)\s*", lambda m: m.group(1) if m.group(1) in GREEK else m.group(0), text)
    text = re.sub(r"[{}\s,]", "", text)
    layered = _LAYERED.fullmatch(text)
    if layered:  # \delta_{a^{(2)}_{1}}: the subscript is a layered name, a^(2)_1
        base, layer, sub = (
            layered.group(1),
            layered.group(2) or layered.group(5),
            layered.group(3) or layered.group(4),
        )
        return f"{base}^({layer})_{sub}"
    if not re.fullmatch(r"[A-Za-z0-9_]+", text or "?"):
        msg = f"cannot read the subscript {''.join(toks)!r}"
        raise InputError(msg)
    return text


def decorations(toks: list[str], i: int) -> tuple[str, str, int]:
    """Subscript and layer superscript ``^{(1)}`` (or update mark ``^{+}``) after a name, in any order.

    The layer is ``+`` for an updated value (``w^{+}``, ``w^{\\text{new}}``,
    ``w_{new}``, ``w(new)``) and ``2+`` for layer 2 updated (``w^{2+}_{11}``).
    """
    j = skip_space(toks, i)
    if j >= len(toks) or toks[j] not in ("_", "^", "("):
        return "", "", i  # no decoration (the common case): nothing more to look for
    sub = layer = ""
    for _ in range(3):
        j = skip_space(toks, i)
        if j < len(toks) and toks[j] == "_" and not sub:
            g, i = group(toks, j + 1)
            sub = subscript(g)
            if sub in UPDATE_WORDS:
                layer, sub = _join_layers(layer, UPDATE_WORDS[sub]), ""
        elif j < len(toks) and toks[j] == "^" and not layer.endswith("+"):
            g, k = group(toks, j + 1)
            found = _layer(g)
            if found is None or (layer and found != "+"):
                break
            layer, i = _join_layers(layer, found), k
        else:
            break
    word, k = _paren_label(toks, i)
    if word is not None:
        layer, i = _join_layers(layer, word), k
    return sub, layer, i


def _join_layers(layer: str, mark: str) -> str:
    """A layer with an update mark added (``"2"`` + ``"+"`` -> ``"2+"``)."""
    return layer + mark if not layer.endswith("+") else layer


def _paren_label(toks: list[str], i: int) -> tuple[str | None, int]:
    """``(new)`` or ``(\\text{old})`` right after a name -> its update mark (``+`` or ``""``), next index."""
    j = skip_space(toks, i)
    if j >= len(toks) or toks[j] != "(":
        return None, i
    close = next((k for k in range(j + 1, min(j + 10, len(toks))) if toks[k] == ")"), None)
    if close is None:
        return None, i
    word = re.sub(r"\\(?:text|mathrm|textrm|mathit)|[{}\s]", "", "".join(toks[j + 1 : close]))
    return (UPDATE_WORDS[word], close + 1) if word in UPDATE_WORDS else (None, i)


def _layer(toks: list[str]) -> str | None:
    """A superscript's layer (``(1)`` -> ``1``), ``+`` for an update mark, ``2+`` for both, or ``None``."""
    text = "".join(toks).replace(" ", "")
    if text in UPDATE_MARKS:
        return "+"
    word = re.sub(r"\\(?:text|mathrm|textrm|mathit)|[{}()]", "", text)
    if word in UPDATE_WORDS:
        return UPDATE_WORDS[word]
    m = re.fullmatch(r"[(\[]([A-Za-z0-9]+)[)\]]|(\d+)\+|[(\[](\d+)[)\]]\+", text)
    if not m:
        return None
    if m.group(1):
        return m.group(1)
    return (m.group(2) or m.group(3)) + "+"


def primes(toks: list[str], i: int) -> tuple[int, int]:
    """Count primes ``'`` / ``^{\\prime}`` at ``i`` -> (count, next index).

    Raises:
        InputError: More than :data:`MAX_PRIMES` (counting stops there, so the work is bounded).
    """
    n = 0
    while n <= MAX_PRIMES:
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
    msg = f"more than {MAX_PRIMES} primes are not read"
    raise InputError(msg)


def letter_run(toks: list[str], i: int) -> int:
    """The index after the run of single ASCII letters that starts at ``i``."""
    j = i
    while j < len(toks) and toks[j].isalpha() and toks[j].isascii() and len(toks[j]) == 1:
        j += 1
    return j


#: Tokens that open and close a level for :func:`term_end`.
_LEVEL_OPEN = ("(", "[", "{", r"\{")
_LEVEL_CLOSE = (")", "]", "}", r"\}", r"\right")


def term_end(toks: list[str], i: int) -> int:
    """The index where the term that starts at ``i`` ends.

    A term ends at a ``+`` or ``-`` outside brackets (a sign at its very start
    belongs to it), at a bracket that closes a level opened before ``i``, or at
    the end.  It is how far ``\\sum_j`` and ``\\frac{d}{dx}`` reach: over a
    product, not over a sum.
    """
    depth = 0
    bars = 0
    start = skip_space(toks, i)
    for k in range(start, len(toks)):
        t = toks[k]
        if t in _LEVEL_OPEN:
            depth += 1
        elif t in _LEVEL_CLOSE:
            if depth == 0:
                return k
            depth -= 1 if t != r"\right" else 0
        elif depth == 0 and t in ("+", "-") and k > start:
            return k
        elif depth == 0 and t == "|":
            if bars % 2 == 0 and k > start:
                return k
            bars += 1
    return len(toks)
