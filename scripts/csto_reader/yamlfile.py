"""The one way the pipeline reads YAML: with line numbers, limits and type checks.

Every data file (``meta.yml``, ``bib/corrections.yml``, ``glossary/terms.yml``,
``timeline/*.yml``, ``teaching/course.yml``, ``sources/aliases.yml``) goes through
``load`` (a file) or ``parse`` (text already read).  Both compose the document with the
composer below (PyYAML's, with limits) and return a ``Document``: the node tree, whose
marks give every value its line, and the constructed Python value.  Nothing in a data
file is ever run.  The events come from libyaml's C parser when PyYAML has it (never its
C composer, which recurses without a limit and crashes on deep nesting); a document the C
parser refuses, or one the composer finds a problem in, is read again with the
pure-Python parser, whose messages and lines are the ones reported.  So is a text holding
what the two parsers are known to read differently (a tab, a byte-order mark inside it, a
character PyYAML refuses, no line end at the end, an unusual block scalar header, an
indicator in a plain scalar inside brackets): the C path serves only documents both read
alike, to the line of every value (``tests/test_yamlfile.py`` compares the two).

A document is refused, with ``file:line: error: ... [code]`` and ``None``, when:

* it is not UTF-8, is larger than ``MAX_BYTES`` or is not well-formed YAML;
* it nests deeper than ``MAX_DEPTH``, or holds more than ``MAX_NODES`` values once its
  aliases are expanded (an alias bomb is refused while it is read, before anything
  expands it), or an alias refers to a node that contains it;
* it uses a tag other than the standard ones (text, number, true/false, null, date,
  list, mapping): ``!!python/...``, ``!!binary``, ``!custom`` and the merge key ``<<``;
* a mapping repeats a key;
* a text holds a control character (tab and line end aside), a lone surrogate (a
  ``"\\ud800"`` escape) or a Unicode noncharacter, which the pipeline keeps for itself.

The caller names the code these problems are reported under (its file's ``*-yaml`` code),
so each stage keeps owning the codes of its files.  ``Typed`` then reads the tree with a
type check per field, each wrong value reported at its own line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    HAVE_LIBYAML = False

from .diagnostics import Reporter
from .model import Span
from .textcheck import describe_character, forbidden_character

MAX_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_NODES = 100_000

BOM = "\ufeff"
_STD = "tag:yaml.org,2002:"
STANDARD_TAGS = frozenset(
    _STD + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)


_FAILED = object()  # a value that could not be constructed (already reported)


@dataclass(frozen=True)
class Document:
    """A composed YAML file: ``root`` is ``None`` for an empty document."""

    file: str
    root: yaml.Node | None
    value: Any


class _Refused(Exception):
    """A limit was hit while composing: stop at once."""

    def __init__(self, mark: Any, message: str) -> None:  # a Mark of PyYAML or libyaml
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else 1
        self.message = message


def line_of(node: yaml.Node | None) -> int:
    """The 1-based line a node starts on (1 without a node)."""
    return node.start_mark.line + 1 if node is not None else 1


# ---------------------------------------------------------------- reading


def load(
    path: Path, file: str, reporter: Reporter, code: str, *, duplicate_code: str | None = None
) -> Document | None:
    """Read ``path`` (shown as ``file``) and compose it; ``None`` after reporting."""
    text = read_text(path, file, reporter, code)
    if text is None:
        return None
    return parse(text, file, reporter, code, duplicate_code=duplicate_code)


def read_text(path: Path, file: str, reporter: Reporter, code: str) -> str | None:
    """The file as text (UTF-8, a leading BOM dropped), or ``None`` after reporting."""
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_BYTES else b""
    except OSError as exc:
        reporter.error(Span(file, 1), f"cannot read the file: {exc.strerror}", code)
        return None
    if size > MAX_BYTES:
        reporter.error(Span(file, 1), _too_big(size), code)
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8", errors="replace")
        before = before.replace("\r\n", "\n").replace("\r", "\n")
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        reporter.error(
            Span(file, line),
            f"not UTF-8: byte 0x{data[exc.start]:02X} at line {line}, column {column} "
            "cannot be decoded; save the file as UTF-8",
            code,
        )
        return None


def _too_big(size: int) -> str:
    return f"the file is {size:,} bytes; a YAML data file may hold at most {MAX_BYTES:,}"


def parse(
    text: str, file: str, reporter: Reporter, code: str, *, duplicate_code: str | None = None
) -> Document | None:
    """Compose and construct ``text``; ``None`` after reporting every problem found."""
    text = text.removeprefix(BOM)
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        reporter.error(Span(file, 1), _too_big(size), code)
        return None
    fast = _parse_fast(text, file)
    if fast is not None:
        return fast
    loader: _Loader | None = None
    value: Any = _FAILED
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        problems = loader.problems
        if not problems:
            value = _construct(loader, root, file, reporter, code)
    except _Refused as exc:
        reporter.error(Span(file, exc.line), exc.message, code)
        return None
    except yaml.reader.ReaderError as exc:
        line = _line_at(text, exc.position)
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        what = f"control character U+{char:04X}" if char < 0xA0 else f"character U+{char:04X}"
        if char >= 0xA0:
            what += " (not allowed in YAML)"
        reporter.error(Span(file, line), f"malformed YAML: {what} on line {line}", code)
        return None
    except yaml.MarkedYAMLError as exc:
        reporter.error(Span(file, _error_line(exc, text)), _syntax_message(exc), code)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises the marked kinds
        reporter.error(Span(file, 1), f"malformed YAML: {exc}", code)
        return None
    finally:
        if loader is not None:
            loader.dispose()
    for line, message, is_duplicate in sorted(problems, key=lambda p: p[0]):
        reporter.error(
            Span(file, line), message, (duplicate_code or code) if is_duplicate else code
        )
    if problems or value is _FAILED:
        return None
    return Document(file, root, value)


# What the pure-Python reader refuses (PyYAML's own test), and what libyaml is known to
# read otherwise or might count lines of otherwise: a tab (libyaml allows it in more
# places), a byte-order mark inside the text (libyaml skips one at the start of any
# line), and the Unicode line ends beyond LF and CR.
_SLOW_TEXT = re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern + "|[\t\ufeff\x85\u2028\u2029]")
_FLOW_INDICATOR = re.compile(r"[,?\[\]{}:#]")
# A block scalar's header line from its tag or anchor on: ``|``, ``>-``, ``|2 # note``.
_BLOCK_HEADER = re.compile(
    r"(?:[!&][^ \r\n]*[ ]+)*[|>](?:[1-9][+-]?|[+-][1-9]?)?(?:[ ]+(?:#.*)?)?\r?"
)


def _parse_fast(text: str, file: str) -> Document | None:
    """The document read through libyaml's parser, or ``None`` when that path has no
    answer: no libyaml, a text it may read differently, or any problem at all (then the
    pure-Python path reads it again and reports)."""
    if not HAVE_LIBYAML or _SLOW_TEXT.search(text) or not text.endswith("\n"):
        return None
    loader = None
    try:
        loader = _FastLoader(text)
        root = loader.get_single_node()
        if loader.problems:
            return None
        value = loader.construct_document(root) if root is not None else None
    except Exception:  # noqa: BLE001 - any refusal is the slow path's to report
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return Document(file, root, value)


# What PyYAML's constructors raise on a tagged scalar they cannot read: "!!timestamp x"
# AttributeError, "!!int" with no digits IndexError, "!!bool x" KeyError, "!!int 1e9"
# ValueError.  All of them are input errors here.
_CONSTRUCTOR_ERRORS = (ValueError, TypeError, OverflowError, AttributeError, IndexError, KeyError)


def _construct(
    loader: yaml.SafeLoader, root: yaml.Node | None, file: str, reporter: Reporter, code: str
) -> Any:
    """The Python value of the tree; a scalar that cannot be read (``2022-13-45``, an
    ``!!int`` that is no number) is reported at its line."""
    if root is None:
        return None
    try:
        return loader.construct_document(root)
    except _CONSTRUCTOR_ERRORS as exc:
        node = _unreadable_scalar(root)
        shown = _short(repr(node.value)) if node is not None else "a value"
        message = f"cannot read {shown}: {_short(str(exc), 80)}"
        reporter.error(Span(file, line_of(node)), message, code)
        return _FAILED


def _unreadable_scalar(root: yaml.Node) -> yaml.ScalarNode | None:
    constructor = yaml.SafeLoader("")
    for node in _walk(root):
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except (*_CONSTRUCTOR_ERRORS, yaml.YAMLError):
                return node
    return None


def _walk(root: yaml.Node) -> Iterable[yaml.Node]:
    """Every distinct node of a tree (an aliased node once)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))


def _line_at(text: str, position: int) -> int:
    """The 1-based line of character ``position`` (LF, CRLF or CR ends a line)."""
    return text[:position].replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def _error_line(exc: yaml.MarkedYAMLError, text: str) -> int:
    """The line to blame: where YAML found the problem, unless that is the end of the
    file (an unclosed quote or bracket), where the line that opened it is more useful."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return 1
    at_end = not text[mark.index :].strip()
    if at_end and exc.context_mark is not None:
        mark = exc.context_mark
    lines = text.replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n").count("\n") + 1
    return min(mark.line + 1, lines)


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    """``malformed YAML: <problem>`` with PyYAML's context and its line, if any."""
    message = f"malformed YAML: {exc.problem or 'cannot be parsed'}"
    if exc.context and exc.context_mark is not None:
        message += f" ({exc.context} on line {exc.context_mark.line + 1})"
    return message


# ---------------------------------------------------------------- composing with limits


class _Limits(Composer):
    """PyYAML's composer, counting depth and expanded size as it goes, refusing
    recursive aliases, and recording bad tags, bad characters and repeated keys.  Mixed
    into a loader before its parser (the pure-Python one or libyaml's)."""

    if TYPE_CHECKING:

        def peek_event(self) -> Any: ...

    def _start(self, text: str) -> None:
        self.text = text
        self.depth = 0
        self.open_anchors: set[str] = set()
        self.sizes: dict[int, int] = {}  # id(node) -> values with aliases expanded
        self.problems: list[tuple[int, str, bool]] = []  # (line, message, is duplicate)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self.open_anchors:
                raise _Refused(
                    event.start_mark, f"alias *{event.anchor} refers to a node that contains it"
                )
            return cast(yaml.Node, super().compose_node(parent, index))
        if self.depth >= MAX_DEPTH:
            raise _Refused(
                event.start_mark,
                f"too deeply nested: more than {MAX_DEPTH} levels of lists and mappings",
            )
        anchor = event.anchor
        self.depth += 1
        if anchor is not None:
            self.open_anchors.add(anchor)
        try:
            node = cast(yaml.Node, super().compose_node(parent, index))
        finally:
            self.depth -= 1
            self.open_anchors.discard(anchor or "")
        self._count(node)
        self._check(node)
        return node

    def _count(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            children = []
        size = 1 + sum(self.sizes[id(child)] for child in children)
        if size > MAX_NODES:
            raise _Refused(
                node.start_mark,
                f"too many values: more than {MAX_NODES:,} once its aliases are expanded "
                "(an alias bomb?)",
            )
        self.sizes[id(node)] = size

    def _check(self, node: yaml.Node) -> None:
        line = line_of(node)
        if node.tag not in STANDARD_TAGS:
            shown = "!!" + node.tag.removeprefix(_STD) if node.tag.startswith(_STD) else node.tag
            self.problems.append(
                (
                    line,
                    f"unknown YAML tag {shown!r}: data files use only text, numbers, "
                    "true/false, null, dates, lists and mappings",
                    False,
                )
            )
        if isinstance(node, yaml.ScalarNode):
            bad = forbidden_character(node.value)
            if bad is not None:
                self.problems.append(
                    (self._char_line(node, bad[1]), describe_character(bad[1]), False)
                )
        elif isinstance(node, yaml.MappingNode):
            self._check_keys(node)

    def _char_line(self, node: yaml.ScalarNode, char: str) -> int:
        """The line of a raw bad character in the source, else the value's first line."""
        source = self.text[node.start_mark.index : node.end_mark.index]
        at = source.find(char)
        return line_of(node) + (source[:at].count("\n") if at >= 0 else 0)

    def _check_keys(self, node: yaml.MappingNode) -> None:
        first: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = (key_node.tag, key_node.value)
            if key in first:
                self.problems.append(
                    (
                        line_of(key_node),
                        f"duplicate key {key_node.value!r} (first given on line {first[key]})",
                        True,
                    )
                )
            else:
                first[key] = line_of(key_node)


class _Loader(_Limits, yaml.SafeLoader):
    """The pure-Python loader: its messages and lines are the ones reported."""

    def __init__(self, text: str) -> None:
        yaml.SafeLoader.__init__(self, text)
        self._start(text)


if HAVE_LIBYAML:

    class _FastLoader(_Limits, CParser, SafeConstructor, Resolver):
        """The same composer on libyaml's events (its marks count characters too)."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)
            self._start(text)
            self.flow = 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
            """Refuse (to the slow path) a plain scalar inside a flow collection holding
            an indicator: PyYAML ends such a scalar at ``?`` and libyaml does not."""
            event = self.peek_event()
            flow = isinstance(event, yaml.CollectionStartEvent) and bool(event.flow_style)
            self.flow += flow
            try:
                node = super().compose_node(parent, index)
            finally:
                self.flow -= flow
            if isinstance(node, yaml.ScalarNode) and self._differs(node):
                raise _Refused(node.start_mark, "read again by the pure-Python parser")
            return node

        def _differs(self, node: yaml.ScalarNode) -> bool:
            """Whether PyYAML may read this scalar otherwise: a plain one in a flow
            collection holding an indicator (PyYAML ends it at ``?``, libyaml does
            not), or a block scalar whose header is not the plain form (libyaml takes
            ``|#`` and ``>-x``, PyYAML refuses them)."""
            if not node.style:  # plain: None from PyYAML, "" from libyaml
                return bool(self.flow and _FLOW_INDICATOR.search(node.value))
            if node.style in "|>":
                start = node.start_mark.index
                end = self.text.find("\n", start)
                return not _BLOCK_HEADER.fullmatch(self.text[start : end if end >= 0 else None])
            return False


# ---------------------------------------------------------------- typed access


def describe(node: yaml.Node | None) -> str:
    """What a node holds, for messages: ``text ('A. Author')``, ``a number (12)``."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if not isinstance(node, yaml.ScalarNode) or node.tag == _STD + "null":
        return "nothing"
    words = {"int": "a number", "float": "a number", "bool": "true/false", "timestamp": "a date"}
    word = words.get(node.tag.removeprefix(_STD), "text")
    return f"{word} ({_short(repr(node.value) if word == 'text' else node.value)})"


def _short(shown: str, limit: int = 40) -> str:
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class Typed:
    """Reads a composed tree field by field: each getter returns the value or ``None``
    after reporting ``<what>: expected ..., found ...`` at the value's own line.

    ``code`` is the code for a wrong type; ``unknown_code`` and ``missing_code`` those for
    an unexpected or a missing key (both default to ``code``)."""

    def __init__(
        self,
        file: str,
        reporter: Reporter,
        code: str,
        *,
        unknown_code: str | None = None,
        missing_code: str | None = None,
    ) -> None:
        self.file = file
        self.reporter = reporter
        self.code = code
        self.unknown_code = unknown_code or code
        self.missing_code = missing_code or code
        self._constructor = yaml.SafeLoader("")

    def span(self, node: yaml.Node | None) -> Span:
        return Span(self.file, line_of(node))

    def error(self, node: yaml.Node | None, message: str, code: str | None = None) -> None:
        self.reporter.error(self.span(node), message, code or self.code)

    def wrong(self, node: yaml.Node, what: str, expected: str) -> None:
        self.error(node, f"{what}: expected {expected}, found {describe(node)}")

    def value(self, node: yaml.Node) -> Any:
        """The constructed value of a node (composed by ``parse``, so it can be built)."""
        return self._constructor.construct_object(node, deep=True)

    def mapping(
        self,
        node: yaml.Node,
        what: str,
        required: Iterable[str] = (),
        optional: Iterable[str] | None = None,
    ) -> dict[str, yaml.Node] | None:
        """Key text -> value node.  With ``optional`` given, a key outside ``required``
        and ``optional`` is reported; a missing required key always is.  ``None`` when
        the node is no mapping or a key was wrong."""
        if not isinstance(node, yaml.MappingNode):
            self.wrong(node, what, "a mapping")
            return None
        required = tuple(required)
        allowed = None if optional is None else set(required) | set(optional)
        out: dict[str, yaml.Node] = {}
        ok = True
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or (allowed is not None and key not in allowed):
                shown = ", ".join(sorted(allowed or ()))
                self.error(
                    key_node,
                    f"unknown key {key!r} in {what}" + (f" (allowed: {shown})" if shown else ""),
                    self.unknown_code,
                )
                ok = False
                continue
            out[key] = value_node
        for key in required:
            if key not in out:
                self.error(node, f"{what} has no {key!r}", self.missing_code)
                ok = False
        return out if ok else None

    def sequence(self, node: yaml.Node, what: str, of: str = "") -> list[yaml.Node] | None:
        """The item nodes of a list (``of`` names the items in the message)."""
        if not isinstance(node, yaml.SequenceNode):
            self.wrong(node, what, f"a list of {of}" if of else "a list")
            return None
        return list(node.value)

    def text(self, node: yaml.Node, what: str, *, allow_empty: bool = False) -> str | None:
        """A string (a YAML ``str`` scalar, not a number or a date), stripped."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STD + "str":
            self.wrong(node, what, "text")
            return None
        value = str(node.value).strip()
        if not value and not allow_empty:
            self.error(node, f"{what}: expected text, found an empty text")
            return None
        return value

    def integer(self, node: yaml.Node, what: str, *, minimum: int | None = None) -> int | None:
        value = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if node.tag != _STD + "int" or not isinstance(value, int):
            self.wrong(node, what, "a whole number")
            return None
        if minimum is not None and value < minimum:
            self.error(node, f"{what}: expected a number of at least {minimum}, found {value}")
            return None
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if node.tag != _STD + "bool" or not isinstance(node, yaml.ScalarNode):
            self.wrong(node, what, "true or false")
            return None
        return bool(self.value(node))

    def texts(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]] | None:
        """A list of strings, each with its node; a wrong item is reported and left out."""
        items = self.sequence(node, what, "text")
        if items is None:
            return None
        out = [(self.text(item, f"{what} item"), item) for item in items]
        return [(value, item) for value, item in out if value is not None]
