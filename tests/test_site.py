"""The handbook site, built for real with MkDocs + Material, read with an HTML parser."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import (
    FIXED_EPOCH,
    REPO,
    assert_built_as_by_one_process,
    assert_same_files,
    copy_project,
    edit,
    warm,
)
from sopkit.outputs.htmltext import html_text
from sopkit.outputs.site.nav import NavPage
from sopkit.pipeline import build_site
from sopkit.source.errors import InvalidInput, SopkitError
from sopkit.source.library import read_library
from sopkit.source.project import Project
from sopkit.source.text import normalize, plain

pytestmark = pytest.mark.slow


class Page(HTMLParser):
    """Collects what the tests look at: text by element, checkboxes, links."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.checkbox_labels: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._label: list[str] | None = None
        self._label_has_box = False
        self._dt: list[str] | None = None
        self._dd: list[str] | None = None
        self._last_dt = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self._label, self._label_has_box = [], False
        if tag == "input" and a.get("type") == "checkbox" and self._label is not None:
            self._label_has_box = True
        if tag == "dt":
            self._dt = []
        if tag == "dd":
            self._dd = []
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"] or "")
        if tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "label" and self._label is not None:
            if self._label_has_box:
                self.checkbox_labels.append(normalize("".join(self._label)))
            self._label = None
        if tag == "dt" and self._dt is not None:
            self._last_dt, self._dt = normalize("".join(self._dt)), None
        if tag == "dd" and self._dd is not None:
            self.meta[self._last_dt] = normalize("".join(self._dd))
            self._dd = None

    def handle_data(self, data):
        for sink in (self._label, self._dt, self._dd):
            if sink is not None:
                sink.append(data)


@pytest.fixture(scope="module")
def seed():
    from conftest import PROCEDURES
    return read_library(PROCEDURES).get("D29653")


@pytest.fixture(scope="module")
def d29653(built_site) -> str:
    return (built_site / "dokumenter" / "D29653.html").read_text(encoding="utf-8")


def test_procedure_page_has_every_step_as_a_labelled_checkbox(d29653, seed):
    page = Page(d29653)
    steps = [plain(step.text) for step in seed.steps()]
    assert len(steps) == 7
    assert page.checkbox_labels[: len(steps)] == steps


def test_procedure_page_has_every_mandated_phrase(d29653, seed):
    text = html_text(d29653)
    for phrase in seed.mandated_phrases:
        assert normalize(phrase) in text, phrase


def test_procedure_page_metadata_panel(d29653):
    meta = Page(d29653).meta
    expected = {
        "DokumentID": "D29653", "Revisjon": "6.00", "Godkjent dato": "07.12.2022",
        "Gyldig til": "07.12.2024", "Dato endret": "07.12.2022",
        "Utarbeidet av": "IKT systemansvarlig Annette Narvestad",
        "Fagansvarlig": "IKT systemansvarlig Miclis, Unilab, Prosang, LVMS",
        "Godkjent av": "Spesialrådgiver Jon Sverre Berg",
        "Verifisert av": "Ikke utfylt",
        "Distribusjonsliste": "EK, Eventuelt hvor godkjent papirversjon finnes.",
        "Endringer fra forrige versjon": "Byttet ut ordet SymPathy med LVMS",
    }
    for label, value in expected.items():
        assert meta.get(label) == value, label


def test_overdue_review_banner(d29653):
    text = html_text(d29653)
    assert "Revisjonsdato passert" in text
    assert "skulle vært revidert innen 07.12.2024" in text


def test_sections_in_order(d29653):
    text = html_text(d29653)
    # The steps first, for staff in a hurry; then the others in the document's order.
    positions = [text.index(h) for h in ("Utførelse", "Hensikt", "Omfang", "Bakgrunn")]
    assert positions == sorted(positions)


def test_front_page_urgent_first_and_tree(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    text = html_text(html)
    assert text.index("Haster") < text.index("Håndboken etter dokumentplassering")
    tree = ["Medisinsk serviceklinikk", "Fellesdokumenter MSK", "Laboratoriene fellesdokumenter",
            "Laboratoriedatasystemer", "IKT støtte - generell", "D29653 Melding av hastesaker"]
    section = text[text.index("Håndboken etter dokumentplassering"):]
    position = 0
    for name in tree:  # each folder, then the document, below the one before
        position = section.index(name, position)
    assert "dokumenter/D29653.html" in Page(html).links


def test_application_register_links_to_procedures(built_site, project):
    html = (built_site / "applikasjoner.html").read_text(encoding="utf-8")
    text = html_text(html)
    for app in read_library(project / "procedure").applications.values():
        assert app.name in text
    start = html.index('<table class="sop-apps')
    table = html[start: html.index("</table>", start)]
    assert table.count('href="dokumenter/D29653.html"') == 5


def test_no_external_resources(built_site):
    for page_path in built_site.rglob("*.html"):
        page = Page(page_path.read_text(encoding="utf-8"))
        for url in page.scripts + page.styles:
            assert not re.match(r"^(https?:)?//", url), (page_path, url)
    # Material's bundle names two fallbacks it loads only when needed: a ResizeObserver
    # polyfill (every supported browser has ResizeObserver) and mermaid (sopkit makes no
    # diagrams). Anything else from a CDN fails.
    dead_fallbacks = re.compile(r"https://unpkg\.com/(resize-observer-polyfill|mermaid@11/dist/"
                                r"mermaid\.min\.js)")
    for asset in list(built_site.rglob("*.css")) + list(built_site.rglob("*.js")):
        text = asset.read_text(encoding="utf-8", errors="replace")
        if asset.name.startswith("bundle."):
            text = dead_fallbacks.sub("", text)
        assert "unpkg.com" not in text and "fonts.googleapis" not in text, asset


def test_search_index_finds_the_words_staff_type(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["no"]
    text = " ".join(doc["text"] + " " + doc["title"] for doc in index["docs"]
                    if doc["location"].startswith("dokumenter/D29653.html")).lower()
    for words in ("hastesak", "unilab", "operativ koordinator", "kritikalitet", "sykehuspartner"):
        assert words in text, words


def test_search_index_leaves_out_what_every_page_has(built_site, d29653):
    """Metadata labels, card buttons and the print footer are on every procedure page;
    indexed, they would make "godkjent" or "utskrift" match the whole handbook."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"]
                    if doc["location"].startswith("dokumenter/D29653.html"))
    for boilerplate in ("Utskrift er ukontrollert kopi", "DokumentID", "Veggkort A4",
                        "Revisjonshistorikk"):
        assert boilerplate in d29653, boilerplate  # on the page
        assert boilerplate not in text, boilerplate  # but not searched
    assert "data-search-exclude" not in d29653


def test_raw_html_in_procedure_text_is_shown_not_run(tmp_path, request):
    root = warm(copy_project(tmp_path / "p"), request)
    doc = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    edit(doc, "      - Alle som skal melde hastesaker til Sykehuspartner.",
         "      - 'Alle som skal melde hastesaker til Sykehuspartner. <script>alert(1)</script>'")
    edit(doc, "status: approved", "status: draft")
    edit(doc, "    fingerprint: ", "    fingerprint_old: ")
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("    approved: 2022-12-07\n", "").replace(
        "    approved_by: Spesialrådgiver Jon Sverre Berg\n", "").replace(
        "    valid_until: 2024-12-07\n", "").replace(
        re.search(r"    fingerprint_old: .*\n", text).group(0), ""), encoding="utf-8")
    build_site(Project(root))
    html = (root / "site" / "dokumenter" / "D29653.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Utkast – ikke godkjent, skal ikke brukes" in html_text(html)
    assert "Dette er et utkast (revisjon 6.00) som aldri er godkjent" in html_text(html)


def test_obsolete_document_only_in_archive(tmp_path, request):
    root = warm(copy_project(tmp_path / "p"), request)
    doc = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    old = doc.with_name("D10000-gammel-rutine.yml")
    old.write_text(doc.read_text(encoding="utf-8").replace("id: D29653", "id: D10000")
                   .replace("title: Melding av hastesaker", "title: Gammel rutine for hastesaker")
                   .replace("status: approved", "status: obsolete"), encoding="utf-8")
    build_site(Project(root))
    site = root / "site"
    page = html_text((site / "dokumenter" / "D10000.html").read_text(encoding="utf-8"))
    assert "Utgått" in page and "gjelder ikke lenger" in page
    archive = (site / "arkiv.html").read_text(encoding="utf-8")
    assert "dokumenter/D10000.html" in Page(archive).links
    front = (site / "index.html").read_text(encoding="utf-8")
    assert "D10000" not in html_text(front)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if "D10000" in d["location"]]
    assert [d for d in index["docs"] if "D29653" in d["location"]]


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_input_same_bytes(built_site, built_project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    root = copy_project(tmp_path / "again")
    build_site(Project(root))
    assert tree_digest(root / "site") == tree_digest(built_site)


def test_failed_build_leaves_previous_site(tmp_path):
    root = copy_project(tmp_path / "p")
    build_site(Project(root))
    before = tree_digest(root / "site")
    doc = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    edit(doc, "title: Melding", "title: [Melding")
    with pytest.raises(InvalidInput):
        build_site(Project(root))
    assert tree_digest(root / "site") == before
    assert not list(root.glob(".site*"))


def test_lost_mandated_text_fails_the_build(tmp_path):
    root = copy_project(tmp_path / "p")
    build_site(Project(root))
    before = tree_digest(root / "site")
    template = root / "templates" / "site" / "_blocks.html.j2"
    edit(template, "{{ step.text|md }}</label>", "{{ step.text|md|truncate(20) }}</label>")
    with pytest.raises(SopkitError, match=r"D29653: page: missing step 'register-case' "
                                          r"\(\"Sakene meldes inn via"):
        build_site(Project(root))
    assert tree_digest(root / "site") == before


def test_strict_build_fails_on_overdue_review(tmp_path):
    root = copy_project(tmp_path / "p")
    with pytest.raises(InvalidInput, match="review overdue"):
        build_site(Project(root), strict=True)
    assert not (root / "site").exists()


def test_procedure_page_links_to_its_cards(built_site, d29653):
    links = Page(d29653).links
    for size in ("A4", "A5"):
        assert f"../kort/D29653-{size}.pdf" in links
        assert (built_site / "kort" / f"D29653-{size}.pdf").read_bytes().startswith(b"%PDF")


def test_build_command_reports_warnings(run):
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "warning: review overdue: Gyldig til was 07.12.2024" in result.stderr
    assert "Built " in result.stdout and "4 procedures, " in result.stdout


def test_staging_docs_keep_unchanged_pages_and_lose_removed_ones(tmp_path, request):
    """A rebuild writes only the pages that changed and removes those no longer made."""
    root = warm(copy_project(tmp_path / "p"), request)
    (root / "procedure" / "documents" / "D10001-hemolyse.yml").write_bytes(
        (Path(__file__).parent / "data" / "D10001-hemolyse.yml").read_bytes())
    build_site(Project(root))
    docs = root / "build" / "docs"
    seed_page, other_page = docs / "dokumenter" / "D29653.md", docs / "dokumenter" / "D10001.md"
    seed_stamp = seed_page.stat().st_mtime_ns
    stale = docs / "dokumenter" / "D99999.md"
    stale.write_text("# left from an earlier build\n", encoding="utf-8")
    edit(root / "procedure" / "documents" / "D10001-hemolyse.yml",
         "title: Håndtering av hemolyserte prøver", "title: Hemolyserte prøver")
    build_site(Project(root))
    assert seed_page.stat().st_mtime_ns == seed_stamp  # not rewritten
    assert "# Hemolyserte prøver" in other_page.read_text(encoding="utf-8")  # rewritten
    assert not stale.exists()
    assert not (root / "site" / "dokumenter" / "D99999.html").exists()


def test_a_site_built_by_two_processes_is_the_site_one_process_builds(tmp_path, monkeypatch):
    """A large site is built by several MkDocs processes, each rendering its share of
    the pages; a single MkDocs build of the same pages gives the same bytes, search
    index and sitemap included."""
    from sopkit.outputs import site

    monkeypatch.setattr(site, "shard_count", lambda pages: 2)  # as the pipeline asks
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    root = copy_project(tmp_path / "p")
    (root / "procedure" / "documents" / "D10001-hemolyse.yml").write_bytes(
        (Path(__file__).parent / "data" / "D10001-hemolyse.yml").read_bytes())
    from click.testing import CliRunner

    from sopkit.cli import cli

    # A draft of D31044: its draft page and change page are among the pages too.
    assert CliRunner().invoke(cli, ["--project", str(root), "draft", "D31044"]).exit_code == 0
    # A Markdown link on the front page: checked by the process that renders it.
    edit(root / "templates" / "site" / "index.md.j2", "# {{ handbook.title|heading }}\n",
         "# {{ handbook.title|heading }}\n\nSe [applikasjonene](applikasjoner.md).\n")
    report = build_site(Project(root))
    assert len(report.shares) == 2 and min(report.shares) > 0
    assert sum(report.shares) == report.pages
    files = assert_built_as_by_one_process(root, tmp_path)
    assert {Path("dokumenter/D29653.html"), Path("dokumentregister.html"),
            Path("search/search_index.json"), Path("sitemap.xml")} <= set(files)
    assert not [p.name for p in root.iterdir() if p.name.startswith((".site", "site."))], \
        "no staging folder is left behind"
    assert 'href="applikasjoner.html"' in (root / "site" / "index.html").read_text(
        encoding="utf-8")
    # The index is in page order, not by process: a page of the second process comes
    # before one of the first (so the comparison above would see a wrong order).
    pages = sorted(p.relative_to(root / "build" / "docs").as_posix()
                   for p in (root / "build" / "docs").rglob("*.md"))
    owner = {page.removesuffix(".md") + ".html": i % 2 for i, page in enumerate(pages)}
    index = json.loads((root / "site" / "search" / "search_index.json").read_text("utf-8"))
    owners = [owner[entry["location"].split("#")[0] or "index.html"] for entry in index["docs"]]
    assert owners != sorted(owners)


def write_tiny(tmp: Path, pages: dict[str, str]) -> Path:
    """A docs folder holding ``pages`` (docs-relative path -> Markdown)."""
    docs = tmp / "docs"
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return docs


def build_tiny(tmp: Path, pages: dict[str, str], nav: list[NavPage], processes: int,
               config: Path = REPO / "mkdocs.yml") -> Path:
    """Build ``pages`` (docs-relative path -> Markdown) with MkDocs; return the site."""
    from sopkit.outputs.site import generator as builder

    docs = write_tiny(tmp, pages)
    site = tmp / f"site{processes}"
    with builder.Processes(processes) as started:
        shares = builder.mkdocs_build(config, docs, site, nav, processes=started)
    assert len(shares) == processes
    return site


TINY = {"index.md": "# Forside\n\nSe [Z](zulu.md#avsnitt).\n",
        "alfa.md": "# Alfa\n\nTekst om alfa.\n",
        "zulu.md": "# Zulu-overskrift\n\n## Avsnitt\n\nTekst om zulu.\n"}


def test_a_page_titled_by_its_heading_is_named_alike_by_both_processes(tmp_path, monkeypatch):
    """zulu.md has no title in the navigation or front matter: its heading names it in
    the navigation of every page, whichever process renders them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    nav = [NavPage("index.md", "Forside"), NavPage("alfa.md", "Alfa"), NavPage("zulu.md")]
    two = build_tiny(tmp_path / "a", TINY, nav, 2)
    one = build_tiny(tmp_path / "b", TINY, nav, 1)
    assert_same_files(two, one)
    assert "Zulu-overskrift" in (two / "alfa.html").read_text(encoding="utf-8")


def test_each_process_writes_only_its_own_pages(tmp_path):
    from sopkit.outputs.site import generator as builder

    docs = write_tiny(tmp_path, TINY)
    nav = [NavPage("index.md", "Forside"), NavPage("alfa.md", "Alfa"), NavPage("zulu.md", "Zulu")]
    owners = {"alfa.md": 0, "index.md": 1, "zulu.md": 0}
    outcome = builder._mkdocs(REPO / "mkdocs.yml", docs, tmp_path / "site", nav,
                              builder._Share(1, owners))
    assert outcome.problems == [] and outcome.written == ["index.html"]
    pages = {p.name for p in (tmp_path / "site").glob("*.html")} - {"404.html"}
    assert pages == {"index.html"}
    assert {e["location"].split("#")[0] for e in outcome.entries["index.md"]} == {"index.html"}
    assert set(outcome.entries) == {"index.md"}


def test_a_site_with_checked_anchors_is_built_by_one_process(tmp_path, request):
    """An anchor on a page of another process is not known there, so with anchors
    checked one process builds every page and finds the broken one."""
    root = warm(copy_project(tmp_path / "p"), request)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nvalidation:\n  anchors: warn\n",
                      encoding="utf-8")
    pages = {**TINY, "index.md": "# Forside\n\nSe [Z](zulu.md#finnes-ikke).\n"}
    nav = [NavPage("index.md", "Forside"), NavPage("alfa.md", "Alfa"), NavPage("zulu.md", "Zulu")]
    with pytest.raises(SopkitError, match="finnes-ikke"):
        build_tiny(tmp_path, pages, nav, 2, config)
    assert not (tmp_path / "site2.share1").exists()


def test_a_site_without_search_is_built_by_two_processes(tmp_path, monkeypatch, request):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    root = warm(copy_project(tmp_path / "p"), request)
    edit(root / "mkdocs.yml", "  - search:\n", "  - search:\n      enabled: false\n")
    nav = [NavPage("index.md", "Forside"), NavPage("alfa.md", "Alfa"), NavPage("zulu.md", "Zulu")]
    two = build_tiny(tmp_path / "a", TINY, nav, 2, root / "mkdocs.yml")
    assert_same_files(two, build_tiny(tmp_path / "b", TINY, nav, 1, root / "mkdocs.yml"))
    assert not (two / "search").exists()


@pytest.mark.parametrize("page", ["alfa.md", "index.md"])  # first process, second process
def test_a_failure_in_either_process_is_a_message(tmp_path, page):
    broken = {**TINY, page: "---\ntemplate: finnes-ikke.html\n---\n\n# Feil\n"}
    nav = [NavPage("index.md", "Forside"), NavPage("alfa.md", "Alfa"), NavPage("zulu.md", "Zulu")]
    with pytest.raises(SopkitError, match=r"finnes-ikke\.html") as caught:
        build_tiny(tmp_path, broken, nav, 2)
    assert "MkDocs build failed" in str(caught.value)
    assert not (tmp_path / "site2.share1").exists()


def test_a_failure_in_another_process_is_reported_as_a_message(tmp_path):
    from sopkit.outputs.site import generator as builder

    docs = write_tiny(tmp_path, {"index.md": "# Forside\n",
                                 "zulu.md": "# Z\n\n[borte](borte.md)\n"})
    nav = [NavPage("index.md", "Forside"), NavPage("zulu.md", "Z")]
    with pytest.raises(SopkitError) as caught, builder.Processes(2) as two:
        # zulu.md is the second process's page
        builder.mkdocs_build(REPO / "mkdocs.yml", docs, tmp_path / "site", nav, processes=two)
    assert "zulu.md" in str(caught.value) and "borte.md" in str(caught.value)
    assert "(in another process)" in str(caught.value)
    assert not (tmp_path / "site.share1").exists()


def test_a_small_site_is_built_by_one_process():
    """A second process costs about a second: not worth it for a few pages."""
    import os

    from sopkit.outputs.site import generator as builder

    cores = len(os.sched_getaffinity(0))
    assert builder.shard_count(builder.SHARD_MIN_PAGES - 1) == 1
    assert builder.shard_count(10 * builder.SHARD_MIN_PAGES) == min(builder.SHARDS, cores)


def test_sitemap_lists_the_current_pages_only(tmp_path, run):
    assert run("draft", "D31044").exit_code == 0  # a second revision: a change page
    assert run("build").exit_code == 0
    site = tmp_path / "project" / "site"
    assert (site / "endringer" / "D31044.html").is_file()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "dokumenter/D29653.html" in sitemap and "endringer/" not in sitemap


def test_a_changed_published_card_does_not_reach_the_cache(tmp_path, monkeypatch):
    """The next build puts the card back as rendered: the cache kept its own copy."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    root = copy_project(tmp_path / "p")
    build_site(Project(root))
    build_site(Project(root))  # the unchanged cards come from the site it replaces
    card = root / "site" / "kort" / "D29653-A4.pdf"
    rendered = card.read_bytes()
    with card.open("ab") as published:
        published.write(b"% scribbled on\n")
    cache = root / "build" / "cache" / "cards"
    assert rendered in [f.read_bytes() for f in cache.glob("*.pdf")]
    build_site(Project(root))
    assert card.read_bytes() == rendered
