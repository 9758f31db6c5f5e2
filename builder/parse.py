"""Parsing: from decoded text to the ``Document`` model.

``parse_document`` is pure (no I/O); ``parse_file`` reads a file first. The steps:

1. Choose the layout: "Vraag N" headings, or numbered questions (a bare number line, "1."
   or "1. Question text …"; answers behind an "Antwoord" line or unlabelled).
2. ``normalize`` the text (furniture, footnote blocks, markers; see ``normalize.py``).
3. Walk the body lines and cut them into the preamble and question and answer blocks.
   Combined headings ("Vraag 4 en 5", "Vraag 2, 3") give one block with several numbers. An
   "Antwoord N" without a question N, following an answer whose text runs over a page break,
   means the heading of question N was lost in extraction: the text after the last page
   break is recovered as question N, flagged ``incomplete``, with a warning.
4. Assemble ``Document.text``: the preamble, then every block under its heading line, then a
   final section "Voetnoten" with one line per footnote. Question, answer and footnote texts
   are spans of that text; no page furniture or footnote text stays inside a block.
5. Read the metadata from the preamble and the references from the text (``references.py``).

The identifier: one given by the caller wins; otherwise one the text carries (an ah-tk or
kst id in a running footer, "h tk 20232024 387", or the Aanhangsel number under its
"Vergaderjaar"); otherwise ``doc-`` followed by the first 16 hex digits of the SHA-256 of the
decoded text with all whitespace runs collapsed to one space (stable across line-ending and
re-wrapping changes).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kamergraph.builder import references
from kamergraph.builder.model import (
    KIND_AANHANGSEL,
    KIND_QA_LIST,
    Answer,
    Asker,
    Block,
    Document,
    Footnote,
    Person,
    Question,
    Signatory,
    Span,
    SubjectLetter,
)
from kamergraph.builder.normalize import (
    MARKER_RE,
    PAGE_BREAK,
    Line,
    Normalized,
    join_lines,
    normalize,
    preclean,
    read_text,
)

from kamergraph.errors import NoQuestionsError

# --- headings ---------------------------------------------------------------------------------

_NUMS = r"(?P<nums>\d{1,3}(?:\s*(?:,|en|&|t/m|tot en met)\s*\d{1,3})*)"
_AFTER = r"(?:\s*[:.)]\s*|\s+(?=[A-Z«“\"‘(])|\s*$)(?P<rest>.*)$"
Q_HEAD_RE = re.compile(r"^(?:Vraag|Vragen|VRAAG|VRAGEN)\s+(?:nr\.?\s*)?" + _NUMS + _AFTER)
A_HEAD_RE = re.compile(
    r"^(?:Antwoord|ANTWOORD)(?:\s+(?:op|bij|OP)\s+(?:de\s+)?(?:vraag|vragen|VRAAG|VRAGEN))?"
    r"(?:\s+(?:nr\.?\s*)?" + _NUMS + r")?" + _AFTER
)
N_HEAD_RE = re.compile(
    r"^(?P<nums>\d{1,3})(?:\s*[.)]?\s*$|[.)]\s+(?P<rest>\S.*)$|\s+(?P<rest2>[A-Z«“\"‘(].*)$)"
)
_VRAAG_RE = re.compile(r"Vraag\s+\d{1,3}\b")
_BEFORE_VRAAG_RE = re.compile(r"(?:^|[\n.?!»”\d] ?)[\s#*_]*$")


def _has_vraag_headings(text: str) -> bool:
    """Whether "Vraag N" starts a line or follows a sentence end somewhere in the text."""
    for m in _VRAAG_RE.finditer(text):
        if _BEFORE_VRAAG_RE.search(text, max(0, m.start() - 12), m.start()):
            return True
    return False


@dataclass
class _Block:
    kind: str  # "q" or "a"
    numbers: tuple[int, ...]
    heading: str
    lines: list[Line] = field(default_factory=list)
    incomplete: bool = False


def _numbers(text: str) -> tuple[int, ...]:
    return references.parse_numbers(text)


def _cut_blocks(
    norm: Normalized, numbered: bool, warnings: list[str]
) -> tuple[list[Line], list[_Block]]:
    preamble: list[Line] = []
    blocks: list[_Block] = []
    asked: dict[tuple[int, ...], _Block] = {}
    asked_numbers: set[int] = set()
    answered_numbers: set[int] = set()
    last_q = 0
    current: _Block | None = None

    def open_block(kind: str, numbers: tuple[int, ...], heading: str, rest: str | None) -> _Block:
        nonlocal current
        block = _Block(kind, numbers, heading.strip())
        (asked_numbers if kind == "q" else answered_numbers).update(numbers)
        if rest and rest.strip():
            block.lines.append(rest.strip())
        blocks.append(block)
        current = block
        return block

    for index, line in enumerate(norm.lines):
        if line is PAGE_BREAK:
            (current.lines if current else preamble).append(PAGE_BREAK)
            continue
        s = line.strip()
        m = Q_HEAD_RE.match(s) if s[:1] in "VvQ" else None
        if m is None and numbered and s[:1].isdigit():
            m = N_HEAD_RE.match(s)
        if m:
            nums = _numbers(m.group("nums"))
            strict = m.re is N_HEAD_RE
            ok = nums and (nums[0] == last_q + 1 if strict else nums[0] > last_q)
            if strict and m.group("rest2") is not None:
                # "1 Welke lessen …?": only where a new question can start, and it asks
                ok = ok and (current is None or current.kind == "a") and _asks(norm.lines, index)
            if ok:
                rest = m.group("rest") if not strict else (m.group("rest") or m.group("rest2"))
                heading = s[: len(s) - len(rest)] if rest else s
                asked[nums] = open_block("q", nums, heading, rest)
                last_q = max(nums)
                continue
        m = A_HEAD_RE.match(s) if s[:1] in "Aa" else None
        if m:
            rest = m.group("rest")
            heading = s[: len(s) - len(rest)] if rest else s
            if m.group("nums"):
                nums = _numbers(m.group("nums"))
            elif current is not None and current.kind == "q":
                nums = current.numbers
            else:
                nums = ()
            if (
                nums
                and current is not None
                and current.kind == "q"
                and set(nums) == set(current.numbers)
            ):
                open_block("a", current.numbers, heading, rest)
                continue
            if nums and set(nums) <= asked_numbers and not set(nums) & answered_numbers:
                # answers after all questions, or grouped differently from the questions
                open_block("a", nums, heading, rest)
                continue
            if nums and nums[0] > last_q:
                lost = _recover_lost_question(current, nums)
                if lost is not None:
                    blocks.append(lost)
                    asked[nums] = lost
                    asked_numbers.update(nums)
                    warnings.append(
                        f"question {lost_key(nums)}: heading lost in extraction; the text "
                        "after the page break is kept as the question, marked incomplete"
                    )
                else:
                    warnings.append(f"answer {lost_key(nums)} has no question")
                last_q = max(nums)
                open_block("a", nums, heading, rest)
                continue
        if current is None:
            preamble.append(line)
        else:
            current.lines.append(line)

    if numbered and blocks and not any(b.kind == "a" for b in blocks):
        blocks = _split_unlabelled(blocks)
    answered = {n for b in blocks if b.kind == "a" for n in b.numbers}
    for b in blocks:
        if b.kind == "q" and not set(b.numbers) <= answered:
            warnings.append(f"question {lost_key(b.numbers)} has no answer")
    return preamble, blocks


def _asks(lines: Sequence[Line], index: int) -> bool:
    """Whether the paragraph starting at ``lines[index]`` holds a question mark."""
    for line in lines[index : index + 12]:
        if line is None or not line.strip():
            return False
        if "?" in line:
            return True
    return False


def lost_key(numbers: Sequence[int]) -> str:
    return " en ".join(str(n) for n in numbers)


def _recover_lost_question(current: _Block | None, nums: tuple[int, ...]) -> _Block | None:
    if current is None or current.kind != "a" or PAGE_BREAK not in current.lines:
        return None
    cut = max(i for i, line in enumerate(current.lines) if line is PAGE_BREAK)
    tail = current.lines[cut + 1 :]
    if not any(line and line.strip() for line in tail):
        return None
    del current.lines[cut:]
    return _Block("q", nums, "", list(tail), incomplete=True)


def _split_unlabelled(blocks: list[_Block]) -> list[_Block]:
    """Numbered questions with unlabelled answers: the question is the first paragraph."""
    out: list[_Block] = []
    for b in blocks:
        lines = b.lines
        cut = None
        seen_text = False
        for i, line in enumerate(lines):
            if line is not None and line.strip():
                seen_text = True
            elif seen_text and line is not None:
                cut = i
                break
        if cut is None:
            for i, line in enumerate(lines):
                if line and line.rstrip().endswith("?") and i + 1 < len(lines):
                    cut = i + 1
        if cut is None:
            out.append(b)
            continue
        out.append(_Block("q", b.numbers, b.heading, lines[:cut]))
        out.append(_Block("a", b.numbers, "", lines[cut:]))
    return out


# --- assembling the clean text ----------------------------------------------------------------

_SENTENCE_END = tuple('.?!:;»”"')


def _paragraphs(lines: Sequence[Line]) -> list[list[str]]:
    paras: list[list[str]] = [[]]
    pending_break = False
    for line in lines:
        if line is PAGE_BREAK:
            pending_break = True
            continue
        if not line.strip():
            if paras[-1]:
                paras.append([])
            continue
        if pending_break:
            pending_break = False
            filled = [p for p in paras if p]
            if filled:
                prev = MARKER_RE.sub("", filled[-1][-1]).rstrip()
                first = line.lstrip()[:1]
                if not prev.endswith(_SENTENCE_END) or first.islower() or first in "(,;":
                    while not paras[-1]:
                        paras.pop()
                    paras[-1].append(line)
                    continue
            if paras[-1]:
                paras.append([])
        paras[-1].append(line)
    return [p for p in paras if p]


class _Text:
    """Builds ``Document.text`` piece by piece, turning marker sentinels into offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.markers: list[tuple[int, int]] = []  # (footnote number, offset)

    def add(self, text: str) -> Span:
        start = self.length
        pieces = []
        last = 0
        removed = 0
        for m in MARKER_RE.finditer(text):
            pieces.append(text[last : m.start()])
            self.markers.append((int(m.group(1)), start + m.start() - removed))
            removed += m.end() - m.start()
            last = m.end()
        pieces.append(text[last:])
        clean = "".join(pieces)
        self.parts.append(clean)
        self.length += len(clean)
        return Span(start, self.length, clean)

    def value(self) -> str:
        return "".join(self.parts)


def _block_text(lines: Sequence[Line], norm: Normalized, flat: bool) -> str:
    paras = _paragraphs(lines)
    texts = []
    for para in paras:
        joined = join_lines(para, norm.vocabulary, flat=flat)
        if joined:
            texts.append(joined)
    return "\n\n".join(texts)


# --- metadata ---------------------------------------------------------------------------------

_ROLE = r"(?:Minister(?:-president)?|Staatssecretaris|minister|staatssecretaris)"
_MEMBER_RE = re.compile(
    r"Vragen van (?:het lid|de leden) (?P<member>[^()]{1,80}?)\s*\((?P<party>[^()]{1,60})\)"
    r"(?P<others>(?>\s*(?:,|\ben\b)\s*[^(),]{1,80}\([^()]{1,60}\))*)"
    r"\s+aan (?:de |het )?(?P<to>.{1,400}?)\s+over\s+(?P<subject>.{1,2000}?)\s*"
    r"\(ingezonden (?P<date>[^)]{1,40})\)",
    re.DOTALL,
)
_ANSWERED_RE = re.compile(
    r"Antwoord (?:van|mede namens) (?:de )?(?P<title>" + _ROLE + r")\s+(?P<name>[^()]{1,80}?)\s*"
    r"\((?P<portfolio>[^()]{1,120})\)[^()]{0,200}(?:\((?!ontvangen)[^()]{0,120}\)[^()]{0,200}){0,4}"
    r"\(ontvangen (?P<date>[^)]{1,40})\)"
)
_SUBMITTED_RE = re.compile(r"\(ingezonden (?P<date>[^)]+)\)")
_RECEIVED_RE = re.compile(r"\(ontvangen (?P<date>[^)]+)\)")
_CO_ASKER_RE = re.compile(r"(?:,|\ben\b)\s*(?P<name>[^(),]+?)\s*\((?P<party>[^()]+)\)")
_KST_HEADER_RE = re.compile(
    r"(?:Vergaderjaar \d{4}\s?[–-]\s?\d{4}\s+|^\s*)"
    r"(?P<dos>\d{2} ?\d{3})(?:-(?P<sub>[A-Z0-9]{1,6}))?"
    r"(?: (?P<toev>[A-Z]{1,6}|[IVXLC]{1,6})(?![\w-]))?\s.{0,300}?\bNr\. ?(?P<nr>\d+)\s+"
    r"(?P<kind>LIJST VAN VRAGEN EN ANTWOORDEN|Lijst van vragen en antwoorden)"
)
_COMMITTEE_RE = re.compile(
    r"(?:De|de) (?P<committee>(?:vaste |algemene |tijdelijke )?commissie (?:voor|van) .{1,200}?) "
    r"heeft (?:een aantal |enkele )?vragen(?: en opmerkingen)? voorgelegd aan (?:de |het )?"
    r"(?P<to>.{1,400}?)\s+over\s+(?P<subject>.{1,2000}?)(?<!nr)(?:\.\s|\.$)",
    re.DOTALL,
)
_LETTER_RE = re.compile(
    r"(?:de |het )?(?P<what>brief|notitie|nota|rapport|verslag|Kamerbrief)\s+van\s+"
    r"(?P<date>\d{1,2}\s+\w+\s+\d{4})\s+(?:inzake|over|betreffende)\s+(?P<title>.+?)\s*"
    r"(?:\((?P<cite>[^()]*nr\.[^()]*)\))?\s*$",
    re.DOTALL,
)
_ANSWERED_BY_LETTER_RE = re.compile(
    r"heeft deze vragen beantwoord bij brief van (?P<date>\d{1,2}\s+\w+\s+\d{4})"
)
_ADOPTED_RE = re.compile(r"[Vv]astgesteld(?: op)? (?P<date>\d{1,2}\s+\w+\s+\d{4})")
_SEE_ALSO_RE = re.compile(r"Zie ook (?P<refs>.{1,300}?)(?=(?:\.\s*(?:[A-Z]|$))|\n|$)")
_SIGN_ROLE_RE = re.compile(
    r"^(?:De |de )?(?P<role>voorzitter|[Aa]djunct-griffier|griffier|Griffier|Voorzitter)"
    r"(?: van de (?:vaste |algemene )?commissie)?,?\s*(?P<name>.*)$"
)
_VERGADERJAAR_NR_RE = re.compile(
    r"Vergaderjaar (?P<y1>\d{4})\s?[–-]\s?(?P<y2>\d{4})\s+Aanhangsel van de Handelingen"
    r"[\s*#]+Vragen gesteld door de leden der Kamer, met de daarop door de[\s*#]+regering "
    r"gegeven antwoorden[\s*#]+(?P<nr>\d+)\b"
)
# Looser form of the same header, in any order: the Vergaderjaar anywhere in an Aanhangsel's
# preamble, the number on a line of its own before "Vragen van ..." (the last such line, since
# a page number may stand above it).
_VERGADERJAAR_RE = re.compile(r"Vergaderjaar (?P<y1>\d{4})\s?[–-]\s?(?P<y2>\d{4})")
_NUMBER_LINE_RE = re.compile(r"^[\s#*]*(?P<nr>\d{1,5})[\s*]*$")


def _split_roles(to: str) -> tuple[str, ...]:
    """ "de Ministers van A en voor B" -> ("Minister van A", "Minister voor B")."""
    to = " ".join(to.split())
    to = re.sub(r"^(?:de|het)\s+", "", to)
    roles: list[str] = []
    for part in re.split(r",?\s+en\s+(?:de|het)\s+|;\s*", to):
        plural = re.match(r"^(Ministers|Staatssecretarissen)\s+(.*)$", part)
        if plural:
            singular = "Minister" if plural.group(1) == "Ministers" else "Staatssecretaris"
            for piece in re.split(r"\s+en\s+(?=(?:van|voor)\s)", plural.group(2)):
                roles.append(f"{singular} {piece.strip()}")
        else:
            roles.append(part.strip())
    return tuple(r[0].upper() + r[1:] for r in roles if r)


def _answered_role(title: str, portfolio: str, addressed: Sequence[str]) -> str:
    title = title[0].upper() + title[1:]
    portfolio = " ".join(portfolio.split())
    for role in addressed:
        if role.startswith(title) and role.endswith(portfolio):
            return role
    return f"{title} van {portfolio}"


@dataclass
class _Meta:
    kind: str = KIND_QA_LIST
    subject: str | None = None
    asked_by: Asker | None = None
    addressed_to: tuple[str, ...] = ()
    answered_by: Person | None = None
    submitted_on: str | None = None
    answered_on: str | None = None
    adopted_on: str | None = None
    subject_letter: SubjectLetter | None = None
    signed_by: tuple[Signatory, ...] = ()
    see_also: tuple[str, ...] = ()
    identifier: str | None = None


def _metadata(preamble_lines: Sequence[str], preamble: str) -> _Meta:
    meta = _Meta()
    flat = " ".join(preamble.split())
    if "Aanhangsel van de Handelingen" in flat or _MEMBER_RE.search(flat):
        meta.kind = KIND_AANHANGSEL
    m = _VERGADERJAAR_NR_RE.search(flat)
    if m:
        meta.identifier = f"ah-tk-{m.group('y1')}{m.group('y2')}-{m.group('nr')}"
    elif meta.kind == KIND_AANHANGSEL and (year := _VERGADERJAAR_RE.search(flat)):
        numbers = []
        for line in preamble_lines:
            if "Vragen van" in line:
                break
            if number := _NUMBER_LINE_RE.match(line):
                numbers.append(number.group("nr"))
        if numbers:
            meta.identifier = f"ah-tk-{year.group('y1')}{year.group('y2')}-{numbers[-1]}"
    m = _KST_HEADER_RE.search(flat)
    if m:
        parts = [m.group("dos").replace(" ", ""), m.group("sub"), m.group("toev"), m.group("nr")]
        meta.identifier = "kst-" + "-".join(p for p in parts if p)
    m = _MEMBER_RE.search(flat)
    if m:
        members = [m.group("member").strip()]
        party = m.group("party").strip()
        shared = re.match(r"(?:beiden|allen|beide|alle)\s+(.+)$", party)
        if shared:  # "de leden Kröger en Bromet (beiden GroenLinks)"
            party = shared.group(1)
            members = [p for p in re.split(r",\s*|\s+en\s+", members[0]) if p]
        co_askers = tuple(Person(name=name, party=party) for name in members[1:]) + tuple(
            Person(name=c.group("name").strip(), party=c.group("party").strip())
            for c in _CO_ASKER_RE.finditer(m.group("others") or "")
        )
        meta.asked_by = Asker(member=members[0], party=party, co_askers=co_askers)
        meta.addressed_to = _split_roles(m.group("to"))
        meta.subject = m.group("subject").strip()
        meta.submitted_on = references.parse_dutch_date(m.group("date"))
    m = _ANSWERED_RE.search(flat)
    if m:
        role = _answered_role(m.group("title"), m.group("portfolio"), meta.addressed_to)
        meta.answered_by = Person(name=m.group("name").strip(), role=role)
        meta.answered_on = references.parse_dutch_date(m.group("date"))
    m = _COMMITTEE_RE.search(flat)
    if m:
        meta.kind = KIND_QA_LIST if meta.asked_by is None else meta.kind
        if meta.asked_by is None:
            meta.asked_by = Asker(committee=" ".join(m.group("committee").split()))
            meta.addressed_to = _split_roles(m.group("to"))
            subject = m.group("subject").strip()
            meta.subject = subject
            letter = _LETTER_RE.match(subject)
            if letter:
                cites = references.find_citations(letter.group("cite") or "")
                meta.subject_letter = SubjectLetter(
                    identifier=cites[0].identifier if cites else None,
                    date=references.parse_dutch_date(letter.group("date")),
                    title=" ".join(letter.group("title").split()),
                )
    if meta.submitted_on is None and (m := _SUBMITTED_RE.search(flat)):
        meta.submitted_on = references.parse_dutch_date(m.group("date"))
    if meta.answered_on is None and (m := _RECEIVED_RE.search(flat)):
        meta.answered_on = references.parse_dutch_date(m.group("date"))
    m = _ANSWERED_BY_LETTER_RE.search(flat)
    if m and meta.answered_on is None:
        meta.answered_on = references.parse_dutch_date(m.group("date"))
    m = _ADOPTED_RE.search(flat)
    if m:
        meta.adopted_on = references.parse_dutch_date(m.group("date"))
    see_also: list[str] = []
    for m in _SEE_ALSO_RE.finditer(flat):
        see_also.extend(c.identifier for c in references.find_citations(m.group("refs")))
    meta.see_also = tuple(dict.fromkeys(see_also))
    signatories = []
    lines = [line.strip() for line in preamble_lines if line and line.strip()]
    for i, line in enumerate(lines):
        m = _SIGN_ROLE_RE.match(line)
        if not m:
            continue
        name = m.group("name").strip()
        if not name and i + 1 < len(lines):
            name = lines[i + 1]
        if name and len(name.split()) <= 5 and not name.endswith((".", ",")):
            signatories.append(Signatory(role=m.group("role").lower(), name=name))
    meta.signed_by = tuple(signatories)
    return meta


# --- the whole stage --------------------------------------------------------------------------


def content_identifier(text: str) -> str:
    digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
    return f"doc-{digest[:16]}"


def parse_document(text: str, *, source: str, identifier: str | None = None) -> Document:
    """Parse decoded text into a Document. Raises ``NoQuestionsError`` when no question or
    answer is recognisable."""
    warnings: list[str] = []
    clean = preclean(text)
    numbered = not _has_vraag_headings(clean)
    norm = normalize(clean, numbered_layout=numbered, precleaned=True)
    preamble_lines, raw_blocks = _cut_blocks(norm, numbered, warnings)
    if not raw_blocks:
        raise NoQuestionsError("no recognisable questions or answers", source=source)
    flat = bool(norm.flat_lines)

    out = _Text()
    preamble_paras = _block_text(preamble_lines, norm, flat)
    preamble_span = out.add(preamble_paras) if preamble_paras else Span(0, 0, "")
    questions: list[Question] = []
    answers: list[Answer] = []
    block_markers: list[tuple[Block, int, int]] = []
    for raw in raw_blocks:
        if out.length:
            out.add("\n\n")
        heading = raw.heading or ("Vraag " if raw.kind == "q" else "Antwoord ") + lost_key(
            raw.numbers
        )
        if raw.incomplete:
            heading += " [kop verloren gegaan]"
        out.add(heading + "\n")
        first_marker = len(out.markers)
        span = out.add(_block_text(raw.lines, norm, flat))
        cls = Question if raw.kind == "q" else Answer
        block = cls(numbers=raw.numbers, span=span, incomplete=raw.incomplete)
        if not span.text:
            label = "question" if raw.kind == "q" else "answer"
            warnings.append(f"{label} {lost_key(raw.numbers)} is empty")
        block_markers.append((block, first_marker, len(out.markers)))
    body_markers = list(out.markers)

    footnotes: list[Footnote] = []
    if norm.footnotes:
        out.add("\n\nVoetnoten\n")
        marker_at: dict[int, int] = {}
        for number, offset in body_markers:
            marker_at.setdefault(number, offset)
        for k, raw_note in enumerate(norm.footnotes):
            if k:
                out.add("\n")
            out.add(f"{raw_note.number} ")
            note_text = join_lines(raw_note.lines, norm.vocabulary, flat=flat)
            note_span = out.add(MARKER_RE.sub("", note_text))
            urls = tuple(
                u.rstrip(".,;:)»”") for u in re.findall(r"(?:https?://|www\.)\S+", note_span.text)
            )
            footnotes.append(
                Footnote(raw_note.number, note_span, urls, marker_at.get(raw_note.number))
            )
    doc_text = out.value()
    known_notes = {f.number for f in footnotes}
    for block, a, b in block_markers:
        numbers = tuple(dict.fromkeys(n for n, _ in body_markers[a:b] if n in known_notes))
        block = dataclasses.replace(block, footnotes=numbers)
        (questions if isinstance(block, Question) else answers).append(block)

    meta = _metadata([ln for ln in preamble_lines if ln], preamble_span.text)
    if identifier:
        ident, ident_source = identifier, "user"
    else:
        found = Counter(norm.identifiers).most_common(1)
        if found:
            ident, ident_source = found[0][0], "text"
        elif meta.identifier:
            ident, ident_source = meta.identifier, "text"
        else:
            ident, ident_source = content_identifier(text), "content"

    citations = references.find_citations(doc_text)
    cross = references.find_cross_references(doc_text, answers, questions)
    dates = references.find_dates(doc_text)
    amounts = references.find_amounts(doc_text)
    quantities = references.find_quantities(
        doc_text,
        exclude=[a.span for a in amounts] + [d.span for d in dates] + [c.span for c in citations],
    )
    return Document(
        identifier=ident,
        identifier_source=ident_source,
        kind=KIND_AANHANGSEL if ident.startswith("ah-tk-") else meta.kind,
        text=doc_text,
        source=source,
        questions=tuple(questions),
        answers=tuple(answers),
        subject=meta.subject,
        asked_by=meta.asked_by,
        addressed_to=meta.addressed_to,
        answered_by=meta.answered_by,
        submitted_on=meta.submitted_on,
        answered_on=meta.answered_on,
        adopted_on=meta.adopted_on,
        subject_letter=meta.subject_letter,
        signed_by=meta.signed_by,
        see_also=meta.see_also,
        footnotes=tuple(footnotes),
        citations=tuple(citations),
        cross_references=tuple(cross),
        dates=tuple(dates),
        amounts=tuple(amounts),
        quantities=tuple(quantities),
        warnings=tuple(norm.warnings + warnings),
    )


def parse_file(path: Path | str, identifier: str | None = None) -> Document:
    """Read a file and parse it; decoding warnings come first in ``Document.warnings``."""
    text, warnings = read_text(Path(path))
    document = parse_document(text, source=str(path), identifier=identifier)
    if warnings:
        document = dataclasses.replace(document, warnings=(*warnings, *document.warnings))
    return document


# --- JSON -------------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _block_json(block: Block) -> dict[str, Any]:
    out: dict[str, Any] = {
        "numbers": list(block.numbers),
        "text": block.text,
        "start": block.span.start,
        "end": block.span.end,
    }
    if block.footnotes:
        out["footnotes"] = list(block.footnotes)
    if block.incomplete:
        out["incomplete"] = True
    return out


def _span_json(span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text}


def to_json(document: Document) -> dict[str, Any]:
    """The document model as JSON, with the field names of the acceptance files."""
    d = document
    asked_by = None
    if d.asked_by is not None:
        asked_by = {k: v for k, v in dataclasses.asdict(d.asked_by).items() if v}
        if "co_askers" in asked_by:
            asked_by["co_askers"] = [
                {k: v for k, v in p.items() if v is not None} for p in asked_by["co_askers"]
            ]
    answered_by = None
    if d.answered_by is not None:
        answered_by = {k: v for k, v in dataclasses.asdict(d.answered_by).items() if v is not None}
    return {
        "identifier": d.identifier,
        "identifier_source": d.identifier_source,
        "kind": d.kind,
        "source": d.source,
        "subject": d.subject,
        "question_numbers": [n for q in d.questions for n in q.numbers],
        "answer_blocks": [list(a.numbers) for a in d.answers],
        "questions": [_block_json(q) for q in d.questions],
        "answers": [_block_json(a) for a in d.answers],
        "asked_by": asked_by,
        "addressed_to": list(d.addressed_to),
        "answered_by": answered_by,
        "submitted_on": d.submitted_on,
        "answered_on": d.answered_on,
        "adopted_on": d.adopted_on,
        "subject_letter": dataclasses.asdict(d.subject_letter) if d.subject_letter else None,
        "signed_by": {s.role: s.name for s in d.signed_by},
        "see_also": list(d.see_also),
        "cross_references": [
            {"from": list(x.source), "to": list(x.target), **_span_json(x.span)}
            for x in d.cross_references
        ],
        "cited_ids": references.cited_ids(d.citations, own=d.identifier),
        "citations": [
            {
                "identifier": c.identifier,
                **_span_json(c.span),
                **({"flag": c.flag} if c.flag else {}),
            }
            for c in d.citations
        ],
        "amounts": [
            {
                "value": _number(a.value),
                "currency": a.currency,
                "qualifier": a.qualifier,
                "text": a.span.text,
                "start": a.span.start,
                "end": a.span.end,
            }
            for a in d.amounts
        ],
        "quantities": [
            {"value": _number(q.value), "unit": q.unit, "noun": q.noun, **_span_json(q.span)}
            for q in d.quantities
        ],
        "dates": [{"value": x.value, **_span_json(x.span)} for x in d.dates],
        "footnotes": [
            {
                "number": f.number,
                "text": f.text,
                "urls": list(f.urls),
                "start": f.span.start,
                "end": f.span.end,
                "marker_offset": f.marker_offset,
            }
            for f in d.footnotes
        ],
        "warnings": list(d.warnings),
        "text": d.text,
    }


def to_text(document: Document) -> str:
    """A readable summary: metadata, then every question and answer, then the footnotes."""
    d = document
    lines = [
        f"identifier:   {d.identifier} ({d.identifier_source})",
        f"kind:         {d.kind}",
        f"source:       {d.source}",
    ]
    if d.subject:
        lines.append(f"subject:      {d.subject}")
    if d.asked_by:
        who = d.asked_by.committee or f"{d.asked_by.member} ({d.asked_by.party})"
        lines.append(f"asked by:     {who}")
    if d.addressed_to:
        lines.append(f"addressed to: {'; '.join(d.addressed_to)}")
    if d.answered_by:
        lines.append(f"answered by:  {d.answered_by.name} ({d.answered_by.role})")
    for label, value in (
        ("submitted on", d.submitted_on),
        ("answered on", d.answered_on),
        ("adopted on", d.adopted_on),
    ):
        if value:
            lines.append(f"{label + ':':<14}{value}")
    if d.subject_letter:
        s = d.subject_letter
        lines.append(f"letter:       {s.identifier} of {s.date}: {s.title}")
    for signatory in d.signed_by:
        lines.append(f"signed by:    {signatory.name} ({signatory.role})")
    if d.see_also:
        lines.append(f"see also:     {', '.join(d.see_also)}")
    cited = references.cited_ids(d.citations, own=d.identifier)
    if cited:
        lines.append(f"cites:        {', '.join(cited)}")
    for x in d.cross_references:
        lines.append(f"cross-ref:    answer {lost_key(x.source)} -> question {lost_key(x.target)}")
    for a in d.amounts:
        lines.append(f"amount:       {a.span.text!r} = {a.value} {a.currency}")
    blocks = sorted((*d.questions, *d.answers), key=lambda b: b.span.start)
    for block in blocks:
        label = "Vraag" if isinstance(block, Question) else "Antwoord"
        extra = " (incomplete)" if block.incomplete else ""
        notes = f" [footnotes {', '.join(map(str, block.footnotes))}]" if block.footnotes else ""
        lines += ["", f"== {label} {lost_key(block.numbers)}{extra}{notes}", block.text]
    if d.footnotes:
        lines += ["", "== Voetnoten"]
        lines += [f"{f.number}. {f.text}" for f in d.footnotes]
    for warning in d.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)
