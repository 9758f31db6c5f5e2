"""Pathological input stays linear: no regular expression backtracks without bound."""

from __future__ import annotations

import time

import pytest
from kamergraph.builder.parse import parse_document

HEAD = "Vraag 1\nEen?\n\nAntwoord 1\n"
CASES = {
    "member without ingezonden": "Vragen van het lid X (Y) aan de Minister van Z over "
    + "bla (x) en " * 3000
    + "\n\n"
    + HEAD,
    "answered without ontvangen": "Antwoord van Minister X (Y) " + "(z) " * 3000 + "\n\n" + HEAD,
    "committee": "De vaste commissie voor X heeft een aantal vragen voorgelegd aan de Minister "
    + "van A en " * 3000
    + "\n\n1\nEen?\n\nAntwoord\nJa.\n",
    "hyphen chain": HEAD + "woord-" * 40000,
    "flat hyphen chain": "Vraag 1 Een? Antwoord 1 " + ("woord-" * 300 + " ") * 200,
    "soft hyphen lines": HEAD + "\u00ad\n" * 20000,
    "long word after number": HEAD + "1 " + "a" * 200000,
    "many zie ook": "Zie ook " * 20000 + "\n\n" + HEAD,
    "open brackets": HEAD + "[1 " * 30000,
    "number lines": HEAD + "\n".join(str(i % 7 + 1) for i in range(40000)),
    "page breaks": HEAD + "tekst\n-----\n" * 20000,
    "kamerstuk chain": HEAD + "Kamerstuk 33 009, 32 637, " * 10000,
    "cross-reference chain": HEAD + "antwoord op vraag 1, 1, 1 en 1 " * 10000,
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_input_parses_quickly(name):
    start = time.perf_counter()
    doc = parse_document(CASES[name], source=name)
    assert doc.questions
    assert time.perf_counter() - start < 10
