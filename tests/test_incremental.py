"""Incremental builds: a rebuild renders only the pages whose inputs changed, and its
site is, file for file and byte for byte, the site a clean build makes.

One project goes through the changes a quality coordinator makes (a step edited under
a draft, a title, a template of the theme and one of the pages, an application's
name, mkdocs.yml, a document added and one removed). After each, ``sopkit build``
reuses its page cache; a copy of the project without that cache is built from
scratch, and the two sites are compared.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner

from conftest import FIXED_EPOCH, assert_same_files, edit
from gitrepo import commit_all, init, refingerprint
from sopkit import cachefiles
from sopkit.cachefiles import read_index, write_index
from sopkit.cli import cli
from sopkit.outputs.urls import EVIDENCE_PAGE

pytestmark = pytest.mark.slow

LONG = "D31044-nedetid-unilab.yml"
EVIDENCE = EVIDENCE_PAGE.removesuffix(".md") + ".html"


def build(root: Path) -> tuple[int, int]:
    """``sopkit build`` in ``root``: (pages, pages rendered)."""
    result = CliRunner().invoke(cli, ["--project", str(root), "build"])
    assert result.exit_code == 0, result.output
    found = re.search(r"(\d+) pages \((\d+) rendered\)", result.output)
    assert found, result.output
    return int(found.group(1)), int(found.group(2))


def clean_copy(root: Path, where: Path) -> Path:
    """The project without its site, its staging docs and the caches of incremental
    builds: pages, their Markdown, what reading found, compiled templates, page checks,
    pages' conversions
    (its card and PDF caches kept: they have their own tests, and rendering every card
    again would only take time)."""
    cache = root / "build" / "cache"
    left_out = {root / "site", root / "build" / "docs", cache / "pages", cache / "read.json",
                cache / "jinja", cache / "page-checks.json", cache / "markdown.json",
                cache / "converted"}

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if Path(folder) / name in left_out]

    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(root, where, ignore=ignore, symlinks=True)
    return where


def _draft(root: Path) -> None:
    assert CliRunner().invoke(cli, ["--project", str(root), "draft", "D31044"]).exit_code == 0


def _step(root: Path) -> None:
    doc = root / "procedure" / "documents" / LONG
    text = doc.read_text(encoding="utf-8")
    first = re.search(r"(?m)^( +text: )(.+)$", text[text.index("steps:"):])
    assert first
    edit(doc, first.group(0), first.group(1) + first.group(2).rstrip(".") + ", straks.")


def _title(root: Path) -> None:
    edit(root / "procedure" / "documents" / LONG, "title: ", "title: Endret – ")


def _theme(root: Path) -> None:
    main = root / "templates" / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{# endret #}<!-- sopkit-test -->\n",
                    encoding="utf-8")


def _page_template(root: Path) -> None:
    edit(root / "templates" / "site" / "procedure.md.j2", "## Referanser",
         "## Referanser og lenker")


def _application(root: Path) -> None:
    edit(root / "procedure" / "applications.yml", "name: Unilab", "name: Unilab LIS")


def _mkdocs(root: Path) -> None:
    edit(root / "mkdocs.yml", "site_name: Kvalitetshåndbok for laboratoriene",
         "site_name: Kvalitetshåndbok for laboratoriet")


def _add(root: Path) -> None:
    docs = root / "procedure" / "documents"
    text = (docs / "D29653-melding-av-hastesaker.yml").read_text(encoding="utf-8")
    (docs / "D29654-kopi.yml").write_text(
        text.replace("id: D29653", "id: D29654").replace(
            "title: Melding av hastesaker", "title: Kopi av melding av hastesaker"),
        encoding="utf-8")
    refingerprint(docs / "D29654-kopi.yml")


def _remove(root: Path) -> None:
    (root / "procedure" / "documents" / "D29654-kopi.yml").unlink()


def _subtitle(root: Path) -> None:
    """Material shows a page's subtitle in the navigation of other pages."""
    edit(root / "templates" / "site" / "procedure.md.j2", "\ndescription: ",
         '\nsubtitle: {{ ("revisjon " ~ rev.revision)|front_matter }}\ndescription: ')


def _approve(root: Path) -> None:
    result = CliRunner().invoke(cli, ["--project", str(root), "approve", "D31044", "--by",
                                      "Kari Nordmann", "--note", "Trinn 1 presisert"])
    assert result.exit_code == 0, result.output


CHANGES: list[tuple[str, Callable[[Path], None]]] = [
    ("a draft started", _draft), ("a step edited under the draft", _step),
    ("a subtitle in the navigation", _subtitle), ("a title under the draft", _title),
    ("the draft approved", _approve),
    ("a template of the theme", _theme), ("a page template", _page_template),
    ("an application's name", _application), ("mkdocs.yml", _mkdocs),
    ("a document added", _add), ("a document removed", _remove),
]


def test_every_rebuild_is_byte_for_byte_a_clean_build(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    converted: list[str] = []  # pages Python-Markdown converted (one process: a small site)
    convert = markdown.Markdown.convert

    def counting(self: markdown.Markdown, source: str) -> str:
        converted.append(source)
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    init(project)
    pages, rendered = build(project)
    assert rendered == pages  # nothing to reuse yet
    pages, rendered = build(project)
    assert rendered == 0  # nothing changed
    for what, change in CHANGES:
        change(project)
        commit_all(project, what)
        converted.clear()
        pages, rendered = build(project)
        if what in ("a template of the theme", "mkdocs.yml"):  # no page's Markdown changed
            assert converted == [], what
        if what == "a page template":
            assert converted, what
        clean = clean_copy(project, tmp_path / "clean")
        clean_pages, clean_rendered = build(clean)
        assert (clean_pages, clean_rendered) == (pages, pages), what
        assert_same_files(project / "site", clean / "site")
        if what == "a step edited under the draft":
            assert rendered == 2  # the draft's page and the change page
        if what in ("the draft approved", "a template of the theme", "mkdocs.yml"):
            assert rendered == pages, what  # every page shows the navigation or the theme


def test_a_damaged_page_cache_is_built_again(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    pages, _ = build(project)
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    cache = project / "build" / "cache" / "pages"
    index = read_index(cache / "index.json")
    # Not the evidence page: the build fills it in after MkDocs, so the site never has
    # it as the cache keeps it.
    victims = [p for p in sorted(cache.glob("*.html")) if index[p.stem]["dest"] != EVIDENCE][:3]
    victims[0].unlink()
    (cache / "index.json").write_text("{not json", encoding="utf-8")
    _, rendered = build(project)
    assert rendered == pages  # no index: nothing is trusted
    victims[1].unlink()
    victims[2].unlink()  # a file cut short (a full disk: written anew) is not used either
    victims[2].write_bytes(b"")
    dests = [read_index(cache / "index.json")[v.stem]["dest"] for v in victims[1:]]
    _, rendered = build(project)
    assert rendered == 0  # the site being replaced still has both pages whole
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before
    # A page changed in the published site comes whole from the cache instead.
    other = next(p for p in sorted(cache.glob("*.html")) if p not in victims)
    changed = project / "site" / read_index(cache / "index.json")[other.stem]["dest"]
    changed.unlink()  # a new file: the cache's copy (a hard link) is left whole
    changed.write_text("<p>Endret</p>", encoding="utf-8")
    _, rendered = build(project)
    assert rendered == 0
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before
    # Changed in place, a page changes in the cache too (a hard link): neither is used.
    third = next(p for p in sorted(cache.glob("*.html")) if p not in (*victims, other)
                 and index[p.stem]["dest"] != EVIDENCE)
    in_place = project / "site" / read_index(cache / "index.json")[third.stem]["dest"]
    assert in_place.stat().st_ino == third.stat().st_ino
    with in_place.open("r+b") as file:
        file.write(b"<!-- endret -->")
    _, rendered = build(project)
    assert rendered == 1
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before
    for dest in dests:  # now neither has them whole
        (project / "site" / dest).write_text("<p>Endret</p>", encoding="utf-8")
    _, rendered = build(project)
    assert rendered == 2
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before


def test_a_page_whose_stamp_is_kept_is_taken_without_reading_it(project, monkeypatch):
    """The page in the site and in the cache are one file: once it was read and found
    whole, its stamp stands for its bytes until the file changes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)  # every file already a while old
    build(project)
    build(project)  # reads every page once more and keeps its stamp
    site, cache = project / "site", project / "build" / "cache" / "pages"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    index = read_index(cache / "index.json")
    # The evidence page is filled in after MkDocs: the cache's copy is copied anew.
    evidence = {cache / f"{key}.html" for key, stored in index.items()
                if stored["dest"] == EVIDENCE}
    read: list[Path] = []
    real = Path.read_bytes

    def reading(self: Path) -> bytes:
        if self.suffix == ".html" and (self.is_relative_to(site) or self.is_relative_to(cache)):
            read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", reading)
    _, rendered = build(project)
    assert len(evidence) == 1
    assert (rendered, [path for path in read if path not in evidence]) == (0, [])
    page = next(site / stored["dest"] for stored in index.values()
                if stored["dest"] != EVIDENCE)
    with page.open("r+b") as file:  # the same size and file, other bytes: a new time
        file.write(b"<!-- endret -->")
    _, rendered = build(project)
    assert rendered == 1
    assert page in read
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_the_preview_keeps_its_own_pages_and_shares_none_with_the_site(project, monkeypatch):
    """``sopkit serve`` builds into build/preview, while the page cache's files are one
    with the pages of site/ (``sopkit build`` rendered them): the preview's first build
    copies them; every later one links the preview's own unchanged pages from the
    preview it replaces (copying 1631 pages took 1.8-2.6 s of every save's rebuild at
    1000 procedures), and no page of the preview is a file of site/ (a change made to
    one in place must not reach the other)."""
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)  # every file already a while old
    build(project)
    preview, site = project / "build" / "preview", project / "site"
    unfilled = {"404.html", EVIDENCE}  # written anew by every build

    def files() -> dict[str, int]:
        return {str(page.relative_to(preview)): page.stat().st_ino
                for page in preview.rglob("*.html") if page.name not in unfilled}

    inodes: list[dict[str, int]] = []
    for _ in range(3):
        report = build_site(Project(project), target=preview, again=True)
        assert report.shares == [0]  # every page from the cache
        inodes.append(files())
        assert len(inodes[-1]) == report.pages - 1
        assert not [name for name in inodes[-1]
                    if os.path.samefile(preview / name, site / name)]
    assert inodes[1] == inodes[0] and inodes[2] == inodes[0]  # linked, not copied again
    assert_same_files(preview, site, leave_out=(".sopkit-site",))


def test_a_build_that_reads_no_pdf_imports_no_pdf_library(project):
    """Cards and archival PDFs whose every input is unchanged come with their reports
    from their caches: a build that renders none imports neither WeasyPrint nor pdfminer
    (0.4 s and 0.1 s of every build's start)."""
    probe = ("import sys\nfrom sopkit.cli import cli\n"
             f"cli(['--project', {str(project)!r}, 'build'], standalone_mode=False)\n"
             "print('imported:', *(m for m in ('weasyprint', 'pdfminer') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=300, check=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH})
    cards = re.search(r"(\d+) cards \((\d+) rendered\)", done.stdout)
    assert cards and int(cards.group(1)) > 0 and cards.group(2) == "0", done.stdout
    assert done.stdout.splitlines()[-1] == "imported:", done.stdout


def test_one_process_builds_everything_with_jobs_1(project, monkeypatch):
    """However many processes a large site would get, --jobs 1 keeps it to this one."""
    from sopkit.outputs import site
    from sopkit.outputs.site import generator
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    monkeypatch.setattr(site, "shard_count", lambda pages: 2)
    monkeypatch.setattr(generator, "shard_count", lambda pages: 2)
    started: list[int] = []
    real = generator.Processes.__init__

    def spy(self, count):  # type: ignore[no-untyped-def]
        started.append(count)
        real(self, count)

    monkeypatch.setattr(generator.Processes, "__init__", spy)
    report = build_site(Project(project), jobs=1)
    assert report.shares == [report.pages] and started and max(started) == 1
    build_site(Project(project), jobs=2)  # the same patches do start a second one
    assert max(started) == 2


def test_a_configuration_that_reads_more_than_mkdocs_yml_gets_no_page_cache(project,
                                                                             monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setenv("HANDBOOK_OWNER", "Sørlandet sykehus")
    edit(project / "mkdocs.yml", "copyright: ", "copyright: !ENV [HANDBOOK_OWNER, 'x']\n# ")
    pages, rendered = build(project)
    monkeypatch.setenv("HANDBOOK_OWNER", "Ny eier")
    pages, rendered = build(project)
    assert rendered == pages  # what !ENV reads is not in a page's key
    assert "Ny eier" in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_a_broken_mkdocs_yml_is_reported_by_the_build(project):
    edit(project / "mkdocs.yml", "name: material", "name: materal")
    result = CliRunner().invoke(cli, ["--project", str(project), "build"])
    assert result.exit_code == 1
    assert "MkDocs build failed" in result.output and "theme" in result.output
    assert "bug in sopkit" not in result.output


def test_archival_reports_lost_from_their_cache_are_checked_again(project, monkeypatch):
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    first = build_site(Project(project))
    kept = project / "build" / "cache" / "archival" / "reports.json"
    names = read_index(kept)
    assert names
    write_index(kept, {name: {} for name in names})  # entries damaged, the index whole
    again = build_site(Project(project))
    assert again.verified == first.verified
    evidence = (project / "site" / "kontroll.html").read_text(encoding="utf-8")
    assert evidence.count("Arkiveksemplar (PDF)") >= len(names)


def test_a_build_unfreezes_only_what_it_froze(project, monkeypatch):
    """The cycle collector's freeze (see pipeline._long_lived) is the process's."""
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    build_site(Project(project))
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()  # off while the build read, on again
    gc.disable()
    try:
        build_site(Project(project))
        assert not gc.isenabled()  # a program that had it off keeps it off
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        build_site(Project(project))
        assert gc.get_freeze_count() > frozen // 2  # still frozen (less what was freed)
    finally:
        gc.unfreeze()


def test_a_page_changed_in_the_old_site_during_the_build_is_not_published(project,
                                                                           monkeypatch):
    """A page is taken from the site being replaced when it holds the page's bytes; if
    that file changes after the check (while MkDocs runs), the build stops."""
    from sopkit.outputs.site import generator

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    build(project)
    victim = project / "site" / "dokumenter" / "D31044.html"
    real = generator._mkdocs

    def meddling(*args, **kwargs):
        with victim.open("ab") as file:
            file.write(b"<!-- meddled -->")
        return real(*args, **kwargs)

    monkeypatch.setattr(generator, "_mkdocs", meddling)
    result = CliRunner().invoke(cli, ["--project", str(project), "build"])
    assert result.exit_code != 0
    assert "dokumenter/D31044.md: changed in" in result.output
    assert "build again" in result.output
    monkeypatch.setattr(generator, "_mkdocs", real)
    build(project)  # the cache still has the page whole
    assert b"meddled" not in victim.read_bytes()
