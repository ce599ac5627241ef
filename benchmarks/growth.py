"""How the pipeline's time grows with the corpus, stage by stage, and what the cache saves.

    .venv/bin/python benchmarks/growth.py [--sizes 100,300,1000] [--runs 3] [--large]

Each measure runs in a fresh process (``--child``) that times every stage ``pipeline.build``
calls (by wrapping the stage functions in the pipeline module's namespace) and reports its
peak memory (``resource.getrusage``).  The synthetic corpora are made from the four real
articles with realistic sharing of works between reference lists: copy ``i`` of an
article renames the family names of its reference list (in the list and in the
citations alike, so every citation still resolves) with a tag shared by the copies in
its group of eight (so a work is listed by a handful of articles, as in a department's
catalogue, not by a quarter of them all), and half of them with a tag of its own.
``--large`` adds one article of 20,000 paragraphs (the real texts' paragraphs repeated).

Prints a Markdown section; ``--record`` writes it into benchmarks/RESULTS.md (``results_file``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import results_file  # benchmarks/results_file.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
if "PYTHONPATH" not in os.environ:  # a child run for another checkout keeps that one's package
    sys.path.insert(0, str(ROOT / "scripts"))
PY = sys.executable
GROUP = 8
STAGES = (
    "discover",
    "prepare_article",
    "_prepare",
    "build_bibliography",
    "link_citations",
    "build_glossary",
    "build_timeline",
    "_index",
    "_render_pages",
    "render_one",
    "render_bibliography",
    "render_index_page",
    "render_teaching",
    "render_home",
    "render_editorial",
    "report_json",
    "collect_addresses",
    "_check_addresses",
    "download_files",
)


def child(root: Path, cache: bool) -> None:
    """One timed build in this process; prints JSON: total, per stage, peak MB."""
    start = time.perf_counter()
    from csto_reader import pipeline

    imported = time.perf_counter()
    spent: dict[str, float] = {}

    def wrap(name: str, fn):  # type: ignore[no-untyped-def]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

        return timed

    for name in STAGES:
        if hasattr(pipeline, name):
            setattr(pipeline, name, wrap(name, getattr(pipeline, name)))
    t = time.perf_counter()
    cpu = os.times()
    out = pipeline.build(root, cache=cache)
    total = time.perf_counter() - t
    after = os.times()
    # CPU seconds of this process and of the workers it forked (the machine is shared:
    # wall time waits for other sessions, CPU time is the work done)
    used = sum(getattr(after, f) - getattr(cpu, f)
               for f in ("user", "system", "children_user", "children_system"))  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"import": imported - start, "total": total, "stages": spent,
                      "cpu": used, "peak_mb": peak, "worker_peak_mb": worker_peak,
                      "articles": len(out.articles)}))  # fmt: skip


def run_child(root: Path, cache: bool = False) -> dict:
    cold = not (root / "build" / "cache" / "apa.json").exists()  # citeproc formats all
    cmd = [PY, __file__, "--child", str(root)] + (["--cache"] if cache else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"build of {root} failed:\n{proc.stderr[-3000:]}")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "cold": cold}


# ---------------------------------------------------------------- the corpora


def families_by_slug() -> dict[str, set[str]]:
    """The one-word family names of each real article's reference list."""
    from csto_reader.diagnostics import Reporter
    from csto_reader.ingest.sources import discover
    from csto_reader.pipeline import prepare_article
    from csto_reader.scholarly.references import name_parts, parse_reference, split_names

    # names the glossary, chronology, index or course data use (a bibliography key
    # "freedman1998", a person of the index) keep their spelling
    data = " ".join(
        path.read_text(encoding="utf-8").lower()
        for name in ("glossary", "timeline", "index", "teaching")
        for path in sorted((ROOT / name).rglob("*.yml"))
    )
    reporter = Reporter()
    out: dict[str, set[str]] = {}
    for source in discover(ROOT, reporter):
        names: set[str] = set()
        for item in prepare_article(source, reporter).article.references:
            ref = parse_reference(item, source.slug, Reporter())
            for name in split_names(ref.get("author") or ref.get("editor")):
                family = name_parts(name).get("family", "")
                if re.fullmatch(r"[A-Z][a-z]{3,}", family) and family.lower() not in data:
                    names.add(family)
        out[source.slug] = names
    return out


def tag(*parts: object) -> str:
    digest = hashlib.sha256("/".join(map(str, parts)).encode()).digest()
    return "".join("bcdfghjklmnpqrstvwxz"[b % 20] for b in digest[:6])


def renamed(text: str, families: set[str], i: int) -> str:
    for family in sorted(families):
        own = int(hashlib.sha256(f"{family}{i}".encode()).hexdigest(), 16) % 2 == 0
        new = family + tag(family, i if own else f"group{i // GROUP}")
        text = re.sub(rf"\b{family}\b", new, text)
    return text


def corpus(root: Path, n: int, families: dict[str, set[str]]) -> Path:
    """``n`` articles: the real four, then renamed copies under new slugs, with the real
    glossary, chronology, index and course data (which name the real articles)."""
    root.mkdir(parents=True)
    for name in ("glossary", "timeline", "teaching", "index"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name)
    slugs = sorted(families)
    for i in range(n):
        slug = slugs[i % len(slugs)]
        new = slug if i < len(slugs) else f"{slug}-copy{i:04d}"
        shutil.copytree(ROOT / "sources" / slug, root / "sources" / new)
        if i >= len(slugs):
            path = root / "sources" / new / "article.txt"
            path.write_text(renamed(path.read_text(encoding="utf-8"), families[slug], i),
                            encoding="utf-8")  # fmt: skip
    return root


def large(root: Path, paragraphs: int = 20_000) -> Path:
    """The four articles, Zhang's body made of its own paragraphs repeated to ``paragraphs``."""
    root.mkdir(parents=True)
    for name in ("glossary", "timeline", "teaching", "index"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name)
    shutil.copytree(ROOT / "sources", root / "sources")  # the data files name all four
    src = ROOT / "sources" / "zhang-2023"
    dst = root / "sources" / "zhang-2023"
    text = (src / "article.txt").read_text(encoding="utf-8")
    cut = re.search(r"^#+ Reference", text, re.M)  # the body's paragraphs only
    head, tail = (text[: cut.start()], text[cut.start() :]) if cut else (text, "")
    paras = [
        p for p in head.split("\n") if len(p.split()) > 30 and not re.search(r"[#\d⁰-⁹¹²³\[]", p)
    ]
    body = "\n\n".join(paras[i % len(paras)] for i in range(paragraphs))
    (dst / "article.txt").write_text(f"{head}\n{body}\n\n{tail}", encoding="utf-8")
    return root


# ---------------------------------------------------------------- the report


HEADER = [
    "| articles | cold s | warm s (median) | warm runs | ms per article | warm CPU s |"
    " peak MB | largest worker MB |",
    "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
]


def warm(results: list[dict]) -> list[dict]:
    """The runs that found the APA cache (a cold one formats every work with citeproc)."""
    return [r for r in results if not r["cold"]] or results


def row(n: int, results: list[dict]) -> str:
    totals = [r["total"] for r in warm(results)]
    cpu = statistics.median(r["cpu"] for r in warm(results))
    peak = max(r["peak_mb"] for r in results)
    worker = max(r.get("worker_peak_mb", 0) for r in results)
    cold = next((f"{r['total']:.1f}" for r in results if r["cold"]), "—")
    return (f"| {n:,} | {cold} | {statistics.median(totals):.1f} | "
            f"{', '.join(f'{t:.1f}' for t in totals)} | "
            f"{statistics.median(totals) / n * 1000:.0f} | {cpu:.1f} | {peak:.0f} | "
            f"{worker:.0f} |")  # fmt: skip


def exponents(points: list[tuple[int, float, float]]) -> list[str]:
    """n^k between each two sizes, of warm wall time and of warm CPU time."""
    lines = []
    for (n1, t1, c1), (n2, t2, c2) in zip(points, points[1:], strict=False):
        k_wall = math.log(t2 / t1) / math.log(n2 / n1)
        k_cpu = math.log(c2 / c1) / math.log(n2 / n1)
        lines.append(f"- {n1:,} → {n2:,} articles: wall n^{k_wall:.2f}, CPU n^{k_cpu:.2f}")
    return lines


def machine() -> str:
    """Machine, date, commit and load, for the record."""
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1] if Path(
        "/proc/meminfo").exists() else "0"  # fmt: skip
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    return (f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}.\n"
            f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
            f"{int(mem) / 1024 / 1024:.0f} GB RAM, {platform.system()}, "
            f"Python {platform.python_version()}; shared with other sessions: "
            f"load average {load()} at the start")  # fmt: skip


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def stage_table(label: str, result: dict) -> list[str]:
    lines = [f"Stages, {label} (seconds, one run):", "", "| stage | seconds | share |",
             "| --- | ---: | ---: |"]  # fmt: skip
    for name, seconds in sorted(result["stages"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| `{name}` | {seconds:.2f} | {seconds / result['total']:.0%} |")
    return lines + [""]


# ---------------------------------------------------------------- cache and chain (--cache-bench)

CACHE_SECTION = "Pipeline cache and build chain (issue 15, `benchmarks/growth.py --cache-bench`)"
PROJECT_PARTS = ("sources", "bib", "glossary", "index", "timeline", "teaching", "docs",
                 "overrides", "mkdocs.yml")  # fmt: skip


def project(tmp: Path, name: str) -> Path:
    """A copy of this tree's inputs and MkDocs configuration (its own caches)."""
    root = tmp / name
    root.mkdir()
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, root / part)
        elif src.is_file():
            shutil.copy(src, root / part)
    return root


def forget_cache(root: Path) -> None:
    """Remove the per-article and whole-build caches (the APA cache of citeproc's output,
    ``build/cache/apa.json``, older than both, stays warm)."""
    shutil.rmtree(root / ".cache", ignore_errors=True)


EDITS = 3  # successive edits of one article in one serve process


def serve_child(root: Path, reimport: bool) -> None:
    """What `make serve`'s hook does after each of ``EDITS`` edits of one article, in
    this process: with ``reimport`` (the hook before the code-fingerprint change) drop
    the imported package and import it again, else keep it (the hook now, the code
    unchanged); then build (per-article and APA caches warm).  Prints the wall and CPU
    seconds of each build, and the import time."""
    from csto_reader import pipeline

    pipeline.build(root)
    text = sorted((root / "sources").glob("*/article.txt"))[0]
    before = text.read_text(encoding="utf-8")
    out: dict[str, list[dict[str, float]]] = {"unchanged": [], "edited": []}
    edits = [("unchanged", "")] + [("edited", f"\nOne more sentence, edit {i}.\n")
                                   for i in range(EDITS)]  # fmt: skip
    for label, edit in edits:
        text.write_text(before + edit, encoding="utf-8")
        start = time.perf_counter()
        if reimport:
            for name in [n for n in sys.modules if n.split(".")[0] == "csto_reader"]:
                del sys.modules[name]
        from csto_reader import pipeline as again

        imported = time.perf_counter()
        cpu = os.times()
        again.build(root)
        used = os.times()
        out[label].append({"import": imported - start, "build": time.perf_counter() - imported,
                           "cpu": used.user + used.system - cpu.user - cpu.system})  # fmt: skip
    text.write_text(before, encoding="utf-8")
    print(json.dumps(out))


def run_code(code: Path, args: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """Run ``args`` with the package of checkout ``code`` first on the path: wall time,
    the process's CPU time (user + system: less disturbed by the other sessions' load
    than wall time) and its output."""
    env = {**os.environ, "PYTHONPATH": str(code / "scripts")}
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{args} failed:\n{proc.stderr[-3000:]}")
    cpu = now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
    return wall, cpu, proc.stdout


def timed_child(code: Path, root: Path) -> dict:
    """One build by checkout ``code``'s ``--child`` (caches on), with its process CPU."""
    script = str(code / "benchmarks" / "growth.py")
    _, cpu, out = run_code(code, [PY, script, "--child", str(root), "--cache"])
    return {**json.loads(out.strip().splitlines()[-1]), "cpu": cpu}


def pipeline_rounds(before: Path, root_b: Path, root_a: Path, runs: int) -> dict[str, list]:
    """Alternated in one loop: the pipeline of ``before`` and of this tree, cold (caches
    removed), then this tree with nothing changed and with one article edited."""
    keys = ("before", "cold", "unchanged", "edited", "serve", "serve before")
    got: dict[str, list] = {k: [] for k in keys}
    text = sorted((root_a / "sources").glob("*/article.txt"))[0]
    original = text.read_text(encoding="utf-8")
    for code, root in ((before, root_b), (ROOT, root_a)):
        timed_child(code, root)  # the APA cache warm, as in a working tree
    for _ in range(runs):
        for key, code, root in (("before", before, root_b), ("cold", ROOT, root_a)):
            forget_cache(root)
            got[key].append(timed_child(code, root))
        got["unchanged"].append(timed_child(ROOT, root_a))
        text.write_text(original + "\nOne more sentence for the bench.\n", encoding="utf-8")
        got["edited"].append(timed_child(ROOT, root_a))
        text.write_text(original, encoding="utf-8")
        run_child(root_a, cache=True)  # the entry of the unedited tree again
        for key, code, root, flag in (("serve before", before, root_b, ["--reimport"]),
                                      ("serve", ROOT, root_a, [])):  # fmt: skip
            out = run_code(code, [PY, __file__, "--serve-child", str(root), *flag])[2]
            got[key].append(json.loads(out.strip().splitlines()[-1]))
    return got


def chain(code: Path, root: Path, *, one_process: bool) -> tuple[float, float]:
    """`make site`'s first steps in ``root`` with checkout ``code``'s package: wall and CPU
    seconds.  ``one_process``: ``build --render`` (the Makefile since issue 15's chain
    work); else the three commands apart (build step, `mkdocs build`, ``finish``)."""
    if one_process:
        render = [PY, "-m", "csto_reader", "build", "--render", str(root / "site"), "--quiet"]
        return run_code(code, render, root)[:2]
    wall = cpu = 0.0
    finish = [PY, "-m", "csto_reader", "finish", "--site", str(root / "site")]
    for args in ([PY, "-m", "csto_reader", "build"], mkdocs(root), finish):
        w, c, _ = run_code(code, args, root)
        wall, cpu = wall + w, cpu + c
    return wall, cpu


def chain_rounds(before: Path, root_b: Path, root_a: Path, runs: int) -> dict[str, list]:
    """Alternated: plain `mkdocs build` of the generated tree; the chain (build step,
    that `mkdocs build`, finish) of ``before`` and of this tree (nothing changed)."""
    got: dict[str, list] = {"plain": [], "chain before": [], "chain": [], "chain cold": []}
    chain(before, root_b, one_process=False)  # the generated tree and the caches, as a
    chain(ROOT, root_a, one_process=True)  # second `make site` finds them
    for _ in range(runs):
        got["plain"].append(run_code(ROOT, mkdocs(root_a), root_a)[:2])
        got["chain before"].append(chain(before, root_b, one_process=False))
        got["chain"].append(chain(ROOT, root_a, one_process=True))
        forget_cache(root_a)
        got["chain cold"].append(chain(ROOT, root_a, one_process=True))
    return got


def mkdocs(root: Path) -> list[str]:
    return [PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", "build/mkdocs.yml",
            "-d", str(root / "site")]  # fmt: skip


def med(values: list) -> float:
    return statistics.median(values)


def cache_report(before_rev: str, runs: int, p: dict[str, list], c: dict[str, list]) -> str:
    import platform

    load = os.getloadavg()
    cpu = platform.processor() or platform.machine()
    lines = [f"## {CACHE_SECTION}", "",
             f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; before = `main` at "
             f"{before_rev}.",
             f"- Machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
             f"shared with other sessions (load average {load[0]:.1f} at the end): wall times "
             "are noisy, every measure below ran alternated in one loop, so read the ratios, "
             "and the CPU times (user + system of the processes), which the load disturbs less.",
             f"- {runs} rounds, fresh processes, a copy of this tree's inputs per side; medians.",
             "- Cold: `.cache/` removed (no per-article or whole-build entry); the APA cache "
             "(`build/cache/apa.json`) warm on both sides, as in the earlier sections.",
             ""]  # fmt: skip
    return "\n".join(lines + pipeline_lines(p) + chain_lines(c)) + "\n"


def pipeline_lines(p: dict[str, list]) -> list[str]:
    plain = {k: v for k, v in p.items() if not k.startswith("serve")}
    total = {k: [r["total"] for r in v] for k, v in plain.items()}
    cpu = {k: [r["cpu"] for r in v] for k, v in plain.items()}
    imports = {k: [r["import"] for r in v] for k, v in plain.items()}
    lines = ["### The pipeline on the four articles", "",
             "`pipeline.build` wall time (imports aside), and the CPU time of the whole process "
             "(interpreter start, imports, build).", "",
             "| build | median s | runs (s) | imports s | vs. before | process CPU s | CPU vs. "
             "before |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    names = {"before": "before, cold", "cold": "after, cold (no cache entries)",
             "unchanged": "after, nothing changed",
             "edited": "after, one article edited"}  # fmt: skip
    for key, label in names.items():
        runs_s = ", ".join(f"{t:.2f}" for t in total[key])
        ratio = med(total[key]) / med(total["before"])
        cpu_ratio = med(cpu[key]) / med(cpu["before"])
        lines.append(f"| {label} | {med(total[key]):.2f} | {runs_s} | {med(imports[key]):.2f} | "
                     f"{ratio:.2f}× | {med(cpu[key]):.2f} | {cpu_ratio:.2f}× |")  # fmt: skip
    return lines + ["", f"Nothing changed: **{med(total['unchanged']) / med(total['cold']):.1%}** "
                    "of a cold build in the pipeline (target < 10 %).", "",
                    *serve_lines(p), "",
                    "Stages, after, cold (median s of each): " + stage_medians(p["cold"]),
                    ""]  # fmt: skip


def serve_lines(p: dict[str, list]) -> list[str]:
    """In one process as `make serve`'s hook runs the pipeline: before (the package
    imported again for every build) and after (kept while the code is unchanged)."""
    lines = ["In one process as `make serve`'s hook runs it, after each of "
             f"{EDITS} successive edits of one article (appending a sentence), "
             "medians over the rounds (wall seconds of `pipeline.build`, its CPU seconds, "
             "and the import before it):", "",
             "| hook | nothing changed s | one article edited s | edited, CPU s | "
             "edited, first edit s | import s |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for key, label in (("serve before", "before: package imported again each build"),
                       ("serve", "after: package kept, units memoized")):  # fmt: skip
        rounds = p[key]
        edited = [e["build"] for r in rounds for e in r["edited"]]
        imports = [e["import"] for r in rounds for e in r["edited"]]
        first = [r["edited"][0]["build"] for r in rounds]
        lines.append(f"| {label} | {med([r['unchanged'][0]['build'] for r in rounds]):.2f} | "
                     f"**{med(edited):.2f}** | "
                     f"{med([e['cpu'] for r in rounds for e in r['edited']]):.2f} | "
                     f"{med(first):.2f} | "
                     f"{med(imports):.2f} |")  # fmt: skip
    return lines + ["", "Target: one article edited in under 1 s."]


def chain_lines(c: dict[str, list]) -> list[str]:
    lines = ["### The chain against plain `mkdocs build` (second `make site`, nothing changed)",
             "", "| build | median s | runs (s) | CPU s |",
             "| --- | ---: | --- | ---: |"]  # fmt: skip
    chain_names = {"plain": "`mkdocs build --strict -f build/mkdocs.yml` alone",
                   "chain before": "before: build step + that `mkdocs build` + `finish`",
                   "chain": "after: `csto_reader build --render` (the three in one process)",
                   "chain cold": "after, no cache entries: the same chain"}  # fmt: skip
    wall = {k: [w for w, _ in v] for k, v in c.items()}
    cpu = {k: [u for _, u in v] for k, v in c.items()}
    for key, label in chain_names.items():
        shown = ", ".join(f"{t:.2f}" for t in wall[key])
        lines.append(f"| {label} | {med(wall[key]):.2f} | {shown} | {med(cpu[key]):.2f} |")

    def ratios(key: str) -> str:
        return (f"{med(wall[key]) / med(wall['plain']):.2f}× wall, "
                f"{med(cpu[key]) / med(cpu['plain']):.2f}× CPU")  # fmt: skip

    return lines + ["", "Ratio to the plain build (target 1.2×): before "
                    f"{ratios('chain before')}; **after {ratios('chain')}**; after with no cache "
                    "entry "
                    f"{ratios('chain cold')}."]  # fmt: skip


def stage_medians(results: list[dict]) -> str:
    names = sorted({n for r in results for n in r["stages"]})
    values = {n: med([r["stages"].get(n, 0.0) for r in results]) for n in names}
    top = sorted(values.items(), key=lambda kv: -kv[1])[:8]
    return ", ".join(f"`{n}` {v:.2f}" for n, v in top)


def cache_bench(before_rev: str, runs: int, record: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="csto-cache-bench-") as tmp_name:
        tmp = Path(tmp_name)
        before = tmp / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", before_rev, "scripts", "benchmarks", "docs"],
                                 cwd=ROOT, capture_output=True, check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        rev = subprocess.run(["git", "rev-parse", "--short", before_rev], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        root_b, root_a = project(tmp, "project-before"), project(tmp, "project-after")
        p = pipeline_rounds(before, root_b, root_a, runs)
        c = chain_rounds(before, root_b, root_a, runs)
    text = cache_report(rev, runs, p, c)
    print(text)
    if record:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import results_file

        results_file.record(CACHE_SECTION, text)


# ---------------------------------------------------------------- the chain alone (--chain-bench)

CHAIN_SECTION = "The build chain in one process (issue 15, `benchmarks/growth.py --chain-bench`)"
CHAIN_ROWS = {
    "plain": "`mkdocs build --strict -q -f build/mkdocs.yml` of the generated tree alone",
    "before": "before: build step, that `mkdocs build`, `finish` (three processes)",
    "apart": "after, the three commands apart (`ENGINE=properdocs` runs them so)",
    "after": "**after: `csto_reader build --render DIR` (one process, `make site`)**",
    "before cold": "before, no cache entries (pipeline cold)",
    "after cold": "after, no cache entries (pipeline and `finish` cold)",
}


def chain_bench_rounds(before: Path, root_b: Path, root_a: Path, runs: int) -> dict[str, list]:
    """Alternated in one loop, fresh processes: the plain render of the generated tree,
    then each chain with nothing changed and with no cache entry (``forget_cache``)."""
    got: dict[str, list] = {key: [] for key in CHAIN_ROWS}
    chain(before, root_b, one_process=False)  # the trees and caches of a first `make site`
    chain(ROOT, root_a, one_process=True)
    for i in range(runs):
        got["plain"].append(run_code(ROOT, mkdocs(root_a), root_a)[:2])
        got["before"].append(chain(before, root_b, one_process=False))
        got["apart"].append(chain(ROOT, root_a, one_process=False))
        got["after"].append(chain(ROOT, root_a, one_process=True))
        forget_cache(root_b)
        got["before cold"].append(chain(before, root_b, one_process=False))
        forget_cache(root_a)
        got["after cold"].append(chain(ROOT, root_a, one_process=True))
        shown = ", ".join(f"{k} {v[-1][0]:.2f}/{v[-1][1]:.2f}" for k, v in got.items())
        print(f"round {i + 1}: {shown} (wall/CPU s), load {load()}", file=sys.stderr, flush=True)
    return got


def chain_bench_report(before_rev: str, runs: int, got: dict[str, list], loads: str) -> str:
    wall = {k: [w for w, _ in v] for k, v in got.items()}
    cpu = {k: [c for _, c in v] for k, v in got.items()}
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    lines = [f"## {CHAIN_SECTION}", "",
             f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}; "
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
             f"{platform.python_version()}, shared with other sessions.",
             f"- Load average (1 / 5 / 15 min): {loads}.",
             f"- Before = `main` at {before_rev}; after = this tree.  A copy of this tree's "
             "inputs per side; the APA cache (`build/cache/apa.json`) warm on both.",
             f"- {runs} rounds, each running every row once in the order shown, fresh "
             "processes; medians.  CPU = user + system of the processes (and their workers).",
             "- Nothing changed = a second `make site`: whole build and `finish` from the "
             "caches. No cache entries = `.cache/` removed.", "",
             "| chain | median wall s | runs (s) | wall ÷ plain | median CPU s | CPU ÷ plain |",
             "| --- | ---: | --- | ---: | ---: | ---: |"]  # fmt: skip
    for key, label in CHAIN_ROWS.items():
        shown = ", ".join(f"{t:.2f}" for t in wall[key])
        lines.append(f"| {label} | {med(wall[key]):.2f} | {shown} | "
                     f"{med(wall[key]) / med(wall['plain']):.2f}× | {med(cpu[key]):.2f} | "
                     f"{med(cpu[key]) / med(cpu['plain']):.2f}× |")  # fmt: skip
    paired = [a / p for (a, _), (p, _) in zip(got["after"], got["plain"], strict=True)]
    return "\n".join(lines + ["", "Median of the per-round ratios after ÷ plain (wall): "
                              f"{med(paired):.2f}×. Target 1.2×.", ""])  # fmt: skip


def chain_bench(before_rev: str, runs: int, record: bool, note: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="csto-chain-bench-") as tmp_name:
        tmp = Path(tmp_name)
        before = tmp / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", before_rev, "scripts", "benchmarks", "docs"],
                                 cwd=ROOT, capture_output=True, check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        rev = subprocess.run(["git", "rev-parse", "--short", before_rev], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        root_b, root_a = project(tmp, "project-before"), project(tmp, "project-after")
        for root in (root_b, root_a):  # the APA cache warm, as in a working tree
            if (ROOT / "build" / "cache").is_dir():
                shutil.copytree(ROOT / "build" / "cache", root / "build" / "cache")
        start = load()
        got = chain_bench_rounds(before, root_b, root_a, runs)
    text = chain_bench_report(rev, runs, got, f"{start} at the start, {load()} at the end")
    if note is not None:
        text += "\n" + note.read_text(encoding="utf-8").strip() + "\n"
    print(text)
    if record:
        results_file.record(CHAIN_SECTION, text)


SECTION = "Growth to 1,000 articles (issue 15)"
HOW = """\
Written by `benchmarks/growth.py --record` (`results_file.record`).  Corpora made from the
real four as the module docstring says; one build per run in a fresh process
(`--child`), no per-article cache; the first run of a size formats every work with
citeproc (cold), the others reuse `build/cache/apa.json` (warm; with `--corpora`, a
corpus kept from an earlier run is warm from its first run).  Wall seconds are
`pipeline.build` (imports excluded); CPU seconds add the build's process and the
workers it forked (`os.times`), which is the work done whatever the load; peak MB is
`ru_maxrss` of the build's process and of its largest worker (a forked worker shares
the build's pages until it writes them, so the two do not add up).  Per-article
stages (`prepare_article`, `render_one`, `cite_article`) run in the workers: their
time is inside `_prepare`, `_render_pages` and `link_citations`."""


def measure(root: Path, n: int, runs: int, limit: float) -> list[dict]:
    """``runs`` builds of ``root`` (fewer when one takes longer than ``limit`` s)."""
    results: list[dict] = []
    for _ in range(runs):
        results.append(run_child(root))
        print(f"{n}: {results[-1]['total']:.2f} s, {results[-1]['cpu']:.2f} CPU s, "
              f"load {load()}", file=sys.stderr, flush=True)  # fmt: skip
        if len(warm(results)) < len(results):
            continue  # only the cold run so far
        if results[-1]["total"] > limit:
            break
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--cache", action="store_true")
    parser.add_argument("--sizes", default="100,300")
    parser.add_argument("--runs", type=int, default=3, help="per size, the first cold")
    parser.add_argument("--limit", type=float, default=600, help="seconds: stop repeating")
    parser.add_argument("--corpora", type=Path, help="keep (and reuse) the corpora here")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--paragraphs", type=int, default=20_000, help="of the large article")
    parser.add_argument("--serve-child")
    parser.add_argument("--reimport", action="store_true", help="with --serve-child")
    parser.add_argument("--cache-bench", metavar="REV", help="the cache and chain against REV")
    parser.add_argument("--chain-bench", metavar="REV", help="the build chain against REV")
    parser.add_argument("--record", action="store_true", help="write RESULTS.md's section")
    parser.add_argument("--note", type=Path, help="a file of remarks to end the section with")
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.cache)
        return 0
    if args.serve_child:
        serve_child(Path(args.serve_child), args.reimport)
        return 0
    if args.cache_bench:
        cache_bench(args.cache_bench, args.runs, args.record)
        return 0
    if args.chain_bench:
        chain_bench(args.chain_bench, args.runs, args.record, args.note)
        return 0
    head = machine()
    families = families_by_slug()
    lines = list(HEADER)
    points, details = [], []
    with tempfile.TemporaryDirectory(prefix="csto-growth-") as tmp:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            root = (args.corpora or Path(tmp)) / f"c{n}"
            if not root.exists():
                corpus(root, n, families)
            results = measure(root, n, args.runs, args.limit)
            points.append((n, statistics.median(r["total"] for r in warm(results)),
                           statistics.median(r["cpu"] for r in warm(results))))  # fmt: skip
            lines.append(row(n, results))
            details += stage_table(f"{n:,} articles, warm", results[-1])
        lines += [""] + exponents(points)
        if args.large:
            result = run_child(large(Path(tmp) / "large", args.paragraphs))
            details += stage_table(f"one article of {args.paragraphs:,} paragraphs, "
                                   f"{result['total']:.1f} s, {result['cpu']:.1f} CPU s, "
                                   f"{result['peak_mb']:.0f} MB", result)  # fmt: skip
    text = "\n".join(lines + [""] + details)
    print(text)
    if args.record:
        note = args.note.read_text(encoding="utf-8").strip() + "\n" if args.note else ""
        results_file.record(SECTION, f"## {SECTION}\n\n{head}, {load()} at the end.\n\n"
                                     f"{HOW}\n\n{text}\n{note}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
