"""Every error symbackprop raises on purpose, and the policy behind them.

Policy
------
* A mistake in the user's input (a network, a spec file, a document, a CLI
  argument) raises a :class:`SymbackpropError` subclass.  Each one also
  subclasses the matching built-in (``ValueError``, ``OSError`` ...) so that
  callers who do not know this library can still catch it.
* The message names where the mistake is: the file, the table and key or the
  line, and the symbol.  ``str(error)`` is the whole one-line message.
* ``exit_code`` is what the command line exits with: 2 for bad input, 1 for a
  check that ran and found something wrong.  Anything else that escapes is a
  bug of ours and exits 3 (see :mod:`symbackprop.cli`).
"""

from __future__ import annotations

__all__ = [
    "CheckFailed",
    "GraphError",
    "InputError",
    "SizeLimitError",
    "SpecError",
    "SymbackpropError",
    "SymbackpropWarning",
    "TemplateError",
]


class SymbackpropError(Exception):
    """Base class: a problem with what the user gave us.

    Args:
        message: What is wrong, in one line.
        file: The file the problem is in, if any.
        where: The table and key (``"[network] a_2"``) or other locator.
        line: The 1-based line number, if known.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        where: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.where = where
        self.line = line
        super().__init__(self.__str__())

    def located(
        self, *, file: str | None = None, where: str | None = None, line: int | None = None
    ) -> SymbackpropError:
        """Return a copy of this error with missing location parts filled in."""
        new = type(self).__new__(type(self))
        SymbackpropError.__init__(
            new,
            self.message,
            file=self.file or file,
            where=self.where or where,
            line=self.line or line,
        )
        return new

    def __str__(self) -> str:
        head = []
        if self.file:
            head.append(f"{self.file}:{self.line}" if self.line else self.file)
        elif self.line:
            head.append(f"line {self.line}")
        if self.where:
            head.append(self.where)
        return ": ".join([*head, self.message])

    def __reduce__(self):  # keep pickling (multiprocessing) working
        return (_rebuild, (type(self), self.message, self.file, self.where, self.line))


def _rebuild(cls, message, file, where, line):  # pragma: no cover - pickling helper
    return cls(message, file=file, where=where, line=line)


class GraphError(SymbackpropError, ValueError):
    """The network itself is wrong: undefined name, cycle, no loss, ..."""


class SpecError(SymbackpropError, ValueError):
    """A spec file (or spec text) cannot be read or has a bad value."""


class InputError(SymbackpropError, ValueError):
    """Other bad user input: a document, an option, a missing file."""


class TemplateError(SymbackpropError, ValueError):
    """A Jinja2 template failed; the message names the template and line."""


class SizeLimitError(SymbackpropError, ValueError):
    """An expression would grow past a documented bound (closed forms, input size)."""


class CheckFailed(SymbackpropError):
    """A check ran and found something wrong (exit code 1)."""

    exit_code = 1


class SymbackpropWarning(UserWarning):
    """Something is suspicious but not wrong, e.g. a parameter the loss ignores."""
