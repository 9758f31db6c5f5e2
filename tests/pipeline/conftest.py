"""Fixtures for the build pipeline: the seed built once per session, in N-Quads and TriG."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from kamergraph.builder import pipeline

from kamergraph import paths

SEED_ID = paths.SAMPLE_IDENTIFIER


@pytest.fixture(scope="session")
def context() -> pipeline.Context:
    return pipeline.load_context()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory, context: pipeline.Context):
    """(summary, path) of the seed built to N-Quads."""
    out = tmp_path_factory.mktemp("seed") / "seed.nq"
    sources = [pipeline.Source(paths.SAMPLE_DOCUMENT, SEED_ID)]
    summary = pipeline.build(sources, out, pipeline.Options(progress=False), context=context)
    return summary, out


@pytest.fixture(scope="session")
def seed_nquads(seed_build) -> Path:
    return seed_build[1]


def run_cli(*args: str) -> tuple[int, str, str]:
    """``kamergraph ARGS`` in a subprocess: (exit code, stdout, stderr)."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "kamergraph.cli", *args],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=600,
    )
    return done.returncode, done.stdout, done.stderr
