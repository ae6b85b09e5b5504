"""Reading procedure/ again reuses what the last reading found in unchanged files
(:mod:`sopkit.source.readcache`), and never what it found in another text, another
register of applications, on another day or with another code."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import edit, line_of
from sopkit.source import library as library_module
from sopkit.source import load as load_module
from sopkit.source import readcache
from sopkit.source.errors import InvalidInput
from sopkit.source.library import read_library

DAY = dt.date(2026, 11, 25)


def read(project: Path, on: dt.date = DAY) -> library_module.Library:
    return read_library(project / "procedure", on=on,
                        cache=project / "build" / "cache" / "read.json")


def errors_of(project: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read(project)
    return [p.format() for p in caught.value.problems.errors]


@pytest.fixture
def nothing_read_again(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, record each file composed from YAML and each document checked."""
    done: list[str] = []
    compose, check = load_module.yaml.compose, library_module.check_procedure

    def composing(text, **kwargs):  # type: ignore[no-untyped-def]
        done.append("composed")
        return compose(text, **kwargs)

    def checking(proc, *args, **kwargs):  # type: ignore[no-untyped-def]
        done.append(f"checked {proc.id}")
        return check(proc, *args, **kwargs)

    monkeypatch.setattr(load_module.yaml, "compose", composing)
    monkeypatch.setattr(library_module, "check_procedure", checking)
    return done


def test_a_second_reading_comes_from_the_cache_and_is_the_same(project, nothing_read_again):
    first = read(project)
    assert "checked D31044" in nothing_read_again
    nothing_read_again.clear()
    second = read(project)
    # Only handbook.yml, applications.yml and people.yml: registers are read every time.
    assert nothing_read_again == ["composed"] * 3
    assert second.procedures == first.procedures
    assert [p.id for p in second.procedures] == ["D10001", "D29653", "D31044", "D40210"]
    assert second.warnings.sorted() == first.warnings.sorted()
    assert second == read_library(project / "procedure", on=DAY)  # no cache at all


def test_an_edited_file_is_read_and_checked_again(project, nothing_read_again):
    read(project)
    nothing_read_again.clear()
    doc = project / "procedure" / "documents" / "D31044-nedetid-unilab.yml"
    edit(doc, "applications: [unilab, miclis]", "applications: [unilab, ukjent]")
    found = errors_of(project)
    assert any(f"{doc.name}:{line_of(doc, 'applications:')}:" in m
               and "unknown application 'ukjent'" in m for m in found), found
    assert [d for d in nothing_read_again if d.startswith("checked")] == ["checked D31044"]


def test_a_changed_register_checks_every_document_again(project):
    read(project)
    register = project / "procedure" / "applications.yml"
    text = register.read_text(encoding="utf-8")
    start = text.index("- key: miclis")
    end = text.find("- key:", start + 1)
    register.write_text(text[:start] + (text[end:] if end >= 0 else ""), encoding="utf-8")
    found = errors_of(project)
    assert any("D31044-nedetid-unilab.yml" in m and "unknown application 'miclis'" in m
               for m in found), found


def test_another_day_checks_review_dates_again(project):
    assert not any("D31044" in w.path and "review" in w.message
                   for w in read(project).warnings.items)
    later = read(project, on=DAY + dt.timedelta(days=3 * 365))
    assert any("D31044" in w.path and "review" in w.message for w in later.warnings.items), \
        later.warnings.report()


def test_a_damaged_cache_is_ignored(project, nothing_read_again):
    first = read(project)
    cache = project / "build" / "cache" / "read.json"
    data = bytearray(cache.read_bytes())
    at = data.index(b"unilab")  # a word inside a cached document
    data[at:at + 6] = b"unilAb"
    cache.write_bytes(bytes(data))
    nothing_read_again.clear()
    assert read(project).procedures == first.procedures
    assert "checked D31044" in nothing_read_again
    cache.write_bytes(b"\x00garbage")
    assert read(project).procedures == first.procedures


def test_the_cache_keeps_only_what_the_last_reading_used(project):
    read(project)
    cache = project / "build" / "cache" / "read.json"
    before = cache.stat().st_size
    doc = project / "procedure" / "documents" / "D31044-nedetid-unilab.yml"
    for number in range(5):  # five new texts (a comment: no new revision needed)
        doc.write_text(doc.read_text(encoding="utf-8") + f"# {number}\n", encoding="utf-8")
        read(project)
    assert cache.stat().st_size < before * 1.2


def test_a_process_that_reads_again_validates_only_changed_texts(project, monkeypatch):
    """``sopkit serve`` reads procedure/ after each save: the texts as before keep their
    models and their decoded data; a changed text is validated again, and its
    problems are found."""
    decoded: list[str] = []
    validated: list[str] = []
    parse, loads = library_module.parse, readcache.json.loads

    def counting_parse(cls, loaded, problems):  # type: ignore[no-untyped-def]
        if loaded.path.name.startswith("D"):
            validated.append(loaded.path.name)
        return parse(cls, loaded, problems)

    def counting_loads(text, *args, **kwargs):  # type: ignore[no-untyped-def]
        decoded.append("decoded")
        return loads(text, *args, **kwargs)

    doc = project / "procedure" / "documents" / "D31044-nedetid-unilab.yml"
    monkeypatch.setattr(library_module, "parse", counting_parse)
    monkeypatch.setattr(readcache, "json", SimpleNamespace(loads=counting_loads,
                                                           dumps=json.dumps))
    def again() -> library_module.Library:
        return read_library(project / "procedure", on=DAY, keep=True,
                            cache=project / "build" / "cache" / "read.json")

    read(project)
    read(project)  # a one-off reading keeps nothing in memory: validated again
    assert (len(validated), decoded) == (8, ["decoded"] * 4)
    validated.clear()
    first = again()
    second = again()
    assert validated == [d.name for d in sorted(doc.parent.glob("D*.yml"))]  # the first
    validated.clear()
    decoded.clear()
    third = again()
    assert (validated, decoded) == ([], [])
    assert first.procedures == second.procedures == third.procedures
    edit(doc, "applications: [unilab, miclis]", "applications: [unilab, ukjent]")
    with pytest.raises(InvalidInput) as caught:
        again()
    assert "unknown application 'ukjent'" in caught.value.problems.report()
    assert validated == ["D31044-nedetid-unilab.yml"]
    edit(doc, "applications: [unilab, ukjent]", "applications: [unilab, [7]]")
    with pytest.raises(InvalidInput) as caught:
        again()
    assert "applications" in caught.value.problems.report()  # not the memo's model
