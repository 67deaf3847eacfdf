"""Counting tests (not timed) for reading a document before any side is parsed: a one-line block is
one piece without a walk over its tokens, a relation chain without line breaks is cut in one scan,
a shape is measured from the few tokens that matter, and the document's sums are looked up once.
Expected values are written by hand."""

from __future__ import annotations

import pytest

from symbackprop.notation import latex_input
from symbackprop.notation.latex import relations
from symbackprop.notation.latex.relations import split_relations
from symbackprop.verification import sections, statements
from symbackprop.verification.documents import blocks, read_document
from symbackprop.verification.documents.blocks import Block, Shape, relation_shape, split_block


def _counting(monkeypatch, module, name: str) -> list[object]:
    """The arguments of every call of ``module.name`` from now on (the calls still go through)."""
    calls: list[object] = []
    real = getattr(module, name)

    def counting(arg):
        calls.append(arg)
        return real(arg)

    monkeypatch.setattr(module, name, counting)
    return calls


# ------------------------------------------------------------------ split_relations

PLAIN = [
    ("a = b", [(["a", "b"], ["="])]),
    (r"A = B \approx C \Rightarrow D = E", [(["A", "B", "C"], ["=", "≈"]), (["D", "E"], ["="])]),
    (r"\frac{a = b}{c} = 1", [([r"\frac{a = b}{c}", "1"], ["="])]),
    (r"\left( a = b \right) = c", [([r"\left( a = b \right)", "c"], ["="])]),
    (r"\{ a = b \} = c", [([r"\{ a = b \}", "c"], ["="])]),
    (r"x \le y \leq z", [(["x", "y", "z"], ["≤", "≤"])]),
    (r"x \lefteqn y = 1", [([r"x \lefteqn y", "1"], ["="])]),
    ("x := 2, y <= 3", [(["x", "2"], ["="]), (["y", "3"], ["≤"])]),
    ("a <=> b", [(["a", "", "b"], ["≤", ">"])]),
    (r"a \, = b\,c", [([r"a \,", r"b\,c"], ["="])]),
    ("p => q = 1", [(["p"], []), (["q", "1"], ["="])]),
    (r"x \quad y = 2 \to z", [(["x"], []), (["y", "2"], ["="]), (["z"], [])]),
    ("f(1, 2) = 3, g = 4", [(["f(1, 2)", "3"], ["="]), (["g", "4"], ["="])]),
    ("  ", []),
]


@pytest.mark.parametrize(("latex", "expected"), PLAIN, ids=range(len(PLAIN)))
def test_a_chain_without_line_breaks_is_cut_without_walking_its_tokens(latex, expected, monkeypatch):
    def walked(toks):
        raise AssertionError("walked token by token")

    monkeypatch.setattr(relations, "_top_level", walked)
    assert split_relations(latex) == expected


BROKEN = [
    (r"a = 1 \\ b = 2", [(["a", "1"], ["="]), (["b", "2"], ["="])]),
    (r"a &= 1 \\ &= 2", [(["a &", "1  &", "2"], ["=", "="])]),  # the break dropped, the & kept
    (r"a = 1 \hspace{1em} b = 2", [(["a", "1"], ["="]), (["b", "2"], ["="])]),
]


@pytest.mark.parametrize(("latex", "expected"), BROKEN, ids=range(len(BROKEN)))
def test_line_breaks_and_wide_spaces_still_take_the_token_walk(latex, expected, monkeypatch):
    calls = _counting(monkeypatch, relations, "_top_level")
    assert split_relations(latex) == expected
    assert len(calls) == 1


# ------------------------------------------------------------------ relation_shape

SHAPES = [
    ("= a + b", Shape(True, False, False, True, 0)),
    ("+ c", Shape(False, True, False, False, 0)),
    ("a =", Shape(False, False, True, True, 0)),
    (r"\frac{a = b}{c}", Shape(False, False, False, False, 0)),
    (r"\left( a", Shape(False, False, False, False, 2)),
    ("a )", Shape(False, False, False, False, -1)),
    (r"a \cdot ", Shape(False, False, True, False, 0)),
    (r"a \cdotp", Shape(False, False, False, False, 0)),
    (r"\{ = \}", Shape(False, False, False, True, 0)),
    (r"x \le", Shape(False, False, True, True, 0)),
    (r"x \lefteqn", Shape(False, False, False, False, 0)),
    (r"\approx 0.5", Shape(True, False, False, True, 0)),
    (r"x \,", Shape(False, False, False, False, 0)),
    (r"x \=", Shape(False, False, False, False, 0)),
    ("x :=", Shape(False, False, True, True, 0)),
    ("\\", Shape(False, False, False, False, 0)),
    ("   ", Shape(False, False, False, False, 0)),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES, ids=range(len(SHAPES)))
def test_shape(text, expected):
    assert relation_shape(text) == expected


def test_a_shape_looks_only_at_brackets_relations_and_operators():
    text = r"\frac{\partial L}{\partial w_{1}} = x \sigma(z) \approx 0.5"
    found = blocks._SHAPE_TOKEN.findall(text)
    assert found == ["{", "}", "{", "{", "}", "}", "=", "(", ")", r"\approx"]


# ------------------------------------------------------------------ split_block


def _block(text: str, env: str | None = None) -> Block:
    return Block(text, 0, len(text), lambda k: 1 + text.count("\n", 0, k), True, 9, env)


def test_a_one_line_block_is_one_piece_without_a_token_walk_or_a_shape(monkeypatch):
    def walked(tok):
        raise AssertionError("walked token by token")

    monkeypatch.setattr(blocks, "_depth_change", walked)
    monkeypatch.setattr(blocks, "relation_shape", walked)  # no piece before or after it asks
    (frag,) = split_block(_block(r"z_{1} = \frac{1}{2} x \approx 0.5"))
    assert (frag.text, frag.line) == (r"z_{1} = \frac{1}{2} x \approx 0.5", 1)


@pytest.mark.parametrize(
    ("text", "expected", "measured"),
    [
        ("a &= 1 \\\\\n&= 2", ["a  = 1 = 2"], 2),  # the & read as a space
        ("a = 1 % note", ["a = 1"], 0),
        ("a = 1 \\\\ b = 2", ["a = 1", "b = 2"], 2),
        ("a = 1\\", ["a = 1"], 0),
    ],
    ids=["rows", "comment", "break", "lone-backslash"],
)
def test_a_block_with_rows_or_comments_is_walked(text, expected, measured, monkeypatch):
    calls = _counting(monkeypatch, blocks, "_depth_change")
    shapes = _counting(monkeypatch, blocks, "relation_shape")
    assert [f.text for f in split_block(_block(text, "align"))] == expected
    assert calls
    assert len(shapes) == measured  # each piece at most once, and only when another piece asks


# ------------------------------------------------------------------ lhs_keys

UPDATED = ["w_{12}^{+}", "w_1^+", " v_{3}^{+} ", "a_1^{+}", "f_{2}^{+}", "w_{1}^{-}", "w_{1} ^{+}"]


@pytest.mark.parametrize("side", UPDATED, ids=range(len(UPDATED)))
def test_an_updated_name_on_the_left_has_the_key_parsing_gives(side, monkeypatch):
    functions = {"f": ["x"], "=f": ["x^2"]}
    quick = statements._lhs_key(side, functions)
    monkeypatch.setattr(statements, "_quick_lhs_key", lambda s, f: None)
    assert quick == statements._lhs_key(side, functions)


def test_an_updated_name_on_the_left_is_not_parsed(monkeypatch):
    def parsed(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(latex_input, "parse_math", parsed)
    rows = [statements.Statement(1, 1, "", ["w_{12}^{+}", "w_{12} - 0.1"], ["="])]
    assert statements.lhs_keys(rows, {}) == ["w_12^+"]


# ------------------------------------------------------------------ rows

DOCUMENT = """# Sums

$$L = \\frac{1}{N}\\sum_{i=1}^{N} (y_i - w x_i)^2$$

$$z_1 = w_1 x = 0.5$$

$$a_1 = 2 z_1 = 1.0$$
"""


def test_the_documents_sums_are_looked_up_once_for_all_its_fragments(monkeypatch):
    calls = _counting(monkeypatch, sections, "size_letters")
    monkeypatch.setattr(statements, "size_letters", sections.size_letters)
    doc = read_document(DOCUMENT, "md")
    found, _ = sections.rows(doc)
    assert [st.source for st in found][1:] == ["z_1 = w_1 x = 0.5", "a_1 = 2 z_1 = 1.0"]
    assert calls == [DOCUMENT]


def test_a_document_read_at_once_gives_its_fragments_statements():
    doc = read_document(DOCUMENT, "md")
    sizes = statements.size_letters(doc.text)
    one_by_one = [st for f in doc.fragments for st in statements.fragment_statements(f, sizes, {})]
    assert statements.read_statements(doc) == one_by_one
    assert [st.sides for st in one_by_one][1:] == [["z_1", "w_1 x", "0.5"], ["a_1", "2 z_1", "1.0"]]
