"""Shared fixtures: paths to the bundled example documents and acceptance files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamergraph import paths

DOCUMENTS = paths.EXAMPLES_DIR / "documents"
ACCEPTANCE = paths.EXAMPLES_DIR / "acceptance"
SEED = paths.SAMPLE_DOCUMENT
CORPUS = sorted(p for p in DOCUMENTS.glob("ah-tk-*.txt"))


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_acceptance() -> dict:
    return json.loads((ACCEPTANCE / "seed.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus_acceptance() -> dict:
    return json.loads((ACCEPTANCE / "corpus.json").read_text(encoding="utf-8"))
