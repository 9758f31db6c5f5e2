"""Mapping conventions held by a golden graph: a small hand-made document (all of its parts)
mapped to RDF and compared as a graph with ``golden/NAME/expected.nt`` (sorted N-Triples, so
literals keep their lexical form).

Regenerate after an intended change with ``KAMERGRAPH_REGENERATE=1 pytest tests/pipeline``
and review the diff."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from kamergraph.builder import mapping, output
from kamergraph.builder.model import (
    KIND_QA_LIST,
    Amount,
    Answer,
    Asker,
    Citation,
    CrossReference,
    Document,
    Entity,
    Extraction,
    Footnote,
    Mention,
    Question,
    Relation,
    Signatory,
    Span,
    SubjectLetter,
)
from kamergraph.builder.validate import validate
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

GOLDEN = Path(__file__).parent / "golden"
KG = "https://w3id.org/kamergraph/def#"
KGT = "https://w3id.org/kamergraph/thesaurus/"
LOCAL = "https://w3id.org/kamergraph/id/doc/kst-1-2/entiteit/"

TEXT = (
    "De commissie vraagt de Minister van Economische Zaken en Klimaat.\n"
    "1\nSteunt de WBSO bedrijven in Eindhoven?\n"
    "Antwoord\nJa, de WBSO steunt hen. Zie antwoord op vraag 1. Het kost € 230 miljoen.\n"
    "1 Kamerstuk 35 788, nr. 77"
)


def span(text: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(text, start + 1)
    return Span(start, start + len(text), text)


def small_case() -> tuple[Document, Extraction]:
    answer = span("Ja, de WBSO steunt hen. Zie antwoord op vraag 1. Het kost € 230 miljoen.")
    document = Document(
        identifier="kst-1-2",
        identifier_source="user",
        kind=KIND_QA_LIST,
        text=TEXT,
        source="small.txt",
        questions=(Question((1,), span("Steunt de WBSO bedrijven in Eindhoven?")),),
        answers=(Answer((1,), answer, footnotes=(1,)),),
        asked_by=Asker(committee="vaste commissie voor Iets Anders"),
        addressed_to=("Minister van Economische Zaken en Klimaat",),
        answered_on="2023-06-20",
        adopted_on="2023-06",  # a partial date is left out (the range is xsd:date)
        subject_letter=SubjectLetter("kst-1-1", "2023-06-08", "een brief"),
        signed_by=(Signatory("voorzitter", "Klink"), Signatory("adjunct-griffier", "Van Dijke")),
        footnotes=(Footnote(1, span("Kamerstuk 35 788, nr. 77"), urls=("https://example.org/a",)),),
        citations=(
            Citation("kst-35788-77", span("Kamerstuk 35 788, nr. 77")),
            Citation("ah-tk-2022203-844", span("Kamerstuk"), flag="year 2022–203 is malformed"),
        ),
        cross_references=(CrossReference((1,), (1,), span("Zie antwoord op vraag 1")),),
        amounts=(Amount(Decimal("230000000"), "EUR", span("€ 230 miljoen"), "ruim"),),
        warnings=("question 1 has no heading",),
    )
    extraction = Extraction(
        entities=(
            Entity(f"{KGT}wbso", "WBSO", (f"{KG}TaxIncentive",), curated=True),
            Entity(f"{LOCAL}bedrijven", "bedrijven", (f"{KG}Topic",), False, "noun"),
        ),
        mentions=(
            Mention(span("WBSO"), f"{KGT}wbso"),
            Mention(span("WBSO", 1), f"{KGT}wbso"),
            Mention(span("bedrijven"), f"{LOCAL}bedrijven", via="pattern"),
        ),
        relations=(
            Relation(
                f"{KGT}wbso",
                f"{KG}fundsOrSupports",
                f"{LOCAL}bedrijven",
                rule="steunt",
                confidence=0.8,
                evidence=span("Ja, de WBSO steunt hen."),
            ),
        ),
        amount_targets=((0, f"{KGT}wbso"),),
    )
    return document, extraction


class _NoGazetteer:
    """Links nothing: every actor becomes a local node (the thesaurus is tested elsewhere)."""

    def match(self, text: str) -> list:
        return []


@pytest.mark.parametrize("case", ["mapping-small"])
def test_mapping_matches_the_golden_graph(case: str) -> None:
    document, extraction = small_case()
    graph = mapping.map_document(document, extraction, gazetteer=_NoGazetteer())
    expected_file = GOLDEN / case / "expected.nt"
    if os.environ.get("KAMERGRAPH_REGENERATE"):
        lines = sorted(output.quad_lines(graph, "g"))
        expected_file.write_text("".join(line[: -len(" <g> .")] + " .\n" for line in lines))
    expected = Graph().parse(expected_file, format="nt")
    if not isomorphic(graph, expected):
        _both, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(graph))
        pytest.fail(
            "mapping differs from the golden graph\nmissing:\n"
            + "\n".join(sorted(" ".join(t.n3() for t in triple) for triple in missing))
            + "\nextra:\n"
            + "\n".join(sorted(" ".join(t.n3() for t in triple) for triple in extra))
        )


def test_the_golden_graph_conforms_to_the_shapes() -> None:
    document, extraction = small_case()
    report = validate(mapping.map_document(document, extraction, gazetteer=_NoGazetteer()))
    assert report.conforms, "\n".join(report.lines())


def test_spans_are_relative_to_their_block() -> None:
    document, extraction = small_case()
    graph = mapping.map_document(document, extraction)
    for node, text in graph.query(
        "SELECT ?span ?text WHERE { ?span <%sanchorOf> ?text }" % KG  # noqa: UP031 (test only)
    ):
        context = graph.value(node, mapping.KG.inContext)
        whole = str(graph.value(context, mapping.KG.text))
        begin = int(graph.value(node, mapping.KG.beginIndex))
        end = int(graph.value(node, mapping.KG.endIndex))
        assert whole[begin:end] == str(text)
        assert str(node).endswith(f"/span/{begin}-{end}")


def test_a_different_base_moves_every_instance_iri() -> None:
    document, extraction = small_case()
    graph = mapping.map_document(document, extraction, base="http://example.org/kg/")
    subjects = {str(s) for s in graph.subjects()}
    assert not any(s.startswith("https://w3id.org/kamergraph/id/") for s in subjects)
    assert "http://example.org/kg/doc/kst-1-2" in subjects
    assert "http://example.org/kg/doc/kst-1-2/entiteit/bedrijven" in subjects
