#!/usr/bin/env python3
"""Time the whole site build for N synthetic procedures.

    .venv/bin/python scripts/bench_site.py            # N = 10, 100, 1000
    .venv/bin/python scripts/bench_site.py --n 100 --n 10000

Each N runs in a fresh process (so peak memory is per build) and reports the
wall time, sopkit's own share (reading, validating, rendering pages) against
the MkDocs build, the site's size on disk and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(n: int) -> dict[str, float]:
    """Run in a child process: generate, build, report."""
    sys.path.insert(0, str(HERE))
    from synthetic import make_project

    from sopkit.build import build_site
    from sopkit.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp) / "project", n)
        started = time.perf_counter()
        report = build_site(Project(root))
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in (root / "site").rglob("*") if p.is_file())
    mkdocs = report.seconds.get("building the site with MkDocs", 0.0)
    return {
        "n": n,
        "wall_s": round(wall, 2),
        "mkdocs_s": round(mkdocs, 2),
        "sopkit_s": round(wall - mkdocs, 2),
        "site_mb": round(size / 1e6, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, action="append", help="procedure count (repeatable)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    print(f"{'N':>6} {'wall s':>8} {'MkDocs s':>9} {'sopkit s':>9} {'sopkit %':>9} "
          f"{'site MB':>8} {'peak MiB':>9}")
    for n in args.n or [10, 100, 1000]:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        share = 100 * r["sopkit_s"] / r["mkdocs_s"] if r["mkdocs_s"] else 0
        print(f"{r['n']:>6} {r['wall_s']:>8} {r['mkdocs_s']:>9} {r['sopkit_s']:>9} "
              f"{share:>8.0f}% {r['site_mb']:>8} {r['peak_rss_mib']:>9.0f}", flush=True)


if __name__ == "__main__":
    main()
