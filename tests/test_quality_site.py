"""The site for quality staff, built for real from a git repository with history.

D29653 gets revision 7.00 (a reworded, an added and a removed step); D10000 has
two revisions and is then made obsolete. The change page must show exactly
those changes, superseded texts must be marked Utgått, and search must never
offer an old text as a current one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import axe_violations, describe, serve, site_mount
from conftest import FIXED_EPOCH, SEED_DOC, assert_built_as_by_one_process, copy_project, edit
from gitrepo import (
    ADDED,
    ADDED_TEXT,
    APPROVER,
    NOTE,
    REMOVED,
    REMOVED_TEXT,
    REWORDED,
    commit_all,
    init,
    make_revision_7,
    refingerprint,
)
from sopkit.cli import cli
from sopkit.outputs.htmltext import html_text
from sopkit.pipeline import build_site
from sopkit.source.project import Project

pytestmark = pytest.mark.slow

OLD_SCOPE = "Alle som skal melde hastesaker til Sykehuspartner."
NEW_SCOPE = "Alle ansatte som melder hastesaker til Sykehuspartner."


@pytest.fixture(scope="module")
def quality_project(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("quality") / "project")
    documents = root / "procedure" / "documents"
    seed = documents / SEED_DOC
    old = documents / "D10000-gammel-rutine.yml"

    def run(*args: str) -> None:
        result = CliRunner().invoke(cli, ["--project", str(root), *args])
        assert result.exit_code == 0, result.output

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        # two MkDocs processes
        patch.setattr("sopkit.outputs.site.shard_count", lambda pages: 2)
        old.write_text(seed.read_text(encoding="utf-8").replace("id: D29653", "id: D10000")
                       .replace("title: Melding av", "title: Gammel rutine for")
                       .replace("urgent: true", "urgent: false"), encoding="utf-8")
        refingerprint(old)
        init(root)
        make_revision_7(root, run_result(root))
        edit(old, OLD_SCOPE, NEW_SCOPE)
        run("approve", "D10000", "--by", APPROVER, "--note", "Omfang presisert")
        commit_all(root, "D29653 7.00, D10000 7.00")
        edit(old, "status: approved", "status: obsolete")
        commit_all(root, "D10000 is obsolete")
        report = build_site(Project(root))
    assert len(report.shares) == 2  # the patch took: two MkDocs processes built it
    return root


def run_result(root: Path):
    return lambda *args: CliRunner().invoke(cli, ["--project", str(root), *args])


@pytest.fixture(scope="module")
def site(quality_project) -> Path:
    return quality_project / "site"


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def changes(html: str) -> dict[str, str]:
    """data-step -> data-change for each step change on a change page."""
    return dict(re.findall(r'data-step="([^"]+)" data-change="([^"]+)"', html))


def section_of(html: str, heading: str) -> str:
    start = html.index(heading)
    end = html.find("<h2", start)
    return html[start: end if end > 0 else len(html)]


def test_quality_pages_built_by_two_processes_are_those_of_one(quality_project, tmp_path,
                                                               monkeypatch):
    """Change pages, archived texts and the archive, built by two MkDocs processes: one
    process builds the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    files = assert_built_as_by_one_process(quality_project, tmp_path)
    assert {Path("endringer/D29653.html"), Path("arkiv/D29653-6.00.html"),
            Path("arkiv/D10000-6.00.html"), Path("search/search_index.js")} <= set(files)


def test_change_page_shows_exactly_the_changes(site):
    html = read(site, "endringer/D29653.html")
    text = html_text(html)
    assert "Revisjon 7.00 sammenlignet med 6.00" in text
    assert changes(html) == {REWORDED: "reworded", REMOVED: "removed", ADDED: "added"}
    reworded = re.search(r'data-step="description".*?</li>', html, re.S).group(0)
    assert re.search(r'<del class="sop-del"><span class="sop-sr">\[fjernet: </span>hvilke<',
                     reworded)
    assert re.search(r'<ins class="sop-ins"><span class="sop-sr">\[lagt til: </span>hvilken<',
                     reworded)
    removed = re.search(r'data-step="register-case".*?</li>', html, re.S).group(0)
    assert REMOVED_TEXT in html_text(removed) and "Fjernet" in html_text(removed)
    added = re.search(r'data-step="follow-up".*?</li>', html, re.S).group(0)
    assert ADDED_TEXT in html_text(added) and "Lagt til som trinn 7" in html_text(added)
    meta = section_of(html, "sop-meta-changes")
    labels = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', meta)
    assert labels == ["Revisjon", "Dato endret", "Endringer fra forrige versjon", "Godkjent dato",
                      "Godkjent av", "Gyldig til"]
    assert NOTE in html_text(meta)
    assert "Tekst i seksjonene" not in text


def test_change_page_history_table(site):
    html = read(site, "endringer/D29653.html")
    table = html[html.index('<table class="sop-history'):]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*><th scope=\"row\"[^>]*>([\d.]+)</th>\s*<td[^>]*>(.*?)</td>",
                      table)
    assert [(rev, html_text(status)) for rev, status in rows] == [
        ("7.00", "Gjeldende"), ("6.00", "Utgått")]
    assert 'href="../arkiv/D29653-6.00.html"' in table
    assert 'href="../dokumenter/D29653.html"' in table
    assert "Byttet ut ordet SymPathy med LVMS" in html_text(table)


def test_procedure_page_links_to_its_change_page(site):
    html = read(site, "dokumenter/D29653.html")
    assert 'href="../endringer/D29653.html"' in html
    assert ">Endringer og tidligere revisjoner</a>" in html


def test_superseded_revision_is_archived_and_marked(site):
    html = read(site, "arkiv/D29653-6.00.html")
    text = html_text(html)
    assert re.search(r"<h1[^>]*>Utgått: Melding av hastesaker", html)
    assert "erstattet av revisjon 7.00" in text and "gjelder ikke" in text
    assert REMOVED_TEXT in text and "hvilke applikasjon" in text
    assert ADDED_TEXT not in text
    assert 'type="checkbox"' not in html.split("<article", 1)[1]
    assert 'href="../dokumenter/D29653.html"' in html


def test_obsolete_document_revisions(site):
    assert (site / "arkiv" / "D10000-6.00.html").is_file()
    assert not (site / "arkiv" / "D10000-7.00.html").exists()  # that is dokumenter/D10000
    changes_page = read(site, "endringer/D10000.html")
    assert "Revisjon 7.00 sammenlignet med 6.00" in html_text(changes_page)
    spoken = re.sub(r"<[^>]+>", "", changes_page)  # what a screen reader reads
    assert "Alle [lagt til: ansatte] som [fjernet: skal melde] [lagt til: melder] hastesaker" \
        in spoken
    listing = html_text(read(site, "arkiv/revisjoner.html"))
    assert "D29653" in listing and "D10000" in listing
    assert "arkiv/revisjoner.html" in read(site, "arkiv.html")


def test_register_page_on_the_site(site):
    html = read(site, "dokumentregister.html")
    text = html_text(html)
    for cell in ("D29653", "7.00", "Godkjent", "25.11.2026", "25.11.2028", APPROVER,
                 "D10000", "Utgått"):
        assert cell in text, cell
    assert 'href="dokumentregister.html"' in read(site, "index.html")  # in the navigation


def test_search_never_offers_an_old_text(site):
    index = json.loads(read(site, "search/search_index.json"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "dokumenter/D29653.html" in locations
    for location in locations:
        assert not location.startswith(("arkiv", "endringer/", "dokumentregister",
                                        "dokumenter/D10000")), location
    everything = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    assert REMOVED_TEXT not in everything  # only in the superseded 6.00
    assert "Gammel rutine" not in everything
    assert "hvilken applikasjon" in everything  # the current wording is found


@pytest.fixture(scope="module")
def http_base(site, quality_project):
    with serve(site, site_mount(quality_project / "mkdocs.yml")) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("words", ["Sakene meldes inn", "Gammel rutine", "hvilke applikasjon"])
def test_search_in_the_browser_offers_no_old_text(browser, http_base, words):
    page = browser.new_page()
    page.goto(http_base + "index.html")
    page.keyboard.press("s")
    query = page.locator("[data-md-component='search-query']:focus")
    query.fill(words)  # the whole query at once: no results of its first letters
    page.keyboard.press("End")  # Material searches on keyup
    page.wait_for_function(
        "() => /treff/i.test(document.querySelector('.md-search-result__meta')?.textContent)",
        timeout=60000)
    hrefs = [a.get_attribute("href") or "" for a in page.locator(".md-search-result__item a")
             .all()]
    for href in hrefs:
        assert "arkiv" not in href and "endringer" not in href and "D10000" not in href, href
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["endringer/D29653.html", "arkiv/D29653-6.00.html",
                                  "dokumentregister.html", "arkiv/revisjoner.html"])
def test_axe_quality_pages(browser, http_base, path):
    page = browser.new_page()
    page.goto(http_base + path)
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.close()


# ---------------------------------------------------------------- the real project's site


def test_real_register_page_lists_the_overdue_seed(built_site):
    html = read(built_site, "dokumentregister.html")
    row = html[html.index('<tr id="D29653"'):]
    row = row[: row.index("</tr>")]
    text = html_text(row)
    for cell in ("D29653", "Melding av hastesaker i Min Sykehuspartner, LV SSHF", "6.00",
                 "Godkjent", "07.12.2022", "07.12.2024",
                 "IKT systemansvarlig Miclis, Unilab, Prosang, LVMS",
                 "Spesialrådgiver Jon Sverre Berg"):
        assert cell in text, cell
    assert re.search(r'<strong class="sop-flag">Forfalt for \d+ dager siden</strong>', row)


def test_a_first_revision_has_its_history_on_its_page_not_a_change_page(built_site):
    """The product owner's decision: no change page for a document at its first
    revision; its one-line history is on the procedure page."""
    assert not (built_site / "endringer").exists()  # every fixture document: one revision
    for doc_id, line in (
            ("D29653", "Revisjonshistorikk: revisjon 6.00, godkjent 07.12.2022 – Byttet ut "
                       "ordet SymPathy med LVMS."),
            ("D31044", "Revisjonshistorikk: revisjon 1.00, godkjent 20.11.2026 – Ny prosedyre."),
            ("D10001", "Revisjonshistorikk: revisjon 1.00 – Ny prosedyre.")):
        html = read(built_site, f"dokumenter/{doc_id}.html")
        text = html_text(html.replace("<details", "<details open"))
        assert line in text and line + "." not in text, doc_id
        assert "endringer/" not in html
    assert "endringer/" not in read(built_site, "dokumentregister.html")


def test_the_change_page_comes_with_the_second_revision(tmp_path):
    from click.testing import CliRunner

    from sopkit.cli import cli

    root = copy_project(tmp_path / "p")
    runner = CliRunner()
    assert runner.invoke(cli, ["--project", str(root), "draft", "D31044"]).exit_code == 0
    assert runner.invoke(cli, ["--project", str(root), "build"]).exit_code == 0
    site = root / "site"
    assert (site / "endringer" / "D31044.html").is_file()
    assert not (site / "endringer" / "D29653.html").exists()
    assert 'href="../endringer/D31044.html"' in read(site, "dokumenter/D31044.html")
    assert 'href="endringer/D31044.html"' in read(site, "dokumentregister.html")
