"""archive.extract.registry: the static table agrees with the extractor modules, and is read without them.

Like pygments' test of its lexer mapping: every row's name, version and media types are what the
module's EXTRACTOR declares, so a version bump in a module without its row (or the reverse) fails
here rather than recording the wrong version at ingest.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from archive.extract.api import Extractor
from archive.extract.registry import REGISTRATIONS, Registration, RegistrationError, Registry, for_media_type, load

# The media types each extractor is meant to read (the brief of the registry), written out here
# so that a row that loses one fails.
EXPECTED = {
    "plaintext": {"text/plain"},
    "html": {"text/html", "application/xhtml+xml"},
    "pdf": {"application/pdf"},
    "image": {"image/jpeg", "image/png", "image/tiff", "image/webp"},
    # Content Credentials alone, in the types c2pa-python reads that nothing above does.
    "credentials": {
        "video/mp4",
        "video/quicktime",
        "video/x-m4v",
        "video/x-msvideo",
        "audio/mpeg",
        "audio/mp4",
        "audio/x-m4a",
        "audio/x-wav",
        "audio/flac",
        "image/avif",
        "image/heic",
        "image/heif",
        "image/jxl",
        "image/svg+xml",
    },
}


@pytest.mark.parametrize("registration", REGISTRATIONS, ids=lambda r: r.name)
def test_row_agrees_with_its_module(registration: Registration) -> None:
    module = importlib.import_module(registration.module)
    extractor = module.EXTRACTOR
    assert isinstance(extractor, Extractor)
    assert extractor.name == registration.name == module.NAME
    assert extractor.version == registration.version == module.VERSION
    assert extractor.media_types == registration.media_types
    assert extractor.max_bytes > 0
    assert load(registration) is extractor


def test_table_covers_the_media_types_read_today() -> None:
    assert {r.name: set(r.media_types) for r in REGISTRATIONS} == EXPECTED


@pytest.mark.parametrize(
    ("media_type", "name"),
    [
        ("text/plain", "plaintext"),
        ("text/html", "html"),
        ("application/xhtml+xml", "html"),
        ("Text/HTML; charset=windows-1251", "html"),
        ("application/pdf", "pdf"),
        ("image/webp", "image"),
        ("image/gif", None),
        ("video/mp4", "credentials"),
        ("image/bmp", None),
        ("application/octet-stream", None),
        ("", None),
    ],
)
def test_for_media_type(media_type: str, name: str | None) -> None:
    found = for_media_type(media_type)
    assert (found.name if found else None) == name


def test_reading_the_table_imports_no_extractor() -> None:
    # The parent process looks media types up; only the worker that runs one should import it.
    code = (
        "import json, sys\n"
        "from archive.extract import registry\n"
        "assert registry.for_media_type('text/html') is not None\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    loaded = set(json.loads(done.stdout))
    assert not loaded & {r.module for r in REGISTRATIONS}
    assert not loaded & {"lxml", "pypdf", "trafilatura", "extruct", "htmldate", "c2pa"}


def test_a_media_type_registered_twice_is_refused() -> None:
    rows = (
        Registration("one", "1", "archive.extract.plaintext", frozenset({"text/plain"})),
        Registration("two", "1", "archive.extract.html", frozenset({"text/html", "text/plain"})),
    )
    with pytest.raises(RegistrationError):
        Registry(rows)


def test_a_row_that_disagrees_with_its_module_is_refused_on_load() -> None:
    wrong_version = Registration("plaintext", "0.0.1", "archive.extract.plaintext", frozenset({"text/plain"}))
    with pytest.raises(RegistrationError):
        load(wrong_version)
    no_extractor = Registration("errors", "1", "archive.errors", frozenset({"text/x-none"}))
    with pytest.raises(RegistrationError):
        load(no_extractor)
