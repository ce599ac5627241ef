"""/index/: the index of people, places and institutions, like the index of a book.

Entries in alphabetical order under letter headings; each entry is one paragraph
(anchored by its id, ``index/#tokayev-kassym-jomart``) with the name, its kind, our
line of identification and its source, the ways the articles write the name, and an
editorial note where there is one; then a list of where it occurs: per article (in
the reader's order) its ¶ numbers and notes as links, and the glossary entries and
events of the chronology that name it.

``render_index_page`` writes the Markdown of the web page (MkDocs checks every link and
anchor in strict mode).  The reader PDF takes the built page as an appendix
(``pdf.APPENDIX_PAGES``), where every locator becomes a link to the paragraph's id in the
combined document, so its stylesheet can print the page number after it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from ..markup import escape_text, front_matter, parse_note_anchor, short_title
from ..model import (
    Entity,
    EntityOccurrence,
    IndexBuild,
    ParagraphSource,
)

PAGE = "index/index.md"  # the page's Markdown path (its address is index/)
TITLE = "Index of names"
KIND_LABELS = {"person": "person", "place": "place", "institution": "institution"}
APPARATUS_LABELS = {"glossary": "Glossary", "timeline": "Chronology"}


def locator_label(anchor: str) -> str:
    """ "¶ 12" for ``p12``, "n. 3" for the note ``fn:3``."""
    key = parse_note_anchor(anchor)
    if key is not None:
        return f"n. {key}"
    return f"¶ {anchor[1:]}" if anchor[1:].isdigit() else anchor


def letter_of(entity: Entity) -> str:
    """The letter heading an entry goes under ("#" for a name not starting with one)."""
    first = entity.id[:1].upper()
    return first if first.isalpha() else "#"


def _by_article(
    found: Sequence[EntityOccurrence], order: Sequence[str]
) -> list[tuple[str, list[str]]]:
    """(slug, anchors) per article, articles in the reader's order, anchors in text order."""
    groups: dict[str, list[str]] = {}
    for occ in found:
        groups.setdefault(occ.slug, []).append(occ.anchor)
    rank = {slug: i for i, slug in enumerate(order)}
    return sorted(groups.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def _written_as(entity: Entity, found: Sequence[EntityOccurrence]) -> list[str]:
    """The variants the articles use that differ from the heading name, as written."""
    used = {" ".join(occ.matched.split()) for occ in found}
    return [v for v in entity.variants if v in used and v != entity.name]


class IndexPage:
    """The Markdown of /index/ (links relative to ``index/index.md``)."""

    def __init__(self, index: IndexBuild, titles: Mapping[str, str], order: Sequence[str]):
        self.index = index
        self.titles = titles
        self.order = order

    def source(self, entity: Entity) -> str:
        source = entity.source
        if isinstance(source, ParagraphSource):
            label = f"{short_title(source.slug, self.titles)}, {locator_label(source.anchor)}"
            return f"[{escape_text(label)}](../articles/{source.slug}.md#{source.anchor})"
        url = source.url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
        return f"[{escape_text(source.title)}](<{url}>)"

    def head(self, entity: Entity, found: Sequence[EntityOccurrence]) -> str:
        """The entry's paragraph: name, kind, identification (source), written as, note."""
        parts = [
            f"**{escape_text(entity.name)}** *({KIND_LABELS[entity.kind]})*",
            f"{escape_text(entity.identification)} (source: {self.source(entity)})",
        ]
        written = _written_as(entity, found)
        if written:
            parts.append("Written as " + ", ".join(f"“{escape_text(v)}”" for v in written) + ".")
        if entity.note:
            parts.append(
                '<span class="ednote" role="note">[<span class="ednote-label">Editorial '
                f"note:</span> {escape_text(entity.note)}]</span>"
            )
        return " ".join(parts)

    def locators(self, entity: Entity) -> list[str]:
        found = self.index.occurrences.get(entity.id, ())
        out = []
        for slug, anchors in _by_article(found, self.order):
            links = ", ".join(f"[{locator_label(a)}](../articles/{slug}.md#{a})" for a in anchors)
            out.append(f"- *{escape_text(short_title(slug, self.titles))}*: {links}")
        mentions = self.index.mentions.get(entity.id, ())
        for page, label in APPARATUS_LABELS.items():
            links = ", ".join(
                f"[{escape_text(m.label)}](../{page}.md#{m.anchor})"
                for m in mentions
                if m.page == page
            )
            if links:
                out.append(f"- *{label}*: {links}")
        return out

    def entry(self, entity: Entity) -> list[str]:
        found = self.index.occurrences.get(entity.id, ())
        return [
            self.head(entity, found),
            f"{{: #{entity.id} .index-entry }}",
            "",
            *self.locators(entity),
            "",
        ]

    def markdown(self) -> str:
        entities = self.index.entities
        letters = list(dict.fromkeys(letter_of(e) for e in entities))
        counts = {k: sum(e.kind == k for e in entities) for k in KIND_LABELS}
        out = [
            front_matter(TITLE, "The people, places and institutions the articles name.").rstrip(
                "\n"
            ),
            f"# {TITLE}",
            "",
            f"The {counts['person']} people, {counts['place']} places and "
            f"{counts['institution']} institutions that the articles name, each with every "
            "paragraph (¶) and note (n.) that names it, article by article, and the "
            "glossary entries and events of the chronology that name it. Names are "
            "found in the texts by the glossary's rules (never in a heading, a link, a "
            "citation or a note marker); one entry gathers every way the articles write "
            "a name. Each line of identification is the editors' own and names its source.",
            "",
            '<p class="index-letters">'
            + " ".join(f'<a href="#index-{_letter_id(x)}">{html.escape(x)}</a>' for x in letters)
            + "</p>",
            "",
        ]
        for letter in letters:
            out += [f"## {escape_text(letter)} {{ #index-{_letter_id(letter)} }}", ""]
            for entity in entities:
                if letter_of(entity) == letter:
                    out += self.entry(entity)
        return "\n".join(out).rstrip() + "\n"


def _letter_id(letter: str) -> str:
    return letter.lower() if letter.isalpha() else "other"


def render_index_page(index: IndexBuild, titles: Mapping[str, str], order: Sequence[str]) -> str:
    """The Markdown of /index/ (see the module docstring)."""
    return IndexPage(index, titles, order).markdown()


_HEADING_ID = re.compile(r"^#{2,6} .* \{ #(?P<id>[A-Za-z0-9_:.-]+) \}$")


def link_mentions(page_md: str, page: str, index: IndexBuild) -> str:
    """``page_md`` (``glossary.md`` or ``timeline.md``, named by ``page``: "glossary" or
    "timeline") with a line under each entry's heading that links the index entries the
    entry names ("In the index of names: Almaty, CRRF"), the other way round from the
    index's own "Glossary" and "Chronology" rows."""
    names = {e.id: e.name for e in index.entities}
    named: dict[str, list[str]] = {}
    for entity_id, mentions in index.mentions.items():
        for mention in mentions:
            if mention.page == page and entity_id not in named.setdefault(mention.anchor, []):
                named[mention.anchor].append(entity_id)
    out: list[str] = []
    for line in page_md.split("\n"):
        out.append(line)
        heading = _HEADING_ID.match(line)
        ids = named.get(heading.group("id"), []) if heading else []
        if ids:
            links = ", ".join(
                f"[{escape_text(names[i])}]({PAGE}#{i})"
                for i in sorted(ids, key=lambda i: names[i].casefold())
            )
            out += ["", f"*In the {TITLE.lower()}:* {links}", "{: .index-see }"]
    return "\n".join(out)
