"""Every thesaurus file by the same rules: entries are well-formed SKOS concepts typed by an
ontology class, use only declared properties, carry clean labels that name one concept in
the whole thesaurus, and point only at concepts that exist and are of the right kind."""

from __future__ import annotations

from collections import defaultdict

import pytest
from kamergraph.builder.vocab import KG, KGT
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from .conftest import FILES, concepts, label_index, labels, subclasses_of

# Entries a file holds at least (a file that lost most of its entries fails here).
MINIMUM_ENTRIES = {
    "government.ttl": 50,
    "regions.ttl": 50,
    "international.ttl": 50,
    "instruments.ttl": 15,
    "laws.ttl": 15,
    "institutions.ttl": 15,
    "parties.ttl": 15,
}
# Properties an entry may use besides the kg: terms the ontology declares.
ALLOWED_OTHER_PROPERTIES = {
    RDF.type,
    SKOS.inScheme,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    SKOS.broader,
    SKOS.related,
    RDFS.comment,
}
# What the object of each linking property must be (None: any concept).
LINKS = {
    KG.partOf: KG.Region,
    KG.locatedIn: KG.Region,
    KG.withinOrganisation: KG.Organisation,
    KG.memberOf: KG.Organisation,
    KG.administeredBy: KG.Organisation,
    KG.spunOffFrom: KG.Organisation,
    KG.fundsOrSupports: None,
    KG.participatesIn: None,
    SKOS.broader: None,
    SKOS.related: None,
}
# Words that name an actor only in some sentences, never on their own.
COMMON_WORDS = {"raad", "kamer", "commissie", "minister", "kabinet", "regio", "rijk", "unie"}


def test_every_file_is_checked() -> None:
    assert set(FILES) == set(MINIMUM_ENTRIES)


@pytest.mark.parametrize("name", FILES)
def test_file_parses_and_has_concepts(file_graphs: dict[str, Graph], name: str) -> None:
    assert len(concepts(file_graphs[name])) >= MINIMUM_ENTRIES[name], name


@pytest.mark.parametrize("name", FILES)
def test_every_concept_is_a_well_formed_entry(
    file_graphs: dict[str, Graph], ontology: Graph, name: str
) -> None:
    graph = file_graphs[name]
    problems = []
    for concept in concepts(graph):
        if not str(concept).startswith(str(KGT)):
            problems.append(f"{concept}: not in the kgt: namespace")
        if (concept, SKOS.inScheme, KGT["thesaurus"]) not in graph:
            problems.append(f"{concept}: not in kgt:thesaurus")
        if list(graph.objects(concept, KG.curated)) != [Literal(True)]:
            problems.append(f"{concept}: not kg:curated true")
        by_language: dict[str | None, int] = defaultdict(int)
        for label in graph.objects(concept, SKOS.prefLabel):
            by_language[getattr(label, "language", None)] += 1
        if by_language.get("nl") != 1:
            problems.append(f"{concept}: needs exactly one Dutch prefLabel")
        if set(by_language) - {"nl", "en"} or any(n != 1 for n in by_language.values()):
            problems.append(f"{concept}: prefLabels per language {dict(by_language)}")
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, prop):
                if not isinstance(label, Literal) or label.language not in {"nl", "en"}:
                    problems.append(f"{concept}: label {label!r} without nl/en language tag")
                elif str(label) != str(label).strip() or not str(label):
                    problems.append(f"{concept}: label {label!r} has stray spaces")
        classes = [c for c in graph.objects(concept, RDF.type) if c != SKOS.Concept]
        if not classes:
            problems.append(f"{concept}: has no ontology class")
        for cls in classes:
            if (cls, RDF.type, OWL.Class) not in ontology:
                problems.append(f"{concept}: class {cls} is not declared in the ontology")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", FILES)
def test_only_declared_properties(
    file_graphs: dict[str, Graph], ontology: Graph, name: str
) -> None:
    declared = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    used = set(file_graphs[name].predicates())
    unknown = {p for p in used if p not in declared and p not in ALLOWED_OTHER_PROPERTIES}
    assert not unknown, sorted(unknown)


@pytest.mark.parametrize("name", FILES)
def test_every_subject_is_a_concept_of_the_scheme(file_graphs: dict[str, Graph], name: str) -> None:
    """Facts stated apart from an entry ("kgt:x kg:partOf kgt:y .") must be about an entry."""
    graph = file_graphs[name]
    entries = set(concepts(graph))
    strays = {s for s in graph.subjects() if s not in entries and s != KGT["thesaurus"]}
    assert not strays, sorted(strays)


def test_links_point_at_concepts_of_the_right_kind(thesaurus: Graph, ontology: Graph) -> None:
    problems = []
    for prop, wanted in LINKS.items():
        allowed = subclasses_of(ontology, wanted) if wanted is not None else None
        for subject, target in thesaurus.subject_objects(prop):
            if (target, RDF.type, SKOS.Concept) not in thesaurus:
                problems.append(f"{subject} {prop} {target}: no such concept")
            elif allowed is not None and not set(thesaurus.objects(target, RDF.type)) & allowed:
                problems.append(f"{subject} {prop} {target}: not a {wanted}")
    assert not problems, "\n".join(problems)


def test_labels_are_not_repeated_within_a_concept(thesaurus: Graph) -> None:
    """Exact repeats only (the same text as nl and en prefLabel is fine): case variants
    ("MIND", "Mind") matter to a case-aware matcher."""
    repeated = []
    for concept in concepts(thesaurus):
        texts = [
            str(x)
            for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
            for x in thesaurus.objects(concept, p)
        ]
        prefs = [str(x) for x in thesaurus.objects(concept, SKOS.prefLabel)]
        dupes = {x for x in texts if texts.count(x) > 1 and prefs.count(x) != 2}
        if dupes:
            repeated.append((concept, sorted(dupes)))
    assert not repeated, repeated


def test_no_label_names_two_concepts(thesaurus: Graph) -> None:
    """Across the whole thesaurus (case and diacritics folded), a label names one concept."""
    clashes = {
        label: sorted(named) for label, named in label_index(thesaurus).items() if len(named) > 1
    }
    assert not clashes, clashes


def test_no_bare_common_words_as_labels(thesaurus: Graph) -> None:
    bad = [
        (concept, label)
        for concept in concepts(thesaurus)
        for label in labels(thesaurus, concept)
        if label in COMMON_WORDS or label.startswith("mijn ")
    ]
    assert not bad, bad


def test_links_name_concepts_not_literals(thesaurus: Graph) -> None:
    literal_links = [
        (s, p, o)
        for p in LINKS
        for s, o in thesaurus.subject_objects(p)
        if not isinstance(o, URIRef)
    ]
    assert not literal_links, literal_links
