"""A new document: the first draft of a procedure, written from a template.

``sopkit new`` writes ``procedure/documents/<ID>-<short-title>.yml`` with the
schema line for editors, status draft, revision 1.00 and every required field.
What the author must write is a placeholder, ``«FYLL UT: ...»``: ``sopkit check``
lists each with its line (a warning while the document is a draft), and an
approval is refused until none is left.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from sopkit.quality.yamledit import quoted, scalar
from sopkit.source.errors import SopkitError, display_path
from sopkit.source.library import DOCUMENTS_DIR
from sopkit.source.model import DocId
from sopkit.source.rules import PLACEHOLDER

_ID = re.compile(r"[A-Z]{1,4}[0-9]{1,8}")
_ID_LINE = re.compile(r"^id:\s*[\"']?([A-Z]+[0-9]+)", re.MULTILINE)
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def fill_in(what: str) -> str:
    return f"«{PLACEHOLDER}: {what}»"


def file_name(doc_id: str, title: str) -> str:
    """``D40001-prøvetaking-av-blodkultur`` -> ``D40001-provetaking-av-blodkultur.yml``."""
    ascii_title = unicodedata.normalize("NFKD", title.translate(_LETTERS))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.encode("ascii", "ignore").decode().lower())
    slug = slug.strip("-")[:48].rstrip("-") or "prosedyre"
    return f"{doc_id}-{slug}.yml"


def existing(root: Path, doc_id: str) -> Path | None:
    """A file in ``root``/documents that is (or claims to be) ``doc_id``, read leniently:
    a new document must not need the others to be in order (or to exist)."""
    for path in sorted((root / DOCUMENTS_DIR).glob("*.y*ml")):
        if path.name.split("-", 1)[0].split(".", 1)[0] == doc_id:
            return path
        try:
            head = path.read_text(encoding="utf-8-sig", errors="replace")[:4096]
        except OSError:
            continue
        found = _ID_LINE.search(head)
        if found and found.group(1) == doc_id:
            return path
    return None


def new_procedure(root: Path, doc_id: DocId, *, title: str, location: str,
                  path: list[str], prepared_by: str, today: dt.date) -> Path:
    """Write the first draft of ``doc_id`` into ``root`` (``procedure/``); returns the file."""
    if not _ID.fullmatch(doc_id):
        raise SopkitError(f"'{doc_id}' is not a document ID: capital letters, then digits "
                          "(e.g. D40001)")
    for name, value in (("--title", title), ("--location", location)):
        if not value.strip():
            raise SopkitError(f"{name} must not be empty")
    for name, value in (("--title", title), ("--location", location),
                        ("--path", "/".join(path)), ("--prepared-by", prepared_by)):
        if not value.isprintable():
            raise SopkitError(f"{name} holds a control character; write it as plain text")
    other = existing(root, doc_id)
    if other is not None:
        raise SopkitError(f"{doc_id} already exists: {display_path(other)}")
    target = root / DOCUMENTS_DIR / file_name(doc_id, title)
    if target.exists():
        raise SopkitError(f"{target} already exists")
    folders = path or [fill_in("mappe i håndboka, f.eks. Medisinsk serviceklinikk")]
    lines = [
        "# yaml-language-server: $schema=../schema/procedure.schema.json",
        f"id: {doc_id}",
        f"title: {scalar(title.strip())}",
        "status: draft",
        "urgent: false",
        "location:",
        f"  code: {scalar(location.strip())}",
        "  path:",
        *(f"    - {scalar(folder)}" for folder in folders),
        f"distribution: {scalar(fill_in('distribusjonsliste'))}",
        "applications: []",
        "people:",
        f"  prepared_by: {scalar(prepared_by.strip() or fill_in('utarbeidet av'))}",
        f"  responsible: {scalar(fill_in('fagansvarlig'))}",
        '  verified_by: ""',
        "sections:",
        "  - kind: purpose",
        "    body:",
        f"      - {scalar(fill_in('hva prosedyren skal sikre'))}",
        "  - kind: scope",
        "    body:",
        f"      - {scalar(fill_in('hvem og hva prosedyren gjelder'))}",
        "  - kind: procedure",
        "    body:",
        "      - steps:",
        "          - id: step-1",
        f"            text: {scalar(fill_in('første trinn'))}",
        "attachments: []",
        "references: []",
        "external_references: []",
        "mandated_phrases: []",
        "revisions:",
        f"  - revision: {quoted('1.00')}",
        f"    changed: {today.isoformat()}",
        "    changes: Første versjon.",
    ]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(lines) + "\n")
    return target
