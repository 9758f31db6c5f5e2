"""``kamergraph parse``: output, and bad input as one line on stderr with a documented code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kamergraph import paths
from kamergraph.cli import main
from kamergraph.errors import EXIT_INPUT, EXIT_OK

GOOD = "Vraag 1\nKent u het bericht?\n\nAntwoord 1\nJa.\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["parse", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_seed_json(capsys):
    code, out, err = run(capsys, str(paths.SAMPLE_DOCUMENT), "--id", paths.SAMPLE_IDENTIFIER)
    assert (code, err) == (EXIT_OK, "")
    data = json.loads(out)
    assert data["identifier"] == "kst-33009-123"
    assert data["question_numbers"] == list(range(1, 14))
    assert data["answers"][10]["numbers"] == [11]


def test_parse_text_format(capsys):
    path = paths.EXAMPLES_DIR / "documents" / "ah-tk-20232024-387_bz_kaukasus.txt"
    code, out, _ = run(capsys, str(path), "--format", "text")
    assert code == EXIT_OK
    assert "identifier:   ah-tk-20232024-387 (text)" in out
    assert "== Antwoord 4 en 5" in out


def one_line_error(err: str, path, reason: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kamergraph parse: error: ")
    assert str(path) in lines[0] and reason in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00", "not a text file"),
        (b"Zomaar tekst zonder vragen.\n", "no recognisable questions"),
    ],
)
def test_bad_input(capsys, tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert code == EXIT_INPUT
    assert out == ""
    one_line_error(err, path, reason)


def test_missing_file(capsys, tmp_path):
    path = tmp_path / "absent.txt"
    code, out, err = run(capsys, str(path))
    assert (code, out) == (EXIT_INPUT, "")
    one_line_error(err, path, "no such file")


def test_cp1252_file_parses_with_a_warning(capsys, tmp_path):
    path = tmp_path / "oud.txt"
    path.write_bytes(("Vraag 1\nKent u het café?\n\nAntwoord 1\nJa – zeker.\n").encode("cp1252"))
    code, out, err = run(capsys, str(path))
    assert code == EXIT_OK
    assert json.loads(out)["answers"][0]["text"] == "Ja – zeker."
    (line,) = err.splitlines()
    assert line.startswith(f"kamergraph parse: warning: {path}: ") and "cp1252" in line


@pytest.mark.parametrize(
    "text, warning",
    [
        (GOOD + "\nVraag 2\nNog een?\n", "question 2 has no answer"),
        (GOOD + "\nAntwoord 2\nNee.\n", "answer 2 has no question"),
    ],
)
def test_unmatched_blocks_warn(capsys, tmp_path, text, warning):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, str(path))
    assert code == EXIT_OK and json.loads(out)["warnings"] == [warning]
    assert err.splitlines() == [f"kamergraph parse: warning: {path}: {warning}"]
    code, _, _ = run(capsys, str(path), "--strict")
    assert code == EXIT_INPUT


def test_command_line_process_reports_without_traceback(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "kamergraph.cli", "parse", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_INPUT
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
