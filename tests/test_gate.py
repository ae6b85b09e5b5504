"""One gate for every output: check and approve run the rules build applies."""

from __future__ import annotations

import pytest

from conftest import edit, line_of

pytestmark = pytest.mark.usefixtures("fixed_today")

CARD_WORDING = 'card: "Ring Brukerstøtte og oppgi saksnummer.'


def test_check_refuses_card_wording_that_drops_a_mandated_phrase(run, seed_file):
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, CARD_WORDING, 'card: "Ring IT og oppgi saksnummer.')
    result = run("check")
    assert result.exit_code == 1
    line = line_of(seed_file, "  - Ring Brukerstøtte")  # in mandated_phrases
    assert (f"{seed_file.name}:{line}:5: mandated_phrases[12]: the wall card lacks the "
            "mandated phrase 'Ring Brukerstøtte'") in result.output
    assert ("hint: the phrase is in sections[3].body[0].steps[6].text, but the step's card "
            "wording (sections[3].body[0].steps[6].card) leaves it out") in result.output


def test_approve_refuses_before_recording_anything(run, seed_file):
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, CARD_WORDING, 'card: "Ring IT og oppgi saksnummer.')
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--note", "Ring IT")
    assert result.exit_code == 1
    assert "mandated_phrases[12]: the wall card lacks the mandated phrase" in result.output
    assert seed_file.read_bytes() == before


def test_the_hint_names_the_block_where_the_phrase_is(run, seed_file):
    """A mandated phrase only in an 'important:' block: the card does not show that."""
    assert run("draft", "D29653").exit_code == 0
    text = seed_file.read_text(encoding="utf-8")
    text = text.replace("mandated_phrases:\n", "mandated_phrases:\n  - Husk prøvenummeret\n")
    text = text.replace("  - kind: procedure\n    body:\n",
                        "  - kind: procedure\n    body:\n"
                        "      - important: Husk prøvenummeret når du ringer.\n", 1)
    seed_file.write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "the wall card lacks the mandated phrase 'Husk prøvenummeret'" in result.output
    assert ("hint: the phrase is in sections[3].body[0].important, an 'important' block "
            "outside the steps") in result.output
    assert "card wording" in result.output  # where to put it instead


def test_check_refuses_a_card_that_does_not_fit(run, seed_file):
    assert run("draft", "D29653").exit_code == 0
    long = " ".join(["Les hele feilmeldingen nøye og noter den."] * 40)
    edit(seed_file, "card: Meld saken i Min Sykehuspartner.",
         f"card: Meld saken i Min Sykehuspartner. {long}")
    result = run("check")
    assert result.exit_code == 1
    line = seed_file.read_text(encoding="utf-8").splitlines().index("card:") + 1
    assert f"{seed_file.name}:{line}:1: card: the wall card does not fit on one A" in result.output


def test_what_approve_lets_through_makes_its_outputs(run, project, seed_file, tmp_path):
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, CARD_WORDING, 'card: "Ring Brukerstøtte straks og oppgi saksnummer.')
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--note", "Straks")
    assert result.exit_code == 0, result.output
    assert run("check").exit_code == 0
    for size in ("A4", "A5"):
        assert run("card", "D29653", "--size", size, "-o", str(tmp_path / size)).exit_code == 0
    assert run("ticket", "D29653").exit_code == 0


def test_approve_refuses_a_text_whose_archival_pdf_cannot_be_made(run, project, seed_file):
    edit(project / "templates" / "pdf" / "archival.html.j2", "{{ rev.revision }}",
         "{{ rev.revisjon }}")
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--revision", "6.01")
    assert result.exit_code == 1
    assert "templates/pdf/archival.html.j2:" in result.output  # a template's mistake
    assert "'revisjon'" in result.output
    assert seed_file.read_bytes() == before


def test_check_locates_a_card_that_loses_steps(run, project, seed_file):
    """Found by reading the card's PDF back, reported at the file, not as a crash."""
    css = project / "templates" / "card" / "card.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.steps { display: none; }\n",
                   encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert (f"{seed_file.name}:3:1: card A4: missing step 'register-case'" in result.output
            or f"{seed_file.name}:3:1: card A5: missing step 'register-case'" in result.output)
    assert "Traceback" not in result.output


def test_approve_refuses_a_text_its_archival_pdf_would_lose(run, project, seed_file):
    """The build checks the archival PDF; approve checks it first, nothing is recorded."""
    edit(project / "templates" / "pdf" / "archival.html.j2", "{{ steps(b.steps) }}", "")
    before = seed_file.read_bytes()
    result = run("approve", "D29653", "--by", "Kari Nordmann", "--revision", "6.01")
    assert result.exit_code == 1
    assert "the archival PDF lacks step 'register-case'" in result.output
    assert seed_file.read_bytes() == before
