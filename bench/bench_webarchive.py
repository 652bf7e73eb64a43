"""Web archive indexing: records/s, pages/s, MB/s and peak RSS of `records(...)` over a large WACZ.

Prints figures; asserts nothing (the target is a 2 GB WACZ indexed in far under 150 MB RSS). The
WACZ is generated once and cached under ~/.cache/archive-bench/webarchive/: WARCs written with
warcio's WARCWriter (gzip per record) holding many HTML pages (some chunked and gzip-encoded) and
large incompressible image and binary payloads, packaged by the real `wacz create`. Each figure is
measured in a child process (its own peak RSS, from getrusage): `records` keeping the HTML pages
(spooled, read and deleted, as an ingest does), `read_package` (every member hashed), and, as the
peer, warcio's ArchiveIterator with check_digests reading every record's decoded content.
Run: `.venv/bin/python -m bench.bench_webarchive [--size MB] [--no-peer]` (about 5 minutes to
generate 2 GB the first time on 2 CPUs; `--size 200` for a quick run).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CACHE = Path.home() / ".cache" / "archive-bench" / "webarchive"
VERSION = 2  # bump when the generated content changes
WARCS = 4
BINARY_SHARE = 0.04  # of the records: large random payloads; the rest are HTML pages
WORDS = ["inquiry", "tribunal", "witness", "evidence", "Kyiv", "hearing", "report", "court", "archive", "record"]


def _page(rng: random.Random, n: int, title: str) -> bytes:
    paras = "".join("<p>" + " ".join(rng.choices(WORDS, k=rng.randint(40, 120))) + ".</p>" for _ in range(n))
    return f"<!doctype html><html><head><title>{title}</title></head><body>{paras}</body></html>".encode()


def _chunked(data: bytes, size: int = 8192) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def _write_warc(path: Path, target: int, seed: int, pages_out: Any) -> tuple[int, int]:
    """A WARC of about target bytes: pages (listed to pages_out) and large random payloads; (records, pages)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    count = pages = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench_webarchive"}))
        while out.tell() < target:
            count += 1
            uri = f"https://news.example/{seed}/{count}"
            if rng.random() >= BINARY_SHARE:
                pages += 1
                title = f"Hearing {seed}-{count}"
                pages_out.write(json.dumps({"url": uri, "title": title}) + "\n")
                body = _page(rng, rng.randint(5, 40), title)
                headers = [("Content-Type", "text/html; charset=utf-8")]
                if rng.random() < 0.2:
                    body = _chunked(gzip.compress(body, 6))
                    headers += [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
                else:
                    headers.append(("Content-Length", str(len(body))))
            else:
                kind = rng.choice(["image/jpeg", "image/png", "application/octet-stream", "video/mp4"])
                body = rng.randbytes(rng.randint(256 << 10, 4 << 20))
                headers = [("Content-Type", kind), ("Content-Length", str(len(body)))]
                uri += "." + kind.rsplit("/", 1)[-1]
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            writer.write_record(record)
    return count, pages


def generate(size_mb: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    wacz = CACHE / f"bench-{size_mb}m-v{VERSION}.wacz"
    if wacz.is_file():
        return wacz
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        start = time.monotonic()
        warcs = []
        pages_file = Path(tmp) / "pages.jsonl"
        with pages_file.open("w") as pages_out:
            pages_out.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Pages"}) + "\n")
            for i in range(WARCS):
                path = Path(tmp) / f"bench-{i}.warc.gz"
                made, pages = _write_warc(path, (size_mb << 20) // WARCS, i, pages_out)
                warcs.append(path)
                print(
                    f"  wrote {path.name}: {made} records ({pages} pages), {path.stat().st_size >> 20} MiB", flush=True
                )
        print(f"  WARCs written in {time.monotonic() - start:.0f} s; packaging with wacz create ...", flush=True)
        partial = Path(tmp) / wacz.name
        wacz_command = Path(sys.executable).parent / "wacz"
        subprocess.run(
            [str(wacz_command), "create", "-o", str(partial), *map(str, warcs), "--pages", str(pages_file)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        partial.rename(wacz)
        print(f"  generated in {time.monotonic() - start:.0f} s", flush=True)
    return wacz


def child_records(path: Path, spool_pages: bool = True, spool_dir: str | None = None) -> dict[str, Any]:
    from archive.webarchive.records import Record
    from archive.webarchive.wacz import records

    def keep(record: Record) -> bool:
        return spool_pages and record.content_type == "text/html"

    problems: list[Any] = []
    count = pages = spooled = 0
    with tempfile.TemporaryDirectory(dir=spool_dir) as spool:
        start = time.perf_counter()
        for ix in records(path, "application/wacz", spool_dir=Path(spool), keep=keep, problems=problems):
            count += 1
            if ix.record.content_type == "text/html":
                pages += 1
            if ix.content is not None:
                spooled += len(ix.content.read_bytes())  # what the HTML extractor would read
                ix.content.unlink()
        seconds = time.perf_counter() - start
    return {"records": count, "pages": pages, "spooled": spooled, "seconds": seconds, "problems": len(problems)}


def child_index(path: Path) -> dict[str, Any]:
    return child_records(path, spool_pages=False)


def child_package(path: Path) -> dict[str, Any]:
    from archive.webarchive.wacz import read_package

    start = time.perf_counter()
    package = read_package(path)
    return {"seconds": time.perf_counter() - start, "pages": len(package.pages), "problems": len(package.problems)}


def child_warcio(path: Path) -> dict[str, Any]:
    import zipfile

    from warcio.archiveiterator import ArchiveIterator

    count = failed = 0
    start = time.perf_counter()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.startswith("archive/"):
                continue
            with zf.open(name) as f:
                for record in ArchiveIterator(f, check_digests=True):
                    if record.rec_type not in ("response", "resource", "revisit"):
                        continue
                    count += 1
                    stream = record.content_stream()
                    while stream.read(1 << 20):
                        pass
                    failed += record.digest_checker.passed is False
    return {"records": count, "seconds": time.perf_counter() - start, "problems": failed}


def own_peak() -> int:
    """This process's peak RSS in bytes: VmHWM, which starts afresh at exec (getrusage's ru_maxrss
    would also count the process it was forked from)."""
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))


def child_ingest(path: Path) -> dict[str, Any]:
    """The whole `archive ingest` of the WACZ into a new vault, in this process (the CLI's own
    entry point): every page read by the sandboxed extractors, the rows kept, the entry appended;
    then `archive verify` of that vault (its peak RSS is this process's own after the ingest)."""
    import contextlib
    import io
    import resource
    import sqlite3

    from archive.cli.main import main as cli

    with tempfile.TemporaryDirectory() as where:
        vault = str(Path(where) / "vault")
        start = time.perf_counter()
        sys.argv = ["archive", "--vault", vault, "ingest", str(path)]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            cli()
        seconds = time.perf_counter() - start
        ingest_peak = own_peak()
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        with contextlib.closing(sqlite3.connect(Path(vault) / "ledger.sqlite")) as db:
            records, pages = db.execute(
                "SELECT count(*), sum(substr(media, 1, 9) = 'text/html') FROM record"
            ).fetchone()
            entry = db.execute("SELECT length(data) FROM ledger WHERE kind = 'ingest'").fetchone()[0]
        start = time.perf_counter()
        sys.argv = ["archive", "--vault", vault, "verify"]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            cli()
        verify = time.perf_counter() - start
    return {
        "seconds": seconds,
        "records": records,
        "pages": pages,
        "entry": entry,
        "ingest_peak": ingest_peak,
        "workers": workers,
        "verify": verify,
    }


CHILDREN = {
    "records": child_records,
    "index": child_index,
    "package": child_package,
    "warcio": child_warcio,
    "ingest": child_ingest,
}


def measure(kind: str, path: Path, spool_dir: str | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.bench_webarchive", "--child", kind, str(path)]
    out = subprocess.run(
        [*command, *(["--spool-dir", spool_dir] if spool_dir else [])], capture_output=True, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2048, help="WACZ size in MB (default 2048)")
    parser.add_argument("--no-peer", action="store_true", help="skip warcio's ArchiveIterator")
    parser.add_argument("--ingest", action="store_true", help="also the whole `archive ingest`, then `verify`")
    parser.add_argument("--spool-dir", help="where kept pages are spooled (default: the system's temporary directory)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child[0], Path(args.child[1])
        result = child_records(path, True, args.spool_dir) if kind == "records" else CHILDREN[kind](path)
        result["peak"] = own_peak()
        print(json.dumps(result))
        return
    wacz = generate(args.size)
    mb = wacz.stat().st_size / 1e6
    print(f"\n{wacz} ({mb:,.0f} MB)")
    r = measure("records", wacz, args.spool_dir)
    s = r["seconds"]
    print(
        f"  records(keep=HTML)  {r['records']:,} records in {s:.1f} s: {r['records'] / s:,.0f} records/s, "
        f"{r['pages'] / s:,.0f} pages/s, {mb / s:,.0f} MB/s; peak RSS {r['peak'] / 2**20:.0f} MiB "
        f"({r['spooled'] / 1e6:,.0f} MB spooled, {r['problems']} problems)"
    )
    n = measure("index", wacz)
    s = n["seconds"]
    print(
        f"  records(keep none)  {n['records']:,} records in {s:.1f} s: {n['records'] / s:,.0f} records/s, "
        f"{mb / s:,.0f} MB/s; peak RSS {n['peak'] / 2**20:.0f} MiB (indexed, nothing spooled)"
    )
    p = measure("package", wacz)
    print(
        f"  read_package        {p['seconds']:.1f} s: {mb / p['seconds']:,.0f} MB/s; peak RSS "
        f"{p['peak'] / 2**20:.0f} MiB ({p['pages']} pages, {p['problems']} problems)"
    )
    if not args.no_peer:
        w = measure("warcio", wacz)
        print(
            f"  warcio (peer)       {w['records']:,} records in {w['seconds']:.1f} s: "
            f"{w['records'] / w['seconds']:,.0f} records/s, {mb / w['seconds']:,.0f} MB/s; "
            f"peak RSS {w['peak'] / 2**20:.0f} MiB "
            f"(digests checked, content decoded; {w['problems']} failed)"
        )
        print(f"  ratio (warcio time / records(keep none) time): {w['seconds'] / s:.2f}")
    if args.ingest:
        i = measure("ingest", wacz)
        print(
            f"  archive ingest      {i['records']:,} records, {i['pages']:,} pages read in {i['seconds']:.1f} s: "
            f"{i['pages'] / i['seconds']:,.0f} pages/s, {mb / i['seconds']:,.0f} MB/s; peak RSS of the ingest "
            f"{i['ingest_peak'] / 2**20:.0f} MiB, largest worker {i['workers'] / 2**20:.0f} MiB; "
            f"ingest entry {i['entry']:,} bytes"
        )
        print(f"  archive verify      {i['verify']:.1f} s ({mb / i['verify']:,.0f} MB/s, the file read again)")


if __name__ == "__main__":
    main()
