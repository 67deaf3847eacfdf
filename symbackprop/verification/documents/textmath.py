"""Math delimiters in a run of plain text, as MathJax finds them in a web page's text.

``$$...$$`` and ``\\[...\\]`` (display), ``\\(...\\)`` and ``$...$`` (inline), and
kramdown's doubled ``\\\\(...\\\\)``.  A ``\\$`` is a dollar; a ``$`` just after a digit,
or a closing ``$`` just before one, is a price (``$5 and $6``).  One pass: a search
for a closing delimiter that failed is remembered, so that later openers of the
same kind fail at once instead of searching the rest of the text again.
"""

from __future__ import annotations

import re

__all__ = ["find_math"]

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
