"""Output: every format round-trips through rdflib, N-Quads are byte-identical across runs
and --jobs, large builds spill sorted runs to disk, and writes are atomic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from kamergraph.builder import output, pipeline
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kamergraph import paths
from kamergraph.errors import OutputError, UsageError

from .conftest import SEED_ID

DOCUMENTS = paths.EXAMPLES_DIR / "documents"
RDFLIB_FORMATS = {
    "trig": "trig",
    "nquads": "nquads",
    "jsonld": "json-ld",
    "turtle": "turtle",
    "ntriples": "nt",
}


def graphs_of(path: Path, rdflib_format: str) -> dict[str, Graph]:
    """The named graphs of a file as rdflib reads it (no named graphs: one graph, '')."""
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib 7.6 deprecates its own Dataset internals
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=path.read_text(encoding="utf-8"), format=rdflib_format)
        default = dataset.default_graph.identifier
        found: dict[str, Graph] = {}
        for s, p, o, g in dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, Graph) else g
            found.setdefault("" if name in (None, default) else str(name), Graph()).add((s, p, o))
    return found


def union(graphs: dict[str, Graph]) -> Graph:
    merged = Graph()
    for graph in graphs.values():
        for triple in graph:
            merged.add(triple)
    return merged


@pytest.fixture(scope="module")
def seed_in_every_format(tmp_path_factory, context) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("formats")
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID)]
    written = {}
    for fmt, extension in output.FORMATS.items():
        out = folder / f"seed{extension}"
        pipeline.build(sources, out, pipeline.Options(progress=False), context=context)
        written[fmt] = out
    return written


@pytest.mark.parametrize("fmt", ["trig", "jsonld"])
def test_formats_with_named_graphs_round_trip(seed_in_every_format, fmt: str) -> None:
    reference = graphs_of(seed_in_every_format["nquads"], "nquads")
    found = graphs_of(seed_in_every_format[fmt], RDFLIB_FORMATS[fmt])
    assert sorted(found) == sorted(reference)
    assert any(name.endswith(f"graph/doc/{SEED_ID}") for name in found)
    for name, graph in reference.items():
        assert isomorphic(found[name], graph), name


@pytest.mark.parametrize("fmt", ["turtle", "ntriples"])
def test_formats_without_graphs_hold_the_union(seed_in_every_format, fmt: str) -> None:
    reference = union(graphs_of(seed_in_every_format["nquads"], "nquads"))
    found = Graph().parse(seed_in_every_format[fmt], format=RDFLIB_FORMATS[fmt])
    assert len(found) == len(reference)
    assert isomorphic(found, reference)


def test_nquads_lines_are_sorted_and_unique(seed_in_every_format) -> None:
    lines = seed_in_every_format["nquads"].read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))


def test_same_input_gives_byte_identical_nquads(tmp_path: Path, context, seed_nquads) -> None:
    again = tmp_path / "again.nq"
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID)]
    pipeline.build(sources, again, pipeline.Options(progress=False), context=context)
    assert again.read_bytes() == seed_nquads.read_bytes()


@pytest.mark.slow
def test_jobs_1_and_jobs_2_give_byte_identical_nquads(tmp_path: Path, context) -> None:
    sources = pipeline.find_sources([str(DOCUMENTS)])
    assert len(sources) == 5
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}.nq"
        summary = pipeline.build(
            sources, out, pipeline.Options(jobs=jobs, progress=False), context=context
        )
        assert summary.documents == 5 and not summary.violations
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_sorter_spilling_to_disk_gives_the_same_lines(tmp_path: Path) -> None:
    lines = [f'<http://x/{i % 97}> <http://p> "{i % 13}" <http://g/{i % 3}> .' for i in range(5000)]
    small = output.QuadSorter(tmp_path, spill_lines=20)
    for start in range(0, len(lines), 7):
        small.extend(lines[start : start + 7])
    assert len(small.runs) > output.MERGE_FAN_IN  # forces a multi-level merge
    assert list(small.sorted_lines()) == sorted(set(lines))


AWKWARD = [
    Literal('quote " backslash \\ tab \t newline \n return \r end'),
    Literal("één — “Dutch” ‘quotes’ €", lang="nl"),
    Literal("\x01 control \x7f"),
    Literal("3.50", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
    Literal("multi\nline", lang="en-gb"),
]


@pytest.mark.parametrize("fmt", list(output.FORMATS))
def test_awkward_literals_survive_every_format(tmp_path: Path, fmt: str) -> None:
    graph = Graph()
    subject = URIRef("https://w3id.org/kamergraph/id/doc/x")
    for index, literal in enumerate(AWKWARD):
        graph.add((subject, URIRef(f"https://w3id.org/kamergraph/def#p{index}"), literal))
    graph.add((subject, URIRef("http://example.org/b"), BNode("b1")))
    graph.add((BNode("b1"), URIRef("http://example.org/v"), Literal(1)))
    graph_iri = "https://w3id.org/kamergraph/id/graph/doc/x"
    major = fmt in output.GRAPH_MAJOR
    sorter = output.QuadSorter(tmp_path)
    sorter.extend(output.quad_lines(graph, graph_iri, graph_major=major))
    out = tmp_path / f"g{output.FORMATS[fmt]}"
    with output.atomic_write(out) as stream:
        assert output.write(sorter.sorted_lines(), stream, fmt) == len(graph)
    found = union(graphs_of(out, RDFLIB_FORMATS[fmt]))
    assert isomorphic(found, graph)


def test_output_format_from_extension_or_option() -> None:
    assert output.output_format(Path("g.trig")) == "trig"
    assert output.output_format(Path("g.nq")) == "nquads"
    assert output.output_format(Path("g.jsonld")) == "jsonld"
    assert output.output_format(Path("g.data"), "turtle") == "turtle"
    with pytest.raises(UsageError, match="--format"):
        output.output_format(Path("g.data"))


def test_a_writer_failing_halfway_leaves_the_old_output(tmp_path: Path, context, monkeypatch):
    out = tmp_path / "g.nq"
    out.write_text("previous output\n", encoding="utf-8")

    def failing(lines, stream, fmt):
        for count, line in enumerate(lines):
            stream.write(line + "\n")
            if count == 100:
                raise OSError(28, "No space left on device")
        return 0

    monkeypatch.setattr(output, "write", failing)
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID)]
    with pytest.raises(OutputError, match="No space left"):
        pipeline.build(sources, out, pipeline.Options(progress=False), context=context)
    assert out.read_text(encoding="utf-8") == "previous output\n"
    assert list(tmp_path.iterdir()) == [out]


def test_an_interrupted_write_leaves_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "g.nq"
    out.write_text("previous output\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), output.atomic_write(out) as stream:
        stream.write("half of a new graph")
        raise KeyboardInterrupt
    assert out.read_text(encoding="utf-8") == "previous output\n"
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.slow
@pytest.mark.integration
def test_a_build_killed_while_writing_leaves_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "g.nq"
    out.write_text("previous output\n", encoding="utf-8")
    # a writer slowed down so that the kill lands while the temporary file is being written
    script = (
        "import sys, time\n"
        "from kamergraph.builder import output\n"
        "real = output.write\n"
        "def slow(lines, stream, fmt):\n"
        "    def trickle():\n"
        "        for line in lines:\n"
        "            time.sleep(0.0005); yield line\n"
        "    return real(trickle(), stream, fmt)\n"
        "output.write = slow\n"
        "from kamergraph.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            "build",
            str(paths.SAMPLE_DOCUMENT),
            "--id",
            SEED_ID,
            "-o",
            str(out),
        ],
        cwd=paths.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        temporary = []
        while time.monotonic() < deadline and process.poll() is None:
            temporary = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            if temporary and temporary[0].stat().st_size > 10_000:
                break
            time.sleep(0.02)
        assert temporary, "the build never started writing"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert out.read_text(encoding="utf-8") == "previous output\n"


def test_an_unwritable_output_fails_before_the_work(tmp_path: Path) -> None:
    from .conftest import run_cli

    missing = tmp_path / "no" / "such" / "folder" / "g.nq"
    code, _stdout, stderr = run_cli("build", str(paths.SAMPLE_DOCUMENT), "-o", str(missing))
    assert code == 6 and "output folder does not exist" in stderr and "Traceback" not in stderr
