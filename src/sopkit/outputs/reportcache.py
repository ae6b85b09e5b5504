"""The reports kept with cached wall cards and archival PDFs, decoded once per process.

Each cache keeps its PDFs' reports in one index (``reports.json``, 2000 cards and 1000
PDFs at 1000 procedures); decoding the two into reports took 0.2 s of every build, and
each was read once more before MkDocs ran, for the names it holds. A process that builds
again (``sopkit serve``) decodes an index again only when it has changed: its stamp
(:func:`sopkit.cachefiles.stamp`, taken before reading) is kept with what was decoded,
and only once the file is settled (:func:`sopkit.cachefiles.settled`: a rewrite in the
same tick of the clock could keep the stamp). Reports are frozen: shared, not copied.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

from sopkit.cachefiles import Stamp, read_index, settled, stamp
from sopkit.outputs.evidence import Report

_DECODED: dict[Path, tuple[Stamp, dict[str, Report], frozenset[str]]] = {}
"""Index -> its stamp, its well-formed reports by name, and every name it holds."""


def kept_reports(index: Path) -> Mapping[str, Report]:
    """The well-formed reports in ``index`` by name (a damaged one is left out: its PDF
    is read and checked again by the caller)."""
    return _decoded(index)[0]


def names(index: Path) -> frozenset[str]:
    """Every name ``index`` holds a report for, well-formed or not: decoded before, while
    unchanged, or read now (not decoded into reports: before MkDocs runs, a build does
    not hold 3000 reports it does not need yet)."""
    kept = _kept(index, stamp(index))
    return kept[1] if kept is not None else frozenset(read_index(index))


def _kept(index: Path, found: Stamp | None) -> tuple[dict[str, Report], frozenset[str]] | None:
    """What was decoded of ``index`` when it had the stamp ``found`` (its stamp now)."""
    kept = _DECODED.get(index)
    return kept[1:] if found is not None and kept is not None and kept[0] == found else None


def _decoded(index: Path) -> tuple[dict[str, Report], frozenset[str]]:
    found = stamp(index)  # before reading: a file replaced meanwhile is read again
    kept = _kept(index, found)
    if kept is not None:
        return kept
    data = read_index(index)
    reports: dict[str, Report] = {}
    for name, entry in data.items():
        with contextlib.suppress(KeyError, TypeError, ValueError):  # damaged: left out
            reports[name] = Report.from_json(entry)
    every = frozenset(data)
    if found is not None and settled(found):
        _DECODED[index] = (found, reports, every)
    else:
        _DECODED.pop(index, None)
    return reports, every
