"""The build pipeline: documents in, one checked graph out.

Reads top to bottom like the data flow. For every document, in a worker process when
``jobs > 1``:

    read + parse   -> Document        (parse.py)
    extract        -> Extraction      (extract.py, with the gazetteer loaded once)
    map            -> document graph  (mapping.py)
    reason         -> inferred triples (reason.py, against the schema closure loaded once)
    validate       -> Report          (validate.py, pySHACL)
    collect        -> canonical N-Quads lines + counts

The main process streams the per-document lines into a ``QuadSorter`` (sorted runs spill to
disk), adds the schema graph (ontology + thesaurus), the schema's own inferences and the
dataset description (VoID + DCAT), and writes the result atomically in the order the output
format needs. Results arrive in input order whatever the number of workers, and every line
is sorted, so the output is byte-identical across runs and across ``--jobs``.
"""

from __future__ import annotations

import glob
import json
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph

from kamergraph import paths
from kamergraph.errors import (
    InputError,
    KamergraphError,
    UsageError,
    ValidationFailed,
)

from . import dataset, mapping, output
from .model import Extraction
from .vocab import DEFAULT_BASE

ON_ERROR = ("stop", "skip")
SCHEMA_CACHE = paths.ROOT / ".cache" / "build"
SIDECAR_SUFFIXES = (".id", ".json")  # FILE.id, FILE.meta.json, mapping and manifest files
IDENTIFIER_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True, slots=True)
class Source:
    """A document to build: the file and the identifier the user gave for it, if any."""

    path: Path
    identifier: str | None = None


@dataclass(frozen=True)
class Options:
    base: str = DEFAULT_BASE
    jobs: int = 1
    # "stop": a document that cannot be read or parsed ends the run, one that violates the
    # shapes stops the graph from being written; "skip": such documents are reported and left
    # out, the rest is written
    on_error: str = "stop"
    allow_invalid: bool = False  # write a graph that violates the shapes (and say so)
    format: str | None = None  # output format; default from the output file's extension
    progress: bool | None = None  # None: a progress bar only when stderr is a terminal


@dataclass
class Summary:
    """What a build did, for the closing report and for tests."""

    output: Path | None = None
    format: str = ""
    documents: int = 0
    questions: int = 0
    answers: int = 0
    entities: int = 0
    relations: int = 0
    triples_asserted: int = 0
    triples_inferred: int = 0
    triples_written: int = 0
    violations: list[str] = field(default_factory=list)  # in the graph (or refusing it)
    rejected: list[str] = field(default_factory=list)  # of documents skipped for them
    skipped: list[str] = field(default_factory=list)  # one message per skipped document
    notes: list[str] = field(default_factory=list)  # e.g. a stage that is not available
    written: bool = False
    seconds: float = 0.0

    def lines(self) -> list[str]:
        verdict = (
            f"wrote {self.output} ({self.format})"
            if self.written
            else f"did not write {self.output}"
        )
        lines = [
            f"{verdict}: {self.documents} documents, {self.questions} questions, "
            f"{self.answers} answers, {self.entities} entities, {self.relations} relations, "
            f"{self.triples_asserted} triples asserted, {self.triples_inferred} inferred, "
            f"{len(self.violations)} violations, {len(self.skipped)} skipped, "
            f"{self.seconds:.2f} s"
        ]
        lines += [f"skipped {message}" for message in self.skipped]
        lines += [f"note: {note}" for note in self.notes]
        return lines


# --- inputs -------------------------------------------------------------------------------


def find_sources(
    inputs: Sequence[str],
    *,
    identifier: str | None = None,
    ids_file: Path | None = None,
) -> list[Source]:
    """Files, folders (every file inside, sorted) and globs, each with its identifier from
    ``identifier`` (one document only), a mapping file, or a sidecar ``FILE.id`` /
    ``FILE.meta.json``."""
    files: list[Path] = []
    for entry in inputs:
        path = Path(entry)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and _is_document(p))
        elif path.is_file():
            files.append(path)
        elif glob.has_magic(entry):
            matches = sorted(Path(m) for m in glob.glob(entry, recursive=True))
            found = [p for p in matches if p.is_file() and _is_document(p)]
            if not found:
                raise UsageError("no files match", source=entry)
            files += found
        else:
            raise UsageError("no such file or folder", source=entry)
    files = list(dict.fromkeys(files))
    if not files:
        raise UsageError("no documents to build")
    if identifier is not None and len(files) > 1:
        raise UsageError(f"--id names one document, but {len(files)} were given; use --ids")
    mapping_ids = _read_ids_file(ids_file) if ids_file is not None else {}
    sources = []
    for file in files:
        given = identifier or _mapped_id(mapping_ids, file) or _sidecar_id(file)
        if given is not None:
            check_identifier(given, source=str(file))
        sources.append(Source(file, given))
    return sources


def check_identifier(identifier: str, *, source: str | None = None) -> None:
    if not identifier or not set(identifier) <= IDENTIFIER_CHARS or identifier[0] in "-.":
        raise UsageError(
            f"identifier {identifier!r} may hold only letters, digits, '-', '_' and '.'",
            source=source,
        )


def _is_document(path: Path) -> bool:
    """Inside a folder or glob: every file but hidden ones, sidecars and JSON files."""
    return not path.name.startswith(".") and not path.name.endswith(SIDECAR_SUFFIXES)


def _sidecar_id(file: Path) -> str | None:
    plain = file.with_name(file.name + ".id")
    if plain.is_file():
        return plain.read_text(encoding="utf-8").strip() or None
    meta = file.with_name(file.name + ".meta.json")
    if meta.is_file():
        try:
            value = json.loads(meta.read_text(encoding="utf-8")).get("identifier")
        except (json.JSONDecodeError, AttributeError) as error:
            raise UsageError(
                f"not a JSON object with 'identifier': {error}", source=str(meta)
            ) from error
        return str(value) if value else None
    return None


def _read_ids_file(path: Path) -> dict[str, str]:
    """``FILE<TAB>ID`` lines, or a JSON object ``{"FILE": "ID"}``; FILE as given or its name."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read: {error.strerror}", source=str(path)) from error
    if Path(path).suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(f"not JSON: {error}", source=str(path)) from error
        if not isinstance(data, dict):
            raise UsageError("expected a JSON object {file: identifier}", source=str(path))
        return {str(k): str(v) for k, v in data.items()}
    table = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise UsageError(f"line {number}: expected FILE<TAB>IDENTIFIER", source=str(path))
        table[parts[0].strip()] = parts[1].strip()
    return table


def _mapped_id(table: dict[str, str], file: Path) -> str | None:
    return table.get(str(file)) or table.get(file.as_posix()) or table.get(file.name)


# --- one document -------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What every worker loads once: the schema closure, the gazetteer and the stages."""

    base: str
    schema: Any  # reason.Schema, or None when reasoning is unavailable
    gazetteer: Any  # the extraction gazetteer, or None when extraction is unavailable
    extract: Callable[..., Extraction] | None  # extract(document, gazetteer, base=...)
    notes: tuple[str, ...] = ()
    schema_key: str | None = None  # digest of the schema files: the schema lines are cached


@dataclass(frozen=True)
class DocumentResult:
    source: str
    identifier: str = ""
    lines: tuple[str, ...] = ()  # document graph and inferred triples, as sorter lines
    inferred_lines: tuple[str, ...] = ()
    counts: tuple[tuple[str, int], ...] = ()
    classes: tuple[tuple[str, int], ...] = ()
    properties: tuple[tuple[str, int], ...] = ()
    violations: tuple[str, ...] = ()
    error: str | None = None  # why the document could not be built


def load_context(base: str = DEFAULT_BASE) -> Context:
    """Load everything the per-document stages share. Stages another part of the project
    has not delivered yet are skipped with a note rather than failing the build."""
    from . import reason

    notes = []
    schema = reason.load_schema()
    key = dataset.schema_key(reason.schema_files())
    try:
        from . import gazetteer as gazetteer_module
        from . import thesaurus
    except ImportError as error:
        notes.append(f"gazetteer unavailable ({error}): actors not linked")
        return Context(base, schema, None, None, tuple(notes), key)
    gazetteer = gazetteer_module.Gazetteer.from_thesaurus(thesaurus.default())
    try:
        from . import extract as extract_module
    except ImportError as error:
        notes.append(f"extraction unavailable ({error}): no entities or relations")
        return Context(base, schema, gazetteer, None, tuple(notes), key)
    return Context(base, schema, gazetteer, extract_module.extract, tuple(notes), key)


def build_document(source: Source, context: Context, *, graph_major: bool) -> DocumentResult:
    """read → parse → extract → map → reason → validate → collect, for one document."""
    from . import parse, reason, validate

    try:
        document = parse.parse_file(source.path, identifier=source.identifier)
    except KamergraphError as error:
        return DocumentResult(source=str(source.path), error=error.message)
    extraction = (
        context.extract(document, context.gazetteer, base=context.base)
        if context.extract
        else Extraction()
    )
    graph = mapping.map_document(
        document, extraction, gazetteer=context.gazetteer, base=context.base
    )
    inferred = reason.infer(graph, context.schema)
    report = validate.validate(graph)
    graph_iri = mapping.document_graph_iri(document.identifier, context.base)
    return DocumentResult(
        source=str(source.path),
        identifier=document.identifier,
        lines=tuple(output.quad_lines(graph, graph_iri, graph_major=graph_major)),
        inferred_lines=tuple(
            output.quad_lines(
                inferred, dataset.inferred_graph_iri(context.base), graph_major=graph_major
            )
        ),
        counts=(
            ("questions", len(document.questions)),
            ("answers", len(document.answers)),
            ("entities", len(extraction.entities)),
            ("relations", len(extraction.relations)),
            ("asserted", len(graph)),
        ),
        classes=tuple(sorted(Counter(str(o) for o in graph.objects(None, RDF.type)).items())),
        properties=tuple(sorted(Counter(str(p) for _s, p, _o in graph).items())),
        violations=tuple(r.line(document.identifier) for r in report.violations),
    )


# --- many documents -----------------------------------------------------------------------

_WORKER: dict[str, Any] = {}  # the context of a worker process, set once by _init_worker


def _init_worker(context: Context, graph_major: bool) -> None:
    _WORKER["context"] = context
    _WORKER["graph_major"] = graph_major


def _work(source: Source) -> DocumentResult:
    return build_document(source, _WORKER["context"], graph_major=_WORKER["graph_major"])


def _results(
    sources: Sequence[Source], context: Context, jobs: int, graph_major: bool
) -> Iterator[DocumentResult]:
    """Per-document results in input order, computed in ``jobs`` processes."""
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            yield build_document(source, context, graph_major=graph_major)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    pool_context = multiprocessing.get_context(method)
    with pool_context.Pool(
        processes=jobs, initializer=_init_worker, initargs=(context, graph_major)
    ) as pool:
        yield from pool.imap(_work, sources, chunksize=1)


def _progress(results: Iterator[DocumentResult], total: int, wanted: bool | None):
    if wanted is False or (wanted is None and not sys.stderr.isatty()):
        return results
    from tqdm import tqdm

    return tqdm(results, total=total, unit="doc", file=sys.stderr, leave=False)


def build(
    sources: Sequence[Source],
    output_path: Path,
    options: Options = Options(),  # noqa: B008  (frozen, so a shared default is safe)
    *,
    context: Context | None = None,
) -> Summary:
    """Build ``sources`` into one graph at ``output_path``. Raises ``InputError`` for a bad
    document (with ``on_error="stop"``), ``ValidationFailed`` for violations (unless
    ``allow_invalid``); the previous output is left as it was in either case."""
    started = time.perf_counter()
    output_path = Path(output_path)
    if options.on_error not in ON_ERROR:
        raise UsageError(f"--on-error must be one of {', '.join(ON_ERROR)}")
    fmt = output.output_format(output_path, options.format)
    output.check_writable(output_path)  # fail before the work, not after it
    graph_major = fmt in output.GRAPH_MAJOR
    context = context or load_context(options.base)
    summary = Summary(output=output_path, format=fmt, notes=list(context.notes))
    stats = dataset.Statistics()
    inferred_seen: set[int] = set()

    with tempfile.TemporaryDirectory(prefix="kamergraph-build-") as spool:
        sorter = output.QuadSorter(Path(spool))
        # the schema graphs, sorted once and kept while the schema files stay the same
        # (per-document inferences never repeat schema triples: reason.infer leaves them out)
        run, schema_asserted, schema_inferred = dataset.schema_run(
            context.schema,
            options.base,
            graph_major,
            key=context.schema_key,
            folder=SCHEMA_CACHE if context.schema_key else Path(spool),
        )
        sorter.add_sorted_run(run)
        stats.add_schema(schema_asserted, schema_inferred)
        seen_ids: dict[str, str] = {}
        results = _results(sources, context, options.jobs, graph_major)
        for result in _progress(results, len(sources), options.progress):
            error = result.error
            if error is None and result.identifier in seen_ids:
                error = (
                    f"{result.source}: identifier {result.identifier} is also the identifier "
                    f"of {seen_ids[result.identifier]}; give each document its own (--ids)"
                )
            if error is not None:
                if options.on_error == "stop":
                    raise InputError(error)
                summary.skipped.append(error)
                continue
            if result.violations and options.on_error == "skip" and not options.allow_invalid:
                # an invalid document is a bad document too: report it, build the rest
                summary.skipped.append(
                    f"{result.source}: its graph violates the shapes "
                    f"({len(result.violations)} violations); first: {result.violations[0]}"
                )
                summary.rejected += result.violations
                continue
            seen_ids[result.identifier] = result.source
            counts = dict(result.counts)
            summary.documents += 1
            summary.questions += counts["questions"]
            summary.answers += counts["answers"]
            summary.entities += counts["entities"]
            summary.relations += counts["relations"]
            summary.triples_asserted += counts["asserted"]
            summary.violations += result.violations
            new_inferred = [
                line for line in result.inferred_lines if hash(line) not in inferred_seen
            ]
            inferred_seen.update(hash(line) for line in new_inferred)
            stats.add_document(
                counts["asserted"], len(new_inferred), result.classes, result.properties
            )
            sorter.extend(result.lines)
            sorter.extend(new_inferred)
        summary.triples_inferred = stats.inferred
        if summary.documents == 0:
            raise InputError(
                "no document could be built"
                + (f": {summary.skipped[0]}" if summary.skipped else "")
            )

        description = dataset.describe(stats, options.base, summary.documents)
        summary.violations += dataset.check(description, options.base)
        if summary.violations and not options.allow_invalid:
            summary.seconds = time.perf_counter() - started
            raise ValidationFailed(
                f"the graph violates the shapes ({len(summary.violations)} violations), "
                f"not written (use --allow-invalid to write it anyway); "
                f"first: {summary.violations[0]}",
                source=str(output_path),
                violations=tuple(summary.violations),
            )
        sorter.extend(
            output.quad_lines(
                description, dataset.dataset_graph_iri(options.base), graph_major=graph_major
            )
        )
        with output.atomic_write(output_path) as out:
            summary.triples_written = output.write(sorter.sorted_lines(), out, fmt)
    summary.written = True
    summary.seconds = time.perf_counter() - started
    return summary


def build_files(
    inputs: Iterable[str | Path],
    output_path: Path,
    *,
    identifier: str | None = None,
    **options: Any,
) -> Summary:
    """Convenience for callers such as the server: build files or folders into a graph."""
    sources = find_sources([str(i) for i in inputs], identifier=identifier)
    return build(sources, Path(output_path), Options(**options))


# --- checking a graph that was built before -------------------------------------------------


def check_built_graph(path: Path) -> tuple[int, list[str]]:
    """Validate a built graph file graph by graph: each document graph on its own (so every
    violation names its document), then the dataset description; the schema and inferred
    graphs are not checked. A file without named graphs is checked as one graph.
    Returns (graphs checked, one line per violation).

    The file is read with Oxigraph's parser, not loaded into a ``Store``: a store
    normalises derived datatypes (``xsd:nonNegativeInteger`` becomes ``xsd:integer``)."""
    from . import validate

    graphs: dict[str, list[Any]] = {}
    for quad in _parse_quads(Path(path)):
        name = getattr(quad.graph_name, "value", "")
        marker = name.rfind("/graph/doc/")
        if marker >= 0:
            label = name[marker + len("/graph/doc/") :]
        elif name.endswith("/graph/dataset"):
            label = "dataset"
        elif not name:
            label = ""  # the default graph: a file without named graphs
        else:
            continue
        graphs.setdefault(label, []).append(quad)
    lines: list[str] = []
    for label in sorted(graphs):
        report = validate.validate(_to_rdflib(graphs[label]))
        lines += [result.line(label or None) for result in report.violations]
    return len(graphs), lines


def _parse_quads(path: Path) -> Iterator[Any]:
    import pyoxigraph as ox

    from .query import rdf_format

    fmt = rdf_format(path)
    try:
        with open(path, "rb") as stream:
            yield from ox.parse(stream, format=fmt)
    except SyntaxError as error:
        raise InputError(f"not valid {fmt.name}: {error}", source=str(path)) from error
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=str(path)) from error


def _to_rdflib(quads: Iterable[Any]) -> Graph:
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    def term(node: Any) -> Any:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(datatype))

    graph = Graph()
    for quad in quads:
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph
