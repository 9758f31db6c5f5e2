"""Output: quads → TriG, N-Quads, Turtle, N-Triples or JSON-LD, deterministic and atomic.

The pipeline hands every quad over as a canonical N-Quads line (``quad_lines``). A
``QuadSorter`` sorts and de-duplicates them, spilling sorted runs to temporary files when
there are many, so a large build is streamed instead of held in memory. The writers consume
the sorted stream:

* N-Quads: the sorted, unique lines themselves (byte-identical for the same input).
* N-Triples and Turtle: the same order with the graph dropped (Turtle grouped by subject).
* TriG and JSON-LD: graph-major order, one block per named graph.

``atomic_write`` writes to a temporary file in the target folder and renames it into place
(``os.replace``): an interrupted build leaves the previous output as it was.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import IO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kamergraph.errors import OutputError, UsageError

FORMATS: dict[str, str] = {  # format name -> file extension
    "trig": ".trig",
    "nquads": ".nq",
    "turtle": ".ttl",
    "ntriples": ".nt",
    "jsonld": ".jsonld",
}
EXTENSIONS: dict[str, str] = {
    ".trig": "trig",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}
ALIASES = {
    "n-quads": "nquads",
    "n-triples": "ntriples",
    "json-ld": "jsonld",
    "ttl": "turtle",
    "nq": "nquads",
    "nt": "ntriples",
}
GRAPH_MAJOR = {"trig", "jsonld"}  # formats written graph by graph

PREFIXES: tuple[tuple[str, str], ...] = (
    ("kg", "https://w3id.org/kamergraph/def#"),
    ("kgt", "https://w3id.org/kamergraph/thesaurus/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("void", "http://rdfs.org/ns/void#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("schema", "http://schema.org/"),
    ("eli", "http://data.europa.eu/eli/ontology#"),
    ("eli-dl", "http://data.europa.eu/eli/eli-draft-legislation-ontology#"),
    ("nif", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"),
    ("itsrdf", "http://www.w3.org/2005/11/its/rdf#"),
    ("tooiont", "https://identifier.overheid.nl/tooi/def/ont/"),
    ("tooi", "https://identifier.overheid.nl/tooi/id/"),
    ("sh", "http://www.w3.org/ns/shacl#"),
)
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SPILL_LINES = 250_000  # lines held in memory before a sorted run goes to disk
MERGE_FAN_IN = 64  # sorted runs merged at once


def output_format(path: Path, requested: str | None = None) -> str:
    """The output format: ``requested`` if given, otherwise from the file extension."""
    if requested:
        name = ALIASES.get(requested.lower(), requested.lower())
        if name not in FORMATS:
            raise UsageError(f"unknown output format {requested!r} (use {', '.join(FORMATS)})")
        return name
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise UsageError(
            f"cannot tell the output format from the extension {path.suffix!r}; "
            f"use --format ({', '.join(FORMATS)})",
            source=str(path),
        )
    return found


# --- terms and lines ----------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def nt_term(term: Node) -> str:
    """The canonical N-Triples form of an rdflib term."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + _NEEDS_ESCAPE.sub(_escape, str(term)) + '"'
        if term.language:
            return f"{text}@{term.language.lower()}"
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise OutputError(f"cannot write the RDF term {term!r}")


def quad_lines(graph: Graph, graph_iri: str, *, graph_major: bool = False) -> list[str]:
    """Every triple of ``graph`` as a line for the sorter, in graph ``graph_iri``."""
    g = f"<{graph_iri}>"
    lines = []
    for s, p, o in graph:
        triple = f"{nt_term(s)} {nt_term(p)} {nt_term(o)}"
        lines.append(f"{g} {triple} ." if graph_major else f"{triple} {g} .")
    return lines


def triple_lines(
    triples: Iterable[tuple[Node, Node, Node]],
    graph_iri: str,
    *,
    graph_major: bool = False,
    bnodes: dict[Node, str] | None = None,
) -> list[str]:
    """Like ``quad_lines`` for plain triples; ``bnodes`` gives blank nodes fixed labels."""
    g = f"<{graph_iri}>"
    labels = bnodes or {}

    def term(node: Node) -> str:
        return labels.get(node) or nt_term(node)

    lines = []
    for s, p, o in triples:
        triple = f"{term(s)} {nt_term(p)} {term(o)}"
        lines.append(f"{g} {triple} ." if graph_major else f"{triple} {g} .")
    return lines


def reorder(line: str, *, graph_major: bool) -> str:
    """A sorter line (``s p o g .``) in graph-major form (``g s p o .``) or unchanged."""
    if not graph_major:
        return line
    body, g = line[:-2].rsplit(" ", 1)
    return f"{g} {body} ."


def split_line(line: str, *, graph_major: bool) -> tuple[str, str, str, str]:
    """(s, p, o, g) of a sorter line."""
    if graph_major:
        g, s, p, o = line[:-2].split(" ", 3)
        return s, p, o, g
    s, p, rest = line.split(" ", 2)
    o, g = rest[:-2].rsplit(" ", 1)
    return s, p, o, g


# --- sorting --------------------------------------------------------------------------------


class QuadSorter:
    """Sorts and de-duplicates lines, in memory while small, in sorted runs on disk after."""

    def __init__(self, directory: Path, spill_lines: int = SPILL_LINES) -> None:
        self.directory = directory
        self.spill_lines = spill_lines
        self.buffer: list[str] = []
        self.runs: list[Path] = []

    def extend(self, lines: Iterable[str]) -> None:
        self.buffer.extend(lines)
        if len(self.buffer) >= self.spill_lines:
            self._spill()

    def add_sorted_run(self, run: Path) -> None:
        """A file of lines already sorted and unique (one per line), merged in at the end."""
        self.runs.append(run)

    def _spill(self) -> None:
        run = self.directory / f"run-{len(self.runs):05d}.nq"
        with open(run, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(line + "\n" for line in sorted(set(self.buffer)))
        self.buffer = []
        self.runs.append(run)

    def sorted_lines(self) -> Iterator[str]:
        """Every line once, in code-point order."""
        if not self.runs:
            yield from sorted(set(self.buffer))
            return
        if self.buffer:
            self._spill()
        runs = self.runs
        while len(runs) > MERGE_FAN_IN:  # keep the number of open files bounded
            merged: list[Path] = []
            for start in range(0, len(runs), MERGE_FAN_IN):
                target = self.directory / f"merge-{len(self.runs) + len(merged):05d}.nq"
                with open(target, "w", encoding="utf-8", newline="\n") as out:
                    out.writelines(
                        line + "\n" for line in _merge(runs[start : start + MERGE_FAN_IN])
                    )
                merged.append(target)
            self.runs.extend(merged)
            runs = merged
        yield from _merge(runs)


def _merge(runs: list[Path]) -> Iterator[str]:
    files = [open(run, encoding="utf-8", newline="\n") for run in runs]  # noqa: SIM115
    try:
        streams = [(line[:-1] for line in f) for f in files]
        previous = None
        for line in heapq.merge(*streams):
            if line != previous:
                yield line
                previous = line
    finally:
        for f in files:
            f.close()


# --- writers ------------------------------------------------------------------------------


def write(lines: Iterator[str], out: IO[str], fmt: str) -> int:
    """Write sorted unique sorter lines (graph-major for TriG/JSON-LD) in ``fmt``; returns
    the number of statements written."""
    writer: Callable[[Iterator[str], IO[str]], int] = {
        "nquads": _write_nquads,
        "ntriples": _write_ntriples,
        "turtle": _write_turtle,
        "trig": _write_trig,
        "jsonld": _write_jsonld,
    }[fmt]
    return writer(lines, out)


def _write_nquads(lines: Iterator[str], out: IO[str]) -> int:
    count = 0
    for line in lines:
        out.write(line + "\n")
        count += 1
    return count


def _triples(lines: Iterator[str]) -> Iterator[tuple[str, str, str]]:
    """(s, p, o) from s-p-o-g ordered lines, each triple once (graphs merged)."""
    previous = None
    for line in lines:
        s, p, o, _g = split_line(line, graph_major=False)
        if (s, p, o) != previous:
            previous = (s, p, o)
            yield s, p, o


def _write_ntriples(lines: Iterator[str], out: IO[str]) -> int:
    count = 0
    for s, p, o in _triples(lines):
        out.write(f"{s} {p} {o} .\n")
        count += 1
    return count


_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@lru_cache(maxsize=65536)
def _compact(term: str) -> str:
    """Prefixed name for an IRI term when its local part is a plain name; literals get a
    prefixed datatype. Anything else stays in N-Triples form (valid Turtle)."""
    if term.startswith("<"):
        iri = term[1:-1]
        for prefix, namespace in PREFIXES:
            if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace) :]}"
        return term
    if term.startswith('"') and term.endswith(">") and '"^^<' in term:
        text, datatype = term.rsplit("^^", 1)
        return f"{text}^^{_compact(datatype)}"
    return term


def _prefix_block(out: IO[str]) -> None:
    for prefix, namespace in PREFIXES:
        out.write(f"@prefix {prefix}: <{namespace}> .\n")
    out.write("\n")


def _write_subjects(triples: Iterable[tuple[str, str, str]], out: IO[str], indent: str) -> int:
    count = 0
    for subject, group in groupby(triples, key=lambda t: t[0]):
        out.write(f"{indent}{_compact(subject)}")
        first_predicate = True
        for predicate, objects in groupby(group, key=lambda t: t[1]):
            name = "a" if predicate == RDF_TYPE else _compact(predicate)
            out.write(" " if first_predicate else f" ;\n{indent}    ")
            first_predicate = False
            values = [_compact(o) for _s, _p, o in objects]
            count += len(values)
            out.write(f"{name} " + f" ,\n{indent}        ".join(values))
        out.write(" .\n")
    return count


def _write_turtle(lines: Iterator[str], out: IO[str]) -> int:
    _prefix_block(out)
    return _write_subjects(_triples(lines), out, "")


def _write_trig(lines: Iterator[str], out: IO[str]) -> int:
    _prefix_block(out)
    count = 0
    quads = (split_line(line, graph_major=True) for line in lines)
    for graph, group in groupby(quads, key=lambda q: q[3]):
        out.write(f"{_compact(graph)} {{\n")
        count += _write_subjects(((s, p, o) for s, p, o, _g in group), out, "    ")
        out.write("}\n\n")
    return count


_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_UNESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_UNESCAPES.get(code, code)

    return _UNESCAPE.sub(one, text)


def _jsonld_object(term: str) -> dict[str, str]:
    if term.startswith("<"):
        return {"@id": term[1:-1]}
    if term.startswith("_:"):
        return {"@id": term}
    end = term.rindex('"')
    value: dict[str, str] = {"@value": _unescape(term[1:end])}
    suffix = term[end + 1 :]
    if suffix.startswith("@"):
        value["@language"] = suffix[1:]
    elif suffix.startswith("^^<"):
        value["@type"] = suffix[3:-1]
    return value


def _jsonld_id(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


def _write_jsonld(lines: Iterator[str], out: IO[str]) -> int:
    """Expanded JSON-LD: one object per named graph, one node object per line."""
    count = 0
    out.write("[")
    quads = (split_line(line, graph_major=True) for line in lines)
    for graph_index, (graph, group) in enumerate(groupby(quads, key=lambda q: q[3])):
        out.write("," if graph_index else "")
        out.write(f'\n  {{"@id": {json.dumps(_jsonld_id(graph))}, "@graph": [')
        for node_index, (subject, triples) in enumerate(groupby(group, key=lambda q: q[0])):
            node: dict[str, object] = {"@id": _jsonld_id(subject)}
            for predicate, objects in groupby(triples, key=lambda q: q[1]):
                values = [o for _s, _p, o, _g in objects]
                count += len(values)
                if predicate == RDF_TYPE and all(v.startswith(("<", "_:")) for v in values):
                    node["@type"] = [_jsonld_id(v) for v in values]
                else:
                    node[_jsonld_id(predicate)] = [_jsonld_object(v) for v in values]
            out.write(("," if node_index else "") + "\n    ")
            out.write(json.dumps(node, ensure_ascii=False, sort_keys=False))
        out.write("\n  ]}")
    out.write("\n]\n")
    return count


# --- atomic files -----------------------------------------------------------------------


def check_writable(path: Path) -> None:
    """Raise ``OutputError`` now if ``path`` cannot be written later."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", source=str(path))
    if not os.access(folder, os.W_OK):
        raise OutputError("the output folder is not writable", source=str(path))
    if Path(path).is_dir():
        raise OutputError("is a folder, not a file", source=str(path))


@contextmanager
def atomic_write(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only when the block completes without error."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", source=str(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"cannot write: {error.strerror}", source=str(path)) from error
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise OutputError(f"cannot write: {error.strerror or error}", source=str(path)) from error
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)
