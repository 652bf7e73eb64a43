"""A throwaway PostgreSQL 15 server for tests: a cluster made by `initdb` in a temporary directory,
one server process started and stopped by its pid, an owner role, an app role and a database.

initdb refuses to run as root, so as root the server's programs run as the `postgres` OS user (the
process is started with that user id, so the pid we hold is the server's own). Passwords live only
in a pgpass file (mode 0600) named by the DSNs' `passfile` parameter, never in a vault.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import psycopg
from helpers import die_with_parent, stop_process
from psycopg import sql

BIN = Path(os.environ.get("ARCHIVE_PG_BIN", "/usr/lib/postgresql/15/bin"))
OWNER = "archive_owner"
APP = "archive_app"
DATABASE = "archive"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One cluster and its server process; `start()` makes the cluster on first use."""

    def __init__(self, secrets_dir: Path, *, fsync: bool = False) -> None:
        if not (BIN / "initdb").is_file() or not (BIN / "postgres").is_file():
            raise RuntimeError(f"PostgreSQL server binaries not found in {BIN} (Debian package postgresql-15)")
        self._as_root = os.geteuid() == 0
        self._user = pwd.getpwnam("postgres") if self._as_root else pwd.getpwuid(os.geteuid())
        # A directory the server's user owns: a pytest tmp_path (mode 0700, root's) is not reachable by it.
        self.base = Path(tempfile.mkdtemp(prefix="archive-pg-"))
        os.chown(self.base, self._user.pw_uid, self._user.pw_gid)
        self.data = self.base / "data"
        self.sockets = self.base / "sock"
        self.port = _free_port()
        self.passfile = secrets_dir / "pgpass"
        self._passwords = {name: secrets.token_hex(16) for name in ("postgres", OWNER, APP)}
        self.fsync = fsync  # off for tests (speed); on where commits must be durable (the benchmark)
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # ---- processes -----------------------------------------------------------------------

    def _as_server_user(self) -> dict[str, Any]:
        if not self._as_root:
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}

    def _initdb(self) -> None:
        pwfile = self.base / "pwfile"
        pwfile.write_text(self._passwords["postgres"] + "\n")
        pwfile.chmod(0o600)
        os.chown(pwfile, self._user.pw_uid, self._user.pw_gid)
        self.sockets.mkdir()
        os.chown(self.sockets, self._user.pw_uid, self._user.pw_gid)
        command = [str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--pwfile", str(pwfile)]
        command += ["--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"]
        done = subprocess.run(
            command, capture_output=True, timeout=120, cwd=self.base, check=False, **self._as_server_user()
        )
        pwfile.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
        self._write_passfile()

    def _write_passfile(self) -> None:
        fd = os.open(self.passfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            for role, password in self._passwords.items():
                out.write(f"127.0.0.1:*:*:{role}:{password}\n")  # any port: tests may relay connections

    def start(self) -> None:
        """Start the server (making the cluster and the roles the first time) and wait until it answers."""
        first = not self.data.exists()
        if first:
            self._initdb()
        self._log = (self.base / "server.log").open("ab")
        command = [str(BIN / "postgres"), "-D", str(self.data), "-k", str(self.sockets)]
        command += [
            "-c",
            "listen_addresses=127.0.0.1",
            "-p",
            str(self.port),
            "-c",
            f"fsync={'on' if self.fsync else 'off'}",
        ]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.base,
            preexec_fn=die_with_parent,  # after the switch to the server user, which would clear it
            **self._as_server_user(),
        )
        self._wait_ready()
        if first:
            self._make_roles()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                log = (self.base / "server.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the PostgreSQL server exited ({self.process.returncode}): {log}")
            try:
                with psycopg.connect(self.dsn("postgres", "postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self, *, mode: signal.Signals = signal.SIGINT) -> None:
        """Stop the server by its pid (SIGINT: fast shutdown, open sessions are rolled back)."""
        process, self.process = self.process, None
        if process is None:
            return
        stop_process(process, mode, STOP_TIMEOUT)
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    # ---- roles and connections -------------------------------------------------------------

    def dsn(self, role: str, database: str = DATABASE) -> str:
        """A libpq URI for `role`: no password in it, only the pgpass file's name."""
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}?passfile={self.passfile}&connect_timeout=10"

    def _make_roles(self) -> None:
        with psycopg.connect(self.dsn("postgres", "postgres"), autocommit=True) as conn:
            for role in (OWNER, APP):
                password = sql.Literal(self._passwords[role])
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), password))
        self.fresh_database(DATABASE)

    def fresh_database(self, name: str) -> None:
        """A new empty database owned by the owner role (each test its own ledger)."""
        ident = sql.Identifier
        with psycopg.connect(self.dsn("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0 STRATEGY FILE_COPY").format(
                    ident(name), ident(OWNER)
                )
            )
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(ident(name)))
            conn.execute(
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(ident(name), ident(OWNER), ident(APP))
            )
        with psycopg.connect(self.dsn("postgres", name), autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(ident(OWNER)))
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
