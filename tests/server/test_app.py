"""The app in-process (Flask test client) over the small fixture graph, read-only defaults."""

from __future__ import annotations

import csv
import io
import json
import logging

import pyoxigraph as ox
import pytest

SELECT = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } "
    "ORDER BY ?label"
)
CONSTRUCT = "CONSTRUCT WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }"
ASK = "ASK { ?s a <https://w3id.org/kamergraph/def#Province> }"


def error_of(response) -> dict:  # type: ignore[no-untyped-def]
    """The one error shape; fails the test if the body is anything else."""
    assert response.content_type == "application/json; charset=utf-8"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "type", "message"}
    assert body["error"]["status"] == response.status_code
    assert body["error"]["message"] and "\n" not in body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    ("accept", "content_type", "parse_as"),
    [
        (
            "application/sparql-results+json",
            "application/sparql-results+json; charset=utf-8",
            ox.QueryResultsFormat.JSON,
        ),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/csv", "text/csv; charset=utf-8", None),
        (
            "text/tab-separated-values",
            "text/tab-separated-values; charset=utf-8",
            ox.QueryResultsFormat.TSV,
        ),
    ],
)
def test_select_formats(client, accept, content_type, parse_as) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    if parse_as is None:  # CSV is lossy: pyoxigraph does not read it back
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        labels = [row["label"] for row in rows]
    else:
        labels = [s["label"].value for s in ox.parse_query_results(response.data, format=parse_as)]
    assert labels == ["Brainport", "Brainport", "Noord-Brabant"]


@pytest.mark.parametrize(
    ("accept", "format_param", "rdf_format"),
    [
        ("text/turtle", None, ox.RdfFormat.TURTLE),
        ("application/n-triples", None, ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", None, ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", None, ox.RdfFormat.RDF_XML),
        ("application/trig", None, ox.RdfFormat.TRIG),
        ("application/n-quads", None, ox.RdfFormat.N_QUADS),
        ("text/turtle", "nt", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_construct_formats(client, accept, format_param, rdf_format) -> None:  # type: ignore[no-untyped-def]
    args = {"query": CONSTRUCT, **({"format": format_param} if format_param else {})}
    response = client.get("/sparql", query_string=args, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == rdf_format.media_type
    parsed = list(ox.parse(response.data, format=rdf_format))
    assert len(parsed) == 3


def test_ask_json_and_xml(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/sparql", data=ASK, content_type="application/sparql-query")
    assert response.get_json() == {"head": {}, "boolean": True}
    response = client.get(
        "/sparql", query_string={"query": ASK}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert bool(ox.parse_query_results(response.data, format=ox.QueryResultsFormat.XML)) is True


def test_default_graph_is_the_union_and_protocol_dataset_narrows_it(client) -> None:  # type: ignore[no-untyped-def]
    doc = "https://w3id.org/kamergraph/id/graph/doc/kst-1"
    q = "ASK { ?s a <https://w3id.org/kamergraph/def#Province> }"
    assert client.get("/sparql", query_string={"query": q}).get_json()["boolean"] is True
    narrowed = client.get("/sparql", query_string={"query": q, "default-graph-uri": doc})
    assert narrowed.get_json()["boolean"] is False
    unknown = client.get(
        "/sparql",
        query_string={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "http://nowhere/"},
    )
    assert unknown.get_json()["boolean"] is False  # a graph the store does not hold is empty


def test_head_is_get_without_a_body(client) -> None:  # type: ignore[no-untyped-def]
    response = client.head("/sparql", query_string={"query": ASK})
    assert response.status_code == 200 and response.data == b""
    assert response.mimetype == "application/sparql-results+json"


def test_row_limit_truncates_and_says_so(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    assert len(response.get_json()["results"]["bindings"]) == 5
    assert response.headers["Kamergraph-Truncated"] == "max-rows=5"
    small = client.get("/sparql", query_string={"query": ASK})
    assert "Kamergraph-Truncated" not in small.headers


@pytest.mark.parametrize(
    ("request_args", "status", "kind"),
    [
        ({"method": "GET", "query_string": {"query": "SELECT * {"}}, 400, "QueryError"),
        ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 405, "MethodNotAllowed"),
        (
            {"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]},
            400,
            "UsageError",
        ),
        (
            {"method": "POST", "data": "ASK {}", "content_type": "text/plain"},
            415,
            "UnsupportedMediaType",
        ),
        (
            {"method": "POST", "data": "CLEAR ALL", "content_type": "application/sparql-update"},
            403,
            "Forbidden",
        ),
        ({"method": "PUT", "data": "x", "content_type": "text/turtle"}, 405, "MethodNotAllowed"),
        (
            {
                "method": "GET",
                "query_string": {"query": "ASK {}"},
                "headers": {"Accept": "image/png"},
            },
            406,
            "NotAcceptable",
        ),
        (
            {"method": "GET", "query_string": {"query": "ASK {}", "format": "turtle"}},
            400,
            "UsageError",
        ),
        (
            {
                "method": "POST",
                "data": "ASK {} #" + "x" * 30_000,
                "content_type": "application/sparql-query",
            },
            413,
            "RequestEntityTooLarge",
        ),
        (
            {
                "method": "GET",
                "query_string": {
                    "query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
                },
            },
            403,
            "Forbidden",
        ),
    ],
)
def test_error_shape(client, request_args, status, kind) -> None:  # type: ignore[no-untyped-def]
    response = client.open("/sparql", **request_args)
    assert response.status_code == status
    assert error_of(response)["type"] == kind


def test_unknown_route_and_entity_give_the_error_shape(client) -> None:  # type: ignore[no-untyped-def]
    assert error_of(client.get("/no/such/page"))["type"] == "NotFound"
    missing = client.get("/kamergraph/id/doc/none")
    assert missing.status_code == 404 and "nothing is known" in error_of(missing)["message"]


def test_cors_on_reads(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": ASK})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    posted = client.post("/sparql", data=ASK, content_type="application/sparql-query")
    assert posted.headers["Access-Control-Allow-Origin"] == "*"
    assert "Kamergraph-Truncated" in posted.headers["Access-Control-Expose-Headers"]
    refused = client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update")
    assert "Access-Control-Allow-Origin" not in refused.headers  # updates are not reads
    preflight = client.options(
        "/sparql", headers={"Origin": "http://elsewhere", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_service_description_names_the_endpoint_used(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/sparql", base_url="http://sparql.example:8080", headers={"Accept": "text/turtle"}
    )
    assert response.mimetype == "text/turtle"
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = [t.object.value for t in triples if t.predicate.value == sd + "endpoint"]
    assert endpoints == ["http://sparql.example:8080/sparql"]
    names = {t.object.value for t in triples if t.predicate.value == sd + "name"}
    assert "https://w3id.org/kamergraph/id/graph/doc/kst-1" in names
    # the dataset description (VoID/DCAT) of the build comes along
    assert any(t.object.value == "http://rdfs.org/ns/void#Dataset" for t in triples)
    languages = {t.object.value for t in triples if t.predicate.value == sd + "supportedLanguage"}
    assert languages == {sd + "SPARQL11Query"}  # read-only: no update language


def test_entity_page_html(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/thesaurus/brainport", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<h1 id="label">Brainport</h1>' in html
    assert 'href="http://www.wikidata.org/entity/Q4955406"' in html  # identifier as a link
    assert 'href="/thesaurus/noord-brabant"' in html  # relation out, to a local page
    assert 'href="/kamergraph/id/doc/kst-1/antwoord/1"' in html  # relation in / mention block
    assert "Het kabinet steunt <mark>Brainport</mark> met geld." in html  # the sentence
    assert "Graag een antwoord" not in html  # not the whole block


def test_question_page_shows_its_text(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/kamergraph/id/doc/kst-1/vraag/1").get_data(as_text=True)
    assert "Wat doet het kabinet voor Brainport? Graag een antwoord." in html
    assert 'href="/thesaurus/brainport"' in html


@pytest.mark.parametrize(
    ("accept", "rdf_format"),
    [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)],
)
def test_entity_page_rdf(client, accept, rdf_format) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/thesaurus/noord-brabant", headers={"Accept": accept})
    assert response.mimetype == rdf_format.media_type
    triples = list(ox.parse(response.data, format=rdf_format))
    subjects = {t.subject.value for t in triples}
    assert subjects == {
        "https://w3id.org/kamergraph/thesaurus/noord-brabant",
        "https://w3id.org/kamergraph/thesaurus/brainport",  # both ways: brainport locatedIn it
    }


def test_generic_page_by_iri(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/page", query_string={"iri": "https://w3id.org/kamergraph/id/doc/kst-1"})
    assert response.status_code == 200
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-1"' in response.get_data(as_text=True)


def test_query_page_lists_named_queries(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").get_data(as_text=True)
    assert "Entities mentioned" in html and "Located in a region" in html
    assert "/yasgui/yasgui.min.js" in html
    listed = json.loads(client.get("/queries").data)
    assert [q["name"] for q in listed] == ["entities-mentioned", "located-in"]
    assert listed[1]["params"] == ["region"]


def test_yasgui_is_served_from_node_modules(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/yasgui/yasgui.min.js")
    assert response.status_code == 200 and b"Yasgui" in response.data
    response.close()


def test_health(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/health").get_json() == {"status": "ok", "workers": 1, "of": 1}


def test_one_log_line_per_request(client, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.INFO, logger="kamergraph.server"):
        client.get("/health")
    lines = [r.getMessage() for r in caplog.records if r.name == "kamergraph.server"]
    assert len(lines) == 1
    method, path, status, ms = lines[0].split()
    assert (method, path, status) == ("GET", "/health", "200") and ms.endswith("ms")


def test_entity_page_puts_inferred_statements_apart(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/thesaurus/brainport").get_data(as_text=True)
    asserted, _, inferred = html.partition('<details class="inferred" id="inferred">')
    assert inferred, "no section of inferred statements"
    # asserted in the schema graph (and derived again): shown as asserted only
    assert "skos:Concept" in asserted and "skos:Concept" not in inferred
    # only derived: in the collapsed section, not among the asserted statements
    assert "owl:Thing" in inferred and "owl:Thing" not in asserted
    assert "dcterms:references" in inferred and "dcterms:references" not in asserted
    assert "kg:mentions" in asserted  # the asserted incoming statement stays in place


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize(("limit_query", "rows", "truncated"), [(5, 5, False), (6, 5, True)])
def test_row_limit_in_every_format(client, fmt, limit_query, rows, truncated) -> None:  # type: ignore[no-untyped-def]
    # the engine writes answers within the limit itself; one past it is cut row by row
    query = f"SELECT ?s ?o {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT {limit_query}"
    response = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200
    assert ("Kamergraph-Truncated" in response.headers) is truncated
    body = response.get_data(as_text=True)
    if fmt == "json":
        assert len(json.loads(body)["results"]["bindings"]) == rows
    elif fmt == "xml":
        assert body.count("<result>") == rows
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(body)))) == rows + 1
    else:
        assert len(body.splitlines()) == rows + 1


def test_answers_are_cached_only_while_read_only(app, client, small_store) -> None:  # type: ignore[no-untyped-def]
    from kamergraph.server.app import create_app
    from kamergraph.server.config import ServerConfig
    from kamergraph.server.executor import StoreSpec

    cache = app.extensions["kamergraph"].cache
    query = "SELECT ?s { ?s a ?type } ORDER BY ?s LIMIT 2 # cache test"
    first = client.get("/sparql", query_string={"query": query})
    held = len(cache)
    again = client.get("/sparql", query_string={"query": query})
    assert again.data == first.data and len(cache) == held  # answered from the cache
    as_csv = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert as_csv.mimetype == "text/csv" and len(cache) == held + 1  # the format is in the key
    refused = client.get("/sparql", query_string={"query": "SELECT * { SERVICE <http://x/> {} }"})
    assert refused.status_code == 403 and len(cache) == held + 1  # errors are not kept
    writable = ServerConfig(
        store=StoreSpec(small_store), workers=1, enable_update=True, cache_entries=256
    )
    assert ServerConfig(store=StoreSpec(small_store), cache_entries=0).cache_entries == 0
    updating = create_app(writable, pool=app.extensions["kamergraph"].pool)
    assert updating.extensions["kamergraph"].cache is None


def test_answer_cache_drops_the_least_recently_used() -> None:
    from kamergraph.server.cache import AnswerCache
    from kamergraph.server.executor import Answer, Job

    cache = AnswerCache(2, max_body=10)
    jobs = [Job("query", f"ASK {{}} # {i}") for i in range(3)]
    cache.put(jobs[0], Answer(b"0", None))
    cache.put(jobs[1], Answer(b"1", None))
    assert cache.get(jobs[0]) is not None  # now the most recently used
    cache.put(jobs[2], Answer(b"2", None))
    assert cache.get(jobs[1]) is None and cache.get(jobs[0]) is not None
    cache.put(jobs[1], Answer(b"x" * 11, None))  # too large to keep
    assert cache.get(jobs[1]) is None
    small = AnswerCache(10, max_body=10, max_total=15)
    for job in jobs:
        small.put(job, Answer(b"x" * 6, None))  # 18 bytes in all: the oldest goes
    assert small.get(jobs[0]) is None and small.get(jobs[2]) is not None and len(small) == 2
