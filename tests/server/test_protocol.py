"""The SPARQL 1.1 Protocol's request rules, without a server."""

from __future__ import annotations

import pytest
from kamergraph.server.protocol import FORM, QUERY, UPDATE, Operation, parse_operation

from kamergraph.errors import MethodNotAllowed, UnsupportedMediaType, UsageError


def parse(
    method: str, media: str | None = None, args=None, form=None, body: bytes = b"", params=None
):  # type: ignore[no-untyped-def]
    return parse_operation(method, media, params or {}, args or {}, form or {}, body)


def test_get_query_with_dataset() -> None:
    op = parse("GET", args={"query": ["ASK {}"], "default-graph-uri": ["http://a", "http://b"]})
    assert op == Operation("query", "ASK {}", ("http://a", "http://b"), ())


def test_get_without_query_is_a_description() -> None:
    assert parse("GET").kind == "description"


def test_form_post_merges_url_dataset() -> None:
    op = parse("POST", FORM, args={"named-graph-uri": ["http://g"]}, form={"query": ["ASK {}"]})
    assert (op.kind, op.named_graphs) == ("query", ("http://g",))


def test_direct_update_with_using() -> None:
    op = parse("POST", UPDATE, args={"using-graph-uri": ["http://g"]}, body=b"CLEAR ALL")
    assert op == Operation("update", "CLEAR ALL", ("http://g",), ())


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: parse("GET", args={"update": ["CLEAR ALL"]}), MethodNotAllowed),
        (lambda: parse("PUT", FORM), MethodNotAllowed),
        (lambda: parse("DELETE"), MethodNotAllowed),
        (lambda: parse("GET", args={"query": ["ASK {}", "ASK {}"]}), UsageError),
        (lambda: parse("POST", FORM, form={"update": ["CLEAR ALL", "CLEAR ALL"]}), UsageError),
        (
            lambda: parse("POST", FORM, form={"query": ["ASK {}"], "update": ["CLEAR ALL"]}),
            UsageError,
        ),
        (lambda: parse("POST", "text/plain", body=b"ASK {}"), UnsupportedMediaType),
        (lambda: parse("POST", None, body=b"query=ASK%20%7B%7D"), UnsupportedMediaType),
        (
            lambda: parse(
                "POST", QUERY, params={"charset": "UTF-16"}, body="ASK {}".encode("utf-16")
            ),
            UnsupportedMediaType,
        ),
        (lambda: parse("POST", QUERY, body=b"\xff\xfeA"), UnsupportedMediaType),
        (lambda: parse("POST", QUERY, args={"query": ["ASK {}"]}, body=b"ASK {}"), UsageError),
        (lambda: parse("POST", QUERY, body=b"  "), UsageError),
        (
            lambda: parse("GET", args={"query": ["ASK {}"], "using-graph-uri": ["http://g"]}),
            UsageError,
        ),
        (
            lambda: parse(
                "POST", UPDATE, args={"default-graph-uri": ["http://g"]}, body=b"CLEAR ALL"
            ),
            UsageError,
        ),
    ],
)
def test_protocol_errors(call, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        call()
