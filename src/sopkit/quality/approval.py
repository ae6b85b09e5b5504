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
from sopkit.source.model import Person, Procedure, Revision, revision_key
from sopkit.source.people import authors, find, may_approve


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
            f"the people register (procedure/{PEOPLE_FILE}) is missing or empty, so nobody "
            f"may approve {proc.id}\n    hint: list the people who prepare and approve "
            "documents there (see the README, 'The people register')")
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
    author = authors(people, proc.people.prepared_by)
    if not author:
        raise SopkitError(
            f"{proc.id}'s Utarbeidet av ({proc.people.prepared_by}) names nobody in the people "
            f"register, so it cannot be told whether {person.full_name} wrote it"
            f"\n    hint: register the author in procedure/{PEOPLE_FILE}, or write their name "
            "in people.prepared_by as it is registered")
    if person in author:
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


def approval(proc: Procedure, *, by: Person, today: dt.date, interval_months: int,
             revision: str | None, note: str | None, content: str) -> Revision:
    """The revision entry an approval of ``proc`` by ``by`` records (``content``: the
    text's fingerprint). A draft's open revision is approved; for an approved
    document a new revision is added (after a periodic review or a direct change).
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
        if not note and proc.current.fingerprint != content:
            raise SopkitError(
                f"{proc.id} has changed since revision {proc.current.revision}; say what changed "
                "with --note TEXT (Endringer fra forrige versjon)"
            )
        changes = note or "Gjennomgått uten endringer i innholdet."
    if not changes:
        raise SopkitError(
            f"say what changed in {proc.id} with --note TEXT (Endringer fra forrige versjon)"
        )
    return Revision(revision=number, changed=today, changes=changes, approved=today,
                    approved_by=by.full_name, valid_until=add_months(today, interval_months),
                    fingerprint=content)


def as_approved(proc: Procedure, rev: Revision) -> Procedure:
    """``proc`` as it reads once ``rev`` (from :func:`approval`) is recorded."""
    kept = proc.revisions[:-1] if proc.status == "draft" else proc.revisions
    return proc.model_copy(update={"status": "approved", "revisions": [*kept, rev]})


def approve(path: Path, proc: Procedure, rev: Revision) -> None:
    """Record ``rev`` (from :func:`approval`) in ``proc``'s file, changing only the
    lines it must."""
    assert rev.approved and rev.valid_until and rev.fingerprint and rev.approved_by
    approved = [("approved", rev.approved.isoformat()), ("approved_by", scalar(rev.approved_by)),
                ("valid_until", rev.valid_until.isoformat()), ("fingerprint", rev.fingerprint)]
    yaml = YamlText.read(path)
    if proc.status == "draft":
        yaml.set(("status",), "approved")
        last = ("revisions", len(proc.revisions) - 1)
        if rev.revision != proc.current.revision:
            yaml.set((*last, "revision"), quoted(rev.revision))
        if rev.changed != proc.current.changed:
            yaml.set((*last, "changed"), rev.changed.isoformat())
        if rev.changes != proc.current.changes:
            yaml.set((*last, "changes"), scalar(rev.changes))
        for key, value in approved:
            yaml.set((*last, key), value)
    else:
        yaml.append(("revisions",), [("revision", quoted(rev.revision)),
                                     ("changed", rev.changed.isoformat()),
                                     ("changes", scalar(rev.changes)), *approved])
    write_atomic(path, yaml.encoded())


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
