"""The one YAML loader: limits, refused tags and characters, repeated keys, line numbers,
and the typed access the stages read their files with."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from csto_reader import yamlfile
from csto_reader.diagnostics import Reporter


def parse(text: str, **kw: str) -> tuple[yamlfile.Document | None, list[str]]:
    reporter = Reporter(check_codes=False)  # made-up codes: the loader takes its caller's
    document = yamlfile.parse(text, "f.yml", reporter, "x-yaml", **kw)
    return document, [d.format() for d in reporter.diagnostics]


def refused(text: str, **kw: str) -> list[str]:
    document, messages = parse(text, **kw)
    assert document is None and messages, messages
    return messages


def alias_bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        this, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{this}: &{this} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- what is read


def test_a_plain_document_gives_nodes_and_values() -> None:
    document, messages = parse("\ufefftitle: A\nyears: [1992, 2002]\nwhen: 2022-01-05\n")
    assert messages == []
    assert document is not None and isinstance(document.root, yaml.MappingNode)
    assert document.value["title"] == "A" and document.value["years"] == [1992, 2002]
    assert str(document.value["when"]) == "2022-01-05"
    assert yamlfile.line_of(document.root.value[1][1]) == 2


def test_an_empty_document_has_no_root() -> None:
    for text in ("", "# only a comment\n"):
        document, messages = parse(text)
        assert messages == [] and document is not None and document.root is None


def test_an_alias_within_the_budget_is_read() -> None:
    document, messages = parse("venue: &v Journal\nalso: *v\n")
    assert messages == [] and document is not None
    assert document.value == {"venue": "Journal", "also": "Journal"}


# ---------------------------------------------------------------- limits


def test_an_alias_bomb_is_refused_quickly() -> None:
    start = time.perf_counter()
    messages = refused(alias_bomb())
    assert time.perf_counter() - start < 0.5
    # a: 10 values, b: 91, c: 820, d: 7,381, e: 66,430, f (line 6): 597,871
    assert messages == [
        "f.yml:6: error: too many values: more than 100,000 once its aliases are expanded "
        "(an alias bomb?) [x-yaml]"
    ]


def test_a_recursive_alias_is_refused() -> None:
    assert refused("a: &x\n  - *x\n") == [
        "f.yml:2: error: alias *x refers to a node that contains it [x-yaml]"
    ]


@pytest.mark.parametrize("depth", [51, 5_000, 100_000])
def test_deep_flow_nesting_is_refused_at_its_line(depth: int) -> None:
    start = time.perf_counter()
    messages = refused("a: 1\nb: " + "[" * depth + "]" * depth + "\n")
    assert time.perf_counter() - start < 2
    assert messages == [
        "f.yml:2: error: too deeply nested: more than 50 levels of lists and mappings [x-yaml]"
    ]


def test_deep_block_nesting_is_refused_at_the_line_too_deep() -> None:
    text = "x:\n" + "".join("  " * level + "- \n" for level in range(1, 80))
    assert refused(text)[0].startswith("f.yml:51: error: too deeply nested")


def test_fifty_levels_are_allowed() -> None:
    document, messages = parse("[" * 49 + "]" * 49 + "\n")  # with the document: 49 levels
    assert messages == [] and document is not None


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yml"
    path.write_text("a: " + "x" * yamlfile.MAX_BYTES + "\n", encoding="utf-8")
    reporter = Reporter(check_codes=False)  # made-up codes: the loader takes its caller's
    assert yamlfile.load(path, "big.yml", reporter, "x-yaml") is None
    assert [d.format() for d in reporter.diagnostics] == [
        f"big.yml:1: error: the file is {yamlfile.MAX_BYTES + 4:,} bytes; a YAML data file "
        f"may hold at most {yamlfile.MAX_BYTES:,} [x-yaml]"
    ]
    assert refused("a: " + "x" * yamlfile.MAX_BYTES)[0].startswith("f.yml:1: error: the file is")


# ---------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "a: 1\nb: !!python/object/apply:os.system ['echo no']\n",
            "!!python/object/apply:os.system",
        ),
        ("a: 1\nb: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: 1\nb: !include other.yml\n", "!include"),
        ("a: 1\nb: !!binary aGVsbG8=\n", "!!binary"),
        ("a: 1\nb: !!set {x, y}\n", "!!set"),
        ("a: &base {x: 1}\nb:\n  <<: *base\n", "!!merge"),
    ],
)
def test_tags_other_than_the_standard_ones_are_refused(text: str, shown: str) -> None:
    line = 3 if "<<" in text else 2
    assert refused(text) == [
        f"f.yml:{line}: error: unknown YAML tag {shown!r}: data files use only text, numbers, "
        "true/false, null, dates, lists and mappings [x-yaml]"
    ]


def test_explicit_standard_tags_are_read() -> None:
    document, messages = parse("a: !!str 12\nb: !!int '7'\nc: !!null ''\n")
    assert messages == [] and document is not None
    assert document.value == {"a": "12", "b": 7, "c": None}


# ---------------------------------------------------------------- characters

CONTROL = "control character {} in a text (only tab and line ends may be)"
SURROGATE = "lone surrogate {} in a text (an escape for half a character)"
NONCHARACTER = "Unicode noncharacter {} in a text (the pipeline reserves these)"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('a: 1\nb: "x\\0y"\n', 2, CONTROL.format("U+0000")),
        ('a: "x\\ey"\n', 1, CONTROL.format("U+001B")),
        ('a: "x\\x85y"\n', 1, CONTROL.format("U+0085")),
        ('a: 1\nb: "x \\ud800 y"\n', 2, SURROGATE.format("U+D800")),
        ('a: "\\udfff"\n', 1, SURROGATE.format("U+DFFF")),
        ('a: "\\ufdd0"\n', 1, NONCHARACTER.format("U+FDD0")),
        ("a: |\n  one\n  two \ufdef\n", 3, NONCHARACTER.format("U+FDEF")),
        ('a: "\\U0001FFFE"\n', 1, NONCHARACTER.format("U+1FFFE")),
        ("a: x\U0010ffff\n", 1, NONCHARACTER.format("U+10FFFF")),
        ('"k\\x01": v\n', 1, CONTROL.format("U+0001")),
        ("a: 1\nb: x\x07y\n", 2, "malformed YAML: control character U+0007 on line 2"),
        ("a: x\uffff\n", 1, "malformed YAML: character U+FFFF (not allowed in YAML) on line 1"),
    ],
)  # fmt: skip
def test_bad_characters_are_refused_at_their_line(text: str, line: int, message: str) -> None:
    assert refused(text) == [f"f.yml:{line}: error: {message} [x-yaml]"]


def test_tabs_line_ends_and_private_characters_are_allowed() -> None:
    document, messages = parse('a: "x\\ty\\nz"\nb: "\\u00e9 \\U0001F600"\n')
    assert messages == [] and document is not None
    assert document.value == {"a": "x\ty\nz", "b": "é \U0001f600"}


# ---------------------------------------------------------------- keys and syntax


def test_every_repeated_key_is_reported_under_the_callers_code() -> None:
    messages = refused("a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n", duplicate_code="x-dup")
    assert messages == [
        "f.yml:3: error: duplicate key 'a' (first given on line 1) [x-dup]",
        "f.yml:6: error: duplicate key 'd' (first given on line 5) [x-dup]",
    ]


def test_the_same_text_as_a_number_and_as_a_string_are_different_keys() -> None:
    document, messages = parse("1: a\n'1': b\n")
    assert messages == [] and document is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: b: c\n", "f.yml:1: error: malformed YAML: mapping values are not allowed here"),
        ("a: 1\nb: [1\n", "f.yml:2: error: malformed YAML: expected ',' or ']', but got"),
        ('a: 1\nb: "open\n', "f.yml:2: error: malformed YAML: found unexpected end of stream"),
        ("a: *nowhere\n", "f.yml:1: error: malformed YAML: found undefined alias 'nowhere'"),
        ("- a\n---\n- b\n", "f.yml:2: error: malformed YAML: but found another document"),
        ("? [a]\n: b\n", "f.yml:1: error: malformed YAML: found unhashable key"),
        ("a: 2022-13-45\n", "f.yml:1: error: cannot read '2022-13-45': month must be in 1..12"),
        ("a: !!int x1\n", "f.yml:1: error: cannot read 'x1': invalid literal for int()"),
        ("a: " + "9" * 5000 + "\n", "f.yml:1: error: cannot read '99999999999999999999999999999"),
    ],
)
def test_syntax_and_unreadable_values_are_reported_at_their_line(text: str, expected: str) -> None:
    messages = refused(text)
    assert messages[0].startswith(expected) and messages[0].endswith("[x-yaml]"), messages


# ---------------------------------------------------------------- reading files


def test_a_file_is_read_as_utf8_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_bytes(b"\xef\xbb\xbfa: caf\xc3\xa9\n")
    reporter = Reporter(check_codes=False)  # made-up codes: the loader takes its caller's
    document = yamlfile.load(path, "a.yml", reporter, "x-yaml")
    assert document is not None and document.value == {"a": "café"}


def test_bad_bytes_are_reported_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_bytes(b"a: 1\r\nb: caf\xe9\n")
    reporter = Reporter(check_codes=False)  # made-up codes: the loader takes its caller's
    assert yamlfile.load(path, "a.yml", reporter, "x-yaml") is None
    assert [d.format() for d in reporter.diagnostics] == [
        "a.yml:2: error: not UTF-8: byte 0xE9 at line 2, column 7 cannot be decoded; "
        "save the file as UTF-8 [x-yaml]"
    ]


def test_a_folder_where_the_file_belongs_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yml").mkdir()
    reporter = Reporter(check_codes=False)  # made-up codes: the loader takes its caller's
    assert yamlfile.load(tmp_path / "a.yml", "a.yml", reporter, "x-yaml") is None
    assert reporter.diagnostics[0].format().startswith("a.yml:1: error: cannot read the file:")


# ---------------------------------------------------------------- typed access


COURSE = """\
reading:
  - slug: x
    minutes: 12
  - just text
questions: 5
flag: yes
tags: [a, 3, b]
"""


def typed_course() -> tuple[yamlfile.Typed, dict[str, yaml.Node], Reporter]:
    document, messages = parse(COURSE)
    assert document is not None and messages == []
    reporter = Reporter(check_codes=False)  # made-up codes: the loader takes its caller's
    typed = yamlfile.Typed("course.yml", reporter, "x-type", unknown_code="x-key")
    fields = typed.mapping(document.root, "course.yml")
    assert fields is not None
    return typed, fields, reporter


def test_typed_access_reports_each_wrong_value_at_its_line() -> None:
    typed, fields, reporter = typed_course()
    items = typed.sequence(fields["reading"], "reading", "mappings")
    assert items is not None
    first = typed.mapping(items[0], "reading item", ("slug",), ("minutes",))
    assert first is not None
    assert typed.text(first["slug"], "slug") == "x"
    assert typed.integer(first["minutes"], "minutes", minimum=1) == 12
    assert typed.text(first["minutes"], "minutes") is None
    assert typed.mapping(items[1], "reading item") is None
    assert typed.sequence(fields["questions"], "questions", "mappings") is None
    assert typed.mapping(fields["questions"], "questions") is None
    assert typed.boolean(fields["flag"], "flag") is True
    assert typed.texts(fields["tags"], "tags") == [
        ("a", fields["tags"].value[0]),
        ("b", fields["tags"].value[2]),
    ]
    assert [d.format() for d in reporter.diagnostics] == [
        "course.yml:3: error: minutes: expected text, found a number (12) [x-type]",
        "course.yml:4: error: reading item: expected a mapping, found text ('just text') [x-type]",
        "course.yml:5: error: questions: expected a list of mappings, found a number (5) [x-type]",
        "course.yml:5: error: questions: expected a mapping, found a number (5) [x-type]",
        "course.yml:7: error: tags item: expected text, found a number (3) [x-type]",
    ]  # fmt: skip


def test_typed_mapping_reports_unknown_and_missing_keys() -> None:
    typed, fields, reporter = typed_course()
    items = typed.sequence(fields["reading"], "reading")
    assert items is not None
    assert typed.mapping(items[0], "a reading", ("slug", "why"), ()) is None
    assert [d.format() for d in reporter.diagnostics] == [
        "course.yml:3: error: unknown key 'minutes' in a reading (allowed: slug, why) [x-key]",
        "course.yml:2: error: a reading has no 'why' [x-type]",
    ]


def test_typed_integer_and_boolean_refuse_other_kinds() -> None:
    typed, fields, reporter = typed_course()
    assert typed.integer(fields["flag"], "count") is None
    assert typed.boolean(fields["tags"], "flag") is None
    items = typed.sequence(fields["reading"], "reading") or []
    minutes = (typed.mapping(items[0], "r") or {})["minutes"]
    assert typed.integer(minutes, "minutes", minimum=20) is None
    assert [d.format() for d in reporter.diagnostics] == [
        "course.yml:6: error: count: expected a whole number, found true/false (yes) [x-type]",
        "course.yml:7: error: flag: expected true or false, found a list [x-type]",
        "course.yml:3: error: minutes: expected a number of at least 20, found 12 [x-type]",
    ]


# ---------------------------------------------------------------- never raises


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab :-[]{}&*!'\"\\#|>?,\n\t\x00\ud800\ufdd0%@`"), max_size=80)
)
def test_never_raises_on_arbitrary_text(text: str) -> None:
    document, messages = parse(text)
    assert (document is None) == bool(messages)
    assert all(m.startswith("f.yml:") and m.endswith("[x-yaml]") for m in messages), messages


# ---------------------------------------------------------------- libyaml's parser agrees

REPO = Path(__file__).resolve().parents[1]
DATA_FILES = sorted(
    p
    for folder in ("sources", "bib", "glossary", "index", "timeline", "teaching", "tests")
    for p in (REPO / folder).rglob("*.y*ml")
)


def _lines(node: yaml.Node | None) -> object:
    """A node tree as kinds, tags, values and start lines (what the stages read)."""
    if node is None:
        return None
    head = (type(node).__name__, node.tag, yamlfile.line_of(node))
    if isinstance(node, yaml.ScalarNode):
        return (*head, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*head, [_lines(n) for n in node.value])
    return (*head, [(_lines(k), _lines(v)) for k, v in node.value])


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    def read() -> object:
        document, messages = parse(text)
        if document is None:
            return None, messages
        return _lines(document.root), repr(document.value), messages

    fast = read()
    with monkeypatch.context() as m:
        m.setattr(yamlfile, "_parse_fast", lambda _text, _file: None)
        slow = read()
    return fast, slow


def test_the_real_data_files_take_the_fast_path() -> None:
    for rel in ("glossary/terms.yml", "timeline/events.yml", "index/entities.yml"):
        text = (REPO / rel).read_text(encoding="utf-8")
        assert yamlfile._parse_fast(text, rel) is not None, rel


def test_libyaml_and_pyyaml_give_the_same_answers_on_every_data_file(monkeypatch) -> None:
    assert len(DATA_FILES) > 20
    for path in DATA_FILES:
        text = path.read_bytes().decode("utf-8", errors="replace")
        fast, slow = _both(text, monkeypatch)
        assert fast == slow, path


@pytest.mark.parametrize(
    "text",
    [
        "a: >-#x\n  b\n",  # a block scalar header PyYAML refuses and libyaml takes
        "a: |# c\n  b\n",
        "- authors: [A. ?thor]\n",  # PyYAML ends a plain scalar in brackets at "?"
        "a: {b: }\n",
        "a: 1\n?",  # no line end at the end: libyaml puts the empty key a line lower
        "a:\tb\n",
        "a: 1\n\ufeffb: 2\n",  # libyaml skips a byte-order mark at a line start
        "a: 1\u2028b: 2\n",
        "a: 'x\ny'\r\nb: 2\r\n",
        "a: &x [1, *x]\n",
    ],
)
def test_texts_the_parsers_read_differently_get_pyyamls_answer(monkeypatch, text) -> None:
    fast, slow = _both(text, monkeypatch)
    assert fast == slow


def test_mutated_data_files_get_the_same_answers(monkeypatch) -> None:
    """Edits as a hurried hand makes them: a YAML indicator inserted, a character
    deleted or replaced, in the real data files."""
    import random

    rnd = random.Random(15)
    texts = [p.read_text(encoding="utf-8") for p in DATA_FILES[:40]]
    alphabet = list(" :-?[]{},#&*!|>'\"%@`\n\r ab1.")
    for _ in range(300):
        chars = list(rnd.choice(texts)[:2000])
        for _ in range(rnd.randrange(1, 5)):
            at = rnd.randrange(len(chars) + 1)
            if rnd.random() < 0.5 or not chars:
                chars.insert(at, rnd.choice(alphabet))
            else:
                chars[min(at, len(chars) - 1)] = rnd.choice(alphabet)
        text = "".join(chars)
        fast, slow = _both(text, monkeypatch)
        assert fast == slow, text
