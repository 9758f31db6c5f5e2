"""The instruments, laws, institutions and parties thesaurus files: the entity groups of the
acceptance files they answer for are findable by a label, the curated facts are present and
no unverified identifier slipped in. (``test_files.py`` checks their form.)
"""

from __future__ import annotations

import pytest
from kamergraph.builder.vocab import KG, KGT
from rdflib import SKOS, Graph, URIRef

from .conftest import INSTRUMENT_AND_INSTITUTION_FILES, fold, label_index, lookup, union

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


@pytest.fixture(scope="module")
def merged(file_graphs: dict[str, Graph]) -> Graph:
    return union(file_graphs, INSTRUMENT_AND_INSTITUTION_FILES)


def _findable(index: dict[str, set[URIRef]], names: list[str]) -> bool:
    return bool(lookup(index, names))


def test_seed_entity_groups_are_findable(merged: Graph, seed_acceptance: dict) -> None:
    index = label_index(merged)
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
    index = label_index(merged)
    campus = seed_acceptance["competency_questions"]["instruments-funding-campuses"]
    expected = lookup(index, [n for group in campus["expect"] for n in group])
    for name in seed_acceptance["not_expected"]["instruments-funding-campuses"]:
        assert fold(name) in index, name
        assert not index[fold(name)] & expected, name


def test_corpus_entity_groups_are_findable(merged: Graph, corpus_acceptance: dict) -> None:
    index = label_index(merged)
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
