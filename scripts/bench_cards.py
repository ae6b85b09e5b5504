#!/usr/bin/env python3
"""Benchmark wall cards: N synthetic procedures x 2 sizes, sequential and on 2 workers.

    PYTHONPATH=src .venv/bin/python scripts/bench_cards.py [--n 1000] [--no-record]

Writes a temporary project with N realistic procedures (scripts/synthetic.py:
6-8 steps with card wording), then times ``render_cards`` in a fresh process per
mode, with an empty cache: jobs=1 and jobs=2. Reports wall time per card,
CPU, resident memory over the run (sampled, with the workers), whether both
modes gave byte-identical PDFs, and the time of a rebuild after editing one
procedure. Appends the figures to BENCHMARKS.md under "Wall cards".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml
from synthetic import make_project, write_procedure

REPO = Path(__file__).resolve().parent.parent
PRINTED = dt.date(2026, 11, 25)

# ---------------------------------------------------------------- one timed run (child)


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        pids += _tree(int(child))
    return pids


def timed_run(project_dir: Path, out: Path, cache: Path, jobs: int) -> dict[str, Any]:
    start = time.perf_counter()
    from sopkit.outputs.card.cache import render_cards
    from sopkit.source.library import read_library
    from sopkit.source.project import Project

    imported = time.perf_counter() - start
    project = Project(project_dir)
    library = read_library(project.procedures, on=PRINTED)

    samples: list[tuple[float, int, int]] = []  # (time, main RSS, workers' RSS) in KiB
    running = threading.Event()
    running.set()

    def sample() -> None:
        me = os.getpid()
        while running.is_set():
            pids = _tree(me)
            samples.append((time.perf_counter(), _rss_kib(me), sum(_rss_kib(p) for p in pids[1:])))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    cpu = time.process_time()
    began = time.perf_counter()
    sampler.start()
    written = render_cards(library, project, out, jobs=jobs, cache_dir=cache)
    wall = time.perf_counter() - began
    running.clear()
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_total = time.process_time() - cpu + children.ru_utime + children.ru_stime

    # A rebuild after editing one procedure: only its cards are rendered.
    first = sorted((project.procedures / "documents").glob("*.yml"))[0]
    text = first.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    doc["title"] = "Endret " + doc["title"]
    write_procedure(first, doc)
    library = read_library(project.procedures, on=PRINTED)
    again = time.perf_counter()
    render_cards(library, project, out, jobs=jobs, cache_dir=cache)
    rebuild = time.perf_counter() - again
    first.write_text(text, encoding="utf-8")

    quarter = [s for s in samples if s[0] - began >= wall / 4] or samples
    return {
        "jobs": jobs, "cards": len(written), "import_s": imported, "wall_s": wall,
        "cpu_s": cpu_total, "rebuild_one_s": rebuild,
        "rss_main_mib_at_quarter": quarter[0][1] / 1024,
        "rss_main_mib_peak": max(s[1] for s in samples) / 1024,
        "rss_workers_mib_at_quarter": quarter[0][2] / 1024,
        "rss_workers_mib_peak": max(s[2] for s in samples) / 1024,
    }


# ---------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of procedures [1000]")
    parser.add_argument("--no-record", action="store_true", help="do not write BENCHMARKS.md")
    parser.add_argument("--child", nargs=4, metavar=("PROJECT", "OUT", "CACHE", "JOBS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        project, out, cache, jobs = args.child
        print(json.dumps(timed_run(Path(project), Path(out), Path(cache), int(jobs))))
        return

    with tempfile.TemporaryDirectory(prefix="sopkit-bench-") as folder:
        root = Path(folder)
        made = time.perf_counter()
        make_project(root / "project", args.n)
        print(f"{args.n} synthetic procedures written in {time.perf_counter() - made:.1f} s",
              file=sys.stderr)
        results = []
        for jobs in (1, 2):
            line = subprocess.run(
                [sys.executable, __file__, "--child", str(root / "project"),
                 str(root / f"out{jobs}"), str(root / f"cache{jobs}"), str(jobs)],
                capture_output=True, text=True,
            )
            if line.returncode:
                sys.exit(f"jobs={jobs} failed:\n{line.stderr}")
            results.append(json.loads(line.stdout))
            print(_describe(results[-1]), file=sys.stderr)
        identical = all(
            a.read_bytes() == (root / "out2" / a.relative_to(root / "out1")).read_bytes()
            for a in (root / "out1").rglob("*.pdf"))
    print(f"jobs=1 and jobs=2 byte-identical: {identical}", file=sys.stderr)
    if not args.no_record:
        record(args.n, results, identical)


def _describe(r: dict[str, Any]) -> str:
    per_card = r["wall_s"] / r["cards"] * 1000
    return (f"jobs={r['jobs']}: {r['cards']} cards in {r['wall_s']:.1f} s = {per_card:.1f} ms "
            f"wall/card, {r['cpu_s'] / r['cards'] * 1000:.1f} ms CPU/card; "
            f"RSS main {r['rss_main_mib_at_quarter']:.0f}->{r['rss_main_mib_peak']:.0f} MiB, "
            f"workers {r['rss_workers_mib_at_quarter']:.0f}->{r['rss_workers_mib_peak']:.0f} MiB "
            f"(at 1/4 of the run -> peak); rebuild after editing one procedure "
            f"{r['rebuild_one_s']:.2f} s; import {r['import_s']:.2f} s")


def record(count: int, results: list[dict[str, Any]], identical: bool) -> None:
    import weasyprint

    path = REPO / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if "\n## Wall cards\n" not in text:
        text = text.rstrip("\n") + "\n\n## Wall cards\n\n`scripts/bench_cards.py`: synthetic " \
            "procedures from `scripts/synthetic.py` (6-8 steps with card wording), " \
            "both sizes, empty cache, " \
            "one fresh process per mode. Wall time is for `render_cards` alone (importing " \
            "sopkit and WeasyPrint is listed apart).\n"
    load = os.getloadavg()[0]
    entry = [f"\n### {dt.date.today():%Y-%m-%d}: {count} procedures, {os.cpu_count()} cores, "
             f"WeasyPrint {weasyprint.__version__}, Python {platform.python_version()}, "
             f"load average {load:.1f} at the end\n"]
    entry += [f"- {_describe(r)}\n" for r in results]
    entry.append(f"- jobs=1 and jobs=2 gave byte-identical PDFs: {'yes' if identical else 'NO'}\n")
    marker = "\n## Wall cards\n"
    head, _, tail = text.partition(marker)
    section, sep, rest = tail.partition("\n## ")
    section = section.rstrip("\n") + "\n" + "".join(entry)
    path.write_text(head + marker + section + (("\n" + sep.lstrip("\n") + rest) if sep else ""),
                    encoding="utf-8")
    print(f"recorded in {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
