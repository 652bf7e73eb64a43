"""What a manifest says about time, and the offline check of the tokens it carries.

A manifest carries, for the checkpoint it is proven against, every RFC 3161 token the vault keeps
for it (`timestamps`), and a short `time` section in words: the times inside the entries are the
archive's own clock; a token proves the ledger existed in this state no later than its genTime,
by whom. The check recomputes that section from the tokens, so the words cannot say more than
the tokens do.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from archive.core.problems import Problem, Report
from archive.evidence.tokens import TokenCheck, check_token, load_roots

CLAIMED = (
    "Every time in the entries and items below (when each entry was written, when each item was archived, "
    "when each value was asserted) comes from the archive's own clock: it is the archive's word, and nothing "
    "in this manifest proves it."
)
UNBOUNDED = (
    "No Time-Stamp Authority has vouched for this manifest's checkpoint: nothing here bounds when the ledger "
    "was in this state."
)


def says(size: int, tsa: str, authority: str | None, gen_time: str) -> str:
    """One token's meaning, for a reader who knows nothing of transparency logs."""
    who = authority or "an authority that does not name itself"
    return (
        f"{who}, the Time-Stamp Authority at {tsa}, signed at {gen_time} a fingerprint (SHA-256) of this "
        f"manifest's checkpoint: the ledger existed with exactly these {size} entries no later than {gen_time}. "
        "The times the entries give themselves remain the archive's word; none of them can be later than this."
    )


def time_section(size: int, stamped: Sequence[tuple[str, TokenCheck]]) -> dict[str, Any]:
    """The manifest's `time` member from the tokens over its checkpoint (read, not yet trusted)."""
    listed = [
        {
            "tsa": tsa,
            "authority": check.authority,
            "gen_time": check.gen_time,
            "size": size,
            "says": says(size, tsa, check.authority, check.gen_time or ""),
        }
        for tsa, check in stamped
    ]
    if listed:
        first = min(listed, key=lambda t: str(t["gen_time"]))
        summary = (
            f"The ledger in this manifest existed no later than {first['gen_time']} "
            f"(Time-Stamp Authority {first['tsa']}); its entries' own times are the archive's word."
        )
    else:
        summary = UNBOUNDED
    return {"claimed": CLAIMED, "timestamped": listed, "summary": summary}


# Tokens a manifest leaves out, and leaves out of its time section: unreadable, over other bytes,
# or dated before the entries they cover. Signatures and chains are for the reader to check.
_UNREADABLE = ("malformed", "imprint", "early")


def manifest_members(
    size: int, note: str, tokens: Iterable[tuple[str, bytes]], newest_entry: datetime | None
) -> dict[str, Any]:
    """`timestamps` and `time` for a manifest whose checkpoint (of `size` entries) is `note`: the
    readable tokens over that note (a bad one stays in the vault, where `verify` reports it)."""
    stamped: list[tuple[str, TokenCheck]] = []
    carried: list[dict[str, str]] = []
    for tsa, token in tokens:
        check = check_token(token, note, (), newest_entry=newest_entry)
        if check.reason not in _UNREADABLE:
            stamped.append((tsa, check))
            carried.append({"tsa": tsa, "token": base64.b64encode(token).decode("ascii")})
    return {"timestamps": carried, "time": time_section(size, stamped)}


def _newest_entry(doc: Any) -> datetime | None:
    """The latest `time` among the entries the manifest carries: all covered by its checkpoint."""
    newest: str | None = None
    for entry in [*doc.get("keys", []), *(e for item in doc["items"] for e in item["entries"])]:
        try:
            time = json.loads(entry["canonical"]).get("time")
        except (ValueError, AttributeError):
            continue  # the entry checks report it
        if isinstance(time, str) and (newest is None or time > newest):
            newest = time
    try:
        return None if newest is None else datetime.fromisoformat(newest)
    except ValueError:
        return None


def check_timestamps(doc: Any, tsa_roots: Sequence[bytes] | None, report: Report) -> None:
    """The manifest's tokens, offline: each over its checkpoint note, not dated before the entries
    it carries, and with `tsa_roots` signed under them (at least one must be); its `time` section
    exactly what the tokens say. What each token proves goes to `report.timestamps`."""
    tokens = doc.get("timestamps", [])
    roots = [cert for pem in tsa_roots or () for cert in load_roots(pem)]
    note, size = doc["checkpoint"], doc["ledger"]["size"]
    newest = _newest_entry(doc)
    readable: list[tuple[str, TokenCheck]] = []
    proven = 0
    for carried in tokens:
        tsa = carried["tsa"]
        try:
            der = base64.b64decode(carried["token"], validate=True)
        except (binascii.Error, ValueError):
            report.add([Problem("MANIFEST_TIMESTAMP_INVALID", f"the token by {tsa} is not base64")])
            continue
        check = check_token(der, note, roots, newest_entry=newest)
        if check.reason not in _UNREADABLE:
            readable.append((tsa, check))
        who = f"{check.authority or 'an unnamed authority'} ({tsa})"
        if check.reason == "untrusted":
            report.add([Problem("MANIFEST_TIMESTAMP_UNTRUSTED", f"the token by {tsa}: {check.detail}")])
            proves = f"a token by {who} does not chain to the roots given: it proves nothing here"
        elif check.reason is not None:
            report.add([Problem("MANIFEST_TIMESTAMP_INVALID", f"the token by {tsa}: {check.detail}")])
            proves = f"a token by {who} proves nothing: {check.detail}"
        elif check.trusted:
            proven += 1
            proves = says(size, tsa, check.authority, check.gen_time or "")
        else:
            proves = (
                f"a token by {who} says the ledger existed no later than {check.gen_time}; not checked: "
                "give --tsa-roots with that authority's roots to rely on it"
            )
        report.timestamps.append(
            {
                "tsa": tsa,
                "gen_time": check.gen_time,
                "authority": check.authority,
                "verified": check.reason is None and check.trusted,
                "proves": proves,
            }
        )
    if tsa_roots is not None and not proven:
        report.add(
            [
                Problem(
                    "MANIFEST_TIMESTAMP_MISSING", "no token in the manifest proves its checkpoint under the roots given"
                )
            ]
        )
    if "time" in doc:
        expected = time_section(size, readable)
        mine = {k: doc["time"].get(k) for k in expected}
        if mine != expected:
            differ = ", ".join(k for k in expected if mine[k] != expected[k])
            report.add([Problem("MANIFEST_TIME_MISMATCH", f"the time section's {differ} differs from its tokens")])
