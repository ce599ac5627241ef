"""The one writer of benchmarks/RESULTS.md: each benchmark script replaces its own
section (``## <title>`` up to the next ``## `` heading) and keeps every other one."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def record(title: str, text: str) -> None:
    """Replace the section headed ``## title`` by ``text`` (which starts with that
    heading), or add it at the end when RESULTS.md has no such section."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else "# Benchmarks\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    body = text.rstrip("\n") + "\n"
    if pattern.search(old):
        new = pattern.sub(lambda _: body + "\n", old)
    else:
        new = old.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
