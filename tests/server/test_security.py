"""Safety by default, against live servers: no outbound requests, nothing read from outside
the store, a timeout that really stops a query, updates only with the token."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import SMALL, LiveServer

pytestmark = pytest.mark.slow


class Listener:
    """A TCP listener the test controls; counts every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener():  # type: ignore[no-untyped-def]
    listening = Listener()
    yield listening
    listening.close()


def get(server: LiveServer, query: str, timeout: float = 30) -> tuple[int, dict]:
    url = server.sparql + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def post_update(server: LiveServer, update: str, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/sparql-update"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        server.sparql, data=update.encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_service_to_a_listener_makes_no_request(read_only_server, listener) -> None:  # type: ignore[no-untyped-def]
    for query in (
        f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}",
    ):
        status, body = get(read_only_server, query)
        assert status == 403
        assert "SERVICE is not allowed" in body["error"]["message"]
    time.sleep(0.5)
    assert listener.connections == 0


def test_from_file_reads_nothing(read_only_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://secret/s> <http://secret/p> "the secret" .\n', encoding="utf-8")
    for query in (
        f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
        f"SELECT ?o FROM NAMED <{secret.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT ?o WHERE {{ GRAPH <{secret.as_uri()}> {{ ?s ?p ?o }} }}",
    ):
        status, body = get(read_only_server, query)
        assert status == 200
        assert body["results"]["bindings"] == []  # a graph the store does not hold is empty


def test_from_http_fetches_nothing(read_only_server, listener) -> None:  # type: ignore[no-untyped-def]
    status, body = get(
        read_only_server, f"SELECT * FROM <http://127.0.0.1:{listener.port}/x> WHERE {{ ?s ?p ?o }}"
    )
    assert status == 200 and body["results"]["bindings"] == []
    time.sleep(0.5)
    assert listener.connections == 0


def test_read_only_by_default_refuses_updates(read_only_server) -> None:  # type: ignore[no-untyped-def]
    status, body = post_update(read_only_server, "CLEAR ALL")
    assert status == 403 and b"read-only" in body
    status, result = get(read_only_server, "ASK { ?s ?p ?o }")
    assert result["boolean"] is True  # nothing was cleared


def test_update_needs_the_token(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--enable-update", "--update-token", "s3cret")
    insert = "INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }"
    for token in (None, "wrong"):
        status, body = post_update(server, insert, token)
        assert status == 403 and b"token" in body
    assert get(server, "ASK { <http://x/s> ?p ?o }")[1]["boolean"] is False
    assert post_update(server, insert, "s3cret")[0] == 204
    assert get(server, "ASK { <http://x/s> ?p ?o }")[1]["boolean"] is True
    assert post_update(server, "LOAD <http://127.0.0.1:9/x.ttl>", "s3cret")[0] == 403


def test_timeout_stops_the_query_and_others_keep_answering(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--timeout", "2", "--workers", "2")
    cartesian = (
        "SELECT (COUNT(*) AS ?n) "
        "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?s }"
    )
    simple = "ASK { ?s a <https://w3id.org/kamergraph/def#Province> }"
    with ThreadPoolExecutor(4) as pool:
        started = time.monotonic()
        slow = pool.submit(get, server, cartesian, 60)
        time.sleep(0.3)
        quick = []
        while not slow.done():
            t0 = time.monotonic()
            status, body = get(server, simple, 10)
            quick.append((status, body.get("boolean"), time.monotonic() - t0))
            time.sleep(0.1)
        status, body = slow.result()
        elapsed = time.monotonic() - started
    assert status == 503
    assert (
        body["error"]["type"] == "QueryTimeout" and "time limit of 2 s" in body["error"]["message"]
    )
    assert elapsed < 8  # stopped at the limit, not when the query would have finished
    assert len(quick) >= 5 and all(s == 200 and b is True and t < 1.5 for s, b, t in quick)
    # the worker that ran it ended and gunicorn started another: the server is whole again
    assert all(get(server, simple)[1]["boolean"] is True for _ in range(6))
    assert "GET /sparql 503" in server.output()
    deadline = time.monotonic() + 20
    while server.output().count("serving http://") < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.output().count("serving http://") == 3  # two workers, and one replacement


def test_pool_timeout_without_gunicorn(small_store) -> None:  # type: ignore[no-untyped-def]
    """In-process use (tests, --get) runs queries in a worker-process pool: same limit."""
    from kamergraph.server.app import create_app
    from kamergraph.server.config import ServerConfig
    from kamergraph.server.executor import StoreSpec

    app = create_app(ServerConfig(store=StoreSpec(small_store), workers=1, timeout=1))
    try:
        client = app.test_client()
        cartesian = (
            "SELECT (COUNT(*) AS ?n) "
            "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
        )
        started = time.monotonic()
        response = client.get("/sparql", query_string={"query": cartesian})
        assert response.status_code == 503 and time.monotonic() - started < 5
        assert response.get_json()["error"]["type"] == "QueryTimeout"
        deadline = time.monotonic() + 30
        while app.extensions["kamergraph"].pool.alive() < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        ask = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert ask.get_json()["boolean"] is True  # a new worker took over
    finally:
        app.extensions["kamergraph"].pool.close()
