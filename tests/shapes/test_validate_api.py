"""The validate() wrapper: typed results, readable lines, prefixed names."""

from __future__ import annotations

import time

from kamergraph.builder.validate import Severity, load_shapes, validate
from rdflib import Dataset, Graph, URIRef

BAD = """
@prefix kg:  <https://w3id.org/kamergraph/def#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix d:   <https://w3id.org/kamergraph/id/doc/kst-1-1/> .
<https://w3id.org/kamergraph/id/doc/kst-1-1> a kg:QAList .
d:vraag\\/1 a kg:Question ; kg:number 1 ; kg:text "Wat kost het?" ;
    kg:partOfDocument <https://w3id.org/kamergraph/id/doc/kst-1-1> .
d:antwoord\\/1 a kg:Answer ; kg:number 1 ; kg:text "Het kost veel. Heel veel." ;
    kg:partOfDocument <https://w3id.org/kamergraph/id/doc/kst-1-1> ; kg:answers d:vraag\\/1 .
d:antwoord\\/1\\/span\\/15-19 a kg:Mention ; kg:inContext d:antwoord\\/1 ;
    kg:beginIndex "15"^^xsd:nonNegativeInteger ; kg:endIndex "19"^^xsd:nonNegativeInteger ;
    kg:anchorOf "Hool" ; kg:denotes kg:Thing .
"""


def test_violation_is_typed_and_readable():
    report = validate(Graph().parse(data=BAD, format="turtle"))
    assert not report.conforms
    (result,) = report.violations
    assert result.severity is Severity.VIOLATION
    assert result.focus_node == URIRef(
        "https://w3id.org/kamergraph/id/doc/kst-1-1/antwoord/1/span/15-19"
    )
    assert result.focus_name == "d:antwoord/1/span/15-19"
    assert result.focus_label == "Hool"
    assert result.source_sentence == "Heel veel."
    assert "d:antwoord/1/span/15-19" in result.message
    assert '"Hool"' in result.message and '"Heel"' in result.message
    line = result.line("kst-1-1")
    assert line.startswith("kst-1-1: Violation: d:antwoord/1/span/15-19 (“Hool”)")
    assert "\n" not in line


def test_dataset_is_validated_as_a_whole():
    dataset = Dataset()
    dataset.graph(URIRef("urn:x:g1")).parse(data=BAD, format="turtle")
    report = validate(dataset)
    assert len(report.violations) == 1
    assert report.violations[0].focus_name == "d:antwoord/1/span/15-19"


def test_default_prefix_for_instance_iris_when_the_graph_binds_none():
    ntriples = Graph().parse(data=BAD, format="turtle").serialize(format="nt")
    report = validate(Graph(bind_namespaces="none").parse(data=ntriples, format="nt"))
    assert report.violations[0].focus_name == "id:doc/kst-1-1/antwoord/1/span/15-19"


def test_load_shapes_is_cached():
    assert load_shapes() is load_shapes()


def test_validation_of_a_few_thousand_triples_is_fast():
    graph = Graph()
    base = "https://w3id.org/kamergraph/id/doc/kst-1-{n}/"
    for n in range(60):
        graph.parse(
            data=BAD.replace("kst-1-1", f"kst-1-{n}").replace("Hool", "Heel"), format="turtle"
        )
    for n in range(60):
        for i in range(30):
            graph.add((URIRef(base.format(n=n) + f"x{i}"), URIRef("urn:p"), URIRef("urn:o")))
    assert len(graph) > 2000
    validate(graph)  # warm up
    started = time.perf_counter()
    report = validate(graph)
    elapsed = time.perf_counter() - started
    assert report.conforms, report.lines()
    assert elapsed < 1.0, elapsed
