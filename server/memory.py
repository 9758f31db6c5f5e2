"""The ``--memory`` engine: rdflib's in-memory store, for tiny graphs only.

Runs inside a query worker process like the Oxigraph engine, so the time limit holds. rdflib
would fetch ``FROM`` graphs from the web; this worker process turns that off
(``SPARQL_LOAD_GRAPHS = False``: FROM then names graphs of the store only). SERVICE never
gets here (``guard.py``). Terms are converted to pyoxigraph terms so ``results.py`` writes
both engines' answers the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
from kamergraph.server import formats, results
from kamergraph.server.executor import Answer, Job

from kamergraph.errors import UsageError


def _term(term: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


class MemoryEngine:
    def __init__(self, path: Path) -> None:
        import rdflib.plugins.sparql
        from rdflib import Dataset

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # this worker process only
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(str(path))

    def run(self, job: Job) -> Answer:
        from rdflib import URIRef, Variable

        if job.operation == "update":
            self.dataset.update(job.text, base=job.base_iri)
            return Answer(b"", None, kind="update")
        if job.default_graphs is not None or job.named_graphs is not None:
            raise UsageError(
                "default-graph-uri/named-graph-uri need the on-disk store (no --memory)"
            )
        bindings = {str(Variable(name)): URIRef(iri) for name, iri in job.bindings}
        result = self.dataset.query(job.text, initBindings=bindings, base=job.base_iri)
        limit = job.max_rows
        if result.type == "ASK":
            fmt = formats.choose_format(job.accept, "boolean", job.format_param)
            return Answer(
                results.boolean(bool(result.askAnswer), fmt), fmt.content_type, kind="boolean"
            )
        if result.type == "SELECT":
            fmt = formats.choose_format(job.accept, "bindings", job.format_param)
            names = [str(v) for v in result.vars or []]
            rows: list[list[Any]] = []
            for row in result:
                if limit is not None and len(rows) > limit:
                    break
                rows.append([_term(value) for value in row])  # type: ignore[union-attr]
            truncated = limit is not None and len(rows) > limit
            rows = rows[:limit] if limit is not None else rows
            body = results.BINDINGS_WRITERS[fmt.name](names, rows)
            return Answer(body, fmt.content_type, truncated, kind="bindings")
        fmt = formats.choose_format(job.accept, "graph", job.format_param)
        triples = [ox.Triple(_term(s), _term(p), _term(o)) for s, p, o in result]  # type: ignore[misc]
        truncated = limit is not None and len(triples) > limit
        triples = triples[:limit] if limit is not None else triples
        return Answer(results.graph(triples, fmt), fmt.content_type, truncated, kind="graph")
