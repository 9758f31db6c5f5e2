"""The gazetteer: labels found in text the way Dutch usage writes them, longest first."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kamergraph.builder.gazetteer import Entry, Gazetteer, fold

ENTRIES = [
    Entry("x:mit", "Mkb-innovatiestimulering Regio en Topsectoren", "pref"),
    Entry("x:mit", "MIT", "alt"),
    Entry("x:pas", "Programma Aanpak Stikstof", "pref"),
    Entry("x:pas", "PAS", "alt"),
    Entry("x:eu", "EU", "alt"),
    Entry("x:ocw", "Ministerie van Onderwijs, Cultuur en Wetenschap", "pref"),
    Entry("x:ocw", "Ministerie van OCW", "alt"),
    Entry("x:horizon", "Horizon", "alt"),
    Entry("x:bo", "BO-Brainport", "alt"),
    Entry("x:ipcei", "IPCEI", "alt"),
    Entry("x:ipcei-me", "IPCEI Micro-elektronica", "pref"),
    Entry("x:armenie", "Armenië", "pref"),
    Entry("x:krediet", "innovatiekrediet", "pref"),
    Entry("x:ngf", "het Nationaal Groeifonds", "alt"),
    Entry("x:ab", "Alfa Beta", "pref"),
    Entry("x:bcd", "Beta Gamma Delta", "pref"),
    Entry("x:nza", "NZa", "alt"),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(ENTRIES)


def found(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.iri) for m in gazetteer.match(text)]


def test_abbreviations_are_whole_words_and_case_sensitive(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Mitigatie en pas later de MIT.") == [("MIT", "x:mit")]
    assert found(gazetteer, "De PAS-melders, maar pas nu.") == [("PAS", "x:pas")]
    assert found(gazetteer, "eu, nza en Nza") == []
    assert found(gazetteer, "de EU en de NZa") == [("EU", "x:eu"), ("NZa", "x:nza")]


def test_diacritics_and_case_of_long_labels(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "in Armenie") == [("Armenie", "x:armenie")]
    assert found(gazetteer, "het ministerie van OCW") == [("ministerie van OCW", "x:ocw")]
    assert found(gazetteer, "het ministerie van ocw") == []  # OCW stays an abbreviation
    assert found(gazetteer, "Innovatiekrediet en INNOVATIEKREDIET") == [
        ("Innovatiekrediet", "x:krediet"),
        ("INNOVATIEKREDIET", "x:krediet"),
    ]


def test_a_capitalised_single_word_keeps_its_capital(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "aan de horizon") == []
    assert found(gazetteer, "via Horizon") == [("Horizon", "x:horizon")]


def test_hyphen_space_and_line_break_variants(gazetteer: Gazetteer) -> None:
    for text in ("het BO-Brainport", "het BO Brainport", "het BO\nBrainport", "het BO–Brainport"):
        assert [iri for _, iri in found(gazetteer, text)] == ["x:bo"], text
    assert found(gazetteer, "het IPCEI Microelektronica") == [
        ("IPCEI Microelektronica", "x:ipcei-me")
    ]
    assert found(gazetteer, "Ministerie van Onderwijs,\nCultuur en Wetenschap")[0][1] == "x:ocw"


def test_longest_match_wins_then_earliest(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "het IPCEI Micro-elektronica en dit IPCEI") == [
        ("IPCEI Micro-elektronica", "x:ipcei-me"),
        ("IPCEI", "x:ipcei"),
    ]
    # "Beta Gamma Delta" (longer) wins over the overlapping "Alfa Beta" that starts earlier
    assert found(gazetteer, "Alfa Beta Gamma Delta") == [("Beta Gamma Delta", "x:bcd")]
    assert found(gazetteer, "Alfa Beta Gamma") == [("Alfa Beta", "x:ab")]


def test_leading_article_of_a_label_is_optional(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "via ons Nationaal Groeifonds") == [("Nationaal Groeifonds", "x:ngf")]
    assert found(gazetteer, "via het Nationaal Groeifonds") == [
        ("het Nationaal Groeifonds", "x:ngf")
    ]


def test_deterministic_whatever_the_order_of_entries() -> None:
    text = "De MIT en het IPCEI Micro-elektronica, het BO-Brainport en de EU in Armenië."
    expected = Gazetteer(ENTRIES).match(text)
    shuffled = list(ENTRIES)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert Gazetteer(shuffled).match(text) == expected


def test_ambiguous_label_prefers_preferred_label_and_lists_alternatives() -> None:
    g = Gazetteer([Entry("x:stad", "Utrecht", "pref"), Entry("x:provincie", "Utrecht", "alt")])
    (match,) = g.match("in Utrecht")
    assert (match.iri, match.alternatives) == ("x:stad", ("x:provincie",))


def test_document_labels_extend_a_gazetteer(gazetteer: Gazetteer) -> None:
    local = gazetteer.with_entries([Entry("x:rbz", "RBZ", "local")])
    assert found(local, "de RBZ en de EU") == [("RBZ", "x:rbz"), ("EU", "x:eu")]
    assert found(gazetteer, "de RBZ") == []


def test_fold_keeps_length() -> None:
    text = "Armenië – ROM’s «café» İstanbul"
    assert len(fold(text)) == len(text)
    assert fold("Armenië – ROM’s") == "Armenie - ROM's"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("MIT PAS eu EU-ë’'-\n,.()AlfaBetGmD")), max_size=80))
def test_matches_point_at_their_text_and_never_overlap(text: str) -> None:
    matches = Gazetteer(ENTRIES).match(text)
    for m in matches:
        assert text[m.start : m.end] == m.text
    for a, b in zip(matches, matches[1:], strict=False):
        assert a.end <= b.start
