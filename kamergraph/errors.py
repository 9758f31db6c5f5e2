"""The errors kamergraph raises, defined once.

Library code raises these and never exits; the CLI maps them to exit codes (see
``EXIT_CODES`` and the README), the server maps them to HTTP statuses through one handler.
Every message names the file or request it is about and the reason, on one line.
"""

from __future__ import annotations

# Exit codes of the ``kamergraph`` command, documented in README.md.
EXIT_OK = 0
EXIT_INVALID = 1  # the graph violates the shapes (validate), or build refused to write it
EXIT_USAGE = 2  # wrong arguments (argparse uses 2 as well)
EXIT_INPUT = 3  # a document could not be read or parsed
EXIT_PARTIAL = 4  # --on-error skip: some documents were skipped, the rest was written
EXIT_QUERY = 5  # a query could not be parsed or run
EXIT_OUTPUT = 6  # the output could not be written
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70  # a bug in kamergraph


class KamergraphError(Exception):
    """Base of every error kamergraph reports to a user."""

    exit_code = EXIT_INTERNAL
    http_status = 500

    def __init__(self, reason: str, *, source: str | None = None) -> None:
        self.reason = " ".join(str(reason).split())  # always one line
        self.source = source
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.source}: {self.reason}" if self.source else self.reason


class UsageError(KamergraphError):
    """Arguments or configuration that cannot work together."""

    exit_code = EXIT_USAGE
    http_status = 400


class InputError(KamergraphError):
    """A document that cannot be read or parsed (empty, binary, no questions, ...)."""

    exit_code = EXIT_INPUT
    http_status = 400


class EmptyDocumentError(InputError):
    """The file holds no text."""


class BinaryDocumentError(InputError):
    """The file is not text."""


class NoQuestionsError(InputError):
    """The text holds no recognisable questions."""


class ValidationFailed(KamergraphError):
    """A graph violates the SHACL shapes. ``violations`` holds one readable line each."""

    exit_code = EXIT_INVALID
    http_status = 422

    def __init__(
        self, reason: str, *, source: str | None = None, violations: tuple[str, ...] = ()
    ) -> None:
        super().__init__(reason, source=source)
        self.violations = tuple(violations)


class QueryError(KamergraphError):
    """A SPARQL query that cannot be parsed or run, or a named query that does not exist."""

    exit_code = EXIT_QUERY
    http_status = 400


class QueryTimeout(QueryError):
    """A query that ran past its time limit and was stopped."""

    http_status = 503


class OutputError(KamergraphError):
    """An output that cannot be written."""

    exit_code = EXIT_OUTPUT
    http_status = 500


class RequestError(KamergraphError):
    """An HTTP request the server cannot answer as asked (server side of the protocol)."""

    exit_code = EXIT_USAGE
    http_status = 400


class NotFound(RequestError):
    """No such page, entity or route."""

    http_status = 404


class MethodNotAllowed(RequestError):
    """An HTTP method the resource does not accept (e.g. an update sent by GET)."""

    http_status = 405


class Forbidden(RequestError):
    """An operation the server's configuration does not allow (update without its token)."""

    http_status = 403


class NotAcceptable(RequestError):
    """No result format both the client accepts and the server can produce."""

    http_status = 406


class PayloadTooLarge(RequestError):
    """A request body over the configured size limit."""

    http_status = 413


class UnsupportedMediaType(RequestError):
    """A request body of a media type the endpoint does not take."""

    http_status = 415


class ServiceUnavailable(KamergraphError):
    """The server cannot run the request now (no query worker became free in time)."""

    http_status = 503
