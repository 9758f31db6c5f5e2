"""The actors and regions thesaurus files: government, regions, international.

Checks that the actor and region entity groups of the acceptance files are findable by a
label, that the curated facts (roles within ministries, containment) hold, and that every
official identifier is one that ontology/thesaurus/identifiers-verified.md (a copy of the
shared identifiers.md) marks as verified. (``test_files.py`` checks the files' form.)
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from kamergraph.builder import reason, validate
from kamergraph.builder.vocab import KG, KGT
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import OWL

from kamergraph import paths

from .conftest import ACTOR_AND_REGION_FILES, fold, label_index, lookup, union, within

IDENTIFIERS_COPY = paths.THESAURUS_DIR / "identifiers-verified.md"
CANDIDATES = paths.THESAURUS_DIR / "candidate-codes.md"
TOOI = "https://identifier.overheid.nl/tooi/id/"
WIKIDATA = "http://www.wikidata.org/entity/"
IDENTIFIER_PROPERTIES = (KG.tooi, KG.cbsCode, KG.wikidata)

# The acceptance groups that these files answer for.
SEED_GROUPS = {
    "bo-brainport-participants": {
        "Minister van Economische Zaken en Klimaat",
        "MOCW",
        "MIenW",
        "SIenW",
        "MVRO",
        "Noord-Brabant",
        "Eindhoven",
    },
    "located-in-noord-brabant": {"Eindhoven", "Brainportregio"},
}
SEED_ALLOWED = {
    "bo-brainport-participants": {
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
        "BZK",
        "Zuidoost-Brabant",
        "regio Zuidoost-Brabant",
    },
    "located-in-noord-brabant": {"Zuidoost-Brabant"},
}
CORPUS_GROUPS = {
    "Europese Unie",
    "Azerbeidzjan",
    "Armenië",
    "Nagorno-Karabach",
    "Raad Buitenlandse Zaken",
    "Europese Commissie",
    "UNHCR",
    "UNICEF",
    "Nederlandse Zorgautoriteit",
    "Centraal Bureau voor de Statistiek",
}
# Surface forms in the corpus documents that must resolve to the concept named.
SURFACE_FORMS = {
    "NagornoKarabach": "nagorno-karabach",
    "Nagorno Karabach": "nagorno-karabach",
    "Centraal Bureau voor Statistiek": "cbs",
    "Hoge Vertegenwoordiger": "hoge-vertegenwoordiger",
    "HV": "hoge-vertegenwoordiger",
    "EDEO": "edeo",
    "EUMA": "euma",
    "VN Central Emergency Response Fund": "cerf",
    "Internationale Comité van het Rode Kruis": "icrc",
    "ICRC": "icrc",
    "IFRC": "ifrc",
    "Nachitsjevan": "nachitsjevan",
    "Iran": "iran",
    "VAE": "verenigde-arabische-emiraten",
    "Oezbekistan": "oezbekistan",
    "Hongkong": "hongkong",
    "VS": "verenigde-staten",
    "Twente": "twente",
    "Arnhem/Nijmegen": "regio-arnhem-nijmegen",
    "Almere": "gemeente-almere",
    "Delft": "gemeente-delft",
    "Nijmegen": "gemeente-nijmegen",
    "Zuid-Holland": "provincie-zuid-holland",
    "Brainport-Eindhoven": "brainportregio",
    "Brainport-regio": "brainportregio",
    "regio Eindhoven": "brainportregio",
    "Ministerie van OCW": "ministerie-ocw",
    "Ministerie van EZK": "ministerie-ezk",
    "Minister van OCW": "minister-ocw",
    "RIVM": "rivm",
    "Commissie Deskundigen Meststoffenwet": "cdm",
    "’s-Gravenhage": "gemeente-s-gravenhage",
    "Den Haag": "gemeente-s-gravenhage",
    "vaste commissie voor Economische Zaken en Klimaat": "commissie-ezk",
}
# Roles and the ministry they sit within (facts of the cabinets of the documents).
ROLE_MINISTRY = {
    "minister-ezk": "ministerie-ezk",
    "minister-ocw": "ministerie-ocw",
    "minister-ienw": "ministerie-ienw",
    "staatssecretaris-ienw": "ministerie-ienw",
    "minister-voor-vro": "ministerie-bzk",  # 2023: the Minister voor VRO sat within BZK
    "minister-vro": "ministerie-vro",  # 2024: the ministry of VRO
    "minister-natuur-stikstof": "ministerie-lnv",
    "minister-lnv": "ministerie-lnv",
    "minister-lzs": "ministerie-vws",
    "minister-vws": "ministerie-vws",
    "minister-bz": "ministerie-bz",
    "minister-bho": "ministerie-bz",
    "minister-klimaat-energie": "ministerie-ezk",
}
# Concepts expected to lie (transitively) in a region.
CONTAINMENT = [
    ("gemeente-eindhoven", "regio-zuidoost-brabant"),
    ("gemeente-eindhoven", "provincie-noord-brabant"),
    ("gemeente-eindhoven", "nederland"),
    ("brainportregio", "provincie-noord-brabant"),
    ("regio-zuidoost-brabant", "provincie-noord-brabant"),
    ("gemeente-enschede", "twente"),
    ("gemeente-enschede", "provincie-overijssel"),
    ("gemeente-nijmegen", "provincie-gelderland"),
    ("gemeente-almere", "provincie-flevoland"),
    ("gemeente-delft", "provincie-zuid-holland"),
    ("bonaire", "nederland"),
    ("nederland", "koninkrijk-der-nederlanden"),
    ("nachitsjevan", "azerbeidzjan"),
    ("gazastrook", "palestijnse-gebieden"),
]
# Containment that would be false and must not follow.
NOT_CONTAINED = [
    ("bonaire", "europese-unie"),  # Caribbean Netherlands is not EU territory
    ("nederland", "europese-unie"),  # membership is kg:memberOf, not containment
    ("nagorno-karabach", "azerbeidzjan"),  # disputed sovereignty is not asserted
    ("nagorno-karabach", "armenie"),
    ("krim", "oekraine"),
    ("krim", "rusland"),
]
EU_MEMBER_COUNT = 27
# Ministries whose TOOI id identifiers.md does not list: Asiel en Migratie (2024) and the
# ministries of 2010-2017 (IenM, VenJ, EL&I).
MINISTRIES_WITHOUT_VERIFIED_TOOI = {
    KGT[slug]
    for slug in ("ministerie-aenm", "ministerie-ienm", "ministerie-venj", "ministerie-eli")
}


def verified_identifiers(text: str) -> set[tuple[URIRef, object]]:
    """(property, value) pairs that identifiers.md marks as verified."""
    found: set[tuple[URIRef, object]] = set()
    ministries = text.split("Ministries (verified", 1)[1].split('A "Minister voor X"', 1)[0]
    for code in re.findall(r"^\| (mnre\d{4}) \|", ministries, flags=re.MULTILINE):
        found.add((KG.tooi, URIRef(f"{TOOI}ministerie/{code}")))
    provinces = text.split("Provinces (verified", 1)[1].split("Municipalities:", 1)[0]
    for number in re.findall(r"[A-Z][\w-]+ (\d{2})[,.]", provinces):
        found.add((KG.tooi, URIRef(f"{TOOI}provincie/pv{number}")))
        found.add((KG.cbsCode, Literal(f"PV{number}")))
    for code in re.findall(r"^\| [^|]+ \| (GM\d{4}) \| verified", text, flags=re.MULTILINE):
        found.add((KG.cbsCode, Literal(code)))
    for code in re.findall(r"COROP region (CR\d+) is [^(]+\(verified\)", text):
        found.add((KG.cbsCode, Literal(code)))
    for qid in re.findall(r"^\| [^|]+ \| (Q\d+) \| verified", text, flags=re.MULTILINE):
        found.add((KG.wikidata, URIRef(WIKIDATA + qid)))
    return found


@pytest.fixture(scope="module")
def verified() -> set[tuple[URIRef, object]]:
    return verified_identifiers(IDENTIFIERS_COPY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ours(file_graphs: dict[str, Graph]) -> Graph:
    return union(file_graphs, ACTOR_AND_REGION_FILES)


# --- acceptance groups --------------------------------------------------------------------


def test_seed_actor_and_region_groups_are_findable(thesaurus: Graph, seed_acceptance: dict) -> None:
    index = label_index(thesaurus)
    questions = seed_acceptance["competency_questions"]
    missing = []
    for key, firsts in SEED_GROUPS.items():
        groups = [g for g in questions[key]["expect"] if g[0] in firsts]
        assert len(groups) == len(firsts), f"{key}: acceptance file changed"
        missing += [(key, g) for g in groups if not lookup(index, g)]
    for key, names in SEED_ALLOWED.items():
        assert names <= set(questions[key]["allowed"]), f"{key}: acceptance file changed"
        missing += [(key, n) for n in names if not lookup(index, [n])]
    document = seed_acceptance["document"]
    for name in [document["asked_by"]["committee"], *document["addressed_to"]]:
        if not lookup(index, [name]):
            missing.append(("document", name))
    assert not missing, missing


def test_bo_brainport_groups_resolve_to_the_right_kind_of_actor(
    thesaurus: Graph, seed_acceptance: dict
) -> None:
    """A participant group that names a role names one that sits within one ministry."""
    index = label_index(thesaurus)
    groups = seed_acceptance["competency_questions"]["bo-brainport-participants"]["expect"]
    for group in groups:
        if group[0] not in SEED_GROUPS["bo-brainport-participants"]:
            continue
        found = lookup(index, group)
        roles = {c for c in found if (c, RDF.type, KG.Role) in thesaurus}
        for role in roles:
            ministries = set(thesaurus.objects(role, KG.withinOrganisation))
            assert len(ministries) == 1, (group, role)
            assert all((m, RDF.type, KG.Ministry) in thesaurus for m in ministries), group


def test_corpus_actor_and_region_groups_are_findable(
    thesaurus: Graph, corpus_acceptance: dict
) -> None:
    index = label_index(thesaurus)
    documents = corpus_acceptance["documents"].values()
    groups = [g for d in documents for g in d.get("entities", []) if g[0] in CORPUS_GROUPS]
    assert {g[0] for g in groups} == CORPUS_GROUPS, "corpus.json changed"
    assert [g for g in groups if not lookup(index, g)] == []


def test_corpus_addressed_and_answering_roles_are_roles(
    thesaurus: Graph, corpus_acceptance: dict
) -> None:
    index = label_index(thesaurus)
    names = set()
    for document in corpus_acceptance["documents"].values():
        names.update(document["addressed_to"])
        if "answered_by" in document:
            names.add(document["answered_by"]["role"])
    assert len(names) >= 5
    for name in sorted(names):
        found = lookup(index, [name])
        assert len(found) == 1, (name, found)
        (role,) = found
        assert (role, RDF.type, KG.Role) in thesaurus, name
        (ministry,) = thesaurus.objects(role, KG.withinOrganisation)
        assert (ministry, RDF.type, KG.Ministry) in thesaurus, name


@pytest.mark.parametrize(("surface", "slug"), sorted(SURFACE_FORMS.items()))
def test_surface_forms_of_the_documents_name_the_right_concept(
    thesaurus: Graph, surface: str, slug: str
) -> None:
    assert label_index(thesaurus).get(fold(surface)) == {KGT[slug]}


# --- curated facts ------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "ministry"), sorted(ROLE_MINISTRY.items()))
def test_role_sits_within_its_ministry(ours: Graph, role: str, ministry: str) -> None:
    assert list(ours.objects(KGT[role], KG.withinOrganisation)) == [KGT[ministry]]
    assert (KGT[ministry], RDF.type, KG.Ministry) in ours


def test_every_role_sits_within_exactly_one_organisation(ours: Graph, thesaurus: Graph) -> None:
    organisations = {
        s
        for cls in (KG.Ministry, KG.EUInstitution, KG.InternationalOrganisation)
        for s in thesaurus.subjects(RDF.type, cls)
    }
    bad = []
    for role in ours.subjects(RDF.type, KG.Role):
        within = list(ours.objects(role, KG.withinOrganisation))
        if len(within) != 1 or within[0] not in organisations:
            bad.append((role, within))
    assert not bad, bad


def test_every_ministry_has_a_minister(ours: Graph) -> None:
    ministries = set(ours.subjects(RDF.type, KG.Ministry))
    with_minister = {
        o
        for role in ours.subjects(RDF.type, KG.Role)
        for o in ours.objects(role, KG.withinOrganisation)
        for label in ours.objects(role, SKOS.prefLabel)
        if str(label).startswith(("Minister van", "Minister-President"))
    }
    assert ministries and ministries <= with_minister, sorted(ministries - with_minister)


@pytest.mark.parametrize(("place", "region"), CONTAINMENT)
def test_containment(ours: Graph, place: str, region: str) -> None:
    assert KGT[region] in within(ours, KGT[place])


@pytest.mark.parametrize(("place", "region"), NOT_CONTAINED)
def test_no_false_containment(ours: Graph, place: str, region: str) -> None:
    assert KGT[region] not in within(ours, KGT[place])


def test_every_municipality_is_part_of_exactly_one_province(ours: Graph) -> None:
    provinces = set(ours.subjects(RDF.type, KG.Province))
    assert len(provinces) == 12
    municipalities = list(ours.subjects(RDF.type, KG.Municipality))
    assert len(municipalities) >= 45
    bad = [m for m in municipalities if len(set(ours.objects(m, KG.partOf)) & provinces) != 1]
    assert not bad, bad


def test_eu_member_states(ours: Graph) -> None:
    members = set(ours.subjects(KG.memberOf, KGT["europese-unie"]))
    assert len(members) == EU_MEMBER_COUNT
    assert all((m, RDF.type, KG.Country) in ours for m in members)
    assert KGT["nederland"] in members and KGT["verenigd-koninkrijk"] not in members


# --- official identifiers -----------------------------------------------------------------


def test_the_identifier_copy_is_read(verified: set[tuple[URIRef, object]]) -> None:
    """The parser of identifiers.md finds what the file lists, or the copy changed shape."""
    counts: dict[URIRef, int] = defaultdict(int)
    for prop, _ in verified:
        counts[prop] += 1
    assert counts[KG.tooi] == 14 + 12  # ministries and provinces
    assert counts[KG.cbsCode] == 12 + 8 + 1  # PV codes, verified GM codes, CR36
    assert counts[KG.wikidata] == 2  # ASML and Philips only


def test_only_verified_identifiers(ours: Graph, verified: set[tuple[URIRef, object]]) -> None:
    used = {(p, o) for p in IDENTIFIER_PROPERTIES for o in ours.objects(None, p)}
    assert used, "no identifiers at all"
    assert used <= verified, sorted(used - verified)


def test_candidate_codes_are_not_data(thesaurus: Graph) -> None:
    candidates = set(re.findall(r"\| (GM\d{4}|Q\d+) \|", CANDIDATES.read_text(encoding="utf-8")))
    assert {"GM0034", "GM0503", "GM0153", "GM0268"} <= candidates
    used = {
        str(o).rsplit("/", 1)[-1] for p in IDENTIFIER_PROPERTIES for o in thesaurus.objects(None, p)
    }
    assert not candidates & used


def test_every_ministry_and_province_carries_its_identifiers(ours: Graph) -> None:
    for ministry in ours.subjects(RDF.type, KG.Ministry):
        if ministry in MINISTRIES_WITHOUT_VERIFIED_TOOI:
            continue
        assert len(list(ours.objects(ministry, KG.tooi))) == 1, ministry
    for province in ours.subjects(RDF.type, KG.Province):
        assert len(list(ours.objects(province, KG.tooi))) == 1, province
        assert len(list(ours.objects(province, KG.cbsCode))) == 1, province


def test_identifiers_are_not_shared(ours: Graph) -> None:
    owners: dict[object, set] = defaultdict(set)
    for prop in IDENTIFIER_PROPERTIES:
        for subject, value in ours.subject_objects(prop):
            owners[value].add(subject)
    assert not {v: s for v, s in owners.items() if len(s) > 1}


def test_files_conform_to_the_shapes(ours: Graph, ontology: Graph) -> None:
    """The SHACL shapes (identifier patterns, one prefLabel per language …) accept our files."""
    report = validate.validate(ours + ontology)
    assert report.conforms, report


@pytest.fixture(scope="module")
def closure(ours: Graph, ontology: Graph) -> Graph:
    """The OWL RL closure of the ontology and our files, as the build computes it."""
    return reason.owlrl_closure(ours + ontology)


@pytest.mark.slow
def test_reasoning_places_eindhoven_in_noord_brabant(closure: Graph) -> None:
    eindhoven = KGT["gemeente-eindhoven"]
    for region in ("regio-zuidoost-brabant", "provincie-noord-brabant", "nederland"):
        assert (eindhoven, KG.locatedIn, KGT[region]) in closure, region
    assert (KGT["brainportregio"], KG.locatedIn, KGT["provincie-noord-brabant"]) in closure
    assert (KGT["bonaire"], KG.locatedIn, KGT["europese-unie"]) not in closure


@pytest.mark.slow
def test_reasoning_keeps_the_thesaurus_consistent(closure: Graph) -> None:
    assert not set(closure.subjects(RDF.type, OWL.Nothing))
    # an organisation must not become a region through the range of kg:locatedIn
    assert (KGT["europol"], RDF.type, KG.Region) not in closure
    assert (KGT["ministerie-ezk"], RDF.type, KG.Region) not in closure
