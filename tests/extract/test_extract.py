"""Mentions: thesaurus labels, document-defined abbreviations, pattern-minted entities, and
references that depend on the speaker, the question or a demonstrative."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kamergraph.builder import extract, thesaurus
from kamergraph.builder.gazetteer import Gazetteer
from kamergraph.builder.model import Document, Extraction
from kamergraph.builder.vocab import KG


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def labels_of(extraction: Extraction) -> dict[str, str]:
    return {e.label: e.iri for e in extraction.entities}


def mentions_in(extraction: Extraction, document: Document, number: int, kind: str = "answer"):
    blocks = document.answers if kind == "answer" else document.questions
    block = next(b for b in blocks if number in b.numbers)
    return [
        (m.span.text, short(m.entity), m.via)
        for m in extraction.mentions
        if block.span.start <= m.span.start < block.span.end
    ]


def test_every_mention_points_at_its_text(seed_document, seed_extraction) -> None:
    assert seed_extraction.mentions
    for m in seed_extraction.mentions:
        assert seed_document.text[m.span.start : m.span.end] == m.span.text
    entities = {e.iri for e in seed_extraction.entities}
    assert {m.entity for m in seed_extraction.mentions} <= entities


def test_seed_mentions(seed_document, seed_extraction) -> None:
    answer_12 = mentions_in(seed_extraction, seed_document, 12)
    for surface, entity in [
        ("MOCW", "minister-ocw"),
        ("MIenW", "minister-ienw"),
        ("SIenW", "staatssecretaris-ienw"),
        ("MVRO", "minister-voor-vro"),
        ("Brainport Development", "brainport-development"),
        ("Brainportdeal", "brainportdeal"),
    ]:
        assert (surface, entity, "label") in answer_12
    answer_8 = {entity for _, entity, _ in mentions_in(seed_extraction, seed_document, 8)}
    assert {"rijksbijdrage", "wbso", "innovatiekrediet", "seed-capital", "mit", "efro"} <= answer_8


def test_speaker_references_are_the_answering_minister(seed_document, seed_extraction) -> None:
    answer_3 = mentions_in(seed_extraction, seed_document, 3)
    assert ("mijn departement", "ministerie-ezk", "context") in answer_3
    assert ("ik", "minister-ezk", "context") in answer_3
    # questions are not spoken by the minister
    question_3 = mentions_in(seed_extraction, seed_document, 3, "question")
    assert not [m for m in question_3 if m[2] == "context"]


def test_the_region_is_the_one_the_question_is_about(seed_document, seed_extraction) -> None:
    assert ("De regio", "brainportregio", "context") in mentions_in(
        seed_extraction, seed_document, 1
    )


def test_demonstrative_links_to_the_specific_entity(seed_document, seed_extraction) -> None:
    answer_2 = mentions_in(seed_extraction, seed_document, 2)
    assert ("IPCEI", "ipcei-micro-elektronica", "context") in answer_2
    assert ("IPCEI", "ipcei", "label") in answer_2  # a bare IPCEI elsewhere stays generic


def test_abbreviation_defined_in_the_document_links_later_mentions(
    gazetteer, make_document
) -> None:
    document = make_document(
        [
            (
                "Wat doet de Raad voor Zeewierzaken (RZW) met de motie?",
                "De RZW adviseert de Minister. Ik wacht het advies van de RZW af.",
            )
        ]
    )
    extraction = extract.extract(document, gazetteer)
    entity = labels_of(extraction)["Raad voor Zeewierzaken"]
    found = [(m.span.text, m.via) for m in extraction.mentions if m.entity == entity]
    assert found == [
        ("Raad voor Zeewierzaken", "label"),
        ("RZW", "abbreviation"),
        ("RZW", "abbreviation"),
        ("RZW", "abbreviation"),
    ]
    (minted,) = [e for e in extraction.entities if e.iri == entity]
    assert minted.curated is False and minted.pattern == "abbreviation"
    assert minted.iri.endswith("doc/kst-99999-1/entiteit/raad-voor-zeewierzaken")
    assert "RZW" in minted.alt_labels


def test_abbreviation_of_a_known_concept_is_a_local_label(gazetteer, make_document) -> None:
    document = make_document(
        [("Vraag?", "Zij spraken in de Raad Buitenlandse Zaken (RBZ). De RBZ besloot.")]
    )
    extraction = extract.extract(document, gazetteer)
    rbz = [m for m in extraction.mentions if m.span.text == "RBZ"]
    assert len(rbz) == 2 and len({m.entity for m in rbz}) == 1
    assert extraction.entities and all(
        e.curated for e in extraction.entities if e.iri == rbz[0].entity
    )


def test_pattern_entities_and_their_later_mentions(gazetteer, make_document) -> None:
    document = make_document(
        [
            (
                "Kent u de Wet kwaliteit kinderopvang en het Vlootfonds?",
                "De Wet kwaliteit kinderopvang kent geen uitzondering. Het Vlootfonds "
                "betaalt. De gemeente Nergenshuizen en de provincie Zeeland overleggen; "
                "Nergenshuizen wacht. Zie de motie van het lid Jansen en de Omgevingswet.",
            )
        ]
    )
    extraction = extract.extract(document, gazetteer)
    minted = {e.label: e for e in extraction.entities if not e.curated}
    assert minted["Wet kwaliteit kinderopvang"].types == (str(KG.Law),)
    assert minted["Vlootfonds"].types == (str(KG.Fund),)
    assert minted["Nergenshuizen"].types == (str(KG.Municipality),)
    assert minted["motie Jansen"].types == (str(KG.Motion),)
    assert "Omgevingswet" in labels_of(extraction)  # curated or minted, it is found
    law = minted["Wet kwaliteit kinderopvang"].iri
    assert sum(1 for m in extraction.mentions if m.entity == law) == 2
    nergenshuizen = minted["Nergenshuizen"].iri
    assert [m.span.text for m in extraction.mentions if m.entity == nergenshuizen] == [
        "gemeente Nergenshuizen",
        "Nergenshuizen",
    ]


def test_empty_thesaurus_still_finds_organisations_and_laws(tmp_path, corpus_document) -> None:
    empty = Gazetteer.from_thesaurus(thesaurus.load(tmp_path))
    document = corpus_document("ah-tk-20222023-3649")
    extraction = extract.extract(document, empty)
    names = {name: e for e in extraction.entities for name in (e.label, *e.alt_labels)}
    assert all(not e.curated for e in extraction.entities)
    assert str(KG.Law) in names["Wet natuurbescherming"].types
    assert str(KG.Regulation) in names["Regeling ammoniak en veehouderij"].types
    assert str(KG.Agency) in names["Centraal Bureau voor de Statistiek"].types
    assert "CBS" in names["Centraal Bureau voor de Statistiek"].alt_labels
    assert str(KG.AdvisoryBody) in names["Commissie Deskundigen Meststoffenwet"].types


def test_aanhangsel_speaker_comes_from_metadata(gazetteer, corpus_document) -> None:
    document = corpus_document("ah-tk-20232024-387")
    extraction = extract.extract(document, gazetteer)
    speakers = {short(m.entity) for m in extraction.mentions if m.span.text.lower() == "ik"}
    assert speakers == {"minister-bz"}


def test_motions_in_the_kaukasus_document(gazetteer, corpus_document) -> None:
    extraction = extract.extract(corpus_document("ah-tk-20232024-387"), gazetteer)
    motions = [e for e in extraction.entities if str(KG.Motion) in e.types]
    assert {e.label for e in motions} == {"motie Ceder", "motie Bikker en Omtzigt"}
    ceder = next(e.iri for e in motions if e.label == "motie Ceder")
    assert sum(1 for m in extraction.mentions if m.entity == ceder) >= 2


def test_extraction_of_the_seed_is_fast(seed_document, gazetteer) -> None:
    extract.extract(seed_document, gazetteer)  # warm the pattern cache
    started = time.perf_counter()
    extract.extract(seed_document, gazetteer)
    assert time.perf_counter() - started < 1.0


def test_extraction_is_deterministic(seed_document, gazetteer) -> None:
    assert extract.extract(seed_document, gazetteer) == extract.extract(seed_document, gazetteer)


_WORDS = [
    "de",
    "het",
    "Minister",
    "van",
    "OCW",
    "ik",
    "mijn",
    "departement",
    "regio",
    "Brainport",
    "(",
    ")",
    "RBZ",
    "Raad",
    "Buitenlandse",
    "Zaken",
    "gemeente",
    "Wet",
    "natuurbescherming",
    "via",
    "WBSO",
    "campussen",
    "investeert",
    "dit",
    "IPCEI",
    ",",
    ".",
    "\n",
    "motie",
    "lid",
    "Jansen",
    "Fonds",
    "Hieraan",
    "nemen",
    "deel:",
    "uit",
    "Philips",
    "zoals",
    "ASML",
    "en",
]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(_WORDS), max_size=40),
    st.lists(st.sampled_from(_WORDS), max_size=40),
)
def test_extraction_never_crashes_and_spans_hold(
    gazetteer, make_document, question, answer
) -> None:
    document = make_document(
        [(" ".join(question) or "?", " ".join(answer) or ".")],
        role="Minister van Buitenlandse Zaken",
    )
    extraction = extract.extract(document, gazetteer)
    for m in extraction.mentions:
        assert document.text[m.span.start : m.span.end] == m.span.text
    known = {e.iri for e in extraction.entities}
    assert {m.entity for m in extraction.mentions} <= known
    for r in extraction.relations:
        if r.evidence is not None:
            assert document.text[r.evidence.start : r.evidence.end] == r.evidence.text


def test_a_head_word_before_a_known_name_is_not_a_new_name(gazetteer, make_document) -> None:
    document = make_document(
        [("Wat doet u?", "Wij gebruiken de Regeling Seed Capital en het Landelijk Overleg WBSO.")]
    )
    extraction = extract.extract(document, gazetteer)
    minted = {e.label for e in extraction.entities if not e.curated}
    assert "Regeling Seed Capital" not in minted
    assert "Landelijk Overleg WBSO" in minted  # a name of its own around a known one
    assert "seed-capital" in {short(m.entity) for m in extraction.mentions}
