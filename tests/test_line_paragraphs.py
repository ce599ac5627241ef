"""A text written one paragraph per line, with no blank line between paragraphs (a word
processor's "save as text"): segment's rule ``line-paragraphs`` decides it from the text's
own lines and reads each line as a block.  The fixture cases are under
tests/fixtures/stages/segment/ (line-paragraphs, hard-wrapped-not-line-paragraphs);
these tests check the decision on whole articles.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, SLUGS
from csto_reader.diagnostics import Reporter
from csto_reader.ingest.article import prepare_article
from csto_reader.ingest.clean import clean
from csto_reader.ingest.segment import chunks_of, writes_line_paragraphs
from csto_reader.ingest.sources import load_source
from csto_reader.model import SourceText, texts_of

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
# The corpus articles written one paragraph per line (README: the format of each).
LINE_WRITTEN = {"tulegenova-2023", "petrova-2023"}


def _source(folder: Path) -> SourceText:
    source = load_source(folder, ROOT, Reporter())
    assert source is not None
    return source


def _decided(source: SourceText) -> bool:
    return writes_line_paragraphs(chunks_of(clean(source).lines))


@pytest.mark.parametrize("slug", SLUGS)
def test_the_real_articles_are_not_read_line_by_line(slug: str) -> None:
    assert not _decided(_source(ROOT / "sources" / slug))


@pytest.mark.parametrize("slug", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
def test_the_corpus_articles_written_so_are_found(slug: str) -> None:
    """Only the two corpus texts written one paragraph per line are read so: the
    hard-wrapped ones (a pdftotext conversion, an OCR text) end most lines mid-sentence."""
    assert _decided(_source(CORPUS / slug)) == (slug in LINE_WRITTEN)


def _parts(source: SourceText) -> list[tuple[str, str]]:
    """What reaches the page, without line numbers: every text of every block, note
    and reference item, and every removal."""
    article = prepare_article(source, Reporter()).article
    out = [(t.kind, t.text) for b in article.blocks for t in texts_of(b)]
    out += [("note", f.text) for f in article.footnotes]
    out += [("reference", r.text) for r in article.references]
    out += [("back", " ".join(b.paragraphs)) for b in article.back_matter]
    return out + [(f"removal {r.rule}", r.text) for r in article.removals]


def test_an_article_without_its_blank_lines_reads_the_same() -> None:
    """Beloglazov's text writes each paragraph, heading, quotation and note on one line
    with blank lines between; with every blank line taken out it is read as one
    paragraph per line, and its headings, paragraphs, quotations (after a lead-in,
    ending with a note marker), notes at the page foot, references and back matter
    come out the same."""
    source = _source(ROOT / "sources" / "beloglazov-2023")
    packed = replace(source, lines=tuple(ln for ln in source.lines if ln.strip()))
    assert not _decided(source) and _decided(packed)
    assert _parts(packed) == _parts(source)
