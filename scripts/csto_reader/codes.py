"""The one registry of diagnostic codes: every code the package reports, in one table.

Each code has the stage (module) that reports it, the severity it is reported at, a line
of meaning and whether ``accept:`` in an article's ``meta.yml`` may accept it.  The sink
(``diagnostics.Reporter``) refuses a code that is not here, so an unregistered code fails
the first test that reaches it; ``tests/test_codes.py`` reads the source and checks that
every code it can emit is registered and every registered code is emitted somewhere.

Accepting a code (``accept: [footnote-unplaced]``) turns that article's diagnostics of
the code into notes that say so: only defects of the received text that the page shows
as they are may be accepted, never a problem of our own data or a lost word.

``python -m csto_reader codes`` prints this table as Markdown.  A code is
lowercase-hyphenated and never renamed (golden files and bad-input cases pin them).
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
NOTE = "note"

ACCEPTED = "accepted in meta.yml"  # what an accepted diagnostic's message gains


@dataclass(frozen=True)
class Code:
    code: str
    stage: str  # the module that reports it, relative to csto_reader ("ingest.sources")
    severity: str  # error | warning | note, as reported when not accepted
    meaning: str
    acceptable: bool = False
    accepted: str = ACCEPTED  # the words added, in brackets, to an accepted diagnostic


E, W, N = ERROR, WARNING, NOTE
A = True  # acceptable

# stage -> (code, severity, meaning[, acceptable[, words of an accepted diagnostic]])
_Row = tuple[str, str, str] | tuple[str, str, str, bool] | tuple[str, str, str, bool, str]
_TABLE: dict[str, tuple[_Row, ...]] = {
    "ingest.sources": (
        ("sources-missing", E, "the project has no sources/ folder"),
        ("slug-invalid", E, "a folder under sources/ is not named as a slug (zhang-2023)"),
        ("slug-duplicate", E, "two folders under sources/ differ only in case"),
        ("source-unreadable", E, "article.txt is missing or a folder, or a file is unreadable"),
        ("source-empty", E, "the article text has no content"),
        ("source-binary", E, "the article text holds a NUL byte (a binary file)"),
        ("source-encoding", E, "the file is not UTF-8 (UTF-16, or bytes that do not decode)"),
        ("source-line-too-long", E, "a line so long the text lost its line breaks"),
        ("source-character", E, "a character no text may hold (reserved, control, surrogate)"),
        ("meta-missing", E, "an article folder has no meta.yml"),
        ("meta-yaml", E, "meta.yml is not readable, well-formed, limited YAML"),
        ("meta-not-mapping", E, "meta.yml is empty or not a mapping of keys to values"),
        ("meta-unknown-key", E, "a key meta.yml does not know (or provenance for one)"),
        ("meta-duplicate-key", E, "a key given twice in meta.yml"),
        ("meta-missing-key", E, "a required key (title, authors) is missing"),
        ("meta-type", E, "a value of the wrong type (a number where text belongs...)"),
        ("meta-value", E, "a value outside what its key allows (a year, a choice, accept:)"),
        ("meta-slug-mismatch", E, "slug: differs from the folder name"),
        ("meta-url", E, "an address whose scheme a reader's browser must not follow"),
        ("meta-internal-reference", W, "text the pages print names a project file or line"),
    ),
    "ingest.segment": (
        ("abstract-mismatch", W, "the abstract in meta.yml differs from the text's abstract"),
        ("empty-section", W, "a back-matter section of the text has nothing under it", A),
        (
            "hyphen-doubtful",
            N,
            "a word broken by a line-end hyphen that the text writes nowhere else: joined solid",
        ),
    ),
    "ingest.footnotes": (
        (
            "footnote-unplaced",
            E,
            "a note body whose marker is not in the text",
            A,
            "shown as an editorial note",
        ),
        ("footnote-missing-body", E, "a note marker with no note body", A),
        ("footnote-duplicate", E, "two note bodies with one number (one id for two notes)"),
    ),
    "ingest.completeness": (
        ("body-empty", E, "no heading, paragraph, list or table is left of the text"),
        ("body-lost", E, "the page keeps under half the words of the text"),
        ("text-lost", E, "words of a source line reach the page nowhere, undeclared"),
    ),
    "scholarly.references": (
        ("ref-unparsed", W, "no rule understands a reference item; kept as @misc", A),
        ("ref-names", W, "the author names of a reference item are not understood", A),
        ("ref-two-in-one", W, "one reference item seems to hold two references", A),
        ("ref-url", W, "a reference item gives more than one URL; the first is kept", A),
        ("ref-duplicate", N, "a work listed twice in one reference list"),
        ("ref-not-entry", W, "a line of the reference list is no entry (an article history)", A),
    ),
    "scholarly.citations": (
        ("citation-unresolved", N, "an in-text citation matches no reference entry"),
        ("citation-year-mismatch", N, "a citation's year differs from its entry's"),
        ("citation-spelling", N, "a citation spells a name or word unlike its entry"),
        ("citation-authors", N, "a citation names other authors than its entry"),
        ("reference-uncited", N, "a reference entry no citation points to"),
        ("citation-secondary", N, "a work cited 'as cited in' another, not in the list itself"),
        ("note-citation-unresolved", N, "a note cites a work (or Ibid.) no entry is found for"),
        ("notes-without-list", N, "notes cite works but the text has no reference list"),
        (
            "citation-style-detected",
            N,
            "meta.yml names no citation_style: the one the text uses was chosen",
        ),
    ),
    "scholarly.bibliography": (
        ("bib-parse", E, "a BibTeX entry of bib/ cannot be read"),
        ("bib-roundtrip", E, "a written BibTeX file reads back different"),
        ("bib-stale", W, "a bib/ file differs from what the reference lists give"),
        ("bib-keys", E, "bib/keys.tsv has a malformed row or records a key twice"),
        ("bib-correction", E, "bib/corrections.yml is wrong or names an unknown entry"),
    ),
    "scholarly.glossary": (
        ("glossary-yaml", E, "glossary/terms.yml is not readable, well-formed, limited YAML"),
        ("glossary-duplicate-key", E, "a key given twice in one mapping of terms.yml"),
        ("glossary-bad-type", E, "a value of the wrong type in terms.yml"),
        ("glossary-unknown-key", E, "a key terms.yml does not know"),
        ("glossary-missing-field", E, "a term or source without a required key"),
        ("glossary-empty", E, "the glossary, a term's variants or a text field is empty"),
        ("glossary-bad-id", E, "a term id that is not lowercase-hyphenated"),
        ("glossary-duplicate-id", E, "two terms with one id"),
        ("glossary-bad-variant", E, "a variant holding markup characters"),
        ("glossary-duplicate-variant", W, "a variant given twice for one term"),
        ("glossary-variant-clash", W, "one variant belongs to two terms"),
        ("glossary-empty-short", E, "a term's short definition is empty"),
        ("glossary-short-too-long", E, "a term's short definition is over its length limit"),
        ("glossary-no-source", E, "a term cites no source"),
        ("glossary-bad-source", E, "a malformed source (not bib, article+line or document+url)"),
        ("glossary-bad-wording", E, "a wording that is not {article, line, text}"),
        ("glossary-unknown-article", E, "a source or wording names an unknown article"),
        ("glossary-bad-line", E, "a line out of range or blank in the article it names"),
        ("glossary-wording-mismatch", E, "a wording is not on the line it names"),
        ("glossary-unknown-bib", E, "a source names an unknown bibliography key"),
        ("glossary-unsourced-url", E, "an address no article text gives"),
        ("glossary-self-related", W, "a term lists itself as related"),
        ("glossary-unknown-related", E, "a term names an unknown related id"),
        ("glossary-missing-required", E, "a term every build needs is missing"),
        ("glossary-term-unused", W, "a term occurs in no article paragraph"),
    ),
    "scholarly.timeline": (
        ("timeline-yaml", E, "timeline/events.yml is not readable, well-formed YAML"),
        ("timeline-schema", E, "an event that breaks the schema of events.yml"),
        ("timeline-date", E, "an event date that is not ISO 8601 (or a range of two)"),
        ("timeline-duplicate-id", E, "two events with one id"),
        ("timeline-ref", E, "an event names an unknown article, line, quote or event"),
        ("timeline-anchor", E, "an event's passage is in no numbered paragraph or note"),
        ("related-yaml", E, "timeline/related.yml is not readable, well-formed YAML"),
        ("related-schema", E, "a group that breaks the schema of related.yml"),
        ("related-duplicate-id", E, "two see-also groups with one id"),
        ("related-ref", E, "a passage names an unknown article, line or quote"),
        ("related-anchor", E, "a see-also passage is in no numbered paragraph or note"),
    ),
    "scholarly.entities": (
        ("index-yaml", E, "index/entities.yml is not readable, well-formed, limited YAML"),
        ("index-duplicate-key", E, "a key given twice in one mapping of entities.yml"),
        ("index-bad-type", E, "a value of the wrong type in entities.yml"),
        ("index-unknown-key", E, "a key entities.yml does not know"),
        ("index-missing-field", E, "an entry or source without a required key"),
        ("index-empty", E, "the index file or an entry's variants are empty"),
        ("index-bad-kind", E, "an entry's kind is not person, place or institution"),
        ("index-bad-id", E, "an entry id that is not lowercase-hyphenated"),
        ("index-duplicate-id", E, "two entries with one id (or names with one slug)"),
        ("index-variant", E, "a variant holding markup characters or given twice"),
        ("index-variant-clash", E, "one variant belongs to two entries"),
        ("index-bad-source", E, "a malformed source, or an unknown article or paragraph"),
        ("index-source-unnamed", E, "the paragraph an identification cites does not name it"),
        ("index-unknown-term", E, "an entry names an unknown glossary entry"),
        ("index-entry-unused", W, "an entry no article names"),
    ),
    "publish.teaching": (
        ("teaching-yaml", E, "teaching/course.yml is not readable, well-formed, limited YAML"),
        ("teaching-type", E, "a value of the wrong type in course.yml"),
        ("teaching-unknown-key", E, "a key course.yml does not know"),
        ("teaching-missing-key", E, "an item of course.yml without its required key"),
        ("teaching-ref", E, "course.yml names an article, term or paragraph the build lacks"),
    ),
    "publish.addresses": (
        ("aliases-yaml", E, "sources/aliases.yml is not well-formed YAML"),
        ("aliases-type", E, "sources/aliases.yml is not a mapping of strings to strings"),
        ("alias-dangling", E, "an alias points to an address the site does not have"),
        ("alias-live", E, "an alias's old address is a live address (it would be replaced)"),
        ("alias-outside", E, "an alias names a path outside the site (.., /, a scheme, \\)"),
        ("alias-invalid", E, "not page/ or page/#anchor, or an anchor alias leaves its page"),
        ("address-manifest", E, "sources/addresses.tsv cannot be read (not UTF-8, a folder)"),
        ("address-removed", E, "an address of the manifest is gone and no alias declares it"),
        ("address-renumbered", N, "paragraphs whose text moved to another number"),
    ),
    "publish.ids": (("duplicate-id", E, "two elements of one generated page have one id"),),
    "publish.csp": (
        ("csp-inline-script", E, "a built page has an inline script that is not Material's"),
    ),
    "publish.pdf": (
        ("pdf-site-missing", E, "the folder given to `pdf --site` has no built home page"),
        ("pdf-page-missing", E, "an article of the site has no built page to typeset"),
        ("pdf-weasyprint", W, "WeasyPrint warned while typesetting (a rule or resource unused)"),
        ("pdf-fetch-refused", W, "a PDF would fetch an address other than file: or data:"),
        ("pdf-footnote-page", W, "a footnote is typeset on another page than its call"),
    ),
    "publish.epub": (
        ("epub-site-missing", E, "the folder given to `epub --site` has no built home page"),
        ("epub-page-missing", E, "an article of the site has no built page to put in an EPUB"),
        ("epub-write", E, "an EPUB written is not a readable zip file"),
    ),
    "publish.offline": (("offline-build", E, "the offline variant of the site did not build"),),
    "publish.tree": (
        ("output-outside", E, "the pipeline gave a path leaving the generated tree"),
        ("page-collision", E, "a hand-written file of docs/ has a generated page's path"),
        ("nav-articles", E, "the nav of mkdocs.yml is unreadable or has no Articles: section"),
    ),
}


def _registry() -> dict[str, Code]:
    out: dict[str, Code] = {}
    for stage, rows in _TABLE.items():
        for code, severity, meaning, *rest in rows:
            if code in out:
                raise ValueError(f"code {code!r} registered twice")
            out[code] = Code(code, stage, severity, meaning, *rest)
    return out


REGISTRY: dict[str, Code] = _registry()


def is_registered(code: str) -> bool:
    return code in REGISTRY


def codes_of(stage: str) -> frozenset[str]:
    """The codes one stage reports (``codes_of("ingest.sources")``)."""
    return frozenset(c.code for c in REGISTRY.values() if c.stage == stage)


def acceptable() -> frozenset[str]:
    return frozenset(c.code for c in REGISTRY.values() if c.acceptable)


def markdown_table() -> str:
    """The registry as a Markdown table, grouped by stage (``python -m csto_reader codes``)."""
    lines = [
        "| Code | Stage | Severity | Acceptable | Meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in REGISTRY.values():
        meaning = c.meaning.replace("|", "\\|")
        lines.append(
            f"| `{c.code}` | {c.stage} | {c.severity} | {'yes' if c.acceptable else ''} "
            f"| {meaning} |"
        )
    return "\n".join(lines) + "\n"
