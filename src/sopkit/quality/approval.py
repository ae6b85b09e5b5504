"""Recording drafts and approvals in a procedure's YAML file.

``sopkit approve`` and ``sopkit draft`` edit the YAML for the user, so that
nobody types fingerprints or dates by hand. Only the lines that must change
are touched (:mod:`sopkit.quality.yamledit`), so the commit's diff is the
change record a reviewer reads.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sopkit.quality.yamledit import YamlText, quoted, scalar, write_atomic
from sopkit.source.errors import SopkitError
from sopkit.source.fingerprint import next_revision
from sopkit.source.library import PEOPLE_FILE, read_library
from sopkit.source.model import Person, Procedure, revision_key
from sopkit.source.people import find, may_approve, mentioned


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def approver(people: Sequence[Person], by: str, proc: Procedure) -> Person:
    """The registered person ``by`` names, if they may approve ``proc``.

    Refused: a name not in the people register (or naming several), the
    document's author (the registered person named in Utarbeidet av, however
    ``by`` writes the name), and a person without the right to approve
    documents at the document's Dokumentplassering.
    """
    if not people:
        raise SopkitError(
            f"{PEOPLE_FILE} has nobody in it, so nobody may approve {proc.id}"
            f"\n    hint: add procedure/{PEOPLE_FILE} with the people who prepare and approve "
            "documents (see the README, 'The people register')")
    found = find(people, by)
    if not found:
        known = "; ".join(p.full_name for p in people)
        raise SopkitError(
            f"'{by}' is not in the people register (procedure/{PEOPLE_FILE})"
            f"\n    hint: give a registered name (title optional): {known}")
    if len(found) > 1:
        raise SopkitError(f"'{by}' names more than one registered person: "
                          + "; ".join(p.full_name for p in found)
                          + "\n    hint: give the whole name")
    person = found[0]
    if mentioned(person, proc.people.prepared_by):
        raise SopkitError(
            f"{person.full_name} prepared {proc.id} (Utarbeidet av: {proc.people.prepared_by}); "
            "a document must be approved by someone other than its author")
    if not may_approve(person, proc.location.code):
        rights = ", ".join(person.approves) or "none"
        raise SopkitError(
            f"{person.full_name} may not approve {proc.id}: its Dokumentplassering is "
            f"{proc.location.code}, and their rights in procedure/{PEOPLE_FILE} cover: {rights}"
            f"\n    hint: ask someone whose 'approves' covers {proc.location.code}, or extend "
            "this person's rights in the people register (itself under review in git)")
    return person


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
    yaml = YamlText.read(path)
    yaml.set(("status",), "draft")
    yaml.append(("revisions",), [("revision", quoted(number)), ("changed", today.isoformat()),
                                 ("changes", scalar(note or ""))])
    write_atomic(path, yaml.encoded())
    return number


def approve(path: Path, proc: Procedure, approved_proc_fingerprint: str, *, by: Person,
            today: dt.date, interval_months: int, revision: str | None,
            note: str | None) -> str:
    """Record an approval by ``by`` (see :func:`approver`). Returns the approved revision.

    A draft's open revision is approved; for an approved document a new revision
    is added (the usual case after a periodic review or a direct change).
    """
    if proc.status == "obsolete":
        raise SopkitError(f"{proc.id} is obsolete (utgått) and cannot be approved")
    if proc.status == "draft":
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
    if not changes:
        raise SopkitError(
            f"say what changed in {proc.id} with --note TEXT (Endringer fra forrige versjon)"
        )
    approval = [("approved", today.isoformat()), ("approved_by", scalar(by.full_name)),
                ("valid_until", add_months(today, interval_months).isoformat()),
                ("fingerprint", approved_proc_fingerprint)]
    yaml = YamlText.read(path)
    if proc.status == "draft":
        yaml.set(("status",), "approved")
        last = ("revisions", len(proc.revisions) - 1)
        if number != proc.current.revision:
            yaml.set((*last, "revision"), quoted(number))
        yaml.set((*last, "changed"), today.isoformat())
        if changes != proc.current.changes:
            yaml.set((*last, "changes"), scalar(changes))
        for key, value in approval:
            yaml.set((*last, key), value)
    else:
        yaml.append(("revisions",), [("revision", quoted(number)),
                                     ("changed", today.isoformat()),
                                     ("changes", scalar(changes)), *approval])
    write_atomic(path, yaml.encoded())
    return number


@contextmanager
def restored_on_error(path: Path, procedures: Path) -> Iterator[None]:
    """Edit a procedure file; put the old bytes back (atomically) unless the result
    checks cleanly."""
    before = path.read_bytes()
    try:
        yield
        read_library(procedures)
    except BaseException:
        write_atomic(path, before)
        raise
