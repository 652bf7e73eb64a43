"""Bad input is refused with one `error:` line and the right exit code, and changes nothing, on each
ledger backend."""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable
from itertools import count
from pathlib import Path

import pytest
from backends import Backend, PostgresBackend
from helpers import (
    Snapshot,
    article,
    assert_one_error_line,
    is_root,
    ok,
    run,
    seed_files,
    tmp_leftovers,
    unreadable_to_cli,
    write_bytes,
    write_text,
)

from archive.service.verify import verify_vault

Case = Callable[[Path], list[str | Path]]
State = tuple[Snapshot, dict[str, bytes]]


@pytest.fixture(scope="module")
def pristine(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = backend.make(tmp_path_factory.mktemp("pristine") / "vault")
    ok("ingest", *seed_files(), vault=vault)
    return vault


@pytest.fixture
def vault(backend: Backend, pristine: Path, tmp_path: Path) -> Path:
    return backend.copy_vault(pristine, tmp_path / "vault")


def files_of(vault: Path) -> dict[str, bytes]:
    """Every file in the vault with its bytes (SQLite's transient -wal and -shm files aside)."""
    return {
        str(p.relative_to(vault)): p.read_bytes()
        for p in sorted(vault.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def state(backend: Backend, vault: Path) -> State:
    return backend.snapshot(vault), files_of(vault)


def assert_refused(backend: Backend, result_code: int, vault: Path, before: State) -> None:
    """The vault is exactly as it was, verifies, and holds no staging leftovers."""
    assert state(backend, vault) == before
    assert verify_vault(vault).codes() == []
    assert tmp_leftovers(vault) == []
    assert result_code != 0


def good_file(directory: Path) -> Path:
    """A perfectly acceptable new file, given alongside the bad input: it must not be ingested either."""
    return write_text(directory / "good.txt", article("good"))


# ---- ingest cases: each returns the arguments after `ingest` ----------------------------------


def missing_path(d: Path) -> list[str | Path]:
    return [good_file(d), d / "no-such-file.txt"]


def empty_file(d: Path) -> list[str | Path]:
    return [good_file(d), write_bytes(d / "empty.txt", b"")]


def binary_data(d: Path) -> list[str | Path]:
    return [good_file(d), write_bytes(d / "noise.bin", random.Random(42).randbytes(4096))]


def file_name_not_utf8(d: Path) -> list[str | Path]:
    named = os.fsdecode(os.path.join(os.fsencode(d), b"caf\xe9.txt"))
    write_bytes(Path(named), b"An article saved under a Latin-1 file name.\n")
    return [good_file(d), d]


def _private_key_bytes(form: str) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    fmt = serialization.PrivateFormat.OpenSSH if form == "openssh" else serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())


def private_key_openssh(d: Path) -> list[str | Path]:
    """A copy of a signing key, in the vault's own key format (a red-team pass ingested one)."""
    return [good_file(d), write_bytes(d / "copy-of-signing.key", _private_key_bytes("openssh"))]


def private_key_pem_in_a_folder_raw(d: Path) -> list[str | Path]:
    good_file(d)
    write_bytes(d / "server.pem", b"\n" + _private_key_bytes("pkcs8"))
    return [d, "--raw"]  # --raw stores unidentified bytes; it never lets a private key in


def private_key_pgp(d: Path) -> list[str | Path]:
    block = b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF...\n-----END PGP PRIVATE KEY BLOCK-----\n"
    return [good_file(d), write_bytes(d / "secring.asc", block)]


def fifo(d: Path) -> list[str | Path]:
    os.mkfifo(d / "pipe.txt")
    return [good_file(d), d / "pipe.txt"]


def dangling_symlink(d: Path) -> list[str | Path]:
    (d / "link.txt").symlink_to(d / "gone.txt")
    return [good_file(d), d / "link.txt"]


def malformed_json_sidecar(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_text(d / "meta.json", '{"outlet": "People",')]


def malformed_yaml_sidecar(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_text(d / "meta.yaml", "outlet: [People\ntitle: {unclosed\n")]


def sidecar_nested_too_deeply_json(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_text(d / "meta.json", "[" * 100_000 + "]" * 100_000)]


def sidecar_nested_too_deeply_yaml(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_text(d / "meta.yaml", "outlet: " + "[" * 100_000 + "]" * 100_000)]


def sidecar_not_a_mapping(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_text(d / "meta.yaml", "- just\n- a list\n")]


def sidecar_unknown_field(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_text(d / "meta.json", json.dumps({"publisher": "People"}))]


def sidecar_unknown_field_for_one_file(d: Path) -> list[str | Path]:
    meta = {"items": {"good.txt": {"publisher": "People"}}}
    return [good_file(d), "--meta", write_text(d / "meta.json", json.dumps(meta))]


def sidecar_names_another_file(d: Path) -> list[str | Path]:
    meta = {"items": {"not-being-ingested.txt": {"title": "Elsewhere"}}}
    return [good_file(d), "--meta", write_text(d / "meta.json", json.dumps(meta))]


def sidecar_invalid_date(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_text(d / "meta.yaml", "published: '2022-13-45'\n")]


def sidecar_missing(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", d / "no-such-meta.yaml"]


def sidecar_not_utf8(d: Path) -> list[str | Path]:
    return [good_file(d), "--meta", write_bytes(d / "meta.yaml", "outlet: Le Caf\u00e9\n".encode("latin-1"))]


def invalid_date(d: Path) -> list[str | Path]:
    return [good_file(d), "--published", "2022-13-45"]


def date_without_zone(d: Path) -> list[str | Path]:
    return [good_file(d), "--published", "2022-03-23T09:15:00"]


def invalid_url(d: Path) -> list[str | Path]:
    return [good_file(d), "--url", "ftp://example.org/story"]


def invalid_credit(d: Path) -> list[str | Path]:
    return [good_file(d), "--credit", " / "]


def empty_actor(d: Path) -> list[str | Path]:
    return [good_file(d), "--actor", "   "]


INGEST_CASES: list[Case] = [
    missing_path,
    empty_file,
    binary_data,
    file_name_not_utf8,
    fifo,
    dangling_symlink,
    private_key_openssh,
    private_key_pem_in_a_folder_raw,
    private_key_pgp,
    malformed_json_sidecar,
    malformed_yaml_sidecar,
    sidecar_nested_too_deeply_json,
    sidecar_nested_too_deeply_yaml,
    sidecar_not_a_mapping,
    sidecar_unknown_field,
    sidecar_unknown_field_for_one_file,
    sidecar_names_another_file,
    sidecar_invalid_date,
    sidecar_missing,
    sidecar_not_utf8,
    invalid_date,
    date_without_zone,
    invalid_url,
    invalid_credit,
]


@pytest.mark.parametrize("case", INGEST_CASES, ids=lambda c: c.__name__)
def test_bad_ingest_changes_nothing(backend: Backend, vault: Path, tmp_path: Path, case: Case) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    args = case(inputs)
    before = state(backend, vault)
    result = run("ingest", *args, vault=vault)
    assert_one_error_line(result, 3)
    assert_refused(backend, result.code, vault, before)


# Where the vault does not exist yet, a refused ingest must not leave one behind.
NO_VAULT_CASES: list[Case] = [
    missing_path,
    empty_file,
    binary_data,
    file_name_not_utf8,
    malformed_yaml_sidecar,
    sidecar_unknown_field,
    sidecar_invalid_date,
    invalid_date,
    invalid_url,
]


@pytest.mark.parametrize("case", NO_VAULT_CASES, ids=lambda c: c.__name__)
def test_bad_ingest_creates_no_vault(tmp_path: Path, case: Case) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    args = case(inputs)
    target = tmp_path / "new-vault"
    result = run("ingest", *args, vault=target)
    assert_one_error_line(result, 3)
    assert not target.exists(), sorted(str(p) for p in target.rglob("*"))


def test_empty_actor_is_a_usage_error(backend: Backend, vault: Path, tmp_path: Path) -> None:
    before = state(backend, vault)
    result = run("ingest", *empty_actor(tmp_path), vault=vault)
    assert_one_error_line(result, 2)
    assert_refused(backend, result.code, vault, before)


def test_unreadable_file_in_a_directory(backend: Backend, vault: Path, tmp_path: Path) -> None:
    directory = tmp_path / "clippings"
    write_text(directory / "a-good.txt", article("a good one"))
    locked = write_text(directory / "b-locked.txt", article("locked"))
    write_text(directory / "c-good.txt", article("another good one"))
    locked.chmod(0)
    try:
        if not unreadable_to_cli(locked):
            pytest.skip("this system lets the CLI read a chmod 000 file even without CAP_DAC_*")
        before = state(backend, vault)
        result = run("ingest", directory, vault=vault, honour_modes=True)
        assert_one_error_line(result, 3)
        assert_refused(backend, result.code, vault, before)
        fresh = tmp_path / "new-vault"
        result = run("ingest", directory, vault=fresh, honour_modes=True)
        assert_one_error_line(result, 3)
        assert not fresh.exists()
    finally:
        locked.chmod(0o644)


def test_unreadable_directory_inside_a_directory(backend: Backend, vault: Path, tmp_path: Path) -> None:
    directory = tmp_path / "clippings"
    write_text(directory / "a-good.txt", article("good, beside a locked folder"))
    inner = directory / "locked"
    write_text(inner / "hidden-away.txt", article("behind a locked folder"))
    inner.chmod(0)
    try:
        if not unreadable_to_cli(inner / "hidden-away.txt"):
            pytest.skip("this system lets the CLI read a chmod 000 directory even without CAP_DAC_*")
        before = state(backend, vault)
        result = run("ingest", directory, vault=vault, honour_modes=True)
        assert_one_error_line(result, 3)
        assert_refused(backend, result.code, vault, before)
    finally:
        inner.chmod(0o755)


def test_root_can_drop_its_read_override(tmp_path: Path) -> None:
    """The helper the unreadable-file tests rely on really takes root's override away."""
    locked = write_text(tmp_path / "locked.txt", "secret\n")
    locked.chmod(0)
    assert unreadable_to_cli(locked) or not is_root()
    locked.chmod(0o644)
    assert not unreadable_to_cli(locked)


# ---- usage errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["ingest", "--no-such-option", "GOOD"],
        ["ingest"],
        ["ingest", "GOOD", "--batch-size", "0"],
        ["show"],
        ["no-such-command"],
        ["log", "--limit", "0"],
        ["ingest", "GOOD", "--note", os.fsdecode(b"caf\xe9")],
        ["ingest", "GOOD", "--actor", os.fsdecode(b"caf\xe9")],
    ],
    ids=[
        "unknown-option",
        "missing-paths",
        "batch-size-zero",
        "missing-id",
        "unknown-command",
        "limit-zero",
        "note-not-utf8",
        "actor-not-utf8",
    ],
)
def test_usage_errors(backend: Backend, vault: Path, tmp_path: Path, args: list[str]) -> None:
    good = good_file(tmp_path)
    before = state(backend, vault)
    words = [str(good) if a == "GOOD" else a for a in args]
    result = run(*words, vault=vault)
    assert_one_error_line(result, 2)
    assert_refused(backend, result.code, vault, before)


# ---- ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize("wanted", ["deadbeef", "0000000000000000", "zzzz", "bc8"], ids=str)
def test_show_of_an_unknown_or_invalid_id(backend: Backend, vault: Path, wanted: str) -> None:
    before = state(backend, vault)
    result = run("show", wanted, vault=vault)
    assert_one_error_line(result, 3)
    assert_refused(backend, result.code, vault, before)


def colliding_texts(prefix_digits: int = 4) -> tuple[str, str, str]:
    """Two article texts whose SHA-256 share their first hex digits, and that prefix."""
    seen: dict[str, str] = {}
    for n in count():
        text = article(f"collision-{n}")
        prefix = hashlib.sha256(text.encode()).hexdigest()[:prefix_digits]
        if prefix in seen:
            return seen[prefix], text, prefix
        seen[prefix] = text
    raise AssertionError("unreachable")


def test_show_of_an_ambiguous_prefix(backend: Backend, vault: Path, tmp_path: Path) -> None:
    first, second, prefix = colliding_texts()
    one = write_text(tmp_path / "one.txt", first)
    two = write_text(tmp_path / "two.txt", second)
    ids = [i["item"] for i in ok("ingest", one, two, "--json", vault=vault).json()["items"]]
    assert all(i.startswith(prefix) for i in ids) and len(set(ids)) == 2
    before = state(backend, vault)
    result = run("show", prefix, vault=vault)
    assert_one_error_line(result, 3)
    assert_refused(backend, result.code, vault, before)
    assert ok("show", ids[1], "--json", vault=vault).json()["id"] == ids[1]


# ---- damaged vaults ---------------------------------------------------------------------------


def garbage_database(backend: Backend, vault: Path) -> None:
    """The ledger database ruined: SQLite's file overwritten with noise, PostgreSQL's database dropped."""
    if isinstance(backend, PostgresBackend):
        backend.drop_database(vault)
        return
    for leftover in ("ledger.sqlite-wal", "ledger.sqlite-shm"):
        (vault / leftover).unlink(missing_ok=True)
    (vault / "ledger.sqlite").write_bytes(random.Random(3).randbytes(16384))


def missing_marker(backend: Backend, vault: Path) -> None:
    (vault / "VAULT.json").unlink()


def foreign_marker(backend: Backend, vault: Path) -> None:
    (vault / "VAULT.json").write_text('{"format": "archive-vault", "version": 99}\n')


@pytest.mark.parametrize("damage", [garbage_database, missing_marker, foreign_marker], ids=lambda f: f.__name__)
def test_ingest_into_a_damaged_vault(
    backend: Backend, vault: Path, tmp_path: Path, damage: Callable[[Backend, Path], None]
) -> None:
    damage(backend, vault)
    before = files_of(vault)
    result = run("ingest", good_file(tmp_path), vault=vault)
    assert_one_error_line(result, 3)
    assert files_of(vault) == before


@pytest.mark.parametrize("command", [["list"], ["log"], ["show", "bc8e0b24"]], ids=lambda c: c[0])
def test_reading_a_damaged_vault(backend: Backend, vault: Path, command: list[str]) -> None:
    garbage_database(backend, vault)
    before = files_of(vault)
    result = run(*command, vault=vault)
    assert_one_error_line(result, 3)
    assert files_of(vault) == before


@pytest.mark.parametrize("command", ["list", "log", "verify", "show"])
def test_commands_on_no_vault(tmp_path: Path, command: str) -> None:
    target = tmp_path / "nothing-here"
    args = [command, "bc8e0b24"] if command == "show" else [command]
    result = run(*args, vault=target)
    assert_one_error_line(result, 3)
    assert not target.exists()


def test_ingest_into_a_directory_that_is_not_a_vault(tmp_path: Path) -> None:
    target = tmp_path / "somewhere"
    write_text(target / "precious.txt", "not a vault\n")
    result = run("ingest", good_file(tmp_path), vault=target)
    assert_one_error_line(result, 3)
    assert sorted(p.name for p in target.iterdir()) == ["precious.txt"]


def test_a_tree_deeper_than_the_recursion_limit_is_walked(vault: Path, tmp_path: Path) -> None:
    import sys

    root = tmp_path / "deep"
    root.mkdir()
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(sys.getrecursionlimit() + 100):  # one level at a time: pathlib's mkdir recurses
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = inner
    leaf = os.open("article.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(leaf, b"A story filed from the bottom of a very deep folder.\n")
    os.close(leaf)
    os.close(fd)
    try:
        result = ok("ingest", root, "--json", vault=vault)
        (item,) = result.json()["items"]
        assert item["name"].endswith("d/d/article.txt")
        assert verify_vault(vault)
    finally:
        _remove_deep(root)


def _remove_deep(root: Path) -> None:
    """Remove the chain of `d` directories a level at a time (shutil.rmtree recurses, and so would
    pytest's own clean-up of old temporary directories)."""
    import shutil

    top = root / "d"
    while (top / "d").is_dir():
        (top / "d").rename(root / "next")
        shutil.rmtree(top)
        (root / "next").rename(top)
    shutil.rmtree(root)


def test_manifest_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = write_text(tmp_path / "manifest.json", "[" * 100_000 + "]" * 100_000)
    assert_one_error_line(run("verify-manifest", path), 3)


def test_actor_from_the_environment_must_be_text(backend: Backend, vault: Path, tmp_path: Path) -> None:
    before = state(backend, vault)
    result = run("ingest", good_file(tmp_path), vault=vault, env={"ARCHIVE_ACTOR": os.fsdecode(b"caf\xe9")})
    assert_one_error_line(result, 2)
    assert_refused(backend, result.code, vault, before)


def test_special_files_in_a_directory_are_skipped_unopened(vault: Path, tmp_path: Path) -> None:
    import socket

    directory = tmp_path / "clippings"
    write_text(directory / "a.txt", article("beside a pipe"))
    os.mkfifo(directory / "pipe.txt")  # opening it for reading would block forever
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(directory / "sock.txt"))
        result = ok("ingest", directory, "--json", vault=vault)
    finally:
        listener.close()
    answer = result.json()
    assert [i["name"] for i in answer["items"]] == ["a.txt"]
    assert answer["skipped"] == 2
    text = ok("ingest", directory, vault=vault)
    assert "skipped 2 hidden files, links or special files" in text.out


def test_an_article_quoting_a_key_header_is_still_ingested(vault: Path, tmp_path: Path) -> None:
    text = article("keys") + "\nA key file starts with -----BEGIN OPENSSH PRIVATE KEY----- and ends...\n"
    result = ok("ingest", write_text(tmp_path / "howto.txt", text), "--json", vault=vault)
    assert result.json()["ingested"] == 1


def test_a_refused_private_key_is_named(vault: Path, tmp_path: Path) -> None:
    result = run("ingest", *private_key_openssh(tmp_path), vault=vault)
    assert_one_error_line(result, 3)
    assert "copy-of-signing.key: is a private key; private keys are never ingested" in result.err
