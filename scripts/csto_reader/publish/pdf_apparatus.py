"""The apparatus of the printed reader: reference lists, glossary and chronology set for paper.

``pdf.py`` reads the built site's pages; the web pages show each apparatus for a screen
(disclosures, filters, quotation lists, links to copy).  This module rewrites those parts of
the pages (lxml trees) into what a printed book holds, and nothing here imports WeasyPrint:

* an article's reference list prints each entry once, as the article printed it (the
  "As printed in the article" text of the web page), followed by where the reader cites it
  (``Cited at ¶10, ¶15``, read from ``/bibliography/``), the other articles that list the same
  work, and, only when the reader's formatted entry (APA 7) says something the printed one
  does not (a corrected field, another listing's value), that entry as a short note; the
  web-only parts go ("In the reader's bibliography", the disclosure);
* the glossary keeps each term's definition, the ways the articles write it and its
  related terms, and turns its lists of sources and uses (a line per passage, with a
  snippet) into ¶ references grouped by article (``Beloglazov ¶40, ¶44; Zhang ¶7``); the
  editors' discussion of each term stays on ``/glossary/``, and the appendix says so at
  its head (``GLOSSARY_PRINT_NOTE``);
* the chronology (``/timeline/``) becomes a two-column list, the date on the left and the
  event on the right, with its sources as ¶ references and the articles' differing
  wordings side by side in a table, as on the web page;
* the index of names prints one "¶" before each article's run of numbers
  (``Zhang ¶ 5, 25, 26``) and names the chronology's events by their dates.

Nothing here is set in CSS columns: WeasyPrint (70) lays a multi-column box out again for
each column of each page and balances it step by step, which cost more time than all the
rest of the reader (``benchmarks/RESULTS.md``); the appendices use a wider text block and
small type instead.

A "¶" and its number are joined by a no-break space wherever they meet in the apparatus,
so a line never starts with a number torn from its "¶".
"""

from __future__ import annotations

import copy
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml.html import HtmlElement

# ------------------------------------------------------------------------ small helpers


def has_class(element: HtmlElement, name: str) -> bool:
    """True when ``name`` is one of the element's classes."""
    return name in (element.get("class") or "").split()


def by_class(root: HtmlElement, tag: str, name: str) -> list[HtmlElement]:
    """The descendants of ``root`` of element ``tag`` (or ``*``) with class ``name``."""
    found: list[HtmlElement] = root.xpath(
        f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    )
    return found


def text_of(element: HtmlElement | None) -> str:
    """The element's text with white space collapsed."""
    if element is None:
        return ""
    return " ".join(element.text_content().split())


def drop_keep_tail(element: HtmlElement) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def element(
    tag: str,
    attrs: dict[str, str] | None = None,
    text: str | None = None,
    children: Iterable[HtmlElement] = (),
) -> HtmlElement:
    """A new element with its attributes, text and children."""
    made = lxml.html.Element(tag, attrs or {})
    made.text = text
    for child in children:
        made.append(child)
    return made


def append_text(parent: HtmlElement, text: str) -> None:
    """Add ``text`` at the end of ``parent``'s content."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def move_content(source: HtmlElement, target: HtmlElement) -> None:
    """Append ``source``'s text and children to ``target`` (``source`` is left empty)."""
    append_text(target, source.text or "")
    source.text = None
    for child in list(source):
        target.append(child)


def resolve_link(page_key: str, href: str) -> tuple[str, str] | None:
    """Where a link on the page at ``page_key`` leads: (site path of a page, fragment).

    Returns None for a link to another host or scheme (``https:``, ``mailto:``).  Paths are
    directory URLs as MkDocs makes them (``articles/zhang-2023/``), fragments unquoted.
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    base = f"/{page_key}"
    path = parts.path
    if not path:
        target = base
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base + "x"), path))
        if path.endswith("/") and not joined.endswith("/"):
            joined += "/"
        target = joined
    if target.endswith("/index.html"):
        target = target[: -len("index.html")]
    elif not target.endswith("/") and "." not in posixpath.basename(target):
        target += "/"
    return target.lstrip("/"), unquote(parts.fragment)


_PILCROW_SPACE = re.compile(r"¶[ \t\r\n]+(?=\d)")


def join_pilcrows(root: HtmlElement) -> None:
    """Join every "¶" to the number after it with a no-break space ("¶ 40" -> "¶\u00a040")."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.text and "¶" in node.text:
            node.text = _PILCROW_SPACE.sub("¶\u00a0", node.text)
        if node.tail and "¶" in node.tail:
            node.tail = _PILCROW_SPACE.sub("¶\u00a0", node.tail)


# ------------------------------------------------------------------ comparing two forms

# Words that only the form of a reference adds (APA's "&", "Eds.", "pp.", a DOI prefix).
_FORM_WORDS = frozenset(
    "and eds ed pp p vol no in retrieved from available at https http www doi org dx "
    "accessed url the of".split()
)
_ORDINALS = {
    "1st": "first",
    "2nd": "second",
    "3rd": "third",
    "4th": "fourth",
    "5th": "fifth",
    "6th": "sixth",
    "7th": "seventh",
    "8th": "eighth",
    "9th": "ninth",
    "10th": "tenth",
}
_DOI_PREFIX = re.compile(r"https?://(?:dx\.)?doi\.org/|https?://doi:|\bdoi:\s*")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")


def substance_words(text: str) -> list[str]:
    """The words and numbers of a reference, case-folded, numbers without leading zeros,
    ordinals spelt out ("3rd" -> "third") and DOI prefixes reduced to "doi"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _DOI_PREFIX.sub(" doi ", folded)
    folded = _ORDINAL.sub(lambda m: " " + _ORDINALS.get(m.group(0), m.group(1)) + " ", folded)
    return [
        str(int(word)) if word.isdigit() else word for word in re.findall(r"[^\W\d_]+|\d+", folded)
    ]


def added_in_substance(formatted: str, printed: str) -> list[str]:
    """The words of the formatted entry that the printed one does not hold: empty when the
    two differ only in form (punctuation, case, order, "&", "05" for "5", initials for
    given names, a DOI written as an address)."""
    printed_words = set(substance_words(printed))
    added = []
    for word in substance_words(formatted):
        if word in printed_words or word in _FORM_WORDS:
            continue
        if len(word) == 1 and word.isalpha() and any(w.startswith(word) for w in printed_words):
            continue  # an initial of a name the article prints in full
        added.append(word)
    return added


# ------------------------------------------------------------------- reference lists


@dataclass(frozen=True)
class WorkNotes:
    """What ``/bibliography/`` says of one work besides its text.

    ``cited`` holds (site path, fragment, label) of each passage that cites it;
    ``listed_in`` the site paths of the articles whose lists hold it; ``disagreement``
    the editorial note on listings that differ (text, without source paths); ``short``
    the first author and year of the formatted entry ("Chirciu (2020)").
    """

    cited: tuple[tuple[str, str, str], ...]
    listed_in: tuple[str, ...]
    disagreement: str
    short: str = ""


_AUTHOR_YEAR = re.compile(r"([^,(.]+?)[,.(].*?\((\d{4}[a-z]?)\b")


def read_work_notes(bibliography: HtmlElement) -> dict[str, WorkNotes]:
    """The notes of every entry of a built ``/bibliography/`` page, by key."""
    notes: dict[str, WorkNotes] = {}
    for entry in by_class(bibliography, "li", "bib-entry"):
        key = entry.get("id")
        if not key:
            continue
        cited: list[tuple[str, str, str]] = []
        for paragraph in by_class(entry, "p", "bib-cited"):
            for link in paragraph.iter("a"):
                where = resolve_link("bibliography/", link.get("href", ""))
                if where is not None:
                    cited.append((where[0], where[1], text_of(link)))
        listed = []
        for paragraph in by_class(entry, "p", "bib-listed"):
            for link in paragraph.iter("a"):
                where = resolve_link("bibliography/", link.get("href", ""))
                if where is not None:
                    listed.append(where[0])
        disagreement = ""
        for paragraph in by_class(entry, "p", "bib-disagreement"):
            clone = copy.deepcopy(paragraph)
            for source in by_class(clone, "*", "bib-source"):
                drop_keep_tail(source)
            said = re.sub(r"\s*\(\s*\)", "", text_of(clone))
            disagreement = said.replace("kept here", "kept in the reader's bibliography")
        formatted = text_of(next(iter(by_class(entry, "div", "bib-text")), None))
        author_year = _AUTHOR_YEAR.match(formatted)
        short = f"{author_year.group(1).strip()} ({author_year.group(2)})" if author_year else ""
        notes[key] = WorkNotes(tuple(cited), tuple(listed), disagreement, short)
    return notes


def print_reference_lists(
    content: HtmlElement, page_key: str, notes: Mapping[str, WorkNotes], labels: Mapping[str, str]
) -> None:
    """Set every reference list of an article page (``ul``/``ol.references``) for print.

    ``page_key`` is the article's site path, ``notes`` the bibliography's notes by key,
    ``labels`` a short name ("Zhang") for each article's site path.
    """
    for items in content.xpath(
        ".//*[self::ul or self::ol][contains(concat(' ', normalize-space(@class), ' '), "
        "' references ')]"
    ):
        items.set("class", f"{items.get('class')} print-references")
        for item in items.findall("li"):
            key = (item.get("data-web-id") or item.get("id") or "").split("--")[-1]
            work = notes.get(key.removeprefix("ref-"))
            _print_entry(item, page_key, work, labels)


def _print_entry(
    item: HtmlElement, page_key: str, work: WorkNotes | None, labels: Mapping[str, str]
) -> None:
    """One entry: the printed text, where it is cited, and a note where the forms differ."""
    number = next(iter(by_class(item, "span", "ref-num")), None)
    formatted = next(iter(by_class(item, "div", "bib-text")), None)
    printed = None
    for details in by_class(item, "*", "bib-original"):
        printed = next(
            (
                p
                for p in details.iter("p")
                if not has_class(p, "bib-source") and not has_class(p, "details-summary")
            ),
            None,
        )
    entry = element("p", {"class": "ref-entry"})
    if number is not None:
        entry.append(element("span", {"class": "ref-num"}, text_of(number) + "\u00a0"))
    body = printed if printed is not None else formatted
    if body is not None:
        move_content(copy.deepcopy(body), entry)
    if work is not None:
        entry.append(_cited_at(work, page_key, labels))
    extra = []
    if formatted is not None and printed is not None:
        if added_in_substance(text_of(formatted), text_of(printed)):
            note = element("p", {"class": "ref-note"})
            label = "In the reader's bibliography: "
            note.append(element("span", {"class": "ref-note-label"}, label))
            move_content(copy.deepcopy(formatted), note)
            extra.append(note)
    if work is not None and work.disagreement:
        extra.append(element("p", {"class": "ref-note"}, work.disagreement))
    keep = {name: item.get(name) for name in ("id", "data-web-id") if item.get(name)}
    item.clear()
    for name, value in keep.items():
        item.set(name, value)
    item.append(entry)
    for note in extra:
        item.append(note)


def _cited_at(work: WorkNotes, page_key: str, labels: Mapping[str, str]) -> HtmlElement:
    """``Cited at ¶10, ¶15; Syssoyeva ¶5. Also listed by Beloglazov.`` as a small span."""
    span = element("span", {"class": "ref-cited"}, " ")
    if not work.cited:
        append_text(span, "Not cited in the text.")
    else:
        append_text(span, "Cited at ")
        groups = _group_by_page((path, fragment) for path, fragment, _label in work.cited)
        for number, (path, fragments) in enumerate(groups.items()):
            if number:
                append_text(span, "; ")
            if path != page_key:
                append_text(span, f"{labels.get(path, path)} ")
            for index, fragment in enumerate(fragments):
                if index:
                    append_text(span, ", ")
                span.append(locator_link(path, fragment))
        append_text(span, ".")
    others = [labels.get(path, path) for path in work.listed_in if path != page_key]
    if others:
        append_text(span, f" Also listed by {', '.join(others)}.")
    return span


def _group_by_page(places: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Fragments grouped by page, each once, in the order first met."""
    groups: dict[str, list[str]] = {}
    for path, fragment in places:
        fragments = groups.setdefault(path, [])
        if fragment not in fragments:
            fragments.append(fragment)
    return groups


def locator_text(fragment: str, shorts: Mapping[str, str] | None = None) -> str:
    """How a passage's anchor is printed: "p12" -> "¶\u00a012", "fn:3" -> "note 3", an
    entry of the reference list ("ref-csto2012") by its work's author and year (from
    ``shorts``, by key) after "list:", never by its key."""
    if re.fullmatch(r"p\d+", fragment):
        return f"¶\u00a0{fragment[1:]}"
    if fragment.startswith("fn:"):
        return f"note\u00a0{fragment[3:]}"
    if fragment.startswith("ref-"):
        short = (shorts or {}).get(fragment.removeprefix("ref-"))
        return f"list: {short}" if short else "reference list"
    return fragment


def locator_link(path: str, fragment: str, shorts: Mapping[str, str] | None = None) -> HtmlElement:
    """A link to a passage of an article (an absolute site path, resolved later)."""
    return element(
        "a", {"class": "locator", "href": f"/{path}#{fragment}"}, locator_text(fragment, shorts)
    )


# ---------------------------------------------------------------------------- glossary


def print_glossary(
    content: HtmlElement, labels: Mapping[str, str], shorts: Mapping[str, str] | None = None
) -> None:
    """Turn each labelled list of the glossary (a paragraph that is only a bold label,
    then a list: "Sources", "Where the articles use it") into one paragraph of ¶
    references grouped by article; everything else stays as it is."""
    for label in list(content.iter("p")):
        strong = label.find("strong")
        following = label.getnext()
        if (
            strong is None
            or len(label) != 1
            or (label.text or "").strip()
            or (strong.tail or "").strip()
            or following is None
            or following.tag not in ("ul", "ol")
        ):
            continue
        line = element("p", {"class": "gl-refs"})
        line.append(element("strong", None, text_of(strong).rstrip(":") + ": "))
        _references_line(following, "glossary/", labels, line, shorts)
        label.getparent().replace(label, line)
        following.getparent().remove(following)
    for paragraph in content.iter("p"):
        said = text_of(paragraph)
        if said.startswith(GLOSSARY_KEPT_LINES) and len(paragraph):
            paragraph.set("class", f"{paragraph.get('class') or ''} gl-related".strip())
    _keep_definitions_only(content)
    join_pilcrows(content)


# The lines of a glossary entry that print keeps besides the definition and the ¶ lists.
GLOSSARY_KEPT_LINES = ("Related:", "Written in the articles as:")

# What the printed glossary leaves to the web edition, said at its head.
GLOSSARY_PRINT_NOTE = (
    "In print each entry gives the term's definition, the ways the articles write it, its "
    "sources and the passages that use it, by ¶ or note number. The editors' discussion of "
    "each term (what each article says of it and where they differ), and the quotations "
    "at every use, are on the web edition's Glossary page, at the term's own address "
    "(/glossary/#crrf for the CRRF)."
)


def _is_definition(paragraph: HtmlElement) -> bool:
    """A paragraph that is only bold text: a term's one-line definition."""
    strong = paragraph.find("strong")
    return (
        paragraph.tag == "p"
        and strong is not None
        and len(paragraph) == 1
        and not (paragraph.text or "").strip()
        and not (strong.tail or "").strip()
    )


def _keep_definitions_only(content: HtmlElement) -> None:
    """Leave out the editors' discussion of each term (the plain paragraphs between the
    definition and the entry's labelled lines) and say at the head where it is."""
    first = content.find("h2")
    if first is None:
        return
    first.addprevious(element("p", {"class": "appendix-note"}, GLOSSARY_PRINT_NOTE))
    children = list(content)
    for child in children[children.index(first) :]:
        if child.tag != "p" or child.get("class"):
            continue
        if _is_definition(child):
            child.set("class", "gl-definition")
        elif not text_of(child).startswith(GLOSSARY_KEPT_LINES):
            drop_keep_tail(child)


def print_index(content: HtmlElement, event_dates: Mapping[str, str]) -> None:
    """The index of names in print, set as a book's index: after each article's label one
    "¶" (and one "n.") for all its numbers ("Zhang ¶ 5, 25, 26, n. 10"), and the events of
    the chronology by their dates (``event_dates``: the web id of each event's date line)
    rather than by their long labels, which the chronology prints at those dates."""
    for item in content.iter("li"):
        links = [link for link in item.iter("a") if link.get("href")]
        said: set[str] = set()
        for link in links:
            text = link.text or ""
            where = resolve_link("index/", link.get("href", ""))
            if where is not None and where[0] == "timeline/" and event_dates.get(where[1]):
                for child in list(link):
                    link.remove(child)
                link.text = event_dates[where[1]]
                continue
            for sign in ("¶\u00a0", "¶ ", "n.\u00a0", "n. "):
                if text.startswith(sign) and len(link) == 0:
                    if sign[0] in said:
                        link.text = text[len(sign) :]
                    said.add(sign[0])
    join_pilcrows(content)


def chronology_dates(content: HtmlElement) -> dict[str, str]:
    """The date of each event of the built ``/timeline/`` page, by the event's id."""
    dates: dict[str, str] = {}
    for event in by_class(content, "div", "tl-event"):
        date = next(iter(by_class(event, "span", "tl-date")), None)
        if date is None:
            continue
        clone = copy.deepcopy(date)
        for separator in by_class(clone, "span", "tl-sep"):
            drop_keep_tail(separator)
        for node in [event, *event.iter()]:
            if isinstance(node.tag, str) and node.get("id"):
                dates.setdefault(node.get("data-web-id") or node.get("id"), text_of(clone))
    return dates


def _references_line(
    items: HtmlElement,
    page_key: str,
    labels: Mapping[str, str],
    line: HtmlElement,
    shorts: Mapping[str, str] | None = None,
) -> None:
    """Fill ``line`` with the links of a (nested) list: links to article passages grouped
    by article ("Beloglazov ¶ 40, ¶ 44"), any other item as it is, all separated by "; "."""
    groups: dict[str, list[str]] = {}
    others: list[HtmlElement] = []
    for item in items.iter("li"):
        if item.find(".//li") is not None:
            continue  # a group of passages (the article's title): its items follow
        passage = None
        for link in item.iter("a"):
            where = resolve_link(page_key, link.get("href", ""))
            if where is not None and where[0].startswith("articles/") and where[1]:
                passage = where
                break
        if passage is None:
            others.append(item)
            continue
        fragments = groups.setdefault(passage[0], [])
        if passage[1] not in fragments:
            fragments.append(passage[1])
    parts: list[HtmlElement] = []
    for path, fragments in groups.items():
        group = element("span", {"class": "gl-group"}, f"{labels.get(path, path)} ")
        for index, fragment in enumerate(fragments):
            if index:
                append_text(group, ", ")
            group.append(locator_link(path, fragment, shorts))
        parts.append(group)
    for item in others:
        other = element("span", {"class": "gl-other"})
        move_content(copy.deepcopy(item), other)
        for link in other.iter("a"):
            link.set("href", _absolute(page_key, link.get("href", "")))
        parts.append(other)
    for index, part in enumerate(parts):
        if index:
            append_text(line, "; ")
        line.append(part)
    append_text(line, ".")


def _absolute(page_key: str, href: str) -> str:
    """A link of the page at ``page_key`` as an absolute site path (another host as is)."""
    where = resolve_link(page_key, href)
    if where is None:
        return href
    return f"/{where[0]}" + (f"#{where[1]}" if where[1] else "")


# --------------------------------------------------------------------------- chronology


def print_chronology(content: HtmlElement, labels: Mapping[str, str]) -> None:
    """Set the built ``/timeline/`` page's content for print (see the module docstring).

    Web-only parts go: the "Jump to" line, the links to the side-by-side wordings (the
    table follows the event), the day labels of the day-by-day list (each event carries
    its date), the scale and bars of the periods chart (the periods become a list).
    """
    for paragraph in list(content.findall("p")):
        if text_of(paragraph).startswith("Jump to"):
            drop_keep_tail(paragraph)
    first_section = content.find("h2")
    if first_section is not None:
        first_section.addprevious(
            element(
                "p",
                {"class": "appendix-note"},
                "In print each event names the passages that describe it by ¶ or note "
                "number; the web edition's Chronology page (/timeline/) quotes each of them.",
            )
        )
    for figure in by_class(content, "figure", "tl-periods"):
        figure.getparent().replace(figure, _periods_list(figure))
    for flag in by_class(content, "p", "tl-flag"):
        drop_keep_tail(flag)
    for label in by_class(content, "p", "tl-day-label"):
        drop_keep_tail(label)
    for event in by_class(content, "div", "tl-event"):
        _print_event(event, labels)
    join_pilcrows(content)


def _periods_list(figure: HtmlElement) -> HtmlElement:
    """The periods of the chart as a two-column list: dates, then what happened."""
    listing = element("div", {"class": "chrono-periods"})
    caption = figure.find("figcaption")
    if caption is not None:
        listing.append(element("p", {"class": "chrono-periods-title"}, text_of(caption)))
    for period in by_class(figure, "li", "tl-period"):
        row = element("p", {"class": "chrono-period"})
        dates = next(iter(by_class(period, "span", "tl-period-dates")), None)
        if dates is not None:
            row.append(element("span", {"class": "chrono-date"}, text_of(dates)))
            drop_keep_tail(dates)
        for bar in by_class(period, "span", "tl-bar"):
            drop_keep_tail(bar)
        text = next(iter(by_class(period, "span", "tl-period-text")), period)
        what = element("span", {"class": "chrono-what"})
        move_content(copy.deepcopy(text), what)
        if what.text:
            what.text = what.text.lstrip()
        for link in what.iter("a"):
            if link.text:
                link.text = link.text.lstrip()
        row.append(what)
        listing.append(row)
    return listing


def _print_event(event: HtmlElement, labels: Mapping[str, str]) -> None:
    """An event: its date in the left column, its label, its sources as ¶ references."""
    event.set("class", f"{event.get('class')} chrono-event")
    heading = next((h for h in event if re.fullmatch(r"h[2-6]", str(h.tag))), None)
    if heading is not None:
        date = next(iter(by_class(heading, "span", "tl-date")), None)
        if date is not None:
            for separator in by_class(date, "span", "tl-sep"):
                drop_keep_tail(separator)
            date.set("class", "tl-date chrono-date")
            if date.tail:
                date.tail = date.tail.lstrip()
    for described in by_class(event, "p", "tl-described"):
        following = described.getnext()
        if following is None or following.tag not in ("ul", "ol"):
            continue
        line = element("p", {"class": "chrono-sources"})
        line.append(element("span", {"class": "chrono-sources-label"}, "Described in: "))
        _references_line(following, "timeline/", labels, line)
        described.getparent().replace(described, line)
        following.getparent().remove(following)
