"""A client library's view: SPARQLWrapper against a live read-only server."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import GET, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper

pytestmark = pytest.mark.slow

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def wrapper(server, method=GET, request_method=None):  # type: ignore[no-untyped-def]
    sparql = SPARQLWrapper(server.sparql)
    sparql.setMethod(method)
    if request_method:
        sparql.setRequestMethod(request_method)
    return sparql


def test_select_json(read_only_server) -> None:  # type: ignore[no-untyped-def]
    sparql = wrapper(read_only_server)
    sparql.setQuery(
        f"SELECT ?label WHERE {{ ?s <{SKOS_PREF}> ?label FILTER(LANG(?label) = 'nl') }} "
        "ORDER BY ?label"
    )
    sparql.setReturnFormat(JSON)
    result = sparql.queryAndConvert()
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == [
        "Brainport",
        "Noord-Brabant",
    ]
    assert result["results"]["bindings"][0]["label"]["xml:lang"] == "nl"


def test_ask(read_only_server) -> None:  # type: ignore[no-untyped-def]
    sparql = wrapper(read_only_server)
    sparql.setQuery("ASK { ?s a <https://w3id.org/kamergraph/def#Province> }")
    sparql.setReturnFormat(JSON)
    assert sparql.queryAndConvert()["boolean"] is True


def test_construct_turtle(read_only_server) -> None:  # type: ignore[no-untyped-def]
    sparql = wrapper(read_only_server)
    sparql.setQuery(f"CONSTRUCT WHERE {{ ?s <{SKOS_PREF}> ?o }}")
    sparql.setReturnFormat(TURTLE)
    response = sparql.query()
    assert response.response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.convert(), format="turtle")
    assert len(graph) == 3
    assert (
        URIRef("https://w3id.org/kamergraph/thesaurus/noord-brabant"),
        URIRef(SKOS_PREF),
        None,
    ) in graph


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_post(read_only_server, request_method) -> None:  # type: ignore[no-untyped-def]
    sparql = wrapper(read_only_server, POST, request_method)
    sparql.setQuery(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kamergraph/def#Mention> }"
    )
    sparql.setReturnFormat(JSON)
    result = sparql.queryAndConvert()
    assert result["results"]["bindings"][0]["n"]["value"] == "2"
