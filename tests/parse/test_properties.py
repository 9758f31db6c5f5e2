"""Property tests: parsing arbitrary text never crashes (only the documented errors) and every
span points at its own text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kamergraph.builder.model import Document
from kamergraph.builder.normalize import decode
from kamergraph.builder.parse import parse_document, to_json

from kamergraph.errors import BinaryDocumentError, EmptyDocumentError, NoQuestionsError

FRAGMENTS = [
    "Vraag 1",
    "Vraag 2",
    "Vraag 2 en 3",
    "Vraag 4, 5",
    "Antwoord 1",
    "Antwoord 2 en 3",
    "Antwoord",
    "Antwoord op vraag 3:",
    "1",
    "2",
    "3.",
    "1. Hoeveel?",
    "-----",
    "h tk 20232024 9",
    "ah-tk-20232024-9",
    "ISSN 0921 - 7398’s-Gravenhage 2023Tweede Kamer, vergaderjaar 2022–2023, "
    "Aanhangsel 1Antwoord 3",
    "[1 ]",
    "[2 3 ]",
    "?1, 2",
    "1 Kamerstuk 36 410, nr. 31",
    "2Motie Ceder, Kamerstuk 21 501-02, nr. 2732",
    "onderzoekspro-",
    "gramma’s",
    "Micro-",
    "elektronica",
    "mkb-",
    "onderwijs- ",
    "en kennisinstellingen",
    "bijna € 1,6 miljard",
    "4 miljoen euro",
    "72.000 nieuwe werkplekken",
    "60%",
    "9 november 2022",
    "juni 2022",
    "zie antwoord op vraag 2",
    "Bij vraag 13 ga ik",
    "(Kamerstukken 33 009 en 32 637, nr. 121)",
    "Aanhangsel Handelingen, vergaderjaar 2022–203, nr. 844",
    "**vet**",
    "_schuin_",
    "# 2",
    "Vragen van het lid Dijk (SP) aan de Minister voor Zorg over iets (ingezonden 3 oktober 2023).",
    "Antwoord van Minister Helder (Zorg) (ontvangen 24 oktober 2023).",
    "",
    " ",
    "\t",
    "Ja.",
    "Kent u het bericht?",
    "De NZa heeft",
    "NagornoKarabach",
    "Nagorno-Karabach",
    "\ue000",
    "\f",
]

structured = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=60
).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["\n", " ", "\n\n", ""]), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True)))
)


def check_spans(doc: Document) -> None:
    text = doc.text
    spans = [b.span for b in (*doc.questions, *doc.answers)]
    spans += [f.span for f in doc.footnotes]
    spans += [c.span for c in doc.citations]
    spans += [x.span for x in doc.cross_references]
    spans += [d.span for d in doc.dates]
    spans += [a.span for a in doc.amounts]
    spans += [q.span for q in doc.quantities]
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start : span.end] == span.text
    for note in doc.footnotes:
        assert note.marker_offset is None or 0 <= note.marker_offset <= len(text)
    assert "\ue000" not in text and "\ue001" not in text
    to_json(doc)  # serialisable


def parse_or_none(text: str) -> Document | None:
    try:
        return parse_document(text, source="prop.txt")
    except NoQuestionsError as error:
        assert error.message.startswith("prop.txt: ") and "\n" not in error.message
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes(text):
    doc = parse_or_none(text)
    if doc is not None:
        check_spans(doc)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structured)
def test_document_like_text_keeps_spans_exact(text):
    doc = parse_or_none(text)
    if doc is not None:
        check_spans(doc)
        for block in (*doc.questions, *doc.answers):
            assert block.numbers and all(n > 0 for n in block.numbers)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_raise_documented_errors(data):
    try:
        text, warnings = decode(data, source="prop.bin")
    except (EmptyDocumentError, BinaryDocumentError) as error:
        assert error.message.startswith("prop.bin: ") and "\n" not in error.message
        return
    assert isinstance(text, str) and text.strip()
    assert all("\n" not in w for w in warnings)
