"""The named queries on real built graphs: the seed's competency questions, the corpus's
entity groups, the general queries, and a graph built with an empty thesaurus."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from kamergraph.builder import evaluate, extract, pipeline, query, thesaurus
from kamergraph.builder.gazetteer import Gazetteer

from kamergraph import cli, paths

ACCEPTANCE = paths.EXAMPLES_DIR / "acceptance"
DOCUMENTS = paths.EXAMPLES_DIR / "documents"
ENTITY_QUERIES = (
    "entities-mentioned",
    "organisations-mentioned",
    "instruments-mentioned",
    "laws-mentioned",
    "questions-per-actor",
    "located-in",
)


class Graphs:
    """Acceptance documents built on demand, each into its own graph file, once."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.cases = {c.identifier: c for c in evaluate.cases(ACCEPTANCE, DOCUMENTS)}
        self.paths: dict[str, Path] = {}
        self.stores: dict[str, object] = {}
        self.context = None

    def path(self, identifier: str) -> Path:
        if identifier not in self.paths:
            self.context = self.context or pipeline.load_context()
            case = self.cases[identifier]
            path = self.workdir / f"{identifier}.nq"
            sources = [pipeline.Source(case.file, case.identifier)]
            pipeline.build(sources, path, pipeline.Options(progress=False), context=self.context)
            self.paths[identifier] = path
        return self.paths[identifier]

    def __getitem__(self, identifier: str):
        if identifier not in self.stores:
            self.stores[identifier] = query.load_store(self.path(identifier))
        return self.stores[identifier]


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> Graphs:
    return Graphs(tmp_path_factory.mktemp("graphs"))


def rows(store, name: str, **params) -> list[dict]:
    bound = dict(query.parse_param(f"{k}={v}") for k, v in params.items())
    return evaluate.select(store, name, bound)


def labels(store, name: str, **params) -> set[str]:
    return {str(r["label"]) for r in rows(store, name, **params) if "label" in r}


def seed_questions():
    seed = json.loads((ACCEPTANCE / "seed.json").read_text(encoding="utf-8"))
    return sorted(seed["competency_questions"].items())


@pytest.mark.parametrize(("name", "spec"), seed_questions())
def test_seed_competency_question(stores, seed_acceptance, name, spec) -> None:
    identifier = seed_acceptance["document"]["identifier"]
    score = evaluate.evaluate_competency(
        stores[identifier], identifier, name, spec, seed_acceptance["not_expected"].get(name, ())
    )
    assert score.recall == 1.0, score.missing
    assert score.precision is not None and score.precision >= 0.9, score.unexpected
    assert not score.forbidden


def test_cli_query_answers_in_sparql_json(stores, capsys) -> None:
    graph = stores.path(paths.SAMPLE_IDENTIFIER)
    code = cli.main(["query", str(graph), "--named", "spin-offs-of-philips", "--format", "json"])
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["head"]["vars"] == ["entity", "label"]
    assert sorted(b["label"]["value"] for b in answer["results"]["bindings"]) == [
        "ASML",
        "Signify",
    ]


@pytest.mark.slow
def test_corpus_entity_groups_are_all_found(stores, corpus_acceptance) -> None:
    for entry in corpus_acceptance["documents"].values():
        scores = evaluate.evaluate_entity_groups(
            stores[entry["identifier"]], entry["identifier"], entry["entities"]
        )
        assert [s.name for s in scores if s.recall < 1.0] == [], entry["identifier"]


@pytest.mark.slow
def test_general_queries_on_the_corpus(stores) -> None:
    kaukasus = stores["ah-tk-20232024-387"]
    assert {"Europese Commissie", "UNHCR", "Raad Buitenlandse Zaken"} <= labels(
        kaukasus, "organisations-mentioned"
    )
    assert {"motie Ceder", "Europese Vredesfaciliteit"} <= labels(kaukasus, "entities-mentioned")
    stal = stores["ah-tk-20222023-3649"]
    assert {"Wet natuurbescherming", "Regeling ammoniak en veehouderij"} <= labels(
        stal, "laws-mentioned"
    )
    assert "Programma Aanpak Stikstof" in labels(stal, "instruments-mentioned")
    assert "Centraal Bureau voor de Statistiek" in labels(stal, "organisations-mentioned")
    assert "Wageningen University & Research" in {
        str(r["label"]) for r in rows(stal, "questions-per-actor")
    } | labels(stal, "organisations-mentioned")
    nza = stores["ah-tk-20232024-302"]
    assert "Nederlandse Zorgautoriteit" in labels(nza, "organisations-mentioned")
    # nothing that is not an organisation
    assert not {"Wet natuurbescherming", "Nagorno-Karabach"} & (
        labels(stal, "organisations-mentioned") | labels(kaukasus, "organisations-mentioned")
    )


@pytest.mark.slow
def test_questions_per_actor_counts_questions(stores) -> None:
    found = {
        str(r["label"]): int(r["questions"])
        for r in rows(stores["ah-tk-20232024-387"], "questions-per-actor")
    }
    assert found and all(n >= 1 for n in found.values())


def test_located_in_takes_the_region_as_a_parameter(stores) -> None:
    seed = stores[paths.SAMPLE_IDENTIFIER]
    assert {"Nijmegen", "NXP"} <= labels(seed, "located-in", region="Gelderland")
    assert "Eindhoven" not in labels(seed, "located-in", region="Gelderland")
    assert {"Eindhoven", "Brainportregio"} <= labels(seed, "located-in", region="noord-brabant")
    assert labels(seed, "located-in", region="Nergensland") == set()


def test_evidence_query_explains_a_relation(stores) -> None:
    found = rows(stores[paths.SAMPLE_IDENTIFIER], "evidence")
    spin = [r for r in found if r["predicate"].endswith("#spunOffFrom")]
    assert spin and all("uit Philips zijn ontstaan" in r["sentence"] for r in spin)


def test_query_files_have_a_header_and_no_document_specific_answer() -> None:
    named = query.named_queries()
    seed = json.loads((ACCEPTANCE / "seed.json").read_text(encoding="utf-8"))
    assert set(seed["competency_questions"]) | set(ENTITY_QUERIES) <= set(named)
    for item in named.values():
        text = item.path.read_text(encoding="utf-8")
        assert re.search(r"^# title: \S", text, re.M), item.name
        assert re.search(r"^# description: \S", text, re.M), item.name
        assert "kst-" not in text and "ah-tk-" not in text and "/id/doc/" not in text
        if item.name != "evidence":
            assert "?entity" in text or "?id" in text or "?number" in text or "?from" in text


def test_empty_thesaurus_graph_answers_laws_and_organisations(tmp_path) -> None:
    context = pipeline.load_context()
    empty = Gazetteer.from_thesaurus(thesaurus.load(tmp_path / "none"))
    context = dataclasses.replace(context, gazetteer=empty, extract=extract.extract)
    path = tmp_path / "stal.nq"
    source = next(DOCUMENTS.glob("ah-tk-20222023-3649*.txt"))
    pipeline.build(
        [pipeline.Source(source, None)], path, pipeline.Options(progress=False), context=context
    )
    store = query.load_store(path)
    assert {"Wet natuurbescherming", "Regeling ammoniak en veehouderij"} <= labels(
        store, "laws-mentioned"
    )
    organisations = labels(store, "organisations-mentioned")
    assert "Commissie Deskundigen Meststoffenwet" in organisations
    # the document writes both; the first one written names the entity
    assert {"Centraal Bureau voor de Statistiek", "Centraal Bureau voor Statistiek"} & organisations


@pytest.mark.slow
def test_eval_command_prints_the_table(capsys) -> None:
    assert cli.main(["eval", "--brief", "--min-recall", "1.0", "--min-precision", "0.9"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"instruments-funding-campuses\s+8\s+8\s+1\.00\s+1\.00", out)
    assert "entity groups: 20/20 found" in out


@pytest.mark.slow
def test_eval_exits_1_when_recall_is_too_low(tmp_path, capsys) -> None:
    corpus = json.loads((ACCEPTANCE / "corpus.json").read_text(encoding="utf-8"))
    name = "ah-tk-20142015-698_vws_ziekenhuisrekeningen_flat.txt"
    entry = corpus["documents"][name]
    entry["entities"] = [*entry["entities"], ["Nergens Genoemde Stichting"]]
    (tmp_path / "corpus.json").write_text(json.dumps({"documents": {name: entry}}), "utf-8")
    args = ["eval", "--acceptance", str(tmp_path), "--documents-dir", str(DOCUMENTS)]
    assert cli.main([*args, "--min-recall", "1.0"]) == 1
    out = capsys.readouterr().out
    assert "missing Nergens Genoemde Stichting" in out
    assert "entity groups: 2/3 found" in out
    assert cli.main([*args, "--brief"]) == 0  # without a threshold the table is all there is


def test_eval_of_a_document_without_acceptance_entry_is_an_error(tmp_path, capsys) -> None:
    stray = tmp_path / "stray.txt"
    stray.write_text("Vraag 1\nWaarom?\nAntwoord 1\nDaarom.\n", encoding="utf-8")
    assert cli.main(["eval", str(stray)]) == 3
    assert "no acceptance entry for stray.txt" in capsys.readouterr().err


EXPECTED_COLUMNS = {
    "expect": {"entity", "label"},
    "expect_pairs": {"from", "to"},
    "expect_ids": {"id"},
    "expect_numbers": {"number"},
    "expect_amounts": {"value", "currency", "qualifier", "to"},
}


@pytest.mark.parametrize(("name", "spec"), seed_questions())
def test_every_competency_question_through_the_cli(stores, capsys, name, spec) -> None:
    graph = stores.path(paths.SAMPLE_IDENTIFIER)
    assert cli.main(["query", str(graph), "--named", name, "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    kind = next(k for k in EXPECTED_COLUMNS if k in spec)
    assert EXPECTED_COLUMNS[kind] <= set(answer["head"]["vars"])
    assert len(answer["results"]["bindings"]) >= len(spec[kind])
