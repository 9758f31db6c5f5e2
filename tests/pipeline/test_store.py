"""The on-disk store cache: keyed by the graph's hash and the store layout, loaded once,
compacted, never half-made."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from kamergraph.builder.store import COMPLETE_MARKER, STORE_LAYOUT, graph_digest, prepare_store

from kamergraph.errors import InputError

GRAPH = """<http://example.org/a> <http://example.org/p> "one" .
<http://example.org/b> <http://example.org/p> "two" .
"""


def test_a_store_is_loaded_once_and_reused(tmp_path: Path) -> None:
    graph = tmp_path / "graph.nt"
    graph.write_text(GRAPH, encoding="utf-8")
    root = tmp_path / "stores"
    store = prepare_store(graph, root)
    assert store.name == f"{graph_digest(graph)}-{STORE_LAYOUT}"
    assert (store / COMPLETE_MARKER).exists()
    marker_time = (store / COMPLETE_MARKER).stat().st_mtime_ns
    assert prepare_store(graph, root) == store
    assert (store / COMPLETE_MARKER).stat().st_mtime_ns == marker_time  # not loaded again
    answer = ox.Store.read_only(str(store)).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert [s["n"].value for s in answer] == ["2"]  # type: ignore[index,union-attr]


def test_a_store_of_an_older_layout_is_not_reused(tmp_path: Path) -> None:
    graph = tmp_path / "graph.nt"
    graph.write_text(GRAPH, encoding="utf-8")
    root = tmp_path / "stores"
    old = root / graph_digest(graph)  # the name before stores were compacted
    old.mkdir(parents=True)
    (old / COMPLETE_MARKER).write_text(str(graph), encoding="utf-8")
    store = prepare_store(graph, root)
    assert store != old and store.name.endswith(f"-{STORE_LAYOUT}")
    assert (old / COMPLETE_MARKER).exists()  # left alone: the user's cache, not ours to delete


def test_a_graph_that_does_not_load_leaves_no_store(tmp_path: Path) -> None:
    graph = tmp_path / "broken.nt"
    graph.write_text("<http://example.org/a> <http://example.org/p> .\n", encoding="utf-8")
    root = tmp_path / "stores"
    with pytest.raises(InputError, match="broken.nt"):
        prepare_store(graph, root)
    assert [p.name for p in root.iterdir()] == []
