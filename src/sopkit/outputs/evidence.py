"""Proof that what a procedure mandates reached each final artefact, and its record.

A verifier reads an artefact as staff get it (a built page through an HTML
parser, a PDF's visible text), looks for every item :mod:`sopkit.source.expected`
derives from the YAML, and returns a :class:`Report`: what was checked, what
was found, and the artefact's SHA-256. A build fails when an item is missing,
naming the procedure, the artefact and the item; the reports of a good build
are the evidence for auditors (``sopkit verify``, and the site's page
"Kontroll av dokumentene").
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sopkit.source.errors import SopkitError
from sopkit.source.expected import Item, words
from sopkit.source.files import svg_text
from sopkit.source.model import Procedure

if TYPE_CHECKING:  # pdfminer, which it imports, is slow to import (0.1 s): only where read
    from sopkit.outputs.pdftext import PdfContent

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Check:
    item: Item
    found: bool


@dataclass(frozen=True)
class Report:
    """One artefact of one procedure, checked."""

    doc_id: str
    artefact: str
    """What was checked, e.g. ``page``, ``card A4``, ``ticket``, ``archival PDF``."""
    path: str
    """Where the artefact is (site-relative), or what it is."""
    sha256: str
    checks: tuple[Check, ...]

    @property
    def missing(self) -> list[Item]:
        return [check.item for check in self.checks if not check.found]

    @property
    def ok(self) -> bool:
        return all(check.found for check in self.checks)

    def problems(self) -> list[str]:
        return [f"{self.doc_id}: {self.artefact}: missing {item.label()}" for item in self.missing]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.doc_id, "artefact": self.artefact, "path": self.path,
                "sha256": self.sha256,
                "checks": [{"kind": c.item.kind, "key": c.item.key, "text": c.item.text,
                            "found": c.found} for c in self.checks]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(data["id"], data["artefact"], data["path"], data["sha256"], tuple(
            Check(Item(c["kind"], c["key"], c["text"]), c["found"]) for c in data["checks"]))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(doc_id: str, artefact: str, path: str, data: bytes, text: str,
          items: Iterable[Item], *, wrapped: bool = False,
          shows: Callable[[Item], bool] | None = None) -> Report:
    """Look for each of ``items`` in ``text``, the visible text of the artefact ``data``.

    Steps must be found in their order, each after the one before: a step dropped
    from the artefact is not "found" inside another step that holds its words.
    ``wrapped``: the text comes from laid-out lines (a PDF), where a long word may be
    broken at a line's end, so spaces are not compared. Figures and attachments
    are not text: ``shows`` tells whether the artefact shows one (without it, none is).
    """
    text = words(text)  # as the items: soft hyphens and zero-width characters left out
    if wrapped:
        text = _SPACES.sub("", text)
    checks = []
    after = 0
    for item in items:
        wanted = _SPACES.sub("", item.text) if wrapped else item.text
        if item.kind == "step":
            at = text.find(wanted, after)
            if at >= 0:
                after = at + len(wanted)
            checks.append(Check(item, at >= 0))
        elif item.kind in ("figure", "attachment"):
            checks.append(Check(item, shows is not None and shows(item)))
        else:
            checks.append(Check(item, wanted in text))
    return Report(doc_id, artefact, path, sha256(data), tuple(checks))


def pdf_shows(proc: Procedure, pdf: PdfContent) -> Callable[[Item], bool]:
    """Whether a PDF shows a figure: a picture of the figure's size in pixels, either
    way up (a photo's EXIF may turn it; each picture counts once); a drawing (SVG,
    drawn as shapes) by all the text it holds, in any colour. A drawing with no text
    is taken on trust, and one whose text is also elsewhere in the PDF is found
    there too: nothing in the PDF tells a drawing from other shapes."""
    left = list(pdf.images)
    drawn = _SPACES.sub("", words(pdf.drawn))

    def shows(item: Item) -> bool:
        stored = proc.files.get(item.key)
        if item.kind != "figure" or stored is None:
            return False
        if stored.kind == "SVG":
            return all(_SPACES.sub("", words(line)) in drawn
                       for line in svg_text(stored.read_bytes()))
        width, height = stored.width or 0, stored.height or 0
        for size in ((width, height), (height, width)):
            if size in left:
                left.remove(size)
                return True
        return False
    return shows


class MissingText(SopkitError):
    """An artefact lacks what its procedure mandates; the reports say what."""

    def __init__(self, reports: list[Report], hint: str) -> None:
        self.reports = reports
        self.hint = hint
        super().__init__("an output lost what the procedure mandates:\n  "
                         + "\n  ".join(line for r in reports for line in r.problems())
                         + f"\n    hint: {hint}")

    def __reduce__(self) -> tuple[type[MissingText], tuple[list[Report], str]]:
        return MissingText, (self.reports, self.hint)


def raise_on_missing(reports: Iterable[Report], hint: str) -> None:
    lacking = [report for report in reports if not report.ok]
    if lacking:
        raise MissingText(lacking, hint)


def dumps(reports: Sequence[Report]) -> str:
    return json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2) + "\n"
