"""A small per-process LRU cache of complete query answers.

Valid only while the store cannot change: ``create_app`` makes one only for a read-only
server (never with ``--enable-update``). The key is everything that decides the answer's
bytes, which is the ``Job`` itself: the query text, the protocol dataset, the
union-default-graph flag, the base IRI, the Accept header and ``format`` parameter, and the
row limit. Errors are never cached, and
neither are bodies over ``max_body`` bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from kamergraph.server.executor import Answer, Job


class AnswerCache:
    """At most ``entries`` answers of at most ``max_body`` bytes each, least recently used out."""

    def __init__(self, entries: int, max_body: int = 1 << 20) -> None:
        self.entries = entries
        self.max_body = max_body
        self._answers: OrderedDict[Job, Answer] = OrderedDict()
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
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)

    def __len__(self) -> int:
        return len(self._answers)
