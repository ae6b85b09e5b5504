"""Figures and attachments: files under procedure/files/<ID>/ that reach every output,
under revision control, and bad files refused with file:line:col.

The fixture D40210 has a PNG screenshot in a step, an SVG flowchart in a section, a
JPEG in a step marked for the wall card, and a PDF attachment (beside an attachment
named only). Expectations come from the files themselves (their bytes, SHA-256 and
pixels), read here with other tools (hashlib, Pillow, pypdf), not from sopkit.
"""

from __future__ import annotations

import hashlib
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import PROCEDURES, edit, line_of
from gitrepo import commit_all, init, refingerprint

DOC = "D40210-merking-ved-nedetid.yml"
FILES = PROCEDURES / "files" / "D40210"
PNG, SVG, JPG, PDF = ("unilab-etiketter.png", "flytskjema.svg", "rorkorker.jpg",
                      "skjema-manuell-rekvirering.pdf")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str, name: str) -> list[dict[str, str]]:
    parser = _Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


def resolve(site: Path, page: str, url: str) -> Path:
    from urllib.parse import unquote
    return (site / page).parent.joinpath(unquote(url)).resolve()


def pdf_images(pdf: bytes) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            with Image.open(io.BytesIO(image.data)) as img:
                sizes.append(img.size)
    return sizes


def pdf_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        for xobject in (page["/Resources"].get("/XObject") or {}).values():
            fonts = xobject.get_object().get("/Resources", {}).get("/Font") or {}
            for font in fonts.values():
                names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


# ---------------------------------------------------------------- the site


def test_figures_are_on_the_page_with_alt_text_caption_and_a_full_size_link(built_site):
    page = "dokumenter/D40210.html"
    html = (built_site / page).read_text(encoding="utf-8")
    images = {Path(resolve(built_site, page, img["src"])).name: img
              for img in tags(html, "img") if "/filer/" in resolve(
                  built_site, page, img["src"]).as_posix()}
    assert set(images) == {PNG, SVG, JPG}
    for name, img in images.items():
        published = resolve(built_site, page, img["src"])
        assert published.read_bytes() == (FILES / name).read_bytes(), name
        assert img["loading"] == "lazy" and img["alt"]
    with Image.open(FILES / PNG) as original:
        assert (int(images[PNG]["width"]), int(images[PNG]["height"])) == original.size
    assert images[SVG]["width"] == "480" and images[SVG]["height"] == "300"
    assert "Slik ser utskriftsvinduet ut." in html and "<figcaption>" in html
    links = [a["href"] for a in tags(html, "a")]
    for img in images.values():
        assert img["src"] in links, "a click opens the picture in full size"


def test_the_attachment_is_linked_with_its_type_and_size(built_site):
    page = "dokumenter/D40210.html"
    html = (built_site / page).read_text(encoding="utf-8")
    link = next(a for a in tags(html, "a") if a.get("href", "").endswith(".pdf")
                and "filer/" in a["href"])
    assert resolve(built_site, page, link["href"]).read_bytes() == (FILES / PDF).read_bytes()
    size_kb = (FILES / PDF).stat().st_size / 1000
    assert re.search(r"Skjema for manuell rekvirering</a> <span[^>]*>\(PDF, "
                     + f"{size_kb:.1f}".replace(".", ",") + " kB\\)", html)
    assert "Oversikt over reservemaskiner" in html  # an attachment named only stays text


def test_the_card_shows_only_the_figure_marked_for_it(built_site):
    pdf = (built_site / "kort" / "D40210-A4.pdf").read_bytes()
    with Image.open(FILES / JPG) as jpg:
        assert jpg.size in pdf_images(pdf)
    with Image.open(FILES / PNG) as png:
        assert png.size not in pdf_images(pdf)
    assert pdf_fonts(pdf) <= {"Inter", "Inter-Bold"}


def test_the_archival_pdf_has_every_figure_and_lists_the_files_with_checksums(built_site):
    pdf = (built_site / "arkiv" / "pdf" / "D40210-1.00.pdf").read_bytes()
    sizes = pdf_images(pdf)
    for name in (PNG, JPG):
        with Image.open(FILES / name) as img:
            assert img.size in sizes, name
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    assert "Unilabsvarerikke" in flat and "Over15min?" in flat  # the SVG, drawn with its text
    for name in (PNG, SVG, JPG, PDF):
        assert sha(FILES / name) in flat, name
    assert "Skjema for manuell rekvirering" in text
    # The drawing's text is in the PDFs' own font, not whatever 'sans-serif' is here.
    assert pdf_fonts(pdf) <= {"Inter", "Inter-Bold"}


# ---------------------------------------------------------------- the proof


@pytest.mark.parametrize("change", ["template", "stylesheet"])
def test_the_build_fails_when_a_figure_does_not_reach_the_page(project, run, change):
    if change == "template":
        edit(project / "templates" / "site" / "_blocks.html.j2", '<img src="{{ file.src }}"',
             '<img hidden src="{{ file.src }}"')
    else:
        css = project / "templates" / "assets" / "stylesheets" / "sopkit.css"
        css.write_text(css.read_text(encoding="utf-8")
                       + "\n.md-typeset figure.sop-figure img { display: none; }\n",
                       encoding="utf-8")
    result = run("build")
    assert result.exit_code == 1
    assert f"D40210: page: missing figure '{PNG}'" in result.output
    assert not (project / "site").exists()


def test_the_build_fails_when_the_attachment_link_is_lost(project, run):
    edit(project / "templates" / "site" / "procedure.md.j2",
         '<a href="{{ files[a.file].link }}">{{ a.title }}</a>', '{{ a.title }}')
    result = run("check")
    assert result.exit_code == 1
    assert f"the procedure page lacks attachment '{PDF}'" in result.output


# ---------------------------------------------------------------- revision control


def _new_png(path: Path) -> None:
    Image.new("RGB", (320, 200), "#c00").save(path)


def test_replacing_a_figure_without_a_new_revision_is_a_changed_text(project, run):
    _new_png(project / "procedure" / "files" / "D40210" / PNG)
    result = run("check")
    assert result.exit_code == 1
    doc = project / "procedure" / "documents" / DOC
    assert (f"{DOC}:{line_of(doc, 'fingerprint:')}:5: revisions[0].fingerprint: the text of "
            "approved revision 1.00 was changed without a new revision") in result.output


def test_diff_history_and_archive_name_the_files_of_each_revision(project, run):
    init(project)
    old_png = sha(project / "procedure" / "files" / "D40210" / PNG)
    assert run("draft", "D40210").exit_code == 0
    folder = project / "procedure" / "files" / "D40210"
    _new_png(folder / PNG)
    (folder / PDF).unlink()
    doc = project / "procedure" / "documents" / DOC
    edit(doc, f"  - title: Skjema for manuell rekvirering\n    file: {PDF}\n", "")
    new_png = sha(folder / PNG)

    diff = run("diff", "D40210")
    assert diff.exit_code == 0, diff.output
    assert f"~ changed: {PNG}: {old_png} " in diff.output and f"-> {new_png} " in diff.output
    assert f"- removed: {PDF}: {sha(PROCEDURES / 'files' / 'D40210' / PDF)}" in diff.output

    approved = run("approve", "D40210", "--by", "Kari Nordmann", "--note", "Nytt skjermbilde")
    assert approved.exit_code == 0, approved.output
    commit_all(project, "D40210 2.00")
    history = run("history", "D40210")
    assert history.exit_code == 0, history.output
    assert f"File:           {PNG}  sha256:{old_png}" in history.output  # 1.00, from git
    assert f"File:           {PNG}  sha256:{new_png}" in history.output  # 2.00

    assert run("build").exit_code == 0
    site = project / "site"
    archived = (site / "arkiv" / "D40210-1.00.html").read_text(encoding="utf-8")
    current = (site / "dokumenter" / "D40210.html").read_text(encoding="utf-8")

    def png_of(page: str, html: str) -> bytes:
        img = next(i for i in tags(html, "img") if i["src"].endswith(PNG))
        return resolve(site, page, img["src"]).read_bytes()

    assert hashlib.sha256(png_of("arkiv/D40210-1.00.html", archived)).hexdigest() == old_png
    assert hashlib.sha256(png_of("dokumenter/D40210.html", current)).hexdigest() == new_png
    changes = (site / "endringer" / "D40210.html").read_text(encoding="utf-8")
    assert "Byttet ut" in changes and old_png in changes and new_png in changes


# ---------------------------------------------------------------- bad files


def _figure(doc: Path, name: str, alt: str = "Et bilde av noe bestemt") -> int:
    """Point the screenshot's figure at ``name``; return the line of its 'file' key."""
    edit(doc, f"file: {PNG}", f"file: {name!s}")
    edit(doc, "alt: Unilab-vinduet «Skriv ut etiketter» med rekvisisjonsnummer, antall "
              "etiketter og knappen «Skriv ut (F9)».", f"alt: {alt}")
    return line_of(doc, f"file: {name}")


def _expect(run, project, line: int, message: str) -> str:
    result = run("check")
    assert result.exit_code == 1, result.output
    location = f"{DOC}:{line}:15: sections[2].body[1].steps[1].figure.file: "
    assert location + message in result.output, result.output
    return result.output


@pytest.fixture
def doc(project: Path) -> Path:
    return project / "procedure" / "documents" / DOC


@pytest.fixture
def folder(project: Path) -> Path:
    return project / "procedure" / "files" / "D40210"


def test_a_missing_file_is_named_with_what_the_folder_has(run, project, doc):
    line = _figure(doc, "Unilab-Etiketter.png")
    output = _expect(run, project, line, "file 'Unilab-Etiketter.png' is not in")
    assert "the folder has 'unilab-etiketter.png': file names are case-sensitive" in output


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bilde.jpg", "png", "'bilde.jpg' is a PNG picture, not JPEG"),
    ("bilde.png", "text", "'bilde.png' is not a PNG picture (its content is of another kind)"),
    ("bilde.png", "pdf", "'bilde.png' is not a PNG picture (it looks like a PDF)"),
    ("bilde.gif", "png", "'bilde.gif': .gif files cannot be used as a figure"),
    ("bilde.svg", "png", "'bilde.svg' is not an SVG picture"),
])
def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused(
        run, project, doc, folder, name, content, message):
    data = {"png": (folder / PNG).read_bytes(), "text": b"hei\n",
            "pdf": (folder / PDF).read_bytes()}[content]
    (folder / name).write_bytes(data)
    _expect(run, project, _figure(doc, name), message)


def test_a_pdf_cannot_be_a_figure(run, project, doc):
    _expect(run, project, _figure(doc, PDF), f"'{PDF}': .pdf files cannot be used as a figure")


def test_an_oversized_file_is_refused_before_it_is_read(run, project, doc, folder):
    with (folder / "stor.png").open("wb") as file:
        file.truncate(6 * 1024 * 1024)
    _expect(run, project, _figure(doc, "stor.png"),
            "'stor.png' is 6,0 MB; the limit for a figure is 5,0 MB")


def test_a_picture_with_too_many_pixels_is_refused(run, project, doc, folder):
    Image.new("1", (9000, 10)).save(folder / "bred.png")
    _expect(run, project, _figure(doc, "bred.png"), "'bred.png' is 9000 × 10 pixels")


_SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


@pytest.mark.parametrize(("svg", "message"), [
    (f'{_SVG_HEAD}><script>alert(1)</script></svg>', "has a <script> element"),
    (f'{_SVG_HEAD} onload="alert(1)"><rect width="9" height="9"/></svg>',
     "has an event handler (onload on <svg>)"),
    (f'{_SVG_HEAD}><image href="https://example.org/x.png"/></svg>', "has a <image> element"),
    (f'{_SVG_HEAD}><use xlink:href="https://example.org/a.svg#x"/></svg>',
     "refers to something outside itself"),
    (f'{_SVG_HEAD}><rect fill="url(https://example.org/p.svg#g)" width="9" height="9"/></svg>',
     "refers to something outside itself (url(...) in fill on <rect>)"),
    (f'{_SVG_HEAD}><rect style="fill:url(&quot;https://e.org/a\'b&quot;)" width="9"/></svg>',
     "refers to something outside itself (url(...) in style on <rect>)"),
    (f'{_SVG_HEAD}><rect style="fill:u\\rl(https://e.org/x)" width="9"/></svg>',
     "has a script address or an escape in style on <rect>"),
    (f'{_SVG_HEAD}><rect style="mask-image:image-set(&quot;https://e.org/x.png&quot; 1x)"/></svg>',
     "refers to something outside itself (style on <rect>)"),
    ('<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="notat.txt"?>'
     f'{_SVG_HEAD}><rect width="9" height="9"/></svg>',
     'has a processing instruction (<?xml-stylesheet type="text/xsl" href="notat.txt"?>)'),
    (f'{_SVG_HEAD}><g id="a"><rect width="9"/></g><g id="b"><use href="#a"/></g>'
     '<use href="#b"/></svg>', "uses a <use> inside what a <use> shows"),
    (f'{_SVG_HEAD}>' + "<g>" * 100 + "</g>" * 100 + "</svg>", "is nested more than 60 levels"),
    (f'{_SVG_HEAD}><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
     "</foreignObject></svg>", "has a <foreignObject> element"),
    (f'{_SVG_HEAD}><a href="javascript:alert(1)"><text>x</text></a></svg>', "has a <a> element"),
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>'
     f'{_SVG_HEAD}><text>&x;</text></svg>', "declares a DTD or entities"),
    (f'{_SVG_HEAD}><style>@import url(https://example.org/a.css);</style></svg>',
     "has a <style> element"),
])
def test_an_svg_that_could_run_script_or_fetch_anything_is_refused(
        run, project, doc, folder, svg, message):
    (folder / "tegning.svg").write_text(svg, encoding="utf-8")
    output = _expect(run, project, _figure(doc, "tegning.svg"), f"'tegning.svg' {message}")
    assert any(hint in output for hint in ("an SVG figure may only draw", "DOCTYPE",
                                           "draw the shape again"))


@pytest.mark.parametrize(("name", "message"), [
    ("../D29653/x.png", "'../D29653/x.png' is not a plain path inside the document's folder"),
    ("/etc/passwd.png", "'/etc/passwd.png' is an absolute path"),
    ("a\\\\b.png", "'a\\b.png' is not a plain path inside the document's folder"),
])
def test_a_path_outside_the_documents_folder_is_refused(run, project, doc, name, message):
    edit(doc, f"file: {PNG}", f'file: "{name}"')
    line = line_of(doc, 'file: "')
    result = run("check")
    assert result.exit_code == 1
    assert (f"{DOC}:{line}:15: sections[2].body[1].steps[1].figure.file: {message}"
            in result.output)


def test_a_link_out_of_the_documents_folder_is_refused(run, project, doc, folder, tmp_path):
    secret = tmp_path / "hemmelig.png"
    secret.write_bytes((folder / PNG).read_bytes())
    (folder / "lenke.png").symlink_to(secret)
    output = _expect(run, project, _figure(doc, "lenke.png"),
                     f"'lenke.png' is a link to {secret}, outside")
    assert "copy the file into the document's folder" in output


@pytest.mark.parametrize("alt", [PNG, "unilab-etiketter", "Bilde", "skjermbilde."])
def test_alt_text_must_say_what_the_figure_shows(run, project, doc, alt):
    line = _figure(doc, PNG, alt=alt)
    result = run("check")
    assert result.exit_code == 1
    assert (f"{DOC}:{line + 1}:15: sections[2].body[1].steps[1].figure.alt: the alternative "
            f"text '{alt}' does not say what the figure shows") in result.output


def test_a_figure_needs_alt_text(run, project, doc):
    edit(doc, "              alt: Unilab-vinduet «Skriv ut etiketter» med rekvisisjonsnummer, "
              "antall etiketter og knappen «Skriv ut (F9)».\n", "")
    result = run("check")
    assert result.exit_code == 1
    assert "sections[2].body[1].steps[1].figure.alt: " in result.output
    assert "required key 'alt' is missing" in result.output


def test_an_attachment_with_macros_is_refused(run, project, doc, folder):
    import zipfile
    with zipfile.ZipFile(folder / "skjema.docx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\0")
    edit(doc, f"file: {PDF}", "file: skjema.docx")
    result = run("check")
    assert result.exit_code == 1
    assert (f"{DOC}:{line_of(doc, 'file: skjema.docx')}:5: attachments[0].file: "
            "'skjema.docx' contains macros") in result.output


def test_a_file_no_text_uses_is_a_warning(run, project, folder):
    (folder / "gammel.png").write_bytes((folder / PNG).read_bytes())
    result = run("check")
    assert result.exit_code == 0
    assert "files/D40210/gammel.png:1:1: warning: D40210 does not use this file" in result.output


def test_bad_files_are_all_reported_and_the_last_good_site_stays(run, project, doc, folder):
    assert run("build").exit_code == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    edit(doc, f"file: {SVG}", "file: mangler.svg")
    edit(doc, f"file: {PDF}", "file: ../../documents/" + DOC)
    result = run("build")
    assert result.exit_code == 1
    assert "file 'mangler.svg' is not in" in result.output
    assert "is not a plain path inside the document's folder" in result.output
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == before


def test_the_card_fit_counts_its_figures(run, project, doc):
    """Pictures marked for the card take room: enough of them, and the card no longer fits."""
    assert run("draft", "D40210").exit_code == 0
    figure = (f"      - figure:\n          file: {PNG}\n          alt: Utskriftsvinduet i Unilab, "
              "bilde {n}\n          card: true\n")
    edit(doc, "      - steps:\n          - id: wait\n",
         "".join(figure.format(n=n) for n in range(6))
         + "      - steps:\n          - id: wait\n")
    result = run("check")
    assert result.exit_code == 1
    assert "the wall card does not fit" in result.output and "less height" in result.output


PAYLOAD = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def test_markup_in_alt_text_caption_and_attachment_title_is_text(run, project, doc):
    init(project)  # the approved 1.00 stays in git history
    edit(doc, "caption: Slik ser utskriftsvinduet ut.", f"caption: '{PAYLOAD}'")
    edit(doc, "alt: Unilab-vinduet «Skriv ut etiketter»",
         f"alt: >-\n                {PAYLOAD} Unilab-vinduet «Skriv ut etiketter»")
    edit(doc, "  - title: Skjema for manuell rekvirering", f"  - title: '{PAYLOAD}'")
    approved = run("approve", "D40210", "--by", "Kari Nordmann", "--note", "Test")
    assert approved.exit_code == 0, approved.output
    result = run("build")
    assert result.exit_code == 0, result.output
    html = (project / "site" / "dokumenter" / "D40210.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    found = tags(article, "img")
    assert not any(attrs.get("src") == "x" or "onerror" in attrs for attrs in found)
    assert not tags(article, "script")
    assert any(attrs["alt"].startswith(PAYLOAD) for attrs in found)  # the alt text, as written
    # as text: in the alt attribute, the caption and the attachment title
    assert article.count("&lt;script&gt;alert(2)&lt;/script&gt;") == 3


def test_odd_but_harmless_drawings_and_photos_are_taken(run, project, doc, folder):
    """An SVG with an endless viewBox, a photo turned by its EXIF tag, a text file with
    Windows line endings, a name written the macOS way (å as a and a ring)."""
    (folder / "tegning.svg").write_text(
        f'{_SVG_HEAD} viewBox="0 0 1e999 300"><rect width="9" height="9"/></svg>',
        encoding="utf-8")
    _figure(doc, "tegning.svg")
    with Image.open(folder / JPG) as img:
        exif = img.getexif()
        exif[0x0112] = 6
        img.save(folder / JPG, exif=exif)
    svg = folder / SVG
    svg.write_bytes(svg.read_bytes().replace(b"\n", b"\r\n"))
    import unicodedata
    (folder / unicodedata.normalize("NFD", "rørkork-å.jpg")).write_bytes(
        (folder / JPG).read_bytes())
    (folder / JPG).unlink()
    edit(doc, f"file: {JPG}", "file: rørkork-å.jpg")
    refingerprint(doc)
    result = run("build")
    assert result.exit_code == 0, result.output
    # the Windows line endings are the same drawing: its checksum is the fixture's
    crlf = hashlib.sha256((FILES / SVG).read_bytes().replace(b"\r\n", b"\n")).hexdigest()
    assert crlf[:12] in "".join(p.as_posix() for p in (project / "site" / "filer").rglob("*"))


def test_a_cut_off_picture_is_refused(run, project, doc, folder):
    data = (folder / JPG).read_bytes()
    (folder / "halv.jpg").write_bytes(data[: len(data) // 2])
    _expect(run, project, _figure(doc, "halv.jpg"), "'halv.jpg' is a damaged JPEG picture")


def test_verify_notices_a_published_file_changed_after_the_build(run, project):
    assert run("build").exit_code == 0
    assert run("verify").exit_code == 0
    (published,) = (project / "site" / "filer" / "D40210").glob(f"*/{PNG}")
    data = bytearray(published.read_bytes())
    data[-20] ^= 0xFF
    published.write_bytes(bytes(data))
    result = run("verify")
    assert result.exit_code == 1
    assert "D40210   page                          11 of 12" in result.output
    assert f"missing figure '{PNG}'" in result.output


@pytest.mark.parametrize(("name", "fmt"), [("bilde.png", "PNG"), ("bilde.jpg", "JPEG"),
                                           ("bilde.jpeg", "JPEG"), ("bilde.webp", "WEBP")])
def test_every_picture_type_is_taken_with_its_size(name, fmt):
    from sopkit.source.files import identify

    data = io.BytesIO()
    Image.new("RGB", (64, 48), "#336").save(data, fmt)
    stored = identify(name, data.getvalue(), "figure")
    assert (stored.width, stored.height) == (64, 48)
    assert stored.sha256 == hashlib.sha256(data.getvalue()).hexdigest()


def test_history_finds_files_committed_after_their_text(run, project, folder):
    """The approved text in one commit, its screenshot in the next: still that revision."""
    from gitrepo import git

    png = (folder / PNG).read_bytes()
    (folder / PNG).unlink()
    init(project)  # every file of the approved 1.00 but the screenshot
    (folder / PNG).write_bytes(png)
    commit_all(project, "The screenshot")
    assert run("draft", "D40210").exit_code == 0
    edit(project / "procedure" / "documents" / DOC, "Vent 15 minutter", "Vent 20 minutter")
    history = run("history", "D40210")
    assert history.exit_code == 0, history.output
    head = git(project, "rev-parse", "HEAD").strip()
    assert f"Text:           git {head[:10]}" in history.output  # found, with its files
    assert f"File:           {PNG}  sha256:{sha(FILES / PNG)}" in history.output


def test_a_card_figure_without_a_card_is_a_warning_that_says_so(run, doc):
    edit(doc, "card:\n  when: Når Unilab er nede og prøver må merkes\n  contact: Brukerstøtte\n",
         "")
    refingerprint(doc)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert ("figure.card: warning: the figure is marked for the wall card, but the procedure "
            "has no wall card") in result.output
