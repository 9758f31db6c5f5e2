"""References found in the clean text of a document: citations of other parliamentary
documents, cross-references between answers, Dutch dates, money, percentages and counts.

Every function is pure: it takes the document text (and, where needed, the blocks) and
returns model objects whose spans index that text.

Citations are normalised to officielebekendmakingen identifiers:

- "Kamerstukken 33 009 en 32 637, nr. 121" -> ``kst-33009-121`` (the first dossier number),
  "Kamerstuk 21 501-02, nr. 2732" -> ``kst-21501-02-2732``, "36 200 XIII, nr. 5" ->
  ``kst-36200-XIII-5``;
- "Aanhangsel (van de) Handelingen, vergaderjaar 2023–2024, nr. 76" -> ``ah-tk-20232024-76``;
  a two-digit second year ("2022/23") is expanded when it is the year after the first; any
  other malformed year ("2022–203") keeps the citation as written, with a ``flag``, and no
  corrected year is invented.

Cross-references are counted from answers only, in three forms: "(het) antwoord op vraag N",
"de antwoorden op de vragen N en M" (also "bij"); "zie (ook) vraag N"; and "bij vraag N ga/kom
ik … in/terug" (an answer announced elsewhere). A bare "zoals bij vraag N aangegeven" is not
counted: it points at the question, not at its answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from kamergraph.builder.model import (
    Amount,
    Answer,
    Citation,
    CrossReference,
    DateMention,
    Quantity,
    Question,
    Span,
)

MONTHS = {
    name: i
    for i, name in enumerate(
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )
}


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


# --- dates ------------------------------------------------------------------------------------

_YEAR_RE = re.compile(r"[12][09]\d{2}(?!\d)")
_BEFORE_YEAR_RE = re.compile(r"(?:(?<![\d.])(?P<day>\d{1,2})\s+)?(?P<month>[A-Za-z]{3,9})\s+$")


def _date_matches(text: str, start: int = 0, end: int | None = None):  # type: ignore[no-untyped-def]
    """(start, end, iso) for every Dutch date in text[start:end]; found from the year back."""
    stop = len(text) if end is None else end
    for y in _YEAR_RE.finditer(text, start, stop):
        if y.group(0)[:2] not in ("19", "20") or (y.start() and text[y.start() - 1].isdigit()):
            continue
        window = max(start, y.start() - 16)
        m = _BEFORE_YEAR_RE.search(text, window, y.start())
        if not m:
            continue
        month = MONTHS.get(m.group("month").lower())
        if month is None or (m.start("month") > 0 and text[m.start("month") - 1].isalpha()):
            continue
        year = int(y.group(0))
        begin = m.start()
        if m.group("day"):
            day = int(m.group("day"))
            if not 1 <= day <= 31:
                begin = m.start("month")
                yield begin, y.end(), f"{year:04d}-{month:02d}"
                continue
            yield begin, y.end(), f"{year:04d}-{month:02d}-{day:02d}"
        else:
            yield begin, y.end(), f"{year:04d}-{month:02d}"


def parse_dutch_date(text: str) -> str | None:
    """ "9 november 2022" -> "2022-11-09", "juni 2022" -> "2022-06"; None if not a date."""
    for _, _, value in _date_matches(text):
        return value
    return None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    return [DateMention(v, _span(text, a, b)) for a, b, v in _date_matches(text, start, end)]


# --- citations --------------------------------------------------------------------------------

_DOSSIER = r"\d{2}\s?\d{3}(?:-[A-Z0-9]{1,6})?(?:\s+(?:[A-Z]{1,6}|[IVXLC]{1,6})(?![\w-]))?"
_KST_RE = re.compile(
    r"Kamerstuk(?:ken)?(?:\s+I{1,2})?(?:\s+\d{4}/\d{2,4})?,?\s+"
    r"(?P<dos>\d{2}\s?\d{3})(?:-(?P<sub>[A-Z0-9]{1,6}))?"
    r"(?:\s+(?P<toev>[A-Z]{1,6}|[IVXLC]{1,6})(?![\w-]))?"
    r"(?:\s*(?:,|en)\s*" + _DOSSIER + r")*"
    r",?\s*nr\.?\s*(?P<nr>\d+)"
)
_AH_RE = re.compile(
    r"Aanhangsel(?:\s+(?:van\s+de\s+)?Handelingen)?(?:\s+I{1,2})?,?\s+(?:vergaderjaar\s+)?"
    r"(?P<y1>\d{4})\s?[–/-]\s?(?P<y2>\d{1,4}),?\s+(?:nr\.?|nummer)\s*(?P<nr>\d+)"
)


def find_citations(text: str, start: int = 0, end: int | None = None) -> list[Citation]:
    """Kamerstuk and Aanhangsel citations in ``text[start:end]``, in text order."""
    stop = len(text) if end is None else end
    found: list[Citation] = []
    for m in _KST_RE.finditer(text, start, stop):
        dossier = m.group("dos").replace(" ", "")
        parts = [dossier]
        if m.group("sub"):
            parts.append(m.group("sub"))
        if m.group("toev"):
            parts.append(m.group("toev"))
        identifier = "kst-" + "-".join(parts) + f"-{m.group('nr')}"
        found.append(Citation(identifier, _span(text, m.start(), m.end())))
    for m in _AH_RE.finditer(text, start, stop):
        y1, y2, nr = m.group("y1"), m.group("y2"), m.group("nr")
        flag = None
        if len(y2) == 4 and int(y2) == int(y1) + 1:
            year = y1 + y2
        elif len(y2) == 2 and int(y2) == (int(y1) + 1) % 100:
            year = y1 + str(int(y1) + 1)
        else:
            year = y1 + y2
            flag = f"malformed vergaderjaar {y1}–{y2}: cited as written, year not corrected"
        found.append(Citation(f"ah-tk-{year}-{nr}", _span(text, m.start(), m.end()), flag))
    found.sort(key=lambda c: c.span.start)
    return found


def cited_ids(citations: Iterable[Citation], own: str | None = None) -> list[str]:
    """Distinct identifiers of unflagged citations, in order of first appearance."""
    seen: dict[str, None] = {}
    for citation in citations:
        if citation.flag is None and citation.identifier != own:
            seen.setdefault(citation.identifier, None)
    return list(seen)


# --- cross-references -------------------------------------------------------------------------

_REF_NUMS = r"(?P<nums>\d{1,3}(?:\s*(?:,|en|t/m|tot en met)\s*\d{1,3})*)"
_XREF_RE = re.compile(
    r"[Aa]ntwoord(?:en)?\s+(?:op|bij)\s+(?:de\s+)?vra(?:ag|gen)\s+"
    + _REF_NUMS
    + r"|[Zz]ie\s+(?:ook\s+)?(?:het\s+|de\s+|mijn\s+)?"
    r"(?:antwoord(?:en)?\s+(?:op\s+(?:de\s+)?vra(?:ag|gen)\s+)?|vra(?:ag|gen)\s+)"
    + _REF_NUMS.replace("nums", "nums2")
    + r"|[Bb]ij\s+(?:de\s+)?vra(?:ag|gen)\s+"
    + _REF_NUMS.replace("nums", "nums3")
    + r"\s+(?=(?:ga|gaan|kom|komen|zal|zullen|wordt|word)\b)"
)


def parse_numbers(text: str) -> tuple[int, ...]:
    """ "2 en 3" -> (2, 3); "2, 3" -> (2, 3); "4 t/m 6" -> (4, 5, 6)."""
    numbers: list[int] = []
    tokens = re.findall(r"\d+|t/m|tot en met|[-–]", text)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit():
            numbers.append(int(token))
        elif numbers and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            first, last = numbers[-1], int(tokens[i + 1])
            if first < last <= first + 50:
                numbers.extend(range(first + 1, last + 1))
                i += 1
        i += 1
    return tuple(dict.fromkeys(numbers))


def find_cross_references(
    text: str, answers: Iterable[Answer], questions: Iterable[Question]
) -> list[CrossReference]:
    known = {n for q in questions for n in q.numbers}
    out = []
    for answer in answers:
        for m in _XREF_RE.finditer(text, answer.span.start, answer.span.end):
            if m.start() and text[m.start() - 1].isalpha():
                continue  # "beantwoord bij vraag"
            nums = m.group("nums") or m.group("nums2") or m.group("nums3")
            targets = tuple(n for n in parse_numbers(nums) if n in known)
            if targets:
                end = m.start() + len(m.group(0).rstrip())
                out.append(CrossReference(answer.numbers, targets, _span(text, m.start(), end)))
    return out


# --- money and quantities ---------------------------------------------------------------------

_QUALIFIERS = (
    "bijna",
    "ruim",
    "circa",
    "ca.",
    "ongeveer",
    "maximaal",
    "minimaal",
    "ten minste",
    "tenminste",
    "meer dan",
    "minder dan",
    "zo’n",
    "zo'n",
    "rond",
    "nagenoeg",
    "tot",
    "in totaal",
    "totaal",
    "bijna",
)
_QUAL = r"(?:(?P<qual>" + "|".join(re.escape(q) for q in _QUALIFIERS) + r")\s+)?"
_NUM = r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
_SCALE = r"(?P<scale>miljoen|miljard|mln\.?|mld\.?|mrd\.?|duizend|biljoen)"
_SCALES = {
    "miljoen": 10**6,
    "mln": 10**6,
    "miljard": 10**9,
    "mld": 10**9,
    "mrd": 10**9,
    "duizend": 10**3,
    "biljoen": 10**12,
}
_CURRENCIES = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euro’s": "EUR",
    "$": "USD",
    "dollar": "USD",
}
_AMOUNT_RE = re.compile(
    r"(?<![\w€$])" + _QUAL + r"(?:(?P<cur1>€|EUR|\$)\s?" + _NUM + r"(?:\s+" + _SCALE + r")?(?!\d)"
    r"|"
    + _NUM.replace("num", "num2")
    + r"\s+(?:"
    + _SCALE.replace("scale", "scale2")
    + r"\s+)?(?P<cur2>euro|EUR|dollar)\b)",
    re.IGNORECASE,
)


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(".", "").replace(",", "."))


_CURRENCY_TOKENS = ("€", "$", "EUR", "euro", "Euro", "dollar", "Dollar")


def _windows(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Stretches around currency signs and words, widened to whitespace, merged."""
    anchors = []
    for token in _CURRENCY_TOKENS:
        i = text.find(token, start, stop)
        while i != -1:
            anchors.append((i, i + len(token)))
            i = text.find(token, i + 1, stop)
    anchors.sort()
    windows: list[tuple[int, int]] = []
    for a0, b0 in anchors:
        a = max(start, text.rfind(" ", start, max(start, a0 - 40)) + 1)
        b = min(stop, b0 + 40)
        if windows and a <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(b, windows[-1][1]))
        else:
            windows.append((a, b))
    return windows


def find_amounts(text: str, start: int = 0, end: int | None = None) -> list[Amount]:
    out = []
    stop = len(text) if end is None else end
    matches = [m for a, b in _windows(text, start, stop) for m in _AMOUNT_RE.finditer(text, a, b)]
    for m in matches:
        number = m.group("num") or m.group("num2")
        scale = (m.group("scale") or m.group("scale2") or "").lower().rstrip(".")
        currency = _CURRENCIES.get((m.group("cur1") or m.group("cur2")).lower(), "EUR")
        value = _decimal(number) * _SCALES.get(scale, 1)
        qualifier = m.group("qual").lower() if m.group("qual") else None
        out.append(
            Amount(
                value.normalize() if value != value.to_integral() else Decimal(int(value)),
                currency,
                _span(text, m.start(), m.end()),
                qualifier,
            )
        )
    return out


_NUMBER_TOKEN_RE = re.compile(r"\d[\d.,]*")
_PERCENT_AFTER_RE = re.compile(r"\s?(?:%|procent\b)")
_NOUN_AFTER_RE = re.compile(r"\s+((?:[a-zà-ÿ]{1,30}e\s+)?[a-zà-ÿ]{3,40}(?:en|s|’s|'s))\b")
_PERCENT_NUMBER_RE = re.compile(r"\d+(?:,\d+)?")
_COUNT_NUMBER_RE = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,6}")
_NOT_BEFORE_NUMBER = frozenset(",.€$/-_")
_NOT_COUNTED = {*MONTHS, "miljoen", "miljard", "euro", "euro’s", "procent", "jaren", "keren"}


def find_quantities(
    text: str, start: int = 0, end: int | None = None, exclude: Iterable[Span] = ()
) -> list[Quantity]:
    stop = len(text) if end is None else end
    taken = [(s.start, s.end) for s in exclude]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def starts_number(i: int) -> bool:
        return i == 0 or text[i - 1] not in _NOT_BEFORE_NUMBER and not text[i - 1].isalnum()

    out = []
    for m in _NUMBER_TOKEN_RE.finditer(text, start, stop):
        if not starts_number(m.start()):
            continue
        number = m.group(0).rstrip(".,")
        end = m.start() + len(number)
        after = text[end : end + 1]
        if after in ("%", " ", "p") or after == "\n":
            p = _PERCENT_AFTER_RE.match(text, end, stop)
            if p and _PERCENT_NUMBER_RE.fullmatch(number) and free(m.start(), p.end()):
                span = _span(text, m.start(), p.end())
                out.append(Quantity(_decimal(number), "percent", span))
                continue
        c = _NOUN_AFTER_RE.match(text, end, stop) if after.isspace() else None
        if not c or not _COUNT_NUMBER_RE.fullmatch(number):
            continue
        noun = c.group(1)
        words = noun.split()
        if words[-1] in _NOT_COUNTED or words[0] in _NOT_COUNTED:
            continue
        if re.fullmatch(r"(?:19|20)\d{2}", number) or not free(m.start(), c.end()):
            continue
        before = text[max(start, m.start() - 8) : m.start()].lower()
        if re.search(r"(?:nr\.?|vraag|vragen|artikel|bijlage)\s*$", before):
            continue
        span = _span(text, m.start(), c.end())
        out.append(Quantity(_decimal(number), "count", span, noun=noun))
    out.sort(key=lambda q: q.span.start)
    return out
