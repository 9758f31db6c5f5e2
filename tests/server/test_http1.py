"""The plain path of HTTP/1.1 (``server/http1.py``): what it reads itself, what it leaves to
gunicorn, and the answers a real server gives either way."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from kamergraph.server import http1

from .conftest import SMALL, LiveServer, start_server, stop_server

ASK = "ASK { ?s a <https://w3id.org/kamergraph/def#Province> }"
FORM_BODY = urllib.parse.urlencode({"query": ASK})


# -- the reader, on a socket pair ------------------------------------------------------------


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    server, client = socket.socketpair()
    server.setblocking(False)
    yield server, client
    server.close()
    client.close()


def post(body: str = FORM_BODY, extra: str = "", version: str = "1.1") -> bytes:
    return (
        f"POST /sparql?x=%41 HTTP/{version}\r\nHost: example.org\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body.encode())}\r\n{extra}\r\n{body}"
    ).encode()


def test_a_plain_post_is_read_with_its_body_and_headers(pair) -> None:  # type: ignore[no-untyped-def]
    server, client = pair
    client.sendall(post(extra="Accept: text/csv\r\nAccept: text/tab-separated-values\r\n"))
    request = http1.Reader(server, 1 << 20, 1.0).read_request()
    assert isinstance(request, http1.Request)
    assert (request.method, request.version, request.keep_alive) == ("POST", "1.1", True)
    assert request.body == FORM_BODY.encode()
    environ = http1.environ_for(
        request, server, ("127.0.0.1", 5), ("127.0.0.1", 80), http1.base_environ(2)
    )
    assert environ["PATH_INFO"] == "/sparql" and environ["QUERY_STRING"] == "x=%41"
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["CONTENT_LENGTH"] == str(len(FORM_BODY))
    assert environ["HTTP_ACCEPT"] == "text/csv,text/tab-separated-values"  # joined, as gunicorn
    assert environ["HTTP_HOST"] == "example.org"
    assert environ["wsgi.input"].read() == FORM_BODY.encode()
    assert (environ["REMOTE_ADDR"], environ["SERVER_PORT"]) == ("127.0.0.1", "80")


def test_pipelined_requests_are_read_one_by_one(pair) -> None:  # type: ignore[no-untyped-def]
    server, client = pair
    client.sendall(post() + b"GET /health HTTP/1.1\r\nHost: h\r\n\r\n" + post()[:30])
    reader = http1.Reader(server, 1 << 20, 1.0)
    assert reader.read_request().method == "POST"  # type: ignore[union-attr]
    assert reader.buffered()
    second = reader.read_request()
    assert isinstance(second, http1.Request) and second.target == b"/health"
    client.sendall(post()[30:])  # the rest of the third arrives later
    assert reader.read_request().body == FORM_BODY.encode()  # type: ignore[union-attr]
    assert not reader.buffered()


def test_a_request_sent_byte_by_byte_is_read(pair) -> None:  # type: ignore[no-untyped-def]
    server, client = pair
    data = post()

    def trickle() -> None:
        for i in range(len(data)):
            client.send(data[i : i + 1])
            time.sleep(0.0005)

    sender = threading.Thread(target=trickle)
    sender.start()
    request = http1.Reader(server, 1 << 20, 5.0).read_request()
    sender.join()
    assert isinstance(request, http1.Request) and request.body == FORM_BODY.encode()


@pytest.mark.parametrize(
    "data",
    [
        post(extra="Transfer-Encoding: chunked\r\n"),
        post(extra="Expect: 100-continue\r\n"),
        post(extra="X-Forwarded-Proto: https\r\n"),
        post(extra="X_Custom: 1\r\n"),  # gunicorn drops names with an underscore
        b"HEAD /sparql HTTP/1.1\r\nHost: h\r\n\r\n",
        b"OPTIONS /sparql HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET /sparql HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\n",  # malformed
        b"GET /sparql HTTP/9.9\r\nHost: h\r\n\r\n",
        post(body="x" * 2048),  # over this reader's body limit (1 KiB below)
    ],
    ids=[
        "chunked",
        "expect",
        "forwarded",
        "underscore",
        "head",
        "options",
        "bad-length",
        "bad-version",
        "large-body",
    ],
)
def test_unusual_requests_are_left_to_gunicorn_with_every_byte(pair, data) -> None:  # type: ignore[no-untyped-def]
    server, client = pair
    client.sendall(data)
    time.sleep(0.05)
    result = http1.Reader(server, 1024, 1.0).read_request()
    assert isinstance(result, http1.Unusual)
    assert data.startswith(result.data)  # nothing read is lost: gunicorn reads it again
    assert len(result.data) >= data.index(b"\r\n\r\n")


def test_a_client_that_closes_mid_request_ends_the_read(pair) -> None:  # type: ignore[no-untyped-def]
    server, client = pair
    client.sendall(post()[:-5])
    client.shutdown(socket.SHUT_WR)
    with pytest.raises(http1.Closed):
        http1.Reader(server, 1 << 20, 1.0).read_request()


def test_a_silent_client_times_out(pair) -> None:  # type: ignore[no-untyped-def]
    server, client = pair
    client.sendall(post()[:20])
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        http1.Reader(server, 1 << 20, 0.2).read_request()
    assert time.monotonic() - started < 2


# -- the responder ---------------------------------------------------------------------------


def answer(pair, body, headers, version="1.1", keep_alive=True) -> tuple[bytes, bool]:  # type: ignore[no-untyped-def]
    server, client = pair
    request = http1.Request("GET", b"/", version, [], b"", keep_alive)
    responder = http1.Responder(server, request, True, 1.0)
    responder.start_response("200 OK", headers)
    keep = responder.answer(body)
    client.settimeout(1)
    received = b""
    server.shutdown(socket.SHUT_WR)
    while chunk := client.recv(65536):
        received += chunk
    return received, keep


def test_an_answer_is_written_with_its_length_and_keep_alive(pair) -> None:  # type: ignore[no-untyped-def]
    received, keep = answer(pair, [b"ab", b"cd"], [("Content-Type", "text/plain")])
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and keep
    assert b"Content-Length: 4" in head and b"Connection: keep-alive" in head
    assert b"Date: " in head and body == b"abcd"


def test_a_streamed_answer_is_chunked(pair) -> None:  # type: ignore[no-untyped-def]
    received, keep = answer(pair, iter([b"ab", b"", b"cde"]), [("Content-Type", "text/plain")])
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head and keep
    assert body == b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n"


def test_a_streamed_answer_to_http_1_0_ends_with_the_connection(pair) -> None:  # type: ignore[no-untyped-def]
    received, keep = answer(pair, iter([b"ab", b"cd"]), [], version="1.0")
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200 OK") and b"Connection: close" in head
    assert body == b"abcd" and not keep


def test_no_content_has_no_body_and_no_length(pair) -> None:  # type: ignore[no-untyped-def]
    server, client = pair
    request = http1.Request("POST", b"/store", "1.1", [], b"", True)
    responder = http1.Responder(server, request, True, 1.0)
    responder.start_response("204 No Content", [("Vary", "Accept")])
    assert responder.answer([]) is True
    server.shutdown(socket.SHUT_WR)
    client.settimeout(1)
    received = client.recv(65536)
    assert received.endswith(b"\r\n\r\n") and b"Content-Length" not in received
    assert b"Transfer-Encoding" not in received


def test_connection_close_is_answered_with_close(pair) -> None:  # type: ignore[no-untyped-def]
    received, keep = answer(pair, [b"x"], [("Content-Length", "1")], keep_alive=False)
    assert b"Connection: close" in received and not keep


# -- a real server, both paths ---------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("http1")
    live = start_server([str(SMALL), "--workers", "1"], folder / "cache", folder / "serve.log")
    yield live
    stop_server(live)


def exchange(server: LiveServer, data: bytes, answers: int = 1) -> list[tuple[bytes, bytes]]:
    """Send ``data`` on one connection; the heads and bodies of ``answers`` answers."""
    port = urllib.parse.urlsplit(server.url).port
    result = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        buffer = b""
        while len(result) < answers:
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                assert chunk, f"connection closed after {len(result)} answers"
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            while len(buffer) < length:
                buffer += sock.recv(65536)
            result.append((head, buffer[:length]))
            buffer = buffer[length:]
    return result


def boolean(body: bytes) -> bool:
    return bool(json.loads(body)["boolean"])


def test_plain_and_unusual_requests_on_one_connection(server) -> None:  # type: ignore[no-untyped-def]
    chunked_body = FORM_BODY.encode()
    chunked = (
        b"POST /sparql HTTP/1.1\r\nHost: h\r\nAccept: application/sparql-results+json\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n%s\r\n0\r\n\r\n"
        % (len(chunked_body), chunked_body)
    )
    plain = post(extra="Accept: application/sparql-results+json\r\n")
    # plain, then one gunicorn reads (and every request after it on this connection)
    answers = exchange(server, plain + chunked + plain, answers=3)
    assert [head.split(b"\r\n")[0] for head, _ in answers] == [b"HTTP/1.1 200 OK"] * 3
    assert all(boolean(body) for _, body in answers)


def test_expect_100_continue_is_honoured(server) -> None:  # type: ignore[no-untyped-def]
    port = urllib.parse.urlsplit(server.url).port
    head = post(extra="Expect: 100-continue\r\nAccept: application/sparql-results+json\r\n")
    head, _, body = head.partition(b"\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + b"\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        received = sock.recv(65536)
    assert received.startswith(b"HTTP/1.1 200 OK") and b'"boolean":true' in received


def test_a_malformed_request_gets_400_from_gunicorn(server) -> None:  # type: ignore[no-untyped-def]
    port = urllib.parse.urlsplit(server.url).port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n")
        received = sock.recv(65536)
    assert received.startswith(b"HTTP/1.1 400")


def test_http_1_0_is_answered_and_closed(server) -> None:  # type: ignore[no-untyped-def]
    port = urllib.parse.urlsplit(server.url).port
    query = urllib.parse.quote(ASK)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET /sparql?query={query} HTTP/1.0\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):  # ends when the server closes
            received += chunk
    assert received.startswith(b"HTTP/1.0 200 OK") and b"Connection: close" in received


def test_a_body_over_the_server_limit_is_refused(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = urllib.parse.urlencode({"query": ASK + " #" + "x" * (2 << 20)})
    answers = exchange(server, post(body=big), answers=1)
    assert answers[0][0].startswith(b"HTTP/1.1 413")


def test_the_log_has_one_line_per_request(server) -> None:  # type: ignore[no-untyped-def]
    exchange(server, post(extra="Accept: application/sparql-results+json\r\n") * 3, answers=3)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # written when the worker waits again
        lines = [line for line in server.output().splitlines() if "POST /sparql 200" in line]
        if len(lines) >= 3:
            break
        time.sleep(0.05)
    assert len(lines) >= 3
