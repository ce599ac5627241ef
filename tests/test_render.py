"""The render stage: one article's Markdown page from its text (clean, segment, footnotes,
anchors, render; no bibliography or glossary), fixture files under
tests/fixtures/stages/render/.
"""

from __future__ import annotations

import pytest

from stage_fixtures import cases, check, ids

CASES = cases("render")


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


def test_enough_cases():
    assert len(CASES) >= 5
