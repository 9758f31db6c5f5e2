"""The SPARQL 1.1 Graph Store HTTP Protocol at /store: reads always, writes only when
updates are enabled and the token is sent."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from .conftest import SMALL

DOC_GRAPH = "https://w3id.org/kamergraph/id/graph/doc/kst-1"
NEW_GRAPH = "http://example.org/new-graph"
TURTLE = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> ."


def test_read_a_graph(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/store", query_string={"graph": DOC_GRAPH}, headers={"Accept": "application/n-triples"}
    )
    assert response.status_code == 200 and response.mimetype == "application/n-triples"
    triples = list(ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == 24  # the triples of the graph id:graph/doc/kst-1 in small.trig


@pytest.mark.parametrize(
    ("method", "query", "status"),
    [
        ("GET", {"graph": "http://example.org/none"}, 404),
        ("GET", {}, 400),
        ("PUT", {"graph": NEW_GRAPH}, 403),
        ("POST", {"default": ""}, 403),
        ("DELETE", {"graph": DOC_GRAPH}, 403),
    ],
)
def test_read_only_store(client, method, query, status) -> None:  # type: ignore[no-untyped-def]
    response = client.open(
        "/store", method=method, query_string=query, data=TURTLE, content_type="text/turtle"
    )
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == status


def call(
    url: str, method: str, body: bytes = b"", token: str | None = None, media: str = "text/turtle"
):  # type: ignore[no-untyped-def]
    headers = {"Content-Type": media, "Accept": "application/n-triples"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body or None, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.slow
def test_writes_with_the_token(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--enable-update", "--update-token", "s3cret")
    url = server.url + "/store?" + urllib.parse.urlencode({"graph": NEW_GRAPH})
    assert call(url, "PUT", TURTLE)[0] == 403  # no token
    assert call(url, "PUT", TURTLE, "s3cret")[0] == 201  # created
    assert call(url, "PUT", TURTLE, "s3cret")[0] == 204  # replaced
    more = b"<http://example.org/s> <http://example.org/p> <http://example.org/o2> ."
    assert call(url, "POST", more, "s3cret")[0] == 204  # merged
    status, body = call(url, "GET")
    assert status == 200 and len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))) == 2
    assert call(url, "PUT", b"not turtle <", "s3cret")[0] == 400
    assert call(url, "PUT", b"{}", "s3cret", media="application/trig")[0] == 415
    assert call(url, "DELETE", token="s3cret")[0] == 204
    assert call(url, "GET")[0] == 404
