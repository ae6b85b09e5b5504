"""Hostile text in procedure fields is shown as text and never runs (a red team's payloads)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from browser import serve
from conftest import FIXED_EPOCH, copy_project, edit
from gitrepo import init, refingerprint
from sopkit.pipeline import build_site
from sopkit.source.project import Project

SCRIPT = "<img src=x onerror=alert(1)>"


@contextmanager
def approved_and_built(root: Path, seed: Path) -> Iterator[str]:
    """Record the edited seed as approved, build the site and serve it; yields its URL."""
    refingerprint(seed)
    init(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        build_site(Project(root))
    with serve(root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    seed = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    edit(seed, "title: Melding av hastesaker i Min Sykehuspartner, LV SSHF",
         f'title: "Melding av hastesaker {SCRIPT}"')
    edit(seed, "    - Medisinsk serviceklinikk", f'    - "Medisinsk {SCRIPT}"')
    with approved_and_built(root, seed) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("path", ["index.html", "dokumenter/D29653.html",
                                  "dokumentregister.html",
                                  "mapper/medisinsk-img-src-x-onerror-alert-1/index.html"])
def test_a_title_with_markup_is_text_in_every_page(browser, hostile_site, path):
    page = browser.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(hostile_site + path)
    page.wait_for_load_state("load")
    assert dialogs == []
    assert not any(url.endswith("/x") for url in requests)  # <img src=x> was not made
    # A procedure page shows the folder in its breadcrumbs, the others in the navigation.
    where = "nav.md-path" if path.startswith("dokumenter/") else "nav.md-nav--primary"
    nav = page.locator(where).inner_text()
    assert f"Medisinsk {SCRIPT}" in nav  # shown as the text it is
    if path.startswith("mapper/"):  # the folder's own page
        assert page.locator("h1").inner_text() == f"Medisinsk {SCRIPT}"
    else:
        assert f"Melding av hastesaker {SCRIPT}" in page.locator("body").inner_text()
    if path.startswith("dokumenter/"):  # its menu (a phone's) names the page alone
        menu = page.locator("nav.md-nav--primary")
        assert f"Melding av hastesaker {SCRIPT}" in (menu.text_content() or "")
        assert menu.locator("img").count() == 0  # the title's <img> is text, no element
    page.close()


# ---------------------------------------------------------------- heading fields, links


HEADING_ATTACKS = [
    "X {: tabindex=0 autofocus onfocus=alert(1) }",
    "[x](javascript:alert(1))",
    "![i](http://evil.example/i.png)",
    'G:\\Lab\\eksport "sitat"',
]


@pytest.fixture(scope="module")
def heading_site(tmp_path_factory: pytest.TempPathFactory):
    root = copy_project(tmp_path_factory.mktemp("headings") / "project")
    seed = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    title = " ".join(HEADING_ATTACKS)
    edit(seed, "title: Melding av hastesaker i Min Sykehuspartner, LV SSHF",
         f"title: {json.dumps(title)}")
    edit(seed, "  system: Min Sykehuspartner", f"  system: {json.dumps(HEADING_ATTACKS[0])}")
    edit(seed, "  contact: Brukerstøtte\n", "  contact: Brukerstøtte\n  sizes: [A4]\n")  # room
    edit(seed, "external_references: []",
         'external_references: [{title: Nettside, url: "https://example.org/a"}]')
    with approved_and_built(root, seed) as url:
        yield url, title, root


@pytest.mark.browser
def test_heading_fields_are_text_not_markdown(browser, heading_site):
    url, title, _ = heading_site
    page = browser.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "dokumenter/D29653.html")
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    assert dialogs == []
    assert not any("evil.example" in r for r in requests)
    assert page.locator("article h1").inner_text() == title
    assert page.locator("article a[href^='javascript']").count() == 0
    assert page.locator("article h1 [onfocus], article h1[onfocus], article h2[onfocus]"
                        ).count() == 0
    assert page.title().startswith(f"D29653 {title}")  # the front matter held
    assert f"Saken i {HEADING_ATTACKS[0]}" in page.locator("article").inner_text()
    page.close()


def test_a_link_to_another_host_without_a_scheme_is_text():
    from sopkit.source.text import inline_html

    assert "<a" not in inline_html("[se her](//evil.example/p)")


def test_a_backslash_path_stays_on_this_host():
    """Browsers read '/\\host' as another host; the link keeps the backslash encoded."""
    from sopkit.source.text import inline_html

    assert 'href="/%5Cevil.example/p"' in inline_html("[se her](/\\evil.example/p)")


@pytest.mark.parametrize("url", ["javascript:alert('x')", "data:text/html,<b>x</b>",
                                 "//evil.example/p", "ftp://example.org/f"])
def test_an_external_reference_must_be_a_web_mail_or_phone_address(run, seed_file, url):
    edit(seed_file, "external_references: []",
         f"external_references: [{{title: Nettside, url: {json.dumps(url)}}}]")
    result = run("check")
    assert result.exit_code == 1
    assert "external_references[0].url" in result.output


@pytest.mark.parametrize("char", ["\\x00", "\\x1b", "\\x7f", "\\x85", "\\u202e", "\\u2066"])
def test_control_characters_and_text_direction_overrides_are_refused(run, seed_file, char):
    edit(seed_file, "title: Melding av hastesaker i Min Sykehuspartner, LV SSHF",
         f'title: "Melding av hastesaker{char}i Min Sykehuspartner"')
    result = run("check")
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(seed_file.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("title:"))
    assert f"{seed_file.name}:{line}:1: title: holds the character U+" in result.output
    assert "not text" in result.output


def test_the_archival_footer_shows_the_handbook_title_as_written(run, project, tmp_path):
    from pypdf import PdfReader

    title = 'Lab & Co\'s "håndbok" </style>'
    edit(project / "procedure" / "handbook.yml", "title: Kvalitetshåndbok for laboratoriene",
         f"title: {json.dumps(title)}")
    result = run("pdf", "D29653", "-o", str(tmp_path / "a.pdf"))
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "a.pdf").pages)
    assert title in text
    assert "&amp;" not in text and "&#39;" not in text


def test_a_literal_brace_in_the_first_sentence_prints_once_on_the_card(run, seed_file):
    from cardtools import text_of

    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "first_sentence: Saken skal distribueres av OK.",
         'first_sentence: "Saken skal distribueres av OK. {{Haster}}"')
    result = run("card", "D29653", "-o", str(seed_file.parent / "kort.pdf"))
    assert result.exit_code == 0, result.output
    text = text_of((seed_file.parent / "kort.pdf").read_bytes())
    assert "{Haster}" in text and "{{Haster}}" not in text
    (seed_file.parent / "kort.pdf").unlink()


def test_a_choice_with_spaces_at_its_end_is_refused(run, seed_file):
    edit(seed_file, "        - servergruppe", '        - "servergruppe "')
    result = run("check")
    assert result.exit_code == 1 and "'servergruppe '" in result.output


# ---------------------------------------------------------------- every text field, every output

PAYLOADS = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(2)>', "{{ 7*7 }}",
            "</script><script>alert(3)</script>"]
FIELDS = [  # (the line in the seed, the line with a payload in it)
    ("text: Sakene meldes inn via Min Sykehuspartner.",
     "text: 'Sakene meldes inn via Min Sykehuspartner. {p}'"),
    ("card: Meld saken i Min Sykehuspartner.", "card: 'Meld saken i Min Sykehuspartner. {p}'"),
    ("      - Alle som skal melde hastesaker til Sykehuspartner.",
     "      - 'Alle som skal melde hastesaker til Sykehuspartner. {p}'"),
    ("  first_sentence: Saken skal distribueres av OK.",
     "  first_sentence: 'Saken skal distribueres av OK. {p}'"),
    ("      label: Avdeling", "      label: 'Avdeling {p}'"),
    ("distribution: EK, Eventuelt hvor godkjent papirversjon finnes.",
     "distribution: 'EK, Eventuelt hvor godkjent papirversjon finnes. {p}'"),
]


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory):
    root = copy_project(tmp_path_factory.mktemp("corpus") / "project")
    seed = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    for index, (line, hostile) in enumerate(FIELDS):
        payload = PAYLOADS[index % len(PAYLOADS)].replace("'", "''")
        edit(seed, line, hostile.format(p=payload))
    with approved_and_built(root, seed) as url:
        yield url, root


@pytest.mark.browser
@pytest.mark.parametrize("path", ["dokumenter/D29653.html", "saksmelding/D29653.html",
                                  "dokumentregister.html", "index.html"])
def test_payloads_in_every_field_run_nowhere_and_fetch_nothing(browser, corpus_site, path):
    url, _ = corpus_site
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    context.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:"))
               else outside.append(r.url))
    page.goto(url + path)
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    context.close()
    assert dialogs == [] and outside == []
    if path.startswith(("dokumenter/", "saksmelding/")):
        assert any(p in body for p in PAYLOADS), "the payloads are shown as text"


def test_payloads_are_text_in_the_ticket_and_the_pdfs(corpus_site):
    from click.testing import CliRunner
    from pdfminer.high_level import extract_text

    from sopkit.cli import cli

    _, root = corpus_site
    ticket = CliRunner().invoke(cli, ["--project", str(root), "ticket", "D29653"]).output
    assert "Saken skal distribueres av OK. " + PAYLOADS[3] in ticket  # as written, no escapes
    site = root / "site"
    import io

    def text(path: Path) -> str:
        return " ".join(extract_text(io.BytesIO(path.read_bytes())).split())

    for pdf in [site / "kort" / "D29653-A4.pdf", *sorted((site / "arkiv" / "pdf").glob(
            "D29653-*.pdf"))]:
        words = text(pdf)
        assert "Meld saken i Min Sykehuspartner." in words or "Sakene meldes inn" in words
        assert PAYLOADS[0] in words or PAYLOADS[1] in words, pdf.name
        assert "&lt;" not in words and "&#" not in words, pdf.name  # not escaped twice
