"""Authors choose what goes on a wall card, and check says what keeps a card off the wall.

The long fixture procedure D31044 (21 steps, 9 sub-steps) gets its card by
``card.steps``; without it the card does not fit, and ``check`` says by how much.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from cardtools import text_of
from conftest import PROCEDURES, edit, line_of
from sopkit.outputs.card.cache import render_card
from sopkit.source.library import read_library
from sopkit.source.project import Project

LONG = "D31044-nedetid-unilab.yml"


@pytest.fixture
def long_file(project: Path, run: Callable[..., Result]) -> Path:
    """D31044 as a draft of its next revision, so that its text may change."""
    assert run("draft", "D31044").exit_code == 0
    return project / "procedure" / "documents" / LONG


def with_numbers(pdf: bytes) -> str:
    """The card's text with its list numbers (pdfminer reads the list markers too)."""
    from pdfminer.high_level import extract_text

    return " ".join(extract_text(io.BytesIO(pdf)).split())


def card_pdf(project: Path, doc_id: str, size: str = "A5") -> bytes:
    proj = Project(project)
    library = read_library(proj.procedures)
    return render_card(library.get(doc_id), library, proj, size)


def test_the_long_procedure_gets_the_steps_it_chooses_with_their_numbers(project):
    data = yaml.safe_load((PROCEDURES / "documents" / LONG).read_text(encoding="utf-8"))
    steps = [step for section in data["sections"] for block in section["body"]
             if isinstance(block, dict) for step in block.get("steps", [])]
    assert len(steps) == 21 and sum(len(s.get("steps", [])) for s in steps) == 9
    chosen = data["card"]["steps"]
    text = with_numbers(card_pdf(project, "D31044"))
    for number, step in enumerate(steps, start=1):
        wording = " ".join(step.get("card", step["text"]).split())
        if step["id"] in chosen:  # numbered as on the page: 1, 2, 4, 8, ... (a role or
            # condition may stand between the number and the wording)
            assert re.search(rf"\b{number}\. .{{0,60}}?{re.escape(wording)}", text), number
        else:
            assert wording not in text, wording
    for step in steps:  # card.substeps: false
        for sub in step.get("steps", []):
            assert sub["text"] not in text, sub["text"]


def test_without_card_steps_the_overflow_is_stated_in_percent(project, long_file, run):
    edit(long_file, "  steps: [confirm-down, report, start-paper, urgent-first, instruments, "
         "back-up, backfill]\n", "")
    result = run("check")
    assert result.exit_code == 1
    line = 1 + long_file.read_text(encoding="utf-8").splitlines().index("card:")
    message = re.search(rf"{LONG}:{line}:1: card: the wall card does not fit on one A5 page: "
                        r"with body text at the minimum 12 pt it needs (\d+) % less height",
                        result.stderr)
    assert message, result.stderr
    assert 10 <= int(message.group(1)) <= 90
    hint = result.stderr[message.end():].split("\n")[1]
    assert "card.steps" in hint and re.search(r"longest steps \([a-z-]+, [a-z-]+, [a-z-]+\)",
                                              hint), hint


def test_card_false_leaves_a_step_off(project, long_file):
    edit(long_file, "          - id: report\n            text:",
         "          - id: report\n            card: false\n            text:")
    edit(long_file, "[confirm-down, report, start-paper", "[confirm-down, start-paper")
    text = with_numbers(card_pdf(project, "D31044"))
    assert "Meld hastesaken til Sykehuspartner" not in text
    assert "1. Bekreft at Unilab er nede" in text and "4. (Vaktansvarlig" in text  # numbers kept


def test_sub_steps_come_with_their_step_unless_the_card_says_no(project, long_file):
    edit(long_file, "[confirm-down, report, start-paper, urgent-first, instruments, back-up, "
         "backfill]", "[confirm-down, report, forms]")
    edit(long_file, "  substeps: false\n", "")
    edit(long_file, "mandated_phrases: [lokal modus, Etterregistrer alle prøver, "
         "fødselsnummeret høyt]", "mandated_phrases: []")
    text = with_numbers(card_pdf(project, "D31044"))
    after = text[text.index("5. Hent reserveskjemaene"):]  # lettered, as on the page
    assert re.match(r"5\. Hent reserveskjemaene fra permen i prøvemottaket\. a\. b\. "
                    r"Rekvisisjonsskjema for analyser\. Logg for mottatte prøver\.", after), after


@pytest.mark.parametrize(("listed", "message"), [
    ("[confirm-down, nope]", "card.steps[1]: no top-level step has the id 'nope'"),
    ("[confirm-down, forms-log]", "card.steps[1]: 'forms-log' is a sub-step"),
    ("[confirm-down, confirm-down]", "card.steps[1]: step 'confirm-down' is listed twice"),
])
def test_card_steps_name_top_level_steps_once(project, long_file, run, listed, message):
    edit(long_file, "[confirm-down, report, start-paper, urgent-first, instruments, back-up, "
         "backfill]", listed)
    result = run("check")
    assert result.exit_code == 1
    line = line_of(long_file, "  steps: [confirm-down")
    assert f"{LONG}:{line}:" in result.stderr and message in result.stderr, result.stderr


def test_a_step_cannot_be_both_listed_and_left_off(project, long_file, run):
    edit(long_file, "          - id: report\n            text:",
         "          - id: report\n            card: false\n            text:")
    result = run("check")
    assert result.exit_code == 1
    assert "card.steps[1]: step 'report' says 'card: false' but card.steps lists it" \
        in result.stderr


def test_a_card_without_a_step_is_refused(project, long_file, run):
    edit(long_file, "[confirm-down, report, start-paper, urgent-first, instruments, back-up, "
         "backfill]", "[]")
    result = run("check")
    assert result.exit_code == 1 and "card: the wall card would show no step" in result.stderr


# ---------------------------------------------------------------- the contact line


def test_a_card_contact_without_a_number_is_a_warning_on_its_line(project, seed_file, run):
    result = run("check")
    assert result.exit_code == 0
    line = line_of(seed_file, "  contact: Brukerstøtte")
    assert (f"{seed_file.name}:{line}:3: card.contact: warning: the wall card gives no phone "
            "number for 'Brukerstøtte'") in result.stderr
    assert "D31044" not in result.stderr  # its contact is in a contacts block, with a number


def test_the_phone_script_can_give_the_number(project, seed_file, run):
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "    call: Brukerstøtte\n", "    call: Brukerstøtte\n    number: 38 14 20 00\n")
    assert "card.contact" not in run("check").stderr
    text = text_of(card_pdf(project, "D29653"))
    assert "Brukerstøtte Telefon 38 14 20 00" in text


def test_a_contacts_entry_gives_the_number(project):
    text = text_of(card_pdf(project, "D31044"))
    contact = text[text.index("Kontakt"):]  # the contacts entry with the card's role
    assert contact.startswith("Kontakt Brukerstøtte Sykehuspartner")
    assert "Sentralbordet" in contact and "Telefon 38 07 45 10" in contact


# ---------------------------------------------------------------- hints for mandated phrases


def test_a_phrase_in_a_step_left_off_the_card_says_so(project, long_file, run):
    edit(long_file, "[confirm-down, report, start-paper, urgent-first, instruments, back-up, "
         "backfill]", "[confirm-down, report, start-paper, urgent-first, back-up, backfill]")
    result = run("check")
    assert result.exit_code == 1
    assert "the wall card lacks the mandated phrase 'lokal modus'" in result.stderr
    assert "card.steps leaves it out" in result.stderr, result.stderr


def test_a_phrase_in_an_important_block_says_where_to_put_it(project, long_file, run):
    edit(long_file, "mandated_phrases: [lokal modus,",
         "mandated_phrases: [hele prosedyren, lokal modus,")
    result = run("check")
    assert result.exit_code == 1
    assert "the wall card lacks the mandated phrase 'hele prosedyren'" in result.stderr
    hint = result.stderr[result.stderr.index("'hele prosedyren'"):].split("\n")[1]
    assert "important" in hint and "outside the steps" in hint, hint


def test_steps_in_a_second_list_keep_the_numbers_the_page_gives_them(project, seed_file, run):
    """The page numbers each list of steps from 1; so does the card."""
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "          - id: description\n",
         "      - Deretter fortsetter du slik.\n      - steps:\n          - id: description\n")
    text = with_numbers(card_pdf(project, "D29653"))
    assert re.search(r"\b1\. Meld saken i Min Sykehuspartner", text)
    assert re.search(r"\b1\. Beskriv feilen", text)  # the first of the second list
    assert re.search(r"\b4\. Ring Brukerstøtte", text)
