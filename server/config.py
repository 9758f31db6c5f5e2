"""The server's configuration: one frozen value handed to ``create_app``. Safe by default."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kamergraph.server.executor import StoreSpec

from kamergraph import paths

DEFAULT_BASE = "https://w3id.org/kamergraph/id/"
THESAURUS_BASE = "https://w3id.org/kamergraph/thesaurus/"


@dataclass(frozen=True)
class ServerConfig:
    store: StoreSpec
    base: str = DEFAULT_BASE
    timeout: float = 30.0  # seconds a query may run before it is stopped (503)
    max_rows: int | None = 10_000  # solutions or triples per answer; more are cut off
    max_request_bytes: int = 1 << 20
    enable_update: bool = False
    update_token: str | None = None  # required on updates when set
    allowed_services: frozenset[str] = field(default_factory=frozenset)
    workers: int = 2  # query worker processes
    union_default_graph: bool = True  # the default graph is the union of the named graphs
    queries_dir: Path = paths.QUERIES_DIR
    node_modules: Path = paths.ROOT / "node_modules"
    cors: bool = True
    # answers kept per worker process (cache.py), only while read-only; 0 turns it off
    cache_entries: int = 256
    # True under gunicorn's sync workers: each worker runs its queries itself under a
    # watchdog (watchdog.py); False: a pool of query worker processes (executor.py)
    in_process: bool = False

    @property
    def thesaurus_base(self) -> str:
        return THESAURUS_BASE
