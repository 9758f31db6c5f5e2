"""Pages for people: the query page (YASGUI with the named queries) and entity pages.

Entity pages answer a GET on any IRI under the configured base (and on thesaurus concept
IRIs, served at ``/thesaurus/…``, and on any IRI through ``/page?iri=``) with HTML, or with
Turtle / JSON-LD / … by Accept. Their queries live in ``server/queries/*.rq`` and are bound
with ``?this``; they run through the same worker pool (and time limit) as ``/sparql``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, render_template, request, send_from_directory
from kamergraph.builder.dataset import inferred_graph_iri
from kamergraph.server import formats
from kamergraph.server.executor import Answer, Job
from kamergraph.server.results import prefixes

from kamergraph.errors import NotFound, QueryError, ServiceUnavailable

HERE = Path(__file__).resolve().parent
PAGE_QUERIES = HERE / "queries"
YASGUI_BUILD = ("@zazuko", "yasgui", "build")

pages = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "https://w3id.org/kamergraph/def#anchorOf",
)
# shown as "official identifiers", linking out
IDENTIFIERS = (
    "https://w3id.org/kamergraph/def#officialIdentifier",
    "https://w3id.org/kamergraph/def#landingPage",
    "https://w3id.org/kamergraph/def#tooi",
    "https://w3id.org/kamergraph/def#wikidata",
    "https://w3id.org/kamergraph/def#cbsCode",
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
)
TEXT = "https://w3id.org/kamergraph/def#text"


# -- queries ----------------------------------------------------------------------------------


@cache
def _page_query_text(name: str) -> str:
    return (PAGE_QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def page_query(
    name: str,
    bindings: dict[str, str],
    *,
    accept: str | None = None,
    format_param: str | None = None,
) -> Answer:
    """Run the page query ``server/queries/NAME.rq`` with IRIs bound to its variables.

    Page queries carry their own LIMIT; the row limit of ``/sparql`` does not apply.
    """
    from kamergraph.server.app import state

    config = state().config
    job = Job(
        "query",
        _page_query_text(name),
        bindings=tuple(bindings.items()),
        union_default_graph=config.union_default_graph,
        accept=accept,
        format_param=format_param,
    )
    return state().pool.run(job)


def page_rows(name: str, bindings: dict[str, str]) -> list[dict[str, dict[str, str]]]:
    answer = page_query(name, bindings, format_param="json")
    rows: list[dict[str, dict[str, str]]] = json.loads(answer.body)["results"]["bindings"]
    return rows


# -- named queries ----------------------------------------------------------------------------

_HEADER = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[str, ...]
    text: str


def named_queries(folder: Path) -> list[NamedQuery]:
    """The named queries of ``folder/*.rq`` with their header comments."""
    found = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header: dict[str, list[str]] = {"title": [], "description": [], "param": []}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match:
                header[match.group(1).lower()].append(match.group(2))
        title = header["title"][0] if header["title"] else path.stem
        found.append(
            NamedQuery(
                path.stem, title, " ".join(header["description"]), tuple(header["param"]), text
            )
        )
    return found


# -- the query page ---------------------------------------------------------------------------


@pages.get("/")
def query_page() -> str:
    from kamergraph.server.app import state

    config = state().config
    queries = [q.__dict__ for q in named_queries(config.queries_dir)]
    return render_template(
        "query.html",
        queries=queries,
        queries_json=_script_json(queries),
        local_bases=_script_json(_local_bases(config.base, config.thesaurus_base)),
        prefixes_json=_script_json({**prefixes(), "id": config.base}),
    )


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element (no '</' that could close it)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


@pages.get("/yasgui/<path:filename>")
def yasgui(filename: str) -> Response:
    from kamergraph.server.app import state

    folder = state().config.node_modules.joinpath(*YASGUI_BUILD)
    if not folder.is_dir():
        raise ServiceUnavailable(f"YASGUI is not installed in {folder}: run 'npm install'")
    return send_from_directory(folder, filename, max_age=3600)


@pages.get("/queries")
def queries_json() -> Response:
    from kamergraph.server.app import state

    queries = [q.__dict__ for q in named_queries(state().config.queries_dir)]
    return Response(json.dumps(queries, ensure_ascii=False), content_type="application/json")


# -- entity pages -----------------------------------------------------------------------------


def _local_bases(base: str, thesaurus: str) -> list[tuple[str, str]]:
    """Pairs (IRI prefix, local path prefix) for IRIs this server has pages for."""
    return [(base, urlsplit(base).path), (thesaurus, "/thesaurus/")]


def local_href(iri: str) -> str:
    from kamergraph.server.app import state

    config = state().config
    for prefix, local in _local_bases(config.base, config.thesaurus_base):
        if iri.startswith(prefix) and local != "/":
            return local + iri[len(prefix) :]
    return "/page?iri=" + quote(iri, safe="")


@pages.get("/page")
def page_by_iri() -> Response:
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise QueryError("give the entity IRI: /page?iri=…")
    return entity_page(iri)


@pages.get("/thesaurus/<path:rest>")
def thesaurus_page(rest: str) -> Response:
    from kamergraph.server.app import state

    return entity_page(state().config.thesaurus_base + rest)


@pages.get("/<path:rest>")
def any_page(rest: str) -> Response:
    """A GET on an IRI under the configured base (or the thesaurus's own path)."""
    from kamergraph.server.app import state

    config = state().config
    path = "/" + rest
    for prefix, local in (
        *_local_bases(config.base, config.thesaurus_base),
        (config.thesaurus_base, urlsplit(config.thesaurus_base).path),
    ):
        if local != "/" and path.startswith(local):
            return entity_page(prefix + path[len(local) :])
    raise NotFound(f"no page at {path}")


def entity_page(iri: str) -> Response:
    fmt = formats.choose_format(request.headers.get("Accept"), "html", request.args.get("format"))
    if fmt is not formats.HTML:
        answer = page_query("entity-describe", {"this": iri}, format_param=fmt.name)
        if not answer.body.strip() or answer.body.strip() in (b"[]", b"{}"):
            raise NotFound(f"nothing is known about <{iri}> in this graph")
        return Response(
            answer.body, 200, content_type=answer.content_type, headers={"Vary": "Accept"}
        )
    from kamergraph.server.app import state

    statements = {"this": iri, "inferredGraph": inferred_graph_iri(state().config.base)}
    outgoing = page_rows("entity-outgoing", statements)
    incoming = page_rows("entity-incoming", statements)
    if not outgoing and not incoming:
        raise NotFound(f"nothing is known about <{iri}> in this graph")
    mentions = page_rows("entity-mentions", {"this": iri})
    html = render_template("entity.html", **_entity_view(iri, outgoing, incoming, mentions))
    return Response(html, 200, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})


def _entity_view(
    iri: str,
    outgoing: list[dict[str, Any]],
    incoming: list[dict[str, Any]],
    mentions: list[dict[str, Any]],
) -> dict[str, Any]:
    from kamergraph.server.app import state

    names = {**prefixes(), "id": state().config.base}  # id:doc/… for our own IRIs
    label = _best_label(outgoing) or compact(iri, names)
    asserted = [row for row in outgoing if not _inferred_only(row)]
    inferred = [row for row in outgoing if _inferred_only(row)]
    identifiers = [row for row in asserted if row["p"]["value"] in IDENTIFIERS]
    texts = [row["o"]["value"] for row in asserted if row["p"]["value"] == TEXT]
    shown = {RDF_TYPE, TEXT, *IDENTIFIERS}

    def types(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            _term_view(r["o"], r.get("label"), names) for r in rows if r["p"]["value"] == RDF_TYPE
        ]

    def properties(rows: list[dict[str, Any]], hidden: set[str]) -> list[dict[str, Any]]:
        return [
            {
                "property": _term_view(r["p"], None, names),
                "value": _term_view(r["o"], r.get("label"), names),
            }
            for r in rows
            if r["p"]["value"] not in hidden
        ]

    def referrers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "subject": _term_view(r["s"], r.get("label"), names),
                "property": _term_view(r["p"], None, names),
            }
            for r in rows
        ]

    inferred_view = {
        "types": types(inferred),
        "properties": properties(inferred, {RDF_TYPE}),
        "incoming": referrers([r for r in incoming if _inferred_only(r)]),
    }
    return {
        "iri": iri,
        "label": label,
        "types": types(asserted),
        "identifiers": [
            {
                "property": compact(r["p"]["value"], names),
                "value": r["o"]["value"],
                "link": _external(r["o"]),
            }
            for r in identifiers
        ],
        "texts": texts,
        "properties": properties(asserted, shown),
        "incoming": referrers([r for r in incoming if not _inferred_only(r)]),
        "inferred": inferred_view,
        "inferred_count": sum(len(v) for v in inferred_view.values()),
        "mentions": [_mention_view(r, names) for r in mentions],
        "turtle_href": "/page?iri=" + quote(iri, safe="") + "&format=turtle",
        "jsonld_href": "/page?iri=" + quote(iri, safe="") + "&format=jsonld",
    }


def _inferred_only(row: dict[str, Any]) -> bool:
    """Whether a statement row is only in the graph of OWL RL-derived triples."""
    return bool(row.get("inferredOnly", {}).get("value") == "true")


def _best_label(rows: list[dict[str, Any]]) -> str | None:
    for predicate in LABELS:
        values = [r["o"] for r in rows if r["p"]["value"] == predicate]
        values.sort(key=lambda o: (o.get("xml:lang") not in ("nl", None), o["value"]))
        if values:
            return str(values[0]["value"])
    return None


def _external(term: dict[str, str]) -> str | None:
    if term["type"] == "uri":
        return term["value"]
    return None


def _term_view(
    term: dict[str, str], label: dict[str, str] | None, names: dict[str, str]
) -> dict[str, Any]:
    if term["type"] == "uri":
        text = label["value"] if label else compact(term["value"], names)
        return {
            "kind": "iri",
            "text": text,
            "href": local_href(term["value"]),
            "iri": term["value"],
        }
    if term["type"] == "bnode":
        return {"kind": "bnode", "text": "_:" + term["value"]}
    value = term["value"]
    return {
        "kind": "literal",
        "text": value if len(value) <= 600 else value[:600] + " …",
        "lang": term.get("xml:lang"),
        "datatype": compact(term["datatype"], names) if "datatype" in term else None,
    }


def _mention_view(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    begin, end = int(row["begin"]["value"]), int(row["end"]["value"])
    block_text = row.get("blockText", {}).get("value", "")
    if "sentence" in row:
        sentence = row["sentence"]["value"]
        start = sentence.find(row.get("anchor", {}).get("value", "\x00"))
        before, match, after = (
            (
                sentence[:start],
                sentence[start : start + end - begin],
                sentence[start + end - begin :],
            )
            if start >= 0
            else (sentence, "", "")
        )
    else:
        before, match, after = _sentence_around(block_text, begin, end)
    block = row["block"]["value"]
    return {
        "before": before,
        "match": match,
        "after": after,
        "block_href": local_href(block),
        "block_label": row.get("blockLabel", {}).get("value") or compact(block, names),
    }


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")


def _sentence_around(text: str, begin: int, end: int) -> tuple[str, str, str]:
    """The sentence of ``text`` holding ``[begin, end)``, split around the mention."""
    if not text or end > len(text):
        return ("", "", "")
    start = 0
    stop = len(text)
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.end() <= begin:
            start = boundary.end()
        elif boundary.start() >= end:
            stop = boundary.start()
            break
    return (text[start:begin], text[begin:end], text[end:stop])


def compact(iri: str, names: dict[str, str]) -> str:
    best = ""
    best_prefix = ""
    for prefix, namespace in names.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            best, best_prefix = namespace, prefix
    if best and re.fullmatch(r"[\w.\-/]*", iri[len(best) :]):
        return f"{best_prefix}:{iri[len(best) :]}"
    return iri
