"""Evaluation: build the documents that have an acceptance entry and compare what the named
queries answer with what the acceptance files expect, as precision and recall.

Acceptance files (``examples/acceptance/``): ``seed.json`` holds competency questions, each
named after a query in ``queries/``; ``corpus.json`` holds entity groups per document, checked
against the ``entities-mentioned`` query. An entity matches a group when one of its labels
(prefLabel, altLabel, rdfs:label) equals one of the group's names, case-insensitively after
trimming; names in ``allowed`` count neither for nor against; anything else returned counts
against precision, and anything in ``not_expected`` is reported as forbidden.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from kamergraph.builder import query

from kamergraph import paths
from kamergraph.errors import InputError

ENTITY_LABELS = "entity-labels"
ENTITIES_MENTIONED = "entities-mentioned"
_FILE_NAME = re.compile(r"[\w.-]+\.txt")

Row = Mapping[str, Any]  # variable name -> Python value (str, int, Decimal) of one solution


@dataclass(frozen=True, slots=True)
class Score:
    document: str
    name: str  # competency question, or "entity group: A | B"
    expected: int  # how many expected items (groups, pairs, ids, ...)
    found: int  # how many of them were returned
    returned: int  # returned items that count for precision (allowed ones do not)
    correct: int  # returned items that match something expected
    missing: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()  # returned although ``not_expected``
    precision_applies: bool = True

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float | None:
        if not self.precision_applies:
            return None
        return self.correct / self.returned if self.returned else 1.0


@dataclass
class Report:
    scores: list[Score] = field(default_factory=list)

    def lowest_recall(self) -> float:
        return min((s.recall for s in self.scores), default=1.0)

    def lowest_precision(self) -> float:
        return min((s.precision for s in self.scores if s.precision is not None), default=1.0)

    def forbidden(self) -> list[Score]:
        return [s for s in self.scores if s.forbidden]


# --- matching ----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def score_groups(
    document: str,
    name: str,
    returned: Mapping[str, Iterable[str]],
    expect: Sequence[Sequence[str]],
    allowed: Iterable[str] = (),
    not_expected: Iterable[str] = (),
    *,
    precision_applies: bool = True,
) -> Score:
    """``returned``: entity -> all its labels; ``expect``: groups of alternative names."""
    labels = {entity: {_norm(x) for x in names} for entity, names in returned.items()}
    allowed_names = {_norm(x) for x in allowed}
    forbidden_names = {_norm(x) for x in not_expected}
    groups = [{_norm(x) for x in group} for group in expect]
    found = [any(group & names for names in labels.values()) for group in groups]
    correct = returned_count = 0
    unexpected: list[str] = []
    forbidden: list[str] = []
    for entity, names in sorted(labels.items()):
        if any(group & names for group in groups):
            correct += 1
            returned_count += 1
        elif not names & allowed_names:
            returned_count += 1
            unexpected.append(_display(entity, returned[entity]))
        if names & forbidden_names:
            forbidden.append(_display(entity, returned[entity]))
    return Score(
        document,
        name,
        expected=len(groups),
        found=sum(found),
        returned=returned_count,
        correct=correct,
        missing=tuple(" | ".join(g) for g, ok in zip(expect, found, strict=True) if not ok),
        unexpected=tuple(unexpected),
        forbidden=tuple(forbidden),
        precision_applies=precision_applies,
    )


def _display(entity: str, names: Iterable[str]) -> str:
    """A readable name: the first label, which ``_entities`` makes the query's ?label."""
    listed = list(names)
    return listed[0] if listed else entity


def score_items(document: str, name: str, returned: Iterable[Any], expect: Iterable[Any]) -> Score:
    """Plain values (ids, numbers, pairs) compared as sets."""
    got, want = set(returned), set(expect)
    return Score(
        document,
        name,
        expected=len(want),
        found=len(got & want),
        returned=len(got),
        correct=len(got & want),
        missing=tuple(str(x) for x in sorted(want - got, key=str)),
        unexpected=tuple(str(x) for x in sorted(got - want, key=str)),
    )


def score_amounts(
    document: str,
    name: str,
    rows: Sequence[Row],
    expect: Sequence[Mapping[str, Any]],
    labels: Callable[[str], set[str]],
) -> Score:
    """Amounts match on value, currency, qualifier (when expected) and target name."""

    def fits(row: Row, want: Mapping[str, Any]) -> bool:
        if _decimal(row.get("value")) != _decimal(want.get("value")):
            return False
        if "currency" in want and row.get("currency") != want["currency"]:
            return False
        if want.get("qualifier") and row.get("qualifier") != want["qualifier"]:
            return False
        if "to" in want:
            names = {_norm(x) for x in want["to"]}
            target = row.get("entity")
            have = labels(str(target)) if target else set()
            have |= {str(row["to"])} if row.get("to") else set()
            return bool(names & {_norm(x) for x in have})
        return True

    distinct = {tuple(sorted((k, str(v)) for k, v in row.items())): row for row in rows}
    unique = list(distinct.values())
    found = [any(fits(row, want) for row in unique) for want in expect]
    correct = [any(fits(row, want) for want in expect) for row in unique]
    return Score(
        document,
        name,
        expected=len(expect),
        found=sum(found),
        returned=len(unique),
        correct=sum(correct),
        missing=tuple(
            json.dumps(w, ensure_ascii=False) for w, ok in zip(expect, found, strict=True) if not ok
        ),  # noqa: E501
        unexpected=tuple(
            f"{r.get('value')} {r.get('currency')} -> {r.get('to')}"
            for r, ok in zip(unique, correct, strict=True)
            if not ok
        ),
    )


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


# --- running queries ----------------------------------------------------------------------


def _python(term: Any) -> Any:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype is not None else ""
        if datatype.endswith(("#integer", "#int", "#nonNegativeInteger", "#long")):
            return int(term.value)
        if datatype.endswith("#decimal"):
            return Decimal(term.value)
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return None if term is None else str(term)


def select(store: ox.Store, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
    """Run the named query; each solution as a dict of Python values."""
    result = query.run(store, query.named_query(name).text, params)
    if not isinstance(result, ox.QuerySolutions):
        raise InputError(f"named query {name!r} is not a SELECT query")
    names = [v.value for v in result.variables]
    return [
        {n: _python(solution[n]) for n in names if solution[n] is not None} for solution in result
    ]


class _Labels:
    """All labels of an entity, asked once per entity."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.cache: dict[str, set[str]] = {}

    def __call__(self, entity: str) -> set[str]:
        if entity not in self.cache:
            rows = select(self.store, ENTITY_LABELS, {"entity": ox.NamedNode(entity)})
            self.cache[entity] = {str(r["label"]) for r in rows if "label" in r}
        return self.cache[entity]


def _entities(rows: Sequence[Row], labels: _Labels) -> dict[str, list[str]]:
    """Entity -> its labels, the query's ?label first."""
    out: dict[str, list[str]] = {}
    for row in rows:
        entity = row.get("entity")
        if entity:
            names = out.setdefault(str(entity), [])
            for name in [row.get("label"), *sorted(labels(str(entity)))]:
                if name and str(name) not in names:
                    names.append(str(name))
    return out


def evaluate_competency(
    store: ox.Store, document: str, name: str, spec: Mapping[str, Any], not_expected: Iterable[str]
) -> Score:
    rows = select(store, name)
    labels = _Labels(store)
    if "expect" in spec:
        return score_groups(
            document,
            name,
            _entities(rows, labels),
            spec["expect"],
            spec.get("allowed", ()),
            not_expected,
        )
    if "expect_pairs" in spec:
        pairs = {(int(r["from"]), int(r["to"])) for r in rows if "from" in r and "to" in r}
        return score_items(document, name, pairs, {tuple(p) for p in spec["expect_pairs"]})
    if "expect_ids" in spec:
        return score_items(
            document, name, {str(r["id"]) for r in rows if "id" in r}, spec["expect_ids"]
        )  # noqa: E501
    if "expect_numbers" in spec:
        numbers = {int(r["number"]) for r in rows if "number" in r}
        return score_items(document, name, numbers, spec["expect_numbers"])
    if "expect_amounts" in spec:
        return score_amounts(document, name, rows, spec["expect_amounts"], labels)
    raise InputError(f"competency question {name!r} expects nothing this evaluator knows")


def evaluate_entity_groups(
    store: ox.Store, document: str, groups: Sequence[Sequence[str]]
) -> list[Score]:
    rows = select(store, ENTITIES_MENTIONED)
    returned = _entities(rows, _Labels(store))
    return [
        score_groups(
            document,
            "entity group: " + " | ".join(group),
            returned,
            [group],
            precision_applies=False,
        )  # fmt: skip
        for group in groups
    ]


# --- acceptance files and building ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """A document with what its graph must answer."""

    file: Path
    identifier: str
    competency: Mapping[str, Any] = field(default_factory=dict)
    not_expected: Mapping[str, Sequence[str]] = field(default_factory=dict)
    entity_groups: Sequence[Sequence[str]] = ()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise InputError(f"cannot read acceptance file: {error}", source=str(path)) from error
    if not isinstance(data, dict):
        raise InputError("acceptance file is not a JSON object", source=str(path))
    return data


def cases(acceptance: Path, documents: Path) -> list[Case]:
    """Every document the acceptance files describe."""
    out: list[Case] = []
    seed_file = acceptance / "seed.json"
    if seed_file.is_file():
        seed = _read_json(seed_file)
        named = _FILE_NAME.search(seed.get("about", ""))
        if named is None:
            raise InputError("seed.json names no document file in 'about'", source=str(seed_file))
        out.append(
            Case(
                file=documents / named.group(0),
                identifier=seed["document"]["identifier"],
                competency=seed.get("competency_questions", {}),
                not_expected=seed.get("not_expected", {}),
            )
        )
    corpus_file = acceptance / "corpus.json"
    if corpus_file.is_file():
        corpus = _read_json(corpus_file)
        for file_name, entry in sorted(corpus.get("documents", {}).items()):
            out.append(
                Case(
                    file=documents / file_name,
                    identifier=entry["identifier"],
                    competency=_corpus_questions(entry),
                    entity_groups=entry.get("entities", ()),
                )
            )
    return out


def _corpus_questions(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The corpus file's citations and cross-references, asked with the seed's queries."""
    questions: dict[str, Any] = {}
    if "cited_ids" in entry:
        questions["cited-documents"] = {"expect_ids": entry["cited_ids"]}
    if "cross_references" in entry:
        pairs = [[a, q] for answers, q in entry["cross_references"] for a in answers]
        questions["answer-cross-references"] = {"expect_pairs": pairs}
    return questions


def build_store(case: Case, workdir: Path, context: Any = None) -> ox.Store:
    """Build the case's document into a graph (asserted + inferred) and load it."""
    from kamergraph.builder import pipeline

    out = workdir / f"{case.identifier}.nq"
    sources = [pipeline.Source(case.file, case.identifier)]
    pipeline.build(
        sources, out, pipeline.Options(allow_invalid=True, progress=False), context=context
    )
    return query.load_store(out)


def evaluate(
    documents: Sequence[Path] = (),
    acceptance: Path = paths.EXAMPLES_DIR / "acceptance",
    document_dir: Path | None = None,
) -> Report:
    """Build and score every document (or only ``documents``) that has an acceptance entry."""
    from kamergraph.builder import pipeline

    all_cases = cases(Path(acceptance), document_dir or paths.EXAMPLES_DIR / "documents")
    if documents:
        wanted = {Path(d).name: Path(d) for d in documents}
        all_cases = [
            dataclasses.replace(c, file=wanted[c.file.name])
            for c in all_cases
            if c.file.name in wanted
        ]
        unknown = set(wanted) - {c.file.name for c in all_cases}
        if unknown:
            raise InputError(f"no acceptance entry for {', '.join(sorted(unknown))}")
    report = Report()
    context = pipeline.load_context()
    with tempfile.TemporaryDirectory(prefix="kamergraph-eval-") as tmp:
        for case in all_cases:
            store = build_store(case, Path(tmp), context)
            for name, spec in case.competency.items():
                report.scores.append(
                    evaluate_competency(
                        store, case.identifier, name, spec, case.not_expected.get(name, ())
                    )
                )
            report.scores += evaluate_entity_groups(store, case.identifier, case.entity_groups)
    return report


def format_table(report: Report, *, details: bool = True) -> str:
    """The report as an aligned table, then what is missing, unexpected or forbidden."""
    header = ("document", "question / entity group", "expected", "found", "precision", "recall")
    rows = [
        (
            s.document,
            s.name if len(s.name) <= 60 else s.name[:59] + "…",
            str(s.expected),
            str(s.found),
            "-" if s.precision is None else f"{s.precision:.2f}",
            f"{s.recall:.2f}",
        )
        for s in report.scores
    ]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]  # noqa: E501
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    groups = [s for s in report.scores if not s.precision_applies]
    questions = [s for s in report.scores if s.precision_applies]
    lines.append("")
    if questions:
        lines.append(
            f"competency questions: {len(questions)}, lowest recall "
            f"{min(s.recall for s in questions):.2f}, lowest precision "
            f"{min(s.precision or 0.0 for s in questions):.2f}"
        )
    if groups:
        lines.append(f"entity groups: {sum(s.found for s in groups)}/{len(groups)} found")
    if details:
        for s in report.scores:
            for label, items in (
                ("missing", s.missing),
                ("unexpected", s.unexpected),
                ("FORBIDDEN", s.forbidden),
            ):
                if items and s.precision_applies:
                    lines.append(f"{s.document} {s.name}: {label}: {'; '.join(items)}")
            if not s.precision_applies and s.missing:
                lines.append(f"{s.document}: missing {s.name[len('entity group: ') :]}")
    return "\n".join(lines) + "\n"
