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


# ---------------------------------------------------------------- source lines -> anchors


def test_a_quotation_inside_a_list_item_maps_to_its_own_number(by_slug):
    """Beloglazov's reason 1 (line 159) holds a block quotation (line 161, ¶45): the
    quotation's line is the quotation's address, not the item's."""
    from csto_reader.ingest.anchors import line_anchors

    lines = line_anchors([by_slug["beloglazov-2023"].article])
    assert lines[("beloglazov-2023", 159)] == "p44"
    assert lines[("beloglazov-2023", 161)] == "p45"


def test_a_line_in_a_note_body_maps_to_the_note(by_slug):
    """Zhang's notes 14-16 stand between the two halves of ¶20 (a page break): their
    lines are the notes' addresses, not the paragraph's."""
    from csto_reader.ingest.anchors import source_anchors

    lines = source_anchors([by_slug["zhang-2023"].article])
    assert lines[("zhang-2023", 157)] == "fn:14"
    assert lines[("zhang-2023", 159)] == "fn:15"
    assert lines[("zhang-2023", 153)] == "p20"
    assert lines[("zhang-2023", 163)] == "p20"
