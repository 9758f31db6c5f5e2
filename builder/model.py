"""The document model: plain, immutable data passed between pipeline stages.

Stages (see ``pipeline.py``):

    read bytes -> normalise -> parse  -> Document            (issue 2: normalize.py, parse.py)
    Document   -> extract             -> Extraction          (issue 5: extract.py, ...)
    Document + Extraction -> map      -> RDF per document    (issue 4: mapping.py)

Offsets: every ``Span`` points into ``Document.text``, the normalised text of the whole
document (page furniture removed, words split at line ends rejoined, footnote markers taken
out). ``document.text[span.start:span.end] == span.text`` always holds. Question, answer and
footnote texts are spans of that text too, so a later stage can point at the exact words.

Nothing here does I/O; everything is frozen so stages cannot change each other's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# Document kinds, as the acceptance files name them.
KIND_QA_LIST = "Lijst van vragen en antwoorden"
KIND_AANHANGSEL = "Aanhangsel van de Handelingen"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of ``Document.text``: ``text == document.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    span: Span  # the footnote's text (without its number) inside Document.text
    urls: tuple[str, ...] = ()
    marker_offset: int | None = None  # where its marker stood in Document.text, if found

    @property
    def text(self) -> str:
        return self.span.text


@dataclass(frozen=True, slots=True)
class Block:
    """A question block or an answer block. A combined heading ("Vraag 4 en 5") gives one
    block carrying several numbers."""

    numbers: tuple[int, ...]
    span: Span
    footnotes: tuple[int, ...] = ()  # numbers of the footnotes whose markers stand in it
    incomplete: bool = False  # part of the text was lost in extraction

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def key(self) -> str:
        """Readable, stable key: "4-5" for a block carrying numbers 4 and 5."""
        return "-".join(str(n) for n in self.numbers)


@dataclass(frozen=True, slots=True)
class Question(Block):
    pass


@dataclass(frozen=True, slots=True)
class Answer(Block):
    pass


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    party: str | None = None
    role: str | None = None  # "Minister van Buitenlandse Zaken"


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asked: a committee (a Q&A list) or a member of parliament (an Aanhangsel)."""

    committee: str | None = None
    member: str | None = None
    party: str | None = None
    co_askers: tuple[Person, ...] = ()  # further members of "Vragen van de leden A (X) en B (Y)"


@dataclass(frozen=True, slots=True)
class Signatory:
    role: str  # "voorzitter", "griffier", "adjunct-griffier"
    name: str


@dataclass(frozen=True, slots=True)
class SubjectLetter:
    """The letter a Q&A list asks about."""

    identifier: str | None
    date: str | None  # ISO date
    title: str | None


@dataclass(frozen=True, slots=True)
class Citation:
    """A reference to another parliamentary document, normalised to an
    officielebekendmakingen identifier (kst-33009-121, kst-21501-02-2732, ah-tk-20232024-76)."""

    identifier: str
    span: Span
    flag: str | None = None  # e.g. "year 2022–203 is malformed", the citation is kept as written


@dataclass(frozen=True, slots=True)
class CrossReference:
    """An answer pointing at the answers of other questions ("zie antwoord op vraag 2")."""

    source: tuple[int, ...]  # numbers of the answer block that refers
    target: tuple[int, ...]  # question numbers referred to
    span: Span


@dataclass(frozen=True, slots=True)
class DateMention:
    value: str  # ISO: "2022-11-09", or "2022-06" when only month and year are given
    span: Span


@dataclass(frozen=True, slots=True)
class Amount:
    """Money: "bijna € 1,6 miljard" -> Decimal("1600000000"), "EUR", "bijna"."""

    value: Decimal
    currency: str  # ISO 4217
    span: Span
    qualifier: str | None = None  # "bijna", "ruim", "circa", "maximaal", ...


@dataclass(frozen=True, slots=True)
class Quantity:
    """A percentage ("60%") or a count ("72.000 nieuwe werkplekken")."""

    value: Decimal
    unit: str  # "percent" or "count"
    span: Span
    noun: str | None = None  # what is counted: "nieuwe werkplekken"


@dataclass(frozen=True, slots=True)
class Document:
    identifier: str
    identifier_source: str  # "text", "user" or "content" (derived from a hash of the text)
    kind: str  # KIND_QA_LIST or KIND_AANHANGSEL
    text: str  # the normalised text; every Span points into it
    source: str  # the file it was read from, for messages
    questions: tuple[Question, ...]
    answers: tuple[Answer, ...]
    subject: str | None = None
    asked_by: Asker | None = None
    addressed_to: tuple[str, ...] = ()  # minister roles
    answered_by: Person | None = None
    submitted_on: str | None = None  # ISO dates
    answered_on: str | None = None
    adopted_on: str | None = None
    subject_letter: SubjectLetter | None = None
    signed_by: tuple[Signatory, ...] = ()
    see_also: tuple[str, ...] = ()  # document identifiers
    footnotes: tuple[Footnote, ...] = ()
    citations: tuple[Citation, ...] = ()
    cross_references: tuple[CrossReference, ...] = ()
    dates: tuple[DateMention, ...] = ()
    amounts: tuple[Amount, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    warnings: tuple[str, ...] = ()

    def block_at(self, offset: int) -> Block | None:
        """The question or answer whose text contains ``offset``."""
        for block in (*self.questions, *self.answers):
            if block.span.start <= offset < block.span.end:
                return block
        return None


# --- what extraction (issue 5) finds in a Document -------------------------------------


@dataclass(frozen=True, slots=True)
class Entity:
    """Something the text talks about. Curated entities come from the thesaurus and keep its
    IRI; entities found by pattern are minted per document and marked ``curated=False``."""

    iri: str
    label: str
    types: tuple[str, ...]  # ontology class IRIs
    curated: bool
    pattern: str | None = None  # the detection pattern that minted an uncurated entity
    alt_labels: tuple[str, ...] = ()  # other names the document uses ("RBZ", "gemeente X")


@dataclass(frozen=True, slots=True)
class Mention:
    span: Span
    entity: str  # entity IRI
    via: str = "label"  # "label", "abbreviation" (defined in the document), "context" ("ik")


@dataclass(frozen=True, slots=True)
class Relation:
    """A relation with its evidence: the sentence it came from, the rule and a confidence.
    Relations taken from the thesaurus have ``curated=True`` and no evidence span.
    ``object`` is an IRI, or a literal lexical form when ``datatype`` is set."""

    subject: str
    predicate: str  # ontology property IRI
    object: str
    rule: str
    confidence: float
    evidence: Span | None = None
    curated: bool = False
    datatype: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    entities: tuple[Entity, ...] = ()
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    amount_targets: tuple[tuple[int, str], ...] = field(default=())
    # (index into Document.amounts, IRI of what the amount is committed to)
