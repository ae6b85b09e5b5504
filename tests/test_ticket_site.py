"""The ticket's site files: the composer page, its assets and the procedure page's block."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, PROCEDURES, copy_project, edit
from sopkit.outputs.ticket.composer import (
    COMPOSER_CSS,
    COMPOSER_JS,
    composer_pages,
    href,
    site_files,
    ticket_block_html,
    ticket_blocks,
)
from sopkit.outputs.ticket.text import composer_data
from sopkit.pipeline import build_site
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library, read_library
from sopkit.source.project import Project
from test_ticket import COMPETENCES, STEP_LABELS


@pytest.fixture(scope="module")
def repo(handbook: Path) -> Project:
    return Project(handbook)


@pytest.fixture(scope="module")
def library() -> Library:
    return read_library(PROCEDURES)


def test_href():
    assert href("dokumenter/D29653.md", "saksmelding/D29653.md") == "../saksmelding/D29653.html"
    assert href("saksmelding/D29653.md", "assets/javascripts/composer.js") \
        == "../assets/javascripts/composer.js"
    assert href("index.md", "saksmelding/D29653.md") == "saksmelding/D29653.html"


def test_site_files(library, repo):
    files = site_files(library, repo)
    assert set(files) == {"saksmelding/D29653.md", COMPOSER_JS, COMPOSER_CSS}
    assert files[COMPOSER_JS] == (repo.templates / COMPOSER_JS).read_text(encoding="utf-8")
    assert composer_pages(library) == {"D29653": "saksmelding/D29653.md"}


def test_composer_page(library, repo):
    page = site_files(library, repo)["saksmelding/D29653.md"]
    assert '<script src="../assets/javascripts/composer.js"></script>' in page
    assert '<link rel="stylesheet" href="../assets/stylesheets/composer.css">' in page
    assert '<a href="../dokumenter/D29653.html">' in page
    data = re.search(r'<script type="application/json" id="sopkit-composer-data">(.*?)</script>',
                     page).group(1)
    assert "<" not in data  # cannot end the script element early
    assert json.loads(data) == composer_data(library.get("D29653"), library, repo)
    text = unescape(page)
    for label in (*STEP_LABELS[4][:1], *STEP_LABELS[5], *STEP_LABELS[6][1:]):
        assert re.search(rf'<(label|legend) class="sopkit-label"[^>]*>{re.escape(label)}',
                         text), label
    for label in ("Applikasjon", "Avdeling", "Brukere", "PCer", "Servere"):
        assert f">{label}" in text, label
    for option in COMPETENCES:
        assert f"> <label for=\"sopkit-competence-{COMPETENCES.index(option) + 1}\">{option}" \
            "</label>" in text
    for app in library.applications.values():
        assert f'<option value="{app.key}">{app.name}</option>' in text


def test_every_control_has_a_label(library, repo):
    page = site_files(library, repo)["saksmelding/D29653.md"]
    ids = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', page)
    assert len(ids) == 12  # 6 + 3 radios + 2 + the case number
    for control in ids:
        assert re.search(rf'<label[^>]*\bfor="{control}"', page), control


def test_block_on_the_procedure_page(library, repo):
    block = ticket_block_html(library.get("D29653"), library, repo)
    assert block.startswith("## Saken i Min Sykehuspartner\n")
    assert '<a class="md-button" href="../saksmelding/D29653.html">' in block
    assert ("<pre class=\"sopkit-template\"><code>«navn på applikasjonen» OK skal hjelpe"
            "</code></pre>") in block
    assert "<code>Saken skal distribueres av OK.\n\nFeilbeskrivelse: «Feilbeskrivelse»\n" in block
    assert "Meldt etter prosedyre D29653, revisjon 6.00.</code></pre>" in block
    assert "<li>Saken er meldt via Min Sykehuspartner. Saksnummer: «saksnummer».</li>" in block
    assert "Linjene for PCer og Servere kan slettes" in block


def test_obsolete_procedure_keeps_its_block_but_no_composer(project: Path, seed_file):
    edit(seed_file, "status: approved", "status: obsolete")
    proj = Project(project)
    library = read_library(proj.procedures)
    assert site_files(library, proj) == {}
    block = ticket_blocks(library, proj)["D29653"]
    assert "saksmelding" not in block and "Dokumentet er utgått" in block
    assert "OK skal hjelpe" in block


@pytest.mark.parametrize(("template", "old", "new", "lost"), [
    ("composer.md.j2", '<script type="application/json" id="sopkit-composer-data">',
     '<script type="application/json" id="other">',
     "D29653: ticket composer: missing ticket subject"),
    # a line dropped from the composer's data
    ("composer.md.j2", "{{ data|tojson }}",
     "{{ dict(data, description=data.description[1:])|tojson }}",
     'D29653: ticket composer: missing ticket first_sentence "Saken skal distribueres av OK."'),
    ("ticket_block.md.j2", "<code>{{ ticket.description }}</code>", "<code></code>",
     "D29653: ticket on the page: missing ticket description[0]"),
])
def test_build_fails_when_a_template_drops_the_ticket(tmp_path, monkeypatch, template, old, new,
                                                      lost):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = copy_project(tmp_path / "p")
    edit(root / "templates" / "site" / template, old, new)
    with pytest.raises(SopkitError, match="an output lost what the procedure mandates") as caught:
        build_site(Project(root))
    assert lost in caught.value.message
    assert not (root / "site").exists()
