"""The HTTP worker (``server/keepalive.py``): connections kept alive between requests, one
request at a time per process, and the query time limit still ending only the process that
ran the query."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from kamergraph.server.keepalive import SHED_AFTER

from .conftest import SMALL, LiveServer

ASK = "ASK { ?s a <https://w3id.org/kamergraph/def#Province> }"
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) "
    "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?s }"
)


def connect(server: LiveServer, timeout: float = 30) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(server.url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def ask(connection: http.client.HTTPConnection, query: str = ASK) -> tuple[int, dict, dict]:
    connection.request(
        "POST",
        "/sparql",
        body=urllib.parse.urlencode({"query": query}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    response = connection.getresponse()
    body = json.loads(response.read())
    return response.status, body, dict(response.getheaders())


def closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_many_requests_on_one_connection(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--workers", "2")
    connection = connect(server)
    try:
        ask(connection)
        first_socket = connection.sock
        for _ in range(50):
            status, body, headers = ask(connection)
            assert status == 200 and body["boolean"] is True
            assert headers.get("Connection", "keep-alive").lower() == "keep-alive"
        assert connection.sock is first_socket  # never reconnected
    finally:
        connection.close()


def test_pipelined_requests_are_all_answered(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--workers", "1")
    port = urllib.parse.urlsplit(server.url).port
    query = urllib.parse.quote(ASK)
    one = (
        f"GET /sparql?query={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Accept: application/sparql-results+json\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((one * 3).encode())  # three requests in one write
        received = b""
        deadline = time.monotonic() + 10
        while received.count(b'"boolean":true') < 3 and time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 3
    assert received.count(b'"boolean":true') == 3


def test_connection_close_is_honoured(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--workers", "1")
    port = urllib.parse.urlsplit(server.url).port
    request = (
        f"GET /sparql?query={urllib.parse.quote(ASK)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Connection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        received = b""
        while chunk := sock.recv(65536):  # ends when the server closes
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in received


def test_idle_connections_let_go_while_a_query_runs_long(live_server) -> None:  # type: ignore[no-untyped-def]
    """A client kept by a process busy with a long query is not left waiting behind it."""
    server = live_server(str(SMALL), "--workers", "1", "--timeout", "4")
    idle = connect(server)
    assert ask(idle)[0] == 200  # now an idle connection held by the only worker
    busy = connect(server, 60)
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(ask, busy, CARTESIAN)
        time.sleep(0.3)
        assert idle.sock is not None
        started = time.monotonic()
        assert closed_by_server(idle.sock, SHED_AFTER + 2)
        assert time.monotonic() - started < SHED_AFTER + 2
        status, body, headers = slow.result()
    idle.close()
    busy.close()
    assert status == 503 and body["error"]["type"] == "QueryTimeout"
    assert headers.get("Connection", "").lower() == "close"
    # the process that ran it ended; its replacement answers on a new connection
    deadline = time.monotonic() + 30
    while True:
        try:
            fresh = connect(server, 10)
            assert ask(fresh)[0] == 200
            fresh.close()
            break
        except (ConnectionError, http.client.HTTPException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_timeout_leaves_kept_connections_to_other_workers_working(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--workers", "3", "--timeout", "4")
    kept = [connect(server) for _ in range(3)]
    for connection in kept:
        assert ask(connection)[0] == 200
    busy = connect(server, 60)
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(ask, busy, CARTESIAN)
        answered = failed = 0
        longest = 0.0
        while not slow.done():
            for i, connection in enumerate(kept):
                try:
                    started = time.monotonic()
                    status, body, _ = ask(connection)
                    answered += status == 200 and body["boolean"] is True
                    longest = max(longest, time.monotonic() - started)
                except (ConnectionError, http.client.HTTPException):
                    failed += 1  # its idle connection was let go: open a new one
                    connection.close()
                    kept[i] = connect(server)
            time.sleep(0.05)
        assert slow.result()[0] == 503
    busy.close()
    # a connection held by the busy process waits at most until its helper thread answers
    assert answered >= 6 and longest < SHED_AFTER + 1.5
    assert failed <= len(kept)  # at most once per connection, never an answer lost midway
    for connection in kept:
        connection.close()


def test_idle_connections_close_after_the_keepalive_time(live_server) -> None:  # type: ignore[no-untyped-def]
    server = live_server(str(SMALL), "--workers", "1")
    connection = connect(server)
    assert ask(connection)[0] == 200
    assert connection.sock is not None
    assert not closed_by_server(connection.sock, 3)  # kept for a while (5 s)
    assert closed_by_server(connection.sock, 5)  # then let go
    connection.close()


def test_a_busy_client_is_answered_beside_a_long_query_without_losing_requests(live_server) -> None:  # type: ignore[no-untyped-def]
    """A client sending one request after another on a connection held by the process that
    runs a long query keeps being answered on that connection (by the helper thread) until
    the query's time limit ends the process."""
    server = live_server(str(SMALL), "--workers", "1", "--timeout", "5")
    active = connect(server)
    assert ask(active)[0] == 200
    busy = connect(server, 60)
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(ask, busy, CARTESIAN)
        time.sleep(0.3)
        answers = []
        until = time.monotonic() + 3.0  # well before the limit
        while time.monotonic() < until:
            started = time.monotonic()
            status, body, _ = ask(active)  # a lost request would raise here
            answers.append((status, body.get("boolean"), time.monotonic() - started))
        assert slow.result()[0] == 503
    busy.close()
    active.close()
    assert len(answers) >= 5 and all(s == 200 and b is True for s, b, _ in answers)
    assert max(t for _, _, t in answers) < SHED_AFTER + 1.5
