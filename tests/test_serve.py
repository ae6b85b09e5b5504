"""`sopkit serve` previews the site and rebuilds it when a procedure changes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import copy_project, edit

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


def test_serve_rebuilds_on_change(tmp_path):
    root = copy_project(tmp_path / "p")
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
