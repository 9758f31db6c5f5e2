"""Parse throughput on a generated corpus: documents per second on one core, peak memory.

    python benchmarks/bench_parse.py [--documents 1000] [--corpus DIR] [--json]

Without ``--corpus`` it generates ``--documents`` documents with ``generate_corpus.py`` into a
temporary folder. It times ``parse_file`` (read, decode, normalise, parse, references) on every
document in one process, checks the question numbers and answer blocks against the corpus
manifest, and reports peak memory two ways: the process's peak resident set size
(``resource.getrusage``) and the largest ``tracemalloc`` peak while parsing one document
(measured in a second pass, since tracemalloc slows parsing down). Target: >= 200 docs/s.
Both wall-clock and CPU-time rates are reported: on a shared machine the CPU-time rate is the
one-core figure, the wall-clock rate includes time spent waiting for the core.

Extraction (issue 5) is timed too when ``kamergraph.builder.extract.extract`` exists: see
the HOOK below.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET_DOCS_PER_SECOND = 200


def _corpus(args: argparse.Namespace, scratch: Path) -> tuple[list[Path], dict[str, dict]]:
    if args.corpus:
        folder = args.corpus
    else:
        from generate_corpus import generate

        folder = scratch
        generate(args.documents, folder, seed=args.seed)
    manifest_path = folder / "manifest.json"
    manifest = {}
    if manifest_path.exists():
        manifest = {e["file"]: e for e in json.loads(manifest_path.read_text(encoding="utf-8"))}
    files = sorted(folder.glob("*.txt"))[: args.documents]
    return files, manifest


def _extract_runner(extract):  # type: ignore[no-untyped-def]
    """``extract(document)``, or ``extract(document, gazetteer)`` with the default thesaurus
    (loaded once, outside the timing)."""
    import inspect

    if len(inspect.signature(extract).parameters) == 1:
        return extract
    from kamergraph.builder import thesaurus
    from kamergraph.builder.gazetteer import Gazetteer

    gazetteer = Gazetteer.from_thesaurus(thesaurus.default())
    return lambda document: extract(document, gazetteer)


def bench(args: argparse.Namespace) -> dict:
    from kamergraph.builder.parse import parse_file

    from kamergraph.errors import InputError

    with tempfile.TemporaryDirectory(prefix="kamergraph-bench-") as tmp:
        files, manifest = _corpus(args, Path(tmp))
        total_bytes = sum(p.stat().st_size for p in files)

        documents = []
        failed = 0
        start = time.perf_counter()
        cpu_start = time.process_time()
        for path in files:
            try:
                documents.append((path, parse_file(path)))
            except InputError:
                failed += 1
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start

        correct = checked = 0
        for path, doc in documents:
            expected = manifest.get(path.name)
            if expected is None:
                continue
            checked += 1
            correct += [n for q in doc.questions for n in q.numbers] == expected[
                "question_numbers"
            ] and [list(a.numbers) for a in doc.answers] == expected["answer_blocks"]

        tracemalloc.start()
        worst = 0
        for path in files[: min(len(files), 200)]:
            tracemalloc.reset_peak()
            with contextlib.suppress(InputError):
                parse_file(path)
            worst = max(worst, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()

        result = {
            "documents": len(files),
            "failed": failed,
            "megabytes": round(total_bytes / 1e6, 2),
            "seconds": round(seconds, 3),
            "documents_per_second": round(len(files) / seconds, 1) if seconds else None,
            "cpu_seconds": round(cpu_seconds, 3),
            "documents_per_cpu_second": round(len(files) / cpu_seconds, 1) if cpu_seconds else None,
            "target_documents_per_second": TARGET_DOCS_PER_SECOND,
            "structure_correct": f"{correct}/{checked}",
            "questions": sum(len(d.questions) for _, d in documents),
            "answers": sum(len(d.answers) for _, d in documents),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_tracemalloc_per_document_mb": round(worst / 1e6, 2),
        }

        # --- HOOK: extraction throughput (issue 5) -------------------------------------------
        # When kamergraph.builder.extract provides extract(document) -> Extraction, time it on
        # the parsed documents as well. Nothing to change here when that module lands.
        if not args.no_extract:
            try:
                from kamergraph.builder.extract import extract  # type: ignore[attr-defined]
            except ImportError:
                extract = None
            if extract is not None:
                run_extract = _extract_runner(extract)
                start = time.perf_counter()
                mentions = 0
                for _, doc in documents:
                    mentions += len(run_extract(doc).mentions)
                took = time.perf_counter() - start
                result["extract_seconds"] = round(took, 3)
                result["extract_documents_per_second"] = (
                    round(len(documents) / took, 1) if took else None
                )
                result["extract_mentions"] = mentions
        # --- end of HOOK --------------------------------------------------------------------
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, help="a folder of .txt documents (and manifest)")
    parser.add_argument("--seed", type=int, default=20231113)
    parser.add_argument("--no-extract", action="store_true", help="skip the extraction hook")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = bench(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:34} {value}")
        for rate in ("documents_per_second", "documents_per_cpu_second"):
            ok = (result[rate] or 0) >= TARGET_DOCS_PER_SECOND
            print(f"{'target met (' + rate + ')':34} {ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
