"""Serialise query answers (pyoxigraph terms) into the formats of ``formats.py``.

Solutions within the row limit are written by pyoxigraph's own serialisers
(``NATIVE_BINDINGS``); the writers here write an answer cut at the limit (the caller passes
at most ``max_rows`` solutions). Graph answers are written by pyoxigraph's serialisers.
Pure functions: terms in, bytes out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from kamergraph.server import formats as F

from kamergraph import paths

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    F.TURTLE.name: ox.RdfFormat.TURTLE,
    F.NTRIPLES.name: ox.RdfFormat.N_TRIPLES,
    F.JSONLD.name: ox.RdfFormat.JSON_LD,
    F.RDFXML.name: ox.RdfFormat.RDF_XML,
    F.TRIG.name: ox.RdfFormat.TRIG,
    F.NQUADS.name: ox.RdfFormat.N_QUADS,
}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def bindings_json(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    bindings = [
        {
            name: _json_term(term)
            for name, term in zip(variables, row, strict=True)
            if term is not None
        }
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'


def bindings_xml(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    parts = [_XML_HEAD]
    parts.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    parts.append("</head>\n<results>\n")
    for row in rows:
        parts.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                parts.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts).encode("utf-8")


def _csv_field(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        value = f"_:{term.value}"
    elif isinstance(term, ox.NamedNode | ox.Literal):
        value = term.value
    else:
        value = str(term)
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def bindings_csv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    lines = [",".join(variables)]
    lines.extend(",".join(_csv_field(term) for term in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def bindings_tsv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


# pyoxigraph's own serialisers (Rust) for the same formats: used whenever the answer is
# within the row limit, ``BINDINGS_WRITERS`` only to write an answer cut at the limit.
NATIVE_BINDINGS: dict[str, ox.QueryResultsFormat] = {
    F.JSON.name: ox.QueryResultsFormat.JSON,
    F.XML.name: ox.QueryResultsFormat.XML,
    F.CSV.name: ox.QueryResultsFormat.CSV,
    F.TSV.name: ox.QueryResultsFormat.TSV,
}
# The fewest bytes one solution takes in each format (``{},``, ``<result></result>``,
# ``\r\n``, ``\n``): a body of at most limit * this many bytes holds at most limit rows.
_MIN_ROW_BYTES = {F.JSON.name: 2, F.XML.name: 17, F.CSV.name: 2, F.TSV.name: 1}


def rows_at_most(body: bytes, fmt: F.Format, limit: int) -> bool:
    """Whether the solutions ``body`` (written in ``fmt``) hold at most ``limit`` rows."""
    if len(body) <= limit * _MIN_ROW_BYTES[fmt.name]:
        return True
    if fmt is F.CSV:  # pyoxigraph does not read CSV back (lossy): the caller writes it itself
        return False
    solutions = ox.parse_query_results(body, format=NATIVE_BINDINGS[fmt.name])
    if isinstance(solutions, ox.QueryBoolean):
        return True
    return next(islice(solutions, limit, None), None) is None


BINDINGS_WRITERS = {
    F.JSON.name: bindings_json,
    F.XML.name: bindings_xml,
    F.CSV.name: bindings_csv,
    F.TSV.name: bindings_tsv,
}


def boolean(value: bool, fmt: F.Format) -> bytes:
    word = "true" if value else "false"
    if fmt is F.JSON:
        return f'{{"head":{{}},"boolean":{word}}}'.encode()
    if fmt is F.XML:
        return f"{_XML_HEAD}</head>\n<boolean>{word}</boolean>\n</sparql>\n".encode()
    if fmt is F.CSV:
        return f"_askResult\r\n{word}\r\n".encode()
    return f"?_askResult\n{word}\n".encode()


def graph(triples: Iterable[ox.Triple], fmt: F.Format) -> bytes:
    """An RDF graph (duplicates dropped, order kept) in ``fmt``; quads in the default graph
    for the dataset formats."""
    unique = list(dict.fromkeys(triples))
    rdf_format = RDF_FORMATS[fmt.name]
    if rdf_format.supports_datasets:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in unique]
        return ox.serialize(quads, format=rdf_format, prefixes=prefixes()) or b""
    return ox.serialize(unique, format=rdf_format, prefixes=prefixes()) or b""


@cache
def prefixes() -> dict[str, str]:
    """Prefix → namespace, read from the ontology's own @prefix lines (plus kgt:)."""
    names: dict[str, str] = {}
    pattern = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>")
    try:
        text = paths.ONTOLOGY_FILE.read_text(encoding="utf-8")
    except OSError:
        text = ""
    for prefix, namespace in pattern.findall(text):
        names[prefix] = namespace
    names.setdefault("kgt", "https://w3id.org/kamergraph/thesaurus/")
    return names
