"""Split a block of Dutch text into sentences (offsets), for evidence and relation rules.

A sentence ends at ".", "!" or "?" followed by white space and a capital, digit, quote or
bracket, unless the word before the full stop is a known abbreviation ("o.a.", "nr.") or an
initial ("J."); a blank line always ends a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_END = re.compile(r"[.!?]+[»”\"')]*(?=\s+[«“\"'(\[A-Z0-9À-Ý])|\n\s*\n")
_WORD_BEFORE = re.compile(r"(\S+)$")


def split(text: str, abbreviations: Collection[str] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence, white space trimmed, in order."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if text[m.start()] == ".":
            word = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start() + 1)
            token = word.group(1).lower() if word else ""
            token = token.lstrip("(«“\"'")
            if token in abbreviations or re.fullmatch(r"[a-z]\.", token):
                continue
        _append(text, start, end, out)
        start = end
    _append(text, start, len(text), out)
    return out


def _append(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))
