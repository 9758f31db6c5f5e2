"""Benchmark ``kamergraph build``: the seed alone, and a generated corpus with --jobs 1 and 2.

    python benchmarks/bench_build.py [--documents 1000] [--corpus DIR] [--jobs 1 2]
                                     [--json benchmarks/results/bench_build.json]

Each build runs as a separate ``kamergraph build`` process (start-up included), end to end:
parse, extract, map, reason, validate, write N-Quads. Peak memory is the largest sum of the
resident set sizes of the build process and its workers, sampled from /proc every 50 ms.
Prints documents/s, triples/s, wall time and peak RSS per run, and writes them as JSON.
The corpus comes from ``benchmarks/generate_corpus.py`` (deterministic for a seed).

Targets (issue 4, on a 2-core machine): the seed under 3 s; 1,000 documents under 5 minutes
with --jobs 2; peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "documents" / "000_b403e5ce692c490c.txt"
SUMMARY = re.compile(
    r"(?P<documents>\d+) documents, (?P<questions>\d+) questions, (?P<answers>\d+) answers, "
    r"(?P<entities>\d+) entities, (?P<relations>\d+) relations, (?P<asserted>\d+) triples "
    r"asserted, (?P<inferred>\d+) inferred, (?P<violations>\d+) violations, "
    r"(?P<skipped>\d+) skipped"
)


def _tree_rss(pid: int) -> int:
    """Resident set size in bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(entry)
        children.setdefault(int(fields[1]), []).append(child)
        rss[child] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, ()))
    return total


def run_build(args: list[str]) -> dict:
    """One ``kamergraph build`` process: wall seconds, peak RSS of its tree, its summary."""
    command = [sys.executable, "-m", "kamergraph.cli", "build", *args]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        peak = 0
        while True:  # wait4 (not poll) to get the CPU time of the build and its workers
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    found = SUMMARY.search(stderr)
    if found is None:
        raise SystemExit(f"build failed (exit {process.returncode}): {stderr.strip()[-2000:]}")
    figures = {k: int(v) for k, v in found.groupdict().items()}
    triples = figures["asserted"] + figures["inferred"]
    return {
        "exit_code": process.returncode,
        "seconds": round(seconds, 2),
        # CPU seconds of the build and its workers: independent of other load on the machine
        "cpu_seconds": round(cpu, 2),
        "load_average": os.getloadavg()[0],
        "peak_rss_mb": round(peak / 2**20, 1),
        "documents_per_second": round(figures["documents"] / seconds, 2),
        "triples_per_second": round(triples / seconds),
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, help="a folder of documents (default: generate)")
    parser.add_argument("--seed", type=int, default=20231113, help="corpus generator seed")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed-runs", type=int, default=3, help="runs of the seed build")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "results" / "bench_build.json"
    )
    args = parser.parse_args()

    result: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "targets": {"seed_seconds": 3, "corpus_1000_jobs_2_seconds": 300, "peak_rss_mb": 1024},
    }
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        scratch_path = Path(scratch)
        seed_runs = [
            run_build([str(SEED), "--id", "kst-33009-123", "-o", str(scratch_path / "seed.trig")])
            for _ in range(args.seed_runs)
        ]
        result["seed"] = {
            "median_seconds": statistics.median(r["seconds"] for r in seed_runs),
            "runs": seed_runs,
        }
        print(
            f"seed: median {result['seed']['median_seconds']:.2f} s wall (start-up included), "
            f"{statistics.median(r['cpu_seconds'] for r in seed_runs):.2f} s CPU, "
            f"peak {max(r['peak_rss_mb'] for r in seed_runs)} MB",
            flush=True,
        )

        corpus = args.corpus
        if corpus is None:
            corpus = scratch_path / "corpus"
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "benchmarks" / "generate_corpus.py"),
                    str(args.documents),
                    str(corpus),
                    "--seed",
                    str(args.seed),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        count = sum(1 for p in corpus.iterdir() if p.suffix == ".txt")
        result["corpus"] = {
            "folder": str(corpus) if args.corpus else "generated",
            "documents": count,
            "runs": {},
        }
        for jobs in args.jobs:
            figures = run_build(
                [
                    str(corpus),
                    "-o",
                    str(scratch_path / f"corpus-{jobs}.nq"),
                    "--jobs",
                    str(jobs),
                    "--on-error",
                    "skip",
                ]
            )
            result["corpus"]["runs"][f"jobs_{jobs}"] = figures
            print(
                f"corpus of {count}, --jobs {jobs}: {figures['seconds']:.1f} s wall, "
                f"{figures['cpu_seconds']:.1f} s CPU, "
                f"{figures['documents_per_second']:.2f} documents/s, "
                f"{figures['triples_per_second']} triples/s "
                f"({figures['asserted']} asserted + {figures['inferred']} inferred), "
                f"peak {figures['peak_rss_mb']} MB, {figures['skipped']} skipped, "
                f"{figures['violations']} violations",
                flush=True,
            )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
