"""The anchors stage on its own (paragraph numbers and heading slugs): fixture files under
tests/fixtures/stages/anchors/.  Input goes through clean, segment and footnotes first;
the stage reports no diagnostics.
"""

from __future__ import annotations

import pytest

from stage_fixtures import cases, check, ids

CASES = cases("anchors")


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


def test_enough_cases():
    assert len(CASES) >= 5
