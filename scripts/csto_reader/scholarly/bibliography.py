"""BibTeX I/O (bibtexparser v2), the merged bibliography, and hand corrections.

The only module that imports bibtexparser.  It writes ``bib/<slug>.bib`` (one entry per
item of an article's reference list, in list order) and ``bib/reader.bib`` (every work
once, merged across and within the lists, with its provenance), and reads them back,
reporting blocks bibtexparser could not parse as ``bib/<file>.bib:<line>: error: ...``
(bibtexparser records them in ``library.failed_blocks`` instead of raising).

Values are plain Unicode in memory.  Writing escapes the LaTeX specials (``& % $ # _ {
} ~ ^ \\``) in ordinary fields, escapes all but the braces in ``author``/``editor``
(whose braces protect corporate names: ``{Collective Security Treaty Organization}``)
and leaves ``url`` and ``doi`` verbatim; reading undoes exactly that, so a written file
parses back to the same references (tested).  Nothing goes through bibtexparser's LaTeX
middlewares: decoding them changes the source (``--`` becomes a dash, braces vanish).

Keys of ``bib/reader.bib`` are permanent (``bib/keys.tsv``, ``merge``): adding an
article never renames or rewrites a published entry; its listings join the entry, and
where they give another value the entry keeps its own and the difference is kept
(``Disagreement``) for an editorial note on /bibliography/.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import bibtexparser
import bibtexparser.middlewares
import yaml
from bibtexparser.model import Entry, Field, ImplicitComment

from ..codes import codes_of
from ..diagnostics import Diagnostic, Reporter
from ..model import (
    BibliographyBuild,
    BibSet,
    Disagreement,
    MergedEntry,
    Provenance,
    Reference,
    ReferenceItem,
    Span,
)
from ..workers import map_reported
from ..yamlfile import Typed, load, read_text
from .cite_format import format_bibliography
from .references import (
    FIELD_ORDER,
    first_family,
    normalize_title,
    parse_reference_list,
    parse_source_label,
    same_work,
    titles_match,
    year_letters,
)

CODES = codes_of("scholarly.bibliography")  # meanings: the registry (codes.py)

# ------------------------------------------------------------------ escaping

VERBATIM_FIELDS = frozenset({"url", "doi"})
NAME_FIELDS = frozenset({"author", "editor"})

_ESCAPES = {
    "\\": "\\textbackslash{}",
    "{": "\\{",
    "}": "\\}",
    "&": "\\&",
    "%": "\\%",
    "$": "\\$",
    "#": "\\#",
    "_": "\\_",
    "~": "\\textasciitilde{}",
    "^": "\\textasciicircum{}",
}
_UNESCAPES = {v: k for k, v in _ESCAPES.items()}
# encode_value's tables: every escape, and every escape but the braces (name fields)
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_NAME_ESCAPE_TABLE = str.maketrans({k: v for k, v in _ESCAPES.items() if k not in "{}"})
_ESCAPED = re.compile(r"\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}|\\[{}&%$#_]")


def encode_value(name: str, value: str) -> str:
    """Escape ``value`` of field ``name`` for a BibTeX file (see the module docstring)."""
    if name in VERBATIM_FIELDS:
        # braces and backslashes cannot stand in a verbatim value: percent-encode them
        return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
    return value.translate(_NAME_ESCAPE_TABLE if name in NAME_FIELDS else _ESCAPE_TABLE)


def decode_value(name: str, value: str) -> str:
    """Inverse of ``encode_value``."""
    if name in VERBATIM_FIELDS:
        return value
    return _ESCAPED.sub(lambda m: _UNESCAPES[m.group()], value)


def _ordered(fields: Mapping[str, str]) -> list[str]:
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    return sorted(fields, key=lambda n: (rank.get(n, len(rank)), n))


def _entry(entry_type: str, key: str, fields: Mapping[str, str]) -> Entry:
    return Entry(
        entry_type,
        key,
        [
            Field(name, encode_value(name, fields[name]))
            for name in _ordered(fields)
            if fields[name]
        ],
    )


def _write(header: str, entries: Sequence[Entry]) -> str:
    library = bibtexparser.Library()
    comment = "\n".join(f"% {line}".rstrip() for line in header.splitlines())
    library.add(ImplicitComment(comment))
    library.add(list(entries))
    if library.failed_blocks:  # duplicate keys: a bug in key assignment
        raise ValueError(f"cannot write: {[b.error for b in library.failed_blocks]}")
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"  # entries end in a newline: one blank line between them
    # every caller passes entries made for this call: the writer may change them in
    # place rather than deep-copy the library first (the larger part of its time)
    stack = bibtexparser.middlewares.default_unparse_stack(allow_inplace_modification=True)
    text = bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=fmt)
    return text.rstrip("\n") + "\n"


def write_article_bib(slug: str, refs: Sequence[Reference]) -> str:
    """The text of ``bib/<slug>.bib``: one entry per reference, in list order."""
    header = (
        f"bib/{slug}.bib: the reference list of sources/{slug}/article.txt, one entry per\n"
        "list item in list order. Generated by `python -m csto_reader bib` (make bib);\n"
        "do not edit by hand: put corrections in bib/corrections.yml."
    )
    return _write(header, [_entry(r.entry_type, r.key, r.fields) for r in refs])


def write_entry(entry_type: str, key: str, fields: Mapping[str, str]) -> str:
    """One BibTeX entry as text (for "Cite this")."""
    library = bibtexparser.Library()
    library.add(_entry(entry_type, key, fields))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    return bibtexparser.write_string(library, bibtex_format=fmt).strip() + "\n"


# ------------------------------------------------------------------- reading


@contextlib.contextmanager
def _parser_messages() -> Iterator[list[str]]:
    """Collect what bibtexparser logs while parsing (the reason a block failed), instead
    of letting it print to the terminal unformatted; yields the list of messages."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("bibtexparser")
    handler, propagate = Collect(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def parse_bib_text(text: str, display: str, reporter: Reporter) -> list[Reference]:
    """Parse BibTeX ``text`` (named ``display`` in messages) into references.

    Failed blocks are reported as errors at their 1-based line and skipped.  The
    provenance fields (``x-source``, ``x-source-text``, ``x-list-position``) give back the
    span, text and list number; an entry without them gets its place in the .bib file.
    """
    with _parser_messages() as messages:
        library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        detail = str(block.error) or next(
            (m for m in messages if f"(line {block.start_line})" in m), ""
        )
        detail = " ".join(detail.split())
        aborted = re.search(r"aborted on line (\d+).*?:\s*(.*)$", detail)
        if aborted:  # the library counts lines from 0
            detail = f"{aborted.group(2)} (reading stopped at line {int(aborted.group(1)) + 1})"
        detail = detail or type(block.error).__name__
        reporter.error(Span(display, line), f"BibTeX entry not read: {detail}", "bib-parse")
    refs = []
    for entry in library.entries:
        fields = {f.key: decode_value(f.key, str(f.value)) for f in entry.fields}
        label = fields.get("x-source")
        span = parse_source_label(label) if label else Span(display, (entry.start_line or 0) + 1)
        position = fields.get("x-list-position", "")
        refs.append(
            Reference(
                entry_type=entry.entry_type.lower(),
                fields=fields,
                text=fields.get("x-source-text", ""),
                span=span,
                number=int(position) if position.isdigit() else None,
                key=entry.key,
            )
        )
    return refs


@functools.lru_cache(maxsize=64)
def _parse_once(
    text: str, display: str, check_codes: bool
) -> tuple[tuple[Reference, ...], tuple[Diagnostic, ...]]:
    """``parse_bib_text`` of ``text`` with the diagnostics it reports, kept for the
    build's next parse of the same text: the committed ``bib/*.bib`` files are mostly
    the very texts ``regenerate_bibs`` wrote and parsed back a moment before."""
    own = Reporter(check_codes=check_codes)
    refs = parse_bib_text(text, display, own)
    return tuple(refs), tuple(own.diagnostics)


def parse_bib_memo(text: str, display: str, reporter: Reporter) -> list[Reference]:
    """``parse_bib_text(text, display, reporter)``, parsed once per text and name: its
    diagnostics are reported again, as a second parse would report them."""
    refs, diagnostics = _parse_once(text, display, reporter.check_codes)
    for diagnostic in diagnostics:
        reporter.add(diagnostic)
    return list(refs)


def read_bib(path: Path, reporter: Reporter, display: str | None = None) -> list[Reference]:
    """Read a .bib file; failed blocks are reported as ``<display>:<line>: error``, and so
    is a file that cannot be read (not UTF-8, a folder)."""
    text = read_text(path, display or str(path), reporter, "bib-parse")
    return parse_bib_text(text, display or str(path), reporter) if text is not None else []


# --------------------------------------------------------------------- merge


# Fields that describe one listing, not the work: they stay in bib/<slug>.bib.
LISTING_FIELDS = frozenset(
    {"x-source", "x-source-text", "x-list-position", "x-duplicate-of", "x-corrected"}
)


def _plain_key(key: str) -> str:
    """``sipri2015-2`` -> ``sipri2015``: the key without the repeated-listing mark."""
    return re.sub(r"-\d+$", "", key)


# ------------------------------------------------------------ the key registry

KEYS_FILE = "bib/keys.tsv"
KEYS_HEADER = (
    "# bib/keys.tsv: every key of bib/reader.bib ever published, and the work it names.\n"
    "# A key is permanent: a later listing of the same work merges into its entry, a\n"
    "# different work gets a new key. Columns: key, first author (key stem), year,\n"
    "# normalized title, DOI, the listings (article/key) the entry's fields come from.\n"
    "# `python -m csto_reader bib` (make bib) adds new keys; never remove or edit a row.\n"
)


@dataclass(frozen=True)
class KeyRecord:
    """One row of ``bib/keys.tsv``: a published key and the work it names."""

    key: str
    family: str
    year: str
    title: str  # normalized (references.normalize_title)
    doi: str  # lowercase
    listings: tuple[tuple[str, str], ...]  # (slug, key in bib/<slug>.bib)
    line: int = 0


def load_keys(path: Path, reporter: Reporter, display: str = KEYS_FILE) -> list[KeyRecord]:
    """Read ``bib/keys.tsv`` (none: no key published yet); see ``parse_keys``."""
    return parse_keys(path.read_text(encoding="utf-8"), reporter, display) if path.exists() else []


def parse_keys(text: str, reporter: Reporter, display: str = KEYS_FILE) -> list[KeyRecord]:
    """The rows of the text of ``bib/keys.tsv``.  A malformed row or a key written twice
    is an error at its line ([bib-keys])."""
    out: list[KeyRecord] = []
    seen: set[str] = set()
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 6 or not re.fullmatch(r"[A-Za-z0-9_:.-]+", cells[0]):
            reporter.error(
                Span(display, n),
                "expected six tab-separated columns: key, author, year, title, DOI, listings",
                "bib-keys",
            )
            continue
        if cells[0].lower() in seen:
            reporter.error(Span(display, n), f"key {cells[0]} is recorded twice", "bib-keys")
            continue
        seen.add(cells[0].lower())
        listings = tuple(
            (s, k) for s, _, k in (x.partition("/") for x in cells[5].split() if "/" in x)
        )
        out.append(KeyRecord(cells[0], cells[1], cells[2], cells[3], cells[4], listings, n))
    return out


def write_keys(records: Sequence[KeyRecord], merged: Sequence[MergedEntry]) -> str:
    """The text of ``bib/keys.tsv``: the recorded rows as they were, plus a row for every
    merged key not yet recorded, sorted by key."""
    rows = {r.key: r for r in records}
    for m in merged:
        if m.key not in rows:
            base = next(iter(m.provenance))
            rows[m.key] = KeyRecord(
                m.key,
                _family_of(m.fields),
                m.get("year"),
                normalize_title(m.get("title") or base.text),
                m.get("doi").lower(),
                tuple(sorted((p.slug, p.key) for p in m.provenance)),
            )
    lines = [
        "\t".join(
            [r.key, r.family, r.year, r.title, r.doi, " ".join(f"{s}/{k}" for s, k in r.listings)]
        )
        for r in sorted(rows.values(), key=lambda r: r.key)
    ]
    return KEYS_HEADER + "".join(f"{line}\n" for line in lines)


def _family_of(fields: Mapping[str, str]) -> str:
    return first_family(Reference("misc", dict(fields), "", Span("", 0), None))


# ----------------------------------------------------------------- grouping

Listing = tuple[str, Reference]  # (slug, reference)


def _bib_fields(ref: Reference) -> dict[str, str]:
    return {n: v for n, v in ref.fields.items() if n not in LISTING_FIELDS}


def _content_order(listing: Listing) -> tuple[object, ...]:
    """A listing's place by what it says: the slug and line only break a tie between
    listings that say exactly the same, so no choice depends on the order of slugs."""
    slug, ref = listing
    return (
        first_family(ref),
        ref.get("year"),
        normalize_title(ref.get("title") or ref.text),
        ref.text,
        ref.entry_type,
        tuple(sorted(_bib_fields(ref).items())),
        slug,
        ref.span.line,
        ref.key,
    )


def _one_work(a: Reference, b: Reference) -> bool:
    """``references.same_work``, or one title given once with its subtitle and once
    without (``Political community and the North Atlantic area: International
    organization ...`` and ``Political Community and the North Atlantic Area``) by the
    same author in the same year, with no DOI or list letter to tell them apart."""
    if same_work(a, b):
        return True
    if (a.get("doi") and b.get("doi")) or not first_family(a):
        return False
    if (first_family(a), a.get("year")) != (first_family(b), b.get("year")):
        return False
    if a.get("x-year-suffix") != b.get("x-year-suffix") or a.entry_type != b.entry_type:
        return False
    ta, tb = a.get("title"), b.get("title")
    if (":" in ta) == (":" in tb):
        return False
    main = (ta if ":" in ta else tb).partition(":")[0]
    whole = tb if ":" in ta else ta
    return len(normalize_title(main).split()) >= 3 and titles_match(main, whole)


def _said(ref: Reference, recorded: str | None) -> tuple[object, ...]:
    """What makes two listings one work before any comparison: the same DOI
    (``same_work``), or else all that ``_one_work`` reads; and the same published key
    (or none), which ``_group`` never joins across."""
    doi = ref.get("doi").lower()
    if doi:
        return (recorded, doi)
    return (
        recorded,
        ref.entry_type,
        first_family(ref),
        ref.get("year"),
        ref.get("x-year-suffix"),
        ref.get("title") or ref.text,
    )


def _group(listings: Sequence[Listing], recorded: Mapping[tuple[str, str], str]) -> list[list[int]]:
    """Indexes of the listings of each work.  Two listings are one work when
    ``_one_work`` says so, closed transitively, except that a group never
    joins two different DOIs or two different published keys."""
    parent = list(range(len(listings)))
    dois = [{r.get("doi").lower()} - {""} for _, r in listings]
    keys = [{recorded[(s, r.key)]} if (s, r.key) in recorded else set() for s, r in listings]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Listings of one DOI, or that say exactly what ``_one_work`` reads, under the same
    # published key (a classic work copied into many lists) are one work: each joins the
    # first of its kind, and only that one is compared with the others below, so a work
    # listed k times costs k steps, not k² / 2 comparisons.
    first_of: dict[tuple[object, ...], int] = {}
    for i, (s, r) in enumerate(listings):
        first = first_of.setdefault(_said(r, recorded.get((s, r.key))), i)
        if first != i and _one_work(listings[first][1], r):
            parent[i] = first
    # Only listings that share a DOI or a first author and year can be one work
    # (``same_work``): compare within those buckets, not every pair, so that merging
    # grows with the number of listings rather than its square.
    buckets: dict[tuple[str, str], list[int]] = {}
    for i, (_, r) in enumerate(listings):
        if parent[i] != i:
            continue  # joined to an identical listing, which stands for it
        if r.get("doi"):
            buckets.setdefault(("doi", r.get("doi").lower()), []).append(i)
        buckets.setdefault((first_family(r), r.get("year")), []).append(i)
    pairs = sorted({(i, j) for m in buckets.values() for n, i in enumerate(m) for j in m[n + 1 :]})
    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj or not _one_work(listings[i][1], listings[j][1]):
            continue
        if (dois[ri] and dois[rj] and dois[ri] != dois[rj]) or (
            keys[ri] and keys[rj] and keys[ri] != keys[rj]
        ):
            continue  # never one work with two DOIs or two published keys
        parent[rj] = ri
        dois[ri] |= dois[rj]
        keys[ri] |= keys[rj]
    groups: dict[int, list[int]] = {}
    for i in range(len(listings)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def _published_keys(
    groups: Sequence[Sequence[Listing]],
    records: Sequence[KeyRecord],
    recorded: Mapping[tuple[str, str], str],
) -> list[str | None]:
    """The published key of each group: the key one of its listings is recorded under,
    else the unclaimed record of the same work (same DOI, or author, year and title)."""
    out: list[str | None] = []
    for members in groups:
        hits = {recorded[(s, r.key)] for s, r in members if (s, r.key) in recorded}
        out.append(min(hits) if hits else None)
    claimed = {k for k in out if k}
    for n, members in enumerate(groups):
        if out[n]:
            continue
        for rec in records:
            if rec.key not in claimed and _record_matches(rec, members):
                out[n] = rec.key
                claimed.add(rec.key)
                break
    return out


def _record_matches(rec: KeyRecord, members: Sequence[Listing]) -> bool:
    for _, r in members:
        doi = r.get("doi").lower()
        if rec.doi and doi:
            if rec.doi == doi:
                return True
            continue
        if (first_family(r), r.get("year")) == (rec.family, rec.year) and titles_match(
            rec.title, r.get("title") or r.text
        ):
            return True
    return False


# ------------------------------------------------------------------ entries


def _listing_rank(listing: Listing) -> tuple[object, ...]:
    """The fullest listing first: one with a DOI, then the one with most fields."""
    ref = listing[1]
    return (not ref.get("doi"), -len(_bib_fields(ref)), _content_order(listing))


def _provenance(listing: Listing) -> Provenance:
    slug, ref = listing
    return Provenance(
        slug, ref.key, ref.text, ref.get("x-source") or f"{ref.span.file}:{ref.span.line}"
    )


def _same_value(name: str, a: str, b: str) -> bool:
    if name == "title":
        return normalize_title(a) == normalize_title(b)
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _entry_fields(
    members: Sequence[Listing], base: Sequence[Listing]
) -> tuple[str, dict[str, str], tuple[Disagreement, ...]]:
    """(entry type, fields, disagreements) of one work.  The fields are those of the
    fullest ``base`` listing, completed by fields only the other base listings have; a
    listing outside ``base`` (one merged into a published entry) changes nothing.
    Every value of a listing that differs from the entry's is kept as a disagreement."""
    ranked = sorted(base, key=_listing_rank)
    best = ranked[0]
    fields = _bib_fields(best[1])
    for _, ref in ranked[1:]:
        for n, v in _bib_fields(ref).items():
            if v and n not in fields:
                fields[n] = v
    kept_from = _provenance(best)
    notes = []
    for listing in sorted(members, key=_content_order):
        if listing is best:
            continue
        for n, v in sorted(_bib_fields(listing[1]).items()):
            if not v or n.startswith("x-") or _same_value(n, fields.get(n, ""), v):
                continue
            notes.append(Disagreement(n, fields.get(n, ""), kept_from, v, _provenance(listing)))
    return best[1].entry_type, fields, tuple(notes)


def _wanted_key(members: Sequence[Listing], fields: Mapping[str, str]) -> tuple[str, str]:
    """(key, stem) a new work asks for: the key most of its listings have (the stem is
    author and year); a work with no author gets a key made from its own words, so that
    unparsed entries never share one."""
    family, year = _family_of(fields), fields.get("year") or "nd"
    if not family:
        words = normalize_title(fields.get("title") or members[0][1].text)
        digest = hashlib.sha1(words.encode()).hexdigest()[:6]
        stem = "-".join(words.split()[:3])[:30].strip("-")
        return f"anon{year}-{stem}-{digest}" if stem else f"anon{year}-{digest}", ""
    counts = Counter(_plain_key(r.key) for _, r in members)
    return min(counts, key=lambda k: (-counts[k], k)), f"{family}{year}"


def _new_keys(wants: Mapping[int, tuple[str, str]], taken: set[str]) -> dict[int, str]:
    """Keys for the works not yet published (``wants``: draft -> (key, stem), in content
    order).  A key no other work has or had is kept; works that want one key get a, b, ...
    in content order; a work whose author and year already have a published key gets the
    next free letter after the stem (``kucera2022`` published: ``kucera2022b``)."""
    by_key: dict[str, list[int]] = {}
    for n, (key, _) in wants.items():
        by_key.setdefault(key, []).append(n)
    out: dict[int, str] = {}
    registered = frozenset(taken)
    for key, ns in by_key.items():
        stem = wants[ns[0]][1]
        published = stem and any(re.fullmatch(re.escape(stem) + "[a-z]*", k) for k in registered)
        if not published:
            if len(ns) == 1 and key not in taken:
                out[ns[0]] = key
                taken.add(key)
                continue
            letters, base = year_letters(), key
        else:
            letters, base = (c for c in year_letters() if c != "a" or stem not in taken), stem
        for n in ns:
            candidate = base + next(letters)
            while candidate in taken:
                candidate = base + next(letters)
            taken.add(candidate)
            out[n] = candidate
    return out


def merge(
    per_article: Mapping[str, Sequence[Reference]], records: Sequence[KeyRecord] = ()
) -> list[MergedEntry]:
    """Merge the lists' references into one entry per work, sorted by key.

    ``records`` are the published keys (``bib/keys.tsv``): a work already published keeps
    its key, and its fields come only from the listings recorded for it, so adding an
    article never renames or rewrites an entry; its listings only join the provenance,
    and where they differ the difference is kept (``Disagreement``).  Works not yet
    published are keyed by ``_wanted_key`` and ``_new_keys``.  Nothing depends on the
    order of the articles, their slugs or the references: listings are taken in the
    order of what they say (``_content_order``).
    """
    listings = sorted(
        ((slug, ref) for slug, refs in per_article.items() for ref in refs), key=_content_order
    )
    recorded = {listing: r.key for r in records for listing in r.listings}
    groups = [[listings[i] for i in members] for members in _group(listings, recorded)]
    published = _published_keys(groups, records, recorded)
    by_key = {r.key: r for r in records}
    drafts = []
    for members, key in zip(groups, published, strict=True):
        own = set(by_key[key].listings) if key else set()
        base = [(s, r) for s, r in members if (s, r.key) in own] or members
        # the published listings first, so a new one is added after them
        members = sorted(members, key=lambda x: ((x[0], x[1].key) not in own, x[0], x[1].span.line))
        drafts.append((key, members, *_entry_fields(members, base)))
    taken = {r.key for r in records}
    wants = {n: _wanted_key(d[1], d[3]) for n, d in enumerate(drafts) if not d[0]}
    fresh = _new_keys(wants, taken)
    merged = []
    for n, (key, members, entry_type, fields, notes) in enumerate(drafts):
        provenance = tuple(_provenance(x) for x in members)
        merged.append(MergedEntry(key or fresh[n], entry_type, fields, provenance, notes))
    return sorted(merged, key=lambda m: (m.key, m.provenance[0].source))


def merged_key_index(merged: Sequence[MergedEntry]) -> dict[tuple[str, str], str]:
    """``(slug, key in bib/<slug>.bib)`` -> key in ``bib/reader.bib``."""
    return {(p.slug, p.key): m.key for m in merged for p in m.provenance}


# An article's own download of the works it lists (``write_merged_bib(..., part_of=slug)``)
# names up to this many other articles that list a work, then counts the rest
# (``bib/reader.bib`` names them all): a work that every fourth article of a large
# reader lists would otherwise carry hundreds of listings in every article's file, and
# the downloads would grow with the square of the articles.
PART_NAMED = 5


def _provenance_fields(entry: MergedEntry, part_of: str | None = None) -> dict[str, str]:
    """``x-articles`` and ``x-provenance`` of an entry: every listing; in the download
    of article ``part_of``'s works, its own and those of at most ``PART_NAMED`` others."""
    slugs, listings = entry.slugs, entry.provenance
    others = [s for s in slugs if s != part_of]
    if part_of is not None and len(others) > PART_NAMED:
        named = {part_of, *others[:PART_NAMED]}
        rest = len(others) - PART_NAMED
        listings = tuple(p for p in listings if p.slug in named)
        more = f"and {rest} other articles (bib/reader.bib names them all)"
        return {
            "x-articles": ", ".join([*(s for s in slugs if s in named), more]),
            "x-provenance": "; ".join(
                [*(f"{p.slug}/{p.key} ({p.source})" for p in listings), more]
            ),
        }
    return {
        "x-articles": ", ".join(slugs),
        "x-provenance": "; ".join(f"{p.slug}/{p.key} ({p.source})" for p in listings),
    }


def write_reader_bib(merged: Sequence[MergedEntry]) -> str:
    """The text of ``bib/reader.bib``: every work once, with its provenance."""
    header = (
        "bib/reader.bib: every work the reader's articles list, merged across and within\n"
        "the lists. x-articles names the articles listing the work; x-provenance each\n"
        "listing (article/key in bib/<article>.bib, and source line). Generated by\n"
        "`python -m csto_reader bib` (make bib); do not edit by hand."
    )
    return write_merged_bib(merged, header)


def write_merged_bib(merged: Sequence[MergedEntry], header: str, part_of: str | None = None) -> str:
    """BibTeX of merged works, each with its provenance, under a ``%`` comment
    ``header``: ``bib/reader.bib``, and the download of the works article ``part_of``
    lists (``_provenance_fields``)."""
    entries = [
        _entry(m.entry_type, m.key, {**m.fields, **_provenance_fields(m, part_of)}) for m in merged
    ]
    return _write(header, entries)


def write_entries(header: str, entries: Sequence[tuple[str, str, Mapping[str, str]]]) -> str:
    """BibTeX of ``(entry type, key, fields)`` entries under a ``%`` comment ``header``."""
    return _write(header, [_entry(t, k, f) for t, k, f in entries])


# --------------------------------------------------------------- corrections

CORRECTIONS_FILE = "bib/corrections.yml"
ENTRY_TYPE_FIELD = "ENTRYTYPE"  # a correction of the entry type itself


@dataclass(frozen=True)
class Correction:
    """Field overrides for one entry: ``None`` removes a field."""

    slug: str
    key: str
    fields: Mapping[str, str | None] = field(hash=False)
    span: Span


def load_corrections(
    path: Path, reporter: Reporter, display: str = CORRECTIONS_FILE
) -> list[Correction]:
    """Read ``bib/corrections.yml``: ``<slug>/<key>: {field: value or null}``.

    A missing file means no corrections.  Malformed entries are reported with their line.
    """
    if not path.exists():
        return []
    document = load(path, display, reporter, "bib-correction")
    if document is None or document.root is None:
        return []
    typed = Typed(display, reporter, "bib-correction")
    if typed.mapping(document.root, "corrections.yml (<slug>/<key>: {field: value})") is None:
        return []
    out = []
    for key_node, node in document.root.value:
        name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        slug, _, key = name.partition("/")
        if not key:
            typed.error(key_node, f"expected '<slug>/<key>: {{field: value}}', got {name!r}")
            continue
        fields = typed.mapping(node, name)
        if fields is None:
            continue
        values = {field: _correction_value(typed, field, vnode) for field, vnode in fields.items()}
        if all(ok for ok, _ in values.values()):
            corrected = {field: value for field, (_, value) in values.items()}
            out.append(Correction(slug, key, corrected, typed.span(key_node)))
    return out


def _correction_value(typed: Typed, field: str, node: yaml.Node) -> tuple[bool, str | None]:
    """(ok, a field's new value): text, a number (a year, a volume) or null, which
    removes the field; anything else is reported."""
    if node.tag == "tag:yaml.org,2002:null":
        return True, None
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return True, str(node.value)
    value = typed.text(node, field, allow_empty=True)
    return value is not None, value


def apply_corrections(
    slug: str, refs: Sequence[Reference], corrections: Sequence[Correction]
) -> tuple[list[Reference], set[int]]:
    """Apply the corrections for ``slug``; return the references and the indexes (into
    ``corrections``) of the corrections used.  Corrected entries list the changed
    fields in ``x-corrected``."""
    wanted = {(c.slug, c.key): (n, c) for n, c in enumerate(corrections)}
    used: set[int] = set()
    out = []
    for ref in refs:
        hit = wanted.get((slug, ref.key))
        if hit is None:
            out.append(ref)
            continue
        n, corr = hit
        used.add(n)
        fields = dict(ref.fields)
        entry_type = ref.entry_type
        for name, value in corr.fields.items():
            if name == ENTRY_TYPE_FIELD:
                entry_type = value or entry_type
            elif value is None:
                fields.pop(name, None)
            else:
                fields[name] = value
        fields["x-corrected"] = ", ".join(sorted(corr.fields))
        out.append(replace(ref, entry_type=entry_type, fields=fields))
    return out, used


# --------------------------------------------------------------- regenerate


def _check_written(
    text: str,
    display: str,
    expected: Sequence[tuple[str, str, Mapping[str, str]]],
    reporter: Reporter,
) -> None:
    """Parse a written file back; report failed blocks and any entry that changed."""
    got = [(r.key, r.entry_type, dict(r.fields)) for r in parse_bib_memo(text, display, reporter)]
    want = [(k, t, {n: v for n, v in f.items() if v}) for k, t, f in expected]
    if got != want:
        changed = [w[0] for w, g in zip(want, got, strict=False) if w != g] or ["(entry count)"]
        reporter.error(
            Span(display, 1), f"round trip changed entries: {', '.join(changed)}", "bib-roundtrip"
        )


def regenerate_bibs(
    root: Path,
    articles_refs: Mapping[str, Sequence[ReferenceItem]],
    reporter: Reporter,
    *,
    write: bool = True,
) -> BibSet:
    """Parse every article's reference items, apply ``bib/corrections.yml``, merge under
    the published keys of ``bib/keys.tsv``, and write ``bib/<slug>.bib`` (articles with a
    list), ``bib/reader.bib`` and ``bib/keys.tsv`` (new keys added) under ``root``.

    The caller decides where the items come from (the segmenter).  Files are rewritten
    only when their text changes; ``write=False`` computes without touching the disk.
    """
    corrections = load_corrections(root / CORRECTIONS_FILE, reporter)
    per_article = _corrected_lists(articles_refs, corrections, reporter)
    keys_path = root / KEYS_FILE  # read once: _check_keys_recorded compares this text
    keys_read = (
        read_text(keys_path, KEYS_FILE, reporter, "bib-keys") if keys_path.exists() else None
    )
    records = parse_keys(keys_read, reporter) if keys_read is not None else []
    write = write and (keys_read is not None or not keys_path.exists())  # keep unread keys
    merged = merge(per_article, records)
    files: dict[str, str] = {KEYS_FILE: write_keys(records, merged)}

    def article_bib(slug: str, reporter: Reporter) -> str:
        refs = per_article[slug]
        text = write_article_bib(slug, refs)
        expected = [(r.key, r.entry_type, r.fields) for r in refs]
        _check_written(text, f"bib/{slug}.bib", expected, reporter)
        return text

    # each article's file depends on its list alone: on every core
    slugs = list(per_article)
    for slug, text in zip(slugs, map_reported(article_bib, slugs, reporter), strict=True):
        files[f"bib/{slug}.bib"] = text
    files["bib/reader.bib"] = write_reader_bib(merged)
    _check_written(
        files["bib/reader.bib"],
        "bib/reader.bib",
        [(m.key, m.entry_type, {**m.fields, **_provenance_fields(m)}) for m in merged],
        reporter,
    )
    if write:
        _write_changed(root, files)
    per_slug = {s: tuple(refs) for s, refs in per_article.items()}
    return BibSet(per_slug, tuple(merged), files, keys_read)


def _corrected_lists(
    articles_refs: Mapping[str, Sequence[ReferenceItem]],
    corrections: Sequence[Correction],
    reporter: Reporter,
) -> dict[str, list[Reference]]:
    """Each article's parsed list (articles with one) with ``bib/corrections.yml``
    applied; a correction that names no entry is an error."""
    used: set[int] = set()
    per_article: dict[str, list[Reference]] = {}
    slugs = [slug for slug in sorted(articles_refs) if articles_refs[slug]]
    # a list's parse depends on that list alone: on every core
    parsed = map_reported(
        lambda s, r: parse_reference_list(articles_refs[s], s, r), slugs, reporter
    )
    for slug, refs in zip(slugs, parsed, strict=True):
        refs, hits = apply_corrections(slug, refs, corrections)
        used |= hits
        per_article[slug] = refs
    for n, corr in enumerate(corrections):
        if n not in used:
            reporter.error(
                corr.span, f"correction for unknown entry {corr.slug}/{corr.key}", "bib-correction"
            )
    return per_article


def _write_changed(root: Path, files: Mapping[str, str]) -> None:
    """Write each file of ``files`` (paths relative to ``root``) whose text changed."""
    for rel, text in files.items():
        path = root / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------- the stage


APA_CACHE = Path("build") / "cache" / "apa.json"


def build_bibliography(
    root: Path, references: Mapping[str, Sequence[ReferenceItem]], reporter: Reporter
) -> BibliographyBuild | None:
    """Reference lists (slug -> items) -> entries -> one merged bibliography in APA 7;
    None when no article has a list.

    The committed ``bib/*.bib`` files are read to catch hand edits that broke them, and
    compared with what the lists give now (``make bib`` regenerates them)."""
    if not any(references.values()):
        return None
    bibset = regenerate_bibs(root, references, reporter, write=False)
    _check_committed_bibs(root, bibset, reporter)
    _parse_once.cache_clear()  # kept for this stage's second parse only (1,000 articles: ~100 MB)
    ordered = _format_cached(root / APA_CACHE, bibset.merged)
    return BibliographyBuild(
        bibset.per_article,
        bibset.merged,
        merged_key_index(bibset.merged),
        ordered,
        bibset.files["bib/reader.bib"],
    )


def _check_committed_bibs(root: Path, bibset: BibSet, reporter: Reporter) -> None:
    bib_dir = root / "bib"
    if not bib_dir.is_dir():
        return
    for path in sorted(bib_dir.glob("*.bib")):
        rel = f"bib/{path.name}"
        text = read_text(path, rel, reporter, "bib-parse")
        if text is None:
            continue
        parse_bib_memo(text, rel, reporter)
        fresh = bibset.files.get(rel)
        if fresh is not None and text != fresh:
            reporter.warning(
                Span(rel, 1),
                f"{rel} differs from what the reference lists "
                "give now; run `make bib` and review the diff",
                "bib-stale",
            )
    _check_keys_recorded(root, bibset, reporter)


def _check_keys_recorded(root: Path, bibset: BibSet, reporter: Reporter) -> None:
    """Warn when ``bib/keys.tsv`` (as ``regenerate_bibs`` read it) does not record every
    bibliography key yet (a new article's works): ``make bib`` adds them, and from then
    on they are permanent."""
    if bibset.keys_read == bibset.files[KEYS_FILE]:
        return
    if bibset.keys_read is not None or (root / "bib" / "reader.bib").exists():
        reporter.warning(
            Span(KEYS_FILE, 1),
            f"{KEYS_FILE} does not record every bibliography key yet; run `make bib` and "
            "review the diff (recorded keys never change)",
            "bib-stale",
        )


def _format_cached(cache_path: Path, merged: Sequence[MergedEntry]) -> tuple[tuple[str, str], ...]:
    """(key, APA html) of every entry, sorted, through the cache at ``cache_path``."""
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    known = len(cache)
    ordered = tuple((f.key, f.html) for f in format_bibliography(merged, cache))
    if len(cache) != known:  # a cache only: losing it costs time, never correctness
        try:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            cache_path.write_text(json.dumps(cache, sort_keys=True), encoding="utf-8")
        except OSError:
            pass
    return ordered
