"""The built handbook in daily use, read from its files (issue: daily use).

Drafts never approved stay out of the way of staff; search indexes the
procedure's own words with table cells apart; heading anchors keep æ, ø and å.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import PROCEDURES
from sopkit.outputs.htmltext import html_text

DRAFT = "D10001"  # tests/fixtures/handbook: status draft, no approved revision


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def search_index(site: Path) -> list[dict]:
    return json.loads(read(site, "search/search_index.json"))["docs"]


def test_the_fixture_draft_was_never_approved():
    text = next((PROCEDURES / "documents").glob(f"{DRAFT}-*.yml")).read_text(encoding="utf-8")
    assert "status: draft" in text and "approved:" not in text


def test_a_draft_never_approved_is_in_no_navigation(built_site):
    pages = sorted(built_site.rglob("*.html"))
    with_nav = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        start = html.find('<div class="md-sidebar md-sidebar--primary"')
        if start < 0:  # the quality pages (template wide.html) have no navigation
            continue
        nav = html[start:html.index('<div class="md-content"', start)]
        if page.name == "D31044.html":  # the slice holds the navigation: its own entry
            assert 'href="D31044.html"' in nav
        if page.name != f"{DRAFT}.html":  # its own menu holds itself alone
            assert f"{DRAFT}.html" not in nav, page
        with_nav += 1
    assert with_nav > 8
    front = read(built_site, "index.html")
    assert f"{DRAFT}.html" not in front and "D31044.html" in front
    assert f"{DRAFT}.html" not in read(built_site, "applikasjoner.html")


def test_a_draft_never_approved_is_not_in_search(built_site):
    locations = [doc["location"] for doc in search_index(built_site)]
    assert any(loc.startswith("dokumenter/D31044.html") for loc in locations)
    assert not [loc for loc in locations if DRAFT in loc]
    assert not [doc for doc in search_index(built_site) if "hemolyse" in doc["text"].lower()]


def test_a_draft_never_approved_says_so_in_its_own_words(built_site):
    html = read(built_site, f"dokumenter/{DRAFT}.html")
    banner = html[html.index('<div class="admonition sop-status sop-unapproved"'):]
    banner = html_text(banner[: banner.index("</div>")])
    assert banner.startswith("Utkast – ikke godkjent, skal ikke brukes")
    assert "aldri er godkjent" in banner and "Følg siste godkjente revisjon" not in banner
    assert "sop-overdue" not in html  # not the look of an overdue review either
    assert re.search(r"<title>Utkast, ikke godkjent: D10001 ", html)


def test_the_register_lists_drafts_for_reviewers(built_site):
    html = read(built_site, "dokumentregister.html")
    row = html[html.index(f'<tr id="{DRAFT}"'):]
    assert "utkast 1.00, ingen godkjent revisjon" in html_text(row[: row.index("</tr>")])
    drafts = html[html.index('id="utkast-under-arbeid"'):]
    assert f'href="dokumenter/{DRAFT}.html"' in drafts[: drafts.index("</ul>")]


def test_search_snippets_are_the_procedures_own_words(built_site):
    docs = [d for d in search_index(built_site) if d["location"].startswith("dokumenter/")]
    text = " ".join(d["text"] for d in docs)
    for banner in ("Revisjonsdato passert", "Utkast", "Dokumentinformasjon", "DokumentID",
                   "Gyldig til"):
        assert banner not in text, banner
    assert "Sakene meldes inn via Min Sykehuspartner." in text


def test_search_keeps_table_cells_apart(built_site):
    apps = next(d for d in search_index(built_site) if d["location"] == "applikasjoner.html")
    assert "Applikasjon Kritikalitet Prosedyrer" in apps["text"]
    assert "LV SSHF D31044 Prøvemottak" in apps["text"]  # two links in a cell, apart
    refs = " ".join(d["text"] for d in search_index(built_site)
                    if d["location"] == "dokumenter/D31044.html#referanser")
    assert "slik meldes hastesaken" in refs and not re.search(r"hastesaken\S", refs)


def test_heading_anchors_keep_norwegian_letters(built_site):
    html = read(built_site, "dokumenter/D29653.html")
    assert 'id="ring-brukerstøtte"' in html and 'id="utførelse"' in html
    assert "ring-brukersttte" not in html


def test_a_procedure_page_has_breadcrumbs_instead_of_the_navigation(built_site):
    """The Dokumentplassering as a trail of links to folder pages (issue 17's decision)."""
    from sopkit.outputs.htmltext import html_text as text_of

    html = read(built_site, "dokumenter/D31044.html")
    start = html.index('<nav class="md-path"')
    trail = html[start:html.index("</nav>", start)]
    assert " ".join(text_of(trail).split()) == (
        "Forside Medisinsk serviceklinikk Laboratoriene fellesdokumenter Medisinsk biokjemi "
        "Nedetid")
    links = re.findall(r'href="([^"]+)"', trail)
    assert links[1:] == ["../mapper/medisinsk-serviceklinikk/index.html",
                         "../mapper/medisinsk-serviceklinikk/laboratoriene-fellesdokumenter/"
                         "index.html",
                         "../mapper/medisinsk-serviceklinikk/laboratoriene-fellesdokumenter/"
                         "medisinsk-biokjemi/index.html",
                         "../mapper/medisinsk-serviceklinikk/laboratoriene-fellesdokumenter/"
                         "medisinsk-biokjemi/nedetid/index.html"]
    # No navigation of the handbook, not even hidden (the phone's menu would show
    # it): the menu holds this page alone, with its sections.
    start = html.index('<div class="md-sidebar md-sidebar--primary"')
    menu = html[start:html.index('<div class="md-sidebar md-sidebar--secondary"', start)]
    assert " hidden>" in menu[:200]  # not on a wide screen
    assert re.findall(r'href="([^"#]+)"', menu) == ["../index.html", "D31044.html"]
    article = html[html.index("<article"):html.index("</article>")]
    sections = re.findall(r'<h2 id="([^"]+)"', article)
    assert sections[0] == "utførelse" and "referanser" in sections
    assert re.findall(r'href="#([^"]+)"', menu) == sections  # each section, in order
    assert "mapper/" not in menu and "D29653" not in menu
    folder = read(built_site, "mapper/medisinsk-serviceklinikk/laboratoriene-fellesdokumenter/"
                              "medisinsk-biokjemi/nedetid/index.html")
    assert "md-nav--primary" in folder
    for link in links[1:]:
        assert (built_site / "dokumenter" / link).resolve().is_file(), link


def test_every_folder_page_lists_its_folders_and_documents(built_site):
    folder = read(built_site, "mapper/medisinsk-serviceklinikk/laboratoriene-fellesdokumenter/"
                              "medisinsk-biokjemi/nedetid/index.html")
    assert 'href="../../../../../dokumenter/D31044.html"' in folder
    assert "D10001" not in folder  # a draft never approved is in no folder
    parent = read(built_site, "mapper/medisinsk-serviceklinikk/index.html")
    text = html_text(parent)
    assert "Fellesdokumenter MSK" in text and "Laboratoriene fellesdokumenter" in text
    index = json.loads(read(built_site, "search/search_index.json"))
    assert not [d for d in index["docs"] if d["location"].startswith("mapper/")]
