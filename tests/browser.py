"""Headless Chromium (Debian's package) driven by Playwright, and a local web server."""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that stops reading (a page closed while it loads) is no error;
        anything else is printed, as the standard library does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve(folder: Path, mount: str = "") -> Iterator[str]:
    """Serve ``folder`` on a free loopback port under ``/<mount>/``; yields its URL.

    Serving under the site_url's path (as on the intranet) matters for 404.html,
    whose links are absolute.
    """
    with tempfile.TemporaryDirectory() as root:
        served = Path(root)
        if mount:
            (served / mount).parent.mkdir(parents=True, exist_ok=True)
            (served / mount).symlink_to(folder.resolve(), target_is_directory=True)
        else:
            served = folder
        with _server(served) as url:
            yield url + (f"{mount}/" if mount else "")


def site_mount(mkdocs_yml: Path) -> str:
    """The path part of site_url in mkdocs.yml, e.g. 'handbok'."""
    from sopkit.outputs.site.config import site_url
    from sopkit.source.project import Project

    return urlsplit(site_url(Project(mkdocs_yml.parent))).path.strip("/")


@contextmanager
def _server(folder: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run ./scripts/test, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: object) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the whole page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']}: {v['help']} -> " + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in violations
    )
