"""The validate() wrapper: typed results, readable lines, prefixed names."""

from __future__ import annotations

import time

from kamergraph.builder.validate import Severity, load_shapes, validate
from kamergraph.builder.vocab import KG, KGT
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef

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


def document_graph(questions: int = 13, mentions_per_block: int = 12) -> Graph:
    """A document graph shaped like the builder's: blocks, mentions, sentences, statements."""
    doc = URIRef("https://w3id.org/kamergraph/id/doc/kst-1-1")
    graph = Graph()
    graph.add((doc, RDF.type, KG.QAList))
    graph.add((doc, KG.officialIdentifier, Literal("kst-1-1")))
    sentence = "De minister van Economische Zaken steunt de campus in Eindhoven met geld. "
    for n in range(1, questions + 1):
        for kind, cls in (("vraag", KG.Question), ("antwoord", KG.Answer)):
            block = URIRef(f"{doc}/{kind}/{n}")
            text = sentence * mentions_per_block
            graph.add((block, RDF.type, cls))
            graph.add((block, KG.number, Literal(n)))
            graph.add((block, KG.text, Literal(text)))
            graph.add((block, KG.partOfDocument, doc))
            if cls == KG.Answer:
                graph.add((block, KG.answers, URIRef(f"{doc}/vraag/{n}")))
            for i in range(mentions_per_block):
                begin = i * len(sentence) + sentence.index("Eindhoven")
                end = begin + len("Eindhoven")
                span = URIRef(f"{block}/span/{begin}-{end}")
                graph.add((span, RDF.type, KG.Mention))
                graph.add((span, KG.inContext, block))
                graph.add((span, KG.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
                graph.add((span, KG.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
                graph.add((span, KG.anchorOf, Literal("Eindhoven")))
                graph.add((span, KG.denotes, KGT.eindhoven))
                graph.add((block, KG.mentions, KGT.eindhoven))
            if cls == KG.Answer:
                evidence = URIRef(f"{block}/span/0-{len(sentence) - 1}")
                graph.add((evidence, RDF.type, KG.Sentence))
                graph.add((evidence, KG.inContext, block))
                graph.add((evidence, KG.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)))
                end = Literal(len(sentence) - 1, datatype=XSD.nonNegativeInteger)
                graph.add((evidence, KG.endIndex, end))
                graph.add((evidence, KG.anchorOf, Literal(sentence[:-1])))
                statement = URIRef(f"{doc}/bewering/{n:012d}")
                graph.add((KGT.campus, KG.locatedIn, KGT.eindhoven))
                graph.add((statement, RDF.type, KG.Statement))
                graph.add((statement, RDF.subject, KGT.campus))
                graph.add((statement, RDF.predicate, KG.locatedIn))
                graph.add((statement, RDF.object, KGT.eindhoven))
                graph.add((statement, KG.evidence, evidence))
                graph.add((statement, KG.rule, Literal("located-in")))
                graph.add((statement, KG.confidence, Literal("0.8", datatype=XSD.decimal)))
    return graph


def test_validation_of_a_document_graph_is_fast():
    graph = document_graph()
    assert len(graph) > 2000
    validate(graph)  # warm up: shapes loaded, queries prepared
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        report = validate(graph)
        timings.append(time.perf_counter() - started)
    assert report.conforms, report.lines()
    print(f"validate: {len(graph)} triples in {min(timings):.2f} s")
    # about 0.3 s on an idle 2-core machine; the bound leaves room for a busy one but
    # catches a regression like re-parsing every SPARQL constraint (seconds)
    assert min(timings) < 1.5, timings


def test_document_graph_fixture_can_fail():
    graph = document_graph(questions=2, mentions_per_block=1)
    span = next(graph.subjects(RDF.type, KG.Mention))
    graph.set((span, KG.anchorOf, Literal("Eindhovn")))
    report = validate(graph)
    assert [r.shape for r in report.results] == ["kgsh:SpanTextShape"]


def test_sparql_constraints_are_answered_like_rdflib_would():
    """validate() answers pySHACL's SELECT queries with Oxigraph: same rows as rdflib."""
    from kamergraph.builder.validate import _as_graph

    graph = Graph().parse(
        data="""
        @prefix ex: <http://example.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:p [ ex:q "tekst"@nl ] ; ex:n "7"^^xsd:nonNegativeInteger ; ex:s "gewoon" .
        """,
        format="turtle",
    )
    query = (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT $this ?b ?label ?n ?s WHERE { $this ex:p ?b . ?b ex:q ?label . "
        "$this ex:n ?n ; ex:s ?s . FILTER (?n > 5) }"
    )
    bindings = {"this": URIRef("http://example.org/a")}
    fast = _as_graph(graph).query(query, initBindings=bindings)
    slow = Graph.query(graph, query, initBindings=bindings)
    rows = [r.asdict() for r in fast]
    expected = [r.asdict() for r in slow]
    # Oxigraph stores xsd:nonNegativeInteger as xsd:integer: the same number
    assert [str(r.pop("n")) for r in rows] == [str(r.pop("n")) for r in expected] == ["7"]
    assert rows == expected
    assert len(rows) == 1 and rows[0]["label"] == Literal("tekst", lang="nl")
