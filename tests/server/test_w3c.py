"""The W3C SPARQL 1.1 Protocol (34) and Service Description (3) tests, run by the npm
package rdf-test-suite against a live server with updates enabled on loopback (the runner
loads its data by SPARQL Update without credentials). Manifests are copies in ./w3c."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kamergraph import paths

from .conftest import EMPTY

pytestmark = [pytest.mark.integration, pytest.mark.slow]

W3C = Path(__file__).resolve().parent / "w3c"
RUNNER = paths.ROOT / "node_modules" / ".bin" / "rdf-test-suite"
PUBLISHED = "http://w3c.github.io/rdf-tests/sparql/sparql11/"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (make setup installs it)")
@pytest.mark.parametrize(
    ("suite", "option", "count"),
    [
        ("protocol", "protocolEndpoint", 34),
        ("service-description", "serviceDescriptionEndpoint", 3),
    ],
)
def test_w3c_suite(live_server, suite: str, option: str, count: int) -> None:  # type: ignore[no-untyped-def]
    assert RUNNER.exists(), "rdf-test-suite is missing: run 'npm install'"
    server = live_server(str(EMPTY), "--enable-update")
    result = subprocess.run(
        [
            str(RUNNER),
            "./engine.js",  # resolved against cwd by the runner
            f"{PUBLISHED}{suite}/manifest.ttl",
            "-i",
            f'{{"{option}":"{server.sparql}"}}',
            "-m",
            f"{PUBLISHED}~{W3C / 'sparql11'}/",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=W3C,
    )
    output = result.stdout + result.stderr
    assert f"{count} / {count} tests succeeded!" in output, output
