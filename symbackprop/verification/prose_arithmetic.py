"""Arithmetic written inside a sentence: "the local gradient would be (1 - 0.73) * 0.73 ~= 0.2, as …".

A course page sometimes does a small computation in running text, outside any math.  It is
arithmetic all the same, and a careful reader checks it.  :func:`in_sentence` finds each run of
numbers joined by ``+ - * / × · −`` (with parentheses) that a relation ``=``, ``≈`` or ``~=``
relates to a number, and writes it as LaTeX.  At least two operands and one result are needed,
and the run must stand on its own in the sentence (not part of a word, a version or a date);
parentheses must balance.  Code spans are not prose.  Every part of the pattern is separated by a
required character, so matching is linear in the line.
"""

from __future__ import annotations

import re

__all__ = ["in_sentence"]

_NUM = r"\d+(?:\.\d+)?"
#: ``(1 - 0.73) * 0.73 ~= 0.2``: operands, operators, then a relation and one number.
_RUN = re.compile(
    rf"(?<![\w.^_\\/\-−])(\(*[-−]?{_NUM}(?:[\s)]*[-+−*×·/][\s(]*[-−]?{_NUM})+\)*)"
    rf"[ \t]*(~=|≈|=)[ \t]*([-−]?{_NUM})(?!\w|\.\d)"
)
_CODE = re.compile(r"`[^`\n]*`")
_AS_LATEX = {"−": "-", "×": " \\times ", "·": " \\cdot ", "*": " \\cdot "}
_RELATION = {"~=": "\\approx", "≈": "\\approx", "=": "="}


def in_sentence(line: str) -> list[str]:
    """Each piece of arithmetic written inside the prose ``line``, as LaTeX (``(1 - 0.73) \\cdot 0.73
    \\approx 0.2``)."""
    if len(line) > 2000:  # bounded work: a line of prose is short
        return []
    out = []
    for m in _RUN.finditer(_CODE.sub(lambda c: " " * len(c.group(0)), line)):
        expr = m.group(1)
        while expr.endswith(")") and expr.count(")") > expr.count("("):
            expr = expr[:-1]
        if expr.count("(") != expr.count(")") or len(re.findall(_NUM, expr)) < 2:
            continue
        for plain, tex in _AS_LATEX.items():
            expr = expr.replace(plain, tex)
        expr = re.sub(r"\s+", " ", expr).strip()
        out.append(f"{expr} {_RELATION[m.group(2)]} {m.group(3).replace('−', '-')}")
    return out
