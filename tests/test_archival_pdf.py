"""Archival PDFs of approved revisions: the whole seed, in order, as PDF/A."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import edit
from gitrepo import ADDED_TEXT, REMOVED_TEXT, commit_all, init, make_revision_7
from sopkit.outputs.archival.document import render_pdf
from sopkit.source.errors import SopkitError

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("fixed_today")]

SEED = Path(__file__).parent / "seed" / "D29653-melding-av-hastesaker.txt"


def seed_sentences() -> list[str]:
    """Every sentence of the controlled document, in order; a line's tab-separated
    cells (the signature row) count as sentences of their own."""
    out = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("--") or re.fullmatch(r"Side \d+ av \d+", line):
            continue  # the page number is checked on its own; the dashes are table rules
        for cell in line.split("\t"):
            out += [s for s in re.split(r"(?<=[.?])\s+(?=[A-ZÆØÅ0-9])", cell.strip()) if s]
    return out


def squeeze(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines and spaces labels freely."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> bytes:
    from click.testing import CliRunner

    from conftest import copy_project
    from sopkit.cli import cli

    root = copy_project(tmp_path_factory.mktemp("pdf") / "project")
    out = root / "D29653-6.00.pdf"
    result = CliRunner().invoke(cli, ["--project", str(root), "pdf", "D29653", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (D29653 revision 6.00, PDF/A-2U, " \
        f"{out.stat().st_size // 1024} KiB)\n"
    return out.read_bytes()


def test_every_seed_sentence_in_order(seed_pdf):
    _, text = pdf_text(seed_pdf)
    sentences = seed_sentences()
    assert len(sentences) > 40
    assert sentences[0] == "Melding av hastesaker i Min Sykehuspartner, LV SSHF."
    assert sentences[-1] == "Verifisert av:"
    haystack = squeeze(text)
    position = 0
    for sentence in sentences:
        found = haystack.find(squeeze(sentence), position)
        assert found >= 0, f"missing or out of order: {sentence!r}"
        position = found + len(squeeze(sentence))


def test_page_x_of_y_and_a4(seed_pdf):
    reader, text = pdf_text(seed_pdf)
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Side {number} av {pages}" in page.extract_text()
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    # the controlled document on one page, as it is; the mandated ticket on its own page
    assert pages == 2
    assert "SAKSMAL I MIN SYKEHUSPARTNER" in reader.pages[1].extract_text()
    assert "Verifisert av" in reader.pages[0].extract_text()
    assert "D29653 revisjon 6.00" in text


def test_declares_pdf_a_and_is_tagged(seed_pdf):
    reader, _ = pdf_text(seed_pdf)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part(="|>)2', xmp)
    assert re.search(r'pdfaid:conformance(="|>)U', xmp)
    assert "/OutputIntents" in root
    assert root["/Lang"] == "nb" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    info = reader.metadata
    assert info.title == "D29653 Melding av hastesaker i Min Sykehuspartner, LV SSHF " \
        "(revisjon 6.00)"
    assert info["/CreationDate"].startswith("D:20221207")  # the approval date


def test_fonts_are_embedded(seed_pdf):
    reader, _ = pdf_text(seed_pdf)
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            fonts.append(str(target["/BaseFont"]))
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all("+Inter" in f for f in fonts), fonts  # margins too


def test_same_revision_same_bytes(seed_pdf, tmp_path, run, project):
    out = tmp_path / "again.pdf"
    assert run("pdf", "D29653", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == seed_pdf


def test_pdf_of_each_approved_revision_from_git(project, run, tmp_path):
    init(project)
    make_revision_7(project, run)
    commit_all(project, "7.00")
    old, new = tmp_path / "6.pdf", tmp_path / "7.pdf"
    assert run("pdf", "D29653", "--revision", "6.00", "-o", str(old)).exit_code == 0
    assert run("pdf", "D29653", "-o", str(new)).exit_code == 0
    old_text, new_text = squeeze(pdf_text(old.read_bytes())[1]), squeeze(
        pdf_text(new.read_bytes())[1])
    assert squeeze(REMOVED_TEXT) in old_text and squeeze(ADDED_TEXT) not in old_text
    assert squeeze(ADDED_TEXT) in new_text and squeeze(REMOVED_TEXT) not in new_text
    assert squeeze("Revisjon: 7.00") in new_text and squeeze("Godkjent av:") in new_text


def test_draft_has_no_archival_pdf(run, project, seed_file):
    init(project)
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "Alle som skal melde", "Alle som melder")
    result = run("pdf", "D29653", "--revision", "7.00")
    assert result.exit_code == 1
    assert "revision 7.00 is not approved" in result.output
    assert run("pdf", "D29653", "-o", "x.pdf").exit_code == 0  # 6.00 is still in force
    assert (project / "x.pdf").is_file()


def test_fetcher_refuses_files():
    html = '<html><body><img src="file:///etc/passwd"><p>x</p></body></html>'
    with pytest.raises(SopkitError, match="refused to fetch file:///etc/passwd: only data: URLs"):
        render_pdf(html, "", base_url="file:///tmp/")
