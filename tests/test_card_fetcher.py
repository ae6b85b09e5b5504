"""WeasyPrint is sandboxed: data: URLs and files in the project or font package only.

A procedure's text cannot pull anything into a card (its Markdown subset has
no images and escapes raw HTML); a template or stylesheet that refers to a
file elsewhere or to the network fails the build with a clear message, and
the network is never contacted.
"""

from __future__ import annotations

import datetime as dt
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from weasyprint.urls import URLFetcherResponse

from cardtools import reader, text_of
from conftest import edit
from sopkit.outputs.card.cache import render_card
from sopkit.outputs.fetcher import RefusedURL, SandboxFetcher
from sopkit.source.errors import SopkitError
from sopkit.source.library import read_library
from sopkit.source.project import Project

SECRET = Path("/etc/passwd")


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request it gets."""
    requests: list[str] = []
    handler = type("Handler", (Recorder,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _render(project: Path, size: str = "A5") -> bytes:
    proj = Project(project)
    library = read_library(proj.procedures, on=dt.date(2026, 11, 25))
    return render_card(library.get("D29653"), library, proj, size)


# ---------------------------------------------------------------- the fetcher itself


def _read(response: URLFetcherResponse) -> bytes:
    try:
        return response.read()
    finally:
        response.close()


def test_serves_data_urls_and_files_inside_the_roots(tmp_path: Path) -> None:
    (tmp_path / "card.css").write_text("h1 {}", encoding="utf-8")
    fetcher = SandboxFetcher([tmp_path])
    assert _read(fetcher.fetch("data:text/plain,hei%20%C3%A6%C3%B8%C3%A5")) == "hei æøå".encode()
    response = fetcher.fetch((tmp_path / "card.css").as_uri())
    assert response.content_type == "text/css"
    assert _read(response) == b"h1 {}"
    assert fetcher.refused == []


@pytest.mark.parametrize("url", [
    SECRET.as_uri(),
    "file://localhost/etc/passwd",
    "file://fileserver.example/share/x.css",
    "http://127.0.0.1:9/x.css",
    "https://cdn.example/x.css",
    "ftp://ftp.example/x",
    "javascript:alert(1)",
])
def test_refuses_everything_else(tmp_path: Path, url: str) -> None:
    fetcher = SandboxFetcher([tmp_path])
    with pytest.raises(RefusedURL, match="refused to fetch"):
        fetcher.fetch(url)
    assert len(fetcher.refused) == 1


def test_dot_dot_and_encoded_escapes_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    fetcher = SandboxFetcher([root])
    depth = "/..".join([""] * (len(root.parts) + 1))
    for url in (f"{root.as_uri()}{depth}/etc/passwd",
                f"{root.as_uri()}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"):
        with pytest.raises(RefusedURL, match="outside"):
            fetcher.fetch(url)


def test_a_symbolic_link_out_of_the_project_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    os.symlink(SECRET, root / "innocent.css")
    with pytest.raises(RefusedURL, match="outside"):
        SandboxFetcher([root]).fetch((root / "innocent.css").as_uri())


# ---------------------------------------------------------------- procedure text


def test_procedure_text_cannot_pull_files_or_urls_into_a_card(
        project: Path, seed_file: Path, run: Callable[..., Result],
        server: tuple[str, list[str]]) -> None:
    url, requests = server
    assert run("draft", "D29653").exit_code == 0
    attempts = (f'<img src="{SECRET.as_uri()}"> <link rel="attachment" href="{SECRET.as_uri()}">'
                f" ![x]({SECRET.as_uri()}) ![y]({url}/y.png) [lenke]({url}/z)"
                f' <object data="{url}/o"></object>')
    edit(seed_file, "card: Meld saken i Min Sykehuspartner.",
         f"card: 'Meld saken i Min Sykehuspartner. {attempts}'")
    pdf = _render(project, "A4")  # A4: room for the extra text

    assert requests == []
    text = text_of(pdf)
    assert "root:" not in text and b"root:" not in pdf
    # Shown as text (perhaps broken across lines), never fetched.
    assert f'<imgsrc="{SECRET.as_uri()}">' in text.replace(" ", "")
    root = reader(pdf).trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})


# ---------------------------------------------------------------- templates and styles


def _expect_refusal(project: Path, what: str) -> None:
    with pytest.raises(SopkitError, match=r"D29653 \(A5\): refused to fetch") as caught:
        _render(project)
    assert what in caught.value.message
    assert "hint:" in caught.value.message


@pytest.mark.parametrize("markup", [
    f'<img src="{SECRET.as_uri()}" alt="x">',
    f'<link rel="attachment" href="{SECRET.as_uri()}">',
    "<img src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' "
    "xmlns:xlink='http://www.w3.org/1999/xlink' width='10' height='10'>"
    f"<image xlink:href='{SECRET.as_uri()}' width='10' height='10'/></svg>\" alt=\"x\">",
])
def test_a_template_that_refers_to_another_file_fails(project: Path, markup: str) -> None:
    edit(project / "templates" / "card" / "card.html.j2", "<main>", f"<main>{markup}")
    _expect_refusal(project, "/etc/passwd")


def test_a_template_that_refers_to_the_network_fails_without_contacting_it(
        project: Path, server: tuple[str, list[str]]) -> None:
    url, requests = server
    edit(project / "templates" / "card" / "card.html.j2", "<main>",
         f'<link rel="stylesheet" href="{url}/style.css"><main>')
    _expect_refusal(project, f"{url}/style.css")
    assert requests == []


@pytest.mark.parametrize("rule", [
    "@import url({url}/more.css);",
    "h1 {{ background: url({url}/bg.png); }}",
    '@font-face {{ font-family: X; src: url({secret}); }} h1 {{ font-family: X; }}',
    "h1 {{ background: url({secret}); }}",
])
def test_a_stylesheet_that_refers_out_fails(project: Path, server: tuple[str, list[str]],
                                            rule: str) -> None:
    url, requests = server
    css = project / "templates" / "card" / "card.css"
    css.write_text(rule.format(url=url, secret=SECRET.as_uri()) + "\n"
                   + css.read_text(encoding="utf-8"), encoding="utf-8")
    _expect_refusal(project, "refused")
    assert requests == []
