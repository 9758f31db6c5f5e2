"""Content negotiation: one pure function over the tables, every rule a case."""

from __future__ import annotations

import pytest
from kamergraph.server import formats as F
from kamergraph.server.formats import choose_format, parse_accept

from kamergraph.errors import NotAcceptable, UsageError


@pytest.mark.parametrize(
    ("accept", "kind", "param", "expected"),
    [
        (None, "bindings", None, F.JSON),
        ("", "boolean", None, F.JSON),
        ("*/*", "graph", None, F.TURTLE),
        ("application/sparql-results+xml", "bindings", None, F.XML),
        ("application/sparql-results+json", "boolean", None, F.JSON),
        ("application/json", "bindings", None, F.JSON),
        ("application/json", "graph", None, F.JSONLD),
        ("text/csv", "bindings", None, F.CSV),
        ("text/tab-separated-values", "bindings", None, F.TSV),
        ("application/n-triples", "graph", None, F.NTRIPLES),
        ("application/rdf+xml", "graph", None, F.RDFXML),
        ("application/trig", "graph", None, F.TRIG),
        ("application/n-quads", "graph", None, F.NQUADS),
        ("application/ld+json", "graph", None, F.JSONLD),
        # q-values decide
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "bindings", None, F.XML),
        ("application/rdf+xml;q=0.9, text/turtle", "graph", None, F.TURTLE),
        ("text/turtle;q=0.1, application/ld+json;q=0.8", "graph", None, F.JSONLD),
        # a more specific range overrides a wildcard
        ("*/*;q=0.1, text/tab-separated-values", "bindings", None, F.TSV),
        ("text/*", "bindings", None, F.CSV),
        ("text/*;q=0.5, application/*", "graph", None, F.NTRIPLES),
        # what browsers send
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "bindings",
            None,
            F.XML,
        ),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "html", None, F.HTML),
        ("text/turtle", "html", None, F.TURTLE),
        ("application/ld+json", "html", None, F.JSONLD),
        # the format parameter wins over Accept
        ("application/sparql-results+xml", "bindings", "json", F.JSON),
        (None, "bindings", "tsv", F.TSV),
        (None, "graph", "ttl", F.TURTLE),
        (None, "graph", "application/n-quads", F.NQUADS),
        (None, "graph", "JSON-LD", F.JSONLD),
    ],
)
def test_choose_format(
    accept: str | None, kind: F.ResultKind, param: str | None, expected: F.Format
) -> None:
    assert choose_format(accept, kind, param) is expected


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("text/turtle", "bindings"),
        ("application/sparql-results+json", "graph"),
        ("image/png", "boolean"),
        ("application/sparql-results+json;q=0", "boolean"),
    ],
)
def test_nothing_acceptable(accept: str, kind: F.ResultKind) -> None:
    with pytest.raises(NotAcceptable, match="offered"):
        choose_format(accept, kind, None)


def test_unknown_format_parameter() -> None:
    with pytest.raises(UsageError, match="format='turtle' is not available"):
        choose_format(None, "bindings", "turtle")


def test_parse_accept_orders_by_q_then_specificity() -> None:
    assert parse_accept("*/*;q=0.5, text/*;q=0.5, text/csv;q=0.5, a/b") == [
        ("a/b", 1.0),
        ("text/csv", 0.5),
        ("text/*", 0.5),
        ("*/*", 0.5),
    ]


@pytest.mark.parametrize("fmt", [f for table in F.TABLES.values() for f in table])
def test_content_types_carry_charset_for_text(fmt: F.Format) -> None:
    textual = fmt.media_type.startswith("text/") or "json" in fmt.media_type
    assert ("charset=utf-8" in fmt.content_type) == textual
