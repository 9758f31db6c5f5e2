"""Small documents in each layout the parser reads, and the problems it reports."""

from __future__ import annotations

import pytest
from kamergraph.builder.parse import parse_document, to_json

from kamergraph.errors import NoQuestionsError

AANHANGSEL_HEAD = (
    "Vragen van het lid Jansen (VVD) aan de Minister van Financiën over de begroting "
    "(ingezonden 3 maart 2024).\n\n"
    "Antwoord van Minister Van Rij (Financiën) (ontvangen 2 april 2024).\n\n"
)


def parse(text: str, **kwargs):
    return parse_document(text, source="test.txt", **kwargs)


def numbers(doc):
    return [q.numbers for q in doc.questions], [a.numbers for a in doc.answers]


def test_vraag_antwoord_with_combined_numbers():
    text = AANHANGSEL_HEAD + (
        "Vraag 1\nKent u het bericht?\n\nAntwoord 1\nJa.\n\n"
        "Vraag 2, 3\nKlopt het? En waarom?\n\nAntwoord 2, 3\nNee.\n\n"
        "Vraag 4 en 5\nHoeveel? Wanneer?\n\nAntwoord 4 en 5\nVeel, morgen.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2, 3), (4, 5)], [(1,), (2, 3), (4, 5)])
    assert doc.answers[1].key == "2-3"
    assert doc.asked_by.member == "Jansen" and doc.asked_by.party == "VVD"
    assert doc.answered_by.role == "Minister van Financiën"
    assert (doc.submitted_on, doc.answered_on) == ("2024-03-03", "2024-04-02")


def test_antwoord_op_vraag_layout():
    text = AANHANGSEL_HEAD + (
        "Vraag 1:\nKent u het bericht?\n\nAntwoord op vraag 1:\nJa, zie ook het antwoord op "
        "vraag 2.\n\nVraag 2:\nDeelt u de zorg?\n\nAntwoord op vraag 2:\nNee.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.answers[0].text == "Ja, zie ook het antwoord op vraag 2."
    assert [(x.source, x.target) for x in doc.cross_references] == [((1,), (2,))]


def test_seed_layout_bare_numbers_and_antwoord_lines():
    text = (
        "De vaste commissie voor Financiën heeft een aantal vragen voorgelegd aan de Minister "
        "van Financiën over de brief van 1 mei 2024 inzake de voorjaarsnota (Kamerstuk 36 500, "
        "nr. 1).\n\nDe voorzitter van de commissie,\nDe Vries\n\nDe griffier van de commissie,\n"
        "Bakker\n\n1\nHoeveel kost het?\n\nAntwoord\nVeel.\n\n2\nWanneer?\n\nAntwoord\nMorgen.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.kind == "Lijst van vragen en antwoorden"
    assert doc.asked_by.committee == "vaste commissie voor Financiën"
    assert doc.subject_letter.identifier == "kst-36500-1"
    assert {s.role: s.name for s in doc.signed_by} == {
        "voorzitter": "De Vries",
        "griffier": "Bakker",
    }


def test_committee_list_with_inline_numbers_and_unlabelled_answers():
    text = (
        "De vaste commissie voor Defensie heeft een aantal vragen voorgelegd aan de Minister van "
        "Defensie over de brief van 1 mei 2024 inzake materieel.\n\n"
        "1. Hoeveel tanks zijn er?\n\nEr zijn 18 tanks.\nDat is genoeg.\n\n"
        "2. Wanneer komen de fregatten?\n\nIn 2028.\n\n"
        "3. Wat kost dat?\n\nBijna € 2 miljard.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,), (3,)], [(1,), (2,), (3,)])
    assert doc.questions[0].text == "Hoeveel tanks zijn er?"
    assert doc.answers[0].text == "Er zijn 18 tanks. Dat is genoeg."
    assert [(a.value, a.qualifier) for a in doc.amounts] == [(2000000000, "bijna")]


def test_numbered_questions_must_run_in_sequence():
    text = (
        "1\nHoeveel kost het?\n\nAntwoord\nDe kosten staan in tabel\n2024\nen verder.\n\n"
        "2\nWanneer?\n\nAntwoord\nMorgen.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert "2024" in doc.answers[0].text


def test_question_without_answer_is_kept_and_reported():
    doc = parse(AANHANGSEL_HEAD + "Vraag 1\nEen?\n\nAntwoord 1\nJa.\n\nVraag 2\nTwee?\n")
    assert numbers(doc) == ([(1,), (2,)], [(1,)])
    assert doc.warnings == ("question 2 has no answer",)


def test_answer_without_question_is_reported():
    doc = parse(AANHANGSEL_HEAD + "Vraag 1\nEen?\n\nAntwoord 1\nJa.\n\nAntwoord 2\nNee.\n")
    assert numbers(doc) == ([(1,)], [(1,), (2,)])
    assert doc.warnings == ("answer 2 has no question",)


def test_lost_heading_after_page_break():
    text = AANHANGSEL_HEAD + (
        "Vraag 1\nEen?\n\nAntwoord 1\nJa, dat klopt.\n\n\nh tk 20232024 12\n\n\n-----\n\n"
        "en de rest van de tweede vraag?\n\nAntwoord 2\nNee.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert (
        doc.questions[1].incomplete and doc.questions[1].text == "en de rest van de tweede vraag?"
    )
    assert doc.answers[0].text == "Ja, dat klopt."
    assert doc.identifier == "ah-tk-20232024-12"


def test_answer_continues_over_page_break_with_footnotes():
    text = AANHANGSEL_HEAD + (
        "Vraag 1\nKent u het bericht?[1 ]\n\nAntwoord 1\nJa, ik ken het bericht en\n\n"
        "1 De Telegraaf, 1 januari 2024.\n\n\nh tk 20232024 12\n\n\n-----\n\n"
        "ik deel de zorg.[2 ]\n\nVraag 2\nNog iets?\n\nAntwoord 2\nNee.\n\n"
        "2 Kamerstuk 36 410, nr. 31\n\n-----\n"
    )
    doc = parse(text)
    assert doc.answers[0].text == "Ja, ik ken het bericht en ik deel de zorg."
    assert [f.text for f in doc.footnotes] == [
        "De Telegraaf, 1 januari 2024.",
        "Kamerstuk 36 410, nr. 31",
    ]
    assert doc.questions[0].footnotes == (1,) and doc.answers[0].footnotes == (2,)
    assert to_json(doc)["cited_ids"] == ["kst-36410-31"]


def test_identifier_precedence():
    text = AANHANGSEL_HEAD + "Vraag 1\nEen?\n\nAntwoord 1\nJa.\n\nh tk 20232024 12\n"
    assert parse(text).identifier == "ah-tk-20232024-12"
    assert parse(text).identifier_source == "text"
    assert parse(text, identifier="kst-1-2").identifier == "kst-1-2"
    bare = "Vraag 1\nEen?\n\nAntwoord 1\nJa.\n"
    first = parse(bare)
    assert first.identifier_source == "content" and first.identifier.startswith("doc-")
    assert parse(bare.replace("\n", "\r\n")).identifier == first.identifier
    assert parse(bare + "extra").identifier != first.identifier


@pytest.mark.parametrize(
    "text",
    ["", "Zomaar wat tekst zonder vragen.", "Antwoord\nJa.", "2024\n\n2025\n", "Vraag\nAntwoord\n"],
)
def test_no_questions(text):
    with pytest.raises(NoQuestionsError) as info:
        parse(text)
    assert info.value.message == "test.txt: no recognisable questions or answers"


def test_kst_list_with_header_and_running_footers():
    text = (
        "Tweede Kamer der Staten-Generaal 2\nVergaderjaar 2022–2023\n33 009 Innovatiebeleid\n"
        "32 637 Bedrijfslevenbeleid\nNr. 123 LIJST VAN VRAGEN EN ANTWOORDEN\n"
        "Vastgesteld 26 juni 2023\n"
        "De vaste commissie voor Economische Zaken en Klimaat heeft een aantal vragen voorgelegd "
        "aan de Minister van Economische Zaken en Klimaat over de brief van 8 juni 2023 inzake "
        "de maakindustrie (Kamerstukken 33 009 en 32 637, nr. 121).\n\n"
        "1\nWelke lessen trekt het kabinet?\n\nAntwoord\nDe keuze van Brainport is om te\n"
        "kst-33009-123\nISSN 0921 - 7371\n’s-Gravenhage 2023\n"
        "Tweede Kamer, vergaderjaar 2022–2023, 33 009, nr. 123 2\n"
        "versterken.\n\n2\nEn verder?\n\nAntwoord\nJa.\n"
        "Tweede Kamer, vergaderjaar 2022–2023, 33 009, nr. 123 3\n"
    )
    doc = parse(text)
    assert doc.identifier == "kst-33009-123"
    assert doc.kind == "Lijst van vragen en antwoorden"
    assert doc.adopted_on == "2023-06-26"
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.answers[0].text == "De keuze van Brainport is om te versterken."
    assert doc.subject_letter.identifier == "kst-33009-121"


def test_members_asking_together_and_answer_on_behalf():
    text = (
        "Vragen van de leden Bikker (ChristenUnie) en Omtzigt (NSC) aan de Ministers van "
        "Buitenlandse Zaken en voor Buitenlandse Handel en Ontwikkelingssamenwerking over "
        "Armenië (ingezonden 2 oktober 2023).\n\n"
        "Antwoord van Minister Bruins Slot (Buitenlandse Zaken), mede namens de Minister voor "
        "Buitenlandse Handel en Ontwikkelingssamenwerking (ontvangen 13 november 2023).\n\n"
        "Vraag 1\nEen?\n\nAntwoord 1\nJa.\n"
    )
    doc = parse(text)
    assert doc.asked_by.member == "Bikker" and doc.asked_by.party == "ChristenUnie"
    assert [(p.name, p.party) for p in doc.asked_by.co_askers] == [("Omtzigt", "NSC")]
    assert doc.addressed_to == (
        "Minister van Buitenlandse Zaken",
        "Minister voor Buitenlandse Handel en Ontwikkelingssamenwerking",
    )
    assert doc.answered_by.name == "Bruins Slot"
    assert doc.answered_by.role == "Minister van Buitenlandse Zaken"
    assert (doc.submitted_on, doc.answered_on) == ("2023-10-02", "2023-11-13")
    assert to_json(doc)["asked_by"]["co_askers"] == [{"name": "Omtzigt", "party": "NSC"}]


def test_number_and_question_on_one_line():
    text = (
        "1 Welke lessen trekt het kabinet?\n\nAntwoord\nGeen. Het gaat om\n"
        "2 Ministeries die samenwerken.\n\n"
        "2 Wanneer komt de strategie?\n\nAntwoord\nIn het najaar.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.answers[0].text == "Geen. Het gaat om 2 Ministeries die samenwerken."
    assert doc.questions[1].text == "Wanneer komt de strategie?"


def test_markdown_footnote_definitions_at_the_end():
    text = AANHANGSEL_HEAD + (
        "**Vraag 1**\nKent u het bericht?[^1]\n\n**Antwoord 1**\nJa, zie de brief.[^2]\n\n"
        "[^1]: NOS, 1 januari 2024, https://nos.nl/artikel/1.\n"
        "[^2]: Kamerstuk 36 410, nr. 31.\n"
    )
    doc = parse(text)
    assert doc.questions[0].text == "Kent u het bericht?"
    assert doc.answers[0].text == "Ja, zie de brief."
    assert [(f.number, f.urls) for f in doc.footnotes] == [
        (1, ("https://nos.nl/artikel/1",)),
        (2, ()),
    ]
    assert (doc.questions[0].footnotes, doc.answers[0].footnotes) == ((1,), (2,))


def test_all_questions_first_then_all_answers():
    text = AANHANGSEL_HEAD + (
        "1\nKent u het bericht?\n\n2\nDeelt u de zorg?\n\n"
        "Antwoord 1\nJa.\n\nAntwoord 2\nNee, zie het antwoord op vraag 1.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.questions[1].text == "Deelt u de zorg?"
    assert doc.warnings == ()
    assert [(x.source, x.target) for x in doc.cross_references] == [((2,), (1,))]


def test_html_text_with_glued_markers_and_notes_at_the_end():
    text = AANHANGSEL_HEAD + (
        "Vraag 1\nBent u bekend met de commentaren «Netjes gezuiverd»1 en «Goede bedoelingen»2?\n"
        "Antwoord 1\nJa.\nVraag 2\nKlopt het?\nAntwoord 2\nJa, zie de motie.3\n\n"
        "1 Nederlands Dagblad, 29 september 2023.\n2 De Volkskrant, 20 september 2023.\n"
        "3 Motie Ceder, Kamerstuk 21 501-02, nr. 2732\n"
    )
    doc = parse(text)
    assert doc.questions[0].text == (
        "Bent u bekend met de commentaren «Netjes gezuiverd» en «Goede bedoelingen»?"
    )
    assert doc.answers[1].text == "Ja, zie de motie."
    assert [f.number for f in doc.footnotes] == [1, 2, 3]
    assert (doc.questions[0].footnotes, doc.answers[1].footnotes) == ((1, 2), (3,))
    assert to_json(doc)["cited_ids"] == ["kst-21501-02-2732"]


def test_empty_answer_is_reported():
    doc = parse(
        AANHANGSEL_HEAD + "Vraag 1\nEen?\n\nAntwoord 1\n\nVraag 2\nTwee?\n\nAntwoord 2\nJa.\n"
    )
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.answers[0].text == ""
    assert doc.warnings == ("answer 1 is empty",)


def test_kst_list_from_html_without_vergaderjaar():
    text = (
        "33 009 Innovatiebeleid\n32 637 Bedrijfslevenbeleid\n"
        "Nr. 123 LIJST VAN VRAGEN EN ANTWOORDEN\nVastgesteld 26 juni 2023\n"
        "De vaste commissie voor Economische Zaken en Klimaat heeft een aantal vragen voorgelegd "
        "aan de Minister van Economische Zaken en Klimaat over de brief van 8 juni 2023 inzake "
        "de maakindustrie (Kamerstukken 33 009 en 32 637, nr. 121).\n"
        "De voorzitter van de commissie, Klink\nAdjunct-griffier van de commissie, Van Dijke\n"
        "Vraag 1\nWelke lessen trekt het kabinet?\nAntwoord\nGeen.\n"
        "Vraag 2\nEn verder?\nAntwoord\nJa.\n"
    )
    doc = parse(text)
    assert (doc.identifier, doc.identifier_source) == ("kst-33009-123", "text")
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert {s.role: s.name for s in doc.signed_by} == {
        "voorzitter": "Klink",
        "adjunct-griffier": "Van Dijke",
    }


def test_numbered_with_parenthesis_and_vraag_nr():
    doc = parse("1) Hoeveel kost het?\n\nAntwoord:\nVeel.\n\n2) En wanneer?\n\nAntwoord:\nNu.\n")
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.questions[0].text == "Hoeveel kost het?"
    doc = parse("Vraag nr. 1\nEen?\n\nAntwoord op vraag nr. 1\nJa.\n")
    assert numbers(doc) == ([(1,)], [(1,)])


def test_page_numbers_at_page_edges_are_dropped():
    text = AANHANGSEL_HEAD + (
        "Vraag 1\nEen?\n\nAntwoord 1\nDe tekst loopt door\n\n7\n\f"
        "8\nTweede Kamer, vergaderjaar 2022–2023, Aanhangsel\nover de pagina heen.\n"
    )
    doc = parse(text)
    assert doc.answers[0].text == "De tekst loopt door over de pagina heen."


def test_answers_grouped_differently_from_the_questions():
    text = AANHANGSEL_HEAD + (
        "Vraag 1\nEen?\n\nVraag 2\nTwee?\n\nVraag 3\nDrie?\n\nAntwoord op vragen 1, 2 en 3\n"
        "Ja.\n\nVraag 4 en 5\nVier? Vijf?\n\nAntwoord 4\nNee.\n\nAntwoord 5\nMisschien, zie de "
        "antwoorden op de vragen 1 tot en met 3.\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,), (3,), (4, 5)], [(1, 2, 3), (4,), (5,)])
    assert doc.warnings == ()
    assert [x.target for x in doc.cross_references] == [(1, 2, 3)]


def test_members_of_one_party():
    text = (
        "Vragen van de leden Kröger, Thijssen en Bromet (allen GroenLinks) aan de Minister voor "
        "Klimaat en Energie over windparken (ingezonden 1 maart 2023).\n\nVraag 1\nEen?\n\n"
        "Antwoord 1\nJa.\n"
    )
    asker = parse(text).asked_by
    assert (asker.member, asker.party) == ("Kröger", "GroenLinks")
    assert [(p.name, p.party) for p in asker.co_askers] == [
        ("Thijssen", "GroenLinks"),
        ("Bromet", "GroenLinks"),
    ]


def test_numbered_list_with_glued_markers_and_notes_at_the_end():
    text = (
        "De vaste commissie voor Financiën heeft een aantal vragen voorgelegd aan de Minister "
        "van Financiën over de brief van 1 mei 2024 inzake de voorjaarsnota.\n\n"
        "1\nKent u de brief?1\n\nAntwoord\nJa, en de motie.2\n\n"
        "2\nEn verder?\n\nAntwoord\nNee.\n\n"
        "1 Kamerstuk 36 500, nr. 1\n2 Kamerstuk 36 410, nr. 31\n"
    )
    doc = parse(text)
    assert numbers(doc) == ([(1,), (2,)], [(1,), (2,)])
    assert doc.questions[0].text == "Kent u de brief?"
    assert doc.answers[1].text == "Nee."
    assert [f.text for f in doc.footnotes] == [
        "Kamerstuk 36 500, nr. 1",
        "Kamerstuk 36 410, nr. 31",
    ]
    assert (doc.questions[0].footnotes, doc.answers[0].footnotes) == ((1,), (2,))
