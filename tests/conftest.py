"""Shared fixtures: one pipeline build of the real sources per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

SLUGS = ["beloglazov-2023", "choi-2022", "syssoyeva-2023", "zhang-2023"]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built():
    """The pipeline's output for the four real articles."""
    from csto_reader.pipeline import build

    return build(ROOT)


@pytest.fixture(scope="session")
def by_slug(built):
    return {b.article.meta.slug: b for b in built.articles}
