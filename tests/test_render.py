"""Relative links between generated pages."""

from __future__ import annotations

import posixpath

import pytest

from sopkit.outputs.urls import href


@pytest.mark.parametrize(("page", "to"), [
    ("dokumenter/D1.md", "kort/D1-A4.pdf"), ("dokumenter/D1.md", "dokumenter/D2.md"),
    ("index.md", "dokumenter/D1.md"), ("arkiv/revisjoner.md", "arkiv.md"),
    ("endringer/D1.md", "assets/stylesheets/quality.css"), ("a/b/c.md", "a/d.md"),
    ("a/b/c.md", "a/b/e.md"), ("x.md", "y.md"), ("utkast/D1.md", "dokumenter/D1.md"),
    ("a/b/c.md", "d/e/f.md"),
])
def test_href_is_the_relative_path_to_the_built_page(page, to):
    target = to.removesuffix(".md") + ".html" if to.endswith(".md") else to
    assert href(page, to) == posixpath.relpath(target, posixpath.dirname(page) or ".")
