"""The server benchmark's own mechanics: how it binds a named query's parameters, and how it
counts a server's CPU time."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_server", ROOT / "benchmarks" / "bench_server.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_server"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


EX = "http://example.org/"
DATA = f"""
<{EX}region> <{EX}label> "Noord-Brabant" .
<{EX}town> <{EX}in> <{EX}region> .
<{EX}town> <{EX}label> "Eindhoven" .
<{EX}other> <{EX}label> "Utrecht" .
"""


def _rows(store: ox.Store, query: str, **options: object) -> list[tuple[str, ...]]:
    return sorted(tuple(str(t) for t in s) for s in store.query(query, **options))


def test_bound_parameter_is_seen_by_a_filter_in_an_inner_group(bench: ModuleType) -> None:
    # a trailing VALUES is joined last: the inner FILTER cannot see it and nothing matches
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.N_TRIPLES)
    query = f"""# title: Places in a region
# description: SELECT what lies in ?region
SELECT ?region ?place WHERE {{
  {{ ?r <{EX}label> ?name . FILTER(STR(?name) = STR(?region)) }}
  ?place <{EX}in> ?r .
}}"""
    bound = bench.bind(query, "region", '"Noord-Brabant"')
    substituted = _rows(
        store, query, substitutions={ox.Variable("region"): ox.Literal("Noord-Brabant")}
    )
    assert _rows(store, bound) == substituted == [('"Noord-Brabant"', f"<{EX}town>")]
    assert _rows(store, query + '\nVALUES ?region { "Noord-Brabant" }') == []


def test_binding_an_iri_and_a_query_without_projection(bench: ModuleType) -> None:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.N_TRIPLES)
    select = f"SELECT DISTINCT ?entity ?label WHERE {{ ?entity <{EX}label> ?label }}"
    bound = bench.bind(select, "entity", f"<{EX}town>")
    assert bound.startswith(f"SELECT DISTINCT (<{EX}town> AS ?entity) ?label WHERE")
    assert _rows(store, bound) == [(f"<{EX}town>", '"Eindhoven"')]
    ask = bench.bind(f"ASK {{ $entity <{EX}in> ?r }}", "entity", f"<{EX}town>")
    assert store.query(ask)
    assert "?entityx" in bench.bind("SELECT ?entityx WHERE { ?entityx ?p ?o }", "entity", "<x>")


def test_every_named_query_is_bound_and_parses(bench: ModuleType) -> None:
    queries = bench.named_queries(None)
    assert len(queries) == len(list((ROOT / "queries").glob("*.rq")))
    store = ox.Store()
    bound = 0
    for name, text in queries.items():
        source = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        for param in re.findall(r"^#\s*param:\s*(\w+)", source, flags=re.MULTILINE):
            assert param in bench.PARAM_VALUES, f"{name}: no benchmark value for {param}"
            # left only as the projected name, ``(value AS ?param)``
            assert text.count(f"?{param}") == text.count(f"AS ?{param})") == 1, name
            bound += 1
        store.query(text)  # raises SyntaxError on a query the binding broke
    assert bound >= 2


def test_tree_cpu_counts_the_children(bench: ModuleType) -> None:
    burn = (
        "import sys, time\n"
        "while time.process_time() < 0.5: pass\n"
        "print('done', flush=True)\n"
        "sys.stdin.read()\n"
    )
    before = bench.tree_cpu_seconds(os.getpid())
    assert before is not None and before >= 0
    child = subprocess.Popen(
        [sys.executable, "-c", burn], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "done\n"
        time.sleep(0.05)
        during = bench.tree_cpu_seconds(os.getpid())
        assert during is not None and during - before >= 0.45
    finally:
        child.communicate("")
    assert bench.tree_cpu_seconds(2**22 + 12345) is None  # no such process
