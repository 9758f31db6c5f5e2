"""The query lane (``server/lane.py``) answers exactly as the Flask view behind it would.

Each request is sent twice: through the app (the lane first) and to the Flask app alone
(the lane's ``app``). Status, body and the headers a client relies on must be the same.
"""

from __future__ import annotations

import logging
import urllib.parse

import pytest
from kamergraph.server.lane import QueryLane
from rdflib import Graph
from rdflib.compare import to_isomorphic
from werkzeug.test import Client

SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/kamergraph/def#Province> } ORDER BY ?s"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3"
FORM = "application/x-www-form-urlencoded"

REQUESTS = [
    ("GET", {"query": SELECT}, None, None, {}),
    ("GET", {"query": SELECT, "format": "csv"}, None, None, {}),
    ("GET", {"query": "ASK { ?s ?p ?o }"}, None, None, {"Accept": "text/tab-separated-values"}),
    ("GET", {"query": CONSTRUCT}, None, None, {"Accept": "text/turtle"}),
    ("GET", {"query": "SELECT ?s WHERE { ?s ?p ?o }"}, None, None, {}),  # over the row limit
    ("GET", {"query": SELECT, "default-graph-uri": "http://x/none"}, None, None, {}),
    ("GET", {"query": "SELEKT ?s WHERE {}"}, None, None, {}),  # syntax error: 400
    (
        "GET",
        {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
        None,
        None,
        {},
    ),  # 403
    ("GET", {"query": SELECT}, None, None, {"Accept": "image/png"}),  # 406
    ("GET", {}, None, None, {"Accept": "text/turtle"}),  # the service description
    ("POST", {}, FORM, urllib.parse.urlencode({"query": SELECT}), {}),
    (
        "POST",
        {},
        FORM + "; charset=UTF-8",
        urllib.parse.urlencode({"query": SELECT}),
        {"Accept": "application/sparql-results+xml"},
    ),
    ("POST", {}, FORM + "; charset=latin-1", urllib.parse.urlencode({"query": SELECT}), {}),
    ("POST", {}, FORM, urllib.parse.urlencode([("query", SELECT), ("query", SELECT)]), {}),
    ("POST", {"query": SELECT}, FORM, "", {}),  # query in the URL of a form POST: 400
    ("POST", {}, "application/sparql-query", SELECT, {}),
    ("POST", {"format": "json"}, "application/sparql-query", CONSTRUCT, {}),
    ("POST", {}, "application/sparql-query", "", {}),  # empty body: 400
    ("POST", {}, "text/plain", SELECT, {}),  # 415
    ("POST", {}, FORM, "query=%FF%FE", {}),  # not UTF-8
    ("POST", {}, "application/sparql-update", "INSERT DATA { <a:b> <a:c> <a:d> }", {}),  # 403
]

COMPARED_HEADERS = (
    "Content-Type",
    "Vary",
    "Access-Control-Allow-Origin",
    "Access-Control-Expose-Headers",
    "Kamergraph-Truncated",
)


@pytest.mark.parametrize(("method", "args", "media_type", "body", "headers"), REQUESTS)
def test_lane_answers_as_flask_does(app, method, args, media_type, body, headers) -> None:  # type: ignore[no-untyped-def]
    lane = app.wsgi_app
    assert isinstance(lane, QueryLane)
    answers = []
    for wsgi in (app, lane.app):
        response = Client(wsgi).open(
            "/sparql",
            method=method,
            query_string=args,
            data=body,
            content_type=media_type,
            headers=headers,
        )
        answer: object = response.get_data()
        if response.mimetype == "text/turtle":  # fresh blank nodes, prefixes in any order
            graph = Graph().parse(data=response.get_data(), format="turtle")
            answer = to_isomorphic(graph).graph_digest()
        answers.append(
            (
                response.status_code,
                answer,
                {name: response.headers.get(name) for name in COMPARED_HEADERS},
            )
        )
    assert answers[0] == answers[1]


def test_lane_takes_queries_and_leaves_the_rest_to_flask(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lane = app.wsgi_app
    passed_on: list[str] = []
    flask_app = lane.app

    def spy(environ, start_response):  # type: ignore[no-untyped-def]
        passed_on.append(environ["REQUEST_METHOD"] + " " + environ["PATH_INFO"])
        return flask_app(environ, start_response)

    monkeypatch.setattr(lane, "app", spy)
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": SELECT}).status_code == 200
    assert client.post("/sparql", data={"query": SELECT}).status_code == 200
    assert passed_on == []
    client.get("/sparql")  # the service description
    client.head("/sparql", query_string={"query": SELECT})
    client.post("/sparql", data="x", content_type="text/plain")
    client.get("/health")
    assert passed_on == ["GET /sparql", "HEAD /sparql", "POST /sparql", "GET /health"]


def test_lane_logs_one_line_per_query(app, caplog) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="kamergraph.server"):
        answer = client.get("/sparql", query_string={"query": SELECT})
        # written when the server is done with the answer (WSGI close), not before
        assert not [r for r in caplog.records if r.name == "kamergraph.server"]
        answer.close()
        client.get("/sparql", query_string={"query": "SELEKT"}).close()
    lines = [r.getMessage().split()[:3] for r in caplog.records if r.name == "kamergraph.server"]
    assert lines == [["GET", "/sparql", "200"], ["GET", "/sparql", "400"]]


def test_lane_refuses_a_body_over_the_limit_as_flask_does(app) -> None:  # type: ignore[no-untyped-def]
    big = urllib.parse.urlencode({"query": SELECT + " #" + "x" * 30_000})
    response = app.test_client().post("/sparql", data=big, content_type=FORM)
    assert response.status_code == 413
    assert response.get_json()["error"]["status"] == 413


def test_lane_answers_a_defect_with_the_json_500(app, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from kamergraph.server import lane

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(lane, "run_query", broken)
    with caplog.at_level(logging.ERROR, logger="kamergraph.server"):
        response = app.test_client().get("/sparql", query_string={"query": SELECT})
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {
            "status": 500,
            "type": "InternalError",
            "message": "internal server error (logged)",
        }
    }
    assert any("a bug" in (r.exc_text or "") or r.exc_info for r in caplog.records)
