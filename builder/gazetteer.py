"""A matcher built from labels: find every label of every concept in a text.

The gazetteer is data with canonical ids: its entries come from the thesaurus labels (or from
labels a document defines for itself), never from names in code. ``match(text)`` is pure and
deterministic: the longest match wins, then the earliest; matches never overlap.

How a label matches (Dutch usage):

* Diacritics never matter ("Armenie" = "Armenië"); curly and straight apostrophes and all
  dashes are the same.
* Words are whole tokens, so "MIT" is not found in "mitigatie". A hyphen between words is the
  same as a space ("BO-Brainport" = "BO Brainport"), and a hyphenated label also matches its
  joined form ("Micro-elektronica" = "Microelektronica").
* Case: a lower-case word matches in any case ("innovatiekrediet", "Innovatiekrediet");
  in a label of several words every ordinary word does too ("het ministerie van OCW");
  a capitalised single word keeps its capital ("Horizon", not "horizon"); abbreviations
  (all capitals, or two capitals or more: "MIT", "PAS", "EU", "NZa", "MIenW") match exactly,
  so "pas" the adverb is not PAS.
* A leading article is optional: a label "het Nationaal Groeifonds" also matches without "het".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kamergraph.builder.thesaurus import Thesaurus

KIND_ORDER = {"pref": 0, "alt": 1, "local": 2, "pattern": 3, "hidden": 4}
ARTICLES = frozenset({"de", "het", "the", "een"})

# case modes of a label token
INSENSITIVE, EXACT, CAPITAL = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Entry:
    """One label of one entity."""

    iri: str
    label: str
    kind: str = "alt"  # "pref", "alt", "hidden", "local" (defined in the document), "pattern"


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    iri: str
    label: str  # the label that matched
    kind: str
    alternatives: tuple[str, ...] = ()  # other entities with the same label


def _fold_char(char: str) -> str:
    if char in "\u2019\u2018\u02bc`\u00b4":
        return "'"
    if char in "\u2010\u2011\u2012\u2013\u2014\u2212\u00ad":
        return "-"
    base = unicodedata.normalize("NFD", char)[:1]
    return base if len(base) == 1 else char


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x80, 0x2400):
        char = chr(code)
        folded = _fold_char(char)
        if folded != char:
            table[code] = folded
    return table


_FOLD_TABLE = _build_fold_table()
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|&|\+")


def fold(text: str) -> str:
    """Remove diacritics and unify apostrophes and dashes; keeps length and case."""
    return text.translate(_FOLD_TABLE)


def _lower(token: str) -> str:
    low = token.lower()
    return low if len(low) == len(token) else token


_IGNORED_IN_GAP = re.compile(r"[\s-]+")


def _gap(text: str) -> str:
    """What lies between two tokens, for comparison: spaces and hyphens do not count."""
    return "" if text == " " else _IGNORED_IN_GAP.sub("", text)


@dataclass(frozen=True, slots=True)
class _Pattern:
    lowers: tuple[str, ...]
    exacts: tuple[str, ...]
    modes: tuple[int, ...]
    gaps: tuple[str, ...]
    entries: tuple[Entry, ...]


def _token_modes(tokens: Sequence[str]) -> tuple[int, ...]:
    def uppers(token: str) -> int:
        return sum(1 for c in token if c.isupper())

    if len(tokens) == 1:
        token = tokens[0]
        count = uppers(token)
        if count == 0:
            return (INSENSITIVE,)
        if count == 1 and token[0].isupper() and len(token) > 1:
            return (CAPITAL,)
        return (EXACT,)
    return tuple(
        EXACT if (uppers(t) >= 2 or (t.isupper() and len(t) <= 2)) else INSENSITIVE for t in tokens
    )


def _variants(label: str) -> list[str]:
    """The label, without a leading article, and hyphenated words joined."""
    out = [label]
    words = label.split()
    if len(words) > 1 and words[0].lower() in ARTICLES:
        out.append(" ".join(words[1:]))
    for variant in list(out):
        if re.search(r"[^\W\d_]-[^\W\d_]", fold(variant)):
            out.append(re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", fold(variant)))
    return out


Tokens = tuple[tuple[tuple[int, int], ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@functools.lru_cache(maxsize=512)
def _tokenise(text: str) -> Tokens:
    """Token offsets, exact (folded) forms, lower-case forms, and the gaps between tokens.
    Cached: extraction matches each block twice (before and after learning its labels)."""
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    exacts: list[str] = []
    for m in _TOKEN.finditer(folded):
        spans.append((m.start(), m.end()))
        exacts.append(m.group())
    lowers = [_lower(t) for t in exacts]
    gaps = [_gap(folded[spans[i][1] : spans[i + 1][0]]) for i in range(len(spans) - 1)]
    return tuple(spans), tuple(exacts), tuple(lowers), tuple(gaps)


class Gazetteer:
    """Labels indexed by their first word; ``match`` walks the text's words once."""

    def __init__(
        self,
        entries: Iterable[Entry],
        *,
        thesaurus: Thesaurus | None = None,
        parent: Gazetteer | None = None,
    ) -> None:
        if thesaurus is None and parent is not None:
            thesaurus = parent.thesaurus
        self.thesaurus: Thesaurus | None = thesaurus
        self.parent = parent
        grouped: dict[
            tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[str, ...]], set[Entry]
        ] = defaultdict(set)
        for entry in entries:
            for variant in _variants(entry.label):
                _, exacts, lowers, gaps = _tokenise(variant)
                if not exacts:
                    continue
                key = (tuple(lowers), tuple(exacts), _token_modes(exacts), tuple(gaps))
                grouped[key].add(entry)
        # keyed by the first two words ("" as second word for one-word labels)
        index: dict[tuple[str, str], list[_Pattern]] = defaultdict(list)
        for (lowers_t, exacts_t, modes, gaps_t), group in grouped.items():
            ordered = tuple(sorted(group, key=lambda e: (KIND_ORDER.get(e.kind, 9), e.iri)))
            key2 = (lowers_t[0], lowers_t[1] if len(lowers_t) > 1 else "")
            index[key2].append(_Pattern(lowers_t, exacts_t, modes, gaps_t, ordered))
        for patterns in index.values():
            patterns.sort(key=lambda p: (-len(p.lowers), p.lowers, p.exacts))
        self._index = dict(index)
        self._chain: list[dict[tuple[str, str], list[_Pattern]]] = [
            *(parent._chain if parent is not None else []),
            self._index,
        ]
        self._firsts: frozenset[str] = frozenset(first for first, _ in self._index) | (
            parent._firsts if parent is not None else frozenset()
        )
        self.size = len(grouped)

    @classmethod
    def from_thesaurus(cls, thesaurus: Thesaurus) -> Gazetteer:
        entries = [
            Entry(concept.iri, label.text, label.kind)
            for concept in thesaurus.concepts
            for label in concept.labels
        ]
        return cls(entries, thesaurus=thesaurus)

    def with_entries(self, entries: Iterable[Entry]) -> Gazetteer:
        """A gazetteer that knows these labels as well (e.g. a document's own abbreviations)."""
        return Gazetteer(entries, parent=self)

    def _patterns(self, first: str, second: str | None) -> list[_Pattern]:
        found: list[_Pattern] = []
        for index in self._chain:
            if second is not None:
                found += index.get((first, second), ())
            found += index.get((first, ""), ())
        return found

    def match(self, text: str) -> list[Match]:
        spans, exacts, lowers, gaps = _tokenise(text)
        candidates: list[tuple[int, int, _Pattern, list[Entry]]] = []
        n = len(lowers)
        for i in range(n):
            best: _Pattern | None = None
            entries: list[Entry] = []
            if lowers[i] not in self._firsts:
                continue
            for pattern in self._patterns(lowers[i], lowers[i + 1] if i + 1 < n else None):
                k = len(pattern.lowers)
                if best is not None and k < len(best.lowers):
                    continue
                if i + k > n or not _fits(pattern, exacts, lowers, gaps, i):
                    continue
                if best is None or k > len(best.lowers):
                    best, entries = pattern, list(pattern.entries)
                else:
                    entries.extend(pattern.entries)
            if best is not None:
                start, end = spans[i][0], spans[i + len(best.lowers) - 1][1]
                candidates.append((start, end, best, entries))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int]] = []
        chosen: list[Match] = []
        for start, end, _pattern, entries in candidates:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            ordered = sorted(set(entries), key=lambda e: (KIND_ORDER.get(e.kind, 9), e.iri))
            first = ordered[0]
            others = tuple(dict.fromkeys(e.iri for e in ordered if e.iri != first.iri))
            chosen.append(
                Match(start, end, text[start:end], first.iri, first.label, first.kind, others)
            )
        chosen.sort(key=lambda m: m.start)
        return chosen


def _fits(
    pattern: _Pattern, exacts: Sequence[str], lowers: Sequence[str], gaps: Sequence[str], i: int
) -> bool:
    for j, (low, exact, mode) in enumerate(
        zip(pattern.lowers, pattern.exacts, pattern.modes, strict=True)
    ):
        token = exacts[i + j]
        if lowers[i + j] != low:
            return False
        if mode == EXACT and token != exact:
            return False
        if mode == CAPITAL and token[0] != exact[0]:
            return False
        if j and gaps[i + j - 1] != pattern.gaps[j - 1]:
            return False
    return True
