"""``kamergraph validate GRAPH``: check a built graph against the SHACL shapes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kamergraph.errors import EXIT_INVALID, EXIT_OK


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "graph", type=Path, metavar="GRAPH", help="a built graph (.trig, .nq, .ttl, .nt or .jsonld)"
    )


def run(args: argparse.Namespace) -> int:
    from kamergraph.builder.pipeline import check_built_graph

    checked, violations = check_built_graph(args.graph)
    for line in violations:
        print(line)
    verdict = "conforms" if not violations else f"{len(violations)} violations"
    print(f"{args.graph}: {checked} graphs checked, {verdict}", file=sys.stderr)
    return EXIT_INVALID if violations else EXIT_OK
