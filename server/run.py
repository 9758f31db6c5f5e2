"""Serve an app under gunicorn (a production WSGI server), from Python.

One gunicorn worker process with threads handles HTTP; the query work happens in the
``QueryPool``'s processes it starts, so the threads only parse requests and copy bytes.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
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


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    logger = logging.getLogger("kamergraph.server")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def serve(config: ServerConfig, host: str, port: int, threads: int | None = None) -> None:
    """Run the server until interrupted."""

    def factory() -> Any:
        from kamergraph.server.app import create_app

        configure_logging()
        app = create_app(config)
        logging.getLogger("kamergraph.server").info(
            "serving http://%s:%d/ (SPARQL at /sparql, %d query workers, timeout %gs%s)",
            host,
            port,
            app.extensions["kamergraph"].pool.size,
            config.timeout,
            ", updates enabled" if config.enable_update else ", read-only",
        )
        return app

    options = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads or max(8, 4 * config.workers),
        "timeout": int(config.timeout) + 60,
        "graceful_timeout": 5,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "limit_request_line": 8190,
        "proc_name": "kamergraph-serve",
    }
    _Gunicorn(factory, options).run()
