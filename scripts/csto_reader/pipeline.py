"""Run every stage over ``sources/`` and return the generated pages.

``build(root)`` is what the MkDocs hook and the command line both call.  It writes
nothing to disk itself: it returns the pages (paths relative to ``docs/``) and extra
files (paths relative to the site root), so a failed build leaves no half-written site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import BuildError, Diagnostic, Reporter


@dataclass
class BuildOutput:
    pages: dict[str, str] = field(default_factory=dict)  # "articles/zhang-2023.md" -> Markdown
    files: dict[str, bytes] = field(default_factory=dict)  # "report.json" -> bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)


def build(root: Path) -> BuildOutput:
    """Build every page from ``root/sources``; raise ``BuildError`` if any stage erred."""
    reporter = Reporter()
    out = BuildOutput()
    # stages are wired in as they land
    out.diagnostics = reporter.diagnostics
    if reporter.has_errors():
        raise BuildError(reporter.errors)
    return out
