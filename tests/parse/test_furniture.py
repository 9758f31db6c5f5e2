"""No question or answer text holds page furniture, footnote text or markup."""

from __future__ import annotations

import re

import pytest
from kamergraph.builder.normalize import FURNITURE, MARK_CLOSE, MARK_OPEN, strip_furniture

# What counts as furniture or leftover markup inside a question or answer.
FURNITURE_IN_TEXT = [
    r"Tweede Kamer, vergaderjaar",  # running footer
    r"Staten-Generaal",  # running header
    r"ISSN",
    r"[’']s-Gravenhage \d{4}",
    r"\bh tk \d{8}",  # markdown footer
    r"\bah-tk-\d{8}-\d+",  # footer id
    r"\bkst-\d{5}",
    r"-{3,}",  # page separator
    r"\bAanhangsel \d",  # "Aanhangsel 1Antwoord 3"
    r"Vergaderjaar \d{4}",
    r"Vragen gesteld door de leden der Kamer",
    r"\*\*|__|^#|\n#",  # markdown
    r"\[\d+ ?\]|\[e ?\]",  # footnote markers, superscripts
    re.escape(MARK_OPEN) + "|" + re.escape(MARK_CLOSE),  # our own sentinels
    r"\n\s*\n\s*\n",  # page-break gaps
    r"^\s|\s$",  # page-break indentation at the edges
]


def _blocks(doc):
    return [*doc.questions, *doc.answers]


@pytest.mark.parametrize("pattern", FURNITURE_IN_TEXT)
def test_no_furniture_in_blocks(all_documents, pattern):
    hits = [
        (name, b.key, m.group(0))
        for name, doc in all_documents.items()
        for b in _blocks(doc)
        for m in [re.search(pattern, b.text)]
        if m
    ]
    assert hits == []


def test_no_footnote_text_in_blocks(all_documents):
    hits = []
    for name, doc in all_documents.items():
        for note in doc.footnotes:
            for b in _blocks(doc):
                if note.text in b.text:
                    hits.append((name, note.number, b.key))
    assert hits == []


def test_no_glued_footnote_numbers_in_blocks(corpus_documents):
    """Markers glued after punctuation ("?1, 2", "?3 Heeft") are gone from the flat text."""
    doc = corpus_documents["ah-tk-20142015-698_vws_ziekenhuisrekeningen_flat.txt"]
    for b in _blocks(doc):
        assert not re.search(r"[?»]\d", b.text), b.key
    stalvloer = corpus_documents["ah-tk-20222023-3649_lnv_stalvloer.txt"]
    a3 = next(a for a in stalvloer.answers if a.numbers == (3,))
    assert "In de Kamerbrief van 30 juni 2023 is aangegeven" in a3.text


def test_all_footnotes_found(corpus_documents):
    counts = {name: [f.number for f in doc.footnotes] for name, doc in corpus_documents.items()}
    assert counts == {
        "ah-tk-20142015-698_vws_ziekenhuisrekeningen_flat.txt": [1, 2, 3, 4],
        "ah-tk-20222023-3649_lnv_stalvloer.txt": [1, 2, 3, 4, 5, 6],
        "ah-tk-20232024-302_vws_nza-data.txt": list(range(1, 12)),
        "ah-tk-20232024-387_bz_kaukasus.txt": list(range(1, 10)),
    }


@pytest.mark.parametrize(
    "line, rest",
    [
        (
            "ISSN 0921 - 7398’s-Gravenhage 2023Tweede Kamer, vergaderjaar 2022–2023, "
            "Aanhangsel 1Antwoord 3",
            "Antwoord 3",
        ),
        ("Tweede Kamer, vergaderjaar 2022–2023, Aanhangsel 2Antwoord 7", "Antwoord 7"),
        ("Tweede Kamer, vergaderjaar 2014–2015, Aanhangsel 2 Vraag 6 Kunt u", "Vraag 6 Kunt u"),
        ("h tk 20232024 387", ""),
        ("-----", ""),
        ("# 2", ""),
        ("\t\t\tTweede Kamer der Staten-Generaal2", ""),
        ("ah-tk-20222023-3649", ""),
        ("Tweede Kamer, vergaderjaar 2022–2023, 33 009, nr. 123 4", ""),
    ],
)
def test_strip_furniture(line, rest):
    got, stripped, _ = strip_furniture(line)
    assert stripped
    assert got == rest


@pytest.mark.parametrize(
    "line",
    [
        "Zie ook Aanhangsel Handelingen, vergaderjaar 2022–2023, nr. 3276.",
        "De Tweede Kamer heeft een motie aangenomen.",
        "1 Nederlands Dagblad, 29 september 2023",
        "Antwoord 3",
    ],
)
def test_body_lines_are_not_furniture(line):
    assert strip_furniture(line) == (line, False, [])


def test_furniture_ids_are_collected():
    assert strip_furniture("h tk 20232024 387")[2] == ["ah-tk-20232024-387"]
    assert strip_furniture("Tweede Kamer, vergaderjaar 2022–2023, 33 009, nr. 123 4")[2] == [
        "kst-33009-123"
    ]
    assert len(FURNITURE) >= 10
