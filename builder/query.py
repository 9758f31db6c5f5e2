"""Query: SPARQL over a built graph with Oxigraph (pyoxigraph).

A built file is loaded into an in-memory ``pyoxigraph.Store`` (a large one into the on-disk
store kept for it, see ``open_graph``); TriG and N-Quads keep their named graphs and queries
see the union of all graphs as their default graph. Named queries are the
``queries/NAME.rq`` files; their leading comment lines give a title (the first line) and a
description (the rest), or ``# title: …`` / ``# description: …`` when written so.

Parameters (``--param region=Overijssel``) are bound with Oxigraph's substitutions
(SPARQL-dev SEP-0007) on the parsed query, never pasted into the query text. A bound
variable must therefore be in the query's projection (``SELECT ... ?region``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kamergraph import paths
from kamergraph.errors import InputError, QueryError

from .output import PREFIXES

RESULT_FORMATS = ("table", "json", "csv", "tsv", "turtle")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TABLE_CELL_WIDTH = 80
# Files this large are queried from an on-disk store kept between runs (1 M triples: 4 s to
# load into memory each time, 0.3 s to hash and open once loaded).
STORE_CACHE_BYTES = 32 << 20
# The table shortens IRIs with the core prefixes of the output writer's table.
TABLE_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    (prefix, ns)
    for prefix, ns in PREFIXES
    if prefix in {"kg", "kgt", "rdf", "rdfs", "xsd", "owl", "skos"}
)
_FILE_FORMATS = {
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True, slots=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path
    params: tuple[str, ...] = ()  # "# param: NAME  what it is" lines


def read_named_query(path: Path) -> NamedQuery:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise QueryError(f"cannot read: {error.strerror}", source=str(path)) from error
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        header.append(line.lstrip("#").strip())
    fields = {}
    free = []
    params = []
    for line in header:
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if sep and key == "param":
            params.append(value.strip())
        elif sep and key in ("title", "description"):
            fields[key] = value.strip()
        elif line:
            free.append(line)
    title = fields.get("title") or (free.pop(0) if free else Path(path).stem)
    description = fields.get("description") or " ".join(free)
    return NamedQuery(Path(path).stem, title, description, text, Path(path), tuple(params))


def named_queries(directory: Path = paths.QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every ``*.rq`` of the queries folder by name, sorted."""
    return {p.stem: read_named_query(p) for p in sorted(Path(directory).glob("*.rq"))}


def named_query(name: str, directory: Path = paths.QUERIES_DIR) -> NamedQuery:
    path = Path(directory) / f"{name}.rq"
    if "/" in name or not path.is_file():
        known = ", ".join(named_queries(directory)) or "none"
        raise QueryError(f"no named query {name!r} (known: {known})")
    return read_named_query(path)


# --- loading ------------------------------------------------------------------------------


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a graph file, from its extension; the file must exist."""
    found = _FILE_FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"cannot tell the RDF format from the extension {path.suffix!r} "
            "(use .trig, .nq, .ttl, .nt or .jsonld)",
            source=str(path),
        )
    if not path.is_file():
        raise InputError("no such graph file", source=str(path))
    return found


def load_store(path: Path, store: ox.Store | None = None) -> ox.Store:
    """A store holding the graph file at ``path`` (format from its extension).

    Note: Oxigraph normalises derived numeric datatypes on storage (``"3"^^xsd:
    nonNegativeInteger`` is returned as ``xsd:integer``); values and comparisons are unchanged."""
    path = Path(path)
    fmt = rdf_format(path)
    store = ox.Store() if store is None else store
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as error:
        raise InputError(f"not valid {fmt.name}: {error}", source=str(path)) from error
    except OSError as error:
        raise InputError(f"cannot read: {error}", source=str(path)) from error
    return store


# --- parameters ---------------------------------------------------------------------------

_LANG_LITERAL = re.compile(r'^"(.*)"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)$', re.S)
_TYPED_LITERAL = re.compile(r'^"(.*)"\^\^<([^<>"\s]+)>$', re.S)
_INTEGER = re.compile(r"^[+-]?\d+$")


def parse_param(text: str) -> tuple[str, ox.NamedNode | ox.Literal]:
    """``name=value``: ``<IRI>`` is an IRI, ``"x"@nl`` and ``"x"^^<datatype>`` are literals
    as in N-Triples, a whole number is an xsd:integer, anything else a plain string."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not NAME.match(name):
        raise QueryError(f"--param {text!r}: expected NAME=VALUE")
    try:
        if value.startswith("<") and value.endswith(">"):
            return name, ox.NamedNode(value[1:-1])
        if match := _LANG_LITERAL.match(value):
            return name, ox.Literal(match.group(1), language=match.group(2))
        if match := _TYPED_LITERAL.match(value):
            return name, ox.Literal(match.group(1), datatype=ox.NamedNode(match.group(2)))
    except ValueError as error:
        raise QueryError(f"--param {text!r}: {error}") from error
    if _INTEGER.match(value):
        return name, ox.Literal(
            value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        )
    return name, ox.Literal(value)


def parse_params(items: Iterable[str]) -> dict[str, ox.NamedNode | ox.Literal]:
    params: dict[str, ox.NamedNode | ox.Literal] = {}
    for item in items:
        name, value = parse_param(item)
        if name in params:
            raise QueryError(f"--param {name} given twice")
        params[name] = value
    return params


# --- running and formatting ---------------------------------------------------------------

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def run(
    store: ox.Store, query: str, params: Mapping[str, ox.NamedNode | ox.Literal] | None = None
) -> Result:
    """Run ``query`` over the union of the store's graphs, ``params`` bound to variables."""
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): value for name, value in (params or {}).items()
    }
    try:
        return store.query(
            query, use_default_graph_as_union=True, substitutions=substitutions or None
        )
    except SyntaxError as error:
        raise QueryError(f"invalid SPARQL: {' '.join(str(error).split())}") from error
    except RuntimeError as error:  # e.g. a substituted variable the query does not project
        raise QueryError(f"cannot run the query: {error}") from error
    except OSError as error:
        raise QueryError(f"cannot run the query: {error}") from error


def format_result(result: Result, fmt: str = "table") -> str:
    """The result as text: SPARQL 1.1 JSON / CSV / TSV results, Turtle for CONSTRUCT and
    DESCRIBE (N-Triples when a table is asked for), or an aligned table."""
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r} (use {', '.join(RESULT_FORMATS)})")
    if isinstance(result, ox.QueryTriples):
        rdf_format = {"json": ox.RdfFormat.JSON_LD, "table": ox.RdfFormat.N_TRIPLES}.get(
            fmt, ox.RdfFormat.TURTLE
        )
        return _text(result.serialize(format=rdf_format))
    if fmt == "turtle":
        raise QueryError("--format turtle is for CONSTRUCT and DESCRIBE queries")
    if fmt == "table":
        return _table(result)
    results_format = {
        "json": ox.QueryResultsFormat.JSON,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[fmt]
    text = _text(result.serialize(format=results_format))
    return text if text.endswith("\n") else text + "\n"


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")


def _table(result: ox.QuerySolutions | ox.QueryBoolean) -> str:
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = term.value
        for prefix, namespace in TABLE_PREFIXES:
            if text.startswith(namespace):
                text = f"{prefix}:{text[len(namespace) :]}"
                break
    elif isinstance(term, ox.Literal):
        text = term.value
    else:
        text = str(term)
    text = " ".join(text.split())
    return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"


def open_graph(path: Path, cache_from: int = STORE_CACHE_BYTES) -> ox.Store:
    """A store holding the graph file at ``path``: loaded into memory, or for a file of
    ``cache_from`` bytes or more, the on-disk store kept for it (``store.py``; loaded the
    first time, opened read-only after that)."""
    path = Path(path)
    rdf_format(path)  # the file exists and its format is known
    if path.stat().st_size < cache_from:
        return load_store(path)
    from .store import prepare_store

    return ox.Store.read_only(str(prepare_store(path)))


def query_graph(
    graph_path: Path,
    query: str,
    *,
    params: Sequence[str] = (),
    fmt: str = "table",
) -> str:
    """Open the graph file, run ``query`` with ``params`` (``NAME=VALUE``), format the result."""
    bound = parse_params(params)
    store = open_graph(graph_path)
    return format_result(run(store, query, bound), fmt)
