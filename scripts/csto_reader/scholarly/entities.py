"""The index of names: people, places and institutions, and every place the articles
name them.

The data file is ``index/entities.yml``, a YAML list of entries, each a mapping::

    - name: Tokayev, Kassym-Jomart       # as the index prints it (surname first)
      kind: person                       # person | place | institution
      variants: [Kassym-Jomart Tokayev, Tokayev]   # as the articles write it
      identification: President of Kazakhstan, who asked the CSTO for help in 2022.
      source: {article: choi-2022, paragraph: 1}   # or {article: slug, note: 3},
                                                   # or {document: title, url: https://...}
      note: an editorial remark, shown as ours     # optional
      glossary: csto                               # optional: the glossary entry on it
      id: tokayev-kassym-jomart                    # optional: the anchor (else from name)

``identification`` is one line in our words; its ``source`` is a numbered paragraph or a
note of an article, which must name the entry (so the line is checked against a text), or a
document outside the reader by title and ``http(s)://`` address.  The anchor of an
entry on /index/ is a slug of its name (``anchors.slugify``), never of its position, so
adding an entry moves no other.

``load_entities`` reports every problem as ``index/entities.yml:<line>: error: ...
[code]`` (lines from ``yamlfile``).  ``find_entity_occurrences`` matches the variants in
the articles by the glossary's rules (``glossary.match_names``: whole words, acronyms
case-sensitive, the longest variant first) and masks what ``masking.protected_ranges``
protects, so no name is taken from a heading, a link, a citation or a note marker; note
bodies are searched too (``fn:K``).  ``index_candidates`` proposes names the file does
not have yet (``python -m csto_reader index-candidates``).  The stage is
``build_index(root, articles, terms, events, reporter)``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import yaml

from ..diagnostics import Reporter
from ..ingest.anchors import slugify
from ..ingest.cache import memo, memo_active, memo_file, value_digest
from ..markup import note_anchor
from ..model import (
    CITE_CLOSE,
    CITE_MID,
    CITE_OPEN,
    CITE_SEP,
    ApparatusMention,
    Article,
    Entity,
    EntityOccurrence,
    EntitySource,
    Event,
    IndexBuild,
    ParagraphSource,
    Span,
    Term,
    WebSource,
    texts_of,
)
from ..textcheck import is_safe_url
from ..workers import map_reported
from ..yamlfile import Typed, load
from .glossary import match_names
from .masking import protected_ranges

ENTITIES_FILE = Path("index") / "entities.yml"
KINDS = ("person", "place", "institution")

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = ("name", "kind", "variants", "identification", "source")
_OPTIONAL = ("note", "glossary", "id")


# ---------------------------------------------------------------- loading


class _Loader(Typed):
    """Turns the composed YAML tree into entries, reporting every problem with its line."""

    def __init__(self, file: str, reporter: Reporter) -> None:
        super().__init__(
            file,
            reporter,
            "index-bad-type",
            unknown_code="index-unknown-key",
            missing_code="index-missing-field",
        )

    def kind(self, node: yaml.Node) -> str | None:
        kind = self.text(node, "kind")
        if kind is not None and kind not in KINDS:
            self.error(node, f"kind {kind!r} is not one of {', '.join(KINDS)}", "index-bad-kind")
            return None
        return kind

    def variants(self, node: yaml.Node, name: str) -> list[str]:
        """The variants: no markup characters, none twice; an empty list is reported."""
        variants: list[str] = []
        for variant, vnode in self.texts(node, "variants") or []:
            if re.search(r"[\[\]<>`*_{}]", variant):
                self.error(vnode, f"variant {variant!r} holds markup characters", "index-variant")
            elif variant in variants:
                self.error(vnode, f"variant {variant!r} given twice", "index-variant")
            else:
                variants.append(variant)
        if not variants:
            self.error(node, f"entry {name!r} has no variants", "index-empty")
        return variants

    def source(self, node: yaml.Node) -> EntitySource | None:
        fields = self.mapping(node, "a source")
        if fields is None:
            return None
        if set(fields) in ({"article", "paragraph"}, {"article", "note"}):
            return self.article_source(node, fields)
        if set(fields) == {"document", "url"}:
            title = self.text(fields["document"], "document title")
            url = self.text(fields["url"], "document url")
            if title is None or url is None:
                return None
            if not is_safe_url(url, schemes=("http", "https")):
                message = f"document url {url!r} is not an http:// or https:// address"
                self.error(fields["url"], message, "index-bad-source")
                return None
            return WebSource(title, url, self.span(node))
        self.error(
            node,
            "a source is {article: slug, paragraph: N}, {article: slug, note: N} or "
            "{document: title, url: address}; "
            f"got keys {sorted(fields)}",
            "index-bad-source",
        )
        return None

    def article_source(
        self, node: yaml.Node, fields: Mapping[str, yaml.Node]
    ) -> ParagraphSource | None:
        """``{article: slug, paragraph: 12}`` (``p12``) or ``{article: slug, note: 3}``."""
        slug = self.text(fields["article"], "article slug")
        key = "paragraph" if "paragraph" in fields else "note"
        number = self.integer(fields[key], key, minimum=1)
        if slug is None or number is None:
            return None
        if not _SLUG_RE.match(slug):
            self.error(fields["article"], f"bad article slug {slug!r}", "index-bad-source")
            return None
        anchor = f"p{number}" if key == "paragraph" else note_anchor(str(number))
        return ParagraphSource(slug, anchor, self.span(node))

    def optional(self, fields: Mapping[str, yaml.Node], key: str) -> str | None:
        return self.text(fields[key], key) if key in fields else None

    def entity_id(self, fields: Mapping[str, yaml.Node], name: str) -> str | None:
        """The ``id`` given, or the slug of the name."""
        if "id" not in fields:
            return slugify(name)
        given = self.text(fields["id"], "id")
        if given is not None and not _ID_RE.match(given):
            self.error(fields["id"], f"id {given!r} is not lowercase-hyphen", "index-bad-id")
            return None
        return given

    def entity(self, node: yaml.Node) -> Entity | None:
        """One entry; every field is read (so every problem is reported) before an
        entry with an error is left out."""
        fields = self.mapping(node, "an entry", _KEYS, _OPTIONAL)
        if fields is None:
            return None
        name = self.text(fields["name"], "name")
        kind = self.kind(fields["kind"])
        variants = self.variants(fields["variants"], name or "?")
        identification = self.text(fields["identification"], "identification")
        source = self.source(fields["source"])
        note = self.optional(fields, "note")
        glossary = self.optional(fields, "glossary")
        entity_id = self.entity_id(fields, name) if name else None
        if None in (name, kind, identification, source, entity_id) or not variants:
            return None
        assert name and kind and identification and source and entity_id
        return Entity(
            id=entity_id,
            name=name,
            kind=kind,
            variants=tuple(variants),
            identification=identification,
            source=source,
            span=self.span(node),
            note=note,
            glossary=glossary,
        )


def load_entities(path: Path, reporter: Reporter, file: str | None = None) -> list[Entity]:
    """Read and validate the index file; the well-formed entries in file order.

    A second entry with an id already taken, or a variant another entry claims (every
    match of it would be ambiguous), is reported with both lines."""
    shown = file or path.as_posix()
    document = load(path, shown, reporter, "index-yaml", duplicate_code="index-duplicate-key")
    if document is None:
        return []
    if document.root is None:
        reporter.error(Span(shown, 1), "the index of names is empty", "index-empty")
        return []
    loader = _Loader(shown, reporter)
    items = loader.sequence(document.root, "the index of names", "entries")
    entities: list[Entity] = []
    ids: dict[str, int] = {}
    owners: dict[str, Entity] = {}
    for item in items or []:
        entity = loader.entity(item)
        if entity is None:
            continue
        if entity.id in ids:
            message = f"duplicate id {entity.id!r} (first at line {ids[entity.id]})"
            reporter.error(entity.span, message, "index-duplicate-id")
            continue
        if _claims_taken_variant(entity, owners, reporter):
            continue
        ids[entity.id] = entity.span.line
        entities.append(entity)
    return entities


def _variant_key(variant: str) -> str:
    # The glossary's rule: a word of two capitals makes a variant case-sensitive.
    if any(sum(ch.isupper() for ch in word) >= 2 for word in variant.split()):
        return " ".join(variant.split())
    return " ".join(variant.split()).casefold()


def _claims_taken_variant(entity: Entity, owners: dict[str, Entity], reporter: Reporter) -> bool:
    """Report a variant that an earlier entry has; otherwise record the entry's."""
    for variant in entity.variants:
        owner = owners.get(_variant_key(variant))
        if owner is not None:
            message = (
                f"variant {variant!r} of {entity.name!r} is a variant of "
                f"{owner.name!r} too (line {owner.span.line})"
            )
            reporter.error(entity.span, message, "index-variant-clash")
            return True
    for variant in entity.variants:
        owners[_variant_key(variant)] = entity
    return False


# ---------------------------------------------------------------- matching


# A citation token's preview (its work's entry, and the other articles that list it):
# no name is taken from a citation, so the index matches its texts without them, which
# keeps a text's length that of its own words however many articles share its works.
_CITE_PREVIEW = re.compile(
    f"({CITE_OPEN}[^{CITE_SEP}{CITE_MID}{CITE_CLOSE}]*{CITE_SEP})"
    f"[^{CITE_SEP}{CITE_MID}{CITE_CLOSE}]*(?={CITE_SEP})"
)


def article_texts(articles: Iterable[Article]) -> Iterator[tuple[str, str, str]]:
    """(slug, anchor, text) of every numbered text of the articles that is not a
    heading (paragraphs, quotations, list items, tables), then of every placed note;
    citation tokens without their previews."""
    for article in articles:
        slug = article.meta.slug
        for block in article.blocks:
            for piece in texts_of(block):
                if piece.kind != "heading" and piece.anchor:
                    yield slug, piece.anchor, _CITE_PREVIEW.sub(r"\1", piece.text)
        for note in article.footnotes:
            if note.placed:
                yield slug, note_anchor(note.key), _CITE_PREVIEW.sub(r"\1", note.text)


def find_entity_occurrences(
    entities: Sequence[Entity], texts: Iterable[tuple[str, str, str]]
) -> dict[str, tuple[EntityOccurrence, ...]]:
    """Every mention of every entry in ``texts`` ((slug, anchor, text), in reading
    order), outside what ``protected_ranges`` protects; one occurrence per entry and
    anchor.  Every entry id is a key (with no occurrence: an empty tuple)."""
    found: dict[str, list[EntityOccurrence]] = {e.id: [] for e in entities}
    seen: set[tuple[str, str, str]] = set()
    for slug, anchor, text in texts:
        for start, end, entity_id in match_names(entities, text, protected_ranges(text)):
            if (entity_id, slug, anchor) in seen:
                continue
            seen.add((entity_id, slug, anchor))
            found[entity_id].append(EntityOccurrence(entity_id, slug, anchor, text[start:end]))
    return {key: tuple(value) for key, value in found.items()}


def apparatus_texts(
    terms: Sequence[Term], events: Sequence[Event]
) -> Iterator[tuple[str, str, str, str]]:
    """(page, anchor, label, text) of each glossary entry and each event of the
    chronology: the reader's own pages that name people, places and institutions."""
    for term in terms:
        yield "glossary", term.id, term.name, f"{term.name}\n{term.short}\n{term.explanation}"
    for event in events:
        yield "timeline", event.id, event.label, f"{event.label}\n{event.note or ''}"


def find_mentions(
    entities: Sequence[Entity], texts: Iterable[tuple[str, str, str, str]]
) -> dict[str, tuple[ApparatusMention, ...]]:
    """The glossary entries and events that name each entry (an entry's own glossary
    entry, named by its ``glossary`` field, always counts)."""
    found: dict[str, list[ApparatusMention]] = {e.id: [] for e in entities}
    own = {(e.glossary, e.id) for e in entities if e.glossary}
    for page, anchor, label, text in texts:
        ids = {m[2] for m in match_names(entities, text, protected_ranges(text))}
        if page == "glossary":
            ids |= {eid for term_id, eid in own if term_id == anchor}
        for entity_id in sorted(ids, key=list(found).index):
            found[entity_id].append(ApparatusMention(entity_id, page, anchor, label))
    return {key: tuple(value) for key, value in found.items()}


# ---------------------------------------------------------------- checks


def check_entities(
    entities: Sequence[Entity],
    articles: Sequence[Article],
    term_ids: set[str],
    reporter: Reporter,
) -> None:
    """Each paragraph source exists and names its entry; each glossary id exists."""
    texts: dict[tuple[str, str], str] = {}
    for slug, anchor, text in article_texts(articles):  # a table's cells share its anchor
        texts[(slug, anchor)] = texts.get((slug, anchor), "") + "\n" + text
    slugs = {a.meta.slug for a in articles}
    for entity in entities:
        if entity.glossary is not None and entity.glossary not in term_ids:
            message = f"{entity.name!r} names unknown glossary entry {entity.glossary!r}"
            reporter.error(entity.span, message, "index-unknown-term")
        source = entity.source
        if not isinstance(source, ParagraphSource):
            continue
        if source.slug not in slugs:
            reporter.error(source.span, f"unknown article {source.slug!r}", "index-bad-source")
            continue
        cited = texts.get((source.slug, source.anchor))
        if cited is None:
            message = f"{source.slug} has no paragraph or note {source.anchor!r}"
            reporter.error(source.span, message, "index-bad-source")
        elif not match_names([entity], cited, protected_ranges(cited)):
            message = (
                f"{source.slug}#{source.anchor} does not name {entity.name!r}, so it "
                "cannot be the source of its identification"
            )
            reporter.error(source.span, message, "index-source-unnamed")


def report_unused(
    entities: Sequence[Entity],
    occurrences: Mapping[str, Sequence[EntityOccurrence]],
    reporter: Reporter,
) -> None:
    """Warn about each entry that no article names."""
    for entity in entities:
        if not occurrences.get(entity.id):
            message = f"{entity.name!r} occurs in no article"
            reporter.warning(entity.span, message, "index-entry-unused")


# ---------------------------------------------------------------- candidates

# Capitalised words that begin sentences or head titles rather than name anything.
_COMMON = frozenset(
    """a about after again against all also although among an and another any april
    article as at august because before being both but by chapter conclusion december
    despite during each either even february finally first for from furthermore given
    however if in indeed instead introduction it its january july june march may
    moreover most much nevertheless no nor not november october of on one only or other
    our part per second september since so some such than that the their then there
    these they this those though thus to today under unlike until we what when where
    whether which while who why with within without yet table figure see""".split()
)
# Small words a name may hold ("Organization of Islamic Cooperation", "Council of the
# ..."); "and" is not one: "Russia and China" are two names.
_CONNECTORS = ("of", "the", "for", "de", "on")
_WORD = r"[A-Z][\w’'.-]*\w|[A-Z]"
_LINK = r"(?:of|for|de|on)(?:\s+the)?"
_NAME_RE = re.compile(rf"(?:{_WORD})(?:\s+(?:{_LINK}\s+)?(?:{_WORD}))*")


def _names_in(text: str) -> Iterator[str]:
    """Runs of capitalised words in ``text`` (connectors inside a run allowed), each
    trimmed of leading common words, possessives and trailing connectors."""
    masked = list(text)
    for start, end in protected_ranges(text):
        for i in range(max(start, 0), min(end, len(text))):
            masked[i] = " "
    for m in _NAME_RE.finditer("".join(masked)):
        words = re.sub(r"[’']s$", "", m.group()).split()
        while words and (words[0].casefold() in _COMMON or words[0].casefold() in _CONNECTORS):
            words.pop(0)
        while words and words[-1] in _CONNECTORS:
            words.pop()
        if words and (len(words) > 1 or len(words[0]) > 2 or words[0].isupper()):
            yield " ".join(words)


def index_candidates(
    entities: Sequence[Entity],
    texts: Iterable[tuple[str, str, str]],
    *,
    minimum: int = 2,
) -> list[tuple[str, int]]:
    """Names the articles use at least ``minimum`` times that no entry matches yet,
    with their counts, most frequent first: capitalised words and runs of them
    ("Kurmanbek Bakiyev", "Collective Security Council") and acronyms ("CRRF"),
    outside headings, links, citations and note markers."""
    counts: Counter[str] = Counter()
    for _slug, _anchor, text in texts:
        counts.update(_names_in(text))
    out = []
    for name, count in counts.items():
        if count < minimum or match_names(entities, name):
            continue
        out.append((name, count))
    return sorted(out, key=lambda item: (-item[1], item[0]))


# ---------------------------------------------------------------- the stage


def index_order(entity: Entity) -> str:
    """The key an index sorts by: the name without accents, case or punctuation."""
    return slugify(entity.name)


def _occurrences_by_article(
    entities: Sequence[Entity], articles: Sequence[Article], shared: str = ""
) -> dict[str, tuple[EntityOccurrence, ...]]:
    """``find_entity_occurrences(entities, article_texts(articles))``, article by
    article on every core (an article's mentions depend on its texts alone), joined in
    article order.  ``shared``: the digest of ``entities`` (``ingest.cache.memo``)."""
    found: dict[str, list[EntityOccurrence]] = {e.id: [] for e in entities}

    def own(article: Article) -> dict[str, tuple[EntityOccurrence, ...]]:
        occurrences = find_entity_occurrences(entities, article_texts([article]))
        return {k: v for k, v in occurrences.items() if v}

    def mentions(article: Article, r: Reporter) -> dict[str, tuple[EntityOccurrence, ...]]:
        # reused while neither the index's entries nor the article changed
        return memo("names", article.meta.slug, (shared, article), lambda _: own(article), r)

    for part in map_reported(mentions, articles, Reporter()):
        for entity_id, occurrences in part.items():
            found[entity_id].extend(occurrences)
    return {key: tuple(value) for key, value in found.items()}


def build_index(
    root: Path,
    articles: Sequence[Article],
    terms: Sequence[Term],
    events: Sequence[Event],
    reporter: Reporter,
) -> IndexBuild | None:
    """Load ``index/entities.yml``, check it against the articles and the glossary,
    find every mention; None when the project has no index file.  ``articles`` are
    the articles with their citations linked, so no name is taken from a citation."""
    path = root / ENTITIES_FILE
    if not path.exists():
        return None
    shown = ENTITIES_FILE.as_posix()  # the entries reused while the file's bytes are the same
    entities = list(memo_file("names", path, (), lambda r: load_entities(path, r, shown), reporter))
    check_entities(entities, articles, {t.id for t in terms}, reporter)
    shared = value_digest(entities) if memo_active() else ""  # once, not once per article
    occurrences = _occurrences_by_article(entities, articles, shared)
    report_unused(entities, occurrences, reporter)
    mentions = memo(
        "names", "apparatus", (shared, terms, events),
        lambda _: find_mentions(entities, apparatus_texts(terms, events)), reporter,
    )  # fmt: skip
    ordered = tuple(sorted(entities, key=index_order))
    return IndexBuild(ordered, occurrences, mentions)
