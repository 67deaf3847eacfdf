"""Count calls to the core derivation's ``derive`` under every name a module binds it to."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import pytest

#: Modules that bind ``derive`` at import time; imported before counting so that their aliases are patched.
BINDERS = (
    "numeric.gradcheck",
    "numeric.training",
    "numeric.vectorization",
    "output.context",
    "output.walkthrough",
)


def count_derive(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Patch every alias of ``symbackprop.derive``; the returned list grows by one network per call."""
    import symbackprop

    original = symbackprop.derive
    for name in BINDERS:
        importlib.import_module(f"symbackprop.{name}")
    calls: list[Any] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return original(*args, **kwargs)

    for module in [m for name, m in sys.modules.items() if name.startswith("symbackprop")]:
        for attr, value in list(vars(module).items()):
            if value is original:
                monkeypatch.setattr(module, attr, counting)
    return calls
