"""owlrl's full closure of ontology + thesaurus, computed once per test session (slow)."""

from __future__ import annotations

import pytest
from kamergraph.builder.reason import owlrl_closure, read_schema_graph, schema_files
from rdflib import Graph


@pytest.fixture(scope="session")
def schema_closure() -> Graph:
    return owlrl_closure(read_schema_graph(schema_files()))
