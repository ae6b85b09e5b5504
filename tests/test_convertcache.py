"""Pages' conversions from Markdown and their search entries, kept between builds
(``sopkit.outputs.site.convertcache``): a change every page shows but no page's
Markdown renders every page again without converting any, and what a conversion
reads besides the Markdown (the files a link points at, the Markdown extensions'
options) makes it again. Real MkDocs builds of a small site, one process; the
byte-for-byte comparison with clean builds after each kind of change is in
``test_incremental.py``."""

from __future__ import annotations

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
        generator.mkdocs_build(
            self.config, self.root / "docs", site, nav, jobs=1,
            cache=PageCache(self.root / "cache" / "pages") if cached else None,
            converted=self.converted if cached else None)
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
    with pytest.raises(SopkitError, match=r"index\.md.*beta\.md"):
        site.build([NavPage("index.md", "Forside"), NavPage("gamma.md")])


def test_damaged_records_are_made_again(tmp_path, conversions):
    site = Site(tmp_path)
    site.build()
    records = sorted(site.converted.glob("*.json"))
    assert len(records) == 6  # a conversion and the search entries of each page
    records[0].write_bytes(b"")  # cut short
    records[1].write_bytes(records[1].read_bytes().replace(b"Beta", b"Bet\\u0061 "))
    records[2].write_text("0" * 64 + '\n{"content": 1}', encoding="utf-8")
    edit(site.config, "site_name: ", "site_name: Ny ")
    conversions.clear()
    built = site.build()
    assert 0 < len(conversions) <= 3
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
    text = site.config.read_text(encoding="utf-8")
    start = text.index("      slugify: ")
    end = text.index("case: lower", start) + len("case: lower")
    site.config.write_text(text[:start] + '      slugify: !!python/object/apply:getattr '
                           '["{}{}", "format"]' + text[end:], encoding="utf-8")
    built = site.build()
    assert 'id="Avsnitt-"' in (built / "beta.html").read_text(encoding="utf-8")
    assert not list(site.converted.glob("*.json"))
    edit(site.config, "site_name: ", "site_name: Ny ")
    conversions.clear()
    site.build()
    assert sorted(conversions) == ["# Beta", "# Forside", "# Gamma"]
