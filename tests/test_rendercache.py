"""Procedure pages' Markdown kept between builds (:mod:`sopkit.outputs.site.rendercache`):
a page is rendered again whenever anything its template is given, the templates or the
page's file changed; never from a value whose content cannot be told."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from markupsafe import Markup

from conftest import FIXED_EPOCH, edit
from gitrepo import init
from sopkit.cachefiles import write_index
from sopkit.cli import cli
from sopkit.outputs.site import rendercache
from sopkit.outputs.site.pages import write_docs
from sopkit.outputs.site.rendercache import RenderCache, Uncacheable, fingerprint
from sopkit.outputs.templates import render

CODE = ("sopkit.outputs.site.pages",)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "side.md.j2").write_text(
        "# {{ title }}\n{% for item in items %}- {{ item }}\n{% endfor %}{{ note }}\n",
        encoding="utf-8")
    return folder


def _build(tmp_path: Path, templates: Path, **context: object) -> tuple[str, int]:
    """One build's rendering of one page, as the pipeline does it: render, write the
    docs file, keep the index."""
    docs = tmp_path / "docs"
    kept = RenderCache(tmp_path / "cache" / "markdown.json", docs, templates, CODE)
    text = kept.render("site/side.md.j2", page="dokumenter/D1.md", **context)
    (docs / "dokumenter").mkdir(parents=True, exist_ok=True)
    (docs / "dokumenter" / "D1.md").write_text(text, encoding="utf-8")
    kept.save()
    return text, kept.rendered


BASE: dict[str, object] = {"title": "Melding", "items": ["Ring OK", "Skriv sak"], "note": ""}


def test_the_same_input_is_not_rendered_again(tmp_path, templates):
    first, rendered = _build(tmp_path, templates, **BASE)
    assert rendered == 1
    assert first == "# Melding\n- Ring OK\n- Skriv sak\n\n"
    again, rendered = _build(tmp_path, templates, **BASE)
    assert (again, rendered) == (first, 0)


@pytest.mark.parametrize("change", [
    {"title": "Melding av hastesaker"},
    {"items": ["Ring OK", "Skriv saken"]},
    {"items": ("Ring OK", "Skriv sak")},  # another kind of sequence
    {"note": Markup("<b>Viktig</b>")},  # markup is not escaped: another page
    {"extra": dt.date(2026, 12, 2)},
])
def test_any_change_to_the_input_renders_again(tmp_path, templates, change):
    _build(tmp_path, templates, **BASE)
    text, rendered = _build(tmp_path, templates, **{**BASE, **change})
    assert rendered == 1
    assert text == _fresh(templates, **{**BASE, **change})


def test_a_value_derived_from_others_is_keyed_by_them(tmp_path, templates):
    """``derived``: the caller works it out from values in the key, by code in the salt
    (a procedure's sections in the page's order); it is not fingerprinted again."""
    docs = tmp_path / "docs"

    def once(**context: object) -> int:
        kept = RenderCache(tmp_path / "cache" / "markdown.json", docs, templates, CODE)
        text = kept.render("site/side.md.j2", derived=("items",), page="dokumenter/D1.md",
                           **context)
        (docs / "dokumenter").mkdir(parents=True, exist_ok=True)
        (docs / "dokumenter" / "D1.md").write_text(text, encoding="utf-8")
        kept.save()
        return kept.rendered

    items = ["Ring OK", object()]  # not to be fingerprinted: still kept
    assert once(**{**BASE, "items": items}) == 1
    assert once(**{**BASE, "items": items}) == 0
    assert once(**{**BASE, "items": items, "title": "Endret"}) == 1


def test_a_changed_template_renders_again(tmp_path, templates):
    _build(tmp_path, templates, **BASE)
    (templates / "site" / "_ny.md.j2").write_text("ny\n", encoding="utf-8")  # any file
    _, rendered = _build(tmp_path, templates, **BASE)
    assert rendered == 1


@pytest.mark.parametrize("damage", ["edited", "removed", "index"])
def test_a_page_file_or_index_not_whole_renders_again(tmp_path, templates, damage):
    first, _ = _build(tmp_path, templates, **BASE)
    page = tmp_path / "docs" / "dokumenter" / "D1.md"
    if damage == "edited":
        page.write_text(first.replace("Ring OK", "Ring ikke"), encoding="utf-8")
    elif damage == "removed":
        page.unlink()
    else:
        write_index(tmp_path / "cache" / "markdown.json", {"whatever": 1})
    text, rendered = _build(tmp_path, templates, **BASE)
    assert (text, rendered) == (first, 1)


def test_a_value_of_unknown_content_is_always_rendered(tmp_path, templates):
    class Opaque:
        def __str__(self) -> str:
            return "Ring OK"

    for _ in range(2):
        text, rendered = _build(tmp_path, templates, **{**BASE, "items": [Opaque()]})
        assert rendered == 1
        assert "- Ring OK" in text


class Pair(NamedTuple):
    a: str
    b: str


@pytest.mark.parametrize(("one", "other"), [
    ("1", 1), (Markup("x"), "x"), ([1, 2], (1, 2)), ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    (("a", "b"), Pair("a", "b")), (["ab", "c"], ["a", "bc"]), (True, 1), (None, "None"),
    (b"a", b"b"), (Path("a/b"), "a/b"), (Path("a/b"), Path("a/c")),
])
def test_values_that_show_differently_have_different_fingerprints(one, other):
    assert fingerprint(one) != fingerprint(other)


@pytest.mark.parametrize("value", [{1, 2}, object(), lambda: 1, {"a": {1}}])
def test_values_of_unknown_content_have_no_fingerprint(value):
    with pytest.raises(Uncacheable):
        fingerprint(value)


def _fresh(templates: Path, **context: object) -> str:
    return render(templates, "site/side.md.j2", page="dokumenter/D1.md", **context)


@pytest.mark.slow
def test_a_build_renders_only_the_pages_whose_input_changed(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    init(project)
    rendered: list[str] = []
    real = rendercache.render

    def counting(templates: Path, name: str, **context: object) -> str:
        rendered.append(str(context.get("page")))
        return real(templates, name, **context)

    monkeypatch.setattr(rendercache, "render", counting)

    def build() -> list[str]:
        rendered.clear()
        result = CliRunner().invoke(cli, ["--project", str(project), "build"])
        assert result.exit_code == 0, result.output
        return sorted(rendered)

    documents = sorted((project / "procedure" / "documents").glob("*.yml"))
    first = build()
    folders = [page for page in first if page.startswith("mapper/")]
    assert {page for page in first if page not in folders} == {
        f"dokumenter/{doc.name.split('-')[0]}.md" for doc in documents}
    assert folders and len(first) == len(documents) + len(folders)
    assert build() == []
    assert CliRunner().invoke(cli, ["--project", str(project), "draft", "D31044"]
                              ).exit_code == 0
    # Its page links to the draft, which gets a page of its own.
    assert build() == ["dokumenter/D31044.md", "utkast/D31044.md"]
    doc = project / "procedure" / "documents" / "D31044-nedetid-unilab.yml"
    text = doc.read_text(encoding="utf-8")
    step = re.search(r"(?m)^( +text: )(.+)$", text[text.index("steps:"):])
    assert step
    edit(doc, step.group(0), step.group(0) + " Straks.")
    assert build() == ["dokumenter/D31044.md", "utkast/D31044.md"]
    page = (project / "site" / "utkast" / "D31044.html").read_text(encoding="utf-8")
    assert "Straks." in page


def test_pages_found_whole_are_named_for_write_docs(tmp_path, templates):
    _build(tmp_path, templates, **BASE)
    kept = RenderCache(tmp_path / "cache" / "markdown.json", tmp_path / "docs", templates, CODE)
    kept.render("site/side.md.j2", page="dokumenter/D1.md", **BASE)
    kept.render("site/side.md.j2", page="dokumenter/D2.md", **BASE)  # never built
    assert list(kept.unchanged) == ["dokumenter/D1.md"]


def test_write_docs_reads_only_pages_not_given_as_found_whole(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("gammel", encoding="utf-8")
    (docs / "b.md").write_text("gammel", encoding="utf-8")
    same = "gammel"
    # b.md is said to hold "gammel", but files now has another text for it: written.
    write_docs(docs, {"a.md": same, "b.md": "ny"}, unchanged={"a.md": same, "b.md": "gammel"})
    assert (docs / "b.md").read_text(encoding="utf-8") == "ny"
    (docs / "a.md").write_text("endret bak ryggen", encoding="utf-8")
    write_docs(docs, {"a.md": same, "b.md": "ny"}, unchanged={"a.md": same})
    assert (docs / "a.md").read_text(encoding="utf-8") == "endret bak ryggen"  # trusted
    write_docs(docs, {"a.md": same, "b.md": "ny"})
    assert (docs / "a.md").read_text(encoding="utf-8") == "gammel"
