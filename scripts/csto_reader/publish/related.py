"""Related passages on an article page: a quiet mark at the paragraph, one list a section.

``timeline/related.yml`` groups passages of two or more articles that treat one question
(``scholarly.timeline``); ``see_also_by_question`` gives each passage's address the
groups it is in, with links to the group's other passages.  On the page:

* a paragraph with related passages ends with a small mark, a link to the list of its
  section, to the item of its (first) question::

      <a class="see-mark" href="#see-p5-russia-in-the-csto" aria-label="…">↔</a>

* at the end of each section that has any (before the next heading, or before the notes),
  one list gathers them, one item per question: the section's paragraphs it concerns
  (links back, ``.see-here``), the question, then the other passages grouped by
  article::

      ¶5, ¶6 · Why did the CSTO refuse Kyrgyzstan in 2010 but act in Kazakhstan in 2022?
      Beloglazov (2023) ¶43, ¶44 · Zhang (2023) ¶17, ¶20 · Syssoyeva (2023) ¶28

No link of a passage's group is lost: the item that names a paragraph links every other
passage of the group (the other paragraphs of the section among the ``.see-here``
links), and the other passages' pages link back the same way.  A passage in a note
(``fn:K``), which has no mark, is listed after the notes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..markup import escape_text
from ..model import RelatedGroup, SeeAlso
from ..scholarly.timeline import anchor_label

# The groups of one passage, with links to their other passages (see_also_by_question).
Related = Sequence[tuple[RelatedGroup, Sequence[SeeAlso]]]

MARK = "↔"
LIST_LABEL = "Related passages"


@dataclass
class _Item:
    """One question in a section's list: the section's passages in it, and the links."""

    group: RelatedGroup
    id: str
    here: list[str] = field(default_factory=list)  # anchors of this page, in page order
    links: list[SeeAlso] = field(default_factory=list)  # every other passage, once

    def add(self, anchor: str, links: Sequence[SeeAlso]) -> None:
        self.here.append(anchor)
        for link in links:
            if link not in self.links:
                self.links.append(link)


class RelatedPassages:
    """The related passages of one article page, section by section.

    ``mark(anchor)`` is called for each numbered block in page order and returns the mark
    to put at its end ("" when it has none); ``section_list()`` returns the list of the
    section just ended ("" when empty) and starts the next one; ``rest_list()`` lists the
    passages that no block showed (notes)."""

    def __init__(self, slug: str, by_anchor: Mapping[str, Related] | None = None) -> None:
        self.slug = slug
        self.by_anchor = by_anchor or {}
        self.shown: set[str] = set()
        self.items: dict[str, _Item] = {}  # group id -> item, in order of first passage

    def _collect(self, anchor: str) -> list[_Item]:
        """Add ``anchor``'s groups to the section's items; return its items."""
        self.shown.add(anchor)
        found = []
        for group, links in self.by_anchor.get(anchor, ()):
            item = self.items.get(group.id)
            if item is None:
                item = self.items[group.id] = _Item(group, f"see-{anchor}-{group.id}")
            item.add(anchor, links)
            found.append(item)
        return found

    def mark(self, anchor: str) -> str:
        """The mark for the end of block ``anchor``: a link to its first question's item."""
        items = self._collect(anchor)
        if not items:
            return ""
        order = list(self.items)
        first = min(items, key=lambda it: order.index(it.group.id))
        n = len(items)
        what = "one question" if n == 1 else f"{n} questions"
        label = (
            f"{anchor_label(anchor)}: related passages on {what}, listed at the end of this section"
        )
        # a no-break space holds the mark to the last word on a phone, where it runs in
        return (
            f'&#160;<a class="see-mark" href="#{html.escape(first.id)}" '
            f'aria-label="{html.escape(label)}" title="{html.escape(label)}">{MARK}</a>'
        )

    def section_list(self) -> str:
        """The list of the section just ended ("" when it has none); starts a new one."""
        items, self.items = list(self.items.values()), {}
        if not items:
            return ""
        lines = [
            '<div class="see-also" markdown="1">',
            f'<p class="see-also-label">{LIST_LABEL}</p>',
            "",
        ]
        lines += [_item(it, self.slug) for it in items]
        return "\n".join([*lines, "", "</div>", ""])

    def rest_list(self) -> str:
        """The list of the passages no block showed (a passage in a note)."""
        for anchor in self.by_anchor:
            if anchor not in self.shown:
                self._collect(anchor)
        return self.section_list()


def _href(link: SeeAlso, current_slug: str) -> str:
    page = "" if link.slug == current_slug else f"{link.slug}.md"
    return f"{page}#{link.anchor}"


def _item(item: _Item, slug: str) -> str:
    """One list item: the paragraphs here, the question, the other passages by article."""
    here = ", ".join(f"[{anchor_label(a)}](#{a}){{ .see-here }}" for a in item.here)
    others = [link for link in item.links if not (link.slug == slug and link.anchor in item.here)]
    by_article: list[tuple[str, list[str]]] = []
    for link in others:
        article = "this article" if link.slug == slug else link.article
        ref = f"[{escape_text(anchor_label(link.anchor))}]({_href(link, slug)})"
        if by_article and by_article[-1][0] == article:
            by_article[-1][1].append(ref)
        else:
            by_article.append((article, [ref]))
    where = " · ".join(f"{escape_text(a)} {', '.join(refs)}" for a, refs in by_article)
    question = escape_text(item.group.question)
    return (
        f'- {here} <span class="see-question">{question}</span> '
        f'<span class="see-where">{where}</span>\n    {{: #{item.id} }}'
    )
