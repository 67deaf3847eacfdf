"""Readers of the notations a network or a derivation is written in.

* :mod:`.expressions`: a spec right-hand side (``"x * w_1"``) -> SymPy, through Python's ``ast``;
* :mod:`.spec`: a TOML spec -> :class:`~symbackprop.core.network.Network`;
* :mod:`.latex`: hand-written LaTeX -> SymPy (``$...$`` right-hand sides, and documents to verify);
* :mod:`.limits`: the resource limits every reader shares, each defined once.

Nothing is imported here, so that importing one reader does not load the others.
"""
