"""A small per-process LRU cache of complete query answers.

Valid only while the store cannot change: ``create_app`` makes one only for a read-only
server (never with ``--enable-update``). The key is everything that decides the answer's
bytes, which is the ``Job`` itself: the query text, the protocol dataset, the
union-default-graph flag, the base IRI, the Accept header and ``format`` parameter, and the
row limit. Errors are never cached, and neither are bodies over ``max_body`` bytes; the
bodies held take at most ``max_total`` bytes per worker process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from kamergraph.server.executor import Answer, Job


class AnswerCache:
    """At most ``entries`` answers of at most ``max_body`` bytes each and ``max_total`` bytes
    in all, the least recently used dropped first."""

    def __init__(self, entries: int, max_body: int = 1 << 20, max_total: int = 32 << 20) -> None:
        self.entries = entries
        self.max_body = max_body
        self.max_total = max_total
        self._answers: OrderedDict[Job, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Job) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Job, answer: Answer) -> None:
        if len(answer.body) > self.max_body:
            return
        with self._lock:
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._answers[key] = answer
            self._bytes += len(answer.body)
            while len(self._answers) > self.entries or self._bytes > self.max_total:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)
