"""Lighthouse (mobile) on the home page and every article page, served gzipped and not.

    .venv/bin/python benchmarks/lighthouse.py [--site DIR] [--runs 3] [--pages a,b] [--no-record]

Lighthouse is the npm package pinned in package.json (``npm ci`` installs it into
node_modules/); it runs on Debian's Chromium, headless, with its default mobile settings
(a mid-range phone on a throttled 4G link, simulated).  The site is served on 127.0.0.1
by the static server of benchmarks/weight.py, once with gzip -6 for text files (as a
static host sends them) and once uncompressed.  Each page is run ``--runs`` times; the
median of each category's score and of each metric is recorded.

Targets (issue 15): at least 98 in every category with gzip, at least 90 without.
The result replaces the section "Lighthouse (benchmarks/lighthouse.py)" of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import weight  # noqa: E402  (this folder's weight.py: the server, the site, the record)

ROOT = weight.ROOT
SECTION = "Lighthouse (benchmarks/lighthouse.py)"
BINARY = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)
TARGET = {True: 98, False: 90}  # gzip or not


def version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"] if package.is_file() else "absent"


def run_once(url: str, out: Path) -> dict:
    flags = " ".join(["--headless=new", *weight.CHROMIUM_ARGS])
    command = [
        str(BINARY),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        f"--chrome-flags={flags}",
    ]
    env = {**os.environ, "CHROME_PATH": weight.CHROMIUM}
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(out.read_text())


def low_audits(report: dict) -> set[str]:
    """Weighted audits scoring below 0.9 (what to fix)."""
    found = set()
    for c in CATEGORIES:
        for ref in report["categories"][c]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 0.9:
                found.add(f"{c}: `{ref['id']}`")
    return found


def measure(site: Path, pages: list[str], runs: int, tmp: Path) -> list[dict]:
    rows = []
    for compress in (True, False):
        with weight.serve(site, compress) as base:
            for path in pages:
                served = "gzip" if compress else "no compression"
                weight.log(f"lighthouse: /{path}, {served}, {runs} runs")
                reports = [run_once(base + path, tmp / f"lh-{i}.json") for i in range(runs)]
                scores = {
                    c: statistics.median(r["categories"][c]["score"] * 100 for r in reports)
                    for c in CATEGORIES
                }
                metrics = {
                    m: statistics.median(r["audits"][m]["numericValue"] for r in reports)
                    for m in METRICS
                }
                low = set().union(*(low_audits(r) for r in reports))
                rows.append(
                    {
                        "page": path,
                        "compress": compress,
                        "scores": scores,
                        "runs": [r["categories"]["performance"]["score"] * 100 for r in reports],
                        "metrics": metrics,
                        "low": sorted(low),
                    }
                )
    return rows


def report(rows: list[dict], runs: int) -> str:
    lines = [
        f"## {SECTION}",
        "",
        f"- Date: {weight.datetime.date.today().isoformat()}",
        f"- Machine: {weight.machine()}; Lighthouse {version()}",
        "",
        f"Mobile (Lighthouse's default), {runs} runs a page, medians; the site served on "
        "127.0.0.1 with gzip -6 and without compression.  Targets: ≥ 98 in every category "
        "with gzip, ≥ 90 without.",
        "",
        "| page | served | performance (runs) | accessibility | best practices | SEO "
        "| FCP | LCP | TBT | SI | CLS | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        s, m = row["scores"], row["metrics"]
        ok = min(s.values()) >= TARGET[row["compress"]]
        perf_runs = ", ".join(f"{v:.0f}" for v in row["runs"])
        lines.append(
            f"| /{row['page']} | {'gzip' if row['compress'] else 'no compression'} "
            f"| {s['performance']:.0f} ({perf_runs}) | {s['accessibility']:.0f} "
            f"| {s['best-practices']:.0f} | {s['seo']:.0f} "
            f"| {m['first-contentful-paint'] / 1000:.1f} s "
            f"| {m['largest-contentful-paint'] / 1000:.1f} s "
            f"| {m['total-blocking-time']:.0f} ms | {m['speed-index'] / 1000:.1f} s "
            f"| {m['cumulative-layout-shift']:.3f} | {'met' if ok else '**missed**'} |"
        )
    low = sorted({(a, r["page"]) for r in rows for a in r["low"]})
    if low:
        lines += ["", "Weighted audits below 0.9 in any run:", ""]
        for audit in sorted({a for a, _ in low}):
            where = ", ".join(f"/{p}" for a, p in low if a == audit)
            lines.append(f"- {audit} ({where})")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", help="comma list of addresses (default: home, articles)")
    parser.add_argument("--no-record", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args(argv)
    if not BINARY.exists():
        weight.log("lighthouse is not installed: run `npm ci` at the project root")
        return 2
    with tempfile.TemporaryDirectory(prefix="csto-lighthouse-") as tmp_name:
        tmp = Path(tmp_name)
        site = args.site
        if site is None:
            site = tmp / "site"
            weight.log("building the site")
            weight.build_site(site)
        pages = args.pages.split(",") if args.pages else weight.site_pages(site)
        pages = ["" if p in ("/", "") else p for p in pages]
        rows = measure(site, pages, args.runs, tmp)
    weight.SECTION = SECTION
    text = report(rows, args.runs)
    print(text)
    if not args.no_record:
        weight.record(text)
        weight.log(f"recorded in {weight.RESULTS.relative_to(ROOT)}")
    met = all(min(r["scores"].values()) >= TARGET[r["compress"]] for r in rows)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
