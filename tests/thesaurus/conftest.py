"""What the thesaurus tests share: the parsed files, the ontology, and label helpers.

``test_files.py`` checks every thesaurus file by the same rules (well-formed entries,
declared properties, labels, links); the other modules check the content of their part.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import pytest
from kamergraph.builder.vocab import KG
from rdflib import RDF, SKOS, Graph, URIRef
from rdflib.namespace import RDFS

from kamergraph import paths

FILES = tuple(sorted(p.name for p in paths.THESAURUS_DIR.glob("*.ttl")))
ACTOR_AND_REGION_FILES = ("government.ttl", "regions.ttl", "international.ttl")
INSTRUMENT_AND_INSTITUTION_FILES = (
    "instruments.ttl",
    "laws.ttl",
    "institutions.ttl",
    "parties.ttl",
)


def parse(name: str) -> Graph:
    graph = Graph()
    graph.parse(paths.THESAURUS_DIR / name, format="turtle")
    return graph


def union(graphs: dict[str, Graph], names: tuple[str, ...]) -> Graph:
    graph = Graph()
    for name in names:
        graph += graphs[name]
    return graph


@pytest.fixture(scope="session")
def file_graphs() -> dict[str, Graph]:
    """Every thesaurus file, parsed on its own."""
    return {name: parse(name) for name in FILES}


@pytest.fixture(scope="session")
def thesaurus(file_graphs: dict[str, Graph]) -> Graph:
    """The whole thesaurus: every file together."""
    return union(file_graphs, FILES)


@pytest.fixture(scope="session")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(paths.ONTOLOGY_FILE, format="turtle")
    return graph


def fold(label: str) -> str:
    """Compare labels as the gazetteer does, a little stricter: no case, no diacritics."""
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212-]", "-", text)
    return " ".join(text.casefold().split())


def concepts(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef))


def labels(graph: Graph, concept: URIRef) -> set[str]:
    """Every label of ``concept``, folded."""
    return {
        fold(str(label))
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
        for label in graph.objects(concept, prop)
    }


def label_index(graph: Graph) -> dict[str, set[URIRef]]:
    """Folded label → the concepts it names."""
    index: dict[str, set[URIRef]] = defaultdict(set)
    for concept in concepts(graph):
        for label in labels(graph, concept):
            index[label].add(concept)
    return index


def lookup(index: dict[str, set[URIRef]], names: list[str]) -> set[URIRef]:
    """The concepts any of ``names`` names."""
    return set().union(*(index.get(fold(name), set()) for name in names))


def subclasses_of(ontology: Graph, cls: URIRef) -> set[URIRef]:
    found = {cls}
    frontier = [cls]
    while frontier:
        current = frontier.pop()
        for sub in ontology.subjects(RDFS.subClassOf, current):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                frontier.append(sub)
    return found


def within(graph: Graph, start: URIRef) -> set[URIRef]:
    """Everything `start` lies in by kg:partOf / kg:locatedIn, transitively (the OWL RL result)."""
    seen: set[URIRef] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        for prop in (KG.partOf, KG.locatedIn):
            for region in graph.objects(node, prop):
                if isinstance(region, URIRef) and region not in seen:
                    seen.add(region)
                    todo.append(region)
    return seen
