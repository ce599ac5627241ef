"""One error sink for the whole pipeline.

Every stage reports problems as ``file:line: severity: message [code]`` and carries on;
the build fails at the end when there were errors.  Exceptions are for our own bugs: a
code missing from the registry (``codes.py``) is one, and the Reporter raises at once.

An article's ``accept:`` list (``Reporter.accept``) turns that article's errors and
warnings of the accepted codes into notes that say they were accepted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .codes import ERROR, NOTE, REGISTRY, WARNING
from .model import Span

__all__ = ["ERROR", "NOTE", "WARNING", "BuildError", "Diagnostic", "Reporter"]


_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


@dataclass(frozen=True)
class Diagnostic:
    span: Span
    severity: str
    message: str
    code: str

    def format(self) -> str:
        """``file:line: severity: message [code]`` on one line: a line break that a message
        took from its input (a label, a YAML error) is shown as a space."""
        message = " ".join(_LINE_BREAKS.split(self.message))
        return f"{self.span.file}:{self.span.line}: {self.severity}: {message} [{self.code}]"


def accepted(diagnostic: Diagnostic) -> Diagnostic:
    """The note an accepted error or warning becomes (a note stays as it is)."""
    if diagnostic.severity == NOTE:
        return diagnostic
    words = REGISTRY[diagnostic.code].accepted
    return replace(diagnostic, severity=NOTE, message=f"{diagnostic.message} ({words})")


@dataclass
class Reporter:
    """Collects diagnostics from every stage.

    A code missing from the registry, or a severity other than error, warning and note,
    raises ``ValueError``: that is a bug of the reporting stage.  Only the tests of code
    that takes its caller's code (the YAML loader) turn the check off, with made-up codes.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    accepted: dict[str, frozenset[str]] = field(default_factory=dict)  # file -> codes
    check_codes: bool = True

    def report(self, span: Span, severity: str, message: str, code: str) -> None:
        self.add(Diagnostic(span, severity, message, code))

    def add(self, diagnostic: Diagnostic) -> None:
        if self.check_codes and diagnostic.code not in REGISTRY:
            raise ValueError(f"diagnostic code {diagnostic.code!r} is not in codes.REGISTRY")
        if diagnostic.severity not in (ERROR, WARNING, NOTE):
            raise ValueError(f"severity {diagnostic.severity!r} is not error, warning or note")
        if diagnostic.code in self.accepted.get(diagnostic.span.file, ()):
            diagnostic = accepted(diagnostic)
        self.diagnostics.append(diagnostic)

    def error(self, span: Span, message: str, code: str) -> None:
        self.report(span, ERROR, message, code)

    def warning(self, span: Span, message: str, code: str) -> None:
        self.report(span, WARNING, message, code)

    def note(self, span: Span, message: str, code: str) -> None:
        self.report(span, NOTE, message, code)

    def accept(self, file: str, codes: Iterable[str]) -> None:
        """Accept ``codes`` in ``file`` (an article's text): its diagnostics of them,
        reported before or after, become notes.  Only codes the registry marks acceptable
        count (``meta.yml`` reports any other as an error at its line)."""
        ok = frozenset(c for c in codes if c in REGISTRY and REGISTRY[c].acceptable)
        self.accepted[file] = self.accepted.get(file, frozenset()) | ok
        self.diagnostics[:] = [
            accepted(d) if d.span.file == file and d.code in ok else d for d in self.diagnostics
        ]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.diagnostics)


class BuildError(Exception):
    """Raised at the end of a build that collected errors; carries them for display."""

    def __init__(self, diagnostics: list[Diagnostic], output: object = None):
        self.diagnostics = diagnostics
        self.output = output  # what was built before the failure, for tools that need it
        super().__init__("\n".join(d.format() for d in diagnostics))
