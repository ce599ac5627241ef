"""The footnotes stage on its own (markers found and paired with their bodies): fixture
files under tests/fixtures/stages/footnotes/.  Input goes through clean and segment first.
"""

from __future__ import annotations

import pytest

from stage_fixtures import cases, check, ids

CASES = cases("footnotes")


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


def test_enough_cases():
    assert len(CASES) >= 5
