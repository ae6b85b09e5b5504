"""The proof: every artefact read as staff get it, and the evidence for auditors.

Each mutation below changes a template or stylesheet the way a restyling
quality team might, so that staff would no longer see a step; the build, the
card or the archival PDF must then fail, naming the procedure, the artefact
and what is missing.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXED_EPOCH, copy_project, edit, warm
from gitrepo import commit_all, init
from sopkit.cli import cli
from sopkit.pipeline import build_site
from sopkit.source.errors import SopkitError
from sopkit.source.expected import visible_words
from sopkit.source.project import Project
from sopkit.source.text import plain

pytestmark = pytest.mark.usefixtures("fixed_today")

STEP = "D29653: {artefact}: missing step 'register-case'"


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The fixture handbook in git, built, and 'sopkit verify --format json' on it."""
    root = copy_project(tmp_path_factory.mktemp("proof") / "project")
    init(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        build_site(Project(root))
        result = CliRunner().invoke(cli, ["--project", str(root), "verify", "--format", "json"])
    assert result.exit_code == 0, result.output
    return root, {f"{r['id']} {r['artefact']}": r for r in json.loads(result.output)}


def test_verify_lists_every_artefact_of_the_seed(verified):
    _, reports = verified
    assert sorted(r for r in reports if r.startswith("D29653 ")) == sorted(f"D29653 {a}" for a in (
        "page", "card A4", "card A5", "ticket on the page", "ticket composer",
        "ticket on the command line", "archival PDF"))


@pytest.mark.parametrize("artefact", ["page", "card A4", "card A5", "archival PDF"])
def test_every_step_phrase_and_identity_is_found(verified, artefact):
    _, reports = verified
    checks = reports[f"D29653 {artefact}"]["checks"]
    assert all(c["found"] for c in checks)
    steps = {c["key"] for c in checks if c["kind"] == "step"}
    assert steps == {"register-case", "subject", "first-sentence", "description", "competence",
                     "contact", "phone-support"}
    assert sum(c["kind"] == "phrase" for c in checks) == 14
    identity = {c["key"]: c["text"] for c in checks if c["kind"] == "identity"}
    assert identity == {"id": "D29653", "revision": "6.00", "valid_until": "07.12.2024"}


@pytest.mark.parametrize(("artefact", "path"), [
    ("page", "dokumenter/D29653.html"), ("card A4", "kort/D29653-A4.pdf"),
    ("card A5", "kort/D29653-A5.pdf"), ("ticket composer", "saksmelding/D29653.html"),
    ("archival PDF", "arkiv/pdf/D29653-6.00.pdf")])
def test_checksums_are_those_of_the_published_files(verified, artefact, path):
    root, reports = verified
    report = reports[f"D29653 {artefact}"]
    assert report["path"] == path
    assert report["sha256"] == hashlib.sha256((root / "site" / path).read_bytes()).hexdigest()


def test_the_site_has_the_evidence_page(verified):
    root, reports = verified
    page = (root / "site" / "kontroll.html").read_text(encoding="utf-8")
    for report in reports.values():
        assert report["sha256"] in page
    assert "Kontrollert 25.11.2026" in page
    index = json.loads((root / "site" / "search" / "search_index.json").read_text())
    assert not any(doc["location"].startswith("kontroll") for doc in index["docs"])


def test_verify_table(verified):
    root, _ = verified
    result = CliRunner().invoke(cli, ["--project", str(root), "verify"])
    assert result.exit_code == 0, result.output
    assert "D29653   card A5" in result.output and "24 of 24  found" in result.output
    assert "16 artefacts of 4 documents checked on 25.11.2026: everything found." in result.output


# ---------------------------------------------------------------- mutations


def _project(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    root = warm(copy_project(tmp_path / "p"), request)
    init(root)
    return root


def test_hidden_steps_on_the_page_fail_the_build(tmp_path, request):
    """The first experiment of the issue: 'hidden' on every step."""
    root = _project(tmp_path, request)
    edit(root / "templates" / "site" / "_blocks.html.j2",
         '<li id="steg-{{ step.id }}"', '<li hidden id="steg-{{ step.id }}"')
    with pytest.raises(SopkitError, match=STEP.format(artefact="page")):
        build_site(Project(root))
    assert not (root / "site").exists()


def test_steps_hidden_by_the_sites_own_stylesheet_fail_the_build(tmp_path, request):
    root = _project(tmp_path, request)
    css = root / "templates" / "assets" / "stylesheets" / "sopkit.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.sop-steps { display: none; }\n",
                   encoding="utf-8")
    with pytest.raises(SopkitError, match=STEP.format(artefact="page")):
        build_site(Project(root))


@pytest.mark.parametrize("rule", [
    ".steps { display: none; }",  # the second experiment of the issue
    ".steps { color: #fff; }",  # white on white
    ".steps { position: relative; left: 400mm; }",  # pushed off the page
    ".steps ol { color: rgba(0, 0, 0, 0); }",  # transparent
    ".steps ol { font-size: 0.3pt; }",  # too small to read
])
def test_a_card_stylesheet_that_loses_the_steps_fails(tmp_path, run, rule, request):
    root = _project(tmp_path, request)
    css = root / "templates" / "card" / "card.css"
    css.write_text(css.read_text(encoding="utf-8") + f"\n{rule}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(root), "card", "D29653",
                                      "-o", str(tmp_path / "card.pdf")])
    assert result.exit_code == 1
    assert STEP.format(artefact="card A4") in result.output
    assert not (tmp_path / "card.pdf").exists()
    with pytest.raises(SopkitError, match=r"D29653-melding-av-hastesaker.yml:\d+:\d+: "
                                          r"card A(4|5): missing step 'register-case'"):
        build_site(Project(root))


def test_transparent_steps_in_the_archival_pdf_fail(tmp_path, request):
    root = _project(tmp_path, request)
    css = root / "templates" / "pdf" / "archival.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nol, li { color: rgba(0, 0, 0, 0) "
                   "!important; }\n", encoding="utf-8")
    with pytest.raises(SopkitError, match=STEP.format(artefact="archival PDF")):
        build_site(Project(root))


def test_an_archival_template_that_drops_the_steps_fails(tmp_path, request):
    root = _project(tmp_path, request)
    edit(root / "templates" / "pdf" / "archival.html.j2", "{{ steps(b.steps) }}", "")
    commit_all(root, "drop the steps")
    result = CliRunner().invoke(cli, ["--project", str(root), "pdf", "D29653",
                                      "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 1
    assert STEP.format(artefact="archival PDF") in result.output
    assert not (tmp_path / "a.pdf").exists()
    with pytest.raises(SopkitError, match=STEP.format(artefact="archival PDF")):
        build_site(Project(root))
    assert not (root / "site").exists()


def test_the_published_archival_pdf_is_the_one_sopkit_pdf_writes(verified, tmp_path):
    root, _ = verified
    result = CliRunner().invoke(cli, ["--project", str(root), "pdf", "D29653",
                                      "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.pdf").read_bytes() == (
        root / "site" / "arkiv" / "pdf" / "D29653-6.00.pdf").read_bytes()


def test_verify_fails_on_a_site_changed_after_the_build(verified, tmp_path):
    root, _ = verified
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    page = copy / "site" / "dokumenter" / "D29653.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "Sakene meldes inn via Min Sykehuspartner.", ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(copy), "verify"])
    assert result.exit_code == 1
    assert "missing step 'register-case'" in result.output


# ---------------------------------------------------------------- expectations


EDGE_CASES = ["*kursiv* og **fet**", "a `kode <b>` b", "[tekst](https://x.no) & <b>",
              "a\\*b", "&amp; &lt; &#39;", "linje\nny", "[x](javascript:alert(1))",
              "![i](http://evil.example/i.png)", "x_y_z", "**ufullstendig", "`a``b`",
              "[a *b*](http://x)", "snake_case_word", "_a_ b", "2 * 3 * 4", "**a *b* c**",
              "`` a ` b ``", "\\`x\\`", "\\[x](y)", "[a \\] b](https://x)"]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_own_markdown_to_text_agrees_with_the_renderer(text):
    """The expectations are derived apart from the renderer: both must read alike."""
    assert visible_words(text) == plain(text)


def test_own_markdown_to_text_agrees_on_every_fixture_text():
    import yaml

    from conftest import PROCEDURES, REPO

    texts: list[str] = []
    for path in [*(PROCEDURES / "documents").glob("*.yml"),
                 *(REPO / "tests" / "data").glob("*.yml")]:
        stack = [yaml.safe_load(path.read_text(encoding="utf-8"))]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                texts.append(item)
            elif isinstance(item, dict):
                stack += item.values()
            elif isinstance(item, list):
                stack += item
    assert len(texts) > 100
    assert [t for t in texts if visible_words(t) != plain(t)] == []


def test_a_dropped_step_is_not_found_inside_another():
    from sopkit.outputs.evidence import check
    from sopkit.source.expected import Item

    items = [Item("step", "call", "Ring laboratoriet."),
             Item("step", "call-and-tell", "Ring laboratoriet. Oppgi prøvenummeret."),
             Item("step", "label", "Kontroller etiketten."),
             Item("step", "label-again", "Kontroller etiketten.")]
    shown = "Ring laboratoriet. Oppgi prøvenummeret. Kontroller etiketten."  # two dropped
    report = check("D1", "page", "p", b"", shown, items)
    assert sum(c.found for c in report.checks) == 2
    assert len(report.missing) == 2


@pytest.mark.parametrize("text", [
    'Se [rutinen](https://a.no/x "Rutine") før du ringer.',
    "Merk glasset &mdash; tydelig, og &#8212; med navn.",
    "Les [oppslaget](https://no.wikipedia.org/wiki/Blod_(væske)) først.",
    "Bruk desinfeksjons\u00admiddel på huden.",
])
def test_legitimate_text_reaches_every_artefact(run, seed_file, text):
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "            text: Sakene meldes inn via Min Sykehuspartner.\n"
                    "            card: Meld saken i Min Sykehuspartner.\n",
         f"            text: {json.dumps(text)}\n")
    result = run("check")
    assert result.exit_code == 0, result.output


CSS = "templates/assets/stylesheets/sopkit.css"
BLOCKS = "templates/site/_blocks.html.j2"


@pytest.mark.parametrize(("path", "old", "new"), [
    (CSS, None, ".sop-steps li { display: none; }"),  # a descendant selector
    (CSS, None, "[data-step] { visibility: hidden; }"),  # an attribute selector
    (CSS, None, "@media screen { .sop-check { display: none; } }"),
    (CSS, None, ".sop-check { opacity: 0; }"),
    (CSS, None, ".sop-steps { height: 0; overflow: hidden; }"),
    (CSS, None, ":-webkit-any(article) .sop-steps { display: none; }"),  # Chromium's own
    (CSS, None, "@media not print { .sop-steps { display: none; } }"),
    # on a phone only: the staff who open it from the wall card's QR code
    (CSS, None, "@media screen and (max-width: 30em) { .sop-steps { display: none; } }"),
    (CSS, None, "@media (prefers-color-scheme: dark) { .sop-check { opacity: 0; } }"),
    (CSS, None, "@media print { .sop-steps li { display: none; } }"),  # the printout
    (CSS, None, "head { + body .sop-steps { display: none; } }"),  # CSS nesting
    (CSS, None, ".sop-steps li { position: absolute; width: 1px; height: 1px; "
                "overflow: hidden; clip: rect(0 0 0 0); }"),  # for screen readers only
    (CSS, None, ".sop-steps { li { @media (max-width: 30em) { opacity: 0; } } }"),
    (CSS, None, "::-webkit-scrollbar { width: 0 } article .sop-check:dir(ltr) { opacity: 0 }"),
    (BLOCKS, '<ol class="sop-steps{% if depth %} sop-substeps{% endif %}">',
     '<details><summary>Trinn</summary><ol class="sop-steps">'),  # a closed <details>
    (BLOCKS, '<ol class="sop-steps{% if depth %} sop-substeps{% endif %}">',
     '<style>.sop-x li { display: none }</style><ol class="sop-steps sop-x">'),
    ("templates/overrides/main.html", "{% block header %}",
     '{% block container %}<div style="display:none">{{ super() }}</div>{% endblock %}\n'
     "{% block header %}"),  # an ancestor of the article
])
def test_text_hidden_any_way_does_not_count(tmp_path, path, old, new, request):
    root = _project(tmp_path, request)
    target = root / path
    if old is None:
        target.write_text(target.read_text(encoding="utf-8") + "\n" + new + "\n",
                          encoding="utf-8")
    else:
        edit(target, old, new)
    with pytest.raises(SopkitError, match=STEP.format(artefact="page")):
        build_site(Project(root))


@pytest.mark.parametrize(("sheet", "link"), [
    ("templates/assets/egne/ekstra.css", "assets/egne/ekstra.css"),
    ("templates/overrides/assets/ekstra.css", "assets/ekstra.css"),
])
def test_a_stylesheet_linked_by_extra_css_is_read(tmp_path, request, sheet, link):
    """A stylesheet of the project's own that mkdocs.yml's extra_css links into every page
    (from templates/assets/, or from the theme's folder of overrides) is read like the
    handbook's own."""
    root = _project(tmp_path, request)
    (root / sheet).parent.mkdir(parents=True, exist_ok=True)
    (root / sheet).write_text(".sop-steps { display: none; }\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nextra_css:\n  - {link}\n",
                      encoding="utf-8")
    with pytest.raises(SopkitError, match=STEP.format(artefact="page")):
        build_site(Project(root))


def test_nested_rules_hide_what_they_hide_in_a_browser_only(tmp_path, request):
    """A rule nested in another (CSS nesting) hides what it selects under that rule, not
    the rule's own element: Material's sidebar may hide its items."""
    root = _project(tmp_path, request)
    css = root / CSS
    css.write_text(css.read_text(encoding="utf-8") + "\n.md-sidebar { li { display: none; } }"
                   "\n.md-typeset { & .sop-nothing { display: none; } }\n", encoding="utf-8")
    build_site(Project(root))


def test_a_media_rule_for_another_medium_hides_nothing(tmp_path, request):
    """A rule for a medium staff do not read a page on (speech, or none) does not hide
    the text from them."""
    root = _project(tmp_path, request)
    css = root / CSS
    css.write_text(css.read_text(encoding="utf-8") + "\n@media speech { .sop-steps { display: "
                   "none; } }\n@media tv, not all { .sop-check { display: none; } }\n",
                   encoding="utf-8")
    build_site(Project(root))


def test_remembered_page_checks_are_the_checks_made_afresh(verified, tmp_path):
    """What each page must show and was found to show is kept by what the page shows and
    its procedure's content, and found by the page's bytes; kept or damaged, the evidence
    is the same as worked out anew."""
    root, _ = verified
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    kept = copy / "build" / "cache" / "page-checks.json"

    def evidence() -> object:
        result = CliRunner().invoke(cli, ["--project", str(copy), "verify", "--format", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    kept.unlink()
    afresh = evidence()
    checksum, body = kept.read_bytes().split(b"\n", 1)
    assert hashlib.sha256(body).hexdigest().encode() == checksum
    kept_index = json.loads(body)
    # each page's bytes -> the key of what it shows -> its checks
    links = {key: view for key, view in kept_index.items() if isinstance(view, str)}
    entries = {key: checks for key, checks in kept_index.items() if isinstance(checks, list)}
    pages = [r for r in afresh if r["artefact"] in ("page", "draft page")  # type: ignore
             or r["artefact"].startswith("revision ")]  # type: ignore
    assert len(pages) >= 4 and len(links) == len(pages)
    assert set(links.values()) == set(entries) and len(kept_index) == len(links) + len(entries)
    assert any(item[:2] == ["step", "register-case"] for entry in entries.values()
               for item in entry)
    assert evidence() == afresh
    for damaged in ({**links, **{key: [["step", "x", "y", "ja"]] for key in entries}},  # not a bool
                    {**links, **{key: [["step", "x", "y"]] for key in entries}},  # cut short
                    {**{key: "0" * 64 for key in links}, **entries},  # leads nowhere
                    {**{key: ["x"] for key in links}, **entries}):  # not a key
        body = json.dumps(damaged).encode()
        kept.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        assert evidence() == afresh
    kept.write_text(json.dumps({key: [] for key in entries}), encoding="utf-8")
    assert evidence() == afresh  # an edited file: its checksum is wrong, nothing is used


def test_pages_read_by_several_processes_give_the_same_evidence(verified, tmp_path,
                                                                monkeypatch):
    """After a change every page shows, a worker process reads the first pages while the
    build reads the others."""
    site_verify = importlib.import_module("sopkit.outputs.site.verify")
    root, alone = verified
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    monkeypatch.setattr(site_verify, "PAGES_PER_PROCESS", 1)
    monkeypatch.setattr(site_verify, "CHUNK", 1)  # 4 pages: the worker gets the first two
    here: list[int] = []
    read = site_verify._view

    def slowly(page: bytes) -> object:  # the worker starts before this is done
        here.append(len(page))
        time.sleep(1.5)
        return read(page)

    monkeypatch.setattr(site_verify, "_view", slowly)  # here, not in the worker

    def evidence() -> tuple[int, str]:
        (copy / "build" / "cache" / "page-checks.json").unlink()
        here.clear()
        result = CliRunner().invoke(cli, ["--project", str(copy), "verify", "--format", "json"])
        assert len(here) == 2, here  # D31044 and D40210 here, D10001 and D29653 there
        return result.exit_code, result.output

    code, output = evidence()
    assert code == 0, output
    assert {f"{r['id']} {r['artefact']}": r for r in json.loads(output)} == alone
    page = copy / "site" / "dokumenter" / "D29653.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "Sakene meldes inn via Min Sykehuspartner.", ""), encoding="utf-8")
    code, output = evidence()
    assert code == 1
    page_report = next(r for r in json.loads(output)
                       if r["id"] == "D29653" and r["artefact"] == "page")
    assert [c["key"] for c in page_report["checks"] if not c["found"]] == ["register-case"]


def test_a_new_site_name_is_not_read_again_but_what_hides_from_around_is(tmp_path,
                                                                          monkeypatch, request):
    """After a change every page shows where nothing is read (the site's name in Material's
    header and title), the proof keeps the pages' checks; a change around the article
    that hides it, after such a build, fails the next as it fails a first."""
    site_verify = importlib.import_module("sopkit.outputs.site.verify")
    root = _project(tmp_path, request)
    css = root / CSS
    css.write_text(css.read_text(encoding="utf-8") + '\n[data-modus="stille"] .sop-steps '
                   "{ display: none; }\n", encoding="utf-8")  # nothing has it yet
    build_site(Project(root), jobs=1)
    read: list[str] = []
    page_reading = site_verify.page_reading

    def counted(html: str, *args: object, **kwargs: object) -> object:
        read.append(re.search(r"<h1[^>]*>([^<]*)", html).group(1))  # type: ignore[union-attr]
        return page_reading(html, *args, **kwargs)

    monkeypatch.setattr(site_verify, "page_reading", counted)
    edit(root / "mkdocs.yml", "site_name: Kvalitetshåndbok for laboratoriene",
         "site_name: Kvalitetshåndboka")
    build_site(Project(root), jobs=1)
    page = (root / "site" / "dokumenter" / "D29653.html").read_text(encoding="utf-8")
    assert "Kvalitetshåndboka" in page and "for laboratoriene" not in page
    # read again: only D40210's page, which has figures (their bytes are in no key)
    assert read == ["Merking av prøverør når Unilab er nede"]

    main = root / "templates" / "overrides" / "main.html"
    for wrapper in ('<div data-modus="stille">', '<div class="sop-print-footer">'):
        edit(main, "{% block header %}", "{% block container %}" + wrapper
             + "{{ super() }}</div>{% endblock %}\n{% block header %}")
        with pytest.raises(SopkitError, match=STEP.format(artefact="page")):
            build_site(Project(root), jobs=1)
        edit(main, "{% block container %}" + wrapper + "{{ super() }}</div>{% endblock %}\n",
             "")
        build_site(Project(root), jobs=1)
