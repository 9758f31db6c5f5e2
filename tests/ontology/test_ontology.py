"""The ontology: it loads, documents every term in Dutch and English, stays inside what the
reasoner applies, is consistent under owlrl's OWL RL closure with the thesaurus, and declares
every term the code, the shapes, the patterns and the named queries use."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
from kamergraph.builder.reason import owlrl_closure, read_schema_graph, schema_files
from kamergraph.builder.vocab import KG
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

from kamergraph import paths

NS = str(KG._NS)
ONTOLOGY_IRI = URIRef("https://w3id.org/kamergraph/def")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
ERROR_MESSAGE = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")


@cache
def ontology() -> Graph:
    return Graph().parse(paths.ONTOLOGY_FILE, format="turtle")


@cache
def declared() -> frozenset[str]:
    graph = ontology()
    return frozenset(
        str(s)[len(NS) :]
        for t in TERM_TYPES
        for s in graph.subjects(RDF.type, t)
        if str(s).startswith(NS)
    )


def vocab_terms() -> set[str]:
    return {name for name in KG.__annotations__ if not name.startswith("_")}


def test_ontology_loads_and_names_itself():
    graph = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert len(declared()) >= 120


def test_vocab_and_ontology_declare_the_same_terms():
    assert vocab_terms() - declared() == set(), "in builder/vocab.py but not in the ontology"
    assert declared() - vocab_terms() == set(), "in the ontology but not in builder/vocab.py"


@pytest.mark.parametrize("term", sorted(vocab_terms()))
def test_every_term_has_dutch_and_english_label_and_comment(term: str):
    graph = ontology()
    node = KG[term]
    for prop in (RDFS.label, RDFS.comment):
        languages = [o.language for o in graph.objects(node, prop) if isinstance(o, Literal)]
        assert sorted(languages) == ["en", "nl"], f"kg:{term} {prop}: {languages}"
    assert (node, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph


def test_every_external_term_we_align_to_is_declared():
    graph = ontology()
    used = set()
    for prop in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        used.update(o for o in graph.objects(None, prop) if isinstance(o, URIRef))
    external = {u for u in used if not str(u).startswith((NS, str(RDFS), str(XSD_NS)))}
    undeclared = {u for u in external if not any((u, RDF.type, t) in graph for t in TERM_TYPES)}
    assert undeclared == set()
    for term in external:
        assert any(o.language == "en" for o in graph.objects(term, RDFS.label)), term


XSD_NS = "http://www.w3.org/2001/XMLSchema#"

# Constructs outside what builder/reason.py applies per document (and outside OWL 2 RL's
# comfortable core). If one of them is needed, the reasoner must learn it first.
UNSUPPORTED = (
    OWL.sameAs,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.hasKey,
    OWL.Restriction,
    OWL.unionOf,
    OWL.intersectionOf,
    OWL.oneOf,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.ReflexiveProperty,
)


def test_ontology_uses_only_constructs_the_reasoner_applies():
    graph = ontology()
    for construct in UNSUPPORTED:
        assert (None, None, construct) not in graph, construct
        assert (None, construct, None) not in graph, construct


@pytest.mark.slow
def test_ontology_and_thesaurus_are_consistent_under_owl_rl(schema_closure: Graph):
    errors = [
        str(schema_closure.value(node, ERROR_TEXT))
        for node in schema_closure.subjects(RDF.type, ERROR_MESSAGE)
    ]
    assert errors == []
    assert list(schema_closure.subjects(RDF.type, OWL.Nothing)) == []
    empty = {c for c in schema_closure.subjects(RDFS.subClassOf, OWL.Nothing) if c != OWL.Nothing}
    assert empty == set()


def test_owl_rl_detects_a_contradiction():
    """The consistency check can fail: a question that is also an answer is reported."""
    graph = read_schema_graph([paths.ONTOLOGY_FILE])
    bad = URIRef("https://w3id.org/kamergraph/id/doc/kst-1-1/vraag/1")
    graph.add((bad, RDF.type, KG.Question))
    graph.add((bad, RDF.type, KG.Answer))
    closed = owlrl_closure(graph)
    assert list(closed.subjects(RDF.type, ERROR_MESSAGE))


BUILT_IN = {RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy}


def test_every_property_and_class_the_thesaurus_uses_is_declared():
    """The ontology describes the thesaurus too: SKOS terms included."""
    graph = ontology()
    thesaurus = read_schema_graph(schema_files()[1:])
    used = {p for p in thesaurus.predicates()} | set(thesaurus.objects(None, RDF.type))
    undeclared = {
        term
        for term in used - BUILT_IN
        if not any((term, RDF.type, t) in graph for t in TERM_TYPES)
    }
    assert undeclared == set()


# --- every term used elsewhere is declared -----------------------------------------------

KG_ATTRIBUTE = re.compile(r"\bKG\.([A-Za-z_][A-Za-z0-9_]*)")
KG_INDEX = re.compile(r"\bKG\[\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']\s*\]")
FULL_IRI = re.compile(re.escape(NS) + r"([A-Za-z_][A-Za-z0-9_]*)")
PREFIX_DECLARATION = re.compile(r"PREFIX\s+([A-Za-z][\w-]*)?:\s*<" + re.escape(NS) + ">", re.I)


def python_terms(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    names = set(KG_ATTRIBUTE.findall(text)) | set(KG_INDEX.findall(text))
    names |= set(FULL_IRI.findall(text))
    return {n for n in names if not n.startswith("_")}


def sparql_terms(text: str) -> set[str]:
    names = set(FULL_IRI.findall(text))
    prefixes = {m or "" for m in PREFIX_DECLARATION.findall(text)} or {"kg"}
    body = re.sub(r"#[^\n<>]*$", "", text, flags=re.M)  # drop comments (not IRIs with #)
    for prefix in prefixes:
        names |= set(re.findall(rf"(?<![\w:]){re.escape(prefix)}:([A-Za-z_][\w]*)", body))
    return names


def shapes_terms(path: Path) -> set[str]:
    graph = Graph().parse(path, format="turtle")
    names = {
        str(term)[len(NS) :]
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(NS)
    }
    for query in graph.objects(None, SH.select):
        names |= sparql_terms(str(query))
    return names


def pattern_terms(path: Path) -> set[str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("class", "classes", "types", "predicate") and isinstance(item, str):
                    found.add(item.removeprefix("kg:"))
                elif key in ("classes", "types") and isinstance(item, list):
                    found.update(str(i).removeprefix("kg:") for i in item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return {t for t in found if t != "head" and re.fullmatch(r"[A-Za-z]\w*", t)}


USERS: list[tuple[str, Path]] = [
    *(("python", p) for p in sorted((paths.ROOT / "builder").glob("*.py"))),
    *(("python", p) for p in sorted((paths.ROOT / "server").glob("*.py"))),
    *(("toml", p) for p in sorted((paths.ROOT / "builder").glob("*.toml"))),
    *(("shapes", p) for p in sorted(paths.SHAPES_DIR.glob("*.ttl"))),
    *(("sparql", p) for p in sorted(paths.QUERIES_DIR.glob("*.rq"))),
]
READERS = {
    "python": python_terms,
    "toml": pattern_terms,
    "shapes": shapes_terms,
    "sparql": lambda p: sparql_terms(p.read_text(encoding="utf-8")),
}


@pytest.mark.parametrize(
    ("kind", "path"), USERS, ids=[str(p.relative_to(paths.ROOT)) for _k, p in USERS]
)
def test_every_kg_term_used_is_declared_in_the_ontology(kind: str, path: Path):
    used = READERS[kind](path)
    assert used - declared() == set(), f"{path.name} uses undeclared kg: terms"


def test_the_term_check_can_fail(tmp_path: Path):
    query = tmp_path / "bad.rq"
    query.write_text(
        "PREFIX k: <https://w3id.org/kamergraph/def#>\n# kg:NotATerm in a comment\n"
        "SELECT ?x WHERE { ?x k:locatedIn ?y ; a k:Nonexistent }\n",
        encoding="utf-8",
    )
    assert READERS["sparql"](query) == {"locatedIn", "Nonexistent"}
    source = tmp_path / "bad.py"
    source.write_text("x = KG.answers\ny = KG['refersTo']\nz = KG.Misspelt\n", encoding="utf-8")
    assert python_terms(source) - declared() == {"Misspelt"}
