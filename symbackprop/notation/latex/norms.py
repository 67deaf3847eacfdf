"""The norm of one component: ``\\|t_{o1} - o_{o1}\\|^2`` is ``(t_{o1} - o_{o1})^2``.

A norm is vector notation, except when every name inside it is one component
(a subscripted name such as ``target_{o1}``) or a number: then the quantity is a
scalar and its squared norm is its square, whatever its sign.  Only the square is
read; a bare ``\\|a\\|`` (an absolute value whose sign a derivation often ignores)
and a norm of anything else stay unread ("not checked: matrix notation"), except a norm of
numbers only (``\\|0.01 - 0.7514\\|``): that is arithmetic, the number's absolute value.
"""

from __future__ import annotations

from .tokens import group, skip_space
from .vocabulary import NORMS, NUMBER, TIMES

__all__ = ["numbers_norm", "scalar_norm_squared"]

#: Tokens a scalar norm may hold besides components and numbers.
_PLAIN = frozenset({"+", "-", "(", ")", "."}) | TIMES


def scalar_norm_squared(toks: list[str], i: int) -> tuple[list[str], int] | None:
    """The inside of ``\\|…\\|^2`` opening at ``i`` -> (its tokens, the index of its ``^``), when it
    holds only components and numbers; ``None`` otherwise."""
    close = next((j for j in range(i + 1, len(toks)) if toks[j] in NORMS), None)
    if close is None:
        return None
    k = skip_space(toks, close + 1)
    if k >= len(toks) or toks[k] != "^" or "".join(group(toks, k + 1)[0]).strip() != "2":
        return None
    inner = toks[i + 1 : close]
    return (inner, close + 1) if _components_only(inner) else None


def numbers_norm(toks: list[str], i: int) -> tuple[list[str], int] | None:
    """The inside of ``\\|…\\|`` opening at ``i`` -> (its tokens, the index after its closing bars),
    when it holds numbers and arithmetic signs only: its absolute value; ``None`` otherwise."""
    close = next((j for j in range(i + 1, len(toks)) if toks[j] in NORMS), None)
    if close is None:
        return None
    inner = toks[i + 1 : close]
    plain = all(t.isspace() or t in _PLAIN or NUMBER.fullmatch(t) for t in inner)
    return (inner, close + 1) if plain and any(NUMBER.fullmatch(t) for t in inner) else None


def _components_only(toks: list[str]) -> bool:
    """Whether ``toks`` hold only subscripted names, numbers and arithmetic signs."""
    m = 0
    named = False
    while m < len(toks):
        t = toks[m]
        if t.isascii() and t.isalpha():
            while m < len(toks) and toks[m].isascii() and toks[m].isalpha():
                m += 1
            if m >= len(toks) or toks[m] != "_":
                return False  # a bare name may be a vector
            m = group(toks, m + 1)[1]
            named = True
        elif t.isspace() or t in _PLAIN or NUMBER.fullmatch(t):
            m += 1
        else:
            return False
    return named or any(NUMBER.fullmatch(t) for t in toks)
