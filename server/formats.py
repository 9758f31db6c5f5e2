"""Content negotiation: which serialisation answers a request, chosen from tables.

Pure functions only (no Flask, no store), so every rule is a parametrised test. The tables
list, per kind of answer, the formats we produce; the first entry is the default when the
client accepts anything. ``choose_format`` is the one place a format is decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from kamergraph.errors import NotAcceptable, UsageError

ResultKind = Literal["bindings", "boolean", "graph", "html"]


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name (the ``format`` parameter), media type and charset."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()  # other media types clients send for the same format

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/") or self.media_type.endswith(("+json", "/json")):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


JSON = Format("json", "application/sparql-results+json", ("application/json",))
XML = Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"))
CSV = Format("csv", "text/csv")
TSV = Format("tsv", "text/tab-separated-values")
TURTLE = Format("turtle", "text/turtle", ("application/x-turtle",))
NTRIPLES = Format("ntriples", "application/n-triples", ("text/plain",))
JSONLD = Format("jsonld", "application/ld+json", ("application/json",))
RDFXML = Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"))
TRIG = Format("trig", "application/trig")
NQUADS = Format("nquads", "application/n-quads")
HTML = Format("html", "text/html", ("application/xhtml+xml",))

# Per kind of answer, the formats in order of preference (first = default).
TABLES: dict[str, tuple[Format, ...]] = {
    "bindings": (JSON, XML, CSV, TSV),
    "boolean": (JSON, XML, CSV, TSV),
    "graph": (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS),
    # entity pages: HTML for people, RDF for programs
    "html": (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML),
}

# Extra names accepted by the ``format`` parameter.
FORMAT_ALIASES: dict[str, str] = {
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "rdf/xml": "rdfxml",
    "nq": "nquads",
    "n-quads": "nquads",
    "srj": "json",
    "srx": "xml",
}


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values, best first (stable)."""
    if not accept or not accept.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float, int]] = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        # more specific ranges win among equal q (RFC 9110 12.5.1)
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, max(0.0, min(q, 1.0)), specificity * 1000 - position))
    ranges.sort(key=lambda r: (-r[1], -r[2]))
    return [(media, q) for media, q, _ in ranges]


def _matches(media_range: str, fmt: Format) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):  # wildcards match the primary media type only
        return fmt.media_type.startswith(media_range[:-1])
    return media_range == fmt.media_type or media_range in fmt.aliases


def _quality(fmt: Format, ranges: list[tuple[str, float]]) -> float:
    """The q-value the client gives ``fmt``: that of the most specific range matching it."""
    best: tuple[int, float] | None = None
    for media, q in ranges:
        if _matches(media, fmt):
            specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
            if best is None or specificity > best[0]:
                best = (specificity, q)
    return best[1] if best else 0.0


@lru_cache(maxsize=512)  # clients send few distinct Accept headers; 20-40 us each
def choose_format(accept: str | None, kind: ResultKind, format_param: str | None = None) -> Format:
    """The format answering a result of ``kind`` for a client sending ``accept``.

    A ``format`` parameter (a short name such as ``json`` or a media type) overrides Accept.
    Raises ``UsageError`` for an unknown ``format`` value and ``NotAcceptable`` when no
    format of the table is acceptable.
    """
    table = TABLES[kind]
    if format_param:
        wanted = format_param.strip().lower()
        wanted = FORMAT_ALIASES.get(wanted, wanted)
        for fmt in table:
            if wanted == fmt.name or wanted == fmt.media_type:
                return fmt
        names = ", ".join(f.name for f in table)
        raise UsageError(f"format={format_param!r} is not available for this result; use {names}")
    ranges = parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for fmt in table:  # table order breaks ties
        q = _quality(fmt, ranges)
        if q > best_q:
            best, best_q = fmt, q
    if best is None:
        offered = ", ".join(f.media_type for f in table)
        raise NotAcceptable(
            f"none of the accepted types ({accept}) can be produced; offered: {offered}"
        )
    return best
