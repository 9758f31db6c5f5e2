"""The ``kamergraph serve`` command: arguments, ``--get`` in-process, ``--memory``, the store
cache, and building documents before serving."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest

from kamergraph import paths
from kamergraph.cli import main
from kamergraph.errors import EXIT_USAGE

from .conftest import SMALL

ASK = "ASK { ?s a <https://w3id.org/kamergraph/def#Province> }"


def get(path: str, *extra: str, capsys, cache: Path) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    code = main(
        ["serve", str(SMALL), "--store", str(cache), "--workers", "1", *extra, "--get", path]
    )
    return code, capsys.readouterr().out


def test_get_in_process(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out = get(
        "/sparql?" + urllib.parse.urlencode({"query": ASK}), capsys=capsys, cache=tmp_path
    )
    assert code == 0 and json.loads(out)["boolean"] is True


def test_store_is_kept_between_runs_and_keyed_by_the_graph(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    get("/health", capsys=capsys, cache=tmp_path)
    stores = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(stores) == 1 and (stores[0] / ".kamergraph-complete").exists()
    marker = (stores[0] / ".kamergraph-complete").stat().st_mtime_ns
    get("/health", capsys=capsys, cache=tmp_path)
    assert [p for p in tmp_path.iterdir() if p.is_dir()] == stores  # not loaded again
    assert (stores[0] / ".kamergraph-complete").stat().st_mtime_ns == marker


def test_memory_engine_answers_the_same(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?l WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } ORDER BY ?l"
    url = "/sparql?" + urllib.parse.urlencode({"query": query})
    _, disk = get(url, capsys=capsys, cache=tmp_path)
    _, memory = get(url, "--memory", capsys=capsys, cache=tmp_path)
    assert json.loads(memory) == json.loads(disk)
    code, out = get("/thesaurus/brainport", "--memory", capsys=capsys, cache=tmp_path)
    assert code == 0 and "<mark>Brainport</mark>" in out


def test_memory_engine_does_not_read_files_named_in_from(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://secret/s> <http://secret/p> "the secret" .\n', encoding="utf-8")
    query = f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"
    code, out = get(
        "/sparql?" + urllib.parse.urlencode({"query": query}),
        "--memory",
        capsys=capsys,
        cache=tmp_path,
    )
    assert code == 0 and "the secret" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0", "--enable-update"], "needs --update-token"),
        (["--update-token", "x"], "only meaningful with --enable-update"),
        (["--workers", "0"], "at least 1"),
        (["--base", "relative/"], "absolute IRI"),
    ],
)
def test_bad_arguments(capsys, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    assert main(["serve", str(SMALL), *args, "--get", "/health"]) == EXIT_USAGE
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 4), (3, 6), (8, 16), (64, 16)])
def test_default_workers_follow_the_usable_cores(monkeypatch, cores: int, workers: int) -> None:  # type: ignore[no-untyped-def]
    from kamergraph.commands import serve

    monkeypatch.setattr(serve.os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    assert serve.default_workers() == workers


def test_default_workers_without_affinity(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kamergraph.commands import serve

    monkeypatch.delattr(serve.os, "sched_getaffinity", raising=False)  # macOS, Windows
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 3)
    assert serve.default_workers() == 6
    monkeypatch.setattr(serve.os, "cpu_count", lambda: None)  # unknown: as one core
    assert serve.default_workers() == 2


def test_missing_graph_file(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["serve", "no/such/graph.trig", "--get", "/health"]) == EXIT_USAGE
    assert "no such graph file" in capsys.readouterr().err


@pytest.mark.slow
def test_serves_the_bundled_sample_by_default(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT ?id WHERE { ?doc <https://w3id.org/kamergraph/def#officialIdentifier> ?id }"
    url = "/sparql?" + urllib.parse.urlencode({"query": query})
    code = main(["serve", "--store", str(tmp_path), "--workers", "1", "--get", url])
    out = capsys.readouterr().out
    assert code == 0
    ids = {b["id"]["value"] for b in json.loads(out)["results"]["bindings"]}
    assert paths.SAMPLE_IDENTIFIER in ids


@pytest.mark.slow
def test_builds_documents_given_instead_of_a_graph(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document = paths.EXAMPLES_DIR / "documents" / "ah-tk-20222023-3649_lnv_stalvloer.txt"
    query = "ASK { ?q a <https://w3id.org/kamergraph/def#Question> }"
    url = "/sparql?" + urllib.parse.urlencode({"query": query})
    code = main(["serve", str(document), "--store", str(tmp_path), "--get", url])
    assert code == 0 and json.loads(capsys.readouterr().out)["boolean"] is True
    assert len(list((tmp_path / "builds").glob("*.nq"))) == 1  # built once, kept for restarts
