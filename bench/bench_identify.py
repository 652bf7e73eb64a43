"""Media-type identification: CPU per file of `identify` beside libmagic's full call, on the same heads.

Prints figures; asserts nothing. Groups: 1,000 generated news articles of ~4 KB (the ingest
target's workload, from bench/corpus.py), the seeds, the real pages of ../shared/corpus (gzipped
ones decompressed) and the test fixtures. Each file's first 64 KiB is identified `--reps` times
by each side (after a warm-up, so loading libmagic's rules is not counted); a file's figure is its
fastest run, in CPU time of this one thread. "same" counts files where both sides give the same
media type and charset; the paths say which step of `identify` decided.
`--texts DIR` adds the text files under DIR (up to `--limit`, at most 40 of each file extension):
how often `identify` agrees with the full call there, and where it does not (how the pre-filter in
front of libmagic's text rules was checked, e.g. on /usr/share and /usr/lib).
Run: `.venv/bin/python -m bench.bench_identify [--reps N] [--articles N] [--texts DIR]`.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import magic

from archive.extract.identify import HEAD_BYTES, identify, libmagic_version
from bench.corpus import write_articles

REPO = Path(__file__).resolve().parent.parent


def corpus_pages() -> list[Path]:
    for parent in REPO.parents:
        if (parent / "shared" / "corpus").is_dir():
            return sorted((parent / "shared" / "corpus").glob("*/html/*"))
    return []


def head_of(path: Path) -> bytes:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data)[:HEAD_BYTES]


def cpu_per_file(heads: list[tuple[bytes, str]], run: Callable[[bytes, str], Any], reps: int) -> list[float]:
    """Each file's fastest CPU time over `reps` runs, in microseconds."""
    best = [float("inf")] * len(heads)
    for _ in range(reps):
        for i, (head, name) in enumerate(heads):
            start = time.thread_time_ns()
            run(head, name)
            best[i] = min(best[i], (time.thread_time_ns() - start) / 1000)
    return best


def split(answer: str) -> tuple[str, str | None]:
    media_type, _, params = answer.partition(";")
    charset = params.strip().removeprefix("charset=")
    return media_type.strip(), None if charset in ("", "binary") else charset


def report(label: str, heads: list[tuple[bytes, str]], reps: int, full: Any) -> None:
    if not heads:
        print(f"{label}: none found")
        return
    ours = cpu_per_file(heads, identify, reps)
    theirs = cpu_per_file(heads, lambda head, _name: full.from_buffer(head), reps)
    results = [identify(head, name) for head, name in heads]
    same = sum(
        (r.media_type, r.charset) == split(full.from_buffer(h)) for r, (h, _) in zip(results, heads, strict=True)
    )
    by_path: dict[str, list[float]] = collections.defaultdict(list)
    for result, us in zip(results, ours, strict=True):
        by_path[result.signals["path"]].append(us)
    size = statistics.mean(len(h) for h, _ in heads) / 1024
    print(f"\n{label}: {len(heads)} files, mean head {size:.1f} KiB")
    print(f"  identify      mean {statistics.mean(ours):8.1f} us   median {statistics.median(ours):8.1f} us")
    print(f"  full libmagic mean {statistics.mean(theirs):8.1f} us   median {statistics.median(theirs):8.1f} us")
    print(f"  full / identify (mean CPU): {statistics.mean(theirs) / statistics.mean(ours):.2f}x")
    print(f"  same answer as full libmagic: {same}/{len(heads)}")
    for path, times in sorted(by_path.items(), key=lambda kv: -len(kv[1])):
        print(f"    path {path:<11} {len(times):5} files, mean {statistics.mean(times):8.1f} us")


def text_files(root: Path, limit: int, full: Any) -> list[tuple[bytes, str]]:
    """Up to `limit` regular files under `root` that libmagic calls text, at most 40 per extension."""
    per_kind: collections.Counter[str] = collections.Counter()
    found: list[tuple[bytes, str]] = []
    for path in sorted(root.rglob("*")):
        if len(found) >= limit:
            break
        if path.is_symlink() or not path.is_file() or per_kind[path.suffix.lower()] >= 40:
            continue
        try:
            with path.open("rb") as f:
                head = f.read(HEAD_BYTES)
        except OSError:
            continue
        if split(full.from_buffer(head))[1] is not None:  # a charset: libmagic's text test says text
            per_kind[path.suffix.lower()] += 1
            found.append((head, str(path)))
    return found


def disagreements(heads: list[tuple[bytes, str]], full: Any) -> None:
    rows = collections.Counter[tuple[str, str, str]]()
    for head, name in heads:
        result, theirs = identify(head, name), split(full.from_buffer(head))
        if (result.media_type, result.charset) != theirs:
            rows[(theirs[0], result.media_type, result.signals["path"])] += 1
            print(f"    {name}: full {theirs[0]}, identify {result.media_type} ({result.signals['path']})")
    for (full_type, our_type, path), count in rows.most_common():
        print(f"  {count:5}  full {full_type} -> identify {our_type} (path {path})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=5, help="runs per file; the fastest counts (default 5)")
    parser.add_argument("--articles", type=int, default=1000, help="generated articles (default 1000)")
    parser.add_argument("--texts", type=Path, action="append", default=[], help="a tree of text files to compare on")
    parser.add_argument("--limit", type=int, default=5000, help="text files taken from each --texts tree")
    args = parser.parse_args()

    full = magic.Magic(mime=True, mime_encoding=True)  # the call archive/media.py makes today
    identify(b"warm up", "x.txt")
    full.from_buffer(b"warm up")
    print(f"libmagic {libmagic_version()}; CPU time of one thread, fastest of {args.reps} runs per file")

    with tempfile.TemporaryDirectory() as tmp:
        write_articles(Path(tmp), args.articles, tree=False)
        articles = [(p.read_bytes()[:HEAD_BYTES], p.name) for p in sorted(Path(tmp).iterdir())]
    report("generated articles", articles, args.reps, full)
    report(
        "seeds",
        [(p.read_bytes()[:HEAD_BYTES], p.name) for p in sorted((REPO / "seeds").glob("*.txt"))],
        args.reps,
        full,
    )
    report("corpus pages", [(head_of(p), p.name.removesuffix(".gz")) for p in corpus_pages()], args.reps, full)
    fixtures = sorted(p for p in (REPO / "tests" / "data").glob("*/*") if p.suffix not in (".json", ".py"))
    report("test fixtures", [(p.read_bytes()[:HEAD_BYTES], p.name) for p in fixtures], args.reps, full)
    for root in args.texts:
        texts = text_files(root, args.limit, full)
        report(f"text files under {root}", texts, 1, full)
        disagreements(texts, full)


if __name__ == "__main__":
    main()
