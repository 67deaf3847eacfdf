"""Math as people type it, spelled as LaTeX before it is tokenized.

Text copied from web pages, Markdown written without a math renderer and
plain-text notes use Unicode (``x₁w₁``, ``∂L/∂w₁``, ``σ(z)``, ``0.3×−0.0376``,
``ŷ``, ``w²``) and ASCII shorthands (``>=``, ``d\\_output``).  :func:`spell_latex`
rewrites each into the LaTeX the reader knows, character by character, so that
the rest of the reader sees one notation.  It is idempotent: LaTeX it produced
is left as it is.
"""

from __future__ import annotations

import re
import unicodedata

from ...core.names import GREEK_LETTERS

__all__ = ["spell_latex"]

#: Single characters -> their LaTeX (commands end with a space so that ``σz`` stays ``\sigma z``).
_CHARACTERS: dict[str, str] = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash, typed for a minus
    "\u00b7": r" \cdot ",
    "\u22c5": r" \cdot ",
    "\u2219": r" \cdot ",
    "\u00d7": r" \times ",
    "\u00f7": " / ",
    "\u2248": r" \approx ",
    "\u2243": r" \simeq ",
    "\u2260": r" \neq ",
    "\u2264": r" \leq ",
    "\u2265": r" \geq ",
    "\u2190": r" \leftarrow ",
    "\u2192": r" \rightarrow ",
    "\u21d2": r" \Rightarrow ",
    "\u27f9": r" \Rightarrow ",
    "\u2234": r" \therefore ",
    "\u2254": " := ",
    "\u2202": r"\partial ",
    "\u2207": r"\nabla ",
    "\u2211": r"\sum ",
    "\u03a3": r"\sum ",  # a capital sigma typed as a sum sign
    "\u221a": r"\sqrt ",
    "\u2032": "'",
    "\u2033": "''",
    "\u2299": r" \odot ",
    "\u2218": r" \circ ",
    "\u2297": r" \otimes ",
    "\u22a4": r"\top ",
    "\u2208": r" \in ",
    "\u221e": r"\infty ",
    "\U0001d7d9": r"\mathbb{1}",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u03f5": r"\epsilon ",
    "\u03b5": r"\epsilon ",
    "\u03d5": r"\phi ",
}

#: Subscript characters -> what they stand for; a run of them becomes one ``_{...}``.
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ", "0123456789+-aeoxhklmnpstijruv", strict=True))

#: Superscript characters -> what they stand for; a run of them becomes one ``^{...}``.
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿⁱᵀ", "0123456789+-()niT", strict=True))

#: Combining accents -> the LaTeX accent put on the letter before them (``ŷ`` is ``y`` + U+0302).
_COMBINING = {"\u0302": "hat", "\u0304": "bar", "\u0305": "bar", "\u0303": "tilde"}

#: ASCII shorthands: ``>=``, ``<=``, ``!=``, and ``d\\_output`` (an escaped underscore inside a name).
_ASCII = re.compile(r"(?<!\\)(?:>=|<=|!=)|(?<=[A-Za-z0-9}])((?:\\_[A-Za-z0-9]+)+)")
_ASCII_SPELLING = {">=": r" \geq ", "<=": r" \leq ", "!=": r" \neq "}

#: ``\left.`` and ``\right.``: an invisible delimiter, dropped.
_INVISIBLE = re.compile(r"\\(?:left|right)\s*\.")


def _greek(char: str) -> str | None:
    """``σ`` -> ``\\sigma `` (Greek letters that LaTeX spells as a command), else ``None``."""
    try:
        name = unicodedata.name(char)
    except ValueError:
        return None
    m = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER ([A-Z]+)", name)
    if not m:
        return None
    word = m.group(2).lower() if m.group(1) == "SMALL" else m.group(2).capitalize()
    word = {"lamda": "lambda", "Lamda": "Lambda"}.get(word, word)
    return f"\\{word} " if word in GREEK_LETTERS else None


def _spell_unicode(text: str) -> str:
    """Every non-ASCII character that has a LaTeX spelling, spelled so."""
    out: list[str] = []
    i = 0
    chars = unicodedata.normalize("NFD", text) if not text.isascii() else text
    while i < len(chars):
        c = chars[i]
        if c.isascii():
            out.append(c)
            i += 1
            continue
        for table, mark in ((_SUBSCRIPTS, "_"), (_SUPERSCRIPTS, "^")):
            if c in table:
                j = i
                while j < len(chars) and chars[j] in table:
                    j += 1
                out.append(mark + "{" + "".join(table[x] for x in chars[i:j]) + "}")
                i = j
                break
        else:
            if c in _COMBINING and out:
                out[-1] = f"\\{_COMBINING[c]}{{{out[-1].strip()}}}"
            else:
                out.append(_CHARACTERS.get(c) or _greek(c) or c)
            i += 1
    return "".join(out)


def _spell_ascii(m: re.Match[str]) -> str:
    if m.group(1):  # d\_output -> d_{output}; a\_b\_c -> a_{b_c}
        return "_{" + m.group(1)[2:].replace("\\_", "_") + "}"
    return _ASCII_SPELLING[m.group(0)]


def spell_latex(text: str) -> str:
    """``text`` with Unicode math and ASCII shorthands spelled as LaTeX.

    ``x₁w₁`` -> ``x_{1}w_{1}``, ``∂L/∂w`` -> ``\\partial L/\\partial w``,
    ``σ(z)`` -> ``\\sigma (z)``, ``−`` -> ``-``, ``×`` -> ``\\times``, ``w²`` ->
    ``w^{2}``, ``ŷ`` -> ``\\hat{y}``, ``>=`` -> ``\\geq``, ``d\\_output`` ->
    ``d_{output}``; ``\\left.`` and ``\\right.`` are dropped.  Characters it
    does not know are left for the reader to refuse.
    """
    if not text.isascii():
        text = _spell_unicode(text)
    if "\\left" in text or "\\right" in text:
        text = _INVISIBLE.sub(" ", text)
    if ">=" not in text and "<=" not in text and "!=" not in text and "\\_" not in text:
        return text  # what every match of _ASCII holds is not there (most text): no scan
    return _ASCII.sub(_spell_ascii, text)
