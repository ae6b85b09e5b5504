#!/usr/bin/env python3
"""Time incremental builds against a stock Material build, side by side (issue 17).

    .venv/bin/python scripts/bench_incremental.py [--n 1000] [--project DIR]

Each build is ``sopkit build`` (or ``mkdocs build``) in a child process; the wall
time and the peak memory of all its processes together (sampled every 20 ms from
/proc) are measured. The definitions, so that anyone measures them the same way:

- stock: ``mkdocs build`` with Material alone (one process, navigation.prune,
  search, offline, use_directory_urls: false) on one plain Markdown page per
  procedure (its title, section headings and text, steps as a numbered list)
  in the same Dokumentplassering folder tree;
- cold: ``sopkit build`` with nothing cached (every wall card and archival PDF
  rendered); skipped with ``--project`` (an existing synthetic project whose
  caches are warm);
- full rebuild: after a change every page shows and no card does (site_name in
  mkdocs.yml);
- edit rebuild: after editing one step's text in one procedure under a draft;
- serve (``--serve``): ``sopkit serve`` with the draft's page open in Debian's
  Chromium; from saving a step's new text to the page showing it.

The ratios are what the issue's targets are about: the machine's speed cancels out.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SOPKIT = REPO / ".venv" / "bin" / "sopkit"
MKDOCS = REPO / ".venv" / "bin" / "mkdocs"


def tree_rss(root: int) -> int:
    """The resident memory of ``root`` and all its descendants, in bytes. The tree is
    followed by the kernel's lists of each thread's children, not by reading every
    process of the machine: sampled every 20 ms, that took 2.6 ms a time, an eighth of
    a core taken from the build being timed."""
    page = os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
            for task in os.listdir(f"/proc/{pid}/task"):
                todo += [int(child) for child in
                         Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except (OSError, ValueError, IndexError):  # ended meanwhile
            continue
    return total


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Run ``command``; (seconds, peak bytes of its process tree, output)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return seconds, peak, output


def sopkit(root: Path, *args: str) -> tuple[float, int, str]:
    return timed([str(SOPKIT), "--project", str(root), *args], root)


def stock_project(root: Path, stock: Path) -> None:
    """One plain Markdown page per procedure of ``root``, in its folder tree."""
    sys.path.insert(0, str(REPO / "src"))
    from sopkit.source.library import read_library

    docs = stock / "docs"
    shutil.rmtree(stock, ignore_errors=True)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Kvalitetshåndbok\n", encoding="utf-8")
    for proc in read_library(root / "procedure").procedures:
        folder = docs.joinpath(*(re.sub(r"[^\w]+", "-", p).strip("-").lower()
                                 for p in proc.location.path))
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"# {proc.id} {proc.title}", ""]
        for section in proc.sections:
            lines += [f"## {section.heading}", ""]
            for block in section.body:
                if block.text:
                    lines += [block.text, ""]
                for number, step in enumerate(block.steps or [], start=1):
                    lines.append(f"{number}. {step.text}")
                    lines += [f"    {sub}. {s.text}" for sub, s in
                              enumerate(step.steps, start=1)]
                lines.append("")
        (folder / f"{proc.id}.md").write_text("\n".join(lines), encoding="utf-8")
    (stock / "mkdocs.yml").write_text(
        "site_name: Kvalitetshåndbok\nuse_directory_urls: false\n"
        "theme:\n  name: material\n  language: nb\n  features: [navigation.prune]\n"
        "plugins: [search, offline]\n", encoding="utf-8")


def serve_seconds(root: Path, doc: Path, port: int = 8765) -> float:
    """Seconds from saving a new step text in ``doc`` (a draft) to the browser showing it."""
    sys.path.insert(0, str(REPO / "tests"))
    from browser import chromium

    doc_id = doc.name.split("-")[0]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([str(SOPKIT), "--project", str(root), "serve", "--port",
                               str(port)], cwd=root, env=env, stderr=subprocess.PIPE,
                              text=True)
    try:
        assert server.stderr is not None
        for line in server.stderr:
            if line.startswith("Serving on"):
                break
        with chromium() as browser:
            page = browser.new_page()  # type: ignore[attr-defined]
            page.goto(f"http://127.0.0.1:{port}/utkast/{doc_id}.html")
            yml = doc.read_text(encoding="utf-8")
            step = re.search(r"(?m)^( +text: )(.+)$", yml[yml.index("steps:"):])
            assert step
            marker = f"Lagret{int(time.time())}"
            saved = time.perf_counter()
            doc.write_text(yml.replace(step.group(0), f"{step.group(0)} {marker}", 1),
                           encoding="utf-8")
            while marker not in _content(page):
                if time.perf_counter() - saved > 120:
                    raise SystemExit("the preview did not show the change in 120 s")
                time.sleep(0.05)
            return time.perf_counter() - saved
    finally:
        server.terminate()
        server.wait()


def _content(page: object) -> str:
    """The page's HTML, or nothing while the preview reloads it."""
    from playwright.sync_api import Error

    try:
        return str(page.content())  # type: ignore[attr-defined]
    except Error:  # "the page is navigating": asked again
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--project", type=Path, help="an existing synthetic project (warm)")
    parser.add_argument("--serve", action="store_true",
                        help="also time sopkit serve from a save to the browser")
    args = parser.parse_args()
    rows: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.project is None:
            sys.path.insert(0, str(HERE))
            sys.path.insert(0, str(REPO / "src"))
            from synthetic import make_project

            root = make_project(Path(tmp) / "project", args.n)
            subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
            subprocess.run(["git", "add", "-A"], cwd=root, check=True)
            subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@x", "commit",
                            "-qm", "bench"], cwd=root, check=True)
            seconds, peak, _ = sopkit(root, "build")
            rows.append(("cold (every card and PDF rendered)", seconds, peak))
        else:
            root = args.project
        stock = Path(tmp) / "stock"
        stock_project(root, stock)
        rows.append(("stock: mkdocs build, Material alone", *timed(
            [str(MKDOCS), "build", "-q"], stock)[:2]))
        if args.project is not None:
            sopkit(root, "build")  # what an earlier run changed and put back, built once
        seconds, peak, _ = sopkit(root, "build")
        rows.append(("warm (no change)", seconds, peak))

        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        name = re.search(r"(?m)^site_name: (.*)$", text)
        assert name
        config.write_text(text.replace(name.group(0), f"site_name: {name.group(1)}!"),
                          encoding="utf-8")
        seconds, peak, full_out = sopkit(root, "build")
        rows.append(("full rebuild (site_name)", seconds, peak))

        doc = sorted((root / "procedure" / "documents").glob("*.yml"))[0]
        sopkit(root, "draft", doc.name.split("-")[0])
        sopkit(root, "build")  # the draft's own pages appear
        yml = doc.read_text(encoding="utf-8")
        step = re.search(r"(?m)^( +text: )(.+)$", yml[yml.index("steps:"):])
        assert step
        doc.write_text(yml.replace(step.group(0), step.group(1) + step.group(2) + " Endret.",
                                   1), encoding="utf-8")
        seconds, peak, edit_out = sopkit(root, "build")
        rows.append(("edit rebuild (one step, under a draft)", seconds, peak))
        if args.serve:
            rows.append(("serve: save to browser (one step, under a draft)",
                         serve_seconds(root, doc), 0))
        config.write_text(text, encoding="utf-8")
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=root, check=False)

    stock_s = rows[1 if args.project is None else 0][1]
    full_s = next(s for label, s, _ in rows if label.startswith("full"))
    print(f"N = {args.n if args.project is None else 'from ' + str(args.project)}, "
          f"{os.cpu_count()} cores")
    print("| build | s | peak MiB (all processes) | ratio |")
    print("| --- | --- | --- | --- |")
    for label, seconds, peak in rows:
        ratio = (f"{seconds / stock_s:.2f} × stock" if label.startswith(("full", "warm", "cold"))
                 else f"{seconds / full_s:.3f} × full" if label.startswith(("edit", "serve"))
                 else "")
        memory = f"{peak / 2**20:.0f}" if peak else "–"
        print(f"| {label} | {seconds:.2f} | {memory} | {ratio} |")
    for out in (full_out, edit_out):
        print("   ", out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
