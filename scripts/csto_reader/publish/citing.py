"""'Cite this': how to cite an article of the reader, from its meta.yml.

The original article in APA 7 (formatted by the same citeproc-py machinery as the
bibliography) and as a BibTeX entry, plus how to cite a paragraph of the reader.
"""

from __future__ import annotations

import html

from ..model import ArticleMeta, Reference, Span
from ..scholarly.bibliography import write_entry
from ..scholarly.cite_format import format_entries
from ..scholarly.names import ascii_fold


def meta_reference(meta: ArticleMeta) -> Reference:
    """The article itself as a bibliographic entry (only what its meta.yml states)."""
    authors = []
    for a in meta.authors:
        parts = a.name.split()
        authors.append(f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else a.name)
    fields = {
        "author": " and ".join(authors),
        "title": meta.title,
        "journal": meta.venue or "",
        "volume": meta.volume or "",
        "number": meta.issue or "",
        "pages": (meta.pages or "").replace("-", "--"),
        "year": str(meta.year or ""),
        "doi": meta.doi or "",
        "url": "" if meta.doi else (meta.url or ""),
        "note": meta.note or "",
    }
    entry_type = "article" if meta.venue else "misc"
    family = ascii_fold(meta.authors[0].name.split()[-1]).lower() if meta.authors else "anon"
    key = f"{family}{meta.year or ''}"
    return Reference(
        entry_type,
        {k: v for k, v in fields.items() if v},
        meta.title,
        Span(f"sources/{meta.slug}/meta.yml", 1),
        None,
        key,
    )


def narrative_authors(meta: ArticleMeta) -> str:
    """The authors as APA 7 names them in running text: "Zhang", "Golub and Golub",
    "Kazantsev et al."; the title when the article names no author."""
    families = [a.name.split()[-1] for a in meta.authors if a.name.split()]
    if not families:
        return meta.title
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} and {families[1]}"
    return f"{families[0]} et al."


def render_cite_this(meta: ArticleMeta) -> str:
    """HTML for the 'Cite this' box of an article page."""
    ref = meta_reference(meta)
    apa = format_entries([ref]).get(ref.key, "")
    bibtex = write_entry(ref.entry_type, ref.key, ref.fields)
    family = meta.authors[0].name.split()[-1] if meta.authors else meta.title
    return (
        '<details class="cite-this"><summary>Cite this article</summary>'
        f'<p class="cite-apa"><strong>APA 7:</strong> {apa}</p>'
        f'<p><strong>BibTeX:</strong></p><pre class="cite-bibtex"><code>'
        f"{html.escape(bibtex)}</code></pre>"
        "<p><strong>A paragraph of this reader:</strong> name the article and the paragraph "
        f"number, e.g. “{html.escape(family)} ¶12”; the paragraph's own address is copied "
        "when you click its number.</p></details>"
    )
