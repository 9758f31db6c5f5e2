"""Reasoning: what the ontology implies, as its own graph. Asserted data is never changed.

owlrl's OWL RL closure is far too slow to run per document (seconds per 10k triples), so
reasoning is split in two:

1. ``load_schema()`` computes the closure of the ontology plus the thesaurus once: owlrl's
   OWL RL closure of the terminology (classes, properties, axioms), from which it derives
   rule tables (subclass and subproperty closures, inverse, symmetric and transitive
   properties, property chains, domains and ranges), then those tables applied to the
   thesaurus's concepts and facts. The result is cached on disk (``.cache/reason/``, keyed by
   a hash of the input files): about 5 s to compute, under a second to load.
2. ``infer(document_graph, schema)`` applies those tables to one document graph (joined with
   the thesaurus facts it links to, e.g. the ``kg:partOf`` chain of a municipality) by
   semi-naive forward chaining in plain Python and returns only the new triples.

Tests check that on the relevant triples both steps give what owlrl's full closure gives.
The ontology is kept inside what these rules cover: no owl:sameAs, functional properties,
keys or class restrictions (the test above fails if that changes).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import owlrl
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from kamergraph import paths
from kamergraph.errors import UsageError

Triple = tuple[Node, Node, Node]

CACHE_DIR = paths.ROOT / ".cache" / "reason"
RULES_VERSION = "3"  # bump when the derivation of the tables changes

# Vocabularies whose own terms are not part of what we infer (owlrl's axiomatic triples).
_META_NAMESPACES = (
    str(RDF),
    str(RDFS),
    str(OWL),
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.daml.org/2002/03/agents/agent-ont#",  # owlrl's error messages
)
# rdflib's namespace attribute lookup is slow in a hot loop: look the terms up once.
_TYPE = RDF.type
_SUBCLASS = RDFS.subClassOf
_TRIVIAL_TYPES = frozenset({OWL.Thing, RDFS.Resource})
_REFLEXIVE_SCHEMA = frozenset(
    {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs}
)


@dataclass(frozen=True)
class Schema:
    """The closure of ontology + thesaurus and the rule tables derived from it."""

    closure: frozenset[Triple]
    superclasses: Mapping[Node, frozenset[Node]]  # C -> every D with C subClassOf D, C excluded
    superproperties: Mapping[Node, frozenset[Node]]  # p -> every q with p subPropertyOf q, p excl.
    inverses: Mapping[Node, frozenset[Node]]
    symmetric: frozenset[Node]
    transitive: frozenset[Node]
    chains: tuple[tuple[Node, tuple[Node, ...]], ...]  # (p, (p1, ..., pn)): p1/.../pn => p
    domains: Mapping[Node, frozenset[Node]]
    ranges: Mapping[Node, frozenset[Node]]
    asserted: frozenset[Triple] = field(repr=False)
    _out: Mapping[Node, Mapping[Node, frozenset[Node]]] = field(repr=False, default_factory=dict)
    _in: Mapping[Node, Mapping[Node, frozenset[Node]]] = field(repr=False, default_factory=dict)

    def inferred(self) -> Graph:
        """The triples the schema closure adds to ontology + thesaurus (for the inferred graph
        of a build), without owlrl's axiomatic and trivial triples."""
        graph = Graph()
        for triple in sorted(self.closure - self.asserted):
            if is_relevant(triple):
                graph.add(triple)
        return graph

    def objects(self, s: Node, p: Node) -> frozenset[Node]:
        return self._out.get(p, {}).get(s, frozenset())

    def subjects(self, p: Node, o: Node) -> frozenset[Node]:
        return self._in.get(p, {}).get(o, frozenset())


def is_relevant(triple: Triple) -> bool:
    """False for owlrl's bookkeeping: axiomatic triples about RDF/OWL terms, reflexive
    subclass/subproperty/sameAs triples, ``owl:Thing`` and ``rdfs:Resource`` types, triples with
    a literal or blank node in subject position, ``rdfs:subClassOf owl:Thing``."""
    s, p, o = triple
    if not isinstance(s, URIRef) or str(s).startswith(_META_NAMESPACES):
        return False
    if p in _REFLEXIVE_SCHEMA and s == o:
        return False
    if p == _SUBCLASS and o in _TRIVIAL_TYPES:
        return False
    if p == _TYPE and (o in _TRIVIAL_TYPES or str(o).startswith(_META_NAMESPACES)):
        return False
    return not (p == _TYPE and isinstance(o, Literal))


def schema_files(
    ontology: Path = paths.ONTOLOGY_FILE, thesaurus_dir: Path = paths.THESAURUS_DIR
) -> list[Path]:
    return [Path(ontology), *sorted(Path(thesaurus_dir).glob("*.ttl"))]


def load_schema(
    files: Sequence[Path] | None = None, *, cache_dir: Path | None = CACHE_DIR
) -> Schema:
    """The schema closure of ``files`` (default: the ontology and every thesaurus file) and
    its rule tables, from the on-disk cache when the files have not changed."""
    files = schema_files() if files is None else list(files)
    key = _cache_key(files)
    cache = Path(cache_dir) / f"schema-{key}.pickle" if cache_dir is not None else None
    if cache is not None and cache.exists():
        try:
            with cache.open("rb") as stream:
                schema = pickle.load(stream)
            if isinstance(schema, Schema):
                return schema
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
            pass  # a damaged or outdated cache file: compute again
    schema = build_schema(*_compute_closure(files))
    if cache is not None:
        _write_cache(cache, schema)
    return schema


def _write_cache(cache: Path, schema: Schema, keep: int = 3) -> None:
    """Write atomically (a temporary file renamed into place); keep the newest few files."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    ignore = cache.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as stream:
        pickle.dump(schema, stream, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(cache)
    older = sorted(cache.parent.glob("schema-*.pickle"), key=lambda p: p.stat().st_mtime)
    for stale in older[:-keep]:
        stale.unlink(missing_ok=True)


def _cache_key(files: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    digest.update(f"{RULES_VERSION} owlrl {version('owlrl')} rdflib {version('rdflib')}".encode())
    for file in files:
        digest.update(Path(file).name.encode() + b"\0")
        try:
            digest.update(Path(file).read_bytes())
        except OSError as error:
            raise UsageError(
                f"cannot read schema file: {error.strerror}", source=str(file)
            ) from error
    return digest.hexdigest()[:16]


def read_schema_graph(files: Iterable[Path]) -> Graph:
    graph = Graph()
    for file in files:
        try:
            graph.parse(file, format="turtle")
        except (SyntaxError, ValueError) as error:
            raise UsageError(f"cannot parse schema file: {error}", source=str(file)) from error
    return graph


def owlrl_closure(graph: Graph) -> Graph:
    """owlrl's full OWL RL closure of a copy of ``graph``."""
    closed = Graph()
    for triple in graph:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    return closed


# What makes a triple part of the terminology (TBox) rather than of the thesaurus data.
_TBOX_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.propertyChainAxiom,
        OWL.disjointWith,
        OWL.propertyDisjointWith,
        OWL.members,
        RDF.first,
        RDF.rest,
    }
)
_TBOX_TYPES = frozenset(
    {
        OWL.Ontology,
        OWL.Class,
        RDFS.Class,
        RDF.Property,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.IrreflexiveProperty,
        OWL.AllDisjointClasses,
    }
)


def split_terminology(graph: Graph) -> tuple[Graph, Graph]:
    """(TBox, ABox): the triples about classes, properties and their axioms, and the rest
    (the thesaurus concepts and their facts)."""
    terms = {s for s, p, o in graph if p in _TBOX_PREDICATES or (p == _TYPE and o in _TBOX_TYPES)}
    tbox, abox = Graph(), Graph()
    for triple in graph:
        (tbox if triple[0] in terms else abox).add(triple)
    return tbox, abox


def _compute_closure(files: Sequence[Path]) -> tuple[frozenset[Triple], frozenset[Triple]]:
    """owlrl's closure of the terminology, then the rule tables applied to the thesaurus.

    owlrl over ontology + thesaurus takes half a minute or more; over the terminology alone
    a second or two. The thesaurus is data (concepts, types, kg:partOf, ...), for which the
    rule tables derived from the terminology's closure are complete (a slow test compares
    the result with owlrl's closure of everything)."""
    graph = read_schema_graph(files)
    asserted = frozenset(graph)
    tbox, abox = split_terminology(graph)
    tbox_closure = frozenset(t for t in owlrl_closure(tbox) if not isinstance(t[0], Literal))
    terminology = build_schema(frozenset(tbox), tbox_closure)
    derived = _forward_chain(abox, terminology)
    return asserted, tbox_closure | frozenset(abox) | frozenset(derived)


def build_schema(asserted: frozenset[Triple], closure: frozenset[Triple]) -> Schema:
    """Derive the rule tables from a closed schema."""
    by_predicate: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in closure:
        by_predicate[p].append((s, o))

    def table(predicate: Node, *, reflexive_out: bool = True) -> dict[Node, frozenset[Node]]:
        result: dict[Node, set[Node]] = defaultdict(set)
        for s, o in by_predicate.get(predicate, ()):
            if reflexive_out and s == o:
                continue
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                result[s].add(o)
        return {k: frozenset(v) for k, v in result.items()}

    inverses: dict[Node, set[Node]] = defaultdict(set)
    for s, o in by_predicate.get(OWL.inverseOf, ()):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            inverses[s].add(o)
            inverses[o].add(s)

    graph = Graph()
    for s, o in by_predicate.get(OWL.propertyChainAxiom, ()):
        graph.add((s, OWL.propertyChainAxiom, o))
    for triple in closure:
        if triple[1] in (RDF.first, RDF.rest):
            graph.add(triple)
    chains = tuple(
        sorted(
            (p, tuple(graph.items(head)))
            for p, head in ((s, o) for s, o in by_predicate.get(OWL.propertyChainAxiom, ()))
        )
    )

    out: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    into: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in closure:
        out[p][s].add(o)
        into[p][o].add(s)

    return Schema(
        closure=closure,
        asserted=asserted,
        superclasses=table(RDFS.subClassOf),
        superproperties=table(RDFS.subPropertyOf),
        inverses={k: frozenset(v) for k, v in inverses.items()},
        symmetric=frozenset(
            s for s, o in by_predicate.get(RDF.type, ()) if o == OWL.SymmetricProperty
        ),
        transitive=frozenset(
            s for s, o in by_predicate.get(RDF.type, ()) if o == OWL.TransitiveProperty
        ),
        chains=chains,
        domains=table(RDFS.domain, reflexive_out=False),
        ranges=table(RDFS.range, reflexive_out=False),
        _out={p: {s: frozenset(o) for s, o in v.items()} for p, v in out.items()},
        _in={p: {o: frozenset(s) for o, s in v.items()} for p, v in into.items()},
    )


# --- per-document inference --------------------------------------------------------------


class _Store:
    """The document's triples plus the new ones, indexed both ways; schema facts on top."""

    def __init__(self, schema: Schema, triples: Iterable[Triple]) -> None:
        self.schema = schema
        self.known: set[Triple] = set()
        self.out: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        self.into: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
        for triple in triples:
            self._index(triple)

    def _index(self, triple: Triple) -> None:
        s, p, o = triple
        self.known.add(triple)
        self.out[p][s].add(o)
        self.into[p][o].add(s)

    def add(self, triple: Triple) -> bool:
        if triple in self.known or triple in self.schema.closure:
            return False
        self._index(triple)
        return True

    def objects(self, s: Node, p: Node) -> set[Node]:
        return self.out[p].get(s, set()) | self.schema.objects(s, p)

    def subjects(self, p: Node, o: Node) -> set[Node]:
        return self.into[p].get(o, set()) | self.schema.subjects(p, o)


def _consequences(triple: Triple, schema: Schema, store: _Store) -> Iterator[Triple]:
    """Everything one rule application derives from ``triple`` together with the store."""
    s, p, o = triple
    node_object = not isinstance(o, Literal)
    if p == _TYPE:
        for c in schema.superclasses.get(o, ()):
            yield (s, _TYPE, c)
        return
    for q in schema.superproperties.get(p, ()):
        yield (s, q, o)
    for c in schema.domains.get(p, ()):
        yield (s, _TYPE, c)
    if not node_object:
        return
    for c in schema.ranges.get(p, ()):
        yield (o, _TYPE, c)
    for q in schema.inverses.get(p, ()):
        yield (o, q, s)
    if p in schema.symmetric:
        yield (o, p, s)
    if p in schema.transitive:
        for x in store.objects(o, p):
            yield (s, p, x)
        for x in store.subjects(p, s):
            yield (x, p, o)
    for target, chain in schema.chains:
        for position, link in enumerate(chain):
            if link != p:
                continue
            starts = {s}
            for before in reversed(chain[:position]):
                starts = {x for n in starts for x in store.subjects(before, n)}
            ends = {o}
            for after in chain[position + 1 :]:
                ends = {y for n in ends for y in store.objects(n, after)}
            for a in starts:
                for b in ends:
                    yield (a, target, b)


def _forward_chain(triples: Iterable[Triple], schema: Schema) -> set[Triple]:
    """Semi-naive forward chaining: every triple the rule tables derive from ``triples`` and
    the schema closure that is in neither."""
    store = _Store(schema, triples)
    new: set[Triple] = set()
    delta = [t for t in store.known if not isinstance(t[0], Literal)]
    while delta:
        following: list[Triple] = []
        for triple in delta:
            for derived in _consequences(triple, schema, store):
                if isinstance(derived[0], Literal):
                    continue
                if store.add(derived):
                    new.add(derived)
                    following.append(derived)
        delta = following
    return new


def infer(document_graph: Graph, schema: Schema) -> Graph:
    """The triples OWL RL derives from ``document_graph`` together with the schema closure
    that are neither in the document graph nor in the schema closure. The input is not
    changed."""
    new = _forward_chain(document_graph, schema)
    result = Graph()
    for triple in sorted(new):
        if is_relevant(triple):
            result.add(triple)
    return result


def owlrl_new_triples(document_graph: Graph, schema_graph: Graph) -> Graph:
    """Reference implementation for tests: owlrl's full closure of document + schema, minus
    both inputs' closure, restricted to relevant triples. Slow: for tests only."""
    union = Graph()
    for triple in schema_graph:
        union.add(triple)
    schema_closure = set(owlrl_closure(union))
    for triple in document_graph:
        union.add(triple)
    closed = owlrl_closure(union)
    result = Graph()
    for triple in closed:
        if triple not in schema_closure and triple not in document_graph and is_relevant(triple):
            result.add(triple)
    return result


__all__ = [
    "Schema",
    "build_schema",
    "infer",
    "is_relevant",
    "load_schema",
    "owlrl_closure",
    "owlrl_new_triples",
    "read_schema_graph",
    "schema_files",
    "split_terminology",
]
