"""The query lane: SPARQL queries at ``/sparql`` answered without Flask's request machinery.

Most requests an endpoint gets are queries, and for a query the engine answers in a fraction
of a millisecond, Flask's request context, routing, form parser and response object cost
more than the query (0.45 of 0.65 ms per request, measured with ``benchmarks/``). The lane
is WSGI middleware in front of the Flask app: it takes a request that is a SPARQL query
(GET with ``query``, POST form-encoded, POST ``application/sparql-query``), reads it with the
same protocol rules (``protocol.parse_operation``), runs it with the same function as the
Flask view (``run_query``) and answers with the same headers, error shape and log line.
Everything else — the service description, updates, protocol errors, HEAD, OPTIONS, large
or chunked bodies — goes on to Flask unchanged (a body the lane read is handed back).
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from kamergraph.server import guard, protocol
from kamergraph.server.executor import Answer, Job
from kamergraph.server.logs import log_request

from kamergraph.errors import KamergraphError, QueryTimeout, ServiceUnavailable

if TYPE_CHECKING:
    from kamergraph.server.app import ServerState

log = logging.getLogger("kamergraph.server")

PATHS = ("/sparql", "/sparql/")
EXPECTED_5XX = (QueryTimeout, ServiceUnavailable)  # logged by the request line only
_STATUS = {
    200: "200 OK",
    400: "400 Bad Request",
    403: "403 Forbidden",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    406: "406 Not Acceptable",
    413: "413 Payload Too Large",
    415: "415 Unsupported Media Type",
    422: "422 Unprocessable Content",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def run_query(
    server: ServerState, operation: protocol.Operation, base_iri: str, accept: str | None
) -> Answer:
    """Answer a query operation: the guard, the job, the answer cache, the executor."""
    config = server.config
    has_from = guard.check_query(operation.text, server.policy)
    protocol_dataset = bool(operation.default_graphs or operation.named_graphs)
    # a protocol dataset (default-graph-uri / named-graph-uri) replaces the query's own
    job = Job(
        "query",
        operation.text,
        base_iri=base_iri,
        default_graphs=operation.default_graphs if protocol_dataset else None,
        named_graphs=operation.named_graphs if protocol_dataset else None,
        union_default_graph=config.union_default_graph and not has_from and not protocol_dataset,
        accept=accept,
        format_param=operation.format_param,
        max_rows=config.max_rows,
    )
    cache = server.cache
    answer = None
    if cache is not None:  # read-only: the same job (text, dataset, Accept …), the same bytes
        answer = cache.get(job)
    if answer is None:
        answer = server.pool.run(job)
        if cache is not None:
            cache.put(job, answer)
    return answer


def answer_headers(server: ServerState, answer: Answer) -> list[tuple[str, str]]:
    """The headers of a query's answer (besides Content-Length)."""
    config = server.config
    headers = [("Content-Type", answer.content_type or "application/octet-stream")]
    headers.append(("Vary", "Accept"))
    if config.cors:  # a query is a read, whichever the method
        headers.append(("Access-Control-Allow-Origin", "*"))
        headers.append(("Access-Control-Expose-Headers", "Kamergraph-Truncated"))
    if answer.truncated:
        headers.append(("Kamergraph-Truncated", f"max-rows={config.max_rows}"))
    return headers


def error_body(status: int, kind: str, message: str) -> bytes:
    """The one JSON error shape: ``{"error": {"status", "type", "message"}}``."""
    import json

    error = {"error": {"status": status, "type": kind, "message": message}}
    return json.dumps(error, ensure_ascii=False).encode()


class QueryLane:
    """WSGI middleware answering SPARQL queries itself and passing the rest to ``app``."""

    def __init__(
        self, app: WSGIApp, server: ServerState, bind: Callable[[Any], None] | None
    ) -> None:
        self.app = app
        self.server = server
        self.bind = bind
        self.max_body = server.config.max_request_bytes

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") not in PATHS or method not in ("GET", "POST"):
            return self.app(environ, start_response)
        started = time.perf_counter()
        operation = self._operation(environ, method)
        if operation is None:  # not a well-formed query: Flask answers (and explains)
            return self.app(environ, start_response)
        if self.bind is not None:
            self.bind(environ)
        try:
            answer = run_query(
                self.server, operation, _base_iri(environ), environ.get("HTTP_ACCEPT")
            )
        except KamergraphError as error:
            if error.http_status >= 500 and not isinstance(error, EXPECTED_5XX):
                log.error("%s %s: %s", method, environ["PATH_INFO"], error.message)
            status = error.http_status
            body = error_body(status, type(error).__name__, error.message)
            headers = [("Content-Type", "application/json; charset=utf-8")]
            if method == "GET" and self.server.config.cors:  # as app.py does for all reads
                headers.append(("Access-Control-Allow-Origin", "*"))
                headers.append(("Access-Control-Expose-Headers", "Kamergraph-Truncated"))
        except Exception:  # a defect: logged with its traceback, answered as app.py does
            log.exception("%s %s: internal error", method, environ["PATH_INFO"])
            status = 500
            body = error_body(500, "InternalError", "internal server error (logged)")
            headers = [("Content-Type", "application/json; charset=utf-8")]
        else:
            status, body = 200, answer.body
            headers = answer_headers(self.server, answer)
        headers.append(("Content-Length", str(len(body))))
        start_response(_STATUS.get(status, f"{status} Error"), headers)
        return _Logged(body, f"{method} {environ['PATH_INFO']} {status}", started)

    def _operation(self, environ: dict[str, Any], method: str) -> protocol.Operation | None:
        """The request's query operation, or None to leave the request to Flask."""
        body = b""
        content_type = ""
        if method == "POST":
            length = environ.get("CONTENT_LENGTH")
            if not length or not length.isdigit() or int(length) > self.max_body:
                return None  # chunked or too large: Flask's limits apply
            content_type = environ.get("CONTENT_TYPE", "")
            body = environ["wsgi.input"].read(int(length))
            environ["wsgi.input"] = io.BytesIO(body)  # for Flask, should the request go on
        query_string = environ.get("QUERY_STRING", "")
        if len(body) + len(query_string) <= _CACHED_REQUEST_BYTES:  # clients repeat queries
            return _cached_operation(method, query_string, content_type, body)
        return _read_operation(method, query_string, content_type, body)


_CACHED_REQUEST_BYTES = 16 * 1024


class _Logged(list[bytes]):
    """An answer's body that logs the request line when the server is done with it.

    The server calls ``close`` after it has sent the answer, so writing the log line does
    not delay the answer, and the milliseconds logged include the sending.
    """

    def __init__(self, body: bytes, line: str, started: float) -> None:
        super().__init__((body,))
        self.line = line
        self.started = started

    def close(self) -> None:
        log_request(f"{self.line} {(time.perf_counter() - self.started) * 1000:.1f}ms")


def _read_operation(
    method: str, query_string: str, content_type: str, body: bytes
) -> protocol.Operation | None:
    """The query operation of a request (pure), or None if it is anything else."""
    args = parse_qs(query_string, keep_blank_values=True)
    media_type, _, rest = content_type.partition(";")
    media_type = media_type.strip().lower()
    parameters: dict[str, str] = {}
    for item in rest.split(";"):
        name, _, value = item.partition("=")
        if name.strip():
            parameters[name.strip().lower()] = value.strip().strip('"')
    form: dict[str, list[str]] = {}
    if method == "POST" and media_type == protocol.FORM:
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return None
    try:
        operation = protocol.parse_operation(
            method, media_type or None, parameters, args, form, body
        )
    except KamergraphError:
        return None
    return operation if operation.kind == "query" else None


_cached_operation = lru_cache(maxsize=512)(_read_operation)


def _base_iri(environ: dict[str, Any]) -> str:
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "localhost")
        port = environ.get("SERVER_PORT")
        if port and port not in ("80", "443"):
            host = f"{host}:{port}"
    scheme = environ.get("wsgi.url_scheme", "http")
    return f"{scheme}://{host}{environ.get('SCRIPT_NAME', '')}{environ['PATH_INFO']}"
