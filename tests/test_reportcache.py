"""The reports kept with cached cards and archival PDFs, decoded once per process
(:mod:`sopkit.outputs.reportcache`), and a process that builds again (``sopkit serve``)
putting the right reports on the evidence page after a card changed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import copy_project, edit, warm
from gitrepo import commit_all, init, refingerprint
from sopkit import cachefiles
from sopkit.cachefiles import write_index
from sopkit.outputs import reportcache
from sopkit.outputs.evidence import Check, Report
from sopkit.outputs.reportcache import decoded, kept_reports, names
from sopkit.source.expected import Item

pytestmark = pytest.mark.usefixtures("fixed_today")


def _report(doc_id: str, found: bool = True) -> Report:
    return Report(doc_id, "card A4", f"kort/{doc_id}-A4.pdf", "ab" * 32,
                  (Check(Item("step", "steps.0", "Ring 915 04500."), found),))


def test_an_unchanged_index_is_decoded_once(tmp_path, monkeypatch):
    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)  # every file a while old
    index = tmp_path / "reports.json"
    write_index(index, {"a.pdf": _report("D1").to_json(), "b.pdf": {"id": "damaged"}})
    first = kept_reports(index)
    assert first == {"a.pdf": _report("D1")}  # the damaged one left out
    assert decoded(index) is first and names(index) == {"a.pdf"}

    def unread(path: Path) -> dict:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(reportcache, "read_index", unread)
    assert kept_reports(index) is first


def test_a_changed_index_is_decoded_again(tmp_path, monkeypatch):
    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)
    index = tmp_path / "reports.json"
    write_index(index, {"a.pdf": _report("D1").to_json()})
    assert kept_reports(index) == {"a.pdf": _report("D1")}
    write_index(index, {"a.pdf": _report("D1", found=False).to_json()})
    assert decoded(index) is None
    assert kept_reports(index) == {"a.pdf": _report("D1", found=False)}


def test_a_fresh_index_is_not_kept(tmp_path):
    """Written within the last second, a rewrite could keep its stamp: read each time."""
    index = tmp_path / "reports.json"
    write_index(index, {"a.pdf": _report("D1").to_json(), "b.pdf": {"id": "damaged"}})
    assert kept_reports(index) == {"a.pdf": _report("D1")}
    assert decoded(index) is None
    assert names(index) == {"a.pdf", "b.pdf"}  # not decoded: every name it holds


def test_a_process_that_builds_again_shows_a_changed_cards_report(tmp_path, monkeypatch,
                                                                   request):
    """Two builds in one process (as ``sopkit serve`` does): a card made again between
    them is on the evidence page with its new checksum, not the one decoded before."""
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)
    root = warm(copy_project(tmp_path / "project"), request)
    init(root)
    project, target = Project(root), root / "build" / "preview"
    build_site(project, target=target, again=True)
    doc = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    text = doc.read_text(encoding="utf-8")
    card = re.search(r"(?m)^( +card: )(.+)$", text)
    assert card
    edit(doc, card.group(0), f"{card.group(1)}{card.group(2).rstrip('.')} straks.")
    refingerprint(doc)
    commit_all(root, "card wording")
    report = build_site(project, target=target, again=True)
    assert report.cards_rendered >= 1
    evidence = (target / "kontroll.html").read_text(encoding="utf-8")
    for pdf in sorted((target / "kort").glob("D29653-*.pdf")):
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() in evidence, pdf.name
