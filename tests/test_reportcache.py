"""The reports kept with cached cards and archival PDFs, decoded once per process
(:mod:`sopkit.outputs.reportcache`), and a process that builds again (``sopkit serve``)
putting the right reports on the evidence page after a card changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project, warm
from sopkit import cachefiles
from sopkit.cachefiles import read_index, write_index
from sopkit.outputs import reportcache
from sopkit.outputs.evidence import Check, Report
from sopkit.outputs.reportcache import kept_reports, names
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
    assert names(index) == {"a.pdf", "b.pdf"}  # every name it holds

    def unread(path: Path) -> dict:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(reportcache, "read_index", unread)
    assert kept_reports(index) is first
    assert names(index) == {"a.pdf", "b.pdf"}


def test_a_changed_index_is_decoded_again(tmp_path, monkeypatch):
    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)
    index = tmp_path / "reports.json"
    write_index(index, {"a.pdf": _report("D1").to_json()})
    assert kept_reports(index) == {"a.pdf": _report("D1")}
    write_index(index, {"a.pdf": _report("D1", found=False).to_json(), "c.pdf": {}})
    assert kept_reports(index) == {"a.pdf": _report("D1", found=False)}
    assert names(index) == {"a.pdf", "c.pdf"}


def test_a_fresh_index_is_not_kept(tmp_path):
    """Written within the last second, a rewrite could keep its stamp: read each time."""
    index = tmp_path / "reports.json"
    write_index(index, {"a.pdf": _report("D1").to_json(), "b.pdf": {"id": "damaged"}})
    assert kept_reports(index) == {"a.pdf": _report("D1")}
    assert reportcache._DECODED.get(index) is None
    assert names(index) == {"a.pdf", "b.pdf"}


def test_a_process_that_builds_again_reads_a_changed_index_again(tmp_path, monkeypatch,
                                                                  request):
    """Two builds in one process (as ``sopkit serve`` does), the cards' index rewritten
    between them with the same names: the evidence page of the second shows what the
    index holds now, not what the first build decoded."""
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)  # every file a while old
    root = warm(copy_project(tmp_path / "project"), request)
    project, target = Project(root), root / "build" / "preview"
    build_site(project, target=target, again=True)
    index = root / "build" / "cache" / "cards" / "reports.json"
    data = read_index(index)
    name = sorted(data)[0]
    old = data[name]["sha256"]
    assert old in (target / "kontroll.html").read_text(encoding="utf-8")
    write_index(index, {**data, name: {**data[name], "sha256": "0" * 64}})
    build_site(project, target=target, again=True)
    evidence = (target / "kontroll.html").read_text(encoding="utf-8")
    assert "0" * 64 in evidence and old not in evidence
