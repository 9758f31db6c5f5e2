"""Run queries in the serving process itself, under a watchdog that ends it on a timeout.

This is how ``kamergraph serve`` runs: gunicorn workers (``keepalive.py``) are a pool of
processes that each handle one request at a time, with the store open read-only in each. A
query runs in the worker that received it, with no hop to another process (a hop costs
about 0.5 ms here, more than most queries). pyoxigraph cannot be interrupted, so a
watchdog thread waits for the time limit; if the query is still running then, the watchdog
writes the 503 answer (the one JSON error shape) to the client's socket, logs the request
line and ends the process.
gunicorn's master starts a replacement; the other workers keep answering meanwhile.
pyoxigraph releases the GIL while it evaluates, so the watchdog runs on time.

Without gunicorn (tests, ``--get``) the app uses ``executor.QueryPool`` instead.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from kamergraph.server.executor import Answer, Job, StoreSpec, execute, open_engine
from kamergraph.server.http1 import send_all
from kamergraph.server.lane import error_body
from kamergraph.server.logs import flush_logs, log_request

from kamergraph.errors import QueryTimeout, ServiceUnavailable

EXIT_TIMED_OUT = 75  # not gunicorn's 3 (boot error) or 4 (app load error), which stop it


@dataclass
class _Running:
    deadline: float
    limit: float
    environ: dict[str, Any]  # the request's ({} when unknown): its socket, method and path
    started: float

    @property
    def client(self) -> socket.socket | None:
        return self.environ.get("gunicorn.socket")

    @property
    def line(self) -> str:
        if not self.environ:
            return "?"
        return f"{self.environ.get('REQUEST_METHOD')} {self.environ.get('PATH_INFO')}"


class InProcessExecutor:
    """Runs jobs in this process; ``bind`` tells it the request of the calling thread.

    Usually one job runs at a time (the HTTP worker serves one request at a time); while a
    request runs long, the worker's helper thread may answer requests waiting on its other
    connections (``keepalive.py``), so jobs are kept per thread. One watchdog thread per
    process looks at them every ``TICK`` seconds, so a request costs no thread start and
    no lock beyond two uncontended acquires.

    When a job passes its limit, the watchdog answers its client with 503, lets the other
    jobs of the process finish (for at most ``GRACE`` seconds; a job started meanwhile gets
    503 at once) and ends the process.
    """

    TICK = 0.05
    GRACE = 2.0

    def __init__(self, spec: StoreSpec, timeout: float, size: int) -> None:
        self.engine = open_engine(spec)
        self.timeout = timeout
        self.size = size  # sibling worker processes, for /health
        self._lock = threading.Lock()
        self._requests: dict[int, tuple[dict[str, Any], float]] = {}  # environ, start
        self._jobs: dict[int, _Running] = {}  # by thread
        self._ending = False
        self._watchdog: threading.Thread | None = None

    def bind(self, environ: dict[str, Any]) -> None:
        self._requests[threading.get_ident()] = (environ, time.perf_counter())

    def run(self, job: Job, timeout: float | None = None) -> Answer:
        if self._watchdog is None:  # started here, in the worker process (after the fork)
            self._watchdog = threading.Thread(target=self._watch, daemon=True, name="watchdog")
            self._watchdog.start()
        limit = self.timeout if timeout is None else timeout
        thread = threading.get_ident()
        environ, started = self._requests.pop(thread, ({}, time.perf_counter()))
        running = _Running(time.monotonic() + limit, limit, environ, started)
        with self._lock:
            if self._ending:
                raise ServiceUnavailable("this worker is restarting; send the request again")
            self._jobs[thread] = running
        try:
            return execute(self.engine, job)
        finally:
            with self._lock:  # the watchdog answered an expired job: its own answer is void
                expired = self._jobs.pop(thread, None) is None
            if expired:
                threading.Event().wait()  # until the process ends

    def _watch(self) -> None:
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            with self._lock:
                expired = [
                    (thread, job) for thread, job in self._jobs.items() if now >= job.deadline
                ]
                if not expired:
                    continue
                self._ending = True
                for thread, _ in expired:
                    del self._jobs[thread]
            for _, job in expired:
                self._answer_timeout(job)
            deadline = time.monotonic() + self.GRACE
            while self._jobs and time.monotonic() < deadline:
                time.sleep(0.01)  # the others' answers are written right after their jobs
            time.sleep(self.TICK)
            flush_logs()
            os._exit(EXIT_TIMED_OUT)

    def _answer_timeout(self, job: _Running) -> None:
        error = QueryTimeout(
            f"the query ran longer than the time limit of {job.limit:g} s and was stopped"
        )
        body = error_body(503, "QueryTimeout", error.message)
        head = (
            "HTTP/1.1 503 Service Unavailable\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Access-Control-Allow-Origin: *\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        if job.client is not None:
            with contextlib.suppress(OSError):  # a client that left: end all the same
                send_all(job.client, head + body, 1.0)  # the socket may be non-blocking
        elapsed = (time.perf_counter() - job.started) * 1000
        log_request(f"{job.line} 503 {elapsed:.1f}ms (query stopped; worker {os.getpid()} ends)")
        flush_logs()  # now, not when the worker ends

    def alive(self) -> int:
        return self.size

    def close(self) -> None:
        """Nothing to stop: the engine lives and dies with this process."""
