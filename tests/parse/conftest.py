"""Fixtures for the parser tests: every example document parsed once."""

from __future__ import annotations

import pytest
from kamergraph.builder.model import Document
from kamergraph.builder.parse import parse_file

from kamergraph import paths

DOCUMENTS = paths.EXAMPLES_DIR / "documents"
CORPUS_FILES = sorted(p.name for p in DOCUMENTS.glob("ah-tk-*.txt"))


@pytest.fixture(scope="session")
def seed_document() -> Document:
    return parse_file(paths.SAMPLE_DOCUMENT, identifier=paths.SAMPLE_IDENTIFIER)


@pytest.fixture(scope="session")
def corpus_documents() -> dict[str, Document]:
    return {name: parse_file(DOCUMENTS / name) for name in CORPUS_FILES}


@pytest.fixture(scope="session")
def all_documents(seed_document, corpus_documents) -> dict[str, Document]:
    return {paths.SAMPLE_DOCUMENT.name: seed_document, **corpus_documents}
