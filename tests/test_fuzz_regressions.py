"""Regression tests for what the fuzz test (tests/test_fuzz_pipeline.py) found: each case
is a shrunk input, built by the whole pipeline, which must give the project's own error
report (``BuildError``, every diagnostic one line ``file:line: severity: message [code]``)
or pages, and never another exception.

Each case names, in a comment, the crash it gave when it was found (the module and the
exception); all of them now end in a diagnostic.
"""

from __future__ import annotations

import pytest

from test_fuzz_pipeline import (
    BASE,
    BASE_ARTICLE,
    check_project,
)

META = (BASE / "meta.yml").read_bytes()
WITH_REFERENCES = (
    BASE_ARTICLE + b"\nReferences\n\nSmith, J. (2020). A title. *Journal*, 1(2), 3-4.\n"
)
DEEP = b"[" * 1000 + b"]" * 1000
LATIN1 = b"caf\xe9\n"  # a Latin-1 byte: not UTF-8


def project(**files: bytes) -> dict[str, bytes]:
    """The valid base article, with ``files`` added or replaced (``a__b`` is ``a/b``,
    ``_dot_`` a ".", a trailing "_dir" makes the path a folder)."""
    out = {"sources/x/meta.yml": META, "sources/x/article.txt": BASE_ARTICLE}
    for key, data in files.items():
        rel = key.replace("__", "/").replace("_dot_", ".")
        out[rel.removesuffix("_dir") + ("/" if rel.endswith("_dir") else "")] = data
    return out


def refs(**files: bytes) -> dict[str, bytes]:
    """As ``project``, the article with a one-entry reference list."""
    return {**project(**files), "sources/x/article.txt": files.get("article", WITH_REFERENCES)}


# name -> (files, the crash the input gave when the fuzz test found it).
CASES = {
    "meta-deep-nesting": (
        project(sources__x__meta_dot_yml=b"title: " + DEEP + b"\nauthors:\n  - name: A\n"),
        'sources.py _parse_yaml: RecursionError',
    ),
    "meta-bad-timestamp": (
        project(sources__x__meta_dot_yml=b"title: !!timestamp x\nauthors:\n  - name: A\n"),
        "sources.py _parse_yaml: AttributeError inside PyYAML's timestamp constructor",
    ),
    "meta-bad-int": (
        project(sources__x__meta_dot_yml=b"title: !!int 1e9\nauthors:\n  - name: A\n"),
        "sources.py _parse_yaml: ValueError inside PyYAML's int constructor",
    ),
    "meta-empty-int": (
        project(sources__x__meta_dot_yml=b"title: !!int\nauthors:\n  - name: A\n"),
        "sources.py _parse_yaml: IndexError inside PyYAML's int constructor",
    ),
    "meta-bad-bool": (
        project(sources__x__meta_dot_yml=b"title: !!bool x\nauthors:\n  - name: A\n"),
        "sources.py _parse_yaml: KeyError inside PyYAML's bool constructor",
    ),
    "course-bad-int": (
        project(teaching__course_dot_yml=b"a: !!int 1e9\n"),
        "teaching.py load_course: ValueError inside PyYAML's int constructor",
    ),
    "aliases-bad-int": (
        project(sources__aliases_dot_yml=b"a: !!int 1e9\n"),
        "addresses.py read_aliases: ValueError inside PyYAML's int constructor",
    ),
    "corrections-bad-int": (
        refs(bib__corrections_dot_yml=b"x/smith2020: !!int 1e9\n"),
        "bibliography.py load_corrections: ValueError inside PyYAML's int constructor",
    ),
    "latin1-article-read-by-timeline": (
        project(
            sources__x__article_dot_txt=BASE_ARTICLE + LATIN1, timeline__events_dot_yml=b"[]\n"
        ),
        'timeline.py read_source_lines: UnicodeDecodeError on an article already refused',
    ),
    "events-not-utf8": (
        project(timeline__events_dot_yml=LATIN1),
        'timeline.py _Loader.compose: UnicodeDecodeError',
    ),
    "events-is-a-folder": (
        project(timeline__events_dot_yml_dir=b""),
        'timeline.py _Loader.compose: IsADirectoryError',
    ),
    "events-yaml-error-message-on-several-lines": (
        project(timeline__events_dot_yml=b"[\n"),
        "timeline.py: the malformed-YAML message holds PyYAML's line breaks",
    ),
    "course-deep-nesting": (
        project(teaching__course_dot_yml=b"a: " + DEEP + b"\n"),
        'teaching.py load_course: RecursionError',
    ),
    "course-bad-timestamp": (
        project(teaching__course_dot_yml=b"a: !!timestamp x\n"),
        "teaching.py load_course: AttributeError inside PyYAML's timestamp constructor",
    ),
    "course-not-utf8": (
        project(teaching__course_dot_yml=LATIN1),
        'teaching.py load_course: UnicodeDecodeError',
    ),
    "course-is-a-folder": (
        project(teaching__course_dot_yml_dir=b""),
        'teaching.py load_course: IsADirectoryError',
    ),
    "course-reading-order-a-number": (
        project(teaching__course_dot_yml=b"reading_order: 5\n"),
        "teaching.py render_teaching: TypeError: 'int' object is not iterable",
    ),
    "course-reading-order-item-a-number": (
        project(teaching__course_dot_yml=b"reading_order: [5]\n"),
        "teaching.py render_teaching: AttributeError: 'int' object has no attribute 'get'",
    ),
    "course-terms-first-a-number": (
        project(teaching__course_dot_yml=b"terms_first: 5\n"),
        "teaching.py render_teaching: TypeError: 'int' object is not iterable",
    ),
    "course-questions-a-list": (
        project(teaching__course_dot_yml=b"questions: [1]\n"),
        "teaching.py render_teaching: AttributeError: 'list' has no attribute 'items'",
    ),
    "course-questions-of-a-slug-a-number": (
        project(teaching__course_dot_yml=b"questions: {x: 5}\n"),
        "teaching.py render_teaching: TypeError: 'int' object is not iterable",
    ),
    "course-question-a-number": (
        project(teaching__course_dot_yml=b"questions: {x: [5]}\n"),
        "teaching.py render_teaching: AttributeError: 'int' object has no attribute 'get'",
    ),
    "course-yaml-error-message-on-several-lines": (
        project(teaching__course_dot_yml=b"[\n"),
        "teaching.py load_course: the malformed-YAML message holds PyYAML's line breaks",
    ),
    "aliases-deep-nesting": (
        project(sources__aliases_dot_yml=b"a: " + DEEP + b"\n"),
        'addresses.py read_aliases: RecursionError',
    ),
    "aliases-bad-timestamp": (
        project(sources__aliases_dot_yml=b"a: !!timestamp x\n"),
        "addresses.py read_aliases: AttributeError inside PyYAML's timestamp constructor",
    ),
    "aliases-not-utf8": (
        project(sources__aliases_dot_yml=LATIN1),
        'addresses.py read_aliases: UnicodeDecodeError',
    ),
    "aliases-is-a-folder": (
        project(sources__aliases_dot_yml_dir=b""),
        'addresses.py read_aliases: IsADirectoryError',
    ),
    "aliases-yaml-error-message-on-several-lines": (
        project(sources__aliases_dot_yml=b"&\n"),
        "addresses.py read_aliases: the malformed-YAML message holds PyYAML's line breaks",
    ),
    "manifest-not-utf8": (
        project(sources__addresses_dot_tsv=LATIN1),
        'addresses.py read_manifest: UnicodeDecodeError',
    ),
    "manifest-is-a-folder": (
        project(sources__addresses_dot_tsv_dir=b""),
        'addresses.py read_manifest: IsADirectoryError',
    ),
    "corrections-bad-timestamp": (
        refs(bib__corrections_dot_yml=b"x/smith2020: !!timestamp x\n"),
        'bibliography.py load_corrections: AttributeError inside PyYAML',
    ),
    "corrections-deep-nesting": (
        refs(bib__corrections_dot_yml=b"x/smith2020: " + DEEP + b"\n"),
        'bibliography.py load_corrections: RecursionError',
    ),
    "corrections-not-utf8": (
        refs(bib__corrections_dot_yml=LATIN1),
        'bibliography.py load_corrections: UnicodeDecodeError',
    ),
    "corrections-is-a-folder": (
        refs(bib__corrections_dot_yml_dir=b""),
        'bibliography.py load_corrections: IsADirectoryError',
    ),
    "corrections-yaml-error-message-on-several-lines": (
        refs(bib__corrections_dot_yml=b"[\n"),
        'bibliography.py load_corrections: the not-YAML message holds line breaks',
    ),
    "bib-file-not-utf8": (
        refs(bib__x_dot_bib=LATIN1),
        'bibliography.py read_bib: UnicodeDecodeError',
    ),
    "bib-file-is-a-folder": (
        refs(bib__x_dot_bib_dir=b""),
        'bibliography.py read_bib: IsADirectoryError',
    ),
    "glossary-not-utf8": (
        project(glossary__terms_dot_yml=LATIN1),
        'glossary.py load_terms: UnicodeDecodeError',
    ),
    "manifest-label-with-carriage-return": (
        project(sources__addresses_dot_tsv=b"articles/x/#p1\tparagraph\tA label\rwith a CR\n"),
        'addresses.py: an address-removed message held the label\'s CR (found in CI)',
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_fuzz_finding(name: str) -> None:
    check_project(CASES[name][0])
