"""Pages' Markdown as converted to HTML, and their search index entries, kept from one
build to the next (see :mod:`.generator`, which makes the keys and the records).

The page cache (:mod:`.pagecache`) keeps whole pages: a change that every page shows
(``site_name``, a theme template, a title in the navigation) renders every page again.
Most of that work is converting the same Markdown to the same HTML and indexing the
same HTML for search: this cache keeps those two results, each under a key of
everything it is made from, so that such a rebuild only puts pages together.

One file per key (``<key>.json``, its checksum on the first line: a damaged or cut
short record is not used, and is made again). The processes of a build read and add
records at once; each record is written whole under its own name. Nothing here knows
MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sopkit.cachefiles import read_index, write_index


@dataclass(frozen=True)
class ConvertCache:
    """Records of earlier builds in ``folder`` (``build/cache/converted``); ``made_by``:
    a digest of the code that makes them, part of every key (worked out once, by the
    process that starts the build's others)."""

    folder: Path
    made_by: str

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The record of ``key``, or ``None`` when there is none whole."""
        return read_index(self.path(key)) or None

    def put(self, key: str, record: dict[str, Any]) -> None:
        write_index(self.path(key), record)

    def keep(self, keys: Iterable[str]) -> None:
        """Remove every record but those of ``keys`` (what the last build used or the
        pages it took from the page cache were made from)."""
        wanted = set(keys)
        if self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                if path.stem not in wanted:
                    path.unlink(missing_ok=True)
            for path in self.folder.glob(".*.tmp"):  # left by a process that was stopped
                path.unlink(missing_ok=True)
