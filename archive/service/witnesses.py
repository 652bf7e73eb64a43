"""The archive as a witness client (c2sp.org/tlog-witness): which witnesses a vault asks, asking
them to cosign its latest checkpoint with a consistency proof from the size each last cosigned,
and keeping what they answer with the checkpoint.

Configuration is `witnesses.json` in the vault directory (written atomically, 0644):
`{"witnesses": [{"url": <submission prefix>, "key": <witness verifier key>}, ...]}`. The size a
witness last cosigned is the largest size the `cosignature` table holds for it; a 409 tells the
real one, and the request is made once more with a proof from there. A witness that is down or
slow costs a warning, never a write: requests happen after the commit, each with a timeout.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.core.cosignature import Cosignature, WitnessKey
from archive.core.entry import format_time
from archive.core.merkle import batched, consistency_proof, root_at
from archive.core.problems import Problem
from archive.errors import ArchiveError, BadInputError, CryptoError, NotFoundError, VaultError
from archive.storage.fsutil import atomic_write, read_regular

if TYPE_CHECKING:
    from archive.service.archive import Archive

CONFIG = "witnesses.json"
DEFAULT_TIMEOUT = 10.0  # seconds per request
MAX_RESPONSE = 1 << 20  # a reply is a few signature lines; more is refused
MAX_CONFIG = 1 << 20
SIZE_TYPE = "text/x.tlog.size"
_SIZE = re.compile(r"(0|[1-9][0-9]{0,19})\n")


@dataclass(frozen=True)
class WitnessConfig:
    url: str
    key: WitnessKey

    def to_json(self) -> dict[str, str]:
        return {"url": self.url, "key": str(self.key)}


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BadInputError(f"a witness URL is http(s)://host[:port][/prefix], not {url[:120]!r}")
    return url.rstrip("/")


def load_config(vault: Path) -> list[WitnessConfig]:
    """The vault's configured witnesses (none when the file is absent)."""
    return _load(vault)[0]


def configured_timeout(vault: Path) -> float:
    """The request timeout the configuration sets (`witness add --timeout`), else the default."""
    return _load(vault)[1]


def _load(vault: Path) -> tuple[list[WitnessConfig], float]:
    path = vault / CONFIG
    try:
        data = json.loads(read_regular(path, MAX_CONFIG))
    except FileNotFoundError:
        return [], DEFAULT_TIMEOUT
    except (OSError, ValueError) as exc:
        raise VaultError(f"{path}: unreadable witness configuration: {exc}") from None
    try:
        timeout = float(data.get("timeout", DEFAULT_TIMEOUT))
        if not 0 < timeout <= 600:
            raise TypeError(f"timeout {timeout} is not between 0 and 600 seconds")
        found = [WitnessConfig(_check_url(w["url"]), WitnessKey.parse(w["key"])) for w in data["witnesses"]]
        return found, timeout
    except (KeyError, TypeError, ValueError, AttributeError, BadInputError, CryptoError) as exc:
        raise VaultError(f"{path}: not a witness configuration: {exc}") from None


def add_witness(vault: Path, url: str, key: str, timeout: float | None = None) -> WitnessConfig:
    """Configure one more witness (or replace the URL of a known key); the file is rewritten atomically."""
    added = WitnessConfig(_check_url(url.strip()), WitnessKey.parse(key))
    known, old_timeout = _load(vault)
    kept = [w for w in known if str(w.key) != str(added.key)]
    if any(w.key.name == added.key.name for w in kept):
        raise BadInputError(f"another key of witness {added.key.name!r} is configured")
    if timeout is not None and not 0 < timeout <= 600:
        raise BadInputError("--timeout is between 0 and 600 seconds")
    doc: dict[str, Any] = {"witnesses": [w.to_json() for w in [*kept, added]]}
    if timeout is not None or old_timeout != DEFAULT_TIMEOUT:
        doc["timeout"] = timeout if timeout is not None else old_timeout
    atomic_write(vault / CONFIG, (json.dumps(doc, indent=2) + "\n").encode(), 0o644)
    return added


# ---- talking to one witness ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int  # the HTTP status, or 0 when no answer came
    body: bytes
    content_type: str = ""
    error: str = ""  # why no answer came


def post(url: str, body: bytes, timeout: float) -> Answer:
    """POST `body` to `<url>/add-checkpoint`; a bounded wait and a bounded read, never a raise."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s)
        url + "/add-checkpoint", data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            return Answer(reply.status, reply.read(MAX_RESPONSE + 1), reply.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as exc:
        with exc:
            return Answer(exc.code, exc.read(MAX_RESPONSE + 1), exc.headers.get("Content-Type", ""))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Answer(0, b"", error=str(reason) or type(exc).__name__)


def request_body(old: int, proof: Sequence[bytes], note: str) -> bytes:
    lines = [f"old {old}\n", *(base64.b64encode(h).decode("ascii") + "\n" for h in proof), "\n"]
    return ("".join(lines) + note).encode()


@dataclass
class Outcome:
    """What one witness did with the latest checkpoint."""

    witness: str  # the witness key's name
    url: str
    size: int
    status: str  # "cosigned", "failed", "refused"
    message: str = ""
    cosignature: Cosignature | None = None
    problem: Problem | None = None  # a split view: the witness holds a history this ledger does not extend

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"witness": self.witness, "url": self.url, "size": self.size, "status": self.status}
        if self.message:
            doc["message"] = self.message
        if self.cosignature is not None:
            doc["cosigned_at"] = format_time(self.cosignature.time())
            doc["cosignature"] = self.cosignature.line()
        if self.problem is not None:
            doc["problem"] = self.problem.to_json()
        return doc


@dataclass
class CosignReport:
    size: int
    outcomes: list[Outcome] = field(default_factory=list)

    def problems(self) -> list[Problem]:
        return [o.problem for o in self.outcomes if o.problem is not None]

    def warnings(self) -> list[str]:
        return [
            f"witness {o.witness} ({o.url}): {o.message}" for o in self.outcomes if o.status in ("failed", "refused")
        ]


def _text(body: bytes) -> str:
    return body[:300].decode("utf-8", "replace").strip().replace("\n", " ")


def _root_b64(reader: Any, size: int) -> str:
    [root] = batched([partial(root_at, size)], reader)
    return base64.b64encode(root).decode("ascii")


def _split_view(witness: str, their: int, ours: int, archive: Archive, detail: str) -> Problem:
    with archive.reading() as r:
        now = _root_b64(r, ours)
        at_theirs = _root_b64(r, their) if 0 < their <= ours else None
        cosigned = [s for s, name, _, _ in r.cosignatures() if name == witness]
        last = max(cosigned) if cosigned else None
        last_root = _root_b64(r, last) if last else None
    if at_theirs is None:
        said = f"this ledger has only {ours} entries (root {now})"
    elif their == ours:
        said = f"this ledger's root at that size is {now}"
    else:
        said = f"this ledger's root at size {their} is {at_theirs}, at its size {ours} {now}"
    kept = f"; the last checkpoint it cosigned from this vault: size {last}, root {last_root}" if last else ""
    message = (
        f"split view: witness {witness} holds a checkpoint of size {their} that this ledger does not extend "
        f"({detail}); {said}{kept}"
    )
    return Problem("WITNESS_SPLIT_VIEW", message)


def cosign_one(archive: Archive, config: WitnessConfig, timeout: float) -> Outcome:
    """Ask one witness to cosign the latest checkpoint; keep the cosignature it returns."""
    size, note = archive.latest_checkpoint()
    name = config.key.name
    text = note[: note.rfind("\n\n") + 1]
    with archive.reading() as r:
        kept = [s for s, who, _, _ in r.cosignatures() if who == name]
    # Asked even when this size is cosigned already: the witness answers 409 if it has since been
    # shown a larger size of this origin (a rollback of this copy, or a fork).
    old = max((s for s in kept if s <= size), default=0)
    answer = _ask(archive, config, old, size, note, timeout)
    if answer.status == 409:
        their = _size_of(answer)
        if their is None:
            return Outcome(name, config.url, size, "failed", f"409 without a size: {_text(answer.body)}")
        if their > size:
            detail = f"it has cosigned size {their}, larger than this ledger"
            return _refused(archive, name, config.url, their, size, detail)
        if their == old:
            detail = f"it refused size {size} with a proof from {old}"
            return _refused(archive, name, config.url, their, size, detail)
        old = their
        answer = _ask(archive, config, old, size, note, timeout)
        if answer.status == 409:
            return _refused(archive, name, config.url, old, size, "it holds another checkpoint of that size")
    if answer.status == 422:
        return _refused(archive, name, config.url, old, size, f"the consistency proof from size {old} did not verify")
    if answer.status != 200:
        why = answer.error or f"HTTP {answer.status}: {_text(answer.body)}"
        return Outcome(name, config.url, size, "failed", why)
    if len(answer.body) > MAX_RESPONSE:
        return Outcome(name, config.url, size, "failed", f"a reply larger than {MAX_RESPONSE} bytes")
    lines = answer.body.decode("utf-8", "replace").splitlines(keepends=True)
    mine = [line for line in lines if _valid(line, text, config.key)]
    if not mine:
        return Outcome(name, config.url, size, "failed", "answered 200 without a valid cosignature by its key")
    received = format_time(archive.ctx.clock())
    with archive.vault.ledger.write() as w:
        w.put_cosignatures([(size, name, line if line.endswith("\n") else line + "\n", received) for line in mine])
    return Outcome(name, config.url, size, "cosigned", cosignature=Cosignature.parse(mine[-1]))


def _valid(line: str, text: str, key: WitnessKey) -> bool:
    try:
        return Cosignature.parse(line).verifies(text, key)
    except CryptoError:
        return False


def _size_of(answer: Answer) -> int | None:
    if answer.content_type.split(";")[0].strip() != SIZE_TYPE:
        return None
    match = _SIZE.fullmatch(answer.body.decode("ascii", "replace"))
    return int(match[1]) if match else None


def _ask(archive: Archive, config: WitnessConfig, old: int, size: int, note: str, timeout: float) -> Answer:
    proof: list[bytes] = []
    if 0 < old < size:
        with archive.reading() as r:
            [proof] = batched([partial(consistency_proof, old, size)], r)
    return post(config.url, request_body(old, proof, note), timeout)


def _refused(archive: Archive, name: str, url: str, their: int, ours: int, detail: str) -> Outcome:
    problem = _split_view(name, their, ours, archive, detail)
    return Outcome(name, url, ours, "refused", problem.message, problem=problem)


def cosign(
    archive: Archive, timeout: float = DEFAULT_TIMEOUT, witnesses: Sequence[WitnessConfig] | None = None
) -> CosignReport:
    """Ask every configured witness (or those given) to cosign the latest checkpoint."""
    configured = load_config(archive.vault.path) if witnesses is None else list(witnesses)
    if not configured:
        raise NotFoundError("no witness is configured: `archive witness add URL --key WVKEY`")
    size, _ = archive.latest_checkpoint()
    return CosignReport(size, [cosign_one(archive, w, timeout) for w in configured])


def after_write(archive: Archive) -> list[str]:
    """After a committed write: ask the configured witnesses, returning warning lines (never raising)."""
    try:
        configured, timeout = _load(archive.vault.path)
        if not configured:
            return []
        report = cosign(archive, timeout, configured)
    except (ArchiveError, OSError) as exc:
        return [f"witnesses: not asked: {exc}"]
    return report.warnings()
