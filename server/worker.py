"""A query worker process: ``python -m kamergraph.server.worker FD``.

Started by ``executor.QueryPool`` with one end of a socket pair as file descriptor FD; the
first message is the ``StoreSpec``, then it answers ``Job``s until the pool closes the
socket (or kills the process on a timeout).
"""

from __future__ import annotations

import pickle
import sys
from multiprocessing.connection import Connection

from kamergraph.server.executor import worker_main


def main(argv: list[str]) -> int:
    connection = Connection(int(argv[1]))
    try:
        spec = pickle.loads(connection.recv_bytes())
    except EOFError:
        return 0
    worker_main(connection, spec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
