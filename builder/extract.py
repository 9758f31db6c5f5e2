"""Find what a document talks about: mentions of entities, and the relations between them.

``extract(document, gazetteer) -> Extraction`` is pure. Steps, in order:

1. match the thesaurus labels in every question, answer and footnote (``gazetteer.py``);
2. learn the document's own labels: abbreviations it defines ("Raad Buitenlandse Zaken
   (RBZ)") and names found by the entity patterns of ``patterns.toml`` ("gemeente X",
   "Wet ...", "...fonds", "motie van het lid X"), minting uncurated entities for unknown names;
3. match again with those labels, so every later mention links to the same entity;
4. resolve references that depend on context: "ik"/"mijn departement" in an answer is the
   answering minister and ministry (from the document's metadata and the thesaurus), "de regio"
   is the one region the question is about, "dit IPCEI" is the last specific IPCEI named;
5. pass on curated thesaurus facts about what is mentioned, and run the relation rules
   (``relations.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kamergraph.builder import patterns as patterns_module
from kamergraph.builder import relations, sentences
from kamergraph.builder.gazetteer import Entry, Gazetteer, Match
from kamergraph.builder.model import Document, Entity, Extraction, Mention, Relation, Span
from kamergraph.builder.patterns import Patterns
from kamergraph.builder.thesaurus import Thesaurus
from kamergraph.builder.vocab import DEFAULT_BASE, KG

_ABBREVIATION = re.compile(r"\(\s*[«\"'“]?(?P<abbr>[^()«»\"'“”\n]{1,20}?)[»\"'”]?\s*\)")
_POSSESSIVE = re.compile(r"['’]s$")
_EXCLUDED_REGION_CLASSES = (str(KG.Country), str(KG.SupranationalRegion))


@dataclass(frozen=True, slots=True)
class TextBlock:
    """A question, answer or footnote, with its sentences (offsets relative to its text)."""

    kind: str  # "question", "answer", "footnote"
    key: str
    numbers: tuple[int, ...]
    span: Span
    sentences: tuple[tuple[int, int], ...]

    @property
    def text(self) -> str:
        return self.span.text


@dataclass(frozen=True, slots=True)
class Speaker:
    role: str | None
    ministry: str | None


def blocks_of(document: Document, patterns: Patterns) -> tuple[TextBlock, ...]:
    out: list[TextBlock] = []
    for kind, items in (("question", document.questions), ("answer", document.answers)):
        for block in items:
            sent = tuple(sentences.split(block.text, patterns.abbreviations))
            out.append(TextBlock(kind, block.key, block.numbers, block.span, sent))
    for note in document.footnotes:
        sent = tuple(sentences.split(note.text, patterns.abbreviations))
        out.append(TextBlock("footnote", str(note.number), (note.number,), note.span, sent))
    return tuple(out)


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


def extract(
    document: Document,
    gazetteer: Gazetteer,
    *,
    base: str = DEFAULT_BASE,
    patterns: Patterns | None = None,
) -> Extraction:
    pats = patterns if patterns is not None else patterns_module.default()
    thesaurus = gazetteer.thesaurus if gazetteer.thesaurus is not None else Thesaurus()
    blocks = blocks_of(document, pats)
    first = {b: gazetteer.match(b.text) for b in blocks}

    minted = _Minted(f"{base}doc/{document.identifier}/entiteit/")
    local: list[Entry] = []
    for block in blocks:
        local += _abbreviations(block, first[block], minted, pats)
    for block in blocks:
        _pattern_entities(block, first[block], minted, pats)
    local += minted.entries()
    linker = gazetteer.with_entries(local) if local else gazetteer

    types = _TypeIndex(thesaurus, minted)
    found: dict[TextBlock, list[Mention]] = {}
    for block in blocks:
        found[block] = [
            Mention(_span(block, m.start, m.end), m.iri, _via(m)) for m in linker.match(block.text)
        ]
    speaker = _speaker(document, gazetteer, thesaurus)
    _context_mentions(blocks, found, speaker, types, pats)
    _demonstratives(blocks, found, types, pats)

    mentions = tuple(
        sorted((m for ms in found.values() for m in ms), key=lambda m: (m.span.start, m.span.end))
    )
    entities = _entities(mentions, thesaurus, minted)
    curated = _curated_facts(entities, thesaurus)
    rels, amount_targets = relations.extract_relations(
        document,
        blocks,
        found,
        types.classes,
        speaker.role,
        pats,
        speaker_ministry=speaker.ministry,
    )
    return Extraction(
        entities=entities,
        mentions=mentions,
        relations=tuple(curated) + tuple(rels),
        amount_targets=tuple(amount_targets),
    )


# --- document-local labels ---------------------------------------------------------------


class _Minted:
    """Entities found by pattern in one document, keyed by IRI."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.entities: dict[str, Entity] = {}
        self.labels: dict[str, list[tuple[str, str]]] = {}  # iri -> (label, kind)

    def add(
        self, label: str, cls: str, pattern: str, aliases: Iterable[str], kind: str = "pattern"
    ) -> str:
        """Mint (or extend) an entity; ``kind`` "local" marks aliases the document defined.
        A name already known by one of these labels ("programma Aanpak Stikstof" after
        "Programma Aanpak Stikstof (PAS)") extends the entity that has it."""
        names = [label, *aliases]
        known = {text.casefold(): iri for iri, items in self.labels.items() for text, _ in items}
        iri = next((known[n.casefold()] for n in names if n.casefold() in known), None)
        if iri is None:
            iri = self.prefix + slug(label)
            self.entities[iri] = Entity(iri, label, (cls,), curated=False, pattern=pattern)
            self.labels[iri] = [(label, "pattern")]
        for name in names:
            if all(name.casefold() != text.casefold() for text, _ in self.labels[iri]):
                self.labels[iri].append((name, kind if name != label else "pattern"))
        return iri

    def entries(self) -> list[Entry]:
        return [
            Entry(iri, text, kind) for iri, items in self.labels.items() for text, kind in items
        ]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _abbreviations(
    block: TextBlock, matches: Sequence[Match], minted: _Minted, pats: Patterns
) -> list[Entry]:
    """Labels a document defines in brackets: "Long Name (ABBR)"."""
    out: list[Entry] = []
    text = block.text
    for m in _ABBREVIATION.finditer(text):
        abbr = _squash(m.group("abbr")).strip(" ,.;:")
        if not _looks_like_abbreviation(abbr):
            continue
        if any(x.start <= m.start("abbr") < x.end for x in matches):
            continue  # already a known label
        sentence_start = max((s for s, _ in block.sentences if s <= m.start()), default=0)
        window = text[sentence_start : m.start()].rstrip()
        short = _POSSESSIVE.sub("", abbr)
        long_start = _long_form(short, window)
        if long_start is None:
            continue
        long_end = sentence_start + len(window)
        long_start += sentence_start
        long_start, long_end = _name_part(text, long_start, long_end, short)
        long_form = _squash(text[long_start:long_end])
        labels = [abbr] if short == abbr else [abbr, short]
        known = [
            x for x in matches if x.end >= long_end - 1 and long_start <= x.start <= long_start + 4
        ]
        if known:
            out += [Entry(known[0].iri, label, "local") for label in labels]
            continue
        inner = [x for x in matches if long_start < x.end and x.start < long_end]
        if any(x.start < long_start or x.end > long_end for x in inner):
            continue  # the long form crosses a name we know
        cls = _head_class(long_form, pats)
        if cls is None or not long_form[:1].isupper():
            continue
        if inner and _head_known(long_form, inner, pats):
            continue  # the head word belongs to a known name: not a new name
        minted.add(long_form, cls, "abbreviation", labels, kind="local")
    return out


def _name_part(text: str, start: int, end: int, short: str) -> tuple[int, int]:
    """Drop trailing lower-case words after a capitalised name ("Bestuurlijk Overleg
    Brainport ingesteld (BO-Brainport)") when the abbreviation still fits without them."""
    words = list(re.finditer(r"\S+", text[start:end]))
    capitalised = [w for w in words if w.group()[:1].isupper()]
    cut = len(words)
    while cut > 1 and not words[cut - 1].group()[:1].isupper():
        cut -= 1
    if cut == len(words) or len(capitalised) < 2 or cut < len(capitalised):
        return start, end
    shorter = text[start : start + words[cut - 1].end()]
    found = _long_form(short, shorter)
    if found is None:
        return start, end
    return start + found, start + words[cut - 1].end()


def _looks_like_abbreviation(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 2 or len(text) > 16:
        return False
    if not any(c.isupper() for c in text) or text.isdigit() or re.search(r"\d{4}", text):
        return False
    return len(words) == 1 or words[0][:1].isupper()


def _long_form(short: str, window: str) -> int | None:
    """Schwartz & Hearst: where the long form of ``short`` starts at the end of ``window``."""
    s_chars = [c.lower() for c in short if c.isalnum()]
    if len(s_chars) < 2:
        return None
    max_words = min(len(s_chars) + 5, len(s_chars) * 2)
    words = list(re.finditer(r"\S+", window))
    if not words:
        return None
    begin = words[max(0, len(words) - max_words)].start()
    long = window[begin:]
    si, li = len(s_chars) - 1, len(long) - 1
    while si >= 0:
        c = s_chars[si]
        while li >= 0 and (
            long[li].lower() != c or (si == 0 and li > 0 and long[li - 1].isalnum())
        ):
            li -= 1
        if li < 0:
            return None
        li -= 1
        si -= 1
    start = long.rfind(" ", 0, li + 1) + 1
    start = max(start, long.rfind("\n", 0, li + 1) + 1)
    return begin + start


def _head_class(name: str, pats: Patterns) -> str | None:
    """The class a name's head word tells: the first word before any preposition that is or
    ends in a known head word ("Commissie Deskundigen Meststoffenwet" is a commission,
    "Nederlandse Zorgautoriteit" an authority), else the first such word after it."""
    words = [w.strip(",.;:()«»").lower() for w in name.split()]
    prepositions = {"van", "voor", "op", "inzake", "tot", "in", "aan", "over", "of"}
    head_part: list[str] = []
    for word in words:
        if word in prepositions:
            break
        head_part.append(word)
    for part in (head_part, words):
        for word in part:
            cls = _word_class(word, pats)
            if cls is not None:
                return cls
    return None


def _word_class(word: str, pats: Patterns) -> str | None:
    best: tuple[int, str] | None = None
    forms = {word, re.sub(r"(en|s|'s|’s)$", "", word)}
    for form in forms:
        for head, cls in pats.head_classes.items():
            if form.endswith(head) and (best is None or len(head) > best[0]):
                best = (len(head), cls)
    return best[1] if best else None


def _sentence_initial(block: TextBlock, offset: int) -> bool:
    return any(start == offset for start, _ in block.sentences) or not block.text[:offset].strip(
        " \t\n«\"'("
    )


def _pattern_entities(
    block: TextBlock, matches: Sequence[Match], minted: _Minted, pats: Patterns
) -> None:
    text = block.text
    lowered = text.lower()
    claimed: list[tuple[int, int]] = []  # earlier patterns in the file take precedence
    for pattern in pats.entities:
        if pattern.contains and not any(word in lowered for word in pattern.contains):
            continue
        for m in pattern.regex.finditer(text):
            group = "name" if "name" in pattern.regex.groupindex else 0
            start, end = m.start(group), m.end(group)
            name = text[start:end]
            if pattern.not_sentence_initial and _sentence_initial(block, start):
                first_word = re.match(r"\S+\s+", name)
                if first_word is None:
                    continue
                start += first_word.end()
                name = text[start:end]
                if sum(1 for w in name.split() if w[:1].isupper()) < 2:
                    continue
            trimmed = _trim(name, pats)
            if not trimmed:
                continue
            start += name.find(trimmed)
            end, name = start + len(trimmed), trimmed
            if any(s < end and start < e for s, e in claimed):
                continue
            overlapping = [x for x in matches if x.start < end and start < x.end]
            if any(
                (x.start <= start and x.end >= end) or x.start < start or x.end > end
                for x in overlapping
            ):
                continue  # a known name, or one that crosses this one's edge
            squashed = _squash(name)
            cls = _head_class(squashed, pats) if pattern.cls == "head" else pattern.cls
            if overlapping and (cls is None or _head_known(squashed, overlapping, pats)):
                continue  # only a longer name around a known one, with a head word of its own
            if overlapping and _only_heads(text[start : min(x.start for x in overlapping)], pats):
                continue  # "Programma <known programme>" is the known programme
            if cls is None:
                continue
            label = pattern.label.format(name=squashed)
            aliases = [a.format(name=squashed) for a in pattern.aliases]
            minted.add(label, cls, pattern.name, aliases)
            claimed.append((m.start(), m.end()))


def _head_known(name: str, inner: Sequence[Match], pats: Patterns) -> bool:
    """Whether the word that gives the name its class lies inside a known name."""
    inner_words = {w.lower() for x in inner for w in x.text.split()}
    return not any(
        _word_class(w.lower(), pats) is not None and w.lower() not in inner_words
        for w in name.split()
    )


def _only_heads(prefix: str, pats: Patterns) -> bool:
    """Whether a name's words before a known name are only head words ("Programma")."""
    words = [w.lower() for w in prefix.split()]
    return all(w in pats.head_classes or w in pats.leading_words for w in words)


def _trim(name: str, pats: Patterns) -> str:
    """Strip connectors and punctuation from the end of a name, articles from its start."""
    first = re.match(r"(\S+)\s+", name)
    if first and first.group(1).lower() in pats.leading_words and len(name.split()) > 1:
        return _trim(name[first.end() :], pats)
    while True:
        stripped = name.rstrip(" \t\n,;:-")
        words = stripped.split()
        if len(words) > 1 and words[-1].lower() in pats.trailing_connectors | pats.stop_words:
            name = stripped[: stripped.rfind(words[-1])]
            continue
        return stripped


def _span(block: TextBlock, start: int, end: int) -> Span:
    offset = block.span.start
    return Span(offset + start, offset + end, block.text[start:end])


def _via(match: Match) -> str:
    return "abbreviation" if match.kind == "local" else "label"


# --- context ----------------------------------------------------------------------------


class _TypeIndex:
    """Classes (with superclasses) and labels of every entity, curated or minted."""

    def __init__(self, thesaurus: Thesaurus, minted: _Minted) -> None:
        self.thesaurus = thesaurus
        self.minted = minted
        self._cache: dict[str, frozenset[str]] = {}

    def classes(self, iri: str) -> frozenset[str]:
        if iri not in self._cache:
            concept = self.thesaurus.concept(iri)
            if concept is not None:
                asserted: Iterable[str] = concept.classes
            elif iri in self.minted.entities:
                asserted = self.minted.entities[iri].types
            else:
                asserted = ()
            self._cache[iri] = self.thesaurus.closure(asserted)
        return self._cache[iri]

    def labels(self, iri: str) -> list[str]:
        concept = self.thesaurus.concept(iri)
        if concept is not None:
            return [label.text for label in concept.labels]
        return [text for text, _ in self.minted.labels.get(iri, [])]


def _speaker(document: Document, gazetteer: Gazetteer, thesaurus: Thesaurus) -> Speaker:
    """The answering minister's role and ministry, from metadata and the thesaurus."""
    candidates: list[str] = []
    if document.answered_by is not None and document.answered_by.role:
        candidates.append(document.answered_by.role)
    if len(document.addressed_to) == 1:
        candidates.append(document.addressed_to[0])
    for text in candidates:
        text = text.strip()
        for m in gazetteer.match(text):
            concept = thesaurus.concept(m.iri)
            if m.start == 0 and m.end == len(text) and concept is not None:
                if not thesaurus.is_a(concept.classes, str(KG.Role)):
                    continue
                ministry = next(
                    (
                        f.object
                        for f in thesaurus.facts_about(m.iri)
                        if f.predicate == str(KG.withinOrganisation)
                    ),
                    None,
                )
                return Speaker(m.iri, ministry)
    return Speaker(None, None)


def _free(mentions: Sequence[Mention], start: int, end: int) -> bool:
    return not any(m.span.start < end and start < m.span.end for m in mentions)


def _context_mentions(
    blocks: Sequence[TextBlock],
    found: dict[TextBlock, list[Mention]],
    speaker: Speaker,
    types: _TypeIndex,
    pats: Patterns,
) -> None:
    region_of: dict[int, str] = {}
    for block in blocks:
        if block.kind != "question":
            continue
        regions = {
            m.entity
            for m in found[block]
            if str(KG.Region) in types.classes(m.entity)
            and not any(c in types.classes(m.entity) for c in _EXCLUDED_REGION_CLASSES)
        }
        if len(regions) == 1:
            region = next(iter(regions))
            for number in block.numbers:
                region_of[number] = region
    for block in blocks:
        for context in pats.contexts:
            if block.kind not in context.blocks:
                continue
            target: str | None
            if context.refers == "speaker-role":
                target = speaker.role
            elif context.refers == "speaker-ministry":
                target = speaker.ministry
            elif context.refers == "question-region":
                target = next((region_of[n] for n in block.numbers if n in region_of), None)
            else:
                target = None
            if target is None:
                continue
            for m in context.regex.finditer(block.text):
                absolute = (block.span.start + m.start(), block.span.start + m.end())
                if _free(found[block], *absolute):
                    found[block].append(
                        Mention(_span(block, m.start(), m.end()), target, "context")
                    )
        found[block].sort(key=lambda m: m.span.start)


def _demonstratives(
    blocks: Sequence[TextBlock],
    found: dict[TextBlock, list[Mention]],
    types: _TypeIndex,
    pats: Patterns,
) -> None:
    """ "dit IPCEI" -> the last entity before it whose label starts with "IPCEI "."""
    history: list[Mention] = []
    for block in blocks:
        updated: list[Mention] = []
        for mention in found[block]:
            before = block.text[: mention.span.start - block.span.start].split()
            if before and before[-1].lower() in pats.demonstratives and mention.via != "context":
                target = _antecedent(mention, [*history, *updated], types)
                if target is not None:
                    mention = Mention(mention.span, target, "context")
            updated.append(mention)
        found[block] = updated
        history.extend(updated)


def _antecedent(mention: Mention, history: Sequence[Mention], types: _TypeIndex) -> str | None:
    prefix = mention.span.text.lower() + " "
    broader = types.thesaurus.broader
    for earlier in reversed(history):
        if earlier.entity == mention.entity:
            continue
        if mention.entity in broader.get(earlier.entity, frozenset()) or any(
            label.lower().startswith(prefix) for label in types.labels(earlier.entity)
        ):
            return earlier.entity
    return None


# --- entities and curated facts -----------------------------------------------------------


def _entities(
    mentions: Sequence[Mention], thesaurus: Thesaurus, minted: _Minted
) -> tuple[Entity, ...]:
    out: dict[str, Entity] = {}
    for mention in mentions:
        iri = mention.entity
        if iri in out:
            continue
        concept = thesaurus.concept(iri)
        if concept is not None:
            out[iri] = Entity(iri, concept.pref_label, concept.classes, curated=True)
        elif iri in minted.entities:
            entity = minted.entities[iri]
            used = {" ".join(m.span.text.split()) for m in mentions if m.entity == iri}
            alt = tuple(sorted(used - {entity.label}))
            out[iri] = Entity(
                iri, entity.label, entity.types, False, pattern=entity.pattern, alt_labels=alt
            )
    return tuple(sorted(out.values(), key=lambda e: e.iri))


def _curated_facts(entities: Sequence[Entity], thesaurus: Thesaurus) -> list[Relation]:
    out: list[Relation] = []
    for entity in entities:
        if not entity.curated:
            continue
        for fact in thesaurus.facts_about(entity.iri):
            out.append(
                Relation(fact.subject, fact.predicate, fact.object, "thesaurus", 1.0, curated=True)
            )
    return out
