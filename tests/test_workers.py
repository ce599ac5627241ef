"""Per-article work over the cores gives what one process gives, and the speed-ups that
go with it (issue 15, growth) change no output."""

from __future__ import annotations

import random
import shutil
import sys

import pytest
import yaml

from conftest import ROOT
from csto_reader import markup, workers
from csto_reader.diagnostics import Reporter
from csto_reader.ingest.sources import discover
from csto_reader.model import Span
from csto_reader.pipeline import build
from csto_reader.publish import bibliography_page
from csto_reader.publish.render import LONGER_LOWERCASE, raw_html_safe
from csto_reader.scholarly.citations import ALSO_NAMED, _also_listed


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers even for a handful of items, one item per task."""
    monkeypatch.setattr(workers, "PARALLEL_FROM", 2)
    monkeypatch.setattr(workers, "CHUNK", 1)
    monkeypatch.setattr(bibliography_page, "ENTRIES_PER_TASK", 8)
    monkeypatch.setenv(workers.JOBS_ENV, "2")


def _toy(item: int, reporter: Reporter) -> int:
    """Reports on its own file and on a shared one; item 1 accepts a code for both."""
    reporter.warning(Span(f"a{item}.txt", item), f"item {item}", "ref-unparsed")
    if item == 1:
        reporter.accept("shared.txt", ["ref-unparsed"])
        reporter.accept("a1.txt", ["ref-unparsed"])
    reporter.warning(Span("shared.txt", item), f"shared {item}", "ref-unparsed")
    return item * item


def _run(items: list[int]) -> tuple[list[int], Reporter]:
    reporter = Reporter()
    reporter.warning(Span("shared.txt", 0), "before", "ref-unparsed")
    return workers.map_reported(_toy, items, reporter), reporter


def test_a_forked_map_leaves_results_and_reporter_as_the_loop(split, monkeypatch) -> None:
    parallel = _run(list(range(6)))
    monkeypatch.setenv(workers.JOBS_ENV, "1")
    serial = _run(list(range(6)))
    assert parallel[0] == serial[0] == [i * i for i in range(6)]
    assert parallel[1] == serial[1]
    severities = [d.severity for d in serial[1].diagnostics if d.span.file == "shared.txt"]
    assert severities == ["note"] * 7  # the accept reached back and forward


def test_an_error_in_a_worker_is_raised_in_the_build(split) -> None:
    def fails(item: int, reporter: Reporter) -> int:
        raise ValueError(f"item {item}")

    with pytest.raises(ValueError, match="item"):
        workers.map_reported(fails, [1, 2, 3, 4], Reporter())


@pytest.fixture(scope="module")
def serial_build():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(workers.JOBS_ENV, "1")
        return build(ROOT, cache=False)


@pytest.mark.parametrize("cache", [False, True])
def test_the_build_is_byte_identical_with_and_without_workers(
    split, serial_build, cache: bool
) -> None:
    parallel = build(ROOT, cache=cache)
    assert parallel.pages == serial_build.pages
    assert parallel.files == serial_build.files
    assert parallel.diagnostics == serial_build.diagnostics
    assert parallel.article_order == serial_build.article_order
    assert parallel.articles == serial_build.articles


def test_discovery_with_workers_reports_and_loads_as_the_loop(split, monkeypatch, tmp_path) -> None:
    """Folders checked and loaded on two cores: the same sources and the same messages,
    in the same order (a repeated slug, an invalid one, a folder without a text)."""
    for name in ("zhang-2023", "Zhang-2023", "choi-2022", "bad_slug", "empty-one"):
        target = tmp_path / "sources" / name
        if name == "empty-one":
            target.mkdir(parents=True)
        else:
            shutil.copytree(
                ROOT / "sources" / name.lower().replace("bad_slug", "zhang-2023"), target
            )
    parallel = Reporter()
    got = discover(tmp_path, parallel)
    monkeypatch.setenv(workers.JOBS_ENV, "1")
    serial = Reporter()
    assert discover(tmp_path, serial) == got
    assert [s.slug for s in got] == ["choi-2022"]
    assert parallel.diagnostics == serial.diagnostics
    assert [(d.span.file, d.code) for d in serial.diagnostics] == [
        ("sources/Zhang-2023/article.txt", "slug-invalid"),
        ("sources/bad_slug/article.txt", "slug-invalid"),
        ("sources/empty-one/article.txt", "source-unreadable"),
        ("sources/empty-one/meta.yml", "meta-missing"),
        ("sources/zhang-2023/article.txt", "slug-duplicate"),
    ]


def test_the_longer_lowercase_class_holds_every_such_letter() -> None:
    longer = [chr(c) for c in range(sys.maxunicode + 1) if len(chr(c).lower()) != 1]
    assert longer and all(LONGER_LOWERCASE.fullmatch(c) for c in longer)
    assert LONGER_LOWERCASE.pattern == "[" + "".join(longer) + "]"
    assert raw_html_safe('<a title="İstanbul">İ</a>') == '<a title="&#304;stanbul">&#304;</a>'


def test_front_matter_is_what_pyyaml_writes(monkeypatch) -> None:
    rng = random.Random(15)
    letters = [chr(c) for c in [*range(32, 127), 9, 10, 13, 0xA0, 0xE9, 0x2019, 0x441]]
    letters += ["\u4e2d", "\U0001f600", "\x85", "\u2028", "\ufeff"]  # libyaml differs on these
    for _ in range(3000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 30)))
        fields = {"json_ld": f'{{"a":"{text}"}}', "list": [text, 3, None, True]}
        expected = yaml.safe_dump(
            {"title": markup.html_text(" ".join(text.split())), **fields},
            allow_unicode=True,
            sort_keys=False,
            width=10_000,
        )
        assert markup.front_matter(text, **fields) == f"---\n{expected}---\n"


def test_a_preview_names_a_few_other_articles_and_counts_many() -> None:
    assert _also_listed([]) == ""
    few = [f"Article {i}" for i in range(ALSO_NAMED)]
    assert _also_listed(few) == " Also in the reference list of " + ", ".join(few) + "."
    many = [f"Article {i}" for i in range(ALSO_NAMED + 1)]
    assert _also_listed(many) == f" Also in the reference lists of {ALSO_NAMED + 1} other articles."
