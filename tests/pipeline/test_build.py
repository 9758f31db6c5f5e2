"""The build pipeline end to end: graphs that conform, metadata that can be queried, the
skip/stop behaviour for bad documents and the refusal to write an invalid graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kamergraph.builder import mapping, pipeline, query
from kamergraph.builder.vocab import KG
from rdflib import Graph, Literal, URIRef

from kamergraph import paths
from kamergraph.errors import EXIT_INVALID, EXIT_OK, EXIT_PARTIAL, InputError, ValidationFailed

from .conftest import SEED_ID, run_cli

DOCUMENTS = paths.EXAMPLES_DIR / "documents"
CORPUS = sorted(DOCUMENTS.glob("ah-tk-*.txt"))

PREFIXES = """
PREFIX kg: <https://w3id.org/kamergraph/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
DOCUMENT = (
    PREFIXES
    + """
SELECT ?id ?doc ?kind ?answered WHERE {
  ?doc kg:officialIdentifier ?id ; kg:kind ?kind ; kg:answeredOn ?answered .
}"""
)
LABELLED = (
    PREFIXES
    + """
SELECT ?id ?property ?label WHERE {
  ?doc kg:officialIdentifier ?id ; ?property ?actor .
  ?actor skos:prefLabel|skos:altLabel ?label .
}"""
)
LETTER = (
    PREFIXES
    + """
SELECT ?id ?letter ?date ?title WHERE {
  ?doc kg:officialIdentifier ?id ; kg:aboutLetter ?l .
  ?l kg:officialIdentifier ?letter ; kg:date ?date ; dct:title ?title .
}"""
)
SIGNED = (
    PREFIXES
    + """
SELECT ?id ?role ?name WHERE {
  ?doc kg:officialIdentifier ?id ; kg:signedBy ?s . ?s kg:signatoryRole ?role ; kg:name ?name .
}"""
)
CITED = (
    PREFIXES
    + """
SELECT DISTINCT ?id ?cited WHERE {
  ?doc kg:officialIdentifier ?id ; kg:cites ?c . ?c kg:officialIdentifier ?cited .
}"""
)
CROSS = (
    PREFIXES
    + """
SELECT ?id ?from ?to WHERE {
  ?doc kg:officialIdentifier ?id .
  ?answer kg:partOfDocument ?doc ; kg:number ?from ; kg:refersToQuestion ?q .
  ?q kg:number ?to .
}"""
)
REFERS_TO_ANSWER = (
    PREFIXES
    + """
SELECT ?from ?to WHERE {
  ?answer kg:refersTo ?other . ?answer kg:number ?from . ?other kg:number ?to .
}"""
)


def rows(store, text: str, **params: str) -> list[dict[str, str]]:
    bound = query.parse_params(f"{k}={v}" for k, v in params.items())
    result = query.run(store, text, bound)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


@pytest.fixture(scope="module")
def seed_store(seed_nquads: Path):
    return query.load_store(seed_nquads)


def test_seed_builds_without_violations(seed_build) -> None:
    summary, out = seed_build
    assert summary.written and out.exists()
    assert summary.violations == []
    assert summary.questions == 13 and summary.answers == 13
    assert summary.triples_asserted > 1000 and summary.triples_inferred > 0
    checked, violations = pipeline.check_built_graph(out)
    assert violations == [] and checked == 2  # the document graph and the dataset graph


def test_seed_document_metadata_is_queryable(seed_store, seed_acceptance) -> None:
    expected = seed_acceptance["document"]
    found = rows(seed_store, DOCUMENT, id=expected["identifier"])
    assert found == [
        {
            "id": SEED_ID,
            "doc": f"https://w3id.org/kamergraph/id/doc/{SEED_ID}",
            "kind": expected["kind"],
            "answered": expected["answered_on"],
        }
    ]
    for prop, names in (
        ("askedBy", [expected["asked_by"]["committee"]]),
        ("addressedTo", expected["addressed_to"]),
    ):
        labels = {
            r["label"].lower()
            for r in rows(seed_store, LABELLED, id=SEED_ID, property=f"<{KG[prop]}>")
        }
        assert {n.lower() for n in names} <= labels, prop
    letter = expected["subject_letter"]
    assert rows(seed_store, LETTER, id=SEED_ID) == [
        {
            "id": SEED_ID,
            "letter": letter["identifier"],
            "date": letter["date"],
            "title": letter["title"],
        }
    ]
    assert {r["role"]: r["name"] for r in rows(seed_store, SIGNED, id=SEED_ID)} == expected[
        "signed_by"
    ]
    cited = {r["cited"] for r in rows(seed_store, CITED, id=SEED_ID)}
    assert cited == set(expected["cited_ids"])
    pairs = {(int(r["from"]), int(r["to"])) for r in rows(seed_store, CROSS, id=SEED_ID)}
    assert pairs == {(a[0], q) for a, q in expected["cross_references"]}


def test_reasoning_materialises_answer_to_answer_references(seed_store) -> None:
    # kg:refersTo follows from refersToQuestion + isAnsweredIn (a property chain)
    pairs = {(int(r["from"]), int(r["to"])) for r in rows(seed_store, REFERS_TO_ANSWER)}
    assert (12, 13) in pairs and (5, 2) in pairs


@pytest.mark.slow
@pytest.mark.parametrize("document", CORPUS, ids=lambda p: p.name[:20])
def test_corpus_document_builds_without_violations(
    document: Path, tmp_path: Path, context, corpus_acceptance
) -> None:
    out = tmp_path / "g.trig"
    summary = pipeline.build(
        [pipeline.Source(document)], out, pipeline.Options(progress=False), context=context
    )
    assert summary.violations == [] and summary.written
    expected = corpus_acceptance["documents"][document.name]
    store = query.load_store(out)
    cited = {r["cited"] for r in rows(store, CITED, id=expected["identifier"])}
    assert cited == set(expected.get("cited_ids", []))


def test_on_error_skip_builds_the_good_documents(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CORPUS[0], folder / CORPUS[0].name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "g.nq"
    code, _stdout, stderr = run_cli("build", str(folder), "-o", str(out), "--on-error", "skip")
    assert code == EXIT_PARTIAL, stderr
    skipped = [line for line in stderr.splitlines() if line.startswith("kamergraph build: skipped")]
    assert len(skipped) == 2
    assert any("empty.txt" in line for line in skipped)
    assert any("binary.bin" in line for line in skipped)
    assert "1 documents" in stderr and "2 skipped" in stderr
    assert out.exists()
    assert "graph/doc/ah-tk-" in out.read_text(encoding="utf-8")


def test_on_error_stop_ends_the_run_and_writes_nothing(tmp_path: Path, context) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "g.nq"
    sources = [pipeline.Source(CORPUS[0]), pipeline.Source(tmp_path / "empty.txt")]
    with pytest.raises(InputError, match="empty.txt"):
        pipeline.build(sources, out, pipeline.Options(progress=False), context=context)
    assert not out.exists()


def test_the_same_identifier_twice_is_a_bad_document(tmp_path: Path, context) -> None:
    sources = [
        pipeline.Source(CORPUS[0], "ah-tk-20232024-1"),
        pipeline.Source(CORPUS[1], "ah-tk-20232024-1"),
    ]
    with pytest.raises(InputError, match="also the identifier of"):
        pipeline.build(
            sources, tmp_path / "g.nq", pipeline.Options(progress=False), context=context
        )


def _defective_mapping(original):
    """map_document that also writes a span whose surface text is not the text it points at."""

    def mapped(document, *args, **kwargs) -> Graph:
        graph = original(document, *args, **kwargs)
        question = URIRef(f"{mapping.document_iri(document.identifier)}/vraag/1")
        span = URIRef(f"{question}/span/0-5")
        graph.add((span, URIRef(f"{KG._NS}inContext"), question))
        graph.add((span, KG.beginIndex, Literal(0, datatype=mapping.XSD.nonNegativeInteger)))
        graph.add((span, KG.endIndex, Literal(5, datatype=mapping.XSD.nonNegativeInteger)))
        graph.add((span, KG.anchorOf, Literal("this is not the text")))
        return graph

    return mapped


def test_an_invalid_graph_is_not_written(tmp_path: Path, context, monkeypatch) -> None:
    out = tmp_path / "g.nq"
    out.write_text("previous output\n", encoding="utf-8")
    monkeypatch.setattr(mapping, "map_document", _defective_mapping(mapping.map_document))
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID)]
    with pytest.raises(ValidationFailed) as caught:
        pipeline.build(sources, out, pipeline.Options(progress=False), context=context)
    assert out.read_text(encoding="utf-8") == "previous output\n"
    assert "not written" in caught.value.message
    assert "vraag/1/span/0-5" in caught.value.message  # names the offending node
    assert any("this is not the text" in line for line in caught.value.violations)
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_allow_invalid_writes_and_says_so(tmp_path: Path, context, monkeypatch) -> None:
    out = tmp_path / "g.nq"
    monkeypatch.setattr(mapping, "map_document", _defective_mapping(mapping.map_document))
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID)]
    options = pipeline.Options(progress=False, allow_invalid=True)
    summary = pipeline.build(sources, out, options, context=context)
    assert summary.written and out.exists() and summary.violations
    checked, violations = pipeline.check_built_graph(out)
    assert violations and all(line.startswith(f"{SEED_ID}:") for line in violations)


def test_validate_command_prints_one_line_per_violation(tmp_path: Path, context, monkeypatch):
    out = tmp_path / "g.trig"
    monkeypatch.setattr(mapping, "map_document", _defective_mapping(mapping.map_document))
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID)]
    pipeline.build(
        sources, out, pipeline.Options(progress=False, allow_invalid=True), context=context
    )
    code, stdout, _stderr = run_cli("validate", str(out))
    assert code == EXIT_INVALID
    lines = stdout.splitlines()
    assert lines and all(line.startswith(f"{SEED_ID}: Violation:") for line in lines)
    assert any("vraag/1/span/0-5" in line for line in lines)


def test_validate_command_accepts_a_good_graph(seed_nquads: Path) -> None:
    code, stdout, stderr = run_cli("validate", str(seed_nquads))
    assert code == EXIT_OK and stdout == "" and "conforms" in stderr


def test_build_command_on_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "g.trig"
    code, _stdout, stderr = run_cli(
        "build", str(paths.SAMPLE_DOCUMENT), "--id", SEED_ID, "-o", str(out)
    )
    assert code == EXIT_OK, stderr
    summary = stderr.strip().splitlines()[0]
    for word in (
        "1 documents",
        "13 questions",
        "13 answers",
        "entities",
        "relations",
        "triples asserted",
        "inferred",
        "0 violations",
        " s",
    ):
        assert word in summary
    assert "\r" not in stderr  # no progress bar when stderr is not a terminal


def test_sidecar_and_mapping_file_give_identifiers(tmp_path: Path) -> None:
    seed_copy = tmp_path / "seed.txt"
    shutil.copy(paths.SAMPLE_DOCUMENT, seed_copy)
    assert pipeline.find_sources([str(paths.SAMPLE_DOCUMENT)])[0].identifier == SEED_ID
    (tmp_path / "seed.txt.meta.json").write_text('{"identifier": "kst-1-2"}', encoding="utf-8")
    assert pipeline.find_sources([str(seed_copy)])[0].identifier == "kst-1-2"
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(paths.SAMPLE_DOCUMENT, folder / "seed.txt")
    mapping_file = tmp_path / "ids.tsv"
    mapping_file.write_text("seed.txt\tkst-3-4\n", encoding="utf-8")
    found = pipeline.find_sources([str(folder)], ids_file=mapping_file)
    assert [(s.path.name, s.identifier) for s in found] == [("seed.txt", "kst-3-4")]


def test_inputs_that_do_not_exist_are_usage_errors(tmp_path: Path) -> None:
    code, _stdout, stderr = run_cli(
        "build", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "g.nq")
    )
    assert code == 2 and "no such file" in stderr and "Traceback" not in stderr
    code, _stdout, stderr = run_cli("build", str(tmp_path / "*.txt"), "-o", str(tmp_path / "g.nq"))
    assert code == 2 and "no files match" in stderr


def test_on_error_skip_leaves_out_an_invalid_document(tmp_path: Path, context, monkeypatch):
    original = mapping.map_document
    defective = _defective_mapping(original)

    def only_the_seed(document, *args, **kwargs):
        chosen = defective if document.identifier == SEED_ID else original
        return chosen(document, *args, **kwargs)

    monkeypatch.setattr(mapping, "map_document", only_the_seed)
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID), pipeline.Source(CORPUS[0])]
    out = tmp_path / "g.nq"
    summary = pipeline.build(
        sources, out, pipeline.Options(progress=False, on_error="skip"), context=context
    )
    assert summary.documents == 1 and summary.violations == []
    assert len(summary.skipped) == 1 and "violates the shapes" in summary.skipped[0]
    assert summary.rejected and all(line.startswith(SEED_ID) for line in summary.rejected)
    text = out.read_text(encoding="utf-8")
    assert f"graph/doc/{SEED_ID}>" not in text and "graph/doc/ah-tk-" in text


VOID_TRIPLES = """
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?triples WHERE { ?dataset a dcat:Dataset ; void:triples ?triples }
"""


def test_the_dataset_description_counts_the_graph(seed_nquads: Path, seed_store) -> None:
    lines = seed_nquads.read_text(encoding="utf-8").splitlines()
    outside = [line for line in lines if not line.endswith("/graph/dataset> .")]
    assert [int(r["triples"]) for r in rows(seed_store, VOID_TRIPLES)] == [len(outside)]
    checked, violations = pipeline.check_built_graph(seed_nquads)
    assert violations == []  # the DCAT-AP-NL and VoID shapes hold
