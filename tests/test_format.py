"""Every part of the procedure format loads and reaches the procedure page."""

from __future__ import annotations

import shutil

import pytest

from conftest import REPO, copy_project
from sopkit.outputs.htmltext import html_text
from sopkit.pipeline import build_site
from sopkit.source.library import read_library
from sopkit.source.project import Project

FULL = REPO / "tests" / "data" / "D10001-hemolyse.yml"


@pytest.fixture
def full_project(tmp_path):
    root = copy_project(tmp_path / "p")
    shutil.copy(FULL, root / "procedure" / "documents" / FULL.name)
    return root


def test_full_format_loads(full_project):
    proc = read_library(full_project / "procedure").get("D10001")
    assert [s.kind for s in proc.sections] == [
        "purpose", "definitions", "responsibility", "procedure", "deviations", "other"]
    assert [s.id for s in proc.steps()] == ["inspect", "hemolysed", "comment", "new-sample"]
    assert proc.section("other").heading == "Opplæring"


@pytest.mark.slow
def test_full_format_reaches_the_page(full_project):
    build_site(Project(full_project))
    html = (full_project / "site" / "dokumenter" / "D10001.html").read_text(encoding="utf-8")
    text = html_text(html)
    for expected in (
        "Definisjoner", "Hemolyse", "Røde blodceller som har gått i stykker.",
        "Ansvar", "For Bioingeniør: Vurderer prøven og merker den i Unilab.",
        "Vakthavende lege", "Kari Lege", "380 00 123", "Hele døgnet",
        "Viktig: Viktig tekst før trinnene.", "Advarsel: Bruk hansker.",
        "Hvis prøven er hemolysert: Merk prøven med kommentar.",
        "Grad", "Tiltak", "Sterk", "Ny prøve",
        "NB! Gjelder alle analyser.", "Advarsel: Kalium kan bli falskt forhøyet.",
        "Avvik", "Meld avvik i avvikssystemet.", "Opplæring",
        "Sjekkliste for hemolyse", "D29653 Melding av hastesaker",
        "Brukerhåndbok for analysene", "Utkast",
    ):
        assert expected in text, expected
    assert "<em>hemolyserte</em>" in html
    assert 'href="D29653.html"' in html and 'href="https://example.org/brukerhandbok"' in html
    assert '<a href="tel:38000123">' in html
    # sub-steps are nested checklists with their own labelled checkboxes
    sub = html[html.index('id="steg-hemolysed"'):]
    sub = sub[: sub.index("</ol>")]
    assert sub.count('type="checkbox"') == 3 and 'class="sop-steps sop-substeps"' in sub
