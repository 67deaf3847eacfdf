"""Free text as LaTeX that pdflatex compiles, whatever characters it holds.

A title may hold σ, η, ∂, — or é; pdflatex stops at a Unicode character it has
no definition for ("Unicode character σ not set up for use with LaTeX").
:func:`escape_latex` therefore writes pure ASCII: LaTeX's special characters as
commands, Greek letters and mathematical symbols as math (``σ`` becomes
``$\\sigma$``, and neighbouring math is merged: ``σ′`` becomes
``$\\sigma'$``), typographic punctuation as TeX ligatures (``—`` becomes
``---``), accented letters as accent commands (``é`` becomes ``\\'{e}``).  A
character with no LaTeX spelling is not dropped silently: it is shown as its
code point, ``[U+1F600]``, in typewriter type, so the reader sees that something
was there.  Only ``amssymb`` is assumed (for ``\\mathbb`` and ``\\checkmark``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["escape_latex", "latex_number", "unicode_of"]

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}

_GREEK = ["alpha", "beta", "gamma", "delta", "varepsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
          "mu", "nu", "xi", "o", "pi", "rho", "varsigma", "sigma", "tau", "upsilon", "varphi", "chi", "psi",
          "omega"]  # fmt: skip
_GREEK_UPPER = {"Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
                "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega"}  # fmt: skip

#: Characters written as math (without the dollars).
_MATH = {
    **{chr(0x3B1 + i): ("" if name == "o" else "\\") + name for i, name in enumerate(_GREEK)},
    **{k: "\\" + v for k, v in _GREEK_UPPER.items()},
    "ϑ": r"\vartheta", "ϕ": r"\phi", "ϵ": r"\epsilon", "ϱ": r"\varrho", "ϖ": r"\varpi", "µ": r"\mu",
    "∆": r"\Delta", "Ω": r"\Omega",
    "∂": r"\partial", "∇": r"\nabla", "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "√": r"\surd",
    "∞": r"\infty", "≈": r"\approx", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "≡": r"\equiv",
    "∼": r"\sim", "≃": r"\simeq", "∝": r"\propto", "±": r"\pm", "∓": r"\mp", "×": r"\times", "÷": r"\div",
    "·": r"\cdot", "⋅": r"\cdot", "∘": r"\circ", "∗": r"\ast", "−": "-", "⊕": r"\oplus", "⊗": r"\otimes",
    "⊙": r"\odot", "→": r"\to", "←": r"\leftarrow", "↔": r"\leftrightarrow", "⇒": r"\Rightarrow",
    "⇐": r"\Leftarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto", "∈": r"\in", "∉": r"\notin",
    "∋": r"\ni", "⊂": r"\subset", "⊆": r"\subseteq", "⊃": r"\supset", "⊇": r"\supseteq", "∪": r"\cup",
    "∩": r"\cap", "∅": r"\emptyset", "∀": r"\forall", "∃": r"\exists", "¬": r"\neg", "∧": r"\wedge",
    "∨": r"\vee", "′": "'", "″": "''", "‖": r"\|", "∣": r"\mid", "ℓ": r"\ell", "ℏ": r"\hbar",
    "⟨": r"\langle", "⟩": r"\rangle", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil",
    "⋯": r"\cdots", "⋮": r"\vdots", "⊤": r"\top", "⊥": r"\perp", "∠": r"\angle", "°": r"^{\circ}",
    "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}", "ℚ": r"\mathbb{Q}", "ℂ": r"\mathbb{C}",
    "𝟙": r"\mathbf{1}", "✓": r"\checkmark", "✔": r"\checkmark", "✗": r"\times", "∎": r"\blacksquare",
    "½": r"\tfrac{1}{2}", "¼": r"\tfrac{1}{4}", "¾": r"\tfrac{3}{4}", "ᵀ": "^{T}",
    **{s: "^{%s}" % c for s, c in zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ", "0123456789+-=()in")},
    **{s: "_{%s}" % c for s, c in zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓᵢⱼₖₙₜ", "0123456789+-=()aeoxijknt")},
}  # fmt: skip

#: A LaTeX command -> the character it stands for (Greek letters, symbols): for pictures in plain text.
unicode_of: Mapping[str, str] = MappingProxyType(
    {latex: char for char, latex in reversed(_MATH.items()) if re.fullmatch(r"\\[A-Za-z]+", latex)}
)

#: Characters written as text commands or ligatures.
_TEXT = {
    "—": "---", "–": "--", "‐": "-", "‑": "-", "‘": "`", "’": "'", "“": "``", "”": "''", "„": ",,",
    "«": r"$\ll$", "»": r"$\gg$", "…": r"\dots{}", "•": r"\textbullet{}", "§": r"\S{}", "¶": r"\P{}",
    "†": r"\dag{}", "‡": r"\ddag{}", "©": r"\copyright{}", "®": r"\textregistered{}",
    "™": r"\texttrademark{}", "£": r"\pounds{}", "€": "EUR", "\u00a0": "~", "\u2009": r"\,",
    "\u2002": r"\enspace{}", "\u2003": r"\quad{}", "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}",
    "œ": r"\oe{}", "Œ": r"\OE{}", "ø": r"\o{}", "Ø": r"\O{}", "ł": r"\l{}", "Ł": r"\L{}", "ı": r"\i{}",
    "¡": r"!`", "¿": r"?`", "\t": " ", "\n": " ", "\r": " ",
}  # fmt: skip

#: Combining marks -> accent commands (all available in LaTeX's default OT1 encoding).
_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
            "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0327": "c",
            "\u0323": "d", "\u0331": "b"}  # fmt: skip


def _accented(char: str) -> str | None:
    """``é`` as ``\\'{e}``: an ASCII letter with accents LaTeX knows, else None."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not base.isascii() or not base.isalpha() or not marks or any(m not in _ACCENTS for m in marks):
        return None
    text = base if base not in "ij" else "\\" + base  # dotless i and j under an accent
    for m in marks:
        text = "\\%s{%s}" % (_ACCENTS[m], text)
    return text


def _compatible(char: str) -> str | None:
    """A compatibility form (full-width letters, ligatures) as plain ASCII, else None."""
    plain = unicodedata.normalize("NFKC", char)
    return plain if plain != char and plain.isascii() and plain.isprintable() else None


def _piece(char: str) -> tuple[bool, str]:
    """``(is_math, latex)`` for one character."""
    if char in _MATH:
        return True, _MATH[char]
    if char in _SPECIAL:
        return False, _SPECIAL[char]
    if char.isascii():
        return False, char if char.isprintable() else " "
    if char in _TEXT:
        return False, _TEXT[char]
    found = _accented(char)
    if found is None:
        compatible = _compatible(char)
        found = None if compatible is None else escape_latex(compatible)
    if found is not None:
        return False, found
    return False, r"\texttt{[U+%04X]}" % ord(char)


def escape_latex(text: str) -> str:
    """Text that pdflatex typesets as written, in pure ASCII (see the module's docstring)."""
    out: list[str] = []
    math: list[str] = []
    for char in text:
        is_math, latex = _piece(char)
        if is_math:
            if math and math[-1][-1:].isalpha() and latex[:1].isalpha():
                math.append(" ")
            math.append(latex)
            continue
        if math:
            out.append("$%s$" % "".join(math))
            math = []
        out.append(latex)
    if math:
        out.append("$%s$" % "".join(math))
    return "".join(out)


#: A number as :mod:`symbackprop.output.numbers` writes a decimal: ``0.0822``, ``-0.0381``, ``12``.
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def latex_number(text: str, approx: bool = False) -> str:
    """A number for a table cell in text mode: a rounded or negative decimal set in math.

    In math a negative number gets a true minus sign (text mode would show a hyphen, "-0.0381")
    and ``≈`` stays bound to its number: ``$\\approx -0.0381$``.  Other decimals and other
    texts (``4.7e-11``) are written as they are, after ``$\\approx$`` when rounded.
    """
    if _DECIMAL.fullmatch(text) and (approx or text.startswith("-")):
        return "$%s%s$" % (r"\approx " if approx else "", text)
    return r"$\approx$ " + text if approx else text
