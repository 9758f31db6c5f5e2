"""The thesaurus as plain data: concepts with their labels and classes, and curated facts.

Reads ``ontology/thesaurus/*.ttl`` (SKOS concepts typed with ``kg:`` classes) and the class
hierarchy of ``ontology/kamergraph.ttl`` once, and hands the rest of the builder immutable
entries. The gazetteer (``gazetteer.py``) is built from these labels, so the served graph and
the matcher share one source; nothing here knows any name.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kamergraph import paths
from kamergraph.errors import InputError

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KG_NS = "https://w3id.org/kamergraph/def#"

LABEL_KINDS: Mapping[str, str] = {
    SKOS + "prefLabel": "pref",
    SKOS + "altLabel": "alt",
    SKOS + "hiddenLabel": "hidden",
}
# Facts between concepts that are not relations of the kind we pass on (identifiers, SKOS
# scheme bookkeeping) are recognised by their object: only concept-to-concept kg: triples count.
BROADER = SKOS + "broader"


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    kind: str  # "pref", "alt" or "hidden"
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Concept:
    iri: str
    labels: tuple[Label, ...]
    classes: tuple[str, ...]  # asserted kg: classes

    @property
    def pref_label(self) -> str:
        """The Dutch preferred label (else any preferred label, else any label)."""
        for wanted in (("pref", "nl"), ("pref", None)):
            for label in self.labels:
                if label.kind == wanted[0] and (wanted[1] is None or label.lang == wanted[1]):
                    return label.text
        return self.labels[0].text if self.labels else self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Fact:
    """A curated relation between two concepts, e.g. a company kg:spunOffFrom another."""

    subject: str
    predicate: str
    object: str


@dataclass(frozen=True)
class Thesaurus:
    concepts: tuple[Concept, ...] = ()
    facts: tuple[Fact, ...] = ()
    superclasses: Mapping[str, frozenset[str]] = field(default_factory=dict)
    broader: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _by_iri: dict[str, Concept] = field(default_factory=dict, repr=False, compare=False)
    _facts_by_subject: dict[str, tuple[Fact, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_iri.update({c.iri: c for c in self.concepts})
        grouped: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.facts:
            grouped[fact.subject].append(fact)
        self._facts_by_subject.update({k: tuple(v) for k, v in grouped.items()})

    def concept(self, iri: str) -> Concept | None:
        return self._by_iri.get(iri)

    def facts_about(self, iri: str) -> tuple[Fact, ...]:
        return self._facts_by_subject.get(iri, ())

    def closure(self, classes: Iterable[str]) -> frozenset[str]:
        """The classes and all their superclasses."""
        out: set[str] = set()
        for cls in classes:
            out.add(cls)
            out |= self.superclasses.get(cls, frozenset())
        return frozenset(out)

    def is_a(self, classes: Iterable[str], wanted: str) -> bool:
        return wanted in self.closure(classes)


def _superclass_closure(edges: Mapping[str, set[str]]) -> dict[str, frozenset[str]]:
    result: dict[str, frozenset[str]] = {}

    def visit(cls: str, seen: frozenset[str]) -> frozenset[str]:
        if cls in result:
            return result[cls]
        out: set[str] = set()
        for parent in edges.get(cls, ()):
            if parent in seen:
                continue
            out.add(parent)
            out |= visit(parent, seen | {parent})
        result[cls] = frozenset(out)
        return result[cls]

    for cls in list(edges):
        visit(cls, frozenset({cls}))
    return result


def _quads(path: Path) -> Iterable[ox.Quad]:
    try:
        yield from ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    except (SyntaxError, OSError, ValueError) as error:
        raise InputError(f"cannot read thesaurus file: {error}", source=str(path)) from error


def load(
    directory: Path = paths.THESAURUS_DIR, ontology: Path | None = paths.ONTOLOGY_FILE
) -> Thesaurus:
    """Read every ``*.ttl`` in ``directory`` (and the class hierarchy of ``ontology``)."""
    labels: dict[str, list[Label]] = defaultdict(list)
    classes: dict[str, set[str]] = defaultdict(set)
    subclass: dict[str, set[str]] = defaultdict(set)
    broader: dict[str, set[str]] = defaultdict(set)
    relations: list[tuple[str, str, str]] = []
    files = sorted(directory.glob("*.ttl")) if directory.is_dir() else []
    if ontology is not None and ontology.is_file():
        files = [ontology, *files]
    for path in files:
        for quad in _quads(path):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p in LABEL_KINDS and isinstance(o, ox.Literal):
                labels[s.value].append(Label(o.value, LABEL_KINDS[p], o.language))
            elif p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(KG_NS):
                classes[s.value].add(o.value)
            elif p == RDFS_SUBCLASS and isinstance(o, ox.NamedNode):
                subclass[s.value].add(o.value)
            elif p == BROADER and isinstance(o, ox.NamedNode):
                broader[s.value].add(o.value)
            elif p.startswith(KG_NS) and isinstance(o, ox.NamedNode):
                relations.append((s.value, p, o.value))
    concepts = tuple(
        Concept(iri, tuple(sorted(set(labels[iri]), key=_label_key)), tuple(sorted(classes[iri])))
        for iri in sorted(labels)
        if iri in classes and not iri.startswith(KG_NS)
    )
    known = {c.iri for c in concepts}
    facts = tuple(Fact(s, p, o) for s, p, o in sorted(set(relations)) if s in known and o in known)
    return Thesaurus(
        concepts=concepts,
        facts=facts,
        superclasses=_superclass_closure(subclass),
        broader={k: frozenset(v) for k, v in broader.items()},
    )


def _label_key(label: Label) -> tuple[int, str, str]:
    order = {"pref": 0, "alt": 1, "hidden": 2}
    return (order.get(label.kind, 3), label.lang or "", label.text)


@functools.cache
def default() -> Thesaurus:
    """The project's thesaurus, read once per process."""
    return load()
