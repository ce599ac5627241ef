"""Measure the build and the site, and record the results in benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py [--runs N] [--sizes 25,50,100] [--skip make,lighthouse]

What it measures (medians of several runs; each run in a fresh process):

* the pipeline (``csto_reader.pipeline.build``) on this tree's four articles, and where
  its time goes (one profiled run);
* the pipeline on synthetic corpora of 25, 50 and 100 articles made from the real ones
  (copies with new slugs in a temporary root), to show how the time grows;
* ``mkdocs build`` of the same Markdown without the pipeline, against the real build with
  it (our overhead as a ratio);
* a warm ``make site`` (the Makefile's own recipe: MkDocs, the PDFs, the offline copy),
  run in a temporary copy of the project so that this tree's ``site/`` is not touched;
* the weight of the home page and each article page in Chromium (Playwright): requests,
  bytes as served (the test server does not compress) and gzipped, other hosts asked;
* Lighthouse (npm, run on Debian's Chromium) for the home page and an article page,
  mobile and desktop.

Only the section "Site and pipeline (benchmarks/run.py)" of RESULTS.md is replaced; the
other sections (the PDF one, written by benchmarks/pdf.py) are kept as they are.
Lighthouse is installed into benchmarks/node_modules (not committed) on first use.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import functools
import gzip
import http.server
import importlib.metadata
import io
import json
import math
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import results_file  # benchmarks/results_file.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "Site and pipeline (benchmarks/run.py)"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Lighthouse 13 asks for Node 22; 12.8 runs on the Node 18/20 that Debian and NodeSource give.
LIGHTHOUSE_VERSION = "12.8.2"
LIGHTHOUSE_DIR = ROOT / "benchmarks"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
PY = sys.executable

# One pipeline build in a fresh process; prints its wall time in seconds.
TIMED_BUILD = """
import sys, time
from pathlib import Path
from csto_reader.pipeline import build
start = time.perf_counter()
out = build(Path(sys.argv[1]))
print(time.perf_counter() - start, len(out.articles))
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_of(values: list[float]) -> float:
    return statistics.median(values)


def fmt_runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


# ---------------------------------------------------------------- the machine


def machine() -> list[str]:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        m = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = m.group(1).strip() if m else cpu
    mem = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        m = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M)
        mem = f", {int(m.group(1)) / 1024 / 1024:.0f} GB RAM" if m else ""
    osname = platform.platform()
    release = Path("/etc/os-release")
    if release.is_file():
        m = re.search(r'^PRETTY_NAME="?([^"\n]+)', release.read_text(), re.M)
        osname = m.group(1) if m else osname

    def version(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "absent"

    packages = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("mkdocs", "mkdocs-material", "weasyprint", "playwright")
    )
    return [
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {cpu}, {os.cpu_count()} CPUs{mem}; {osname}",
        f"- Python {platform.python_version()}; {packages}",
        f"- {version([CHROMIUM, '--version'])}; Node {version(['node', '--version'])}",
    ]


# ---------------------------------------------------------------- the pipeline


def timed_build(root: Path) -> tuple[float, int]:
    proc = subprocess.run(
        [PY, "-c", TIMED_BUILD, str(root)], capture_output=True, text=True, env=ENV
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline build of {root} failed:\n{proc.stderr[-3000:]}")
    seconds, articles = proc.stdout.split()
    return float(seconds), int(articles)


def article_slugs() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "sources").glob("*/article.txt"))


def corpus(root: Path, n: int) -> Path:
    """A project root of ``n`` articles: the real ones, then copies with new slugs, with
    the real glossary, chronology and course data (which name the real articles).  The
    committed bib/ and the address manifest are left out: they list the real articles
    only, and the build makes both from the articles anyway."""
    root.mkdir(parents=True)
    for name in ("glossary", "timeline", "teaching"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name)
    slugs = article_slugs()
    for i in range(n):
        slug = slugs[i % len(slugs)]
        new = slug if i < len(slugs) else f"{slug}-copy{i:03d}"
        shutil.copytree(ROOT / "sources" / slug, root / "sources" / new)
    return root


def pipeline_section(runs: int, sizes: list[int], tmp: Path) -> tuple[list[str], dict]:
    log("pipeline: the real tree")
    real = [timed_build(ROOT)[0] for _ in range(runs)]
    start = time.perf_counter()
    subprocess.run([PY, "-m", "csto_reader", "build"], capture_output=True, env=ENV, cwd=ROOT)
    cli = time.perf_counter() - start
    lines = [
        "### The pipeline on the four articles",
        "",
        f"`csto_reader.pipeline.build` on this tree (every stage: sources to pages, "
        f"bibliography, citations, glossary, chronology), {runs} runs in fresh processes: "
        f"**median {median_of(real):.2f} s** (runs: {fmt_runs(real)}).  The command "
        f"`python -m csto_reader build`, imports included: {cli:.2f} s.",
        "",
        *profile_lines(),
        "",
        "### Synthetic corpora: does the time grow linearly?",
        "",
        "The real articles and copies of them under new slugs, in a temporary root with the "
        "glossary, chronology and course data; each size built in fresh processes.  A run "
        "longer than a minute is not repeated.",
        "",
        "| articles | median seconds | runs | seconds per article | vs. linear from 4 |",
        "| ---: | ---: | --- | ---: | ---: |",
    ]
    points: list[tuple[int, float]] = []
    for n in [len(article_slugs()), *sizes]:
        root = corpus(tmp / f"corpus-{n}", n)
        log(f"pipeline: {n} articles")
        times: list[float] = []
        for _ in range(runs):
            seconds, built = timed_build(root)
            assert built == n, (built, n)
            times.append(seconds)
            if seconds > 60:
                break
        points.append((n, median_of(times)))
        base_n, base_t = points[0]
        linear = base_t * n / base_n
        lines.append(
            f"| {n} | {median_of(times):.2f} | {fmt_runs(times)} | "
            f"{median_of(times) / n:.3f} | {median_of(times) / linear:.1f}× |"
        )
    growth = ""
    if len(points) >= 3:
        (n1, t1), (n2, t2) = points[-2], points[-1]
        exponent = math.log(t2 / t1) / math.log(n2 / n1)
        growth = (
            f"From {n1} to {n2} articles the time grows as n^{exponent:.2f} "
            f"({'about linear' if exponent < 1.2 else 'faster than linear'})."
        )
    lines += ["", growth] if growth else []
    return lines, {"real": median_of(real), "points": points}


def profile_lines() -> list[str]:
    """Where the time of one build goes: the stages called by pipeline.build, and the
    functions that take the most time themselves."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from csto_reader.pipeline import build

    build(ROOT)  # imports and caches out of the way
    profiler = cProfile.Profile()
    profiler.enable()
    build(ROOT)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(v[3] for v in stats.stats.values())
    rows = []
    for (file, _line, name), (_cc, _nc, tottime, cumtime, _callers) in stats.stats.items():
        if "csto_reader" in file and (cumtime / total) >= 0.08 and name != "build":
            rows.append((cumtime, f"{Path(file).stem}.{name}", tottime))
    rows.sort(reverse=True)
    out = [
        f"One profiled build ({total:.2f} s under the profiler, which slows it): functions "
        "of the pipeline taking 8 % of the time or more, with what they call.",
        "",
        "| function | seconds (with callees) | share |",
        "| --- | ---: | ---: |",
    ]
    out += [f"| `{name}` | {cum:.2f} | {cum / total:.0%} |" for cum, name, _ in rows[:14]]
    return out


# ---------------------------------------------------------------- MkDocs with and without


def mkdocs_section(runs: int, tmp: Path) -> tuple[list[str], dict]:
    """`mkdocs build` of the generated tree (build/mkdocs.yml, no hook) against the chain
    `make site` runs up to the PDFs: the build step, the same `mkdocs build`, `finish`, in
    one process (``csto_reader build --render``)."""
    subprocess.run([PY, "-m", "csto_reader", "build"], capture_output=True, env=ENV, cwd=ROOT)

    def run(*commands: list[str]) -> float:
        start = time.perf_counter()
        for command in commands:
            proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=ENV)
            if proc.returncode != 0:
                raise RuntimeError(f"{command} failed:\n{proc.stderr[-3000:]}")
        return time.perf_counter() - start

    def render(out: Path) -> list[str]:
        return [PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", "build/mkdocs.yml",
                "-d", str(out)]  # fmt: skip

    def mkdocs(cwd: Path, out: Path) -> float:
        if cwd == ROOT:  # the reader: the whole chain, in one process as `make site` runs it
            return run([PY, "-m", "csto_reader", "build", "--render", str(out), "--quiet"])
        return run(render(out))

    plain = tmp / "plain"
    log("mkdocs: with and without the pipeline")
    alone: list[float] = []
    full: list[float] = []
    for _ in range(runs):  # alternated: the machine's load drifts
        alone.append(mkdocs(plain, tmp / "site-plain"))
        full.append(mkdocs(ROOT, tmp / "site-full"))
    ratio = median_of(full) / median_of(alone)
    lines = [
        "### `mkdocs build`: our overhead",
        "",
        "Both in fresh processes (interpreter start and imports included), `--strict`, the "
        f"same pages; {runs} runs each, alternated.",
        "",
        "| build | median seconds | runs |",
        "| --- | ---: | --- |",
        f"| `mkdocs build -f build/mkdocs.yml` (the generated tree) | {median_of(alone):.2f} | "
        f"{fmt_runs(alone)} |",
        f"| `csto_reader build --render` (build step, that `mkdocs build`, finish) | "
        f"{median_of(full):.2f} | {fmt_runs(full)} |",
        "",
        f"Overhead: **{ratio:.1f}×** the plain MkDocs build "
        f"(+{median_of(full) - median_of(alone):.2f} s).",
    ]
    return lines, {"alone": median_of(alone), "full": median_of(full), "ratio": ratio}


# ---------------------------------------------------------------- make site


def project_copy(tmp: Path) -> Path:
    """This project's inputs and code, linked into ``tmp`` (nothing under them is written
    by a build), so that `make site` there leaves this tree's site/ alone."""
    project = tmp / "project"
    project.mkdir()
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    tops = sorted({path.split("/")[0] for path in tracked})
    for name in tops:
        if name in ("tests", "benchmarks", ".ci", ".github", "Makefile") or name.startswith("."):
            continue
        (project / name).symlink_to(ROOT / name)
    return project


def make_site_section(runs: int, project: Path) -> tuple[list[str], dict]:
    log("make site: warm")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(project),
             "site", "SETUP=", f"PY={PY}"],
            capture_output=True, text=True, env=ENV,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"make site failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    lines = [
        "### Warm `make site`",
        "",
        "The Makefile's `site` recipe (MkDocs with the pipeline, then the PDFs in parallel, "
        "then the offline copy, which builds the site a second time), set-up already done, "
        f"in a copy of the project linked to this tree; {runs} runs: "
        f"**median {median_of(times):.1f} s** (runs: {fmt_runs(times)}).",
    ]
    return lines, {"make": median_of(times)}


# ---------------------------------------------------------------- in the browser


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Python's static file server, quiet; with ``compress``, it sends text files gzipped
    (level 6) to clients that accept it, as GitHub Pages and most web servers do."""

    compress = False

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # type: ignore[override]
        if not self.compress or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path) or not path.endswith(COMPRESSIBLE):
            return super().send_head()
        data = gzip.compress(Path(path).read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


@contextmanager
def serve(site: Path, compress: bool = False) -> Iterator[str]:
    handler = type("Handler", (SiteHandler,), {"compress": compress})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def weigh(site: Path, paths: list[str], compress: bool) -> dict[str, dict]:
    """Requests and bytes of each page on a first visit (empty cache), counted once the
    network is idle (Material fetches the search index then).  ``transferred`` is what
    went over the wire (headers and encoded body), ``bytes`` the decoded bodies."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with serve(site, compress) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in paths:
            context = browser.new_context()
            page = context.new_page()
            responses = []
            page.on("response", lambda response, seen=responses: seen.append(response))
            page.goto(base + path, wait_until="networkidle")
            rows = []
            for response in responses:
                if not response.url.startswith(("http://", "https://")):
                    continue
                response.finished()
                sizes = response.request.sizes()
                body = response.body() if response.status < 300 else b""
                wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                if body and not sizes["responseBodySize"]:
                    # Chromium gives no sizes for what a worker fetches (the search
                    # worker's script): count the body as this server would send it.
                    wire = len(gzip.compress(body, 6) if compress else body) + 200
                rows.append(
                    {
                        "url": response.url.removeprefix(base),
                        "foreign": not response.url.startswith(base),
                        "bytes": len(body),
                        "transferred": wire,
                    }
                )
            results[path] = {
                "requests": len(rows),
                "bytes": sum(r["bytes"] for r in rows),
                "transferred": sum(r["transferred"] for r in rows),
                "foreign": sum(r["foreign"] for r in rows),
                "rows": rows,
            }
            context.close()
        browser.close()
    return results


def weight_section(site: Path) -> tuple[list[str], dict]:
    log("page weight: Playwright")
    pages = ["", *sorted(f"articles/{s}/" for s in article_slugs())]
    plain = weigh(site, pages, compress=False)
    zipped = weigh(site, pages, compress=True)
    kb = 1000
    lines = [
        "### Page weight in the browser",
        "",
        "Chromium via Playwright, first visit (empty cache), counted once the network is "
        "idle; bytes transferred (headers included) as Chromium reports them, from Python's "
        "http.server as it is (no compression) and with gzip -6 for text files (as GitHub "
        "Pages and most web servers send them).",
        "",
        "| page | requests | transferred, no compression | transferred, gzip | other hosts |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for path in pages:
        w, z = plain[path], zipped[path]
        lines.append(
            f"| /{path} | {w['requests']} | {w['transferred'] / kb:.0f} KB | "
            f"{z['transferred'] / kb:.0f} KB | {w['foreign'] + z['foreign']} |"
        )
    heaviest = max(pages[1:], key=lambda p: plain[p]["transferred"])
    gz_rows = {r["url"]: r for r in zipped[heaviest]["rows"]}
    lines += [
        "",
        f"What /{heaviest} loads:",
        "",
        "| resource | no compression | gzip |",
        "| --- | ---: | ---: |",
    ]
    for row in sorted(plain[heaviest]["rows"], key=lambda r: -r["transferred"]):
        gz = gz_rows.get(row["url"], {}).get("transferred", 0)
        lines.append(
            f"| `{row['url'] or '/'}` | {row['transferred'] / kb:.0f} KB | {gz / kb:.0f} KB |"
        )
    return lines, {"weights": plain, "gzipped": zipped, "heaviest": heaviest}


# ---------------------------------------------------------------- Lighthouse


def lighthouse_bin() -> Path | None:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    package = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    if package.is_file() and json.loads(package.read_text())["version"] == LIGHTHOUSE_VERSION:
        return binary
    if not shutil.which("npm"):
        return None
    log(f"lighthouse: npm install lighthouse@{LIGHTHOUSE_VERSION} into benchmarks/node_modules")
    subprocess.run(
        ["npm", "install", "--prefix", str(LIGHTHOUSE_DIR), "--no-save", "--no-package-lock",
         "--no-audit", "--no-fund", "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return binary if binary.exists() else None


def lighthouse_run(binary: Path, url: str, desktop: bool, out: Path) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    cmd = [str(binary), url, "--output=json", f"--output-path={out}", "--quiet",
           f"--chrome-flags={flags}"]  # fmt: skip
    if desktop:
        cmd.append("--preset=desktop")
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}
    )
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(out.read_text())


CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
)


def lighthouse_section(site: Path, runs: int, tmp: Path) -> tuple[list[str], dict]:
    binary = lighthouse_bin()
    if binary is None:
        return ["### Lighthouse", "", "Not run: npm is not installed."], {}
    article = f"articles/{article_slugs()[-1]}/"
    lines = [
        "### Lighthouse",
        "",
        f"Lighthouse {LIGHTHOUSE_VERSION} (npm) on Debian's Chromium, headless, against the "
        f"site served on 127.0.0.1, without compression and with gzip; {runs} runs each, "
        "median of each score and metric.  Mobile is Lighthouse's default (a mid-range "
        "phone on a throttled 4G link, simulated); desktop is `--preset=desktop`.",
        "",
        "| page | form factor | served | performance | accessibility | best practices | SEO "
        "| FCP | LCP | TBT | CLS |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    scores: dict[tuple[str, str], dict[str, float]] = {}
    failing: dict[str, set[str]] = {}
    for compress in (False, True):
        served = "gzip" if compress else "no compression"
        with serve(site, compress) as base:
            for path in ["", article]:
                for desktop in (False, True):
                    form = "desktop" if desktop else "mobile"
                    log(f"lighthouse: /{path} {form}, {served}")
                    reports = [
                        lighthouse_run(binary, base + path, desktop, tmp / f"lh-{i}.json")
                        for i in range(runs)
                    ]
                    label = f"/{path} {form}, {served}"
                    scores[(path, f"{form}, {served}")] = med = {
                        c: median_of([r["categories"][c]["score"] * 100 for r in reports])
                        for c in CATEGORIES
                    }
                    metric = {
                        m: median_of([r["audits"][m]["numericValue"] for r in reports])
                        for m in METRICS
                    }
                    lines.append(
                        f"| /{path} | {form} | {served} | "
                        + " | ".join(f"{med[c]:.0f}" for c in CATEGORIES)
                        + f" | {metric['first-contentful-paint'] / 1000:.1f} s"
                        f" | {metric['largest-contentful-paint'] / 1000:.1f} s"
                        f" | {metric['total-blocking-time']:.0f} ms"
                        f" | {metric['cumulative-layout-shift']:.3f} |"
                    )
                    for audit in failing_audits(reports):
                        failing.setdefault(audit, set()).add(label)
    if failing:
        lines += ["", "Audits below 0.9 in any run (weighted ones only):", ""]
        for audit, where in sorted(failing.items()):
            lines.append(f"- {audit} ({'; '.join(sorted(where))})")
    return lines, {"scores": scores}


def failing_audits(reports: list[dict]) -> set[str]:
    found = set()
    for report in reports:
        for c in CATEGORIES:
            for ref in report["categories"][c]["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 0.9:
                    found.add(f"{c}: `{ref['id']}`")
    return found


# ---------------------------------------------------------------- targets


def targets_section(m: dict) -> list[str]:
    def row(what: str, target: str, value: str, ok: bool | None) -> str:
        mark = "—" if ok is None else ("met" if ok else "**missed**")
        return f"| {what} | {target} | {value} | {mark} |"

    lines = [
        "### Targets",
        "",
        "| measure | target | measured | |",
        "| --- | --- | --- | --- |",
    ]
    if "real" in m:
        lines.append(row("pipeline, four articles", "< 1 s", f"{m['real']:.2f} s", m["real"] < 1))
        last_n, last_t = m["points"][-1]
        lines.append(row(f"pipeline, {last_n} articles", "< 20 s, linear", f"{last_t:.1f} s",
                         last_t < 20))  # fmt: skip
    if "full" in m:
        lines.append(row("`mkdocs build` of the reader", "< 3 s", f"{m['full']:.2f} s",
                         m["full"] < 3))  # fmt: skip
    if "make" in m:
        lines.append(row("warm `make site` with PDFs", "< 30 s", f"{m['make']:.1f} s",
                         m["make"] < 30))  # fmt: skip
    if "weights" in m:
        w = m["weights"][m["heaviest"]]
        z = m["gzipped"][m["heaviest"]]
        lines.append(row(f"article page (/{m['heaviest']}, the heaviest), transferred",
                         "< 400 KB", f"{w['transferred'] / 1000:.0f} KB",
                         w["transferred"] < 400_000))  # fmt: skip
        lines.append(row("… with gzip", "< 100 KB", f"{z['transferred'] / 1000:.0f} KB",
                         z["transferred"] < 100_000))  # fmt: skip
        foreign = sum(x["foreign"] for x in m["weights"].values())
        lines.append(row("requests to other hosts", "0", str(foreign), foreign == 0))
    for (path, form), scores in m.get("scores", {}).items():
        low = min(scores.values())
        lines.append(row(f"Lighthouse /{path} {form}", "≥ 95 each, accessibility 100",
                         " / ".join(f"{v:.0f}" for v in scores.values()),
                         low >= 95 and scores["accessibility"] == 100))  # fmt: skip
    return lines


# ---------------------------------------------------------------- RESULTS.md


def record(text: str) -> None:
    """Replace (or add) this script's section of RESULTS.md."""
    results_file.record(SECTION, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--sizes", default="25,50,100", help="synthetic corpus sizes")
    parser.add_argument(
        "--skip", default="", help="comma list of: pipeline,mkdocs,make,weight,lighthouse"
    )
    parser.add_argument("--no-record", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    sizes = [int(s) for s in args.sizes.split(",") if s]
    measured: dict = {}
    parts: list[str] = [f"## {SECTION}", "", *machine(), ""]
    with tempfile.TemporaryDirectory(prefix="csto-bench-") as tmp_name:
        tmp = Path(tmp_name)
        steps: list[tuple[str, Callable[[], tuple[list[str], dict]]]] = [
            ("pipeline", lambda: pipeline_section(args.runs, sizes, tmp)),
            ("mkdocs", lambda: mkdocs_section(args.runs, tmp)),
        ]
        project = project_copy(tmp)
        site = project / "site"
        steps.append(("make", lambda: make_site_section(max(3, args.runs // 2), project)))
        for name, step in steps:
            if name in skip:
                continue
            lines, values = step()
            parts += [*lines, ""]
            measured.update(values)
        if not site.is_dir() and not {"weight", "lighthouse"} <= skip:
            log("make site skipped: building the site with mkdocs for the browser measures")
            for command in (
                [PY, "-m", "csto_reader", "build"],
                [PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", "build/mkdocs.yml",
                 "-d", str(site)],
                [PY, "-m", "csto_reader", "finish", "--site", str(site)],
            ):  # fmt: skip
                subprocess.run(command, cwd=ROOT, check=True, env=ENV)
        if "weight" not in skip:
            lines, values = weight_section(site)
            parts += [*lines, ""]
            measured.update(values)
        if "lighthouse" not in skip:
            try:
                lines, values = lighthouse_section(site, 3, tmp)
            except (RuntimeError, subprocess.CalledProcessError) as error:
                lines, values = ["### Lighthouse", "", f"Could not run here: {error}"], {}
            parts += [*lines, ""]
            measured.update(values)
    parts += targets_section(measured)
    text = "\n".join(parts).rstrip("\n") + "\n"
    print(text)
    if not args.no_record:
        record(text)
        log(f"recorded in {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
