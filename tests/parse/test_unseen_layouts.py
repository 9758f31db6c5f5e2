"""Layouts written by hand, not taken from the examples: an Aanhangsel with "Vraag N:" /
"Antwoord op vraag N:" headings and its number on a line of its own, and a committee list
with "1." inline questions and unlabelled answers. Both must parse completely."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kamergraph.builder.model import KIND_AANHANGSEL, KIND_QA_LIST
from kamergraph.builder.parse import parse_file

HERE = Path(__file__).parent


def test_aanhangsel_with_colon_headings() -> None:
    doc = parse_file(HERE / "ah-colon-headings.txt")
    assert doc.identifier == "ah-tk-20242025-1234"
    assert doc.kind == KIND_AANHANGSEL
    assert [q.numbers for q in doc.questions] == [(1,), (2,), (3,)]
    assert [a.numbers for a in doc.answers] == [(1,), (2,), (3,)]
    assert doc.asked_by is not None and doc.asked_by.member == "Kröger"
    assert [p.name for p in doc.asked_by.co_askers] == ["Bontenbal"]
    assert doc.addressed_to == ("Minister van Klimaat en Groene Groei",)
    assert doc.answered_by is not None and doc.answered_by.name == "Hermans"
    assert (doc.submitted_on, doc.answered_on) == ("2025-03-12", "2025-04-08")
    assert [c.identifier for c in doc.citations] == ["kst-32813-1450"]
    assert [(x.source, x.target) for x in doc.cross_references] == [((3,), (2,))]
    assert [(a.value, a.qualifier) for a in doc.amounts] == [(Decimal("450000000"), "circa")]
    assert doc.answers[0].text == "Ja."


def test_committee_list_with_inline_numbers() -> None:
    doc = parse_file(HERE / "kst-committee-list.txt")
    assert doc.identifier == "kst-36410-XII-12"
    assert doc.kind == KIND_QA_LIST
    assert [q.numbers for q in doc.questions] == [(1,), (2,), (3,)]
    assert doc.questions[0].text.startswith("Hoeveel geld is er in 2024 beschikbaar")
    assert doc.answers[2].text.endswith("Daarnaast draagt ProRail bij.")
    assert doc.asked_by is not None
    assert doc.asked_by.committee == "vaste commissie voor Infrastructuur en Waterstaat"
    assert (doc.adopted_on, doc.answered_on) == ("2023-11-03", "2023-11-01")
    assert {(s.role, s.name) for s in doc.signed_by} == {
        ("voorzitter", "Tjeerdsma-Van Bemmel"),
        ("griffier", "Koerselman"),
    }
    assert [(x.source, x.target) for x in doc.cross_references] == [((1,), (3,))]
