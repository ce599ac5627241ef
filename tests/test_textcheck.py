"""The one rule for what a text or an address from a data file may hold."""

from __future__ import annotations

import pytest

from csto_reader.model import CITE_CLOSE, CITE_MID, CITE_OPEN, CITE_SEP, FN_CLOSE, FN_OPEN
from csto_reader.textcheck import describe_character, forbidden_character, is_safe_url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=c#d",
        "http://example.org",
        "HTTPS://EXAMPLE.ORG/",
        "mailto:a@example.org",
        "doi:10.1080/13510347.2022.1",
    ],
)
def test_addresses_a_reader_may_follow(url: str) -> None:
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/x",
        "/relative/path",
        "https:evil.example",
        'https://example.org/" onmouseover="alert(1)',
        "https://example.org/<script>",
        "https://exa mple.org/",
        "doi:not-a-doi",
        "",
    ],
)
def test_addresses_refused(url: str) -> None:
    assert not is_safe_url(url)


def test_http_only_when_asked() -> None:
    assert not is_safe_url("mailto:a@example.org", schemes=("http", "https"))
    assert is_safe_url("https://example.org/", schemes=("http", "https"))


def test_every_pipeline_delimiter_is_refused_in_a_source() -> None:
    for char in (FN_OPEN, FN_CLOSE, CITE_OPEN, CITE_MID, CITE_CLOSE, CITE_SEP):
        assert forbidden_character(f"a text {char} here") == (7, char)
        assert "pipeline reserves" in describe_character(char)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("plain text, with a tab\tand\nline ends", None),
        ("a symbol-font glyph \uf0b7 is text", None),
        ("NUL \x00", (4, "\x00")),
        ("unit separator \x1f", (15, "\x1f")),
        ("C1 \x85 next line", (3, "\x85")),
        ("lone \ud800 surrogate", (5, "\ud800")),
        ("end of plane \U0010ffff", (13, "\U0010ffff")),
    ],
)
def test_forbidden_characters(text: str, found: tuple[int, str] | None) -> None:
    assert forbidden_character(text) == found


def test_allowed_white_space_is_the_callers_choice() -> None:
    assert forbidden_character("page\fbreak", allowed="\t\f") is None
    assert forbidden_character("page\fbreak") == (4, "\f")
    assert "only tab and form feed" in describe_character("\f", "tab and form feed")
