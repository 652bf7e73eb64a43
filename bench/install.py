"""The archive as users install it: a wheel built from this checkout, in a fresh venv outside it.

pip compiles every module of an installed wheel to .pyc, so start-up figures are what a user sees.
An editable install does not: under PYTHONDONTWRITEBYTECODE=1 (set in this environment) it
recompiles every archive module on every run, which makes its start-up figures meaningless.
`install` builds the wheel (`pip wheel --no-deps`), makes the venv (`python3 -m venv`) and installs
the wheel with its `bench` extra (bagit, the verify peer) under the pinned `constraints.txt`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BUILD_TIMEOUT = 600.0  # seconds; pip may download setuptools for the build
INSTALL_TIMEOUT = 1200.0


@dataclass(frozen=True)
class Installed:
    """An installed archive: its venv, the commands in it, and the wheel it came from."""

    venv: Path
    python: Path
    archive: Path
    bagit: Path
    wheel: str  # file name, "" when an existing venv was reused
    wheel_sha256: str
    package: Path  # where `import archive` resolves in that venv


class InstallError(RuntimeError):
    """Building or installing the wheel failed."""


def _run(argv: list[str], log: Path, timeout: float, cwd: Path | None = None) -> None:
    with log.open("ab") as out:
        out.write(("$ " + " ".join(argv) + "\n").encode())
        out.flush()
        try:
            done = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InstallError(f"{argv[0]} {argv[1]} ... ran over {timeout:.0f} s (log: {log})") from None
    if done.returncode != 0:
        raise InstallError(f"{' '.join(argv[:4])} ... exited {done.returncode} (log: {log})")


def _python3() -> str:
    found = shutil.which("python3")
    if found is None:
        raise InstallError("python3 is not on PATH")
    return found


def _remove_venv(venv: Path) -> None:
    """Remove a previous venv, refusing a directory that is not one (never delete what we did not make)."""
    if not venv.exists():
        return
    if not (venv / "pyvenv.cfg").is_file():
        raise InstallError(f"{venv} exists and is not a venv; give another --venv")
    shutil.rmtree(venv)


def install(project: Path, venv: Path, log: Path, *, reuse: bool = False) -> Installed:
    """Build the wheel of `project` and install it into a fresh venv at `venv` (outside `project`)."""
    project, venv = project.resolve(), venv.absolute()
    if venv.resolve().is_relative_to(project):
        raise InstallError(f"the venv must be outside the checkout ({project}), not {venv}")
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    wheel, digest = "", ""
    if not (reuse and (venv / "bin" / "archive").is_file()):
        _remove_venv(venv)
        with tempfile.TemporaryDirectory(prefix="archive-wheel-") as tmp:
            _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp, str(project)], log, BUILD_TIMEOUT)
            [built] = sorted(Path(tmp).glob("archive-*.whl"))
            wheel = built.name
            digest = hashlib.sha256(built.read_bytes()).hexdigest()
            _run([_python3(), "-m", "venv", str(venv)], log, INSTALL_TIMEOUT)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-c", str(project / "constraints.txt")]
            _run([*pip, f"{built}[bench]"], log, INSTALL_TIMEOUT)
    return _check(venv, log, wheel, digest)


def _check(venv: Path, log: Path, wheel: str, digest: str) -> Installed:
    """The installed archive is the one imported, compiled, with its commands in place."""
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [str(python), "-c", "import archive; print(archive.__file__)"],
        capture_output=True,
        text=True,
        cwd=venv,  # not the checkout: `import archive` must find the installed package
        env=env,
        timeout=120,
        check=False,
    )
    if where.returncode != 0:
        raise InstallError(f"the installed archive does not import: {where.stderr.strip()[-300:]}")
    package = Path(where.stdout.strip()).parent
    if not package.is_relative_to(venv):
        raise InstallError(f"`import archive` in {venv} finds {package}, not the installed package")
    if not any((package / "cli" / "__pycache__").glob("app.*.pyc")):
        raise InstallError(f"{package} has no compiled .pyc files; start-up figures would be meaningless")
    tools = {name: venv / "bin" / name for name in ("archive", "bagit.py")}
    for name, path in tools.items():
        if not path.is_file():
            raise InstallError(f"{name} is missing from {venv}/bin (log: {log})")
    return Installed(venv, python, tools["archive"], tools["bagit.py"], wheel, digest, package)
