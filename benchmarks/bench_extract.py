"""Extraction benchmark: how long matching and relation extraction take on the seed and on
the example documents (the parse benchmark, bench_parse.py, reports corpus throughput).

    .venv/bin/python benchmarks/bench_extract.py [--repeat 20] [--json]

Reports: thesaurus load and gazetteer build (once per process), label matching of the seed's
text, full extraction of the seed (median of --repeat runs; target < 1 s), and extraction
throughput over examples/documents in documents per second.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from kamergraph import paths


def _timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def bench(repeat: int) -> dict:
    from kamergraph.builder import extract, thesaurus
    from kamergraph.builder.gazetteer import Gazetteer
    from kamergraph.builder.parse import parse_file

    start = time.perf_counter()
    loaded = thesaurus.load()
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    gazetteer = Gazetteer.from_thesaurus(loaded)
    build_s = time.perf_counter() - start

    seed = parse_file(paths.SAMPLE_DOCUMENT, identifier=paths.SAMPLE_IDENTIFIER)
    extract.extract(seed, gazetteer)  # warm caches (patterns file, regexes)
    match_s = _timed(lambda: gazetteer.match(seed.text), repeat)
    extract_s = _timed(lambda: extract.extract(seed, gazetteer), repeat)
    result = extract.extract(seed, gazetteer)

    documents = [
        parse_file(p, identifier=paths.SAMPLE_IDENTIFIER if p == paths.SAMPLE_DOCUMENT else None)
        for p in sorted((paths.EXAMPLES_DIR / "documents").glob("*.txt"))
    ]
    start = time.perf_counter()
    for _ in range(repeat):
        for document in documents:
            extract.extract(document, gazetteer)
    corpus_s = time.perf_counter() - start
    return {
        "thesaurus_concepts": len(loaded.concepts),
        "gazetteer_labels": gazetteer.size,
        "thesaurus_load_seconds": round(load_s, 4),
        "gazetteer_build_seconds": round(build_s, 4),
        "seed_match_seconds": round(match_s, 4),
        "seed_extract_seconds": round(extract_s, 4),
        "seed_extract_target_seconds": 1.0,
        "seed_mentions": len(result.mentions),
        "seed_relations": len(result.relations),
        "documents_per_second": round(repeat * len(documents) / corpus_s, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = bench(args.repeat)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:30} {value}")
    return 0 if result["seed_extract_seconds"] < result["seed_extract_target_seconds"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
