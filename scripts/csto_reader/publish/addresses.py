"""Stable addresses: every public address of the reader, and the manifest that guards them.

Syllabi link to pages and anchors, so they are part of the product.  ``sources/
addresses.tsv`` is the committed manifest (address, kind, label).  A build fails when an
address of the manifest disappears, unless ``sources/aliases.yml`` declares where it went
(an anchor alias, or a page redirect); a paragraph whose text moved to another number is
reported with the old-to-new map.  ``python -m csto_reader addresses --update`` adds
the new addresses after a reviewed change (``update_manifest``): it runs only from a
build without errors and never drops an address unless ``--remove ADDRESS`` names it and
an alias declares where it went.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..codes import codes_of
from ..diagnostics import Reporter
from ..ingest.anchors import anchor_index
from ..ingest.sources import split_lines
from ..markup import is_para_anchor
from ..model import Address, ArticleBuild, Entity, Event, MergedEntry, Span, Term
from ..yamlfile import Typed, load, read_text
from .csp import apply_csp

MANIFEST = Path("sources") / "addresses.tsv"
ALIASES = Path("sources") / "aliases.yml"

# Diagnostic codes this module reports (meanings: the registry, codes.py).
CODES = codes_of("publish.addresses")
# A site address: a folder path ("", "glossary/", "articles/x-2024/"), then an optional
# "#anchor" (an HTML id: no spaces, quotes, angle brackets, "#" or "/").
PAGE_ADDRESS = re.compile(r"(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*")
ANCHOR = re.compile(r"[^\s\"'<>#/\\`]+")


def read_manifest(root: Path, reporter: Reporter | None = None) -> list[tuple[int, Address]]:
    """(line, address) of every row of the manifest; a manifest that cannot be read (not
    UTF-8, a folder) is reported through ``reporter`` (the build's; the ``--update``
    command runs only after a build that passed) and reads as empty."""
    path = root / MANIFEST
    if not path.exists():
        return []
    text = read_text(path, MANIFEST.as_posix(), reporter or Reporter(), "address-manifest")
    if text is None:
        return []
    out = []
    for n, line in enumerate(split_lines(text), start=1):  # LF, CRLF or CR
        if not line.strip() or line.startswith("#"):
            continue
        url, kind, label = (line.split("\t") + ["", ""])[:3]
        out.append((n, Address(url, kind, label)))
    return out


def write_manifest(root: Path, addresses: list[Address]) -> None:
    lines = [
        "# Every public address of the reader: address, kind, label (tab-separated).",
        "# Checked by every build; update with `python -m csto_reader addresses --update`.",
    ]
    lines += [f"{a.url}\t{a.kind}\t{a.label}" for a in addresses]
    (root / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class ManifestUpdate:
    """What ``update_manifest`` would write, and why it may refuse."""

    addresses: list[Address]
    added: list[str]
    removed: list[str]
    kept: list[str]  # addresses no longer live that an alias keeps working
    problems: list[str]


def update_manifest(
    root: Path, current: list[Address], remove: list[str], aliases: dict[str, str]
) -> ManifestUpdate:
    """The manifest after a reviewed change: every address of the build (new ones added,
    labels brought up to date), and every address it had before, unless ``remove`` names
    it.  An address may only be removed when it is no longer live and ``aliases.yml``
    declares where it went (an anchor alias or a page redirect); anything else is a
    problem, and nothing may be written while there is one."""
    old = [a for _, a in read_manifest(root)]
    known = {a.url for a in old}
    live = {a.url for a in current}
    problems = []
    for url in remove:
        if url not in known:
            problems.append(f"--remove {url}: not an address of {MANIFEST.as_posix()}")
        elif url in live:
            problems.append(f"--remove {url}: a live address of the site cannot be removed")
        elif url not in aliases:
            problems.append(
                f"--remove {url}: declare where it went in {ALIASES.as_posix()} first "
                '(e.g. "articles/x/#p9": "articles/x/#p8")'
            )
    kept = [a for a in old if a.url not in live and a.url not in remove]
    return ManifestUpdate(
        addresses=current + kept,
        added=[a.url for a in current if a.url not in known],
        removed=[u for u in remove if u in known and u not in live],
        kept=[a.url for a in kept],
        problems=problems,
    )


def read_aliases(root: Path, reporter: Reporter) -> dict[str, str]:
    """``old address: new address`` pairs (anchors and pages), each checked to be text."""
    path = root / ALIASES
    if not path.exists():
        return {}
    document = load(path, ALIASES.as_posix(), reporter, "aliases-yaml")
    if document is None or document.root is None:
        return {}
    typed = Typed(ALIASES.as_posix(), reporter, "aliases-type")
    pairs = typed.mapping(document.root, "aliases.yml (old address: new address)")
    if pairs is None:
        return {}
    out: dict[str, str] = {}
    ok = True
    for old, node in pairs.items():
        new = typed.text(node, f"alias of {old}")
        ok = ok and new is not None
        if new is not None:
            out[old] = new
    return out if ok else {}


def check(root: Path, current: list[Address], reporter: Reporter) -> dict[str, str]:
    """Compare the built addresses with the manifest; return the aliases in force.

    Every alias is checked first (``alias_problem``): one that would replace a live
    address, leave the site or point nowhere is an error at its line of aliases.yml."""
    aliases = read_aliases(root, reporter)
    now = {a.url for a in current} | hand_written_pages(root)
    lines = alias_lines(root)
    valid: dict[str, str] = {}
    for old, new in aliases.items():
        problem = alias_problem(old, new, now)
        if problem:
            reporter.error(Span(str(ALIASES), lines.get(old, 1)), *problem)
        else:
            valid[old] = new
    by_label: dict[tuple[str, str], str] = {}
    for a in current:
        if a.kind == "paragraph":
            by_label.setdefault((a.url.split("#")[0], a.label), a.url)
    moved: list[str] = []
    for line, gone in read_manifest(root, reporter):
        if gone.url in now or gone.url in aliases:
            continue
        found = (
            by_label.get((gone.url.split("#")[0], gone.label)) if gone.kind == "paragraph" else None
        )
        if found:
            moved.append(f"{gone.url} -> {found}")
        reporter.error(
            Span(str(MANIFEST), line),
            f"address {gone.url} ({gone.kind} '{gone.label}') disappeared"
            + (f"; its text is now at {found}" if found else "")
            + f"; declare it in {ALIASES} or update the manifest after review",
            "address-removed",
        )
    if moved:
        reporter.note(
            Span(str(MANIFEST), 1),
            "paragraphs renumbered: " + "; ".join(moved),
            "address-renumbered",
        )
    return valid


def alias_problem(old: str, new: str, live: set[str]) -> tuple[str, str] | None:
    """(message, code) when the alias ``old: new`` must not be applied, else None.

    Both sides must be site addresses (``page/`` or ``page/#anchor``, inside the site);
    the old one must not be live (its page or id would be replaced); the new one must
    exist; an anchor alias names an anchor of its own page (the old id is put there)."""
    pair = f"alias {old!r}: {new!r}"
    for side, address in (("old", old), ("new", new)):
        page, _, anchor = address.partition("#")
        if _leaves_site(page):
            return f"{pair}: the {side} address leads outside the site", "alias-outside"
        if not PAGE_ADDRESS.fullmatch(page) or ("#" in address and not ANCHOR.fullmatch(anchor)):
            return (
                f"{pair}: the {side} address is not of the form 'page/' or 'page/#anchor'",
                "alias-invalid",
            )
    if old.lower() in {a.lower() for a in live}:  # one path on a case-insensitive disk
        return (
            f"{pair}: {old or 'the home page'} is a live address of the site; an alias may "
            "only keep a removed address working",
            "alias-live",
        )
    if new not in live:
        return f"{pair}: {new or 'the home page'} does not exist", "alias-dangling"
    old_page, _, old_anchor = old.partition("#")
    new_page, _, new_anchor = new.partition("#")
    if "#" in old and (old_page != new_page or not new_anchor):
        return (
            f"{pair}: an anchor alias must point to an anchor on the same page ({old_page})",
            "alias-invalid",
        )
    return None


def _leaves_site(page: str) -> bool:
    """``../x/``, ``/x/``, ``//host/``, ``C:\\x``, ``https://...``, ``javascript:``."""
    parts = page.split("/")
    return (
        page.startswith("/")
        or "\\" in page
        or any(p in ("..", ".") for p in parts)
        or bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", page))
    )


def hand_written_pages(root: Path) -> set[str]:
    """The addresses of the hand-written pages under ``docs/`` (``about.md`` ->
    ``about/``): an alias must not replace them either, and may point to them."""
    docs = root / "docs"
    out: set[str] = set()
    if not docs.is_dir():
        return out
    for path in docs.rglob("*.md"):
        rel = path.relative_to(docs).with_suffix("").as_posix()
        rel = rel[: -len("index")] if rel == "index" or rel.endswith("/index") else rel + "/"
        out.add(rel)
    return out


ALIAS_KEY = re.compile(
    r"""\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s"'#][^\n]*?))\s*:(?:\s|$)"""
)


def alias_lines(root: Path) -> dict[str, int]:
    """The line of aliases.yml where each old address is written (for diagnostics);
    a key this simple reading does not recognize gets line 1."""
    path = root / ALIASES
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    lines: dict[str, int] = {}
    for n, line in enumerate(split_lines(text), start=1):  # LF, CRLF or CR
        m = ALIAS_KEY.match(line)
        if m:
            key = m.group(1) if m.group(1) is not None else m.group(2) or m.group(3) or ""
            if m.group(2) is not None:
                key = m.group(2).replace("''", "'")
            lines.setdefault(key, n)
    return lines


def format_addresses(addresses: list[Address], fmt: str, base_url: str = "") -> str:
    """The address list as Markdown, HTML or CSV, for pasting into a learning platform."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["address", "kind", "label"])
        for a in addresses:
            w.writerow([base_url + a.url, a.kind, a.label])
        return buf.getvalue()
    if fmt == "html":
        rows = "\n".join(
            f'<li><a href="{html.escape(base_url + a.url)}">{html.escape(a.label)}</a> '
            f"<small>({a.kind})</small></li>"
            for a in addresses
        )
        return f"<ul>\n{rows}\n</ul>\n"
    return "".join(
        f"- [{a.label.replace('[', '(').replace(']', ')')}]({base_url}{a.url}) ({a.kind})\n"
        for a in addresses
    )


def apply_aliases(pages: dict[str, str], aliases: dict[str, str]) -> dict[str, bytes]:
    """Make old addresses work: an anchor alias adds the old id next to the new target;
    a page alias writes a redirect page.  Returns the redirect files to add to the site."""
    redirects: dict[str, bytes] = {}
    for old, new in aliases.items():
        old_page, _, old_anchor = old.partition("#")
        new_page, _, new_anchor = new.partition("#")
        if old_anchor and old_page == new_page:
            md = _page_source(old_page)
            if md in pages and new_anchor:
                span = f'<span id="{html.escape(old_anchor)}" class="alias-anchor"></span>'
                target = f'<a class="pnum" href="#{new_anchor}"'
                if target in pages[md]:
                    pages[md] = pages[md].replace(target, span + target, 1)
                else:  # a heading: put the old id just before it
                    pages[md] = pages[md].replace(
                        f"{{ #{new_anchor} }}\n", f"{{ #{new_anchor} }}\n\n{span}\n", 1
                    )
        elif not old_anchor:
            depth = old_page.strip("/").count("/") + 1
            href = "../" * depth + new
            body = (
                f'<!doctype html><meta charset="utf-8"><title>Moved</title>'
                f'<meta http-equiv="refresh" content="0; url={html.escape(href)}">'
                f'<link rel="canonical" href="{html.escape(href)}">'
                f'<p>This page moved to <a href="{html.escape(href)}">{html.escape(new)}</a>.</p>'
            )
            redirects[old_page.rstrip("/") + "/index.html"] = apply_csp(body).encode()
    return redirects


def _page_source(page: str) -> str:
    """ "articles/zhang-2023/" -> "articles/zhang-2023.md"; "" -> "index.md"."""
    page = page.strip("/")
    return f"{page}.md" if page else "index.md"


def collect_addresses(
    builds: Iterable[ArticleBuild],
    pages: Iterable[str],
    terms: Iterable[Term] = (),
    events: Iterable[Event] = (),
    merged: Iterable[MergedEntry] = (),
    entities: Iterable[Entity] = (),
) -> list[Address]:
    """Every public address: pages (``pages`` are the generated pages' Markdown paths;
    ``index/index.md`` is ``index/``), article sections and paragraphs, glossary
    entries, events, bibliography entries, entries of the index of names."""
    addrs = [Address("", "page", "The CSTO Reader")]
    for b in builds:
        m = b.article.meta
        page = f"articles/{m.slug}/"
        addrs.append(Address(page, "page", m.title))
        for anchor, label, _line in anchor_index(b.article.blocks, b.heading_ids):
            kind = "paragraph" if is_para_anchor(anchor) else "section"
            addrs.append(Address(f"{page}#{anchor}", kind, label))
    for md in sorted(pages):
        if md == "index.md" or md.startswith("articles/"):
            continue
        folder = md[: -len("index.md")] if md.endswith("/index.md") else md[:-3] + "/"
        addrs.append(Address(folder, "page", folder.rstrip("/")))
    addrs += [Address(f"glossary/#{t.id}", "glossary", t.name) for t in terms]
    addrs += [Address(f"timeline/#{e.id}", "event", e.label) for e in events]
    for e in merged:
        label = f"{e.get('author') or e.get('editor') or e.get('title')} ({e.get('year')})"
        addrs.append(Address(f"bibliography/#{e.key}", "bibliography", label))
    addrs += [Address(f"index/#{e.id}", "index", e.name) for e in entities]
    return addrs
