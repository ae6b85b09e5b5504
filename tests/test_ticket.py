"""The Min Sykehuspartner ticket: exactly what steps 1 to 7 of D29653 mandate.

Expected wording is taken from the seed document (tests/seed/), so a ticket
that drifts from the procedure fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import PROCEDURES, edit
from sopkit.outputs.ticket.text import (
    InvalidValues,
    PatternError,
    composer_data,
    fill,
    mobile_number,
    parse_pattern,
)
from sopkit.source.errors import InvalidInput, SopkitError
from sopkit.source.library import Library, read_library
from sopkit.source.model import Procedure
from sopkit.source.project import Project

SEED = Path(__file__).parent / "seed" / "D29653-melding-av-hastesaker.txt"
FIRST_LINE = "Saken skal distribueres av OK."
TRACE = "Meldt etter prosedyre D29653, revisjon 6.00."
VALUES = {
    "application": "unilab",
    "error": "Unilab svarer ikke.\nPrøvesvar blir ikke overført.",
    "department": "Sentrallaboratoriet, Kristiansand",
    "users": "Alle i prøvemottaket",
    "pcs": "",
    "servers": "",
    "competence": "servergruppe",
    "contact_name": "Kari Nordmann",
    "contact_mobile": "+47 912 34 567",
}


def seed_step(number: int) -> str:
    text = SEED.read_text(encoding="utf-8")
    match = re.search(rf"^{number}\. (.+)$", text, re.MULTILINE)
    assert match, number
    return match.group(1)


# Field labels and competence options as the seed's steps 4 to 6 word them.
STEP_LABELS = {
    4: ["Feilbeskrivelse", "applikasjon", "avdeling", "brukere", "PCer", "servere"],
    5: ["Hvilke kompetanse trenges for å løse saken?"],
    6: ["Kontaktdata", "Hvem skal kontaktes?", "Mobiltelefonnummer"],
}
COMPETENCES = ["teknisk service = uteservice", "kliniske fellesapplikasjoner", "servergruppe"]


@pytest.fixture(scope="module")
def library() -> Library:
    return read_library(PROCEDURES)


@pytest.fixture(scope="module")
def proc(library: Library) -> Procedure:
    return library.get("D29653")


@pytest.fixture(scope="module")
def repo(handbook: Path) -> Project:
    return Project(handbook)


def test_expectations_come_from_the_seed():
    for number, labels in STEP_LABELS.items():
        for label in labels:
            assert label in seed_step(number), (number, label)
    for option in COMPETENCES:
        assert option in seed_step(5)
    assert "OK (operativ koordinator) skal hjelpe" in seed_step(2)
    assert seed_step(3).endswith(FIRST_LINE)


# ---------------------------------------------------------------- the ticket's content


def test_subject_for_every_application_in_the_register(proc, library, repo):
    critical = [app for app in library.applications.values() if app.criticality == 1]
    assert critical
    for app in critical:
        assert app.key in proc.applications, f"{app.name} cannot be chosen in D29653"
        assert fill(proc, library, repo, {"application": app.key}, partial=True).subject \
            == f"{app.name} OK skal hjelpe"
        filled = fill(proc, library, repo, {**VALUES, "application": app.key})
        assert filled.subject == f"{app.name} OK skal hjelpe"
        assert f"Applikasjon: {app.name}\n" in filled.description


def test_description_starts_with_the_mandated_sentence(proc, library, repo):
    for ticket in (fill(proc, library, repo), fill(proc, library, repo, VALUES)):
        assert ticket.description.split("\n")[0] == FIRST_LINE


def test_ticket_ends_with_the_trace_line(proc, library, repo):
    for ticket in (fill(proc, library, repo), fill(proc, library, repo, VALUES)):
        assert ticket.description.split("\n")[-1] == TRACE


def test_template_has_every_label_and_option_of_steps_4_to_6(proc, library, repo):
    template = fill(proc, library, repo).description
    for labels in STEP_LABELS.values():
        for label in labels:
            assert label.casefold() in template.casefold(), label
    for option in COMPETENCES:
        assert option in template
    assert "«" in template and "»" in template


def test_composer_offers_every_label_and_option(proc, library, repo):
    data = composer_data(proc, library, repo)
    labels = " ".join(f["label"] for f in data["fields"]).casefold()
    for label in (*STEP_LABELS[4], *STEP_LABELS[5], *STEP_LABELS[6][1:]):
        assert label.casefold() in labels, label
    competence = next(f for f in data["fields"] if f["key"] == "competence")
    assert [c["text"] for c in competence["choices"]] == COMPETENCES


def test_filled_ticket_exactly(proc, library, repo):
    ticket = fill(proc, library, repo, {**VALUES, "case_number": "CS0123456"})
    assert ticket.subject == "Unilab OK skal hjelpe"
    assert ticket.description == (
        "Saken skal distribueres av OK.\n"
        "\n"
        "Feilbeskrivelse: Unilab svarer ikke.\n"
        "Prøvesvar blir ikke overført.\n"
        "Applikasjon: Unilab\n"
        "Avdeling: Sentrallaboratoriet, Kristiansand\n"
        "Brukere: Alle i prøvemottaket\n"
        "Hvilke kompetanse trenges for å løse saken? servergruppe\n"
        "Kontaktdata: Hvem skal kontaktes? Kari Nordmann\n"
        "Mobiltelefonnummer: 912 34 567\n"
        "\n"
        f"{TRACE}"
    )
    assert ticket.say == (
        "Saken er meldt via Min Sykehuspartner. Saksnummer: CS0123456.",
        "Saken skal distribueres via OK.",
        "Saken gjelder et fagsystem med kritikalitet 1: Unilab.",
    )
    assert ticket.call == "Brukerstøtte"


def test_phone_script_mentions_case_number_ok_and_criticality(proc, library, repo):
    step7 = seed_step(7)
    assert "saksnummer" in step7 and "via OK" in step7 and "kritikalitet 1" in step7
    for ticket, number in ((fill(proc, library, repo), "«saksnummer»"),
                           (fill(proc, library, repo, {**VALUES, "case_number": "42"}), "42")):
        said = " ".join(ticket.say)
        assert "Saksnummer: " + number in said
        assert "distribueres via OK" in said
        assert "kritikalitet 1" in said


def test_optional_lines_left_out_when_empty(proc, library, repo):
    ticket = fill(proc, library, repo, VALUES)
    assert "PCer" not in ticket.description and "Servere" not in ticket.description
    ticket = fill(proc, library, repo, {**VALUES, "pcs": "LAB-PC-0042"})
    assert "\nPCer: LAB-PC-0042\n" in ticket.description
    assert "Servere" not in ticket.description


def test_values_are_cleaned(proc, library, repo):
    ticket = fill(proc, library, repo, {
        **VALUES, "error": "  Linje 1\r\nLinje 2\rLinje 3 \n", "department": " Lab\n2 ",
        "users": "\u00a0Alle\u00a0",
    })
    assert "Feilbeskrivelse: Linje 1\nLinje 2\nLinje 3\nApplikasjon" in ticket.description
    assert "Avdeling: Lab 2\n" in ticket.description
    assert "Brukere: Alle\n" in ticket.description


def test_values_are_not_patterns(proc, library, repo):
    ticket = fill(proc, library, repo, {**VALUES, "error": "{pcs} {{x}} <b>&amp;"})
    assert "Feilbeskrivelse: {pcs} {{x}} <b>&amp;\n" in ticket.description


def test_missing_required_fields_are_named(proc, library, repo):
    with pytest.raises(InvalidValues) as caught:
        fill(proc, library, repo, {**VALUES, "error": " ", "contact_mobile": ""})
    assert [(p.field.key, p.code) for p in caught.value.problems] == [
        ("error", "missing"), ("contact_mobile", "missing")]
    assert "--error (Feilbeskrivelse) is required" in caught.value.message


def test_wrong_choices_are_refused(proc, library, repo):
    with pytest.raises(InvalidValues) as caught:
        fill(proc, library, repo, {**VALUES, "application": "excel", "competence": "IT"})
    assert [(p.field.key, p.code) for p in caught.value.problems] == [
        ("application", "invalid"), ("competence", "invalid")]


def test_unknown_field_is_refused(proc, library, repo):
    with pytest.raises(SopkitError, match="no field feil"):
        fill(proc, library, repo, {**VALUES, "feil": "x"})


@pytest.mark.parametrize(("typed", "shown"), [
    ("91234567", "912 34 567"),
    ("912 34 567", "912 34 567"),
    ("+47 912 34 567", "912 34 567"),
    ("+4741234567", "412 34 567"),
    ("0047 41 23 45 67", "412 34 567"),
    ("\u00a0912\u00a034\u00a0567 ", "912 34 567"),
])
def test_norwegian_mobile_numbers(typed, shown):
    assert mobile_number(typed) == shown


@pytest.mark.parametrize("typed", [
    "", "9123456", "912345678", "38073000", "81234567", "+46 912 34 567", "+47",
    "912-34-567", "9123456a", "(+47) 91234567", "00 47 91234567x", "+47+4791234567",
])
def test_not_norwegian_mobile_numbers(typed):
    assert mobile_number(typed) is None


def test_partial_ticket_keeps_placeholders(proc, library, repo):
    ticket = fill(proc, library, repo, {"application": "dips"}, partial=True)
    assert ticket.subject == "DIPS OK skal hjelpe"
    assert "Feilbeskrivelse: «Feilbeskrivelse»" in ticket.description
    assert "PCer: «PCer»" in ticket.description
    assert ticket.say[-1] == "Saken gjelder et fagsystem med kritikalitet 1: DIPS."


def test_template_placeholders(proc, library, repo):
    ticket = fill(proc, library, repo)
    assert ticket.subject == "«navn på applikasjonen» OK skal hjelpe"
    assert ("Hvilke kompetanse trenges for å løse saken? «teknisk service = uteservice, "
            "kliniske fellesapplikasjoner eller servergruppe»") in ticket.description


def test_draft_trace_line_says_so(project):
    project_ = Project(project)
    library = read_library(project_.procedures)
    proc = library.get("D29653").model_copy(update={"status": "draft"})
    ticket = fill(proc, library, project_)
    assert ticket.description.endswith("revisjon 6.00 (utkast, ikke godkjent).")


# ---------------------------------------------------------------- patterns


def test_parse_pattern():
    assert parse_pattern("{application} OK skal hjelpe") == (
        ("field", "application"), ("text", " OK skal hjelpe"))
    assert parse_pattern("a {{b}} c") == (("text", "a {b} c"),)
    for broken in ("{a:>5}", "{a!r}", "{a", "a}"):
        with pytest.raises(PatternError):
            parse_pattern(broken)


def test_composer_data_is_json_and_shares_the_patterns(proc, library, repo):
    import json

    data = json.loads(json.dumps(composer_data(proc, library, repo)))
    assert data["subject"] == [["field", "application"], ["text", " OK skal hjelpe"]]
    assert data["description"][0] == [["text", FIRST_LINE]]
    assert data["description"][-1] == [["text", TRACE]]
    app = next(f for f in data["fields"] if f["key"] == "application")
    assert app["choices"] == [{"value": key, "text": library.applications[key].name}
                              for key in proc.applications]
    assert data["builtins"] == {"case_number": "«saksnummer»"}


# ---------------------------------------------------------------- the command line


def test_cli_template(run):
    result = run("ticket", "D29653")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Emne:\n«navn på applikasjonen» OK skal hjelpe\n\nSaksbeskrivelse:\n"
                          f"{FIRST_LINE}\n")
    assert f"\n{TRACE}\n\nRing Brukerstøtte etter at saken er meldt via Min Sykehuspartner, " \
           "og si:\n- Saken er meldt via Min Sykehuspartner. Saksnummer: «saksnummer».\n" in out
    assert out.endswith("- Saken gjelder et fagsystem med kritikalitet 1: "
                        "«navn på applikasjonen».\n")


def test_cli_application_only_gives_a_template_for_it(run):
    result = run("ticket", "D29653", "--application", "Prosang")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Emne:\nProsang OK skal hjelpe\n")
    assert "Avdeling: «Avdeling»" in result.stdout


def options(values: dict[str, str]) -> list[str]:
    return [item for key, value in values.items()
            for item in ("--" + key.replace("_", "-"), value)]


def test_cli_filled_ticket_is_the_same_as_fill(run, proc, library, repo):
    expected = fill(proc, library, repo, {**VALUES, "case_number": "77"})
    for part, text in (("subject", expected.subject + "\n"),
                       ("description", expected.description + "\n"),
                       ("phone", "".join(line + "\n" for line in expected.say))):
        result = run("ticket", "D29653", *options({**VALUES, "case_number": "77"}),
                     "--part", part)
        assert result.exit_code == 0, result.output
        assert result.stdout == text


def test_cli_accepts_names_prefixes_and_equals(run):
    result = run("ticket", "D29653", "--application=unilab", "--error", "x", "--department",
                 "d", "--users", "u", "--competence", "Teknisk", "--contact-name", "K",
                 "--contact-mobile=41234567", "--part", "description")
    assert result.exit_code == 0, result.output
    assert "Hvilke kompetanse trenges for å løse saken? teknisk service = uteservice\n" \
        in result.stdout


def test_cli_refuses_an_incomplete_ticket(run):
    result = run("ticket", "D29653", "--application", "unilab", "--error", "x",
                 "--contact-mobile", "38 07 30 00")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "--department (Avdeling) is required" in result.stderr
    assert "'38 07 30 00' is not a Norwegian mobile number" in result.stderr


def test_cli_unknown_option_lists_the_fields(run):
    result = run("ticket", "D29653", "--feil", "x")
    assert result.exit_code == 2
    assert "no such option: --feil" in result.stderr and "--contact-mobile" in result.stderr


def test_cli_lists_fields(run):
    result = run("ticket", "D29653", "--fields")
    assert result.exit_code == 0
    assert "--contact-mobile   Mobiltelefonnummer (required, Norwegian mobile number)" \
        in result.stdout
    assert "unilab (Unilab)" in result.stdout and "servergruppe" in result.stdout


def test_cli_refuses_obsolete_procedure(run, seed_file):
    edit(seed_file, "status: approved", "status: obsolete")
    result = run("ticket", "D29653")
    assert result.exit_code == 1 and "obsolete" in result.stderr


def test_cli_procedure_without_ticket(run, seed_file):
    text = seed_file.read_text(encoding="utf-8")
    start, end = text.index("\nticket:\n"), text.index("\ncard:\n")
    seed_file.write_text(text[:start] + text[end:], encoding="utf-8")
    fp = run("fingerprint", "D29653").stdout.strip()
    edit(seed_file, re.search(r"sha256:\w+", text).group(0), fp)
    result = run("ticket", "D29653")
    assert result.exit_code == 1 and "D29653 defines no ticket" in result.stderr


# ---------------------------------------------------------------- checking the definition


def ticket_errors(project: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_library(project / "procedure")
    return [p.format() for p in caught.value.problems.errors
            if "changed without a new revision" not in p.message]


def test_check_broken_placeholder(project, seed_file):
    edit(seed_file, '"Avdeling: {department}"', '"Avdeling: {department"')
    found = ticket_errors(project)
    assert any("ticket.description[2]: broken placeholder in 'Avdeling: {department'" in m
               for m in found), found


def test_check_placeholder_with_format(project, seed_file):
    edit(seed_file, '"Avdeling: {department}"', '"Avdeling: {department:>20}"')
    found = ticket_errors(project)
    assert any("ticket.description[2]" in m and "has a format" in m for m in found), found


def test_check_case_number_only_in_phone_script(project, seed_file):
    edit(seed_file, '"Avdeling: {department}"', '"Avdeling: {department} {case_number}"')
    found = ticket_errors(project)
    assert any("ticket.description[2]: '{case_number}' is only known after" in m
               for m in found), found


def test_check_field_named_like_a_builtin(project, seed_file):
    edit(seed_file, "    - key: department\n", "    - key: case_number\n")
    edit(seed_file, "{department}", "{case_number}")
    found = ticket_errors(project)
    assert any("ticket.fields[2].key: 'case_number' is a built-in placeholder" in m
               for m in found), found


def test_check_unused_field(project, seed_file):
    edit(seed_file, '    - "Servere: {servers}"\n', "")
    found = ticket_errors(project)
    assert any("ticket.fields[5].key: ticket field 'servers' is not used" in m
               for m in found), found


def test_check_multiline_field_in_subject(project, seed_file):
    edit(seed_file, 'subject: "{application} OK skal hjelpe"',
         'subject: "{application} {error} OK skal hjelpe"')
    found = ticket_errors(project)
    assert any("ticket.subject: field 'error' has several lines" in m for m in found), found


def test_check_optional_field_in_subject(project, seed_file):
    edit(seed_file, 'subject: "{application} OK skal hjelpe"',
         'subject: "{application} {pcs} OK skal hjelpe"')
    found = ticket_errors(project)
    assert any("ticket.subject: the subject uses '{pcs}', which is optional" in m
               for m in found), found


def test_check_duplicate_field(project, seed_file):
    edit(seed_file, "    - key: servers\n", "    - key: pcs\n")
    edit(seed_file, "{servers}", "{pcs}")
    found = ticket_errors(project)
    assert any("ticket.fields[5].key: ticket field 'pcs' is defined twice" in m
               for m in found), found


def test_check_duplicate_choices(project, seed_file):
    edit(seed_file, "        - servergruppe\n", "        - servergruppe\n        - servergruppe\n")
    found = ticket_errors(project)
    assert any("ticket.fields[6]: the choices of a field must differ" in m for m in found), found


def test_check_multiline_only_for_text(project, seed_file):
    edit(seed_file, "      kind: mobile\n", "      kind: mobile\n      multiline: true\n")
    found = ticket_errors(project)
    assert any("ticket.fields[8]: only fields of kind 'text' can be multiline" in m
               for m in found), found


def test_check_choices_only_for_choice_fields(project, seed_file):
    edit(seed_file, "      label: Avdeling\n", "      label: Avdeling\n      choices: [A, B]\n")
    found = ticket_errors(project)
    assert any("ticket.fields[2]: choices are only for kind 'choice'" in m for m in found), found


def test_check_unknown_field_in_phone_script(project, seed_file):
    edit(seed_file, "Saksnummer: {case_number}.", "Saksnummer: {saksnummer}.")
    found = ticket_errors(project)
    assert any("ticket.phone.say[0]: unknown field '{saksnummer}'" in m for m in found), found


def test_check_reports_through_the_cli(run, seed_file):
    edit(seed_file, '"Avdeling: {department}"', '"Avdeling: {avdeling}"')
    result = run("check")
    assert result.exit_code == 1
    assert "ticket.description[2]: unknown field '{avdeling}'" in result.stderr


def test_cli_whole_ticket_exactly(run, proc, library, repo):
    result = run("ticket", "D29653", *options({**VALUES, "case_number": "CS1"}))
    assert result.exit_code == 0, result.output
    ticket = fill(proc, library, repo, {**VALUES, "case_number": "CS1"})
    assert result.stdout == (
        f"Emne:\n{ticket.subject}\n\nSaksbeskrivelse:\n{ticket.description}\n\n"
        "Ring Brukerstøtte etter at saken er meldt via Min Sykehuspartner, og si:\n"
        "- Saken er meldt via Min Sykehuspartner. Saksnummer: CS1.\n"
        "- Saken skal distribueres via OK.\n"
        "- Saken gjelder et fagsystem med kritikalitet 1: Unilab.\n"
    )


def test_cli_warns_about_a_draft(run, seed_file):
    run_result = run("draft", "D29653")
    assert run_result.exit_code == 0, run_result.output
    result = run("ticket", "D29653", "--part", "description")
    assert result.exit_code == 0, result.output
    assert "warning: D29653 revision 7.00 is a draft, not approved" in result.stderr
    assert result.stdout.endswith("revisjon 7.00 (utkast, ikke godkjent).\n")


def test_layout_template_may_not_invent_fields(project):
    layout = project / "templates" / "ticket" / "description.txt.j2"
    edit(layout, "Meldt etter prosedyre", "{hvem} meldte etter prosedyre")
    proj = Project(project)
    library = read_library(proj.procedures)
    with pytest.raises(SopkitError, match=r"uses unknown fields: \{hvem\}"):
        fill(library.get("D29653"), library, proj)
