"""A manifest is signed as a whole, so its citation texts, Markdown and header are proven too, and
checking one reads within bounds: forged or duplicated content, a stripped or foreign signature,
oversized proofs, huge integers and deep nesting are each refused with their own code or one line."""

from __future__ import annotations

import copy
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from backends import Backend
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers import assert_one_error_line, ok, run, seed_files, write_text
from lib import ingest, open_archive
from markdown_it import MarkdownIt

from archive.core.canonical import canonical_bytes
from archive.core.note import Signer, VerifierKey
from archive.core.problems import CODES
from archive.errors import BadInputError
from archive.evidence.check import check_manifest
from archive.evidence.limits import MAX_NUMBER_CHARS, max_proof_length, parse_document
from archive.evidence.markdown import manifest_markdown
from archive.evidence.signature import manifest_digest, sign_manifest

Made = tuple[Path, dict[str, Any], VerifierKey, str]


@pytest.fixture(scope="module")
def made(backend: Backend, tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Made:
    """A vault of the seeds (on each backend), its manifest as a value, its key, and the manifest as the
    writer streams it."""
    vault = backend.make(tmp_path_factory.mktemp("s") / "vault")
    archive = open_archive(vault)
    ingest(archive, sorted(seeds.glob("*.txt")))
    doc = archive.manifest(archive.item_ids())
    out = io.StringIO()
    archive.write_manifest(None, out, fmt="json")
    key = archive.keys().current
    archive.close()
    assert key is not None
    return vault, doc, key, out.getvalue()


def _codes(doc: Any, key: VerifierKey) -> list[str]:
    return check_manifest(doc, [key]).codes()


def test_a_fresh_manifest_is_signed_and_verifies(made: Made) -> None:
    _, doc, key, streamed = made
    assert doc["version"] == 3 and doc["signature"]
    assert _codes(doc, key) == []
    assert _codes(json.loads(streamed), key) == []


def test_the_streamed_signature_covers_the_canonical_json_without_it(made: Made) -> None:
    _, _, key, streamed = made
    doc = json.loads(streamed)
    note = doc.pop("signature")
    digest = hashlib.sha256(canonical_bytes(doc)).hexdigest()  # the whole document, canonicalised at once
    text, _, signature = note.rpartition("\n\n")
    assert text.splitlines() == ["archive-manifest-signature/v1", doc["origin"], f"sha256 {digest}"]
    assert signature.startswith(f"— {key.name} ")


def _forge(doc: dict[str, Any], change: str) -> dict[str, Any]:
    bad = copy.deepcopy(doc)
    item = bad["items"][0]
    if change == "citation":
        item["citations"]["apa"]["text"] = "FORGED CITATION"
    elif change == "markdown":
        item["citations"]["mla"]["markdown"] = "[Read the original](javascript:alert(document.cookie))"
    elif change == "head":
        bad["ledger"]["head"] = "0" * 64
    elif change == "created_by":
        bad["created_by"] = "someone else"
    return bad


@pytest.mark.parametrize("change", ["citation", "markdown", "head", "created_by"])
def test_content_outside_the_proofs_is_covered_by_the_signature(made: Made, change: str) -> None:
    _, doc, key, _ = made
    assert _codes(_forge(doc, change), key) == ["MANIFEST_SIGNATURE_INVALID"]


def test_a_duplicated_item_is_refused_even_when_re_signed(made: Made) -> None:
    vault, doc, key, _ = made
    bad = copy.deepcopy(doc)
    bad["items"].append(copy.deepcopy(bad["items"][0]))
    assert _codes(bad, key) == ["MANIFEST_SIGNATURE_INVALID", "MANIFEST_ITEM_DUPLICATE"]
    # Signed by the vault's own key over the duplicate, it is still refused.
    from archive.storage.keystore import load_signer

    signer = load_signer(vault, doc["origin"], None)
    bad["signature"] = sign_manifest(bad["origin"], manifest_digest(bad), signer)
    assert _codes(bad, key) == ["MANIFEST_ITEM_DUPLICATE"]


def test_a_stripped_signature_is_missing(made: Made) -> None:
    _, doc, key, _ = made
    bad = copy.deepcopy(doc)
    del bad["signature"]
    assert _codes(bad, key) == ["MANIFEST_SIGNATURE_MISSING"]
    bad["version"] = 1  # passing it off as a manifest from before signatures changes nothing
    assert _codes(bad, key) == ["MANIFEST_SIGNATURE_MISSING"]


def test_a_signature_by_another_key_is_invalid(made: Made) -> None:
    _, doc, key, _ = made
    bad = _forge(doc, "citation")
    other = Signer(key.name, Ed25519PrivateKey.generate())
    bad["signature"] = sign_manifest(bad["origin"], manifest_digest(bad), other)
    assert _codes(bad, key) == ["MANIFEST_SIGNATURE_INVALID"]
    # Trusting the other key too does not help: the signature must be by the checkpoint's key.
    assert check_manifest(bad, [key, other.verifier()]).codes() == ["MANIFEST_SIGNATURE_INVALID"]


def test_a_signature_over_another_origin_is_invalid(made: Made) -> None:
    vault, doc, key, _ = made
    from archive.storage.keystore import load_signer

    bad = copy.deepcopy(doc)
    bad["signature"] = sign_manifest("example.org/elsewhere", manifest_digest(bad), load_signer(vault, key.name, None))
    assert _codes(bad, key) == ["MANIFEST_SIGNATURE_INVALID"]


def test_content_with_no_canonical_form_fails_the_signature(made: Made) -> None:
    _, doc, key, _ = made
    bad = copy.deepcopy(doc)
    bad["created_by"] = "lone \ud800 surrogate"
    assert _codes(bad, key) == ["MANIFEST_SIGNATURE_INVALID"]


def test_an_unparseable_signature_is_invalid(made: Made) -> None:
    _, doc, key, _ = made
    bad = copy.deepcopy(doc)
    bad["signature"] = "not a note"
    assert _codes(bad, key) == ["MANIFEST_SIGNATURE_INVALID"]


def test_the_new_codes_are_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "format.md").read_text("utf-8")
    for code in ("MANIFEST_SIGNATURE_MISSING", "MANIFEST_SIGNATURE_INVALID", "MANIFEST_ITEM_DUPLICATE"):
        meaning = CODES[code]
        assert f"| `{code}` | {meaning} |" in doc
        assert doc.count(f"`{code}`") >= 2, f"{code}: no step of §14 says when it is reported"


# ---- Markdown links ---------------------------------------------------------------------------


def _hrefs(markdown: str) -> list[str]:
    hrefs = []
    for token in MarkdownIt("commonmark").parseInline(markdown):
        for child in token.children or []:
            if child.type == "link_open":
                hrefs.append(str(child.attrGet("href")))
    return hrefs


def test_only_http_links_are_rendered_from_csl_records() -> None:
    from archive.evidence.citeproc import render_citations

    # The url field only takes http(s) URLs; the renderer holds the rule for any record it is given.
    records = [
        {"id": "a", "type": "webpage", "title": "[x](javascript:alert(1))", "URL": "javascript:alert(1)"},
        {"id": "b", "type": "webpage", "title": "T", "URL": "data:text/html,<script>alert(1)</script>"},
        {"id": "c", "type": "webpage", "title": "<javascript:alert(2)>", "URL": "https://example.org/a?b=1&c=2"},
    ]
    for record, rendered in zip(records, render_citations(records), strict=True):
        for style in ("apa", "chicago", "mla"):
            shown = rendered[f"{style}_markdown"]
            hrefs = _hrefs(shown)
            assert hrefs == ([record["URL"]] if record["id"] == "c" else []), shown
            assert record["URL"].split(",")[0] in shown.replace("\\", "")  # still there, as text


def test_metadata_cannot_smuggle_links_into_a_manifest(backend: Backend, tmp_path: Path) -> None:
    archive = open_archive(backend.make(tmp_path / "vault"))
    ingest(archive, seed_files()[:1])
    (a,) = archive.item_ids()
    title = "[Read the original](javascript:alert(1)) <javascript:alert(2)>"
    archive.amend(a, {"title": [title], "outlet": ["<data:text/html,x>"]}, [], "r")
    doc = archive.manifest([a])
    with archive.reading() as reader:
        from archive.evidence.manifest import header, manifest_items

        head = header(reader, origin=archive.origin, actor="t", now=archive.ctx.clock(), kind="archive-manifest")
        text = manifest_markdown(head.to_json(), manifest_items(reader, head, [a]))
    archive.close()
    for style in ("apa", "chicago", "mla"):
        assert _hrefs(doc["items"][0]["citations"][style]["markdown"]) == []
    assert _hrefs(text.replace("\n", " ")) == []
    assert "javascript:alert(1)" in text


def test_the_markdown_appendix_disarms_links_from_an_older_manifest() -> None:
    from archive.evidence.markdown import _safe_citation

    text = _safe_citation("*T*. [go](javascript:alert(1)) <javascript:alert(2)> <data:x,y> <https://ok.example/>")
    assert _hrefs(text) == ["https://ok.example/"]


# ---- bounds -----------------------------------------------------------------------------------


def test_a_million_hash_proof_is_refused_for_its_length(made: Made) -> None:
    _, doc, key, _ = made
    bad = copy.deepcopy(doc)
    entry = bad["items"][0]["entries"][0]
    entry["inclusion_proof"] = entry["inclusion_proof"][:1] * 1_000_000
    report = check_manifest(bad, [key])
    assert report.codes() == ["MANIFEST_MALFORMED"]
    limit = max_proof_length(doc["ledger"]["size"])
    assert f"1000000 hashes is longer than the tree of size {doc['ledger']['size']} allows ({limit})" in (
        report.problems[0].message
    )


def test_a_proof_one_hash_too_long_for_its_tree_fails_without_hashing(made: Made) -> None:
    _, doc, key, _ = made
    bad = copy.deepcopy(doc)
    bad["ledger"]["size"] = 2**40  # a claimed tree big enough that the pre-check lets the proof through
    entry = bad["items"][0]["entries"][0]
    entry["inclusion_proof"] = entry["inclusion_proof"] + ["A" * 43 + "="] * 2
    codes = _codes(bad, key)
    assert "MANIFEST_PROOF_INVALID" in codes and "MANIFEST_CHECKPOINT_INVALID" in codes


def test_max_proof_length_is_ceil_log2() -> None:
    assert [max_proof_length(n) for n in (1, 2, 3, 4, 5, 8, 9, 2**53 - 1)] == [0, 1, 2, 2, 3, 3, 4, 53]


def test_huge_integers_and_deep_nesting_are_refused_while_parsing() -> None:
    with pytest.raises(BadInputError, match=f"at most {MAX_NUMBER_CHARS}"):
        parse_document('{"size": ' + "9" * 5000 + "}")
    with pytest.raises(BadInputError, match="nested deeper than 32"):
        parse_document("[" * 33 + "]" * 33)
    with pytest.raises(BadInputError, match="nested deeper than 32"):
        parse_document("[" * 100_000 + "]" * 100_000)
    with pytest.raises(BadInputError, match="duplicated member"):
        parse_document('{"a": 1, "a": 2}')
    assert parse_document("[" * 32 + "]" * 32) is not None


def test_deep_nesting_given_as_a_value_is_malformed(made: Made) -> None:
    _, doc, key, _ = made
    bad = copy.deepcopy(doc)
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    bad["items"][0]["csl"]["note"] = deep
    assert _codes(bad, key) == ["MANIFEST_MALFORMED"]


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("hugeint", '{"format": "archive-manifest", "ledger": {"size": ' + "9" * 5000 + "}}", "at most 20"),
        ("deep", "[" * 50_000 + "]" * 50_000, "nested deeper"),
        ("nan", '{"version": NaN}', "NaN"),
        ("latin1", None, "UTF-8"),
    ],
)
def test_verify_manifest_refuses_bad_files_in_one_line(tmp_path: Path, name: str, text: str | None, says: str) -> None:
    path = tmp_path / f"{name}.json"
    if text is None:
        path.write_bytes(b'{"origin": "\xe9"}')
    else:
        write_text(path, text)
    result = run("verify-manifest", path, "--key", "x+00000000+AAAA")
    assert_one_error_line(result, 3)
    assert says in result.err


def test_verify_manifest_cli_reports_forgery_with_its_code(made: Made, tmp_path: Path) -> None:
    _, doc, key, _ = made
    path = write_text(tmp_path / "forged.json", json.dumps(_forge(doc, "citation")))
    result = run("verify-manifest", path, "--key", str(key), "--json")
    assert result.code == 1
    assert [p["code"] for p in json.loads(result.out)["problems"]] == ["MANIFEST_SIGNATURE_INVALID"]
    good = write_text(tmp_path / "good.json", json.dumps(doc))
    assert run("verify-manifest", good, "--key", str(key)).code == 0


def test_files_are_read_only_when_an_item_has_their_size(made: Made, seeds: Path, tmp_path: Path) -> None:
    _, doc, key, _ = made
    files = tmp_path / "files"
    files.mkdir()
    for seed in seeds.glob("*.txt"):
        (files / seed.name).write_bytes(seed.read_bytes())
    first = doc["items"][0]
    target = files / first["name"]
    target.write_bytes(target.read_bytes() + b"x")  # one byte longer: refused by its size, never hashed
    report = check_manifest(doc, [key], files)
    assert report.codes() == ["MANIFEST_FILE_MISMATCH"]
    assert f"is {first['size'] + 1} bytes, not {first['size']}" in report.problems[0].message


def test_a_huge_integer_in_a_sidecar_is_one_error_line(tmp_path: Path) -> None:
    for name, text in [
        ("meta.json", '{"published": ' + "9" * 5000 + "}"),
        ("meta.yaml", "published: " + "9" * 5000 + "\n"),
        ("big.json", '{"published": ' + "9" * 40 + "}"),
    ]:
        meta = write_text(tmp_path / name, text)
        result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v")
        assert_one_error_line(result, 3)
        assert "number" in result.err
        assert not (tmp_path / "v").exists()


def test_an_exported_proof_is_signed_and_bounded_alike(backend: Backend, tmp_path: Path) -> None:
    vault = backend.make(tmp_path / "v")
    ok("ingest", seed_files()[0], vault=vault)
    item_id = ok("list", "--json", vault=vault).json()[0]["id"]
    key = ok("key", "show", vault=vault).out.strip()
    proof = tmp_path / "proof.json"
    ok("export", "proof", item_id, "-o", proof, vault=vault)
    doc = json.loads(proof.read_text("utf-8"))
    assert doc["format"] == "archive-proof" and doc["signature"]
    assert run("verify-manifest", proof, "--key", key).code == 0
    doc["items"][0]["citations"]["chicago"]["text"] = "FORGED"
    write_text(proof, json.dumps(doc))
    result = run("verify-manifest", proof, "--key", key, "--json")
    assert result.code == 1 and [p["code"] for p in result.json()["problems"]] == ["MANIFEST_SIGNATURE_INVALID"]
    doc["items"][0]["entries"][0]["inclusion_proof"] *= 100_000
    write_text(proof, json.dumps(doc))
    result = run("verify-manifest", proof, "--key", key, "--json")
    assert result.code == 1
    (problem,) = result.json()["problems"]
    assert problem["code"] == "MANIFEST_MALFORMED" and "longer than the tree of size" in problem["message"]


def test_a_manifest_from_before_signatures_is_told_its_citations_are_unproven(tmp_path: Path) -> None:
    from lib import fixed_key

    v1 = Path(__file__).resolve().parent / "data" / "v1" / "manifest.json"
    key = str(VerifierKey.from_public_key("example.org/v1", fixed_key().public_key()))
    result = run("verify-manifest", v1, "--key", key, "--json", cwd=tmp_path)
    assert result.code == 1
    assert json.loads(v1.read_text("utf-8"))["version"] == 1
    assert [p["code"] for p in result.json()["problems"]] == ["MANIFEST_SIGNATURE_MISSING"]
    assert "archive manifest" in result.json()["problems"][0]["message"]  # says how to make a new one
