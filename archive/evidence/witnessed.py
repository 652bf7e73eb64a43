"""Cosignatures in manifests and proof files (witnesses, issue 11): the `time` section that says, in
words, which times are the archive's own claims and which checkpoint witnesses cosigned (by whom,
when), and its offline check against the witness keys a reader gives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from archive.core.cosignature import Cosignature, WitnessKey
from archive.core.entry import format_time
from archive.core.problems import Problem
from archive.errors import CryptoError
from archive.storage.port import Reader

WITNESSED_MEANING = (
    "Each cosignature is an independent witness's signed statement that, at the time given, the checkpoint of "
    "this manifest was the largest consistent state of this archive's ledger it had seen: every earlier "
    "checkpoint it was shown is a prefix of this one, so the archive had not shown it a different history. "
    "It is checked with that witness's key (archive verify-manifest --witness WVKEY)."
)


def witnessed(reader: Reader, size: int) -> list[dict[str, Any]]:
    """The kept cosignatures of the checkpoint of `size` entries, as a manifest lists them."""
    out = []
    for _, name, line, _ in reader.cosignatures(size):
        try:
            cosig = Cosignature.parse(line)
        except CryptoError:
            continue  # verify reports it; a manifest carries only what reads
        out.append({"witness": name, "cosigned_at": format_time(cosig.time()), "size": size, "cosignature": line})
    return out


def time_section(cosignatures: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The witnesses' members of the manifest's `time` section (its words on the archive's own
    times, `claimed`, come with the tokens': `archive.evidence.timeproof`)."""
    return {"witnessed": list(cosignatures), "witnessed_meaning": WITNESSED_MEANING}


def check_witnessed(
    doc: Any, checkpoint_text: str | None, keys: Sequence[WitnessKey], minimum: int | None
) -> tuple[list[Problem], int]:
    """Every listed cosignature reads and says what its entry says; each by a given key verifies over the
    manifest's checkpoint; at least `minimum` (default: all) of the given witnesses cosigned it.
    Returns the problems and how many of the given witnesses validly cosigned."""
    problems: list[Problem] = []
    listed = doc.get("time", {}).get("witnessed", []) if isinstance(doc.get("time"), dict) else []
    good: set[str] = set()
    for at, entry in enumerate(listed):
        where = f"time.witnessed[{at}]"
        try:
            cosig = Cosignature.parse(entry["cosignature"])
        except CryptoError as exc:
            problems.append(Problem("MANIFEST_COSIGNATURE_INVALID", f"{where}: {exc}"))
            continue
        if (
            cosig.name != entry["witness"]
            or format_time(cosig.time()) != entry["cosigned_at"]
            or entry["size"] != doc["ledger"]["size"]
        ):
            message = f"{where}: its witness, time or size is not what its cosignature line says"
            problems.append(Problem("MANIFEST_COSIGNATURE_INVALID", message))
            continue
        for key in keys:
            if not cosig.is_by(key):
                continue
            if checkpoint_text is not None and cosig.verifies(checkpoint_text, key):
                good.add(str(key))
            else:
                message = f"{where}: the cosignature by {key.name} does not verify over the manifest's checkpoint"
                problems.append(Problem("MANIFEST_COSIGNATURE_INVALID", message))
    need = len(keys) if minimum is None else minimum
    if keys and len(good) < need:
        missing = ", ".join(k.name for k in keys if str(k) not in good)
        message = f"{len(good)} of the {need} witness cosignatures required are present and valid (missing: {missing})"
        problems.append(Problem("MANIFEST_WITNESS_MISSING", message))
    return problems, len(good)
