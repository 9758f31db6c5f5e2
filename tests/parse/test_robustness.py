"""The example documents still parse right when their extraction changes: Windows line ends,
the whole text flattened onto one line, no-break spaces, form feeds, running footers."""

from __future__ import annotations

import re

import pytest
from kamergraph.builder.parse import parse_document, to_json

from kamergraph import paths

from .conftest import CORPUS_FILES, DOCUMENTS

VARIANTS = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "flat": lambda t: " ".join(t.split()),
    "nbsp": lambda t: t.replace(" ", "\u00a0", 60).replace("\n\n", "\n \t\n"),
}
FURNITURE = r"Tweede Kamer,|ISSN|\bh tk\b|-----|\bah-tk-|\bkst-\d"


def _structure(doc):
    data = to_json(doc)
    pairs = {(tuple(x["from"]), t) for x in data["cross_references"] for t in x["to"]}
    return data["question_numbers"], data["answer_blocks"], sorted(data["cited_ids"]), pairs


def _no_furniture(doc):
    return [b.key for b in (*doc.questions, *doc.answers) if re.search(FURNITURE, b.text)]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_variants(name, variant, corpus_acceptance):
    want = corpus_acceptance["documents"][name]
    text = VARIANTS[variant]((DOCUMENTS / name).read_text(encoding="utf-8"))
    doc = parse_document(text, source=name)
    assert _structure(doc) == (
        want["question_numbers"],
        want["answer_blocks"],
        sorted(want["cited_ids"]),
        {(tuple(a), b) for a, b in want.get("cross_references", [])},
    )
    assert doc.identifier == want["identifier"]
    assert _no_furniture(doc) == []


def test_seed_with_running_footers_and_form_feeds(seed_acceptance):
    want = seed_acceptance["document"]
    lines = paths.SAMPLE_DOCUMENT.read_text(encoding="utf-8").split("\n")
    out = []
    for i, line in enumerate(lines):
        out.append(line + ("\f" if i % 70 == 69 else ""))
        if i and i % 45 == 0:
            out += [
                "kst-33009-123",
                "ISSN 0921 - 7371",
                "’s-Gravenhage 2023",
                f"Tweede Kamer, vergaderjaar 2022–2023, 33 009, nr. 123 {i // 45 + 1}",
            ]
    doc = parse_document("\r\n".join(out), source="seed")
    assert doc.identifier == "kst-33009-123"  # now the footer carries it
    assert _structure(doc)[:3] == (
        want["question_numbers"],
        want["answer_blocks"],
        sorted(want["cited_ids"]),
    )
    assert _no_furniture(doc) == []
    assert [w for w in want["dehyphenation"]["must_contain"] if w not in doc.text] == []
