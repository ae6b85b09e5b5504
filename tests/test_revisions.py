"""Recording drafts and approvals with the command line, never by hand."""

from __future__ import annotations

import datetime as dt
import difflib
import stat
import unicodedata

import pytest

from conftest import edit
from sopkit.quality.approval import add_months
from sopkit.source.fingerprint import fingerprint
from sopkit.source.library import read_library

TODAY = dt.date(2026, 11, 25)


pytestmark = pytest.mark.usefixtures("fixed_today")


def test_approve_after_change_records_new_revision(run, project, seed_file):
    edit(seed_file, "Alle som skal melde hastesaker", "Alle som melder hastesaker")
    assert run("check").exit_code == 1
    result = run("approve", "D29653", "--by", "Kvalitetsleder Kari Nordmann",
                 "--note", "Omfang omformulert")
    assert result.exit_code == 0, result.output
    assert "D29653: revision 7.00 approved by Kvalitetsleder Kari Nordmann." in result.output
    proc = read_library(project / "procedure").get("D29653")
    assert proc.status == "approved"
    assert [r.revision for r in proc.revisions] == ["6.00", "7.00"]
    new = proc.current
    assert new.approved == TODAY and new.changed == TODAY
    assert new.valid_until == dt.date(2028, 11, 25)  # handbook.yml: 24 months
    assert new.approved_by == "Kvalitetsleder Kari Nordmann"
    assert new.changes == "Omfang omformulert"
    assert new.fingerprint == fingerprint(proc)
    assert proc.revisions[0].changes == "Byttet ut ordet SymPathy med LVMS"
    assert "# Transcribed from the controlled document" in seed_file.read_text()
    assert run("check").exit_code == 0


def test_approve_changed_text_needs_a_note(run, seed_file):
    edit(seed_file, "Alle som skal melde hastesaker", "Alle som melder hastesaker")
    result = run("approve", "D29653", "--by", "Kari Nordmann")
    assert result.exit_code == 1
    assert "say what changed with --note TEXT" in result.output


def test_periodic_review_without_changes(run, project):
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--revision", "6.01")
    assert result.exit_code == 0, result.output
    proc = read_library(project / "procedure").get("D29653")
    assert proc.current.revision == "6.01"
    warnings = read_library(project / "procedure").warnings.items
    assert [w.key for w in warnings] == ["card.contact"]  # no longer overdue


def test_author_may_not_approve(run, seed_file):
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "annette  narvestad")
    assert result.exit_code == 1
    assert "approved by someone other than its author" in result.output
    assert seed_file.read_bytes() == before


def test_draft_then_approve(run, project, seed_file):
    result = run("draft", "D29653", "--note", "Nytt trinn")
    assert result.exit_code == 0, result.output
    proc = read_library(project / "procedure").get("D29653")
    assert proc.status == "draft" and proc.current.revision == "7.00"
    assert proc.current.approved is None
    edit(seed_file, "Alle som skal melde hastesaker", "Alle som melder hastesaker")
    assert run("check").exit_code == 0  # drafts may change freely
    assert run("draft", "D29653").exit_code == 1  # already a draft
    result = run("approve", "D29653", "--by", "Kari Nordmann")
    assert result.exit_code == 0, result.output
    proc = read_library(project / "procedure").get("D29653")
    assert proc.status == "approved" and proc.current.changes == "Nytt trinn"
    assert proc.current.fingerprint == fingerprint(proc)


def test_revision_must_come_after(run, seed_file):
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--revision", "5.00")
    assert result.exit_code == 1
    assert "revision 5.00 does not come after 6.00" in result.output
    assert seed_file.read_bytes() == before


def test_unknown_document(run):
    result = run("approve", "D1", "--by", "Kari Nordmann")
    assert result.exit_code == 1 and "no procedure with ID 'D1'" in result.output


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2022, 12, 7), 24) == dt.date(2024, 12, 7)


# ---------------------------------------------------------------- approval rights
# The fixture's people register: Annette Narvestad (the seed's author, no rights),
# Jon Sverre Berg (II.MSK), Kari Nordmann (II), Ola Nordmann (no rights).


@pytest.mark.parametrize("spelling", ["Annette Narvestad", "Narvestad, Annette",
                                      "IKT SYSTEMANSVARLIG annette   narvestad"])
def test_the_author_may_not_approve_however_the_name_is_written(run, seed_file, spelling):
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", spelling)
    assert result.exit_code == 1
    assert ("IKT systemansvarlig Annette Narvestad prepared D29653" in result.output
            and "someone other than its author" in result.output)
    assert seed_file.read_bytes() == before


@pytest.mark.parametrize("name", ["Per Hansen", "Kari", "Nordmann", "Kari Nordmann Hansen"])
def test_only_a_registered_person_may_approve(run, seed_file, name):
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", name)
    assert result.exit_code == 1
    assert "is not in the people register" in result.output or (
        "more than one registered person" in result.output)  # "Nordmann": Kari or Ola
    assert seed_file.read_bytes() == before


def test_a_person_without_the_right_may_not_approve(run, seed_file):
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Ola Nordmann")
    assert result.exit_code == 1
    assert "Bioingeniør Ola Nordmann may not approve D29653" in result.output
    assert "II.MSK.FEL.LAB FEL.LAB DATA.2-2" in result.output
    assert seed_file.read_bytes() == before


def test_rights_cover_a_code_and_what_lies_under_it(run, project, seed_file):
    edit(seed_file, "code: II.MSK.FEL.LAB FEL.LAB DATA.2-2", "code: II.MSKX.LAB")
    result = run("approve", "D29653", "--by", "Jon Sverre Berg", "--note", "Flyttet")
    assert result.exit_code == 1 and "may not approve D29653" in result.output  # not II.MSK
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--note", "Flyttet")
    assert result.exit_code == 0, result.output  # II covers II.MSKX.LAB


def test_the_approval_records_the_registered_name(run, project):
    result = run("approve", "D29653", "--by", "berg, jon sverre", "--revision", "6.01")
    assert result.exit_code == 0, result.output
    assert "approved by Spesialrådgiver Jon Sverre Berg." in result.output
    proc = read_library(project / "procedure").get("D29653")
    assert proc.current.approved_by == "Spesialrådgiver Jon Sverre Berg"


def test_without_a_people_register_nobody_may_approve(run, project, seed_file):
    (project / "procedure" / "people.yml").unlink()
    assert run("check").exit_code == 0
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--revision", "6.01")
    assert result.exit_code == 1 and "procedure/people.yml" in result.output


def test_a_person_registered_twice_is_a_problem_with_its_line(run, project):
    people = project / "procedure" / "people.yml"
    people.write_text(people.read_text(encoding="utf-8")
                      + "  - name: nordmann kari\n    approves: []\n", encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    line = len(people.read_text(encoding="utf-8").splitlines()) - 1
    assert f"procedure/people.yml:{line}:" in result.output
    assert "registered twice" in result.output


# ---------------------------------------------------------------- minimal edits


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a diff shows: '-' for lines gone, '+' for lines added."""
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_draft_and_approve_change_only_the_lines_they_must(run, seed_file):
    seed_file.write_text(seed_file.read_text(encoding="utf-8").replace(
        "status: approved\n", "status: approved  # set by sopkit\n"), encoding="utf-8")
    original = seed_file.read_text(encoding="utf-8")
    assert run("draft", "D29653", "--note", "Trinn 1 omformulert").exit_code == 0
    drafted = seed_file.read_text(encoding="utf-8")
    assert changed_lines(original, drafted) == [
        "-status: approved  # set by sopkit",
        "+status: draft  # set by sopkit",
        '+  - revision: "7.00"',
        "+    changed: 2026-11-25",
        "+    changes: Trinn 1 omformulert",
    ]
    assert drafted.startswith(original.split("status:")[0])  # the head comment stays
    edit(seed_file, "text: Sakene meldes inn via", "text: Sakene meldes alltid inn via")
    edited = seed_file.read_text(encoding="utf-8")
    result = run("approve", "D29653", "--by", "Kvalitetsleder Kari Nordmann")
    assert result.exit_code == 0, result.output
    approved = seed_file.read_text(encoding="utf-8")
    proc = read_library(seed_file.parent.parent).get("D29653")
    assert changed_lines(edited, approved) == [
        "-status: draft  # set by sopkit",
        "+status: approved  # set by sopkit",
        "+    approved: 2026-11-25",
        "+    approved_by: Kvalitetsleder Kari Nordmann",
        "+    valid_until: 2028-11-25",
        f"+    fingerprint: {fingerprint(proc)}",
    ]


def test_an_approval_of_an_approved_document_adds_its_entry_and_nothing_else(run, seed_file):
    edit(seed_file, "text: Sakene meldes inn via", "text: Sakene meldes alltid inn via")
    edited = seed_file.read_text(encoding="utf-8")
    result = run("approve", "D29653", "--by", "Kvalitetsleder Kari Nordmann", "--note",
                 "Trinn 1: alltid")
    assert result.exit_code == 0, result.output
    proc = read_library(seed_file.parent.parent).get("D29653")
    assert changed_lines(edited, seed_file.read_text(encoding="utf-8")) == [
        '+  - revision: "7.00"',
        "+    changed: 2026-11-25",
        '+    changes: "Trinn 1: alltid"',  # quoted: ': ' would start a mapping
        "+    approved: 2026-11-25",
        "+    approved_by: Kvalitetsleder Kari Nordmann",
        "+    valid_until: 2028-11-25",
        f"+    fingerprint: {fingerprint(proc)}",
    ]


def test_edits_keep_mode_byte_order_mark_and_line_endings(run, seed_file):
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    seed_file.chmod(0o664)
    assert run("draft", "D29653").exit_code == 0
    raw = seed_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\n") == raw.count(b"\r\n") == text.count("\n") + 3
    assert stat.S_IMODE(seed_file.stat().st_mode) == 0o664
    assert read_library(seed_file.parent.parent).get("D29653").status == "draft"


def test_edits_go_through_a_symbolic_link_to_its_target(run, project, seed_file):
    """A link inside procedure/ (a link to outside is not read at all: test_files.py)."""
    target = project / "procedure" / "kilder" / seed_file.name
    target.parent.mkdir()
    seed_file.rename(target)
    seed_file.symlink_to(target)
    assert run("draft", "D29653").exit_code == 0
    assert seed_file.is_symlink()
    assert "status: draft" in target.read_text(encoding="utf-8")


def test_a_refused_approval_leaves_the_file_as_it_was(run, seed_file):
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--revision", "5.00")
    assert result.exit_code == 1
    assert seed_file.read_bytes() == before


@pytest.mark.parametrize(("written", "spelling"), [
    ("IKT systemansvarlig A. Narvestad", "Annette Narvestad"),  # an initial
    ("Narvestad, Annette (IKT)", "IKT systemansvarlig Annette Narvestad"),
    (unicodedata.normalize("NFD", "IKT systemansvarlig Annette Narvestad"),
     "Annette Narvestad"),  # decomposed characters, as some systems paste them
])
def test_the_author_is_found_however_utarbeidet_av_writes_the_name(
        run, project, seed_file, written, spelling):
    people = project / "procedure" / "people.yml"
    edit(people, "    title: IKT systemansvarlig\n    approves: []",
         "    title: IKT systemansvarlig\n    approves: [II]")
    edit(seed_file, "prepared_by: IKT systemansvarlig Annette Narvestad",
         f"prepared_by: {written}")
    result = run("approve", "D29653", "--by", spelling, "--note", "Utarbeidet av skrevet om")
    assert result.exit_code == 1
    assert "a document must be approved by someone other than its author" in result.output


def test_a_person_named_within_the_authors_name_may_approve(run, project, seed_file):
    """Jon Berg is not Jon Sverre Berg, who prepared the document."""
    people = project / "procedure" / "people.yml"
    people.write_text(people.read_text(encoding="utf-8")
                      + "  - name: Jon Berg\n    title: Lege\n    approves: [II]\n",
                      encoding="utf-8")
    edit(seed_file, "prepared_by: IKT systemansvarlig Annette Narvestad",
         "prepared_by: Spesialrådgiver Jon Sverre Berg")
    result = run("approve", "D29653", "--by", "Lege Jon Berg", "--note", "Ny forfatter")
    assert result.exit_code == 0, result.output
    result = run("approve", "D29653", "--by", "Jon Sverre Berg", "--revision", "7.01")
    assert result.exit_code == 1 and "other than its author" in result.output


def test_an_author_nobody_is_registered_as_blocks_approval(run, seed_file):
    edit(seed_file, "prepared_by: IKT systemansvarlig Annette Narvestad",
         "prepared_by: IKT systemansvarlig Narvestad")  # the surname alone
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--note", "x")
    assert result.exit_code == 1
    assert "names nobody in the people register" in result.output
    assert seed_file.read_bytes() == before


def test_a_line_with_crlf_does_not_make_the_edit_rewrite_the_file(run, seed_file):
    text = seed_file.read_text(encoding="utf-8").replace("urgent: true\n", "urgent: true\r\n")
    seed_file.write_bytes(text.encode())
    assert run("draft", "D29653").exit_code == 0
    after = seed_file.read_bytes().decode()
    assert after.count("\r\n") == 1
    assert changed_lines(text, after) == [
        "-status: approved", "+status: draft",
        '+  - revision: "7.00"', "+    changed: 2026-11-25", '+    changes: ""']


def test_a_revision_written_in_flow_style_gets_a_message_not_a_traceback(run, seed_file):
    assert run("draft", "D29653", "--note", "x").exit_code == 0
    text = seed_file.read_text(encoding="utf-8")
    head, _, _ = text.rpartition('  - revision: "7.00"')
    seed_file.write_text(head + '  - {revision: "7.00", changed: 2026-11-25, changes: x}\n',
                         encoding="utf-8")
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Kari Nordmann")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
    assert "laid out as 'sopkit new' writes them" in result.output
    assert seed_file.read_bytes() == before
