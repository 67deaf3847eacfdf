"""Vocabulary shared by the LaTeX reader, the spec reader and the printer."""

from __future__ import annotations

__all__ = ["ACCENTS", "GREEK_LETTERS"]

#: Greek letters that are names (``\\eta``, ``\\beta``, ``\\Delta``), as LaTeX command words.
GREEK_LETTERS = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "vartheta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Phi",
    "Psi",
    "Omega",
)

#: Accents a name may carry: ``\\hat{y}`` is the name ``y_hat``.
ACCENTS = ("hat", "bar", "tilde", "vec", "dot")
