"""The dataset-level graphs of a build: the schema graph (ontology + thesaurus), the schema's
own inferences, and the description of the built dataset (VoID statistics + DCAT-AP-NL).

Graph names (B = the build's base IRI):

    B graph/schema    ontology and thesaurus, as asserted
    B graph/inferred  what OWL RL derives (schema closure + per-document inferences)
    B graph/dataset   this description

The description is deterministic (no build time, no host names): the same documents give the
same triples. The publisher is our own organisation node: the project is not a government
organisation with a TOOI identifier.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, VOID
from rdflib.term import Node

from . import output
from .mapping import slug

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
PROJECT_PAGE = URIRef("https://w3id.org/kamergraph")
SPARQL_FORMAT = URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")

VOCABULARIES = (
    "https://w3id.org/kamergraph/def#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "http://data.europa.eu/eli/ontology#",
    "http://schema.org/",
)


def schema_graph_iri(base: str) -> str:
    return f"{base}graph/schema"


def inferred_graph_iri(base: str) -> str:
    return f"{base}graph/inferred"


def dataset_graph_iri(base: str) -> str:
    return f"{base}graph/dataset"


def dataset_iri(base: str) -> URIRef:
    return URIRef(f"{base}dataset")


# --- schema graphs ------------------------------------------------------------------------


def schema_lines(schema: Any, base: str, graph_major: bool) -> tuple[list[str], list[str]]:
    """Sorter lines of the schema graph (ontology + thesaurus as asserted) and of the
    triples its closure adds, with blank nodes given labels derived from their content so
    that they are the same in every build. Works on the triple sets directly: building
    rdflib graphs of this size costs seconds."""
    from .reason import is_relevant

    asserted = schema.asserted
    inferred = [t for t in schema.closure - asserted if is_relevant(t)]
    labels = _stable_bnode_labels([*asserted, *inferred])
    return (
        output.triple_lines(
            asserted, schema_graph_iri(base), graph_major=graph_major, bnodes=labels
        ),
        output.triple_lines(
            inferred, inferred_graph_iri(base), graph_major=graph_major, bnodes=labels
        ),
    )


SCHEMA_RUN_VERSION = "1"  # bump when the lines of the schema graphs change for the same input


def schema_run(
    schema: Any, base: str, graph_major: bool, *, key: str | None, folder: Path
) -> tuple[Path, int, int]:
    """The schema and schema-inferred lines as one sorted, de-duplicated file, ready to be
    merged into the output, with the number of asserted and inferred lines.

    With a ``key`` (a digest of the schema files) the file is kept in ``folder`` and reused
    by later builds; without one it is written to ``folder`` afresh."""
    order = "gspo" if graph_major else "spog"
    name = f"schema-{SCHEMA_RUN_VERSION}-{key}-{order}-" if key else "schema-"
    digest = hashlib.sha1(base.encode()).hexdigest()[:8]
    run, counts = folder / f"{name}{digest}.nq", folder / f"{name}{digest}.json"
    if key and run.is_file() and counts.is_file():
        numbers = json.loads(counts.read_text(encoding="utf-8"))
        return run, int(numbers["asserted"]), int(numbers["inferred"])
    asserted, inferred = schema_lines(schema, base, graph_major)
    folder.mkdir(parents=True, exist_ok=True)
    with output.atomic_write(run) as stream:
        stream.writelines(line + "\n" for line in sorted({*asserted, *inferred}))
    with output.atomic_write(counts) as stream:
        json.dump({"asserted": len(asserted), "inferred": len(inferred)}, stream)
    return run, len(asserted), len(inferred)


def schema_key(files: Iterable[Path]) -> str:
    """A digest of the schema files' names and contents."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).name.encode() + b"\0" + Path(file).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _stable_bnode_labels(triples: Iterable[tuple[Node, Node, Node]]) -> dict[Node, str]:
    """A label per blank node from a hash of what it says (recursively, for RDF lists) and
    of the triples pointing at it."""
    outgoing: dict[Node, list[tuple[Node, Node]]] = {}
    incoming: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in triples:
        if isinstance(s, BNode):
            outgoing.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            incoming.setdefault(o, []).append((s, p))
    digests: dict[Node, str] = {}

    def describe(node: Node, depth: int = 0) -> str:
        if not isinstance(node, BNode):
            return output.nt_term(node)
        if node in digests:
            return digests[node]
        if depth > 50:  # a cycle of blank nodes: fall back to a constant
            return "_:cycle"
        out = sorted(
            f"{output.nt_term(p)} {describe(o, depth + 1)}" for p, o in outgoing.get(node, ())
        )
        into = sorted(
            f"{output.nt_term(s)} {output.nt_term(p)}"
            for s, p in incoming.get(node, ())
            if not isinstance(s, BNode)
        )
        digest = hashlib.sha1("\n".join([*out, "<-", *into]).encode()).hexdigest()[:16]
        digests[node] = f"_:b{digest}"
        return digests[node]

    return {node: describe(node) for node in (*outgoing, *incoming)}


# --- statistics ---------------------------------------------------------------------------


@dataclass
class Statistics:
    """Counts gathered while documents stream past (nothing else is kept)."""

    schema: int = 0
    asserted: int = 0
    inferred: int = 0
    classes: Counter[str] = field(default_factory=Counter)
    properties: Counter[str] = field(default_factory=Counter)

    def add_schema(self, asserted: int, inferred: int) -> None:
        self.schema += asserted
        self.inferred += inferred

    def add_document(
        self,
        asserted: int,
        inferred: int,
        classes: Iterable[tuple[str, int]],
        properties: Iterable[tuple[str, int]],
    ) -> None:
        self.asserted += asserted
        self.inferred += inferred
        self.classes.update(dict(classes))
        self.properties.update(dict(properties))

    @property
    def triples(self) -> int:
        return self.schema + self.asserted + self.inferred


# --- the description ----------------------------------------------------------------------


def describe(stats: Statistics, base: str, documents: int) -> Graph:
    """VoID statistics and a DCAT-AP-NL description of the built dataset.

    The same for every output format. ``void:triples`` counts every quad of the schema,
    document and inferred graphs (the description itself excluded); the class and property
    partitions count the documents' asserted graphs."""
    g = Graph()
    ds = dataset_iri(base)
    publisher = URIRef(f"{base}organisatie/kamergraph")
    contact = URIRef(f"{base}dataset/contactpunt")
    service = URIRef(f"{base}dataset/sparql")
    endpoint = URIRef(f"{base}sparql")
    distribution = URIRef(f"{base}dataset/distributie/sparql")

    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add(
        (
            ds,
            DCTERMS.title,
            Literal("Kamergraph: Kamervragen en antwoorden als kennisgraaf", lang="nl"),
        )
    )
    g.add(
        (
            ds,
            DCTERMS.title,
            Literal(
                "Kamergraph: Dutch parliamentary questions and answers as a knowledge graph",
                lang="en",
            ),
        )
    )
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Schriftelijke vragen en antwoorden en lijsten van vragen en antwoorden van de "
                "Tweede Kamer als gekoppelde data: vragen, antwoorden, verwijzingen, bedragen en "
                "de actoren, instrumenten, wetten en gebieden die erin worden genoemd, met de "
                "tekst als bewijs.",
                lang="nl",
            ),
        )
    )
    g.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "Written questions and answers of the Dutch House of Representatives as linked "
                "data: questions, answers, references, amounts and the actors, instruments, laws "
                "and regions they mention, with the text as evidence.",
                lang="en",
            ),
        )
    )
    g.add((ds, DCTERMS.identifier, Literal(str(ds))))
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((ds, DCTERMS.creator, publisher))
    g.add((ds, DCTERMS.license, CC0))
    g.add(
        (
            ds,
            DCTERMS.language,
            URIRef("http://publications.europa.eu/resource/authority/language/NLD"),
        )
    )
    g.add((ds, DCAT.theme, DATA_THEME.GOVE))
    g.add((ds, DCTERMS.accessRights, ACCESS_RIGHT.PUBLIC))
    g.add((ds, DCAT.contactPoint, contact))
    g.add((ds, DCAT.landingPage, PROJECT_PAGE))
    g.add((ds, DCAT.distribution, distribution))

    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal("kamergraph")))
    g.add((publisher, FOAF.homepage, PROJECT_PAGE))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal("kamergraph")))
    g.add((contact, VCARD.hasURL, PROJECT_PAGE))

    g.add((distribution, RDF.type, DCAT.Distribution))
    g.add((distribution, DCTERMS.title, Literal("SPARQL-endpoint", lang="nl")))
    g.add((distribution, DCAT.accessURL, endpoint))
    g.add((distribution, DCAT.accessService, service))
    g.add((distribution, DCTERMS.license, CC0))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.license, CC0))

    g.add((ds, VOID.sparqlEndpoint, endpoint))
    g.add((ds, VOID.uriSpace, Literal(base)))
    for vocabulary in VOCABULARIES:
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    g.add((ds, VOID.triples, Literal(stats.triples, datatype=XSD.integer)))
    g.add((ds, VOID.documents, Literal(documents, datatype=XSD.integer)))
    for name, count in (
        ("schema", stats.schema),
        ("documenten", stats.asserted),
        ("afgeleid", stats.inferred),
    ):
        subset = URIRef(f"{base}dataset/deel/{name}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
    for cls, count in sorted(stats.classes.items()):
        partition = URIRef(f"{base}dataset/klasse/{_partition_slug(cls)}")
        g.add((ds, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(cls)))
        g.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for prop, count in sorted(stats.properties.items()):
        partition = URIRef(f"{base}dataset/eigenschap/{_partition_slug(prop)}")
        g.add((ds, VOID.propertyPartition, partition))
        g.add((partition, VOID.property, URIRef(prop)))
        g.add((partition, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g


def _partition_slug(iri: str) -> str:
    """Readable and unique: the local name plus a short hash of the whole IRI."""
    local = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return f"{slug(local)}-{hashlib.sha1(iri.encode()).hexdigest()[:6]}"


def check(description: Graph, base: str) -> list[str]:
    """Violations of the dataset shapes, as readable lines."""
    from .validate import validate

    report = validate(description)
    return [result.line("dataset") for result in report.violations]
