"""Metadata sidecars are read as text and with limits: a bad value is named, never a crash or a hang.

Regression: an unquoted `published: 2022-02-30` in a YAML sidecar was `internal error: ValueError`
(YAML's date resolver raised before the value could be checked as a date).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import assert_one_error_line, ok, run, seed_files, write_text


def test_an_impossible_yaml_date_is_named(tmp_path: Path) -> None:
    meta = write_text(tmp_path / "meta.yaml", "published: 2022-02-30\n")
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v")
    assert_one_error_line(result, 3)
    assert "published" in result.err and "2022-02-30" in result.err
    assert not (tmp_path / "v").exists()


def test_yaml_dates_and_times_are_kept_as_written(tmp_path: Path) -> None:
    meta = write_text(tmp_path / "meta.yaml", "published: 2022-03-23T09:15:00-04:00\nmodified: 2022-03\n")
    ok("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v")
    item = ok("list", "--json", vault=tmp_path / "v").json()[0]
    assert item["metadata"]["current"]["published"] == "2022-03-23T09:15:00-04:00"
    assert item["metadata"]["current"]["modified"] == "2022-03"


def test_a_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    meta = write_text(tmp_path / "laughs.yaml", "\n".join(lines) + "\n")
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v", timeout=60)
    assert_one_error_line(result, 3)
    assert "too large" in result.err


def test_duplicate_keys_in_a_json_sidecar_are_refused(tmp_path: Path) -> None:
    meta = write_text(tmp_path / "meta.json", '{"outlet": "A", "outlet": "B"}\n')
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v")
    assert_one_error_line(result, 3)
    assert "duplicate" in result.err


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_sidecar_that_is_not_a_regular_file_is_refused_without_reading(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        meta = tmp_path / "meta.yaml"
        os.mkfifo(meta)
    elif kind == "device":
        meta = Path("/dev/zero")
    else:
        meta = tmp_path / "meta.d"
        meta.mkdir()
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v", timeout=30)
    assert_one_error_line(result, 3)
    assert "not a regular file" in result.err


@pytest.mark.parametrize(
    "text",
    ["outlet: A\noutlet: B\n", "items:\n  a.txt: {title: x}\n  a.txt: {title: y}\n"],
    ids=["top", "items"],
)
def test_duplicate_keys_in_a_yaml_sidecar_are_refused(tmp_path: Path, text: str) -> None:
    meta = write_text(tmp_path / "meta.yaml", text)
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v")
    assert_one_error_line(result, 3)
    assert "duplicate key" in result.err


def test_equal_looking_yaml_keys_of_different_types_are_not_duplicates(tmp_path: Path) -> None:
    meta = write_text(tmp_path / "meta.yaml", 'items:\n  "1": {title: x}\n  1: {title: y}\n')
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v")
    assert_one_error_line(result, 3)
    assert "duplicate" not in result.err  # refused, but for naming files not being ingested


def test_a_large_yaml_sidecar_is_refused_before_parsing_with_advice(tmp_path: Path) -> None:
    from archive.service.sidecar import MAX_YAML_BYTES

    lines = "".join(f"  f{i}.txt:\n    title: t{i}\n" for i in range(MAX_YAML_BYTES // 20))
    meta = write_text(tmp_path / "meta.yaml", "items:\n" + lines)
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v", timeout=60)
    assert_one_error_line(result, 3)
    assert "larger than" in result.err and "JSON" in result.err


@pytest.mark.parametrize("depth", [65, 100_000])
def test_deep_yaml_is_refused_before_it_is_composed(tmp_path: Path, depth: int) -> None:
    meta = write_text(tmp_path / "meta.yaml", "outlet: " + "[" * depth + "]" * depth + "\n")
    result = run("ingest", seed_files()[0], "--meta", meta, vault=tmp_path / "v", timeout=60)
    assert_one_error_line(result, 3)
    assert "nested more than 64 levels" in result.err
