"""Shared fixtures: one pipeline build of the real sources per test session."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import mkdocs_build

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

SLUGS = ["beloglazov-2023", "choi-2022", "syssoyeva-2023", "zhang-2023"]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built():
    """The pipeline's output for the four real articles."""
    from csto_reader.pipeline import build

    return build(ROOT)


@pytest.fixture(scope="session")
def by_slug(built):
    return {b.article.meta.slug: b for b in built.articles}


# ---------------------------------------------------------------- the built site, served


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, built once per session with `mkdocs build --strict` into a temp dir
    (shared by the browser, accessibility and link tests)."""
    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, out)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return out


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as the URL path a reader opens ("", "about/",
    "404.html"), home first."""
    paths = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        paths.append(rel.removesuffix("index.html"))
    return sorted(paths, key=lambda p: (p != "", p))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(http.server.ThreadingHTTPServer):
    # socketserver's listen backlog is 5: Chromium opens more connections at once, and on
    # a loaded machine a refused one showed as a failed request for a file that exists
    # (reader.js on /editorial/, in a clean-clone CI run)
    request_queue_size = 128


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1 (a thread; a free port)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


CHROMIUM = "/usr/bin/chromium"
# Without these Chromium keeps calling hosts this network refuses (see TOOLCHAIN.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium (Debian's) for the whole session, driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (make setup)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
