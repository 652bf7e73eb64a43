"""Corrections are new entries: the current value changes, history stays, nothing earlier is altered."""

from __future__ import annotations

from pathlib import Path

import pytest
from lib import ingest, open_archive

from archive.errors import BadInputError, UsageError
from archive.service.verify import verify_vault


@pytest.fixture
def people(tmp_path: Path, seeds: Path) -> tuple[Path, str]:
    vault = tmp_path / "vault"
    archive = open_archive(vault)
    (result,) = ingest(archive, [seeds / "004_1ff66ad646ea374e.txt"])
    archive.close()
    return vault, result.item


def test_amendment_sets_the_current_value_and_keeps_history(people: tuple[Path, str]) -> None:
    vault, item = people
    archive = open_archive(vault, actor="editor")
    before = archive.item(item)
    original = next(archive.entries(before.archived.seq, 1))[0]
    assert before.current()["outlet"] == "People"  # extracted from the text
    sealed = archive.amend(item, {"outlet": ["People Magazine"], "published": ["2022-03-23"]}, [], "checked the site")
    after = archive.item(item)
    assert after.current()["outlet"] == "People Magazine"
    assert after.current()["published"] == "2022-03-23"
    outlets = [(c.source, c.value) for c in after.claims if c.field == "outlet"]
    assert outlets == [("extracted", "People"), ("asserted", "People Magazine")]
    assert next(archive.entries(before.archived.seq, 1))[0] == original  # the ingest entry is untouched
    history = archive.history(after)
    assert [e.kind for _, e in history] == ["ingest", "amend"]
    amend = history[-1][1]
    assert amend.actor == "editor" and amend.body["reason"] == "checked the site"
    assert amend.body["previous"] == {"seq": original.seq, "hash": original.hash}
    assert sealed.seq == history[-1][0].seq
    archive.close()
    assert verify_vault(vault)


def test_a_later_amendment_supersedes_an_earlier_one_and_unset_clears(people: tuple[Path, str]) -> None:
    vault, item = people
    archive = open_archive(vault)
    archive.amend(item, {"author": ["Jane Doe", "John Roe"]}, [], "byline on the page")
    archive.amend(item, {"author": ["Jane Doe"]}, [], "John Roe only contributed reporting")
    assert archive.item(item).current()["author"] == ["Jane Doe"]
    archive.amend(item, {}, ["outlet"], "outlet disputed")
    assert "outlet" not in archive.item(item).current()
    archive.close()
    assert verify_vault(vault)


@pytest.mark.parametrize(
    ("values", "unset", "reason", "error"),
    [
        ({"colour": ["red"]}, [], "x", BadInputError),
        ({"published": ["2022-02-30"]}, [], "x", BadInputError),
        ({"published": ["yesterday"]}, [], "x", BadInputError),
        ({"url": ["ftp://example.org/x"]}, [], "x", BadInputError),
        ({"outlet": ["A", "B"]}, [], "x", BadInputError),
        ({"outlet": ["A"]}, [], "  ", UsageError),
        ({}, [], "x", UsageError),
        ({}, ["colour"], "x", BadInputError),
    ],
)
def test_bad_amendments_are_refused_and_change_nothing(
    people: tuple[Path, str], values: dict[str, list[str]], unset: list[str], reason: str, error: type[Exception]
) -> None:
    vault, item = people
    archive = open_archive(vault)
    size = archive.size()
    with pytest.raises(error):
        archive.amend(item, dict(values), unset, reason)
    assert archive.size() == size
    archive.close()
    assert verify_vault(vault)


def test_an_amendment_that_skips_an_earlier_one_is_invalid(people: tuple[Path, str]) -> None:
    import sqlite3

    from archive.core.entry import Entry, decode, seal

    vault, item = people
    archive = open_archive(vault)
    archive.amend(item, {"outlet": ["A"]}, [], "one")
    archive.amend(item, {"outlet": ["B"]}, [], "two")
    archive.close()
    db = sqlite3.connect(vault / "ledger.sqlite")
    db.execute("DROP TRIGGER ledger_no_update")
    seq, data = db.execute("SELECT seq, data FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    entry = decode(bytes(data))
    body = dict(entry.body)
    body["previous"] = {"seq": 0, "hash": "0" * 64}
    forged = seal(Entry(entry.seq, entry.prev, entry.time, entry.actor, entry.tool, entry.kind, body))
    db.execute("UPDATE ledger SET data = ?, hash = ? WHERE seq = ?", (forged.data, forged.hash, seq))
    db.commit()
    db.close()
    assert "ENTRY_INVALID" in verify_vault(vault).codes()
