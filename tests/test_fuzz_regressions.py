"""Regression tests for what the fuzz test (tests/test_fuzz_pipeline.py) found: each case
is a shrunk input, built by the whole pipeline, which must give the project's own error
report (``BuildError``, every diagnostic one line ``file:line: severity: message [code]``)
or pages, and never another exception.

Cases whose fix belongs to a module another branch is changing are strict xfails (the
reason names the module); un-xfail them once the fix is merged, and drop their entry from
``test_fuzz_pipeline.KNOWN_CRASHES``.
"""

from __future__ import annotations

import pytest

from test_fuzz_pipeline import (
    BASE,
    BASE_ARTICLE,
    KNOWN_CRASHES,
    check_project,
    crash_site,
    run_build,
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


def xfail(module: str, what: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"{module}: {what} (fix on another branch)")


# name -> (files, marks).  Crashes in modules other branches are changing.
CASES = {
    "meta-deep-nesting": (
        project(sources__x__meta_dot_yml=b"title: " + DEEP + b"\nauthors:\n  - name: A\n"),
        xfail("sources.py _parse_yaml", "RecursionError"),
    ),
    "meta-bad-timestamp": (
        project(sources__x__meta_dot_yml=b"title: !!timestamp x\nauthors:\n  - name: A\n"),
        xfail("sources.py _parse_yaml", "AttributeError inside PyYAML's timestamp constructor"),
    ),
    "meta-bad-int": (
        project(sources__x__meta_dot_yml=b"title: !!int 1e9\nauthors:\n  - name: A\n"),
        xfail("sources.py _parse_yaml", "ValueError inside PyYAML's int constructor"),
    ),
    "meta-empty-int": (
        project(sources__x__meta_dot_yml=b"title: !!int\nauthors:\n  - name: A\n"),
        xfail("sources.py _parse_yaml", "IndexError inside PyYAML's int constructor"),
    ),
    "meta-bad-bool": (
        project(sources__x__meta_dot_yml=b"title: !!bool x\nauthors:\n  - name: A\n"),
        xfail("sources.py _parse_yaml", "KeyError inside PyYAML's bool constructor"),
    ),
    "course-bad-int": (
        project(teaching__course_dot_yml=b"a: !!int 1e9\n"),
        xfail("teaching.py load_course", "ValueError inside PyYAML's int constructor"),
    ),
    "aliases-bad-int": (
        project(sources__aliases_dot_yml=b"a: !!int 1e9\n"),
        xfail("addresses.py read_aliases", "ValueError inside PyYAML's int constructor"),
    ),
    "corrections-bad-int": (
        refs(bib__corrections_dot_yml=b"x/smith2020: !!int 1e9\n"),
        xfail("bibliography.py load_corrections", "ValueError inside PyYAML's int constructor"),
    ),
    "latin1-article-read-by-timeline": (
        project(
            sources__x__article_dot_txt=BASE_ARTICLE + LATIN1, timeline__events_dot_yml=b"[]\n"
        ),
        xfail("timeline.py read_source_lines", "UnicodeDecodeError on an article already refused"),
    ),
    "events-not-utf8": (
        project(timeline__events_dot_yml=LATIN1),
        xfail("timeline.py _Loader.compose", "UnicodeDecodeError"),
    ),
    "events-is-a-folder": (
        project(timeline__events_dot_yml_dir=b""),
        xfail("timeline.py _Loader.compose", "IsADirectoryError"),
    ),
    "events-yaml-error-message-on-several-lines": (
        project(timeline__events_dot_yml=b"[\n"),
        xfail("timeline.py", "the malformed-YAML message holds PyYAML's line breaks"),
    ),
    "course-deep-nesting": (
        project(teaching__course_dot_yml=b"a: " + DEEP + b"\n"),
        xfail("teaching.py load_course", "RecursionError"),
    ),
    "course-bad-timestamp": (
        project(teaching__course_dot_yml=b"a: !!timestamp x\n"),
        xfail("teaching.py load_course", "AttributeError inside PyYAML's timestamp constructor"),
    ),
    "course-not-utf8": (
        project(teaching__course_dot_yml=LATIN1),
        xfail("teaching.py load_course", "UnicodeDecodeError"),
    ),
    "course-is-a-folder": (
        project(teaching__course_dot_yml_dir=b""),
        xfail("teaching.py load_course", "IsADirectoryError"),
    ),
    "course-reading-order-a-number": (
        project(teaching__course_dot_yml=b"reading_order: 5\n"),
        xfail("teaching.py render_teaching", "TypeError: 'int' object is not iterable"),
    ),
    "course-reading-order-item-a-number": (
        project(teaching__course_dot_yml=b"reading_order: [5]\n"),
        xfail("teaching.py render_teaching", "AttributeError: 'int' object has no attribute 'get'"),
    ),
    "course-terms-first-a-number": (
        project(teaching__course_dot_yml=b"terms_first: 5\n"),
        xfail("teaching.py render_teaching", "TypeError: 'int' object is not iterable"),
    ),
    "course-questions-a-list": (
        project(teaching__course_dot_yml=b"questions: [1]\n"),
        xfail("teaching.py render_teaching", "AttributeError: 'list' has no attribute 'items'"),
    ),
    "course-questions-of-a-slug-a-number": (
        project(teaching__course_dot_yml=b"questions: {x: 5}\n"),
        xfail("teaching.py render_teaching", "TypeError: 'int' object is not iterable"),
    ),
    "course-question-a-number": (
        project(teaching__course_dot_yml=b"questions: {x: [5]}\n"),
        xfail("teaching.py render_teaching", "AttributeError: 'int' object has no attribute 'get'"),
    ),
    "course-yaml-error-message-on-several-lines": (
        project(teaching__course_dot_yml=b"[\n"),
        xfail("teaching.py load_course", "the malformed-YAML message holds PyYAML's line breaks"),
    ),
    "aliases-deep-nesting": (
        project(sources__aliases_dot_yml=b"a: " + DEEP + b"\n"),
        xfail("addresses.py read_aliases", "RecursionError"),
    ),
    "aliases-bad-timestamp": (
        project(sources__aliases_dot_yml=b"a: !!timestamp x\n"),
        xfail("addresses.py read_aliases", "AttributeError inside PyYAML's timestamp constructor"),
    ),
    "aliases-not-utf8": (
        project(sources__aliases_dot_yml=LATIN1),
        xfail("addresses.py read_aliases", "UnicodeDecodeError"),
    ),
    "aliases-is-a-folder": (
        project(sources__aliases_dot_yml_dir=b""),
        xfail("addresses.py read_aliases", "IsADirectoryError"),
    ),
    "aliases-yaml-error-message-on-several-lines": (
        project(sources__aliases_dot_yml=b"&\n"),
        xfail("addresses.py read_aliases", "the malformed-YAML message holds PyYAML's line breaks"),
    ),
    "manifest-not-utf8": (
        project(sources__addresses_dot_tsv=LATIN1),
        xfail("addresses.py read_manifest", "UnicodeDecodeError"),
    ),
    "manifest-is-a-folder": (
        project(sources__addresses_dot_tsv_dir=b""),
        xfail("addresses.py read_manifest", "IsADirectoryError"),
    ),
    "corrections-bad-timestamp": (
        refs(bib__corrections_dot_yml=b"x/smith2020: !!timestamp x\n"),
        xfail("bibliography.py load_corrections", "AttributeError inside PyYAML"),
    ),
    "corrections-deep-nesting": (
        refs(bib__corrections_dot_yml=b"x/smith2020: " + DEEP + b"\n"),
        xfail("bibliography.py load_corrections", "RecursionError"),
    ),
    "corrections-not-utf8": (
        refs(bib__corrections_dot_yml=LATIN1),
        xfail("bibliography.py load_corrections", "UnicodeDecodeError"),
    ),
    "corrections-is-a-folder": (
        refs(bib__corrections_dot_yml_dir=b""),
        xfail("bibliography.py load_corrections", "IsADirectoryError"),
    ),
    "corrections-yaml-error-message-on-several-lines": (
        refs(bib__corrections_dot_yml=b"[\n"),
        xfail("bibliography.py load_corrections", "the not-YAML message holds line breaks"),
    ),
    "bib-file-not-utf8": (
        refs(bib__x_dot_bib=LATIN1),
        xfail("bibliography.py read_bib", "UnicodeDecodeError"),
    ),
    "bib-file-is-a-folder": (
        refs(bib__x_dot_bib_dir=b""),
        xfail("bibliography.py read_bib", "IsADirectoryError"),
    ),
    "glossary-not-utf8": (
        project(glossary__terms_dot_yml=LATIN1),
        xfail("glossary.py load_terms", "UnicodeDecodeError"),
    ),
}  # fmt: skip

XFAIL_TESTS = {f"test_fuzz_finding[{name}]" for name in CASES}


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=marks) for name, (_, marks) in CASES.items()]
)
def test_fuzz_finding(name: str) -> None:
    check_project(CASES[name][0], tolerate_known=False)


def test_known_crashes_are_still_crashes_of_their_case() -> None:
    """Every entry of KNOWN_CRASHES is the crash one of the cases above gives now."""
    sites = set()
    for files, _ in CASES.values():
        try:
            run_build(files)
        except Exception as exc:  # noqa: BLE001 - collecting crash sites
            sites.add(crash_site(exc))
    assert set(KNOWN_CRASHES) <= sites, set(KNOWN_CRASHES) - sites
