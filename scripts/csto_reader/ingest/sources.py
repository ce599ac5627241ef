"""The first stage: find the received texts and read what they state about themselves.

Every article lives in ``sources/<slug>/``: ``article.txt`` is the text as received (never
edited by hand) and ``meta.yml`` the metadata (see ``META_KEYS``).  This stage only reads:
it strips a UTF-8 byte-order mark and turns CRLF / CR line ends into LF, and otherwise
keeps every line exactly.  Anything it cannot read is reported as
``sources/<slug>/<file>:<line>: error: ... [code]`` and the article is left out; it never
raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .. import yamlfile
from ..codes import REGISTRY, acceptable, codes_of
from ..diagnostics import Reporter
from ..model import ArticleMeta, Author, SourceText, Span
from ..textcheck import describe_character, forbidden_character, is_safe_url
from ..workers import map_reported
from ..yamlfile import describe

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# A received text is broken into lines or paragraphs; one line this long means a
# conversion that lost its line breaks (or a file that is not an article at all).
MAX_LINE_CHARS = 20_000

BOM = "\ufeff"

# Diagnostic codes this stage reports.
SOURCE_UNREADABLE = "source-unreadable"
SOURCE_EMPTY = "source-empty"
SOURCE_BINARY = "source-binary"
SOURCE_ENCODING = "source-encoding"
SOURCE_LINE_TOO_LONG = "source-line-too-long"
SOURCES_MISSING = "sources-missing"
SLUG_INVALID = "slug-invalid"
SLUG_DUPLICATE = "slug-duplicate"
META_MISSING = "meta-missing"
META_YAML = "meta-yaml"
META_NOT_MAPPING = "meta-not-mapping"
META_UNKNOWN_KEY = "meta-unknown-key"
META_DUPLICATE_KEY = "meta-duplicate-key"
META_MISSING_KEY = "meta-missing-key"
META_TYPE = "meta-type"
META_VALUE = "meta-value"
META_SLUG_MISMATCH = "meta-slug-mismatch"
SOURCE_CHARACTER = "source-character"  # a character no text may hold (reserved or control)
META_URL = "meta-url"  # an address whose scheme a reader's browser must not follow
META_INTERNAL = "meta-internal-reference"  # reader-facing text names a file or a line

# What a reader-facing value of meta.yml (its editorial notes, note and provenance, which
# the pages print) must not name: a file of the project ("sources/README-received.md",
# "article.txt") or a line of one ("line 17"), which readers never see.  Those belong in
# a YAML comment beside the value, for maintainers.
INTERNAL_REFERENCE = re.compile(
    r"(?<![\w./-])(?:sources|bib|tests|scripts|docs|glossary|timeline|teaching)/"
    r"|\b[\w-]+\.(?:txt|ya?ml|bib|tsv|py)\b|\bREADME\b|\blines? \d+\b"
)
READER_FACING = ("editorial", "note", "provenance")

CODES = codes_of("ingest.sources")  # the registry (codes.py) holds their meanings

# The keys of meta.yml, in the order the files give them.  Every key but ``slug`` is a
# field of ``ArticleMeta`` (a test keeps the two in step).
META_KEYS: tuple[str, ...] = (
    "slug",
    "title",
    "authors",
    "venue",
    "volume",
    "issue",
    "pages",
    "year",
    "doi",
    "url",
    "license",
    "license_url",
    "keywords",
    "abstract",
    "kind",
    "language",
    "citation_style",
    "note",
    "provenance",
    "accept",
    "editorial",
)
REQUIRED_KEYS = ("title", "authors")
AUTHOR_KEYS = ("name", "affiliation", "email", "orcid")
KINDS = ("article", "commentary")
CITATION_STYLES = ("author-date", "numeric", "none")

# A meta.yml value checker: (key for messages, value, its YAML node) -> checked value.
Converter = Callable[[str, Any, yaml.Node], Any]

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
EMAIL_RE = re.compile(r"^[^@\s<>\"'(),;:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


# ---------------------------------------------------------------- discovery


def discover(root: Path, reporter: Reporter) -> list[SourceText]:
    """Load every ``root/sources/<slug>/article.txt`` with its meta.yml, sorted by slug.

    Folders whose name is not a valid slug, or which collide with another folder's slug
    when case is ignored, are reported and skipped; so is any article that fails to load.
    Files directly under ``sources/`` (such as a README) and hidden folders are ignored.
    """
    sources_dir = root / "sources"
    if not sources_dir.is_dir():
        reporter.error(
            Span("sources", 1),
            "missing: the reader needs a sources/ folder with one <slug>/ folder per article",
            SOURCES_MISSING,
        )
        return []
    folders = sorted(
        (p for p in sources_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    seen: dict[str, Path] = {}
    firsts: list[tuple[Path, Path | None]] = []  # each folder, and the one it repeats
    for folder in folders:
        firsts.append((folder, seen.get(folder.name.lower())))
        seen.setdefault(folder.name.lower(), folder)

    def one(pair: tuple[Path, Path | None], reporter: Reporter) -> SourceText | None:
        folder, first = pair
        text_span = Span(_rel(folder / "article.txt", root), 1)
        if first is not None:
            reporter.error(
                text_span,
                f"duplicate slug: folder {folder.name!r} names the same article as "
                f"{_rel(first, root)}/ (slugs are compared without case)",
                SLUG_DUPLICATE,
            )
            return None
        if not SLUG_RE.match(folder.name):
            reporter.error(
                text_span,
                f"invalid slug {folder.name!r}: a folder under sources/ is named with "
                "lowercase letters, digits and single hyphens, e.g. 'zhang-2023'",
                SLUG_INVALID,
            )
            return None
        return load_source(folder, root, reporter)

    # a folder's checks and loading depend on that folder alone: on every core
    return [s for s in map_reported(one, firsts, reporter) if s is not None]


def load_source(slug_dir: Path, root: Path, reporter: Reporter) -> SourceText | None:
    """Read one article folder: its text and its meta.yml.

    Reports every problem found in either file and returns ``None`` if there was one.
    """
    slug = slug_dir.name
    text_path = slug_dir / "article.txt"
    rel = _rel(text_path, root)
    lines: tuple[str, ...] | None = None
    if text_path.is_dir():
        reporter.error(
            Span(rel, 1),
            "not a file: article.txt is a folder; the article's text must be a plain "
            "UTF-8 file named article.txt",
            SOURCE_UNREADABLE,
        )
    elif not text_path.is_file():
        reporter.error(
            Span(rel, 1),
            "missing: every article folder needs its text as article.txt",
            SOURCE_UNREADABLE,
        )
    else:
        lines = read_text_lines(text_path, rel, reporter)
    meta = load_meta(slug_dir / "meta.yml", slug, root, reporter)
    if lines is None or meta is None:
        return None
    return SourceText(slug=slug, path=rel, lines=lines, meta=meta)


# ---------------------------------------------------------------- article text


def read_text_lines(path: Path, rel: str, reporter: Reporter) -> tuple[str, ...] | None:
    """The lines of an article text, or ``None`` after reporting why it cannot be used."""
    text = _read_utf8(path, rel, reporter, kind="article text")
    if text is None:
        return None
    if not text.strip():
        reporter.error(Span(rel, 1), "empty: the article text has no content", SOURCE_EMPTY)
        return None
    lines = split_lines(text)
    for number, line in enumerate(lines, start=1):
        bad = forbidden_character(line, allowed="\t\f")
        if bad is not None:
            why = describe_character(bad[1], allowed="tab and form feed")
            reporter.error(
                Span(rel, number), f"line {number}, column {bad[0] + 1}: {why}", SOURCE_CHARACTER
            )
            return None
        if len(line) > MAX_LINE_CHARS:
            reporter.error(
                Span(rel, number),
                f"line {number} is {len(line):,} characters long; the cleaner expects text "
                f"broken into lines or paragraphs (at most {MAX_LINE_CHARS:,} characters "
                "a line)",
                SOURCE_LINE_TOO_LONG,
            )
            return None
    return lines


def split_lines(text: str) -> tuple[str, ...]:
    """Split on LF, CRLF or CR only (as editors and ``grep -n`` count lines).

    ``str.splitlines`` is not used: it also breaks at form feeds, U+2028 and other
    characters a conversion may leave inside a line, which would shift line numbers.
    A final line end does not start another line.
    """
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = normalized.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


def _read_utf8(path: Path, rel: str, reporter: Reporter, kind: str) -> str | None:
    """Decode a file as UTF-8 (a leading BOM dropped), or report why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        reporter.error(Span(rel, 1), f"cannot read the {kind}: {exc.strerror}", SOURCE_UNREADABLE)
        return None
    if data.startswith(BOM.encode("utf-8")):
        data = data[len(BOM.encode("utf-8")) :]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # What Windows editors save as "Unicode"; it would otherwise read as binary.
        reporter.error(
            Span(rel, 1),
            f"not UTF-8: the {kind} is UTF-16 (it starts with a UTF-16 byte-order mark); "
            "save it as UTF-8",
            SOURCE_ENCODING,
        )
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line, _ = _position(data, nul)
        reporter.error(
            Span(rel, line),
            f"binary file: NUL byte on line {line}; the {kind} must be plain UTF-8 text",
            SOURCE_BINARY,
        )
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        reporter.error(
            Span(rel, line),
            f"not UTF-8: byte 0x{data[exc.start]:02X} at line {line}, column {column} "
            f"cannot be decoded; save the {kind} as UTF-8",
            SOURCE_ENCODING,
        )
        return None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset`` (which may start bad UTF-8)."""
    before = data[:offset].decode("utf-8", errors="replace")
    before = before.replace("\r\n", "\n").replace("\r", "\n")
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - line_start + 1


# ---------------------------------------------------------------- meta.yml


def load_meta(path: Path, slug: str, root: Path, reporter: Reporter) -> ArticleMeta | None:
    """Read and check ``meta.yml``; report each problem at its line, ``None`` if any."""
    rel = _rel(path, root)
    if not path.is_file():
        reporter.error(
            Span(rel, 1),
            "missing: every article needs a meta.yml next to article.txt",
            META_MISSING,
        )
        return None
    text = _read_utf8(path, rel, reporter, kind="meta.yml")
    if text is None:
        return None
    node, data = _parse_yaml(text, rel, reporter)
    if node is None:
        return None
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        reporter.error(
            Span(rel, _line(node)),
            "meta.yml must be a mapping of keys to values (such as 'title: ...')",
            META_NOT_MAPPING,
        )
        return None
    return _MetaChecker(rel, slug, reporter).check(node, data)


def _parse_yaml(text: str, rel: str, reporter: Reporter) -> tuple[yaml.Node | None, Any]:
    """The YAML document's node tree (for line numbers) and its Python value, read by
    the one YAML loader (limits, tags, characters and repeated keys checked there)."""
    if not text.strip():
        reporter.error(Span(rel, 1), "empty: meta.yml has no content", META_NOT_MAPPING)
        return None, None
    document = yamlfile.parse(text, rel, reporter, META_YAML, duplicate_code=META_DUPLICATE_KEY)
    if document is None:
        return None, None
    if document.root is None:  # only comments
        reporter.error(Span(rel, 1), "empty: meta.yml has no content", META_NOT_MAPPING)
    return document.root, document.value


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _pairs(node: yaml.MappingNode) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key text, key node, value node) for each entry of a mapping node."""
    return [(str(k.value), k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


class _MetaChecker:
    """Checks one meta.yml's values against the schema, reporting at each value's line."""

    def __init__(self, rel: str, slug: str, reporter: Reporter) -> None:
        self.rel = rel
        self.slug = slug
        self.reporter = reporter
        self.ok = True

    def error(self, line: int, message: str, code: str) -> None:
        self.ok = False
        self.reporter.error(Span(self.rel, line), message, code)

    def check(self, node: yaml.MappingNode, data: dict[Any, Any]) -> ArticleMeta | None:
        nodes = self._keys(node)
        for key in REQUIRED_KEYS:
            if data.get(key) is None:
                self.error(
                    _line(node),
                    f"missing key {key!r}: every meta.yml gives {' and '.join(REQUIRED_KEYS)}",
                    META_MISSING_KEY,
                )

        def value(key: str, convert: Converter, default: Any = None) -> Any:
            if key not in nodes or data.get(key) is None:
                return default
            return convert(key, data[key], nodes[key])

        slug = value("slug", self.text)
        if slug is not None and slug != self.slug:
            self.error(
                _line(nodes["slug"]),
                f"slug {slug!r} differs from the folder name {self.slug!r}",
                META_SLUG_MISMATCH,
            )
        fields = self._fields(value)
        self._check_reader_facing(nodes)
        for key in fields["provenance"]:
            if fields.get(key) in (None, (), {}):
                self.error(
                    _line(nodes["provenance"]),
                    f"provenance given for {key!r}, but meta.yml gives no {key}",
                    META_VALUE,
                )
        if not self.ok:
            return None
        return ArticleMeta(slug=self.slug, span=Span(self.rel, 1), **fields)

    def _check_reader_facing(self, nodes: dict[str, yaml.Node]) -> None:
        """Warn where a value the pages print names a project file or a source line
        (``INTERNAL_REFERENCE``): readers see where a fact comes from in their terms
        ("the journal's article page", "the running footer")."""
        todo = [nodes[k] for k in READER_FACING if k in nodes]
        seen: set[int] = set()  # a node an alias repeats is checked once
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.SequenceNode):
                todo += node.value
            elif isinstance(node, yaml.MappingNode):
                todo += [v for _, v in node.value]
            elif isinstance(node, yaml.ScalarNode):
                found = INTERNAL_REFERENCE.search(str(node.value))
                if found:
                    self.reporter.warning(
                        Span(self.rel, _line(node)),
                        f"text for readers names {found.group()!r}, a file or line "
                        "they never see: say where it comes from in their terms and put "
                        "the file or line in a YAML comment",
                        META_INTERNAL,
                    )

    def _keys(self, node: yaml.MappingNode) -> dict[str, yaml.Node]:
        """The value node of each key; keys that are not plain words, repeated or
        unknown are reported."""
        nodes: dict[str, yaml.Node] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(_line(key_node), "a key must be a plain word", META_UNKNOWN_KEY)
                continue
            key = str(key_node.value)
            if key in first_line:
                self.error(
                    _line(key_node),
                    f"duplicate key {key!r} (first given on line {first_line[key]})",
                    META_DUPLICATE_KEY,
                )
                continue
            first_line[key] = _line(key_node)
            nodes[key] = value_node
            if key not in META_KEYS:
                self.error(
                    _line(key_node),
                    f"unknown key {key!r}; allowed keys: {', '.join(META_KEYS)}",
                    META_UNKNOWN_KEY,
                )
        return nodes

    def _fields(self, value: Callable[..., Any]) -> dict[str, Any]:
        """ArticleMeta's fields, each read by its converter (``value(key, convert,
        default)``)."""
        fields: dict[str, Any] = {
            "title": value("title", self.text),
            "authors": value("authors", self.authors, ()),
            "year": value("year", self.year),
            "keywords": value("keywords", self.text_list, ()),
            "provenance": value("provenance", self.provenance, {}),
            "accept": value("accept", self.accept_list, ()),
            "editorial": value("editorial", self.text_list, ()),
            "doi": value("doi", self.doi),
            "kind": value("kind", self.choice(KINDS), "article"),
            "language": value("language", self.text, "en"),
            "citation_style": value("citation_style", self.choice(CITATION_STYLES)),
        }
        for key in ("venue", "license", "abstract", "note"):
            fields[key] = value(key, self.text)
        for key in ("url", "license_url"):
            fields[key] = value(key, self.link)
        for key in ("volume", "issue", "pages"):
            fields[key] = value(key, self.label)
        return fields

    # Converters: each takes the key (for messages), the constructed value and its node
    # (for the line).

    def text(self, key: str, value: Any, node: yaml.Node) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.error(_line(node), f"{key}: expected text, found {describe(node)}", META_TYPE)
            return None
        return value

    def link(self, key: str, value: Any, node: yaml.Node) -> str | None:
        """An address a reader may follow: http(s) only (``javascript:``, ``data:``,
        ``file:`` and relative addresses are refused)."""
        url = self.text(key, value, node)
        if url is not None and not is_safe_url(url, schemes=("http", "https")):
            self.error(
                _line(node),
                f"{key}: {_shown(url)} is not an http:// or https:// address",
                META_URL,
            )
            return None
        return url

    def label(self, key: str, value: Any, node: yaml.Node) -> str | None:
        """Volume, issue, pages: text, though YAML reads ``volume: 12`` as a number."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.text(key, value, node)

    def year(self, key: str, value: Any, node: yaml.Node) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(_line(node), f"{key}: expected a number, found {describe(node)}", META_TYPE)
            return None
        if not 1000 <= value <= 9999:
            self.error(_line(node), f"{key}: {value} is not a four-digit year", META_VALUE)
            return None
        return value

    def doi(self, key: str, value: Any, node: yaml.Node) -> str | None:
        doi = self.text(key, value, node)
        if doi is not None and not DOI_RE.match(doi):
            self.error(
                _line(node),
                f"{key}: {doi!r} is not a bare DOI; give it as 10.<prefix>/<suffix>, "
                "without https://doi.org/",
                META_VALUE,
            )
            return None
        return doi

    def choice(self, allowed: tuple[str, ...]) -> Converter:
        def convert(key: str, value: Any, node: yaml.Node) -> str | None:
            if value not in allowed:
                self.error(
                    _line(node),
                    f"{key}: {value!r} is not one of: {', '.join(allowed)}",
                    META_VALUE,
                )
                return None
            return str(value)

        return convert

    def text_list(self, key: str, value: Any, node: yaml.Node) -> tuple[str, ...]:
        if not isinstance(value, list) or not isinstance(node, yaml.SequenceNode):
            self.error(
                _line(node), f"{key}: expected a list of text, found {describe(node)}", META_TYPE
            )
            return ()
        pairs = zip(value, node.value, strict=True)
        items = [self.text(key, item, item_node) for item, item_node in pairs]
        return tuple(item for item in items if item is not None)

    def accept_list(self, key: str, value: Any, node: yaml.Node) -> tuple[str, ...]:
        """The codes of ``accept:``; each must be a registered, acceptable code."""
        codes = self.text_list(key, value, node)
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        lines = {
            str(item.value): _line(item) for item in items if isinstance(item, yaml.ScalarNode)
        }
        for code in codes:
            if code not in REGISTRY:
                why = "is not a diagnostic code (python -m csto_reader codes lists them)"
            elif not REGISTRY[code].acceptable:
                why = "may not be accepted; acceptable: " + ", ".join(sorted(acceptable()))
            else:
                continue
            self.error(lines.get(code, _line(node)), f"{key}: {code!r} {why}", META_VALUE)
        return codes

    def provenance(self, key: str, value: Any, node: yaml.Node) -> dict[str, str]:
        if not isinstance(value, dict) or not isinstance(node, yaml.MappingNode):
            self.error(
                _line(node),
                f"provenance: expected a mapping of field to source, found {describe(node)}",
                META_TYPE,
            )
            return {}
        result: dict[str, str] = {}
        for field, key_node, value_node in _pairs(node):
            if field not in META_KEYS or field in ("slug", "provenance"):
                self.error(
                    _line(key_node), f"provenance for unknown field {field!r}", META_UNKNOWN_KEY
                )
                continue
            source = self.text(f"provenance: {field}", value.get(field), value_node)
            if source is not None:
                result[field] = source
        return result

    def authors(self, key: str, value: Any, node: yaml.Node) -> tuple[Author, ...]:
        if not isinstance(value, list) or not isinstance(node, yaml.SequenceNode) or not value:
            self.error(
                _line(node),
                f"{key}: expected a list of mappings with a name, found {describe(node)}",
                META_TYPE,
            )
            return ()
        authors: list[Author] = []
        for item, item_node in zip(value, node.value, strict=True):
            if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
                self.error(
                    _line(item_node),
                    f"author: expected a mapping with a name, found {describe(item_node)}",
                    META_TYPE,
                )
                continue
            parts: dict[str, str | None] = {}
            lines: dict[str, int] = {}
            for part, key_node, value_node in _pairs(item_node):
                lines[part] = _line(value_node)
                if part not in AUTHOR_KEYS:
                    self.error(
                        _line(key_node),
                        f"unknown author key {part!r}; allowed keys: {', '.join(AUTHOR_KEYS)}",
                        META_UNKNOWN_KEY,
                    )
                elif item.get(part) is not None:
                    parts[part] = self.text(f"author {part}", item[part], value_node)
            name = parts.get("name")
            if name is None:
                if "name" not in parts:
                    self.error(_line(item_node), "author: missing key 'name'", META_MISSING_KEY)
                continue
            email = parts.get("email")
            if email is not None and not EMAIL_RE.match(email):
                self.error(
                    lines["email"],
                    f"author email: {_shown(email)} is not an address of the form name@host",
                    META_VALUE,
                )
            orcid = parts.get("orcid")
            if orcid is not None and not ORCID_RE.match(orcid):
                self.error(
                    lines["orcid"],
                    f"author orcid: {orcid!r} is not the bare form 0000-0000-0000-0000",
                    META_VALUE,
                )
            authors.append(
                Author(
                    name=name,
                    affiliation=parts.get("affiliation"),
                    email=email,
                    orcid=orcid,
                )
            )
        return tuple(authors)


def _shown(text: str) -> str:
    """``text`` quoted for a message, shortened to 60 characters."""
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")


def _rel(path: Path, root: Path) -> str:
    """``path`` as messages show it: relative to the project root, with slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
