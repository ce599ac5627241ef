"""One error sink for the whole pipeline.

Every stage reports problems as ``file:line: severity: message [code]`` and carries on;
the build fails at the end when there were errors.  Exceptions are for our own bugs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Span

ERROR = "error"
WARNING = "warning"
NOTE = "note"


@dataclass(frozen=True)
class Diagnostic:
    span: Span
    severity: str
    message: str
    code: str

    def format(self) -> str:
        return f"{self.span.file}:{self.span.line}: {self.severity}: {self.message} [{self.code}]"


@dataclass
class Reporter:
    """Collects diagnostics from every stage."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def report(self, span: Span, severity: str, message: str, code: str) -> None:
        self.diagnostics.append(Diagnostic(span, severity, message, code))

    def error(self, span: Span, message: str, code: str) -> None:
        self.report(span, ERROR, message, code)

    def warning(self, span: Span, message: str, code: str) -> None:
        self.report(span, WARNING, message, code)

    def note(self, span: Span, message: str, code: str) -> None:
        self.report(span, NOTE, message, code)

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
