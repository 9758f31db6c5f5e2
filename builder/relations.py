"""Relation rules over sentences: which instrument funds what, who takes part in which body,
what lies where, which company came out of which, what an amount is committed to, and when a
law came into force.

Every rule is data (``patterns.toml``): a regular expression over a *tagged* sentence, where
each mention is replaced by ``⟦m<i>⟧``, each amount of money by ``⟦a<i>⟧`` and each date by
``⟦d<i>⟧``, plus where the subject and object come from and which classes they must have.
Every relation keeps the sentence it came from as evidence, the rule's name and a confidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamergraph.builder.model import Document, Mention, Relation, Span
from kamergraph.builder.patterns import Patterns, RelationRule

if TYPE_CHECKING:
    from kamergraph.builder.extract import TextBlock

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_TAG = re.compile(r"⟦([mad])(\d+)⟧")
_PAREN_SAME = re.compile(r"\s*\(\s*[«\"'“]?\s*$")
_PAREN_CLOSE = re.compile(r"^\s*[»\"'”]?\s*\)")

Classes = Callable[[str], frozenset[str]]


@dataclass(frozen=True, slots=True)
class _Tagged:
    text: str
    mentions: tuple[Mention, ...]  # index = tag number
    amounts: tuple[int, ...]  # tag number -> index into Document.amounts
    dates: tuple[str, ...]  # tag number -> ISO value
    offsets: tuple[int, ...]  # tagged position of each mention tag (for "after"/"anaphor")


def extract_relations(
    document: Document,
    blocks: Sequence[TextBlock],
    found: Mapping[TextBlock, Sequence[Mention]],
    classes: Classes,
    speaker: str | None,
    pats: Patterns,
    *,
    speaker_ministry: str | None = None,
) -> tuple[list[Relation], list[tuple[int, str]]]:
    out: dict[tuple[str, str, str], Relation] = {}
    amount_targets: dict[int, str] = {}
    questions = {n: b for b in blocks if b.kind == "question" for n in b.numbers}
    pronouns = {iri for iri in (speaker, speaker_ministry) if iri}
    for block in blocks:
        # "ik", "mijn departement" stay words in the tagged sentence ("coördineer ik ...")
        mentions = [m for m in found[block] if not (m.via == "context" and m.entity in pronouns)]
        asked = [questions[n] for n in block.numbers if block.kind == "answer" and n in questions]
        previous: dict[str, list[str]] = {}
        earlier: list[Mention] = []
        for s_start, s_end in block.sentences:
            start, end = block.span.start + s_start, block.span.start + s_end
            evidence = Span(start, end, document.text[start:end])
            inside = [m for m in mentions if start <= m.span.start and m.span.end <= end]
            tagged = _tag(document, evidence, inside)
            current: dict[str, list[str]] = {}
            present = {k for k, items in (("m", tagged.mentions), ("a", tagged.amounts),
                                          ("d", tagged.dates)) if items}  # fmt: skip
            for rule in pats.relations:
                if not rule.needs <= present:
                    continue
                for match in rule.regex.finditer(tagged.text):
                    context = _Context(tagged, match, earlier, asked, found, previous, speaker)
                    for subj, obj in _pairs(rule, context, classes):
                        if subj.startswith("amount:"):
                            amount_targets.setdefault(int(subj[len("amount:") :]), obj)
                            continue
                        datatype = None
                        if obj.startswith("date:"):
                            obj, datatype = obj[len("date:") :], XSD_DATE
                        key = (subj, rule.predicate, obj)
                        if key not in out or out[key].confidence < rule.confidence:
                            out[key] = Relation(
                                subj, rule.predicate, obj, rule.name, rule.confidence,
                                evidence=evidence, datatype=datatype,
                            )  # fmt: skip
                        current.setdefault(rule.predicate, []).append(obj)
            previous = current
            earlier.extend(inside)
    relations = sorted(out.values(), key=lambda r: (r.subject, r.predicate, r.object))
    return relations, sorted(amount_targets.items())


def _tag(document: Document, sentence: Span, mentions: Sequence[Mention]) -> _Tagged:
    items: list[tuple[int, int, str, object]] = []
    for m in mentions:
        items.append((m.span.start, m.span.end, "m", m))
    for i, amount in enumerate(document.amounts):
        if sentence.start <= amount.span.start and amount.span.end <= sentence.end:
            items.append((amount.span.start, amount.span.end, "a", i))
    for date in document.dates:
        if sentence.start <= date.span.start and date.span.end <= sentence.end:
            items.append((date.span.start, date.span.end, "d", date.value))
    items.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    text = sentence.text
    parts: list[str] = []
    pos = sentence.start
    kept_m: list[Mention] = []
    kept_a: list[int] = []
    kept_d: list[str] = []
    offsets: list[int] = []
    last: Mention | None = None
    for start, end, kind, value in items:
        if start < pos:
            continue
        gap = text[pos - sentence.start : start - sentence.start]
        if kind == "m" and isinstance(value, Mention):
            after = text[end - sentence.start :]
            if last is not None and last.entity == value.entity and _PAREN_SAME.fullmatch(gap):
                close = _PAREN_CLOSE.match(after)
                if close:  # "Name (ABBR)" of one entity counts once
                    pos = end + close.end()
                    continue
            parts.append(gap)
            offsets.append(sum(len(p) for p in parts))
            parts.append(f"⟦m{len(kept_m)}⟧")
            kept_m.append(value)
            last = value
        elif kind == "a" and isinstance(value, int):
            parts.append(gap + f"⟦a{len(kept_a)}⟧")
            kept_a.append(value)
            last = None
        elif kind == "d" and isinstance(value, str):
            parts.append(gap + f"⟦d{len(kept_d)}⟧")
            kept_d.append(value)
            last = None
        pos = end
    parts.append(text[pos - sentence.start :])
    tagged = "".join(parts).replace("\n", " ")
    return _Tagged(tagged, tuple(kept_m), tuple(kept_a), tuple(kept_d), tuple(offsets))


@dataclass(frozen=True, slots=True)
class _Context:
    tagged: _Tagged
    match: re.Match[str]
    earlier: Sequence[Mention]
    asked: Sequence[TextBlock]
    found: Mapping[TextBlock, Sequence[Mention]]
    previous: Mapping[str, list[str]]
    speaker: str | None


def _pairs(rule: RelationRule, ctx: _Context, classes: Classes) -> list[tuple[str, str]]:
    """The (subject, object) pairs one match of a rule gives."""
    subjects = _ends(rule.subject, rule, ctx, classes, subject=True)
    objects = _ends(rule.object, rule, ctx, classes, subject=False)
    if rule.object_pick == "first":
        objects = objects[:1]
    return [(s, o) for s in subjects for o in objects if s != o]


def _ok(iri: str, wanted: Sequence[str], excluded: Sequence[str], classes: Classes) -> bool:
    have = classes(iri)
    if wanted and not any(c in have for c in wanted):
        return False
    return not any(c in have for c in excluded)


def _ends(
    sources: Sequence[str], rule: RelationRule, ctx: _Context, classes: Classes, *, subject: bool
) -> list[str]:
    wanted = rule.subject_classes if subject else rule.object_classes
    excluded = rule.subject_exclude if subject else rule.object_exclude
    tagged, match = ctx.tagged, ctx.match
    out: list[str] = []

    def add(iri: str) -> None:
        if iri not in out and _ok(iri, wanted, excluded, classes):
            out.append(iri)

    for source in sources:
        kind, _, name = source.partition(":")
        if kind == "group":
            for tag in _TAG.finditer(match.group(name) or ""):
                if tag.group(1) == "m":
                    add(tagged.mentions[int(tag.group(2))].entity)
        elif kind == "sentence":
            for m in tagged.mentions:
                add(m.entity)
        elif kind == "after":
            for i, offset in enumerate(tagged.offsets):
                if offset >= match.end():
                    add(tagged.mentions[i].entity)
        elif kind == "anaphor":
            before = [tagged.mentions[i] for i, o in enumerate(tagged.offsets) if o < match.start()]
            for m in reversed([*ctx.earlier, *before]):
                if _ok(m.entity, wanted, excluded, classes):
                    out.append(m.entity)
                    break
        elif kind == "question":
            for question in ctx.asked:
                if rule.question_cue is not None and not rule.question_cue.search(question.text):
                    continue
                for m in ctx.found[question]:
                    add(m.entity)
        elif kind == "previous":
            for iri in ctx.previous.get(rule.predicate, []):
                if iri not in out:
                    out.append(iri)
        elif kind == "speaker":
            if ctx.speaker is not None:
                out.append(ctx.speaker)
        elif kind == "amount":
            for tag in _TAG.finditer(match.group(name) or ""):
                if tag.group(1) == "a":
                    out.append(f"amount:{tagged.amounts[int(tag.group(2))]}")
        elif kind == "date":
            for tag in _TAG.finditer(match.group(name) or ""):
                if tag.group(1) == "d":
                    value = tagged.dates[int(tag.group(2))]
                    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                        out.append(f"date:{value}")
    return out
