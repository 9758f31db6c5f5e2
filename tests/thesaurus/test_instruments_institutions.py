"""The instruments, laws, institutions and parties thesaurus files.

Checks that the files parse, that every entry is a well-formed SKOS concept typed by an
ontology class, that the entity groups of the acceptance files we own are findable by a
label, that the curated facts are present and that no unverified identifier slipped in.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from kamergraph.builder.vocab import KG, KGT
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from kamergraph import paths

FILES = ("instruments.ttl", "laws.ttl", "institutions.ttl", "parties.ttl")

# Identifiers marked verified in reference/identifiers.md that belong to these files.
VERIFIED_IDENTIFIERS = {
    (KGT["asml"], KG.wikidata, URIRef("http://www.wikidata.org/entity/Q297879")),
    (KGT["philips"], KG.wikidata, URIRef("http://www.wikidata.org/entity/Q170416")),
}
IDENTIFIER_PROPERTIES = (KG.wikidata, KG.tooi, KG.cbsCode, KG.officialIdentifier)

# Seed competency questions whose every entity group lives in these files.
OWNED_QUESTIONS = ("instruments-funding-campuses", "laws-and-regulations")
# Groups of other questions that live here, by their first name.
OWNED_GROUPS = {
    "located-in-noord-brabant": {"TU Eindhoven", "ASML", "Brainport Development"},
    "spin-offs-of-philips": {"ASML", "Signify"},
    "bo-brainport-participants": {"Brainport Development"},
}
OWNED_CORPUS_GROUPS = {
    "Wageningen University & Research",
    "Regeling ammoniak en veehouderij",
    "Landelijke beëindigingsregeling veehouderijlocaties",
    "Programma Aanpak Stikstof",
    "Wet natuurbescherming",
    "AERIUS Check",
    "MIND",
    "Zorgverzekeraars Nederland",
    "Europese Vredesfaciliteit",
}


def _parse(name: str) -> Graph:
    graph = Graph()
    graph.parse(paths.THESAURUS_DIR / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    return {name: _parse(name) for name in FILES}


@pytest.fixture(scope="module")
def merged(graphs: dict[str, Graph]) -> Graph:
    graph = Graph()
    for part in graphs.values():
        graph += part
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(paths.ONTOLOGY_FILE, format="turtle")
    return graph


def _concepts(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef))


def _labels(graph: Graph, concept: URIRef) -> set[str]:
    return {
        str(label).strip().casefold()
        for prop in (SKOS.prefLabel, SKOS.altLabel)
        for label in graph.objects(concept, prop)
    }


def _label_index(graph: Graph) -> dict[str, set[URIRef]]:
    index: dict[str, set[URIRef]] = defaultdict(set)
    for concept in _concepts(graph):
        for label in _labels(graph, concept):
            index[label].add(concept)
    return index


def _findable(index: dict[str, set[URIRef]], names: list[str]) -> bool:
    return any(name.strip().casefold() in index for name in names)


@pytest.mark.parametrize("name", FILES)
def test_file_parses_and_has_concepts(graphs: dict[str, Graph], name: str) -> None:
    assert len(_concepts(graphs[name])) >= 15, name


@pytest.mark.parametrize("name", FILES)
def test_every_concept_is_a_well_formed_entry(
    graphs: dict[str, Graph], ontology: Graph, name: str
) -> None:
    graph = graphs[name]
    problems = []
    for concept in _concepts(graph):
        if not str(concept).startswith(str(KGT)):
            problems.append(f"{concept}: not in the kgt: namespace")
        if (concept, SKOS.inScheme, KGT["thesaurus"]) not in graph:
            problems.append(f"{concept}: not in kgt:thesaurus")
        if (concept, KG.curated, Literal(True)) not in graph:
            problems.append(f"{concept}: not kg:curated true")
        by_language: dict[str | None, int] = defaultdict(int)
        for label in graph.objects(concept, SKOS.prefLabel):
            assert isinstance(label, Literal)
            by_language[label.language] += 1
        if by_language.get("nl") != 1:
            problems.append(f"{concept}: needs exactly one Dutch prefLabel")
        if set(by_language) - {"nl", "en"} or any(n != 1 for n in by_language.values()):
            problems.append(f"{concept}: prefLabels per language {dict(by_language)}")
        for label in graph.objects(concept, SKOS.altLabel):
            if not isinstance(label, Literal) or label.language not in {"nl", "en"}:
                problems.append(f"{concept}: altLabel {label!r} without nl/en language tag")
        classes = [c for c in graph.objects(concept, RDF.type) if c != SKOS.Concept]
        if not classes:
            problems.append(f"{concept}: has no ontology class")
        for cls in classes:
            if (cls, RDF.type, OWL.Class) not in ontology:
                problems.append(f"{concept}: class {cls} is not declared in the ontology")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", FILES)
def test_only_declared_ontology_properties(
    graphs: dict[str, Graph], ontology: Graph, name: str
) -> None:
    declared = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    used = {p for p in graphs[name].predicates() if str(p).startswith(str(KG))}
    assert used <= declared, sorted(used - declared)


def test_no_label_names_two_concepts(merged: Graph) -> None:
    clashes = {
        label: sorted(concepts)
        for label, concepts in _label_index(merged).items()
        if len(concepts) > 1
    }
    assert not clashes, clashes


def test_alt_labels_do_not_repeat_other_labels_of_the_concept(merged: Graph) -> None:
    """Exact repeats only: case variants ("MIND", "Mind") matter to a case-aware matcher."""
    repeated = []
    for concept in _concepts(merged):
        prefs = {str(x) for x in merged.objects(concept, SKOS.prefLabel)}
        alts = [str(x) for x in merged.objects(concept, SKOS.altLabel)]
        dupes = {a for a in alts if a in prefs or alts.count(a) > 1}
        if dupes:
            repeated.append((concept, sorted(dupes)))
    assert not repeated, repeated


def test_seed_entity_groups_are_findable(merged: Graph, seed_acceptance: dict) -> None:
    index = _label_index(merged)
    questions = seed_acceptance["competency_questions"]
    missing = []
    for key in OWNED_QUESTIONS:
        question = questions[key]
        for group in question["expect"]:
            if not _findable(index, group):
                missing.append((key, group))
        for name in question.get("allowed", []):
            if not _findable(index, [name]):
                missing.append((key, name))
    for key, firsts in OWNED_GROUPS.items():
        groups = [g for g in questions[key]["expect"] if g[0] in firsts]
        assert len(groups) == len(firsts), f"{key}: acceptance file changed"
        missing += [(key, g) for g in groups if not _findable(index, g)]
    for amount in seed_acceptance["document"]["amounts"]:
        if not _findable(index, amount["to"]):
            missing.append(("amounts", amount["to"]))
    assert not missing, missing


def test_not_expected_campus_instruments_are_distinct_concepts(
    merged: Graph, seed_acceptance: dict
) -> None:
    """Names the matcher must be able to tell apart from the campus instruments."""
    index = _label_index(merged)
    campus = seed_acceptance["competency_questions"]["instruments-funding-campuses"]
    names = [n.casefold() for group in campus["expect"] for n in group]
    expected = set().union(*(index[n] for n in names if n in index))
    for name in seed_acceptance["not_expected"]["instruments-funding-campuses"]:
        assert name.casefold() in index, name
        assert not index[name.casefold()] & expected, name


def test_corpus_entity_groups_are_findable(merged: Graph, corpus_acceptance: dict) -> None:
    index = _label_index(merged)
    groups = [
        group
        for document in corpus_acceptance["documents"].values()
        for group in document.get("entities", [])
        if group[0] in OWNED_CORPUS_GROUPS
    ]
    assert {g[0] for g in groups} == OWNED_CORPUS_GROUPS
    assert [g for g in groups if not _findable(index, g)] == []


def test_curated_spin_offs_of_philips(merged: Graph) -> None:
    spin_offs = set(merged.subjects(KG.spunOffFrom, KGT["philips"]))
    assert {KGT["asml"], KGT["signify"], KGT["nxp"]} <= spin_offs


def test_curated_locations_of_seed_actors(merged: Graph) -> None:
    assert (KGT["tu-eindhoven"], KG.locatedIn, KGT["gemeente-eindhoven"]) in merged
    assert (KGT["brainport-development"], KG.locatedIn, KGT["gemeente-eindhoven"]) in merged
    assert (KGT["brainport-development"], KG.participatesIn, KGT["bo-brainport"]) in merged


def test_ipcei_parts_are_narrower_than_ipcei(merged: Graph) -> None:
    parts = set(merged.subjects(SKOS.broader, KGT["ipcei"]))
    assert {KGT["ipcei-micro-elektronica"], KGT["ipcei-solar"], KGT["ipcei-batteries"]} <= parts


def test_only_verified_identifiers(merged: Graph) -> None:
    found = {(s, p, o) for p in IDENTIFIER_PROPERTIES for s, o in merged.subject_objects(p)}
    assert found == VERIFIED_IDENTIFIERS


@pytest.fixture(scope="module")
def whole_thesaurus() -> Graph:
    graph = Graph()
    for path in sorted(paths.THESAURUS_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _subclasses_of(ontology: Graph, cls: URIRef) -> set[URIRef]:
    found = {cls}
    frontier = [cls]
    while frontier:
        current = frontier.pop()
        for sub in ontology.subjects(RDFS.subClassOf, current):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                frontier.append(sub)
    return found


# What the object of each curated relation must be (range as the ontology states or implies).
RELATION_RANGES = {
    KG.locatedIn: KG.Region,
    KG.administeredBy: KG.Organisation,
    KG.spunOffFrom: KG.Organisation,
    KG.fundsOrSupports: None,
    KG.participatesIn: None,
    SKOS.broader: None,
    SKOS.related: None,
}


def test_references_resolve_to_concepts_of_the_right_kind(
    merged: Graph, whole_thesaurus: Graph, ontology: Graph
) -> None:
    """Every concept our files point at exists somewhere in the thesaurus, with a fitting class."""
    problems = []
    for prop, wanted in RELATION_RANGES.items():
        allowed = _subclasses_of(ontology, wanted) if wanted is not None else None
        for subject, target in merged.subject_objects(prop):
            if (target, RDF.type, SKOS.Concept) not in whole_thesaurus:
                problems.append(f"{subject} {prop} {target}: no such concept")
            elif (
                allowed is not None and not set(whole_thesaurus.objects(target, RDF.type)) & allowed
            ):
                problems.append(f"{subject} {prop} {target}: not a {wanted}")
    assert not problems, "\n".join(problems)


def test_our_labels_do_not_name_concepts_of_other_files(
    merged: Graph, whole_thesaurus: Graph
) -> None:
    ours = set(_concepts(merged))
    index = _label_index(whole_thesaurus)
    clashes = {
        label: sorted(concepts)
        for label, concepts in index.items()
        if len(concepts) > 1 and concepts & ours
    }
    assert not clashes, clashes
