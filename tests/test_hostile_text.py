"""Hostile text in procedure fields is shown as text and never runs (a red team's payloads)."""

from __future__ import annotations

import pytest

from browser import serve
from conftest import FIXED_EPOCH, copy_project, edit
from gitrepo import init, refingerprint
from sopkit.pipeline import build_site
from sopkit.source.project import Project

SCRIPT = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    seed = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    edit(seed, "title: Melding av hastesaker i Min Sykehuspartner, LV SSHF",
         f'title: "Melding av hastesaker {SCRIPT}"')
    edit(seed, "    - Medisinsk serviceklinikk", f'    - "Medisinsk {SCRIPT}"')
    refingerprint(seed)  # as if approved so
    init(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        build_site(Project(root))
    with serve(root / "site") as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("path", ["index.html", "dokumenter/D29653.html",
                                  "dokumentregister.html"])
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
    nav = page.locator("nav.md-nav--primary").inner_text()
    assert f"Medisinsk {SCRIPT}" in nav  # shown as the text it is
    assert f"Melding av hastesaker {SCRIPT}" in page.locator("body").inner_text()
    page.close()
