"""Normalisation: from the bytes of a document to clean body lines, footnotes and page breaks.

This is the first stage of the builder (see ``builder/README.md``). ``read_text`` is the only
function here that does I/O; everything else is pure.

What normalisation does, in order:

1. ``decode``: UTF-8 (with or without BOM), UTF-16 with BOM, otherwise cp1252 with a warning;
   empty and binary input raise ``EmptyDocumentError`` / ``BinaryDocumentError``.
2. ``preclean``: one newline convention, NFC, no-break spaces and tabs become spaces, soft
   hyphens at a line end become ordinary hyphens (so the Dutch rejoin rules apply), other
   control characters go.
3. ``unflatten``: a line of thousands of characters (a whole document flattened onto one
   line) is cut before page furniture and before "Vraag N" / "Antwoord N" headings, so the
   rest of the pipeline sees lines again.
4. Page furniture (``FURNITURE``: running headers and footers, ISSN lines, "h tk 20232024 387",
   "ah-tk-…" footer ids, "-----" page separators, markdown page numbers) is stripped from the
   start of lines, also when it is glued to the next heading ("Aanhangsel 1Antwoord 3"). Each
   stretch of furniture becomes one page break (``PAGE_BREAK``). Identifiers carried by the
   furniture are collected.
5. Markdown emphasis and heading marks go; footnote markers ("[1 ]", "[4 5 ]", "?1, 2", a line
   "2" or "3 ingegaan op …" standing where a superscript was) are found.
6. Footnote blocks at the foot of a page (before a page break or the end) are cut out of the
   body and become ``RawFootnote``s; numbering must run on from the previous page.
7. Footnote markers in the body are replaced by ``marker(n)`` sentinels (private-use
   characters) so their position survives line joining; ``parse`` turns them into offsets.
   Bare page numbers at the head or foot of a page are dropped (not in the numbered layout,
   where a bare number line is a question number).

Joining lines (``join_lines``) rejoins words split at a line end by Dutch rules
(``rejoin``): "onderzoekspro-/gramma’s" -> "onderzoeksprogramma’s", "Brainport-/regio" ->
"Brainportregio", but "Micro-/elektronica" keeps its hyphen (vowel clash), "mkb-/bedrijven"
keeps it (abbreviation), "Noord-/Brabant" keeps it (capital), and an elision such as
"onderwijs- en kennisinstellingen" is left alone (the next word is "en", "of", ...). The
document's own spelling wins (``Vocabulary``): a split word it also writes whole is joined,
one it writes with a hyphen keeps it. A URL broken at a line end is joined without a space;
in flattened text "zorgverzeke- raars" is a split word too; a soft hyphen kept mid-line
("emissiefacto-ren") or a hyphen lost at a line end ("NagornoKarabach") is repaired when the
document writes the word whole (or hyphenated) elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kamergraph.errors import BinaryDocumentError, EmptyDocumentError, InputError

# A page break inside a list of body lines.
PAGE_BREAK: None = None
Line = str | None

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
MARKER_RE = re.compile(MARK_OPEN + r"(\d+)" + MARK_CLOSE)

# --- 1. decoding ------------------------------------------------------------------------------


def read_text(path: Path) -> tuple[str, list[str]]:
    """Read and decode a document. Returns the text and warnings (e.g. "decoded as cp1252")."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory, not a document", source=source) from None
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", source=source) from None
    return decode(data, source=source)


def decode(data: bytes, *, source: str) -> tuple[str, list[str]]:
    """Decode bytes to text; raise on empty or binary input."""
    warnings: list[str] = []
    if not data.strip():
        raise EmptyDocumentError("empty file: no text to parse", source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise BinaryDocumentError("not a text file (bad UTF-16)", source=source) from None
    elif b"\x00" in data[:65536]:
        raise BinaryDocumentError("not a text file (binary data)", source=source)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            text = data.decode("cp1252", errors="replace")
            warnings.append(
                f"not valid UTF-8 (byte {error.start}); decoded as Windows-1252 (cp1252)"
            )
    if not text.strip():
        raise EmptyDocumentError("empty file: no text to parse", source=source)
    controls = (
        len(_BINARY_CONTROL_RE.findall(text, 0, 65536)) if _BINARY_CONTROL_RE.search(text) else 0
    )
    if controls > max(8, len(text[:65536]) // 100):
        raise BinaryDocumentError("not a text file (control characters)", source=source)
    return text, warnings


_BINARY_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")

# --- 2. pre-cleaning --------------------------------------------------------------------------

_TRANSLATE = {
    0x00A0: " ",  # no-break space
    0x2007: " ",
    0x202F: " ",
    0x2009: " ",
    0x200B: "",  # zero-width space
    0x200C: "",
    0x200D: "",
    0xFEFF: "",
    0x2060: "",
    0x0009: " ",
    0x000B: "\n",
    0x000C: "\n-----\n",  # form feed: a page break
    0x2028: "\n",
    0x2029: "\n\n",
    0xE000: " ",  # our own sentinels must not come from the input
    0xE001: " ",
}
_SPECIAL_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _TRANSLATE) + "]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def preclean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _SPECIAL_RE.sub(lambda m: _TRANSLATE[ord(m.group())], text)
    text = re.sub("\u00ad[ ]*\n", "-\n", text).replace("\u00ad", "")
    return _CONTROL_RE.sub(" ", text)


# --- 3. flattened documents -------------------------------------------------------------------

FLAT_LINE = 1000  # a line this long is a flattened stretch of document

_NUMS = r"\d{1,3}(?:(?:,| en| t/m| tot en met)\s?\d{1,3})*"
_FLAT_CUT_RE = re.compile(
    r"(?P<head>(?:Vraag|Vragen|Antwoord(?: op vra(?:ag|gen))?) "
    + _NUMS
    + r":?(?= (?:[A-Z«“\"‘(]|\d|ah-tk-|h tk )|$))"
    r"|(?P<issn>ISSN \d{4} ?[-–] ?\d{3}[\dXx])"
    r"|ah-tk-\d{8}-\d+ ISSN"
    r"|(?:Tweede|Eerste) Kamer, vergaderjaar \d{4}[–-]\d{4}, "
    r"|(?:Tweede|Eerste) Kamer der Staten-Generaal"
    r"|h tk \d{8} \d+"
    r"|(?<!\S)-{5,}(?!\S)"
)
_HEAD_AFTER = frozenset('.?!»”")]:')


def _cut_here(line: str, m: re.Match[str]) -> bool:
    i = m.start()
    if i == 0:
        return False
    before = line[i - 1]
    if m.group("head"):
        return before in _HEAD_AFTER or (
            before == " " and i >= 2 and (line[i - 2] in _HEAD_AFTER or line[i - 2].isalnum())
        )
    if m.group("issn"):
        return not (line[i - 1].isdigit() or (before == " " and line[i - 2 : i - 1].isdigit()))
    return True


def unflatten(line: str) -> list[str]:
    """Cut a flattened line before furniture and before question/answer headings."""
    cuts = [m.start() for m in _FLAT_CUT_RE.finditer(line) if _cut_here(line, m)]
    if not cuts:
        return [line]
    pieces, last = [], 0
    for cut in cuts:
        pieces.append(line[last:cut])
        last = cut
    pieces.append(line[last:])
    return [p for p in pieces if p.strip()]


# --- 4. page furniture ------------------------------------------------------------------------

# Strings that are page furniture wherever they start a line. Tests use this list too.
FURNITURE: tuple[str, ...] = (
    r"(?:Tweede|Eerste) Kamer der Staten-Generaal(?: ?\d{1,3}(?!\d))?",
    r"(?:Tweede|Eerste) Kamer, vergaderjaar \d{4}[–-]\d{4}, Aanhangsel(?: ?\d{1,3}(?!\d))?",
    r"(?:Tweede|Eerste) Kamer, vergaderjaar \d{4}[–-]\d{4}, "
    r"(?P<kdos>\d{2} ?\d{3})(?:[- ](?P<ktoev>[A-Z0-9]{1,6}))?, "
    r"nr\. ?(?P<knr>\d+)(?: ?\d{1,3}(?!\d))?",
    r"ISSN \d{4} ?[-–] ?\d{3}[\dXx]",
    r"[’']s-Gravenhage \d{4}",
    r"(?P<ahtk>ah-tk-\d{8}-\d+)",
    r"(?P<kst>kst-\d{5}(?:-[A-Z0-9]+)*-\d+)(?=\s*(?:$|ISSN))",
    r"h tk (?P<htkyear>\d{8}) (?P<htknr>\d+)",
    r"-{3,}\s*$",
    r"-{5,}(?=\s)",
    r"_{3,}\s*$",
    r"\*{3,}\s*$",
    r"#{1,6}\s*\d{1,4}\s*$",
    r"(?:Pagina|Page) \d+(?: van \d+)?\s*$",
)
_FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in FURNITURE))


def strip_furniture(line: str) -> tuple[str, bool, list[str]]:
    """Strip furniture from the start of a line, repeatedly.

    Returns the rest of the line, whether anything was stripped, and document identifiers
    the furniture carried."""
    rest = line.strip()
    stripped = False
    ids: list[str] = []
    while rest:
        m = _FURNITURE_RE.match(rest)
        if not m or m.end() == 0:
            break
        g = m.groupdict()
        if g.get("ahtk"):
            ids.append(g["ahtk"])
        elif g.get("kst"):
            ids.append(g["kst"])
        elif g.get("htkyear"):
            ids.append(f"ah-tk-{g['htkyear']}-{g['htknr']}")
        elif g.get("kdos"):
            dossier = g["kdos"].replace(" ", "")
            toev = f"-{g['ktoev']}" if g.get("ktoev") else ""
            ids.append(f"kst-{dossier}{toev}-{g['knr']}")
        rest = rest[m.end() :].lstrip()
        stripped = True
    return rest, stripped, ids


# --- 5. markdown and markers ------------------------------------------------------------------

_MD_HEADING_RE = re.compile(r"^#{1,6}\s+")
_MD_EMPHASIS_RE = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<!\w)_|_(?!\w)")
_SUPERSCRIPT_RE = re.compile(r"\[(e|de|ste|er|ste|me|en)\s?\]")
BRACKET_MARKER_RE = re.compile(r"\[\^?\s?(\d{1,3}(?:\s+\d{1,3})*)\s*\]")
_GLUED_DIGITS_RE = re.compile(r"\d{1,2}(?:,\s?\d{1,2})*(?=[\s,.;:?!)]|$)")
_DIGIT_RE = re.compile(r"\d")
_GLUED_AFTER = frozenset('?!.»”"’)')


def glued_markers(line: str) -> list[re.Match[str]]:
    """Footnote numbers glued to the word or punctuation before them: "bericht?1, 2",
    "nodige3". A number after a digit or a space is not a marker."""
    found = []
    for m in _GLUED_DIGITS_RE.finditer(line):
        i = m.start()
        if i < 2:
            continue
        a, b = line[i - 2], line[i - 1]
        if (b in _GLUED_AFTER and not a.isdigit() and not a.isspace()) or (
            b.islower() and a.islower()
        ):
            found.append(m)
    return found


_PAGE_NUMBER_RE = re.compile(r"\s*\d{1,4}\s*$")
_LINE_MARKER_RE = re.compile(r"^(\d{1,3})(?:\s*$|\s+(?=[a-zà-ÿ(]))")


def clean_markdown(line: str) -> str:
    if line.startswith("#"):
        line = _MD_HEADING_RE.sub("", line)
    if "*" in line or "_" in line:
        line = _MD_EMPHASIS_RE.sub("", line)
    if "[" in line:
        line = _SUPERSCRIPT_RE.sub(r"\1", line)
    return line


def marker(number: int) -> str:
    return f"{MARK_OPEN}{number}{MARK_CLOSE}"


def _numbers(group: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", group)]


# --- 6. footnote blocks -----------------------------------------------------------------------


@dataclass
class RawFootnote:
    number: int
    lines: list[str]


_FOOTNOTE_START_RE = re.compile(
    r"\[\^?(?P<dn>\d{1,3})\]:?\s*(?=\S)"  # "[^1]: text", "[1] text" (markdown, HTML)
    r"|(?P<pn>\d{1,3})\)\s+(?=\S)"  # "1) text"
    r"|(?P<n>\d{1,3})(?:(?P<glued>(?=[A-Za-zÀ-ÿ«“\"‘'(\[]))|\s+(?=\S))"  # "1 text", "1Text"
)


def _footnote_number(m: re.Match[str]) -> int:
    return int(m.group("dn") or m.group("pn") or m.group("n"))


_FLAT_FOOTNOTE_RE = re.compile(
    r"(?:^|(?<=\s))(\d{1,3})(?:\s+(?=\d)|\s+|(?=[A-Z«“(]|https?:|www\.))(?=[A-Z«“\"‘'(\[\d]|https?:|www\.)"
)


def _is_footnote_start(
    lines: Sequence[str], i: int, expected: int, markers_seen: set[int], numbered: bool = False
) -> bool:
    m = _FOOTNOTE_START_RE.match(lines[i])
    if not m or _footnote_number(m) != expected or m.end() >= len(lines[i]):
        return False
    if m.group("dn"):
        return True
    if m.group("pn"):
        return not numbered or expected in markers_seen
    if lines[i][m.end() :].lstrip().startswith((MARK_OPEN,)):
        return False
    if numbered and expected not in markers_seen:
        return False  # "1 Welke lessen …?" is a question there, unless a marker was seen
    prev_blank = i == 0 or not lines[i - 1].strip()
    glued = m.group("glued") is not None
    nxt = lines[i][m.end()]
    if glued:
        return nxt.isupper() or nxt in "«“\"‘'([" or expected in markers_seen
    if nxt.islower() and not prev_blank:
        return False
    return prev_blank or expected in markers_seen or glued


def _footnote_block(
    page: list[str], expected: int, markers_seen: set[int], numbered: bool = False
) -> tuple[list[str], list[RawFootnote]]:
    """Split the footnote block off the foot of a page of lines."""
    candidates = [
        i for i in range(len(page)) if _is_footnote_start(page, i, expected, markers_seen, numbered)
    ]
    if not candidates:
        return page, []
    start = candidates[-1]
    notes: list[RawFootnote] = []
    for line in page[start:]:
        if not line.strip():
            continue
        m = _FOOTNOTE_START_RE.match(line)
        number = expected + len(notes)
        if m and _footnote_number(m) == number and m.end() < len(line):
            notes.append(RawFootnote(number, [line[m.end() :].strip()]))
        elif notes:
            notes[-1].lines.append(line.strip())
    return page[:start], notes


def _flat_footnote_block(
    page: list[str], expected: int, markers_seen: set[int]
) -> tuple[list[str], list[RawFootnote]]:
    """Footnotes at the foot of a flattened page: "… wordt 1 Financieel Dagblad, … 2 De …".

    The block is a chain of footnote numbers counting up from ``expected`` and running to the
    end of the page; a chain of one needs a marker seen for it."""
    if not page:
        return page, []
    text = page[-1]
    starts = [(int(m.group(1)), m.start(), m.end()) for m in _FLAT_FOOTNOTE_RE.finditer(text)]
    for last in reversed(range(len(starts))):
        number = starts[last][0]
        if number < expected or number > expected + 30:
            continue
        chain = [starts[last]]
        want = number - 1
        for j in reversed(range(last)):
            if want < expected:
                break
            if starts[j][0] == want:
                chain.append(starts[j])
                want -= 1
        if want != expected - 1:
            continue
        if len(chain) == 1 and expected not in markers_seen:
            return page, []
        chain.reverse()
        notes = []
        for k, (n, _, text_start) in enumerate(chain):
            text_end = chain[k + 1][1] if k + 1 < len(chain) else len(text)
            notes.append(RawFootnote(n, [text[text_start:text_end].strip()]))
        body = text[: chain[0][1]].rstrip()
        return [*page[:-1], *([body] if body else [])], notes
    return page, []


# --- 7. the vocabulary and Dutch rejoin rules ---------------------------------------------------

# Lower-case abbreviations that keep their hyphen in a compound (mkb-bedrijven, ggz-instelling).
ABBREVIATIONS = frozenset(
    [
        "mkb",
        "ggz",
        "ggd",
        "mbo",
        "hbo",
        "wo",
        "vwo",
        "havo",
        "vmbo",
        "ict",
        "btw",
        "pgb",
        "zzp",
        "wmo",
        "wlz",
        "zvw",
        "ov",
        "ns",
        "ai",
        "ict-",
        "rivm",
        "cbs",
        "wur",
        "tno",
        "nza",
    ]
)
# A word after a hyphen that marks an elision ("midden- en kleinbedrijf"): leave it alone.
ELISION_WORDS = frozenset(["en", "of", "tot", "als", "noch", "dan", "maar", "en/of", "&"])
_VOWELS = set("aeiouy")
_DIAERESIS = str.maketrans("eiu", "ëïü")
_WORD_RE = re.compile(r"[\w’'-]+")


class Vocabulary:
    """The words of a document, lower-cased, to decide how split words are rejoined.

    ``word in vocabulary`` is true when the document has ``word`` as a whole token (letters,
    digits, apostrophes and hyphens). Looked up in the text itself, with a cache: a document
    asks for a few dozen words at most."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lower: str | None = None
        self._cache: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        word = word.lower()
        found = self._cache.get(word)
        if found is None:
            found = self._cache[word] = self._find(word)
        return found

    def _find(self, word: str) -> bool:
        if not word:
            return False
        if self._lower is None:
            self._lower = self._text.lower()
        text = self._lower
        i = text.find(word)
        while i != -1:
            j = i + len(word)
            if (i == 0 or not _is_token_char(text[i - 1])) and (
                j == len(text) or not _is_token_char(text[j])
            ):
                return True
            i = text.find(word, i + 1)
        return False


def _is_token_char(char: str) -> bool:
    return char.isalnum() or char in "_’'-"


def _is_abbreviation(part: str) -> bool:
    letters = [c for c in part if c.isalpha()]
    if not letters:
        return True  # digits: "TO2-", "2030-"
    if any(c.isdigit() or c == "&" for c in part):
        return True
    if sum(1 for c in letters if c.isupper()) >= 2 or (len(part) == 1 and part.isupper()):
        return True
    low = part.lower()
    return low in ABBREVIATIONS or not any(c in _VOWELS for c in low)


def rejoin(
    left: str, right: str, vocabulary: Vocabulary | set[str] | frozenset[str] = frozenset()
) -> str:
    """Rejoin a word split at a line end: ``left`` ends before the hyphen, ``right`` is the
    word that follows. Returns the word as it should be written."""
    if not left or not right:
        return f"{left}-{right}"
    last = left.split("-")[-1]
    if right[0].isupper() or right[0].isdigit():
        return f"{left}-{right}"  # Noord-Brabant, BO-Brainport, 2021-2025
    if _is_abbreviation(last):
        return f"{left}-{right}"  # mkb-bedrijven, R&D-investeringen
    joined = left + right
    if joined.lower() in vocabulary:
        return joined
    if f"{left}-{right}".lower() in vocabulary:
        return f"{left}-{right}"
    a, b = last[-1].lower(), right[0].lower()
    if a in _VOWELS and b in _VOWELS:
        with_diaeresis = left + right[0].translate(_DIAERESIS) + right[1:]
        if with_diaeresis != joined and with_diaeresis.lower() in vocabulary:
            return with_diaeresis  # ge-/informeerd -> geïnformeerd when the text has it
        return f"{left}-{right}"  # Micro-elektronica, zee-egel
    return joined


_LEFT_WORD_RE = re.compile(r"([\w&’']+(?:-[\w&’']+)*)-$")
_RIGHT_WORD_RE = re.compile(r"^[\w’']+")
_INLINE_SPLIT_RE = re.compile(
    r"([\w&’']{1,60}(?:-[\w&’']{1,60}){0,6})- ([A-Za-zà-ÿ][\w’']{0,60})(?![\w’'])"
)
_URL_TAIL_RE = re.compile(r"(?:https?://|www\.)\S*[/\-._=?&#%~]$")
# "ggzinstelling" (a hyphen lost at a line end) -> "ggz-instelling": Dutch writes a hyphen
# after an abbreviation in a compound; only vowel-less abbreviations, which start no word.
_GLUED_ABBREVIATION_RE = re.compile(r"\b(mkb|ggz|ggd|btw|pgb|zzp|wlz|zvw)([a-zà-ÿ]{4,})\b")
_CAMEL_HINT_RE = re.compile(r"[a-zà-ÿ][A-Z]")
_CAMEL_RE = re.compile(r"\b([A-Z][a-zà-ÿ]{2,})([A-Z][a-zà-ÿ]{2,})\b")


def join_pair(left_line: str, right_line: str, vocabulary: Vocabulary) -> str:
    """Join two lines of one paragraph, rejoining a word split at the line end."""
    a = left_line.rstrip()
    b = right_line.lstrip()
    if not a:
        return b
    if not b:
        return a
    if not a.endswith("-"):
        return f"{a} {b}"
    tail_start = max(0, len(a) - 120)
    m = _LEFT_WORD_RE.search(a, tail_start)
    r = _RIGHT_WORD_RE.match(b)
    if m and r:
        word = r.group(0)
        if word.lower() in ELISION_WORDS:
            return f"{a} {b}"  # onderwijs- en kennisinstellingen
        return a[: m.start()] + rejoin(m.group(1), word, vocabulary) + b[len(word) :]
    return f"{a} {b}"


def rejoin_inline(text: str, vocabulary: Vocabulary) -> str:
    """In a flattened document a line-end split shows as "zorgverzeke- raars"."""

    def repl(m: re.Match[str]) -> str:
        if m.group(2).lower() in ELISION_WORDS:
            return m.group(0)
        return rejoin(m.group(1), m.group(2), vocabulary)

    return _INLINE_SPLIT_RE.sub(repl, text)


def repair_camel(text: str, vocabulary: Vocabulary) -> str:
    """ "NagornoKarabach" (a hyphen lost at a line end) -> "Nagorno-Karabach" when the document
    writes it so elsewhere."""

    def repl(m: re.Match[str]) -> str:
        hyphenated = f"{m.group(1)}-{m.group(2)}"
        return hyphenated if hyphenated.lower() in vocabulary else m.group(0)

    return _CAMEL_RE.sub(repl, text)


_SPACES_RE = re.compile(r"[ ]{2,}")
_HYPHEN_RE = re.compile(r"(?<=[a-zà-ÿ]{2})-(?=[a-zà-ÿ]{2})")
_LEFT_PART_RE = re.compile(r"(?<![\w-])[a-zà-ÿ]{2,}$")
_RIGHT_PART_RE = re.compile(r"[a-zà-ÿ]{2,}(?![\w-])")
_MARKS = MARK_OPEN + r"\d+" + MARK_CLOSE
_MARK_SPACE_RE = re.compile(r" ((?:" + _MARKS + r")+)(?=[^\s" + MARK_OPEN + r"])")
_SPACE_MARK_RE = re.compile(r" ((?:" + _MARKS + r")+)(?=\s|$)")


def repair_soft_hyphens(text: str, vocabulary: Vocabulary) -> str:
    """ "emissiefacto-ren" (a soft hyphen kept mid-line) -> "emissiefactoren" when the
    document writes the word whole elsewhere."""
    out, last = [], 0
    for h in _HYPHEN_RE.finditer(text):
        i = h.start()
        left = _LEFT_PART_RE.search(text, max(0, i - 40), i)
        right = _RIGHT_PART_RE.match(text, i + 1)
        if not left or not right or left.start() < last:
            continue
        joined = left.group(0) + right.group(0)
        if joined in vocabulary and not _is_abbreviation(left.group(0)):
            out += [text[last : left.start()], joined]
            last = right.end()
    if not out:
        return text
    return "".join(out) + text[last:]


def tidy_markers(text: str) -> str:
    """A marker sits right after its word: "2023 ‹2›ingegaan" -> "2023‹2› ingegaan"."""
    text = _MARK_SPACE_RE.sub(r"\1 ", text)
    return _SPACE_MARK_RE.sub(r"\1", text)


def join_lines(lines: Iterable[str], vocabulary: Vocabulary, *, flat: bool = False) -> str:
    """Join the lines of one paragraph into one line of text."""
    done: list[str] = []
    last = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not last:
            last = line
        elif (
            ("http" in last or "www." in last)
            and _URL_TAIL_RE.search(last, max(0, len(last) - 300))
            and not line[:1].isupper()
        ):
            last += line  # a URL broken at the line end: "https://www.bd.nl/binnenland/"
        elif last.endswith("-"):
            last = join_pair(last, line, vocabulary)
            cut = last.rfind(" ")
            if cut > 0:  # keep only the last word open: joining stays linear
                done.append(last[:cut])
                last = last[cut + 1 :]
        else:
            done.append(last)
            last = line
    if last:
        done.append(last)
    out = " ".join(done)
    if flat and "- " in out:
        out = rejoin_inline(out, vocabulary)
    if _CAMEL_HINT_RE.search(out):
        out = repair_camel(out, vocabulary)
    if "-" in out:
        out = repair_soft_hyphens(out, vocabulary)
    out = _GLUED_ABBREVIATION_RE.sub(r"\1-\2", out)
    if MARK_OPEN in out:
        out = tidy_markers(out)
    if "  " in out:
        out = _SPACES_RE.sub(" ", out)
    return out.strip()


# --- the whole stage --------------------------------------------------------------------------


@dataclass
class Normalized:
    """Body lines (``PAGE_BREAK`` between pages; markers as ``marker(n)`` sentinels), the
    footnotes cut from the body, and what the furniture said."""

    lines: list[Line]
    footnotes: list[RawFootnote]
    vocabulary: Vocabulary
    flat_lines: set[int] = field(default_factory=set)  # indexes of lines from a flat stretch
    identifiers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _marker_candidates(line: str, flat: bool) -> list[int]:
    found = [n for m in BRACKET_MARKER_RE.finditer(line) for n in _numbers(m.group(1))]
    if _DIGIT_RE.search(line):
        found += [n for m in glued_markers(line) for n in _numbers(m.group(0))]
    if not flat:
        m = _LINE_MARKER_RE.match(line)
        if m:
            found.append(int(m.group(1)))
    return found


def normalize(text: str, *, numbered_layout: bool = False, precleaned: bool = False) -> Normalized:
    """Run steps 2–7 on decoded text. ``numbered_layout``: bare number lines are question
    numbers (the seed's layout), never footnote markers."""
    if not precleaned:
        text = preclean(text)
    vocabulary = Vocabulary(text)
    raw_lines: list[tuple[str, bool]] = []
    for line in text.split("\n"):
        if len(line) >= FLAT_LINE:
            raw_lines.extend((piece, True) for piece in unflatten(line))
        else:
            raw_lines.append((line, False))

    # furniture -> page breaks
    identifiers: list[str] = []
    pages: list[list[tuple[str, bool]]] = [[]]
    for line, flat in raw_lines:
        rest, stripped, ids = strip_furniture(line)
        identifiers.extend(ids)
        if stripped:
            if pages[-1]:
                pages.append([])
            if rest:
                pages[-1].append((clean_markdown(rest), flat))
            continue
        pages[-1].append((clean_markdown(line.rstrip()), flat))
    if not pages[-1] and len(pages) > 1:
        pages.pop()

    # footnote blocks at the foot of each page
    footnotes: list[RawFootnote] = []
    markers_seen: set[int] = set()
    body_pages: list[list[tuple[str, bool]]] = []
    for page in pages:
        lines = [line for line, _ in page]
        flats = [flat for _, flat in page]
        expected = len(footnotes) + 1
        for line, flat in page:
            if numbered_layout and _LINE_MARKER_RE.match(line) and line.strip().isdigit():
                continue
            markers_seen.update(_marker_candidates(line, flat))
        if flats and flats[-1]:
            body, notes = _flat_footnote_block(lines, expected, markers_seen)
        else:
            body, notes = _footnote_block(lines, expected, markers_seen, numbered_layout)
        footnotes.extend(notes)
        body_pages.append([(line, flats[i]) for i, line in enumerate(body)])

    # markers -> sentinels
    known = {note.number for note in footnotes}
    next_marker = 1
    out_lines: list[Line] = []
    flat_lines: set[int] = set()

    def bracket(m: re.Match[str]) -> str:
        return "".join(marker(n) for n in _numbers(m.group(1)))

    def glued(m: re.Match[str]) -> str:
        nonlocal next_marker
        numbers = _numbers(m.group(0))
        if numbers[0] == next_marker and all(n in known for n in numbers):
            next_marker = numbers[-1] + 1
            return "".join(marker(n) for n in numbers)
        return m.group(0)

    for k, page in enumerate(body_pages):
        if k:
            out_lines.append(PAGE_BREAK)
        filled = [i for i, (line, _) in enumerate(page) if line.strip()]
        edges = {filled[0], filled[-1]} if filled else set()
        for i, (line, flat) in enumerate(page):
            if MARK_OPEN not in line and "[" in line:
                line = BRACKET_MARKER_RE.sub(bracket, line)
                for n in MARKER_RE.findall(line):
                    next_marker = max(next_marker, int(n) + 1)
            if known:
                pieces, last = [], 0
                for g in glued_markers(line):
                    pieces += [line[last : g.start()], glued(g)]
                    last = g.end()
                line = "".join(pieces) + line[last:]
                lm = None if (flat or numbered_layout) else _LINE_MARKER_RE.match(line)
                if lm and int(lm.group(1)) in known and int(lm.group(1)) >= next_marker:
                    n = int(lm.group(1))
                    next_marker = n + 1
                    line = marker(n) + line[lm.end() :]
            if not numbered_layout and i in edges and _PAGE_NUMBER_RE.match(line):
                continue  # a page number at the head or foot of a page
            if flat:
                flat_lines.add(len(out_lines))
            out_lines.append(line)
    return Normalized(
        lines=out_lines,
        footnotes=footnotes,
        vocabulary=vocabulary,
        flat_lines=flat_lines,
        identifiers=identifiers,
    )
