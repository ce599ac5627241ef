"""Print the external links of a built site: one line per distinct address.

    .venv/bin/python benchmarks/external_links.py [SITE_DIR] [--pages]

SITE_DIR defaults to site/ (run `make site` first).  Each line is the address, then how
many links point to it; with --pages, the pages that link it.  Lines are sorted by
address.  The build machine is offline, so nothing is fetched: check the list by hand or
with a link checker on a connected machine.  The walk is the one tests/test_links.py uses.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_links import external_links, malformed  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "site")
    parser.add_argument("--pages", action="store_true", help="list the pages linking each")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}: not a built site (run `make site`)", file=sys.stderr)
        return 2
    pages: dict[str, list[str]] = defaultdict(list)
    for link in external_links(args.site):
        pages[link.url].append(link.page)
    for url in sorted(pages):
        note = f"\tMALFORMED: {reason}" if (reason := malformed(url)) else ""
        print(f"{url}\t{len(pages[url])}{note}")
        if args.pages:
            for page in sorted(set(pages[url])):
                print(f"\t{page}")
    print(
        f"{len(pages)} external addresses, {sum(map(len, pages.values()))} links", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
