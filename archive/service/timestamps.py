"""Asking Time-Stamp Authorities for tokens over the latest checkpoint, and keeping them.

Plain RFC 3161 over HTTP (§3.4 of the RFC): one POST of a DER TimeStampReq, one DER
TimeStampResp back. Every request has a deadline (connect, send and every read included; the
name lookup too, by waiting for the request's thread no longer than the deadline), replies are
capped at 1 MiB, redirects are not followed, and a token is kept only once it verifies: imprint,
nonce, signature, chain to the TSA's roots, EKU, genTime. A TSA that fails never fails the write
it follows: the checkpoint is committed first, the failure is reported naming the TSA, and a later
`archive timestamp` fills the gap.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from archive.core.entry import decode
from archive.errors import ArchiveError, CryptoError, NotFoundError
from archive.evidence.tokens import check_token, load_roots, make_request, read_reply
from archive.service.tsaconfig import TSA, read_config

if TYPE_CHECKING:
    from archive.service.archive import Archive

MAX_REPLY = 1 << 20
_CHUNK = 64 << 10
_GRACE = 1.0  # seconds beyond a request's deadline before its thread is given up on


class TSAError(ArchiveError):
    """A Time-Stamp Authority did not give a usable token (down, slow, refusing, or untrusted)."""


@dataclass(frozen=True)
class Outcome:
    """What one TSA did for one checkpoint: `stamped`, `already` (a token was kept before) or `failed`."""

    tsa: str
    size: int
    status: str
    detail: str = ""
    gen_time: str | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tsa": self.tsa, "size": self.size, "status": self.status}
        if self.gen_time is not None:
            out["gen_time"] = self.gen_time
        if self.detail:
            out["detail"] = self.detail
        out["seconds"] = round(self.seconds, 3)
        return out


def post(url: str, body: bytes, timeout: float) -> bytes:
    """POST a time-stamp query and return the reply's body; TSAError on anything but a 200 in time."""
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    host, port = parts.hostname or "", parts.port
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body, {"Content-Type": "application/timestamp-query", "Accept": "*/*"})
        reply = conn.getresponse()
        if reply.status != 200:
            raise TSAError(f"HTTP {reply.status} {reply.reason[:60]}")
        length = reply.getheader("Content-Length")
        if length is not None and length.isdigit() and int(length) > MAX_REPLY:
            raise TSAError(f"the reply is larger than {MAX_REPLY} bytes")
        data = bytearray()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TSAError(f"no whole reply within {timeout:g} s")
            if conn.sock is not None:
                conn.sock.settimeout(left)
            chunk = reply.read(_CHUNK)
            if not chunk:
                return bytes(data)
            data += chunk
            if len(data) > MAX_REPLY:
                raise TSAError(f"the reply is larger than {MAX_REPLY} bytes")
    except TimeoutError:
        raise TSAError(f"no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise TSAError(f"cannot reach it ({type(exc).__name__}: {str(exc)[:100]})") from None
    finally:
        conn.close()


def fetch_token(tsa: TSA, note: str, newest_entry: datetime | None, timeout: float | None = None) -> tuple[bytes, str]:
    """Ask one TSA for a token over `note` and check it; returns (token DER, genTime)."""
    request, nonce = make_request(note)
    reply = post(tsa.url, request, tsa.timeout if timeout is None else timeout)
    try:
        token = read_reply(reply, note, nonce)
    except CryptoError as exc:
        raise TSAError(str(exc)) from None
    check = check_token(token, note, load_roots(tsa.roots.encode("utf-8")), newest_entry=newest_entry)
    if not check or not check.trusted:
        raise TSAError(f"the token was refused: {check.detail}")
    assert check.gen_time is not None
    return token, check.gen_time


def _bounded(work: Callable[[], tuple[bytes, str]], wait: float) -> tuple[bytes, str] | BaseException:
    """Run `work` in a daemon thread and wait at most `wait` seconds (a name lookup ignores socket
    timeouts): its result, the exception it raised, or a TSAError when it did not finish."""
    result: list[tuple[bytes, str] | BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed to the caller, who reports it
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(wait)
    return result[0] if result else TSAError(f"no answer within {wait - _GRACE:g} s")


def timestamp(archive: Archive, tsas: Sequence[TSA], *, timeout: float | None = None) -> list[Outcome]:
    """Ask every TSA (at once, in parallel) for a token over the vault's latest checkpoint, unless
    it gave one already, and keep the tokens that verify. Failures are outcomes, never raised."""
    with archive.reading() as reader:
        latest = reader.latest_checkpoint()
        if latest is None:
            raise NotFoundError("the vault has issued no checkpoint yet")
        size, note = latest
        have = {tsa for _, tsa, _ in reader.timestamps(size)}
        head = reader.entries_at([size - 1])[0] if size else None
    newest = None if head is None else datetime.fromisoformat(decode(head.data).time)
    outcomes: dict[str, Outcome] = {t.url: Outcome(t.url, size, "already") for t in tsas if t.url in have}
    todo = [t for t in tsas if t.url not in have]
    results: dict[str, tuple[bytes, str] | BaseException] = {}
    started = time.monotonic()

    def ask(tsa: TSA) -> None:
        results[tsa.url] = _bounded(lambda: fetch_token(tsa, note, newest, timeout), (timeout or tsa.timeout) + _GRACE)

    threads = [threading.Thread(target=ask, args=(t,), daemon=True) for t in todo]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    kept: list[tuple[str, bytes]] = []
    for tsa in todo:
        got = results[tsa.url]
        if isinstance(got, tuple):
            kept.append((tsa.url, got[0]))
            outcomes[tsa.url] = Outcome(tsa.url, size, "stamped", gen_time=got[1], seconds=elapsed)
        else:
            detail = str(got) if isinstance(got, ArchiveError) else f"{type(got).__name__}: {str(got)[:120]}"
            outcomes[tsa.url] = Outcome(tsa.url, size, "failed", detail, seconds=elapsed)
    if kept:
        with archive.vault.ledger.write() as w:
            for url, token in kept:
                w.put_timestamp(size, url, token)
    return [outcomes[t.url] for t in tsas]


def after_write(archive: Archive) -> list[Outcome]:
    """After a write: ask the vault's configured TSAs for the new checkpoint ([] when none are
    configured). A configuration that cannot be read is a failed outcome, not an error."""
    try:
        tsas = read_config(archive.vault.path)
    except ArchiveError as exc:
        return [Outcome("tsa.json", 0, "failed", str(exc))]
    if not tsas:
        return []
    try:
        return timestamp(archive, tsas)
    except ArchiveError as exc:
        return [Outcome(t.url, 0, "failed", str(exc)) for t in tsas]
