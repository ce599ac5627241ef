"""Glossary stage: terms from ``glossary/terms.yml``, their occurrences, and the page.

The data file is a YAML list of terms.  Each term is a mapping::

    - id: crrf                       # anchor on /glossary/, lowercase-hyphen
      name: Collective Rapid Reaction Forces (CRRF)
      variants: [Collective Rapid Reaction Forces, CRRF]   # as the articles write them
      short: One neutral sentence for the tooltip (at most 200 characters).
      explanation: A longer paragraph or two in our own words.
      sources:                       # at least one; each item has one of four forms
        - {bib: kornilenko2020}                       # a bibliography key
        - {article: zhang-2023, line: 59}             # a line of sources/<slug>/article.txt
        - {document: "Title", url: "https://..."}     # an official document, by address
        - {checked: "Title", url: "https://..."}      # what the editors checked a fact
                                                      # of their own against
      related: [csto]                # ids of other terms
      wordings:                      # optional: how each article words a provision
        - {article: choi-2022, line: 3, text: "verbatim phrase from that line"}

``load_terms`` validates the file and reports problems as
``glossary/terms.yml:<line>: error: <message> [code]`` (lines from ``yamlfile``);
``check_against_sources`` checks the line references and quotations against the
article texts.  ``find_occurrences`` and ``mark_terms`` find the terms in prose;
``render_glossary_page`` writes the Markdown of ``/glossary/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..diagnostics import Reporter
from ..ingest.anchors import paragraph_texts, source_anchors
from ..ingest.article import source_texts
from ..ingest.cache import memo, memo_active, memo_file, value_digest
from ..markup import fn_key, front_matter, parse_note_anchor
from ..model import (
    FN_CLOSE,
    FN_OPEN,
    Article,
    ArticleLineSource,
    BibliographyBuild,
    BibSource,
    CheckedSource,
    DocumentSource,
    GlossaryBuild,
    Occurrence,
    Span,
    Term,
    TermSource,
    Wording,
)
from ..textcheck import is_safe_url
from ..workers import map_reported
from ..yamlfile import Typed, load
from .cite_format import author_date_labels
from .masking import Named
from .masking import protected_ranges as _protected_ranges

# The entries the reader's pages link to by anchor; the build fails without them.
REQUIRED_IDS: tuple[str, ...] = (
    "crrf",
    "charter-article-4",
    "charter-article-5",
    "treaty-article-4",
    "security-community",
)

SHORT_MAX = 200

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Bibliography keys: lowercase family name + year, optionally a/b/... ("shamarov2022a").
_BIB_KEY_RE = re.compile(r"^[a-z][a-z-]*[0-9]{4}[a-z]?$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_TERM_KEYS = {"id", "name", "variants", "short", "explanation", "sources", "related", "wordings"}
_REQUIRED_TERM_KEYS = ("id", "name", "variants", "short", "explanation", "sources")


# ---------------------------------------------------------------- loading


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


class _Loader(Typed):
    """Turns the composed YAML tree into terms, reporting every problem with its line."""

    def __init__(self, file: str, reporter: Reporter) -> None:
        super().__init__(
            file,
            reporter,
            "glossary-bad-type",
            unknown_code="glossary-unknown-key",
            missing_code="glossary-missing-field",
        )

    def string(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        value = self.text(node, what, allow_empty=True)
        if value is not None and not value and not allow_empty:
            self.error(node, f"{what} is empty", "glossary-empty")
            return None
        return value

    def positive_int(self, node: yaml.Node, what: str) -> int | None:
        return self.integer(node, what, minimum=1)

    # -- items

    def source(self, node: yaml.Node, term_id: str) -> TermSource | None:
        fields = self.mapping(node, f"a source of {term_id!r}")
        if fields is None:
            return None
        span = self.span(node)
        keys = set(fields)
        if keys == {"bib"}:
            key = self.string(fields["bib"], "bib key")
            if key is None:
                return None
            if not _BIB_KEY_RE.match(key):
                self.error(
                    fields["bib"],
                    f"bib key {key!r} is not familyname+year (e.g. kornilenko2020)",
                    "glossary-bad-source",
                )
                return None
            return BibSource(key, span)
        if keys == {"article", "line"}:
            slug = self.string(fields["article"], "article slug")
            line = self.positive_int(fields["line"], "line")
            if slug is None or line is None:
                return None
            if not _SLUG_RE.match(slug):
                self.error(fields["article"], f"bad article slug {slug!r}", "glossary-bad-source")
                return None
            return ArticleLineSource(slug, line, span)
        if keys in ({"document", "url"}, {"checked", "url"}):
            kind = "document" if "document" in keys else "checked"
            title = self.string(fields[kind], f"{kind} title")
            url = self.string(fields["url"], f"{kind} url")
            if title is None or url is None:
                return None
            if not is_safe_url(url, schemes=("http", "https")):
                self.error(
                    fields["url"],
                    f"{kind} url {url!r} is not an http:// or https:// address",
                    "glossary-bad-source",
                )
                return None
            if kind == "checked":
                return CheckedSource(title, url, span)
            return DocumentSource(title, url, span)
        self.error(
            node,
            "a source is {bib: key}, {article: slug, line: N}, {document: title, url: address} "
            f"or {{checked: title, url: address}}; got keys {sorted(keys)}",
            "glossary-bad-source",
        )
        return None

    def wording(self, node: yaml.Node, term_id: str) -> Wording | None:
        fields = self.mapping(node, f"a wording of {term_id!r}")
        if fields is None:
            return None
        if set(fields) != {"article", "line", "text"}:
            self.error(
                node,
                f"a wording is {{article: slug, line: N, text: phrase}}; got keys {sorted(fields)}",
                "glossary-bad-wording",
            )
            return None
        slug = self.string(fields["article"], "article slug")
        line = self.positive_int(fields["line"], "line")
        text = self.string(fields["text"], "wording text")
        if slug is None or line is None or text is None:
            return None
        return Wording(slug, line, text, self.span(node))

    def term_id(self, node: yaml.Node) -> str | None:
        """The ``id`` field: a lowercase-hyphen anchor, or None (reported)."""
        term_id = self.string(node, "id")
        if term_id is not None and not _ID_RE.match(term_id):
            self.error(node, f"id {term_id!r} is not lowercase-hyphen", "glossary-bad-id")
            return None
        return term_id

    def short(self, node: yaml.Node, label: str) -> str | None:
        """The ``short`` definition: not empty (else None), at most ``SHORT_MAX``
        characters (a longer one is reported and kept)."""
        short = self.string(node, "short definition", allow_empty=True)
        if short is not None and not short:
            self.error(
                node, f"term {label!r} has an empty short definition", "glossary-empty-short"
            )
            return None
        if short is not None and len(short) > SHORT_MAX:
            self.error(
                node,
                f"short definition of {label!r} has {len(short)} characters (at most {SHORT_MAX})",
                "glossary-short-too-long",
            )
        return short

    def variants(self, node: yaml.Node, label: str) -> list[str]:
        """The ``variants`` list: no markup characters, repeats dropped with a warning;
        an empty result is reported."""
        variant_nodes = self.sequence(node, "variants")
        if variant_nodes is None:
            return []
        variants: list[str] = []
        for vnode in variant_nodes:
            variant = self.string(vnode, "variant")
            if variant is None:
                continue
            if re.search(r"[\[\]<>`]", variant):
                self.error(
                    vnode, f"variant {variant!r} holds markup characters", "glossary-bad-variant"
                )
            elif variant in variants:
                self.reporter.warning(
                    self.span(vnode), f"variant {variant!r} repeated", "glossary-duplicate-variant"
                )
            else:
                variants.append(variant)
        if not variants:
            self.error(node, f"term {label!r} has no variants", "glossary-empty")
        return variants

    def sources(self, node: yaml.Node, label: str) -> list[TermSource]:
        """The ``sources`` list, its well-formed items; an empty list is reported."""
        source_nodes = self.sequence(node, "sources")
        if source_nodes is None:
            return []
        if not source_nodes:
            self.error(node, f"term {label!r} cites no source", "glossary-no-source")
        found = (self.source(snode, label) for snode in source_nodes)
        return [source for source in found if source is not None]

    def related(self, fields: Mapping[str, yaml.Node]) -> dict[str, yaml.Node]:
        """The optional ``related`` ids with the node of each id's first mention."""
        related: dict[str, yaml.Node] = {}
        if "related" in fields:
            for rnode in self.sequence(fields["related"], "related") or []:
                rid = self.string(rnode, "related id")
                if rid is not None:
                    related.setdefault(rid, rnode)
        return related

    def wordings(self, fields: Mapping[str, yaml.Node], label: str) -> list[Wording]:
        """The optional ``wordings`` list, its well-formed items."""
        if "wordings" not in fields:
            return []
        found = (
            self.wording(w, label) for w in self.sequence(fields["wordings"], "wordings") or []
        )
        return [wording for wording in found if wording is not None]

    def term(self, node: yaml.Node) -> tuple[Term, dict[str, yaml.Node]] | None:
        """One term, plus the nodes of its related ids (checked once all ids are known).

        Every field is read (so every problem is reported) before a term with an
        error in ``id``, ``name``, ``short``, ``explanation`` or ``variants`` is dropped.
        """
        fields = self.mapping(node, "a term", _REQUIRED_TERM_KEYS, _TERM_KEYS)
        if fields is None:
            return None
        term_id = self.term_id(fields["id"])
        label = term_id or "?"
        name = self.string(fields["name"], "name")
        short = self.short(fields["short"], label)
        explanation = self.string(fields["explanation"], "explanation")
        variants = self.variants(fields["variants"], label)
        sources = self.sources(fields["sources"], label)
        related = self.related(fields)
        wordings = self.wordings(fields, label)
        if term_id is None or name is None or short is None or explanation is None or not variants:
            return None
        term = Term(
            id=term_id,
            name=name,
            variants=tuple(variants),
            short=short,
            explanation=explanation,
            sources=tuple(sources),
            related=tuple(related),
            wordings=tuple(wordings),
            span=self.span(node),
        )
        return term, related


def load_terms(
    path: Path,
    reporter: Reporter,
    *,
    root: Path | None = None,
    required_ids: Sequence[str] = REQUIRED_IDS,
) -> list[Term]:
    """Read and validate the glossary file; return the terms that are well formed.

    Problems are reported to ``reporter`` with the file (relative to ``root`` when
    given) and the line of the offending YAML node: duplicate ids, unknown related
    ids, missing required ids, empty or over-long short definitions, malformed
    sources and wordings.  A term with an error in its own fields is left out; the
    rest are returned in file order.
    """
    file = _display_path(path, root)
    document = load(path, file, reporter, "glossary-yaml", duplicate_code="glossary-duplicate-key")
    if document is None:
        return []
    if document.root is None:
        reporter.error(Span(file, 1), "the glossary is empty", "glossary-empty")
        return []
    loader = _Loader(file, reporter)
    items = loader.sequence(document.root, "the glossary", "terms")
    if items is None:
        return []
    terms, related_nodes = _unique_terms(loader, items)
    _check_related(loader, terms, related_nodes)
    known = {term.id for term in terms}
    for rid in required_ids:
        if rid not in known:
            reporter.error(
                Span(file, 1), f"required term {rid!r} is missing", "glossary-missing-required"
            )
    _check_variant_clashes(terms, reporter)
    return terms


def _unique_terms(
    loader: _Loader, items: Sequence[yaml.Node]
) -> tuple[list[Term], list[dict[str, yaml.Node]]]:
    """The well-formed terms in file order, a repeated id reported and left out, with
    the related-id nodes of each."""
    terms: list[Term] = []
    related_nodes: list[dict[str, yaml.Node]] = []
    first_line: dict[str, int] = {}
    for item in items:
        loaded = loader.term(item)
        if loaded is None:
            continue
        term, related = loaded
        if term.id in first_line:
            loader.reporter.error(
                term.span,
                f"duplicate id {term.id!r} (first defined at line {first_line[term.id]})",
                "glossary-duplicate-id",
            )
            continue
        first_line[term.id] = term.span.line
        terms.append(term)
        related_nodes.append(related)
    return terms, related_nodes


def _check_related(
    loader: _Loader, terms: Sequence[Term], related_nodes: Sequence[dict[str, yaml.Node]]
) -> None:
    """Each related id names another known term (itself: a warning; unknown: an error)."""
    known = {term.id for term in terms}
    for term, related in zip(terms, related_nodes, strict=True):
        for rid, rnode in related.items():
            if rid == term.id:
                loader.reporter.warning(
                    loader.span(rnode),
                    f"term {term.id!r} lists itself as related",
                    "glossary-self-related",
                )
            elif rid not in known:
                loader.reporter.error(
                    loader.span(rnode),
                    f"term {term.id!r} names unknown related id {rid!r}",
                    "glossary-unknown-related",
                )


def _check_variant_clashes(terms: Sequence[Term], reporter: Reporter) -> None:
    """Warn about a variant two terms claim: every match of it would be ambiguous."""
    owner: dict[str, str] = {}
    for term in terms:
        for variant in term.variants:
            key = variant if _is_case_sensitive(variant) else variant.casefold()
            if key in owner and owner[key] != term.id:
                reporter.warning(
                    term.span,
                    f"variant {variant!r} of {term.id!r} is also a variant of {owner[key]!r}",
                    "glossary-variant-clash",
                )
            owner.setdefault(key, term.id)


# ---------------------------------------------------------------- checks against the texts

# A backslash run before punctuation is a Markdown escape in the received texts
# (Zhang's URLs read ``dogovor\\_o_...``); compare without it.
_ESCAPE_RE = re.compile(r"\\+(?=[^\w\s])")


def normalize_for_comparison(text: str) -> str:
    """Text with Markdown escapes removed and whitespace runs collapsed."""
    return re.sub(r"\s+", " ", _ESCAPE_RE.sub("", text)).strip()


def _addresses_absent(terms: Sequence[Term], texts: Mapping[str, Sequence[str]]) -> set[str]:
    """The documents' addresses (normalised) that no text gives.  Each text is
    normalised on its own, and the search stops once every address is found: the
    texts are never joined into one string (at a thousand articles that string and its
    normalised copies took hundreds of MB at once)."""
    absent = {
        normalize_for_comparison(s.url).rstrip("/")
        for term in terms
        for s in term.sources
        if isinstance(s, DocumentSource)
    } - {""}  # an empty address is in every text
    for lines in texts.values():
        if not absent:
            break
        text = normalize_for_comparison("\n".join(lines))
        absent = {url for url in absent if url not in text}
    return absent


def check_against_sources(
    terms: Sequence[Term],
    texts: Mapping[str, Sequence[str]],
    reporter: Reporter,
    *,
    bib_keys: set[str] | None = None,
) -> None:
    """Check every line reference, quotation and document address against the texts.

    ``texts`` maps an article slug to the lines of its ``article.txt`` (line 1 first).
    A wording must occur on its stated line (after removing Markdown escapes and
    collapsing whitespace); an ``{article, line}`` source must name an existing line;
    a document's address must appear in one of the texts; with ``bib_keys``, a bib
    source must name a known key.
    """
    absent = _addresses_absent(terms, texts)

    def line_of(slug: str, line: int, span: Span) -> str | None:
        lines = texts.get(slug)
        if lines is None:
            reporter.error(span, f"unknown article {slug!r}", "glossary-unknown-article")
            return None
        if line > len(lines):
            reporter.error(span, f"{slug} has {len(lines)} lines, not {line}", "glossary-bad-line")
            return None
        if not lines[line - 1].strip():
            reporter.error(span, f"line {line} of {slug} is blank", "glossary-bad-line")
            return None
        return lines[line - 1]

    for term in terms:
        for source in term.sources:
            if isinstance(source, ArticleLineSource):
                line_of(source.slug, source.line, source.span)
            elif isinstance(source, DocumentSource):
                if normalize_for_comparison(source.url).rstrip("/") in absent:
                    reporter.error(
                        source.span,
                        f"no article text gives the address {source.url!r}",
                        "glossary-unsourced-url",
                    )
            elif (
                isinstance(source, BibSource)
                and bib_keys is not None
                and source.key not in bib_keys
            ):
                reporter.error(
                    source.span, f"unknown bibliography key {source.key!r}", "glossary-unknown-bib"
                )
        for wording in term.wordings:
            text = line_of(wording.slug, wording.line, wording.span)
            if text is None:
                continue
            if normalize_for_comparison(wording.text) not in normalize_for_comparison(text):
                reporter.error(
                    wording.span,
                    f"wording {wording.text!r} is not on line {wording.line} of {wording.slug}",
                    "glossary-wording-mismatch",
                )


def report_unused(
    terms: Sequence[Term], occurrences: Mapping[str, Sequence[Occurrence]], reporter: Reporter
) -> None:
    """Warn about each term that no article paragraph uses."""
    for term in terms:
        if not occurrences.get(term.id):
            reporter.warning(
                term.span,
                f"term {term.id!r} occurs in no article paragraph",
                "glossary-term-unused",
            )


# ---------------------------------------------------------------- matching


def _is_case_sensitive(variant: str) -> bool:
    """Acronyms match case-sensitively: a variant with a word of two or more capitals
    ("CRRF", "IGOs", "EurAsEC", "UN Charter"); everything else ignores case."""
    return any(sum(ch.isupper() for ch in word) >= 2 for word in variant.split())


def _variant_pattern(variant: str) -> str:
    # Words may be separated by any whitespace run (line wraps, double spaces,
    # no-break spaces in the received texts).
    body = r"\s+".join(re.escape(word) for word in variant.split())
    return rf"(?<!\w){body}(?!\w)"


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term_id: str


# Characters outside ASCII that a case-insensitive pattern takes for an ASCII letter
# (dotted and dotless i, long s, the Kelvin sign): folded before tokens are compared.
_FOLD_SPECIAL = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_TOKEN_RE = re.compile(r"\w+")


def _fold(token: str) -> str:
    return token.translate(_FOLD_SPECIAL).lower()


def _start_key(variant: str, ignore_case: bool) -> tuple[str, bool] | None:
    """The word a match of ``variant`` starts with, as the text's tokens are indexed, or
    None when the variant cannot be found through it (it does not start with a word
    character, an ignore-case word outside ASCII, or the word recurs inside the
    variant, so that two matches of it could overlap): such variants are scanned in
    full."""
    first = _TOKEN_RE.match(variant)
    if first is None or (ignore_case and not first.group().isascii()):
        return None
    key = _fold(first.group())
    if any(_fold(t) == key for t in _TOKEN_RE.findall(variant)[1:]):
        return None
    return (key if ignore_case else first.group()), ignore_case


def _unblocked(length: int, blocked: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of the text outside every blocked range, in text order."""
    spans = sorted((max(s, 0), min(e, length)) for s, e in blocked)
    gaps: list[tuple[int, int]] = []
    pos = 0
    for start, end in spans:
        if start > pos:
            gaps.append((pos, start))
        pos = max(pos, end)
    if pos < length:
        gaps.append((pos, length))
    return gaps


def _token_starts(
    text: str, gaps: Sequence[tuple[int, int]], keys: frozenset[tuple[str, bool]]
) -> dict[tuple[str, bool], list[int]]:
    """Where each of the ``keys`` starts a word of the unblocked text: under its own
    spelling (the case-sensitive variants) or folded (the others)."""
    index: dict[tuple[str, bool], list[int]] = {}
    for lo, hi in gaps:
        for m in _TOKEN_RE.finditer(text, lo, hi):
            token = m.group()
            folded = token.lower() if token.isascii() else _fold(token)
            for key in ((token, False), (folded, True)):
                if key in keys:
                    index.setdefault(key, []).append(m.start())
    return index


def _matches_at(
    pattern: re.Pattern[str], text: str, starts: Sequence[int]
) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` yields, when every match starts at one of the
    ascending ``starts``."""
    pos = 0
    for start in starts:
        if start >= pos:
            m = pattern.match(text, start)
            if m is not None:
                pos = m.end()
                yield m


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile``, kept for the build: every matcher (one per index entry checked,
    then one of all of them) compiles the same variants again, more than ``re``'s own
    cache holds."""
    return re.compile(pattern, flags)


class _Matcher:
    """All variants of all terms, tried longest first so a longer name wins.

    A variant that starts with a word is looked for only where the text has that word
    (outside the blocked ranges, where no match may start): the same matches as a scan
    of the whole text, in far less time over many variants or long texts."""

    def __init__(self, terms: Iterable[Named]) -> None:
        entries: list[tuple[str, str]] = []
        self.variants_of: dict[str, list[str]] = {}
        for term in terms:
            for variant in term.variants:
                entries.append((variant, term.id))
                self.variants_of.setdefault(term.id, []).append(variant)
        entries.sort(key=lambda e: (-len(e[0]), e[0]))
        self.patterns = [
            (
                _compiled(_variant_pattern(v), 0 if _is_case_sensitive(v) else re.IGNORECASE),
                tid,
                _start_key(v, not _is_case_sensitive(v)),
            )
            for v, tid in entries
        ]
        self.keys = frozenset(key for _, _, key in self.patterns if key is not None)
        # "Collective Rapid Reaction Forces (CRRF)": a name followed by another
        # variant of the same term in parentheses is one mention, not two.
        self.paren_patterns: dict[str, re.Pattern[str]] = {}
        for tid, variants in self.variants_of.items():
            alternatives = [
                f"(?:{_variant_pattern(v)})"
                if _is_case_sensitive(v)
                else f"(?i:{_variant_pattern(v)})"
                for v in sorted(variants, key=len, reverse=True)
            ]
            self.paren_patterns[tid] = _compiled(
                r"\s*\(\s*(?:" + "|".join(alternatives) + r")\s*\)"
            )

    def matches(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[_Match]:
        """Non-overlapping matches in text order, none touching a ``blocked`` range."""
        taken = bytearray(len(text) + 1)  # 1 where a blocked range or a match lies
        for start, end in blocked:
            lo, hi = max(start, 0), min(end, len(text))
            if hi > lo:
                taken[lo:hi] = b"\x01" * (hi - lo)
        starts = _token_starts(text, _unblocked(len(text), blocked), self.keys)
        found: list[_Match] = []
        for pattern, tid, key in self.patterns:
            if key is None:
                candidates: Iterable[re.Match[str]] = pattern.finditer(text)
            elif key in starts:
                candidates = _matches_at(pattern, text, starts[key])
            else:
                continue
            for m in candidates:
                start, end = m.start(), m.end()
                if taken.find(1, start, end) != -1:
                    continue
                paren = self.paren_patterns[tid].match(text, end)
                if paren and taken.find(1, end, paren.end()) == -1:
                    end = paren.end()
                taken[start:end] = b"\x01" * (end - start)
                found.append(_Match(start, end, tid))
        found.sort(key=lambda m: m.start)
        return found


@dataclass(frozen=True)
class _Variants:
    """What a matcher reads of a term or an index entry (``Named``)."""

    id: str
    variants: tuple[str, ...]


def _matcher_for(terms: Iterable[Named]) -> _Matcher:
    """The matcher of ``terms``, kept by their ids and variants, all that matching reads
    (a key of whole ``Term`` values would hash every field of every term at each call)."""
    return _matcher_of(tuple((t.id, tuple(t.variants)) for t in terms))


@functools.lru_cache(maxsize=256)  # the index checks one matcher per entry
def _matcher_of(key: tuple[tuple[str, tuple[str, ...]], ...]) -> _Matcher:
    # Building the matcher compiles a pattern per variant; pages call mark_terms
    # once per paragraph with the same terms.
    return _Matcher(_Variants(tid, variants) for tid, variants in key)


def match_names(
    named: Sequence[Named], text: str, blocked: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int, str]]:
    """(start, end, id) of every mention of the ``named`` items in ``text``, by the
    glossary's matching rules, none touching a ``blocked`` range (the index of names
    matches its entries with this)."""
    return [(m.start, m.end, m.term_id) for m in _matcher_for(named).matches(text, blocked)]


_FN_TOKEN_RE = re.compile(re.escape(FN_OPEN) + ".*?" + re.escape(FN_CLOSE))


def _snippet(text: str, start: int, end: int, words: int = 5) -> str:
    """The match with about ``words`` words either side, ellipses where cut."""
    before = [m.start() for m in re.finditer(r"\S+", text[:start])]
    after = [m.end() + end for m in re.finditer(r"\S+", text[end:])]
    lo = before[-words] if len(before) >= words else 0
    hi = after[words - 1] if len(after) >= words else len(text)
    snippet = " ".join(text[lo:hi].split())
    if len(before) > words:
        snippet = "… " + snippet
    if len(after) > words:
        snippet = snippet + " …"
    return snippet


def find_occurrences(
    terms: Sequence[Term], paragraphs: Iterable[tuple[str, str, str]]
) -> dict[str, list[Occurrence]]:
    """Every mention of every term in the given body paragraphs.

    ``paragraphs`` yields ``(slug, anchor, text)`` with the plain text of one body
    paragraph.  Matches are whole words; acronyms match case-sensitively, other
    variants ignore case; longer variants are tried first, and a name followed by its
    acronym in parentheses counts once.  The result maps every term id (also those
    with no match) to its occurrences in paragraph order.
    """
    matcher = _matcher_for(terms)
    result: dict[str, list[Occurrence]] = {term.id: [] for term in terms}
    for slug, anchor, raw in paragraphs:
        # Footnote markers are not prose: drop them before matching.
        text = _FN_TOKEN_RE.sub("", raw)
        for m in matcher.matches(text):
            result[m.term_id].append(
                Occurrence(
                    term_id=m.term_id,
                    slug=slug,
                    anchor=anchor,
                    matched=text[m.start : m.end],
                    snippet=_snippet(text, m.start, m.end),
                )
            )
    return result


# ---------------------------------------------------------------- marking


def term_link(text: str, term: Term, glossary_url: str) -> str:
    """The Markdown for one marked term: a link to its entry.  Its preview (the short
    definition) is not in the page: ``publish/previews.py`` writes it, once per term,
    into the page's previews file, finding the marked terms with ``marked_term_ids``."""
    return f"[{text}]({glossary_url}#{term.id}){{ .term }}"


_TERM_LINK_RE = re.compile(r"\]\([^()\s]*#([^()\s]+)\)\{ \.term \}")


def marked_term_ids(markdown_text: str) -> list[str]:
    """The ids of the terms ``term_link`` marked in ``markdown_text`` (whatever the
    glossary's address), in page order, each once: the two change together."""
    return list(dict.fromkeys(_TERM_LINK_RE.findall(markdown_text)))


def mark_terms(
    markdown_text: str,
    terms: Sequence[Term],
    already_marked: set[str],
    glossary_url: str = "../../glossary/",
) -> str:
    """Mark the first occurrence of each term not yet in ``already_marked``.

    Each marked occurrence becomes ``[text](<glossary_url>#id "short"){ .term }`` and
    its id is added to ``already_marked`` (the set is mutated, so a caller can mark
    once per page or once per section).  Nothing is marked inside links or other
    bracketed text (footnote references ``[^n]`` included), inline code, HTML tags or
    elements (citations marked ``<span class="cite">``), attribute lists, footnote
    tokens, heading lines or parenthesized author-date citations.  The visible text is
    unchanged.
    """
    if not terms:
        return markdown_text
    chosen: list[_Match] = []
    for m in _matcher_for(terms).matches(markdown_text, _protected_ranges(markdown_text)):
        if m.term_id in already_marked:
            continue
        already_marked.add(m.term_id)
        chosen.append(m)
    return _link_matches(markdown_text, chosen, terms, glossary_url)


# A term is marked at its first use in an article and again only where its previous
# mark is at least this many words back: a reader who meets "CSTO" on every page needs
# the link once, and again only after a long stretch of text, not in every section.
REMARK_AFTER_WORDS = 1500

_TAG_ANY_RE = re.compile(r"<[^<>]*>")
_MD_LINK_TARGET_RE = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_ATTR_LIST_RE = re.compile(r"\{:?[^{}\n]*\}")
_ENTITY_RE = re.compile(r"&#?\w+;")
_MD_ESCAPE_RE = re.compile(r"\\(.)")
_WORD_RE = re.compile(r"[^\W_]+")


def visible_words(markdown_text: str) -> int:
    """How many words of ``markdown_text`` a reader sees: tags, link addresses and
    titles, attribute lists and character references do not count.  Tags are dropped
    without a space, so "CSTO<sup>3</sup>" is one word: the count errs low, never high,
    and two marks it spaces are at least as far apart on the page."""
    text = _TAG_ANY_RE.sub("", markdown_text)
    text = _MD_LINK_TARGET_RE.sub("]", text)
    text = _MD_ATTR_LIST_RE.sub("", text)
    text = _ENTITY_RE.sub("", text)
    text = _MD_ESCAPE_RE.sub(r"\1", text)
    return len(_WORD_RE.findall(text))


def mark_terms_spaced(
    markdown_text: str,
    terms: Sequence[Term],
    last_marked: dict[str, int],
    words_before: int,
    glossary_url: str = "../../glossary/",
    gap: int = REMARK_AFTER_WORDS,
) -> tuple[str, int]:
    """Mark each term whose previous mark is at least ``gap`` words back (or that has
    none); return the marked text and the word count at the paragraph's end.

    ``last_marked`` maps a term id to the word position of its last mark in the article
    (mutated); ``words_before`` is the position where ``markdown_text`` starts.  What
    may not be marked is as for ``mark_terms``."""
    chosen: list[_Match] = []
    if terms:
        protected = _protected_ranges(markdown_text)
        for m in _matcher_for(terms).matches(markdown_text, protected):
            at = words_before + visible_words(markdown_text[: m.start])
            previous = last_marked.get(m.term_id)
            if previous is not None and at - previous < gap:
                continue
            last_marked[m.term_id] = at
            chosen.append(m)
    marked = _link_matches(markdown_text, chosen, terms, glossary_url)
    return marked, words_before + visible_words(markdown_text)


def _link_matches(
    markdown_text: str, chosen: Sequence[_Match], terms: Sequence[Term], glossary_url: str
) -> str:
    """``markdown_text`` with each chosen match made a term link (from the end, so the
    earlier offsets hold)."""
    by_id = {term.id: term for term in terms}
    out = markdown_text
    for m in reversed(chosen):
        out = (
            out[: m.start]
            + term_link(out[m.start : m.end], by_id[m.term_id], glossary_url)
            + out[m.end :]
        )
    return out


# ---------------------------------------------------------------- the page

# Characters Python-Markdown reads as markup and lets a backslash escape ("|" with the
# tables extension).  "<", ">" and "&" are not among them ("\\<" would show the
# backslash): they become entities instead.
_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]{}#|])")


def md_escape(text: str) -> str:
    """Plain text made literal in Markdown (no emphasis, links, tags, entities or code)."""
    text = " ".join(_FN_TOKEN_RE.sub("", text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL_RE.sub(r"\\\1", text)


def _url_in_link(url: str) -> str:
    """An address made safe as a Markdown link destination."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _sort_key(term: Term) -> str:
    return re.sub(r"^[^\w]+", "", term.name).casefold()


def _paragraph_label(anchor: str) -> str:
    """ "¶ 12" for a paragraph's anchor, "note 4" for a note's (``fn:4``), "reference
    list" for a reference item's (``ref-…``), "article header" for the page's title."""
    m = re.fullmatch(r"p(\d+)", anchor)
    note = parse_note_anchor(anchor)
    if m:
        return f"¶ {m.group(1)}"
    if note is not None:
        return f"note {fn_key(note)}"
    if anchor.startswith("ref-"):
        return "reference list"
    return "article header" if anchor == "title" else anchor


def _article_url(slug: str, anchor: str | None = None) -> str:
    # a link to the page's Markdown source: MkDocs checks it (and its anchor) in strict
    # mode and writes the right relative address
    return f"articles/{slug}.md" + (f"#{anchor}" if anchor else "")


def render_glossary_page(
    terms: Sequence[Term],
    occurrences: Mapping[str, Sequence[Occurrence]],
    article_titles: Mapping[str, str],
    line_to_anchor: Mapping[tuple[str, int], str] | None = None,
    *,
    bibliography_url: str = "bibliography.md",
    snippets_per_article: int = 5,
    bib_labels: Mapping[str, str] | None = None,
) -> str:
    """Markdown for ``/glossary/``: every term, alphabetically, with its evidence.

    Each entry is a heading anchored by the term id (attr_list ``{ #id }``), then the
    short definition, the explanation, how each article words the provision (for
    entries with wordings), the sources, related terms, and where the articles use
    the term (article, paragraph number, snippet, linked).  ``line_to_anchor`` maps
    ``(slug, source line)`` to a paragraph anchor; without it, line references link
    to the article page.  Per article, the first ``snippets_per_article`` paragraphs
    are listed with a snippet and the rest as bare paragraph links, so that a term
    used on every page (CSTO) does not bury the others.  ``bib_labels`` maps a
    bibliography key to the label its link shows ("Chirciu (2020)",
    ``cite_format.author_date_labels``): readers never see a BibTeX key.
    """
    page = _GlossaryPage(
        names={term.id: term.name for term in terms},
        article_titles=article_titles,
        article_order={slug: i for i, slug in enumerate(article_titles)},
        line_to_anchor=line_to_anchor or {},
        bibliography_url=bibliography_url,
        snippets_per_article=snippets_per_article,
        bib_labels=bib_labels or {},
    )
    out: list[str] = [
        front_matter("Glossary").rstrip("\n"),
        "# Glossary",
        "",
        "Institutions, documents, events and ideas that the articles share. Each entry says "
        "what the term means, on what source, and where each article uses it. Definitions are "
        "the editors' own; quotations are the articles' words.",
        "",
    ]
    for term in sorted(terms, key=_sort_key):
        out += page.entry(term, occurrences.get(term.id, ()))
    return "\n".join(out).rstrip() + "\n"


@dataclass(frozen=True)
class _GlossaryPage:
    """What every entry of the glossary page needs to know to write its links."""

    names: Mapping[str, str]  # term id -> name
    article_titles: Mapping[str, str]
    article_order: Mapping[str, int]  # slug -> position in the reader
    line_to_anchor: Mapping[tuple[str, int], str]
    bibliography_url: str
    snippets_per_article: int
    bib_labels: Mapping[str, str]  # bibliography key -> "Chirciu (2020)"

    def title(self, slug: str) -> str:
        return md_escape(self.article_titles.get(slug, slug))

    def order(self, slug: str) -> int:
        """An article's place in the reader (unknown slugs last)."""
        return self.article_order.get(slug, len(self.article_order))

    def line_link(self, slug: str, line: int) -> str:
        """A link to the paragraph holding a source line (to the page when unknown)."""
        anchor = self.line_to_anchor.get((slug, line))
        # no source line for readers: a line in no block links to the page
        label = f"{self.title(slug)}, {_paragraph_label(anchor)}" if anchor else self.title(slug)
        return f"[{label}]({_article_url(slug, anchor)})"

    def entry(self, term: Term, found: Sequence[Occurrence]) -> list[str]:
        """The lines of one entry: heading, definitions, then each optional section."""
        out = [f"## {md_escape(term.name)} {{ #{term.id} }}", ""]
        out += [f"**{md_escape(term.short)}**", ""]
        # Folded YAML (">-") keeps a blank line as one newline: a paragraph break.
        for para in re.split(r"\n+", term.explanation.strip()):
            out += [md_escape(para), ""]
        others = [v for v in term.variants if v != term.name]
        if others:
            written = ", ".join(f"“{md_escape(v)}”" for v in others)
            out += ["*Written in the articles as:* " + written, ""]
        out += self.wordings(term) + self.sources(term) + self.related(term)
        return out + self.uses(found)

    def wordings(self, term: Term) -> list[str]:
        """ "How the articles word it": each wording, in reader and line order."""
        if not term.wordings:
            return []
        out = ["**How the articles word it**", ""]
        for w in sorted(term.wordings, key=lambda w: (self.order(w.slug), w.line)):
            out.append(f"- {self.line_link(w.slug, w.line)}: “{md_escape(w.text)}”")
        return [*out, ""]

    def sources(self, term: Term) -> list[str]:
        """ "Sources": one link per source (two lines of one paragraph: one link)."""
        if not term.sources:
            return []
        items: list[str] = []
        for source in term.sources:
            if isinstance(source, BibSource):
                label = md_escape(self.bib_labels.get(source.key, source.key))
                item = f"- [{label}]({self.bibliography_url}#{source.key})"
            elif isinstance(source, ArticleLineSource):
                item = f"- {self.line_link(source.slug, source.line)}"
            elif isinstance(source, CheckedSource):
                item = (
                    f"- [{md_escape(source.title)}]({_url_in_link(source.url)}) "
                    "(checked by the editors; not cited by the articles)"
                )
            else:
                item = f"- [{md_escape(source.title)}]({_url_in_link(source.url)})"
            if item not in items:
                items.append(item)
        return ["**Sources**", "", *items, ""]

    def related(self, term: Term) -> list[str]:
        """ "Related": links to the related terms that exist."""
        related = [rid for rid in term.related if rid in self.names]
        if not related:
            return []
        links = ", ".join(f"[{md_escape(self.names[rid])}](#{rid})" for rid in related)
        return ["**Related:** " + links, ""]

    def uses(self, found: Sequence[Occurrence]) -> list[str]:
        """ "Where the articles use it": per article, the first paragraphs with a
        snippet, the rest as bare paragraph links (one mention per paragraph)."""
        out = ["**Where the articles use it**", ""]
        if not found:
            return [*out, "*No article paragraph uses this term.*", ""]
        by_article: dict[str, list[Occurrence]] = {}
        seen: set[tuple[str, str]] = set()
        for occ in found:
            if (occ.slug, occ.anchor) not in seen:
                seen.add((occ.slug, occ.anchor))
                by_article.setdefault(occ.slug, []).append(occ)
        for slug in sorted(by_article, key=lambda s: (self.order(s), s)):
            out.append(f"- *{self.title(slug)}*")
            listed = by_article[slug][: self.snippets_per_article]
            rest = by_article[slug][self.snippets_per_article :]
            for occ in listed:
                out.append(f"    - {_paragraph_link(slug, occ.anchor)}: {md_escape(occ.snippet)}")
            if rest:
                out.append("    - also " + ", ".join(_paragraph_link(slug, o.anchor) for o in rest))
        return [*out, ""]


def _paragraph_link(slug: str, anchor: str) -> str:
    return f"[{_paragraph_label(anchor)}]({_article_url(slug, anchor)})"


# ------------------------------------------------------------- the stage


def _line_places(
    articles: Sequence[Article], bib: BibliographyBuild | None
) -> dict[tuple[str, int], str]:
    """(slug, source line) -> the anchor a line reference links to: the note or the
    paragraph that holds it (``anchors.source_anchors``: a note's lines first), else the
    reference item, else (a line above the body: the abstract, the byline) the page's
    title.  A reader never gets a bare source line."""
    places: dict[tuple[str, int], str] = {}
    for a in articles:
        first = min((b.span.line for b in a.blocks), default=1)
        places.update({(a.meta.slug, n): "title" for n in range(1, first)})
    for slug, refs in (bib.per_article if bib else {}).items():
        for r in refs:
            for n in range(r.span.line, (r.span.end_line or r.span.line) + 1):
                places[(slug, n)] = f"ref-{r.key}"
    return {**places, **source_anchors(articles)}


def _occurrences_by_article(
    terms: Sequence[Term], articles: Sequence[Article]
) -> dict[str, list[Occurrence]]:
    """``find_occurrences(terms, paragraph_texts(articles))``, article by article on
    every core (an article's occurrences depend on its paragraphs alone), joined in
    article order."""
    result: dict[str, list[Occurrence]] = {term.id: [] for term in terms}
    shared = value_digest(terms) if memo_active() else ""  # once, not once per article

    def of_article(article: Article) -> dict[str, list[Occurrence]]:
        return {k: v for k, v in find_occurrences(terms, paragraph_texts([article])).items() if v}

    def found(article: Article, r: Reporter) -> dict[str, list[Occurrence]]:
        # reused while neither the terms nor the article changed
        key = (shared, article)
        return memo("terms", article.meta.slug, key, lambda _: of_article(article), r)

    for part in map_reported(found, articles, Reporter()):
        for term_id, occurrences in part.items():
            result[term_id].extend(occurrences)
    return result


def build_glossary(
    root: Path,
    articles: Sequence[Article],
    bib: BibliographyBuild | None,
    reporter: Reporter,
) -> GlossaryBuild | None:
    """Load the glossary, check it against the texts, find where the articles use each
    term, and render /glossary/; None when the project has no glossary."""
    path = root / "glossary" / "terms.yml"
    if not path.exists():
        return None
    # the file's terms, reused while its bytes are the same
    terms = list(
        memo_file("glossary", path, (), lambda r: load_terms(path, r, root=root), reporter)
    )
    bib_keys = {m.key for m in bib.merged} if bib else None
    check_against_sources(terms, source_texts(articles), reporter, bib_keys=bib_keys)
    occurrences = _occurrences_by_article(terms, articles)
    report_unused(terms, occurrences, reporter)
    titles = {a.meta.slug: a.meta.title for a in articles}
    anchors = _line_places(articles, bib)
    page = render_glossary_page(
        terms,
        occurrences,
        titles,
        anchors,
        bib_labels=author_date_labels(bib.merged) if bib else {},
    )
    return GlossaryBuild(tuple(terms), page)
