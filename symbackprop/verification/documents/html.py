"""HTML pages saved from the web, read with a real HTML parser (the standard library's).

Math is what the page's MathJax or KaTeX typesets, with the line of the file where it is:

* ``<script type="math/tex">`` (``; mode=display`` for display math), MathJax 2's source;
* KaTeX's ``<annotation encoding="application/x-tex">`` -- and not the text of the
  rendered KaTeX or MathJax spans beside it, which would be the same math again, as glyphs;
* ``\\(...\\)``, ``\\[...\\]``, ``$$...$$`` and ``$...$`` in the page's text;
* ``<img alt="...">`` (WordPress ``$latex ...$`` images, equation images) and MathML's
  ``<math alttext="...">``, when the text looks like LaTeX.

``<script>`` (other than math), ``<style>``, ``<pre>``, ``<code>``, ``<textarea>`` and
``<noscript>`` are skipped, as MathJax skips them; ``<code>x = 1.0</code>`` still
states a value.  :func:`html_math` also serves the HTML blocks of Markdown documents.
"""

from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser

from .blocks import Block, Unit, assemble, bodies
from .macros import collect
from .model import Lines, Reading, code_value
from .textmath import find_math, image_formula

__all__ = ["html_math", "read_html"]

#: Elements whose text is never math (MathJax's skipHtmlTags).
SKIPPED = frozenset({"script", "style", "textarea", "pre", "code", "noscript", "template", "svg", "math"})

#: Classes of rendered math (the glyphs of math whose source is read elsewhere).
RENDERED = re.compile(r"\b(?:katex|katex-display|katex-html|MathJax\w*|mjx-\w+)\b")

#: Elements that do not end a run of text (math may span them).
INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "big", "cite", "data", "dfn", "em", "font", "i", "kbd", "mark"}
    | {"q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"}
)

#: Elements without an end tag.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _Run:
    """Consecutive text of the page, with the file line of every offset."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.offsets: list[int] = []
        self.lines: list[int] = []

    def add(self, data: str, line: int) -> None:
        self.offsets.append(self.size)
        self.lines.append(line)
        for m in re.finditer("\n", data):
            line += 1
            self.offsets.append(self.size + m.end())
            self.lines.append(line)
        self.parts.append(data)
        self.size += len(data)

    def line(self, offset: int) -> int:
        return self.lines[max(bisect.bisect_right(self.offsets, offset) - 1, 0)]


class _Page(HTMLParser):
    """One pass over the page: math blocks, prose and code values, each with its line."""

    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first = first_line
        self.blocks: list[Block] = []
        self.prose: list[tuple[int, str]] = []
        self.code: list[tuple[int, str]] = []
        self.run = _Run()
        self.skip: tuple[str, bool] | None = None  # the element being skipped, and if it is display math
        self.depth = 0  # how many elements of that name are open inside it
        self.capture: tuple[str, bool, int, list[str]] | None = None  # tag, display, line, text

    def _line(self) -> int:
        return self.first + self.getpos()[0] - 1

    # ------------------------------------------------------------ tags

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag not in INLINE:
            self.flush()
        self._alt(tag, a)
        kind = a.get("type", "").lower()
        display = self.skip is not None and self.skip[1]
        if tag == "script" and kind.startswith("math/tex"):
            self.capture = (tag, "mode=display" in kind, self._line(), [])
        elif tag == "annotation" and a.get("encoding", "").lower() == "application/x-tex":
            self.capture = (tag, display, self._line(), [])
        if tag in VOID:
            return
        if self.skip is not None:
            self.depth += tag == self.skip[0]
            return
        classes = a.get("class", "")
        if tag in SKIPPED or RENDERED.search(classes):
            self.skip = (tag, "katex-display" in classes or "MathJax_Display" in classes)
            self.depth = 1
            if tag == "code":
                self.code.append((self._line(), ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE:
            self.flush()
        self._alt(tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        if self.capture is not None and tag == self.capture[0]:
            _, display, line, parts = self.capture
            text = "".join(parts)
            self.blocks.append(Block(text, 0, len(text), Lines(text, line).line, display, self._line()))
            self.capture = None
        if self.skip is not None and tag == self.skip[0]:
            self.depth -= 1
            if self.depth <= 0:
                self.skip = None
        if tag not in INLINE:
            self.flush()

    def _alt(self, tag: str, a: dict[str, str]) -> None:
        """An equation image's formula, or MathML's ``alttext``."""
        if tag not in ("img", "math"):
            return
        latex_class = re.search(r"\b(?:latex|tex|math)\b", a.get("class", "")) is not None
        if tag == "math":
            formula = image_formula("", a.get("alttext", ""), latex_class=True)
        else:
            formula = image_formula(a.get("src", ""), a.get("alt", ""), latex_class)
        if formula:
            line = self._line()
            self.blocks.append(
                Block(formula, 0, len(formula), Lines(formula, line).line, tag == "math", line)
            )

    # ------------------------------------------------------------ text

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.capture[3].append(data)
            return
        line = self._line()
        if self.skip is not None:
            if self.skip[0] == "code" and self.code:
                at, text = self.code[-1]
                self.code[-1] = (at, text + data)
            return
        self.run.add(data, line)
        self.prose.append((line, data))

    def flush(self) -> None:
        """Find the math in the run of text read so far."""
        run = self.run
        if not run.parts:
            return
        text = "".join(run.parts)
        for start, end, display in find_math(text):
            self.blocks.append(Block(text, start, end, run.line, display, run.line(end)))
        self.run = _Run()

    def close(self) -> None:
        super().close()
        self.flush()


def html_math(html: str, first_line: int = 1) -> tuple[list[Block], list[tuple[int, str]]]:
    """The math blocks of an HTML text (its first line being ``first_line``), and its prose by line."""
    page = _Page(first_line)
    page.feed(html)
    page.close()
    return page.blocks, page.prose


def read_html(text: str) -> Reading:
    """The equations, code values and prose of a saved web page."""
    page = _Page(1)
    page.feed(text)
    page.close()
    reading = Reading()
    for line, code in page.code:
        value = code_value(code, line)
        if value is not None:
            reading.code_values.append(value)
    lines: dict[int, list[str]] = {}
    for line, data in page.prose:
        for k, piece in enumerate(data.split("\n")):
            lines.setdefault(line + k, []).append(piece)
    reading.prose = "\n".join(" ".join(lines.get(n, ())) for n in range(1, text.count("\n") + 2))
    units: list[Unit] = list(page.blocks)
    reading.fragments = assemble(units, collect(bodies(units)))
    return reading
