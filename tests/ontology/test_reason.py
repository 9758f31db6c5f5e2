"""Reasoning: the per-document rules give what owlrl's full closure gives, much faster."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from kamergraph.builder.reason import (
    infer,
    is_relevant,
    load_schema,
    owlrl_new_triples,
    read_schema_graph,
    schema_files,
)
from kamergraph.builder.vocab import ELI, ELI_DL, KG, KGT, SCHEMA, TOOIONT
from rdflib import RDF, BNode, Graph, URIRef

from kamergraph import paths

DATA = Path(__file__).parent / "data"
DOC = "https://w3id.org/kamergraph/id/doc/kst-33009-123/"


SCHEMA_FILES = [*schema_files(), DATA / "regions.ttl"]


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory):
    return load_schema(SCHEMA_FILES, cache_dir=tmp_path_factory.mktemp("reason-cache"))


@pytest.fixture(scope="module")
def document() -> Graph:
    return Graph().parse(DATA / "small-document.ttl", format="turtle")


def test_infer_returns_only_new_triples_and_leaves_input_alone(schema, document):
    before = set(document)
    inferred = infer(document, schema)
    assert set(document) == before
    assert len(inferred) > 0
    assert not set(inferred) & before
    assert not set(inferred) & schema.closure


def test_alignments_after_reasoning(schema, document):
    inferred = infer(document, schema)
    answer = URIRef(DOC + "antwoord/2")
    question = URIRef(DOC + "vraag/2")
    assert (answer, RDF.type, ELI.Work) in inferred
    assert (answer, RDF.type, SCHEMA.Answer) in inferred
    assert (answer, ELI_DL.answers_to, question) in inferred
    assert (question, KG.isAnsweredIn, answer) in inferred
    assert (question, SCHEMA.acceptedAnswer, answer) in inferred
    # property chain: answer 5 refers to question 2, which is answered in answer 2
    assert (URIRef(DOC + "antwoord/5"), KG.refersTo, answer) in inferred


def test_transitive_containment_through_the_thesaurus(schema, document):
    inferred = infer(document, schema)
    # Eindhoven partOf Zuidoost-Brabant partOf Noord-Brabant: the schema closure has it
    assert (KGT["eindhoven"], KG.locatedIn, KGT["noord-brabant"]) in schema.closure
    assert (KGT["eindhoven"], KG.locatedIn, KGT["nederland"]) in schema.closure
    # ASML locatedIn Eindhoven (a document's relation) gives ASML in Noord-Brabant
    everything = set(inferred) | schema.closure
    assert (KGT["asml"], KG.locatedIn, KGT["noord-brabant"]) in everything
    assert (KGT["asml"], KG.locatedIn, KGT["nederland"]) in everything
    assert (KGT["asml"], KG.locatedIn, KGT["eindhoven"]) not in inferred  # asserted
    factory = URIRef(DOC + "entiteit/chipfabriek")  # known to this document only
    assert (factory, KG.locatedIn, KGT["noord-brabant"]) in inferred
    assert (factory, KG.locatedIn, KGT["nederland"]) in inferred


def test_tooi_alignment_of_a_ministry_found_in_the_text(schema, document):
    inferred = infer(document, schema)
    ministry = URIRef(DOC + "entiteit/ministerie-van-digitale-zaken")
    assert (ministry, RDF.type, TOOIONT.Ministerie) in inferred
    assert (ministry, RDF.type, KG.GovernmentOrganisation) in inferred
    assert (ministry, RDF.type, URIRef("http://www.w3.org/ns/org#Organization")) in inferred


def test_tooi_alignment_of_thesaurus_ministries(schema):
    ministries = {s for s, p, o in schema.closure if p == RDF.type and o == KG.Ministry}
    assert ministries
    for ministry in ministries:
        assert (ministry, RDF.type, TOOIONT.Ministerie) in schema.closure


def _compare_with_owlrl(document: Graph, schema, files) -> None:
    started = time.perf_counter()
    mine = infer(document, schema)
    fast = time.perf_counter() - started
    started = time.perf_counter()
    reference = owlrl_new_triples(document, read_schema_graph(files))
    slow = time.perf_counter() - started
    missing = set(reference) - set(mine)
    extra = set(mine) - set(reference)
    assert not missing, sorted(missing)[:10]
    assert not extra, sorted(extra)[:10]
    print(f"infer: {fast * 1000:.1f} ms, owlrl full closure: {slow * 1000:.0f} ms")
    assert fast * 20 < slow


def test_infer_equals_owlrl_full_closure_on_ontology_and_regions(document, tmp_path: Path):
    files = [paths.ONTOLOGY_FILE, DATA / "regions.ttl"]
    _compare_with_owlrl(document, load_schema(files, cache_dir=tmp_path), files)


@pytest.mark.slow
def test_infer_equals_owlrl_full_closure_with_the_whole_thesaurus(schema, document):
    _compare_with_owlrl(document, schema, SCHEMA_FILES)


def _named(triples) -> set:
    return {t for t in triples if is_relevant(t) and not any(isinstance(n, BNode) for n in t)}


@pytest.mark.slow
def test_schema_closure_equals_owlrl_full_closure(schema_closure: Graph):
    """The schema closure (owlrl on the terminology, rule tables on the thesaurus) is what
    owlrl gives for ontology + thesaurus together, on the triples that matter."""
    started = time.perf_counter()
    ours = load_schema(schema_files(), cache_dir=None)
    elapsed = time.perf_counter() - started
    assert _named(ours.closure) == _named(schema_closure)
    print(f"schema closure: {elapsed:.1f} s, {len(ours.closure)} triples")


def test_schema_cache_is_used_and_keyed_by_content(tmp_path: Path):
    ontology_copy = tmp_path / "kamergraph.ttl"
    ontology_copy.write_bytes(schema_files()[0].read_bytes())
    cache = tmp_path / "cache"
    first = load_schema([ontology_copy], cache_dir=cache)
    (entry,) = cache.glob("schema-*.pickle")
    started = time.perf_counter()
    again = load_schema([ontology_copy], cache_dir=cache)
    assert time.perf_counter() - started < 1.0
    assert again.closure == first.closure
    ontology_copy.write_text(
        ontology_copy.read_text(encoding="utf-8")
        + "\n<urn:x:a> a <https://w3id.org/kamergraph/def#Answer> .\n",
        encoding="utf-8",
    )
    changed = load_schema([ontology_copy], cache_dir=cache)
    assert len(list(cache.glob("schema-*.pickle"))) == 2
    assert (URIRef("urn:x:a"), RDF.type, SCHEMA.Answer) in changed.closure
    assert entry.exists()
