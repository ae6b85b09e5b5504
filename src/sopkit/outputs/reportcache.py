"""The reports kept with cached wall cards and archival PDFs, decoded once per process.

Each cache keeps its PDFs' reports in one index (``reports.json``, 2000 cards and 1000
PDFs at 1000 procedures); decoding the two into reports took 0.2 s of every build. A
process that builds again (``sopkit serve``) decodes an index again only when it has
changed: its stamp (:func:`sopkit.cachefiles.stamp`) is kept with what was decoded, and
only once the file is settled (:func:`sopkit.cachefiles.settled`: a rewrite in the same
tick of the clock could keep the stamp). Reports are frozen: shared, not copied.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

from sopkit.cachefiles import Stamp, read_index, settled, stamp
from sopkit.outputs.evidence import Report

_DECODED: dict[Path, tuple[Stamp, dict[str, Report]]] = {}


def kept_reports(index: Path) -> Mapping[str, Report]:
    """The well-formed reports in ``index`` by name (a damaged one is left out: its PDF
    is read and checked again by the caller)."""
    known = decoded(index)
    if known is not None:
        return known
    found = stamp(index)
    reports: dict[str, Report] = {}
    for name, data in read_index(index).items():
        with contextlib.suppress(KeyError, TypeError, ValueError):  # damaged: left out
            reports[name] = Report.from_json(data)
    if found is not None and settled(found):
        _DECODED[index] = (found, reports)
    else:
        _DECODED.pop(index, None)
    return reports


def decoded(index: Path) -> Mapping[str, Report] | None:
    """What :func:`kept_reports` decoded of ``index`` before, if it is unchanged since;
    else ``None`` (nothing is decoded now: before MkDocs runs, a build does not hold
    3000 reports it does not need yet)."""
    kept = _DECODED.get(index)
    return kept[1] if kept is not None and kept[0] == stamp(index) else None


def names(index: Path) -> set[str]:
    """The names ``index`` holds a well-formed report for, or (not decoded before) holds
    anything for."""
    known = decoded(index)
    return set(known) if known is not None else set(read_index(index))
