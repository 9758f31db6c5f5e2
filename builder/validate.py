"""Validation: check a graph against the SHACL shapes in ``shapes/`` and return typed results.

This is the one place that talks to pySHACL. It runs without pySHACL's own inference (the
shapes are written so that they need no schema triples: targets name every class they mean
or use ``sh:targetSubjectsOf``), so a document's graph of a few thousand triples validates
in a fraction of a second (about 0.3 s; see tests/shapes/test_validate_api.py).

Messages in the shapes may use ``{$this}``, ``{$value}`` and ``{$path}``; the nodes they name
are rendered in prefixed form (``kg:Answer``, ``id:doc/kst-33009-123/vraag/1``, using the data
graph's own prefixes first) so a person can read them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph
import pyshacl
from rdflib import RDF, RDFS, SKOS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result as RdflibResult
from rdflib.term import Node, Variable

from kamergraph import paths
from kamergraph.errors import UsageError

from .vocab import DEFAULT_BASE, KG, KGT

KGSH = "https://w3id.org/kamergraph/shapes#"

# Prefixes used to render IRIs in messages when the data graph does not bind its own.
DEFAULT_PREFIXES: Mapping[str, str] = {
    "kg": str(KG._NS),
    "kgt": str(KGT),
    "kgsh": KGSH,
    "id": DEFAULT_BASE,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "tooi": "https://identifier.overheid.nl/tooi/id/",
    "wd": "http://www.wikidata.org/entity/",
}

LABEL_WIDTH = 60
SENTENCE_WIDTH = 200

_IRI_IN_TEXT = re.compile(r"<?(https?://[^\s<>\"{}|\\^`]+)>?")
_PLACEHOLDER = re.compile(r"\{[$?](this|value|path)\}")


class Severity(StrEnum):
    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True, slots=True)
class Result:
    """One validation result, ready to show to a person."""

    severity: Severity
    focus_node: Node
    focus_label: str | None
    path: str | None  # prefixed form of the property path, if the shape has one
    message: str  # with IRIs in prefixed form
    source_sentence: str | None
    focus_name: str = ""  # prefixed form of focus_node
    shape: str | None = None  # prefixed form of the source shape

    def line(self, document_id: str | None = None) -> str:
        """One readable line: document, focus node (label), path, message, source sentence."""
        parts = [f"{document_id}:" if document_id else "", self.severity.value + ":"]
        focus = self.focus_name or str(self.focus_node)
        if self.focus_label:
            focus += f" ({_quote(self.focus_label)})"
        parts.append(focus)
        if self.path:
            parts.append(f"[{self.path}]")
        parts.append(self.message)
        if self.source_sentence:
            parts.append(f"— in: {_quote(self.source_sentence)}")
        return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Report:
    conforms: bool
    results: tuple[Result, ...]

    @property
    def violations(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if r.severity is Severity.VIOLATION)

    def lines(self, document_id: str | None = None) -> list[str]:
        return [r.line(document_id) for r in self.results]


@lru_cache(maxsize=4)
def load_shapes(directory: Path = paths.SHAPES_DIR) -> Graph:
    """All ``*.ttl`` files of the shapes folder as one graph (read once, then cached).

    Callers must not modify the returned graph."""
    graph = Graph()
    files = sorted(Path(directory).glob("*.ttl"))
    if not files:
        raise UsageError("no shapes (*.ttl) found", source=str(directory))
    for file in files:
        try:
            graph.parse(file, format="turtle")
        except (SyntaxError, ValueError) as error:  # rdflib's Turtle parser raises these
            raise UsageError(f"cannot parse shapes: {error}", source=str(file)) from error
    # pySHACL scans every SPARQL constraint with regular expressions per focus node, at a
    # cost that grows with the square of each line's length: one line is cheapest. (So the
    # queries in shapes/ hold no # comments and no literals with runs of spaces.)
    for shape, query in list(graph.subject_objects(SH.select)):
        graph.set((shape, SH.select, Literal(" ".join(str(query).split()))))
    return graph


def validate(data: Graph | Dataset, *, shapes: Graph | None = None) -> Report:
    """Validate ``data`` (a graph, or every graph of a dataset taken together)."""
    shapes_graph = load_shapes() if shapes is None else shapes
    graph = _as_graph(data)
    _conforms, results_graph, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        inplace=True,  # nothing is inferred, so nothing is written into ``graph``
    )
    prefixes = _prefixes(graph, shapes_graph)
    results = sorted(
        (
            _result(graph, shapes_graph, results_graph, node, prefixes)
            for node in _result_nodes(results_graph)
        ),
        key=lambda r: (r.focus_name, r.path or "", r.shape or "", r.message),
    )
    conforms = not any(r.severity is Severity.VIOLATION for r in results)
    return Report(conforms=conforms, results=tuple(dict.fromkeys(results)))


# --- helpers ------------------------------------------------------------------------------


class _FastQueryGraph(Graph):
    """A view of a graph (same store, nothing copied) that answers pySHACL's SPARQL queries
    with Oxigraph.

    pySHACL runs each SPARQL-based constraint once per focus node, as text: rdflib would
    parse the query every time (about 30 ms) and then evaluate it at about 1 ms per span.
    Oxigraph does both in well under 0.1 ms, on a copy of the triples made at the first query.
    Queries other than SELECT go to rdflib (parsed once). One difference: Oxigraph stores
    numbers of derived types (``xsd:nonNegativeInteger``) as ``xsd:integer``, so a query
    returns them so; messages show only their value."""

    _oxigraph: pyoxigraph.Store | None = None
    _blank_nodes: dict[str, BNode]

    def query(  # type: ignore[override]
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's name)
        initBindings: Mapping[str, Any] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs and processor == "sparql":
            if _is_select(query_object):
                return self._select(query_object, initBindings or {})
            query_object = _prepared(query_object)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    def _select(self, text: str, bindings: Mapping[str, Any]) -> RdflibResult:
        if self._oxigraph is None:
            self._blank_nodes = {}
            self._oxigraph = pyoxigraph.Store()
            self._oxigraph.extend(
                pyoxigraph.Quad(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in self
            )
        solutions = self._oxigraph.query(
            text,
            substitutions={pyoxigraph.Variable(str(k)): _to_ox(v) for k, v in bindings.items()},
        )
        assert isinstance(solutions, pyoxigraph.QuerySolutions)  # a SELECT query
        variables = [Variable(v.value) for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for variable in variables:
                term = solution[variable]
                if term is not None:
                    row[variable] = self._from_ox(term)
            rows.append(row)
        answer = RdflibResult("SELECT")
        answer.vars = variables
        answer.bindings = rows  # type: ignore[assignment]  # rdflib's own row type
        return answer

    def _from_ox(self, term: Any) -> Node:
        if isinstance(term, pyoxigraph.NamedNode):
            return URIRef(term.value)
        if isinstance(term, pyoxigraph.BlankNode):
            return self._blank_nodes.setdefault(term.value, BNode(term.value))
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SELECT = re.compile(r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*SELECT\b", re.I)


def _is_select(text: str) -> bool:
    return _SELECT.match(text) is not None


def _to_ox(term: Node) -> Any:
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


@lru_cache(maxsize=256)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def _as_graph(data: Graph | Dataset) -> Graph:
    if isinstance(data, Dataset):
        union = Graph()
        for prefix, namespace in data.namespace_manager.namespaces():
            union.bind(prefix, namespace, override=False)
        for s, p, o, _g in data.quads((None, None, None, None)):
            union.add((s, p, o))
        data = union
    return _FastQueryGraph(
        store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager
    )


def _result_nodes(results_graph: Graph) -> Iterable[Node]:
    """Top-level results (nested ``sh:detail`` results explain a top-level one)."""
    return (
        node
        for node in results_graph.subjects(RDF.type, SH.ValidationResult)
        if (None, SH.detail, node) not in results_graph
    )


def _prefixes(*graphs: Graph) -> list[tuple[str, str]]:
    """(namespace, prefix) pairs, longest namespace first; the graphs' own bindings win."""
    table: dict[str, str] = {}
    for graph in graphs:
        for prefix, namespace in graph.namespace_manager.namespaces():
            table.setdefault(str(namespace), prefix)
    for name, iri in DEFAULT_PREFIXES.items():
        table.setdefault(iri, name)
    return sorted(table.items(), key=lambda item: (-len(item[0]), item[1]))


def prefixed(node: Node, prefixes: list[tuple[str, str]]) -> str:
    """The prefixed form of an IRI (``kg:Answer``); literals in Turtle form; blank nodes _:x."""
    if isinstance(node, URIRef):
        iri = str(node)
        for namespace, prefix in prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace) :]
                if not any(c.isspace() for c in local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"
    if isinstance(node, Literal):
        return f'"{node}"' if node.datatype is None and node.language is None else node.n3()
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _path_text(results_graph: Graph, path: Node, prefixes: list[tuple[str, str]]) -> str:
    if isinstance(path, BNode):  # a sequence path ( p q ) or inverse path
        inverse = results_graph.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + _path_text(results_graph, inverse, prefixes)
        items = list(results_graph.items(path))
        if items:
            return "/".join(_path_text(results_graph, i, prefixes) for i in items)
    return prefixed(path, prefixes)


def _render(
    message: str, values: Mapping[str, str], prefixes: list[tuple[str, str]], data: Graph
) -> str:
    """Fill in {$this}, {$value}, {$path}; show IRIs of data nodes that pySHACL pasted into a
    SPARQL-based message in prefixed form (IRIs the shape's own text mentions stay as written)."""
    message = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), message)

    def iri(match: re.Match[str]) -> str:
        text = match.group(1)
        trail = ""
        while text and text[-1] in ".,;:)'":
            trail = text[-1] + trail
            text = text[:-1]
        node = URIRef(text)
        if (node, None, None) not in data and (None, None, node) not in data:
            return match.group(0)
        return prefixed(node, prefixes) + trail

    return _IRI_IN_TEXT.sub(iri, " ".join(message.split()))


def _result(
    data: Graph,
    shapes: Graph,
    results_graph: Graph,
    node: Node,
    prefixes: list[tuple[str, str]],
) -> Result:
    focus = results_graph.value(node, SH.focusNode)
    assert focus is not None  # every sh:ValidationResult has one
    value = results_graph.value(node, SH.value)
    path_node = results_graph.value(node, SH.resultPath)
    shape = _named_shape(shapes, results_graph.value(node, SH.sourceShape))
    severity_node = results_graph.value(node, SH.resultSeverity)
    path = _path_text(results_graph, path_node, prefixes) if path_node is not None else None
    focus_name = prefixed(focus, prefixes)
    values = {"this": focus_name}
    if value is not None:
        values["value"] = prefixed(value, prefixes)
    if path:
        values["path"] = path
    messages = sorted(str(m) for m in results_graph.objects(node, SH.resultMessage))
    message = _render(messages[0], values, prefixes, data) if messages else "does not conform"
    return Result(
        severity=_severity(severity_node),
        focus_node=focus,
        focus_label=_label(data, focus),
        path=path,
        message=message,
        source_sentence=_source_sentence(data, focus),
        focus_name=focus_name,
        shape=prefixed(shape, prefixes) if isinstance(shape, URIRef) else None,
    )


def _named_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The named shape a blank property shape belongs to: the node shape holding it, or the
    one a top-level property shape names with ``rdfs:isDefinedBy``."""
    seen: set[Node] = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        shape = (
            shapes.value(None, SH.property, shape)
            or shapes.value(None, SH.node, shape)
            or shapes.value(shape, RDFS.isDefinedBy)
        )
    return shape


def _severity(node: Node | None) -> Severity:
    if node == SH.Warning:
        return Severity.WARNING
    if node == SH.Info:
        return Severity.INFO
    return Severity.VIOLATION


def _label(data: Graph, node: Node) -> str | None:
    for prop in (RDFS.label, SKOS.prefLabel, KG.name, KG.anchorOf, KG.text):
        values = sorted(data.objects(node, prop), key=_nl_first)
        if values:
            return _snippet(str(values[0]), LABEL_WIDTH)
    return None


def _nl_first(value: Node) -> tuple[int, str]:
    language = value.language if isinstance(value, Literal) else None
    return (0 if language == "nl" else 1 if language is None else 2, str(value))


def _source_sentence(data: Graph, node: Node) -> str | None:
    evidence = data.value(node, KG.evidence)
    if evidence is not None:
        anchor = data.value(evidence, KG.anchorOf)
        if anchor is not None:
            return _snippet(str(anchor), SENTENCE_WIDTH)
        node = evidence
    context = data.value(node, KG.inContext)
    if context is None:
        return None
    text = data.value(context, KG.text)
    if text is None:
        return None
    begin = data.value(node, KG.beginIndex)
    start = _int(begin)
    if start is None:
        return _snippet(str(text), SENTENCE_WIDTH)
    # the sentence around the span: from the previous full stop to the next one
    whole = str(text)
    left = whole.rfind(". ", 0, start) + 1
    right = whole.find(". ", start)
    return _snippet(whole[left : right + 1 if right >= 0 else len(whole)], SENTENCE_WIDTH)


def _int(value: Node | None) -> int | None:
    if isinstance(value, Literal):
        try:
            return int(str(value))
        except ValueError:
            return None
    return None


def _snippet(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _quote(text: str) -> str:
    return f"“{text}”"
