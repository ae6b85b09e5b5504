#!/usr/bin/env python3
"""Time the whole site build for N synthetic procedures.

    .venv/bin/python scripts/bench_site.py            # N = 10, 100, 1000
    .venv/bin/python scripts/bench_site.py --n 100 --n 10000

Each N runs in a fresh process (so peak memory is per build) and builds twice:
cold (every wall card rendered) and warm (cards from the cache, as after an
edit). For the warm build it reports the wall time, the MkDocs build, sopkit's
own work (reading, validating, rendering pages, verifying) and its share of
the MkDocs time, the site's size on disk (and without the card PDFs), the
process's peak memory (RSS) and the largest peak of its child processes (card
workers when cards are rendered, the second MkDocs process).

The machine's speed varies from run to run, so each N also builds, in the
same process and with one MkDocs process as `mkdocs build` would:
- "1 proc": the same staged pages (how much the MkDocs processes building
  the site together save; "procs" is how many did);
- "floor": MkDocs with the same mkdocs.yml, theme and navigation, but one
  plain Markdown page per procedure (the procedure page's text with every HTML
  tag removed) and no change pages. "MkDocs / floor" is what sopkit's MkDocs
  step takes against a plain Material build of that text.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sopkit.outputs.site.nav import NavEntry
    from sopkit.source.project import Project

HERE = Path(__file__).resolve().parent


def measure(n: int) -> dict[str, float]:
    """Run in a child process: generate, build, report."""
    sys.path.insert(0, str(HERE))
    from synthetic import make_project

    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp) / "project", n)
        started = time.perf_counter()
        report = build_site(Project(root))
        wall = time.perf_counter() - started
        # Again, as after editing: cards come from the cache, pages are rebuilt.
        started = time.perf_counter()
        again = build_site(Project(root))
        rebuild = time.perf_counter() - started
        files = [p for p in (root / "site").rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        cards = sum(p.stat().st_size for p in files if p.suffix == ".pdf")
        one = _one_process(Project(root), Path(tmp) / "one")
        floor = _floor(Project(root), Path(tmp) / "floor")
    mkdocs = again.seconds.get("building the site with MkDocs", 0.0)
    rendering_cards = again.seconds.get("rendering wall cards", 0.0)
    return {
        "n": n,
        "cold_s": round(wall, 2),
        "cold_cards_s": round(report.seconds.get("rendering wall cards", 0.0), 2),
        "wall_s": round(rebuild, 2),
        "mkdocs_s": round(mkdocs, 2),
        "floor_s": round(floor, 2),
        "one_process_s": round(one, 2),
        "processes": len(again.shares),
        "sopkit_s": round(rebuild - mkdocs - rendering_cards, 2),
        "site_mb": round(size / 1e6, 1),
        "pages_mb": round((size - cards) / 1e6, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
        "child_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 0),
        "phases": {name: round(sec, 2) for name, sec in again.seconds.items()},
    }


def _nav(project: Project) -> list[NavEntry]:
    from sopkit.outputs import site
    from sopkit.source.library import read_library

    return site.navigation(read_library(project.procedures))


def _one_process(project: Project, folder: Path) -> float:
    """Seconds for one MkDocs process to build the staged pages."""
    from sopkit.outputs import site

    nav = _nav(project)
    started = time.perf_counter()
    site.build(project.mkdocs_yml, project.build / "docs", folder, nav,
                         processes=site.Processes(1))
    return time.perf_counter() - started


def _floor(project: Project, folder: Path) -> float:
    """Seconds for MkDocs to build plain-text procedure pages with the same settings."""
    from sopkit.outputs import site

    docs = folder / "docs"
    shutil.copytree(project.build / "docs", docs)
    shutil.rmtree(docs / "endringer", ignore_errors=True)
    for page in (docs / "dokumenter").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n") if text.startswith("---") else ("", "", text)
        page.write_text(head + sep + re.sub(r"<[^>]+>", "", body), encoding="utf-8")
    nav = _nav(project)
    started = time.perf_counter()
    site.build(project.mkdocs_yml, docs, folder / "site", nav,
                         processes=site.Processes(1))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="procedure count (repeatable)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    print(f"{'N':>6} {'cold s':>7} {'cards s':>8} | {'warm s':>7} {'MkDocs s':>9} "
          f"{'procs':>5} {'1 proc s':>8} {'floor s':>8} {'/ floor':>8} {'sopkit s':>9} "
          f"{'sopkit %':>9} {'site MB':>8} {'no PDF':>7} {'peak MiB':>9} {'child MiB':>10}")
    details = []
    for n in args.n or [10, 100, 1000]:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        share = 100 * r["sopkit_s"] / r["mkdocs_s"] if r["mkdocs_s"] else 0
        ratio = r["mkdocs_s"] / r["floor_s"] if r["floor_s"] else 0
        print(f"{r['n']:>6} {r['cold_s']:>7} {r['cold_cards_s']:>8} | {r['wall_s']:>7} "
              f"{r['mkdocs_s']:>9} {r['processes']:>5} {r['one_process_s']:>8} {r['floor_s']:>8} "
              f"{ratio:>7.2f}x {r['sopkit_s']:>9} {share:>8.0f}% {r['site_mb']:>8} "
              f"{r['pages_mb']:>7} {r['peak_rss_mib']:>9.0f} {r['child_rss_mib']:>10.0f}",
              flush=True)
        details.append(f"  N={r['n']} warm phases: " + ", ".join(
            f"{name} {sec} s" for name, sec in r["phases"].items()))
    print("\n".join(details))


if __name__ == "__main__":
    main()
