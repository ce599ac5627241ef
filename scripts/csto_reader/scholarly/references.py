"""Reference list items -> structured references with BibTeX fields.

Input: ``ReferenceItem``s from the segmenter (one reference per item, joined onto one
line, list markers stripped, conversion escapes undone, Markdown emphasis and links
left in place).  Output: ``Reference``s whose ``fields`` are ready for BibTeX.

The styles the lists use; each item's style is told by the shape of its header:

* author-date (APA-like): ``Family, I., & Family, I. (2009[, Month Day]). Title. ...``
* Chicago author-date: ``Family, Given, and Given Family. 2004. "Title." Journal 80
  (3): 463–83.`` (names, then the year between periods; a corporate author or an
  ``, ed.`` after the names also fit)
* Russian bibliographic style: ``Family I.I., Family I.I. Title // Journal. 2007.
  Tom 3, № 10 (19):77–79 [In Russian].``; its GOST form (tried first) closes with
  ``2022. Vol. 8. No. 1. P. 112–128.`` or, for a book, ``Moscow: Publisher, 2021. 240 p.``
* Harvard / Cite Them Right (tried first: a quoted title after the year):
  ``Family, I. (2004) 'Title', Journal, 80(3), pp. 463–483.``, chapters ``in Editor,
  I. (ed.) Book. City: Publisher, pp. 1–2.`` and pages ``Available at: URL
  (Accessed: 5 May 2023).`` (the access date becomes ``urldate``);
* Vancouver: ``Family AB, Family CD. Title. Journal. 2020;20(4):707–20.``, books
  ``City: Publisher; 2019.`` and pages ``Site [Internet]. 2022 Jan 13 [cited ...].``
* German author-date (a German journal's house style, tried first): ``Müller, Anna;
  Weber, Jonas (2019): Title. In: Journal 70 (3), S. 45–67.``, ``In: Schmidt, K.
  (Hrsg.): Book. Berlin: Verlag, S. 11–29.``, books ``Title. City: Publisher.`` and
  pages ``In: Site, 05.01.2022. Online verfügbar unter URL, zuletzt geprüft am ...``;
* Chicago notes-bibliography (tried before APA, whose header would take the names and
  title for names when a ``(2004)`` follows a journal's volume): ``Family, Given.
  "Title." Journal 80, no. 3 (2004): 463–83.``, books ``Family, Given. Title. City:
  Publisher, 2019.``, chapters, theses, pages and newspapers dated ``Site, January 5,
  2022.`` (the year closes the publication facts);
* Chicago full notes as entries (``chicago-note``: a list written in note form, or the
  notes of a text with no bibliography, ``ingest.notes_list``): ``Roy Allison, "Title,"
  Journal 80, no. 3 (2004): 470.``, ``Dana Kulbayeva, Title (Almaty: Example Press,
  2019), 54–58.``; the page a note cites is not kept as the work's pages.

The rules are the ordered table ``ENTRY_RULES``; each has a fixture case in
``tests/fixtures/stages/references/``.  A line that is no entry (``NOT_ENTRY``: the
article's history, "Manuscript received ...") is reported (``ref-not-entry``) and left
out of the bibliography; the page still prints it with the list.

After the header, the rest of the item is read by shape (an italic or quoted title, a
``City: Publisher`` tail, a ``volume(issue), pages`` or ``vol (issue): pages`` tail, an
``In ... (Eds.)`` or ``In ..., edited by ...`` phrase, a ``[thesis]`` or ``PhD diss.``
marker, a month in the date), never by the wording of any one reference.  Page ranges
are kept as the list gives them (``463–83`` -> ``463--83``, not expanded).
Text no rule understands is kept (as ``@misc`` with the whole text as title) and flagged.

Field values are plain Unicode text; only ``author`` and ``editor`` use BibTeX name
syntax (``Family, Given and Family, Given``, corporate names in braces).  LaTeX escaping
is the bibliography module's business, when it writes.

Citation keys (``assign_keys``): first author's family name, ASCII-folded and lowercased,
without particles (``dos Santos`` -> ``santos``), plus the year: ``kornilenko2020``.  A
letter the list itself gives is kept (``Shamarov, P. V. (2022a)`` -> ``shamarov2022a``).
A corporate author gives the initials of its significant words when it has three or
more (``Collective Security Treaty Organization`` -> ``csto``, ``Commission on Global
Governance`` -> ``cgg``), otherwise its words run together (``Sipri`` -> ``sipri``,
``UN News`` -> ``unnews``).  When one list holds two different works with the same key,
they get the letters a, b, ... in list order (APA's own device); a repeated listing of
the same work (Zhang lists Sipri 2015 twice) keeps an entry of its own, keyed
``sipri2015-2`` with ``x-duplicate-of = {sipri2015}``, so every list item stays visible.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from rapidfuzz import fuzz

from ..diagnostics import Reporter
from ..ingest.notes_list import bluebook_full
from ..model import Reference, ReferenceItem, Span
from .names import (
    APA_INITIALS,
    CONNECTORS,
    MONTHS,
    PARTICLES,
    ascii_fold,
    family_start,
    fold,
    is_initials,
    is_name_word,
    key_stem,
)

# --------------------------------------------------------------------- data


# Field order used when writing; fields not listed follow in alphabetical order.
FIELD_ORDER: tuple[str, ...] = (
    "author",
    "editor",
    "title",
    "journal",
    "booktitle",
    "edition",
    "volume",
    "number",
    "pages",
    "pagetotal",
    "publisher",
    "institution",
    "organization",
    "address",
    "year",
    "date",
    "doi",
    "url",
    "x-url-printed",
    "note",
    "langid",
    "x-year-suffix",
    "x-list-position",
    "x-duplicate-of",
    "x-corrected",
    "x-source",
    "x-source-text",
)

# Words that make a publisher an institution issuing reports or working papers rather
# than a book publisher ("Center for a New American Security", "OECD Economics
# Department", "International Centre for Counter-Terrorism").  A name with "Press" is a
# publisher ("Oxford University Press").
_INSTITUTION_WORDS = re.compile(
    r"\b(?:Institute|Institution|Centre|Center|Council|Department|Foundation|Bureau"
    r"|University|Commission)\b",
    re.IGNORECASE,
)

_MONTHS = {m.lower(): i for i, m in enumerate(MONTHS, start=1)}

_ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
}

# ------------------------------------------------------------ DOI and links

# A DOI as the lists write it: bare, ``doi:10...``, ``https://doi.org/10...``,
# ``http://dx.doi.org/10...``, and the broken ``https://doi:10...`` / ``https://DOI:10...``.
_DOI_FORMS = re.compile(
    r"^(?:https?://)?(?:(?:dx\.)?doi\.org/|doi:\s*)?(?P<doi>10\.\d{4,9}/\S+)$",
    re.IGNORECASE,
)


def normalize_doi(value: str) -> str | None:
    """The bare ``10.xxxx/...`` form of a DOI written in any of the lists' forms.

    Returns None when ``value`` is not a DOI (an ordinary URL, say).
    """
    value = value.strip().rstrip(".,;")
    m = _DOI_FORMS.match(value)
    return m.group("doi") if m else None


def unescape_url(url: str) -> str:
    """Undo Markdown escapes a conversion left in a URL (``dogovor\\_o`` -> ``dogovor_o``)."""
    return re.sub(r"\\+([_$&#%*])", r"\1", url.strip())


# Links as the conversions write them: ``[label](url)``, ``<url>``, or a bare URL.  A
# file extension the conversion split off after the link ("...kyrgystan](...). Html.")
# is put back onto the URL.
_LINK = re.compile(
    r"(?:(?:Retrieved\s+from|Available\s+(?:from|at)):?\s*)?"
    r"(?:\[[^\]]*\]\((?P<md>[^)\s]+)\)|<(?P<angle>(?:https?://|doi:)[^>\s]+)>"
    r"|(?P<bare>(?:https?://|doi:\s?10\.)[^\s<>]+))"
    r"(?P<ext>\.\s*(?:Html?|Pdf|Php|Aspx?)\b)?",
    re.IGNORECASE,
)


def _extract_links(text: str) -> tuple[str, list[str], dict[str, str]]:
    """Remove every link from ``text``; return the rest, the URLs in order, and the
    printed form of each URL this mended (``...kyrgystan. Html`` -> ``...kyrgystan.html``)."""
    urls: list[str] = []
    printed: dict[str, str] = {}

    def take(m: re.Match[str]) -> str:
        url = m.group("md") or m.group("angle") or m.group("bare") or ""
        url = unescape_url(url).rstrip(".,;")
        if m.group("ext"):
            as_printed = url + m.group("ext")
            url += "." + re.sub(r"\W", "", m.group("ext")).lower()
            printed[url] = as_printed
        urls.append(url)
        return " "

    rest = _LINK.sub(take, text)
    return rest, urls, printed


# ----------------------------------------------------------- small helpers


def _strip_emphasis(text: str) -> str:
    return text.replace("*", "")


def _tidy(text: str) -> str:
    """Collapse spaces and stray punctuation left where links were cut out."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    text = re.sub(r"\.(?:\s*\.)+", ".", text)  # ". ." where a link was cut out -> "."
    text = re.sub(r",(?:\s*,)+", ",", text)
    return text.strip()


def _clean_value(text: str) -> str:
    """A field value: no emphasis markers, no surrounding quotes or end punctuation."""
    text = _strip_emphasis(text).strip().lstrip(".,;: ")
    text = re.sub(r"[\s.,;:]+$", "", text)
    text = text.strip("'\u2018\u2019")
    return text.strip()


def _clean_title(text: str) -> str:
    """A title keeps a final ``?`` or ``!`` but loses a final period or comma."""
    text = _strip_emphasis(text).strip().lstrip(".,;: ")
    text = re.sub(r"[\s.,;:]+$", "", text)
    if len(text) > 1 and text[0] in "'\u2018" and text[-1] in "'\u2019":
        text = text[1:-1]
    return text.strip()


def _pages(text: str) -> str:
    """``1–17`` / ``22-27`` -> ``1--17`` (BibTeX's range dash)."""
    return re.sub(r"\s*[-–—]+\s*", "--", text.strip())


# Abbreviations whose period does not end a sentence ("St. Petersburg", "Vol. 8").
_ABBREVIATIONS = {"st", "mt", "dr", "jr", "sr", "vol", "no", "nos", "pp", "p", "ed", "eds", "vs"}


def _is_abbreviation(before: str) -> bool:
    word = re.split(r"\s", before)[-1] if before else ""
    word = word.lstrip("(\"'“‘*")
    if not word:
        return False
    if word.lower() in _ABBREVIATIONS:
        return True
    # initials and dotted abbreviations: "J", "U.S", "A.B"
    return re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word) is not None


def sentence_breaks(text: str, marks: str = ".") -> list[int]:
    """Indexes just after each sentence end (``marks`` followed by a space and a capital,
    digit, quote or emphasis), skipping abbreviations and initials."""
    out = []
    for m in re.finditer(rf"[{re.escape(marks)}][\"”’']?\s+(?=[A-Z0-9\"“‘'*«])", text):
        if m.group().startswith(".") and _is_abbreviation(text[: m.start()]):
            continue
        out.append(m.start() + 1 + (1 if m.group()[1:2] in "\"”’'" else 0))
    return out


def _split_title_container(head: str) -> tuple[str, str]:
    """Split ``Title. Container`` into its parts.

    An italic segment at the end is the container (returned with its asterisks).
    Otherwise the first sentence end (a period) splits them: titles rarely contain a full
    stop, container names do ("Vestnik RUDN. International Relations").  With no period,
    the last ``?``/``!`` does ("... crise do Cazaquistão? Boletim de Conjuntura").
    """
    head = head.strip()
    m = re.search(r"\*([^*]+)\*[\s.,]*$", head)
    if m and head[: m.start()].strip():
        return head[: m.start()], m.group(0)
    breaks = sentence_breaks(head, ".")
    if breaks:
        return head[: breaks[0]], head[breaks[0] :]
    breaks = sentence_breaks(head, "?!")
    if breaks:
        return head[: breaks[-1]], head[breaks[-1] :]
    return head, ""


def _split_sentences(text: str) -> list[str]:
    parts, start = [], 0
    for i in sentence_breaks(text, "."):
        parts.append(text[start:i])
        start = i
    parts.append(text[start:])
    return [p.strip().rstrip(".").strip() for p in parts if p.strip().rstrip(".").strip()]


# A place and a date where a publisher would stand, the imprint of a treaty or a
# statement signed somewhere: "Chisinau, 7 October 2002", "Washington, DC, May 5, 2021".
_MONTH_NAME = "|".join(MONTHS)
_PLACE_DATE = re.compile(
    rf"(?P<place>[^\W\d][^\d:;()]{{0,40}}?),\s*(?:(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_NAME})"
    rf"|(?P<month2>{_MONTH_NAME})\s+(?P<day2>\d{{1,2}}),?)\s+(?P<year>\d{{4}})"
)


def _place_date(text: str) -> dict[str, str] | None:
    """``Chisinau, 7 October 2002`` -> address and date (no publisher): a place of at
    most four words, none a publisher's or an institution's, then a day, month and year."""
    m = _PLACE_DATE.fullmatch(text)
    if not m:
        return None
    place = m.group("place").strip()
    if len(place.split()) > 4 or _PUBLISHER.search(place) or _INSTITUTION_WORDS.search(place):
        return None
    month = _MONTHS[(m.group("month") or m.group("month2")).lower()]
    day = int(m.group("day") or m.group("day2"))
    return {"address": place, "date": f"{m.group('year')}-{month:02d}-{day:02d}"}


def _publisher_fields(text: str) -> dict[str, str]:
    """``Baltimore, MD: Johns Hopkins University Press`` -> address + publisher;
    ``Berlin/Heidelberg (Springer 2003)`` -> address + publisher; a place and a date
    (``_place_date``) -> address + date; else publisher."""
    text = _clean_value(text)
    if not text:
        return {}
    placed = _place_date(text)
    if placed:
        return placed
    m = re.fullmatch(r"(?P<addr>[^()]+?)\s*\((?P<pub>[^()]+?)\s+\d{4}\)", text)
    if m:
        return {"address": m.group("addr").strip(), "publisher": m.group("pub").strip()}
    m = re.fullmatch(r"(?P<addr>[^:]{2,40}?):\s*(?P<pub>.+)", text)
    if m and not re.search(r"\d", m.group("addr")):
        return {"address": m.group("addr").strip(), "publisher": m.group("pub").strip()}
    return {"publisher": ", ".join(_split_sentences(text))}


# A book publisher's name, for a book listed with no place (APA 7): "Routledge",
# "Princeton University Press", "Palgrave Macmillan".
_PUBLISHER = re.compile(
    r"\b(?:Press|Publishers?|Publishing|Verlag|Books|Routledge|Springer|Palgrave|Macmillan"
    r"|Wiley|Sage|SAGE|Elsevier|Brill|Polity|Penguin|Bloomsbury|Edward Elgar)\b"
)


def _is_institution(name: str) -> bool:
    return bool(_INSTITUTION_WORDS.search(name)) and not re.search(r"\bPress\b", name, re.I)


def _edition(title: str) -> tuple[str, str | None]:
    """``Title (1st ed.)`` / ``Title. (Third Edition)`` -> title, edition number."""
    m = re.search(r"[\s.]*\((?P<ed>\w+)\s+(?:ed\.?|edition)\)\s*$", title, re.IGNORECASE)
    if not m:
        return title, None
    ed = m.group("ed").lower()
    ed = _ORDINALS.get(ed, re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", ed))
    return title[: m.start()], ed


# ------------------------------------------------------------------- names

_INITIALS = APA_INITIALS


def _space_initials(given: str) -> str:
    """``A.B.`` -> ``A. B.`` so that BibTeX sees two initials."""
    return re.sub(r"\.(?=[A-Z])", ". ", given.strip())


def _family_given(family: str, given: str) -> str:
    given = _space_initials(given)
    # the list's final period after a particle or a full given name ("dos.", "Alexey.")
    # (an initial such as "Sh." or "Yu." keeps its period)
    given = re.sub(r"\b([a-z]+|[A-Z][a-z]{3,})\.$", r"\1", given)
    # a particle written after the initials ("Santos, J. C. D. dos") belongs to the family
    m = re.fullmatch(rf"({_INITIALS}?)\s*((?:[a-z]+\s*)+)", given + " " if given else "")
    if m and m.group(2).strip():
        family = f"{m.group(2).strip()} {family}"
        given = m.group(1).strip()
    return f"{family.strip()}, {given.strip()}" if given.strip() else family.strip()


def _corporate(name: str) -> str:
    return "{" + re.sub(r"\s+", " ", name).strip().rstrip(".").strip() + "}"


def parse_names_apa(text: str) -> tuple[list[str], bool]:
    """Names as APA lists write them, as BibTeX names; the flag says all were understood.

    Handles ``Family, I. I., & Family, I.``, given-first editor lists (``H. Gärtner,
    J. W. Honig & H. Akbulut``), full given names (``Ulyukaev, Alexey``), a trailing
    particle (``Santos, J. C. D. dos``) and corporate authors (``UN News``), which
    become one braced name.
    """
    text = re.sub(r"\s+", " ", text).strip().rstrip(",")
    if not text:
        return [], False
    tokens = [
        t.strip() for t in re.split(r",?\s*&\s*|,\s*and\s+|\s+and\s+|,\s*", text) if t.strip()
    ]
    # given-first: every token is "I. I. Family"
    given_first = re.compile(rf"(?P<given>{_INITIALS})\s*(?P<family>[^\s.].*)")
    if all(given_first.fullmatch(t) for t in tokens):
        names = []
        for t in tokens:
            gm = given_first.fullmatch(t)
            assert gm is not None
            names.append(_family_given(gm.group("family"), gm.group("given")))
        return names, True
    if "," not in text:
        return [_corporate(text)], True
    # family-first pairs
    if len(tokens) % 2 == 0:
        pairs = list(zip(tokens[0::2], tokens[1::2], strict=True))
        given_ok = re.compile(rf"{_INITIALS}(?:\s*[a-z]+)*\.?|[A-Z][a-z]+(?:-[A-Z][a-z]+)?\.?")
        if all(given_ok.fullmatch(g.strip()) for _, g in pairs):
            return [_family_given(f, g) for f, g in pairs], True
    return [_corporate(text)], False


_RU_NAME = rf"[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?\s{_INITIALS}"


def parse_names_ru(text: str) -> list[str]:
    """``Troitsky E.F., Zinoviev V.P.`` -> ``["Troitsky, E. F.", "Zinoviev, V. P."]``."""
    names = []
    for part in re.split(r",\s*", text.strip().rstrip(",")):
        m = re.fullmatch(rf"(?P<family>.+?)\s+(?P<given>{_INITIALS})", part.strip())
        if m:
            names.append(_family_given(m.group("family"), m.group("given")))
        elif part.strip():
            names.append(_corporate(part))
    return names


def split_names(value: str) -> list[str]:
    """Split a BibTeX name list on ``and`` outside braces."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(value):
        c = value[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and value.startswith(" and ", i):
            out.append(value[start:i].strip())
            start = i + 5
            i += 4
        i += 1
    out.append(value[start:].strip())
    return [n for n in out if n]


def name_parts(name: str) -> dict[str, str]:
    """One BibTeX name -> ``{"literal": ...}`` or ``{"family", "given", "particle"}``."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return {"literal": name[1:-1]}
    family, _, given = name.partition(",")
    particle = ""
    m = re.match(r"((?:[a-z]+\s+)+)(.+)", family.strip())
    if m:
        particle, family = m.group(1).strip(), m.group(2)
    return {"family": family.strip(), "given": given.strip(), "particle": particle}


def first_family(reference: Reference) -> str:
    """The first author's (or editor's) family name as a key stem: ASCII, lowercase."""
    return _first_family(reference.get("author") or reference.get("editor"))


@functools.lru_cache(maxsize=1 << 16)
def _first_family(names_field: str) -> str:
    # memoized: merging asks it of every listing, and ``same_work`` of both sides of
    # every pair it compares
    names = split_names(names_field)
    if not names:
        return ""
    parts = name_parts(names[0])
    if "literal" in parts:
        return key_stem(parts["literal"])
    return fold(parts["family"])


# ------------------------------------------------------------------ parsing

_LANG_NOTE = re.compile(r"[(\[]\s*In\s+(?P<lang>[A-Z][a-z]+)\s*[)\]]\.?")

_APA_HEAD = re.compile(
    r"^(?P<names>.+?)\s*"
    r"(?:\((?P<role>[Ee]ds?)\.?\)\.?\s*)?"
    r"\((?P<year>\d{4})(?P<suffix>[a-z])?"
    r"(?:,\s*(?P<month>[A-Z][a-z]+)\.?(?:\s+(?P<day>\d{1,2}))?)?\)"
    r"[.,]?\s*(?P<rest>.*)$"
)

_RU_HEAD = re.compile(rf"^(?P<names>(?:{_RU_NAME},\s*)*{_RU_NAME})\s*(?P<rest>.+)$")

_THESIS = re.compile(
    r"\s*\[(?P<kind>(?:doctoral |master'?s? |phd |ph\.d\. )?(?:thesis|dissertation)[^\]]*)\]",
    re.IGNORECASE,
)

# A label naming the kind of document where a container would stand, "Press release,
# January 13." (Chicago) or "[Press release]." after the title (APA 7): the work's genre
# (BibTeX ``type``), not a periodical or a site.
_GENRE_WORDS = (
    r"(?:press|news|media)\s+release|(?:policy|issue|research)\s+brief|briefing(?:\s+paper|\s+note)?"
    r"|fact\s*sheet|(?:joint\s+|official\s+)?statement|speech|transcript|interview|blog\s+post"
    r"|op-ed|memorandum|communiqu[eé]|unpublished\s+manuscript|data\s*set|video|podcast|tweet"
)
_GENRE = re.compile(rf"(?:{_GENRE_WORDS})", re.IGNORECASE)
_GENRE_BRACKET = re.compile(rf"\s*\[(?P<kind>{_GENRE_WORDS})\]", re.IGNORECASE)

_IN_BOOK = re.compile(
    r"^(?P<title>.+)[.,]?\s+[Ii]n:?\s+(?P<editors>[^()]+?)\s*\((?P<role>[Ee]ds?)\.?\)\s*,?\s*"
    r"(?P<after>.+)$"
)

# "Journal, 20(4), 707-720" / "Journal, 14, 829-838" / "Journal, (1), 22-27" /
# "*Journal* 24(4), 325-327" / "Journal, 16(2)."
_ARTICLE_TAIL = re.compile(
    r"^(?P<head>.+?)[,.]?\s+"
    r"(?:(?P<volume>\d+)(?:\s*\((?P<number>[^()]+)\))?|\((?P<number2>[^()]+)\))"
    r"(?:,\s*(?:pp?\.\s*)?(?P<pages>[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?))?\s*\.?$"
)

# "*Container*. 3-28." : an italic container followed by pages only.
_PAGES_ONLY_TAIL = re.compile(
    r"^(?P<head>.+?\*(?P<container>[^*]+)\*)[.,]\s*(?P<pages>\d+\s*[-–—]\s*\d+)\s*\.?$"
)


def _source_label(span: Span) -> str:
    if span.end_line and span.end_line != span.line:
        return f"{span.file}:{span.line}-{span.end_line}"
    return f"{span.file}:{span.line}"


def parse_source_label(label: str) -> Span:
    """Inverse of the ``x-source`` label: ``file:12`` or ``file:12-14`` -> ``Span``."""
    m = re.fullmatch(r"(?P<file>.+):(?P<line>\d+)(?:-(?P<end>\d+))?", label.strip())
    if not m:
        return Span(label, 0)
    end = int(m.group("end")) if m.group("end") else None
    return Span(m.group("file"), int(m.group("line")), end)


# An author-date opening after the end of a sentence or link, inside one item: two
# references glued together ("... <https://carnegiemoscow.org/...> Kissinger, H. (2014).").
_SECOND_HEAD = re.compile(
    r"[.>)]\s+(?P<head>[A-Z][\w'’-]+,\s(?:[A-Z][a-z]?\.\s?)+[^()]{0,80}?\(\d{4}[a-z]?[,)])"
)


def parse_reference(
    item: ReferenceItem, slug: str, reporter: Reporter, trace: list[str] | None = None
) -> Reference:
    """Parse one reference list item into a ``Reference`` (key not yet assigned).

    ``slug`` names the article in messages.  Problems are reported and the item is kept:
    an item no rule understands becomes ``@misc`` with its text as the title.
    """
    text = re.sub(r"\s+", " ", item.text).strip()
    second = _SECOND_HEAD.search(text)
    if second:
        reporter.warning(
            item.span,
            f"{slug}: this item seems to hold a second reference from "
            f"{second.group('head')!r}; only the first is parsed",
            "ref-two-in-one",
        )
    rest, urls, printed = _extract_links(text)
    fields: dict[str, str] = {}

    doi = next((d for d in (normalize_doi(u) for u in urls) if d), None)
    others = [u for u in urls if not normalize_doi(u)]
    if doi:
        fields["doi"] = doi
    if others:
        fields["url"] = others[0]
        if others[0] in printed:  # the link is mended: the page says so
            fields["x-url-printed"] = printed[others[0]]
        for extra in others[1:]:
            reporter.warning(item.span, f"{slug}: second URL dropped: {extra}", "ref-url")

    languages = [m.group("lang") for m in _LANG_NOTE.finditer(rest)]
    if languages:
        fields["note"] = f"In {languages[0]}"
        fields["langid"] = languages[0].lower()
        rest = _LANG_NOTE.sub(" ", rest)
    rest = _tidy(rest)

    rest, accessed = _accessed(rest)
    if accessed:
        fields["urldate"] = accessed
    entry_type, parsed = _apply_entry_rules(rest, item, slug, reporter, bool(urls), trace)
    if entry_type is None:
        reporter.warning(
            item.span,
            f"{slug}: no rule understands this reference; kept as @misc: {text[:80]}",
            "ref-unparsed",
        )
        entry_type, parsed = "misc", {"title": _clean_title(rest)}
    # the parsed fields come first; link and language fields keep their values
    fields = {**{k: v for k, v in parsed.items() if v}, **fields}

    if entry_type == "online" and "url" not in fields and "doi" not in fields:
        # a dated item without a link is a document, not a web page
        entry_type = "misc"
    if item.number is not None:
        fields["x-list-position"] = str(item.number)
    fields["x-source"] = _source_label(item.span)
    fields["x-source-text"] = text
    return Reference(entry_type, fields, text, item.span, item.number)


Parsed = tuple[str | None, dict[str, str]]  # (entry type or None, fields)


def _apply_entry_rules(
    rest: str,
    item: ReferenceItem,
    slug: str,
    reporter: Reporter,
    linked: bool,
    trace: list[str] | None,
) -> Parsed:
    """The first of ``ENTRY_RULES`` that reads ``rest`` (its name added to ``trace``)."""
    for name, rule in ENTRY_RULES:
        entry_type, parsed = rule(rest, item, slug, reporter, linked)
        if entry_type is not None:
            if trace is not None:
                trace.append(name)
            return entry_type, parsed
    return None, {}


def _parse_apa(rest: str, item: ReferenceItem, slug: str, reporter: Reporter) -> Parsed:
    """``Family, I., & Family, I. (2009[, Month Day]). Title. ...``: the header, then the
    body read as a thesis, a part of an edited book, a journal article (undated
    items only) or a titled work with its publisher or site; ``(None, {})`` when the
    header does not fit or the body fits none of them."""
    m = _APA_HEAD.match(rest)
    if not m:
        return None, {}
    f = _apa_header_fields(m, item, slug, reporter)
    body = m.group("rest").strip()
    gm = _GENRE_BRACKET.search(body)
    if gm:  # "Title [Press release]. Publisher.": the genre, then the title as without it
        f["type"] = gm.group("kind")
        body = body[: gm.start()] + body[gm.end() :]
    dated = "date" in f
    readers = [_apa_thesis, _apa_in_book]
    if not dated:  # a month-day date makes a page or a report, never a journal article
        readers.append(_apa_article)
    for read in readers:
        parsed = read(body, f)
        if parsed is not None:
            return parsed
    return _apa_titled(body, f, dated)


def _apa_header_fields(
    m: re.Match[str], item: ReferenceItem, slug: str, reporter: Reporter
) -> dict[str, str]:
    """Author or editor names, year, the list's year letter and a month-day date."""
    names, ok = parse_names_apa(m.group("names"))
    if not ok:
        reporter.warning(
            item.span, f"{slug}: author names not understood: {m.group('names')}", "ref-names"
        )
    f: dict[str, str] = {"editor" if m.group("role") else "author": " and ".join(names)}
    f["year"] = m.group("year")
    if m.group("suffix"):
        f["x-year-suffix"] = m.group("suffix")
    month = _MONTHS.get((m.group("month") or "").lower())
    if month:
        f["date"] = f"{m.group('year')}-{month:02d}"
        if m.group("day"):
            f["date"] += f"-{int(m.group('day')):02d}"
    return f


def _apa_thesis(body: str, f: dict[str, str]) -> Parsed | None:
    """``Title [Doctoral dissertation]. Institution``."""
    tm = _THESIS.search(body)
    if not tm:
        return None
    title, _, after = body.partition(tm.group(0))
    f["title"] = _clean_title(title)
    pub = _publisher_fields(after)
    if "publisher" in pub:
        pub["institution"] = pub.pop("publisher")
    return "thesis", {**f, **pub, "type": tm.group("kind").strip()}


def _apa_in_book(body: str, f: dict[str, str]) -> Parsed | None:
    """A part of an edited book: ``Title. In I. Editor (Ed.), Book (pp. 1-2). City:
    Publisher.``"""
    im = _IN_BOOK.match(body)
    if not im:
        return None
    f["title"] = _clean_title(im.group("title"))
    editors, _ = parse_names_apa(im.group("editors"))
    f["editor"] = " and ".join(editors)
    after = im.group("after").strip()
    pm = re.search(r"\s*\(pp?\.\s*(?P<pages>[^)]+)\)", after)
    if pm:
        f["pages"] = _pages(pm.group("pages"))
        after = after[: pm.start()] + after[pm.end() :]
    em = re.match(r"\*(?P<book>[^*]+)\*(?P<after>.*)$", after)
    if em:
        booktitle, after = em.group("book"), em.group("after")
    else:
        booktitle, after = _split_title_container(after)
    f["booktitle"] = _clean_title(booktitle)
    f.update(_publisher_fields(after))
    return "incollection", f


def _apa_article(body: str, f: dict[str, str]) -> Parsed | None:
    """``Title. Journal, 20(4), 707-720`` (a ``volume(issue), pages`` tail), or an
    italic container followed by pages only (a journal, or an institution's report)."""
    am = _ARTICLE_TAIL.match(body)
    if am:
        title, journal = _split_title_container(am.group("head"))
        if journal:
            f["title"] = _clean_title(title)
            f["journal"] = _clean_value(journal)
            f["volume"] = am.group("volume") or ""
            f["number"] = am.group("number") or am.group("number2") or ""
            f["pages"] = _pages(am.group("pages") or "")
            return "article", f
    pm = _PAGES_ONLY_TAIL.match(body)
    if not pm:
        return None
    title, container = _split_title_container(pm.group("head"))
    f["title"] = _clean_title(title)
    f["pages"] = _pages(pm.group("pages"))
    container = _clean_value(container)
    if _is_institution(container):
        f["institution"] = container
        return "report", f
    f["journal"] = container
    return "article", f


def _apa_titled(body: str, f: dict[str, str], dated: bool) -> Parsed:
    """A title (italic or the first sentence, with an edition note), then what issued
    it: for a dated item a site or an institution, else a publisher."""
    if body.startswith("*"):
        em = re.match(r"\*(?P<title>[^*]+)\*(?P<after>.*)$", body)
        assert em is not None or "*" not in body[1:]
        title, after = (em.group("title"), em.group("after")) if em else (body, "")
        italic_title = True
    else:
        title, after = _split_title_container(body)
        italic_title = False
    title, edition = _edition(_clean_title(title))
    f["title"] = _clean_title(title)
    if edition:
        f["edition"] = edition
    # APA italicizes the name of a periodical (a newspaper, a news site), not a publisher
    periodical = after.strip(" .,").startswith("*")
    after = _clean_value(after)
    if dated:
        return _apa_issued_online(after, f, periodical)
    pub = _publisher_fields(after)
    described = "type" in f  # a genre in brackets: a document its publisher issued
    if italic_title or described or "address" in pub or _PUBLISHER.search(pub.get("publisher", "")):
        if pub and _is_institution(pub.get("publisher", "")) and "address" not in pub:
            f["institution"] = pub["publisher"]
            return "report", f
        if not pub:
            # an italic title with no publisher: a web document, if it has a link
            return "online", f
        f.update(pub)
        return "book", f
    if not after:
        return "misc", f
    return None, {}


def _apa_issued_online(after: str, f: dict[str, str], periodical: bool) -> Parsed:
    """A dated item: an institution's report, or a page of a site or periodical."""
    if after and _is_institution(after) and not periodical:
        f["institution"] = ", ".join(_split_sentences(after))
        return "report", f
    if after:
        f["organization"] = ", ".join(_split_sentences(after))
    return "online", f


# ---------------------------------------------------------------- Chicago

# "Allison, Roy. 2004. Rest" / "Keohane, Robert O., and Joseph S. Nye. 1977a. Rest" /
# "Collective Security Treaty Organization. 2002. Rest" / "Smith, Ann, ed. n.d. Rest".
# The names end at the first ". YEAR. "; a final initial's period doubles as the
# separator ("Deutsch, Karl W. 1957."), so ``parse_names_chicago`` puts it back.
_CHICAGO_HEAD = re.compile(
    r"^(?P<names>[^\W\d_][^()\[\]\"“”]*?)\.\s+"
    r"(?:(?P<year>\d{4})(?P<suffix>[a-z])?|(?P<nd>n\.\s?d))\.\s+(?P<rest>\S.*)$"
)


def _given_ok(words: Sequence[str]) -> bool:
    """Given names as Chicago writes them after the family name: ``Karl W.``,
    ``J. R. R.``, ``Jan van der`` (particles last)."""
    if not words or len(words) > 5:
        return False
    seen_particle = False
    for w in words:
        if w in PARTICLES:
            seen_particle = True
        elif seen_particle or not (is_name_word(w) or is_initials(w)):
            return False
    return not all(w in PARTICLES for w in words)


def _family_ok(words: Sequence[str]) -> bool:
    """A family name: capitalized words, particles before them (``van der Berg``)."""
    if not words or len(words) > 4 or not is_name_word(words[-1]):
        return False
    return all(is_name_word(w) or w in PARTICLES for w in words)


def parse_given_first(text: str) -> list[str] | None:
    """Given-first names (``Joseph S. Nye``, ``Anna dos Santos and Li Wei``,
    ``Gärtner, Honig, and Akbulut``) as BibTeX names; None if one is not name-shaped."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(".,")
    if not text:
        return None
    names = []
    for part in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*", text):
        words = part.split()
        if not words or len(words) > 6:
            return None
        i = family_start(words)  # the family name: the last word and the particles before it
        family, given = words[i:], words[:i]
        if not _family_ok(family) or (given and not _given_ok(given)):
            return None
        names.append(_family_given(" ".join(family), " ".join(given)))
    return names


def _corporate_ok(text: str) -> bool:
    """A corporate author: capitalized words (or all-caps abbreviations) with
    connecting words between, no periods or commas (``World Bank``, ``SIPRI``,
    ``Collective Security Treaty Organization``)."""
    words = text.split()
    if not words or len(words) > 12 or re.search(r"[.,;:]", text):
        return False
    if not is_name_word(words[0]) or not is_name_word(words[-1]):
        return False
    return all(is_name_word(w) or w in CONNECTORS for w in words)


def parse_names_chicago(text: str) -> tuple[list[str], bool] | None:
    """Names as Chicago author-date lists write them, as BibTeX names, and whether
    they are editors; None when ``text`` is not name-shaped (not a Chicago header).

    The first name is inverted (``Family, Given``), the others are not: ``Keohane,
    Robert O., and Joseph S. Nye``; ``Smith, Ann, Li Wei, and Jorge dos Santos``.
    ``, ed.``/``, eds.`` marks editors; after ``et al.`` the names listed are kept
    (the item's text stays in ``x-source-text``); a name with no comma is a corporate
    author (one braced name).
    """
    text = re.sub(r"\s+", " ", text).strip()
    if re.search(r"(?:^|\s)[^\W\d_]\Z", text):
        text += "."  # "Deutsch, Karl W" (the period went with the separator)
    editors = False
    m = re.search(r",?\s+eds?\.?\Z", text)
    if m:
        editors, text = True, text[: m.start()]
    m = re.search(r",?\s+et al\.?\Z", text)
    if m:
        text = text[: m.start()]
    family, comma, rest = text.partition(",")
    if not comma:
        if not _corporate_ok(text):
            return None
        return [_corporate(text)], editors
    tokens = [t.strip() for t in re.split(r"\s*,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*", rest)]
    given = tokens[0].split()
    if not _family_ok(family.split()) or not _given_ok(given):
        return None
    names = [_family_given(family, " ".join(given))]
    if len(tokens) > 1:
        more = parse_given_first(", ".join(tokens[1:]))
        if more is None or not all(tokens[1:]):
            return None
        names += more
    return names, editors


# "International Affairs 80 (3): 463–83" / "Problems of Post-Communism 59, no. 3: 41–52"
# / "Survival 46, no. 2 (Summer 2004): 7–20" / "Journal, no. 4: 12–20" / "Journal 12".
_CHICAGO_ARTICLE = re.compile(
    r"^(?P<journal>[^\d].*?),?\s+"
    r"(?:(?P<volume>\d+)(?:\s*\((?P<number>[^()]+)\)|,\s*no\.\s*(?P<number2>[\w–-]+))?"
    r"|no\.\s*(?P<number3>[\w–-]+))"
    r"(?:\s*\((?P<when>[^()]+)\))?"
    r"(?::\s*(?P<pages>[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?))?\s*\.?$"
)

# "In Title, edited by Given Family and Given Family, 45–67. City: Publisher."
_CHICAGO_IN_BOOK = re.compile(
    r"^In\s+(?P<book>.+?)"
    r"(?:,\s*(?:edited|ed\.)\s+by\s+(?P<editors>.+?))?"
    r"(?:,\s*(?:pp?\.\s*)?(?P<pages>[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?))?"
    r"\.(?:\s+(?P<pub>.*))?$"
)

# "PhD diss., University of Chicago" / "Master's thesis, Example University"
_CHICAGO_THESIS = re.compile(
    r"^(?P<kind>(?:PhD|Ph\.\s?D\.|MA|MPhil|Master['’]s|Doctoral)\s+"
    r"(?:diss\.|dissertation|thesis))\s*,\s*(?P<inst>.+?)\.?$"
)

# A newspaper or magazine date after the container: "New York Times, March 3[, 2004]".
_CHICAGO_DATED = re.compile(
    r"^(?P<container>[^,]+),\s*(?P<month>[A-Z][a-z]+)\.?\s+(?P<day>\d{1,2})(?:,\s*\d{4})?\.?$"
)


def _chicago_article(text: str) -> dict[str, str] | None:
    """Journal fields from ``Journal 80 (3): 463–83`` (or its ``, no. 3`` form); None
    unless an issue or pages say it is a journal (a bare ``Name 12`` may be anything)."""
    am = _CHICAGO_ARTICLE.match(text)
    if not am:
        return None
    number = am.group("number") or am.group("number2") or am.group("number3") or ""
    if not (number or am.group("pages")):
        return None
    return {
        "journal": _clean_value(am.group("journal")),
        "volume": am.group("volume") or "",
        "number": number,
        "pages": _pages(am.group("pages") or ""),
    }


_QUOTED_TITLE = re.compile(r"^[\"“](?P<title>[^\"“”]+)[\"”]\s*(?P<after>.*)$")


def _parse_chicago(rest: str, linked: bool) -> tuple[str | None, dict[str, str]]:
    """``Family, Given. 2004. "Title." Journal 80 (3): 463–83.`` and its book and
    chapter forms; ``linked`` says the item had a URL or DOI (a web page, then, when
    nothing else fits)."""
    m = _CHICAGO_HEAD.match(rest)
    if not m:
        return None, {}
    parsed_names = parse_names_chicago(m.group("names"))
    if parsed_names is None:
        return None, {}
    names, editors = parsed_names
    f: dict[str, str] = {"editor" if editors else "author": " and ".join(names)}
    if m.group("year"):
        f["year"] = m.group("year")
    if m.group("suffix"):
        f["x-year-suffix"] = m.group("suffix")
    body = m.group("rest").strip()

    qm = _QUOTED_TITLE.match(body)
    if qm:
        f["title"] = _clean_title(qm.group("title"))
        return _chicago_part(qm.group("after").strip(), f, linked)
    return _chicago_book(body, f, linked)


def _chicago_part(after: str, f: dict[str, str], linked: bool) -> tuple[str, dict[str, str]]:
    """What follows a quoted title: a journal, a book the part is in, a thesis, a
    dated periodical, or a site."""
    im = _CHICAGO_IN_BOOK.match(after)
    if im:
        f["booktitle"] = _clean_title(im.group("book"))
        if im.group("editors"):
            editors = parse_given_first(im.group("editors"))
            f["editor"] = " and ".join(editors or [_corporate(im.group("editors"))])
        if im.group("pages"):
            f["pages"] = _pages(im.group("pages"))
        f.update(_publisher_fields(im.group("pub") or ""))
        return "incollection", f
    tm = _CHICAGO_THESIS.match(after)
    if tm:
        return "thesis", {**f, "type": tm.group("kind"), "institution": tm.group("inst")}
    article = _chicago_article(after)
    if article:
        return "article", {**f, **article}
    dm = _CHICAGO_DATED.match(after)
    month = _MONTHS.get(dm.group("month").lower()) if dm else None
    if dm and month:
        container = _clean_value(dm.group("container"))
        genre = _GENRE.fullmatch(container)
        f["type" if genre else "journal"] = container
        if "year" in f:
            f["date"] = f"{f['year']}-{month:02d}-{int(dm.group('day')):02d}"
        return ("misc" if genre else "article"), f
    after = _clean_value(after)
    if after:
        # a site or an outlet the rules do not know: kept as the organization
        f["organization"] = ", ".join(_split_sentences(after))
    return ("online" if linked else "misc"), f


def _chicago_book(body: str, f: dict[str, str], linked: bool) -> tuple[str, dict[str, str]]:
    """An unquoted title: ``Title. [Edited by ...] [2nd ed.] City: Publisher.``, a
    report from an institution, or an article whose title lost its quotes."""
    em = re.match(r"\*(?P<title>[^*]+)\*(?P<after>.*)$", body)
    if em:
        title, after = em.group("title"), em.group("after")
    else:
        breaks = sentence_breaks(body, ".?!")
        title, after = (body[: breaks[0]], body[breaks[0] :]) if breaks else (body, "")
    f["title"] = _clean_title(title)
    # "2nd ed." / "Revised edition." (its period is an abbreviation's, so no sentence end)
    after = after.strip(" .")
    edm = re.search(
        r"(?:^|(?<=[.]\s))(?P<ed>\d+(?:st|nd|rd|th)|Rev\.|[A-Z][a-z]+)\s+ed(?:\.|ition\b\.?)",
        after,
    )
    if edm:
        ed = edm.group("ed").lower().replace("rev.", "revised")
        f["edition"] = _ORDINALS.get(ed, re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", ed))
        after = after[: edm.start()] + after[edm.end() :]
    parts = _split_sentences(_tidy(after))
    article = _chicago_article(parts[0]) if len(parts) == 1 else None
    if article:
        return "article", {**f, **article}
    pub: dict[str, str] = {}
    notes = []
    for i, part in enumerate(parts):
        part = _clean_value(part)
        bym = re.fullmatch(r"(?:Edited|Ed\.)\s+by\s+(?P<names>.+)", part)
        trm = re.fullmatch(r"Translated\s+by\s+(?P<names>.+)", part)
        volm = re.fullmatch(r"Vol(?:ume|\.)?\s*(?P<v>\d+|[IVXLC]+)", part)
        if bym and "editor" not in f:
            names = parse_given_first(bym.group("names"))
            f["editor"] = " and ".join(names or [_corporate(bym.group("names"))])
        elif trm:
            names = parse_given_first(trm.group("names"))
            f["translator"] = " and ".join(names or [_corporate(trm.group("names"))])
        elif volm:
            f["volume"] = volm.group("v")
        elif i == len(parts) - 1:
            pub = _publisher_fields(part)
        elif part:
            notes.append(part)  # a series, a report number: kept, not interpreted
    if notes:
        f["note"] = ". ".join(notes)
    if "address" in pub or (pub and not linked):
        if _is_institution(pub.get("publisher", "")) and "address" not in pub:
            f["institution"] = pub["publisher"]
            return "report", f
        f.update(pub)
        return "book", f
    if pub:
        f["organization"] = pub["publisher"]
        return "online", f
    return ("online" if linked else "misc"), f


# ------------------------------------------------ Chicago notes-bibliography

# Where a notes-bibliography entry gives its date: at the end of the publication facts,
# after a comma or a period ("Almaty: Example Press, 2019" / "Eurasianet, January 5,
# 2022" / "Site, 5 January 2022" / "Report. 2002" / "Site, n.d.", or a month, day and
# year after a word: "Last modified May 5, 2020").
_CHICAGO_BIB_DATE = re.compile(
    r"(?:^|[,.]\s*|(?<=[,.][\"”])\s+|(?<=\s)(?=[A-Z][a-z]+\.?\s+\d{1,2},\s*\d{4}))"
    r"(?:(?P<month>[A-Z][a-z]+)\.?\s+(?:(?P<day>\d{1,2}),\s*)?"
    r"|(?P<day2>\d{1,2})\s+(?P<month2>[A-Z][a-z]+)\s+)?"
    r"(?:(?P<year>\d{4})(?P<suffix>[a-z])?|n\.\s?d)\s*\.?$"
)
# The words a web page puts before its date ("Last modified May 5, 2020").
_CHICAGO_BIB_DATED_BY = re.compile(
    r"[,.]?\s*(?:Last\s+modified|Modified|Last\s+updated|Updated|Published(?:\s+online)?)\s*$",
    re.I,
)


def _chicago_bibliography_head(rest: str) -> tuple[list[str], bool, str] | None:
    """The names of a notes-bibliography entry (``Family, Given[, and Given Family].``),
    whether they are editors, and the body after them: the first period after which
    the names read as names and a title (quoted, in italics or capitalised, never a
    year or an initial) follows.  None when no such period comes before a digit, a
    parenthesis or a quote."""
    if _VANCOUVER_HEAD.match(rest):
        return None
    for m in re.finditer(r"\.\s+", rest):
        names = rest[: m.start()]
        if len(names) > 200 or re.search(r"[\d()\"“”*\[]", names):
            return None
        body = rest[m.end() :]
        if not re.match(r"[\"“*]|[^\W\d_][\w'’-]*(?:[\s:,;?!]|\.\s|\.?$)", body) or re.match(
            r"[^\W\d_]\.", body
        ):
            continue
        parsed = parse_names_chicago(names)
        # a family name is a word, not an initial whose period ended the names
        if parsed is not None and all(len(n.split(",")[0].strip("{} ")) > 1 for n in parsed[0]):
            return parsed[0], parsed[1], body
    return None


def _chicago_bibliography_date(text: str, f: dict[str, str]) -> str | None:
    """Take the date off the end of ``text`` into ``f`` (``year``, a letter the list
    gives, ``date`` when a month is named); the text before it, or None if it ends in no
    date."""
    m = _CHICAGO_BIB_DATE.search(text)
    if not m:
        return None
    if m.group("year"):
        f["year"] = m.group("year")
    if m.group("suffix"):
        f["x-year-suffix"] = m.group("suffix")
    month = _MONTHS.get((m.group("month") or m.group("month2") or "").lower())
    day = m.group("day") or m.group("day2")
    if month and "year" in f:
        f["date"] = f"{f['year']}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    return _CHICAGO_BIB_DATED_BY.sub("", text[: m.start()]).strip()


def _parse_chicago_bibliography(rest: str, linked: bool) -> Parsed:
    """Chicago notes-bibliography: ``Allison, Roy. "Title." International Affairs 80, no.
    3 (2004): 463–83.``; books ``Family, Given. Title. City: Publisher, 2019.``;
    chapters ``"Title." In Book, edited by ..., 45–67. City: Publisher, 2019.``; pages
    and periodicals ``"Title." Site, January 5, 2022.`` (their URL, DOI and access
    date taken out before).  The year closes the publication facts (or stands in the
    parenthesis after a journal's volume); the rest is read as the author-date rule
    reads what follows its year."""
    head = _chicago_bibliography_head(rest)
    if head is None:
        return None, {}
    names, editors, body = head
    f: dict[str, str] = {"editor" if editors else "author": " and ".join(names)}
    qm = _QUOTED_TITLE.match(body)
    if qm:
        after = qm.group("after").strip()
        am = _CHICAGO_ARTICLE.match(after)
        number = (am.group("number") or am.group("number2") or am.group("number3")) if am else ""
        when = am.group("when") if am else ""
        if am and not when and re.fullmatch(r"\d{4}[a-z]?", am.group("number") or ""):
            when, number = number, ""  # "Brief 31 (2021): 1–6": the parenthesis is the date
        ym = re.search(r"\b(\d{4})([a-z])?\b", when or "")
        if am and ym:
            f["year"] = ym.group(1)
            if ym.group(2):
                f["x-year-suffix"] = ym.group(2)
            f["title"] = _clean_title(qm.group("title"))
            journal = {
                "journal": _clean_value(am.group("journal")),
                "volume": am.group("volume") or "",
                "number": number or "",
                "pages": _pages(am.group("pages") or ""),
            }
            return "article", {**f, **journal}
    undated = _chicago_bibliography_date(body, f)
    if undated is None:
        return None, {}
    qm = _QUOTED_TITLE.match(undated)
    if not qm:
        return _chicago_book(undated, f, linked)
    f["title"] = _clean_title(qm.group("title"))
    after = qm.group("after").strip()
    if "date" in f and after and not re.search(r"[.:]", after.rstrip(".")):
        # a page or an article of a periodical, dated to the month or day
        key = "organization" if linked else "journal"
        return ("online" if linked else "article"), {**f, key: _clean_value(after)}
    return _chicago_part(after + "." if after else "", f, linked)


# A full note's publication facts in parentheses after a book's title or a chapter's
# book: "(Almaty: Example Press, 2019)" / "(PhD diss., Example University, 2020)".
_NOTE_FACTS = re.compile(r"^(?P<before>.*?)\s*\((?P<facts>[^()]*\d{4}[a-z]?)\)(?P<after>.*)$")
# "in Book, ed. Given Family" / "in Book, edited by Given Family"
_NOTE_IN = re.compile(r"^[Ii]n\s+(?P<book>.+?)(?:,\s*(?:eds?\.|edited\s+by)\s+(?P<editors>.+))?$")


# Words that make a name given first a corporate author ("Collective Security Treaty
# Organization", "World Bank", "Ministry of Foreign Affairs").
_BODY_WORDS = re.compile(
    r"\b(?:Organi[sz]ation|Bank|Ministry|Agency|Office|Union|Nations|Committee|Secretariat"
    r"|Forum|Group|Association|Fund|Service|Court|Parliament|Government|News|Institute"
    r"|Institution|Centre|Center|Council|Department|Foundation|Bureau|University|Commission"
    r"|of|for|the|on)\b"
)


def _note_names(rest: str) -> tuple[list[str], str] | None:
    """The given-first authors of a full note (``Roy Allison``, ``Robert O. Keohane and
    Joseph S. Nye``, a corporate author) and the text after their comma: the first
    ``, `` before a quoted or italic title, else before a capitalised plain one."""
    for quoted_only in (True, False):
        for m in re.finditer(r",\s+", rest):
            names, after = rest[: m.start()], rest[m.end() :]
            if len(names) > 200 or re.search(r"[\d()\"“”*]", names):
                break
            if not re.match(r"[\"“*]" if quoted_only else r"[A-Z]", after):
                continue
            parsed = parse_given_first(names)
            if parsed is not None and not all(", " in n for n in parsed):
                parsed = None  # a note names a person in full: "Roy Allison", not "Allison"
            if len(names.split()) > 1 and _corporate_ok(names) and _BODY_WORDS.search(names):
                parsed = [_corporate(names)]
            if parsed:
                return parsed, after
    return None


def _parse_chicago_note(rest: str, linked: bool) -> Parsed:
    """A full note as the list (a notes-bibliography text with no bibliography):
    ``Roy Allison, "Title," International Affairs 80, no. 3 (2004): 470.``, ``Dana
    Kulbayeva, Title (Almaty: Example Press, 2019), 54–58.``, ``Joshua Kucera, "Title,"
    Eurasianet, January 5, 2022.``, ``..., "Title," in Book, ed. Anna Green (London:
    Routledge, 2018), 50.``  Its names are given first and its parts end in commas; read
    as the bibliography entry it stands for (``chicago-bibliography``).  The page after
    the colon or the last comma is the page the note cites, not the work's range: no
    ``pages`` field."""
    head = _note_names(rest)
    if head is None:
        return None, {}
    names, after = head
    qm = re.match(r"^[\"“](?P<title>[^\"“”]+?)[,.]?[\"”]\s*,?\s*(?P<after>.*)$", after)
    if qm:
        title, after = f'"{qm.group("title")}."', qm.group("after")
    else:
        fm = _NOTE_FACTS.match(after)
        if not fm:
            return None, {}
        title, after = fm.group("before").strip(" ,") + ".", f"({fm.group('facts')})"
    after = _without_locator(after)
    fm = _NOTE_FACTS.match(after)
    if fm and not re.search(r"\w", fm.group("after")):
        before = fm.group("before").strip(" ,")
        im = _NOTE_IN.match(before)
        if im:
            before = f"In {im.group('book')}"
            if im.group("editors"):
                before += f", edited by {im.group('editors')}"
        facts = fm.group("facts")
        # "Journal 80, no. 3 (2004)" keeps its parenthesis; a book's facts lose theirs
        journal = not im and re.search(r"\d\s*$|no\.\s*\w+$", before)
        after = f"{before} ({facts})" if journal else f"{before}. {facts}".lstrip(". ")
    inverted = names[0]
    more = ", ".join(_given_first(n) for n in names[1:])
    who = inverted.strip("{}") + (
        f", and {more}" if len(names) == 2 else f", {more}" if more else ""
    )
    entry_type, fields = _parse_chicago_bibliography(f"{who}. {title} {after.strip()}.", linked)
    if entry_type is None:
        return None, {}
    fields.pop("pages", None)
    return entry_type, {**fields, "author": " and ".join(names)}


_LOCATOR_END = re.compile(r"\s*[,:]\s*(?:pp?\.\s*)?[\dixvlc]+(?:\s*[-–—]\s*\d+)?\.?\s*$")


def _without_locator(text: str) -> str:
    """A full note's publication facts without the page it cites at the end (``(2004):
    470``, ``(London: Routledge, 2018), 50``); a year is not a page (``Eurasianet,
    January 5, 2022`` keeps it)."""
    m = _LOCATOR_END.search(text)
    if m and re.search(r"\b\d{4}[a-z]?\b", text[: m.start()]):
        return text[: m.start()]
    return text.rstrip(" .,")


def _given_first(name: str) -> str:
    """``Lee, Anna`` -> ``Anna Lee`` (a BibTeX name written given first)."""
    family, _, given = name.partition(",")
    return f"{given.strip()} {family.strip()}".strip()


def _parse_russian(rest: str) -> tuple[str | None, dict[str, str]]:
    """``Family I.I. Title // Journal. 2007. Tom 3, № 10 (19):77–79``, or a book
    ``Family I.I. Title. City: Publisher. 2014:256``."""
    m = _RU_HEAD.match(rest)
    if not m:
        return None, {}
    f: dict[str, str] = {"author": " and ".join(parse_names_ru(m.group("names")))}
    body = m.group("rest").strip()
    years = list(re.finditer(r"(?:^|\.\s)(?P<year>\d{4})(?=[.:;,\s]|$)", body))
    if not years:
        return None, {}
    ym = years[-1]
    f["year"] = ym.group("year")
    head, tail = body[: ym.start()].strip(), body[ym.end() :].strip(" .")

    vol = re.search(r"(?:\bTom|\bVol\.?|\bVolume)\s*(?P<v>[0-9IVXLC]+)\b", tail)
    num = re.search(r"(?:№|\bNo\.?|\bIss\.?)\s*(?P<n>\d+(?:\s*\(\d+\))?)", tail)
    pages = re.search(r":\s*(?P<p>\d+\s*[-–—]\s*\d+)\s*$", tail)
    total = re.search(r":\s*(?P<t>\d+)\s*$", tail)
    if vol:
        f["volume"] = vol.group("v")
    if num:
        f["number"] = num.group("n")
    if pages:
        f["pages"] = _pages(pages.group("p"))

    if " // " in head:
        title, _, journal = head.partition(" // ")
        f["title"] = _clean_title(title)
        f["journal"] = _clean_value(journal)
        return "article", f
    parts = _split_sentences(head)
    if (vol or num) and len(parts) >= 2:
        f["title"] = _clean_title(". ".join(parts[:-1]))
        f["journal"] = parts[-1]
        return "article", f
    if pages and len(parts) >= 2:
        # "Title. Book. Place. 2011:339–350": a part of a book
        f["title"] = _clean_title(parts[0])
        if len(parts) >= 3:
            f["booktitle"] = ". ".join(parts[1:-1])
            f["address"] = parts[-1]
        else:
            f["booktitle"] = parts[1]
        return "incollection", f
    if total:
        f["pagetotal"] = total.group("t")
    if len(parts) >= 2:
        f["title"] = _clean_title(". ".join(parts[:-1]))
        f.update(_publisher_fields(parts[-1]))
    else:
        f["title"] = _clean_title(head)
    return "book", f


# ------------------------------------------------------------ GOST (Russian)

# The elements that close a GOST-style entry (ГОСТ Р 7.0.5 transliterated, as lists in
# English write it), peeled off from its end: "P. 5–19" pages, "240 p." a book's
# length, "No. 2" / "№ 2" the issue, "Vol. 8" / "Tom 8" the volume.
_GOST_TAIL = (
    ("pages", re.compile(r"(?:^|[.,]\s*)(?:P|pp?|S)\.\s*(?P<v>\d+(?:\s*[-–—]\s*\d+)?)\.?$")),
    ("pagetotal", re.compile(r"(?:^|[.,]\s*)(?P<v>\d+)\s*(?:p|pp|S)\.$")),
    ("number", re.compile(r"(?:^|[.,]\s*)(?:No|№|Iss)\.?\s*(?P<v>\d+(?:\s*\(\d+\))?)\.?$")),
    ("volume", re.compile(r"(?:^|[.,]\s*)(?:Vol|Volume|Tom)\.?\s*(?P<v>[0-9IVXLC]+)\.?$")),
)
# The year before them, after a period or, in a book's imprint, after its publisher:
# "... Review. 2023." / "Moscow: Example Press, 2021."
_GOST_YEAR = re.compile(r"(?:^|(?P<sep>[.,])\s*)(?P<year>\d{4})\.?$")
# The imprint before a comma and the year, a sentence of its own: "Moscow: Example
# Legal Press", "St. Petersburg: Nauka"
_GOST_IMPRINT = re.compile(r"\s*(?P<addr>[^\W\d][^:]{1,40}?):\s*(?P<pub>[^:]+?)")
# A link's label left at the end once the link is taken out: "... P. 33–41. URL:"
_GOST_LABEL = re.compile(r"\s*\b(?:URL|DOI|EDN)\s*:?\s*$")


def _gost_tail(body: str) -> tuple[str, dict[str, str]]:
    """Peel the closing elements (``_GOST_TAIL``) off ``body``: the text before them and
    the fields they give."""
    f: dict[str, str] = {}
    peeled = True
    while peeled:
        peeled = False
        for name, pattern in _GOST_TAIL:
            m = pattern.search(body)
            if m and name not in f:
                f[name] = _pages(m.group("v")) if name == "pages" else m.group("v")
                body, peeled = body[: m.start()].rstrip(), True
                break
    return body, f


def _gost_imprint(head: str) -> tuple[str, dict[str, str]] | None:
    """``Title. City: Publisher`` -> (``Title``, address and publisher): the imprint is
    the last sentence of ``head`` (``sentence_breaks`` skips "St." and initials)."""
    start = ([0, *sentence_breaks(head)])[-1]
    m = _GOST_IMPRINT.fullmatch(head[start:])
    if not m:
        return None
    return head[:start].strip(), {"address": m.group("addr"), "publisher": m.group("pub")}


def _parse_gost(rest: str) -> Parsed:
    """GOST style: ``Family I.I. Title // Journal. 2022. Vol. 8. No. 1. P. 112–128.``, a
    book ``Family I.I. Title. Moscow: Publisher, 2021. 240 p.``, a chapter ``Title //
    Book / ed. by ... City: Publisher, 2020. P. 5–9.``.  Only an entry that shows a
    GOST element (``P.`` pages, a book's ``240 p.``, ``City: Publisher, 2021``) is
    read here; others go on to the rule ``russian``."""
    m = _RU_HEAD.match(rest)
    if not m:
        return None, {}
    body, tail = _gost_tail(_GOST_LABEL.sub("", m.group("rest").strip()))
    ym = _GOST_YEAR.search(body)
    if not ym:
        return None, {}
    head = body[: ym.start()].strip()
    imprint = _gost_imprint(head) if ym.group("sep") == "," else None
    if not (imprint or "pages" in tail or "pagetotal" in tail):
        return None, {}
    head, place = imprint or (head, {})
    title, _, container = head.partition(" // ")
    f = {
        "author": " and ".join(parse_names_ru(m.group("names"))),
        "title": _clean_title(re.split(r"\s/\s", title)[0]),
    }
    kind = "book"
    if container:
        kind = "incollection" if place else "article"
        within = _clean_value(re.split(r"\s/\s", container)[0])
        f["booktitle" if place else "journal"] = within
    f.update(place)
    f["year"] = ym.group("year")
    for name in ("volume", "number", "pages", "pagetotal"):
        if name in tail:
            f[name] = tail[name]
    return kind, f


# ------------------------------------------------------------ Harvard (CTR)

# What follows a Harvard quoted title: "Journal, 80(3), pp. 463–483" / "Journal, 12, p. 4"
_HARVARD_JOURNAL = re.compile(
    r"^(?P<journal>[^,]+?),\s*(?P<volume>\d+)(?:\s*\((?P<number>[^()]+)\))?"
    r"(?:,\s*(?:pp?\.\s*)?(?P<pages>[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?))?\s*\.?$"
)
# "in Family, I. (ed.) Book. City: Publisher, pp. 45–67."
_HARVARD_IN = re.compile(r"^[Ii]n:?\s+(?P<editors>.+?)\s*\((?P<role>eds?)\.?\)\s*(?P<after>.+)$")
_HARVARD_TITLE = re.compile(r"^['‘](?P<title>.+?)[’']\s*,?\s*(?P<after>.*)$")


def _parse_harvard(rest: str, item: ReferenceItem, slug: str, reporter: Reporter) -> Parsed:
    """Harvard / Cite Them Right: ``Family, I. (2004) 'Title', Journal, 80(3), pp.
    463–483.``, a chapter ``'Title', in Editor, I. (ed.) Book. City: Publisher, pp.
    1–2.`` or a page ``'Title', Site, 5 January.`` (its ``Available at:`` link and
    ``(Accessed: ...)`` date are taken out before)."""
    m = _APA_HEAD.match(rest)
    qm = _HARVARD_TITLE.match(m.group("rest").strip()) if m else None
    if not m or not qm:
        return None, {}
    f = _apa_header_fields(m, item, slug, reporter)
    f["title"] = _clean_title(qm.group("title"))
    after = qm.group("after").strip()
    jm = _HARVARD_JOURNAL.match(_strip_emphasis(after))
    if jm:
        f["journal"] = _clean_value(jm.group("journal"))
        f["volume"], f["number"] = jm.group("volume"), jm.group("number") or ""
        f["pages"] = _pages(jm.group("pages") or "")
        return "article", f
    im = _HARVARD_IN.match(after)
    if im:
        editors, _ = parse_names_apa(im.group("editors"))
        f["editor"] = " and ".join(editors)
        book = im.group("after")
        pm = re.search(r",\s*pp?\.\s*(?P<pages>[\w–—-]+)\s*\.?$", book)
        if pm:
            f["pages"] = _pages(pm.group("pages"))
            book = book[: pm.start()]
        book = book.strip(" ,")
        em = re.match(r"\*(?P<book>[^*]+)\*(?P<after>.*)$", book)
        booktitle, pub = (
            (em.group("book"), em.group("after")) if em else _split_title_container(book)
        )
        f["booktitle"] = _clean_title(booktitle)
        f.update(_publisher_fields(pub))
        return "incollection", f
    dm = re.fullmatch(r"(?P<site>.+?),\s*(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\.?", after)
    month = _MONTHS.get(dm.group("month").lower()) if dm else None
    if dm and month:
        f["organization"] = _clean_value(dm.group("site"))
        f["date"] = f"{f['year']}-{month:02d}-{int(dm.group('day')):02d}"
        return "online", f
    if after.strip(" ."):
        f["organization"] = ", ".join(_split_sentences(_clean_value(after)))
    return "online", f


_ACCESSED = re.compile(
    r"\(?\s*Accessed:?\s*(?P<date>[^()]+?)\s*\)?\s*\.?\s*$"
    r"|\[\s*(?:cited|accessed)\s+(?P<cited>[^\]]+)\]\.?",
    re.I,
)


def _accessed(rest: str) -> tuple[str, str | None]:
    """Take out a Harvard ``(Accessed: 5 January 2022)``; its date as ISO (or as
    written when it is in no form the rules read)."""
    m = _ACCESSED.search(rest)
    if not m:
        return rest, None
    if m.group("cited"):  # Vancouver "[cited 2023 May 5]"
        cm = re.fullmatch(
            r"(\d{4})\s+([A-Z][a-z]{2})[a-z]*\.?\s+(\d{1,2})", m.group("cited").strip()
        )
        month = _MONTHS_SHORT.get(cm.group(2).lower()) if cm else None
        date = (
            f"{cm.group(1)}-{month:02d}-{int(cm.group(3)):02d}"
            if cm and month
            else m.group("cited")
        )
        return _tidy(rest[: m.start()] + " " + rest[m.end() :]), date
    date = m.group("date").strip(" .")
    dm = re.fullmatch(r"(\d{1,2})\s+([A-Z][a-z]+)\.?,?\s+(\d{4})", date)
    month = _MONTHS.get(dm.group(2).lower()) if dm else None
    if dm and month:
        date = f"{dm.group(3)}-{month:02d}-{int(dm.group(1)):02d}"
    # Chicago's "Accessed May 5, 2023"
    cm = re.fullmatch(r"([A-Z][a-z]+)\.?\s+(\d{1,2}),\s*(\d{4})", date)
    month = _MONTHS.get(cm.group(1).lower()) if cm else None
    if cm and month:
        date = f"{cm.group(3)}-{month:02d}-{int(cm.group(2)):02d}"
    return _tidy(rest[: m.start()]), date


# -------------------------------------------------------------- Vancouver

_VANCOUVER_NAME = r"[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?\s[A-Z]{1,3}"
_VANCOUVER_HEAD = re.compile(
    rf"^(?P<names>{_VANCOUVER_NAME}(?:,\s*{_VANCOUVER_NAME})*)"
    r"(?P<etal>,\s*et al)?\.\s+(?P<rest>.+)$"
)
# "Journal. 2020;20(4):707–20" / "Journal. 2020 Mar 3;20:707" / "Journal. 2020;(4):7"
_VANCOUVER_ISSUE = re.compile(
    r"^(?P<journal>.+?)\.\s*(?P<year>\d{4})(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2})?)?\s*;\s*"
    r"(?P<volume>\d+)?(?:\s*\((?P<number>[^()]+)\))?"
    r"(?::\s*(?P<pages>[A-Za-z]?\d+(?:\s*[-–—]\s*[A-Za-z]?\d+)?))?\s*\.?$"
)
# "City: Publisher; 2019." / "Publisher; 2019" (a book)
_VANCOUVER_BOOK = re.compile(r"^(?P<pub>[^;]+?);\s*(?P<year>\d{4})\s*\.?(?:\s*(?P<more>.+))?$")


# "The Diplomat [Internet]. 2022 Jan 13" (a web page; its "[cited ...]" date and
# "Available from:" link are taken out before)
_VANCOUVER_WEB = re.compile(
    r"^(?P<site>[^;]+?)\s*\[Internet\]\.?\s*(?P<year>\d{4})"
    r"(?:\s+(?P<month>[A-Z][a-z]{2})[a-z]*\.?(?:\s+(?P<day>\d{1,2}))?)?\s*\.?$"
)
_MONTHS_SHORT = {m[:3].lower(): i for m, i in ((m, n) for n, m in enumerate(MONTHS, start=1))}


def _parse_vancouver(rest: str) -> Parsed:
    """Vancouver: ``Kornilenko AV, Ivanov II. Title. Journal. 2020;20(4):707–20.``
    or a book ``Family AB. Title. City: Publisher; 2019.``."""
    m = _VANCOUVER_HEAD.match(rest)
    if not m:
        return None, {}
    names = []
    for part in re.split(r",\s*", m.group("names")):
        family, _, given = part.rpartition(" ")
        names.append(_family_given(family, ". ".join(given) + "."))
    return _vancouver_work(m.group("rest"), {"author": " and ".join(names)})


# "2nd ed." / "3rd edn." / "Rev. ed." after a book's title (Vancouver, AMA)
_EDITION = re.compile(r"^(?P<ed>\d+)(?:st|nd|rd|th)\s+edn?\.\s*(?P<rest>.*)$", re.S)
# "Title [Internet]": the medium written after the title of a web page or online book
_INTERNET = re.compile(r"\s*\[(?:Internet|online)\]\s*$", re.I)


def _vancouver_work(rest: str, f: dict[str, str]) -> Parsed:
    """What follows the names of a Vancouver entry: the title, then a journal's
    "Journal. 2020;20(4):707–20", a web page's "Site [Internet]. 2022 Jan 13" or
    "Title [Internet]. Place: Publisher; 2022", or a book's "2nd ed. City: Publisher;
    2019" (the edition read into ``edition``)."""
    breaks = sentence_breaks(rest, ".?!")
    if not breaks:
        return None, {}
    title, after = rest[: breaks[0]], rest[breaks[0] :].strip()
    online = _INTERNET.search(title.rstrip(" ."))
    if online:
        title = title.rstrip(" .")[: online.start()]
    f["title"] = _clean_title(title)
    em = _EDITION.match(after)
    if em:
        f["edition"], after = em.group("ed"), em.group("rest")
    im = _VANCOUVER_ISSUE.match(after)
    if im:
        f["journal"] = _clean_value(im.group("journal"))
        f["year"] = im.group("year")
        f["volume"], f["number"] = im.group("volume") or "", im.group("number") or ""
        f["pages"] = _pages(im.group("pages") or "")
        return "article", f
    wm = _VANCOUVER_WEB.match(after)
    month = _MONTHS_SHORT.get((wm.group("month") or "").lower()) if wm else None
    if wm:
        f["organization"] = _clean_value(wm.group("site"))
        f["year"] = wm.group("year")
        if month:
            f["date"] = f"{wm.group('year')}-{month:02d}"
            if wm.group("day"):
                f["date"] += f"-{int(wm.group('day')):02d}"
        return "online", f
    bm = _VANCOUVER_BOOK.match(after)
    if bm and not (bm.group("more") or "").strip(" ."):
        f["year"] = bm.group("year")
        f.update(_publisher_fields(bm.group("pub")))
        return ("online" if online else "book"), f
    return None, {}


# A corporate author opening a Vancouver entry: capitalised words, small connecting
# words between, then a full stop ("Collective Security Treaty Organization. Title").
_VANCOUVER_CORPORATE = re.compile(
    r"^(?P<org>[A-Z][\w'’&-]*(?:\s+(?:[A-Z][\w'’&-]*|of|the|for|and|on|in|&)){1,9})\.\s+"
    r"(?P<rest>[A-Z].+)$"
)


def _parse_vancouver_corporate(rest: str) -> Parsed:
    """vancouver-corporate: a Vancouver entry whose author is an organization, e.g.
    "Collective Security Treaty Organization. Statement of the Council ... [Internet].
    Moscow: CSTO Secretariat; 2022" (the name kept whole, in braces, as BibTeX keeps a
    corporate name); the rest must read as Vancouver does (journal, web page or book)."""
    m = _VANCOUVER_CORPORATE.match(rest)
    if not m:
        return None, {}
    return _vancouver_work(m.group("rest"), {"author": _corporate(m.group("org"))})


# ------------------------------------------------------------------ MLA

_MLA_QUOTED = re.compile(r"^[\"“](?P<title>[^\"“”]+?)[.?!,]?[\"”]\s*(?P<after>.*)$")
_MLA_DATE = re.compile(
    r"^(?:(?P<day>\d{1,2})\s+)?(?:(?P<month>[A-Z][a-z]{2,8})\.?\s+)?(?P<year>\d{4})$"
)
_MLA_ADDRESS = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+/\S*$")


def _mla_part(part: str, f: dict[str, str]) -> bool:
    """One of MLA's comma-separated facts after the container ("vol. 80", "no. 3",
    "2004", "6 Jan. 2022", "pp. 463-83", an address) put into ``f``; False if it is
    none of them."""
    m = re.fullmatch(r"(?P<key>vol|no|pp?)\.\s*(?P<value>\S+)", part)
    dm = _MLA_DATE.match(part)
    if m:
        key = {"vol": "volume", "no": "number"}.get(m.group("key"), "pages")
        f[key] = _pages(m.group("value")) if key == "pages" else m.group("value")
    elif dm and (not dm.group("month") or dm.group("month")[:3].lower() in _MONTHS_SHORT):
        f["year"] = dm.group("year")
        month = _MONTHS_SHORT.get((dm.group("month") or "")[:3].lower())
        if month:
            day = f"-{int(dm.group('day')):02d}" if dm.group("day") else ""
            f["date"] = f"{dm.group('year')}-{month:02d}{day}"
    elif _MLA_ADDRESS.match(part):
        f["url"] = part if part.startswith("http") else "https://" + part
    else:
        return False
    return True


def _parse_mla(rest: str) -> Parsed:
    """mla: an MLA 9 works-cited entry with a quoted title: ``Allison, Roy. "Title."
    International Affairs, vol. 80, no. 3, 2004, pp. 463-83.`` or a web page ``Kucera,
    Joshua. "Title." Eurasianet, 5 Jan. 2022, eurasianet.org/...`` (MLA leaves out the
    address's "https://").  After the container every fact must be one MLA writes
    (``_mla_part``); a Chicago entry (``Journal 80, no. 3 (2004): 463–83``) is not."""
    head = _chicago_bibliography_head(rest)
    qm = _MLA_QUOTED.match(head[2]) if head else None
    if not head or not qm:
        return None, {}
    f = {"author": " and ".join(head[0]), "title": _clean_title(qm.group("title"))}
    parts = [p.strip() for p in qm.group("after").rstrip(" .").split(", ") if p.strip()]
    container = parts.pop(0) if parts and not _mla_part(parts[0], {}) else None
    if not parts or not all(_mla_part(p, f) for p in parts) or "year" not in f:
        return None, {}
    if container and ("volume" in f or "pages" in f):
        f["journal"] = _clean_value(container)
        return "article", f
    if container:
        f["organization"] = _clean_value(container)
    return ("online" if "url" in f else "misc"), f


# "---." / "———." opening an entry: the author of the entry above (as
# ``reference_lines.REPEATED_AUTHOR`` reads it when the list is split into entries)
_REPEATED_AUTHOR = re.compile(r"^(?:-{2,3}|[—–]{1,3}|_{3,})\s*[.,]\s*")


def repeat_authors(items: Sequence[ReferenceItem]) -> list[ReferenceItem]:
    """repeated-author: an entry opening "---." (MLA, Chicago) has the author of the
    entry above it: the dashes are replaced by that entry's names, as the list's
    reader would read them."""
    out: list[ReferenceItem] = []
    for item in items:
        m = _REPEATED_AUTHOR.match(item.text.strip())
        head = _chicago_bibliography_head(out[-1].text.strip()) if out and m else None
        if m and head:
            prev = out[-1].text.strip()
            names = prev[: len(prev) - len(head[2])]
            item = replace(item, text=names + item.text.strip()[m.end() :])
        out.append(item)
    return out


# ------------------------------------------------------------------ IEEE

# A name as IEEE writes it, initials first: "R. Allison", "K. W. Deutsch", "J.-P. Roy",
# "A. van Dijk".
_IEEE_NAME = r"(?:[A-Z][a-z]?\.(?:\s?-?[A-Z][a-z]?\.)*\s+)(?:[a-z]{1,3}\s+)?[A-Z][\w'’-]+"
_IEEE_HEAD = re.compile(
    rf"^(?P<names>{_IEEE_NAME}(?:,\s+{_IEEE_NAME})*(?:,?\s+and\s+{_IEEE_NAME})?"
    r"(?:,?\s+et\s+al\.)?),\s+(?P<rest>.+)$"
)
# an organization as author, then the quoted title: 'Org Name, "Title," 2022.'
_IEEE_ORG_HEAD = re.compile(r"^(?P<org>[A-Z][^,\"“”]{2,80}?),\s+(?P<rest>[\"“].+)$")
# '"Title," after' (IEEE sets the comma inside the quotes)
_IEEE_QUOTED = re.compile(r"^[\"“](?P<title>[^\"“”]+?),?[\"”]\s*,?\s*(?P<after>.*)$")
# 'Title[, 2nd ed]. City[, ST], Country: Publisher, 1957.'
_IEEE_BOOK = re.compile(
    r"^(?P<title>[^.]+?)(?:,\s*(?P<ed>\d+(?:st|nd|rd|th))\s+ed)?\.\s+(?P<place>[^:]+?):\s*"
    r"(?P<pub>.+?),\s*(?P<year>\d{4})\.?$"
)
_IEEE_ONLINE = re.compile(r"\s*\[Online\]\.?(?:\s*Available:?)?\s*$", re.I)
_IEEE_DATE = re.compile(
    r"^(?P<month>[A-Z][a-z]{2,8})\.?\s+(?:(?P<day>\d{1,2}),\s+)?(?P<year>\d{4})$"
)


def _ieee_names(text: str) -> str:
    names = re.split(r",?\s+and\s+|,\s+", re.sub(r",?\s+et\s+al\.$", "", text))
    out = []
    for name in names:
        m = re.fullmatch(r"(?P<given>(?:[A-Z][a-z]?\.\s?-?)+)\s*(?P<family>.+)", name.strip())
        out.append(_family_given(m.group("family"), m.group("given")) if m else name.strip())
    return " and ".join(out)


def _ieee_parts(after: str, f: dict[str, str]) -> str | None:
    """The comma-separated facts after a quoted title: container, "vol. 80", "no. 3",
    "pp. 463–483", a year or date, "doi: ..."; the container's name is returned."""
    container = None
    for i, part in enumerate(p.strip() for p in after.rstrip(" .,").split(", ")):
        m = re.fullmatch(r"(?P<key>vol|no|pp?)\.\s*(?P<value>\S+)", part)
        dm = _IEEE_DATE.match(part)
        if m:
            key = {"vol": "volume", "no": "number"}.get(m.group("key"), "pages")
            f[key] = _pages(m.group("value")) if key == "pages" else m.group("value")
        elif re.fullmatch(r"\d{4}", part):
            f["year"] = part
        elif dm and _MONTHS_SHORT.get(dm.group("month")[:3].lower()):
            f["year"] = dm.group("year")
        elif i == 0:
            container = _clean_value(part)
    return container


def _parse_ieee(rest: str, linked: bool) -> Parsed:
    """ieee: an IEEE entry (its "[n]" number taken off): names initials first, then a
    quoted title and the facts separated by commas, ``R. Allison, "Title," Journal, vol.
    80, no. 3, pp. 463–483, 2004.``; a paper ``"Title," in Proc. Conf., City, 2021, pp.
    88–95.``; a web page ``"Title," Site, Jan. 5, 2022. [Online]. Available: URL``; or a
    book ``Title, 2nd ed. City, Country: Publisher, 2019.``  An organization may stand
    for the names before a quoted title."""
    m = _IEEE_HEAD.match(rest)
    om = None if m else _IEEE_ORG_HEAD.match(rest)
    if not m and not om:
        return None, {}
    head = m or om
    assert head is not None
    f = {"author": _ieee_names(head.group("names")) if m else _corporate(head.group("org"))}
    body = _IEEE_ONLINE.sub("", head.group("rest")).strip()
    online = body != head.group("rest").strip()
    qm = _IEEE_QUOTED.match(body)
    if qm:
        f["title"] = _clean_title(qm.group("title"))
        entry_type, f = _ieee_quoted(qm.group("after"), f, linked)
        # IEEE's own marks, which a Chicago note with the same opening lacks
        ieee = online or any(k in f for k in ("volume", "pages"))
        return (entry_type, f) if ieee else (None, {})
    bm = _IEEE_BOOK.match(body) if m else None
    if not bm:
        return None, {}
    f.update(title=_clean_title(bm.group("title")), address=bm.group("place").strip())
    f.update(publisher=_clean_value(bm.group("pub")), year=bm.group("year"))
    if bm.group("ed"):
        f["edition"] = re.sub(r"\D", "", bm.group("ed"))
    return "book", f


def _ieee_quoted(after: str, f: dict[str, str], linked: bool) -> Parsed:
    im = re.match(r"^in\s+(?P<book>[^,]+),\s*(?P<more>.*)$", after)
    if im:
        f["booktitle"] = _clean_value(im.group("book"))
        more = im.group("more")
        pm = re.search(r",?\s*pp?\.\s*(?P<pages>\d+\s*[-–—]\s*\d+|\d+)", more)
        if pm:
            f["pages"] = _pages(pm.group("pages"))
            more = more[: pm.start()] + more[pm.end() :]
        ym = re.search(r",?\s*(?P<year>\d{4})\b", more)
        if not ym:
            return None, {}
        f["year"] = ym.group("year")
        if more[: ym.start()].strip(" ,."):
            f["address"] = more[: ym.start()].strip(" ,.")
        return "inproceedings", f
    container = _ieee_parts(after, f)
    if "year" not in f:
        return None, {}
    if "volume" in f or "pages" in f:
        f["journal"] = container or ""
        return "article", f
    if container:
        f["organization"] = container
    return ("online" if linked else "misc"), f


# Lines a reference list may hold that are no entry: the article's history, a
# received/accepted line ("Manuscript received 3 May 2023; accepted ...").
NOT_ENTRY = re.compile(
    r"^(?:(?:manuscript|article|paper)\s+(?:received|submitted|accepted)\b"
    r"|(?:received|submitted|accepted|revised|published(?:\s+online)?)\s*:?\s+\d"
    r"|received\b.*\b(?:accepted|revised)\b)",
    re.I,
)


EntryRule = Callable[[str, ReferenceItem, str, Reporter, bool], Parsed]

# German author-date (a German journal's house style): ``Müller, Anna; Weber, Jonas
# (2020): Title. In: Journal 70 (3), S. 45–67.``, ``Schmidt, K. (Hrsg.) (2019): Title.
# Berlin: Verlag.``: the names (``;`` or ``/`` between them, an editor's ``(Hrsg.)`` or
# ``(Hg.)``), the year in parentheses and a colon.
_DE_HEAD = re.compile(
    r"^(?P<names>[^():]+?)\s*(?:\((?P<role>Hrsg|Hg)\.\)\s*)?"
    r"\((?P<year>\d{4})(?P<suffix>[a-z])?\):\s+(?P<rest>\S.*)$"
)
# "In: Journal 70 (3), S. 45–67" (volume, issue in parentheses, "S." pages)
_DE_JOURNAL = re.compile(
    r"^(?P<journal>[^()]+?),?\s+(?P<volume>\d+)(?:\s*\((?P<number>[^()]+)\))?"
    r"(?:,\s*S\.\s*(?P<pages>\d+(?:\s*[-–—]\s*\d+)?))?\s*\.?$"
)
# "In: Schmidt, K. (Hrsg.): Book. Berlin: Verlag, S. 11–29" (a part of an edited book)
_DE_IN_BOOK = re.compile(
    r"^(?P<editors>[^():]+?)\s*\((?:Hrsg|Hg)\.\):\s+(?P<book>.+?)"
    r"(?:,\s*S\.\s*(?P<pages>\d+(?:\s*[-–—]\s*\d+)?))?\s*\.?$"
)
# "Title. Berlin: Verlag" (a book: the last sentence is "City: Publisher")
_DE_BOOK = re.compile(r"^(?P<title>.+)\.\s+(?P<pub>[^.:]+:\s*[^.:]+?)\.?$")
# "Online verfügbar unter <URL>, zuletzt geprüft am 10.03.2022." (the URL taken out)
_DE_ONLINE = re.compile(
    r"\s*Online\s+verfügbar\s+unter\s*,?\s*(?:zuletzt\s+geprüft\s+am\s+"
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}))?\.?\s*$",
    re.I,
)


_DE_NAME = re.compile(
    r"(?P<family>[A-ZÀ-ÖØ-Þ\u0100-\u024f][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+)?),\s*"
    r"(?P<given>[A-ZÀ-ÖØ-Þ][\w'’-]*\.?(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]*\.?){0,3})"
)


def _german_names(text: str) -> tuple[list[str], bool]:
    """``Müller, Anna; Weber, Jonas`` / ``Müller, A./Weber, J.`` as BibTeX names."""
    names: list[str] = []
    ok = True
    for part in re.split(r"\s*;\s*|\s*/\s*", text.strip()):
        nm = _DE_NAME.fullmatch(part)
        if nm:  # "Deutsch, Karl W." (a full given name and an initial)
            names.append(f"{nm.group('family')}, {nm.group('given')}")
            continue
        got, fine = parse_names_apa(part)
        names += got
        ok = ok and fine and len(got) == 1
    return names, ok


def _german_body(body: str, f: dict[str, str]) -> Parsed:
    """The part after ``(Jahr):``: an article or chapter ``Title. In: ...``, a page
    ``In: Site, 05.01.2022. Online verfügbar unter ...``, or a book ``Title. City:
    Publisher.``"""
    om = _DE_ONLINE.search(body)
    if om:
        body = body[: om.start()]
        if om.group("year"):
            f["urldate"] = (
                f"{om.group('year')}-{int(om.group('month')):02d}-{int(om.group('day')):02d}"
            )
    title, sep, after = body.partition(". In: ")
    if sep:
        f["title"] = _clean_title(title)
        after = after.strip()
        jm = _DE_JOURNAL.match(after)
        if jm:
            f.update(journal=_clean_value(jm.group("journal")), volume=jm.group("volume"))
            f["number"] = jm.group("number") or ""
            f["pages"] = _pages(jm.group("pages") or "")
            return "article", f
        bm = _DE_IN_BOOK.match(after)
        if bm:
            editors, _ = _german_names(bm.group("editors"))
            f["editor"] = " and ".join(editors)
            book, pub = bm.group("book"), ""
            pm = _DE_BOOK.match(book)
            if pm:
                book, pub = pm.group("title"), pm.group("pub")
            f["booktitle"] = _clean_title(book)
            f.update(_publisher_fields(pub))
            f["pages"] = _pages(bm.group("pages") or "")
            return "incollection", f
        site = re.sub(r",?\s*\d{1,2}\.\d{1,2}\.\d{4}\.?$", "", after)
        f["organization"] = _clean_value(site)
        return "online", f
    pm = _DE_BOOK.match(body)
    if pm:
        f["title"] = _clean_title(pm.group("title"))
        f.update(_publisher_fields(pm.group("pub")))
        return "book", f
    f["title"] = _clean_title(body)
    return "misc", f


def _parse_german(rest: str, item: ReferenceItem, slug: str, reporter: Reporter) -> Parsed:
    """german-author-date: ``Family, Given; Family, Given (Jahr): ...`` (the colon after
    the year tells the style; names parsed one by one between ``;`` or ``/``)."""
    m = _DE_HEAD.match(rest)
    if not m:
        return None, {}
    names, ok = _german_names(m.group("names"))
    if not ok or not names:
        return None, {}
    f: dict[str, str] = {"editor" if m.group("role") else "author": " and ".join(names)}
    f["year"] = m.group("year")
    if m.group("suffix"):
        f["x-year-suffix"] = m.group("suffix")
    return _german_body(m.group("rest").strip(), f)


# Words a title in capitals (small capitals printed as capitals) keeps in lower case.
_MINOR_WORDS = frozenset("a an and as at by for in of on or the to via with".split())


def _uncapitalize(text: str) -> str:
    """``THE LAW OF REGIONAL SECURITY`` -> ``The Law of Regional Security``; ``MARAT
    ZHANBOLATOV`` -> ``Marat Zhanbolatov`` (text not all in capitals is kept)."""
    if not text.isupper():
        return text
    words = text.lower().split(" ")
    return " ".join(
        w if i and w in _MINOR_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def _given_first_names(who: str) -> str:
    """``Roy Allison & Jane Doe`` -> ``Allison, Roy and Doe, Jane`` (BibTeX names)."""
    names = []
    for name in re.split(r"\s+&\s+|,?\s+and\s+", re.sub(r"\s+et\s+al\.$", "", who)):
        words = _uncapitalize(name.strip()).split()
        cut = family_start(words)
        names.append(_family_given(" ".join(words[cut:]), " ".join(words[:cut])))
    return " and ".join(names)


def _parse_bluebook(rest: str) -> Parsed:
    """bluebook-note: a law review's full citation taken from the notes
    (``ingest.notes_list``): ``Roy Allison, Title, 80 INT'L AFF. 463, 470 (2004)`` (the
    first page is the work's ``pages``, the pinpoint is not kept), ``Author, Title, SITE
    (Jan. 5, 2022)``, ``AUTHOR, TITLE 88 (2d ed. 2019)``, ``Treaty ... art. 4, May 15,
    1992, 1894 U.N.T.S. 306``."""
    found = bluebook_full(rest)
    if found is None or found[1].start() != 0:
        return None, {}
    shape, m = found
    g = m.groupdict()
    f: dict[str, str] = {"year": g["year"], "title": _clean_title(_uncapitalize(g["title"]))}
    if g.get("who"):
        f["author"] = _given_first_names(g["who"])
    if shape in ("periodical", "instrument"):
        f.update(journal=g["journal"].strip(), volume=g["volume"], pages=g["page"])
        return ("article" if shape == "periodical" else "misc"), f
    if shape == "web":
        f["organization"] = _uncapitalize(g["site"].strip())
        return "online", f
    if g.get("edition"):
        f["edition"] = g["edition"]
    return "book", f


# The entry rules, tried in order on an item's text (links, language note and access
# date taken out): the first that reads the item gives its type and fields.
ENTRY_RULES: tuple[tuple[str, EntryRule], ...] = (
    ("german-author-date", lambda r, i, s, rep, linked: _parse_german(r, i, s, rep)),
    ("bluebook-note", lambda r, i, s, rep, linked: _parse_bluebook(r)),
    ("harvard", lambda r, i, s, rep, linked: _parse_harvard(r, i, s, rep)),
    ("chicago-bibliography", lambda r, i, s, rep, linked: _parse_chicago_bibliography(r, linked)),
    ("mla", lambda r, i, s, rep, linked: _parse_mla(r)),
    ("ieee", lambda r, i, s, rep, linked: _parse_ieee(r, linked)),
    ("chicago-note", lambda r, i, s, rep, linked: _parse_chicago_note(r, linked)),
    ("apa", lambda r, i, s, rep, linked: _parse_apa(r, i, s, rep)),
    ("chicago-author-date", lambda r, i, s, rep, linked: _parse_chicago(r, linked)),
    ("vancouver", lambda r, i, s, rep, linked: _parse_vancouver(r)),
    ("vancouver-corporate", lambda r, i, s, rep, linked: _parse_vancouver_corporate(r)),
    ("gost", lambda r, i, s, rep, linked: _parse_gost(r)),
    ("russian", lambda r, i, s, rep, linked: _parse_russian(r)),
)


# --------------------------------------------------------------- sameness


def normalize_title(title: str) -> str:
    """Lowercase ASCII words only: for comparing titles."""
    folded = ascii_fold(_strip_emphasis(title)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


# Thresholds for ``same_work`` (rapidfuzz scores, 0-100, on normalized titles).
# A work listed twice differs by case, punctuation, emphasis, a dropped article or an
# edition note: ratio stays >= 90 (a few characters in a 40+ character title).
# token_set_ratio >= 95 also accepts reordered or partly repeated words, but it gives
# 100 when one title's words are a subset of the other's ("Regionalism" vs
# "Regionalism and security"), so it needs lengths within 80% of each other.
# Different works by one author in one year (Shamarov 2022a/2022b) score far below
# (about 30-45), so the margin is wide on both sides.
TITLE_RATIO = 90.0
TITLE_TOKEN_SET = 95.0
TITLE_LENGTH_RATIO = 0.8


# Numbers in a title: digits, Roman numerals of two letters or more (up to 39), and a
# one-letter numeral closing the title ("Central Asia I").
TITLE_NUMBER = re.compile(r"\b(?:\d+|(?=[ivx]{2})x{0,3}(?:ix|iv|v?i{0,3})|[ivx]$)\b")


def title_numbers(normalized: str) -> set[str]:
    """The numbers a normalized title holds: ``"working paper 12"`` -> ``{"12"}``."""
    return {m.group(0) for m in TITLE_NUMBER.finditer(normalized) if m.group(0)}


def titles_match(a: str, b: str) -> bool:
    """Whether two titles name the same work, by the thresholds above.  The titles must
    hold the same numbers: "Working paper 3" and "Working paper 4" score
    93 but are two works (a number is never a slip of the kind a ratio forgives)."""
    ta, tb = normalize_title(a), normalize_title(b)
    if not ta or not tb or title_numbers(ta) != title_numbers(tb):
        return False
    if fuzz.ratio(ta, tb) >= TITLE_RATIO:
        return True
    shorter, longer = sorted((len(ta), len(tb)))
    return (
        fuzz.token_set_ratio(ta, tb) >= TITLE_TOKEN_SET and shorter / longer >= TITLE_LENGTH_RATIO
    )


def same_work(a: Reference, b: Reference) -> bool:
    """Whether two references name the same work.

    Same DOI -> same; two different DOIs -> different.  Otherwise the first author's
    family name and the year must be equal (and letters the lists give, 2022a vs
    2022b, must not differ), and the titles must match (``titles_match``).
    """
    da, db = a.get("doi").lower(), b.get("doi").lower()
    if da and db:
        return da == db
    if first_family(a) != first_family(b) or a.get("year") != b.get("year"):
        return False
    sa, sb = a.get("x-year-suffix"), b.get("x-year-suffix")
    if sa and sb and sa != sb:
        return False
    return titles_match(a.get("title") or a.text, b.get("title") or b.text)


# -------------------------------------------------------------------- keys


def year_letter(n: int) -> str:
    """The ``n``-th year suffix (0-based): a, b, ... z, aa, ab, ... az, ba, ... (as
    spreadsheet columns count), so a 27th work by one author in one year is 2020aa."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def year_letters() -> Iterator[str]:
    """a, b, ... z, aa, ab, ... without end."""
    n = 0
    while True:
        yield year_letter(n)
        n += 1


def base_key(reference: Reference) -> str:
    """Family name + year (+ the letter the list gives): ``shamarov2022a``."""
    family = first_family(reference) or "anon"
    year = reference.get("year") or "nd"
    return f"{family}{year}{reference.get('x-year-suffix')}"


def make_key(reference: Reference, taken: set[str], letter: str = "") -> str:
    """A key for ``reference`` not in ``taken``: ``base_key`` + ``letter``, and if that is
    taken, ``-2``, ``-3``, ... after it (the mark of a repeated listing)."""
    key = base_key(reference) + letter
    if key not in taken:
        return key
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


def assign_keys(references: Sequence[Reference]) -> list[Reference]:
    """Give every reference of one list its key (rules in the module docstring)."""
    groups: dict[str, list[int]] = {}
    for i, ref in enumerate(references):
        groups.setdefault(base_key(ref), []).append(i)

    # within each group of equal base keys, cluster the listings of the same work
    letter_of: dict[int, str] = {}
    first_of: dict[int, int] = {}  # listing index -> index of the first listing of its work
    for members in groups.values():
        works: list[list[int]] = []
        for i in members:
            for work in works:
                if same_work(references[work[0]], references[i]):
                    work.append(i)
                    break
            else:
                works.append([i])
        for w, work in enumerate(works):
            letter = year_letter(w) if len(works) > 1 else ""
            for i in work:
                letter_of[i] = letter
                first_of[i] = work[0]

    taken: set[str] = set()
    keys: dict[int, str] = {}
    out: list[Reference] = []
    for i, ref in enumerate(references):
        key = make_key(ref, taken, letter_of[i])
        taken.add(key)
        keys[i] = key
        fields = dict(ref.fields)
        if first_of[i] != i:
            fields["x-duplicate-of"] = keys[first_of[i]]
        out.append(replace(ref, key=key, fields=fields))
    return out


def parse_reference_list(
    items: Sequence[ReferenceItem], slug: str, reporter: Reporter
) -> list[Reference]:
    """Parse a whole list and assign keys; note repeated listings of one work."""
    entries = []
    for item in items:
        if NOT_ENTRY.match(item.text.strip()):
            reporter.warning(
                item.span,
                f"{slug}: not a reference entry, left out of the bibliography: {item.text[:60]}",
                "ref-not-entry",
            )
            continue
        entries.append(item)
    entries = repeat_authors(entries)
    refs = assign_keys([parse_reference(item, slug, reporter) for item in entries])
    by_key = {r.key: r for r in refs}
    for ref in refs:
        dup = ref.get("x-duplicate-of")
        if dup:
            reporter.note(
                ref.span,
                f"{slug}: {ref.key} repeats {dup} (listed at line {by_key[dup].span.line})",
                "ref-duplicate",
            )
    return refs
