"""Time the PDFs: typeset each one alone and record pages, size and seconds.

    .venv/bin/python benchmarks/pdf.py [SITE_DIR] [--paper a4|letter] [--no-record]
    .venv/bin/python benchmarks/pdf.py SITE_DIR --parallel [--against ROOT] [--rounds N]

SITE_DIR is a built site (default: build one with `mkdocs build` into a temporary folder;
site/ also works after `make site`).  Each PDF is typeset in turn in one process, so the
times do not compete for the CPU (`make site` runs them side by side).  The results go to
the "PDF" section of benchmarks/RESULTS.md (replaced on each run) and to the terminal.

With ``--parallel``, `python -m csto_reader pdf --site SITE_DIR` is timed as `make site`
runs it (worker processes), wall and CPU time (user + sys of all its processes), cold
(no footnote fixes kept from a last build) and warm (kept), in rounds that alternate
with the same command of another checkout (``--against ROOT``: its ``scripts/``) so that
both meet the same load; recorded in the section "PDF build in parallel".
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import results_file  # benchmarks/results_file.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from csto_reader.publish import pdf  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "PDF"
PARALLEL_SECTION = "PDF build in parallel (benchmarks/pdf.py --parallel)"


def build_site(out: Path) -> None:
    """The site of this tree in ``out``, as `make site` builds it up to the PDFs."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
    for command in (
        [sys.executable, "-m", "csto_reader", "build"],
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f",
         "build/mkdocs.yml", "-d", str(out.resolve())],
        [sys.executable, "-m", "csto_reader", "finish", "--site", str(out.resolve())],
    ):  # fmt: skip
        subprocess.run(command, cwd=ROOT, check=True, env=env)


def measure(site: Path, out: Path, paper: str, *, tagged: bool = True) -> list[pdf.PdfResult]:
    """Typeset every PDF of ``site`` into ``out``, one after the other: the articles first,
    then the reader with the footnote fixes they found (as ``build_pdfs`` does)."""
    reader, *articles = [replace(job, tagged=tagged) for job in pdf.plan_jobs(site, out, paper)]
    done = [pdf.run_job(job) for job in articles]
    fixes = tuple(fix for result in done for fix in result.footnote_fixes)
    return [pdf.run_job(replace(reader, fixes=fixes)), *done]


# The bookmarks of apparatus: an appendix (top level), or an article's reference list.
APPENDIX_PREFIX = "Appendix"
REFERENCE_TITLES = ("Reference", "References", "Bibliography", "Literature")


def apparatus_share(path: Path, reference_titles: tuple[str, ...] = REFERENCE_TITLES) -> Share:
    """How many pages of a PDF are apparatus, read from its bookmarks (not from timing).

    Each bookmark's part runs from its place (page and height on the page) to the next
    bookmark of the same or a higher level, or the end; apparatus are the appendices
    (top-level bookmarks "Appendix ...") and the reference lists (an article's section
    bookmarks named as in ``reference_titles``).  Parts of a page count as such.
    """
    from pypdf import PdfReader

    reader = PdfReader(path)
    marks = _bookmarks(reader, reader.outline, 0)
    total = float(len(reader.pages))
    apparatus = 0.0
    parts: dict[str, float] = {}
    for index, (depth, title, start) in enumerate(marks):
        is_appendix = depth == 0 and title.startswith(APPENDIX_PREFIX)
        is_references = depth == 1 and title in reference_titles
        if not (is_appendix or is_references):
            continue
        end = next((pos for d, _t, pos in marks[index + 1 :] if d <= depth), total)
        apparatus += end - start
        name = title if is_appendix else "reference lists"
        parts[name] = parts.get(name, 0.0) + end - start
    return Share(len(reader.pages), apparatus, parts)


@dataclass(frozen=True)
class Share:
    """Pages of a PDF, and how many of them are apparatus (in all and by part)."""

    pages: int
    apparatus: float
    parts: dict[str, float]

    @property
    def fraction(self) -> float:
        """Apparatus pages over all pages."""
        return self.apparatus / self.pages if self.pages else 0.0


def _bookmarks(reader: object, items: list[object], depth: int) -> list[tuple[int, str, float]]:
    """(depth, title, place) of each bookmark in order; the place is the page index plus
    the part of the page above the bookmark's target (0.25: a quarter down page 1)."""
    found: list[tuple[int, str, float]] = []
    for item in items:
        if isinstance(item, list):
            found += _bookmarks(reader, item, depth + 1)
            continue
        page = reader.get_destination_page_number(item)  # type: ignore[attr-defined]
        height = float(reader.pages[page].mediabox.height)  # type: ignore[attr-defined]
        top = float(item.top) if getattr(item, "top", None) is not None else height  # type: ignore[attr-defined]
        found.append((depth, " ".join(str(item.title).split()), page + (height - top) / height))  # type: ignore[attr-defined]
    return found


def section_text(
    results: list[pdf.PdfResult], paper: str, wall: float, share: Share | None = None
) -> str:
    """The Markdown of the "PDF" section of RESULTS.md."""
    import weasyprint

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"## {SECTION}",
        "",
        f"`benchmarks/pdf.py`, {datetime.date.today().isoformat()}: each PDF typeset alone, "
        f"one after the other, paper {paper.upper() if paper == 'a4' else paper}; "
        f"WeasyPrint {weasyprint.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end (other "
        "work on the machine slows the times).  Times include the layout passes that bring "
        "footnotes to their calls' pages.",
        "",
        "| PDF | pages | size | seconds | seconds per page |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        lines.append(
            f"| {result.path.name} | {result.pages} | {result.size / 1024:.0f} KB | "
            f"{result.seconds:.1f} | {result.seconds / max(result.pages, 1):.2f} |"
        )
    pages = sum(r.pages for r in results)
    seconds = sum(r.seconds for r in results)
    lines += [
        f"| all | {pages} | {sum(r.size for r in results) / 1024:.0f} KB | {seconds:.1f} | "
        f"{seconds / max(pages, 1):.2f} |",
        "",
        f"Wall time {wall:.1f} s in one process (peak memory {peak:.0f} MB).  `make site` "
        "typesets them in parallel worker processes (one per CPU, at most 4).",
        "",
    ]
    if share is not None:
        parts = ", ".join(f"{name} {pages:.1f}" for name, pages in share.parts.items())
        lines += [
            f"Apparatus of reader.pdf (from its bookmarks: `apparatus_share`): "
            f"{share.apparatus:.1f} of {share.pages} pages, {share.fraction:.1%} ({parts}).",
            "",
        ]
    return "\n".join(lines)


def record(text: str, section: str = SECTION) -> None:
    """Replace (or add) this script's section of RESULTS.md."""
    results_file.record(section, text)


@dataclass(frozen=True)
class Run:
    """One timed `csto_reader pdf` command."""

    tree: str  # "this tree" or the --against root
    cache: str  # "cold" or "warm"
    load: float  # 1-minute load average just before
    wall: float
    cpu: float  # user + sys of the command and its workers
    reader: float  # the reader's job, from its start (its own line on stderr)
    digest: str  # of the PDFs written, to see that every run made the same


def time_command(site: Path, scripts: Path, workdir: Path, tree: str, cache: str) -> Run:
    """Run `python -m csto_reader pdf --site SITE` from ``scripts`` in ``workdir`` (where
    its cache of footnote fixes lives: emptied first for a cold run)."""
    import hashlib
    import re
    import shutil

    if cache == "cold":
        shutil.rmtree(workdir / ".cache", ignore_errors=True)
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(scripts)}
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "csto_reader", "pdf", "--site", str(site.resolve())],
        cwd=workdir, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    found = re.search(r"^reader\.pdf: \d+ pages, .*?([\d.]+) s$", proc.stderr, re.M)
    digest = hashlib.sha256()
    for path in sorted((site / "downloads").glob("*.pdf")):
        digest.update(path.read_bytes())
    reader = float(found.group(1)) if found else float("nan")
    return Run(tree, cache, load, wall, cpu, reader, digest.hexdigest()[:12])


def measure_parallel(site: Path, against: Path | None, rounds: int, work: Path) -> list[Run]:
    """``rounds`` rounds, each: this tree cold, the other tree, this tree warm."""
    trees = [("this tree", ROOT / "scripts")]
    if against is not None:
        trees.append((str(against), against.resolve() / "scripts"))
    runs: list[Run] = []
    mine = work / "this"
    time_command(site, trees[0][1], mine, trees[0][0], "cold")  # warms the file cache
    for _ in range(rounds):
        runs.append(time_command(site, trees[0][1], mine, trees[0][0], "cold"))
        for name, scripts in trees[1:]:
            runs.append(time_command(site, scripts, work / "other", name, "cold"))
        runs.append(time_command(site, trees[0][1], mine, trees[0][0], "warm"))
    return runs


def parallel_text(runs: list[Run]) -> str:
    """The Markdown of the "PDF build in parallel" section."""
    import statistics

    lines = [
        f"## {PARALLEL_SECTION}",
        "",
        f"{datetime.date.today().isoformat()}, `python -m csto_reader pdf --site SITE` as "
        f"`make site` runs it, {os.cpu_count()} CPUs shared with other work (the load "
        "average before each run is given), WeasyPrint "
        f"{__import__('weasyprint').__version__}; cold: no footnote fixes kept from a last "
        "build, warm: kept; CPU is user + sys of all its processes; reader: its job's "
        "seconds from its start.",
        "",
        "| tree | cache | load | wall | CPU | reader | PDFs (digest) |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in runs:
        lines.append(
            f"| {run.tree} | {run.cache} | {run.load:.1f} | {run.wall:.1f} s | "
            f"{run.cpu:.1f} s | {run.reader:.1f} s | {run.digest} |"
        )
    lines += ["", "Medians:", ""]
    for tree, cache in dict.fromkeys((r.tree, r.cache) for r in runs):
        chosen = [r for r in runs if (r.tree, r.cache) == (tree, cache)]
        wall = statistics.median(r.wall for r in chosen)
        cpu = statistics.median(r.cpu for r in chosen)
        lines.append(f"- {tree}, {cache}: wall {wall:.1f} s, CPU {cpu:.1f} s ({len(chosen)} runs)")
    same = len({r.digest for r in runs}) == 1
    lines += ["", f"Every run wrote the same PDFs: {'yes' if same else 'no'}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure, print and (unless --no-record) record the PDF section."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build one)")
    parser.add_argument("--paper", choices=sorted(pdf.PAPER_SIZES), default="a4")
    parser.add_argument("--no-record", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--untagged", action="store_true", help="write untagged PDFs")
    parser.add_argument("--parallel", action="store_true", help="time `csto_reader pdf`")
    parser.add_argument("--against", type=Path, help="with --parallel: another checkout")
    parser.add_argument("--rounds", type=int, default=3, help="with --parallel: rounds")
    args = parser.parse_args(argv)
    if args.parallel:
        return _main_parallel(args)
    with tempfile.TemporaryDirectory(prefix="csto-bench-") as temp:
        site = args.site
        if site is None:
            site = Path(temp) / "site"
            build_site(site)
        start = time.monotonic()
        results = measure(site, Path(temp) / "pdf", args.paper, tagged=not args.untagged)
        wall = time.monotonic() - start
        share = apparatus_share(Path(temp) / "pdf" / "reader.pdf")
    text = section_text(results, args.paper, wall, share)
    print(text)
    if not args.no_record:
        record(text)
        print(f"recorded in {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _main_parallel(args: argparse.Namespace) -> int:
    if args.site is None:
        raise SystemExit("--parallel needs a built site (SITE_DIR)")
    with tempfile.TemporaryDirectory(prefix="csto-bench-") as temp:
        runs = measure_parallel(args.site, args.against, args.rounds, Path(temp))
    text = parallel_text(runs)
    print(text)
    if not args.no_record:
        record(text, PARALLEL_SECTION)
        print(f"recorded in {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
