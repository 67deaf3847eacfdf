"""verify's work on a long document grows with its length, not with its square (issue 13, section 5).

Counted in operations, never timed: each test verifies the same short document with few and with
many repeated equations, and checks that a cost that used to be paid once per equation (and grew
with the document) is paid a fixed number of times.
"""

from __future__ import annotations

import functools

import pytest

from symbackprop.core.network import Network
from symbackprop.verification import verify

HEAD = [
    "# a long walkthrough",
    "",
    "`x = 1.0`, `w = 0.5`, `y = 0`",
    "",
    "$$z = x \\cdot w = 0.5$$",
    "",
    "$$L = \\frac{1}{2}(z - y)^2$$",
    "",
]

#: A chain through a local derivative (∂z/∂w): judging it asks which nodes the network defines.
CHAIN = (
    "$$\\frac{\\partial L}{\\partial w} = \\frac{\\partial L}{\\partial z} \\frac{\\partial z}{\\partial w}"
    " = 0.5 \\cdot 1 = 0.5$$\n"
)


def _document(count: int) -> str:
    return "\n".join([*HEAD, *[CHAIN] * count])


def _builds(monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[int, dict]:
    """How many times the network's ``node -> expression`` table is built while verifying."""
    built = []
    attr = Network.__dict__["definition"]
    original = attr.func if isinstance(attr, functools.cached_property) else attr.fget

    def counting(self: Network):
        built.append(1)
        return original(self)

    prop = type(attr)(counting)
    if isinstance(prop, functools.cached_property):
        prop.__set_name__(Network, "definition")
    monkeypatch.setattr(Network, "definition", prop)
    report = verify("long.md", text=_document(count), format="md")
    return len(built), report.counts()


def test_the_definition_table_is_built_once_per_network_not_once_per_equation(monkeypatch):
    few, few_counts = _builds(monkeypatch, 3)
    many, many_counts = _builds(monkeypatch, 60)
    assert few_counts["wrong"] == many_counts["wrong"] == 0
    assert many_counts["ok"] - few_counts["ok"] == 57  # every repeated chain is judged (and holds)
    assert many == few  # the same networks are built: their tables are too, whatever the length


def test_the_definition_table_is_the_same_object_and_read_only():
    import sympy as sp

    x, w, z = sp.symbols("x w z")
    net = Network([(z, w * x)], inputs=[x], parameters=[w])
    assert net.definition is net.definition
    assert dict(net.definition) == {z: w * x}
    with pytest.raises(TypeError):
        net.definition[z] = x  # type: ignore[index]
