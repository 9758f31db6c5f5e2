"""Benchmark the SPARQL endpoint against ``oxigraph serve`` (and rdflib-endpoint on the seed).

For each graph (the seed's graph, and a graph of at least a million triples made by
replicating the seed document's triples under renamed IRIs), each named query of
``queries/*.rq``, each concurrency and each server (taking turns, so the figures a ratio
compares are measured seconds apart), a load generator keeps that many keep-alive HTTP
connections busy with the query (POST, form-encoded, SPARQL JSON) for ``--duration`` seconds:
``wrk`` (C, one thread; Debian package ``wrk``) when it is installed, otherwise Python
threads, which saturate near 3,000 requests/s on this machine and so understate the faster
servers (``--client`` chooses).
A query's parameters (``# param:`` lines) are bound in its text as ``kamergraph query --param``
binds them (see ``bind``), so every server gets the same query.
It prints median and p99 latency, requests per second, the CPU time each server's processes
spent per request during the load (from ``/proc``: this decides the ratios once both servers
saturate the cores), and the ratio of ours to Oxigraph's for each, and writes everything as
JSON (``--json``, rewritten after every measurement). Our server runs twice: as
``kamergraph`` with its answer cache off, and as ``kamergraph+cache`` with it on (each
load repeats one query, so the cached figures show the cache, not the engine).

    .venv/bin/python benchmarks/bench_server.py --duration 20          # the full run
    .venv/bin/python benchmarks/bench_server.py --duration 2 --concurrency 1 8

Servers run on 127.0.0.1 on free ports and are stopped at the end. The load generator runs on
the same (2-core) machine, so it competes with the server for CPU: absolute numbers are
lower than a separate client would measure; the ratios compare like with like. A query a
server takes longer than half the duration to answer once is not put under load on it (its
single time is reported); after each load the benchmark waits until the server answers a
trivial query promptly again, so requests left queued do not slow the next measurement.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUERIES = ROOT / "queries"
SEED_ID = "kst-33009-123"
# a parameter's value, bound as ``kamergraph query --param`` binds it (see ``bind``)
PARAM_VALUES = {
    "region": '"Noord-Brabant"',
    "entity": "<https://w3id.org/kamergraph/thesaurus/asml>",
}


@dataclass
class Server:
    name: str
    url: str  # the SPARQL endpoint
    process: subprocess.Popen[bytes]
    log: Path
    handle: object = None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


@dataclass
class Run:
    graph: str
    server: str
    query: str
    concurrency: int
    requests: int = 0
    errors: int = 0
    rows: int | None = None
    latencies: list[float] = field(default_factory=list, repr=False)
    percentiles: dict[int, float] = field(default_factory=dict, repr=False)  # from wrk
    seconds: float = 0.0
    cpu_seconds: float | None = None  # the server's processes, during the load
    note: str = ""

    @property
    def median_ms(self) -> float:
        if 50 in self.percentiles:
            return self.percentiles[50] * 1000
        return statistics.median(self.latencies) * 1000 if self.latencies else math.nan

    @property
    def p99_ms(self) -> float:
        if 99 in self.percentiles:
            return self.percentiles[99] * 1000
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        if self.cpu_seconds is None or not self.requests:
            return None
        return self.cpu_seconds * 1000 / self.requests

    def summary(self) -> dict[str, object]:
        return {
            "graph": self.graph,
            "server": self.server,
            "query": self.query,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "errors": self.errors,
            "rows": self.rows,
            "median_ms": round(self.median_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "rps": round(self.rps, 1),
            "cpu_ms_per_request": _round(self.cpu_ms_per_request, 4),
            "note": self.note,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def tree_cpu_seconds(root: int) -> float | None:
    """CPU seconds (user and system) process ``root`` and its descendants have used so far,
    reaped children included; None where there is no ``/proc`` (not Linux)."""
    stats: dict[int, tuple[int, float]] = {}  # pid -> (parent, seconds)
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        # after the command: state ppid ... utime(11) stime(12) cutime(13) cstime(14)
        used = sum(int(value) for value in fields[11:15]) / tick
        stats[int(entry)] = (int(fields[1]), used)
    if root not in stats:
        return None
    tree, total, grew = {root}, 0.0, True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    for pid in tree:
        total += stats[pid][1]
    return total


# -- graphs ----------------------------------------------------------------------------------


def seed_graph(workdir: Path) -> Path:
    out = workdir / "seed.nq"
    if not out.exists():
        subprocess.run(
            [
                str(BIN / "kamergraph"),
                "build",
                str(ROOT / "examples/documents/000_b403e5ce692c490c.txt"),
                "--id",
                SEED_ID,
                "-o",
                str(out),
                "-q",
            ],
            check=True,
        )
    return out


def large_graph(seed: Path, workdir: Path, target: int) -> tuple[Path, int]:
    """The seed's graph with its document triples replicated under renamed IRIs."""
    lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
    document = [line for line in lines if SEED_ID in line]
    shared = len(lines) - len(document)
    copies = max(1, math.ceil((target - shared) / len(document)))
    out = workdir / f"large-{copies}.nq"
    if not out.exists():
        with out.open("w", encoding="utf-8") as handle:
            handle.writelines(line for line in lines if SEED_ID not in line)
            for i in range(copies):
                renamed = f"{SEED_ID}-r{i}" if i else SEED_ID
                handle.writelines(line.replace(SEED_ID, renamed) for line in document)
    return out, shared + copies * len(document)


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    name: str, command: list[str], url: str, log: Path, env: dict[str, str] | None = None
) -> Server:
    handle = log.open("wb")
    process = subprocess.Popen(
        command,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    server = Server(name, url, process, log, handle)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            status, _ = request(url, "ASK {}", timeout=5)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise SystemExit(f"{name} did not start: {log}")


def start_ours(
    graph: Path, workdir: Path, workers: int, timeout: float = 120, cache: int = 0
) -> Server:
    port = free_port()
    command = [
        str(BIN / "kamergraph"),
        "serve",
        str(graph),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--max-rows",
        "0",
        "--timeout",
        str(timeout),
        "--store",
        str(workdir / "stores"),
        "--cache",
        str(cache),
    ]
    name = "kamergraph+cache" if cache else "kamergraph"
    return start(
        name, command, f"http://127.0.0.1:{port}/sparql", workdir / f"kamergraph-{port}.log"
    )


def start_oxigraph(graph: Path, workdir: Path) -> Server:
    location = workdir / f"oxigraph-{graph.stem}"
    if not location.exists():
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(graph)],
            check=True,
            capture_output=True,
        )
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    return start(
        "oxigraph", command, f"http://127.0.0.1:{port}/query", workdir / f"oxigraph-{port}.log"
    )


def start_rdflib_endpoint(graph: Path, workdir: Path) -> Server:
    port = free_port()
    command = [
        str(BIN / "rdflib-endpoint"),
        "serve",
        str(graph),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return start(
        "rdflib-endpoint", command, f"http://127.0.0.1:{port}/", workdir / f"rdflib-{port}.log"
    )


# -- load ------------------------------------------------------------------------------------


def named_queries(selected: list[str] | None) -> dict[str, str]:
    queries = {}
    for path in sorted(QUERIES.glob("*.rq")):
        if selected and path.stem not in selected:
            continue
        text = path.read_text(encoding="utf-8")
        params = re.findall(r"^#\s*param:\s*(\w+)", text, flags=re.MULTILINE)
        for param in params:
            text = bind(text, param, PARAM_VALUES.get(param, '""'))
        queries[path.stem] = text
    return queries


_PROJECTION = re.compile(r"\bSELECT\b(.*?)(?=\bWHERE\b|\{)", re.IGNORECASE | re.DOTALL)


def bind(text: str, name: str, value: str) -> str:
    """The query with variable ``name`` bound to ``value`` (an IRI or literal in SPARQL syntax),
    as Oxigraph's substitutions bind ``kamergraph query --param`` (SEP-0007): the value stands
    for the variable everywhere in the pattern, so a FILTER in an inner group sees it too, and
    the projection keeps the variable as ``(value AS ?name)``. Done in the text, so every
    server gets the same query (a trailing VALUES clause is joined last, which an inner
    group's FILTER never sees).
    """
    text = re.sub(r"(?m)^[ \t]*#.*\n?", "", text)  # comment lines (they may say SELECT)
    variable = re.compile(rf"[?$]{re.escape(name)}\b")
    projection = _PROJECTION.search(text)
    if projection is None:  # ASK, CONSTRUCT, DESCRIBE: nothing projected
        return variable.sub(lambda _: value, text)
    start, end = projection.span(1)
    selected = variable.sub(lambda _: f"({value} AS ?{name})", text[start:end])
    return text[:start] + selected + variable.sub(lambda _: value, text[end:])


def request(
    url: str, query: str, timeout: float = 120, connection: http.client.HTTPConnection | None = None
):  # type: ignore[no-untyped-def]
    parts = urllib.parse.urlsplit(url)
    own = connection is None
    conn = connection or http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=timeout
    )
    body = urllib.parse.urlencode({"query": query})
    conn.request(
        "POST",
        parts.path or "/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    response = conn.getresponse()
    data = response.read()
    if own:
        conn.close()
    return response.status, data


def count_rows(data: bytes) -> int | None:
    try:
        document = json.loads(data)
    except ValueError:
        return None
    if "boolean" in document:
        return 1
    return len(document.get("results", {}).get("bindings", []))


def load(server: Server, query: str, concurrency: int, duration: float, run: Run) -> None:
    """Python load generator: one thread per keep-alive connection."""
    stop = time.monotonic() + duration
    lock = threading.Lock()
    parts = urllib.parse.urlsplit(server.url)

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
        latencies: list[float] = []
        errors = 0
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                status, _ = request(server.url, query, connection=conn)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(
                    parts.hostname or "127.0.0.1", parts.port, timeout=120
                )
                errors += 1
                continue
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors += 1
        conn.close()
        with lock:
            run.latencies.extend(latencies)
            run.errors += errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - started
    run.requests = len(run.latencies)


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/sparql-results+json"
local file = io.open(os.getenv("KAMERGRAPH_BENCH_BODY"), "rb")
wrk.body = file:read("*a")
file:close()
"""
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def load_wrk(
    server: Server, query: str, concurrency: int, duration: float, run: Run, workdir: Path
) -> None:
    """wrk load generator: ``concurrency`` keep-alive connections on one thread."""
    body = workdir / "wrk-body.txt"
    body.write_text(urllib.parse.urlencode({"query": query}), encoding="utf-8")
    script = workdir / "wrk-post.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "120s",
        "--latency",
        "-s",
        str(script),
        server.url,
    ]
    env = {**os.environ, "KAMERGRAPH_BENCH_BODY": str(body)}
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    run.seconds = max(1, round(duration))
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)[ \t]*$", output, re.MULTILINE))
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    run.requests = int(total.group(1)) if total else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    run.errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )
    run.percentiles = {
        int(key): _seconds(value) for key, value in percentiles.items()
    }  # wrk gives the distribution, not every latency


def wait_until_idle(server: Server, limit: float = 600) -> None:
    """Wait until the server answers a trivial query within 0.5 s (queued work done)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            status, _ = request(server.url, "ASK {}", timeout=limit)
        except (OSError, http.client.HTTPException):
            time.sleep(1)
            continue
        if status == 200 and time.monotonic() - t0 < 0.5:
            return
    print(f"# {server.name} still busy after {limit:.0f} s", flush=True)


def bench_graph(
    label: str,
    servers: list[Server],
    queries: dict[str, str],
    levels: list[int],
    duration: float,
    client: str,
    workdir: Path,
    on_run: Callable[[list[Run]], None] | None = None,
) -> list[Run]:
    """Measure every query on every server at every level; ``on_run`` sees the runs so far
    after each measurement (to save them: a long run cut short keeps what it measured).

    The servers take turns at each level (ours, Oxigraph, … at c1, then at c8, …), so the
    runs a ratio compares are seconds apart and a machine that slows down meanwhile shifts
    both alike.
    """
    runs: list[Run] = []
    for name, query in queries.items():
        first: dict[str, tuple[float, int, int | None]] = {}  # server: one request's time …
        for server in servers:
            t0 = time.monotonic()
            status, data = request(server.url, query)
            once = time.monotonic() - t0
            first[server.name] = (once, status, count_rows(data) if status == 200 else None)
        for number, concurrency in enumerate(levels):
            for server in servers:
                once, status, rows = first[server.name]
                run = Run(label, server.name, name, concurrency, rows=rows)
                if once > duration / 2:  # too slow to put under load: its one time stands
                    if number:
                        continue  # reported once, at the first level
                    run.latencies, run.seconds, run.requests = [once], once, 1
                    run.errors = int(status != 200)
                    run.note = f"one request took {once:.1f} s; not put under load"
                else:
                    cpu_before = tree_cpu_seconds(server.process.pid)
                    if client == "wrk":
                        load_wrk(server, query, concurrency, duration, run, workdir)
                    else:
                        load(server, query, concurrency, duration, run)
                    cpu_after = tree_cpu_seconds(server.process.pid)
                    if cpu_before is not None and cpu_after is not None:
                        run.cpu_seconds = cpu_after - cpu_before
                runs.append(run)
                cpu = run.cpu_ms_per_request
                print(
                    f"{label:5} {server.name:16} {name:32} c={concurrency:<3} rows={rows!s:>5} "
                    f"median={run.median_ms:8.2f} ms p99={run.p99_ms:8.2f} ms "
                    f"{run.rps:8.1f} req/s cpu={'-' if cpu is None else f'{cpu:.3f}'} ms/req "
                    f"errors={run.errors} {run.note}",
                    flush=True,
                )
                if on_run is not None:
                    on_run(runs)
                if not run.note:
                    wait_until_idle(server)
    return runs


def ratios(runs: list[Run]) -> list[dict[str, object]]:
    index = {(r.graph, r.server, r.query, r.concurrency): r for r in runs}
    out = []
    for r in runs:
        if not r.server.startswith("kamergraph"):
            continue
        for other in ("oxigraph", "rdflib-endpoint"):
            o = index.get((r.graph, other, r.query, r.concurrency))
            if o is None:
                continue
            out.append(
                {
                    "graph": r.graph,
                    "server": r.server,
                    "query": r.query,
                    "concurrency": r.concurrency,
                    "versus": other,
                    "median_ratio": round(r.median_ms / o.median_ms, 2) if o.median_ms else None,
                    "p99_ratio": round(r.p99_ms / o.p99_ms, 2) if o.p99_ms else None,
                    "throughput_ratio": round(r.rps / o.rps, 2) if o.rps else None,
                    "cpu_ratio": (
                        round(r.cpu_ms_per_request / o.cpu_ms_per_request, 2)
                        if r.cpu_ms_per_request and o.cpu_ms_per_request
                        else None
                    ),
                }
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per measurement (20)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--large-triples", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=4, help="our worker processes")
    parser.add_argument("--queries", nargs="*", help="named queries to run (default all)")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument(
        "--large-concurrency",
        type=int,
        nargs="+",
        help="levels for the large graph (default: same)",
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="our query time limit (Oxigraph has none)"
    )
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument(
        "--cache",
        type=int,
        default=256,
        metavar="N",
        help="also run our server with its answer cache of N entries, reported apart as "
        "'kamergraph+cache' ('kamergraph' always runs with the cache off; 0: skip)",
    )
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (default wrk when installed)",
    )
    parser.add_argument("--workdir", type=Path, help="keep graphs and stores here between runs")
    parser.add_argument("--json", type=Path, help="write all figures here")
    args = parser.parse_args(argv)
    if shutil.which("oxigraph", path=str(BIN)) is None:
        raise SystemExit("oxigraph is not installed: pip install -e '.[bench]'")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kamergraph-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    queries = named_queries(args.queries)
    seed = seed_graph(workdir)
    graphs = [] if args.skip_seed else [("seed", seed, sum(1 for _ in seed.open(encoding="utf-8")))]
    if not args.skip_large:
        large, triples = large_graph(seed, workdir, args.large_triples)
        graphs.append(("large", large, triples))

    print(f"# load generator: {args.client}", flush=True)
    runs: list[Run] = []

    def save(more: list[Run]) -> None:
        if args.json:
            write_json(args.json, runs + more)

    for label, graph, triples in graphs:
        print(f"# graph {label}: {triples:,} quads ({graph})", flush=True)
        servers: list[Server] = []
        try:
            t0 = time.monotonic()
            servers.append(start_ours(graph, workdir, args.workers, args.timeout))
            print(f"# kamergraph ready in {time.monotonic() - t0:.1f} s", flush=True)
            if args.cache:
                servers.append(
                    start_ours(graph, workdir, args.workers, args.timeout, cache=args.cache)
                )
            t0 = time.monotonic()
            servers.append(start_oxigraph(graph, workdir))
            print(f"# oxigraph ready in {time.monotonic() - t0:.1f} s", flush=True)
            if label == "seed" and not args.skip_rdflib:
                t0 = time.monotonic()
                servers.append(start_rdflib_endpoint(graph, workdir))
                print(f"# rdflib-endpoint ready in {time.monotonic() - t0:.1f} s", flush=True)
            levels = args.concurrency
            if label == "large" and args.large_concurrency:
                levels = args.large_concurrency
            runs.extend(
                bench_graph(
                    label, servers, queries, levels, args.duration, args.client, workdir, save
                )
            )
        finally:
            for server in servers:
                server.stop()

    table = ratios(runs)
    print(
        "\n# ratios (kamergraph / other; latency below 1 and throughput above 1 favour kamergraph)"
    )
    for row in table:
        print(
            f"{row['graph']:5} {row['server']:16} vs {row['versus']:16} {row['query']:32} "
            f"c={row['concurrency']:<3} "
            f"median x{row['median_ratio']}  p99 x{row['p99_ratio']}  "
            f"throughput x{row['throughput_ratio']}  cpu/request x{row['cpu_ratio']}"
        )
    if args.json:
        write_json(args.json, runs)
    return 0


def write_json(path: Path, runs: list[Run]) -> None:
    """All figures so far, written whole (a temporary file renamed over the old one)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(
        json.dumps({"runs": [r.summary() for r in runs], "ratios": ratios(runs)}, indent=1)
    )
    partial.replace(path)


if __name__ == "__main__":
    sys.exit(main())
