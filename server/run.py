"""Serve the app under gunicorn (a production WSGI server), from Python.

gunicorn workers (``--workers`` processes, one request at a time each, connections kept alive
by ``keepalive.py``) run their queries themselves under the watchdog of ``watchdog.py``: a
worker whose query passes the time limit answers 503 and ends, and gunicorn starts a new one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from gunicorn.app.base import BaseApplication
from kamergraph.server.config import ServerConfig
from kamergraph.server.logs import configure_logging


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
