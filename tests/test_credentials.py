"""C2PA Content Credentials: archive.extract.credentials over files signed with c2pa-python's own
signing API (tests/c2pa_files.py), the image extractor and the `credentials` extractor that use it,
a real `archive ingest` and `archive show` (extraction in the sandbox), and the sentence
archive.evidence.credentials.describe makes of what was recorded.
"""

from __future__ import annotations

import datetime
import json
import os
import select
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from c2pa_files import (
    CREATED_WHEN,
    INGREDIENT_TITLE,
    PHOTOGRAPHER,
    SIGNER_ORGANISATION,
    Pki,
    app11_range,
    cut_manifest,
    make_pki,
    manifest,
    picture,
    sign,
    tamper_pixels,
    wav,
)
from helpers import ok
from tsa_server import make_pki as make_tsa_pki

from archive.evidence.credentials import describe
from archive.extract import credentials, image
from archive.extract.api import Document, Fact, Note
from archive.extract.dispatch import run as dispatch
from archive.extract.identify import identify
from archive.extract.registry import for_media_type

TSA_SERVER = Path(__file__).resolve().parent / "tsa_server.py"
C2PA_FIELDS = {
    "signature_status",
    "signature_problem",
    "signed_by",
    "signed_at",
    "generator",
    "action",
    "ingredient",
    "credit",
    "created",
}


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="module")
def tsa_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real RFC 3161 TSA (tests/tsa_server.py) on 127.0.0.1, stopped by its pid."""
    where = make_tsa_pki(tmp_path_factory.mktemp("tsa") / "pki")
    proc = subprocess.Popen([sys.executable, str(TSA_SERVER), str(where), "ok"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "the TSA did not start"
        line = proc.stdout.readline()
        assert line.startswith("port "), line
        yield f"http://127.0.0.1:{int(line.split()[1])}/tsa"
    finally:
        proc.kill()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def signed(
    tmp_path_factory: pytest.TempPathFactory, pki: Pki, tsa_url: str
) -> tuple[Path, datetime.datetime, datetime.datetime]:
    """A JPEG made by Pillow and signed (time-stamped) by c2pa-python, with an ingredient; and the
    clock readings before and after signing."""
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    data = sign(picture("JPEG"), "image/jpeg", pki, tsa_url=tsa_url, ingredient=picture("JPEG", (10, 120, 40)))
    after = datetime.datetime.now(datetime.UTC)
    path = tmp_path_factory.mktemp("signed") / "signed.jpg"
    path.write_bytes(data)
    return path, before, after


def _by_field(facts: tuple[Fact, ...]) -> dict[str, list[Fact]]:
    found: dict[str, list[Fact]] = {}
    for fact in facts:
        found.setdefault(fact.field, []).append(fact)
    return found


def _codes(facts: tuple[Fact, ...]) -> set[str]:
    return {str(f.value).split(":", 1)[0] for f in facts if f.field == "signature_problem"}


def _one(found: dict[str, list[Fact]], field: str) -> Any:
    assert len(found.get(field, [])) == 1, found.get(field)
    return found[field][0].value


def test_a_signed_jpeg_gives_what_its_credential_claims(signed: tuple[Path, Any, Any]) -> None:
    path, before, after = signed
    facts, notes = credentials.read(path, "image/jpeg")
    assert notes == ()
    found = _by_field(facts)
    assert set(found) == C2PA_FIELDS
    # No trust list was given: intact, signed, but by no one this reader trusts.
    assert _one(found, "signature_status") == "valid"
    assert _codes(facts) == {"signingCredential.untrusted"}
    assert _one(found, "signed_by") == SIGNER_ORGANISATION
    assert _one(found, "generator") == "Example Editor 2.1"
    signed_at = datetime.datetime.fromisoformat(_one(found, "signed_at"))
    assert signed_at.tzinfo is not None
    assert before - datetime.timedelta(seconds=2) <= signed_at <= after + datetime.timedelta(seconds=2)
    actions = [f.value for f in found["action"]]
    assert actions == [
        f"c2pa.created (Example Camera 1.0; {CREATED_WHEN}; source: digitalCapture)",
        "c2pa.cropped (Example Editor 2.1)",
    ]
    assert _one(found, "created") == CREATED_WHEN
    assert [f.value for f in found["ingredient"]] == [INGREDIENT_TITLE]
    assert _one(found, "credit") == {"photographer": PHOTOGRAPHER}
    for fact in facts:
        assert fact.key is not None and fact.key.startswith("c2pa:")
        assert fact.evidence and fact.start is None and fact.end is None
    # The evidence is the value as c2pa reports it, under the key named.
    assert found["signed_by"][0].key == "c2pa:signature_info.issuer"
    assert found["signature_status"][0].evidence == "Valid"


def test_a_signer_under_a_given_trust_anchor_is_trusted(signed: tuple[Path, Any, Any], pki: Pki) -> None:
    facts, notes = credentials.read(signed[0], "image/jpeg", trust_anchors=pki.ca_pem)
    assert notes == ()
    assert _one(_by_field(facts), "signature_status") == "trusted"
    assert _codes(facts) == set()
    # Another CA's root does not make it trusted.
    stranger = make_pki("Someone Else")
    facts, _ = credentials.read(signed[0], "image/jpeg", trust_anchors=stranger.ca_pem)
    assert _one(_by_field(facts), "signature_status") == "valid"


def test_a_signed_png_is_read_too(tmp_path: Path, pki: Pki) -> None:
    path = tmp_path / "signed.png"
    path.write_bytes(sign(picture("PNG"), "image/png", pki))
    facts, notes = credentials.read(path, "image/png")
    found = _by_field(facts)
    assert notes == ()
    assert _one(found, "signature_status") == "valid"
    assert _one(found, "signed_by") == SIGNER_ORGANISATION
    assert [str(f.value).split(" (")[0] for f in found["action"]] == ["c2pa.created", "c2pa.cropped"]
    assert "signed_at" not in found  # not time-stamped: a credential without a TSA has no signing time
    assert "ingredient" not in found


def test_pixels_changed_after_signing_are_invalid_with_the_hash_mismatch(
    signed: tuple[Path, Any, Any], tmp_path: Path
) -> None:
    path = tmp_path / "tampered.jpg"
    path.write_bytes(tamper_pixels(signed[0].read_bytes()))
    facts, notes = credentials.read(path, "image/jpeg")
    assert notes == ()
    found = _by_field(facts)
    assert _one(found, "signature_status") == "invalid"
    assert "assertion.dataHash.mismatch" in _codes(facts)
    # What the credential claims is still recorded, beside the verdict.
    assert _one(found, "signed_by") == SIGNER_ORGANISATION


def test_a_photo_without_credentials_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plain.jpg"
    path.write_bytes(picture("JPEG"))
    assert credentials.read(path, "image/jpeg") == ((), ())
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(picture("JPEG", size=(300, 200))[:900])
    assert credentials.read(truncated, "image/jpeg") == ((), ())


def _never_valid(path: Path, media_type: str) -> tuple[tuple[Fact, ...], tuple[Note, ...]]:
    facts, notes = credentials.read(path, media_type)  # raising fails the test
    statuses = [f.value for f in facts if f.field == "signature_status"]
    assert statuses in ([], ["invalid"]), statuses
    if statuses:
        assert _codes(facts), "an invalid credential says why"
    return facts, notes


def test_a_truncated_manifest_never_raises_and_is_never_valid(signed: tuple[Path, Any, Any], tmp_path: Path) -> None:
    data = signed[0].read_bytes()
    start, end = app11_range(data)
    path = tmp_path / "cut.jpg"
    # So short that not even the store's "c2pa" label is left: nothing says it was a credential.
    for keep in (0, 1, 8, 16):
        path.write_bytes(cut_manifest(data, keep))
        _never_valid(path, "image/jpeg")
    # A store cut inside its boxes, the JPEG around it well-formed: invalid, with the reason.
    for keep in (40, 100, 500, 2000, (end - start) // 2, end - start - 10):
        path.write_bytes(cut_manifest(data, keep))
        facts, notes = _never_valid(path, "image/jpeg")
        assert [f.value for f in facts if f.field == "signature_status"] == ["invalid"], keep
    # The whole file cut short inside the store: a JPEG c2pa cannot parse, noted.
    for cut in (start + 40, (start + end) // 2, end - 1):
        path.write_bytes(data[:cut])
        facts, notes = _never_valid(path, "image/jpeg")
        assert facts == ()
        assert [n.note for n in notes] == ["content credentials not read"]


def test_a_damaged_store_is_invalid_with_a_code(signed: tuple[Path, Any, Any], tmp_path: Path) -> None:
    data = bytearray(signed[0].read_bytes())
    start, _ = app11_range(bytes(data))
    for i in range(start + 200, start + 260):
        data[i] ^= 0x55
    path = tmp_path / "damaged.jpg"
    path.write_bytes(bytes(data))
    facts, notes = _never_valid(path, "image/jpeg")
    assert notes == ()
    assert _codes(facts) == {"general.error"}


def test_what_is_not_a_regular_file_is_noted_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.jpg"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path, tmp_path / "missing.jpg"):
        facts, notes = credentials.read(path, "image/jpeg")
        assert facts == ()
        assert [n.note for n in notes] == ["content credentials not read"]


# Reads a file's credentials under an address-space limit of the process's size now plus MiB given.
_LIMITED = """
import json, resource, sys
from pathlib import Path
from archive.extract import credentials
credentials.read(Path(sys.argv[1]), "image/png")  # c2pa loaded and warm before the limit
size = int(dict(line.split(":", 1) for line in open("/proc/self/status"))["VmSize"].split()[0]) << 10
limit = size + (int(sys.argv[2]) << 20)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
facts, notes = credentials.read(Path(sys.argv[1]), "audio/x-wav")
print(json.dumps({"facts": [f.field for f in facts], "notes": [n.note for n in notes]}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads its size from /proc")
def test_a_file_too_large_for_the_memory_limit_is_noted_not_read(tmp_path: Path, pki: Pki) -> None:
    # c2pa holds a WAV's whole data chunk in memory and aborts the process when it cannot: the
    # reader gives such a file to c2pa only when half the address-space limit holds it.
    path = tmp_path / "long.wav"
    path.write_bytes(sign(wav(48 << 20), "audio/wav", pki))
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(path), "24"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == {"facts": [], "notes": ["content credentials not read"]}
    plain = tmp_path / "plain.wav"
    plain.write_bytes(wav(48 << 20))
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(plain), "24"], capture_output=True, text=True, timeout=120, check=False
    )
    assert json.loads(done.stdout) == {"facts": [], "notes": []}  # no store: nothing to say


class _Counter(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_remote_manifest_is_noted_and_not_fetched(tmp_path: Path, pki: Pki) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/manifest.c2pa"
        path = tmp_path / "remote.jpg"
        path.write_bytes(sign(picture("JPEG"), "image/jpeg", pki, remote_url=url))
        facts, notes = credentials.read(path, "image/jpeg")
    finally:
        server.shutdown()
        server.server_close()
    assert facts == ()
    assert [n.note for n in notes] == ["content credentials not fetched"]
    assert url in notes[0].reason
    assert _Counter.hits == []


# ---------------------------------------------------------------------------------------
# The extractors
# ---------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("exiftool") is None and not os.environ.get("CI"), reason="exiftool is not installed")
def test_the_image_extractor_joins_credentials_to_exiftool(tmp_path: Path, pki: Pki) -> None:
    plain = tmp_path / "plain.jpg"
    plain.write_bytes(picture("JPEG"))
    # An editor writes the photographer into XMP and the credential alike: one credit results.
    subprocess.run(
        [
            "exiftool",
            "-q",
            "-overwrite_original",
            f"-XMP-dc:Creator={PHOTOGRAPHER}",
            "-XMP-photoshop:Credit=AFP",
            plain,
        ],
        check=True,
        timeout=60,
    )
    path = tmp_path / "signed.jpg"
    path.write_bytes(sign(plain.read_bytes(), "image/jpeg", pki))
    result = image.extract(path)
    assert (result.name, result.version) == ("image", "1.2.0")
    found = _by_field(result.facts)
    assert _one(found, "credit") == {"photographer": PHOTOGRAPHER, "agency": "AFP"}
    assert found["credit"][0].key == "XMP-dc:Creator"
    assert _one(found, "signature_status") == "valid"
    assert _one(found, "created") == CREATED_WHEN
    assert len(found["action"]) == 2
    # Another photographer in the credential than in XMP: both are recorded, for a reader to weigh.
    other = tmp_path / "other.jpg"
    other.write_bytes(sign(plain.read_bytes(), "image/jpeg", pki, definition=manifest(author="Someone Else")))
    credits = [f.value for f in image.extract(other).facts if f.field == "credit"]
    assert sorted(c["photographer"] for c in credits if isinstance(c, dict)) == [PHOTOGRAPHER, "Someone Else"]


@pytest.mark.parametrize(
    ("kind", "c2pa_type"),
    [("AVIF", "image/avif"), ("WAV", "audio/wav")],
)
def test_the_credentials_extractor_reads_what_no_other_extractor_does(
    tmp_path: Path, pki: Pki, kind: str, c2pa_type: str
) -> None:
    asset = wav() if kind == "WAV" else picture(kind)
    path = tmp_path / f"signed.{kind.lower()}"
    path.write_bytes(sign(asset, c2pa_type, pki))
    found = identify(path.read_bytes(), path.name)  # the media type as ingest names it (libmagic's)
    registration = for_media_type(found.media_type)
    assert registration is not None and registration.name == "credentials", found.media_type
    result = dispatch(Document(path, found.media_type, found.charset, path.stat().st_size))
    assert (result.name, result.version) == ("credentials", "1.0.0")
    assert result.notes == ()
    values = _by_field(result.facts)
    assert _one(values, "signature_status") == "valid"
    assert _one(values, "signed_by") == SIGNER_ORGANISATION
    assert _one(values, "credit") == {"photographer": PHOTOGRAPHER}


def test_the_credentials_extractor_gives_nothing_for_an_unsigned_file(tmp_path: Path) -> None:
    path = tmp_path / "plain.avif"
    path.write_bytes(picture("AVIF"))
    result = dispatch(Document(path, "image/avif", None, path.stat().st_size))
    assert (result.facts, result.notes) == ((), ())


# ---------------------------------------------------------------------------------------
# Through the CLI: ingest runs the extractors in the sandbox
# ---------------------------------------------------------------------------------------


def _ingest_and_show(vault: Path, path: Path) -> dict[str, Any]:
    item = ok("ingest", path, "--json", vault=vault).json()["items"][0]["item"]
    shown: dict[str, Any] = ok("show", item, "--json", vault=vault).json()
    return shown


def test_ingest_and_show_record_the_credential(signed: tuple[Path, Any, Any], tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    ok("init", vault=vault)
    shown = _ingest_and_show(vault, signed[0])
    current = shown["metadata"]["current"]
    assert current["signature_status"] == "valid"
    assert current["signed_by"] == SIGNER_ORGANISATION
    assert current["ingredient"] == [INGREDIENT_TITLE]
    assert [a.split(" (")[0] for a in current["action"]] == ["c2pa.created", "c2pa.cropped"]
    assert current["created"] == CREATED_WHEN
    claims = [c for c in shown["metadata"]["claims"] if c["field"] == "signature_status"]
    assert [(c["extractor"]["name"], c["extractor"]["version"], c["key"]) for c in claims] == [
        ("image", "1.2.0", "c2pa:validation_state")
    ]
    sentence = describe(current)
    assert sentence is not None
    assert sentence.startswith(f"Content Credentials: valid, signed by {SIGNER_ORGANISATION} at {current['signed_at']}")
    assert "with Example Editor 2.1; captured; edits: cropped; ingredients: IMG_0001.jpg." in sentence
    assert "untrusted" not in sentence  # "valid" already says the signer is on no trust list
    human = ok("show", shown["id"], vault=vault).out
    for shown_line in ("signature_status", "signed_by", SIGNER_ORGANISATION, "c2pa.cropped", INGREDIENT_TITLE):
        assert shown_line in human
    assert sentence in " ".join(human.split())  # `show` states it plainly
    appendix = tmp_path / "appendix.md"
    ok("manifest", shown["id"], "--format", "md", "-o", appendix, vault=vault)
    assert sentence in appendix.read_text(encoding="utf-8").replace("\\", "")  # and so does the manifest

    tampered = tmp_path / "tampered.jpg"
    tampered.write_bytes(tamper_pixels(signed[0].read_bytes()))
    current = _ingest_and_show(vault, tampered)["metadata"]["current"]
    assert current["signature_status"] == "invalid"
    sentence = describe(current)
    assert sentence is not None and sentence.startswith("Content Credentials: invalid (assertion.dataHash.mismatch: ")


# ---------------------------------------------------------------------------------------
# The sentence
# ---------------------------------------------------------------------------------------


def test_describe_says_nothing_without_a_credential() -> None:
    assert describe({}) is None
    assert describe({"title": "A photo", "credit": [{"photographer": PHOTOGRAPHER}]}) is None


def test_describe_names_the_origin_and_every_edit_once() -> None:
    current = {
        "signature_status": "trusted",
        "generator": "Example Editor 2.1",
        "action": [
            "c2pa.created (Example Generator; source: trainedAlgorithmicMedia)",
            "c2pa.color_adjustments (Example Editor 2.1)",
            "c2pa.cropped",
            "c2pa.cropped (Example Editor 2.1)",
            "com.example.sharpened",
        ],
    }
    assert describe(current) == (
        "Content Credentials: trusted, made with Example Editor 2.1; generated by AI; "
        "edits: colour adjusted, cropped, com.example.sharpened."
    )


def test_describe_lists_problems_other_than_the_signer_being_untrusted() -> None:
    current = {
        "signature_status": "valid",
        "signature_problem": ["signingCredential.untrusted: signing certificate untrusted", "timeStamp.mismatch: x"],
    }
    assert describe(current) == "Content Credentials: valid; problems: timeStamp.mismatch: x."
