"""Verification of web archive items (docs/format.md §21.6): their record index, their records, their signature.

Two passes. Inside the ledger snapshot, the `record` table is checked against the root each ingest
entry committed to, and every record whose digest did not match is reported. After the objects
are hashed, each web archive whose bytes verify is read again: its records must index to the same
root, a WACZ's files must match its `datapackage.json`, and a signed WACZ's signature must hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archive.core.item import Item
from archive.core.problems import Problem
from archive.core.records import IndexTree, facts_of, read_row, row_bytes
from archive.core.strict import RuleError
from archive.errors import ArchiveError
from archive.storage.port import Reader

_MAX_LISTED = 20  # digest mismatches named per item; the rest are counted
# What reading finds that is no damage: bounds of the reading, a hash not given, a writer's choice
# of compression. Recorded at ingest as notes; verification reports only what shows a change.
NOT_DAMAGE = frozenset(
    {
        "WARC_CONTENT_LIMIT",
        "WARC_PROBLEMS_LIMIT",
        "WACZ_PAGES_LIMIT",
        "WACZ_RESOURCE_UNCHECKED",
        "WARC_GZIP_NOT_PER_RECORD",
    }
)
# Reported from the stored rows already (one problem per record, with its detail).
_FROM_ROWS = frozenset({"WARC_DIGEST_MISMATCH"})


def web_archives(items: dict[str, Item]) -> list[Item]:
    return [item for item in items.values() if item.object.contents is not None]


Facts = dict[str, tuple[int, str]]
"""Per web archive item: the number of its stored rows and the root of their facts alone (each row
without what was read from its content), to compare with the records read again from its bytes."""


def check_rows(reader: Reader, items: Iterable[Item], facts: Facts) -> list[Problem]:
    """The stored rows of each web archive against its ingest entry's record index; fills `facts`."""
    problems: list[Problem] = []
    for item in items:
        contents = item.object.contents
        assert contents is not None
        tree, facts_tree = IndexTree(), IndexTree()
        damaged = 0
        mismatched: list[str] = []
        for stored in reader.records(item.id):
            tree.add(stored.row)
            try:
                row = read_row(stored.row)
            except RuleError:
                damaged += 1
                continue
            facts_tree.add(row_bytes(facts_of(row)))
            columns = (row["part"], row["uri"], row["date"], row.get("content_type") or "", row.get("status") or 0)
            if stored.idx != tree.size - 1 or columns != (
                stored.part,
                stored.uri,
                stored.date,
                stored.media,
                stored.status,
            ):
                damaged += 1
            if row["digest"] == "mismatch":
                mismatched.append(f"{row['part']} ({str(row['uri'])[:200]}): {row.get('digest_detail', 'mismatch')}")
        facts[item.id] = (facts_tree.size, facts_tree.root())
        if damaged:
            problems.append(Problem("RECORD_INDEX_MISMATCH", f"{damaged} stored record rows are damaged", item=item.id))
        if tree.size != contents.records or tree.root() != contents.root:
            problems.append(
                Problem(
                    "RECORD_INDEX_MISMATCH",
                    f"the stored record index ({tree.size} rows, root {tree.root()[:16]}…) is not the one its "
                    f"ingest entry committed to ({contents.records} rows, root {contents.root[:16]}…)",
                    item=item.id,
                )
            )
        for text in mismatched[:_MAX_LISTED]:
            problems.append(Problem("WARC_DIGEST_MISMATCH", f"record {text}", item=item.id))
        if len(mismatched) > _MAX_LISTED:
            more = len(mismatched) - _MAX_LISTED
            problems.append(Problem("WARC_DIGEST_MISMATCH", f"and {more} more records", item=item.id))
    return problems


def check_files(items: Iterable[tuple[Item, Path]], facts: Facts) -> list[Problem]:
    """Each web archive (whose object verified) read again: the same records (their facts, as the
    stored rows hold them: `check_rows`), files and signature."""
    from archive.service.webcapture import INDEXER, is_web_archive
    from archive.webarchive.records import Problem as Found
    from archive.webarchive.wacz import records

    problems: list[Problem] = []
    for item, path in items:
        contents = item.object.contents
        if contents is None or not is_web_archive(item.object.media_type):
            continue
        if contents.indexer == INDEXER:  # another indexer's rows cannot be compared with this one's
            found: list[Found] = []
            tree = IndexTree()
            try:
                for indexed in records(path, item.object.media_type, problems=found):
                    tree.add(row_bytes(indexed.record.to_json()))
            except (ArchiveError, OSError) as exc:
                problems.append(Problem("RECORD_INDEX_MISMATCH", f"cannot read its records: {exc}", item=item.id))
                continue
            stored = facts.get(item.id)
            if stored is not None and (tree.size, tree.root()) != stored:
                problems.append(
                    Problem(
                        "RECORD_INDEX_MISMATCH",
                        f"its bytes hold {tree.size} records that are not those of its stored record index "
                        f"({stored[0]} rows): the index was not made from these bytes",
                        item=item.id,
                    )
                )
            problems += _damage(((p.code, p.message) for p in found if p.code not in _FROM_ROWS), item)
        if contents.format == "wacz":
            problems += _package_problems(item, path)
    return problems


def _package_problems(item: Item, path: Path) -> list[Problem]:
    from archive.webarchive.signing import check
    from archive.webarchive.wacz import read_package

    try:
        package = read_package(path)
    except ArchiveError as exc:
        return [Problem("WACZ_MALFORMED", str(exc), item=item.id)]
    result = check(package.datapackage_digest, package.datapackage)
    return _damage([*((p.code, p.message) for p in package.problems), *result.problems], item)


def _damage(found: Iterable[tuple[str, str]], item: Item) -> list[Problem]:
    return [Problem(code, message, item=item.id) for code, message in found if code not in NOT_DAMAGE]
