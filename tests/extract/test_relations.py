"""Relations with evidence: the seed's relations, and the same rules on other wordings."""

from __future__ import annotations

import pytest
from kamergraph.builder import extract, patterns
from kamergraph.builder.model import Extraction
from kamergraph.builder.vocab import KG

from kamergraph.errors import InputError

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def triples(extraction: Extraction, predicate, *, curated: bool | None = False) -> set:
    return {
        (short(r.subject), short(r.object))
        for r in extraction.relations
        if r.predicate == str(predicate) and (curated is None or r.curated == curated)
    }


def test_instruments_funding_campuses(seed_extraction) -> None:
    funding = {s for s, o in triples(seed_extraction, KG.fundsOrSupports) if o == "topic-campus"}
    assert funding == {
        "rijksbijdrage",
        "wbso",
        "innovatiekrediet",
        "vroegefasefinanciering",
        "seed-capital",
        "efro",
        "mit",
        "nationaal-groeifonds",
    }
    # named in passing (IPCEI, Horizon, the Chips Act) or a law applied to campus managers
    assert not funding & {"ipcei", "horizon-europe", "europese-chips-act", "wet-vifo"}


def test_participants_of_the_bestuurlijk_overleg(seed_extraction) -> None:
    participants = {
        s for s, o in triples(seed_extraction, KG.participatesIn) if o == "bo-brainport"
    }
    assert participants == {
        "minister-ezk",  # "coördineer ik ... in het Bestuurlijk Overleg Brainport"
        "minister-ocw",
        "minister-ienw",
        "staatssecretaris-ienw",
        "minister-voor-vro",
        "provincie-noord-brabant",
        "gemeente-eindhoven",
        "brainport-development",
    }


def test_spin_offs_locations_and_law_in_force(seed_extraction) -> None:
    assert triples(seed_extraction, KG.spunOffFrom) == {("asml", "philips"), ("signify", "philips")}
    located = triples(seed_extraction, KG.locatedIn)
    assert {("asm-international", "gemeente-almere"), ("nxp", "gemeente-nijmegen")} <= located
    assert ("asml", "brainportregio") in located
    assert not {s for s, _ in located} & {"philips"}  # "in dienst van Philips Nederland in ..."
    (law,) = [r for r in seed_extraction.relations if r.predicate == str(KG.inForceFrom)]
    assert (short(law.subject), law.object, law.datatype) == ("wet-vifo", "2023-06-01", XSD_DATE)


def test_amounts_are_committed_to_what_they_fund(seed_document, seed_extraction) -> None:
    targets = {
        str(seed_document.amounts[i].value): short(iri) for i, iri in seed_extraction.amount_targets
    }
    assert targets == {"230000000": "ipcei-micro-elektronica", "1600000000": "brainportdeal"}


def test_every_relation_has_evidence_rule_and_confidence(seed_document, seed_extraction) -> None:
    rules = {rule.name for rule in patterns.default().relations}
    found = [r for r in seed_extraction.relations if not r.curated]
    assert len(found) > 20
    for r in found:
        assert r.evidence is not None and r.rule in rules and 0 < r.confidence <= 1
        assert seed_document.text[r.evidence.start : r.evidence.end] == r.evidence.text
    spin = next(r for r in found if r.predicate == str(KG.spunOffFrom))
    assert "die uit Philips zijn ontstaan, zoals ASML en Signify" in spin.evidence.text


def test_curated_facts_are_passed_on_as_curated(seed_extraction) -> None:
    curated = [r for r in seed_extraction.relations if r.curated]
    assert curated and all(r.rule == "thesaurus" and r.evidence is None for r in curated)
    assert ("gemeente-eindhoven", "provincie-noord-brabant") in triples(
        seed_extraction, KG.partOf, curated=True
    )


def rels(gazetteer, make_document, answer: str, question: str = "Wat doet u?", **kw) -> set:
    extraction = extract.extract(make_document([(question, answer)], **kw), gazetteer)
    return {
        (short(r.subject), short(r.predicate), short(r.object))
        for r in extraction.relations
        if not r.curated
    } | {("amount", str(i), short(t)) for i, t in extraction.amount_targets}


@pytest.mark.parametrize(
    ("answer", "question", "expected"),
    [
        (
            "Het kabinet ondersteunt het mkb via de WBSO en het innovatiekrediet.",
            "Wat doet u?",
            {
                ("wbso", "fundsOrSupports", "topic-mkb"),
                ("innovatiekrediet", "fundsOrSupports", "topic-mkb"),
            },
        ),
        (
            "Er zijn regelingen om het mkb te ondersteunen, zoals de WBSO en de MIT.",
            "Wat doet u?",
            {("wbso", "fundsOrSupports", "topic-mkb"), ("mit", "fundsOrSupports", "topic-mkb")},
        ),
        (
            "Wij investeren daarin via het Nationaal Groeifonds.",
            "Hoe investeert u in campussen?",
            {("nationaal-groeifonds", "fundsOrSupports", "topic-campus")},
        ),
        (
            "Het Rijksvastgoedbedrijf, gevestigd in Den Haag, draagt bij.",
            "Wat doet u?",
            {("rijksvastgoedbedrijf", "locatedIn", "gemeente-s-gravenhage")},
        ),
        (
            "Aan het Landelijk Overleg Woningbouw nemen deel: de Minister van Financiën en Aedes.",
            "Wat doet u?",
            {
                ("minister-fin", "participatesIn", "landelijk-overleg-woningbouw"),
                ("aedes", "participatesIn", "landelijk-overleg-woningbouw"),
            },
        ),
        (
            "De WBSO wordt uitgevoerd door RVO. Nederland neemt sinds 2021 deel aan "
            "Horizon Europe.",
            "Wat doet u?",
            {
                ("wbso", "administeredBy", "rvo"),
                ("nederland", "participatesIn", "horizon-europe"),
            },
        ),
        (
            "NXP is voortgekomen uit Philips.",
            "Wat doet u?",
            {("nxp", "spunOffFrom", "philips")},
        ),
        (
            "ASML is sinds jaar en dag gevestigd in Veldhoven.",
            "Wat doet u?",
            {("asml", "locatedIn", "gemeente-veldhoven")},
        ),
        (
            "Het Bestuurlijk Overleg MIRT vergadert twee keer per jaar. Hieraan nemen deel: de "
            "Minister van Infrastructuur en Waterstaat en de provincie Utrecht.",
            "Wat doet u?",
            {
                ("minister-ienw", "participatesIn", "bo-mirt"),
                ("provincie-utrecht", "participatesIn", "bo-mirt"),
            },
        ),
    ],
)
def test_rules_generalise_to_other_wordings(gazetteer, make_document, answer, question, expected):
    assert expected <= rels(gazetteer, make_document, answer, question)


def test_law_in_force_and_amount_in_other_wordings(gazetteer, make_document) -> None:
    found = rels(
        gazetteer,
        make_document,
        "De Omgevingswet is per 1 januari 2024 in werking getreden. Het kabinet stelt "
        "€ 10 miljoen beschikbaar voor het Nationaal Groeifonds. De Wet betaalbare huur, die "
        "per 1 juli 2024 van kracht is, helpt.",
        dates={"1 januari 2024": "2024-01-01", "1 juli 2024": "2024-07-01"},
        amounts={"€ 10 miljoen": "10000000"},
    )
    assert ("omgevingswet", "inForceFrom", "2024-01-01") in found
    assert ("wet-betaalbare-huur", "inForceFrom", "2024-07-01") in found
    assert ("amount", "0", "nationaal-groeifonds") in found


@pytest.mark.parametrize(
    "answer",
    [
        "De Wet vifo geldt ook voor campusbeheerders die investeren.",
        "Instrumenten voor die samenwerking zijn Europese programma's als Horizon.",
        "Het IPCEI biedt niet altijd het geschikte kader voor campussen.",
    ],
)
def test_no_funding_from_a_mention_in_passing(gazetteer, make_document, answer) -> None:
    question = "Hoe investeert u in campussen?"
    assert not {
        r for r in rels(gazetteer, make_document, answer, question) if r[1] == "fundsOrSupports"
    }


def test_rule_predicates_and_classes_are_ontology_terms() -> None:
    loaded = patterns.default()
    for rule in loaded.relations:
        assert rule.predicate.startswith(str(KG))
        getattr(KG, rule.predicate.rsplit("#", 1)[1])  # the closed namespace fails otherwise
        for cls in (*rule.subject_classes, *rule.object_classes, *rule.subject_exclude):
            getattr(KG, cls.rsplit("#", 1)[1])
    for pattern in loaded.entities:
        if pattern.cls != "head":
            getattr(KG, pattern.cls.rsplit("#", 1)[1])
    for cls in loaded.head_classes.values():
        getattr(KG, cls.rsplit("#", 1)[1])


def test_a_broken_pattern_file_is_one_error_naming_it(tmp_path) -> None:
    bad = tmp_path / "patterns.toml"
    bad.write_text(
        "[macros]\nART = ''\nLISTSEP = ','\n[[relation]]\nname = 'x'\npredicate = 'locatedIn'\n"
        "pattern = '{E:a}(?P<a>x)'\nsubject = ['group:a']\nobject = ['group:a']\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"patterns.toml: bad pattern"):
        patterns.load(bad)
