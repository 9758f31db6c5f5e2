"""Mapping: one ``Document`` and its ``Extraction`` become the RDF graph of that document.

Pure: no I/O, no randomness. IRIs are derived from the document identifier, block keys and
offsets (see the briefing's conventions), so the same input always gives the same graph:

    document     B doc/{id}
    question     B doc/{id}/vraag/{key}          answer    B doc/{id}/antwoord/{key}
    footnote     B doc/{id}/voetnoot/{n}
    span         B doc/{id}/{vraag|antwoord|voetnoot}/{key}/span/{start}-{end}
                 (offsets relative to that block's ``kg:text``)
    signatory    B doc/{id}/ondertekenaar/{role}
    amount       B doc/{id}/bedrag/{i}           quantity  B doc/{id}/hoeveelheid/{i}
    statement    B doc/{id}/bewering/{sha1[:12]}
    local entity B doc/{id}/entiteit/{slug}      (committees, members, roles not in the
                                                  thesaurus, people who answered)
    cited doc    B doc/{cited-id}  with kg:officialIdentifier and kg:landingPage

Actors named in the metadata (committee, party, addressee and answering roles) are linked to
thesaurus concepts through the gazetteer when one of its labels matches the whole name;
only otherwise is a local, uncurated node minted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .model import (
    KIND_AANHANGSEL,
    KIND_QA_LIST,
    Block,
    Document,
    Extraction,
    Footnote,
    Span,
)
from .vocab import DEFAULT_BASE, KG, OB

# the officielebekendmakingen identifiers the shapes accept (shapes/identifiers.ttl)
OFFICIAL_ID = re.compile(
    r"^(kst-[0-9]+(-[0-9A-Z]+)?-[0-9]+|ah-tk-[0-9]{8}-[0-9]+|kv-tk-[0-9]{4}Z[0-9]+"
    r"|h-tk-[0-9]{8}-[0-9]+(-[0-9]+)*)$"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONFIDENCE_PLACES = Decimal("0.001")


class _Match(Protocol):
    start: int
    end: int
    iri: str


class Gazetteer(Protocol):
    """What mapping needs from the gazetteer (issue 5): its matches in a text."""

    def match(self, text: str) -> Sequence[_Match]: ...


def concept_for(gazetteer: Gazetteer, name: str) -> str | None:
    """The concept whose label is the whole of ``name`` ("Minister van Buitenlandse Zaken"),
    not one that merely occurs in it."""
    text = name.strip()
    for found in gazetteer.match(text):
        if found.start == 0 and found.end == len(text):
            return found.iri
    return None


def map_document(
    document: Document,
    extraction: Extraction | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    base: str = DEFAULT_BASE,
) -> Graph:
    """The asserted triples of one document (its named graph ``B graph/doc/{id}``)."""
    mapper = _Mapper(document, extraction or Extraction(), gazetteer, base)
    return mapper.run()


def document_iri(identifier: str, base: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base}doc/{identifier}")


def document_graph_iri(identifier: str, base: str = DEFAULT_BASE) -> URIRef:
    return URIRef(f"{base}graph/doc/{identifier}")


def slug(text: str) -> str:
    """Readable IRI segment: lower case, diacritics dropped, runs of other characters → '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


# --- the mapper ---------------------------------------------------------------------------


class _Mapper:
    def __init__(
        self,
        document: Document,
        extraction: Extraction,
        gazetteer: Gazetteer | None,
        base: str,
    ) -> None:
        self.document = document
        self.extraction = extraction
        self.gazetteer = gazetteer
        self.base = base
        self.doc = document_iri(document.identifier, base)
        self.graph = Graph()
        # every text block (question, answer, footnote) with its IRI, for locating spans
        self.contexts: list[tuple[URIRef, Span]] = []
        self.question_by_number: dict[int, URIRef] = {}

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, p, o))

    def iri(self, *segments: str) -> URIRef:
        return URIRef(f"{self.doc}/" + "/".join(segments))

    def run(self) -> Graph:
        self.map_document()
        self.map_questions_and_answers()
        self.map_footnotes()
        self.map_citations()
        self.map_cross_references()
        self.map_amounts()
        self.map_quantities()
        self.map_entities()
        self.map_mentions()
        self.map_relations()
        return self.graph

    # document metadata ------------------------------------------------------------------

    def map_document(self) -> None:
        d, doc = self.document, self.doc
        kind_class = {KIND_QA_LIST: KG.QAList, KIND_AANHANGSEL: KG.Aanhangsel}
        self.add(doc, RDF.type, kind_class.get(d.kind, KG.ParliamentaryDocument))
        self.add(doc, KG.kind, Literal(d.kind))
        if OFFICIAL_ID.match(d.identifier):
            self.add(doc, KG.officialIdentifier, Literal(d.identifier))
            self.add(doc, KG.landingPage, OB[d.identifier])
        else:
            self.add(doc, DCTERMS.identifier, Literal(d.identifier))
        if d.subject:
            self.add(doc, KG.subject, Literal(d.subject))
        for prop, value in (
            (KG.submittedOn, d.submitted_on),
            (KG.answeredOn, d.answered_on),
            (KG.adoptedOn, d.adopted_on),
        ):
            self.add_date(doc, prop, value)
        if d.asked_by is not None:
            self.map_asker()
        for role in d.addressed_to:
            self.add(doc, KG.addressedTo, self.actor(role, KG.Role))
        if d.answered_by is not None:
            self.map_answerer()
        letter_id = d.subject_letter.identifier if d.subject_letter is not None else None
        if d.subject_letter is not None and letter_id and OFFICIAL_ID.match(letter_id):
            letter = self.cited_document(letter_id)
            self.add(doc, KG.aboutLetter, letter)
            self.add_date(letter, KG.date, d.subject_letter.date)
            if d.subject_letter.title:
                self.add(letter, DCTERMS.title, Literal(d.subject_letter.title, lang="nl"))
        for signatory in d.signed_by:
            node = self.iri("ondertekenaar", slug(signatory.role))
            self.add(doc, KG.signedBy, node)
            self.add(node, RDF.type, KG.Signatory)
            self.add(node, KG.signatoryRole, Literal(signatory.role))
            self.add(node, KG.name, Literal(signatory.name))
        for identifier in d.see_also:
            if OFFICIAL_ID.match(identifier):
                self.add(doc, KG.seeAlso, self.cited_document(identifier))
        for warning in d.warnings:
            self.add(doc, KG.warning, Literal(warning))

    def add_date(self, node: URIRef, prop: URIRef, value: str | None) -> None:
        # the ontology gives these properties the range xsd:date: partial dates are left out
        if value and ISO_DATE.match(value):
            self.add(node, prop, Literal(value, datatype=XSD.date))

    def map_asker(self) -> None:
        asker = self.document.asked_by
        assert asker is not None
        if asker.committee:
            self.add(self.doc, KG.askedBy, self.actor(asker.committee, KG.Committee))
        if asker.member:
            member = self.local_entity(asker.member, KG.MemberOfParliament)
            self.add(member, KG.name, Literal(asker.member))
            self.add(self.doc, KG.askedBy, member)
            if asker.party:
                self.add(member, KG.memberOf, self.actor(asker.party, KG.PoliticalParty))

    def map_answerer(self) -> None:
        person = self.document.answered_by
        assert person is not None
        role = self.actor(person.role, KG.Role) if person.role else None
        if role is not None:
            self.add(self.doc, KG.answeredBy, role)
        if person.name:
            node = self.local_entity(person.name, KG.Person)
            self.add(node, KG.name, Literal(person.name))
            if role is not None:
                self.add(role, KG.heldBy, node)
            else:
                self.add(self.doc, KG.answeredBy, node)
            if person.party:
                self.add(node, KG.memberOf, self.actor(person.party, KG.PoliticalParty))

    def actor(self, name: str, kind: URIRef) -> URIRef:
        """The thesaurus concept for ``name`` or, failing that, a local uncurated node."""
        if self.gazetteer is not None:
            found = concept_for(self.gazetteer, name)
            if found:
                return URIRef(found)
        return self.local_entity(name, kind)

    def local_entity(self, name: str, kind: URIRef) -> URIRef:
        node = self.iri("entiteit", slug(name))
        self.add(node, RDF.type, kind)
        self.add(node, SKOS.prefLabel, Literal(name, lang="nl"))
        self.add(node, KG.curated, Literal(False))
        return node

    def cited_document(self, identifier: str) -> URIRef:
        # typed no further than kg:ParliamentaryDocument: its questions are not in this graph
        node = document_iri(identifier, self.base)
        self.add(node, RDF.type, KG.ParliamentaryDocument)
        self.add(node, KG.officialIdentifier, Literal(identifier))
        self.add(node, KG.landingPage, OB[identifier])
        return node

    # questions, answers, footnotes ---------------------------------------------------------

    def map_questions_and_answers(self) -> None:
        for question in self.document.questions:
            node = self.block(question, "vraag", KG.Question)
            for number in question.numbers:
                self.question_by_number.setdefault(number, node)
        for answer in self.document.answers:
            node = self.block(answer, "antwoord", KG.Answer)
            for number in answer.numbers:
                target = self.question_by_number.get(number)
                if target is not None:
                    self.add(node, KG.answers, target)

    def block(self, block: Block, segment: str, kind: URIRef) -> URIRef:
        node = self.iri(segment, block.key)
        self.contexts.append((node, block.span))
        self.add(node, RDF.type, kind)
        self.add(node, KG.partOfDocument, self.doc)
        for number in block.numbers:
            self.add(node, KG.number, Literal(number))
        self.add(node, KG.text, Literal(block.text))
        if block.incomplete:
            self.add(node, KG.incomplete, Literal(True))
        for footnote in block.footnotes:
            self.add(node, KG.hasFootnote, self.iri("voetnoot", str(footnote)))
        return node

    def map_footnotes(self) -> None:
        for footnote in self.document.footnotes:
            self.footnote(footnote)

    def footnote(self, footnote: Footnote) -> None:
        node = self.iri("voetnoot", str(footnote.number))
        self.contexts.append((node, footnote.span))
        self.add(node, RDF.type, KG.Footnote)
        self.add(node, KG.partOfDocument, self.doc)
        self.add(node, KG.number, Literal(footnote.number))
        self.add(node, KG.text, Literal(footnote.text))
        for url in footnote.urls:
            self.add(node, KG.url, Literal(url, datatype=XSD.anyURI))

    # spans ------------------------------------------------------------------------------

    def context_of(self, span: Span) -> tuple[URIRef, Span] | None:
        """The question, answer or footnote whose text holds all of ``span``."""
        for node, outer in self.contexts:
            if outer.start <= span.start and span.end <= outer.end:
                return node, outer
        return None

    def span(self, span: Span, kind: URIRef) -> URIRef | None:
        """A NIF span node inside its block, or None when the span lies in no block."""
        found = self.context_of(span)
        if found is None:
            return None
        context, outer = found
        begin, end = span.start - outer.start, span.end - outer.start
        node = URIRef(f"{context}/span/{begin}-{end}")
        self.add(node, RDF.type, kind)
        self.add(node, KG.inContext, context)
        self.add(node, KG.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger))
        self.add(node, KG.endIndex, Literal(end, datatype=XSD.nonNegativeInteger))
        self.add(node, KG.anchorOf, Literal(span.text))
        return node

    # references -------------------------------------------------------------------------

    def map_citations(self) -> None:
        for citation in self.document.citations:
            # a citation kept as written (flagged, e.g. a malformed year) names no document
            official = not citation.flag and OFFICIAL_ID.match(citation.identifier)
            cited = self.cited_document(citation.identifier) if official else None
            if cited is not None:
                self.add(self.doc, KG.cites, cited)
            node = self.span(citation.span, KG.Citation)
            if node is None:
                continue
            self.add(node, RDF.type, KG.Span)
            if citation.flag:
                self.add(node, KG.flag, Literal(citation.flag))
            if cited is None:
                continue
            self.add(node, KG.citedDocument, cited)
            found = self.context_of(citation.span)
            assert found is not None
            self.add(found[0], KG.cites, cited)

    def map_cross_references(self) -> None:
        answers = {
            answer.numbers: self.iri("antwoord", answer.key) for answer in self.document.answers
        }
        for reference in self.document.cross_references:
            source = answers.get(reference.source)
            if source is None:
                continue
            node = self.span(reference.span, KG.CrossReference)
            if node is not None:
                self.add(node, RDF.type, KG.Span)
                self.add(node, KG.fromAnswer, source)
            for number in reference.target:
                question = self.question_by_number.get(number)
                if question is None:
                    continue
                self.add(source, KG.refersToQuestion, question)
                if node is not None:
                    self.add(node, KG.toQuestion, question)

    # values -----------------------------------------------------------------------------

    def map_amounts(self) -> None:
        targets: dict[int, list[str]] = {}
        for index, target in self.extraction.amount_targets:
            targets.setdefault(index, []).append(target)
        for index, amount in enumerate(self.document.amounts):
            node = self.iri("bedrag", str(index + 1))
            self.add(node, RDF.type, KG.MonetaryAmount)
            self.add(node, KG.value, Literal(amount.value, datatype=XSD.decimal))
            self.add(node, KG.currency, Literal(amount.currency))
            if amount.qualifier:
                self.add(node, KG.qualifier, Literal(amount.qualifier))
            evidence = self.span(amount.span, KG.Span)
            if evidence is not None:
                self.add(node, KG.evidence, evidence)
            for target in targets.get(index, ()):
                self.add(node, KG.committedTo, self.entity_iri(target))

    def map_quantities(self) -> None:
        for index, quantity in enumerate(self.document.quantities):
            node = self.iri("hoeveelheid", str(index + 1))
            self.add(node, RDF.type, KG.Quantity)
            self.add(node, KG.value, Literal(quantity.value, datatype=XSD.decimal))
            self.add(node, KG.unit, Literal(quantity.unit))
            if quantity.noun:
                self.add(node, KG.counts, Literal(quantity.noun))
            evidence = self.span(quantity.span, KG.Span)
            if evidence is not None:
                self.add(node, KG.evidence, evidence)

    # extraction -------------------------------------------------------------------------

    def entity_iri(self, iri: str) -> URIRef:
        """Entities minted under the default base move to the build's base."""
        if self.base != DEFAULT_BASE and iri.startswith(DEFAULT_BASE):
            return URIRef(self.base + iri[len(DEFAULT_BASE) :])
        return URIRef(iri)

    def map_entities(self) -> None:
        for entity in self.extraction.entities:
            if entity.curated:
                continue  # the thesaurus (schema graph) describes it already
            node = self.entity_iri(entity.iri)
            for kind in entity.types:
                self.add(node, RDF.type, URIRef(kind))
            self.add(node, SKOS.prefLabel, Literal(entity.label, lang="nl"))
            self.add(node, KG.curated, Literal(False))
            if entity.pattern:
                self.add(node, KG.detectedBy, Literal(entity.pattern))

    def map_mentions(self) -> None:
        for mention in self.extraction.mentions:
            node = self.span(mention.span, KG.Mention)
            if node is None:
                continue
            entity = self.entity_iri(mention.entity)
            self.add(node, KG.denotes, entity)
            self.add(node, KG.mentionVia, Literal(mention.via))
            found = self.context_of(mention.span)
            assert found is not None
            self.add(found[0], KG.mentions, entity)

    def map_relations(self) -> None:
        for relation in self.extraction.relations:
            subject = self.entity_iri(relation.subject)
            predicate = URIRef(relation.predicate)
            obj: URIRef | Literal = (
                Literal(relation.object, datatype=URIRef(relation.datatype))
                if relation.datatype
                else self.entity_iri(relation.object)
            )
            self.add(subject, predicate, obj)
            if relation.evidence is None and relation.curated:
                continue
            self.statement(
                subject,
                predicate,
                obj,
                relation.rule,
                relation.confidence,
                relation.curated,
                relation.evidence,
            )

    def statement(
        self,
        subject: URIRef,
        predicate: URIRef,
        obj: URIRef | Literal,
        rule: str,
        confidence: float,
        curated: bool,
        evidence: Span | None,
    ) -> None:
        where = f"{evidence.start}-{evidence.end}" if evidence is not None else ""
        key = "\n".join((subject, predicate, obj.n3(), rule, where))
        node = self.iri("bewering", hashlib.sha1(key.encode("utf-8")).hexdigest()[:12])
        self.add(node, RDF.type, KG.Statement)
        self.add(node, RDF.subject, subject)
        self.add(node, RDF.predicate, predicate)
        self.add(node, RDF.object, obj)
        self.add(node, KG.rule, Literal(rule))
        value = Decimal(str(confidence)).quantize(CONFIDENCE_PLACES)
        self.add(node, KG.confidence, Literal(value, datatype=XSD.decimal))
        self.add(node, KG.curated, Literal(curated))
        if evidence is not None:
            sentence = self.span(evidence, KG.Sentence)
            if sentence is not None:
                self.add(node, KG.evidence, sentence)
