"""Math in documents: every equation of a Markdown or LaTeX file, with its line.

Markdown: ``$$…$$``, ``$…$``, ``\\[…\\]``, ``\\(…\\)`` and fenced ``math``
blocks.  LaTeX: ``equation``, ``align`` (and their starred, ``gather``,
``multline`` forms) with ``&`` and ``\\\\``, ``\\[…\\]``, ``$$…$$``, ``$…$``.
Values written as ``name = number`` in inline code (`` `x = 1.0` ``,
``\\texttt{x = 1.0}``) are read too, as is "learning rate … 0.1" in prose.
Nothing here parses math; it only finds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CodeValue", "Document", "Fragment", "read_document"]

#: LaTeX environments whose content is display math.
MATH_ENVIRONMENTS = (
    "equation",
    "equation*",
    "align",
    "align*",
    "aligned",
    "gather",
    "gather*",
    "multline",
    "multline*",
    "eqnarray",
    "eqnarray*",
    "displaymath",
    "math",
    "split",
)

_CODE_VALUE = re.compile(r"\s*([A-Za-z\\][A-Za-z0-9_{}\\^()]*)\s*=\s*(-?(?:\d+(?:\.\d*)?|\.\d+))\s*\Z")
_LEARNING_RATE = re.compile(r"learning[ -]rate[^0-9\n]{0,40}?(\d+(?:\.\d+)?|\.\d+)", re.I)
_NOISE = re.compile(
    r"\\(?:label|tag|eqref|ref)\s*\{[^{}]*\}|\\(?:nonumber|notag|displaystyle)\b"
    r"|\\(?:begin|end)\s*\{(?:aligned|split|gathered|array)\}(?:\{[^{}]*\})?"
)


@dataclass(frozen=True)
class Fragment:
    """One equation line of math.

    Attributes:
        text: The LaTeX of this line (alignment ``&`` removed).
        line: The 1-based source line where it starts.
        display: Whether it came from display math.
        block_end: The 1-based line where its math block ends (annotations go after it).
    """

    text: str
    line: int
    display: bool
    block_end: int


@dataclass(frozen=True)
class CodeValue:
    """``name = number`` from inline code."""

    name: str
    number: str
    line: int


@dataclass(frozen=True)
class Document:
    """The math of a document, in order."""

    text: str
    format: str
    fragments: tuple[Fragment, ...]
    code_values: tuple[CodeValue, ...]
    learning_rate: tuple[str, int] | None


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _blank(text: str, start: int, end: int) -> str:
    """``text`` with ``[start, end)`` replaced by spaces, newlines kept (offsets stay valid)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _balance(s: str) -> int:
    return s.count("{") - s.count("}") + s.count("(") - s.count(")")


_CONTINUES = re.compile(r"\s*(?:[=+\-<>]|\\(?:approx|cdot|times|le|ge|leq|geq|neq|simeq|quad)\b)")


def _split_block(body: str, offset: int, source: str, display: bool, block_end: int) -> list[Fragment]:
    """Split one math block into equation lines at ``\\\\`` and at line breaks between equations."""
    out: list[Fragment] = []
    body = _NOISE.sub(lambda m: " " * len(m.group(0)), body)
    pieces: list[tuple[str, int]] = []
    pos = 0
    for m in re.finditer(r"\\\\(?:\[[^\]]*\])?", body):
        pieces.append((body[pos : m.start()], pos))
        pos = m.end()
    pieces.append((body[pos:], pos))
    for piece, start in pieces:
        lines = piece.split("\n")
        cur: list[str] = []
        cur_start = start
        at = start
        for ln in lines:
            joinable = cur and (
                _balance("\n".join(cur)) > 0
                or _CONTINUES.match(ln)
                or re.search(r"(?:[=+\-]|\\cdot|\\times|\\approx)\s*\Z", "\n".join(cur))
            )
            if cur and not joinable and "".join(cur).strip():
                out.append(_fragment(cur, cur_start, offset, source, display, block_end))
                cur, cur_start = [], at
            if not cur:
                cur_start = at
            cur.append(ln)
            at += len(ln) + 1
        if "".join(cur).strip():
            out.append(_fragment(cur, cur_start, offset, source, display, block_end))
    return out


def _fragment(
    lines: list[str], start: int, offset: int, source: str, display: bool, block_end: int
) -> Fragment:
    text = " ".join(lines)
    lead = len(text) - len(text.lstrip())
    first = "\n".join(lines)
    lead_nl = first[: len(first) - len(first.lstrip())].count("\n")
    del lead
    text = text.replace("&", " ").strip().rstrip(",.;").strip()
    return Fragment(text, _line_of(source, offset + start) + lead_nl, display, block_end)


def _markdown(text: str) -> tuple[list[Fragment], list[CodeValue], str]:
    fragments: list[Fragment] = []
    values: list[CodeValue] = []
    work = text
    # fenced blocks: ```math is math, any other fence is blanked
    for m in re.finditer(
        r"^([ \t]*)(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^\1\2[ \t]*$", text, re.M | re.S
    ):
        if m.group(3).lower() in ("math", "latex", "tex") and m.group(3).lower() == "math":
            end_line = _line_of(text, m.end())
            fragments.extend(_split_block(m.group(4), m.start(4), text, True, end_line))
        work = _blank(work, m.start(), m.end())
    # inline code: values, then blank
    for m in re.finditer(r"(`+)(.+?)\1", work):
        cv = _CODE_VALUE.match(m.group(2))
        if cv:
            values.append(CodeValue(cv.group(1), cv.group(2), _line_of(text, m.start())))
    prose = work
    work = re.sub(r"(`+)(.+?)\1", lambda m: " " * len(m.group(0)), work)
    patterns = [
        (r"(?<!\\)\$\$(.+?)(?<!\\)\$\$", True),
        (r"\\\[(.+?)\\\]", True),
        (r"\\\((.+?)\\\)", False),
        (r"(?<![\\$])\$(?!\$)((?:[^$\n\\]|\\.)+?)(?<!\\)\$(?!\d)", False),
    ]
    found: list[tuple[int, int, int, bool]] = []
    for pattern, display in patterns:
        for m in re.finditer(pattern, work, re.S):
            found.append((m.start(), m.start(1), m.end(1), display))
            end = m.end()
            work = _blank(work, m.start(), end)
    for _, b0, b1, display in sorted(found):
        end_line = _line_of(text, b1)
        fragments.extend(_split_block(text[b0:b1], b0, text, display, end_line))
    fragments.sort(key=lambda f: f.line)
    return fragments, values, prose


def _latex(text: str) -> tuple[list[Fragment], list[CodeValue], str]:
    work = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)
    clean = work
    values: list[CodeValue] = []
    for m in re.finditer(r"\\(?:texttt|verb)\s*(?:\{([^{}]*)\}|\|([^|]*)\|)", work):
        cv = _CODE_VALUE.match(m.group(1) or m.group(2) or "")
        if cv:
            values.append(CodeValue(cv.group(1), cv.group(2), _line_of(text, m.start())))
    found: list[tuple[int, int, int, bool]] = []
    envs = "|".join(re.escape(e) for e in MATH_ENVIRONMENTS if e not in ("aligned", "split"))
    patterns = [
        (r"\\begin\{(?:" + envs + r")\}(.*?)\\end\{(?:" + envs + r")\}", True),
        (r"(?<!\\)\$\$(.+?)(?<!\\)\$\$", True),
        (r"\\\[(.+?)\\\]", True),
        (r"\\\((.+?)\\\)", False),
        (r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)(?<!\\)\$", False),
    ]
    for pattern, display in patterns:
        for m in re.finditer(pattern, work, re.S):
            found.append((m.start(), m.start(1), m.end(1), display))
            work = _blank(work, m.start(), m.end())
    fragments: list[Fragment] = []
    for _, b0, b1, display in sorted(found):
        fragments.extend(_split_block(clean[b0:b1], b0, text, display, _line_of(text, b1)))
    return fragments, values, work


def read_document(text: str, format: str | None = None) -> Document:
    """Find every equation and value in ``text``.

    Args:
        text: The document.
        format: ``"md"`` or ``"tex"``; guessed from the text when ``None``.
    """
    fmt = format or (
        "tex" if re.search(r"\\documentclass|\\begin\{document\}|\\begin\{align", text) else "md"
    )
    if fmt not in ("md", "tex"):
        msg = f"unknown document format {fmt!r} (use 'md' or 'tex')"
        raise ValueError(msg)
    fragments, values, prose = _markdown(text) if fmt == "md" else _latex(text)
    lr = _LEARNING_RATE.search(prose.replace("`", " "))
    learning_rate = (lr.group(1), _line_of(text, lr.start(1))) if lr else None
    return Document(text, fmt, tuple(fragments), tuple(values), learning_rate)
