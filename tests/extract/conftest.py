"""Fixtures for extraction tests: the project thesaurus, parsed example documents, and a
helper that makes a small document from question/answer texts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

import pytest
from kamergraph.builder import extract, thesaurus
from kamergraph.builder.gazetteer import Gazetteer
from kamergraph.builder.model import (
    KIND_AANHANGSEL,
    Amount,
    Answer,
    DateMention,
    Document,
    Extraction,
    Person,
    Question,
    Span,
)
from kamergraph.builder.parse import parse_file

from kamergraph import paths

DOCUMENTS = paths.EXAMPLES_DIR / "documents"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_thesaurus(thesaurus.default())


@pytest.fixture(scope="session")
def seed_document() -> Document:
    return parse_file(paths.SAMPLE_DOCUMENT, identifier=paths.SAMPLE_IDENTIFIER)


@pytest.fixture(scope="session")
def seed_extraction(seed_document: Document, gazetteer: Gazetteer) -> Extraction:
    return extract.extract(seed_document, gazetteer)


def _corpus_document(name: str) -> Document:
    return parse_file(next(DOCUMENTS.glob(f"{name}*.txt")))


@pytest.fixture(scope="session")
def corpus_document():
    """``corpus_document("ah-tk-20232024-387")``: that corpus document, parsed."""
    return _corpus_document


@pytest.fixture(scope="session")
def make_document():
    """``make_document([(question, answer), ...], role=...)``: a small document."""
    return _make_document


def _make_document(
    pairs: Sequence[tuple[str, str]],
    *,
    identifier: str = "kst-99999-1",
    role: str | None = None,
    dates: Mapping[str, str] | None = None,
    amounts: Mapping[str, str] | None = None,
) -> Document:
    """A document whose question i+1 and answer i+1 are the given texts; ``dates`` and
    ``amounts`` map a surface text to its ISO date or decimal euro value (as the parser
    would find them)."""
    parts: list[str] = []
    questions: list[Question] = []
    answers: list[Answer] = []
    pos = 0
    for number, (question, answer) in enumerate(pairs, start=1):
        for text, items, cls in ((question, questions, Question), (answer, answers, Answer)):
            items.append(cls((number,), Span(pos, pos + len(text), text)))
            parts.append(text + "\n\n")
            pos += len(text) + 2
    text = "".join(parts)
    found_dates = tuple(
        DateMention(value, Span(i, i + len(surface), surface))
        for surface, value in (dates or {}).items()
        for i in _positions(text, surface)
    )
    found_amounts = tuple(
        Amount(Decimal(value), "EUR", Span(i, i + len(surface), surface))
        for surface, value in (amounts or {}).items()
        for i in _positions(text, surface)
    )
    return Document(
        identifier=identifier,
        identifier_source="user",
        kind=KIND_AANHANGSEL,
        text=text,
        dates=found_dates,
        amounts=found_amounts,
        source="<test>",
        questions=tuple(questions),
        answers=tuple(answers),
        addressed_to=(role,) if role else (),
        answered_by=Person("Test", role=role) if role else None,
    )


def _positions(text: str, surface: str) -> Iterator[int]:
    start = text.find(surface)
    while start >= 0:
        yield start
        start = text.find(surface, start + 1)
