"""``kamergraph eval [DOCS...]``: precision and recall of the named queries against the
acceptance files, for every document (or the given ones) that has an acceptance entry."""

from __future__ import annotations

import argparse
from pathlib import Path

from kamergraph import paths


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "documents",
        nargs="*",
        type=Path,
        metavar="DOCS",
        help="documents to evaluate (default: every document an acceptance file describes)",
    )
    parser.add_argument(
        "--acceptance",
        type=Path,
        default=paths.EXAMPLES_DIR / "acceptance",
        metavar="DIR",
        help="folder holding seed.json and corpus.json (default: examples/acceptance)",
    )
    parser.add_argument(
        "--documents-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the acceptance files' documents are (default: examples/documents)",
    )
    parser.add_argument(
        "--min-recall",
        type=float,
        default=None,
        metavar="R",
        help="exit 1 when any question or entity group has a recall below R",
    )
    parser.add_argument(
        "--min-precision",
        type=float,
        default=None,
        metavar="P",
        help="exit 1 when any competency question has a precision below P",
    )
    parser.add_argument("--brief", action="store_true", help="only the table, no details")


def run(args: argparse.Namespace) -> int:
    from kamergraph.builder import evaluate

    report = evaluate.evaluate(args.documents, args.acceptance, args.documents_dir)
    print(evaluate.format_table(report, details=not args.brief), end="")
    failed = bool(report.forbidden())
    if args.min_recall is not None and report.lowest_recall() < args.min_recall:
        failed = True
    if args.min_precision is not None and report.lowest_precision() < args.min_precision:
        failed = True
    return 1 if failed else 0
