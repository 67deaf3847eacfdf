"""MkDocs plugin: walkthroughs in fenced blocks, hand derivations checked.

In ``mkdocs.yml``::

    plugins:
      - symbackprop:
          verify: true
    markdown_extensions:
      - pymdownx.arithmatex:
          generic: true

A fenced block whose info string is ``symbackprop`` is replaced by the
walkthrough (Markdown with ``$...$`` math, for ``pymdownx.arithmatex``).  Its
body names a spec file (relative to the page, then the docs directory, then
the directory of ``mkdocs.yml``) or holds an inline TOML network.  Options
follow the info string: ```` ```symbackprop digits=3 sections="forward,backward" ````.
With ``verify: true`` each wrong equation on a page is a warning naming the
file and line, so ``mkdocs build --strict`` fails.  The plugin only lays out
what :func:`symbackprop.output.walkthrough.render` returns; it never differentiates.

Specs are read only from under the folder of ``mkdocs.yml`` and the docs directory
(symlinks resolved); ``allowed_paths: [...]`` (relative to ``mkdocs.yml``) allows more.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, get_plugin_logger

from ..errors import InputError, SymbackpropError
from ..recursion import call_deep
from .docpaths import allowed_roots, checked_path, is_allowed

__all__ = ["SymbackpropConfig", "SymbackpropPlugin", "expand"]

log = get_plugin_logger(__name__)

#: An opening fence: indentation, ``` or ~~~ (3+), the info string.
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\n]*)$")
_OPTION: dict[str, Callable[[str], Any]] = {
    "digits": int,
    "rounding": str,
    "sections": lambda v: [s for s in re.split(r"[\s,]+", v) if s],
    "heading_offset": int,
    "detail": str,
    "view": str,  # matrix or scalar: render checks it
}


class SymbackpropConfig(Config):
    """Options under ``plugins: - symbackprop:`` in ``mkdocs.yml``."""

    verify = config_options.Type(bool, default=False)
    digits = config_options.Type(int, default=4)
    rounding = config_options.Choice(("exact", "hand"), default="exact")
    heading_offset = config_options.Type(int, default=1)
    spec = config_options.Optional(config_options.Type(str))
    allowed_paths = config_options.ListOfPaths(default=[])


@dataclass(frozen=True)
class Block:
    """One ```` ```symbackprop ```` block: where it is, its options and body."""

    start: int  # index of the opening fence line (0-based)
    end: int  # index of the closing fence line
    options: dict[str, Any]
    body: str


def find_blocks(text: str) -> list[Block]:
    """The symbackprop blocks of a page, skipping other fenced code."""
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m["fence"], m["info"].strip()
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        words = info.split(None, 1)
        if words and words[0].strip("{}.") == "symbackprop":
            blocks.append(
                Block(
                    i,
                    j,
                    _parse_options(words[1] if len(words) > 1 else "", i + 1),
                    "\n".join(lines[i + 1 : j]),
                )
            )
        i = j + 1
    return blocks


def _parse_options(text: str, line: int) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for word in shlex.split(text.strip("{} ")):
        key, sep, value = word.partition("=")
        if not sep or key not in _OPTION:
            msg = f"unknown symbackprop block option {word!r}; use {', '.join(f'{k}=...' for k in _OPTION)}"
            raise InputError(msg, line=line)
        try:
            options[key] = _OPTION[key](value)
        except ValueError:
            msg = f"option {key} must be a number, not {value!r}"
            raise InputError(msg, line=line) from None
    return options


def _shift_headings(markdown: str, offset: int) -> str:
    """Demote ATX headings outside code fences, so a walkthrough nests under the page title."""
    if offset <= 0:
        return markdown
    out, fenced = [], False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            line = "#" * offset + line
        out.append(line)
    return "\n".join(out)


_ALLOW = "allowed_paths in mkdocs.yml"


def _names_file(body: str) -> bool:
    """Whether a block's (stripped) body names a spec file rather than holding TOML."""
    return bool(body) and "\n" not in body and "=" not in body and not body.startswith("[")


def _find_spec(name: str, search: Sequence[Path], roots: Sequence[Path]) -> Path | None:
    """The spec file ``name`` in the first of ``search`` that has it, or None if none has.

    Only paths under ``roots`` (symlinks resolved) are looked at.  If none of
    those is a file and some candidate lies outside, the name is refused with
    :class:`InputError`: what happens never depends on files outside the project.
    """
    candidates = [directory / name for directory in search]
    inside = [c for c in candidates if is_allowed(c, roots)]
    found = next((c.resolve() for c in inside if c.is_file()), None)
    outside = [c for c in candidates if c not in inside]
    if found is None and outside:
        checked_path(outside[0], name, roots, option=_ALLOW)  # raises, naming the path as written
    return found


def _network(
    body: str, search: list[Path], page: str, line: int, roots: Sequence[Path]
) -> tuple[Any, Path | None]:
    """The block's network: a spec file, or inline TOML whose body starts at 1-based ``line``."""
    from ..notation.spec import read_spec, reads_spec

    stripped = body.strip()
    if _names_file(stripped):
        try:
            found = _find_spec(stripped, search, roots)
        except InputError as e:
            raise e.located(file=page, line=line) from None
        if found is not None:
            return read_spec(found), found
        looked = ", ".join(str(d) for d in search)
        msg = f"spec file {stripped!r} not found (looked in {looked})"
        raise InputError(msg, file=page, line=line)
    if not stripped:
        msg = "empty symbackprop block: name a spec file or write a TOML network"
        raise InputError(msg, file=page, line=line)
    # Pad with blank lines so that TOML line numbers are the page's line numbers.
    return reads_spec("\n" * (line - 1) + body, file=page), None


def _page_spec(text: str, search: list[Path], roots: Sequence[Path]) -> Path | None:
    """The spec file named by the page's first symbackprop block, if it names one that exists."""
    for block in find_blocks(text):
        body = block.body.strip()
        if _names_file(body):
            return _find_spec(body, search, roots)
    return None


def expand(
    markdown: str,
    *,
    search: list[Path],
    page: str = "<page>",
    digits: int = 4,
    rounding: str = "exact",
    heading_offset: int = 1,
    first_line: int = 1,
    allowed: Sequence[Path] | None = None,
) -> tuple[str, list[Path]]:
    """Replace every symbackprop block with its walkthrough; also return the spec files used.

    ``first_line`` is the page line of ``markdown``'s first line (after front matter), so
    that errors name the line of the file.  Spec files are read only from under
    ``allowed`` (default: the ``search`` folders), symlinks resolved.
    """
    from ..output.formats import MARKDOWN
    from ..output.walkthrough import render

    roots = allowed_roots(search if allowed is None else allowed)

    try:
        blocks = find_blocks(markdown)
    except SymbackpropError as e:
        raise type(e)(e.message, file=page, where=e.where, line=(e.line or 1) + first_line - 1) from None
    if not blocks:
        return markdown, []
    lines = markdown.split("\n")
    used: list[Path] = []
    for block in reversed(blocks):
        options = {"digits": digits, "rounding": rounding, "heading_offset": heading_offset, **block.options}
        network, path = _network(block.body, search, page, first_line + block.start + 1, roots)
        if path is not None:
            used.append(path)
        text = call_deep(  # deep expressions need a deep stack
            render,
            network,
            MARKDOWN,
            digits=options["digits"],
            rounding=options["rounding"],
            sections=options.get("sections"),
            detail=options.get("detail", "compact"),
            view=options.get("view"),
        )
        text = _shift_headings(text.rstrip("\n"), options["heading_offset"])
        lines[block.start : block.end + 1] = ["", *text.split("\n"), ""]
    return "\n".join(lines), used


def _first_line(page: Any, markdown: str) -> int:
    """The file line where ``markdown`` starts: MkDocs strips YAML front matter first."""
    raw = getattr(page.file, "content_string", None) if page.file.abs_src_path else None
    if isinstance(raw, str) and raw.endswith(markdown) and len(raw) > len(markdown):
        return raw[: len(raw) - len(markdown)].count("\n") + 1
    return 1


class SymbackpropPlugin(BasePlugin[SymbackpropConfig]):
    """Expand ```` ```symbackprop ```` blocks; optionally verify each page's equations."""

    def __init__(self) -> None:
        self.watched: set[Path] = set()
        self._config_dir = Path(".")
        self._roots: tuple[Path, ...] = ()

    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Any) -> str:
        source = page.file.abs_src_path
        name = page.file.src_uri
        page_dir = Path(source).parent if source else Path(config["docs_dir"])
        self._config_dir = Path(config.config_file_path or ".").parent
        search = [page_dir, Path(config["docs_dir"]), self._config_dir]
        self._roots = allowed_roots([self._config_dir, config["docs_dir"], *self.config.allowed_paths])
        if self.config.verify and source:
            self._verify(Path(source), name, search)
        try:
            text, used = expand(
                markdown,
                first_line=_first_line(page, markdown),
                search=search,
                page=name,
                digits=self.config.digits,
                rounding=self.config.rounding,
                heading_offset=self.config.heading_offset,
                allowed=self._roots,
            )
        except SymbackpropError as e:
            if e.file is None:
                e = type(e)(e.message, file=name, where=e.where, line=e.line)
            log.error("%s", e)
            return markdown
        self.watched.update(used)
        return text

    def _verify(self, path: Path, name: str, search: list[Path]) -> None:
        """Check the page's equations against the spec its first block names (or ``spec``)."""
        from ..files import read_text
        from ..verification import verify

        try:
            text = read_text(path, "page")
            spec = _page_spec(text, search, self._roots) or self._default_spec()
            report = verify(name, spec=spec, text=text, format="md")
        except SymbackpropError as e:
            log.warning("%s", e.located(file=name))
            return
        for finding in report.findings:
            if finding.status == "wrong":
                log.warning("%s:%s: wrong equation: %s", name, finding.line, finding.message)

    def _default_spec(self) -> Path | None:
        spec = self.config.spec
        return None if not spec else checked_path(self._config_dir / spec, spec, self._roots, option=_ALLOW)

    def on_serve(self, server: Any, /, *, config: Any, builder: Any) -> Any:
        for path in sorted(self.watched):
            server.watch(str(path))
        return server
