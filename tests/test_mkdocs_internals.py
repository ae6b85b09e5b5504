"""The MkDocs and Material internals sopkit relies on (listed in the docstring of
``sopkit.outputs.site.generator``) are still there, each with a message saying what
breaks. A new pinned version that changes one fails here, by name, before any build
test fails for a reason that is hard to see."""

from __future__ import annotations

import inspect

import pytest


def _source(obj: object) -> str:
    return inspect.getsource(obj)  # type: ignore[arg-type]


def test_mkdocs_tells_which_page_it_renders_and_skips_empty_output():
    import mkdocs.commands.build as build

    assert "config._current_page = page" in _source(build._build_page), (
        "MkDocs no longer sets config._current_page while it renders a page: the generator's "
        "get_template cannot tell which page a template is for (shares, page cache)")
    assert "if output.strip():" in _source(build._build_page), (
        "MkDocs may write a file for empty output: the pages of other shares and cached "
        "pages would be written empty")


def test_a_page_renders_with_config_and_files_and_may_have_its_own_title():
    from mkdocs.structure.pages import Page

    assert list(inspect.signature(Page.render).parameters) == ["self", "config", "files"], (
        "Page.render changed: the generator replaces it to skip converting a page")
    assert "title" in vars(Page) and "_set_title" in vars(Page), (
        "Page.title changed: the generator reads whether a page has a title of its own")


def test_converting_a_page_sets_and_reads_what_the_conversion_cache_knows():
    """The conversion cache (generator._Converter) keeps what Page.render sets and keys
    it on what it reads: anything new on either side would be lost or not in the key."""
    import re

    from mkdocs.structure import pages, toc

    render = _source(pages.Page.render)
    assert set(re.findall(r"self\.(\w+) =", render)) == {
        "content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"}, (
        "Page.render sets other attributes now: the conversion cache does not keep them")
    assert "get_toc(getattr(md, 'toc_tokens', []))" in render, (
        "Page.render makes its table of contents differently: the cache's records do not")
    assert set(re.findall(r"config\[['\"](\w+)", render)) == {
        "markdown_extensions", "mdx_configs"}, "Page.render reads more of the configuration"
    read = "".join(_source(getattr(pages, name)) for name in (
        "_RelativePathTreeprocessor", "_ExtractAnchorsTreeprocessor", "_RawHTMLPreprocessor",
        "_ExtractTitleTreeprocessor"))
    assert set(re.findall(r"config\.(\w+)", read)) <= {"validation", "use_directory_urls"}, (
        "converting a page reads more of the configuration: add it to the cache's key")
    assert set(re.findall(r"files\.(\w+)", read)) == {"get_file_from_path"}, (
        "converting a page asks the site's files more than which file a path is: the "
        "conversion cache records only those lookups (generator._Lookups)")
    assert set(re.findall(r"target_file\.(\w+)", read)) <= {"url", "inclusion"}, (
        "converting a page reads more of a linked file: add it to generator._described")
    assert set(re.findall(r"self\.file\.(\w+)", read)) <= {"src_uri", "url", "inclusion"}, (
        "converting a page reads more of its own file: add it to generator._described")
    assert set(re.findall(r"\bfile\.(\w+)", read)) <= {"src_uri", "url", "inclusion"}, (
        "converting a page reads more of a file: add it to generator._described")
    from mkdocs.structure.files import File

    assert "src_dir" in File.__annotations__, (
        "File.src_dir is gone: the generator tells the docs folder's files from the theme's "
        "by it (generator._of_docs)")
    assert list(inspect.signature(toc.get_toc).parameters) == ["toc_tokens"]
    assert set(toc._TocToken.__annotations__) == {"level", "id", "name", "children"}


def test_a_page_built_needs_neither_its_markdown_nor_its_html_again():
    """The generator empties both after on_post_page (memory); Page.title must not read
    the Markdown then, and the build must not read either after the pages."""
    import re

    import mkdocs.commands.build as build
    from mkdocs.structure.pages import Page

    title = _source(vars(Page)["title"].func)  # a weak_property
    assert "if self.markdown is None:" in title and "elif self.content is None:" in title, (
        "Page.title reads a page's Markdown in other cases now: emptying it may change titles")
    after_pages = _source(build.build).split("_build_page(", 1)[1]
    assert not re.search(r"\.(markdown|content)\b", after_pages), (
        "MkDocs' build reads pages' Markdown or HTML after rendering them: the generator "
        "empties both in on_post_page")


def test_the_theme_lists_its_static_templates():
    from mkdocs.theme import Theme

    assert "static_templates" in _source(Theme), (
        "Theme.static_templates is gone: every share would write 404.html and sitemap.xml")


def test_material_search_keeps_a_list_of_entries_and_writes_it_after_the_pages():
    import re

    from material.plugins.search import plugin

    assert "self.entries = []" in _source(plugin.SearchIndex.__init__), (
        "Material's SearchIndex keeps no list 'entries': search entries of other shares and "
        "of cached pages cannot be put in")
    indexing = _source(plugin.SearchIndex.add_entry_from_context)
    assert list(inspect.signature(plugin.SearchIndex.add_entry_from_context).parameters) == [
        "self", "page"], "Material's search indexes a page differently: the cache replaces it"
    reads = set(re.findall(r"page\.(\w+)", indexing + _source(
        plugin.SearchIndex.create_entry_for_section)))
    assert reads == {"meta", "content", "toc", "url", "title"}, (
        f"Material's search reads {reads} of a page: the key of its entries needs them")
    index_step = _source(plugin.SearchPlugin.on_page_context)
    assert "search_index.add_entry_from_context" in index_step, (
        "Material's search plugin no longer indexes a page in on_page_context")
    for event, limit in (("on_page_context", -100), ("on_post_build", 100)):
        priority = getattr(getattr(plugin.SearchPlugin, event), "mkdocs_priority", 0)
        assert (priority > limit) if limit < 0 else (priority < limit), (
            f"Material's search {event} now runs at priority {priority}: the generator's own "
            "hook must run after it (pages) and before it (the index)")


def test_material_has_one_search_worker_and_the_offline_index_script():
    from material.plugins.offline import plugin as offline

    from sopkit.outputs.site.generator import theme_files

    assert len(theme_files()) == 1
    assert "search_index.js" in _source(offline.OfflinePlugin.on_post_build), (
        "Material's offline plugin no longer writes search/search_index.js from the index")


@pytest.mark.parametrize("name", ["_serve_request", "_inject_js_into_html", "serve_request"])
def test_the_preview_server_can_be_guarded(name):
    from mkdocs.livereload import LiveReloadServer

    assert hasattr(LiveReloadServer, name), (
        f"LiveReloadServer.{name} is gone: sopkit serve's guards (Host check, error box) hook it")
