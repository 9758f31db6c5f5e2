"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: queries, updates (when enabled) and the
service description (a GET without a query); and the SPARQL 1.1 Graph Store Protocol at
``/store`` (reads always, writes only when updates are enabled, with the token)."""

from __future__ import annotations

import hmac

from flask import Blueprint, Request, Response, request
from kamergraph.server import guard, protocol
from kamergraph.server.app import state
from kamergraph.server.executor import Job
from kamergraph.server.lane import answer_headers, run_query
from kamergraph.server.pages import page_query

from kamergraph.errors import Forbidden, UsageError

sparql = Blueprint("sparql", __name__)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
    "Access-Control-Max-Age": "86400",
}


@sparql.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@sparql.route("/sparql/", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def endpoint() -> Response:
    req = request._get_current_object()  # type: ignore[attr-defined]  # once, not per use
    method = req.method
    if method == "OPTIONS":
        return Response(status=204, headers=CORS_HEADERS)
    mimetype = req.mimetype
    operation = protocol.parse_operation(
        "GET" if method == "HEAD" else method,
        mimetype or None,
        req.mimetype_params if mimetype else {},
        req.args.to_dict(flat=False),
        req.form.to_dict(flat=False) if mimetype == protocol.FORM else {},
        req.get_data(cache=False) if mimetype and mimetype != protocol.FORM else b"",
    )
    if operation.kind == "query":
        return _query(operation, req)
    if operation.kind == "update":
        return _update(operation)
    return _description(operation)


def _query(operation: protocol.Operation, req: Request) -> Response:
    # the query lane (lane.py) answers most queries before Flask; this is the same answer
    server = state()
    answer = run_query(server, operation, req.base_url, req.headers.get("Accept"))
    return Response(answer.body, 200, headers=answer_headers(server, answer))


def _check_write_allowed() -> None:
    config = state().config
    if not config.enable_update:
        raise Forbidden(
            "this endpoint is read-only (start it with --enable-update to allow updates)"
        )
    if config.update_token is not None:
        sent = request.headers.get("Authorization", "")
        expected = f"Bearer {config.update_token}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            raise Forbidden("updates need the update token: 'Authorization: Bearer TOKEN'")


def _update(operation: protocol.Operation) -> Response:
    _check_write_allowed()
    guard.check_update(operation.text)
    text = guard.apply_using(
        operation.text, list(operation.default_graphs), list(operation.named_graphs)
    )
    state().pool.run(Job("update", text, base_iri=request.base_url))
    return Response(status=204)


def _description(operation: protocol.Operation) -> Response:
    config = state().config
    endpoint = request.base_url
    bindings = {
        "endpoint": endpoint,
        "dataset": endpoint + "#dataset",
        "defaultGraph": endpoint + "#default-graph",
        "datasetGraph": config.base + "graph/dataset",
    }
    if config.enable_update:
        bindings["updateLanguage"] = (
            "http://www.w3.org/ns/sparql-service-description#SPARQL11Update"
        )
    answer = page_query(
        "service-description",
        bindings,
        accept=request.headers.get("Accept"),
        format_param=operation.format_param,
    )
    headers = {"Vary": "Accept"}
    return Response(answer.body, 200, headers=headers, content_type=answer.content_type)


@sparql.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
def graph_store() -> Response:
    """SPARQL 1.1 Graph Store HTTP Protocol, direct on ``?default`` or ``?graph=IRI``."""
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS_HEADERS)
    graphs = request.args.getlist("graph")
    if len(graphs) > 1 or (graphs and "default" in request.args):
        raise UsageError("name one graph: ?default or ?graph=IRI")
    if not graphs and "default" not in request.args:
        raise UsageError("name the graph: /store?default or /store?graph=IRI")
    graph = graphs[0] if graphs else None
    if request.method in ("GET", "HEAD"):
        job = Job(
            "graph-get",
            "",
            graph=graph,
            accept=request.headers.get("Accept"),
            format_param=request.args.get("format"),
        )
        answer = state().pool.run(job)
        headers = {"Vary": "Accept"}
        return Response(answer.body, 200, content_type=answer.content_type, headers=headers)
    _check_write_allowed()
    job = Job(
        "graph-" + request.method.lower(),
        "",
        base_iri=request.base_url,
        graph=graph,
        body=request.get_data(cache=False) if request.method != "DELETE" else b"",
        media_type=request.mimetype or None,
    )
    answer = state().pool.run(job)
    return Response(status=int(answer.kind))
