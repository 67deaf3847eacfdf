#!/usr/bin/env python3
"""Re-derive every expected verdict of the verify corpus and compare it with expected/*.toml.

Standalone: needs only Python 3.11+, sympy and mpmath (it never imports symbackprop).

For each expected/<slug>.toml it runs oracle/<slug>.py (its ``build()``), which
recomputes the true values from the document's own network and point, applies
the rounding rule and checks the result against the author's review.  Then it
asserts that the TOML records exactly those claims: same lines, texts,
verdicts, kinds, causes, and values (to 1e-9 relative).  It also checks that
every recorded ``text`` is on its recorded line of the document.

For each expected/<slug>-planted.toml it checks the planted copy in planted/:
the copy differs from the original only on the planted lines, each planted
number is 10-15 % away from the original's, and the original claim on that
line holds while the planted one is outside the rounding interval.

Usage:  python tests/corpus/verify/check_expected.py [slug ...]
Exit status 0 when everything agrees.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "oracle"))

from _lib import half_ulp  # noqa: E402


def load_oracle(stem: str):
    path = HERE / "oracle" / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"oracle_{stem.replace('-', '_')}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def check_document(toml_path: Path) -> list[str]:
    errors = []
    data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    stem = toml_path.stem
    doc = load_oracle(stem).build()
    if doc.failures:
        errors += [f"{stem}: oracle disagrees with its review: {f}" for f in doc.failures]
    if data.get("file") != doc.name:
        errors.append(f"{stem}: file {data.get('file')!r} != {doc.name!r}")
    want = sorted(doc.claims, key=lambda c: (c.line, doc.claims.index(c)))
    got = data.get("claims", [])
    if len(want) != len(got):
        errors.append(f"{stem}: {len(got)} claims recorded, oracle has {len(want)}")
    lines = doc.lines
    for w, g in zip(want, got):
        where = f"{stem}:{g.get('line')}"
        for key in ("line", "text", "verdict", "kind"):
            if getattr(w, key) != g.get(key, ""):
                errors.append(f"{where}: {key} {g.get(key)!r} recorded, oracle says {getattr(w, key)!r}")
        if w.cause != g.get("cause"):
            errors.append(f"{where}: cause {g.get('cause')!r} recorded, oracle says {w.cause!r}")
        if not close(w.value, g.get("value")):
            errors.append(f"{where}: value {g.get('value')!r} recorded, oracle computes {w.value!r}")
        if w.cell is not None and (w.cell, w.cell_line) != (g.get("cell"), g.get("cell_line")):
            errors.append(f"{where}: cell/cell_line differ")
        line = lines[g["line"] - 1] if 0 < g.get("line", 0) <= len(lines) else ""
        text = g.get("text", "")
        if w.cell is None and text not in line:
            errors.append(f"{where}: recorded text is not on that line of {doc.name}")
        if g.get("verdict") not in ("holds", "wrong", "unreadable-by-design"):
            errors.append(f"{where}: unknown verdict {g.get('verdict')!r}")
        if g.get("verdict") == "wrong" and not g.get("kind"):
            errors.append(f"{where}: a wrong claim without a kind")
    return errors


def check_planted(toml_path: Path) -> list[str]:
    errors = []
    data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    base = toml_path.stem.removesuffix("-planted")
    original = (HERE / data["original"]).read_text(encoding="utf-8").split("\n")
    planted = (HERE / data["file"]).read_text(encoding="utf-8").split("\n")
    if len(original) != len(planted):
        return [f"{base}: planted copy has a different number of lines"]
    doc = load_oracle(base).build()
    by_line = {}
    for c in doc.claims:
        by_line.setdefault(c.line, []).append(c)
    planted_lines = {c["line"] for c in data["claims"]}
    changed = {i for i, (a, b) in enumerate(zip(original, planted), start=1) if a != b}
    if changed != planted_lines:
        errors.append(f"{base}: lines changed {sorted(changed)} != planted lines {sorted(planted_lines)}")
    if not 2 <= len(planted_lines) <= 3:
        errors.append(f"{base}: {len(planted_lines)} planted slips (want 2-3)")
    for c in data["claims"]:
        where = f"{base}-planted:{c['line']}"
        old, new = c["original_number"], c["planted_number"]
        if old not in original[c["line"] - 1] or new not in planted[c["line"] - 1]:
            errors.append(f"{where}: numbers not found on the line")
        text = json.dumps(c["text"], ensure_ascii=False)[1:-1] if "cell" in c else c["text"]
        if text not in planted[c["line"] - 1]:
            errors.append(f"{where}: text not on the planted line")
        shift = abs(float(new) - float(old)) / abs(float(old))
        if not 0.10 <= shift <= 0.15:
            errors.append(f"{where}: shift {shift:.3f} is not 10-15 %")
        orig = [o for o in by_line.get(c["line"], []) if o.shown == old]
        if not orig or orig[0].verdict != "holds":
            errors.append(f"{where}: the original claim on this line is not a holding numeric claim")
            continue
        if not close(orig[0].value, c["value"]):
            errors.append(f"{where}: value {c['value']} != oracle {orig[0].value}")
        if abs(float(new) - orig[0].value) <= float(half_ulp(new)) * 2:
            errors.append(f"{where}: planted number is within rounding of the truth")
        if c["verdict"] != "wrong" or not c.get("kind"):
            errors.append(f"{where}: a planted slip must be wrong with a kind")
    return errors


def main(argv: list[str]) -> int:
    wanted = set(argv)
    errors, n_docs, n_claims = [], 0, 0
    for path in sorted((HERE / "expected").glob("*.toml")):
        stem = path.stem
        if wanted and stem not in wanted and stem.removesuffix("-planted") not in wanted:
            continue
        if stem.endswith("-planted"):
            errors += check_planted(path)
        else:
            errors += check_document(path)
            n_docs += 1
            n_claims += len(tomllib.loads(path.read_text(encoding="utf-8")).get("claims", []))
    for e in errors:
        print("MISMATCH", e)
    print(f"{n_docs} documents, {n_claims} claims checked; {len(errors)} mismatches")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
