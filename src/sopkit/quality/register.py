"""The document register and the review work list for quality staff.

One row per document, from the revision records in ``procedure/``; the review
state compares the review date (Gyldig til) of the revision in force with the
library's date (``SOURCE_DATE_EPOCH`` when set) and ``review_warning_days`` in
``procedure/handbook.yml``. The command line prints the rows as a table, CSV
or JSON; the site shows them on ``dokumentregister.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from sopkit.source.library import Library
from sopkit.source.model import STATUS_LABELS
from sopkit.source.review import Review, review_state
from sopkit.source.text import norwegian_date

REVIEW_LABELS: dict[str, str] = {
    "overdue": "Forfalt",
    "due": "Forfaller snart",
    "ok": "I orden",
    "obsolete": "Utgått",
    "unapproved": "Ikke godkjent",
}


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    revision: str
    status: str
    approved: dt.date | None
    valid_until: dt.date | None
    responsible: str
    approved_by: str
    review: Review
    days_left: int | None
    draft_revision: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def revision_text(self) -> str:
        """The revision in force, and the draft under way, in words."""
        if self.draft_revision and self.approved is None:
            return f"utkast {self.draft_revision}, ingen godkjent revisjon"
        if self.draft_revision:
            return f"{self.revision} (utkast {self.draft_revision})"
        return self.revision

    @property
    def review_label(self) -> str:
        return REVIEW_LABELS[self.review]

    @property
    def review_text(self) -> str:
        """The review state in words, e.g. 'Forfalt for 721 dager siden'."""
        days = self.days_left
        if self.review == "overdue" and days is not None:
            return f"Forfalt for {-days} {'dag' if days == -1 else 'dager'} siden"
        if self.review == "due" and days is not None:
            return "Forfaller i dag" if days == 0 else (
                f"Forfaller om {days} {'dag' if days == 1 else 'dager'}")
        return self.review_label

    @property
    def flagged(self) -> bool:
        return self.review in ("overdue", "due")


def rows(library: Library) -> list[Row]:
    """Every document, sorted by ID. A draft shows the revision still in force."""
    out = []
    warning = library.handbook.review_warning_days
    for proc in library.procedures:
        approved = proc.last_approved
        shown = approved or proc.current
        review = review_state(proc, library.today, warning)
        out.append(Row(
            id=proc.id,
            title=proc.title,
            revision=shown.revision,
            status=proc.status,
            approved=approved.approved if approved else None,
            valid_until=approved.valid_until if approved else None,
            responsible=proc.people.responsible,
            approved_by=(approved.approved_by or "") if approved else "",
            review=review.state,
            days_left=review.days_left,
            draft_revision=proc.current.revision if proc.status == "draft" else None,
        ))
    return out


def due(library: Library, within: int) -> list[tuple[Row, int]]:
    """Documents whose review is overdue or due within ``within`` days, with the days
    left (negative: overdue), most urgent first."""
    found = [(row, row.days_left) for row in rows(library)
             if row.days_left is not None and row.review != "obsolete"
             and row.days_left <= within]
    return sorted(found, key=lambda found: (found[1], found[0].id))


# ---------------------------------------------------------------- output

COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "DokumentID"),
    ("title", "Tittel"),
    ("revision", "Revisjon"),
    ("status", "Status"),
    ("approved", "Godkjent dato"),
    ("valid_until", "Gyldig til"),
    ("responsible", "Fagansvarlig"),
    ("approved_by", "Godkjent av"),
    ("review", "Revisjon forfaller"),
)


def _cells(row: Row, iso: bool) -> list[str]:
    def day(value: dt.date | None) -> str:
        if value is None:
            return ""
        return value.isoformat() if iso else norwegian_date(value)

    revision = row.revision_text
    review = row.review_text
    if row.flagged and not iso:
        review = f"!! {review}"
    return [row.id, row.title, revision, row.status_label, day(row.approved),
            day(row.valid_until), row.responsible, row.approved_by, review]


def as_table(table_rows: list[Row], width: int = 40) -> str:
    """A plain-text table; flagged reviews start with '!!' so colour is never needed."""
    header = [label for _, label in COLUMNS]
    body = [[_clip(cell, width) for cell in _cells(row, iso=False)] for row in table_rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
             for line in [header, ["-" * w for w in widths], *body]]
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def as_csv(table_rows: list[Row]) -> str:
    """CSV with the register's Norwegian headings and ISO dates (YYYY-MM-DD)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([label for _, label in COLUMNS])
    for row in table_rows:
        writer.writerow(_cells(row, iso=True))
    return out.getvalue()


def as_json(table_rows: list[Row]) -> str:
    """JSON with English keys, ISO dates, the review state and days left."""
    data = [
        {
            "id": r.id, "title": r.title, "revision": r.revision, "status": r.status,
            "draft_revision": r.draft_revision,
            "approved": r.approved.isoformat() if r.approved else None,
            "valid_until": r.valid_until.isoformat() if r.valid_until else None,
            "responsible": r.responsible, "approved_by": r.approved_by,
            "review": r.review, "days_left": r.days_left,
        }
        for r in table_rows
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
