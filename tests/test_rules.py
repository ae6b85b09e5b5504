"""Rules that span fields and files, each met with a located message and a hint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import edit, line_of
from sopkit.source.errors import InvalidInput
from sopkit.source.library import read_library


def errors(project: Path, **kwargs) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_library(project / "procedure", **kwargs)
    return [p.format() for p in caught.value.problems.errors]


def without_fingerprint(project: Path) -> list[str]:
    """Errors other than the (expected) changed-text error of an edited approved document."""
    return [m for m in errors(project) if "changed without a new revision" not in m]


def test_repository_procedures_pass(run):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "4 procedures checked: no errors, 2 warnings." in result.stdout


def test_overdue_review_is_a_warning_and_strict_makes_it_an_error(run, seed_file):
    result = run("check")
    line = line_of(seed_file, "valid_until: 2024-12-07")
    assert (f"{seed_file.name}:{line}:5: revisions[0].valid_until: warning: review overdue: "
            "Gyldig til was 07.12.2024") in result.stderr
    strict = run("check", "--strict")
    assert strict.exit_code == 1
    assert "2 problems found." in strict.stderr  # and the card's contact without a number
    assert "review overdue" in strict.stderr and "warning:" not in strict.stderr


def test_review_not_overdue_before_the_date(project):
    library = read_library(project / "procedure", on=dt.date(2024, 12, 7))
    # what is left: the seed gives no phone number for its card's contact
    assert [w.key for w in library.warnings.items] == ["card.contact"]


def test_unknown_application_key(project, seed_file):
    edit(seed_file, "applications: [miclis, dips,", "applications: [miclis, dipps,")
    found = without_fingerprint(project)
    line = line_of(seed_file, "dipps")
    assert any(f":{line}:" in m and "applications[1]: unknown application 'dipps'" in m
               and "unilab" in m for m in found), found


def test_changed_approved_text_without_new_revision(project, seed_file):
    edit(seed_file, "Alle som skal melde hastesaker", "Alle som melder hastesaker")
    found = errors(project)
    assert len(found) == 1, found
    line = line_of(seed_file, "fingerprint: sha256:")
    assert f":{line}:5: revisions[0].fingerprint: the text of approved revision 6.00 was " \
           "changed without a new revision" in found[0]
    assert "sopkit draft D29653" in found[0] and "revision 7.00" in found[0]


def test_status_change_alone_keeps_fingerprint(project, seed_file):
    edit(seed_file, "status: approved", "status: obsolete")
    assert read_library(project / "procedure").get("D29653").status == "obsolete"


def test_revision_numbers_must_increase(project, seed_file):
    edit(seed_file, "revisions:\n", "revisions:\n  - revision: \"6.10\"\n"
         "    changed: 2020-01-01\n    approved: 2020-01-01\n    approved_by: X\n"
         "    valid_until: 2021-01-01\n")
    found = errors(project)
    line = line_of(seed_file, 'revision: "6.00"')
    assert any(f":{line}:" in m and "revision 6.00 does not come after 6.10" in m
               for m in found), found


def test_valid_until_after_approval(project, seed_file):
    edit(seed_file, "valid_until: 2024-12-07", "valid_until: 2022-12-01")
    found = errors(project)
    assert any("Gyldig til 01.12.2022 is not after Godkjent dato 07.12.2022" in m
               for m in found), found


def test_approved_document_needs_approver(project, seed_file):
    edit(seed_file, "    approved_by: Spesialrådgiver Jon Sverre Berg\n", "")
    found = errors(project)
    assert any("needs 'approved_by'" in m for m in found), found


def test_revision_number_form(project, seed_file):
    edit(seed_file, 'revision: "6.00"', "revision: 6")
    found = errors(project)
    assert any("revisions[0].revision: expected text, got a whole number" in m
               for m in found), found


def test_duplicate_document_ids(project, seed_file):
    copy = seed_file.with_name("D29653-kopi.yml")
    copy.write_text(seed_file.read_text(encoding="utf-8"), encoding="utf-8")
    found = errors(project)
    assert len(found) == 1, found
    assert "id: document ID D29653 is also used by" in found[0]
    assert copy.name in found[0] and seed_file.name in found[0]


def test_file_name_must_start_with_id(project, seed_file):
    seed_file.rename(seed_file.with_name("hastesaker.yml"))
    found = errors(project)
    assert any("does not start with the document ID" in m and "D29653-" in m
               for m in found), found


def test_cross_reference_must_resolve(project, seed_file):
    edit(seed_file, "references: []", "references:\n  - document: D99999")
    found = without_fingerprint(project)
    line = line_of(seed_file, "document: D99999")
    assert any(f":{line}:" in m and "cross-reference to unknown document D99999" in m
               for m in found), found


def test_mandated_phrase_must_be_in_text(project, seed_file):
    edit(seed_file, "  - Ring Brukerstøtte\n", "  - Ring Brukerstøtten\n")
    found = without_fingerprint(project)
    assert any("mandated phrase 'Ring Brukerstøtten' does not occur" in m for m in found), found


def test_step_ids_unique(project, seed_file):
    edit(seed_file, "- id: subject", "- id: register-case")
    found = without_fingerprint(project)
    assert any("step id 'register-case' is used twice" in m for m in found), found


def test_step_id_form(project, seed_file):
    edit(seed_file, "- id: subject", "- id: Emne i saken")
    found = without_fingerprint(project)
    assert any("'Emne i saken' does not have the required form" in m for m in found), found


def test_block_needs_one_kind(project, seed_file):
    edit(seed_file, "  - kind: scope\n    body:\n      - Alle",
         "  - kind: scope\n    body:\n      - role: Bioingeniør\n      - Alle")
    found = without_fingerprint(project)
    assert any("sections[1].body[0]: a block needs exactly one of" in m for m in found), found


def test_ticket_pattern_with_unknown_field(project, seed_file):
    edit(seed_file, 'subject: "{application} OK skal hjelpe"',
         'subject: "{applikasjon} OK skal hjelpe"')
    found = without_fingerprint(project)
    line = line_of(seed_file, "{applikasjon}")
    assert any(f":{line}:" in m and "ticket.subject: unknown field '{applikasjon}'" in m
               and "{application}" in m for m in found), found


def test_ticket_choice_needs_choices(project, seed_file):
    edit(seed_file, "      choices:\n        - teknisk service = uteservice\n"
         "        - kliniske fellesapplikasjoner\n        - servergruppe\n", "      choices: []\n")
    found = without_fingerprint(project)
    assert any("ticket.fields[6]: a field of kind 'choice' needs a non-empty list" in m
               for m in found), found


def test_unknown_status(project, seed_file):
    edit(seed_file, "status: approved", "status: godkjent")
    found = errors(project)
    assert any("status: 'godkjent' is not allowed" in m and "'approved'" in m
               for m in found), found
