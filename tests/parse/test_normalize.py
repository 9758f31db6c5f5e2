"""Decoding and the Dutch rules for rejoining words split at a line end."""

from __future__ import annotations

import pytest
from kamergraph.builder.normalize import (
    Vocabulary,
    decode,
    join_lines,
    read_text,
    rejoin,
)

from kamergraph.errors import BinaryDocumentError, EmptyDocumentError, InputError


@pytest.mark.parametrize(
    "left, right, expected",
    [
        ("onderzoekspro", "gramma’s", "onderzoeksprogramma’s"),
        ("Brainport", "regio", "Brainportregio"),
        ("Micro", "elektronica", "Micro-elektronica"),  # vowel clash keeps the hyphen
        ("auto", "onderdelen", "auto-onderdelen"),
        ("mkb", "bedrijven", "mkb-bedrijven"),  # abbreviation compound
        ("ggz", "instelling", "ggz-instelling"),
        ("R&D", "investeringen", "R&D-investeringen"),
        ("EU", "lidstaten", "EU-lidstaten"),
        ("TO2", "instellingen", "TO2-instellingen"),
        ("Noord", "Brabant", "Noord-Brabant"),  # capital keeps the hyphen
        ("maakin", "dustrie", "maakindustrie"),
        ("Rijksbij", "drage", "Rijksbijdrage"),
        ("zorgverzeke", "raars", "zorgverzekeraars"),
    ],
)
def test_rejoin(left, right, expected):
    assert rejoin(left, right) == expected


def test_rejoin_prefers_the_documents_own_spelling():
    vocabulary = Vocabulary(
        "Het geïnformeerd zijn. mkb-bedrijven. Brainport-regio en Brainportregio"
    )
    assert rejoin("ge", "informeerd", vocabulary) == "geïnformeerd"
    assert rejoin("Brainport", "regio", vocabulary) == "Brainportregio"


@pytest.mark.parametrize(
    "lines, expected",
    [
        (
            ["hightech bedrijven, onderwijs- ", "en kennisinstellingen"],
            "hightech bedrijven, onderwijs- en kennisinstellingen",
        ),
        (["het midden-", "en kleinbedrijf"], "het midden- en kleinbedrijf"),
        (["land-", "of tuinbouw"], "land- of tuinbouw"),
        (
            ["financiering van (innova-", " tieve) bedrijven"],
            "financiering van (innovatieve) bedrijven",
        ),
        (
            ["de bestuurders van de Brainport-", "regio mogelijk"],
            "de bestuurders van de Brainportregio mogelijk",
        ),
        (["het IPCEI Micro-", "elektronica en"], "het IPCEI Micro-elektronica en"),
        (["  page-break indentation  ", "  joined  "], "page-break indentation joined"),
    ],
)
def test_join_lines(lines, expected):
    assert join_lines(lines, Vocabulary(" ".join(lines))) == expected


def test_flat_text_rejoins_split_words_but_not_elisions():
    text = "waaronder de zorgverzeke- raars, in overleg over midden- en kleinbedrijf"
    assert join_lines([text], Vocabulary(text), flat=True) == (
        "waaronder de zorgverzekeraars, in overleg over midden- en kleinbedrijf"
    )


def test_url_broken_at_a_line_end_is_rejoined():
    lines = ["Brabants Dagblad (https://www.bd.nl/binnenland/verguisde-", "stalvloer~a1b2/?cb=1)."]
    assert join_lines(lines, Vocabulary(" ".join(lines))) == (
        "Brabants Dagblad (https://www.bd.nl/binnenland/verguisde-stalvloer~a1b2/?cb=1)."
    )


def test_flat_capital_after_split_keeps_the_hyphen():
    text = "in Noord- Brabant en Zuid- en Noord-Holland"
    assert join_lines([text], Vocabulary(text), flat=True) == (
        "in Noord-Brabant en Zuid- en Noord-Holland"
    )


def test_lost_hyphen_after_abbreviation_restored():
    text = "door de ggzinstelling en het mkb aan mkbbedrijven"
    assert join_lines([text], Vocabulary(text)) == (
        "door de ggz-instelling en het mkb aan mkb-bedrijven"
    )


def test_lost_hyphen_restored_from_the_document():
    text = "in NagornoKarabach en in Nagorno-Karabach"
    assert join_lines([text], Vocabulary(text)) == "in Nagorno-Karabach en in Nagorno-Karabach"


def test_decode_utf8_with_bom():
    assert decode("\ufeffVraag 1".encode(), source="x") == ("Vraag 1", [])


def test_decode_cp1252_warns():
    text, warnings = decode("Vraag 1 – café €".encode("cp1252"), source="x")
    assert text == "Vraag 1 – café €"
    assert len(warnings) == 1 and "cp1252" in warnings[0]


def test_decode_utf16():
    assert decode("Vraag 1 ë".encode("utf-16"), source="x") == ("Vraag 1 ë", [])


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", "\ufeff".encode()])
def test_decode_empty(data):
    with pytest.raises(EmptyDocumentError) as info:
        decode(data, source="doc.txt")
    assert info.value.message.startswith("doc.txt: empty")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)) * 4])
def test_decode_binary(data):
    with pytest.raises(BinaryDocumentError) as info:
        decode(data, source="doc.bin")
    assert "doc.bin" in info.value.message and "\n" not in info.value.message


def test_read_text_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "absent.txt")
    with pytest.raises(InputError, match="directory"):
        read_text(tmp_path)
