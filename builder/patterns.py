"""Load ``builder/patterns.toml`` (entity patterns, context references, relation rules) into
compiled, immutable rules. The knowledge is in the TOML file; this module only compiles it."""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kamergraph.errors import InputError

PATTERNS_FILE = Path(__file__).with_name("patterns.toml")
KG_NS = "https://w3id.org/kamergraph/def#"

_MACRO = re.compile(r"\{(E|LIST|AMOUNT|DATE):(\w+)\}|\{([A-Z]+)\}")


@dataclass(frozen=True, slots=True)
class EntityPattern:
    name: str
    regex: re.Pattern[str]
    cls: str  # class IRI, or "head"
    label: str
    aliases: tuple[str, ...]
    not_sentence_initial: bool = False  # a capitalised first word may just start a sentence
    contains: tuple[str, ...] = ()  # one of these must occur in the lower-cased text


@dataclass(frozen=True, slots=True)
class ContextPattern:
    regex: re.Pattern[str]
    refers: str
    blocks: frozenset[str]


@dataclass(frozen=True, slots=True)
class RelationRule:
    name: str
    predicate: str  # property IRI
    regex: re.Pattern[str]
    subject: tuple[str, ...]
    object: tuple[str, ...]
    subject_classes: tuple[str, ...]
    subject_exclude: tuple[str, ...]
    object_classes: tuple[str, ...]
    object_exclude: tuple[str, ...]
    object_pick: str  # "all" or "first"
    question_cue: re.Pattern[str] | None
    confidence: float
    needs: frozenset[str] = frozenset()  # tags the pattern needs: "m", "a" (amount), "d" (date)


@dataclass(frozen=True)
class Patterns:
    abbreviations: frozenset[str]
    stop_words: frozenset[str]
    trailing_connectors: frozenset[str]
    leading_words: frozenset[str]
    head_classes: Mapping[str, str]
    entities: tuple[EntityPattern, ...]
    contexts: tuple[ContextPattern, ...]
    demonstratives: frozenset[str]
    relations: tuple[RelationRule, ...]


def _kg(name: str) -> str:
    return name if name == "head" or name.startswith("http") else KG_NS + name


def _expand(template: str, macros: Mapping[str, str]) -> str:
    def replace(m: re.Match[str]) -> str:
        kind, group, macro = m.group(1), m.group(2), m.group(3)
        if macro:
            if macro not in macros:
                return m.group(0)
            return _expand(macros[macro], macros)
        if kind == "E":
            return rf"(?P<{group}>⟦m\d+⟧)"
        if kind == "AMOUNT":
            return rf"(?P<{group}>⟦a\d+⟧)"
        if kind == "DATE":
            return rf"(?P<{group}>⟦d\d+⟧)"
        sep = _expand(macros["LISTSEP"], macros)
        art = _expand(macros["ART"], macros)
        return rf"(?P<{group}>⟦m\d+⟧(?:{sep}{art}⟦m\d+⟧)*)"

    return _MACRO.sub(replace, template)


def load(path: Path = PATTERNS_FILE) -> Patterns:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot read patterns: {error}", source=str(path)) from error
    names = data.get("names", {})
    stop = sorted(names.get("stop_words", []), key=len, reverse=True)
    macros = dict(data.get("macros", {}))
    macros["STOP"] = "|".join(re.escape(w) for w in stop)
    try:
        entities = tuple(
            EntityPattern(
                name=e["pattern"],
                regex=re.compile(_expand(e["regex"], macros)),
                cls=_kg(e["class"]),
                label=e.get("label", "{name}"),
                aliases=tuple(e.get("aliases", ())),
                not_sentence_initial=bool(e.get("not_sentence_initial", False)),
                contains=tuple(w.lower() for w in e.get("contains", ())),
            )
            for e in data.get("entity", [])
        )
        contexts = tuple(
            ContextPattern(re.compile(c["regex"]), c["refers"], frozenset(c["blocks"]))
            for c in data.get("context", [])
        )
        relations = tuple(
            _with_needs(
                RelationRule(
                    name=r["name"],
                    predicate=_kg(r["predicate"]),
                    regex=re.compile(_expand(r["pattern"], macros)),
                    subject=tuple(r["subject"]),
                    object=tuple(r["object"]),
                    subject_classes=tuple(_kg(c) for c in r.get("subject_classes", ())),
                    subject_exclude=tuple(_kg(c) for c in r.get("subject_exclude", ())),
                    object_classes=tuple(_kg(c) for c in r.get("object_classes", ())),
                    object_exclude=tuple(_kg(c) for c in r.get("object_exclude", ())),
                    object_pick=r.get("object_pick", "all"),
                    question_cue=re.compile(_expand(r["question_cue"], macros))
                    if r.get("question_cue")
                    else None,
                    confidence=float(r.get("confidence", 0.5)),
                )
            )
            for r in data.get("relation", [])
        )
    except (KeyError, re.error) as error:
        raise InputError(f"bad pattern: {error}", source=str(path)) from error
    return Patterns(
        abbreviations=frozenset(
            a.lower() for a in data.get("sentences", {}).get("abbreviations", [])
        ),
        stop_words=frozenset(stop),
        trailing_connectors=frozenset(names.get("trailing_connectors", [])),
        leading_words=frozenset(w.lower() for w in names.get("leading_words", [])),
        head_classes={k.lower(): _kg(v) for k, v in names.get("head_classes", {}).items()},
        entities=entities,
        contexts=contexts,
        demonstratives=frozenset(data.get("coreference", {}).get("demonstratives", [])),
        relations=relations,
    )


def _with_needs(rule: RelationRule) -> RelationRule:
    needs = frozenset(kind for kind in "mad" if f"⟦{kind}" in rule.regex.pattern)
    return dataclasses.replace(rule, needs=needs)


@functools.cache
def default() -> Patterns:
    return load()
