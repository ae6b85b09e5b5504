"""The built site in a real headless Chromium: search, checklist, card check, no requests out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import axe_violations, describe, serve, site_mount

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def http_base(built_site, built_project):
    with serve(built_site, site_mount(built_project / "mkdocs.yml")) as url:
        yield url


@pytest.fixture(params=["http", "file"])
def base(request, http_base, built_site) -> str:
    return http_base if request.param == "http" else built_site.as_uri() + "/"


def own(url: str, base: str) -> bool:
    return url.startswith(base) or url.startswith(("data:", "blob:"))


def open_page(browser, url: str, base: str):
    """A page in a fresh context that records every request going outside the site.

    Requests are recorded on the context, so those of the search worker count too;
    closing the page closes its context.
    """
    context = browser.new_context()
    page = context.new_page()
    page.on("close", lambda _: context.close())
    outside: list[str] = []
    context.on("request", lambda r: None if own(r.url, base) else outside.append(r.url))
    page.goto(url)
    return page, outside


def search(page, words: str) -> None:
    page.keyboard.press("s")
    page.wait_for_selector("[data-md-component='search-query']:focus")
    page.keyboard.type(words)
    page.wait_for_selector(".md-search-result__item", timeout=15000)


@pytest.mark.parametrize("words", ["hastesak", "hastesakene", "operativ koordinator",
                                   "Sykehuspartner"])
def test_search_reaches_the_procedure(browser, base, words):
    page, outside = open_page(browser, base + "index.html", base)
    search(page, words)
    first = page.locator(".md-search-result__item a").first
    # retried: while the words are typed, results for their beginning show first
    expect(first).to_have_attribute("href", re.compile(r"dokumenter/D29653\.html"),
                                    timeout=15000)
    first.click()
    page.wait_for_load_state()
    assert page.url.split("#")[0].split("?")[0].endswith("dokumenter/D29653.html")
    assert "Melding av hastesaker" in page.locator("h1").inner_text()
    assert outside == []
    page.close()


def test_checklist_item_can_be_ticked(browser, base):
    page, outside = open_page(browser, base + "dokumenter/D29653.html", base)
    box = page.get_by_role("checkbox", name="Sakene meldes inn via Min Sykehuspartner.")
    assert not box.is_checked()
    label = page.locator("label.sop-check").filter(has=box)
    page.get_by_text("Sakene meldes inn via Min Sykehuspartner.").first.click()
    assert box.is_checked()
    assert "line-through" in label.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "sop-done" in (label.get_attribute("class") or "")  # for browsers without :has()
    box.click()
    assert not box.is_checked()
    assert "sop-done" not in (label.get_attribute("class") or "")
    assert "line-through" not in label.evaluate("e => getComputedStyle(e).textDecorationLine")
    page.keyboard.press("Tab")
    assert outside == []
    page.close()


@pytest.mark.parametrize(("revision", "title"), [
    ("6.00", "Gjeldende"), ("5.00", "Utgått – hent nytt kort"),
])
def test_card_revision_check(browser, http_base, revision, title):
    page, _ = open_page(browser, f"{http_base}dokumenter/D29653.html?revisjon={revision}",
                        http_base)
    box = page.locator(".sop-card-check")
    box.wait_for(state="visible")
    assert box.locator(".admonition-title").inner_text() == title
    assert revision in box.inner_text()
    page.close()


def all_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def test_axe_with_search_open(browser, http_base):
    page, _ = open_page(browser, http_base + "index.html", http_base)
    search(page, "hastesak")
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.close()


def test_print_stylesheet(browser, http_base):
    page, _ = open_page(browser, http_base + "dokumenter/D29653.html", http_base)
    page.emulate_media(media="print")
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert not page.locator(".md-header").is_visible()
    assert page.locator(".sop-meta").is_visible()
    footer = page.locator(".sop-print-footer")
    assert footer.is_visible()
    text = footer.inner_text()
    assert "Utskrift er ukontrollert kopi" in text
    assert re.search(r"Utskriftsdato: \d\d\.\d\d\.\d{4}", text)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.close()


def test_the_evidence_page_does_not_scroll_sideways_on_a_phone(browser, base):
    """The table of checksums scrolls in its own region; the page keeps its width."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(base + "kontroll.html")
    assert page.locator(".sop-evidence-table").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.close()
