"""Closed namespace of our own ontology terms (``ontology/kamergraph.ttl``).

A misspelt term fails at import time instead of producing a silent wrong IRI. A test checks
that this list and the ontology agree; add a term to the ontology first, then here.
"""

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace


class KG(DefinedNamespace):
    _NS = Namespace("https://w3id.org/kamergraph/def#")
    _fail = True

    # classes
    Aanhangsel: URIRef
    Actor: URIRef
    AdvisoryBody: URIRef
    Agency: URIRef
    Agreement: URIRef
    Answer: URIRef
    Campus: URIRef
    Citation: URIRef
    Committee: URIRef
    Company: URIRef
    ConsultativeBody: URIRef
    Country: URIRef
    CrossReference: URIRef
    Document: URIRef
    EUInstitution: URIRef
    EconomicRegion: URIRef
    EuropeanProgramme: URIRef
    Facility: URIRef
    Footnote: URIRef
    Fund: URIRef
    GovernmentOrganisation: URIRef
    Instrument: URIRef
    InternationalOrganisation: URIRef
    KnowledgeInstitution: URIRef
    Law: URIRef
    Legislation: URIRef
    MemberOfParliament: URIRef
    Mention: URIRef
    Ministry: URIRef
    MonetaryAmount: URIRef
    Motion: URIRef
    Municipality: URIRef
    Organisation: URIRef
    ParliamentaryDocument: URIRef
    Person: URIRef
    PoliticalParty: URIRef
    Programme: URIRef
    Province: URIRef
    QAList: URIRef
    Quantity: URIRef
    Question: URIRef
    Region: URIRef
    RegionalDevelopmentAgency: URIRef
    Regulation: URIRef
    ResearchOrganisation: URIRef
    Role: URIRef
    Sentence: URIRef
    Signatory: URIRef
    Span: URIRef
    Statement: URIRef
    Subsidy: URIRef
    SupranationalRegion: URIRef
    TaxIncentive: URIRef
    TextBlock: URIRef
    Topic: URIRef
    University: URIRef
    UniversityOfAppliedSciences: URIRef

    # properties
    aboutLetter: URIRef
    addressedTo: URIRef
    administeredBy: URIRef
    adoptedOn: URIRef
    anchorOf: URIRef
    answeredBy: URIRef
    answeredOn: URIRef
    answers: URIRef
    askedBy: URIRef
    beginIndex: URIRef
    cbsCode: URIRef
    citedDocument: URIRef
    citedIn: URIRef
    cites: URIRef
    committedTo: URIRef
    confidence: URIRef
    counts: URIRef
    curated: URIRef
    currency: URIRef
    date: URIRef
    denotes: URIRef
    detectedBy: URIRef
    endIndex: URIRef
    evidence: URIRef
    flag: URIRef
    fromAnswer: URIRef
    fundsOrSupports: URIRef
    hasFootnote: URIRef
    hasPart: URIRef
    hasParticipant: URIRef
    heldBy: URIRef
    inContext: URIRef
    inForceFrom: URIRef
    incomplete: URIRef
    isAnsweredIn: URIRef
    kind: URIRef
    landingPage: URIRef
    locatedIn: URIRef
    memberOf: URIRef
    mentionVia: URIRef
    mentionedIn: URIRef
    mentions: URIRef
    name: URIRef
    number: URIRef
    officialIdentifier: URIRef
    partOf: URIRef
    partOfDocument: URIRef
    participatesIn: URIRef
    qualifier: URIRef
    refersTo: URIRef
    refersToQuestion: URIRef
    rule: URIRef
    seeAlso: URIRef
    signatoryRole: URIRef
    signedBy: URIRef
    spunOffFrom: URIRef
    subject: URIRef
    submittedOn: URIRef
    text: URIRef
    toQuestion: URIRef
    tooi: URIRef
    unit: URIRef
    url: URIRef
    value: URIRef
    warning: URIRef
    wikidata: URIRef
    withinOrganisation: URIRef


KGT = Namespace("https://w3id.org/kamergraph/thesaurus/")
"""Thesaurus concepts (curated entities)."""

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ELI_DL = Namespace("http://data.europa.eu/eli/eli-draft-legislation-ontology#")
SCHEMA = Namespace("http://schema.org/")
TOOIONT = Namespace("https://identifier.overheid.nl/tooi/def/ont/")
TOOI = Namespace("https://identifier.overheid.nl/tooi/id/")
OB = Namespace("https://zoek.officielebekendmakingen.nl/")
"""Landing pages of officielebekendmakingen documents."""

DEFAULT_BASE = "https://w3id.org/kamergraph/id/"
"""Default base IRI for instance data (configurable per build)."""
