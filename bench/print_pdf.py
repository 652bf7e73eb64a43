"""The PDF a person gets by opening a saved page in a browser and printing it to PDF: what the archive
receives when someone keeps an article as "Save as PDF".

Chromium prints the page headless, as saved: scripts off (the page as its HTML states it, the same
view `bench/paste.py` copies), no network (a proxy on a closed port: nothing outside the file
loads), no header or footer lines (Chromium's default adds the print date and the file path, which
would be the printer's facts, not the page's). Each print has its own throw-away profile, so prints
can run side by side. The PDF's own dates are the print time: a trap for any extractor that reads a
PDF's CreationDate as a publication date.
Chromium draws a character no installed font has as an empty box, which a PDF's text then lacks:
pages in Chinese, Japanese, Korean, Thai or Burmese need fonts for those scripts (Debian:
`apt-get install fonts-noto-cjk fonts-noto-core`), or their prints hold no text to extract.
Printed PDFs are cached by the SHA-256 of the page, the Chromium version and the installed fonts
(`$XDG_CACHE_HOME/archive-bench/pdf/`), so a second evaluation does not print again.
Run: `python -m bench.print_pdf PAGE OUT.pdf` (a .gz page is decompressed first).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

TIMEOUT = 90  # seconds for one print: a page that takes longer is reported as not printed
CLOSED_PORT = 9  # the discard port: nothing listens on 127.0.0.1:9, so every fetch fails at once


@cache
def chromium() -> str | None:
    """The Chromium to print with: `$CHROMIUM`, else `chromium` or `chromium-browser` on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


@cache
def _version(binary: str) -> str:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=False)
    return done.stdout.strip() or "unknown"


@cache
def _fonts() -> str:
    """The installed fonts' files (fontconfig's list), which decide what a print can draw."""
    listing = shutil.which("fc-list")
    if listing is None:
        return ""
    done = subprocess.run([listing, "--format", "%{file}\n"], capture_output=True, text=True, timeout=30, check=False)
    return "\n".join(sorted(done.stdout.splitlines()))


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "archive-bench" / "pdf"


def print_pdf(page: Path, out: Path) -> bool:
    """Print the HTML file `page` to `out`; False when Chromium is missing or the print failed."""
    binary = chromium()
    if binary is None:
        return False
    key = hashlib.sha256(page.read_bytes() + _version(binary).encode() + _fonts().encode()).hexdigest()
    cached = _cache_dir() / f"{key}.pdf"
    if cached.is_file():
        shutil.copyfile(cached, out)
        return True
    # Chromium's crash reporter may still write into the profile as it is removed: not an error.
    with tempfile.TemporaryDirectory(prefix="print-pdf-", ignore_cleanup_errors=True) as profile:
        target = Path(profile) / "out.pdf"
        command = [
            binary,
            "--headless=new",
            "--no-sandbox",  # runs as root in CI containers, where Chromium's sandbox cannot start
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-javascript",
            "--no-pdf-header-footer",
            f"--proxy-server=127.0.0.1:{CLOSED_PORT}",
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return False
        if not target.is_file() or target.stat().st_size == 0:
            return False
        cached.parent.mkdir(parents=True, exist_ok=True)
        staged = cached.with_suffix(".tmp")
        shutil.copyfile(target, staged)
        os.replace(staged, cached)
        shutil.copyfile(target, out)
    return True


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: python -m bench.print_pdf PAGE OUT.pdf")
    from bench.paste import read_page

    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "page.html"
        page.write_bytes(read_page(Path(sys.argv[1])))
        if not print_pdf(page, Path(sys.argv[2])):
            sys.exit("error: not printed (no Chromium, or the print failed)")


if __name__ == "__main__":
    main()
