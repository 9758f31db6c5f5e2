"""Fixtures for the server tests: a small graph, an app over it, and live servers.

Live servers are ``kamergraph serve`` processes on 127.0.0.1 and a free port, started by
the test and stopped (by their process id) after it. Stores go to a temporary cache.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kamergraph.builder.store import prepare_store
from kamergraph.server.app import create_app
from kamergraph.server.config import ServerConfig
from kamergraph.server.executor import StoreSpec

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
SMALL = FIXTURES / "small.trig"
EMPTY = FIXTURES / "empty.nq"
KAMERGRAPH = Path(sys.executable).with_name("kamergraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stores")


@pytest.fixture(scope="session")
def small_store(store_root: Path) -> Path:
    return prepare_store(SMALL, store_root)


@pytest.fixture(scope="module")
def app(small_store: Path):  # type: ignore[no-untyped-def]
    config = ServerConfig(
        store=StoreSpec(small_store),
        workers=1,
        timeout=10,
        max_rows=5,
        max_request_bytes=20_000,
        queries_dir=FIXTURES / "queries",
    )
    application = create_app(config)
    yield application
    application.extensions["kamergraph"].pool.close()


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    handle: Any = None

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(args: list[str], cache: Path, log: Path, wait: float = 120) -> LiveServer:
    port = free_port()
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    handle = log.open("wb")
    process = subprocess.Popen(
        [str(KAMERGRAPH), "serve", *args, "--host", "127.0.0.1", "--port", str(port)],
        stdout=handle,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its own process group: stopped with its workers
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            handle.close()
            raise RuntimeError(f"kamergraph serve exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return LiveServer(url, process, log, handle)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    stop_server(LiveServer(url, process, log, handle))
    raise RuntimeError(f"kamergraph serve did not answer in {wait} s: {log.read_text()}")


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(10)
    if server.handle is not None:
        server.handle.close()


@pytest.fixture()
def live_server(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    """A factory: ``live_server(args...)`` starts a server, stopped after the test."""
    started: list[LiveServer] = []

    def start(*args: str) -> LiveServer:
        server = start_server(
            list(args), tmp_path / "cache", tmp_path / f"serve-{len(started)}.log"
        )
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The default (read-only) configuration over the small graph, shared by a module."""
    folder = tmp_path_factory.mktemp("read-only")
    server = start_server([str(SMALL)], folder / "cache", folder / "serve.log")
    yield server
    stop_server(server)
