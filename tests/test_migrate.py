"""`archive migrate`: a local vault into a team archive (a real PostgreSQL 15 and a real SeaweedFS,
both started here on 127.0.0.1) and back to a local folder, every entry byte for byte, every
checkpoint and object, the copy verified; checkpoints and manifests made before the move verify
against the new home; a source that does not verify, or a destination that holds something else,
is refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from helpers import (
    assert_one_error_line,
    ledger_rows,
    make_articles,
    make_writable,
    object_files,
    object_path,
    ok,
    run,
    seed_files,
    seed_sums,
    unique,
)
from pg_server import APP, OWNER, PgServer
from s3_server import SeaweedServer
from tsa_server import make_pki
from warc_pages import page, write_warc

from archive.storage.backends import open_ledger

RETENTION_DAYS = 30


@pytest.fixture(scope="session")
def pg(pg_server: PgServer) -> PgServer:
    return pg_server  # the test process's one server (tests/conftest.py)


@pytest.fixture(scope="session")
def s3(s3_server: SeaweedServer) -> SeaweedServer:
    return s3_server


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local vault: the seeds, a WARC with two pages, an amendment; left unchanged by the tests."""
    base = tmp_path_factory.mktemp("local")
    vault = base / "vault"
    warc = write_warc(
        base / "site.warc.gz",
        [
            ("https://news.example/a", page("Flood waters rise").encode(), "200 OK", "text/html; charset=utf-8"),
            ("https://news.example/b", page("Dam holds").encode(), "200 OK", "text/html; charset=utf-8"),
        ],
    )
    ok("ingest", *seed_files(), warc, vault=vault)
    ok("amend", seed_sums()[seed_files()[0].name], "--set", "outlet=Example Times", "--reason", "masthead", vault=vault)
    return vault


def _database(pg: PgServer) -> tuple[str, str]:
    name = unique("migrate")
    pg.fresh_database(name)
    return pg.dsn(APP, name), pg.dsn(OWNER, name)


def _rows(vault: Path) -> list[tuple[int, str, str, str, bytes | None]]:
    """Every ledger row as stored, read through the backend the marker names."""
    marker = json.loads((vault / "VAULT.json").read_text())
    ledger = open_ledger(vault, marker["ledger"], read_only=True)
    try:
        with ledger.read() as r:
            return [(row.seq, row.prev, row.hash, row.kind, row.data) for row in r.rows()]
    finally:
        ledger.close()


def _checkpoints(vault: Path) -> list[tuple[int, str]]:
    marker = json.loads((vault / "VAULT.json").read_text())
    ledger = open_ledger(vault, marker["ledger"], read_only=True)
    try:
        with ledger.read() as r:
            return list(r.checkpoints())
    finally:
        ledger.close()


def test_a_local_copy_keeps_every_entry_checkpoint_object_and_key(local: Path, tmp_path: Path) -> None:
    checkpoint = tmp_path / "before.txt"
    checkpoint.write_text(ok("checkpoint", vault=local).out)
    manifest = tmp_path / "m.json"
    ok("manifest", "--all", "-o", manifest, vault=local)
    copy = tmp_path / "copy"
    done = ok("migrate", "--into", copy, "--json", vault=local).json()
    assert done["verify"]["ok"] is True and done["entries"] == len(ledger_rows(local))
    assert ledger_rows(copy) == ledger_rows(local)
    assert _checkpoints(copy) == _checkpoints(local)
    assert {k: v for k, v in object_files(copy).items()} == object_files(local)
    assert (copy / "keys" / "signing.key").read_bytes() == (local / "keys" / "signing.key").read_bytes()
    assert (copy / "keys" / "signing.key").stat().st_mode & 0o777 == 0o600
    assert (
        json.loads((copy / "VAULT.json").read_text())["origin"]
        == json.loads((local / "VAULT.json").read_text())["origin"]
    )
    # What was proven before the move is proven against the copy.
    assert ok("verify", "--against", checkpoint, vault=copy).code == 0
    key = ok("key", "show", vault=local).out.split()[-1]
    assert ok("verify-manifest", manifest, "--key", key).code == 0
    # The copy is a vault like any other: it takes new entries and still verifies.
    ok("ingest", *make_articles(tmp_path / "new", 2), vault=copy)
    assert ok("verify", "--against", checkpoint, vault=copy).code == 0


def test_the_vaults_configuration_comes_along(local: Path, tmp_path: Path) -> None:
    configured = tmp_path / "configured"
    shutil.copytree(local, configured, symlinks=True)
    make_pki(tmp_path / "pki", embed_ca=False)
    ok("tsa", "add", "http://127.0.0.1:9/tsr", "--roots", tmp_path / "pki" / "ca.pem", vault=configured)
    copy = tmp_path / "copy"
    ok("migrate", "--into", copy, vault=configured)
    assert (copy / "tsa.json").read_bytes() == (configured / "tsa.json").read_bytes()
    assert (copy / "tsa.json").stat().st_mode & 0o777 == 0o644
    assert "127.0.0.1:9/tsr" in ok("tsa", "list", vault=copy).out


def test_a_vault_that_does_not_verify_is_not_copied(local: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(local, broken, symlinks=True)
    damaged = object_path(broken, seed_sums()[seed_files()[1].name])
    make_writable(damaged)
    damaged.write_bytes(b"altered")
    result = run("migrate", "--into", tmp_path / "copy", vault=broken)
    assert_one_error_line(result)
    assert "OBJECT_" in result.err and "nothing was copied" in result.err
    assert not (tmp_path / "copy").exists()


def test_into_a_team_archive_and_back_the_ledger_bytes_stay_the_same(
    local: Path, pg: PgServer, s3: SeaweedServer, tmp_path: Path
) -> None:
    app, owner = _database(pg)
    bucket = s3.make_bucket(unique("migrate", "-"))
    team = tmp_path / "team"
    checkpoint = tmp_path / "before.txt"
    checkpoint.write_text(ok("checkpoint", vault=local).out)
    moved = ok(
        "migrate", "--into", team, "--to", app, "--db-owner", owner,
        "--objects", f"s3://{bucket}/case-7", "--s3-endpoint", s3.endpoint, "--retention-days", str(RETENTION_DAYS),
        "--json", vault=local, env=s3.env(),
    ).json()  # fmt: skip
    assert moved["verify"]["ok"] is True, moved["verify"]["problems"]
    marker = json.loads((team / "VAULT.json").read_text())
    assert marker["ledger"] == {"backend": "postgresql", "dsn": app}
    assert marker["objects"]["backend"] == "s3" and not (team / "objects").exists()
    assert _rows(team) == _rows(local)
    assert _checkpoints(team) == _checkpoints(local)
    admin = s3.client(s3.admin)
    for name, data in object_files(local).items():
        digest = Path(name).name
        key = f"case-7/sha256/{digest[:2]}/{digest}"
        assert admin.get_object(Bucket=bucket, Key=key)["Body"].read() == data
        assert admin.get_object_retention(Bucket=bucket, Key=key)["Retention"]["Mode"] == "COMPLIANCE"
    assert ok("verify", "--against", checkpoint, vault=team, env=s3.env()).code == 0
    # The team goes on writing; then the whole archive goes back to a local folder, for a court.
    ok("ingest", *make_articles(tmp_path / "team-new", 3), vault=team, env=s3.env())
    team_checkpoint = tmp_path / "team.txt"
    team_checkpoint.write_text(ok("checkpoint", vault=team, env=s3.env()).out)
    offline = tmp_path / "offline"
    back = ok("migrate", "--into", offline, "--json", vault=team, env=s3.env()).json()
    assert back["verify"]["ok"] is True, back["verify"]["problems"]
    assert _rows(offline) == _rows(team)
    assert _rows(offline)[: len(_rows(local))] == _rows(local)
    for name, data in object_files(offline).items():
        assert hashlib.sha256(data).hexdigest() == Path(name).name
    assert len(object_files(offline)) == back["objects"] == len(object_files(local)) + 3
    for proof in (checkpoint, team_checkpoint):
        assert ok("verify", "--against", proof, vault=offline).code == 0
    # The web archive's record index came along: its pages are there to show and cite.
    warc = hashlib.sha256((local.parent / "site.warc.gz").read_bytes()).hexdigest()
    for home in (team, offline):
        assert "Dam holds" in ok("show", f"{warc}#https://news.example/b", vault=home, env=s3.env()).out


def test_a_copy_cut_short_before_its_marker_is_finished_by_running_it_again(
    local: Path, pg: PgServer, tmp_path: Path
) -> None:
    app, owner = _database(pg)
    team = tmp_path / "team"
    ok("migrate", "--into", team, "--to", app, "--db-owner", owner, vault=local)
    (team / "VAULT.json").unlink()  # as if the copy had died after its ledger committed
    again = ok("migrate", "--into", team, "--to", app, "--json", vault=local).json()
    assert again["verify"]["ok"] is True
    assert _rows(team) == _rows(local)


def test_a_database_holding_another_ledger_is_refused(local: Path, pg: PgServer, tmp_path: Path) -> None:
    app, owner = _database(pg)
    ok("init", "--db", app, "--db-owner", owner, vault=tmp_path / "other")
    result = run("migrate", "--into", tmp_path / "team", "--to", app, vault=local)
    assert_one_error_line(result)
    assert "already holds" in result.err
    assert not (tmp_path / "team" / "VAULT.json").exists()
    assert not object_files(tmp_path / "team")  # refused before any object was copied
    before = _rows(tmp_path / "other")
    assert len(before) == 1  # the other vault's key entry, untouched
