"""Shared machinery of the independent oracle for the verify corpus.

Nothing here imports symbackprop.  Every true value is computed with mpmath
(50 digits) or sympy from the document's own network and point, and every
number a document shows is judged with the issue's rounding rule:

* a number shown with k decimals stands for the interval  value +- 0.5e-k;
* a value computed on the line from shown numbers holds when it lies in the
  interval propagated (mpmath.iv) from those numbers' intervals, widened by
  its own last-digit rounding;
* the line also has to agree with the truth: the true value must lie in that
  same propagated interval (so rounded intermediates are fine, a slip is not).

A numeric claim is therefore ``holds`` exactly when both the arithmetic as
written and the truth are inside the interval, and ``wrong`` otherwise.  A
wrong line whose arithmetic is right but whose inputs carry an earlier error
is a *consequence*: it records ``cause`` (the line of the first error).

Each oracle script states, for every claim, the verdict its author expects
after reading the document (``expect=``).  The computed verdict must agree,
otherwise the script fails: the table printed by ``Doc.report`` is what the
author reviewed.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import mpmath as mp
from mpmath import iv

mp.mp.dps = 50
iv.dps = 50

CORPUS = Path(__file__).resolve().parent.parent
KINDS = {
    "",
    "bce-with-mse-derivative",
    "missing-sum-over-paths",
    "dropped-activation-derivative",
    "wrong-sign",
    "wrong-edge-weight",
    "used-updated-value",
    "arithmetic-slip",
    "rounding",
    "other",
}
VERDICTS = {"holds", "wrong", "unreadable-by-design"}
_NUM = re.compile(r"(?<![\w.])(\d+\.\d+|\d+)(?![\w.])")


def sig(x):
    """The logistic function, for mpf and for mpmath intervals."""
    if isinstance(x, iv.mpf):
        return 1 / (1 + iv.exp(-x))
    return 1 / (1 + mp.exp(-x))


def half_ulp(shown: str):
    """Half a unit in the last shown decimal place; 0 for an integer."""
    s = shown.strip().lstrip("+-")
    if "." not in s:
        return mp.mpf(0)
    return mp.mpf(10) ** (-len(s.split(".")[1])) / 2


def ival(x):
    """An mpmath interval as (lo, hi) mpf."""
    return mp.mpf(x.a), mp.mpf(x.b)


@dataclass
class Claim:
    line: int
    text: str
    verdict: str
    value: float | None = None
    note: str = ""
    kind: str = ""
    cause: int | None = None
    arithmetic: str = ""
    in_math: bool = True
    cell: int | None = None
    cell_line: int | None = None
    matrix: bool = False
    shown: str | None = None
    computed: str = ""  # how the verdict was reached, for the report

    def as_toml(self) -> str:
        out = ["[[claims]]", f"line = {self.line}"]
        if self.cell is not None:
            out += [f"cell = {self.cell}", f"cell_line = {self.cell_line}"]
        out.append(f"text = {_tstr(self.text)}")
        out.append(f"verdict = {_tstr(self.verdict)}")
        if self.value is not None:
            out.append(f"value = {_tfloat(self.value)}")
        out.append(f"note = {_tstr(self.note)}")
        out.append(f"kind = {_tstr(self.kind)}")
        if self.cause is not None:
            out.append(f"cause = {self.cause}")
        if self.arithmetic:
            out.append(f"arithmetic = {_tstr(self.arithmetic)}")
        if not self.in_math:
            out.append("in_math = false")
        if self.matrix:
            out.append("matrix = true")
        return "\n".join(out)


def _tstr(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _tfloat(x: float) -> str:
    r = repr(float(x))
    return r if ("." in r or "e" in r) else r + ".0"


@dataclass
class Doc:
    """One corpus document and the claims the oracle makes about it."""

    name: str  # file name inside tests/corpus/verify
    source: str
    exact: set[str] = field(default_factory=set)  # literal strings that are exact givens
    claims: list[Claim] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    carried: dict = field(default_factory=dict)  # label -> interval a shown result carries forward

    def __post_init__(self):
        self.path = CORPUS / self.name
        self.text = self.path.read_text(encoding="utf-8")
        self.lines = self.text.split("\n")
        self.cells = None
        if self.name.endswith(".ipynb"):
            self._index_notebook()

    # -------------------------------------------------------------- locating
    def _index_notebook(self):
        """Map (cell, cell_line) of each Markdown source line to its file line."""
        nb = json.loads(self.text)
        self.cells = []
        file_line = {}
        cursor = 0
        for ci, cell in enumerate(nb["cells"]):
            src = cell["source"] if isinstance(cell["source"], list) else cell["source"].splitlines(True)
            for li, s in enumerate(src, start=1):
                enc = json.dumps(s, ensure_ascii=False)
                for k in range(cursor, len(self.lines)):
                    if self.lines[k].strip().rstrip(",") == enc:
                        file_line[(ci, li)] = k + 1
                        cursor = k + 1
                        break
                else:
                    raise AssertionError(f"cannot find cell {ci} line {li} in {self.name}")
            self.cells.append([s.rstrip("\n") for s in src])
        self.file_line = file_line

    def locate(self, needle: str, occurrence: int | None = None, after: int = 0):
        """1-based line (and cell, cell_line for notebooks) of the n-th line containing needle.

        Without ``occurrence`` the needle must occur on exactly one line (after ``after``):
        an ambiguous needle is an error, so a claim can never land on the wrong line.
        """
        strict = occurrence is None
        occurrence = occurrence or 1
        if self.cells is not None:
            hits = [
                (ci, li)
                for ci, cell in enumerate(self.cells)
                for li, s in enumerate(cell, start=1)
                if needle in s and self.file_line[(ci, li)] > after
            ]
            if len(hits) < occurrence or (strict and len(hits) > 1):
                raise AssertionError(f"{self.name}: {needle!r} found {len(hits)} times")
            ci, li = hits[occurrence - 1]
            return self.file_line[(ci, li)], ci, li
        hits = [i for i, s in enumerate(self.lines, start=1) if needle in s and i > after]
        if len(hits) < occurrence or (strict and len(hits) > 1):
            if os.environ.get("ORACLE_LIST_AMBIGUOUS") and hits:
                print(f"AMBIGUOUS {needle!r} on lines {hits[:6]}")
            else:
                raise AssertionError(
                    f"{self.name}: {needle!r} found on lines {hits[:6]} (occurrence {occurrence})"
                )
        return hits[occurrence - 1], None, None

    def line_of(self, needle: str, occurrence: int | None = None, after: int = 0) -> int:
        return self.locate(needle, occurrence, after)[0]

    # ------------------------------------------------------------ intervals
    def interval(self, expr: str, exact=()):
        """Evaluate a Python expression of shown numbers as an mpmath interval.

        A literal is exact when it is one of the document's givens (``self.exact``
        or ``exact``) or an integer; otherwise it stands for +- half its last digit.
        """
        ex = set(self.exact) | set(exact)

        def lit(m):
            s = m.group(1)
            if s in ex or "." not in s:
                return f"iv.mpf('{s}')"
            h = half_ulp(s)
            v = mp.mpf(s)
            return f"iv.mpf(['{mp.nstr(v - h, 40)}', '{mp.nstr(v + h, 40)}'])"

        code = _NUM.sub(lit, expr)
        env = {"iv": iv, "sig": sig, "exp": iv.exp, "log": iv.log, "sqrt": iv.sqrt, "K": self.carried}
        r = eval(code, env)
        if not isinstance(r, iv.mpf):
            r = iv.mpf(r)
        return r

    # ---------------------------------------------------------------- claims
    def _add(self, needle, occurrence, after, **kw):
        line, cell, cell_line = self.locate(needle, occurrence, after)
        c = Claim(line=line, text=needle, cell=cell, cell_line=cell_line, **kw)
        self.claims.append(c)
        return c

    def num(
        self,
        needle,
        shown,
        true,
        arith=None,
        *,
        expect,
        kind="",
        cause=None,
        note="",
        occurrence=None,
        after=0,
        in_math=True,
        exact=(),
        slack=0,
        matrix=False,
        label=None,
    ):
        """A claim that a quantity equals a shown number (optionally via shown arithmetic).

        needle: the equation as it appears in the line (its ``text``).
        shown:  the final number the line claims, as written (None when the line ends in an expression).
        true:   the true value of the claimed quantity at the document's point.
        arith:  the arithmetic the line writes, over its shown numbers.
        label:  name under which the interval this result carries (its propagated interval,
                widened by its own last digit) is kept; ``K['label']`` in a later ``arith``
                stands for it: numbers computed from rounded numbers carry their intervals.
        """
        t = mp.mpf(true)
        h = half_ulp(shown) if shown is not None else mp.mpf(0)
        s = mp.mpf(shown.replace("−", "-")) if shown is not None else None
        eps = mp.mpf(10) ** -40
        if arith is not None:
            lo, hi = ival(self.interval(arith, exact))
            lo, hi = lo - h - eps, hi + h + eps
            arith_ok = s is None or (lo <= s <= hi)
            truth_ok = lo - slack <= t <= hi + slack
            how = f"arith [{mp.nstr(lo, 12)}, {mp.nstr(hi, 12)}]"
        else:
            arith_ok = True
            truth_ok = abs(s - t) <= h + slack + eps
            lo, hi = s - h, s + h
            how = f"|shown-true| = {mp.nstr(abs(s - t), 3)} vs {mp.nstr(h + slack, 3)}"
        if label:
            self.carried[label] = iv.mpf([mp.nstr(lo, 45), mp.nstr(hi, 45)])
        verdict = "holds" if (arith_ok and truth_ok) else "wrong"
        arithmetic = "" if arith is None else ("holds" if arith_ok else "wrong")
        if verdict == "holds":
            kind, cause = "", None
        c = self._add(
            needle,
            occurrence,
            after,
            verdict=verdict,
            value=float(t),
            note=note,
            kind=kind,
            cause=cause,
            arithmetic=arithmetic,
            in_math=in_math,
            shown=shown,
            computed=how,
            matrix=matrix,
        )
        self._expect(c, expect)
        return c

    def sym(
        self,
        needle,
        ok,
        *,
        expect,
        value=None,
        kind="",
        cause=None,
        note="",
        occurrence=None,
        after=0,
        in_math=True,
        matrix=False,
    ):
        """A claim decided by a separate sympy/mpmath check (``ok`` is its result)."""
        c = self._add(
            needle,
            occurrence,
            after,
            verdict="holds" if ok else "wrong",
            value=None if value is None else float(value),
            note=note,
            kind=kind,
            cause=cause,
            in_math=in_math,
            computed="symbolic/point check",
            matrix=matrix,
        )
        self._expect(c, expect)
        return c

    def na(self, needle, note, *, occurrence=None, after=0, in_math=True, matrix=False):
        """A line that asserts nothing checkable (a definition, or notation that cannot be read)."""
        return self._add(
            needle,
            occurrence,
            after,
            verdict="unreadable-by-design",
            note=note,
            in_math=in_math,
            computed="-",
            matrix=matrix,
        )

    def _expect(self, c: Claim, expect: str):
        assert expect in VERDICTS, expect
        assert c.kind in KINDS, c.kind
        if c.verdict == "wrong" and not c.kind:
            self.failures.append(f"line {c.line}: wrong without a kind")
        if c.verdict != expect:
            self.failures.append(f"line {c.line}: computed {c.verdict}, reviewed {expect}: {c.text[:70]}")

    # ---------------------------------------------------------------- output
    def report(self) -> None:
        print(f"== {self.name}")
        for c in self.claims:
            v = "" if c.value is None else mp.nstr(mp.mpf(c.value), 12)
            extra = f" cause={c.cause}" if c.cause else ""
            print(
                f"{c.line:5d} {c.verdict:21s} {c.kind:24s} shown={c.shown!s:14s} true={v:16s} "
                f"{c.computed}{extra} | {c.text[:60]}"
            )
        print(
            f"   {len(self.claims)} claims, {sum(c.verdict == 'wrong' for c in self.claims)} wrong, "
            f"{sum(c.verdict == 'wrong' and c.cause is None for c in self.claims)} of them own errors"
        )
        for f in self.failures:
            print("   REVIEW MISMATCH:", f)

    def toml(self) -> str:
        head = [
            f"# Expected verdicts for {self.name}, established by oracle/{Path(self.name).stem}.py",
            "# (independent sympy/mpmath computation; regenerate with: python oracle/<slug>.py --write)",
            f"file = {_tstr(self.name)}",
            f"source = {_tstr(self.source)}",
            "",
        ]
        claims = sorted(self.claims, key=lambda c: (c.line, self.claims.index(c)))
        return "\n".join(head) + "\n\n".join(c.as_toml() for c in claims) + "\n"

    def finish(self, argv) -> None:
        """Entry point of an oracle script: print the table, optionally write the TOML."""
        self.report()
        if self.failures:
            raise SystemExit(f"{self.name}: computed verdicts disagree with the review")
        if "--write" in argv:
            out = CORPUS / "expected" / (Path(self.name).stem + ".toml")
            out.parent.mkdir(exist_ok=True)
            out.write_text(self.toml(), encoding="utf-8")
            print("   wrote", out.relative_to(CORPUS))
