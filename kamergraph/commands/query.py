"""``kamergraph query GRAPH (FILE.rq | --named NAME | -e SPARQL)``: SPARQL over a built graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "graph",
        type=Path,
        metavar="GRAPH",
        nargs="?",
        help="a built graph (.trig, .nq, .ttl, .nt or .jsonld)",
    )
    parser.add_argument(
        "query_file", type=Path, metavar="FILE.rq", nargs="?", help="a file holding the query"
    )
    parser.add_argument("-n", "--named", metavar="NAME", help="a named query from queries/")
    parser.add_argument("-e", "--expression", metavar="SPARQL", help="the query itself")
    parser.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help='bind ?NAME to VALUE (<IRI>, "text"@nl, a number, or plain text); '
        "the variable must be in the query's SELECT list",
    )
    parser.add_argument(
        "-f",
        "--format",
        default="table",
        choices=["table", "json", "csv", "tsv", "turtle"],
        help="result format (json is SPARQL 1.1 JSON results; default table)",
    )
    parser.add_argument("--list", action="store_true", help="list the named queries and stop")


def run(args: argparse.Namespace) -> int:
    from kamergraph.builder import query
    from kamergraph.errors import QueryError, UsageError

    if args.list:
        for item in query.named_queries().values():
            print(f"{item.name}\t{item.title}")
        return 0
    if args.graph is None:
        raise UsageError("give the graph to query: kamergraph query GRAPH ...")
    given = [x for x in (args.query_file, args.named, args.expression) if x is not None]
    if len(given) != 1:
        raise UsageError("give exactly one query: FILE.rq, --named NAME or -e 'SPARQL'")
    if args.named is not None:
        text = query.named_query(args.named).text
    elif args.expression is not None:
        text = args.expression
    else:
        try:
            text = args.query_file.read_text(encoding="utf-8")
        except OSError as error:
            raise QueryError(
                f"cannot read: {error.strerror}", source=str(args.query_file)
            ) from error
    sys.stdout.write(query.query_graph(args.graph, text, params=args.param, fmt=args.format))
    return 0
