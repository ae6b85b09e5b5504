"""Worker processes start without running the program's main script again
(``sopkit.outputs.workers.SPAWN``): the ``sopkit`` command's script imports the
whole command line, which no worker needs. Every kind of worker sopkit starts is
started here: card and PDF renderers, MkDocs shares, the proof's reader."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import os, sys
    with open(sys.argv[1], "a", encoding="utf-8") as log:  # each time this is run
        log.write(f"{os.getpid()}\\n")
    if __name__ == "__main__":
        from sopkit.outputs.site.generator import Processes
        from sopkit.outputs.workers import in_workers
        assert list(in_workers(abs, [-1, -2, -3, -4], jobs=2, start=os.getpid,
                               args=())) == [1, 2, 3, 4]
        with Processes(2) as started:
            assert started.pool.submit(os.getpid).result() != os.getpid()
        from sopkit.outputs.site.verify import PAGES_PER_PROCESS, _each, _view_all
        pages = [b"<article><p>Trinn</p></article>"] * (2 * PAGES_PER_PROCESS)
        views = _each(_view_all, pages, [], 2)  # the proof: a worker reads the first half
        assert len(views) == len(pages) and "Trinn" in views[0][0]
        print("done")
""")


def test_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    """A script run by its path, as the ``sopkit`` command is: multiprocessing's spawn
    would import it again in every worker (so the log would have four lines or more)."""
    script, log = tmp_path / "main_script.py", tmp_path / "log.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script), str(log)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "done", result.stderr
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1, (
        "a worker ran the main script again: see lean_main's notes on multiprocessing.spawn")


def test_an_mkdocs_worker_imports_neither_the_models_nor_the_pages() -> None:
    """What a worker that builds a share of the site imports (``sopkit`` and
    ``sopkit.outputs.site`` import their names when first used): not the procedure
    models, the page templates' code or the command line, about 25 MiB a process."""
    probe = ("import sys, sopkit.outputs.site.generator; "
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('sopkit'))))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           timeout=60, check=True).stdout.split()
    assert "sopkit.outputs.site.generator" in found
    for heavy in ("sopkit.source.model", "sopkit.source.library", "sopkit.outputs.site.pages",
                  "sopkit.outputs.site.quality", "sopkit.cli"):
        assert heavy not in found, heavy


def test_every_name_the_packages_offer_is_found() -> None:
    """The lazy names of ``sopkit`` and ``sopkit.outputs.site`` are listed twice (for type
    checkers and for ``__getattr__``): each must lead to what it names, and none may be
    a module's name too (once that module is imported, the name would be the module)."""
    import pkgutil

    import sopkit
    from sopkit.outputs import site
    from sopkit.outputs.site import generator, handbook
    from sopkit.source import library

    for package in (sopkit, site):
        assert set(package.__all__) == set(package._WHERE)
        modules = {module.name for module in pkgutil.iter_modules(package.__path__)}
        assert not set(package.__all__) & modules
        for name in package.__all__:
            assert getattr(package, name) is not None, name
    assert site.build is generator.mkdocs_build and site.render is handbook.render
    assert sopkit.read_library is library.read_library
