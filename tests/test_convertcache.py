"""Pages' conversions from Markdown and their search entries, kept between builds
(``sopkit.outputs.site.convertcache``): a change every page shows but no page's
Markdown renders every page again without converting any, and what a conversion
reads besides the Markdown (the files a link points at, the Markdown extensions'
options) makes it again. Real MkDocs builds of a small site, one process; the
byte-for-byte comparison with clean builds after each kind of change is in
``test_incremental.py``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import markdown
import pytest

from conftest import FIXED_EPOCH, REPO, assert_same_files, edit
from sopkit.outputs.site import generator
from sopkit.outputs.site.nav import NavPage
from sopkit.outputs.site.pagecache import PageCache
from sopkit.source.errors import SopkitError

pytestmark = pytest.mark.slow

PAGES = {"index.md": "# Forside\n\nSe [Beta](beta.md).\n",
         "beta.md": "# Beta\n\n## Avsnitt\n\nTekst om beta, *viktig*.\n",
         "gamma.md": ("---\nsearch:\n  boost: 2\n---\n\n# Gamma\n\n"
                      "Se [avsnittet](beta.md#avsnitt).\n")}
NAV = [NavPage("index.md", "Forside"), NavPage("beta.md", "Beta"), NavPage("gamma.md")]


class Site:
    """A docs folder, its mkdocs.yml and caches, built as sopkit builds."""

    def __init__(self, root: Path, pages: dict[str, str] = PAGES) -> None:
        self.root = root
        self.config = root / "mkdocs.yml"
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "mkdocs.yml", self.config)
        shutil.copytree(REPO / "templates" / "overrides", root / "templates" / "overrides")
        for name, text in pages.items():
            (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "docs" / name).write_text(text, encoding="utf-8")

    @property
    def converted(self) -> Path:
        return self.root / "cache" / "converted"

    def build(self, nav: list[NavPage] = NAV, *, cached: bool = True) -> Path:
        site = self.root / ("site" if cached else "clean")
        shutil.rmtree(site, ignore_errors=True)
        self.rendered = sum(generator.mkdocs_build(
            self.config, self.root / "docs", site, nav, jobs=1,
            cache=PageCache(self.root / "cache" / "pages") if cached else None,
            converted=self.converted if cached else None))
        return site


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every page Python-Markdown converts in this process, by its first line."""
    made: list[str] = []
    convert = markdown.Markdown.convert

    def counting(self: markdown.Markdown, source: str) -> str:
        made.append(source.strip().splitlines()[0] if source.strip() else "")
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    return made


def test_a_change_every_page_shows_converts_no_page_again(tmp_path, conversions):
    site = Site(tmp_path)
    site.build()
    assert sorted(conversions) == ["# Beta", "# Forside", "# Gamma"]
    edit(site.config, "site_name: ", "site_name: Ny ")
    conversions.clear()
    built = site.build()
    assert conversions == []  # every page rendered again, none converted
    assert "Ny Kvalitetshåndbok" in (built / "beta.html").read_text(encoding="utf-8")
    assert_same_files(built, site.build(cached=False))


def test_an_option_of_a_markdown_extension_converts_every_page_again(tmp_path, conversions):
    site = Site(tmp_path)
    site.build()
    edit(site.config, "permalink: false", "permalink: true")
    conversions.clear()
    built = site.build()
    assert sorted(conversions) == ["# Beta", "# Forside", "# Gamma"]
    assert 'class="headerlink"' in (built / "beta.html").read_text(encoding="utf-8")
    assert_same_files(built, site.build(cached=False))


def test_a_link_to_a_page_removed_is_found_again(tmp_path, conversions):
    """index.md's Markdown is unchanged, but the page it links to is gone: converting it
    again is what finds that (a link to a missing file fails the build)."""
    site = Site(tmp_path)
    site.build()
    (tmp_path / "docs" / "beta.md").unlink()
    for _ in range(2):  # and again: a conversion that warned is not kept
        with pytest.raises(SopkitError, match=r"index\.md.*beta\.md"):
            site.build([NavPage("index.md", "Forside"), NavPage("gamma.md")])


def test_a_page_added_converts_no_other_page_again(tmp_path, conversions):
    """The new page is in every page's navigation, so every page is rendered again; the
    others' conversions did not look it up and are taken as kept (a draft started, a
    procedure added)."""
    site = Site(tmp_path)
    site.build()
    (tmp_path / "docs" / "delta.md").write_text("# Delta\n\nNy side.\n", encoding="utf-8")
    nav = [*NAV, NavPage("delta.md", "Delta")]
    conversions.clear()
    built = site.build(nav)
    assert conversions == ["# Delta"]
    assert "delta.html" in (built / "beta.html").read_text(encoding="utf-8")  # in its nav
    assert_same_files(built, site.build(nav, cached=False))


def test_a_link_whose_target_appears_is_converted_again(tmp_path, conversions):
    """A link without an extension to a file that is not there is left as it is (MkDocs
    tells it at INFO level); when the file appears, the page that links to it is
    converted again, and only that one."""
    pages = {**PAGES, "index.md": "# Forside\n\nSe [Beta](beta.md) og [skjema](skjema).\n"}
    site = Site(tmp_path, pages)
    site.build()
    (tmp_path / "docs" / "skjema").write_text("skjema\n", encoding="utf-8")
    edit(site.config, "site_name: ", "site_name: Ny ")  # every page rendered again
    conversions.clear()
    built = site.build()
    assert conversions == ["# Forside"]
    assert (built / "skjema").is_file()
    assert_same_files(built, site.build(cached=False))


@pytest.mark.parametrize("described", [True, False])
def test_a_page_linking_to_a_file_that_appears_is_built_again(tmp_path, conversions,
                                                              described):
    """Neither the page's Markdown nor the navigation changed, but the link's target is
    there now: MkDocs writes the link out differently (``./skjema`` becomes ``skjema``).
    The page is taken from the page cache only while the files its conversion looked up
    are there or not as they were; when those are not known (a configuration the
    conversion cache cannot describe), only while the docs folder holds the same files."""
    pages = {**PAGES, "index.md": "# Forside\n\nSe [Beta](beta.md) og [skjema](./skjema).\n"}
    site = Site(tmp_path, pages)
    if not described:
        _undescribable(site)
    site.build()
    (tmp_path / "docs" / "skjema").write_text("skjema\n", encoding="utf-8")
    conversions.clear()
    built = site.build()
    if described:
        assert conversions == ["# Forside"]  # the other pages are taken whole
    else:  # every page might depend on the new file
        assert sorted(conversions) == ["# Beta", "# Forside", "# Gamma"]
    clean = site.build(cached=False)
    assert 'href="./skjema"' not in (clean / "index.html").read_text(encoding="utf-8")
    assert_same_files(built, clean)


def test_a_page_linking_to_a_file_of_the_theme_is_taken_from_the_cache(tmp_path):
    """Material's favicon is a file of the site but not of the docs folder: the page that
    links to it is taken whole from the next build on, like any other."""
    pages = {**PAGES, "index.md": "# Forside\n\n![Ikon](assets/images/favicon.png)\n"}
    site = Site(tmp_path, pages)
    built = site.build()
    assert 'src="assets/images/favicon.png"' in (built / "index.html").read_text(
        encoding="utf-8")
    assert site.rendered == 3
    site.build()
    assert site.rendered == 0
    (tmp_path / "docs" / "assets" / "images").mkdir(parents=True)  # now the docs' own
    (tmp_path / "docs" / "assets" / "images" / "favicon.png").write_bytes(b"\x89PNG\r\n")
    built = site.build()
    assert site.rendered == 1  # the page that links to it
    assert_same_files(built, site.build(cached=False))


def test_a_conversion_that_asked_the_files_more_is_not_kept(tmp_path, conversions,
                                                           monkeypatch):
    """Here MkDocs' link rewriting also asks how many files the site has: the page may
    depend on all of them, so its conversion is not kept, and its page is taken from the
    page cache only while the docs folder holds the same files."""
    from mkdocs.structure import pages as mkdocs_pages

    run = mkdocs_pages._RelativePathTreeprocessor.run

    def counting(self, root):
        len(self.files)
        return run(self, root)

    monkeypatch.setattr(mkdocs_pages._RelativePathTreeprocessor, "run", counting)
    site = Site(tmp_path)
    site.build()
    from sopkit.cachefiles import read_index

    records = [read_index(path) for path in site.converted.glob("*.json")]
    assert records and not [r for r in records if "content" in r]  # search entries only
    (tmp_path / "docs" / "vedlegg.txt").write_text("vedlegg\n", encoding="utf-8")
    conversions.clear()
    built = site.build()
    assert sorted(conversions) == ["# Beta", "# Forside", "# Gamma"]
    assert_same_files(built, site.build(cached=False))


def _undescribable(site: Site) -> None:
    """An option of the conversion the key cannot describe: no conversion is kept."""
    text = site.config.read_text(encoding="utf-8")
    start = text.index("      slugify: ")
    end = text.index("case: lower", start) + len("case: lower")
    site.config.write_text(text[:start] + '      slugify: !!python/object/apply:getattr '
                           '["{}{}", "format"]' + text[end:], encoding="utf-8")


def test_damaged_records_are_made_again(tmp_path, conversions):
    from sopkit.cachefiles import read_index

    site = Site(tmp_path)
    site.build()
    records = sorted(site.converted.glob("*.json"))
    assert len(records) == 6  # a conversion and the search entries of each page
    pages = [r for r in records if "content" in read_index(r)]
    searches = [r for r in records if "entries" in read_index(r)]
    assert len(pages) == len(searches) == 3
    pages[0].write_bytes(b"")  # cut short
    pages[1].write_text("0" * 64 + '\n{"content": 1}', encoding="utf-8")  # checksum wrong
    searches[0].write_bytes(searches[0].read_bytes().replace(b"\n", b"\n ", 1))  # changed
    edit(site.config, "site_name: ", "site_name: Ny ")
    conversions.clear()
    built = site.build()
    assert len(conversions) == 2
    assert_same_files(built, site.build(cached=False))
    assert len(sorted(site.converted.glob("*.json"))) == 6


def test_records_of_pages_taken_whole_are_kept_and_no_others(tmp_path, conversions,
                                                            monkeypatch):
    """A rebuild that renders one page keeps the records the other pages were made
    with (a later change every page shows still converts none), writes none for
    them, and drops the ones no page was made with any more."""
    from sopkit.outputs.site.convertcache import ConvertCache

    site = Site(tmp_path)
    site.build()
    before = {path.name for path in site.converted.glob("*.json")}
    edit(tmp_path / "docs" / "beta.md", "Tekst om beta", "Ny tekst om beta")
    written: list[str] = []
    put = ConvertCache.put
    monkeypatch.setattr(ConvertCache, "put", lambda self, key, record: (
        written.append(key), put(self, key, record))[-1])
    conversions.clear()
    site.build()
    assert conversions == ["# Beta"]  # index.md comes whole; gamma.md's title from its record
    assert len(written) == 2  # beta's conversion and search entries
    after = {path.name for path in site.converted.glob("*.json")}
    assert len(before - after) == 2 and len(after - before) == 2  # beta's, old and new
    edit(site.config, "site_name: ", "site_name: Ny ")
    conversions.clear()
    built = site.build()
    assert conversions == []
    assert_same_files(built, site.build(cached=False))


def test_a_configuration_it_cannot_describe_converts_every_time(tmp_path, conversions):
    """An option whose value the key cannot describe (here a method bound to a value:
    its name does not say which value) leaves every page converted anew."""
    site = Site(tmp_path)
    _undescribable(site)
    built = site.build()
    assert 'id="Avsnitt-"' in (built / "beta.html").read_text(encoding="utf-8")
    assert not list(site.converted.glob("*.json"))
    edit(site.config, "site_name: ", "site_name: Ny ")
    conversions.clear()
    site.build()
    assert sorted(conversions) == ["# Beta", "# Forside", "# Gamma"]


@pytest.mark.parametrize("value", [
    '!!python/object/apply:getattr ["{}{}", "format"]',  # bound to a value
    "!!python/object/apply:functools.partial [!!python/object/apply:getattr "
    '["{}{}", "format"]]',  # the same, wrapped
    "!!python/object/apply:operator.methodcaller [lower]",  # no name of its own
])
def test_values_the_key_cannot_tell_apart_are_not_described(value):
    """Described by name, two different values would share a key."""
    import yaml

    from sopkit.outputs.site.generator import _plain

    loaded = yaml.load(f"value: {value}", Loader=yaml.UnsafeLoader)["value"]
    with pytest.raises(TypeError):
        json.dumps(loaded, default=_plain)  # as the key is made


def test_a_closure_is_not_described_by_its_name():
    from pymdownx.slugs import slugify

    from sopkit.outputs.site.generator import _plain

    def make(case: str):  # a factory, as !!python/object/apply can call one
        def slug(text: str, separator: str) -> str:
            return getattr(text, case)()
        return slug

    for value in (make("lower"), lambda text, separator: text, str.lower):
        with pytest.raises(TypeError):
            json.dumps(value, default=_plain)
    assert _plain(slugify(case="lower")) == {  # what mkdocs.yml gives: described
        "partial": slugify(case="lower").func, "args": (),
        "keywords": slugify(case="lower").keywords}
    described = [json.dumps(slugify(case=case), default=_plain) for case in ("lower", "lower",
                                                                             "upper")]
    assert described[0] == described[1] != described[2]  # the same option, the same key


def test_a_markdown_extension_from_another_package_turns_the_caches_off(tmp_path,
                                                                         conversions):
    """Its version is not in the keys: an upgrade could change every page unseen."""
    site = Site(tmp_path)
    package = tmp_path / "lokal_utvidelse.py"
    package.write_text("from markdown.extensions import Extension\n\n\n"
                       "class Utvidelse(Extension):\n"
                       "    def extendMarkdown(self, md):\n        pass\n\n\n"
                       "def makeExtension(**kwargs):\n    return Utvidelse(**kwargs)\n",
                       encoding="utf-8")
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        edit(site.config, "  - pymdownx.superfences\n",
             "  - pymdownx.superfences\n  - lokal_utvidelse\n")
        site.build()
        conversions.clear()
        site.build()
        assert sorted(conversions) == ["# Beta", "# Forside", "# Gamma"]  # no page cache
        assert not list(site.converted.glob("*.json"))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("lokal_utvidelse", None)


@pytest.mark.parametrize("ask", [list, len, lambda files: "a.md" in files,
                                 lambda files: files.documentation_pages()])
def test_a_conversion_that_asks_the_files_more_than_a_path_is_not_kept(ask):
    """Only looked-up paths are recorded: anything else the conversion asks might depend
    on every file of the site."""
    from mkdocs.structure.files import File, Files

    from sopkit.outputs.site.generator import _Lookups

    file = File("a.md", "/docs", "/site", use_directory_urls=False)
    lookups = _Lookups(Files([file]))
    assert lookups.get_file_from_path("a.md") is file
    assert lookups.get_file_from_path("b.md") is None
    assert lookups.whole
    assert lookups.found == {"a.md": ["a.md", "a.html", "a.html", file.inclusion.value],
                             "b.md": None}
    ask(lookups)
    assert not lookups.whole
