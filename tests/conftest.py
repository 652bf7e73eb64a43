"""Shared fixtures: paths to the repository's seeds and to the public test vectors."""

from __future__ import annotations

from pathlib import Path

import pytest

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
