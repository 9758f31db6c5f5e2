"""What a query or update may do, decided before it reaches the engine.

pyoxigraph evaluates ``SERVICE`` by making the HTTP request itself (invisible to Python audit
hooks) and ``LOAD`` fetches from the web, so both are inspected here first:

- ``SERVICE`` is refused unless its endpoint IRI is on the allow-list; with an allow-list the
  query is parsed (rdflib's SPARQL parser and algebra) to find every service IRI, so a
  variable endpoint (``SERVICE ?x``) is refused as well.
- ``LOAD`` is always refused: the server never fetches data.
- ``FROM``/``FROM NAMED`` and ``USING`` name graphs of the store only (Oxigraph does not
  fetch them), so they need no check; ``has_dataset_clause`` tells the caller whether the
  query chose its own dataset.

The scan masks comments, strings and IRIs first, so a keyword inside them does not count.
Everything here is pure (text in, answer or error out).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from kamergraph.errors import Forbidden, QueryError, UsageError

# Comments, long and short strings, IRI references: masked before looking for keywords.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)


def _keyword(word: str) -> re.Pattern[str]:
    # a keyword is not part of a prefixed name, a variable or a longer word
    return re.compile(rf"(?<![\w:?$.\-]){word}(?![\w:\-])", re.IGNORECASE)


_SERVICE = _keyword("SERVICE")
_LOAD = _keyword("LOAD")
_FROM = _keyword("FROM")
_WHERE = _keyword("WHERE")
_USING_OR_WITH = re.compile(r"(?<![\w:?$.\-])(?:USING|WITH)(?![\w:\-])", re.IGNORECASE)
_DELETE_BEFORE = re.compile(r"DELETE\s*$", re.IGNORECASE)


def mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length, same positions)."""

    def blank(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("<"):
            return "<" + "_" * (len(token) - 2) + ">"
        return " " * len(token)

    return _OPAQUE.sub(blank, text)


@dataclass(frozen=True)
class Policy:
    """The configured limits on what a request may make the engine do."""

    allowed_services: frozenset[str] = frozenset()


@lru_cache(maxsize=1024)  # clients repeat their queries; the scan is 30-80 us per KiB
def check_query(query: str, policy: Policy) -> bool:
    """Refuse a query the policy forbids; return whether it has its own FROM clauses."""
    masked = mask(query)
    if _SERVICE.search(masked):
        _check_services(query, policy.allowed_services)
    return _FROM.search(masked) is not None


def _check_services(query: str, allowed: Collection[str]) -> None:
    if not allowed:
        raise Forbidden(
            "SERVICE is not allowed on this endpoint (the server makes no outbound requests; "
            "start it with --allow-service URL to permit an endpoint)"
        )
    for endpoint in service_endpoints(query):
        if endpoint is None:
            raise Forbidden("SERVICE with a variable endpoint is not allowed")
        if endpoint not in allowed:
            raise Forbidden(f"SERVICE <{endpoint}> is not on this endpoint's allow-list")


def service_endpoints(query: str) -> list[str | None]:
    """The endpoint IRI of every SERVICE clause of ``query`` (``None`` for a variable)."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import algebra, parser
    from rdflib.term import URIRef

    try:
        tree = algebra.translateQuery(parser.parseQuery(query))
    except (ParseBaseException, ValueError) as error:
        raise QueryError(f"cannot parse the query: {error}") from error
    found: list[str | None] = []

    def visit(node: object) -> None:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            term = node.get("term")  # type: ignore[attr-defined]
            found.append(str(term) if isinstance(term, URIRef) else None)
        return None

    algebra.traverse(tree.algebra, visitPre=visit)
    return found


def check_update(update: str) -> None:
    """Refuse an update the server never runs (LOAD, SERVICE)."""
    masked = mask(update)
    if _LOAD.search(masked):
        raise Forbidden("LOAD is not allowed: the server never fetches data from elsewhere")
    if _SERVICE.search(masked):
        raise Forbidden("SERVICE is not allowed in an update on this endpoint")


def apply_using(update: str, using: list[str], using_named: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to an update.

    Each ``DELETE/INSERT … WHERE`` operation gets the corresponding ``USING`` clauses, as
    SPARQL 1.1 Protocol 2.2.3 prescribes. An update that has its own USING or WITH as well is
    an error (400).
    """
    if not using and not using_named:
        return update
    masked = mask(update)
    if _USING_OR_WITH.search(masked):
        raise UsageError(
            "using-graph-uri/using-named-graph-uri cannot be combined with USING or WITH "
            "in the update"
        )
    clause = " ".join(
        [f"USING <{_iri(g)}>" for g in using] + [f"USING NAMED <{_iri(g)}>" for g in using_named]
    )
    pieces: list[str] = []
    last = 0
    depth = 0
    position = 0
    for match in _WHERE.finditer(masked):
        depth += _depth_change(masked[position : match.start()])
        position = match.start()
        if depth != 0 or _DELETE_BEFORE.search(masked[: match.start()]):
            continue  # a WHERE inside a group, or the DELETE WHERE shorthand
        pieces.append(update[last : match.start()])
        pieces.append(clause + " ")
        last = match.start()
    pieces.append(update[last:])
    return "".join(pieces)


def _depth_change(masked: str) -> int:
    return masked.count("{") - masked.count("}")


def _iri(value: str) -> str:
    if re.search(r"[<>\"{}|^`\\\x00-\x20]", value):
        raise UsageError(f"not an IRI: {value!r}")
    return value
