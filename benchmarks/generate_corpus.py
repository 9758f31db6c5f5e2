"""Generate a corpus of documents by recombining the real example documents.

    python benchmarks/generate_corpus.py N OUTDIR [--seed S]

Writes N ``.txt`` documents to OUTDIR plus ``manifest.json`` (what each document should
parse to: identifier or null, question numbers, answer blocks, layout). The question and
answer pairs of the five documents in ``examples/documents`` (with their footnotes) are
shuffled across documents, renumbered, sometimes combined ("Vraag 4 en 5"), given new
identifiers, askers and dates, and written in every layout the parser reads:

- ``seed``: committee list, a bare number line, the question, a line "Antwoord";
- ``numbered``: committee list, "1. Question …" and an unlabelled answer paragraph;
- ``markdown``: markdown from PDF, "[1 ]" markers, footnote blocks, "h tk …" and "-----";
- ``rawpdf``: raw PDF text, footers glued to the next heading, footnote lines "1Text",
  markers on their own line, words hyphenated at line ends;
- ``flat``: the raw PDF text flattened onto one line;
- ``html``: "Vraag N:" / "Antwoord op vraag N:", "[N]" markers, footnotes at the end.

Deterministic for a given seed. Documents of the ``seed`` and ``numbered`` layouts carry no
identifier of their own (the parser derives one from the content), like the real seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "examples" / "documents"
LAYOUTS = ("seed", "numbered", "markdown", "rawpdf", "flat", "html")

MEMBERS = [
    ("Boswijk", "CDA"),
    ("Dijk", "SP"),
    ("Bromet", "GroenLinks"),
    ("Bouwmeester", "PvdA"),
    ("Van der Lee", "GroenLinks-PvdA"),
    ("Omtzigt", "NSC"),
    ("Kops", "PVV"),
]
MINISTERS = [
    ("Minister van Buitenlandse Zaken", "Bruins Slot", "Buitenlandse Zaken"),
    ("Minister voor Langdurige Zorg en Sport", "Helder", "Langdurige Zorg en Sport"),
    ("Minister voor Natuur en Stikstof", "Van der Wal-Zeggelink", "Natuur en Stikstof"),
    (
        "Minister van Volksgezondheid, Welzijn en Sport",
        "Schippers",
        "Volksgezondheid, Welzijn en Sport",
    ),
    ("Minister van Economische Zaken en Klimaat", "Adriaansens", "Economische Zaken en Klimaat"),
]
COMMITTEES = [
    "vaste commissie voor Economische Zaken en Klimaat",
    "vaste commissie voor Volksgezondheid, Welzijn en Sport",
    "vaste commissie voor Buitenlandse Zaken",
]
MONTHS = "januari februari maart april mei juni juli augustus september oktober november december"


@dataclass
class Pair:
    question: str  # text with markers as "\x01n\x02" (n: index into notes)
    answer: str
    notes: list[str]


def _with_markers(document, block) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """The block's text with its footnote markers put back as placeholders."""
    text = block.text
    notes: list[str] = []
    inserts = []
    for note in document.footnotes:
        offset = note.marker_offset
        if offset is not None and block.span.start <= offset <= block.span.end:
            inserts.append((offset - block.span.start, len(notes)))
            notes.append(note.text)
    for position, index in sorted(inserts, reverse=True):
        text = text[:position] + f"\x01{index}\x02" + text[position:]
    return text, notes


def _shift(text: str, shift: int) -> str:
    """Renumber footnote placeholders by ``shift``."""
    return re.sub(r"\x01(\d+)\x02", lambda m: f"\x01{int(m.group(1)) + shift}\x02", text)


def load_pairs() -> list[Pair]:
    sys.path.insert(0, str(ROOT))
    from kamergraph.builder.parse import parse_file

    pairs: list[Pair] = []
    for path in sorted(DOCUMENTS.glob("*.txt")):
        document = parse_file(path)
        answers = {a.numbers: a for a in document.answers}
        for question in document.questions:
            answer = answers.get(question.numbers)
            if answer is None or question.incomplete:
                continue
            q, q_notes = _with_markers(document, question)
            a, a_notes = _with_markers(document, answer)
            shift = len(q_notes)
            a = _shift(a, shift)
            q = re.sub(r"(?m)^\s*$\n?", "", q) if "\n\n" not in q else q
            pairs.append(Pair(q, a, q_notes + a_notes))
    return pairs


# --- rendering -----------------------------------------------------------------------------


def _date(rng: random.Random, year: int) -> str:
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS.split())} {year}"


def _hyphenate_wrap(text: str, width: int, rng: random.Random, rate: float) -> list[str]:
    """Wrap text; sometimes split a long lower-case word at the line end with a hyphen."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > width:
                bare = word.strip("(),.;:?!«»")
                if (
                    rate
                    and len(bare) >= 12
                    and bare.isalpha()
                    and bare.islower()
                    and rng.random() < rate
                ):
                    cut = _split_point(word)
                    if cut:
                        lines.append(f"{line} {word[:cut]}-")
                        line = word[cut:]
                        continue
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            lines.append(line)
    return lines


def _split_point(word: str) -> int | None:
    vowels = "aeiouy"
    for i in range(len(word) // 2, len(word) - 4):
        a, b, c = word[i - 1], word[i], word[i + 1]
        if (
            b.isalpha()
            and a in vowels
            and b not in vowels
            and c in vowels
            and word[i - 2] not in vowels
        ):
            return i  # split before a consonant between vowels: "kennis-/werkers" style
    return None


def _markers(text: str, style: str, first: int) -> str:
    def repl(m: re.Match[str]) -> str:
        n = first + int(m.group(1))
        return {"bracket": f"[{n} ]", "html": f"[{n}]", "glued": f"{n}", "none": ""}[style]

    return re.sub(r"\x01(\d+)\x02", repl, text)


@dataclass
class Spec:
    layout: str
    identifier: str | None
    year: int
    number: int
    member: tuple[str, str]
    minister: tuple[str, str, str]
    committee: str
    blocks: list[tuple[tuple[int, ...], str, str, list[str]]]


def build_spec(
    rng: random.Random, pairs: list[Pair], layout: str, taken: set[tuple[int, int]]
) -> Spec:
    year, number = rng.randint(2014, 2024), rng.randint(10, 3999)
    while (year, number) in taken:  # every generated document gets its own identifier
        year, number = rng.randint(2014, 2024), rng.randint(10, 3999)
    taken.add((year, number))
    chosen = rng.sample(pairs, k=min(len(pairs), rng.randint(4, 12)))
    blocks = []
    q = 1
    i = 0
    while i < len(chosen):
        if i + 1 < len(chosen) and rng.random() < 0.12 and layout not in ("seed", "numbered"):
            a, b = chosen[i], chosen[i + 1]
            shift = len(a.notes)
            b_q, b_a = _shift(b.question, shift), _shift(b.answer, shift)
            blocks.append(
                ((q, q + 1), f"{a.question}\n{b_q}", f"{a.answer}\n\n{b_a}", a.notes + b.notes)
            )
            q += 2
            i += 2
        else:
            p = chosen[i]
            blocks.append(((q,), p.question, p.answer, p.notes))
            q += 1
            i += 1
    ident = None if layout in ("seed", "numbered") else f"ah-tk-{year}{year + 1}-{number}"
    return Spec(
        layout,
        ident,
        year,
        number,
        rng.choice(MEMBERS),
        rng.choice(MINISTERS),
        rng.choice(COMMITTEES),
        blocks,
    )


def _key(numbers: tuple[int, ...]) -> str:
    return " en ".join(str(n) for n in numbers)


def render(spec: Spec, rng: random.Random) -> str:
    layout = spec.layout
    role, name, portfolio = spec.minister
    member, party = spec.member
    y = spec.year
    submitted, received = _date(rng, y), _date(rng, y + 1)
    if layout in ("seed", "numbered"):
        head = (
            f" De {spec.committee} heeft een aantal vragen voorgelegd aan de {role} over de "
            f"brief van {_date(rng, y)} inzake de voortgang van het beleid (Kamerstuk "
            f"{rng.randint(21, 36)} {rng.randint(100, 999)}, nr. {rng.randint(1, 300)}).\n\n"
            f"De Minister heeft deze vragen beantwoord bij brief van {received}.\n"
            "Vragen en antwoorden zijn hierna afgedrukt.\n\n"
            "De voorzitter van de commissie,\nKlink\n\n"
            "De griffier van de commissie,\nVan Dijke\n Vragen en antwoorden\n\n"
        )
        out = [*_hyphenate_wrap(head, 72, rng, 0.5)]
        for numbers, question, answer, _ in spec.blocks:
            q_text, a_text = _markers(question, "none", 1), _markers(answer, "none", 1)
            if layout == "seed":
                out += [
                    "",
                    f"{numbers[0]} ",
                    *_hyphenate_wrap(q_text, 72, rng, 0.4),
                    "",
                    "Antwoord ",
                ]
            else:
                out += ["", *_hyphenate_wrap(f"{numbers[0]}. {q_text}", 72, rng, 0.0), ""]
            out += _hyphenate_wrap(a_text.replace("\n\n", "\n"), 72, rng, 0.4)
        return "\n".join(out) + "\n"

    intro = (
        f"Vragen van het lid {member} ({party}) aan de {role} over de gevolgen van het "
        f"beleid (ingezonden {submitted}).\n\nAntwoord van Minister {name} ({portfolio}) "
        f"(ontvangen {received})."
    )
    if layout == "html":
        out = [f"Aanhangsel van de Handelingen, vergaderjaar {y}–{y + 1}, nr. {spec.number}", ""]
        out += intro.split("\n") + [""]
        notes: list[str] = []
        for numbers, question, answer, block_notes in spec.blocks:
            first = len(notes) + 1
            notes += block_notes
            out += [f"Vraag {_key(numbers)}:", _markers(question, "html", first), ""]
            out += [f"Antwoord op vraag {_key(numbers)}:", _markers(answer, "html", first), ""]
        out += ["", *[f"{i} {text}" for i, text in enumerate(notes, 1)]]
        return f"{spec.identifier}\n" + "\n".join(out) + "\n"

    # markdown, rawpdf, flat: paginated
    style = "bracket" if layout == "markdown" else "glued"
    body: list[tuple[str, list[int]]] = []  # (line, footnote numbers whose marker is on it)
    notes = []
    for numbers, question, answer, block_notes in spec.blocks:
        first = len(notes) + 1
        notes += block_notes
        for heading, text in (
            (f"Vraag {_key(numbers)}", question),
            (f"Antwoord {_key(numbers)}", answer),
        ):
            body.append((heading, []))
            width = 80 if layout == "markdown" else 95
            for line in _hyphenate_wrap(text, width, rng, 0.0 if layout == "markdown" else 0.3):
                on_line = [first + int(n) for n in re.findall(r"\x01(\d+)\x02", line)]
                if layout == "markdown":
                    body.append((_markers(line, style, first), on_line))
                else:
                    body.append((_markers(line, "none", first), on_line))
            if layout == "markdown":
                body.append(("", []))
    page_size = rng.randint(30, 45)
    pages = [body[i : i + page_size] for i in range(0, len(body), page_size)]
    out = []
    if layout == "markdown":
        out += [
            "",
            "# 2",
            "",
            f"#### Vergaderjaar {y}–{y + 1} Aanhangsel van de Handelingen",
            "",
            "**Vragen gesteld door de leden der Kamer, met de daarop door de**",
            "**regering gegeven antwoorden**",
            "",
            f"### {spec.number}",
            "",
            *textwrap.wrap(intro.split("\n")[0], 80),
            "",
            *textwrap.wrap(intro.split("\n")[2], 80),
            "",
        ]
    else:
        out += [
            "\t\t\tTweede Kamer der Staten-Generaal2",
            f"Vergaderjaar {y}–{y + 1}  Aanhangsel van de Handelingen ",
            "Vragen gesteld door de leden der Kamer, met de daarop door de ",
            "regering gegeven antwoorden  ",
            f"{spec.number}  ",
            *textwrap.wrap(intro.replace("\n\n", " "), 95),
            "",
        ]
    glue = ""
    for k, page in enumerate(pages, 1):
        page_notes: list[int] = []
        for line, on_line in page:
            if glue and line[:1].isdigit():
                out.append(glue)  # a footer glued to a number would be ambiguous
            elif glue:
                line = glue + line
            glue = ""
            out.append(line)
            if layout == "rawpdf":
                out += [f"{n} " for n in on_line]
            elif layout == "flat" and on_line:
                out[-1] = out[-1].rstrip() + ", ".join(str(n) for n in on_line)
            page_notes += on_line
        footer_notes = [
            f"{n} {notes[n - 1]}"
            if layout == "markdown" or notes[n - 1][:1].isdigit()
            else f"{n}{notes[n - 1]}"
            for n in page_notes
        ]
        if layout == "markdown":
            out += [
                "",
                "",
                *footer_notes,
                "",
                "",
                f"h tk {y}{y + 1} {spec.number}",
                "",
                "",
                "-----",
                "",
            ]
        else:
            out += ["", *footer_notes]
            if k == 1:
                out += ["\t", spec.identifier or "", f"ISSN 0921 - 7398’s-Gravenhage {y + 1}"]
                glue = out.pop()
            glue += f"Tweede Kamer, vergaderjaar {y}–{y + 1}, Aanhangsel {k}"
    if glue:
        out.append(glue)
    text = "\n".join(out) + "\n"
    if layout == "flat":
        text = re.sub(r"-\n(?=[a-z])", "- ", text)
        text = " ".join(text.split())
    return text


def generate(n: int, outdir: Path, seed: int = 20231113) -> list[dict]:
    rng = random.Random(seed)
    pairs = load_pairs()
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = []
    taken: set[tuple[int, int]] = set()
    for i in range(n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        spec = build_spec(rng, pairs, layout, taken)
        name = f"gen-{i:05d}-{layout}.txt"
        (outdir / name).write_text(render(spec, rng), encoding="utf-8")
        manifest.append(
            {
                "file": name,
                "layout": layout,
                "identifier": spec.identifier,
                "question_numbers": [m for numbers, *_ in spec.blocks for m in numbers],
                "answer_blocks": [list(numbers) for numbers, *_ in spec.blocks],
            }
        )
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, metavar="N", help="number of documents")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR")
    parser.add_argument("--seed", type=int, default=20231113)
    args = parser.parse_args(argv)
    generate(args.n, args.outdir, args.seed)
    print(f"wrote {args.n} documents and manifest.json to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
