"""The JSON Schemas say exactly what the code writes and accepts: real entries, items and manifests
validate; the schemas' member sets are the model's serialisations; and a body altered in any of the
ways hypothesis tries (an unknown member, a dropped member, a value of another type) is judged the
same by the schema and by the archive's own reader and fold.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from helpers import ok
from hypothesis import given, settings
from hypothesis import strategies as st
from lib import ingest, open_archive, ticking_clock
from PIL import Image
from warc_pages import page, write_warc

from archive import schemas
from archive.core import body as bodies
from archive.core.claim import _CLAIM_FIELDS, ExtractionNote, ExtractorId
from archive.core.entry import ENTRY_FIELDS, Entry, decode_value, entry_hash
from archive.core.fields import CREDIT_KEYS, FIELDS
from archive.core.item import Fold, Item, Record
from archive.core.strict import RuleError
from archive.errors import LedgerError
from archive.service.extraction import Extractors

FOLDERS = (REPO / "schemas", REPO / "archive" / "schemas")
GOLDEN = REPO / "tests" / "golden" / "ledger.jsonl"
PEOPLE = "004_1ff66ad646ea374e.txt"
BODY_CLASSES: dict[str, type[Any]] = {
    "key": bodies.KeyBody,
    "ingest": bodies.IngestBody,
    "amend": bodies.AmendBody,
    "extract": bodies.ExtractBody,
    "access": bodies.AccessBody,
    "relate": bodies.RelateBody,
}


@dataclass(frozen=True)
class Built:
    """A vault made through the library with every kind of entry, and what it holds."""

    vault: Path
    entries: list[bytes]
    items: list[Item]
    manifest: dict[str, Any]
    pages: dict[str, Any]  # a manifest citing pages of web archives


def photo(path: Path) -> Path:
    """A PNG with EXIF a photo would carry: artist, copyright, caption and capture time."""
    image = Image.new("RGB", (4, 3), (200, 10, 10))
    exif = Image.Exif()
    exif[0x013B] = "Jane Doe"  # Artist
    exif[0x8298] = "Agency X"  # Copyright
    exif[0x010E] = "A red square on a test card"  # ImageDescription
    exif.get_ifd(0x8769)[0x9003] = "2022:03:23 09:15:00"  # DateTimeOriginal
    image.save(path, exif=exif)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Built:
    work = tmp_path_factory.mktemp("schemas")
    vault = work / "vault"
    archive = open_archive(vault, clock=ticking_clock())
    texts = ingest(archive, sorted(seeds.glob("*.txt")))
    data = work / "data.json"
    data.write_text('{"a": 1}\n', encoding="utf-8")  # a type no extractor reads: its ingest carries notes
    shot, table = ingest(archive, [photo(work / "shot.png"), data], {"note": ["made for the schema tests"]})
    article = next(r.item for r in texts if r.name == PEOPLE)
    archive.amend(
        article,
        {
            "title": ["U.S. believes Russia's forces have committed war crimes in Ukraine"],
            "outlet": ["People"],
            "published": ["2022-03-23"],
            "author": ["Tristan Balagtas", "Jane Q. Doe"],
            "url": ["https://people.com/politics/us-believes-russia-committed-war-crimes-in-ukraine/"],
            "language": ["en"],
        },
        [],
        "from the article page",
    )
    archive.amend(texts[1].item, {}, ["outlet"], "the newsletter is not the outlet")
    # An older extractor's reading, then `reextract`: the extract entry the current extractors append.
    older = tuple(
        c.replace(extractor=ExtractorId("plaintext", "0.9.0"), seq=None)
        for c in archive.item(texts[0].item).claims
        if c.source == "extracted"
    )[:-1]
    archive._item_entry(
        texts[0].item,
        "extract",
        lambda item, _at: bodies.ExtractBody(item.id, item.head or bodies.Pointer(0, ""), older, ()),
    )
    with Extractors() as extractors:
        assert archive.reextract(texts[0].item, extractors) is not None
    archive.set_access(shot.item, "restricted", "shows a face")
    archive.set_access(shot.item, "open", "consent given")
    archive.relate(shot.item, article, "screenshot", "full-page capture")
    archive.relate(table.item, texts[2].item, "transcript")
    # Web archives (issue 12): pages amended and related, at one end and at both.
    first, second = (
        write_warc(work / f"{name}.warc.gz", [(url, page(title).encode(), "200 OK", "text/html; charset=utf-8")])
        for name, url, title in (
            ("first", "https://news.example/a", "Dam breach floods Kherson"),
            ("second", "https://news.example/b", "Dam breach floods Kherson again"),
        )
    )
    warcs = ingest(archive, [first, second])
    part_a, part_b = (
        archive.resolve_ref(f"{r.item}#https://news.example/{x}").part for r, x in zip(warcs, "ab", strict=True)
    )
    archive.amend(warcs[0].item, {"author": ["Jane Reporter"]}, [], "the byline", part=part_a)
    archive.relate(table.item, warcs[0].item, "transcript", other_part=part_a)
    archive.relate(warcs[1].item, warcs[0].item, "duplicate-of", part=part_b, other_part=part_a)
    archive.rotate_key()
    archive.amend(texts[3].item, {"outlet": ["Daily Caller"]}, [], "after the rotation")
    entries = [sealed.data for sealed, _ in archive.entries()]
    items = list(archive.items())
    manifest = archive.manifest(None)
    pages = archive.manifest([(warcs[0].item, part_a), (warcs[1].item, part_b), warcs[0].item])
    archive.close()
    return Built(vault, entries, items, manifest, pages)


def schema(name: str) -> dict[str, Any]:
    return schemas.load(name)


def defs(name: str) -> dict[str, Any]:
    found: dict[str, Any] = schema(name)["$defs"]
    return found


def properties(node: dict[str, Any]) -> set[str]:
    return set(node["properties"])


def errors_at(name: str, definition: str, document: Any) -> list[str]:
    """Errors of `document` against one definition of a schema."""
    from jsonschema import Draft202012Validator

    whole = schema(name)
    validator = Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": whole["$defs"]})
    return [e.message for e in validator.iter_errors(document)]


def golden_entries() -> list[bytes]:
    return GOLDEN.read_bytes().splitlines()


def parsed(entries: list[bytes]) -> Iterator[tuple[Entry, Any]]:
    for data in entries:
        value = json.loads(data)
        yield decode_value(value), value


# ---- the two copies ------------------------------------------------------------------------


def test_the_two_schema_folders_are_byte_for_byte_equal() -> None:
    names = [sorted(p.name for p in folder.glob("*.json")) for folder in FOLDERS]
    assert names[0] == names[1]
    assert {"entry.schema.json", "item.schema.json", "manifest.schema.json", "sidecar.schema.json"} <= set(names[0])
    for name in names[0]:
        assert (FOLDERS[0] / name).read_bytes() == (FOLDERS[1] / name).read_bytes(), name


def test_every_schema_is_a_draft_2020_12_schema() -> None:
    from jsonschema import Draft202012Validator

    for path in FOLDERS[0].glob("*.json"):
        loaded = schemas.load(path.name.removesuffix(".schema.json"))
        assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(loaded)


# ---- real documents validate ---------------------------------------------------------------


def test_the_built_vault_has_every_kind_of_entry(built: Built) -> None:
    kinds = [e.kind for e, _ in parsed(built.entries)]
    assert set(kinds) == set(bodies.KINDS)
    assert any("previous_key" in e.body for e, _ in parsed(built.entries))  # a rotation
    media = {i.media_type for i in built.items}
    assert {"text/plain", "image/png", "application/json"} <= media
    unset = [c for e, _ in parsed(built.entries) if e.kind == "amend" for c in e.body["claims"] if c["value"] is None]
    assert unset


@pytest.mark.parametrize("source", ["golden", "built"])
def test_every_entry_validates_and_folds(built: Built, source: str) -> None:
    entries = golden_entries() if source == "golden" else built.entries
    fold = Fold()
    for data in entries:
        value = json.loads(data)
        assert schemas.errors("entry", value) == [], data[:200]
        fold.apply(decode_value(value), entry_hash(data))


def test_index_states_and_list_json_are_item_states(built: Built) -> None:
    for item in built.items:
        assert errors_at("item", "state", item.to_json()) == []
    listed = ok("list", "--json", vault=built.vault).json()
    assert len(listed) == len(built.items)
    for doc in listed:
        assert errors_at("item", "state", doc) == []
        assert schemas.errors("item", doc) == []


def test_show_json_is_an_item_with_its_whole_entries(built: Built) -> None:
    busiest = max(built.items, key=lambda i: len(i.history))
    photo_item = next(i for i in built.items if i.media_type == "image/png")
    for item in (busiest, photo_item):
        shown = ok("show", item.id, "--json", vault=built.vault).json()
        assert errors_at("item", "shown", shown) == []
        assert schemas.errors("item", shown) == []
        assert errors_at("item", "state", shown) != []  # its history holds entries, not records
        assert [h["seq"] for h in shown["history"]] == item.seqs()


def test_the_manifest_validates(built: Built) -> None:
    assert schemas.errors("manifest", built.manifest) == []
    assert len(built.manifest["items"]) == len(built.items)


def test_a_manifest_of_pages_validates(built: Built) -> None:
    assert schemas.errors("manifest", built.pages) == []
    assert [("page" in i) for i in built.pages["items"]] == [True, True, False]


# ---- the schemas' member sets are the model's ------------------------------------------------


def test_the_envelope_has_the_members_of_an_entry() -> None:
    entry = schema("entry")
    assert properties(entry) == set(ENTRY_FIELDS) == set(entry["required"])
    assert entry["properties"]["kind"]["enum"] == list(bodies.KINDS)
    selected = [rule["if"]["properties"]["kind"]["const"] for rule in entry["allOf"]]
    assert selected == list(bodies.KINDS)


def test_each_body_has_exactly_the_members_of_its_class(built: Built) -> None:
    seen: dict[str, set[str]] = {k: set() for k in bodies.KINDS}
    for entry, _ in parsed(built.entries):
        written = set(bodies.parse_body(entry.kind, entry.body).to_json())
        definition = defs("entry")[f"{entry.kind}Body"]
        assert set(definition["required"]) <= written <= properties(definition)
        seen[entry.kind] |= written
    for kind, cls in BODY_CLASSES.items():
        members = properties(defs("entry")[f"{kind}Body"])
        assert set(cls._fields) == members, kind
        assert seen[kind] == members, f"the built vault exercises every member of a {kind} body"


def test_nested_values_have_exactly_the_members_of_their_classes(built: Built) -> None:
    d = defs("entry")
    assert set(bodies.ObjectFacts._fields) == properties(d["objectFacts"])
    assert set(bodies.IDENTIFICATION) == properties(d["identification"]) == set(d["identification"]["required"])
    assert set(bodies.Pointer._fields) == properties(d["pointer"])
    assert set(ExtractorId._fields) == properties(d["extractor"])
    assert set(CREDIT_KEYS) == properties(d["credit"])
    assert set(ExtractionNote._fields) - {"seq"} == properties(d["note"])
    claim_members = set(_CLAIM_FIELDS) - {"seq"}
    assert claim_members == properties(d["assertedClaim"]) | properties(d["extractedClaim"])
    assert d["assertedClaim"]["properties"]["field"]["enum"] == list(FIELDS)
    assert d["relateBody"]["properties"]["relation"]["enum"] == list(bodies.RELATIONS)
    assert d["accessBody"]["properties"]["access"]["enum"] == list(bodies.ACCESS)
    assert d["acquisition"]["properties"]["method"]["const"] in bodies.ACQUISITION_METHODS
    asserted: set[str] = set()
    extracted: set[str] = set()
    for entry, _ in parsed(built.entries):
        body = bodies.parse_body(entry.kind, entry.body)
        if isinstance(body, bodies.IngestBody):
            assert set(body.acquisition) == properties(d["acquisition"])
            facts = body.object.to_json()
            assert set(d["objectFacts"]["required"]) <= set(facts) <= properties(d["objectFacts"])
        for claim in getattr(body, "claims", ()):
            (asserted if claim.source == "asserted" else extracted).update(claim.to_json())
    assert asserted == properties(d["assertedClaim"])
    assert extracted == properties(d["extractedClaim"])  # claims with a span and claims with a key


def test_the_item_schema_has_exactly_the_members_of_item_to_json(built: Built) -> None:
    d = defs("item")
    seen: dict[str, set[str]] = {"relation": set(), "storedAssertedClaim": set(), "storedExtractedClaim": set()}
    optional = {"contents"}  # a web archive's only
    for item in built.items:
        doc = item.to_json()
        assert set(doc) - optional == set(d["state"]["required"])
        assert set(doc) <= properties(d["state"]) == properties(d["shown"]) == set(d["state"]["required"]) | optional
        assert ("contents" in doc) == item.media_type.startswith("application/wa")
        assert set(doc["archived"]) == properties(d["archived"])
        assert set(doc["metadata"]) == properties(d["metadata"])
        assert set(doc["head"]) == properties(d["pointer"])
        for record in doc["history"]:
            assert set(record) == set(Record._fields) == properties(d["record"])
        for note in doc["notes"]:
            assert set(note) == properties(d["storedNote"])
        for relation in doc["relations"]:
            seen["relation"] |= set(relation)
        for claim in doc["metadata"]["claims"]:
            seen["storedAssertedClaim" if claim["source"] == "asserted" else "storedExtractedClaim"] |= set(claim)
        assert set(doc["metadata"]["current"]) <= set(FIELDS)
    assert properties(d["metadata"]["properties"]["current"]) == set(FIELDS)
    for name, members in seen.items():
        assert members == properties(d[name]), name
    forms = [set(form["properties"]) for form in d["access"]["anyOf"]]
    assert {frozenset(i.access.to_json()) for i in built.items} == {frozenset(f) for f in forms}
    shown_entry = d["shownEntry"]
    assert properties(shown_entry) == set(ENTRY_FIELDS) | {"hash"}


def test_the_manifest_item_is_to_manifest_with_citations_csl_and_entries(built: Built) -> None:
    whole = schema("manifest")
    d = whole["$defs"]
    assert (
        set(built.manifest) == properties(whole) == set(whole["required"]) | {"keys", "signature", "timestamps", "time"}
    )  # keys, signature, timestamps and time: optional (older manifests)
    assert set(built.manifest["time"]) == properties(whole["properties"]["time"])
    models = {i.id: i for i in built.items}
    csl: set[str] = set()
    optional = {"identification", "contents", "page"}  # older items; web archives; a cited page
    for doc in [*built.manifest["items"], *built.pages["items"]]:
        expected = set(models[doc["id"]].to_manifest()) | {"citations", "csl", "entries"} | ({"page"} & set(doc))
        assert set(doc) == expected
        assert set(d["item"]["required"]) <= expected <= properties(d["item"]) == set(d["item"]["required"]) | optional
        assert set(doc["citations"]) == properties(d["item"]["properties"]["citations"])
        for entry in doc["entries"]:
            assert set(entry) == properties(d["entry"])
        assert [e["seq"] for e in doc["entries"]] == models[doc["id"]].seqs()
        csl |= set(doc["csl"])
    assert csl == properties(d["csl"]), "the built vault has an item with every CSL member"


# ---- altered bodies: the schema and the code judge alike ---------------------------------------

REPLACEMENTS: list[Any] = ["x", 7, -1, 1.5, True, None, [], ["x"], {}, {"x": "y"}]


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array")):
        if isinstance(value, kind):
            return name
    return "object"


def nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from nodes(child, (*path, key))


def known_names(node: Any) -> set[str]:
    """Every member name any object in the schema defines."""
    names: set[str] = set()
    for _, value in nodes(node):
        if isinstance(value, dict) and isinstance(value.get("properties"), dict):
            names |= set(value["properties"])
    return names


def parent(document: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


@dataclass(frozen=True)
class Case:
    """One real entry and the entries before it in its ledger."""

    value: dict[str, Any]
    prefix: tuple[tuple[Entry, str], ...]


def cases(entries: list[bytes]) -> list[Case]:
    out = []
    prefix: list[tuple[Entry, str]] = []
    for data in entries:
        value = json.loads(data)
        out.append(Case(value, tuple(prefix)))
        prefix.append((decode_value(value), entry_hash(data)))
    return out


def code_accepts(case: Case, value: Any) -> bool:
    """Whether the archive takes `value` in the place of the case's entry: decode, then fold in order."""
    fold = Fold()
    for entry, hash_ in case.prefix:
        fold.apply(entry, hash_)
    try:
        fold.apply(decode_value(value), "0" * 64)
    except (LedgerError, RuleError):
        return False
    return True


def schema_accepts(value: Any) -> bool:
    return not schemas.errors("entry", value)


@pytest.fixture(scope="module")
def corpus(built: Built) -> list[Case]:
    return cases(golden_entries()) + cases(built.entries)


def test_every_real_entry_is_accepted_by_both(corpus: list[Case]) -> None:
    for case in corpus:
        assert schema_accepts(case.value) and code_accepts(case, case.value)


def _signature(node: Any) -> Any:
    """What about a list element decides how it is read: its members, a claim's source, a credit."""
    if isinstance(node, dict):
        return (tuple(sorted(node)), node.get("source"), node.get("field") == "credit")
    return json_type(node)


def _shape(value: Any, path: tuple[Any, ...]) -> tuple[Any, ...]:
    shape: list[Any] = [value["kind"]]
    node = value
    for key in path:
        node = node[key]
        shape.append(_signature(node) if isinstance(key, int) else key)
    return tuple(shape)


@pytest.fixture(scope="module")
def shapes(corpus: list[Case]) -> list[tuple[Case, tuple[Any, ...]]]:
    """One (entry, path) for every distinct place in every kind of entry the corpus has."""
    seen: dict[tuple[Any, ...], tuple[Case, tuple[Any, ...]]] = {}
    for case in corpus:
        for path, _ in nodes(case.value):
            if path:
                seen.setdefault(_shape(case.value, path), (case, path))
    return list(seen.values())


def _altered(case: Case, path: tuple[Any, ...], new: Any) -> Any:
    value = copy.deepcopy(case.value)
    parent(value, path)[path[-1]] = new
    return value


def test_every_place_given_a_value_of_another_type_is_judged_alike(shapes: list[tuple[Case, tuple[Any, ...]]]) -> None:
    for case, path in shapes:
        old = parent(case.value, path)[path[-1]]
        for new in REPLACEMENTS:
            if json_type(new) == json_type(old):
                continue
            value = _altered(case, path, new)
            assert schema_accepts(value) == code_accepts(case, value), (path, new)


def test_every_member_dropped_is_judged_alike(shapes: list[tuple[Case, tuple[Any, ...]]]) -> None:
    for case, path in shapes:
        if isinstance(parent(case.value, path), dict):
            value = copy.deepcopy(case.value)
            del parent(value, path)[path[-1]]
            assert schema_accepts(value) == code_accepts(case, value), path


def test_every_string_blanked_is_judged_alike(shapes: list[tuple[Case, tuple[Any, ...]]]) -> None:
    for case, path in shapes:
        if isinstance(parent(case.value, path)[path[-1]], str):
            for blank in ("", " ", "\t\n"):
                value = _altered(case, path, blank)
                assert schema_accepts(value) == code_accepts(case, value), (path, blank)


NAMES = known_names(schema("entry"))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_an_unknown_member_anywhere_is_refused_by_both(corpus: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(corpus))
    value = copy.deepcopy(case.value)
    objects = [path for path, node in nodes(value) if isinstance(node, dict)]
    path = data.draw(st.sampled_from(objects))
    name = data.draw(st.text(min_size=1, max_size=12).filter(lambda n: n not in NAMES))
    target = value
    for key in path:
        target = target[key]
    target[name] = data.draw(st.sampled_from(REPLACEMENTS))
    assert not schema_accepts(value)
    assert not code_accepts(case, value)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_dropped_member_is_judged_alike(corpus: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(corpus))
    value = copy.deepcopy(case.value)
    members = [path for path, _ in nodes(value) if path and isinstance(parent(value, path), dict)]
    path = data.draw(st.sampled_from(members))
    del parent(value, path)[path[-1]]
    assert schema_accepts(value) == code_accepts(case, value), path


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_value_of_another_type_is_judged_alike(corpus: list[Case], data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(corpus))
    value = copy.deepcopy(case.value)
    path = data.draw(st.sampled_from([p for p, _ in nodes(value) if p]))
    old = parent(value, path)[path[-1]]
    new = data.draw(st.sampled_from([r for r in REPLACEMENTS if json_type(r) != json_type(old)]))
    parent(value, path)[path[-1]] = new
    assert schema_accepts(value) == code_accepts(case, value), (path, new)


def test_every_required_body_member_is_required_by_the_code(corpus: list[Case]) -> None:
    for case in corpus:
        kind = case.value["kind"]
        for member in defs("entry")[f"{kind}Body"]["required"]:
            value = copy.deepcopy(case.value)
            del value["body"][member]
            assert not schema_accepts(value) and not code_accepts(case, value), (kind, member)


def test_a_claim_whose_field_is_a_list_is_refused_not_a_crash(corpus: list[Case]) -> None:
    case = next(c for c in corpus if c.value["kind"] == "amend")
    value = copy.deepcopy(case.value)
    value["body"]["claims"][0]["field"] = []
    assert not schema_accepts(value)
    assert not code_accepts(case, value)


def _first(corpus: list[Case], kind: str, test: Any = lambda body: True) -> Case:
    return next(c for c in corpus if c.value["kind"] == kind and test(c.value["body"]))


def _credit_claim(body: dict[str, Any]) -> int | None:
    return next((i for i, c in enumerate(body.get("claims", [])) if c["field"] == "credit"), None)


def test_alterations_a_type_change_cannot_make_are_judged_alike(corpus: list[Case]) -> None:
    ingest = _first(corpus, "ingest", lambda b: _credit_claim(b) is not None)
    at = _credit_claim(ingest.value["body"])
    assert at is not None
    amend = _first(corpus, "amend")
    extract = _first(corpus, "extract", lambda b: bool(b["claims"]))
    refused: list[tuple[Case, Any]] = []
    for credit in ({}, {"caption": "only a caption"}, {"photographer": "A", "agency": "B", "role": "C"}):
        value = copy.deepcopy(ingest.value)
        value["body"]["claims"][at]["value"] = credit
        refused.append((ingest, value))
    value = copy.deepcopy(ingest.value)
    claim = value["body"]["claims"][at]
    claim.pop("span", None)
    claim.pop("key", None)  # evidence from nowhere
    refused.append((ingest, value))
    value = copy.deepcopy(amend.value)
    value["body"]["claims"] = []  # an amendment that asserts nothing
    refused.append((amend, value))
    value = copy.deepcopy(extract.value)
    value["body"]["claims"] = [amend.value["body"]["claims"][0]]  # an extraction that asserts
    refused.append((extract, value))
    value = copy.deepcopy(amend.value)
    value["body"]["claims"] = [ingest.value["body"]["claims"][at]]  # an amendment that extracts
    refused.append((amend, value))
    for case, altered in refused:
        assert not schema_accepts(altered) and not code_accepts(case, altered), altered["body"]


def test_rules_beyond_the_schema_are_the_folds(corpus: list[Case]) -> None:
    """What JSON Schema cannot say (docs/format.md lists these): the schema accepts, the fold refuses."""
    ingest = _first(corpus, "ingest", lambda b: any("span" in c for c in b["claims"]))
    amend = _first(corpus, "amend")
    relate = _first(corpus, "relate")
    altered: list[tuple[Case, Any]] = []
    value = copy.deepcopy(ingest.value)
    value["body"]["item"] = "f" * 64  # not the object's SHA-256
    altered.append((ingest, value))
    value = copy.deepcopy(ingest.value)
    claim = next(c for c in value["body"]["claims"] if "span" in c)
    claim["span"] = [claim["span"][1] + 1, claim["span"][1]]  # start after end
    altered.append((ingest, value))
    value = copy.deepcopy(relate.value)
    value["body"]["to"] = value["body"]["item"]  # related to itself
    altered.append((relate, value))
    value = copy.deepcopy(amend.value)
    value["body"]["claims"][0]["by"] = value["actor"] + "-someone-else"  # provenance not the entry's
    altered.append((amend, value))
    value = copy.deepcopy(amend.value)
    value["body"]["previous"]["seq"] += 1  # not the item's head
    altered.append((amend, value))
    for case, changed in altered:
        assert schema_accepts(changed) and not code_accepts(case, changed), changed["body"]


SIDECAR_SAMPLES: list[Any] = [
    {"outlet": "Reuters", "published": "2022-03-23", "items": {"a.txt": {"title": "T", "author": ["A B"]}}},
    {"outlet": 5},
    {"published": ["2022-03-23", 7], "items": {"a.txt": {"nonsense": 1}, "b.txt": []}},
    {"credit": [{"name": "N", "role": "photographer"}, {"role": 3}]},
    ["not", "a", "mapping"],
]


@pytest.mark.parametrize("name", ["sidecar", "manifest", "entry", "item"])
def test_inlined_references_validate_as_the_schema_does(name: str) -> None:
    from jsonschema import Draft202012Validator

    from archive.schemas import inline_refs, load

    raw = load(name)
    inlined = inline_refs(raw)
    assert "$ref" not in json.dumps(inlined) or name != "sidecar"  # sidecar has no self-reference
    plain = Draft202012Validator(raw, format_checker=Draft202012Validator.FORMAT_CHECKER)
    fast = Draft202012Validator(inlined, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for sample in SIDECAR_SAMPLES:
        assert sorted(e.message for e in plain.iter_errors(sample)) == sorted(
            e.message for e in fast.iter_errors(sample)
        )
