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


def test_the_theme_lists_its_static_templates():
    from mkdocs.theme import Theme

    assert "static_templates" in _source(Theme), (
        "Theme.static_templates is gone: every share would write 404.html and sitemap.xml")


def test_material_search_keeps_a_list_of_entries_and_writes_it_after_the_pages():
    from material.plugins.search import plugin

    assert "self.entries = []" in _source(plugin.SearchIndex.__init__), (
        "Material's SearchIndex keeps no list 'entries': search entries of other shares and "
        "of cached pages cannot be put in")
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
