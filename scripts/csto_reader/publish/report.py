"""``site/report.json``: what the build made of every article, in counts."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from ..model import ArticleBuild, ArticleCitations, BibliographyBuild, Heading

_PARAGRAPH = re.compile(r'\{: #p\d+ \.para \}|class="para table-block"')


def article_counts(b: ArticleBuild, markdown: str) -> dict[str, int]:
    """Counts for one article: blocks, notes, references, removals and words."""
    a = b.article
    return {
        "paragraphs": len(_PARAGRAPH.findall(markdown)),
        "headings": sum(isinstance(x, Heading) for x in a.blocks),
        "footnote_markers": markdown.count('class="footnote-ref"'),
        "footnote_bodies": len(a.footnotes),
        "footnotes_unplaced": sum(not f.placed for f in a.footnotes),
        "reference_items": len(a.references),
        "removals": len(a.removals),
        "words": b.words,
    }


def report_json(
    builds: Sequence[ArticleBuild],
    markdown: Mapping[str, str],
    citations: Mapping[str, ArticleCitations],
    bib: BibliographyBuild | None,
    glossary_terms: int,
) -> bytes:
    """``report.json``: counts per article (``markdown``: slug -> its page), and for the
    whole reader when it has a bibliography."""
    out: dict[str, dict[str, object]] = {}
    for b in builds:
        slug = b.article.meta.slug
        counts: dict[str, object] = dict(article_counts(b, markdown[slug]))
        if slug in citations:
            counts["citations"] = citations[slug].counts()
        out[slug] = counts
    if bib:
        out["_reader"] = {
            "reference_listings": sum(len(r) for r in bib.per_article.values()),
            "merged_entries": len(bib.merged),
            "shared_entries": sum(len(m.slugs) > 1 for m in bib.merged),
            "glossary_terms": glossary_terms,
        }
    return (json.dumps(out, indent=2) + "\n").encode()
