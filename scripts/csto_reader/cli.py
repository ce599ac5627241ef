"""The one command-line entry point: ``python -m csto_reader <command>``.

build [--no-tree]   run the pipeline; print diagnostics; write the generated tree
                    build/docs/ and build/mkdocs.yml (publish/tree.py), which
                    `mkdocs build --strict -f build/mkdocs.yml` renders with no hook
build --render DIR [--quiet]
                    the same, then that `mkdocs build --strict ... -d DIR` and
                    `finish --site DIR`, all three in this one process (`make site`)
finish --site DIR [--offline]
                    check every HTML file of the rendered site for inline scripts
                    and give it its Content-Security-Policy (publish/finish.py)
golden              regenerate tests/golden/ (generated Markdown + diagnostics)
bib                 regenerate bib/*.bib from the articles' reference lists
addresses [--format md|html|csv] [--update [--remove ADDRESS]...]
                    print every stable address, or add the new ones to
                    sources/addresses.tsv (removing one needs --remove and an alias)
pdf --site DIR [--paper a4|letter]
                    typeset DIR/downloads/reader.pdf and one PDF per article
epub --site DIR     write DIR/downloads/reader.epub and one EPUB per article
offline --site DIR  write DIR/downloads/reader-offline.zip (the site for file://)
codes               print the registry of diagnostic codes as a Markdown table
check sources/<slug>
                    build one article alone and print what each stage found, what
                    needs a decision (then exit 1) and what it merges into the
                    reader's bibliography
init sources/<slug> [--force]
                    write a starting meta.yml from what article.txt states
index-candidates [--min N]
                    propose names for index/entities.yml: capitalised names, places
                    and organisations the articles use at least N times (default 2)
                    that no entry matches yet, with their counts

Every problem is printed as ``file:line: severity: message [code]``; a command that
reports an error exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .codes import markdown_table
from .diagnostics import BuildError, Diagnostic, Reporter

if TYPE_CHECKING:
    from .ingest.cache import BuildOutput

# The pipeline and the stages are imported by the commands that run them, so that
# `finish` (a step of every `make site`) does not pay for importing them.

ROOT = Path.cwd()  # `make` runs from the project root
ENGINE = "mkdocs"  # what `build --render` calls in this process (ProperDocs: Makefile)
# The policies of the pages the last finish found clean, by page digest (finish.py).
FINISH_CACHE = Path(".cache") / "csto_reader" / "finish.json"


def _print_diagnostics(diags: Iterable[Diagnostic]) -> None:
    for d in diags:
        print(d.format(), file=sys.stderr)


def _build(args: argparse.Namespace, *, partial: bool = False) -> BuildOutput | None:
    """Run the pipeline.  On errors print them and return None, or with ``partial`` the
    output built before the failure (for commands that repair what failed)."""
    from .ingest.cache import BuildOutput
    from .pipeline import build

    try:
        return build(args.root)
    except BuildError as e:
        _print_diagnostics(e.diagnostics)
        return e.output if partial and isinstance(e.output, BuildOutput) else None


def cmd_build(args: argparse.Namespace) -> int:
    """Run the pipeline and write the generated tree (build/docs/, build/mkdocs.yml);
    with ``--render DIR``, then render it with MkDocs and finish it, in this process."""
    from .publish.tree import CONFIG

    if args.render is not None and (args.no_tree or not (args.root / CONFIG).is_file()):
        print(
            f"build --render: needs the tree (no --no-tree; {CONFIG} in the root)", file=sys.stderr
        )
        return 2
    status = _pipeline_and_tree(args)
    if status != 0 or args.render is None:
        return status
    site = Path(args.render).resolve()
    status = render_site(args.root, site, quiet=args.quiet)
    if status != 0:
        print(f"build failed: {ENGINE} build of the tree failed", file=sys.stderr)
        return status
    return _finish(args.root, site, offline=False)


def _pipeline_and_tree(args: argparse.Namespace) -> int:
    """``build`` without ``--render``: the pipeline (or its whole result from the cache)
    and the generated tree.  Its values are dropped on return, before any rendering."""
    from .ingest.cache import stored_build
    from .publish.tree import CONFIG, TREE, write_tree

    try:
        out = stored_build(args.root)  # nothing changed: no stage is even imported
        if out is None:
            from .pipeline import build

            out = build(args.root)
    except BuildError as e:
        _print_diagnostics(e.diagnostics)
        print(f"build failed: {len(e.diagnostics)} error(s)", file=sys.stderr)
        return 1
    _print_diagnostics(out.diagnostics)
    if os.environ.get("CSTO_STRICT") == "1" and any(
        d.severity == "warning" for d in out.diagnostics
    ):  # as a strict MkDocs build did when the pipeline ran inside it
        print("build failed: warnings, and CSTO_STRICT=1", file=sys.stderr)
        return 1
    if args.no_tree or not (args.root / CONFIG).is_file():  # a bare root: the pipeline only
        print(f"{TREE}/ not written", file=sys.stderr)
    else:
        reporter = Reporter()
        config = write_tree(args.root, out.pages, out.files, out.article_order, reporter)
        _print_diagnostics(reporter.diagnostics)
        if config is None:
            print(f"build failed: {TREE}/ not changed", file=sys.stderr)
            return 1
    print(f"built {len(out.articles)} articles, {len(out.pages)} pages", file=sys.stderr)
    return 0


def render_site(root: Path, site: Path, *, quiet: bool = False) -> int:
    """``mkdocs build --strict -f build/mkdocs.yml -d SITE`` in this process: MkDocs' own
    command line called as a library (its options, logging, strict count and exit
    status), so the site is the one the separate command writes.  Returns its status."""
    from mkdocs.__main__ import cli as engine_cli

    from .publish.tree import CONFIG, TREE

    command = ["build", "--strict", "-f", str(root / TREE / CONFIG), "-d", str(site)]
    try:
        engine_cli.main(args=command + (["-q"] if quiet else []), prog_name=ENGINE)
    except SystemExit as e:  # click ends every command so, 0 included
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return 0


def _finish(root: Path, site: Path, *, offline: bool) -> int:
    from .publish.finish import finish_site
    from .publish.tree import EXTRA, TREE

    reporter = Reporter()
    extra = root / TREE / EXTRA
    cache = None if offline else root / FINISH_CACHE
    count = finish_site(site, reporter, offline=offline, extra=extra, cache=cache)
    _print_diagnostics(reporter.diagnostics)
    if reporter.has_errors():
        return 1
    print(f"finished {count} HTML files in {site}", file=sys.stderr)
    return 0


def cmd_finish(args: argparse.Namespace) -> int:
    """Check every HTML file of a rendered site and give it its policy (finish.py)."""
    return _finish(args.root, Path(args.site), offline=args.offline)


def cmd_golden(args: argparse.Namespace) -> int:
    """Write each article's generated Markdown and diagnostics to tests/golden/."""
    from .ingest.anchors import anchor_index

    out = _build(args)
    if out is None:
        return 1
    golden = args.root / "tests" / "golden"
    golden.mkdir(parents=True, exist_ok=True)
    for b in out.articles:
        slug = b.article.meta.slug
        (golden / f"{slug}.md").write_text(b.markdown, encoding="utf-8")
        diags = [d.format() for d in out.diagnostics if d.span.file == b.article.source_path]
        (golden / f"{slug}.diagnostics.txt").write_text(
            "".join(f"{d}\n" for d in diags), encoding="utf-8"
        )
        index = anchor_index(b.article.blocks, b.heading_ids)
        (golden / f"{slug}.anchors.tsv").write_text(
            "".join(f"{a}\t{line}\t{words}\n" for a, words, line in index), encoding="utf-8"
        )
        print(f"wrote tests/golden/{slug}.md and .anchors.tsv", file=sys.stderr)
    return 0


def cmd_bib(args: argparse.Namespace) -> int:
    from .scholarly.bibliography import regenerate_bibs

    out = _build(args, partial=True)  # a broken bib/ file must not stop its regeneration
    if out is None:
        return 1
    reporter = Reporter()
    for b in out.articles:  # each article's accept: holds here too
        reporter.accept(b.article.source_path, b.article.meta.accept)
    refs = {b.article.meta.slug: b.article.references for b in out.articles}
    regenerate_bibs(args.root, refs, reporter)
    _print_diagnostics(reporter.diagnostics)
    return 1 if reporter.has_errors() else 0


def cmd_addresses(args: argparse.Namespace) -> int:
    """Print every stable address, or add the new ones to the manifest with --update.

    The manifest is only written from a build without errors, and an address leaves it
    only by ``--remove ADDRESS`` with an alias in sources/aliases.yml (``update_manifest``).
    """
    from .diagnostics import Reporter
    from .publish.addresses import format_addresses, read_aliases, update_manifest, write_manifest

    if args.remove and not args.update:
        print("addresses: --remove needs --update", file=sys.stderr)
        return 2
    out = _build(args)
    if out is None:
        if args.update:
            print("addresses: the build failed; sources/addresses.tsv not changed", file=sys.stderr)
        return 1
    if not args.update:
        sys.stdout.write(format_addresses(out.addresses, args.format, args.base_url))
        return 0
    aliases = read_aliases(args.root, Reporter())
    change = update_manifest(args.root, out.addresses, args.remove or [], aliases)
    for problem in change.problems:
        print(f"addresses: {problem}", file=sys.stderr)
    if change.problems:
        print("addresses: sources/addresses.tsv not changed", file=sys.stderr)
        return 1
    write_manifest(args.root, change.addresses)
    print(
        f"wrote sources/addresses.tsv ({len(change.addresses)} addresses: "
        f"{len(change.added)} added, {len(change.removed)} removed, "
        f"{len(change.kept)} kept by aliases)",
        file=sys.stderr,
    )
    for url in change.removed:
        print(f"removed {url} (alias: {aliases[url] or 'the home page'})", file=sys.stderr)
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    """Typeset the PDFs of a built site into its downloads/ folder (see pdf.py)."""
    from .publish.pdf import build_pdfs

    reporter = Reporter()
    results = build_pdfs(Path(args.site), paper=args.paper, jobs=args.jobs, reporter=reporter)
    _print_diagnostics(reporter.diagnostics)
    if reporter.has_errors():
        return 1
    print(f"wrote {len(results)} PDFs, {sum(r.pages for r in results)} pages", file=sys.stderr)
    return 1 if reporter.diagnostics and args.strict else 0


def cmd_epub(args: argparse.Namespace) -> int:
    """Write the EPUBs of a built site into its downloads/ folder (see epub.py)."""
    from .publish.epub import build_epubs

    reporter = Reporter()
    results = build_epubs(Path(args.site), reporter=reporter)
    _print_diagnostics(reporter.diagnostics)
    if reporter.has_errors():
        return 1
    size = sum(r.size for r in results) // 1024
    print(f"wrote {len(results)} EPUBs, {size} KiB", file=sys.stderr)
    return 0


def cmd_offline(args: argparse.Namespace) -> int:
    """Build the offline copy of the site into SITE/downloads/reader-offline.zip."""
    from .publish.offline import build_offline_zip

    reporter = Reporter()
    build_offline_zip(args.root, Path(args.site), reporter)
    _print_diagnostics(reporter.diagnostics)
    return 1 if reporter.has_errors() else 0


def cmd_codes(args: argparse.Namespace) -> int:
    """Print every diagnostic code with its stage, severity and meaning (Markdown)."""
    sys.stdout.write(markdown_table())
    return 0


def cmd_index_candidates(args: argparse.Namespace) -> int:
    from .pipeline import linked_articles
    from .scholarly.entities import ENTITIES_FILE, article_texts, index_candidates, load_entities

    reporter = Reporter()
    articles = linked_articles(args.root, reporter)
    path = args.root / ENTITIES_FILE
    entities = load_entities(path, reporter, ENTITIES_FILE.as_posix()) if path.exists() else []
    _print_diagnostics([d for d in reporter.diagnostics if d.severity == "error"])
    if reporter.has_errors():
        return 1
    found = index_candidates(entities, article_texts(articles), minimum=args.min)
    print(f"# {len(found)} names the articles use at least {args.min} times, not in {path.name}")
    for name, count in found:
        print(f"{count:5d}  {name}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Build one article alone and print the report; 1 when a decision is needed."""
    from .check import check_article

    report = check_article(args.root, Path(args.folder))
    sys.stdout.write(report.text)
    return report.status


def cmd_init(args: argparse.Namespace) -> int:
    """Write sources/<slug>/meta.yml from what the text states (not over an existing one)."""
    from .check import init_fields, render_meta, style_hint

    folder = Path(args.folder)
    folder = folder if folder.is_absolute() else args.root / folder
    target = folder / "meta.yml"
    if target.exists() and not args.force:
        print(f"init: {target} exists; --force replaces it", file=sys.stderr)
        return 1
    fields, reporter = init_fields(args.root, folder)
    _print_diagnostics(reporter.diagnostics)
    if reporter.has_errors():
        return 1
    hint = style_hint(args.root, folder, fields)
    target.write_text(render_meta(folder.name, fields, hint), encoding="utf-8")
    names = ", ".join(f.name for f in fields) or "no field"
    print(f"wrote {target}: {names} (check each against the text)", file=sys.stderr)
    return 0


def _check_help() -> str:
    from .check import DECISIONS

    listed = "\n".join(f"  - {d}" for d in DECISIONS)
    return f"exit status 1 when something needs a decision:\n{listed}"


def _add_article_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], argv: list[str]
) -> None:
    """The commands for an instructor adding an article: check, init, index-candidates.
    (The check's epilog imports the stages: only made for ``check --help``.)"""
    helping = "check" in argv and bool({"-h", "--help"} & set(argv))
    k = sub.add_parser(
        "check",
        help="build one article alone and print what each stage found",
        epilog=_check_help() if helping else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    k.add_argument("folder", help="the article's folder, sources/<slug>")
    k.set_defaults(func=cmd_check)
    i = sub.add_parser("init", help="write a starting meta.yml from what article.txt states")
    i.add_argument("folder", help="the article's folder, sources/<slug>")
    i.add_argument("--force", action="store_true", help="replace an existing meta.yml")
    i.set_defaults(func=cmd_init)
    c = sub.add_parser("index-candidates", help="propose names for index/entities.yml")
    c.add_argument("--min", type=int, default=2, help="at least this many uses (default 2)")
    c.set_defaults(func=cmd_index_candidates)


def _add_site_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The steps before and after the engine: build (the tree), finish (the policy)."""
    b = sub.add_parser("build", help="run the pipeline; write build/docs/ and build/mkdocs.yml")
    b.add_argument("--no-tree", action="store_true", help="only print the diagnostics")
    b.add_argument(
        "--render",
        metavar="DIR",
        help="then `mkdocs build --strict` the tree into DIR and finish it, in this process",
    )
    b.add_argument("--quiet", action="store_true", help="with --render: MkDocs' -q")
    b.set_defaults(func=cmd_build)
    f = sub.add_parser("finish", help="check a rendered site's HTML and give it its policy")
    f.add_argument("--site", required=True, help="the site the engine rendered")
    f.add_argument("--offline", action="store_true", help="the policy of the offline copy")
    f.set_defaults(func=cmd_finish)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="csto-reader",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="project root (default: the current folder)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_site_commands(sub)
    sub.add_parser("golden", help="regenerate tests/golden/").set_defaults(func=cmd_golden)
    sub.add_parser("bib", help="regenerate bib/*.bib").set_defaults(func=cmd_bib)
    a = sub.add_parser("addresses", help="print every stable address (or --update the manifest)")
    a.add_argument("--format", choices=["md", "html", "csv"], default="md")
    a.add_argument("--base-url", default="", help="prefix, e.g. https://example.org/reader/")
    a.add_argument(
        "--update", action="store_true", help="add the new addresses to sources/addresses.tsv"
    )
    a.add_argument(
        "--remove",
        action="append",
        metavar="ADDRESS",
        help="with --update: drop ADDRESS from the manifest (it needs an alias in "
        "sources/aliases.yml); repeatable",
    )
    a.set_defaults(func=cmd_addresses)
    p = sub.add_parser("pdf", help="typeset the PDFs of a built site")
    p.add_argument("--site", required=True, help="the built site (PDFs go to SITE/downloads/)")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per CPU)")
    p.add_argument("--strict", action="store_true", help="fail on any warning")
    p.set_defaults(func=cmd_pdf)
    e = sub.add_parser("epub", help="write the EPUBs of a built site")
    e.add_argument("--site", required=True, help="the built site (EPUBs go to SITE/downloads/)")
    e.set_defaults(func=cmd_epub)
    o = sub.add_parser("offline", help="zip the offline copy of the site into SITE/downloads/")
    o.add_argument("--site", required=True, help="the built site")
    o.set_defaults(func=cmd_offline)
    sub.add_parser("codes", help="print the diagnostic codes (Markdown)").set_defaults(
        func=cmd_codes
    )
    _add_article_commands(sub, sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.func
    return command(args)


if __name__ == "__main__":
    sys.exit(main())
