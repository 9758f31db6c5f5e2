"""Run queries in the serving process itself, under a watchdog that ends it on a timeout.

This is how ``kamergraph serve`` runs: gunicorn's *sync* workers are a pool of processes that
each handle one request at a time, with the store open read-only in each. A query runs in
the worker that received it, with no hop to another process (the per-request overhead is
that of Flask alone). pyoxigraph cannot be interrupted, so a watchdog thread waits for the
time limit; if the query is still running then, the watchdog writes the 503 answer (the one
JSON error shape) to the client's socket, logs the request line and ends the process.
gunicorn's master starts a replacement; the other workers keep answering meanwhile.
pyoxigraph releases the GIL while it evaluates, so the watchdog runs on time.

Without gunicorn (tests, ``--get``) the app uses ``executor.QueryPool`` instead.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from typing import Any

from kamergraph.server.executor import Answer, Job, StoreSpec, execute, open_engine

from kamergraph.errors import QueryTimeout

log = logging.getLogger("kamergraph.server")

EXIT_TIMED_OUT = 75  # not gunicorn's 3 (boot error) or 4 (app load error), which stop it


class InProcessExecutor:
    """Runs jobs in this process, one at a time; ``bind`` tells it the current request.

    One watchdog thread per process looks at the running job every ``TICK`` seconds, so a
    request costs no thread start and no lock beyond one uncontended acquire.
    """

    TICK = 0.05

    def __init__(self, spec: StoreSpec, timeout: float, size: int) -> None:
        self.engine = open_engine(spec)
        self.timeout = timeout
        self.size = size  # sibling worker processes, for /health
        self._lock = threading.Lock()
        self._request: tuple[socket.socket | None, str, float] = (None, "?", 0.0)
        self._running: tuple[float, float] | None = None  # (deadline, limit) of the job
        self._watchdog: threading.Thread | None = None

    def bind(self, environ: dict[str, Any]) -> None:
        line = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
        self._request = (environ.get("gunicorn.socket"), line, time.perf_counter())

    def run(self, job: Job, timeout: float | None = None) -> Answer:
        if self._watchdog is None:  # started here, in the worker process (after the fork)
            self._watchdog = threading.Thread(target=self._watch, daemon=True, name="watchdog")
            self._watchdog.start()
        limit = self.timeout if timeout is None else timeout
        self._running = (time.monotonic() + limit, limit)
        try:
            return execute(self.engine, job)
        finally:
            with self._lock:  # once the watchdog holds the lock, this process is ending
                self._running = None

    def _watch(self) -> None:
        while True:
            time.sleep(self.TICK)
            running = self._running
            if running is None or time.monotonic() < running[0]:
                continue
            with self._lock:
                if self._running is running:
                    self._expire(running[1])

    def _expire(self, limit: float) -> None:
        client, line, started = self._request
        error = QueryTimeout(
            f"the query ran longer than the time limit of {limit:g} s and was stopped"
        )
        body = json.dumps(
            {"error": {"status": 503, "type": "QueryTimeout", "message": error.message}}
        ).encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Access-Control-Allow-Origin: *\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        if client is not None:
            with contextlib.suppress(OSError):  # a client that left: end all the same
                client.sendall(head + body)
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s 503 %.1fms (query stopped; worker %d ends)", line, elapsed, os.getpid())
        for handler in log.handlers:
            handler.flush()
        os._exit(EXIT_TIMED_OUT)

    def alive(self) -> int:
        return self.size

    def close(self) -> None:
        """Nothing to stop: the engine lives and dies with this process."""
