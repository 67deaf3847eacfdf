"""How wide printed LaTeX math comes out, estimated without TeX.

The line breaker (:mod:`symbackprop.output.breaking`) and the graph layout
(:mod:`symbackprop.output.graph`) both need to know, before TeX runs, whether a
relation fits the line and how wide a node's label is.  :func:`math_width`
reads the LaTeX that :mod:`symbackprop.output.printing` writes (a subset:
fractions, scripts, ``\\left``/``\\right``, fonts, accents, Greek letters,
operators and relations) and adds up glyph widths from a small table of
Computer Modern's metrics, in em, with TeX's spacing between atoms.

The estimate errs wide: it was calibrated against widths measured by pdflatex
on every relation of the bundled examples (tests/test_pages.py checks, with real
pdflatex, that nothing the breaker lets through is overfull).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LATEX_EM_PT", "math_width", "text_width", "tokens"]

#: One em of the walkthroughs' 11 pt Computer Modern, in TeX points.
LATEX_EM_PT = 10.95

# TeX's styles: display, text, script, scriptscript; their sizes in an 11 pt document are 11, 11, 8, 6 pt.
_D, _T, _S, _SS = 0, 1, 2, 3
_SCALE = (1.0, 1.0, 0.73, 0.55)
#: The style of a fraction's numerator and denominator, and of a script, in each style.
_FRACTION = (_T, _S, _SS, _SS)
_SCRIPT = (_S, _S, _SS, _SS)

# Glyph widths in em (Computer Modern), with a little to spare.
_ITALIC = {**dict.fromkeys("abcdeghknopqsuvxyz", 0.55), **dict.fromkeys("ijlt", 0.38), "f": 0.52,
           "r": 0.47, "m": 0.9, "w": 0.74, **dict.fromkeys("ABCDEGHKNOPQRSUVXYZ", 0.8),
           **dict.fromkeys("FIJLT", 0.7), "M": 0.98, "W": 1.02}  # fmt: skip
_UPRIGHT = {**dict.fromkeys("abcdeghknopqsuvxyz", 0.53), **dict.fromkeys("ijl", 0.29), "f": 0.32,
            "t": 0.4, "r": 0.4, "m": 0.85, "w": 0.74, **dict.fromkeys("ABCDEGHKNOPQRSUVXYZ", 0.76),
            **dict.fromkeys("FIJLT", 0.68), "M": 0.93, "W": 1.04}  # fmt: skip
_DIGIT = 0.5
_OTHER = 0.6
_PUNCT = {".": 0.28, ",": 0.28, ";": 0.28, ":": 0.28, "!": 0.28, "'": 0.28, "|": 0.28, "/": 0.5,
          "(": 0.39, ")": 0.39, "[": 0.28, "]": 0.28, "*": 0.5}  # fmt: skip
_BIN = {"+": 0.78, "-": 0.78, r"\cdot": 0.28, r"\times": 0.78, r"\pm": 0.78, r"\mp": 0.78, "*": 0.5}
_REL = {"=": 0.78, "<": 0.78, ">": 0.78, r"\approx": 0.78, r"\leftarrow": 1.0, r"\to": 1.0,
        r"\rightarrow": 1.0, r"\le": 0.78, r"\ge": 0.78, r"\leq": 0.78, r"\geq": 0.78, r"\ne": 0.78,
        r"\neq": 0.78, r"\mapsto": 1.0, r"\equiv": 0.78, r"\in": 0.67}  # fmt: skip
_SPACE = {r"\,": 0.17, r"\:": 0.22, r"\;": 0.28, r"\!": -0.17, r"\quad": 1.0, r"\qquad": 2.0, "~": 0.33,
          r"\ ": 0.33}  # fmt: skip
_BIG_OPERATORS = {r"\sum": (1.06, 1.45), r"\prod": (0.95, 1.3), r"\int": (0.6, 0.9)}
_FONTS = {r"\mathrm", r"\text", r"\textrm", r"\operatorname", r"\mathbf", r"\textbf", r"\mathsf",
          r"\mathtt", r"\texttt", r"\mathit", r"\textit", r"\mathbb", r"\mathcal", r"\boldsymbol",
          r"\mathbin", r"\mathrel", r"\mathop", r"\mbox"}  # fmt: skip
_ACCENTS = {r"\hat", r"\bar", r"\tilde", r"\vec", r"\dot", r"\ddot", r"\widehat", r"\overline",
            r"\underline", r"\check", r"\breve"}  # fmt: skip
_IGNORED = {r"\displaystyle", r"\textstyle", r"\limits", r"\nolimits", r"\left.", r"\right.", r"\big",
            r"\Big", r"\bigg", r"\Bigg", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr"}  # fmt: skip
_OPERATOR_NAMES = {r"\log", r"\exp", r"\ln", r"\sin", r"\cos", r"\tanh", r"\max", r"\min", r"\det"}

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_&]|\s+|.", re.S)


def tokens(latex: str) -> list[str]:
    """LaTeX split into control sequences, braces, scripts and single characters (spaces kept)."""
    return _TOKEN.findall(latex)


@dataclass
class _Atom:
    """One atom: its width (em, at its style's scale) and TeX class (ord, bin, rel, open, close, punct)."""

    width: float
    kind: str = "ord"


class _Reader:
    """A recursive reader over the tokens, one style level per nested script."""

    def __init__(self, toks: list[str]) -> None:
        self.toks = [t for t in toks if not t.isspace() or t == " "]
        self.i = 0

    def peek(self) -> str | None:
        while self.i < len(self.toks) and self.toks[self.i] == " ":
            self.i += 1
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str | None:
        t = self.peek()
        self.i += t is not None
        return t

    def group(self, style: int, upright: bool = False) -> float:
        """The width of one argument: a braced group or a single token."""
        if self.peek() == "{":
            self.take()
            return self.sequence(style, upright, until="}")
        tok = self.take()
        return 0.0 if tok is None else self.sequence_of([tok], style, upright)

    def sequence_of(self, toks: list[str], style: int, upright: bool) -> float:
        sub = _Reader(toks)
        return sub.sequence(style, upright)

    def raw_group(self) -> str:
        """The text of a braced argument, unread (for ``\\text``-like fonts)."""
        if self.peek() != "{":
            return self.take() or ""
        self.take()
        depth, out = 1, []
        while (t := self.take()) is not None:
            depth += (t == "{") - (t == "}")
            if depth == 0:
                break
            out.append(t)
        return "".join(out)

    def sequence(self, style: int, upright: bool = False, until: str | None = None) -> float:
        atoms: list[_Atom] = []
        while (t := self.peek()) is not None:
            if t == until:
                self.take()
                break
            if t in ("^", "_"):
                self._scripts(atoms, style)
                continue
            atoms.extend(self.atom(style, upright))
        return _spaced(atoms, style)

    def _scripts(self, atoms: list[_Atom], style: int) -> None:
        widths = {"^": 0.0, "_": 0.0}
        while self.peek() in ("^", "_"):
            which = self.take()
            assert which is not None
            inner = _SCRIPT[style]
            widths[which] = max(widths[which], self.group(inner) * _SCALE[inner] / _SCALE[style])
        extra = max(widths.values()) + 0.05
        if atoms:
            atoms[-1].width += extra
        else:
            atoms.append(_Atom(extra))

    def atom(self, style: int, upright: bool) -> list[_Atom]:
        t = self.take()
        assert t is not None
        if t == "{":
            return [_Atom(self.sequence(style, upright, until="}"))]
        if (t.startswith("\\") and len(t) > 2) or t in _SPACE or t in _BIN or t in _REL:
            return self.command(t, style, upright)
        if t == "&" or t == "}":
            return []
        return [_char(t, upright)]

    def command(self, t: str, style: int, upright: bool) -> list[_Atom]:
        """A control sequence (or an operator character): through the table of handlers, else a symbol."""
        for table, kind in ((_SPACE, "space"), (_BIN, "bin"), (_REL, "rel")):
            if t in table:
                return [_Atom(table[t], kind)]
        if t in _IGNORED:
            return []
        handler = _HANDLERS.get(t)
        return [_Atom(_OTHER)] if handler is None else handler(self, t, style, upright)  # a Greek letter

    def fraction(self, t: str, style: int, upright: bool) -> list[_Atom]:
        inner = _T if t == r"\dfrac" else _FRACTION[max(style, _T) if t == r"\tfrac" else style]
        ratio = _SCALE[inner] / _SCALE[style]
        num, den = self.group(inner) * ratio, self.group(inner) * ratio
        return [_Atom(max(num, den) + 0.24)]

    def delimiter(self, t: str, style: int, upright: bool) -> list[_Atom]:
        if self.take() == ".":
            return []
        return [_Atom(0.46, "open" if t == r"\left" else "close")]

    def font(self, t: str, style: int, upright: bool) -> list[_Atom]:
        width = self.sequence_of(tokens(self.raw_group()), style, upright=True)
        return [_Atom(width, "op" if t == r"\operatorname" else "ord")]

    def accent(self, t: str, style: int, upright: bool) -> list[_Atom]:
        return [_Atom(self.group(style, upright))]

    def big_operator(self, t: str, style: int, upright: bool) -> list[_Atom]:
        return [_Atom(_BIG_OPERATORS[t][style == _D], "op")]

    def operator_name(self, t: str, style: int, upright: bool) -> list[_Atom]:
        return [_Atom(self.sequence_of(list(t[1:]), style, True), "op")]

    def root(self, t: str, style: int, upright: bool) -> list[_Atom]:
        return [_Atom(self.group(style, upright) + 0.85)]


_HANDLERS: dict[str, Callable[[_Reader, str, int, bool], list[_Atom]]] = {
    **dict.fromkeys((r"\frac", r"\dfrac", r"\tfrac"), _Reader.fraction),
    **dict.fromkeys((r"\left", r"\right"), _Reader.delimiter),
    **dict.fromkeys(_FONTS, _Reader.font),
    **dict.fromkeys(_ACCENTS, _Reader.accent),
    **dict.fromkeys(_BIG_OPERATORS, _Reader.big_operator),
    **dict.fromkeys(_OPERATOR_NAMES, _Reader.operator_name),
    r"\sqrt": _Reader.root,
}


def _char(t: str, upright: bool) -> _Atom:
    if t.isdigit():
        return _Atom(_DIGIT)
    if t in _PUNCT:
        kind = "open" if t in "([" else "close" if t in ")]" else "punct" if t in ",;" else "ord"
        return _Atom(_PUNCT[t], kind)
    if t == " ":
        return _Atom(0.33 if upright else 0.0, "space")
    table = _UPRIGHT if upright else _ITALIC
    return _Atom(table.get(t, _OTHER))


#: TeX's spacing between atoms (The TeXbook, ch. 18), in em: ``(left, right) -> (space, in scripts too)``.
_THIN, _MED, _THICK = 0.167, 0.222, 0.278
_SPACING = {
    ("ord", "op"): (_THIN, True), ("op", "ord"): (_THIN, True), ("op", "op"): (_THIN, True),
    ("close", "op"): (_THIN, True), ("ord", "bin"): (_MED, False), ("bin", "ord"): (_MED, False),
    ("bin", "op"): (_MED, False), ("bin", "open"): (_MED, False), ("close", "bin"): (_MED, False),
    **{(k, "rel"): (_THICK, False) for k in ("ord", "op", "close")},
    **{("rel", k): (_THICK, False) for k in ("ord", "op", "open")},
    **{("punct", k): (_THIN, False) for k in ("ord", "op", "rel", "open", "close", "punct")},
}  # fmt: skip
#: After these (or at the start), a binary operator is a sign: an ordinary atom.
_UNARY_AFTER = (None, "bin", "op", "rel", "open", "punct")


def _spaced(atoms: list[_Atom], style: int) -> float:
    """The atoms' widths plus TeX's spacing between them (most of it only in display and text style)."""
    total = 0.0
    prev: str | None = None
    for a in atoms:
        total += a.width
        if a.kind == "space":
            continue
        kind = "ord" if a.kind == "bin" and prev in _UNARY_AFTER else a.kind
        space, in_scripts = _SPACING.get((prev or "", kind), (0.0, True))
        if style <= _T or in_scripts:
            total += space
        prev = kind
    if prev == "bin":  # a trailing operator is ordinary too
        total -= _MED if style <= _T else 0.0
    return total


def math_width(latex: str, *, display: bool = True) -> float:
    """The width of math ``latex`` in em, in display style (text style, as inline, with ``display=False``)."""
    return _MARGIN * _Reader(tokens(latex)).sequence(_D if display else _T)


#: TeX's italic corrections and script kerns, which the glyph table leaves out (measured against
#: pdflatex on the examples' relations: the table alone ran up to 4% short on scripted names).
_MARGIN = 1.03


def text_width(text: str) -> float:
    """The width of plain text (a label in roman type), in em."""
    return sum(_UPRIGHT.get(c, _DIGIT if c.isdigit() else _PUNCT.get(c, 0.55)) for c in text)
