"""Rewrite the output sections of the stage fixture files from the current code.

    python tests/regenerate_fixtures.py [STAGE ...]     (or: make fixtures)

Only the hand-written parts of each file (``Case:``, ``Rules:``, ``input``, ``meta``)
are kept; review the diff before committing.  The tests never run this: they only
compare (tests/test_clean.py, test_segment.py, test_footnotes.py, test_anchors.py,
test_render.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "scripts"), str(HERE)]

from stage_fixtures import STAGES, cases, read_case, run, write_case  # noqa: E402


def main(argv: list[str]) -> int:
    stages = argv or list(STAGES)
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        print(f"unknown stage(s): {', '.join(unknown)}; stages: {', '.join(STAGES)}")
        return 2
    changed = 0
    for stage in stages:
        for path in cases(stage):
            case = read_case(path)
            text = write_case(case, run(case))
            if text != path.read_text(encoding="utf-8"):
                path.write_text(text, encoding="utf-8")
                print(f"rewrote {path.relative_to(HERE.parent)}")
                changed += 1
    print(f"{changed} fixture file(s) rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
