"""Sentence splitting for evidence spans."""

from __future__ import annotations

from kamergraph.builder import patterns, sentences


def parts(text: str) -> list[str]:
    return [text[s:e] for s, e in sentences.split(text, patterns.default().abbreviations)]


def test_abbreviations_initials_and_numbers_do_not_end_a_sentence() -> None:
    text = (
        "Dit is o.a. besproken in Kamerstuk 33 009, nr. 121. Minister J. Jansen schreef "
        "dat. Klopt het? Ja! «Zeker.» De (innovatieve) bedrijven\nprofiteren.\n\nNieuwe alinea"
    )
    assert parts(text) == [
        "Dit is o.a. besproken in Kamerstuk 33 009, nr. 121.",
        "Minister J. Jansen schreef dat.",
        "Klopt het?",
        "Ja!",
        "«Zeker.»",
        "De (innovatieve) bedrijven\nprofiteren.",
        "Nieuwe alinea",
    ]


def test_offsets_are_trimmed_and_cover_the_text() -> None:
    text = "  Eerste zin.   Tweede zin.  "
    spans = sentences.split(text)
    assert [text[s:e] for s, e in spans] == ["Eerste zin.", "Tweede zin."]
    assert sentences.split("") == [] and sentences.split("   ") == []
