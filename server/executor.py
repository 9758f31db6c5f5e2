"""Run queries in a pool of worker processes, so a timeout really stops the work.

pyoxigraph cannot be interrupted and ignores signals while a query runs, so every query and
update runs in a worker process that holds its own handle on the store. The web process
sends a ``Job`` over a pipe and waits at most the time limit for the answer; a worker that
does not answer in time is killed and replaced in the background, and the request gets a
``QueryTimeout`` (503). Other requests keep being served by the other workers meanwhile.

Workers open the on-disk store read-only (many may share it); with updates enabled there is
one worker holding the store read-write, so every request sees every update. The worker
also negotiates the format (it is the first to know the kind of answer) and serialises, so
only bytes cross the pipe.
"""

from __future__ import annotations

import atexit
import pickle
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kamergraph import errors


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens the store: an on-disk pyoxigraph store, or a file held in memory."""

    path: Path
    backend: str = "oxigraph"  # "oxigraph" (on disk) or "memory" (rdflib, tiny graphs)
    writable: bool = False


@dataclass(frozen=True)
class Job:
    """One operation for a worker. IRIs are plain strings; variables name IRIs to bind."""

    operation: str  # "query" or "update"
    text: str
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = False
    accept: str | None = None
    format_param: str | None = None
    max_rows: int | None = None
    bindings: tuple[tuple[str, str], ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    # Graph Store Protocol ("graph-get", "graph-put", "graph-post", "graph-delete"):
    graph: str | None = None  # the graph IRI, None for the default graph
    body: bytes = b""
    media_type: str | None = None


@dataclass(frozen=True)
class Answer:
    """A worker's answer: the serialised body, its content type, and whether rows were cut."""

    body: bytes
    content_type: str | None
    truncated: bool = False
    kind: str = ""  # "bindings", "boolean", "graph" or "update"


@dataclass(eq=False)
class _Worker:
    process: Any
    connection: Connection
    busy_since: float = field(default=0.0)


class QueryPool:
    """A fixed number of worker processes answering ``Job``s within ``timeout`` seconds."""

    def __init__(self, spec: StoreSpec, size: int, timeout: float) -> None:
        if size < 1:
            raise errors.UsageError(f"the number of query workers must be at least 1, not {size}")
        self.spec = spec
        self.size = 1 if spec.writable else size
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [self._start() for _ in range(self.size)]
        for worker in started:
            self._await_ready(worker)
            self._idle.put(worker)
        atexit.register(self.close)

    # -- life cycle -------------------------------------------------------------------------

    def _start(self) -> _Worker:
        # A fresh interpreter running ``python -m kamergraph.server.worker FD``, talking over a
        # socket pair: independent of the parent's __main__ (unlike multiprocessing's spawn)
        # and of its threads (unlike fork).
        parent, child = socket.socketpair()
        process = subprocess.Popen(
            [sys.executable, "-m", "kamergraph.server.worker", str(child.fileno())],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
        child.close()
        connection = Connection(parent.detach())
        connection.send_bytes(pickle.dumps(self.spec))
        worker = _Worker(process, connection)
        with self._lock:
            self._all.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        if not worker.connection.poll(120):
            raise errors.KamergraphError(f"a query worker did not start: {self.spec.path}")
        try:
            status, message = pickle.loads(worker.connection.recv_bytes())
        except EOFError as error:
            raise errors.KamergraphError(
                f"{self.spec.path}: a query worker could not open the store"
            ) from error
        if status != "ready":
            raise errors.UsageError(message, source=str(self.spec.path))

    def _kill(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.process.kill()
        worker.process.wait(5)
        worker.connection.close()

    def _replace(self) -> None:
        def start_one() -> None:
            if self._closed:
                return
            worker = self._start()
            try:
                self._await_ready(worker)
            except errors.KamergraphError:
                self._kill(worker)
                return
            self._idle.put(worker)

        threading.Thread(target=start_one, daemon=True, name="kamergraph-respawn").start()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._kill(worker)

    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.process.poll() is None)

    # -- running ----------------------------------------------------------------------------

    def run(self, job: Job, timeout: float | None = None) -> Answer:
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        try:
            worker = self._idle.get(timeout=limit)
        except queue.Empty:
            raise errors.ServiceUnavailable(
                f"all {self.size} query workers stayed busy for {limit:g} s; try again later"
            ) from None
        try:
            worker.connection.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                self._kill(worker)
                self._replace()
                raise errors.QueryTimeout(
                    f"the query ran longer than the time limit of {limit:g} s and was stopped"
                )
            status, payload = pickle.loads(worker.connection.recv_bytes())
        except (EOFError, OSError, BrokenPipeError) as error:
            self._kill(worker)
            self._replace()
            raise errors.KamergraphError("a query worker stopped unexpectedly") from error
        self._idle.put(worker)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        error_class = getattr(errors, payload[0], errors.KamergraphError)
        raise error_class(payload[1])


# -- the worker process ----------------------------------------------------------------------


def worker_main(connection: Connection, spec: StoreSpec) -> None:
    """Entry point of a worker process: open the store, then answer jobs until EOF."""
    try:
        engine = _open(spec)
    except (OSError, ValueError, SyntaxError) as error:
        connection.send_bytes(pickle.dumps(("error", f"cannot open the store: {error}")))
        return
    connection.send_bytes(pickle.dumps(("ready", "")))
    while True:
        try:
            job = pickle.loads(connection.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", execute(engine, job))
        except errors.KamergraphError as error:
            reply = ("error", (type(error).__name__, error.message))
        connection.send_bytes(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))


def execute(engine: Any, job: Job) -> Answer:
    """Run ``job``; the engine's own errors become ``KamergraphError``s."""
    try:
        return engine.run(job)  # type: ignore[no-any-return]
    except SyntaxError as error:
        raise errors.QueryError(_syntax_message(error)) from None
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        raise errors.QueryError(f"the query failed: {error}") from None


def open_engine(spec: StoreSpec) -> Any:
    try:
        return _open(spec)
    except (OSError, ValueError, SyntaxError) as error:
        raise errors.UsageError(f"cannot open the store: {error}", source=str(spec.path)) from error


def _syntax_message(error: SyntaxError) -> str:
    return "syntax error: " + " ".join(str(error).split())


def _open(spec: StoreSpec) -> Any:
    if spec.backend == "memory":
        from kamergraph.server.memory import MemoryEngine

        return MemoryEngine(spec.path)
    return OxigraphEngine(spec)


class OxigraphEngine:
    """Answers jobs from a pyoxigraph store on disk."""

    def __init__(self, spec: StoreSpec) -> None:
        import pyoxigraph as ox
        from kamergraph.server import formats, results

        self.ox = ox
        self.formats = formats
        self.results = results
        self.store = (
            ox.Store(str(spec.path)) if spec.writable else ox.Store.read_only(str(spec.path))
        )

    def run(self, job: Job) -> Answer:
        ox = self.ox
        if job.operation == "update":
            self.store.update(job.text, base_iri=job.base_iri)
            return Answer(b"", None, kind="update")
        if job.operation.startswith("graph-"):
            return self.graph_store(job)
        options: dict[str, Any] = {"base_iri": job.base_iri}
        if job.default_graphs is not None:
            options["default_graph"] = [_graph_term(ox, g) for g in job.default_graphs]
        elif job.union_default_graph:
            options["use_default_graph_as_union"] = True
        if job.named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        if job.bindings:
            options["substitutions"] = {
                ox.Variable(name): ox.NamedNode(iri) for name, iri in job.bindings
            }
        if job.prefixes:
            options["prefixes"] = dict(job.prefixes)
        result = self.store.query(job.text, **options)
        return self.serialise(result, job, lambda: self.store.query(job.text, **options))

    def serialise(self, result: Any, job: Job, again: Any = None) -> Answer:
        """Write ``result`` in the negotiated format, cut at ``job.max_rows``.

        Solutions are written by pyoxigraph's own (Rust) serialiser; when the answer could
        hold more rows than the limit its rows are counted, and only an answer that really
        passes the limit is evaluated ``again`` (a callable re-running the query) and written
        row by row up to the limit by ``results.py``.
        """
        ox, formats, results = self.ox, self.formats, self.results
        if isinstance(result, ox.QueryBoolean):
            fmt = formats.choose_format(job.accept, "boolean", job.format_param)
            return Answer(results.boolean(bool(result), fmt), fmt.content_type, kind="boolean")
        limit = job.max_rows
        if isinstance(result, ox.QuerySolutions):
            fmt = formats.choose_format(job.accept, "bindings", job.format_param)
            native = results.NATIVE_BINDINGS[fmt.name]
            body = result.serialize(format=native)
            if limit is None or results.rows_at_most(body, fmt, limit):
                return Answer(body, fmt.content_type, kind="bindings")
            if again is None:
                raise errors.KamergraphError("an answer over the row limit cannot be re-run")
            result = again()
            names = [v.value for v in result.variables]
            width = range(len(names))
            rows = [
                [s[i] for i in width] for s in islice(result, None if limit is None else limit + 1)
            ]
            truncated = limit is not None and len(rows) > limit
            if truncated:
                del rows[limit:]
            body = results.BINDINGS_WRITERS[fmt.name](names, rows)
            return Answer(body, fmt.content_type, truncated, kind="bindings")
        fmt = formats.choose_format(job.accept, "graph", job.format_param)
        triples = list(islice(result, None if limit is None else limit + 1))
        truncated = limit is not None and len(triples) > limit
        if truncated:
            del triples[limit:]
        return Answer(results.graph(triples, fmt), fmt.content_type, truncated, kind="graph")

    def graph_store(self, job: Job) -> Answer:
        """The Graph Store Protocol's operations on one graph (``kind`` carries the status)."""
        ox = self.ox
        graph = ox.DefaultGraph() if job.graph is None else ox.NamedNode(job.graph)
        exists = job.graph is None or self.store.contains_named_graph(graph)
        if job.operation in ("graph-get", "graph-delete") and not exists:
            raise errors.NotFound(f"the store holds no graph <{job.graph}>")
        if job.operation == "graph-get":
            fmt = self.formats.choose_format(job.accept, "graph", job.format_param)
            triples = (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in self.store.quads_for_pattern(None, None, None, graph)
            )
            return Answer(self.results.graph(triples, fmt), fmt.content_type, kind="graph")
        if job.operation == "graph-delete":
            if job.graph is None:
                self.store.clear_graph(graph)
            else:
                self.store.remove_graph(graph)
            return Answer(b"", None, kind="204")
        rdf_format = ox.RdfFormat.from_media_type(job.media_type or "")
        if rdf_format is None or rdf_format.supports_datasets:
            raise errors.UnsupportedMediaType(
                "a graph must be sent as Turtle, N-Triples, RDF/XML or JSON-LD, "
                f"not {job.media_type}"
            )
        parsed = list(ox.parse(job.body, format=rdf_format, base_iri=job.base_iri))
        if job.operation == "graph-put" and exists:
            self.store.clear_graph(graph)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed)
        if job.graph is not None and not exists:
            self.store.add_graph(graph)
        return Answer(b"", None, kind="204" if exists else "201")


def _graph_term(ox: Any, iri: str) -> Any:
    return ox.NamedNode(iri)
