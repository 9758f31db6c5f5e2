"""Time every named query of ``queries/*.rq`` in-process with pyoxigraph, on several graphs.

The graphs are the seed document's graph (built with ``kamergraph build``) and a graph of at
least ``--triples`` triples (default one million) made, as ``bench_server.py`` does, by
replicating the seed's document triples (its document graph and the inferred triples about
its nodes) under renamed IRIs, the schema and thesaurus once. Each query runs the way
``kamergraph query`` and the server run it: over the union of the graphs
(``use_default_graph_as_union=True``), parameters bound as substitutions. It prints the
median wall time of ``--repeat`` runs (after one warm-up run) and the row count per graph.

    .venv/bin/python benchmarks/bench_queries.py                    # seed and 1M triples
    .venv/bin/python benchmarks/bench_queries.py --repeat 3 --json out.json
    .venv/bin/python benchmarks/bench_queries.py --only amounts located-in
    .venv/bin/python benchmarks/bench_queries.py --graph big.nq     # and a built corpus too

A query slower than ``--slow`` seconds on its warm-up run is run only once more, so a slow
query does not hold the benchmark for minutes. ``--results DIR`` writes each query's sorted
rows per graph as TSV, to check that a rewritten query still gives the same answers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
from bench_server import large_graph, seed_graph  # the same graphs as the server benchmark
from kamergraph.builder import query as kgquery

from kamergraph import paths

# Values for parameterised queries, bound as substitutions the way --param binds them.
PARAMS: dict[str, ox.NamedNode | ox.Literal] = {
    "region": ox.Literal("Noord-Brabant"),
    "entity": ox.NamedNode("https://w3id.org/kamergraph/thesaurus/brainportregio"),
}


def rows_of(result: kgquery.Result) -> list[tuple[str, ...]]:
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in result]


def time_query(
    store: ox.Store, named: kgquery.NamedQuery, repeat: int, slow: float
) -> tuple[float, int, list[tuple[str, ...]]]:
    params = {p: PARAMS[p] for p in (item.split()[0] for item in named.params)}
    times: list[float] = []
    rows: list[tuple[str, ...]] = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        rows = rows_of(kgquery.run(store, named.text, params))
        elapsed = time.perf_counter() - start
        if i:
            times.append(elapsed)
        elif elapsed > slow:
            times.append(elapsed)
            break
    return statistics.median(times), len(rows), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kamergraph-bench-queries"))
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slow", type=float, default=5.0, help="seconds; run once more only")
    parser.add_argument("--only", nargs="*", help="query names (default: all)")
    parser.add_argument("--queries", type=Path, default=paths.QUERIES_DIR, help="a folder of .rq")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--results", type=Path, help="write each query's rows here (TSV)")
    parser.add_argument(
        "--graph", type=Path, nargs="*", default=[], help="more built graphs to time (any format)"
    )
    args = parser.parse_args(argv)

    args.workdir.mkdir(parents=True, exist_ok=True)
    seed = seed_graph(args.workdir)
    large, count = large_graph(seed, args.workdir, args.triples)
    named = kgquery.named_queries(args.queries)
    names = sorted(args.only or named)
    graphs = [("seed", seed), ("1M", large), *((path.stem, path) for path in args.graph)]
    figures: dict[str, dict[str, dict[str, float | int]]] = {name: {} for name in names}
    sizes: dict[str, int] = {}
    for label, path in graphs:
        start = time.perf_counter()
        store = kgquery.load_store(path)
        sizes[label] = len(store)
        print(f"# {label}: {len(store)} quads from {path} in {time.perf_counter() - start:.1f} s")
        for name in names:
            median, n, rows = time_query(store, named[name], args.repeat, args.slow)
            figures[name][label] = {"median_ms": round(median * 1000, 2), "rows": n}
            if args.results:
                args.results.mkdir(parents=True, exist_ok=True)
                text = "".join("\t".join(row) + "\n" for row in sorted(rows))
                (args.results / f"{label}-{name}.tsv").write_text(text, encoding="utf-8")
            print(f"  {name:32} {median * 1000:10.1f} ms {n:7d} rows", flush=True)
        del store
    print("\nmedian ms (rows)")
    print(f"{'query':32}" + "".join(f" {label[:18]:>18}" for label, _ in graphs))
    for name in names:
        cells = (figures[name][label] for label, _ in graphs)
        print(f"{name:32}" + "".join(f" {c['median_ms']:>10.1f} ({c['rows']:>5})" for c in cells))
    if args.json:
        meta = {
            "quads": sizes,
            "large_triples": count,
            "repeat": args.repeat,
            "pyoxigraph": ox.__version__,
        }
        args.json.write_text(json.dumps({"meta": meta, "queries": figures}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
