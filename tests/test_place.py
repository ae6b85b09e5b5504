"""Putting cached files (cards, archival PDFs) into a new site: a file the old site
holds byte for byte is linked from there; stamps recorded by the last build say so
without reading, and nothing else is trusted to them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sopkit import cachefiles
from sopkit.outputs.workers import Stamps, place

NAMES = ("kort/D1-A4.pdf", "kort/D2-A4.pdf", "arkiv/D1.pdf")


def _age(*paths: Path) -> None:
    """Make files look written a minute ago (a stamp is kept only for files older than
    the file system's clock can confuse)."""
    for path in paths:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 60_000_000_000))


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict[str, Path], Path]:
    """A cache of three files, a site they were placed into (published), and its stamps."""
    cache = tmp_path / "cache"
    cache.mkdir()
    sources = {}
    for number, name in enumerate(NAMES):
        sources[name] = cache / f"{number}.pdf"
        sources[name].write_bytes(f"%PDF {name}".encode() * 50)
    _age(*sources.values())
    site = tmp_path / "site"
    stamps = Stamps(tmp_path / "placed.json", site)
    place(sources, site, stamps=stamps)
    _age(*(site / name for name in NAMES))
    # Placed a minute ago, so recorded only by a build after that one: as here.
    stamps = Stamps(tmp_path / "placed.json", site)
    place(sources, tmp_path / "again", previous=site, stamps=stamps)
    stamps.save()
    os.rename(site, tmp_path / "older")
    os.rename(tmp_path / "again", site)
    return site, sources, tmp_path / "placed.json"


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    read: list[Path] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return read


def test_files_whose_stamps_match_are_linked_without_reading(built, tmp_path, monkeypatch):
    site, sources, index = built
    stamps = Stamps(index, site)
    read = _reads(monkeypatch)
    new = tmp_path / "new"
    place(sources, new, previous=site, stamps=stamps)
    assert read == []
    for name in NAMES:
        assert (new / name).stat().st_ino == (site / name).stat().st_ino
        assert (new / name).read_bytes() == sources[name].read_bytes()


def test_a_published_file_changed_in_place_is_not_linked(built, tmp_path):
    site, sources, index = built
    changed = site / NAMES[0]
    data = changed.read_bytes()
    with changed.open("r+b") as file:  # same size, same inode, other bytes
        file.write(b"X" * 5)
    assert len(changed.read_bytes()) == len(data)
    new = tmp_path / "new"
    place(sources, new, previous=site, stamps=Stamps(index, site))
    assert (new / NAMES[0]).read_bytes() == sources[NAMES[0]].read_bytes()
    assert (new / NAMES[0]).stat().st_ino != changed.stat().st_ino
    assert (new / NAMES[1]).stat().st_ino == (site / NAMES[1]).stat().st_ino


def test_a_published_file_replaced_is_not_linked(built, tmp_path):
    site, sources, index = built
    replaced = site / NAMES[1]
    st = replaced.stat()
    replaced.unlink()
    replaced.write_bytes(b"Y" * st.st_size)
    os.utime(replaced, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the old time
    new = tmp_path / "new"
    place(sources, new, previous=site, stamps=Stamps(index, site))
    assert (new / NAMES[1]).read_bytes() == sources[NAMES[1]].read_bytes()


def test_a_cache_file_made_again_is_read(built, tmp_path):
    site, sources, index = built
    source = sources[NAMES[2]]
    source.write_bytes(b"%PDF other")
    new = tmp_path / "new"
    place(sources, new, previous=site, stamps=Stamps(index, site))
    assert (new / NAMES[2]).read_bytes() == b"%PDF other"


def test_stamps_of_another_site_are_not_used(built, tmp_path, monkeypatch):
    _, sources, index = built
    other = tmp_path / "other"
    place(sources, other)
    stamps = Stamps(index, other)
    assert stamps.known == {}
    read = _reads(monkeypatch)
    place(sources, tmp_path / "new", previous=other, stamps=stamps)
    assert set(sources.values()) <= set(read)


def test_files_written_just_now_are_read_again_next_time(tmp_path, monkeypatch):
    """A change within the same tick of the clock as the writing would keep the stamp."""
    source = tmp_path / "card.pdf"
    source.write_bytes(b"%PDF fresh")
    site = tmp_path / "site"
    stamps = Stamps(tmp_path / "placed.json", site)
    place({NAMES[0]: source}, site, stamps=stamps)
    stamps.save()
    assert Stamps(tmp_path / "placed.json", site).known == {}
    monkeypatch.setattr(cachefiles, "RACY_NS", -10**12)  # the clock a while later
    stamps = Stamps(tmp_path / "placed.json", site)
    place({NAMES[0]: source}, site.with_name("later"), previous=site, stamps=stamps)
    assert NAMES[0] in stamps.made
