"""Citations, cross-references, dates, money, percentages and counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from kamergraph.builder import references


@pytest.mark.parametrize(
    "text, identifier",
    [
        ("(Kamerstukken 33 009 en 32 637, nr. 121)", "kst-33009-121"),
        ("bijlage bij Kamerstuk 35 788, nr. 77", "kst-35788-77"),
        ("Motie Ceder, Kamerstuk 21 501-02, nr. 2732", "kst-21501-02-2732"),
        ("Motie Ceder, Kamerstuk 21 501-02 nr. 2732", "kst-21501-02-2732"),
        ("Kamerstuk, 28 828, nr. 70", "kst-28828-70"),
        ("Kamerstuk 36 200 XIII, nr. 5", "kst-36200-XIII-5"),
        ("Kamerstukken II 2022/23, 36 200 XIII, nr. 5", "kst-36200-XIII-5"),
        ("(Kamerstukken 34 682 en 33 043, nr. 103)", "kst-34682-103"),
        ("Aanhangsel van de Handelingen, vergaderjaar 2023–2024, nr. 76", "ah-tk-20232024-76"),
        (
            "Zie ook Aanhangsel Handelingen, vergaderjaar 2022–2023, nr. 3276.",
            "ah-tk-20222023-3276",
        ),
        ("Aanhangsel Handelingen II 2022/23, nr. 1234", "ah-tk-20222023-1234"),
    ],
)
def test_citations(text, identifier):
    found = references.find_citations(text)
    assert [c.identifier for c in found] == [identifier]
    assert found[0].flag is None
    assert text[found[0].span.start : found[0].span.end] == found[0].span.text


def test_malformed_year_is_flagged():
    (citation,) = references.find_citations(
        "(Aanhangsel Handelingen, vergaderjaar 2022–203, nr. 844)"
    )
    assert citation.flag and "2022–203" in citation.flag
    assert references.cited_ids([citation]) == []


def test_no_citation_without_number():
    assert (
        references.find_citations("Kamerstuk over innovatie, Aanhangsel van de Handelingen") == []
    )


@pytest.mark.parametrize(
    "text, value",
    [
        ("op 9 november 2022 besloten", "2022-11-09"),
        ("in juni 2022", "2022-06"),
        ("per 1 juni 2023 van kracht", "2023-06-01"),
        ("(ingezonden 2 oktober 2023)", "2023-10-02"),
    ],
)
def test_dates(text, value):
    assert [d.value for d in references.find_dates(text)] == [value]


def test_no_date_without_year():
    assert references.find_dates("op 27 september jl. gesproken") == []


@pytest.mark.parametrize(
    "text, value, qualifier",
    [
        ("heeft € 230 miljoen gereserveerd", Decimal("230000000"), None),
        ("bedraagt bijna € 1,6 miljard.", Decimal("1600000000"), "bijna"),
        ("heeft 4 miljoen euro beschikbaar gesteld", Decimal("4000000"), None),
        ("een bijdrage van 10 miljoen euro en", Decimal("10000000"), None),
        ("ruim € 2.500 per jaar", Decimal("2500"), "ruim"),
        ("circa € 0,5 mln.", Decimal("500000"), "circa"),
    ],
)
def test_amounts(text, value, qualifier):
    (amount,) = references.find_amounts(text)
    assert (amount.value, amount.currency, amount.qualifier) == (value, "EUR", qualifier)
    assert text[amount.span.start : amount.span.end] == amount.span.text


def test_no_amount_without_a_number():
    assert references.find_amounts("tientallen miljoenen euro’s aan declaraties") == []


def test_quantities():
    text = "zijn in 2030, 72.000 nieuwe werkplekken nodig, waarvan 60% op mbo-niveau; 4,5 procent"
    found = [(q.unit, q.value, q.noun) for q in references.find_quantities(text)]
    assert found == [
        ("count", Decimal("72000"), "nieuwe werkplekken"),
        ("percent", Decimal("60"), None),
        ("percent", Decimal("4.5"), None),
    ]


@pytest.mark.parametrize(
    "text, targets",
    [
        ("De strategie (zie antwoord op vraag 2) zal", [(2,)]),
        ("zoals aangegeven bij de antwoorden op de vragen 2 en 5.", [(2, 5)]),
        ("Bij vraag 13 ga ik daar nader op in.", [(13,)]),
        ("Zoals aangegeven in het antwoord op vraag 8 en 9, is", [(8, 9)]),
        ("zie ook het antwoord op vraag 3.", [(3,)]),
        ("Zoals bij vraag 7 aangegeven kent de ggz", []),  # points at the question, not an answer
        ("in antwoord op vraag 99 staat", []),  # no such question
        ("(zie antwoord 3)", [(3,)]),
        ("zie ook mijn antwoorden op de vragen 2 en 3.", [(2, 3)]),
        ("zie vraag 5", [(5,)]),
        ("zie bijlage 2 en zie 2023", []),
    ],
)
def test_cross_references(text, targets):
    from kamergraph.builder.model import Answer, Question, Span

    answer = Answer(numbers=(20,), span=Span(0, len(text), text))
    questions = [Question(numbers=(n,), span=Span(0, 0, "")) for n in (2, 3, 5, 7, 8, 9, 13)]
    found = references.find_cross_references(text, [answer], questions)
    assert [x.target for x in found] == targets
    assert all(x.source == (20,) for x in found)


@pytest.mark.parametrize(
    "text, numbers",
    [("2 en 3", (2, 3)), ("2, 3", (2, 3)), ("4, 5 en 6", (4, 5, 6)), ("4 t/m 6", (4, 5, 6))],
)
def test_parse_numbers(text, numbers):
    assert references.parse_numbers(text) == numbers
