"""Recording drafts and approvals in a procedure's YAML file.

``sopkit approve`` and ``sopkit draft`` edit the YAML for the user, so that
nobody types fingerprints or dates by hand. The file is rewritten with
ruamel.yaml's round-trip mode, which keeps comments and layout.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from sopkit.source.errors import SopkitError
from sopkit.source.fingerprint import next_revision
from sopkit.source.library import read_library
from sopkit.source.model import Procedure, revision_key


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_author(name: str, prepared_by: str) -> bool:
    """True when ``name`` is (part of) the author field, ignoring case and spacing."""
    words = re.findall(r"\w+", name.casefold())
    if not words:
        return False
    return re.search(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b",
                     prepared_by.casefold()) is not None


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda *_: True  # our loader refuses aliases
    return yaml


def _read(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8-sig"))


def _write(path: Path, data: Any) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            _yaml().dump(data, out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_new_number(proc: Procedure, revision: str) -> None:
    if not re.fullmatch(r"[0-9]+\.[0-9]{2}", revision):
        raise SopkitError(f"revision '{revision}' is not of the form major.minor, e.g. 7.00")
    last = proc.last_approved or proc.current
    if revision_key(revision) <= revision_key(last.revision):
        raise SopkitError(
            f"{proc.id}: revision {revision} does not come after {last.revision}"
        )


def start_draft(path: Path, proc: Procedure, today: dt.date, revision: str | None,
                note: str | None) -> str:
    """Append a draft revision and set status to draft. Returns the new revision number."""
    if proc.status == "draft":
        raise SopkitError(
            f"{proc.id} is already a draft (revision {proc.current.revision}); edit it and run "
            f"'sopkit approve {proc.id} --by NAME'"
        )
    number = revision or next_revision(proc.current.revision)
    _check_new_number(proc, number)
    data = _read(path)
    data["status"] = "draft"
    entry = CommentedMap()
    entry["revision"] = DoubleQuotedScalarString(number)
    entry["changed"] = today
    entry["changes"] = note or ""
    data["revisions"].append(entry)
    _write(path, data)
    return number


def approve(path: Path, proc: Procedure, approved_proc_fingerprint: str, *, by: str,
            today: dt.date, interval_months: int, revision: str | None,
            note: str | None) -> str:
    """Record an approval. Returns the approved revision number.

    A draft's open revision is approved; for an approved document a new revision
    is added (the usual case after a periodic review or a direct change).
    """
    if proc.status == "obsolete":
        raise SopkitError(f"{proc.id} is obsolete (utgått) and cannot be approved")
    if is_author(by, proc.people.prepared_by):
        raise SopkitError(
            f"{by!r} prepared {proc.id} (Utarbeidet av: {proc.people.prepared_by}); "
            "a document must be approved by someone other than its author"
        )
    data = _read(path)
    revisions = data["revisions"]
    if proc.status == "draft":
        entry = revisions[-1]
        number = revision or proc.current.revision
        if revision:
            _check_new_number(proc, number)
        changes = note or proc.current.changes
    else:
        number = revision or next_revision(proc.current.revision)
        _check_new_number(proc, number)
        unchanged = proc.current.fingerprint == approved_proc_fingerprint
        if not note and not unchanged:
            raise SopkitError(
                f"{proc.id} has changed since revision {proc.current.revision}; say what changed "
                "with --note TEXT (Endringer fra forrige versjon)"
            )
        changes = note or "Gjennomgått uten endringer i innholdet."
        entry = CommentedMap()
        revisions.append(entry)
    if not changes:
        raise SopkitError(
            f"say what changed in {proc.id} with --note TEXT (Endringer fra forrige versjon)"
        )
    entry["revision"] = DoubleQuotedScalarString(number)
    entry["changed"] = today
    entry["changes"] = changes
    entry["approved"] = today
    entry["approved_by"] = by
    entry["valid_until"] = add_months(today, interval_months)
    entry["fingerprint"] = approved_proc_fingerprint
    data["status"] = "approved"
    _write(path, data)
    return number


@contextmanager
def restored_on_error(path: Path, procedures: Path) -> Iterator[None]:
    """Edit a procedure file; put the old bytes back unless the result checks cleanly."""
    before = path.read_bytes()
    try:
        yield
        read_library(procedures)
    except BaseException:
        path.write_bytes(before)
        raise
