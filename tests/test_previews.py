"""The previews of citations and glossary terms, out of the article pages
(publish/previews.py): one entry per work and per term in ``assets/previews/<slug>.js``,
none in the page.  The browser side (reader.js loads the file and shows the entry) is in
test_browser.py."""

from __future__ import annotations

import json
import re

from csto_reader.model import (
    Article,
    ArticleMeta,
    Footnote,
    ListBlock,
    ListItem,
    Paragraph,
    Span,
    Term,
    cite_token,
)
from csto_reader.publish import previews
from csto_reader.scholarly.glossary import term_link

SPAN = Span("sources/x/text.md", 1)


def _article(*texts: str, note: str = "") -> Article:
    blocks = (
        Paragraph(texts[0], SPAN, "p1"),
        ListBlock(False, (ListItem(texts[1], SPAN, anchor="p2"),), SPAN),
    )
    footnotes = (Footnote("1", note, SPAN),) if note else ()
    meta = ArticleMeta(slug="x-2020", title="X", authors=())
    return Article(meta, "sources/x/text.md", (), blocks, footnotes, (), None, (), ())


def _term(term_id: str, short: str) -> Term:
    return Term(term_id, term_id, (term_id,), short, "", (), (), (), SPAN)


def _data(script: bytes) -> dict[str, dict[str, str]]:
    text = script.decode("utf-8")
    found = re.fullmatch(
        r"/\*[^*]*\*/\nwindow\.cstoPreviews && window\.cstoPreviews\((\{.*\})\);\n", text, re.S
    )
    assert found, text
    return json.loads(found.group(1))


def test_cite_previews_one_per_work_from_every_text_in_page_order() -> None:
    a = cite_token("Smith, 2001", "smith2001", "Smith, J. (2001).  A  book.", None)
    again = cite_token("Smith 2001, p. 3", "smith2001", "Smith, J. (2001). A book.", None)
    b = cite_token("Lee, 1999", "lee1999", "Lee, K. (1999). A paper.", "Year differs.")
    unresolved = cite_token("Nobody, 2000", None, "", "No entry in the list.")
    article = _article(f"See {b} and {a}.", f"Also {again}; {unresolved}.", note=f"Cf. {a}.")
    assert previews.cite_previews(article) == {
        "lee1999": "Lee, K. (1999). A paper.",
        "smith2001": "Smith, J. (2001). A book.",
    }


def test_cite_previews_read_notes_too() -> None:
    c = cite_token("Kim, 2010", "kim2010", "Kim, A. (2010). In a note.", None)
    assert previews.cite_previews(_article("Plain.", "Plain.", note=f"See {c}.")) == {
        "kim2010": "Kim, A. (2010). In a note."
    }


def test_term_previews_only_for_the_terms_marked_on_the_page() -> None:
    terms = [_term("csto", "An  organization."), _term("nato", "An alliance."), _term("un", "")]
    page = " ".join(
        [
            term_link("NATO", terms[1], "../glossary.md"),
            term_link("CSTO", terms[0], "../glossary.md"),
            term_link("UN", terms[2], "../glossary.md"),
            "[a link](https://x.example/#csto)",
        ]
    )
    assert previews.term_previews(page, terms) == {
        "nato": "An alliance.",
        "csto": "An organization.",
    }


def test_the_script_gives_back_the_texts_and_cannot_be_broken_out_of() -> None:
    hostile = 'A </script><script>alert(1)</script> & "q" \u2028 end'
    script = previews.previews_script({"k": hostile}, {"t": "<b>"})
    text = script.decode("utf-8")
    assert "</script>" not in text and "<b>" not in text and "\u2028" not in text
    assert _data(script) == {"cite": {"k": hostile}, "term": {"t": "<b>"}}


def test_every_citation_and_term_of_the_real_pages_has_its_preview(built) -> None:
    """The four articles: no preview text left in a page, and each linked citation and
    marked term has a non-empty entry in its page's previews file."""
    checked = 0
    for slug in (b.article.meta.slug for b in built.articles):
        page = built.pages[f"articles/{slug}.md"]
        data = _data(built.files[previews.previews_path(slug)])
        assert not re.search(r'<a class="cite"[^>]* title=', page), slug
        assert not re.search(r'\]\([^)]*#[^)]* "[^"]*"\)\{ \.term \}', page), slug
        for key in re.findall(r'<a class="cite" href="\.\./\.\./bibliography/#([^"]+)">', page):
            assert data["cite"].get(key, "").strip(), f"{slug}: no preview for {key}"
            checked += 1
        for key in re.findall(r"\]\([^()\s]*#([^()\s]+)\)\{ \.term \}", page):
            assert data["term"].get(key, "").strip(), f"{slug}: no preview for term {key}"
            checked += 1
    assert checked > 200
