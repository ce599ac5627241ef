"""Between the articles: the chronology page (/timeline/) and related passages ("see also").

Both are reviewed data files that point into the source texts by line:

* ``timeline/events.yml``: the events the articles describe, each with a date, our neutral
  label, the passages that describe it and, where the articles differ on a date, a number
  or a fact, their wordings side by side;
* ``timeline/related.yml``: groups of passages from two or more articles that treat the
  same question.

A passage is ``{article: <slug>, line: <N>, quote: <phrase>}``: ``N`` is a line of
``sources/<slug>/article.txt`` and the phrase must occur on it (Markdown escapes and runs
of whitespace aside), so a reviewer can check every claim against the text.  The loaders
report problems as ``timeline/events.yml:<line>: error: <message> [timeline-ref]`` (lines
from ``yamlfile``) and keep what is valid.  At build time each source line is mapped
to the address of the block that holds it: a paragraph's ``pN`` or a footnote's ``fn:K``
(see ``passage_anchors``); ``timeline_anchor_refs`` reports a line that maps to none.

The stage is ``build_timeline(root, builds, reporter)``: it loads both files against the
source lines the sources stage read, checks every passage's anchor, and returns the
chronology page and, for each passage of a related group, the links to the group's other
passages (shown on the article pages by ``publish.related``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import yaml

from ..diagnostics import Reporter
from ..ingest.anchors import known_anchors, source_anchors
from ..ingest.article import source_texts
from ..markup import (
    NOTE_PREFIX,
    escape_text,
    fn_key,
    front_matter,
    is_para_anchor,
    short_title,
)
from ..model import (
    Article,
    ArticleBuild,
    CheckedSource,
    Event,
    EventDate,
    EventDisagreement,
    PartialDate,
    Passage,
    RelatedGroup,
    SeeAlso,
    TimelineBuild,
)
from ..textcheck import is_safe_url
from ..yamlfile import Typed, load

EVENTS_FILE = Path("timeline") / "events.yml"
RELATED_FILE = Path("timeline") / "related.yml"

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# A backslash run before punctuation or "_" is a Markdown escape in the received texts
# (Zhang's URLs read ``dogovor\\_o\\_...``): quotes are compared without it.
_ESCAPE_RE = re.compile(r"\\+(?=[^\w\s]|_)")

# The sub-timeline drawn day by day: the first nineteen days of January 2022.
DAY_BY_DAY = ((2022, 1), 1, 19)


# ---------------------------------------------------------------- loading


def parse_date(text: str) -> EventDate | None:
    """``1992``, ``2001-08``, ``1992-05-15`` or a range ``start/end``; None if invalid."""
    parts = text.strip().split("/")
    if len(parts) > 2:
        return None
    dates = []
    for part in parts:
        m = _DATE_RE.match(part.strip())
        if not m:
            return None
        year, month, day = (int(g) if g else None for g in m.groups())
        assert year is not None
        if month is not None and not 1 <= month <= 12:
            return None
        if day is not None and (
            month is None or not 1 <= day <= calendar.monthrange(year, month)[1]
        ):
            return None
        dates.append(PartialDate(year, month, day))
    if len(dates) == 2:
        if dates[1].sort_key < dates[0].sort_key:
            return None
        return EventDate(dates[0], dates[1])
    return EventDate(dates[0])


def normalize_quote(text: str) -> str:
    """Text without Markdown escapes and with runs of whitespace collapsed, for comparing
    a quotation with its source line."""
    return " ".join(_ESCAPE_RE.sub("", text).split())


class _Loader(Typed):
    """Turns a composed YAML tree into records, reporting each problem with its line.

    ``kind`` ("timeline" or "related") prefixes the diagnostic codes."""

    def __init__(
        self, file: str, kind: str, texts: Mapping[str, Sequence[str]], reporter: Reporter
    ) -> None:
        super().__init__(file, reporter, f"{kind}-schema")
        self.kind = kind
        self.sources = texts  # slug -> source lines

    def fail(self, node: yaml.Node, message: str, what: str) -> None:
        self.error(node, message, f"{self.kind}-{what}")

    def compose(self, path: Path) -> yaml.Node | None:
        code = f"{self.kind}-yaml"
        document = load(path, self.file, self.reporter, code, duplicate_code=self.code)
        return document.root if document is not None else None

    def items(self, root: yaml.Node | None) -> list[yaml.Node]:
        if root is None:
            return []
        return self.sequence(root, "the file", "entries") or []

    def string(self, node: yaml.Node, what: str) -> str | None:
        value = self.text(node, what)
        return " ".join(value.split()) if value is not None else None

    def ident(self, node: yaml.Node, what: str) -> str | None:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str) or not _ID_RE.match(value):
            self.fail(node, f"{what} must be lowercase letters, digits and hyphens", "schema")
            return None
        return value

    def passage(self, node: yaml.Node, what: str) -> Passage | None:
        """One ``{article, line, quote}``, checked against the source text."""
        fields = self.mapping(node, what, ("article", "line", "quote"), ())
        if fields is None:
            return None
        slug_node, line_node, quote_node = fields["article"], fields["line"], fields["quote"]
        slug = slug_node.value if isinstance(slug_node, yaml.ScalarNode) else None
        if not isinstance(slug, str) or slug not in self.sources:
            known = ", ".join(sorted(self.sources)) or "none"
            self.fail(slug_node, f"unknown article {slug!r} (known: {known})", "ref")
            return None
        lines = self.sources[slug]
        raw = line_node.value if isinstance(line_node, yaml.ScalarNode) else ""
        if line_node.tag != "tag:yaml.org,2002:int" or not raw.isdigit() or int(raw) < 1:
            self.fail(line_node, f"line must be a positive line number, not {raw!r}", "ref")
            return None
        line = int(raw)
        if line > len(lines):
            self.fail(
                line_node,
                f"line {line} is out of range: sources/{slug}/article.txt has {len(lines)} lines",
                "ref",
            )
            return None
        quote = self.string(quote_node, "quote")
        if quote is None:
            return None
        if normalize_quote(quote) not in normalize_quote(lines[line - 1]):
            self.fail(
                quote_node,
                f"quote {quote!r} is not on line {line} of sources/{slug}/article.txt",
                "ref",
            )
            return None
        return Passage(slug, line, quote, self.span(node))

    def passages(self, node: yaml.Node, what: str) -> list[Passage] | None:
        """The valid passages of a list (each invalid one is reported)."""
        nodes = self.sequence(node, what)
        if nodes is None:
            return None
        return [p for n in nodes if (p := self.passage(n, f"a passage of {what}")) is not None]


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_events(root: Path, reporter: Reporter, texts: Mapping[str, Sequence[str]]) -> list[Event]:
    """The events of ``root/timeline/events.yml``, sorted by date (``[]`` if absent).

    ``texts`` (slug -> source lines) are the lines the sources stage read
    (``Article.source_lines``); no text is read again here.  Every problem is reported;
    an invalid passage is left out, and so is an event (or a disagreement) that is left
    without its required parts."""
    path = root / EVENTS_FILE
    if not path.exists():
        return []
    ld = _Loader(_display(path, root), "timeline", texts, reporter)
    events: list[Event] = []
    seen: set[str] = set()
    for node in ld.items(ld.compose(path)):
        event = _event(ld, node, seen)
        if event is not None:
            events.append(event)
    ids = {e.id for e in events}
    for e in events:
        if e.after is not None and e.after not in ids:
            reporter.error(
                e.span, f"event {e.id!r} comes after unknown event {e.after!r}", "timeline-ref"
            )
    return sort_events(events)


def _event(ld: _Loader, node: yaml.Node, seen: set[str]) -> Event | None:
    """One event entry: a new id (added to ``seen``), a date, a label and at least one
    valid source; None (reported) when one of them is missing."""
    fields = ld.mapping(
        node,
        "an event",
        ("id", "date", "label", "sources"),
        ("disagreements", "note", "after", "checked"),
    )
    if fields is None:
        return None
    eid = ld.ident(fields["id"], "an event id")
    if eid is None:
        return None
    if eid in seen:
        ld.fail(fields["id"], f"event id {eid!r} used twice", "duplicate-id")
        return None
    seen.add(eid)
    date = _event_date(ld, fields["date"])
    if date is None:
        return None
    label = ld.string(fields["label"], f"the label of {eid!r}")
    sources = ld.passages(fields["sources"], f"the sources of {eid!r}")
    if label is None or sources is None:
        return None
    if not sources:
        if not fields["sources"].value:  # else the failed passages were reported
            ld.fail(fields["sources"], f"event {eid!r} names no source", "schema")
        return None
    disagreements = _disagreements(ld, fields, eid)
    note = ld.string(fields["note"], "note") if "note" in fields else None
    after = ld.ident(fields["after"], "after") if "after" in fields else None
    checked = _checked(ld, fields["checked"]) if "checked" in fields else ()
    return Event(
        eid, date, label, tuple(sources), disagreements, ld.span(node), note, after, checked
    )


def _checked(ld: _Loader, node: yaml.Node) -> tuple[CheckedSource, ...]:
    """An event's optional ``checked``: each ``{title, url}`` with an http(s) address."""
    out: list[CheckedSource] = []
    for cnode in ld.sequence(node, "checked") or []:
        c = ld.mapping(cnode, "a checked source", ("title", "url"), ())
        if c is None:
            continue
        title, url = ld.string(c["title"], "title"), ld.string(c["url"], "url")
        if title is None or url is None:
            continue
        if not is_safe_url(url, schemes=("http", "https")):
            ld.fail(c["url"], f"url {url!r} is not an http:// or https:// address", "schema")
            continue
        out.append(CheckedSource(title, url, ld.span(cnode)))
    return tuple(out)


def _event_date(ld: _Loader, node: yaml.Node) -> EventDate | None:
    """An event's ISO 8601 date or range; None (reported) when it is not one."""
    date = parse_date(node.value) if isinstance(node, yaml.ScalarNode) else None
    if date is None:
        ld.fail(
            node,
            "date must be ISO 8601 (1992, 2001-08, 1992-05-15) or a range start/end",
            "date",
        )
    return date


def _disagreements(
    ld: _Loader, fields: Mapping[str, yaml.Node], eid: str
) -> tuple[EventDisagreement, ...]:
    """An event's optional ``disagreements``: each a topic and two or more versions."""
    if "disagreements" not in fields:
        return ()
    out: list[EventDisagreement] = []
    for dnode in ld.sequence(fields["disagreements"], "disagreements") or []:
        d = ld.mapping(dnode, f"a disagreement of {eid!r}", ("topic", "versions"), ())
        if d is None:
            continue
        topic = ld.string(d["topic"], "topic")
        versions = ld.passages(d["versions"], f"a disagreement of {eid!r}")
        if topic is None or versions is None:
            continue
        if len(versions) < 2:  # one article may differ from itself (table vs text)
            if len(d["versions"].value) < 2:  # else the failed versions were reported
                ld.fail(dnode, "a disagreement needs at least two versions", "schema")
            continue
        out.append(EventDisagreement(topic, tuple(versions), ld.span(dnode)))
    return tuple(out)


def sort_events(events: Sequence[Event]) -> list[Event]:
    """By date; an event with ``after`` goes right after the event it names (and after
    any earlier event placed there), keeping the file's order among equals."""
    ids = {e.id for e in events}
    anchored = [e for e in events if e.after in ids and e.after != e.id]
    free = sorted((e for e in events if e not in anchored), key=lambda e: e.date.start.sort_key)
    out: list[Event] = []
    placed: set[str] = set()

    def place(e: Event) -> None:
        out.append(e)
        placed.add(e.id)
        for f in anchored:
            if f.after == e.id and f.id not in placed:
                place(f)

    for e in free:
        place(e)
    out.extend(e for e in anchored if e.id not in placed)  # a cycle: keep them, at the end
    return out


def load_related(
    root: Path, reporter: Reporter, texts: Mapping[str, Sequence[str]]
) -> list[RelatedGroup]:
    """The groups of ``root/timeline/related.yml`` in file order (``[]`` if absent);
    ``texts`` as for ``load_events``."""
    path = root / RELATED_FILE
    if not path.exists():
        return []
    ld = _Loader(_display(path, root), "related", texts, reporter)
    groups: list[RelatedGroup] = []
    seen: set[str] = set()
    for node in ld.items(ld.compose(path)):
        fields = ld.mapping(node, "a group", ("id", "question", "passages"), ())
        if fields is None:
            continue
        gid = ld.ident(fields["id"], "a group id")
        if gid is None:
            continue
        if gid in seen:
            ld.fail(fields["id"], f"group id {gid!r} used twice", "duplicate-id")
            continue
        seen.add(gid)
        question = ld.string(fields["question"], f"the question of {gid!r}")
        passages = ld.passages(fields["passages"], f"the passages of {gid!r}")
        if question is None or passages is None:
            continue
        if len({p.slug for p in passages}) < 2:
            if len(passages) == len(fields["passages"].value):  # else failures were reported
                ld.fail(
                    node, f"group {gid!r} must name passages from at least two articles", "schema"
                )
            continue
        groups.append(RelatedGroup(gid, question, tuple(passages), ld.span(node)))
    return groups


# ---------------------------------------------------------------- anchors


def passage_anchors(articles: Iterable[Article]) -> dict[tuple[str, int], str]:
    """(slug, source line) -> the address that shows it: the ¶ anchor of the block that
    holds the line, or ``fn:<key>`` for a footnote body (``anchors.source_anchors``)."""
    return source_anchors(articles)


def _all_passages(
    events: Iterable[Event], related: Iterable[RelatedGroup]
) -> list[tuple[str, Passage]]:
    out: list[tuple[str, Passage]] = []
    for e in events:
        out.extend(("timeline", p) for p in e.sources)
        out.extend(("timeline", v) for d in e.disagreements for v in d.versions)
    for g in related:
        out.extend(("related", p) for p in g.passages)
    return out


def timeline_anchor_refs(
    events: Iterable[Event],
    related: Iterable[RelatedGroup],
    line_to_anchor: Mapping[tuple[str, int], str],
    reporter: Reporter,
    known_anchors: Mapping[str, set[str]] | None = None,
) -> set[tuple[str, str]]:
    """Every (slug, anchor) the chronology and the see-also links use.

    A passage whose line is in no numbered block or note (a heading, the abstract, the
    reference list), or whose anchor is not among ``known_anchors[slug]`` when given, is
    an error at its line in the data file (``timeline-anchor`` / ``related-anchor``)."""
    used: set[tuple[str, str]] = set()
    for kind, p in _all_passages(events, related):
        anchor = line_to_anchor.get((p.slug, p.line))
        if anchor is None:
            reporter.error(
                p.span,
                f"line {p.line} of sources/{p.slug}/article.txt is in no "
                "numbered paragraph or note (a heading, the abstract or the "
                "reference list?)",
                f"{kind}-anchor",
            )
            continue
        if known_anchors is not None and anchor not in known_anchors.get(p.slug, set()):
            reporter.error(
                p.span,
                f"line {p.line} of {p.slug} maps to #{anchor}, which the "
                "article page does not have",
                f"{kind}-anchor",
            )
            continue
        used.add((p.slug, anchor))
    return used


# ---------------------------------------------------------------- rendering helpers


def anchor_label(anchor: str) -> str:
    """ "¶12" for ``p12``, "note 4" for ``fn:4`` ("note *" for ``fn:ast``)."""
    if is_para_anchor(anchor):
        return f"¶{anchor[1:]}"
    if anchor.startswith(NOTE_PREFIX):
        return f"note {fn_key(anchor[len(NOTE_PREFIX) :])}"
    return f"§{anchor}"


def passage_label(slug: str, anchor: str, titles: Mapping[str, str]) -> str:
    """ "Zhang (2023), ¶19"."""
    return f"{short_title(slug, titles)}, {anchor_label(anchor)}"


def _quote_md(text: str) -> str:
    return f"“{escape_text(text)}”"


def _cell(text: str) -> str:
    """Markdown for a table cell: escaped, no pipe, one line."""
    return escape_text(" ".join(text.split())).replace("|", "\\|")


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _link(slug: str, anchor: str, text_md: str, prefix: str) -> str:
    return f"[{text_md}]({prefix}{slug}.md#{anchor})"


# ---------------------------------------------------------------- /timeline/


def _in_day_by_day(e: Event) -> bool:
    (year, month), first, last = DAY_BY_DAY
    s = e.date.start
    return (s.year, s.month) == (year, month) and s.day is not None and first <= s.day <= last


def _dated(date: EventDate) -> str:
    """The date in words, in a ``<time>`` when it is one date: HTML's ``datetime`` has no
    form for a span of days ("6–19 January 2022"), which stays plain text."""
    if date.is_range:
        return date.text()
    return f'<time datetime="{date.iso}">{date.text()}</time>'


def _event_block(
    e: Event, line_to_anchor: Mapping[tuple[str, int], str], titles: Mapping[str, str]
) -> list[str]:
    """Markdown (inside md_in_html) for one event: heading with its anchor, the
    passages that describe it, our note, and the disagreements as tables."""
    differ = " tl-event--differ" if e.disagreements else ""
    range_ = " tl-event--range" if e.date.is_range else ""
    out = [
        f'<div class="tl-event{differ}{range_}" markdown>',
        "",
        f'### <span class="tl-date">{_dated(e.date)}'
        f'<span class="tl-sep">:</span></span> {escape_text(e.label)} {{ #{e.id} }}',
        "",
    ]
    if e.disagreements:
        out += [
            '<p class="tl-flag"><span class="tl-badge">Articles differ</span> '
            f'<a href="#{e.id}-differ">see the wordings side by side</a></p>',
            "",
        ]
    out.append('<p class="tl-described">Described in:</p>\n')
    for p in e.sources:
        anchor = line_to_anchor.get((p.slug, p.line))
        label = escape_text(
            passage_label(p.slug, anchor, titles) if anchor else short_title(p.slug, titles)
        )
        where = _link(p.slug, anchor, label, "articles/") if anchor else label
        out.append(f"- {where}: {_quote_md(p.quote)}")
    out.append("")
    out += _our_note(e)
    for i, d in enumerate(e.disagreements):
        did = f"{e.id}-differ" if i == 0 else f"{e.id}-differ-{i + 1}"
        out += [
            f'<div class="tl-differ" id="{did}" markdown>',
            "",
            f'<p class="tl-differ-title"><span class="tl-badge">Articles differ</span> '
            f"{_attr(d.topic)}</p>",
            "",
            "| Article | Wording | Where |",
            "| --- | --- | --- |",
        ]
        for v in d.versions:
            anchor = line_to_anchor.get((v.slug, v.line))
            where = (
                _link(v.slug, anchor, escape_text(anchor_label(anchor)), "articles/")
                if anchor
                else "–"
            )
            out.append(f"| {_cell(short_title(v.slug, titles))} | “{_cell(v.quote)}” | {where} |")
        out += ["", "</div>", ""]
    out += ["</div>", ""]
    return out


def _our_note(e: Event) -> list[str]:
    """Our remark on an event, and the sources the editors checked it against."""
    out: list[str] = []
    if e.note:
        out += [
            f'<p class="tl-note"><span class="tl-note-label">Our note:</span> {_attr(e.note)}</p>',
            "",
        ]
    if e.checked:
        links = "; ".join(f'<a href="{_attr(c.url)}">{_attr(c.title)}</a>' for c in e.checked)
        out += [
            f'<p class="tl-note tl-checked"><span class="tl-note-label">Checked against:'
            f"</span> {links}</p>",
            "",
        ]
    return out


def _periods_chart(events: Sequence[Event]) -> list[str]:
    """Raw HTML: the January periods (ranges) as bars over a scale of days, each bar's
    dates and label in text and linked to its event below."""
    (year, month), first, last = DAY_BY_DAY
    ranges = [e for e in events if e.date.is_range]
    if not ranges:
        return []
    n = last - first + 1
    out = [
        f'<figure class="tl-periods" style="--tl-days: {n}" aria-labelledby="tl-periods-caption">',
        f'<figcaption id="tl-periods-caption">Periods of {first}–{last} '
        f"{calendar.month_name[month]} {year}, as the articles date them</figcaption>",
        '<ol class="tl-periods-list">',
    ]
    for e in ranges:
        s = e.date.start
        end = e.date.end
        assert end is not None and s.day is not None
        stop = min(end.day or last, last) if (end.year, end.month) == (year, month) else last
        col_from, col_to = s.day - first + 1, stop - first + 2
        flag = ' <span class="tl-badge">Articles differ</span>' if e.disagreements else ""
        out.append(
            f'<li class="tl-period{" tl-period--differ" if flag else ""}" '
            f'style="--tl-from: {col_from}; --tl-to: {col_to}">'
            f'<span class="tl-period-text"><a href="#{e.id}"><span class="tl-period-dates">'
            f"{e.date.text()}</span> {_attr(e.label)}</a>{flag}</span>"
            '<span class="tl-bar" aria-hidden="true"></span></li>'
        )
    out.append("</ol>")
    out.append(
        '<div class="tl-scale" aria-hidden="true">'
        + "".join(f"<span>{d}</span>" for d in range(first, last + 1))
        + "</div>"
    )
    out += ["</figure>", ""]
    return out


def render_timeline(
    events: Sequence[Event],
    line_to_anchor: Mapping[tuple[str, int], str],
    titles: Mapping[str, str],
) -> str:
    """Markdown for /timeline/ (``timeline.md``): a vertical timeline of the events in
    date order, 1–19 January 2022 as a day-by-day sub-timeline with a chart of its
    periods, every event linked to its paragraphs, the disagreements side by side.

    Drawn with CSS only (``docs/assets/stylesheets/timeline.css``); no script."""
    events = list(events)
    jan = [e for e in events if _in_day_by_day(e)]
    before = [e for e in events if e not in jan and e.date.start.sort_key < (2022, 1, 1)]
    after = [e for e in events if e not in jan and e not in before]
    n_differ = sum(len(e.disagreements) for e in events)
    out = _timeline_intro(len(events), n_differ, bool(after))
    if before:
        out += ["## Before 2022 { #before-2022 }\n"]
        out += _event_list(before, line_to_anchor, titles)
    if jan:
        out += _day_by_day(jan, line_to_anchor, titles)
    if after:
        out += ["## After the operation { #after-2022 }\n"]
        out += _event_list(after, line_to_anchor, titles)
    if n_differ:
        out += _differences_index(events, titles)
    return "\n".join(out).rstrip() + "\n"


def _timeline_intro(n_events: int, n_differ: int, has_after: bool) -> list[str]:
    """Front matter, title, the paragraphs saying what the page shows, the jump links."""
    (year, month), first, last = DAY_BY_DAY
    month_name = calendar.month_name[month]
    return [
        front_matter(
            "Chronology",
            "The events the four articles describe, from the 1992 Treaty to January 2022 "
            "day by day, linked to the paragraphs that describe them, with the articles' "
            "disagreements side by side.",
        ),
        "# Chronology { #chronology }\n",
        f"{n_events} events that the four articles describe, in date order. Each links "
        "to the paragraphs (¶) or notes that describe it, with a short quotation. "
        "Dates and labels are ours, in neutral words; the quotations are the articles' own.\n",
        f"Where the articles give different dates, numbers or facts ({n_differ} cases), the "
        "event is marked **Articles differ** and their wordings are set side by side. "
        "The reader shows the differences; it does not decide between them.\n",
        f"Jump to: [Before 2022](#before-2022) · [{first}–{last} {month_name} {year}, "
        f"day by day](#january-2022)"
        + (" · [After the operation](#after-2022)" if has_after else "")
        + (" · [Where the articles differ](#differences)" if n_differ else "")
        + "\n",
    ]


def _event_list(
    events: Sequence[Event],
    line_to_anchor: Mapping[tuple[str, int], str],
    titles: Mapping[str, str],
) -> list[str]:
    """A vertical timeline (``<div class="tl">``) of the given events."""
    out = ['<div class="tl" markdown>\n']
    for e in events:
        out += _event_block(e, line_to_anchor, titles)
    return [*out, "</div>\n"]


def _day_by_day(
    jan: Sequence[Event],
    line_to_anchor: Mapping[tuple[str, int], str],
    titles: Mapping[str, str],
) -> list[str]:
    """The ``DAY_BY_DAY`` section: heading, the chart of periods, then one labelled
    group per day."""
    (year, month), first, last = DAY_BY_DAY
    month_name = calendar.month_name[month]
    out = [
        f"## {first}–{last} {month_name} {year}, day by day {{ #january-2022 }}\n",
        "Zhang's Table 1 gives the days of the unrest; the other articles give dates "
        "in their text. Periods first, then day by day.\n",
    ]
    out += _periods_chart(jan)
    out += ['<div class="tl tl--days" markdown>\n']
    days: dict[int, list[Event]] = {}
    for e in jan:
        assert e.date.start.day is not None
        days.setdefault(e.date.start.day, []).append(e)
    for day in sorted(days):
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        out += [
            f'<div class="tl-day" id="day-{iso}" markdown>\n',
            f'<p class="tl-day-label"><time datetime="{iso}">{day} {month_name}</time></p>\n',
        ]
        for e in days[day]:
            out += _event_block(e, line_to_anchor, titles)
        out += ["</div>\n"]
    return [*out, "</div>\n"]


def _differences_index(events: Sequence[Event], titles: Mapping[str, str]) -> list[str]:
    """The section “Where the articles differ”: one line per disagreement, linked to it."""
    out = ["## Where the articles differ { #differences }\n"]
    for e in events:
        for i, d in enumerate(e.disagreements):
            did = f"{e.id}-differ" if i == 0 else f"{e.id}-differ-{i + 1}"
            who = ", ".join(dict.fromkeys(short_title(v.slug, titles) for v in d.versions))
            out.append(f"- [{escape_text(d.topic)}](#{did}) ({e.date.text()}): {escape_text(who)}")
    return [*out, ""]


# ---------------------------------------------------------------- see also


def see_also_by_question(
    related: Iterable[RelatedGroup],
    line_to_anchor: Mapping[tuple[str, int], str],
    titles: Mapping[str, str],
) -> dict[tuple[str, str], list[tuple[RelatedGroup, list[SeeAlso]]]]:
    """(slug, anchor) -> [(group, links to the group's other passages)], groups in file
    order.  A passage never links to itself; two quotes of one paragraph count once."""
    out: dict[tuple[str, str], list[tuple[RelatedGroup, list[SeeAlso]]]] = {}
    for g in related:
        places = list(
            dict.fromkeys(
                (p.slug, a)
                for p in g.passages
                if (a := line_to_anchor.get((p.slug, p.line))) is not None
            )
        )
        for here in places:
            links = [
                SeeAlso(s, a, passage_label(s, a, titles), short_title(s, titles))
                for s, a in places
                if (s, a) != here
            ]
            if links:
                out.setdefault(here, []).append((g, links))
    return out


# ---------------------------------------------------------------- the stage


def build_timeline(
    root: Path, builds: Sequence[ArticleBuild], reporter: Reporter
) -> TimelineBuild | None:
    """/timeline/ from timeline/events.yml, and the "see also" notes from
    timeline/related.yml; None when the project has no ``timeline/``."""
    if not (root / "timeline").is_dir():
        return None
    articles = [b.article for b in builds]
    titles = {a.meta.slug: a.meta.title for a in articles}
    line_to_anchor = passage_anchors(articles)
    texts = source_texts(articles)
    events = load_events(root, reporter, texts)
    related = load_related(root, reporter, texts)
    known = {b.article.meta.slug: known_anchors(b.article, b.heading_ids) for b in builds}
    timeline_anchor_refs(events, related, line_to_anchor, reporter, known)
    see: dict[str, dict[str, Sequence[tuple[RelatedGroup, Sequence[SeeAlso]]]]] = {}
    for (slug, anchor), groups in see_also_by_question(related, line_to_anchor, titles).items():
        see.setdefault(slug, {})[anchor] = groups
    page = render_timeline(events, line_to_anchor, titles)
    return TimelineBuild(tuple(events), page, see)
