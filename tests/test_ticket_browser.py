"""The ticket on the built site, in Chromium: copy buttons, the composer, axe-core.

The site is the real build of a copy of the project (``built_project``), opened
from file:// as from a file share with no network.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import WCAG_TAGS
from sopkit.cli import cli
from sopkit.source.project import Project
from test_ticket import VALUES

pytestmark = pytest.mark.browser

MOBILE_MESSAGE = ("Skriv et norsk mobilnummer: 8 siffer som begynner med 4 eller 9. "
                  "Du kan skrive +47 foran.")

CASES = [
    {**VALUES, "case_number": "CS0123456"},
    {
        "application": "dips",
        "error": "  <b>Feil</b> & «{pcs}» {{x}}\n\n  innrykk og tom linje \n",
        "department": "Blodbanken ",
        "users": "5 brukere",
        "pcs": "LAB-PC-01, LAB-PC-02",
        "servers": "srv-unilab-01",
        "competence": "teknisk service = uteservice",
        "contact_name": "Ola Ø. Åsen",
        "contact_mobile": "0047 41 23 45 67",
        "case_number": "",
    },
]


@pytest.fixture(scope="module")
def site_project(built_project: Path) -> Project:
    return Project(built_project)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def url(project: Project, path: str) -> str:
    return (project.site / path).as_uri()


def cli_ticket(project: Project, values: dict[str, str], part: str) -> str:
    args = [item for key, value in values.items()
            for item in ("--" + key.replace("_", "-"), value)]
    result = CliRunner().invoke(cli, ["--project", str(project.root), "ticket", "D29653",
                                      *args, "--part", part])
    assert result.exit_code == 0, result.output
    return result.stdout


def fill_form(page, values: dict[str, str]) -> None:
    page.select_option("#sopkit-application", values["application"])
    for key in ("error", "department", "users", "pcs", "servers", "contact_name",
                "contact_mobile"):
        page.fill(f"[name='{key}']", values[key])
    page.check(f"input[name='competence'][value='{values['competence']}']")


def axe_violations(page, context: object = None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # Material's header fades its title in and out on scrolling: judge the settled page.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    results = Axe().run(page, context=context,
                        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]]


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


# ---------------------------------------------------------------- the procedure page


def test_procedure_page_template_has_copy_buttons(site_project, page):
    page.goto(url(site_project, "dokumenter/D29653.html"))
    blocks = page.locator("pre.sopkit-template")
    assert blocks.count() == 2
    subject, description = (blocks.nth(i).locator("code").inner_text() for i in (0, 1))
    assert subject == "«navn på applikasjonen» OK skal hjelpe"
    assert description.startswith("Saken skal distribueres av OK.\n")
    assert cli_ticket(site_project, {}, "description") == description + "\n"
    for index, text in ((0, subject), (1, description)):
        button = blocks.nth(index).locator("button.md-code__button[data-md-type='copy']")
        assert button.count() == 1 and button.get_attribute("title")
        button.click()
        assert page.evaluate("navigator.clipboard.readText()") == text
    link = page.locator(".sopkit-ticket a.md-button")
    assert link.get_attribute("href") == "../saksmelding/D29653.html"
    link.click()
    assert page.url.endswith("/saksmelding/D29653.html")


def test_procedure_page_ticket_block_is_accessible(site_project, page):
    page.goto(url(site_project, "dokumenter/D29653.html"))
    scope = {"include": [[".sopkit-ticket"], [".sopkit-template"]]}
    assert axe_violations(page, scope) == []


# ---------------------------------------------------------------- the composer


@pytest.mark.parametrize("values", CASES, ids=["unilab", "dips-special-characters"])
def test_composer_refuses_errors_then_matches_the_cli(site_project, page, values):
    page.goto(url(site_project, "saksmelding/D29653.html"))
    fill_form(page, {**values, "department": "", "contact_mobile": "1234 5678"})
    page.click("button[type=submit]")

    # Refused: a summary that takes the focus, and a message next to each field.
    assert page.locator("#sopkit-summary").is_visible()
    assert focused_id(page) == "sopkit-summary"
    assert page.locator("#sopkit-summary-list li").all_inner_texts() == [
        "Avdeling: Fyll ut feltet.", f"Mobiltelefonnummer: {MOBILE_MESSAGE}"]
    mobile = page.locator("#sopkit-contact-mobile")
    message = page.locator("#sopkit-contact-mobile-msg")
    assert message.is_visible()
    assert message.text_content() == "Feil: " + MOBILE_MESSAGE
    prefix = message.locator(".sopkit-visually-hidden").bounding_box()  # for screen readers
    assert prefix is not None and prefix["width"] <= 1 and prefix["height"] <= 1
    assert mobile.get_attribute("aria-invalid") == "true"
    assert mobile.get_attribute("aria-describedby").split() == [
        "sopkit-contact-mobile-msg", "sopkit-contact-mobile-help"]
    assert page.locator("#sopkit-department-msg").text_content() == "Feil: Fyll ut feltet."
    assert page.locator("#sopkit-department").get_attribute("aria-invalid") == "true"
    assert page.locator("#sopkit-error").get_attribute("aria-invalid") is None
    assert not page.locator("#sopkit-result").is_visible()

    # The summary's link takes you to the field.
    page.click("#sopkit-summary-list a >> nth=0")
    assert focused_id(page) == "sopkit-department"

    page.fill("#sopkit-department", values["department"])
    page.fill("#sopkit-contact-mobile", values["contact_mobile"])
    page.click("button[type=submit]")
    assert page.locator("#sopkit-result").is_visible()
    assert focused_id(page) == "sopkit-result-title"
    assert not page.locator("#sopkit-summary").is_visible()
    assert not message.is_visible() and mobile.get_attribute("aria-invalid") is None
    assert mobile.get_attribute("aria-describedby") == "sopkit-contact-mobile-help"

    subject = page.locator("#sopkit-out-subject").text_content()
    description = page.locator("#sopkit-out-description").text_content()
    fields = {k: v for k, v in values.items() if k != "case_number"}
    assert subject + "\n" == cli_ticket(site_project, fields, "subject")
    assert description + "\n" == cli_ticket(site_project, fields, "description")
    assert description.split("\n")[0] == "Saken skal distribueres av OK."
    assert description.split("\n")[-1] == "Meldt etter prosedyre D29653, revisjon 6.00."

    page.fill("#sopkit-case-number", values["case_number"])
    said = page.locator("#sopkit-out-phone li").all_text_contents()
    assert "".join(line + "\n" for line in said) == cli_ticket(site_project, values, "phone")


def test_composer_copy_buttons(site_project, page):
    page.goto(url(site_project, "saksmelding/D29653.html"))
    fill_form(page, CASES[0])
    page.click("button[type=submit]")
    for name, target, said in (("Kopier emnet", "sopkit-out-subject", "Emnet er kopiert."),
                               ("Kopier saksbeskrivelsen", "sopkit-out-description",
                                "Saksbeskrivelsen er kopiert.")):
        page.get_by_role("button", name=name).click()
        expected = page.locator(f"#{target}").text_content()
        assert page.evaluate("navigator.clipboard.readText()") == expected
        page.wait_for_function(
            "text => document.getElementById('sopkit-status').textContent === text", arg=said)


def test_composer_change_hides_the_old_ticket(site_project, page):
    page.goto(url(site_project, "saksmelding/D29653.html"))
    fill_form(page, CASES[0])
    page.click("button[type=submit]")
    assert page.locator("#sopkit-result").is_visible()
    page.fill("#sopkit-users", "Halve laben")
    assert not page.locator("#sopkit-result").is_visible()
    page.wait_for_function("document.getElementById('sopkit-status').textContent"
                           ".startsWith('Du har endret skjemaet.')")


def test_composer_with_the_keyboard_alone(site_project, page):
    page.goto(url(site_project, "saksmelding/D29653.html"))
    values = CASES[0]
    page.focus("#sopkit-application")  # e.g. reached by Tab from the page's start
    keys = page.keyboard
    keys.type("Unilab")  # type-ahead in the closed list
    assert page.input_value("#sopkit-application") == "unilab"
    order = ["error", "department", "users", "pcs", "servers"]
    for key in order:
        keys.press("Tab")
        assert page.evaluate("document.activeElement.name") == key
        if key == "error":
            keys.type("Unilab svarer ikke.")
            keys.press("Enter")
            keys.type("Prøvesvar blir ikke overført.")
        else:
            keys.type(values[key])
    keys.press("Tab")
    assert focused_id(page) == "sopkit-competence-1"
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    assert page.is_checked("#sopkit-competence-3")
    keys.press("Tab")
    keys.type(values["contact_name"])
    keys.press("Tab")
    keys.type("9123")  # too short
    keys.press("Enter")  # submits the form
    assert focused_id(page) == "sopkit-summary"
    assert page.locator("#sopkit-summary-list li").all_inner_texts() == [
        f"Mobiltelefonnummer: {MOBILE_MESSAGE}"]
    keys.press("Tab")  # the summary's link
    keys.press("Enter")
    assert focused_id(page) == "sopkit-contact-mobile"
    keys.type("4567")
    keys.press("Tab")  # leaving the field re-checks it
    assert page.locator("#sopkit-contact-mobile").get_attribute("aria-invalid") is None
    assert page.evaluate("document.activeElement.type") == "submit"
    keys.press("Enter")
    assert focused_id(page) == "sopkit-result-title"
    expected = {**values, "contact_mobile": "91234567"}
    del expected["case_number"]
    assert page.locator("#sopkit-out-description").text_content() + "\n" \
        == cli_ticket(site_project, expected, "description")
    keys.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Kopier emnet"


def test_composer_speaks_to_screen_readers(site_project, page):
    """Accessible names, descriptions and states as assistive technology gets them."""
    from playwright.sync_api import expect

    page.goto(url(site_project, "saksmelding/D29653.html"))
    mobile = page.get_by_role("textbox", name="Mobiltelefonnummer")
    expect(mobile).to_have_accessible_description("8 siffer, eventuelt med +47 foran.")
    expect(page.get_by_role("combobox", name="Applikasjon")).to_be_visible()
    expect(page.get_by_role("textbox", name="Feilbeskrivelse")).to_have_attribute("required", "")
    expect(page.get_by_role("textbox", name="PCer (valgfritt)")).not_to_have_attribute(
        "required", "")
    group = page.get_by_role("group", name="Hvilke kompetanse trenges for å løse saken?")
    expect(group.get_by_role("radio")).to_have_count(3)
    expect(group.get_by_role("radio", name="servergruppe")).to_be_visible()

    mobile.fill("22 33 44 55")
    page.get_by_role("button", name="Lag saken").click()
    alert = page.locator("#sopkit-summary [role='alert']")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Saken er ikke klar ennå")
    expect(mobile).to_have_accessible_description(
        f"Feil: {MOBILE_MESSAGE} 8 siffer, eventuelt med +47 foran.")
    expect(mobile).to_have_attribute("aria-invalid", "true")
    radio = group.get_by_role("radio", name="servergruppe")
    expect(radio).to_have_accessible_description("Feil: Velg ett av alternativene.")
    radio.check()
    expect(radio).not_to_have_attribute("aria-invalid", "true")
    expect(radio).to_have_accessible_description("")


def test_composer_is_accessible_empty_with_errors_and_done(site_project, page):
    page.goto(url(site_project, "saksmelding/D29653.html"))
    assert axe_violations(page) == []
    page.click("button[type=submit]")
    assert page.locator(".sopkit-message:visible").count() == 7
    assert ("Hvilke kompetanse trenges for å løse saken? Velg ett av alternativene."
            in page.locator("#sopkit-summary-list li").all_inner_texts())
    assert axe_violations(page) == []
    fill_form(page, {**CASES[0], "contact_mobile": "12"})
    page.click("button[type=submit]")
    assert page.locator(".sopkit-message:visible").count() == 1
    assert axe_violations(page) == []
    page.fill("#sopkit-contact-mobile", CASES[0]["contact_mobile"])
    page.click("button[type=submit]")
    assert page.locator("#sopkit-result").is_visible()
    assert axe_violations(page) == []


def test_composer_needs_no_network(site_project, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url(site_project, "saksmelding/D29653.html"))
    page.wait_for_load_state("load")
    own = [u for u in requested if "composer" in u]
    assert {u.rsplit("/", 1)[-1] for u in own} == {"composer.js", "composer.css"}
    assert all(u.startswith("file://") for u in own)
    assert [u for u in requested if not u.startswith(("file://", "data:"))] == []
