"""The previews of an article page's citations and glossary terms, in a file of their own.

A citation (``a.cite``) or a marked glossary term (``a.term``) of an article page shows a
preview of what it points to (``docs/assets/javascripts/reader.js``): the work's full
reference, or the term's short definition.  Those texts used to be ``title`` attributes,
one per occurrence: on the heaviest page 36 KB of its 330 KB (11 KB of 74 KB gzipped),
downloaded on every first visit and read by few.  They are written here once per work
and per term, into ``assets/previews/<slug>.js``, which reader.js loads when the reader
first moves the pointer over the page, touches it or moves the keyboard focus (not at
load).

A script, not a JSON file read with ``fetch``: the offline copy opens from ``file://``,
where Chromium refuses ``fetch`` and ``XMLHttpRequest`` of files but runs a script
element (as Material's offline search index does); the Content-Security-Policy allows it
(``script-src 'self'``, with ``file:`` in the offline copy: ``csp.py``).  The script only
hands its data to ``window.cstoPreviews``; the texts are plain text, which reader.js puts
in with ``textContent``, never as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..markup import json_script
from ..model import CITE_MID, CITE_OPEN, CITE_SEP, Article, Term, texts_of
from ..scholarly.glossary import marked_term_ids

FOLDER = "assets/previews"  # in the site; reader.js names it too

_CITE_PAYLOAD = re.compile(f"{CITE_OPEN}([^{CITE_MID}{CITE_OPEN}]*){CITE_MID}")


def previews_path(slug: str) -> str:
    """Where the previews of the article ``slug`` go, relative to the site's root."""
    return f"{FOLDER}/{slug}.js"


def _texts(article: Article) -> Iterable[str]:
    for block in article.blocks:
        yield from (t.text for t in texts_of(block))
    yield from (f.text for f in article.footnotes)


def cite_previews(article: Article) -> dict[str, str]:
    """Bibliography key -> the preview of that work, for every linked citation of
    ``article`` (its text after the citations stage), in page order, once per key."""
    found: dict[str, str] = {}
    for text in _texts(article):
        for payload in _CITE_PAYLOAD.findall(text):
            key, preview = (payload.split(CITE_SEP) + [""])[:2]
            if key and preview.strip():
                found.setdefault(key, " ".join(preview.split()))
    return found


def term_previews(markdown: str, terms: Iterable[Term]) -> dict[str, str]:
    """Term id -> its short definition, for every term marked in the page ``markdown``."""
    by_id = {t.id: t for t in terms}
    marked = (by_id[i] for i in marked_term_ids(markdown) if i in by_id)
    return {t.id: " ".join(t.short.split()) for t in marked if t.short.strip()}


def previews_script(cites: Mapping[str, str], terms: Mapping[str, str]) -> bytes:
    """The previews file: one call of ``window.cstoPreviews`` with the two tables.  The
    JSON is escaped as for a script element (``json_script``), so a text holding
    ``</script>`` or U+2028 reads the same to any JavaScript parser."""
    data = json_script({"cite": dict(cites), "term": dict(terms)})
    return (
        "/* Previews of one article page's citations and glossary terms "
        "(publish/previews.py; read by reader.js). */\n"
        f"window.cstoPreviews && window.cstoPreviews({data});\n"
    ).encode()


def article_previews(article: Article, markdown: str, terms: Iterable[Term]) -> bytes:
    """The previews file of one article page: ``article`` after the citations stage,
    ``markdown`` its rendered page."""
    return previews_script(cite_previews(article), term_previews(markdown, terms))
