"""render_cards: every card of the library, cached on content, in parallel."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import Result

from conftest import edit
from sopkit import cachefiles
from sopkit.outputs.card import cache as cards
from sopkit.outputs.card.cache import render_cards
from sopkit.outputs.card.layout import CardRenderer
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library, read_library
from sopkit.source.project import Project

PRINTED = dt.date(2026, 11, 25)


@pytest.fixture
def second(project: Path, seed_file: Path, run: Callable[..., Result]) -> Path:
    """A second procedure, D29654: a copy of the seed, as a draft."""
    path = seed_file.with_name("D29654-kopi.yml")
    shutil.copy(seed_file, path)
    edit(path, "id: D29653", "id: D29654")
    assert run("draft", "D29654").exit_code == 0
    return path


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Labels of the cards rendered in this process."""
    done: list[str] = []
    original = CardRenderer.render

    def counting(self: CardRenderer, html: str, sizes: Sequence[str], doc_id: str
                 ) -> dict[str, bytes]:
        done.extend(f"{doc_id} ({size})" for size in sizes)
        return original(self, html, sizes, doc_id)

    monkeypatch.setattr(CardRenderer, "render", counting)
    return done


def _library(project: Path) -> tuple[Project, Library]:
    proj = Project(project)
    return proj, read_library(proj.procedures, on=PRINTED)


def _build(project: Path, out: Path, jobs: int = 1, **kwargs: object) -> list[Path]:
    proj, library = _library(project)
    return render_cards(library, proj, out, jobs=jobs, **kwargs)  # type: ignore[arg-type]


@pytest.mark.cold
def test_writes_every_size_of_every_card(project: Path, tmp_path: Path,
                                         renders: list[str]) -> None:
    out = tmp_path / "docs"
    written = _build(project, out)
    assert written == [out / "kort" / f"{doc}-{size}.pdf"
                       for doc in ("D29653", "D31044", "D40210") for size in ("A4", "A5")]
    assert all(path.read_bytes().startswith(b"%PDF-1.7") for path in written)
    assert len(list((project / "build" / "cache" / "cards").glob("*.pdf"))) == 6
    assert sorted(renders) == ["D29653 (A4)", "D29653 (A5)", "D31044 (A4)", "D31044 (A5)",
                               "D40210 (A4)", "D40210 (A5)"]


def test_sizes_come_from_the_card_definition(project: Path, seed_file: Path,
                                             run: Callable[..., Result], tmp_path: Path) -> None:
    assert run("draft", "D29653").exit_code == 0
    edit(seed_file, "  contact: Brukerstøtte\n", "  contact: Brukerstøtte\n  sizes: [A5]\n")
    assert [p.name for p in _build(project, tmp_path / "docs")] == [
        "D29653-A5.pdf", "D31044-A4.pdf", "D31044-A5.pdf", "D40210-A4.pdf", "D40210-A5.pdf"]


@pytest.mark.cold
def test_rebuild_renders_only_what_changed(project: Path, second: Path, tmp_path: Path,
                                           renders: list[str]) -> None:
    out = tmp_path / "docs"
    _build(project, out)
    assert len(renders) == 8
    before = {p.name: p.read_bytes() for p in (out / "kort").iterdir()}

    renders.clear()
    _build(project, out)
    assert renders == []
    assert {p.name: p.read_bytes() for p in (out / "kort").iterdir()} == before

    edit(second, "card: Meld saken i Min Sykehuspartner.", "card: Meld saken i Min Sykehuspartner!")
    _build(project, out)
    assert sorted(renders) == ["D29654 (A4)", "D29654 (A5)"]
    assert (out / "kort" / "D29653-A4.pdf").read_bytes() == before["D29653-A4.pdf"]
    assert (out / "kort" / "D29654-A4.pdf").read_bytes() != before["D29654-A4.pdf"]
    # Old cache entries are dropped: one per card that exists.
    assert len(list((project / "build" / "cache" / "cards").glob("*.pdf"))) == 8


def test_a_changed_stylesheet_renders_every_card_again(project: Path, tmp_path: Path,
                                                       renders: list[str]) -> None:
    _build(project, tmp_path / "docs")
    renders.clear()
    css = project / "templates" / "card" / "card.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh2 { font-weight: 400; }\n",
                   encoding="utf-8")
    _build(project, tmp_path / "docs")
    assert len(renders) == 6


def test_cards_that_no_longer_exist_are_removed(project: Path, second: Path,
                                                tmp_path: Path) -> None:
    out = tmp_path / "docs"
    _build(project, out)
    (out / "kort" / "les-meg.txt").write_text("not a card", encoding="utf-8")
    second.unlink()
    _build(project, out)
    assert sorted(p.name for p in (out / "kort").iterdir()) == [
        "D29653-A4.pdf", "D29653-A5.pdf", "D31044-A4.pdf", "D31044-A5.pdf", "D40210-A4.pdf",
        "D40210-A5.pdf", "les-meg.txt"]


@pytest.mark.cold
def test_the_cache_folder_can_be_chosen(project: Path, tmp_path: Path) -> None:
    _build(project, tmp_path / "docs", cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.pdf"))) == 6
    assert not (project / "build").exists()


def test_a_card_that_fails_writes_nothing(project: Path, second: Path, tmp_path: Path) -> None:
    edit(second, "card: Meld saken i Min Sykehuspartner.",
         "card: Meld saken i Min Sykehuspartner. " + "Noter feilmeldingen. " * 60)
    with pytest.raises(SopkitError, match=r"D29654: the wall card does not fit on one A(4|5) page"):
        _build(project, tmp_path / "docs")
    assert not (tmp_path / "docs").exists()


@pytest.mark.slow
def test_two_workers_give_the_same_bytes(project: Path, second: Path, tmp_path: Path) -> None:
    one = _build(project, tmp_path / "one", jobs=1, cache_dir=tmp_path / "cache1")
    two = _build(project, tmp_path / "two", jobs=2, cache_dir=tmp_path / "cache2")
    assert [p.name for p in one] == [p.name for p in two]
    for a, b in zip(one, two, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.slow
def test_errors_in_a_worker_name_the_procedure(project: Path, second: Path,
                                               tmp_path: Path) -> None:
    edit(second, "card: Meld saken i Min Sykehuspartner.",
         "card: Meld saken i Min Sykehuspartner. " + "Noter feilmeldingen. " * 60)
    with pytest.raises(SopkitError, match=r"D29654: the wall card does not fit on one A(4|5) page"):
        _build(project, tmp_path / "docs", jobs=2)


def test_salt_covers_templates_and_site(project: Path) -> None:
    site = "https://kvalitet.sshf.example/handbok/"
    setting = cards.Setting(Project(project), site)
    salt = cards.render_salt(setting)
    assert salt == cards.render_salt(setting)
    assert salt != cards.render_salt(replace(setting, site="https://intranett.example/"))
    (project / "templates" / "card" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    assert cards.render_salt(setting) != salt


def test_salt_covers_every_module_whose_code_reaches_a_card() -> None:
    """The code that shapes a card's HTML or PDF is found from the imports, not listed
    by hand: a hand-kept list once left out the model, whose note labels are printed."""
    src = Path(cards.__file__).resolve().parents[2]
    keyed = {path.resolve().relative_to(src).as_posix() for path in cards.rendering_code()}
    shaping = {
        "outputs/card/content.py",  # what a card says
        "outputs/card/layout.py",  # the PDF
        "outputs/templates.py",  # Jinja filters
        "outputs/urls.py",  # the QR code's address
        "outputs/pdf.py",  # font, fetcher
        "outputs/htmltext.py",  # the phrase check
        "source/model.py",  # NOTE_LABELS ("Viktig:", "Advarsel:")
        "source/text.py",  # Markdown in card text, dates
    }
    assert shaping <= keyed, shaping - keyed
    assert not any(name.startswith("cli/") for name in keyed)
    assert "outputs/site/generator.py" not in keyed  # MkDocs does not shape a card


def test_salt_covers_the_versions_of_the_libraries_that_render(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    setting = cards.Setting(Project(project), "https://kvalitet.sshf.example/handbok/")
    salt = cards.render_salt(setting)
    real = cachefiles.version
    monkeypatch.setattr(cachefiles, "version",
                        lambda name: "0.0" if name == "markdown-it-py" else real(name))
    cachefiles.code_digest.cache_clear()  # a new version comes with a new process
    try:
        assert cards.render_salt(setting) != salt
    finally:
        cachefiles.code_digest.cache_clear()


@pytest.mark.cold
@pytest.mark.slow
def test_a_build_the_next_day_renders_no_card_and_changes_none(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A card depends on the procedure, the templates, the font and site_url, not on
    the day: the first build of a new day used to render every card again."""
    from sopkit.pipeline import build_site

    cards_of = {}
    for day, epoch in (("25.11.2026", "1795608000"), ("26.11.2026", "1795694400")):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        report = build_site(Project(project))
        cards_of[day] = {p.name: p.read_bytes() for p in (project / "site" / "kort").glob("*.pdf")}
        if day == "25.11.2026":
            assert report.cards_rendered == report.cards > 0
        else:
            assert report.cards_rendered == 0 and report.cards == len(cards_of[day])
    assert cards_of["25.11.2026"] == cards_of["26.11.2026"]
