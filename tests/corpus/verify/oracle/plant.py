"""Write the planted copies (planted/*) and their expectations (expected/*-planted.toml).

Five documents that hold everywhere get two or three slips each: the final
number of a holding line is moved by 10-15 %.  The true value is taken from
the document's own oracle, so each planted line is wrong by construction.
Run:  python oracle/plant.py   (check_expected.py verifies the result)
"""

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent

# document -> [(needle of the claim as in the original, original number, planted number)]
SLIPS = {
    "nchandolaj-single-neuron.md": [
        (r"\frac{\partial L}{\partial w} = 10.0 \times 2.0 = \mathbf{20.0}", "20.0", "22.6"),
        (r"New\ Weight = 3.0 - (0.01 \times 20.0) = \mathbf{2.8}", "2.8", "3.2"),
        (r"(5.6 - 1.0)^2 = 4.6^2 = \mathbf{21.16}", "21.16", "23.8"),
    ],
    "cs231n-optimization-2.md": [
        (r"\\(f(x,y) = -12\\)", "-12", "-13.5"),
        ("computes the output 0.73", "0.73", "0.83"),
    ],
    "smaxx73-session5-solutions.md": [
        (r"\mathrm{MSE}=\frac{0.04+0.09+0.01+0.01}{4}=0.0375", "0.0375", "0.0425"),
        (r"\mathrm{MSE}=\frac{(-1)^2+(-1)^2+(-2)^2}{3}=\frac{6}{3}=2.0", "2.0", "2.26"),
        (r"w_{\text{new}}=3-0.01\times 6.0=2.94", "2.94", "3.31"),
    ],
    "smaxx73-session6-exercise-solutions.md": [
        (r"\hat{y} = \sigma(-0.1225) \approx 0.4694", "0.4694", "0.5304"),
        (r"\delta^{(2)} = 0.9388 \times 0.2490 \approx 0.2338", "0.2338", "0.2642"),
        (r"w_2 \leftarrow -1.0 - 1.0 \times 0.1455 = -1.1455", "-1.1455", "-1.2944"),
    ],
    "smaxx73-session6-backprop.ipynb": [
        (r"$L = (-0.3775)^2$ | $\approx 0.1425$", "0.1425", "0.1610"),
        (
            r"z^{(2)} = 0.6 \times 0.6457 + (-0.4) \times 0.4256 + 0.2 = 0.3874 - 0.1702 + 0.2 = 0.4172",
            "0.4172",
            "0.4714",
        ),
        (r"\delta^{(2)} = -0.7944 \times 0.2395 \approx -0.1903", "-0.1903", "-0.2150"),
    ],
}


def load(stem):
    spec = importlib.util.spec_from_file_location("o_" + stem.replace("-", "_"), HERE / f"{stem}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.build()


def replace_last(s: str, old: str, new: str) -> str:
    i = s.rfind(old)
    assert i >= 0, (s, old)
    return s[:i] + new + s[i + len(old) :]


def main():
    (CORPUS / "planted").mkdir(exist_ok=True)
    for name, slips in SLIPS.items():
        stem = Path(name).stem
        doc = load(stem)
        lines = doc.text.split("\n")
        entries = []
        for needle, old, new in slips:
            claim = next(c for c in doc.claims if c.text == needle)
            assert claim.verdict == "holds" and claim.shown == old, (needle, claim.verdict, claim.shown)
            i = claim.line - 1
            if name.endswith(".ipynb"):
                planted_needle = replace_last(needle, old, new)
                # the line is a JSON string: replace inside the encoded needle
                enc_old, enc_new = (
                    json.dumps(needle, ensure_ascii=False)[1:-1],
                    json.dumps(planted_needle, ensure_ascii=False)[1:-1],
                )
                assert enc_old in lines[i]
                lines[i] = lines[i].replace(enc_old, enc_new, 1)
            else:
                planted_needle = replace_last(needle, old, new)
                assert needle in lines[i]
                lines[i] = lines[i].replace(needle, planted_needle, 1)
            shift = abs(float(new) - float(old)) / abs(float(old))
            e = ["[[claims]]", f"line = {claim.line}"]
            if claim.cell is not None:
                e += [f"cell = {claim.cell}", f"cell_line = {claim.cell_line}"]
            e += [
                f"text = {json.dumps(planted_needle, ensure_ascii=False)}",
                'verdict = "wrong"',
                f"value = {float(claim.value)!r}",
                'kind = "arithmetic-slip"',
                f"original_number = {json.dumps(old)}",
                f"planted_number = {json.dumps(new)}",
                f"note = {json.dumps(f'planted: {old} moved to {new} ({shift:.1%}); the original line holds')}",
            ]
            if not claim.in_math:
                e.append("in_math = false")
            entries.append("\n".join(e))
        out = CORPUS / "planted" / name
        text = "\n".join(lines)
        if name.endswith(".ipynb"):
            json.loads(text)  # still a valid notebook
        out.write_text(text, encoding="utf-8")
        head = [
            f"# Planted slips in planted/{name} (a copy of {name}); made by oracle/plant.py",
            f"file = {json.dumps('planted/' + name)}",
            f"original = {json.dumps(name)}",
            f"source = {json.dumps(doc.source)}",
            "",
        ]
        (CORPUS / "expected" / f"{stem}-planted.toml").write_text(
            "\n".join(head) + "\n\n".join(entries) + "\n", encoding="utf-8"
        )
        print("planted", name, len(slips))


if __name__ == "__main__":
    main()
