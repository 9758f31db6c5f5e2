"""``kamergraph query``: result formats, named queries and parameters bound, not pasted."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from kamergraph.builder import query
from rdflib import Graph

from kamergraph.errors import EXIT_OK, EXIT_QUERY, InputError, QueryError

from .conftest import SEED_ID, run_cli

IDENTIFIERS = """
PREFIX kg: <https://w3id.org/kamergraph/def#>
SELECT ?doc ?id WHERE { ?doc kg:officialIdentifier ?id } ORDER BY ?id
"""
ONE_DOCUMENT = """
PREFIX kg: <https://w3id.org/kamergraph/def#>
SELECT ?id ?doc WHERE { ?doc kg:officialIdentifier ?id ; kg:kind ?kind }
"""
QUESTION = """
PREFIX kg: <https://w3id.org/kamergraph/def#>
SELECT ?number ?question WHERE { ?question a kg:Question ; kg:number ?number }
"""
CONSTRUCT = """
PREFIX kg: <https://w3id.org/kamergraph/def#>
CONSTRUCT { ?doc kg:officialIdentifier ?id } WHERE { ?doc kg:officialIdentifier ?id ; kg:kind ?k }
"""
ASK = "PREFIX kg: <https://w3id.org/kamergraph/def#> ASK { ?q a kg:Question }"


@pytest.fixture(scope="module")
def store(seed_nquads: Path):
    return query.load_store(seed_nquads)


def test_json_is_sparql_results_json(store) -> None:
    data = json.loads(query.format_result(query.run(store, IDENTIFIERS), "json"))
    assert data["head"]["vars"] == ["doc", "id"]
    ids = [b["id"]["value"] for b in data["results"]["bindings"]]
    assert SEED_ID in ids and "kst-33009-121" in ids
    first = data["results"]["bindings"][0]
    assert first["doc"]["type"] == "uri" and first["id"]["type"] == "literal"


def test_csv_tsv_and_table(store) -> None:
    rows = list(csv.reader(io.StringIO(query.format_result(query.run(store, IDENTIFIERS), "csv"))))
    assert rows[0] == ["doc", "id"] and [r[1] for r in rows if r[1] == SEED_ID] == [SEED_ID]
    tsv = query.format_result(query.run(store, IDENTIFIERS), "tsv").splitlines()
    assert tsv[0] == "?doc\t?id" and any(f'"{SEED_ID}"' in line for line in tsv)
    table = query.format_result(query.run(store, IDENTIFIERS), "table").splitlines()
    assert table[0].split() == ["doc", "id"] and table[-1].endswith("rows)")
    assert query.format_result(query.run(store, ASK), "table") == "true\n"
    assert json.loads(query.format_result(query.run(store, ASK), "json"))["boolean"] is True


def test_construct_as_turtle(store) -> None:
    text = query.format_result(query.run(store, CONSTRUCT), "turtle")
    graph = Graph().parse(data=text, format="turtle")
    assert len(graph) == 1
    with pytest.raises(QueryError, match="CONSTRUCT"):
        query.format_result(query.run(store, IDENTIFIERS), "turtle")


def test_param_binds_a_value(store) -> None:
    params = query.parse_params([f"id={SEED_ID}"])
    rows = list(query.run(store, ONE_DOCUMENT, params))
    assert [r["doc"].value for r in rows] == [f"https://w3id.org/kamergraph/id/doc/{SEED_ID}"]
    numbers = query.parse_params(["number=7"])  # a whole number binds an xsd:integer
    assert [r["number"].value for r in query.run(store, QUESTION, numbers)] == ["7"]


def test_param_is_bound_not_pasted(store) -> None:
    # pasted into the text, this value would close the string and match every document
    sneaky = f'{SEED_ID}" || true || "'
    assert list(query.run(store, ONE_DOCUMENT, query.parse_params([f"id={sneaky}"]))) == []
    hostile = '"x" } UNION { ?doc ?p ?id'
    assert list(query.run(store, ONE_DOCUMENT, query.parse_params([f"id={hostile}"]))) == []
    # an IRI value is a term too, not text
    iri = f"<https://w3id.org/kamergraph/id/doc/{SEED_ID}>"
    bound = query.parse_params([f"doc={iri}"])
    assert [r["id"].value for r in query.run(store, ONE_DOCUMENT, bound)] == [SEED_ID]


def test_bad_params_and_queries_are_query_errors(store) -> None:
    with pytest.raises(QueryError, match="NAME=VALUE"):
        query.parse_params(["novalue"])
    with pytest.raises(QueryError, match="twice"):
        query.parse_params(["a=1", "a=2"])
    with pytest.raises(QueryError, match="invalid SPARQL"):
        query.run(store, "SELECT WHERE {")
    with pytest.raises(QueryError, match="projection"):
        query.run(store, "SELECT ?doc WHERE { ?doc ?p ?x }", query.parse_params(["x=1"]))
    with pytest.raises(QueryError, match="no named query"):
        query.named_query("no-such-query")


def test_named_queries_have_titles() -> None:
    named = query.named_queries()
    assert "located-in" in named
    for item in named.values():
        assert item.title and item.title != item.name, item.path
    assert any(p.startswith("region") for p in named["located-in"].params)


def test_query_command(seed_nquads: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run_cli(
        "query", str(seed_nquads), "-e", ONE_DOCUMENT, "--param", f"id={SEED_ID}", "-f", "json"
    )
    assert code == EXIT_OK, stderr
    bindings = json.loads(stdout)["results"]["bindings"]
    assert [b["id"]["value"] for b in bindings] == [SEED_ID]
    query_file = tmp_path / "q.rq"
    query_file.write_text(IDENTIFIERS, encoding="utf-8")
    code, stdout, _ = run_cli("query", str(seed_nquads), str(query_file), "-f", "csv")
    assert code == EXIT_OK and SEED_ID in stdout
    code, stdout, _ = run_cli("query", str(seed_nquads), "--named", "cited-documents", "-f", "tsv")
    assert code == EXIT_OK and "kst-33009-121" in stdout
    code, _, stderr = run_cli("query", str(seed_nquads), "-e", "SELECT WHERE {")
    assert code == EXIT_QUERY and "invalid SPARQL" in stderr and "Traceback" not in stderr


def test_a_large_graph_is_queried_from_a_kept_store(
    seed_nquads: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Over the size limit the file is loaded once into an on-disk store, then reopened."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    in_memory = query.format_result(query.run(query.open_graph(seed_nquads), IDENTIFIERS), "csv")
    assert not (tmp_path / "cache").exists()  # small: in memory, nothing kept
    kept = query.open_graph(seed_nquads, cache_from=0)
    stores = list((tmp_path / "cache" / "kamergraph" / "stores").iterdir())
    assert len(stores) == 1
    assert query.format_result(query.run(kept, IDENTIFIERS), "csv") == in_memory
    del kept
    loaded_at = stores[0].stat().st_mtime_ns
    again = query.open_graph(seed_nquads, cache_from=0)  # opened, not loaded again
    assert query.format_result(query.run(again, IDENTIFIERS), "csv") == in_memory
    assert list((tmp_path / "cache" / "kamergraph" / "stores").iterdir()) == stores
    assert stores[0].stat().st_mtime_ns == loaded_at


def test_open_graph_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such graph file"):
        query.open_graph(tmp_path / "absent.nq")
