"""A document's review state, worked out in one place for every use.

The review date is the Gyldig til of the revision in force: the last approved
one. A draft under way does not move it: a document whose approved revision is
overdue stays overdue until the new revision is approved. ``sopkit check``
warns about it, ``review-due`` and the register list it, and the site marks
the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sopkit.source.model import Procedure

Review = Literal["overdue", "due", "ok", "obsolete", "unapproved"]


@dataclass(frozen=True)
class ReviewState:
    state: Review
    days_left: int | None = None
    """Days until the review date; negative once it has passed."""
    index: int | None = None
    """The index in ``revisions`` of the revision whose review date counts."""

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


def review_state(proc: Procedure, today: dt.date, warning_days: int = 0) -> ReviewState:
    """``proc``'s review state on ``today``; ``due`` within ``warning_days`` of the date."""
    if proc.status == "obsolete":
        return ReviewState("obsolete")
    approved = [i for i, rev in enumerate(proc.revisions) if rev.approved]
    if not approved or proc.revisions[approved[-1]].valid_until is None:
        return ReviewState("unapproved")
    index = approved[-1]
    valid_until = proc.revisions[index].valid_until
    assert valid_until is not None
    days = (valid_until - today).days
    if days < 0:
        return ReviewState("overdue", days, index)
    return ReviewState("due" if days <= warning_days else "ok", days, index)
