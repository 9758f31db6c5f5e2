"""Markdown tables from the JSON of ``bench_server.py`` (one or more runs merged).

    .venv/bin/python benchmarks/report_server.py benchmarks/results/bench_server.json

For each graph: per named query, our median and Oxigraph's at each concurrency with the
ratio, the p99 ratio, and the throughput ratio; then how many queries meet the targets
(median within 1.5x of Oxigraph's, throughput at concurrency 8 at least half). A second
server of ours (``kamergraph+cache``) or rdflib-endpoint get their own ratio tables.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

MEDIAN_TARGET = 1.5
THROUGHPUT_TARGET = 0.5
THROUGHPUT_LEVEL = 8


def load(paths: list[Path]) -> list[dict]:  # type: ignore[type-arg]
    runs: list[dict] = []  # type: ignore[type-arg]
    for path in paths:
        runs.extend(json.loads(path.read_text(encoding="utf-8"))["runs"])
    return runs


def _ratio(ours: float | None, other: float | None) -> float | None:
    if ours is None or other is None or not other or math.isnan(ours) or math.isnan(other):
        return None
    return ours / other


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def report(runs: list[dict], ours: str, versus: str) -> str:  # type: ignore[type-arg]
    index = {(r["graph"], r["server"], r["query"], r["concurrency"]): r for r in runs}
    graphs = sorted({r["graph"] for r in runs if r["server"] == ours}, key=lambda g: g != "seed")
    levels = sorted({r["concurrency"] for r in runs})
    lines: list[str] = []
    for graph in graphs:
        queries = sorted({r["query"] for r in runs if r["graph"] == graph and r["server"] == ours})
        if not any((graph, versus, q, c) in index for q in queries for c in levels):
            continue
        lines.append(
            f"\n**{graph} graph: {ours} ÷ {versus}** (median ms, ratio; p99 ratio; "
            "throughput ratio)\n"
        )
        head = ["query"]
        for c in levels:
            head += [
                f"c{c} ours",
                f"c{c} {versus}",
                f"c{c} median x",
                f"c{c} p99 x",
                f"c{c} req/s x",
            ]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        met = defaultdict(int)
        counted = defaultdict(int)
        for query in queries:
            cells = [query]
            for c in levels:
                mine, theirs = (
                    index.get((graph, ours, query, c)),
                    index.get((graph, versus, query, c)),
                )
                if mine is None or theirs is None:
                    cells += ["—"] * 5
                    continue
                median = _ratio(mine["median_ms"], theirs["median_ms"])
                p99 = _ratio(mine["p99_ms"], theirs["p99_ms"])
                rps = _ratio(mine["rps"], theirs["rps"])
                cells += [
                    _fmt(mine["median_ms"]),
                    _fmt(theirs["median_ms"]),
                    _fmt(median),
                    _fmt(p99),
                    _fmt(rps),
                ]
                if median is not None:
                    counted[f"median c{c}"] += 1
                    met[f"median c{c}"] += median <= MEDIAN_TARGET
                if c == THROUGHPUT_LEVEL and rps is not None:
                    counted["throughput c8"] += 1
                    met["throughput c8"] += rps >= THROUGHPUT_TARGET
            lines.append("| " + " | ".join(cells) + " |")
        summary = ", ".join(f"{key} {met[key]}/{counted[key]}" for key in counted)
        lines.append(f"\nTargets met ({versus}): {summary}.")
        lines.extend(cpu_table(index, graph, queries, levels, ours, versus))
    return "\n".join(lines)


def cpu_table(
    index: dict,  # type: ignore[type-arg]
    graph: str,
    queries: list[str],
    levels: list[int],
    ours: str,
    versus: str,
) -> list[str]:
    """CPU milliseconds per request of each server's processes, and their ratio (runs from
    ``bench_server.py`` versions that measured it)."""
    rows = []
    for query in queries:
        cells = [query]
        seen = False
        for c in levels:
            mine, theirs = index.get((graph, ours, query, c)), index.get((graph, versus, query, c))
            a = mine.get("cpu_ms_per_request") if mine else None
            b = theirs.get("cpu_ms_per_request") if theirs else None
            seen = seen or (a is not None and b is not None)
            cells += [_fmt(a, 3), _fmt(b, 3), _fmt(_ratio(a, b))]
        if seen:
            rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return []
    head = ["query"]
    for c in levels:
        head += [f"c{c} ours", f"c{c} {versus}", f"c{c} x"]
    return [
        f"\n**{graph} graph: CPU ms per request, {ours} ÷ {versus}** (the server's processes, "
        "user + system, during the load)\n",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *rows,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("json", type=Path, nargs="+", help="bench_server.py --json files")
    args = parser.parse_args(argv)
    runs = load(args.json)
    servers = {r["server"] for r in runs}
    for ours in sorted(s for s in servers if s.startswith("kamergraph")):
        for versus in ("oxigraph", "rdflib-endpoint"):
            if versus in servers:
                print(report(runs, ours, versus))
    return 0


if __name__ == "__main__":
    sys.exit(main())
