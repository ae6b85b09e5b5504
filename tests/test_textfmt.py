"""Procedure text allows a small, safe Markdown subset; HTML is shown, never run."""

from __future__ import annotations

import pytest

from sopkit.source.text import inline_html, plain


def test_emphasis_and_links():
    html = inline_html("Ring *straks* til [Brukerstøtte](https://example.org/hjelp)")
    assert html == ('Ring <em>straks</em> til '
                    '<a href="https://example.org/hjelp">Brukerstøtte</a>')


def test_raw_html_is_text():
    html = inline_html('Trykk <script>alert("x")</script> <b>her</b>')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;" in html


def test_unsafe_links_are_not_links():
    for url in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"):
        assert "<a" not in inline_html(f"[klikk]({url})"), url


def test_plain_removes_markup_and_folds_space():
    assert plain("Saken *skal*\n  distribueres av **OK**.") == "Saken skal distribueres av OK."
    assert plain("5 < 6 & 7") == "5 < 6 & 7"


@pytest.mark.parametrize("text", [
    "Saken skal distribueres av OK.", 'Sitat: "OK skal hjelpe"', "Ring 380 00 000 (døgnet rundt)",
    "  mellomrom  rundt  ", "a = b; c/d, e-f", "Prosent 5 % og pluss + minus -",
])
def test_fast_path_matches_the_parser(text):
    from sopkit.source.text import _parser

    assert inline_html(text) == _parser().renderInline(text).strip()
