"""Loading the thesaurus into plain entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from kamergraph.builder import thesaurus
from kamergraph.builder.gazetteer import Gazetteer
from kamergraph.builder.vocab import KG, KGT

from kamergraph.errors import InputError

FIXTURE = """
@prefix kg: <https://w3id.org/kamergraph/def#> .
@prefix kgt: <https://w3id.org/kamergraph/thesaurus/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kgt:philips a skos:Concept , kg:Company ; skos:prefLabel "Philips"@nl .
kgt:asml a skos:Concept , kg:Company ; skos:prefLabel "ASML"@nl ;
    skos:altLabel "ASML Holding"@nl ; skos:hiddenLabel "A.S.M.L."@nl ;
    kg:spunOffFrom kgt:philips ; kg:wikidata <http://www.wikidata.org/entity/Q1> .
"""


@pytest.fixture
def small(tmp_path: Path) -> thesaurus.Thesaurus:
    (tmp_path / "companies.ttl").write_text(FIXTURE, encoding="utf-8")
    return thesaurus.load(tmp_path)


def test_labels_kinds_classes_and_facts(small: thesaurus.Thesaurus) -> None:
    asml = small.concept(str(KGT.asml))
    assert asml is not None
    assert asml.pref_label == "ASML"
    assert {(label.text, label.kind) for label in asml.labels} == {
        ("ASML", "pref"),
        ("ASML Holding", "alt"),
        ("A.S.M.L.", "hidden"),
    }
    assert asml.classes == (str(KG.Company),)
    # only concept-to-concept facts: the Wikidata link is an identifier, not a relation
    assert [(f.predicate, f.object) for f in small.facts_about(asml.iri)] == [
        (str(KG.spunOffFrom), str(KGT.philips))
    ]


def test_class_closure_comes_from_the_ontology(small: thesaurus.Thesaurus) -> None:
    assert small.is_a([str(KG.Company)], str(KG.Organisation))
    assert small.is_a([str(KG.Company)], str(KG.Actor))
    assert not small.is_a([str(KG.Company)], str(KG.Instrument))


def test_gazetteer_from_thesaurus(small: thesaurus.Thesaurus) -> None:
    g = Gazetteer.from_thesaurus(small)
    assert [m.iri for m in g.match("ASML Holding en Philips")] == [
        str(KGT.asml),
        str(KGT.philips),
    ]


def test_empty_folder_gives_an_empty_thesaurus(tmp_path: Path) -> None:
    empty = thesaurus.load(tmp_path)
    assert empty.concepts == () and empty.facts == ()
    assert empty.is_a([str(KG.Ministry)], str(KG.Organisation))  # the ontology still loads


def test_broken_file_is_one_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.ttl").write_text("kgt:x a .", encoding="utf-8")
    with pytest.raises(InputError, match="broken.ttl"):
        thesaurus.load(tmp_path)


def test_project_thesaurus_loads_fast_and_has_labels() -> None:
    loaded = thesaurus.default()
    assert len(loaded.concepts) > 100
    assert all(c.labels for c in loaded.concepts)
