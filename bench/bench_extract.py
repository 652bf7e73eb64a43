"""Extractor speed, in process: plain text per ~4 KB article, HTML pages per second.

Plain text: every seed (`seeds/*.txt`) and plain-text fixture (`tests/data/plaintext/*.txt`) is read
by `plaintext.extract` `--reps` times (1,000 by default, in 10 batches); prints µs of CPU per article
for each file, the fastest batch's and the mean, and their means over all files. HTML: every page of
the shared corpus (`../shared/corpus`, gzipped pages decompressed first, outside the timing) is read
once by `html.extract`; prints pages/s and the slowest pages. Figures only, no targets asserted:
ingest's budget is ~2 ms of CPU per article.

`--growth` also times made HTML pages of 0.6 to 6.3 MiB, in seconds per MiB (level where every
step is linear).

Run: `.venv/bin/python -m bench.bench_extract [--reps N] [--no-html] [--growth] [--corpus DIR]`.
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent.parent / "shared" / "corpus"


def _plaintext(reps: int) -> None:
    from archive.extract import plaintext

    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "data" / "plaintext").glob("*.txt"))
    batches = 10
    size = max(1, reps // batches)
    best_total = mean_total = 0.0
    print(f"plaintext.extract, {size * batches} repetitions each, CPU time per article in µs")
    print(f"  (best: the fastest of {batches} batches of {size}, the steadier figure when other work shares the CPUs)")
    print(f"  {'best':>8}  {'mean':>8}  {'bytes':>6}  file")
    for path in paths:
        data = path.read_bytes()
        plaintext.extract(data)  # warm: compiled patterns, caches
        times = []
        for _ in range(batches):
            start = time.process_time()
            for _ in range(size):
                plaintext.extract(data)
            times.append((time.process_time() - start) / size * 1e6)
        best, mean = min(times), sum(times) / len(times)
        best_total += best
        mean_total += mean
        print(f"  {best:8.1f}  {mean:8.1f}  {len(data):6d}  {path.relative_to(ROOT)}")
    print(f"  {best_total / len(paths):8.1f}  {mean_total / len(paths):8.1f}  mean over {len(paths)} articles")


def _pages(corpus: Path) -> list[tuple[str, bytes]]:
    pages = []
    for path in sorted(corpus.rglob("*.html")) + sorted(corpus.rglob("*.html.gz")):
        data = path.read_bytes()
        pages.append((str(path.relative_to(corpus)), gzip.decompress(data) if path.suffix == ".gz" else data))
    return pages


def _html(corpus: Path) -> None:
    from archive.extract import html

    pages = _pages(corpus)
    if not pages:
        print(f"html: no pages under {corpus}")
        return
    html.extract(pages[0][1])  # warm: imports of lxml, extruct, trafilatura, htmldate
    times: list[tuple[float, str]] = []
    start = time.process_time()
    for name, data in pages:
        one = time.process_time()
        html.extract(data)
        times.append((time.process_time() - one, name))
    spent = time.process_time() - start
    size = sum(len(data) for _, data in pages) / len(pages)
    print(f"html.extract over {len(pages)} pages (mean {size / 1024:.0f} KiB), CPU time")
    print(f"  {len(pages) / spent:8.1f} pages/s, {spent / len(pages) * 1e3:.1f} ms per page")
    for seconds, name in sorted(times, reverse=True)[:5]:
        print(f"  slowest: {seconds * 1e3:7.1f} ms  {name}")


_PARAGRAPH = "<p>The council met on Monday and voted to close the old bridge after engineers found cracks.</p>\n"


def _growth() -> None:
    """html.extract on made pages of growing size (a long menu, a headline, many paragraphs): the
    seconds per MiB stay level where every step is linear; a rising figure is a quadratic step."""
    from archive.extract import html

    menu = "<ul>" + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(2000)) + "</ul>"
    print("html.extract on made pages of growing size, CPU time (the worker's limit is 60 s a document)")
    for paragraphs in (5_000, 20_000, 60_000):
        body = menu + "<h1>Council closes the old bridge for repairs</h1>" + _PARAGRAPH * paragraphs
        data = f"<html><head><title>Bridge</title></head><body>{body}</body></html>".encode()
        start = time.process_time()
        html.extract(data)
        spent = time.process_time() - start
        mib = len(data) / (1 << 20)
        print(f"  {mib:6.1f} MiB  {spent:7.2f} s  {spent / mib:6.2f} s/MiB")


_BLOCK = "Council approves the new budget after a long night\n\nJane Doe\nJane Doe\n\nMarch 3, 2022\n\nShare\n\n"


def _text_growth() -> None:
    """plaintext.extract on made pastes of growing size, each block a headline, a name twice (an
    author's picture's text, then the name), a date and a share button: lines every rule asks
    about, so a rule that looks at the whole text for each line shows as rising seconds per MiB."""
    from archive.extract import plaintext

    print("plaintext.extract on made pastes of growing size, CPU time")
    for blocks in (1_000, 4_000, 16_000):
        data = (_BLOCK * blocks).encode()
        start = time.process_time()
        plaintext.extract(data)
        spent = time.process_time() - start
        mib = len(data) / (1 << 20)
        print(f"  {mib:6.2f} MiB  {spent:7.2f} s  {spent / mib:6.2f} s/MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000)
    parser.add_argument("--no-html", action="store_true")
    parser.add_argument("--growth", action="store_true", help="also time HTML pages and pastes of growing size")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    _plaintext(args.reps)
    if not args.no_html:
        _html(args.corpus)
    if args.growth:
        _growth()
        _text_growth()


if __name__ == "__main__":
    main()
