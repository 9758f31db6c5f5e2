"""The server's log: one line per request, written in batches.

``configure_logging`` (called in each gunicorn worker) gives the ``kamergraph.server`` logger
one ``BatchHandler`` on standard error. Request lines go through ``log_request``: with that
handler in place they are appended to its batch directly, as ``TIME MESSAGE`` (the handler's
format), because a ``LogRecord``, its handler chain and its formatting cost about as much as
reading the request; anywhere else (tests, ``--get``) they are ordinary INFO records, so
``caplog`` and other handlers see them.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger("kamergraph.server")

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


class _Stamp:
    """The time stamp of a log line, formatted once per second, not per line."""

    def __init__(self) -> None:
        self.second = -1
        self.text = ""

    def __call__(self, created: float) -> str:
        second = int(created)
        if second != self.second:
            self.second, self.text = second, time.strftime(TIME_FORMAT, time.localtime(second))
        return self.text


class _Formatter(logging.Formatter):
    """``%(asctime)s %(message)s`` with the stamp of ``_Stamp``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(message)s", TIME_FORMAT)
        self.stamp = _Stamp()

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return self.stamp(record.created)


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
        self.stamp = _Stamp()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001 - logging's own policy for a record it cannot format
            self.handleError(record)
            return
        self.add(line, urgent=record.levelno >= logging.WARNING)

    def add_request_line(self, message: str) -> None:
        """A request line, formatted as ``emit`` would: ``TIME MESSAGE``."""
        self.add(f"{self.stamp(time.time())} {message}")

    def add(self, line: str, urgent: bool = False) -> None:
        with self.lock:  # type: ignore[union-attr]  # a helper thread may flush meanwhile
            self.lines.append(line)
            full = len(self.lines) >= self.LIMIT
        if full or urgent:
            self.flush()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            if self.lines:
                lines, self.lines = self.lines, []
                self.stream.write("\n".join(lines) + "\n")
            super().flush()


_batch: BatchHandler | None = None  # set by configure_logging


def log_request(message: str) -> None:
    """Log one request line (INFO)."""
    if _batch is not None:
        _batch.add_request_line(message)
    else:
        log.info("%s", message)


def flush_logs() -> None:
    for handler in log.handlers:
        handler.flush()


def configure_logging() -> None:
    """One batch handler on standard error for the server's logger (in a worker process)."""
    global _batch
    # a log line per request: leave out what the format does not show (the logging HOWTO's
    # "Optimization"): caller, thread and process lookups
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = BatchHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    _batch = handler
