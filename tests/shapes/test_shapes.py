"""Every shape has a conforming and a violating case (tests/shapes/cases/<Shape>/).

A conforming case gives no result at all. A violating case gives results from its shape only,
with the severity named in the file (``# expect: Violation``), on the focus nodes it names
(``# focus: ex:q1``), and each message names its focus node in prefixed form.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kamergraph.builder.validate import Severity, load_shapes, validate
from rdflib import RDF, RDFS, Graph
from rdflib.namespace import SH

from kamergraph import paths

CASES = Path(__file__).parent / "cases"
SHAPES_NS = "https://w3id.org/kamergraph/shapes#"


def header(path: Path, key: str) -> str:
    match = re.search(rf"^# {key}: (.+)$", path.read_text(encoding="utf-8"), re.M)
    assert match, f"{path} has no '# {key}:' line"
    return match.group(1).strip()


def case_files(name: str) -> list[Path]:
    return sorted(CASES.glob(f"*/{name}.ttl"))


@pytest.mark.parametrize("case", case_files("conforming"), ids=lambda p: p.parent.name)
def test_conforming_case_gives_no_result(case: Path):
    report = validate(Graph().parse(case, format="turtle"))
    assert report.conforms
    assert report.lines() == []


@pytest.mark.parametrize("case", case_files("violating"), ids=lambda p: p.parent.name)
def test_violating_case_is_reported_by_its_shape_with_a_readable_message(case: Path):
    shape = f"kgsh:{case.parent.name}"
    assert header(case, "shape") == shape
    severity = Severity(header(case, "expect"))
    expected_focus = set(header(case, "focus").split())

    report = validate(Graph().parse(case, format="turtle"))

    assert report.results, "the violating case conforms"
    assert {r.shape for r in report.results} == {shape}, report.lines()
    assert {r.severity for r in report.results} == {severity}
    assert report.conforms is (severity is not Severity.VIOLATION)
    assert {r.focus_name for r in report.results} == expected_focus
    for result in report.results:
        assert re.search(rf"(?<![\w:]){re.escape(result.focus_name)}(?![\w/#-])", result.message), (
            result.message
        )
        assert str(result.focus_node) not in result.message
        line = result.line("kst-1-1")
        assert line.startswith(f"kst-1-1: {severity.value}: {result.focus_name}")
        assert "\n" not in line


def test_every_targeted_shape_has_both_cases():
    shapes = load_shapes(paths.SHAPES_DIR)
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    targeted = {s for t in targets for s in shapes.subjects(t, None) if shapes.value(s, RDF.type)}
    owners = {shapes.value(s, RDFS.isDefinedBy) or s for s in targeted}
    named = {str(s)[len(SHAPES_NS) :] for s in owners if str(s).startswith(SHAPES_NS)}
    assert all(str(s).startswith(SHAPES_NS) for s in owners), "a targeted shape without a name"
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert named == folders
    for name in named:
        assert (CASES / name / "conforming.ttl").exists()
        assert (CASES / name / "violating.ttl").exists()


def test_every_shape_message_names_its_focus_node():
    shapes = load_shapes(paths.SHAPES_DIR)
    for message in shapes.objects(None, SH.message):
        assert "{$this}" in str(message), message


def test_sparql_constraints_hold_no_comments():
    """load_shapes() puts each query on one line (see there): a # comment would swallow the
    rest of the query."""
    shapes = Graph()
    for file in sorted(paths.SHAPES_DIR.glob("*.ttl")):
        shapes.parse(file, format="turtle")
    for query in shapes.objects(None, SH.select):
        without_iris = re.sub(r"<[^<>\s]*>", "", str(query))
        assert "#" not in without_iris, query
        for literal in re.findall(r"'[^']*'|\"[^\"]*\"", str(query)):
            assert "  " not in literal and "\n" not in literal, literal
