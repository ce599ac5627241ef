"""The one escaping path from data to HTML, and the one place that makes page anchors.

Every layer that writes a page (the article pages, the bibliography, the glossary, the
chronology) escapes source text with these functions, and every anchor an article page
gives a paragraph (``p12``) or a note (``fn:3``, its call ``fnref:3``) is made here and
read back here (the PDF stage parses the built pages with ``parse_note_anchor``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import yaml

from .textcheck import is_safe_url

# Only what Python-Markdown reads as inline markup: every line the pages write starts with
# their own markup, so line-start syntax ("#", "-", "1.") cannot arise from source text.
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#])")


def escape_text(text: str) -> str:
    """Plain text -> Markdown that shows exactly that text."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL.sub(r"\\\1", text)


# A link in Markdown syntax, as the conversion of a web page writes it: "[label](address)",
# most often the address twice ("[https://x.org/a](https://x.org/a)").  The label holds
# no bracket (so no link inside it); the address may hold one level of parentheses
# ("https://en.wikipedia.org/wiki/Tulip_(film)").
MARKDOWN_LINK = re.compile(r"\[(?P<label>[^\[\]\n]+)\]\((?P<url>(?:[^()\s]|\([^()\s]*\))+)\)")
LINK_SCHEMES = ("http", "https", "mailto")


def markdown_link(match: re.Match[str]) -> tuple[str, str] | None:
    """(label, address) of a ``MARKDOWN_LINK`` match whose address may become a link
    (``textcheck.is_safe_url``: http, https, mailto or doi:); None for any other address
    ("javascript:..."), which stays text as written."""
    url = match.group("url")
    return (match.group("label"), url) if is_safe_url(url, LINK_SCHEMES) else None


def markdown_links(text: str) -> list[tuple[re.Match[str], str, str]]:
    """Every Markdown-style link of ``text`` that becomes a link: (match, label, address)."""
    found = ((m, markdown_link(m)) for m in MARKDOWN_LINK.finditer(text))
    return [(m, *link) for m, link in found if link]


def html_text(text: str) -> str:
    """Plain text -> HTML that shows exactly that text, in element content or in a
    double-quoted attribute (``'`` is left as it is: no template quotes with it)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def front_matter(title: str, description: str | None = None, **fields: object) -> str:
    """A page's YAML front matter, written by the YAML serializer (never by formatting).

    MkDocs' templates do not escape what they take from front matter: the title reaches
    ``<title>``, ``og:title``, the header, the navigation and the footer as it is, and the
    description ``<meta name="description">``.  So the values are HTML already: source
    text is escaped here, in this one place, before it becomes one.
    """
    data: dict[str, object] = {"title": html_text(" ".join(title.split()))}
    if description:
        data["description"] = html_text(" ".join(description.split()))
    data.update(fields)
    return f"---\n{_dump(data)}---\n"


# The characters that libyaml's emitter writes as PyYAML's own does (checked on random
# text, tests/test_workers.py): it escapes others (an astral letter, U+0085, U+2028,
# U+FEFF) where PyYAML writes them as they are.
_C_SAME = re.compile("[\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _dump(data: Mapping[str, object]) -> str:
    """``yaml.safe_dump`` of front matter; by libyaml (C, many times faster) when every
    string is made of characters both emitters write alike, so the text is the same."""
    options: dict[str, Any] = {"allow_unicode": True, "sort_keys": False, "width": 10_000}
    dumper = getattr(yaml, "CSafeDumper", None)
    if dumper is not None and all(_C_SAME.fullmatch(s) for s in _strings(data)):
        dumped: str = yaml.dump(data, Dumper=dumper, **options)
    else:
        dumped = yaml.safe_dump(data, **options)
    return dumped


# What a JSON text may not hold inside an HTML <script> element: "<" could open
# "</script>" or "<!--", and "&" and ">" are escaped with it so the text reads the same in
# any HTML context.  JSON's own \u escapes say the same characters.
_JSON_IN_HTML = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_script(data: object) -> str:
    """``data`` as JSON for the text of a ``<script type="application/ld+json">`` element.

    A script element's text is not HTML-decoded, so HTML escaping would change the data;
    instead every ``<``, ``>`` and ``&`` is written as its JSON escape (``\u003c`` ...),
    so no value can end the element (``</script>``) or open a comment, and a JSON reader
    gets the value back unchanged.  U+2028 and U+2029 (line breaks to some readers) are
    escaped too; other characters stay as they are (the page is UTF-8).
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_IN_HTML[m.group()], text)


def head_meta(pairs: Sequence[tuple[str, str]]) -> list[list[str]]:
    """``(name, content)`` pairs for ``<meta name content>`` elements that a template
    prints as they are (MkDocs' templates do not escape front matter): both escaped for a
    double-quoted attribute here, white space runs made single spaces."""
    return [[html_text(name), html_text(" ".join(value.split()))] for name, value in pairs]


def short_title(slug: str, titles: Mapping[str, str]) -> str:
    """ "Zhang (2023)" from a slug such as "zhang-2023"."""
    name, _, year = slug.rpartition("-")
    if year.isdigit() and name:
        return f"{name.replace('-', ' ').title()} ({year})"
    return titles.get(slug, slug)


# ---------------------------------------------------------------- anchors

NOTE_PREFIX = "fn:"  # the id of a note's text in the list of notes
NOTE_REF_PREFIX = "fnref:"  # the id of the note's call in the text
_PARA_ANCHOR = re.compile(r"p\d+")
_ASTERISKS_ID = re.compile(r"(?:ast)+")


def fn_id(key: str) -> str:
    """The id form of a note's key: "*" -> "ast", "**" -> "astast"; others unchanged.
    (Idempotent: an id is its own id.)"""
    return key.replace("*", "ast") if key.strip("*") == "" else key


def fn_key(note_id: str) -> str:
    """The key a note shows, from its id form: "astast" -> "**", "3" -> "3"."""
    return "*" * (len(note_id) // 3) if _ASTERISKS_ID.fullmatch(note_id) else note_id


def note_anchor(key: str) -> str:
    """ "fn:3": the anchor of the text of note ``key`` (a key or its id form)."""
    return f"{NOTE_PREFIX}{fn_id(key)}"


def note_ref_anchor(key: str) -> str:
    """ "fnref:3": the anchor of the call of note ``key`` in the text."""
    return f"{NOTE_REF_PREFIX}{fn_id(key)}"


def parse_note_anchor(anchor: str) -> str | None:
    """The note id of a note anchor ("fn:3" or "#fn:3" -> "3"), None for any other."""
    anchor = anchor.removeprefix("#")
    return anchor[len(NOTE_PREFIX) :] if anchor.startswith(NOTE_PREFIX) else None


def para_anchor(n: int) -> str:
    """ "p12": the anchor (and the visible ¶ number) of the 12th numbered block."""
    return f"p{n}"


def is_para_anchor(anchor: str) -> bool:
    """Whether ``anchor`` is a paragraph anchor (``p12``), not a heading's or a note's."""
    return _PARA_ANCHOR.fullmatch(anchor) is not None
