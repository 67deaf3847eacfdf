"""Math in plain text and in pictures: delimiters as MathJax finds them, formulas of equation images.

``$$...$$`` and ``\\[...\\]`` (display), ``\\(...\\)`` and ``$...$`` (inline), and
kramdown's doubled ``\\\\(...\\\\)``.  A ``\\$`` is a dollar; a ``$`` just after a digit,
or a closing ``$`` just before one, is a price (``$5 and $6``).  One pass: a search
for a closing delimiter that failed is remembered, so that later openers of the
same kind fail at once instead of searching the rest of the text again.

:func:`image_formula` reads the formula of an equation image: from the address of
a LaTeX-rendering service (CodeCogs, WordPress's ``latex.php``, GitHub's and
Google's renderers), else from its ``alt`` text when that looks like LaTeX.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, unquote_plus

__all__ = ["find_math", "image_formula"]

#: Openers, longest first, with their closer and whether they are display math.
_PAIRS = {
    "\\\\(": ("\\\\)", False),
    "\\\\[": ("\\\\]", True),
    "\\(": ("\\)", False),
    "\\[": ("\\]", True),
    "$$": ("$$", True),
    "$": ("$", False),
}
_OPENER = re.compile(r"\\\\[(\[]|\\[(\[$]|\$\$|\$")


def _escaped(text: str, k: int) -> bool:
    """Whether the character at ``k`` follows an odd number of backslashes."""
    n = 0
    while k - n - 1 >= 0 and text[k - n - 1] == "\\":
        n += 1
    return n % 2 == 1


def _closer(text: str, closing: str, start: int, end: int) -> int:
    """The first valid ``closing`` in ``text[start:end]``, or -1."""
    k = text.find(closing, start, end)
    while k >= 0 and closing.startswith("$"):
        after = text[k + len(closing) : k + len(closing) + 1]
        if not _escaped(text, k) and not (closing == "$" and after.isdigit()):
            break
        k = text.find(closing, k + 1, end)
    return k


def find_math(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, bool]]:
    """``(content start, content end, display)`` of every piece of math in ``text[start:end]``."""
    end = len(text) if end is None else end
    out: list[tuple[int, int, bool]] = []
    failed: dict[str, int] = {}
    i = start
    while True:
        m = _OPENER.search(text, i, end)
        if m is None:
            return out
        opening = m.group(0)
        i = m.end()
        if opening == "\\$" or (opening == "$" and m.start() > 0 and text[m.start() - 1].isdigit()):
            continue
        if opening.startswith("$") and _escaped(text, m.start()):
            continue
        closing, display = _PAIRS[opening]
        if failed.get(closing, end + 1) <= i:
            continue
        k = _closer(text, closing, i, end)
        if k < 0:
            failed[closing] = min(failed.get(closing, i), i)
            continue
        if k > i:
            out.append((i, k, display))
        i = k + len(closing)


#: Addresses of LaTeX renderers: the formula is the rest of the address, encoded.
_RENDERERS = (
    (re.compile(r"latex\.codecogs\.com/[^?]*\?(.+)"), unquote),
    (re.compile(r"render\.githubusercontent\.com/render/math\?(?:.*&)?math=([^&]+)"), unquote),
    (re.compile(r"[/.]latex\.php\?(?:.*&)?latex=([^&]+)"), unquote_plus),
    (re.compile(r"chart\.googleapis\.com/chart\?(?:.*&)?chl=([^&]+)"), unquote_plus),
)
#: Rendering options in a CodeCogs address: size, resolution, background, font.
_OPTIONS = re.compile(
    r"\\(?:dpi\{\d+\}|bg_\w+|bg\{\w+\}|fn_\w+|inline|tiny|small|large|Large|LARGE|huge|Huge)\s*"
)
_LATEX_LIKE = re.compile(r"\\[A-Za-z]+|[_^]\{|[_^][A-Za-z0-9]|[=<>]")
_WORDS = re.compile(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{3,}){3,}")


def _looks_like_latex(text: str) -> bool:
    """A text that is a formula, not a description of a picture."""
    plain = re.sub(r"\\[A-Za-z]+", " ", text)
    return bool(_LATEX_LIKE.search(text)) and not _WORDS.search(plain)


def image_formula(src: str, alt: str, latex_class: bool = False) -> str | None:
    """The formula an image shows, if it is an equation image (``latex_class``: its class says so)."""
    for pattern, decode in _RENDERERS:
        m = pattern.search(src)
        if m:
            return _OPTIONS.sub("", decode(m.group(1))).strip() or None
    alt = alt.strip()
    if len(alt) > 1 and alt[0] == alt[-1] == "$":
        alt = alt.strip("$").strip()
    alt = alt.removeprefix("latex ")
    return alt if alt and (latex_class or _looks_like_latex(alt)) else None
