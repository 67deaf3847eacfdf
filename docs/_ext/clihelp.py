"""``.. cli-help:: [COMMAND]``: the live ``--help`` text of the command line.

The CLI reference is generated from the argument parser at build time, so it
cannot drift from the code.
"""

from __future__ import annotations

import os
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


class CliHelp(SphinxDirective):
    """A literal block with ``symbackprop [COMMAND] --help``; ``*`` gives every command."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        from symbackprop.cli import build_parser

        os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal width
        parser = build_parser()
        commands = next(a for a in parser._actions if a.dest == "command").choices
        assert isinstance(commands, dict)
        if not self.arguments:
            return [_block(parser.format_help())]
        if self.arguments[0] == "*":
            out: list[nodes.Node] = []
            for name, sub in commands.items():
                title = f"symbackprop {name}"
                out += [nodes.rubric(title, title, ids=[f"cli-{name}"]), _block(sub.format_help())]
            return out
        if self.arguments[0] not in commands:
            raise self.error(f"no such command: {self.arguments[0]}")
        return [_block(commands[self.arguments[0]].format_help())]


def _block(text: str) -> nodes.literal_block:
    text = text.rstrip()
    return nodes.literal_block(text, text, language="text")


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
