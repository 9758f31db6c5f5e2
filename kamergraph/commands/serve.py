"""``kamergraph serve [GRAPH | INPUT...]``: the SPARQL endpoint, query page and entity pages."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

GRAPH_SUFFIXES = (".trig", ".nq", ".ttl", ".nt", ".jsonld", ".rdf", ".owl")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_DEFAULT_WORKERS = 16


def default_workers() -> int:
    """Two worker processes per core the server may run on (4 on 2 cores), 2 to 16.

    A process serves one request at a time, so more processes than cores keep a few long
    queries from holding up the rest; each holds its own store handle and answer cache, so
    a large machine does not get one per hyperthread without asking (``--workers``).
    """
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may use (containers)
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(2, min(MAX_DEFAULT_WORKERS, 2 * cores))


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="GRAPH | INPUT",
        help="a built graph (.trig, .nq, .ttl, ...) or documents to build first "
        "(default: the bundled sample)",
    )
    parser.add_argument(
        "--id",
        dest="identifier",
        metavar="ID",
        help="identifier of the one document given (as for build)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="where on-disk stores are kept (default ~/.cache/kamergraph/stores); "
        "with --enable-update, the store itself",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="hold the graph in rdflib's in-memory store (tiny graphs only)",
    )
    parser.add_argument("--base", metavar="IRI", help="base IRI of instance data (entity pages)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="query time limit; a longer query is stopped with 503 (default 30)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=10_000,
        metavar="N",
        help="solutions or triples per answer, more are cut off (default 10000; 0 for no limit)",
    )
    parser.add_argument(
        "--max-request-bytes",
        type=int,
        default=1 << 20,
        metavar="N",
        help="largest request body accepted (default 1 MiB)",
    )
    parser.add_argument(
        "--enable-update",
        action="store_true",
        help="accept SPARQL Update (needs --update-token unless bound to loopback)",
    )
    parser.add_argument(
        "--update-token", metavar="TOKEN", help="updates must send 'Authorization: Bearer TOKEN'"
    )
    parser.add_argument(
        "--allow-service",
        action="append",
        default=[],
        metavar="URL",
        help="a SERVICE endpoint queries may call (repeatable; default none)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        metavar="N",
        help="worker processes, each serving one request at a time (default: two per core, "
        f"2 to {MAX_DEFAULT_WORKERS}, here %(default)s; 1 with --enable-update, which needs "
        "a single writer)",
    )
    parser.add_argument(
        "--cache",
        type=int,
        default=256,
        metavar="N",
        help="answers each worker keeps for repeated queries (read-only servers only; "
        "default 256, 0 turns the cache off)",
    )
    parser.add_argument(
        "--no-union-default-graph",
        action="store_true",
        help="the default graph is the store's default graph, not the union",
    )
    parser.add_argument(
        "--get",
        metavar="PATH",
        help="answer one GET request for PATH in-process, print it and exit",
    )


def run(args: argparse.Namespace) -> int:
    from kamergraph.errors import UsageError
    from kamergraph.server.config import DEFAULT_BASE, ServerConfig

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.enable_update and not args.update_token and args.host not in LOOPBACK:
        raise UsageError(
            f"--enable-update on {args.host} needs --update-token (only loopback may go without)"
        )
    if args.update_token and not args.enable_update:
        raise UsageError("--update-token is only meaningful with --enable-update")
    base = args.base or DEFAULT_BASE
    if "://" not in base or not base.endswith(("/", "#")):
        raise UsageError(f"--base must be an absolute IRI ending in '/' or '#': {base}")

    graph_file = resolve_graph(args.inputs, args.identifier, base, args.store)
    spec = store_spec(graph_file, args)
    config = ServerConfig(
        store=spec,
        base=base,
        timeout=args.timeout,
        max_rows=args.max_rows or None,
        max_request_bytes=args.max_request_bytes,
        enable_update=args.enable_update,
        update_token=args.update_token,
        allowed_services=frozenset(args.allow_service),
        workers=args.workers,
        union_default_graph=not args.no_union_default_graph,
        cache_entries=max(0, args.cache),
    )
    if args.get:
        return _get(config, args.get)
    from kamergraph.server.run import serve

    serve(config, args.host, args.port)
    return 0


def resolve_graph(inputs: list[str], identifier: str | None, base: str, store: Path | None) -> Path:
    """The graph file to serve: given, or built from the documents (or the bundled sample)."""
    from kamergraph import paths
    from kamergraph.errors import UsageError

    if len(inputs) == 1 and Path(inputs[0]).suffix.lower() in GRAPH_SUFFIXES:
        graph = Path(inputs[0])
        if not graph.is_file():
            raise UsageError(f"{graph}: no such graph file")
        return graph
    if not inputs:
        inputs, identifier = [str(paths.SAMPLE_DOCUMENT)], paths.SAMPLE_IDENTIFIER
    return build_documents(inputs, identifier, base, store)


def build_documents(
    inputs: list[str], identifier: str | None, base: str, store: Path | None
) -> Path:
    """Build documents with the build pipeline into the store cache (once per input)."""
    import hashlib

    from kamergraph import paths
    from kamergraph.builder import pipeline
    from kamergraph.builder.store import default_store_root, graph_digest

    sources = pipeline.find_sources(inputs, identifier=identifier)
    key = hashlib.sha256(base.encode())
    for source in sources:
        key.update(f"{source.path}\0{source.identifier}\0{graph_digest(source.path)}\n".encode())
    # the build also depends on the knowledge files and the builder's code
    builder = Path(pipeline.__file__).parent
    for folder in (paths.ONTOLOGY_DIR, paths.SHAPES_DIR, builder):
        for file in sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            key.update(f"{file}\0{graph_digest(file)}\n".encode())
    builds = (store or default_store_root()) / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    output = builds / f"{key.hexdigest()[:24]}.nq"
    if not output.exists():
        pipeline.build(sources, output, pipeline.Options(base=base, progress=False))
    return output


def store_spec(graph_file: Path, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kamergraph.builder.store import prepare_store, prepare_writable_store
    from kamergraph.server.executor import StoreSpec

    if args.memory:
        return StoreSpec(graph_file, backend="memory", writable=args.enable_update)
    if args.enable_update:
        return StoreSpec(prepare_writable_store(graph_file, args.store), writable=True)
    return StoreSpec(prepare_store(graph_file, args.store))


def _get(config, path: str) -> int:  # type: ignore[no-untyped-def]
    import sys
    from dataclasses import replace

    from kamergraph.server.app import create_app

    app = create_app(replace(config, workers=1))  # one request: one query worker
    try:
        response = app.test_client().get(path)
        sys.stdout.write(response.get_data(as_text=True))
        return 0 if response.status_code < 400 else 1
    finally:
        app.extensions["kamergraph"].pool.close()
