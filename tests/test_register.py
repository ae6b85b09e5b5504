"""The document register and the review work list (sopkit register, sopkit review-due)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from conftest import edit
from sopkit.outputs.site.quality import REGISTER_PAGE, site_files
from sopkit.quality.register import rows
from sopkit.source.library import read_library
from sopkit.source.project import Project

TODAY = dt.date(2026, 11, 25)
DAYS_OVERDUE = (TODAY - dt.date(2024, 12, 7)).days  # Gyldig til 07.12.2024


pytestmark = pytest.mark.usefixtures("fixed_today")


def test_register_row_for_the_seed(project):
    (row,) = [r for r in rows(read_library(project / "procedure")) if r.id == "D29653"]
    assert (row.id, row.revision, row.status_label) == ("D29653", "6.00", "Godkjent")
    assert row.approved == dt.date(2022, 12, 7) and row.valid_until == dt.date(2024, 12, 7)
    assert row.responsible == "IKT systemansvarlig Miclis, Unilab, Prosang, LVMS"
    assert row.approved_by == "Spesialrådgiver Jon Sverre Berg"
    assert row.review == "overdue" and row.days_left == -DAYS_OVERDUE
    assert row.review_text == f"Forfalt for {DAYS_OVERDUE} dager siden"


def test_register_table(run):
    result = run("register")
    assert result.exit_code == 0, result.output
    header, _rule, *lines = result.output.splitlines()
    (line,) = [x for x in lines if x.startswith("D29653 ")]
    for label in ("DokumentID", "Tittel", "Revisjon", "Status", "Godkjent dato", "Gyldig til",
                  "Fagansvarlig", "Godkjent av", "Revisjon forfaller"):
        assert label in header
    assert line.startswith("D29653  ")
    for cell in ("6.00", "Godkjent", "07.12.2022", "07.12.2024",
                 "Spesialrådgiver Jon Sverre Berg", f"!! Forfalt for {DAYS_OVERDUE} dager siden"):
        assert cell in line, cell


def test_register_csv(run):
    result = run("register", "--format", "csv")
    assert result.exit_code == 0
    (row,) = [r for r in csv.DictReader(io.StringIO(result.output)) if r["DokumentID"] == "D29653"]
    assert row == {
        "DokumentID": "D29653",
        "Tittel": "Melding av hastesaker i Min Sykehuspartner, LV SSHF",
        "Revisjon": "6.00", "Status": "Godkjent",
        "Godkjent dato": "2022-12-07", "Gyldig til": "2024-12-07",
        "Fagansvarlig": "IKT systemansvarlig Miclis, Unilab, Prosang, LVMS",
        "Godkjent av": "Spesialrådgiver Jon Sverre Berg",
        "Revisjon forfaller": f"Forfalt for {DAYS_OVERDUE} dager siden",
    }


def test_register_json(run):
    result = run("register", "--format", "json")
    assert result.exit_code == 0
    (row,) = [r for r in json.loads(result.output) if r["id"] == "D29653"]
    assert row["id"] == "D29653" and row["review"] == "overdue"
    assert row["days_left"] == -DAYS_OVERDUE and row["valid_until"] == "2024-12-07"


def test_review_due_exits_non_zero_when_overdue(run):
    result = run("review-due")
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("OVERDUE  D29653  Melding av hastesaker")
    assert f"Gyldig til 07.12.2024 ({DAYS_OVERDUE} days ago)" in result.output
    assert "1 overdue, 0 due within 90 days." in result.output


def test_review_due_after_review(run):
    assert run("approve", "D29653", "--by", "Kari Nordmann", "--revision", "6.01").exit_code == 0
    result = run("review-due")
    assert result.exit_code == 0
    assert result.output == "No reviews due within 90 days.\n"
    soon = run("review-due", "--within", "800")
    assert soon.exit_code == 0  # due soon is listed but is no alarm
    assert "\ndue      D29653" in soon.output and "(in 731 days)" in soon.output
    assert soon.output.startswith("due      D31044") and "(in 726 days)" in soon.output
    assert "0 overdue, 3 due within 800 days." in soon.output


def test_review_due_soon_is_highlighted(project, run, seed_file):
    edit(seed_file, "valid_until: 2024-12-07", "valid_until: 2027-01-10")  # 46 days ahead
    row = {r.id: r for r in rows(read_library(project / "procedure"))}["D29653"]
    assert row.review == "due" and row.review_text == "Forfaller om 46 dager"
    assert "!! Forfaller om 46 dager" in run("register").output
    assert run("review-due").exit_code == 0
    assert run("review-due", "--within", "30").output.startswith("No reviews due within 30")


def test_obsolete_and_draft_documents(project, run, seed_file):
    old = seed_file.with_name("D10000-gammel-rutine.yml")
    old.write_text(seed_file.read_text(encoding="utf-8").replace("id: D29653", "id: D10000")
                   .replace("status: approved", "status: obsolete"), encoding="utf-8")
    assert run("draft", "D29653").exit_code == 0
    by_id = {r.id: r for r in rows(read_library(project / "procedure"))}
    assert by_id["D10000"].review == "obsolete" and by_id["D10000"].status_label == "Utgått"
    draft = by_id["D29653"]
    assert (draft.revision, draft.draft_revision, draft.status_label) == ("6.00", "7.00", "Utkast")
    assert draft.review == "overdue"  # 6.00 is still in force while 7.00 is a draft
    table = run("register").output
    assert "6.00 (utkast 7.00)" in table
    due = run("review-due")
    assert "D10000" not in due.output and due.exit_code == 1


def test_register_page(project):
    library = read_library(project / "procedure")
    page = site_files(library, Project(project))[REGISTER_PAGE]
    assert "search:\n  exclude: true" in page
    row = page[page.index('<tr id="D29653"'):]
    row = row[: row.index("</tr>")]
    assert 'class="sop-review-overdue"' in row
    assert f'<strong class="sop-flag">Forfalt for {DAYS_OVERDUE} dager siden</strong>' in row
    for cell in ("6.00", "Godkjent", "07.12.2022", "07.12.2024",
                 "IKT systemansvarlig Miclis, Unilab, Prosang, LVMS",
                 "Spesialrådgiver Jon Sverre Berg", 'href="dokumenter/D29653.html"'):
        assert cell in row, cell
    assert "endringer/" not in row  # one revision: no change page
    assert "1 dokument har forfalt revisjonsdato" in page


def test_every_new_command_is_in_the_readme():
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("sopkit diff", "sopkit history", "sopkit register", "sopkit review-due",
                    "sopkit pdf"):
        assert f"`{command}" in readme, command


def test_check_strict_and_review_due_agree_during_a_draft(run, seed_file):
    """The seed's review date (07.12.2024) has passed; a draft does not move it."""
    assert run("draft", "D29653", "--note", "Revisjon pågår").exit_code == 0
    strict = run("check", "--strict")
    due = run("review-due")
    assert strict.exit_code == 1 and "review overdue: Gyldig til was 07.12.2024" in strict.output
    assert due.exit_code == 1 and "OVERDUE  D29653" in due.output
    assert run("check").exit_code == 0  # a warning only, without --strict
    edit(seed_file, "text: Sakene meldes inn via", "text: Sakene meldes alltid inn via")
    edit(seed_file, "    call: Brukerstøtte\n", "    call: Brukerstøtte\n    number: 38 14 20 00\n")
    assert run("approve", "D29653", "--by", "Kari Nordmann").exit_code == 0
    assert run("check", "--strict").exit_code == 0
    assert run("review-due").exit_code == 0


def test_a_draft_never_approved_is_named_so_in_the_register(run):
    (line,) = [x for x in run("register").output.splitlines() if x.startswith("D10001 ")]
    assert "utkast 1.00, ingen godkjent revisjon" in line and "1.00 (utkast" not in line
