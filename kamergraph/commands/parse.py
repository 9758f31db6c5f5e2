"""``kamergraph parse FILE [--id ID] [--format json|text] [--strict]``: print the document
model so a person can check it.

Warnings (a question without an answer, a lost heading, a cp1252 file) go to stderr, one line
each, naming the file. Exit codes: 0 parsed, 3 the file cannot be read or holds no questions
(or, with ``--strict``, the parse gave warnings), 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kamergraph.errors import EXIT_INPUT, EXIT_OK


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a document as text")
    parser.add_argument(
        "--id",
        dest="identifier",
        metavar="ID",
        help="the document's identifier, e.g. kst-33009-123 (wins over one found in the text)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json (the field names of the acceptance files) or text for reading",
    )
    parser.add_argument("--strict", action="store_true", help="exit 3 when the parse gave warnings")


def run(args: argparse.Namespace) -> int:
    from kamergraph.builder.parse import parse_file, to_json, to_text

    document = parse_file(args.file, identifier=args.identifier)
    if args.format == "json":
        output = json.dumps(to_json(document), ensure_ascii=False, indent=2)
    else:
        output = to_text(document)
    sys.stdout.write(output + "\n")
    for warning in document.warnings:
        print(f"kamergraph parse: warning: {args.file}: {warning}", file=sys.stderr)
    return EXIT_INPUT if (args.strict and document.warnings) else EXIT_OK
