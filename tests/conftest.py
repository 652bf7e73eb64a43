"""Shared fixtures: paths to the repository's seeds and to the public test vectors, and the ledger
backends (tests/backends.py) a test that takes `backend` runs on: SQLite, and PostgreSQL on a test
server started only when a PostgreSQL-parametrised test first needs it (one per xdist worker)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backends import BACKENDS, IDS, Backend, PostgresBackend, SQLiteBackend

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def vectors_dir() -> Path:
    """The public vectors: `../shared/vectors` beside the checkout, else the copy in `tests/vectors`."""
    shared = REPO.parent / "shared" / "vectors"
    return shared if shared.is_dir() else REPO / "tests" / "vectors"


@pytest.fixture(scope="session")
def vectors() -> Path:
    return vectors_dir()


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a threat to the SQLite file itself (runs on sqlite alone)")
    config.addinivalue_line("markers", "pg_only: a threat's PostgreSQL form (runs on postgresql alone)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that takes `backend` (directly or through a fixture) runs once per backend, unless
    it is marked for one of them."""
    if "backend" not in metafunc.fixturenames:
        return
    names = list(BACKENDS)
    if metafunc.definition.get_closest_marker("sqlite_only"):
        names = ["sqlite"]
    elif metafunc.definition.get_closest_marker("pg_only"):
        names = ["postgresql"]
    metafunc.parametrize("backend", names, ids=[IDS[n] for n in names], indirect=True, scope="session")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One PostgreSQL 15 server per test process (tests/pg_server.py), started when first asked for;
    each test makes its own databases on it (names from `helpers.unique`)."""
    from pg_server import PgServer

    server = PgServer(tmp_path_factory.mktemp("pg-secrets"))
    try:
        server.start()
        yield server
    finally:
        # Immediate shutdown: the cluster is thrown away, so the checkpoint of a fast one (every
        # database the tests copied) is work for nothing.
        server.stop(mode=signal.SIGQUIT)
        server.destroy()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[Any]:
    """One SeaweedFS S3 server per test process (tests/s3_server.py), started when first asked for;
    each test makes its own buckets on it (names from `helpers.unique`)."""
    from s3_server import SeaweedServer

    server = SeaweedServer()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Backend:
    """The ledger backend this run of the test uses (the server is asked for only on postgresql)."""
    if request.param == "sqlite":
        return SQLiteBackend()
    return PostgresBackend(request.getfixturevalue("pg_server"))


@pytest.fixture(autouse=True)
def _drop_test_databases(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a PostgreSQL test, the databases it made go (those of module fixtures, made before it, stay)."""
    if "backend" not in request.fixturenames or getattr(request.node, "callspec", None) is None:
        yield
        return
    chosen = request.getfixturevalue("backend")
    if not isinstance(chosen, PostgresBackend):
        yield
        return
    mark = len(chosen.made)
    yield
    chosen.drop_since(mark)
