"""`sopkit serve` previews the site and rebuilds it when a procedure changes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import copy_project, edit, warm

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_serve_rebuilds_on_change(tmp_path, request):
    root = warm(copy_project(tmp_path / "p"), request)
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "sopkit", "--project", str(root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}/dokumenter/D29653.html"
        assert "Alle som skal melde hastesaker" in fetch(url)
        doc = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
        # A valid draft: a new revision without approval (what `sopkit draft` writes).
        edit(doc, "status: approved", "status: draft")
        doc.write_text(doc.read_text(encoding="utf-8")
                       + '  - revision: "7.00"\n    changed: 2026-11-25\n', encoding="utf-8")
        deadline = time.monotonic() + 60
        while "utkast til revisjon 7.00" not in fetch(url):
            assert time.monotonic() < deadline, "no rebuild within 60 s"
            time.sleep(0.5)
        edit(doc, "title: Melding", "title: [Melding")  # broken: keeps the last good preview
        time.sleep(3)
        assert "utkast til revisjon 7.00" in fetch(url)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Traceback" not in output
    assert "YAML syntax error" in output and "Keeping the last good preview" in output


# ---------------------------------------------------------------- guards (in this process)


@pytest.fixture
def preview(tmp_path):
    """A preview server on a free port over a tiny site; yields (url, state)."""
    import threading

    from sopkit.preview import _server

    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<html><body><h1>Forside</h1></body></html>",
                                     encoding="utf-8")
    state: dict[str, str | None] = {"problem": None}
    port = free_port()
    server = _server(lambda: None, "127.0.0.1", port, str(root), lambda: state["problem"])
    server.watch(str(root))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/"
    fetch(url, timeout=20)
    try:
        yield url, state
    finally:
        server.shutdown()


def status(url: str, host: str | None = None) -> tuple[int, str]:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", parts.path or "/", headers=headers)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def test_the_hosts_a_preview_answers():
    from sopkit.preview import allowed_hosts

    assert allowed_hosts("127.0.0.1", 8000) == {
        "127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert "[::1]:8000" in allowed_hosts("::1", 8000)
    assert allowed_hosts("0.0.0.0", 8000) is None  # every address: reached by any name
    assert allowed_hosts("::", 8000) is None
    assert allowed_hosts("192.0.2.7", 8000) == {"192.0.2.7:8000"}


def test_a_request_for_another_host_is_refused(preview):
    url, _ = preview
    assert status(url + "index.html")[0] == 200
    own = url.split("/")[2]
    assert status(url + "index.html", host=own.replace("127.0.0.1", "localhost"))[0] == 200
    code, body = status(url + "index.html", host="evil.example")
    assert code == 400 and "own address" in body
    assert status(url + "index.html", host="evil.example:80")[0] == 400


@pytest.mark.parametrize("path", ["%00", "index.html%00", "%0d%0aX:%20y", "%ff%fe"])
def test_malformed_paths_are_answered_not_crashed(preview, path):
    url, _ = preview
    assert status(url + path)[0] == 400
    assert status(url + "index.html")[0] == 200  # and it keeps answering


def test_a_failed_build_is_shown_on_the_last_good_page(preview):
    url, state = preview
    state["problem"] = "procedure/documents/D1.yml:3:1: title: <b>feil</b>"
    code, body = status(url + "index.html")
    assert code == 200 and "Forside" in body
    assert 'role="alert"' in body and "&lt;b&gt;feil&lt;/b&gt;" in body and "<b>feil" not in body


def test_the_rebuild_never_raises(tmp_path, monkeypatch):
    """Any error in a rebuild keeps the last good preview; the server never hangs on it."""
    import sopkit.preview as preview_module
    from sopkit.source.project import Project

    said: list[str] = []
    state: dict[str, str | None] = {"problem": None}

    def broken(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", "procedure/documents/x.yml")

    monkeypatch.setattr(preview_module, "build_site", broken)
    rebuild = preview_module.rebuilder(Project(tmp_path), tmp_path / "out", said.append, state)
    rebuild()  # no exception
    assert state["problem"] and "FileNotFoundError" in state["problem"]
    assert "Keeping the last good preview" in said[-1] and "Traceback" not in said[-1]
