"""Metadata that reference managers and search engines read, and the reference files.

What a student's Zotero (or Google Scholar) needs to take the reader's texts and
references without retyping:

* every article page's head: Highwire Press ``citation_*`` tags for the article itself
  (``highwire_tags``: the ones Zotero's "Embedded Metadata" translator and Google Scholar
  read) and a schema.org ``ScholarlyArticle`` in JSON-LD with its ``citation`` list
  (``scholarly_article``).  That list is the head's one machine-readable reference list:
  there are no ``citation_reference`` tags (the same works again, with fewer identifiers;
  not among the tags Google Scholar's inclusion guidelines document, and Zotero takes
  the article's own ``citation_*`` tags), so a long list is not sent twice.  Each work
  in it is the ``@id`` of its entry on /bibliography/ and its DOI (``cited_work``);
* every entry of /bibliography/: the work's JSON-LD node (``described_work``), which
  those ``@id`` name, and a COinS span (``coins``, an OpenURL ContextObject in the title
  of ``<span class="Z3988">``), so that Zotero offers to save several of them;
* reference files in ``downloads/`` (``download_files``): RIS (written with rispy),
  CSL-JSON and BibTeX, for the reader's articles and the merged bibliography, and for
  each article its own citation and the works its list holds.

One mapping: the works of the bibliography go through ``cite_format.csl_item``, the same
CSL data citeproc-py formats the APA entries from; RIS, COinS and /bibliography/'s
JSON-LD are all made from that CSL item.  An article itself goes through ``citing.meta_reference``
("Cite this") and the same ``csl_item``, plus what its meta.yml states besides
(abstract, keywords, language).  Only fields the data holds are written;
an absent one is left out, never guessed.

Where values reach a page: the head tags and the JSON-LD go into the page's front matter
(``page_head``), escaped by ``markup.head_meta`` and ``markup.json_script``, and
``overrides/main.html`` prints them as they are.  ``citation_pdf_url`` is the one address
Highwire wants absolute: the template writes the site's address (``site_url``) before
``downloads/<slug>.pdf`` when it is set, and the page's relative path to the site root
otherwise (a local build has no address of its own).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import rispy

from ..diagnostics import Reporter
from ..markup import head_meta, html_text, json_script
from ..model import ArticleMeta, BibliographyBuild, MergedEntry
from ..scholarly.bibliography import write_entries, write_merged_bib
from ..scholarly.cite_format import csl_item
from ..workers import map_reported
from .citing import meta_reference

# ---------------------------------------------------------------- CSL items


def article_csl(meta: ArticleMeta) -> dict[str, Any]:
    """The article itself as a CSL-JSON item: "Cite this"'s entry, with the abstract,
    keywords and language its meta.yml states."""
    item = csl_item(meta_reference(meta))
    extra = {
        "abstract": " ".join(meta.abstract.split()) if meta.abstract else None,
        "keyword": ", ".join(meta.keywords) or None,
        "language": meta.language or None,
    }
    item.update({k: v for k, v in extra.items() if v})
    return item


# The last bibliography's works by key: every page and download asks for its article's
# works, and building the mapping per call made that quadratic in the reader's size.
_BY_KEY: list[tuple[BibliographyBuild, dict[str, MergedEntry]]] = []


def _merged_by_key(bib: BibliographyBuild) -> dict[str, MergedEntry]:
    if not _BY_KEY or _BY_KEY[0][0] is not bib:
        _BY_KEY[:] = [(bib, {m.key: m for m in bib.merged})]
    return _BY_KEY[0][1]


def article_references(bib: BibliographyBuild | None, slug: str) -> list[MergedEntry]:
    """The merged works of an article's reference list, in the list's order, each once."""
    if bib is None or slug not in bib.per_article:
        return []
    by_key = _merged_by_key(bib)
    keys = dict.fromkeys(bib.key_index.get((slug, r.key), r.key) for r in bib.per_article[slug])
    return [by_key[k] for k in keys if k in by_key]


def _name(person: Mapping[str, str]) -> str:
    """A CSL name as "Family, Given" (a particle before the family), or its literal."""
    if "literal" in person:
        return person["literal"]
    family = " ".join(p for p in (person.get("non-dropping-particle"), person["family"]) if p)
    return f"{family}, {person['given']}" if person.get("given") else family


def _date(item: Mapping[str, Any]) -> str | None:
    """The item's date as ISO 8601 (``2023``, ``2005-05`` or ``2005-05-13``)."""
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts)) or None


def page_range(pages: str | None) -> tuple[str | None, str | None]:
    """First and last page of "190-203" (or "190–203"); one page is both; none: None."""
    if not pages:
        return None, None
    parts = re.split(r"\s*[-–—]+\s*", pages.strip(), maxsplit=1)
    first = parts[0]
    last = parts[1] if len(parts) > 1 else first
    return first or None, last or None


def csl_json(items: Iterable[Mapping[str, Any]]) -> str:
    """A CSL-JSON file: the list of items, one to a line (so that the reader's list is
    written item by item, not held whole as objects first)."""
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return f"[\n{lines}\n]\n" if lines else "[]\n"


# ---------------------------------------------------------------- RIS

RIS_TYPES = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
    "document": "GEN",
}
# rispy's tags, and ED (editor), which its default table lacks.
RIS_MAPPING = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}
RIS_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "ED"]
# CSL variable -> rispy field (the one-valued ones)
_RIS_FIELDS = {
    "id": "id",
    "title": "title",
    "container-title": "secondary_title",
    "volume": "volume",
    "issue": "number",
    "edition": "edition",
    "publisher": "publisher",
    "publisher-place": "place_published",
    "genre": "type_of_work",
    "DOI": "doi",
    "abstract": "abstract",
    "language": "language",
}


def ris_record(item: Mapping[str, Any], keywords: Sequence[str] = ()) -> dict[str, Any]:
    """One CSL item as a rispy record (only the fields it has), with its ``keywords``."""
    record: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(item["type"], "GEN")}
    for name, key in (("author", "authors"), ("editor", "editors")):
        if item.get(name):
            record[key] = [_name(p) for p in item[name]]
    for csl, key in _RIS_FIELDS.items():
        if item.get(csl):
            record[key] = " ".join(str(item[csl]).split())
    first, last = page_range(item.get("page"))
    record.update({k: v for k, v in (("start_page", first), ("end_page", last)) if v})
    date = _date(item)
    if date:
        record["year"] = date[:4]
        if len(date) > 4:  # RIS's DA: YYYY/MM/DD
            record["date"] = date.replace("-", "/")
    if item.get("URL"):
        record["urls"] = [item["URL"]]
    if keywords:  # a list: CSL's one "keyword" string cannot tell a comma in a keyword
        record["keywords"] = [" ".join(k.split()) for k in keywords]
    return record


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without its "1." line before each record (not RIS: a reader such
    as Zotero's would take it for the text of a tag)."""

    def set_header(self, count: int) -> str:
        return ""


def ris_text(
    items: Sequence[Mapping[str, Any]], keywords: Mapping[str, Sequence[str]] | None = None
) -> str:
    """A RIS file of the items, written by rispy; ``keywords``: item id -> its keywords."""
    keywords = keywords or {}
    records = [ris_record(i, keywords.get(i["id"], ())) for i in items]
    text: str = rispy.dumps(
        records, implementation=_RisWriter, mapping=RIS_MAPPING, list_tags=RIS_LIST_TAGS
    )
    return text


def read_ris(text: str) -> list[dict[str, Any]]:
    """A RIS file read back with rispy (the same tag table as ``ris_text``)."""
    records: list[dict[str, Any]] = rispy.loads(text, mapping=RIS_MAPPING, list_tags=RIS_LIST_TAGS)
    return records


# ---------------------------------------------------------------- Highwire tags


def highwire_tags(meta: ArticleMeta) -> list[tuple[str, str]]:
    """The article's own Highwire Press tags, (name, content) in order (its reference
    list is in the JSON-LD only); ``citation_pdf_url`` is the template's (it depends on
    the site's address)."""
    tags = [("citation_title", meta.title)]
    for a in meta.authors:
        tags.append(("citation_author", a.name))
        if a.affiliation:
            tags.append(("citation_author_institution", a.affiliation))
        if a.orcid:
            tags.append(("citation_author_orcid", a.orcid))
    first, last = page_range(meta.pages)
    optional = [
        ("citation_publication_date", str(meta.year) if meta.year else None),
        ("citation_journal_title", meta.venue),
        ("citation_volume", meta.volume),
        ("citation_issue", meta.issue),
        ("citation_firstpage", first),
        ("citation_lastpage", last),
        ("citation_doi", meta.doi),
        ("citation_public_url", None if meta.doi else meta.url),
        ("citation_language", meta.language),
        ("citation_keywords", "; ".join(meta.keywords) or None),
    ]
    tags += [(name, value) for name, value in optional if value]
    return tags


# ---------------------------------------------------------------- schema.org JSON-LD

SCHEMA_TYPES = {
    "article-journal": "ScholarlyArticle",
    "book": "Book",
    "chapter": "Chapter",
    "report": "Report",
    "thesis": "Thesis",
    "webpage": "WebPage",
    "document": "CreativeWork",
}


def _part_of(container: str | None, volume: str | None, issue: str | None) -> dict[str, Any]:
    """The periodical of a journal article, with its volume and issue as schema.org nests
    them (PublicationIssue in PublicationVolume in Periodical); the levels it has."""
    node: dict[str, Any] = {"@type": "Periodical", "name": container} if container else {}
    if volume:
        node = {"@type": "PublicationVolume", "volumeNumber": volume, **_inside(node)}
    if issue:
        node = {"@type": "PublicationIssue", "issueNumber": issue, **_inside(node)}
    return node


def _inside(node: dict[str, Any]) -> dict[str, Any]:
    return {"isPartOf": node} if node else {}


def _doi(doi: str | None) -> dict[str, Any]:
    if not doi:
        return {}
    return {
        "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": doi},
        "sameAs": f"https://doi.org/{doi}",
    }


def cited_work(entry: MergedEntry) -> dict[str, Any]:
    """One work of an article's reference list in its JSON-LD: a reference to the node
    of the work's entry in the reader's bibliography (``@id``, which the article page's
    address resolves to /bibliography/#key), nothing more.  The work is described once,
    where that ``@id`` points: /bibliography/'s JSON-LD (``described_work``, whose
    ``sameAs`` is the DOI) and the entry's COinS; a page listing 120 works does not carry
    120 descriptions in its head (6 KB of a 50 KB page, gzipped), nor their DOIs again
    (0.6 KB)."""
    return {"@id": f"../../bibliography/#{entry.key}"}


def _person(csl_name: Mapping[str, str]) -> dict[str, str]:
    """A CSL name as a schema.org Person, named as it is written ("Given Family")."""
    if "literal" in csl_name:
        return {"@type": "Person", "name": csl_name["literal"]}
    parts = (csl_name.get("given"), csl_name.get("non-dropping-particle"), csl_name["family"])
    return {"@type": "Person", "name": " ".join(p for p in parts if p)}


def described_work(entry: MergedEntry) -> dict[str, Any]:
    """A work of the reader's bibliography as a schema.org node: the node the article
    pages' ``citation`` lists point to (``@id``: its entry on /bibliography/), with what
    its CSL item holds: type, title, authors, editors, date, periodical (or book) with
    volume and issue, pages, publisher, DOI or address.  A document of its own (with its
    ``@context``), written inside the entry's ``<li>``: beside the entry's text, which
    holds the same words, it costs half what one list in the head would (gzip finds
    them there: 7 KB for 153 works, not 14)."""
    item = csl_item(entry)
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": f"#{entry.key}",
        "@type": SCHEMA_TYPES.get(item["type"], "CreativeWork"),
    }
    simple = {
        "name": item.get("title"),
        "author": [_person(n) for n in item.get("author", ())] or None,
        "editor": [_person(n) for n in item.get("editor", ())] or None,
        "datePublished": _date(item),
        "pagination": item.get("page"),
        "publisher": {"@type": "Organization", "name": item["publisher"]}
        if item.get("publisher")
        else None,
    }
    node.update({k: v for k, v in simple.items() if v})
    if item["type"] == "article-journal":
        node.update(
            _inside(_part_of(item.get("container-title"), item.get("volume"), item.get("issue")))
        )
    elif item.get("container-title"):
        node["isPartOf"] = {"@type": "CreativeWork", "name": item["container-title"]}
    if item.get("DOI"):
        node["sameAs"] = f"https://doi.org/{item['DOI']}"
    elif item.get("URL"):
        node["url"] = item["URL"]
    return node


def scholarly_article(meta: ArticleMeta, references: Sequence[MergedEntry]) -> dict[str, Any]:
    """The article as a schema.org ScholarlyArticle, with the works it lists."""
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": meta.title,
        "name": meta.title,
        "author": [_author(a.name, a.affiliation, a.orcid) for a in meta.authors],
    }
    first, last = page_range(meta.pages)
    simple = {
        "datePublished": str(meta.year) if meta.year else None,
        "pageStart": first,
        "pageEnd": last,
        "pagination": meta.pages,
        "inLanguage": meta.language,
        "abstract": " ".join(meta.abstract.split()) if meta.abstract else None,
        "keywords": list(meta.keywords) or None,
        "license": meta.license_url or meta.license,
        "url": None if meta.doi else meta.url,
    }
    node.update(_inside(_part_of(meta.venue, meta.volume, meta.issue)))
    node.update({k: v for k, v in simple.items() if v})
    node.update(_doi(meta.doi))
    if references:
        node["citation"] = [cited_work(m) for m in references]
    return node


def _author(name: str, affiliation: str | None, orcid: str | None) -> dict[str, Any]:
    person: dict[str, Any] = {"@type": "Person", "name": name}
    if affiliation:
        person["affiliation"] = {"@type": "Organization", "name": affiliation}
    if orcid:
        person["sameAs"] = f"https://orcid.org/{orcid}"
    return person


def page_head(meta: ArticleMeta, references: Sequence[MergedEntry]) -> dict[str, object]:
    """Front matter fields for the head of an article page (``overrides/main.html``
    prints them): the Highwire tags, the site path of the PDF and the JSON-LD (with the
    works the article lists), every
    value escaped for where it goes (``markup.head_meta``, ``markup.json_script``)."""
    return {
        "highwire": head_meta(highwire_tags(meta)),
        "highwire_pdf": html_text(f"downloads/{meta.slug}.pdf"),
        "json_ld": json_script(scholarly_article(meta, references)),
    }


# ---------------------------------------------------------------- COinS


# CSL type -> the ContextObject's format, genre and key of the title (and of the
# container's title); any other type is written as Dublin Core (``_DC``).
_KEV = {
    "article-journal": ("journal", "article", "rft.atitle", "rft.jtitle"),
    "chapter": ("book", "bookitem", "rft.atitle", "rft.btitle"),
    "book": ("book", "book", "rft.btitle", None),
    "report": ("book", "report", "rft.btitle", None),
    "thesis": ("dissertation", None, "rft.title", None),
}
_DC = ("dc", None, "rft.title", "rft.source")


def _kev_format(item: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """The ContextObject's format and genre and the title keys of a CSL item."""
    fmt, genre, title, container = _KEV.get(item["type"], _DC)
    pairs = [("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{fmt}"), ("rft.genre", genre)]
    pairs.append((title, item.get("title")))
    if container:
        pairs.append((container, item.get("container-title")))
    if item["type"] == "thesis":
        pairs += [("rft.inst", item.get("publisher")), ("rft.degree", item.get("genre"))]
    if fmt == "dc":
        pairs.append(("rft.type", item["type"]))
    return pairs


def coins(entry: MergedEntry) -> str:
    """The OpenURL ContextObject (KEV, Z39.88-2004) of a bibliography entry: the text of
    its COinS span's title (to be escaped for the attribute)."""
    item = csl_item(entry)
    dc = item["type"] not in _KEV
    first, last = page_range(item.get("page"))
    pairs = [("ctx_ver", "Z39.88-2004"), *_kev_format(item)]
    names = "rft.creator" if dc else "rft.au"
    pairs += [(names, _name(p)) for p in item.get("author", [])]
    pairs += [
        ("rft.date", _date(item)),
        ("rft.volume", item.get("volume")),
        ("rft.issue", item.get("issue")),
        ("rft.spage", first),
        ("rft.epage", last),
        ("rft.tpages", item.get("number-of-pages")),
        ("rft.edition", item.get("edition")),
        (
            "rft.publisher" if dc else "rft.pub",
            None if item["type"] == "thesis" else item.get("publisher"),
        ),
        ("rft.place", item.get("publisher-place")),
        ("rft_id", f"info:doi/{item['DOI']}" if item.get("DOI") else None),
        ("rft_id", item.get("URL")),
    ]
    return urlencode([(k, " ".join(v.split())) for k, v in pairs if v])


def coins_span(entry: MergedEntry) -> str:
    """The COinS span of a bibliography entry (empty: only Zotero reads it)."""
    return f'<span class="Z3988" title="{html_text(coins(entry))}"></span>'


# ---------------------------------------------------------------- the files


def _article_items(metas: Sequence[ArticleMeta]) -> list[dict[str, Any]]:
    """Each article's CSL item; a key two articles would share becomes the slug."""
    items, seen = [], set()
    for meta in metas:
        item = article_csl(meta)
        if item["id"] in seen:
            item["id"] = meta.slug
        seen.add(item["id"])
        items.append(item)
    return items


def _formats(
    name: str,
    items: Sequence[Mapping[str, Any]],
    bibtex: str,
    keywords: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, bytes]:
    return {
        f"downloads/{name}.ris": ris_text(items, keywords).encode(),
        f"downloads/{name}.json": csl_json(items).encode(),
        f"downloads/{name}.bib": bibtex.encode(),
    }


def download_files(metas: Sequence[ArticleMeta], bib: BibliographyBuild | None) -> dict[str, bytes]:
    """Every reference file of ``downloads/`` but ``reader.bib`` (the bibliography stage's):
    ``articles.*`` (the reader's articles), ``reader.ris``/``.json`` (the merged
    bibliography), and per article ``<slug>.*`` (the article) and
    ``<slug>-references.*`` (the works its list holds, as merged), each in RIS, CSL-JSON
    and BibTeX."""
    items = _article_items(metas)
    keywords = {i["id"]: m.keywords for m, i in zip(metas, items, strict=True)}
    header = "The articles of the CSTO Reader, from their meta.yml (what each text states)."
    files = _formats(
        "articles",
        items,
        write_entries(header, [_bibtex(m, i) for m, i in zip(metas, items, strict=True)]),
        keywords,
    )

    def article_files(pair: tuple[ArticleMeta, dict[str, Any]], _: Reporter) -> dict[str, bytes]:
        meta, item = pair
        header = f"The article {meta.slug} of the CSTO Reader, from its meta.yml."
        bibtex = write_entries(header, [_bibtex(meta, item)])
        out = _formats(meta.slug, [item], bibtex, keywords)
        works = article_references(bib, meta.slug)
        if works:
            header = (
                f"The works the reference list of {meta.slug} holds, as merged in the "
                "reader's bibliography\n(x-articles: the articles listing a work; "
                "x-provenance: each listing)."
            )
            out.update(
                _formats(
                    f"{meta.slug}-references",
                    [csl_item(m) for m in works],
                    write_merged_bib(works, header, part_of=meta.slug),
                )
            )
        return out

    # each article's files depend on that article alone: on every core
    pairs = list(zip(metas, items, strict=True))
    for own in map_reported(article_files, pairs, Reporter()):
        files.update(own)
    if bib is not None:  # item by item, or a part at a time: not every work's item at once
        merged = bib.merged
        files["downloads/reader.ris"] = "\n".join(
            ris_text([csl_item(m) for m in merged[i : i + RIS_PART]])
            for i in range(0, len(merged), RIS_PART)
        ).encode()
        files["downloads/reader.json"] = csl_json(csl_item(m) for m in merged).encode()
    return files


RIS_PART = 500  # works per call of rispy for reader.ris (its records join with a blank line)


def _bibtex(meta: ArticleMeta, item: Mapping[str, Any]) -> tuple[str, str, Mapping[str, str]]:
    ref = meta_reference(meta)
    return ref.entry_type, item["id"], ref.fields


# ---------------------------------------------------------------- links


def _links(prefix: str, name: str) -> str:
    return " · ".join(
        f'<a href="{prefix}downloads/{name}.{ext}" type="{mime}">{label}</a>'
        for ext, label, mime in (
            ("ris", "RIS", "application/x-research-info-systems"),
            ("bib", "BibTeX", "application/x-bibtex"),
            ("json", "CSL-JSON", "application/vnd.citationstyles.csl+json"),
        )
    )


def reader_downloads(prefix: str, with_bibliography: bool) -> str:
    """The reader's reference files as one line of HTML (``prefix``: the path to the site
    root from the page, e.g. ``../../``)."""
    parts = [f"the reader's articles ({_links(prefix, 'articles')})"]
    if with_bibliography:
        parts.append(f"the merged bibliography ({_links(prefix, 'reader')})")
    return "For Zotero, EndNote or any reference manager: " + "; ".join(parts) + "."


def article_downloads(slug: str, with_references: bool) -> str:
    """An article page's reference files: its own citation and the works it lists."""
    parts = [f"this article ({_links('../../', slug)})"]
    if with_references:
        parts.append(f"the works it lists ({_links('../../', slug + '-references')})")
    return "Reference files: " + "; ".join(parts) + "."
