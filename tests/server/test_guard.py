"""The guard: SERVICE, LOAD and the protocol's USING, decided before evaluation."""

from __future__ import annotations

import pytest
from kamergraph.server.guard import (
    Policy,
    apply_using,
    check_query,
    check_update,
    mask,
    service_endpoints,
)

from kamergraph.errors import Forbidden, UsageError

OPEN = Policy(frozenset({"http://allowed.example/sparql"}))


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "select * { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { SERVICE\n<http://x/> {?s ?p ?o} } }",
    ],
)
def test_service_refused_without_allow_list(query: str) -> None:
    with pytest.raises(Forbidden, match="SERVICE"):
        check_query(query, Policy())


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/>" }',
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}",
        "SELECT ?SERVICE { ?s <http://x/SERVICE> ?SERVICE }",
        "PREFIX ex: <http://x/> SELECT * { ?s ex:SERVICE ?o }",
    ],
)
def test_service_word_elsewhere_is_not_a_service(query: str) -> None:
    assert check_query(query, Policy()) is False


def test_allow_list_admits_listed_endpoint_only() -> None:
    check_query(
        "PREFIX a: <http://allowed.example/> SELECT * { SERVICE a:sparql { ?s ?p ?o } }", OPEN
    )
    with pytest.raises(Forbidden, match="not on this endpoint's allow-list"):
        check_query("SELECT * { SERVICE <http://other/> { ?s ?p ?o } }", OPEN)
    with pytest.raises(Forbidden, match="variable"):
        check_query("SELECT * { SERVICE ?x { ?s ?p ?o } }", OPEN)


def test_service_endpoints_resolves_prefixes() -> None:
    assert service_endpoints("PREFIX e: <http://e/> SELECT * { SERVICE e:x {?s ?p ?o} }") == [
        "http://e/x"
    ]


def test_from_is_reported() -> None:
    assert check_query("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", Policy()) is True
    assert check_query("SELECT * { ?s <http://x/from> ?o }", Policy()) is False


@pytest.mark.parametrize(
    "update", ["LOAD <http://x/data.ttl>", "load silent <file:///etc/passwd> INTO GRAPH <g>"]
)
def test_load_refused(update: str) -> None:
    with pytest.raises(Forbidden, match="LOAD"):
        check_update(update)


def test_mask_keeps_positions() -> None:
    text = 'SELECT * { ?s ?p "a {b}" } # c'
    masked = mask(text)
    assert len(masked) == len(text) and "{b}" not in masked


def test_apply_using_adds_clauses_before_each_top_level_where() -> None:
    update = (
        "INSERT { ?s a <C> } WHERE { ?s a <D> FILTER EXISTS { ?s ?p ?o } } ; "
        "DELETE WHERE { ?a ?b ?c }"
    )
    rewritten = apply_using(update, ["http://g1"], ["http://g2"])
    assert rewritten == (
        "INSERT { ?s a <C> } USING <http://g1> USING NAMED <http://g2> "
        "WHERE { ?s a <D> FILTER EXISTS { ?s ?p ?o } }"
        " ; DELETE WHERE { ?a ?b ?c }"
    )


def test_apply_using_conflicts_with_with() -> None:
    with pytest.raises(UsageError, match="cannot be combined"):
        apply_using("WITH <g> INSERT { ?s a <C> } WHERE { ?s a <D> }", ["http://g1"], [])
