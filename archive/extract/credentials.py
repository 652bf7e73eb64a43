"""Read a file's C2PA Content Credentials (its manifest store) with c2pa-python, and say what the
active manifest claims and whether its signature holds.

`read(path, media_type)` gives facts keyed by where in c2pa's report they were found
("c2pa:claim_generator_info[0]", "c2pa:signature_info.issuer",
"c2pa:assertions.c2pa.actions.v2[1]", "c2pa:validation_status[0]"), with the value as found there
as evidence:

* generator: the claim generator ("Adobe Photoshop 25.0"); signed_by: the signing certificate's
  subject organisation (c2pa's `issuer`), else its common name; signed_at: the signature's
  time-stamp (only a time-stamped signature has one);
* signature_status: c2pa's validation state, lower-cased (`trusted`: valid and issued under a
  trust anchor; `valid`: well-formed and intact, its signer on no trust list this reader was given;
  `invalid`), and signature_problem: one per failure c2pa reports, "code: explanation";
* action: one per action, "c2pa.cropped (Adobe Photoshop 25.0)", with its time and digital source
  type where stated; ingredient: one per ingredient, its title; credit: the CreativeWork
  assertion's authors (persons as photographer, organisations as agency); created: a
  c2pa.created action's time.

A file with no manifest store gives nothing: most photos have none. A store c2pa finds but cannot
read or validate is `invalid` with the error as a `general.error` problem (the C2PA code for an
error no other code names); a file holding a store that c2pa cannot parse at all, whose manifest
lives at a remote URL, or that is too large for c2pa within the process's memory limit, is a note,
as is a check c2pa could not finish (an OS error while hashing is not a mismatch). Nothing here
raises on bad input, and nothing is fetched over the network (a remote manifest, OCSP): extraction
runs offline in the sandbox.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from archive.extract.api import Document, Fact, FunctionExtractor, Note, Result

NAME = "credentials"
VERSION = "1.0.0"
# The types c2pa-python 0.38 reads that no other extractor does, by the names libmagic gives them
# (the image extractor reads JPEG, PNG, TIFF and WebP credentials itself; PDF is left to `pdf`).
MEDIA_TYPES = frozenset(
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
)
# libmagic's names that c2pa spells otherwise.
_C2PA_FORMAT = {"audio/x-m4a": "audio/mp4"}
# Declared as large as the image extractor's: what bounds c2pa's memory is `_size_bound` (under the
# sandbox's address-space limit), and the sandbox bounds its time.
MAX_BYTES = 1 << 40

MAX_FACTS = 100  # of each repeatable field: more actions or ingredients than this are noted, not kept
MAX_CHARS = 1000  # of one value or its evidence
MAX_JSON = 16 << 20  # c2pa's report of one store; more is not a report this reader takes
# A JUMBF description box ("jumd") of the C2PA manifest-store type (UUID 63327061-...: "c2pa"), and
# how far into a file c2pa cannot parse it is looked for.
STORE_LABEL = b"jumdc2pa"
SCAN_BYTES = 256 << 20

# Network access stays off: a remote manifest or an OCSP answer would be fetched from inside the
# sandbox, telling a third party which file is being examined, and could hang.
_SETTINGS: dict[str, Any] = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
# c2pa's error kinds that mean a manifest store was found but could not be read or validated.
_BROKEN_STORE = frozenset(
    {
        "Assertion",
        "AssertionNotFound",
        "Decoding",
        "Encoding",
        "Json",
        "Manifest",
        "ResourceNotFound",
        "Signature",
        "Verify",
    }
)
_NOT_FOUND = frozenset({"ManifestNotFound", "JumbfNotFound"})
_REMOTE = frozenset({"Remote", "RemoteManifest"})
_STATES = {"Trusted": "trusted", "Valid": "valid", "Invalid": "invalid"}
_OS_ERROR = re.compile(r"\(os error \d+\)")
_SOURCE_TYPE_PREFIX = "http://cv.iptc.org/newscodes/digitalsourcetype/"
_NO_FACTS: tuple[tuple[Fact, ...], tuple[Note, ...]] = ((), ())


def read(path: Path, media_type: str, *, trust_anchors: str | None = None) -> tuple[tuple[Fact, ...], tuple[Note, ...]]:
    """What the Content Credentials in the file at `path` (of `media_type`) claim, and whether they
    hold; never raises on bad input.

    `trust_anchors` is a PEM bundle of the roots whose signers are `trusted`; without it no signer
    is (c2pa then says `valid` of an intact credential).
    """
    try:
        report = _report(path, media_type, trust_anchors)
    except _UnreadError as exc:
        return exc.answer
    except Exception as exc:  # the library's own failures (a bug, a missing binding) are a note
        return (), (Note("content credentials not read", _cut(f"{type(exc).__name__}: {exc}")),)
    if report is None:
        return _NO_FACTS
    try:
        return _facts(report)
    except Exception as exc:  # a report of an unexpected shape: what it holds is not guessed at
        return (), (Note("content credentials not read", _cut(f"c2pa's report: {type(exc).__name__}: {exc}")),)


class _UnreadError(Exception):
    """The answer for a file whose credentials c2pa could not give a report of."""

    def __init__(self, answer: tuple[tuple[Fact, ...], tuple[Note, ...]]) -> None:
        super().__init__()
        self.answer = answer

    @classmethod
    def noted(cls, reason: str, note: str = "content credentials not read") -> _UnreadError:
        return cls(((), (Note(note, _cut(reason)),)))


def _report(path: Path, media_type: str, trust_anchors: str | None) -> dict[str, Any] | None:
    """c2pa's report of the store (its `Reader.json()`), or None when the file has none."""
    # O_NONBLOCK: a FIFO would otherwise block the open; the type is checked on the open file.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _UnreadError.noted(f"cannot open the file: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        file = open(fd, "rb") if stat.S_ISREG(info.st_mode) else None  # noqa: SIM115 (closed by the with below)
    except BaseException:
        os.close(fd)
        raise
    if file is None:
        os.close(fd)
        raise _UnreadError.noted("not a regular file")
    with file:
        bound = _size_bound()
        if bound is not None and info.st_size > bound:
            if _holds_store_label(file):
                raise _UnreadError.noted(f"{info.st_size} bytes: more than c2pa can check within this process's memory")
            return None
        import c2pa  # lazily: loaded only where a file is read

        media = media_type.split(";", 1)[0].strip().lower()
        try:
            with c2pa.Reader(_C2PA_FORMAT.get(media, media), file, None, _context(trust_anchors)) as reader:
                text = reader.json()
        except c2pa.C2paError as exc:
            _failed(str(exc), file)
            return None
    if len(text) > MAX_JSON:
        raise _UnreadError.noted(f"c2pa's report is over {MAX_JSON} characters")
    report = json.loads(text)
    if not isinstance(report, dict):
        raise TypeError("the report is not an object")
    return report


def _size_bound() -> int | None:
    """The largest file c2pa is given under this process's address-space limit, if it has one.

    c2pa holds as much as the whole file in memory while it hashes some formats (1.5 times a WAV's
    size, measured), and aborts the process, not raises, when an allocation fails: in the sandbox that
    would lose the ExifTool facts of the same photo too. Half the limit leaves room for the rest.
    """
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft // 2


_CONTEXTS: dict[str | None, Any] = {}


def _context(trust_anchors: str | None) -> Any:
    """One c2pa Context per trust list: its settings are parsed once per worker."""
    context = _CONTEXTS.get(trust_anchors)
    if context is None:
        import c2pa

        settings: dict[str, Any] = dict(_SETTINGS)
        if trust_anchors is not None:
            settings["trust"] = {"trust_anchors": trust_anchors}
        context = _CONTEXTS[trust_anchors] = c2pa.Context(c2pa.Settings.from_dict(settings))
    return context


def _failed(message: str, file: BinaryIO) -> None:
    """Sort c2pa's error ("Kind: message"): no store (returns), a broken store (invalid) or a note (raises)."""
    kind = message.split(":", 1)[0].split(" ", 1)[0].strip()
    if kind in _NOT_FOUND:
        return None
    if kind in _REMOTE:
        reason = f"the file points at a manifest elsewhere, not fetched: {message}"
        raise _UnreadError.noted(reason, "content credentials not fetched")
    if kind in _BROKEN_STORE:
        found = _cut(message)
        status = Fact("signature_status", "invalid", "c2pa-validation", found, key="c2pa:error")
        problem = Fact("signature_problem", _cut(f"general.error: {message}"), "c2pa-failure", found, key="c2pa:error")
        raise _UnreadError(((status, problem), ()))
    # c2pa could not parse the file at all: a damaged photo says nothing of credentials unless it
    # holds a manifest store's label (most damaged photos never had one).
    if _holds_store_label(file):
        raise _UnreadError.noted(f"c2pa: {message}")
    return None


def _holds_store_label(file: BinaryIO) -> bool:
    """Whether the first SCAN_BYTES of the file hold the JUMBF description of a C2PA manifest store."""
    file.seek(0)
    tail, read = b"", 0
    while read < SCAN_BYTES:
        chunk = file.read(min(1 << 20, SCAN_BYTES - read))
        if not chunk:
            return False
        if STORE_LABEL in tail + chunk:
            return True
        tail, read = chunk[-(len(STORE_LABEL) - 1) :], read + len(chunk)
    return False


# ---------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------


def _facts(report: Mapping[str, Any]) -> tuple[tuple[Fact, ...], tuple[Note, ...]]:
    facts: list[Fact] = []
    notes: list[Note] = []
    manifests = report.get("manifests")
    label = report.get("active_manifest")
    manifest = manifests.get(label) if isinstance(manifests, Mapping) and isinstance(label, str) else None
    state = report.get("validation_state")
    status = _STATES.get(state) if isinstance(state, str) else None
    problems = list(_problems(report))
    # c2pa reports a check it could not finish for want of memory or a thread (an OS error while
    # hashing, as under the sandbox's limits) as a failed check: that says nothing of the file.
    unfinished = [p for p in problems if _OS_ERROR.search(str(p.value))]
    if unfinished:
        reason = f"c2pa could not finish checking the file: {unfinished[0].value}"
        notes.append(Note("content credentials not validated", _cut(reason)))
        status, problems = None, [p for p in problems if p not in unfinished]
    elif status is None:
        notes.append(Note("content credentials not validated", _cut(f"c2pa's validation state: {state!r}")))
    if status is not None:
        facts.append(Fact("signature_status", status, "c2pa-validation", str(state), key="c2pa:validation_state"))
    facts.extend(_bounded(problems, "signature_problem", notes))
    if not isinstance(manifest, Mapping):
        notes.append(Note("content credentials incomplete", "the manifest store names no active manifest"))
        return tuple(facts), tuple(notes)
    for fact in (_generator(manifest), *_signature(manifest)):
        if fact is not None:
            facts.append(fact)
    actions = list(_actions(manifest))
    facts.extend(_bounded((fact for fact, _ in actions), "action", notes))
    created = next((when for _, when in actions if when is not None), None)
    if created is not None:
        facts.append(created)
    facts.extend(_bounded(_ingredients(manifest), "ingredient", notes))
    credit = _credit(manifest)
    if credit is not None:
        facts.append(credit)
    return tuple(facts), tuple(notes)


def _bounded(facts: Iterable[Fact], field: str, notes: list[Note]) -> list[Fact]:
    kept: list[Fact] = []
    for fact in facts:
        if len(kept) == MAX_FACTS:
            notes.append(Note(f"{field} not all kept", f"more than {MAX_FACTS}: the first {MAX_FACTS} are kept"))
            break
        kept.append(fact)
    return kept


def _problems(report: Mapping[str, Any]) -> Iterator[Fact]:
    """One fact per failure c2pa lists for the store (its `validation_status`), "code: explanation"."""
    seen: set[str] = set()
    for i, entry in enumerate(_list(report.get("validation_status"))):
        code, explanation = _str(_get(entry, "code")), _str(_get(entry, "explanation"))
        if not code:
            continue
        value = _cut(f"{code}: {explanation}" if explanation else code)
        if value not in seen:
            seen.add(value)
            yield Fact("signature_problem", value, "c2pa-failure", value, key=f"c2pa:validation_status[{i}]")


def _generator(manifest: Mapping[str, Any]) -> Fact | None:
    info = _list(manifest.get("claim_generator_info"))
    if info and isinstance(info[0], Mapping):
        name, version = _str(info[0].get("name")), _str(info[0].get("version"))
        if name:
            value = _cut(f"{name} {version}" if version else name)
            return Fact("generator", value, "c2pa-generator", _json(info[0]), key="c2pa:claim_generator_info[0]")
    generator = _str(manifest.get("claim_generator"))  # a version-1 claim's "Name/1.0 c2pa-rs/0.16"
    if generator:
        return Fact("generator", _cut(generator), "c2pa-generator", _cut(generator), key="c2pa:claim_generator")
    return None


def _signature(manifest: Mapping[str, Any]) -> Iterator[Fact]:
    info = manifest.get("signature_info")
    if not isinstance(info, Mapping):
        return
    for member in ("issuer", "common_name"):
        signer = _str(info.get(member))
        if signer:
            yield Fact("signed_by", _cut(signer), "c2pa-signer", _cut(signer), key=f"c2pa:signature_info.{member}")
            break
    time = _str(info.get("time"))
    if time and _instant(time):
        yield Fact("signed_at", time, "c2pa-signed-at", time, key="c2pa:signature_info.time")


def _actions(manifest: Mapping[str, Any]) -> Iterator[tuple[Fact, Fact | None]]:
    """Each action as a fact, with a `created` fact for a c2pa.created action that says when."""
    for assertion in _list(manifest.get("assertions")):
        label = _str(_get(assertion, "label"))
        if label not in ("c2pa.actions", "c2pa.actions.v2"):
            continue
        for i, action in enumerate(_list(_get(_get(assertion, "data"), "actions"))):
            name = _str(_get(action, "action"))
            if not name:
                continue
            key = f"c2pa:assertions.{label}[{i}]"
            details = [_agent(_get(action, "softwareAgent")), _str(_get(action, "when"))]
            source = _str(_get(action, "digitalSourceType"))
            if source:
                details.append(f"source: {source.removeprefix(_SOURCE_TYPE_PREFIX)}")
            shown = [d for d in details if d]
            value = _cut(f"{name} ({'; '.join(shown)})" if shown else name)
            evidence = _json(
                {k: action[k] for k in ("action", "softwareAgent", "when", "digitalSourceType") if k in action}
            )
            when = _str(_get(action, "when"))
            created = None
            if name == "c2pa.created" and when and _instant(when):
                created = Fact("created", when, "c2pa-created", when, key=f"{key}.when")
            yield Fact("action", value, "c2pa-action", evidence, key=key), created


_ACTION_MEMBERS = ("action", "softwareAgent", "when", "digitalSourceType")


def _agent(agent: Any) -> str:
    """A software agent: a version-1 string, or a version-2 {name, version}."""
    if isinstance(agent, Mapping):
        name, version = _str(agent.get("name")), _str(agent.get("version"))
        return f"{name} {version}" if name and version else name
    return _str(agent)


def _ingredients(manifest: Mapping[str, Any]) -> Iterator[Fact]:
    for i, ingredient in enumerate(_list(manifest.get("ingredients"))):
        title = _str(_get(ingredient, "title"))
        if title:
            yield Fact("ingredient", _cut(title), "c2pa-ingredient", _cut(title), key=f"c2pa:ingredients[{i}].title")


_CREATIVE_WORK = ("stds.schema-org.CreativeWork", "schema.org.CreativeWork")


def _credit(manifest: Mapping[str, Any]) -> Fact | None:
    """The CreativeWork assertion's authors: people as the photographer, an organisation as the agency."""
    for assertion in _list(manifest.get("assertions")):
        label = _str(_get(assertion, "label"))
        if label not in _CREATIVE_WORK:
            continue
        people: list[tuple[str, str]] = []
        organisations: list[tuple[str, str]] = []
        authors = _get(_get(assertion, "data"), "author")
        listed = isinstance(authors, list)
        for i, author in enumerate(authors if listed else [authors]):
            key = f"c2pa:assertions.{label}.author" + (f"[{i}]" if listed else "")
            if isinstance(author, str):  # schema.org allows a bare name
                name, kind = _str(author), "Person"
            else:
                name, kind, key = _str(_get(author, "name")), _str(_get(author, "@type")) or "Person", key + ".name"
            if name:
                (organisations if kind == "Organization" else people).append((key, name))
        value: dict[str, str] = {}
        if people:
            value["photographer"] = _cut(_join([name for _, name in people]))
        if organisations:
            value["agency"] = _cut(_join([name for _, name in organisations]))
        if value:
            key, name = (people or organisations)[0]
            return Fact("credit", value, "c2pa-author", _cut(name), key=key)
    return None


# ---------------------------------------------------------------------------------------
# Reading values of unknown shape
# ---------------------------------------------------------------------------------------


def _get(value: Any, member: str) -> Any:
    return value.get(member) if isinstance(value, Mapping) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "\u2026"


def _json(value: Any) -> str:
    return _cut(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _join(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _instant(text: str) -> bool:
    """An RFC 3339 date-time with its zone (what `signed_at` and `created` take from a credential)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return "T" in text.upper() and moment.tzinfo is not None


def _extract_document(doc: Document) -> Result:
    """The extractor protocol's entry: c2pa reads the file by path (checked to be a regular file)."""
    facts, notes = read(doc.checked_path(), doc.media_type)
    return Result(NAME, VERSION, facts, notes)


EXTRACTOR = FunctionExtractor(NAME, VERSION, MEDIA_TYPES, MAX_BYTES, _extract_document)
