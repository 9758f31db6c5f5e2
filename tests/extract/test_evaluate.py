"""The evaluator's scoring: groups of alternative names, allowed and forbidden answers."""

from __future__ import annotations

from decimal import Decimal

from kamergraph.builder import evaluate


def test_groups_precision_recall_allowed_and_forbidden() -> None:
    returned = {
        "x:wbso": ["WBSO"],
        "x:mit": ["Mkb-innovatiestimulering Regio en Topsectoren", " mit "],
        "x:invest": ["Invest-NL"],
        "x:vifo": ["Wet vifo"],
    }
    score = evaluate.score_groups(
        "doc",
        "q",
        returned,
        [["WBSO"], ["MIT"], ["EFRO", "Europees Fonds voor Regionale Ontwikkeling"]],
        allowed=["Invest-NL"],
        not_expected=["Wet vifo"],
    )
    assert (score.expected, score.found) == (3, 2)
    assert score.recall == 2 / 3
    assert score.precision == 2 / 3  # WBSO and MIT right, Wet vifo wrong, Invest-NL neutral
    assert score.missing == ("EFRO | Europees Fonds voor Regionale Ontwikkeling",)
    assert score.unexpected == ("Wet vifo",)
    assert score.forbidden == ("Wet vifo",)


def test_items_and_amounts() -> None:
    pairs = evaluate.score_items(
        "doc", "refs", {(5, 2), (11, 2), (1, 1)}, {(5, 2), (11, 2), (11, 5)}
    )
    assert (pairs.found, pairs.correct, pairs.returned) == (2, 2, 3)
    rows = [
        {"value": Decimal("230000000"), "currency": "EUR", "entity": "x:ipcei", "to": "IPCEI ME"},
        {"value": Decimal("1600000000"), "currency": "EUR", "qualifier": "ruim", "to": "Deal"},
    ]
    expect = [
        {"to": ["IPCEI Micro-elektronica"], "value": 230000000, "currency": "EUR"},
        {"to": ["Deal"], "value": 1600000000, "currency": "EUR", "qualifier": "bijna"},
    ]
    names = {"x:ipcei": {"IPCEI Micro-elektronica"}}
    score = evaluate.score_amounts("doc", "amounts", rows, expect, lambda e: names.get(e, set()))
    assert (score.found, score.correct) == (1, 1)  # the qualifier of the second is wrong


def test_table_lists_every_score() -> None:
    report = evaluate.Report(
        [evaluate.Score("doc", "q", expected=2, found=1, returned=1, correct=1, missing=("B",))]
    )
    table = evaluate.format_table(report)
    assert "q" in table and "0.50" in table and "missing: B" in table
    assert report.lowest_recall() == 0.5
