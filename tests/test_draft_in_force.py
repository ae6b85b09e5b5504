"""While a new revision is drafted, the approved text stays in force on the site.

The procedure's page, card and ticket keep the last approved revision; the
draft gets a page of its own that search leaves out.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import SEED_DOC, copy_project, edit
from gitrepo import init
from sopkit.cli import cli
from sopkit.outputs.htmltext import html_text
from sopkit.pipeline import build_site
from sopkit.source.project import Project

pytestmark = pytest.mark.slow

APPROVED = "Sakene meldes inn via Min Sykehuspartner."
DRAFTED = "Sakene meldes straks inn via Min Sykehuspartner."


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("draft") / "p")
    init(root)  # the approved text is committed, as in a real handbook
    result = CliRunner().invoke(cli, ["--project", str(root), "draft", "D29653",
                                      "--note", "Trinn 1 skjerpet"])
    assert result.exit_code == 0, result.output
    edit(root / "procedure" / "documents" / SEED_DOC, f"text: {APPROVED}", f"text: {DRAFTED}")
    build_site(Project(root))
    return root / "site"


def page_text(site, name: str) -> str:
    return html_text((site / name).read_text(encoding="utf-8"), article=True)


def test_procedure_page_keeps_the_approved_text(drafted):
    text = page_text(drafted, "dokumenter/D29653.html")
    assert APPROVED in text and DRAFTED not in text
    assert "Revisjon 6.00 gjelder" in text and "utkast til revisjon 7.00" in text
    html = (drafted / "dokumenter" / "D29653.html").read_text(encoding="utf-8")
    assert 'href="../utkast/D29653.html"' in html
    assert 'data-current="6.00"' in html  # wall cards of 6.00 are still current


def test_draft_has_its_own_page(drafted):
    text = page_text(drafted, "utkast/D29653.html")
    assert DRAFTED in text and "Revisjon 7.00 er et utkast og ikke godkjent" in text
    html = (drafted / "utkast" / "D29653.html").read_text(encoding="utf-8")
    assert 'href="../dokumenter/D29653.html">gjeldende revisjon 6.00' in html


def test_search_finds_only_the_text_in_force(drafted):
    index = json.loads((drafted / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if d["location"].startswith("utkast/")]
    assert any(APPROVED in d["text"] for d in index["docs"])


def test_card_stays_the_approved_one(drafted):
    text = PdfReader(drafted / "kort" / "D29653-A4.pdf").pages[0].extract_text()
    assert "UTKAST" not in text
    assert "6.00" in text and "7.00" not in text


@pytest.mark.browser
def test_draft_pages_are_accessible(drafted, browser):
    from browser import axe_violations, describe, serve, site_mount

    with serve(drafted, site_mount(drafted.parent / "mkdocs.yml")) as base:
        for name in ("dokumenter/D29653.html", "utkast/D29653.html"):
            page = browser.new_page()
            page.goto(base + name)
            violations = axe_violations(page)
            assert violations == [], f"{name}: {describe(violations)}"
            page.close()
