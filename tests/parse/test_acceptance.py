"""The seed and every corpus document give exactly what the acceptance files list."""

from __future__ import annotations

import pytest
from kamergraph.builder.parse import to_json

from .conftest import CORPUS_FILES


def _pairs(cross_references: list[dict]) -> set[tuple[tuple[int, ...], int]]:
    """{"from": [11], "to": [2, 5]} -> {((11,), 2), ((11,), 5)}, as the acceptance files list."""
    return {(tuple(x["from"]), to) for x in cross_references for to in x["to"]}


def _expected_pairs(listed: list) -> set[tuple[tuple[int, ...], int]]:
    return {(tuple(source), target) for source, target in listed}


def _check_common(got: dict, want: dict) -> None:
    assert got["identifier"] == want["identifier"]
    assert got["kind"] == want["kind"]
    assert got["question_numbers"] == want["question_numbers"]
    assert all(q["text"].strip() for q in got["questions"])
    assert all(a["text"].strip() for a in got["answers"])
    assert got["answer_blocks"] == want["answer_blocks"]
    assert [a["numbers"] for a in got["answers"]] == want["answer_blocks"]
    assert got["asked_by"] == want["asked_by"]
    assert got["addressed_to"] == want["addressed_to"]
    assert _pairs(got["cross_references"]) == _expected_pairs(want.get("cross_references", []))
    assert sorted(got["cited_ids"]) == sorted(want["cited_ids"])
    assert len(got["cited_ids"]) == len(set(got["cited_ids"]))
    amounts = [
        {k: v for k, v in a.items() if k in ("value", "currency", "qualifier") and v is not None}
        for a in got["amounts"]
    ]
    wanted_amounts = [
        {k: v for k, v in a.items() if k in ("value", "currency", "qualifier")}
        for a in want.get("amounts", [])
    ]
    assert amounts == wanted_amounts


def test_seed_document(seed_document, seed_acceptance):
    want = seed_acceptance["document"]
    got = to_json(seed_document)
    _check_common(got, want)
    assert seed_document.identifier_source == "user"
    assert got["subject_letter"] == want["subject_letter"]
    assert got["answered_on"] == want["answered_on"]
    assert got["signed_by"] == want["signed_by"]
    assert got["see_also"] == []


def test_seed_question_starts_and_answer_11(seed_document, seed_acceptance):
    want = seed_acceptance["document"]
    questions = {q.numbers[0]: q for q in seed_document.questions}
    for number, start in want["question_starts"].items():
        assert questions[int(number)].text.startswith(start)
    answers = {a.numbers: a for a in seed_document.answers}
    assert answers[(11,)].text == want["answer_11_text"]


def test_seed_dehyphenation(seed_document, seed_acceptance):
    rules = seed_acceptance["document"]["dehyphenation"]
    text = seed_document.text
    missing = [w for w in rules["must_contain"] if w not in text]
    present = [w for w in rules["must_not_contain"] if w in text]
    assert missing == []
    assert present == []
    # elisions stay as written
    assert "onderwijs- en kennisinstellingen" in text
    assert "kennis- en innovatie" in text
    assert "mkb-bedrijven" in text


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_document(name, corpus_documents, corpus_acceptance):
    want = corpus_acceptance["documents"][name]
    got = to_json(corpus_documents[name])
    _check_common(got, want)
    assert corpus_documents[name].identifier_source == "text"
    assert got["answered_by"] == want["answered_by"]
    assert got["submitted_on"] == want["submitted_on"]
    assert got["answered_on"] == want["answered_on"]
    assert got["see_also"] == want.get("see_also", [])


def test_lost_heading_recovered_as_incomplete_question(corpus_documents):
    doc = corpus_documents["ah-tk-20232024-302_vws_nza-data.txt"]
    q2 = next(q for q in doc.questions if q.numbers == (2,))
    a1 = next(a for a in doc.answers if a.numbers == (1,))
    assert q2.incomplete
    assert q2.text.startswith("van een zogeheten privacyverklaring voor cliënten in de ggz")
    assert q2.text.endswith("bekend zijn met de privacyverklaring in de ggz?")
    assert "privacyverklaring voor cliënten" not in a1.text
    assert a1.text.endswith("met de NZa worden gedeeld.")
    assert any("question 2" in w and "lost" in w for w in doc.warnings)
    assert [q.numbers for q in doc.questions if q.incomplete] == [(2,)]


def test_malformed_aanhangsel_year_is_flagged_not_corrected(corpus_documents):
    doc = corpus_documents["ah-tk-20222023-3649_lnv_stalvloer.txt"]
    flagged = [c for c in doc.citations if c.flag]
    assert len(flagged) == 1
    assert flagged[0].span.text == "Aanhangsel Handelingen, vergaderjaar 2022–203, nr. 844"
    assert "2022–203" in flagged[0].flag
    assert "ah-tk-20222023-844" not in to_json(doc)["cited_ids"]
    assert not any(c.identifier == "ah-tk-20222023-844" for c in doc.citations)


def test_flat_document_rejoins_words_and_keeps_elisions(corpus_documents):
    doc = corpus_documents["ah-tk-20142015-698_vws_ziekenhuisrekeningen_flat.txt"]
    text = doc.text
    for word in (
        "zorgverzekeraars, in overleg",
        "declaratiesysteem",
        "zorgaanbieders zelf",
        "goedkeurende verklaring",
        "ziekenhuizen als gevolg",
        "ziekenhuisnota",
    ):
        assert word in text
    for broken in ("zorgverzeke- raars", "declaratiesys- teem", "zieken- huis"):
        assert broken not in text
    assert "lichte en zware producten" in text


def test_question_interrupted_by_footnotes_continues(corpus_documents):
    doc = corpus_documents["ah-tk-20142015-698_vws_ziekenhuisrekeningen_flat.txt"]
    q = next(q for q in doc.questions if q.numbers == (2, 3))
    assert "voorlichting wordt gegeven aan verzekerden? Zo nee" in q.text
    assert q.text.endswith("hoe gaat u de zorgverzekeraars bewegen dit dan toch te doen?")
    assert q.footnotes == (3, 4)


@pytest.mark.parametrize(
    "name, block, numbers, footnotes",
    [
        ("ah-tk-20232024-387_bz_kaukasus.txt", "q", (1,), (1, 2)),
        ("ah-tk-20232024-387_bz_kaukasus.txt", "a", (3,), (4, 5)),
        ("ah-tk-20232024-387_bz_kaukasus.txt", "a", (2,), (3,)),
        ("ah-tk-20232024-302_vws_nza-data.txt", "a", (4,), (4, 5)),
        ("ah-tk-20232024-302_vws_nza-data.txt", "a", (7,), (8, 9, 10)),
        ("ah-tk-20222023-3649_lnv_stalvloer.txt", "q", (1,), (1,)),
        ("ah-tk-20222023-3649_lnv_stalvloer.txt", "a", (14,), (4, 5, 6)),
        ("ah-tk-20142015-698_vws_ziekenhuisrekeningen_flat.txt", "q", (1,), (1, 2)),
    ],
)
def test_footnote_markers_resolve_to_blocks(corpus_documents, name, block, numbers, footnotes):
    doc = corpus_documents[name]
    blocks = doc.questions if block == "q" else doc.answers
    assert next(b for b in blocks if b.numbers == numbers).footnotes == footnotes


def test_citations_in_footnotes_are_attributable(corpus_documents):
    doc = corpus_documents["ah-tk-20232024-387_bz_kaukasus.txt"]
    note = next(f for f in doc.footnotes if f.number == 4)
    cited_in_note = [
        c.identifier for c in doc.citations if note.span.start <= c.span.start < note.span.end
    ]
    assert cited_in_note == ["kst-21501-02-2732"]
    a3 = next(a for a in doc.answers if a.numbers == (3,))
    assert 4 in a3.footnotes
    assert note.marker_offset is not None
    assert a3.span.start <= note.marker_offset <= a3.span.end


def test_footnote_urls(corpus_documents):
    doc = corpus_documents["ah-tk-20232024-302_vws_nza-data.txt"]
    note = next(f for f in doc.footnotes if f.number == 2)
    assert note.urls == ("https://puc.overheid.nl/nza/doc/PUC_743104_22/1/",)


def test_seed_quantities(seed_document):
    found = {(q.unit, str(q.value), q.noun) for q in seed_document.quantities}
    assert ("count", "72000", "nieuwe werkplekken") in found
    assert ("percent", "60", None) in found
