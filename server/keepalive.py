"""gunicorn's sync worker, keeping HTTP connections alive between requests.

The sync worker answers one request at a time per process, which is what makes a query
timeout safe (``watchdog.py`` ends the process, and no other request is in it), but it closes
the connection after every answer: each request then pays for a new TCP connection, about
0.7 ms per request here, more than most queries cost. gunicorn's threaded worker keeps
connections alive but runs several requests in one process, so ending it on a timeout would
take other requests with it.

``KeepAliveWorker`` keeps both: one request at a time per process, and connections kept
open (``keepalive`` seconds between requests, at most ``worker_connections`` per process).
Its loop waits for the listening socket and its idle connections together, serves one request
from each connection that is ready in turn, and accepts new connections only while it is
free, so new clients go to the worker processes that are not busy: a process with requests
waiting, or with a new connection that has not sent its first request yet, leaves new
connections to the others for ``ACCEPT_DEFER`` (without that, one process took six of eight
connections a load generator opened at once, and 24 of 32). Requests are read and
answered by ``http1.py`` (a C parser) unless they are unusual, in which case gunicorn's own
parser and response writer take the connection over. Connections stay registered with the
selector while they are served, which saves two ``epoll_ctl`` calls per request.

A connection kept by a process is served only by that process. So that a client does not
wait behind a long query in the process holding its connection, once a request has run
``SHED_AFTER`` seconds a helper thread closes the process's idle connections that have been
quiet for ``QUIET_FOR`` seconds (their clients open new ones, which free processes accept)
and answers the requests already sent on the others itself, beside the long one.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import select
import selectors
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gunicorn import http, util
from gunicorn.http import wsgi
from gunicorn.workers.sync import SyncWorker
from kamergraph.server import http1
from kamergraph.server.logs import flush_logs

SHED_AFTER = 1.0  # seconds a request runs before the process lets go of its idle connections
QUIET_FOR = 1.0  # seconds without a request before an idle connection may be let go
RELIEVE_TICK = 0.01  # seconds between the helper thread's looks while a request runs long
CLIENT_TIMEOUT = 10.0  # seconds to wait for a client that is sending (or reading) slowly
ACCEPT_DEFER = 0.005  # seconds a busy process leaves a new connection to free ones
EXPIRE_EVERY = 0.5  # seconds between looks for connections idle longer than keep-alive
HEARTBEAT = 1.0  # seconds between heartbeats to gunicorn's master (its timeout: ours + 30 s)
MAX_PLAIN_BODY = 1024 * 1024  # larger bodies are read by gunicorn's parser (http1.py)


_LISTENER = "listener"  # selector data of the listening sockets
_WAKE_UP = "wake-up"  # and of gunicorn's signal pipe


@dataclass(eq=False)
class _Connection:
    sock: socket.socket
    address: Any
    listener: socket.socket
    reader: http1.Reader
    parser: Any = None  # gunicorn's, once the connection sent a request http1 leaves to it
    registered: bool = False  # with the selector
    fresh_until: float = 0.0  # accepted, its first request not yet served (ACCEPT_DEFER)
    idle_until: float = field(default=0.0)
    idle_since: float = field(default=0.0)


class KeepAliveWorker(SyncWorker):  # type: ignore[misc]
    """One request at a time per process; connections kept alive between requests."""

    def init_process(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._idle: dict[socket.socket, _Connection] = {}  # kept, no request being served
        self._lock = threading.RLock()  # the helper thread closes idle connections too
        self._serving_since: float | None = None
        self._fresh: _Connection | None = None  # the connection accepted last
        self._environ = http1.base_environ(self.cfg.workers)
        self._server_addresses = {s: _address(s) for s in self.sockets}
        super().init_process()

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        for listener in self.sockets:
            listener.setblocking(False)
            self._selector.register(listener, selectors.EVENT_READ, _LISTENER)
        self._selector.register(self.PIPE[0], selectors.EVENT_READ, _WAKE_UP)
        threading.Thread(target=self._relieve_while_busy, daemon=True, name="relieve").start()
        ready_now: list[_Connection] = []  # requests already buffered (pipelined)
        deferred_since: float | None = None  # since when a waiting connection was left
        beat = expire_at = 0.0
        while self.alive:
            now = time.monotonic()
            if now >= beat:  # gunicorn's heartbeat and parent check: two syscalls, not per request
                self.notify()
                if not self.is_parent_alive():
                    break
                beat = now + HEARTBEAT
            events = self._selector.select(0)
            if not events and not ready_now:  # nothing to do: write the log, then wait
                flush_logs()
                events = self._selector.select(self._wait_time(expire_at))
            serve = ready_now
            ready_now = []
            ready: list[_Connection] = []
            listeners: list[socket.socket] = []
            for key, _ in events:
                if key.data is _WAKE_UP:  # a signal arrived
                    with contextlib.suppress(OSError):
                        os.read(self.PIPE[0], 1)
                elif key.data is _LISTENER:
                    listeners.append(key.fileobj)  # type: ignore[arg-type]
                else:
                    ready.append(key.data)
            if listeners:
                # a process with requests to answer, or with a new connection whose first
                # request has not come yet, leaves new connections to the others (free ones
                # take them at once), for ACCEPT_DEFER at most
                now = time.monotonic()
                waiting = serve or ready or (self._fresh and self._fresh.fresh_until > now)
                if not waiting or (
                    deferred_since is not None and now - deferred_since >= ACCEPT_DEFER
                ):
                    deferred_since = None
                    for listener in listeners:
                        self._accept(listener)
                elif deferred_since is None:
                    deferred_since = now
            else:
                deferred_since = None
            # each is taken from the idle set only when its turn comes: while one request
            # runs long, the helper thread can answer the others
            for connection in serve:
                self._serve_one(connection, ready_now)
            for connection in ready:
                if self._take(connection) is not None:  # else the helper thread took it
                    self._serve_one(connection, ready_now)
            now = time.monotonic()
            if now >= expire_at:  # keep-alive is seconds long: no need to look per request
                self._expire()
                expire_at = now + EXPIRE_EVERY
        for connection in ready_now:
            self._close(connection)
        with self._lock:
            idle = list(self._idle.values())
        for connection in idle:
            self._drop(connection)
        flush_logs()

    def _serve_one(self, connection: _Connection, ready_now: list[_Connection]) -> None:
        """Serve a request, then keep the connection (or queue it, if the client sent more)."""
        if self.alive and self._serve(connection):
            if _buffered(connection):
                ready_now.append(connection)
            else:
                self._keep(connection)
        else:
            self._close(connection)

    def _wait_time(self, expire_at: float) -> float:
        """Seconds to wait for events: until the first idle connection is due to be closed
        (and the loop looks for such connections again), at most gunicorn's timeout."""
        limit = self.timeout or 0.5
        with self._lock:
            if self._idle:
                first = max(expire_at, min(c.idle_until for c in self._idle.values()))
                limit = min(limit, max(0.0, first - time.monotonic()))
        return limit

    def _accept(self, listener: socket.socket) -> None:
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        util.close_on_exec(client)
        with contextlib.suppress(OSError):  # not on a Unix socket
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # the request usually follows at once; it is read when the socket is ready
        client.setblocking(False)  # http1.py waits for slow clients itself
        reader = http1.Reader(client, MAX_PLAIN_BODY, CLIENT_TIMEOUT)
        connection = _Connection(client, address, listener, reader)
        connection.fresh_until = time.monotonic() + ACCEPT_DEFER
        self._fresh = connection
        self._keep(connection)

    # -- idle connections -------------------------------------------------------------------

    def _keep(self, connection: _Connection) -> None:
        connection.idle_since = time.monotonic()
        connection.idle_until = connection.idle_since + max(self.cfg.keepalive, 1)
        with self._lock:
            if len(self._idle) >= max(1, self.cfg.worker_connections):
                oldest = min(self._idle.values(), key=lambda c: c.idle_until)
                self._leave_idle(oldest)
                self._finish(oldest)
            self._idle[connection.sock] = connection
            if not connection.registered:  # it stays registered while served (no epoll_ctl)
                self._selector.register(connection.sock, selectors.EVENT_READ, connection)
                connection.registered = True

    def _take(self, connection: _Connection) -> _Connection | None:
        with self._lock:
            if self._idle.get(connection.sock) is not connection:
                # closed, or served by the helper thread: not reported ready meanwhile
                self._forget(connection)
                return None
            self._leave_idle(connection)
        return connection

    def _leave_idle(self, connection: _Connection) -> None:
        del self._idle[connection.sock]

    def _forget(self, connection: _Connection) -> None:
        """Unregister from the selector (with the lock held)."""
        if connection.registered:
            connection.registered = False
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(connection.sock)

    def _drop(self, connection: _Connection) -> None:
        with self._lock:
            if self._idle.get(connection.sock) is connection:
                self._leave_idle(connection)
        self._finish(connection)

    def _close(self, connection: _Connection) -> None:
        """Close after a request: let the client read the answer first (RFC 9112 9.6)."""
        with self._lock:
            self._forget(connection)
        util.close_graceful(connection.sock)

    def _finish(self, connection: _Connection) -> None:
        """Close an idle connection: nothing unread, so no lingering."""
        with self._lock:
            self._forget(connection)
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_RDWR)
        connection.sock.close()

    def _expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            expired = [c for c in self._idle.values() if c.idle_until <= now]
            for connection in expired:
                self._leave_idle(connection)
        for connection in expired:
            self._finish(connection)

    def _relieve_while_busy(self) -> None:
        """While a request runs long, let go of quiet idle connections and answer the others.

        A connection with nothing sent on it is closed (its client opens a new one, which a
        free process accepts). A connection whose client already sent a request is served
        here, in this thread, while the long request goes on in the main thread (pyoxigraph
        releases the GIL while it works); the watchdog lets such requests finish before it
        ends the process on a timeout.
        """
        while True:
            since = self._serving_since
            if since is None or time.monotonic() - since < SHED_AFTER:
                time.sleep(SHED_AFTER / 4)
                continue
            time.sleep(RELIEVE_TICK)  # a waiting request is answered within this
            now = time.monotonic()
            with self._lock:
                # a client that just had an answer may be sending its next request: closing
                # its connection now would lose that request, so only long-quiet ones go
                idle = [
                    c
                    for c in self._idle.values()
                    if _has_data(c.sock) or now - c.idle_since >= QUIET_FOR
                ]
                for connection in idle:
                    self._leave_idle(connection)
            for connection in idle:
                if not _has_data(connection.sock):
                    self._finish(connection)
                elif self._serve(connection, main=False):
                    self._keep(connection)
                else:
                    self._close(connection)

    # -- one request ------------------------------------------------------------------------

    def _serve(self, connection: _Connection, main: bool = True) -> bool:
        """Serve one request on ``connection``; whether it may stay open for another."""
        req = None
        sock = connection.sock
        connection.fresh_until = 0.0
        if main:
            self._serving_since = time.monotonic()
        try:
            if connection.parser is None:
                request = connection.reader.read_request()
                if isinstance(request, http1.Request):
                    return self._handle_plain(connection, request)
                # an unusual request: gunicorn reads this connection from now on
                sock.settimeout(CLIENT_TIMEOUT)
                connection.parser = http.get_parser(self.cfg, sock, connection.address)
                connection.parser.unreader.unread(request.data)
            req = next(connection.parser)
            keep = self._handle(connection, req)
            return keep and bool(
                connection.parser.finish_body(deadline=time.monotonic() + CLIENT_TIMEOUT)
            )
        except (http.errors.NoMoreData, StopIteration, TimeoutError, http1.Closed):
            return False  # the client closed the connection, or went quiet mid-request
        except OSError as error:
            if error.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
            return False
        except BaseException as error:  # noqa: BLE001 - gunicorn answers and logs it
            self.handle_error(req, sock, connection.address, error)
            return False
        finally:
            if main:
                self._serving_since = None

    def _count_request(self) -> None:
        """gunicorn's ``max_requests``: the worker ends after this many (then restarts)."""
        self.nr += 1
        if self.nr >= self.max_requests:
            self.log.info("Autorestarting worker after current request.")
            self.alive = False

    def _handle_plain(self, connection: _Connection, request: http1.Request) -> bool:
        """Answer a request read by ``http1``; whether the connection may stay open."""
        self._count_request()
        environ = http1.environ_for(
            request,
            connection.sock,
            connection.address,
            self._server_addresses.get(connection.listener),
            self._environ,
        )
        responder = http1.Responder(
            connection.sock, request, self.alive and bool(self.cfg.keepalive), CLIENT_TIMEOUT
        )
        respiter: Any = None
        try:
            respiter = self.wsgi(environ, responder.start_response)
            return responder.answer(respiter)
        except OSError:
            raise
        except Exception:
            self.log.exception("Error handling request %s", environ.get("RAW_URI"))
            if not responder.sent:
                with contextlib.suppress(OSError):
                    http1.send_all(connection.sock, http1.INTERNAL_ERROR, CLIENT_TIMEOUT)
            return False
        finally:
            if hasattr(respiter, "close"):
                respiter.close()

    def _handle(self, connection: _Connection, req: Any) -> bool:
        """gunicorn's ``handle_request`` without forcing the connection closed."""
        environ: dict[str, Any] = {}
        resp = None
        try:
            self.cfg.pre_request(self, req)
            request_start = datetime.now()
            resp, environ = wsgi.create(
                req,
                connection.sock,
                connection.address,
                connection.listener.getsockname(),
                self.cfg,
            )
            self._count_request()
            if not self.alive or not self.cfg.keepalive:
                resp.force_close()
            resp.sock = _Coalescing(resp.sock)  # head and body in one send
            respiter = self.wsgi(environ, resp.start_response)
            try:
                if isinstance(respiter, environ["wsgi.file_wrapper"]):
                    resp.write_file(respiter)
                else:
                    for item in respiter:
                        resp.write(item)
                resp.close()
                resp.sock.flush()
            finally:
                self.log.access(resp, req, environ, datetime.now() - request_start)
                if hasattr(respiter, "close"):
                    respiter.close()
            return not resp.should_close()
        except OSError:
            util.reraise(*sys.exc_info())
            raise  # not reached
        except (Exception, SystemExit):
            if resp and resp.headers_sent:
                self.log.exception("Error handling request")
                raise StopIteration() from None
            raise
        finally:
            try:
                self.cfg.post_request(self, req, environ, resp)
            except Exception:
                self.log.exception("Exception in post_request hook")


class _Coalescing:
    """A socket whose writes are gathered and sent together (at the end, or per 64 KiB).

    gunicorn sends a response's head and its body with two ``sendall`` calls; on loopback
    each send delivers a segment to the client, which costs about as much as a small query.
    Only the response writer sees this object: the watchdog writes to the socket itself.
    """

    LIMIT = 64 * 1024

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.parts: list[bytes] = []
        self.size = 0

    def sendall(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.sock.sendall(b"".join(self.parts))
            self.parts.clear()
            self.size = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sock, name)


def _buffered(connection: _Connection) -> bool:
    """Whether the parser already holds (part of) the next request, read with the last."""
    if connection.parser is None:
        return connection.reader.buffered()
    buffer: io.BytesIO = connection.parser.unreader.buf
    buffer.seek(0, io.SEEK_END)
    return buffer.tell() > 0


def _has_data(sock: socket.socket) -> bool:
    """Whether the client sent something (a request, or the end of the connection)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True  # closed or failed: leave it to the loop, which reads and closes it
    return bool(readable)


def _address(listener: socket.socket) -> Any:
    try:
        return listener.getsockname()
    except OSError:
        return None
