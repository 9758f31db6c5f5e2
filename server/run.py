"""Serve the app under gunicorn (a production WSGI server), from Python.

gunicorn workers (``--workers`` processes, one request at a time each, connections kept alive
by ``keepalive.py``) run their queries themselves under the watchdog of ``watchdog.py``: a
worker whose query passes the time limit answers 503 and ends, and gunicorn starts a new one.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gunicorn.app.base import BaseApplication
from kamergraph.server.config import ServerConfig


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, factory: Callable[[], Any], options: dict[str, Any]) -> None:
        self._factory = factory
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._factory()


class BatchHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes log lines in batches: a write and flush per request line costs as much as
    parsing the request. Lines are written when ``LIMIT`` wait, at once for warnings and
    errors, and when flushed: the worker flushes before it waits for requests
    (``keepalive.py``), the watchdog before it ends a worker.
    """

    LIMIT = 64

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - logging's own policy for a record it cannot format
            self.handleError(record)
        if len(self.lines) >= self.LIMIT or record.levelno >= logging.WARNING:
            self.flush()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            if self.lines:
                lines, self.lines = self.lines, []
                self.stream.write("\n".join(lines) + "\n")
            super().flush()


def flush_logs() -> None:
    for handler in logging.getLogger("kamergraph.server").handlers:
        handler.flush()


def configure_logging() -> None:
    # a log line per request: leave out what the format does not show (the logging HOWTO's
    # "Optimization"): caller, thread and process lookups
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = BatchHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    logger = logging.getLogger("kamergraph.server")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def serve(config: ServerConfig, host: str, port: int) -> None:
    """Run the server until interrupted."""

    in_process = replace(config, in_process=True)

    def factory() -> Any:  # called in each gunicorn worker process
        from kamergraph.server.app import create_app

        configure_logging()
        app = create_app(in_process)
        logging.getLogger("kamergraph.server").info(
            "worker %d serving http://%s:%d/ (SPARQL at /sparql, timeout %gs%s)",
            os.getpid(),
            host,
            port,
            config.timeout,
            ", updates enabled" if config.enable_update else ", read-only",
        )
        return app

    options = {
        "bind": f"{host}:{port}",
        # one request at a time per process, so a worker ended on a timeout takes no other
        # request with it, with connections kept alive (keepalive.py); one read-write worker
        # when updates are enabled
        "workers": 1 if config.store.writable else config.workers,
        "worker_class": "kamergraph.server.keepalive.KeepAliveWorker",
        "keepalive": 5,
        "sendfile": False,  # responses are written through keepalive.py's coalescing writer
        "timeout": int(config.timeout) + 30,  # gunicorn's own limit, after ours
        "graceful_timeout": 5,
        "backlog": 2048,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "limit_request_line": 8190,
        "proc_name": "kamergraph-serve",
    }
    _Gunicorn(factory, options).run()
