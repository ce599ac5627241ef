"""What a reader's browser downloads on a first visit to the home page and each article page.

    .venv/bin/python benchmarks/weight.py [--site DIR] [--no-record]

Without ``--site`` it builds the site into a temporary folder (the build step, ``mkdocs
build --strict`` of the generated tree and ``finish``: ``build_site``).
Each page is loaded in Debian's Chromium (Playwright) with an empty cache from a local
static server that sends text files gzipped (level 6, as GitHub Pages and most web
servers do), and every request is counted until the network is idle: the HTML and every
stylesheet, script, font, image and JSON file the page asks for at start.  Then the
search is opened (the ``/`` shortcut) to record what that adds (the search index).

``transferred`` is what went over the wire as Chromium reports it (headers and encoded
body).  Chromium gives no sizes for what a worker fetches (the search worker's script):
such a body is counted as this server sends it (gzipped) plus 200 bytes of headers.

The result replaces the section "Page weight (benchmarks/weight.py)" of RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gzip
import http.server
import io
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "Page weight (benchmarks/weight.py)"
BUDGET = 100_000  # bytes, gzipped, first visit of an article page (issue 15)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Python's static file server, quiet; with ``compress`` it sends text files gzipped
    (level 6) to clients that accept it."""

    compress = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        if not self.compress or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the address with a slash
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
def serve(site: Path, compress: bool = True) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port); yields the base address."""
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


def site_pages(site: Path) -> list[str]:
    """The home page and every article page of a built site, as addresses."""
    articles = sorted(p.parent.name for p in (site / "articles").glob("*/index.html"))
    return ["", *(f"articles/{slug}/" for slug in articles)]


def _row(response, base: str, compress: bool) -> dict:  # type: ignore[no-untyped-def]
    response.finished()
    sizes = response.request.sizes()
    body = response.body() if 200 <= response.status < 300 else b""
    wire = sizes["responseBodySize"] + sizes["responseHeadersSize"]
    if body and not sizes["responseBodySize"]:
        wire = len(gzip.compress(body, 6) if compress else body) + 200
    return {
        "url": response.url.removeprefix(base),
        "foreign": not response.url.startswith(base),
        "bytes": len(body),
        "transferred": wire,
    }


def _total(rows: list[dict]) -> dict:
    return {
        "requests": len(rows),
        "bytes": sum(r["bytes"] for r in rows),
        "transferred": sum(r["transferred"] for r in rows),
        "foreign": sum(r["foreign"] for r in rows),
        "rows": rows,
    }


def _first_preview(page) -> bool:  # type: ignore[no-untyped-def]
    """Hover the first citation (else glossary term) of an article page until its preview
    shows: what that downloads is what the page left out of its first visit."""
    links = page.locator("p.para a.cite, p.para a.term")
    if not links.count():
        return False
    links.first.scroll_into_view_if_needed()
    links.first.hover()
    page.wait_for_selector("#reader-preview", state="visible", timeout=5000)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Escape")
    page.mouse.move(0, 0)
    return True


def weigh(site: Path, paths: list[str], compress: bool = True) -> dict[str, dict]:
    """Per page: the first visit (``load``) and what opening the search adds (``search``)."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with serve(site, compress) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in paths:
            context = browser.new_context()
            page = context.new_page()
            responses: list = []
            context.on("response", lambda response, seen=responses: seen.append(response))
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(500)  # anything started late by a script
            load = [_row(r, base, compress) for r in responses if r.url.startswith("http")]
            responses.clear()
            previewed = _first_preview(page)
            preview = [_row(r, base, compress) for r in responses if r.url.startswith("http")]
            responses.clear()
            page.keyboard.press("/")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            opened = [_row(r, base, compress) for r in responses if r.url.startswith("http")]
            results[path] = {"load": _total(load), "search": _total(opened)}
            if previewed:
                results[path]["preview"] = _total(preview)
            context.close()
        browser.close()
    return results


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def machine() -> str:
    cpu = "unknown CPU"
    info = Path("/proc/cpuinfo")
    if info.is_file():
        m = re.search(r"^model name\s*:\s*(.+)$", info.read_text(), re.M)
        cpu = m.group(1).strip() if m else cpu
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout
    return (
        f"{cpu}, {os.cpu_count()} CPUs; Python {platform.python_version()}; "
        f"{chromium.strip() or 'Chromium'}"
    )


def report(results: dict[str, dict]) -> str:
    lines = [
        f"## {SECTION}",
        "",
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {machine()}",
        "",
        "First visit (empty cache), served with gzip -6, counted until the network is idle; "
        "then what the first preview of a citation or term adds (hovering it: the page's "
        "previews file), then what opening the search (`/`) adds.  Bytes over the wire, "
        "headers included.",
        "",
        "| page | requests | first visit, gzip | uncompressed bodies | first preview adds "
        "| opening search adds |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, r in results.items():
        load, opened = r["load"], r["search"]
        added = ", ".join(x["url"] for x in opened["rows"]) or "nothing"
        shown = r.get("preview")
        preview = "no preview"
        if shown:
            urls = ", ".join(x["url"] for x in shown["rows"]) or "nothing"
            preview = f"{kb(shown['transferred'])} ({urls})"
        lines.append(
            f"| /{path} | {load['requests']} | {kb(load['transferred'])} | "
            f"{kb(load['bytes'])} | {preview} | {kb(opened['transferred'])} ({added}) |"
        )
    articles = [p for p in results if p]
    heaviest = max(articles, key=lambda p: results[p]["load"]["transferred"])
    total = results[heaviest]["load"]["transferred"]
    mark = "met" if total <= BUDGET else "**missed**"
    lines += [
        "",
        f"Heaviest article page /{heaviest}: {kb(total)} (target ≤ {kb(BUDGET)}: {mark}).",
        "",
        "| resource | gzip | uncompressed |",
        "| --- | ---: | ---: |",
    ]
    rows = sorted(results[heaviest]["load"]["rows"], key=lambda r: -r["transferred"])
    for row in rows:
        lines.append(f"| `{row['url'] or '/'}` | {kb(row['transferred'])} | {kb(row['bytes'])} |")
    foreign = sum(r["load"]["foreign"] + r["search"]["foreign"] for r in results.values())
    lines += ["", f"Requests to other hosts: {foreign}."]
    return "\n".join(lines) + "\n"


def record(text: str) -> None:
    """Replace (or append) this script's section of RESULTS.md; keep every other one."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else "# Benchmarks\n"
    pattern = re.compile(rf"^## {re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def build_site(target: Path) -> None:
    """Build the site into ``target`` as `make site` does up to ``finish`` (no PDFs): the
    build step writes the generated tree (build/), MkDocs renders it, ``finish`` gives
    the pages their policy.  (A bare ``mkdocs build`` of the root has no content.)"""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
    out = str(target.resolve())
    steps = [
        [sys.executable, "-m", "csto_reader", "build"],
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "build/mkdocs.yml",
         "-d", out],
        [sys.executable, "-m", "csto_reader", "finish", "--site", out],
    ]  # fmt: skip
    for command in steps:
        subprocess.run(command, cwd=ROOT, check=True, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--no-record", action="store_true", help="print, do not write RESULTS.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="csto-weight-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            log("building the site")
            build_site(site)
        results = weigh(site, site_pages(site))
    text = report(results)
    print(text)
    if not args.no_record:
        record(text)
        log(f"recorded in {RESULTS.relative_to(ROOT)}")
    articles = [r["load"]["transferred"] for p, r in results.items() if p]
    return 0 if max(articles) <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
