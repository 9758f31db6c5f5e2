"""The request log: lines in the handler's format, batched, flushed on demand and at once for
warnings; ordinary log records where the batch handler is not installed."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest
from kamergraph.server import logs

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d (.*)$")


@pytest.fixture
def batch() -> Iterator[io.StringIO]:
    """``configure_logging`` as a worker calls it, writing to a string; undone afterwards."""
    logger = logging.getLogger("kamergraph.server")
    saved = (logger.handlers[:], logger.level, logger.propagate, logs._batch)
    logs.configure_logging()
    stream = io.StringIO()
    assert logs._batch is not None
    logs._batch.setStream(stream)
    yield stream
    logger.handlers[:], logger.level, logger.propagate, logs._batch = saved


def test_request_lines_are_batched_until_flushed(batch: io.StringIO) -> None:
    logs.log_request("POST /sparql 200 0.3ms")
    logging.getLogger("kamergraph.server").info("worker %d serving", 7)
    assert batch.getvalue() == ""  # not yet written: one write per batch
    logs.flush_logs()
    lines = batch.getvalue().splitlines()
    assert [LINE.match(line).group(1) for line in lines] == [  # type: ignore[union-attr]
        "POST /sparql 200 0.3ms",
        "worker 7 serving",
    ]


def test_a_warning_is_written_at_once_and_a_full_batch_too(batch: io.StringIO) -> None:
    logs.log_request("GET /health 200 0.1ms")
    logging.getLogger("kamergraph.server").error("something broke")
    assert [LINE.match(line).group(1) for line in batch.getvalue().splitlines()] == [  # type: ignore[union-attr]
        "GET /health 200 0.1ms",
        "something broke",
    ]
    for number in range(logs.BatchHandler.LIMIT):
        logs.log_request(f"GET /n/{number} 200 0.1ms")
    assert batch.getvalue().count("\n") == 2 + logs.BatchHandler.LIMIT


def test_without_the_batch_handler_lines_are_log_records(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert logs._batch is None
    with caplog.at_level(logging.INFO, logger="kamergraph.server"):
        logs.log_request("GET /sparql 400 0.2ms")
    assert [r.getMessage() for r in caplog.records] == ["GET /sparql 400 0.2ms"]
    assert caplog.records[0].levelno == logging.INFO
