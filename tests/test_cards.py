"""Wall cards: the seed's cards rendered for real and read back from the PDF."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from click.testing import Result

from cardtools import (
    PAPER,
    barcodes,
    fonts_of,
    reader,
    text_of,
    text_sizes,
    weasyprint_messages,
)
from conftest import REPO, edit
from sopkit.outputs.card import cache as cards
from sopkit.outputs.card.cache import SIZES, render_card
from sopkit.outputs.card.content import build_card, card_document, card_html
from sopkit.outputs.pdf import FONT_FAMILY
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library, read_library
from sopkit.source.model import Procedure
from sopkit.source.project import Project
from sopkit.source.text import normalize, plain

PRINTED = dt.date(2026, 11, 25)
SITE = "https://kvalitet.sshf.example/handbok/"
MIN_BODY_PT = {"A4": 16, "A5": 12}


@pytest.fixture(scope="module")
def seed(handbook: Path) -> tuple[Project, Library, Procedure]:
    project = Project(handbook)
    library = read_library(project.procedures, on=PRINTED)
    return project, library, library.get("D29653")


@pytest.fixture(scope="module")
def rendered(seed: tuple[Project, Library, Procedure]) -> tuple[dict[str, bytes], list[str]]:
    """The seed's cards in both sizes, and what WeasyPrint logged meanwhile."""
    project, library, proc = seed
    cards._RENDERERS.clear()  # a fresh renderer: first-use messages count too
    with weasyprint_messages() as messages:
        pdfs = {size: render_card(proc, library, project, size) for size in SIZES}
    return pdfs, messages


@pytest.fixture(params=SIZES)
def size(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def pdf(rendered: tuple[dict[str, bytes], list[str]], size: str) -> bytes:
    return rendered[0][size]


def site_url() -> str:
    """Read independently of sopkit.outputs.site.config: the example mkdocs.yml is plain YAML."""
    from sopkit.outputs.site.config import read_config  # mkdocs.yml has Python tags

    return str(read_config(REPO / "mkdocs.yml")["site_url"])


# ---------------------------------------------------------------- the seed's cards


def test_no_weasyprint_messages(rendered: tuple[dict[str, bytes], list[str]]) -> None:
    assert rendered[1] == []


def test_exactly_one_page_of_the_paper_size(pdf: bytes, size: str) -> None:
    (page,) = reader(pdf).pages
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (width, height) == pytest.approx(PAPER[size], abs=0.5)


def test_every_mandated_phrase_and_step(pdf: bytes, seed: tuple[Project, Library, Procedure]
                                        ) -> None:
    _, _, proc = seed
    text = text_of(pdf)
    assert proc.mandated_phrases
    for phrase in proc.mandated_phrases:
        assert normalize(phrase) in text
    steps = list(proc.steps())
    assert len(steps) == 7
    for step in steps:
        assert plain(step.card or step.text) in text


def test_title_use_ticket_and_contact(pdf: bytes, seed: tuple[Project, Library, Procedure]
                                      ) -> None:
    _, _, proc = seed
    assert proc.card is not None and proc.ticket is not None
    text = text_of(pdf)
    assert normalize(proc.title) in text
    assert plain(proc.card.when) in text
    assert "Emne: [Applikasjon] OK skal hjelpe" in text  # subject: {application} OK skal hjelpe
    assert f"Første setning: {proc.ticket.first_sentence}" in text
    assert "Kontakt Brukerstøtte" in text


def test_document_control_footer(pdf: bytes) -> None:
    text = text_of(pdf)
    for fact in ("DokumentID: D29653", "Revisjon: 6.00", "Godkjent dato: 07.12.2022",
                 "Gyldig til: 07.12.2024", "Utskrift er ukontrollert kopi.",
                 "Skann QR-koden for å se om kortet er gjeldende."):
        assert fact in text
    assert "UTKAST" not in text
    assert "Skrevet ut" not in text and "25.11.2026" not in text  # no date of making


def test_fonts_are_the_card_font_embedded(pdf: bytes) -> None:
    fonts = fonts_of(pdf)
    assert fonts
    for name, embedded in fonts.items():
        assert embedded, name
        assert "+Inter" in name, f"fallback font {name} used"


def test_text_sizes(pdf: bytes, size: str, seed: tuple[Project, Library, Procedure]) -> None:
    _, _, proc = seed
    sizes = text_sizes(pdf)
    assert min(pt for pt, _ in sizes) >= 12, "no text below 12 pt"
    step_words = " ".join(plain(step.card or step.text) for step in proc.steps())
    # Lines of text (not single words, which a heading may share with a step).
    body = [pt for pt, text in sizes if len(text) > 20 and text in step_words]
    assert len(body) >= 7
    assert min(body) >= MIN_BODY_PT[size]
    title = [pt for pt, text in sizes if len(text) > 20 and text in proc.title]
    assert min(title) > max(body), "the title is larger than the body text"


def test_title_language_and_tags(pdf: bytes) -> None:
    document = reader(pdf)
    info = document.metadata
    assert info is not None
    assert info.title == ("Melding av hastesaker i Min Sykehuspartner, LV SSHF "
                          "(D29653, revisjon 6.00)")
    assert "revisjon 6.00" in (info.subject or "")
    root = document.trailer["/Root"]
    assert root["/Lang"] == "nb"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp
    # the revision's Godkjent dato, not the day the card was made: the same card every day
    assert info["/CreationDate"] == info["/ModDate"] == "D:20221207"


def test_qr_code_opens_the_page_with_the_revision(pdf: bytes) -> None:
    (code,) = barcodes(pdf)
    assert code.format == zxingcpp.BarcodeFormat.QRCode  # not MicroQR
    assert code.text == f"{site_url()}dokumenter/D29653.html?revisjon=6.00"


def test_same_input_same_bytes(rendered: tuple[dict[str, bytes], list[str]],
                               seed: tuple[Project, Library, Procedure]) -> None:
    project, library, proc = seed
    # In the other order, with the renderer already warm: byte-identical.
    assert render_card(proc, library, project, "A5") == rendered[0]["A5"]
    assert render_card(proc, library, project, "A4") == rendered[0]["A4"]


def test_no_whitespace_before_a_step_ends(seed: tuple[Project, Library, Procedure]) -> None:
    """WeasyPrint 70 counts a trailing space when fitting a line and breaks too early."""
    project, _, proc = seed
    html = card_html(build_card(proc, site=SITE), project)
    assert re.search(r"\s</li>", html) is None


# ---------------------------------------------------------------- content rules


def _library(project: Path) -> tuple[Project, Library]:
    proj = Project(project)
    return proj, read_library(proj.procedures, on=PRINTED)


def test_draft_card_is_marked(project: Path, run: Callable[..., Result]) -> None:
    assert run("draft", "D29653").exit_code == 0
    proj, library = _library(project)
    text = text_of(render_card(library.get("D29653"), library, proj, "A5"))
    assert text.count("UTKAST – ikke gyldig") == 2  # top of the card and footer
    assert "Revisjon: 7.00" in text
    assert "Godkjent dato: ikke godkjent" in text


def test_obsolete_document_gets_no_card(project: Path, seed_file: Path, tmp_path: Path) -> None:
    edit(seed_file, "status: approved", "status: obsolete")
    proj, library = _library(project)
    with pytest.raises(SopkitError, match=r"D29653.*obsolete"):
        render_card(library.get("D29653"), library, proj, "A4")
    made = cards.render_cards(library, proj, tmp_path / "docs", jobs=1)
    assert [p.name for p in made] == ["D31044-A4.pdf", "D31044-A5.pdf", "D40210-A4.pdf",
                                      "D40210-A5.pdf"]  # not D29653's


def test_card_wording_must_keep_mandated_phrases(project: Path, seed_file: Path,
                                                 run: Callable[..., Result]) -> None:
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, 'card: "Ring Brukerstøtte og oppgi saksnummer.', 'card: "Ring IT og oppgi')
    proj, library = _library(project)
    with pytest.raises(SopkitError, match=r"D29653.*'Ring Brukerstøtte'") as caught:
        card_document(library.get("D29653"), proj, site=SITE)
    assert "'saksnummer'" in caught.value.message


def test_a_template_that_drops_a_mandated_phrase_fails(project: Path) -> None:
    edit(project / "templates" / "card" / "card.html.j2", "{{ card.when|md }}", "")
    proj, library = _library(project)
    with pytest.raises(SopkitError, match="D29653: the wall card lacks the mandated phrase "
                                          "'Miclis'") as caught:
        render_card(library.get("D29653"), library, proj, "A4")
    # named only in the 'when' line, which the card shows: the template is to blame
    assert ("the phrase is in card.when, which the card shows: the card template"
            in caught.value.message)


def test_a_template_mistake_names_the_template_line(project: Path) -> None:
    edit(project / "templates" / "card" / "card.html.j2", "{{ card.revision }}</span>",
         "{{ card.revisjon }}</span>")
    proj, library = _library(project)
    with pytest.raises(SopkitError, match=r"D29653: templates/card/card.html.j2:\d+: "
                                          r"UndefinedError: .*'revisjon'"):
        render_card(library.get("D29653"), library, proj, "A4")


def test_pdf_ua_needs_alt_text_and_the_build_says_so(project: Path) -> None:
    edit(project / "templates" / "card" / "card.html.j2", ' alt="QR-kode til {{ card.url }}"', "")
    proj, library = _library(project)
    with pytest.raises(SopkitError, match=r"D29653 \(A4\): WeasyPrint reported problems") as caught:
        render_card(library.get("D29653"), library, proj, "A4")
    assert "no required alt description" in caught.value.message


def test_card_that_does_not_fit_fails_naming_the_procedure(
        project: Path, seed_file: Path, run: Callable[..., Result]) -> None:
    assert run("draft", "D29653").exit_code == 0
    long = " ".join(["Les hele feilmeldingen nøye og noter den."] * 12)
    edit(seed_file, "card: Meld saken i Min Sykehuspartner.",
         f"card: Meld saken i Min Sykehuspartner. {long}")
    proj, library = _library(project)
    with pytest.raises(SopkitError, match=r"D29653: the wall card does not fit on one A5 page"):
        render_card(library.get("D29653"), library, proj, "A5")


def test_long_card_steps_down_to_smaller_text_on_a4(
        project: Path, seed_file: Path, run: Callable[..., Result]) -> None:
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "card: Meld saken i Min Sykehuspartner.",
         "card: Meld saken i Min Sykehuspartner. " + "Noter feilmeldingen. " * 12)
    proj, library = _library(project)
    pdf = render_card(library.get("D29653"), library, proj, "A4")
    assert len(reader(pdf).pages) == 1
    body = [pt for pt, text in text_sizes(pdf) if "Noter feilmeldingen" in text]
    assert body, "the long step is on the card"
    assert 16 <= min(body) < 18, "smaller than the usual 18 pt, never below 16 pt"


def test_a_glyph_missing_from_the_card_font_fails(project: Path, seed_file: Path,
                                                  run: Callable[..., Result]) -> None:
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "card: Meld saken i Min Sykehuspartner.",
         "card: Meld saken i Min Sykehuspartner ✓ neste punkt.")
    proj, library = _library(project)
    with pytest.raises(SopkitError, match=f"D29653.*instead of {FONT_FAMILY}"):
        render_card(library.get("D29653"), library, proj, "A5")


def test_conditions_roles_notes_and_substeps(project: Path, seed_file: Path,
                                             run: Callable[..., Result]) -> None:
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "            card: Meld saken i Min Sykehuspartner.\n",
         "            card: Meld saken i Min Sykehuspartner.\n"
         "            when: Hvis Unilab er nede\n"
         "            role: Bioingeniør\n"
         "            notes:\n"
         "              - level: warning\n"
         "                text: Ikke start analysene på nytt.\n"
         "              - text: Bakgrunn som ikke står på kortet.\n"
         "            steps:\n"
         "              - id: write-down\n"
         "                text: Noter klokkeslettet.\n")
    proj, library = _library(project)
    text = text_of(render_card(library.get("D29653"), library, proj, "A4"))
    assert ("Hvis Unilab er nede: (Bioingeniør) Meld saken i Min Sykehuspartner. "
            "Advarsel: Ikke start analysene på nytt.") in text
    assert "Noter klokkeslettet." in text
    assert "Bakgrunn som ikke står på kortet" not in text


def test_contact_details_come_from_a_contacts_block(project: Path, seed_file: Path,
                                                    run: Callable[..., Result]) -> None:
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "  - kind: scope\n    body:\n",
         "  - kind: scope\n    body:\n      - contacts:\n          - role: Brukerstøtte\n"
         "            phone: \"22 11 80 00\"\n            hours: Hele døgnet\n")
    proj, library = _library(project)
    text = text_of(render_card(library.get("D29653"), library, proj, "A5"))
    assert "Kontakt Brukerstøtte Telefon 22 11 80 00 Hele døgnet" in text


# ---------------------------------------------------------------- colours


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_are_dark_on_light_with_contrast() -> None:
    css = (REPO / "templates" / "card" / "card.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\}", css, re.S)
    assert root is not None
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", root.group(1)))
    assert set(colours) == {"ink", "paper", "accent", "tint", "draft"}
    # Text is ink or accent; it stands on paper, the tint boxes or the draft mark.
    for text in ("ink", "accent"):
        for ground in ("paper", "tint", "draft"):
            assert contrast(colours[text], colours[ground]) >= 4.5, (text, ground)
    for ground in ("paper", "tint", "draft"):
        assert _luminance(colours[ground]) > _luminance(colours["ink"])
    # Every other colour in the stylesheet is one of those.
    rest = css.replace(root.group(0), "")
    assert not re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", rest)


def test_the_a5_card_is_proven_to_draw_the_a4_card(
        rendered: tuple[dict[str, bytes], list[str]],
        seed: tuple[Project, Library, Procedure]) -> None:
    """The A5 card takes the A4 card's checks only when it draws exactly the same."""
    from sopkit.outputs.card.verify import same_drawing, verify_card

    pdfs, _ = rendered
    project, library, proc = seed
    assert same_drawing(pdfs["A4"], pdfs["A5"])
    assert not same_drawing(pdfs["A4"], pdfs["A4"])  # not an A5 page
    other = library.get("D31044")
    others = {size: render_card(other, library, project, size) for size in SIZES}
    assert not same_drawing(pdfs["A4"], others["A5"])  # another drawing
    a4 = verify_card(proc, "A4", pdfs["A4"])
    # a foreign A5 is read in full, and fails the seed's checks
    assert not verify_card(proc, "A5", others["A5"], reduced_from=(pdfs["A4"], a4)).ok
    taken = verify_card(proc, "A5", pdfs["A5"], reduced_from=(pdfs["A4"], a4))
    assert taken.ok and taken.checks == a4.checks and taken.path.endswith("-A5.pdf")
    assert taken == verify_card(proc, "A5", pdfs["A5"])  # as reading it in full finds


def test_an_a5_card_that_cuts_the_drawing_off_is_not_taken_for_the_a4(
        rendered: tuple[dict[str, bytes], list[str]],
        seed: tuple[Project, Library, Procedure], monkeypatch: pytest.MonkeyPatch) -> None:
    """The A4 drawing on an A5 page, not reduced: the same streams but for the scale,
    and half the text off the page. It is read in full, and fails."""
    from sopkit.outputs.card import layout
    from sopkit.outputs.card.verify import same_drawing, verify_card

    pdfs, _ = rendered
    project, library, proc = seed
    monkeypatch.setattr(layout, "A5_ZOOM", 1.0)
    cards._RENDERERS.clear()
    cut = render_card_unchecked(proc, library, project)
    assert not same_drawing(pdfs["A4"], cut)
    a4 = verify_card(proc, "A4", pdfs["A4"])
    assert not verify_card(proc, "A5", cut, reduced_from=(pdfs["A4"], a4)).ok


def render_card_unchecked(proc: Procedure, library: Library, project: Project) -> bytes:
    from sopkit.outputs.card.content import card_document
    from sopkit.outputs.site.config import site_url

    html = card_document(proc, project, site=site_url(project))
    return cards._renderer(project).render(html, ("A4", "A5"), proc.id)["A5"]


def test_inline_code_is_set_in_the_card_font(project: Path, seed_file: Path,
                                             run: Callable[..., Result]) -> None:
    """`HEMOL` in a step used to need a monospace font the card has not got."""
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "card: Meld saken i Min Sykehuspartner.",
         "card: Meld saken i Min Sykehuspartner med koden `HEMOL`.")
    proj, library = _library(project)
    pdf = render_card(library.get("D29653"), library, proj, "A5")
    assert "Meld saken i Min Sykehuspartner med koden HEMOL." in text_of(pdf)
    assert all("+Inter" in name for name in fonts_of(pdf))
