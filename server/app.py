"""The Flask app factory: ``create_app(config)`` wires the blueprints, the query pool, one
error handler, CORS for reads and one log line per request."""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

from flask import Flask, Response, g, request
from kamergraph.server import guard
from kamergraph.server.cache import AnswerCache
from kamergraph.server.config import ServerConfig
from kamergraph.server.executor import Answer, Job, QueryPool
from kamergraph.server.lane import EXPECTED_5XX, QueryLane, error_body
from kamergraph.server.logs import log_request
from werkzeug.exceptions import HTTPException

from kamergraph.errors import KamergraphError

log = logging.getLogger("kamergraph.server")

EXTENSION = "kamergraph"


class Executor(Protocol):
    """Runs jobs within the time limit: ``QueryPool`` or ``watchdog.InProcessExecutor``."""

    size: int

    def run(self, job: Job, timeout: float | None = None) -> Answer: ...
    def alive(self) -> int: ...
    def close(self) -> None: ...


class ServerState:
    """What the views share: the configuration, the executor of queries and, on a read-only
    server, the cache of answers."""

    def __init__(self, config: ServerConfig, pool: Executor) -> None:
        self.config = config
        self.pool = pool
        self.policy = guard.Policy(config.allowed_services)
        self.cache: AnswerCache | None = None
        if config.cache_entries > 0 and not config.enable_update:
            self.cache = AnswerCache(config.cache_entries)


def state() -> ServerState:
    from flask import current_app

    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def error_response(status: int, kind: str, message: str) -> Response:
    """The one JSON error shape: ``{"error": {"status", "type", "message"}}``."""
    body = error_body(status, kind, message)
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def _json_dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def create_app(config: ServerConfig, pool: Executor | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_request_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if pool is None and config.in_process:
        from kamergraph.server.watchdog import InProcessExecutor

        pool = InProcessExecutor(config.store, config.timeout, config.workers)
    elif pool is None:
        pool = QueryPool(config.store, config.workers, config.timeout)
    app.extensions[EXTENSION] = ServerState(config, pool)
    bind = getattr(pool, "bind", None)

    from kamergraph.server.pages import pages
    from kamergraph.server.sparql import sparql

    app.register_blueprint(sparql)
    app.register_blueprint(pages)
    app.wsgi_app = QueryLane(app.wsgi_app, app.extensions[EXTENSION], bind)  # type: ignore[method-assign]

    @app.get("/health")
    def health() -> Response:
        alive = pool.alive()
        status = 200 if alive else 503
        body = {"status": "ok" if alive else "down", "workers": alive, "of": pool.size}
        return Response(_json_dumps(body), status, content_type="application/json")

    @app.errorhandler(KamergraphError)
    def kamergraph_error(error: KamergraphError) -> Response:
        if error.http_status >= 500 and not isinstance(error, EXPECTED_5XX):
            log.error("%s %s: %s", request.method, request.path, error.message)
        return error_response(error.http_status, type(error).__name__, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        return error_response(status, type(error).__name__, error.description or error.name)

    @app.errorhandler(500)
    def internal_error(error: Exception) -> Response:
        original = getattr(error, "original_exception", None) or error
        log.exception("%s %s: internal error", request.method, request.path, exc_info=original)
        return error_response(500, "InternalError", "internal server error (logged)")

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()
        if bind is not None:
            bind(request.environ)

    @app.after_request
    def finish(response: Response) -> Response:
        if config.cors and request.method in ("GET", "HEAD"):  # reads; POST queries: sparql.py
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = "Kamergraph-Truncated"
        started = g.get("started")
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        log_request(f"{request.method} {request.path} {response.status_code} {elapsed:.1f}ms")
        return response

    return app
