"""The SPARQL 1.1 Protocol's request rules: which operation an HTTP request asks for.

Pure: it sees the method, the media type, the URL parameters, the form fields and the body,
and returns an ``Operation`` or raises the error the protocol prescribes (405 for an update
by GET or an unknown method, 415 for a body of the wrong media type or charset, 400 for a
repeated or missing parameter). No Flask here, so each rule is a small test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kamergraph.errors import MethodNotAllowed, UnsupportedMediaType, UsageError

Params = Mapping[str, Sequence[str]]

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    kind: str  # "query", "update" or "description"
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format_param: str | None = None


def _single(params: Params, name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise UsageError(f"the parameter {name!r} is given {len(values)} times; give it once")
    return values[0] if values else None


def _all(*sources: Params, name: str) -> tuple[str, ...]:
    return tuple(value for source in sources for value in source.get(name) or [])


def _charset_ok(parameters: Mapping[str, str]) -> None:
    charset = parameters.get("charset", "utf-8").strip().lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the body must be UTF-8 encoded, not {charset}")


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnsupportedMediaType(f"the body is not valid UTF-8: {error.reason}") from None


def parse_operation(
    method: str,
    media_type: str | None,
    media_parameters: Mapping[str, str],
    args: Params,
    form: Params,
    body: bytes,
) -> Operation:
    """The operation of a request to the SPARQL endpoint."""
    method = method.upper()
    if method == "GET":
        if args.get("update"):
            raise MethodNotAllowed("SPARQL updates must be sent by POST, not GET")
        return _operation(args, {}, _single(args, "query"), None)
    if method != "POST":
        raise MethodNotAllowed(f"the SPARQL endpoint takes GET and POST, not {method}")
    media = (media_type or "").lower()
    if media == FORM:
        _charset_ok(media_parameters)
        for name in ("query", "update"):
            if args.get(name):
                raise UsageError(f"{name!r} must be in the form body of a form-encoded POST")
        return _operation(args, form, _single(form, "query"), _single(form, "update"))
    if media in (QUERY, UPDATE):
        _charset_ok(media_parameters)
        for name in ("query", "update"):
            if args.get(name):
                raise UsageError(f"{name!r} cannot be a URL parameter of a direct {media} POST")
        text = _decode(body)
        if not text.strip():
            raise UsageError(f"the {media} body is empty")
        return _operation(
            args, {}, text if media == QUERY else None, text if media == UPDATE else None
        )
    shown = media or "no media type"
    raise UnsupportedMediaType(
        f"a POST to the SPARQL endpoint must be {FORM}, {QUERY} or {UPDATE}, not {shown}"
    )


def _operation(args: Params, form: Params, query: str | None, update: str | None) -> Operation:
    fmt = _single(args, "format") or _single(form, "format")
    if query is not None and update is not None:
        raise UsageError("give either 'query' or 'update', not both")
    if query is not None:
        if _all(args, form, name="using-graph-uri") or _all(
            args, form, name="using-named-graph-uri"
        ):
            raise UsageError("using-graph-uri and using-named-graph-uri belong to updates")
        if not query.strip():
            raise UsageError("the 'query' parameter is empty")
        return Operation(
            "query",
            query,
            _all(args, form, name="default-graph-uri"),
            _all(args, form, name="named-graph-uri"),
            fmt,
        )
    if update is not None:
        if _all(args, form, name="default-graph-uri") or _all(args, form, name="named-graph-uri"):
            raise UsageError("default-graph-uri and named-graph-uri belong to queries")
        if not update.strip():
            raise UsageError("the 'update' parameter is empty")
        return Operation(
            "update",
            update,
            _all(args, form, name="using-graph-uri"),
            _all(args, form, name="using-named-graph-uri"),
            fmt,
        )
    return Operation("description", format_param=fmt)
