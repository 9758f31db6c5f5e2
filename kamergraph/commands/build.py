"""``kamergraph build INPUT... -o OUT``: documents in, one checked graph out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kamergraph.errors import EXIT_OK, EXIT_PARTIAL, ValidationFailed


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="OUT",
        help="the graph to write (format from the extension or --format)",
    )
    parser.add_argument(
        "--format",
        choices=["trig", "nquads", "turtle", "ntriples", "jsonld"],
        help="output format (default: from the extension of OUT)",
    )
    parser.add_argument(
        "--id",
        dest="identifier",
        metavar="ID",
        help="identifier of the one document given (e.g. kst-33009-123)",
    )
    parser.add_argument(
        "--ids",
        type=Path,
        metavar="MAPPING",
        help="FILE<TAB>ID lines (.tsv) or {FILE: ID} (.json) for many documents; "
        "a sidecar FILE.id or FILE.meta.json works too",
    )
    parser.add_argument(
        "--base",
        default=None,
        metavar="IRI",
        help="base IRI of instance data (default https://w3id.org/kamergraph/id/)",
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)"
    )
    parser.add_argument(
        "--on-error",
        choices=["stop", "skip"],
        default="stop",
        help="a bad document (unreadable, unparsable or violating the shapes) ends the run "
        "(stop) or is reported and left out "
        f"(skip; exit code {EXIT_PARTIAL})",
    )
    parser.add_argument(
        "--allow-invalid",
        action="store_true",
        help="write the graph even if it violates the shapes",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")


def run(args: argparse.Namespace) -> int:
    from kamergraph.builder import pipeline
    from kamergraph.builder.vocab import DEFAULT_BASE
    from kamergraph.errors import UsageError

    base = args.base or DEFAULT_BASE
    if not base.endswith(("/", "#")) or "://" not in base:
        raise UsageError(f"--base must be an absolute IRI ending in '/' or '#': {base}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    sources = pipeline.find_sources(args.inputs, identifier=args.identifier, ids_file=args.ids)
    options = pipeline.Options(
        base=base,
        jobs=args.jobs,
        on_error=args.on_error,
        allow_invalid=args.allow_invalid,
        format=args.format,
        progress=False if args.quiet else None,
    )
    try:
        summary = pipeline.build(sources, args.output, options)
    except ValidationFailed as error:
        for line in error.violations:
            print(line, file=sys.stderr)
        raise
    for line in summary.violations:
        print(line, file=sys.stderr)
    if summary.violations:
        print(
            f"kamergraph build: warning: wrote {args.output} although it violates the shapes "
            f"({len(summary.violations)} violations; --allow-invalid)",
            file=sys.stderr,
        )
    for line in summary.rejected:
        print(line, file=sys.stderr)
    for message in summary.skipped:
        print(f"kamergraph build: skipped {message}", file=sys.stderr)
    if not args.quiet:
        print(summary.lines()[0], file=sys.stderr)
        for note in summary.notes:
            print(f"kamergraph build: note: {note}", file=sys.stderr)
    return EXIT_PARTIAL if summary.skipped else EXIT_OK
