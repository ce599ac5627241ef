"""The offline copy of the site: ``downloads/reader-offline.zip``, which opens from disk.

``build_offline_zip`` renders the generated tree (``build/mkdocs.yml``, written by
``python -m csto_reader build``: ``tree.py``) a second time with Material's ``offline``
plugin enabled (``CSTO_OFFLINE=true``, see ``mkdocs.yml``), and finishes it with the
offline policy (``finish.py``): page links then name files
(``articles/zhang-2023.html``), the search index is inlined as a script, and the vendored
iframe-worker shim lets search run from ``file://``.  The site itself stays a normal site.

Links written as raw HTML by the pipeline (article headers, citations, glossary terms,
the home page cards) are not rewritten by MkDocs: they keep the directory form of the
online site (``../../glossary/#crrf``), which a browser opening files cannot follow.
``fix_directory_links`` points each of them at the file it means.  The 404 page is
rendered for the site root (MkDocs gives it ``/assets/...`` and ``"base": "/"``, since a
server shows it at any depth); in the copy, whose root is a folder on disk, those would
name the disk's root, so ``fix_directory_links`` makes them relative too, and
``fix_root_config`` points its search configuration at the copy's folder.  The PDFs
already typeset into the site's ``downloads/`` are copied in, so the copy's PDF links work
too.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..diagnostics import BuildError, Reporter
from ..model import Span
from .csp import apply_csp
from .finish import finish_site
from .tree import CONFIG, EXTRA, TREE

# The folder the zip unpacks to.
ZIP_FOLDER = "csto-reader"
ZIP_NAME = "reader-offline.zip"

_ATTRIBUTE = re.compile(r'(?P<name>\b(?:href|src))="(?P<value>[^"]*)"')


def _directory_url(page: str) -> str:
    """The directory URL an HTML file had on the online site: ``a/b.html`` -> ``a/b/``."""
    if page == "index.html":
        return ""
    if page.endswith("/index.html"):
        return page[: -len("index.html")]
    return page.removesuffix(".html") + "/"


def _existing_file(site: Path, path: str) -> str | None:
    """The file a site path names, trying ``x.html`` and ``x/index.html`` for ``x/``."""
    path = posixpath.normpath(path) if path else ""
    if path.startswith("../") or path == "..":
        return None
    candidates = [path] if path and not path.endswith("/") else []
    stem = path.rstrip("/")
    candidates += [f"{stem}.html", f"{stem}/index.html"] if stem not in ("", ".") else []
    if stem in ("", "."):
        candidates.append("index.html")
    for candidate in candidates:
        if (site / candidate).is_file():
            return candidate
    return None


def fix_link(site: Path, page: str, href: str) -> str | None:
    """The href that reaches, from the file ``page``, what ``href`` meant; None if fine.

    ``href`` is tried against the page's own folder first (links MkDocs wrote), then
    against the directory URL the page had online (raw HTML written for that site).
    """
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    folder = posixpath.dirname(page)
    path = unquote(parts.path)
    if path.startswith("/"):  # from the site root (the 404 page): relative to this file
        target = _existing_file(site, path.lstrip("/") or ".")
        if target is None:
            return None
        new = posixpath.relpath(target, folder or ".")
        return new + (f"#{parts.fragment}" if parts.fragment else "")
    if (site / posixpath.normpath(posixpath.join(folder, path))).is_file():
        return None
    for base in (folder, _directory_url(page).rstrip("/")):
        joined = posixpath.join(base, path)
        if path.endswith("/"):
            joined += "/"
        target = _existing_file(site, joined)
        if target is not None:
            new = posixpath.relpath(target, folder or ".")
            return new + (f"#{parts.fragment}" if parts.fragment else "")
    return None


def fix_directory_links(site: Path) -> int:
    """Rewrite, in every HTML file of an offline build, links that name a folder; return
    how many were rewritten."""
    changed = 0
    for file in sorted(site.rglob("*.html")):
        page = file.relative_to(site).as_posix()
        text = file.read_text(encoding="utf-8")

        def replace(match: re.Match[str], page: str = page) -> str:
            nonlocal changed
            new = fix_link(site, page, match.group("value").replace("&amp;", "&"))
            if new is None:
                return match.group(0)
            changed += 1
            return f'{match.group("name")}="{new.replace("&", "&amp;")}"'

        new_text = _ATTRIBUTE.sub(replace, text)
        if new_text != text:
            file.write_text(new_text, encoding="utf-8")
    return changed


_ROOT_CONFIG = re.compile(r'"(?P<key>base|search)": "/(?P<rest>[^"]*)"')


def fix_root_config(site: Path) -> int:
    """In Material's page configuration (``<script id="__config">``), make a base or
    search-worker address given from the site root (the 404 page's ``"base": "/"``)
    relative to the file; return how many were rewritten."""
    changed = 0
    for file in sorted(site.rglob("*.html")):
        folder = posixpath.dirname(file.relative_to(site).as_posix())

        def replace(match: re.Match[str], folder: str = folder) -> str:
            nonlocal changed
            changed += 1
            new = posixpath.relpath(match.group("rest") or ".", folder or ".")
            return f'"{match.group("key")}": "{new}"'

        text = file.read_text(encoding="utf-8")
        new_text = _ROOT_CONFIG.sub(replace, text)
        if new_text != text:
            file.write_text(new_text, encoding="utf-8")
    return changed


def _zip_time() -> tuple[int, int, int, int, int, int]:
    """The timestamp of every zip member: SOURCE_DATE_EPOCH when set, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return time.gmtime(max(seconds, 315532800))[:6]  # zip dates start in 1980


def write_zip(folder: Path, target: Path) -> int:
    """Zip ``folder`` as ``csto-reader/...`` into ``target`` (sorted, one timestamp);
    return the number of files."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    stamp = _zip_time()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for file in files:
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{file.relative_to(folder).as_posix()}", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, file.read_bytes())
    partial.replace(target)
    return len(files)


def _failure(output: str, limit: int = 600) -> str:
    """The lines of MkDocs' output that say what failed, as one line."""
    lines = [" ".join(line.split()) for line in output.splitlines() if line.strip()]
    said = [line for line in lines if re.search(r"\b(?:ERROR|error|Error)\b", line)]
    text = "; ".join(dict.fromkeys(said or lines[-1:])) or "no output"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _render_offline(root: Path, out: Path) -> str | None:
    """Render the generated tree of ``root`` into ``out`` with the offline plugin; return
    what failed, or None."""
    config = root / TREE / CONFIG
    if not config.is_file():
        return f"{TREE}/{CONFIG} is missing: run `python -m csto_reader build` first"
    env = {**os.environ, "CSTO_OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config),
         "-d", str(out)],
        cwd=root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    return None if result.returncode == 0 else _failure(result.stdout + result.stderr)


def build_offline_zip(root: Path, site_dir: Path, reporter: Reporter | None = None) -> Path | None:
    """Build the offline variant of the site and write ``site_dir/downloads/reader-offline.zip``.

    ``root`` holds ``mkdocs.yml``; ``site_dir`` is the (new) online site, whose
    ``downloads/*.pdf`` and ``*.epub`` are copied into the offline copy.  When the offline
    build fails, that is reported (``mkdocs.yml:1: error: ... [offline-build]``) to ``reporter`` and
    ``None`` returned; without a reporter it raises ``BuildError``.
    """
    target = site_dir / "downloads" / ZIP_NAME
    sink = reporter if reporter is not None else Reporter()
    with tempfile.TemporaryDirectory(prefix="csto-offline-") as temp:
        out = Path(temp) / ZIP_FOLDER
        print(f"{ZIP_NAME}: building the offline variant of the site", file=sys.stderr)
        failure = _render_offline(root, out)
        if failure is None:
            finished = Reporter()
            finish_site(out, finished, offline=True, extra=root / TREE / EXTRA)
            failure = "; ".join(d.format() for d in finished.errors) or None
        if failure is not None:
            sink.error(
                Span("mkdocs.yml", 1),
                "the offline build (mkdocs build --strict, CSTO_OFFLINE=true) failed: " + failure,
                "offline-build",
            )
            if reporter is None:
                raise BuildError(sink.errors)
            return None
        made = [*(site_dir / "downloads").glob("*.pdf"), *(site_dir / "downloads").glob("*.epub")]
        for pdf in sorted(made):
            (out / "downloads").mkdir(exist_ok=True)
            shutil.copyfile(pdf, out / "downloads" / pdf.name)
        fixed = fix_directory_links(out) + fix_root_config(out)
        for page in sorted(out.rglob("*.html")):  # the policy again, after the rewrite
            text = page.read_text(encoding="utf-8")
            page.write_text(apply_csp(text, offline=True), encoding="utf-8")
        count = write_zip(out, target)
    size = target.stat().st_size
    print(
        f"{ZIP_NAME}: {count} files, {size / 1024 / 1024:.1f} MB ({fixed} links pointed at files)",
        file=sys.stderr,
    )
    return target
