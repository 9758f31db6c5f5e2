"""The ``kamergraph`` command: a thin layer over library functions.

Each subcommand lives in ``kamergraph/commands/NAME.py`` with two functions:
``configure(parser)`` adds its arguments and ``run(args) -> int`` does the work by calling
library code. Modules are imported only when their command runs, so start-up stays fast.
Errors raised as ``KamergraphError`` become one line on stderr and a documented exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from kamergraph import __version__
from kamergraph.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, KamergraphError

COMMANDS: dict[str, str] = {
    "parse": "Parse a document into its document model and print it",
    "build": "Build a checked knowledge graph from documents",
    "validate": "Check a built graph against the SHACL shapes",
    "query": "Run a SPARQL query (a file, a named query or inline) over a built graph",
    "eval": "Compare built graphs with acceptance files: precision and recall",
    "serve": "Serve a graph over the SPARQL 1.1 Protocol with a query page and entity pages",
}


def _command_module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"kamergraph.commands.{name.replace('-', '_')}")


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamergraph",
        description="Dutch parliamentary questions and answers as linked data.",
    )
    parser.add_argument("--version", action="version", version=f"kamergraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, help_text in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == wanted:  # configure only the command that runs: imports stay lazy
            _command_module(name).configure(command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv).parse_args(argv)
    try:
        return int(_command_module(args.command).run(args) or 0)
    except KamergraphError as error:
        print(f"kamergraph {args.command}: error: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"kamergraph {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one line unless asked for the traceback
        if os.environ.get("KAMERGRAPH_DEBUG"):
            raise
        print(
            f"kamergraph {args.command}: internal error: {type(error).__name__}: {error} "
            "(set KAMERGRAPH_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
