"""The plain path of HTTP/1.1: ordinary GET and POST requests read and answered quickly.

gunicorn reads requests with a parser written in Python and writes responses through a
Python response object; for an endpoint whose queries take a tenth of a millisecond, that is
most of a request's cost (0.24 ms per request on a trivial app here, twice what a server
with a C parser spends). This module reads a request with ``httptools`` (the C parser
llhttp, Node.js's, also used by uvicorn), builds the WSGI environ gunicorn would build, calls
the app and writes its answer in one send.

It takes only plain requests: GET or POST, a body of known length within the limit, no
``Transfer-Encoding``, ``Expect``, ``Upgrade`` or forwarding headers, no header name with an
underscore. Anything else, and anything httptools rejects, ``read_request`` hands back as
``Unusual`` with the bytes it read, and ``keepalive.py`` gives them to gunicorn's own parser,
which answers as before (chunked bodies, ``100 Continue``, proxy headers, its 4xx errors).

Sockets stay in non-blocking mode: a socket with a timeout costs a ``poll`` before every
``recv`` and ``send`` in CPython (and switching modes per request an ``ioctl``); here the
call is tried first and only a client that is not ready is waited for, ``timeout`` seconds
at most (``TimeoutError``).
"""

from __future__ import annotations

import select
import socket
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from io import BytesIO
from typing import Any

import httptools
from gunicorn import util
from gunicorn.http.wsgi import FileWrapper

MAX_HEAD = 8190 + 8 * 1024  # gunicorn's request line limit and room for headers
RECV = 64 * 1024
_METHODS = (b"GET ", b"POST ")


def _unusual_fields(fields: bytes) -> bool:
    """Whether lower-cased header fields name something gunicorn gives a meaning of its own
    (or that needs more than a plain read): one test per word, no generator per request."""
    return (
        b"transfer-encoding" in fields
        or b"expect" in fields
        or b"upgrade" in fields
        or b"forwarded" in fields
        or b"proxy" in fields
    )


class Closed(Exception):
    """The client closed the connection (or sent an incomplete request and closed)."""


@dataclass
class Unusual:
    """A request this module leaves to gunicorn; ``data`` is every byte read of it."""

    data: bytes


@dataclass
class Request:
    method: str
    target: bytes
    version: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    keep_alive: bool


@dataclass(eq=False)
class Reader:
    """Reads plain requests from one connection; keeps what the client sent ahead."""

    sock: socket.socket
    max_body: int
    timeout: float
    buffer: bytearray = field(default_factory=bytearray)
    _parser: Any = None
    _headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    _target: bytes = b""
    _complete: bool = False
    _unusual: bool = False
    _line: tuple[str, str, bool] = ("", "", False)  # method, version, keep-alive

    def buffered(self) -> bool:
        return bool(self.buffer)

    def read_request(self) -> Request | Unusual:
        """The next request; raises ``Closed`` when the client has gone."""
        buffer = self.buffer
        end = buffer.find(b"\r\n\r\n")
        while end < 0:
            if len(buffer) > MAX_HEAD:
                return self._unusual_request()
            searched = max(0, len(buffer) - 3)  # the end may straddle what arrives next
            self._receive()
            end = buffer.find(b"\r\n\r\n", searched)
        head_size = end + 4
        head = bytes(buffer[:head_size])
        fields = head[head.find(b"\r\n") :].lower()  # the header fields, not the request line
        if not head.startswith(_METHODS) or _unusual_fields(fields):
            return self._unusual_request()
        if self._parser is None:
            self._parser = httptools.HttpRequestParser(self)
        self._headers = []
        self._target = b""
        self._complete = self._unusual = False
        try:
            self._parser.feed_data(head)
        except httptools.HttpParserError:
            return self._unusual_request()
        length = 0
        for name, value in self._headers:
            if name.lower() == b"content-length":
                length = int(value)  # llhttp accepts digits only, and one length
        if self._unusual or length > self.max_body:
            return self._unusual_request()
        while len(buffer) < head_size + length:
            self._receive()
        body = bytes(buffer[head_size : head_size + length])
        if length:
            try:
                self._parser.feed_data(body)
            except httptools.HttpParserError:
                return self._unusual_request()
        if not self._complete:
            return self._unusual_request()
        del buffer[: head_size + length]
        method, version, keep_alive = self._line
        return Request(method, self._target, version, self._headers, body, keep_alive)

    def _receive(self) -> None:
        while True:
            try:
                data = self.sock.recv(RECV)
                break
            except BlockingIOError:
                wait(self.sock, select.POLLIN, self.timeout)
        if not data:
            raise Closed
        self.buffer += data

    def _unusual_request(self) -> Unusual:
        """Everything read goes to gunicorn's parser, which reads this connection from now."""
        data = bytes(self.buffer)
        self.buffer.clear()
        self._parser = None
        return Unusual(data)

    # httptools' callbacks
    def on_url(self, url: bytes) -> None:
        self._target += url

    def on_header(self, name: bytes, value: bytes) -> None:
        if b"_" in name:  # gunicorn drops such headers (a spoofing risk behind proxies)
            self._unusual = True
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        # read here: llhttp resets them for the next message once this one is complete
        parser = self._parser
        self._line = (
            parser.get_method().decode("ascii"),
            parser.get_http_version(),
            parser.should_keep_alive(),
        )

    def on_message_complete(self) -> None:
        self._complete = True


def environ_for(
    request: Request, sock: socket.socket, client: Any, server: Any, base: dict[str, Any]
) -> dict[str, Any]:
    """The WSGI environ gunicorn's ``wsgi.create`` builds for this request."""
    target = request.target
    raw_uri = target.decode("latin-1")
    if b"?" in target or b"%" in target or b"#" in target or not target.startswith(b"/"):
        url = httptools.parse_url(target)
        query = (url.query or b"").decode("latin-1")
        path = util.unquote_to_wsgi_str(url.path.decode("latin-1"))
    else:  # a plain path (``/sparql``): nothing to split or unquote
        query, path = "", raw_uri
    environ = base.copy()
    environ["wsgi.input"] = BytesIO(request.body)
    environ["gunicorn.socket"] = sock
    environ["REQUEST_METHOD"] = request.method
    environ["QUERY_STRING"] = query
    environ["RAW_URI"] = raw_uri
    environ["SERVER_PROTOCOL"] = f"HTTP/{request.version}"
    environ["PATH_INFO"] = path
    environ["SCRIPT_NAME"] = ""
    environ["wsgi.url_scheme"] = "http"
    repeated: dict[str, list[str]] = {}
    for raw_name, raw_value in request.headers:
        key = _ENVIRON_KEYS.get(raw_name) or _environ_key(raw_name)
        value = raw_value.decode("latin-1").strip(" \t")
        if key in environ and key not in _LAST_WINS:
            repeated.setdefault(key, [environ[key]]).append(value)
        else:
            environ[key] = value
    for key, values in repeated.items():
        environ[key] = ",".join(values)
    if isinstance(client, tuple):
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    else:
        environ["REMOTE_ADDR"] = client if isinstance(client, str) else ""
    if isinstance(server, tuple):
        environ["SERVER_NAME"], environ["SERVER_PORT"] = server[0], str(server[1])
    else:
        environ["SERVER_NAME"], environ["SERVER_PORT"] = "localhost", ""
    return environ


_ENVIRON_KEYS: dict[bytes, str] = {}  # header name as sent -> environ key (names repeat)
_LAST_WINS = ("CONTENT_TYPE", "CONTENT_LENGTH")  # as in gunicorn; other repeats are joined


def _environ_key(raw_name: bytes) -> str:
    name = raw_name.decode("latin-1").upper()
    if name in ("CONTENT-TYPE", "CONTENT-LENGTH"):
        key = name.replace("-", "_")
    else:
        key = "HTTP_" + name.replace("-", "_")
    if len(_ENVIRON_KEYS) < 1024:  # a client inventing names does not grow it without end
        _ENVIRON_KEYS[raw_name] = key
    return key


def base_environ(workers: int) -> dict[str, Any]:
    return {
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": workers > 1,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        "wsgi.input_terminated": True,
        "SERVER_SOFTWARE": "kamergraph",
    }


class Responder:
    """``start_response`` and the writing of one answer, head and body in one send."""

    def __init__(
        self, sock: socket.socket, request: Request, keep_alive: bool, timeout: float
    ) -> None:
        self.sock = sock
        self.timeout = timeout
        self.request = request
        self.keep_alive = keep_alive and request.keep_alive
        self.status = ""
        self.headers: list[tuple[str, str]] = []
        self.sent = False
        self.chunked = False
        self._pending: list[bytes] = []

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None and self.sent:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status, self.headers = status, headers
        return self._pending.append

    def answer(self, body: Iterable[bytes]) -> bool:
        """Write the app's answer; whether the connection may stay open."""
        length = None
        for name, value in self.headers:
            if name.lower() == "content-length":
                length = value
        if self.status[:1] == "1" or self.status[:3] in ("204", "304"):  # never a body
            self._send_head(b"")
            return self.keep_alive
        if length is None and isinstance(body, (list, tuple)):
            data = b"".join([*self._pending, *body])
            self.headers = [*self.headers, ("Content-Length", str(len(data)))]
            self._send_head(data)
            return self.keep_alive
        if length is None:
            if self.request.version == "1.1":
                self.chunked = True
                self.headers = [*self.headers, ("Transfer-Encoding", "chunked")]
            else:
                self.keep_alive = False
        parts = self._pending
        self._pending = []
        size = sum(map(len, parts))
        for item in body:
            if item:
                parts.append(item)
                size += len(item)
                if size >= RECV:  # a long answer goes out in pieces of about this size
                    self._write(parts)
                    parts, size = [], 0
        if self.chunked:
            parts.append(b"")  # the last chunk
        self._write(parts, last=True)
        return self.keep_alive

    def _write(self, parts: list[bytes], last: bool = False) -> None:
        if self.chunked:
            framed = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts)
        else:
            framed = b"".join(parts)
        if not self.sent:
            self._send_head(framed)
        elif framed or last:
            send_all(self.sock, framed, self.timeout)

    def _send_head(self, body: bytes) -> None:
        lines = [f"HTTP/{self.request.version} {self.status}\r\n"]
        lines.extend(f"{name}: {value}\r\n" for name, value in self.headers)
        lines.append(f"Date: {_date()}\r\n")
        lines.append(f"Connection: {'keep-alive' if self.keep_alive else 'close'}\r\n\r\n")
        self.sent = True
        send_all(self.sock, "".join(lines).encode("latin-1") + body, self.timeout)


def send_all(sock: socket.socket, data: bytes, timeout: float) -> None:
    """``sendall`` on a non-blocking socket, waiting at most ``timeout`` s for a slow reader."""
    view = memoryview(data)
    while view:
        try:
            view = view[sock.send(view) :]
        except BlockingIOError:
            wait(sock, select.POLLOUT, timeout)


def wait(sock: socket.socket, event: int, timeout: float) -> None:
    poll = select.poll()
    poll.register(sock, event)
    if not poll.poll(timeout * 1000):
        raise TimeoutError


_DATE = (0, "")


def _date() -> str:
    global _DATE
    now = int(time.time())
    if _DATE[0] != now:
        _DATE = (now, formatdate(now, usegmt=True))
    return _DATE[1]


INTERNAL_ERROR = (
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 21\r\nConnection: close\r\n\r\nInternal Server Error"
)
