"""Which extractor reads which media type: a static table, read without importing any extractor.

As pygments keeps its lexers' names and MIME types in `pygments/lexers/_mapping.py`, so that a
lookup imports only the lexer it needs, each row here names an extractor, its version, the module
that defines it (as `EXTRACTOR`) and the media types it reads. A new extractor is a new module and
one row; `tests/test_extract_registry.py` checks that every row agrees with its module.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

from archive.errors import ArchiveError
from archive.extract.api import Extractor


class RegistrationError(ArchiveError):
    """An extractor module does not define what its registration says (a bug)."""


@dataclass(frozen=True)
class Registration:
    """One extractor: its name and version, the module that defines it (as `attribute`), the media
    types it reads."""

    name: str
    version: str
    module: str
    media_types: frozenset[str]
    attribute: str = "EXTRACTOR"


REGISTRATIONS: tuple[Registration, ...] = (
    Registration("plaintext", "1.10.0", "archive.extract.plaintext", frozenset({"text/plain"})),
    Registration("html", "1.11.0", "archive.extract.html", frozenset({"text/html", "application/xhtml+xml"})),
    Registration("pdf", "1.9.0", "archive.extract.pdf", frozenset({"application/pdf"})),
    Registration(
        "image", "1.2.0", "archive.extract.image", frozenset({"image/jpeg", "image/png", "image/tiff", "image/webp"})
    ),
    Registration(
        "credentials",
        "1.0.0",
        "archive.extract.credentials",
        frozenset(
            {
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
            }
        ),
    ),
)


class Registry:
    """A table of registrations, looked up by media type; building it refuses a media type
    registered twice."""

    def __init__(self, registrations: tuple[Registration, ...]) -> None:
        self.registrations = registrations
        self._by_media_type: dict[str, Registration] = {}
        for registration in registrations:
            for media_type in registration.media_types:
                if media_type in self._by_media_type:
                    both = f"{self._by_media_type[media_type].name} and {registration.name}"
                    raise RegistrationError(f"{media_type} is registered for both {both}")
                self._by_media_type[media_type] = registration

    def for_media_type(self, media_type: str) -> Registration | None:
        """The extractor that reads a media type ('text/html', case and parameters ignored), or None."""
        return self._by_media_type.get(media_type.split(";", 1)[0].strip().lower())


REGISTRY = Registry(REGISTRATIONS)


def for_media_type(media_type: str) -> Registration | None:
    """The registered extractor that reads a media type, or None (see `Registry.for_media_type`)."""
    return REGISTRY.for_media_type(media_type)


@functools.cache
def load(registration: Registration) -> Extractor:
    """The registered extractor: imports its module and returns its EXTRACTOR.

    Raises RegistrationError if the module defines no extractor, or one whose name, version or
    media types are not the registration's.
    """
    module = importlib.import_module(registration.module)
    where = f"{registration.module}.{registration.attribute}"
    extractor = getattr(module, registration.attribute, None)
    if not isinstance(extractor, Extractor):
        raise RegistrationError(f"{where} is not an extractor")
    declared = (extractor.name, extractor.version, extractor.media_types)
    if declared != (registration.name, registration.version, registration.media_types):
        raise RegistrationError(f"{where} declares {declared}, registered as {registration}")
    return extractor
