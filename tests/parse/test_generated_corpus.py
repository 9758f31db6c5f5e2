"""The generated benchmark corpus parses back to the structure it was generated with."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from kamergraph.builder.parse import parse_file

from kamergraph import paths

from .test_furniture import FURNITURE_IN_TEXT


def _generator():
    path = paths.ROOT / "benchmarks" / "generate_corpus.py"
    spec = importlib.util.spec_from_file_location("generate_corpus", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_corpus", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    manifest = _generator().generate(48, folder, seed=5)
    return folder, manifest


def test_generator_writes_every_layout_and_a_manifest(corpus):
    folder, manifest = corpus
    assert len(list(folder.glob("*.txt"))) == 48
    assert {e["layout"] for e in manifest} == {
        "seed",
        "numbered",
        "markdown",
        "rawpdf",
        "flat",
        "html",
    }
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert any(len(numbers) > 1 for e in manifest for numbers in e["answer_blocks"])


def test_generator_is_deterministic(tmp_path):
    gen = _generator()
    gen.generate(6, tmp_path / "a", seed=1)
    gen.generate(6, tmp_path / "b", seed=1)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_generated_documents_parse_to_their_structure(corpus):
    import re

    folder, manifest = corpus
    for entry in manifest:
        doc = parse_file(folder / entry["file"])
        assert [n for q in doc.questions for n in q.numbers] == entry["question_numbers"], entry
        assert [list(a.numbers) for a in doc.answers] == entry["answer_blocks"], entry
        if entry["identifier"]:
            assert doc.identifier == entry["identifier"]
        for block in (*doc.questions, *doc.answers):
            for pattern in FURNITURE_IN_TEXT:
                assert not re.search(pattern, block.text), (entry["file"], block.key, pattern)
