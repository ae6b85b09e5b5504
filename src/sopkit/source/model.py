"""The procedure format: typed, frozen models that reject unknown keys.

The YAML keys are English identifiers; the text is Norwegian, as staff read it.
``schema/procedure.schema.json`` is generated from these models
(``sopkit schema``) so that editors validate while typing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from sopkit.source.text import normalize

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("must be a date written as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"is not a real date ({exc})") from None


Date = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
Text = Annotated[str, StringConstraints(min_length=1)]
DocId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,4}[0-9]{1,8}$")]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
FieldKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RevisionNo = Annotated[str, StringConstraints(pattern=r"^[0-9]+\.[0-9]{2}$")]
Status = Literal["draft", "approved", "obsolete"]

STATUS_LABELS: dict[str, str] = {"draft": "Utkast", "approved": "Godkjent", "obsolete": "Utgått"}


def revision_key(revision: str) -> tuple[int, int]:
    """``"6.00"`` -> ``(6, 0)``, for comparing revision numbers."""
    major, minor = revision.split(".")
    return int(major), int(minor)


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- registers


class Application(Base):
    """A system in the application register (``procedure/applications.yml``)."""

    key: Key = Field(description="Short key procedures refer to, e.g. 'unilab'.")
    name: Text = Field(description="Name as staff know it, e.g. 'Unilab'.")
    criticality: Literal[1, 2, 3] = Field(description="Kritikalitet: 1 is the most critical.")
    description: str = ""


class ApplicationRegister(Base):
    applications: list[Application] = Field(min_length=1)


class Person(Base):
    """Someone who prepares or approves documents (``procedure/people.yml``)."""

    name: Text = Field(description="Full name, e.g. 'Kari Nordmann'.")
    title: str = Field("", description="Stillingstittel, e.g. 'Kvalitetsleder'.")
    approves: list[Text] = Field(
        [], description="Dokumentplassering codes (or their beginnings, e.g. 'II.MSK') of "
                        "the documents this person may approve; empty: none.")

    @property
    def full_name(self) -> str:
        """Title and name, as approvals record it: 'Kvalitetsleder Kari Nordmann'."""
        return f"{self.title} {self.name}" if self.title else self.name


class PeopleRegister(Base):
    people: list[Person] = Field([], description="Everyone who prepares or approves.")


class Handbook(Base):
    """Handbook-wide settings (``procedure/handbook.yml``)."""

    title: Text
    organisation: Text
    review_interval_months: int = Field(24, ge=1, le=120)
    review_warning_days: int = Field(90, ge=1, le=365)


# ---------------------------------------------------------------- content


class Contact(Base):
    role: Text = Field(description="Rolle, e.g. 'Brukerstøtte'.")
    name: str = ""
    phone: str = ""
    hours: str = Field("", description="Når kontakten kan nås, e.g. 'Hele døgnet'.")
    note: str = ""


class Term(Base):
    term: Text
    definition: Text


class Table(Base):
    columns: list[Text] = Field(min_length=1)
    rows: list[list[str]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_fit(self) -> Table:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {number} has {len(row)} cells but there are {len(self.columns)} columns"
                )
        return self


class Note(Base):
    """A note attached to a step."""

    level: Literal["note", "important", "warning"] = "note"
    text: Text


NOTE_LABELS: dict[str, str] = {"note": "NB!", "important": "Viktig:", "warning": "Advarsel:"}


FileName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Figure(Base):
    """A picture: a screenshot, a photo, a flowchart (PNG, JPEG, WebP or SVG)."""

    file: FileName = Field(description="The file's name in procedure/files/<ID>/, "
                                       "e.g. 'unilab-dialog.png'.")
    alt: Text = Field(description="What the picture shows, for those who cannot see it "
                                  "(alternative text): not the file name.")
    caption: str = Field("", description="Bildetekst shown under the picture.")
    card: bool = Field(False, description="Also on the wall card.")


class Attachment(Base):
    """Vedlegg: a file staff open or print, e.g. a form (PDF, Word, Excel)."""

    title: Text = Field(description="What staff see, e.g. 'Skjema for nedetid'.")
    file: FileName = Field(description="The file's name in procedure/files/<ID>/.")


class Step(Base):
    id: Key = Field(description="Stable id, kept across revisions so they can be compared.")
    text: Text
    when: str | None = Field(None, description="Condition, e.g. 'Hvis prøven er hemolysert'.")
    role: str | None = Field(None, description="Only for this role, e.g. 'Bioingeniør'.")
    card: str | Literal[False] | None = Field(
        None, description="Shorter wording for the wall card, or false: not on the card.")
    notes: list[Note] = []
    figure: Figure | None = Field(None, description="A picture shown with the step.")
    steps: list[Step] = Field([], description="Sub-steps.")

    def walk(self) -> Iterator[Step]:
        yield self
        for sub in self.steps:
            yield from sub.walk()


_BLOCK_KINDS = ("text", "note", "important", "warning", "table", "steps", "contacts", "terms",
                "figure")


class Block(Base):
    """One piece of a section body: a plain string is a paragraph."""

    text: str | None = None
    note: str | None = Field(None, description="Shown as 'NB!'.")
    important: str | None = Field(None, description="Shown as 'Viktig:'.")
    warning: str | None = Field(None, description="Shown as 'Advarsel:'.")
    table: Table | None = None
    steps: list[Step] | None = None
    contacts: list[Contact] | None = None
    terms: list[Term] | None = None
    figure: Figure | None = None
    role: str | None = Field(None, description="Text meant for this role only.")

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        mapping = handler.resolve_ref_schema(handler(core_schema))
        return {"anyOf": [{"type": "string", "description": "A paragraph."}, mapping]}

    @model_validator(mode="before")
    @classmethod
    def _paragraph(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        present = [kind for kind in _BLOCK_KINDS if getattr(self, kind) is not None]
        if len(present) != 1:
            raise ValueError(
                "a block needs exactly one of: " + ", ".join(_BLOCK_KINDS)
                + (f" (found {', '.join(present)})" if present else "")
            )
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in _BLOCK_KINDS if getattr(self, kind) is not None)


SectionKind = Literal[
    "purpose", "scope", "background", "definitions", "responsibility",
    "procedure", "deviations", "sources", "other",
]
SECTION_TITLES: dict[str, str] = {
    "purpose": "Hensikt",
    "scope": "Omfang",
    "background": "Bakgrunn",
    "definitions": "Definisjoner",
    "responsibility": "Ansvar",
    "procedure": "Utførelse",
    "deviations": "Avvik",
    "sources": "Kilder",
}


class Section(Base):
    kind: SectionKind
    title: str | None = Field(None, description="Overrides the usual title; required for 'other'.")
    body: list[Block] = Field(min_length=1)

    @model_validator(mode="after")
    def _titled(self) -> Section:
        if self.kind == "other" and not self.title:
            raise ValueError("a section of kind 'other' needs a title")
        return self

    @property
    def heading(self) -> str:
        return self.title or SECTION_TITLES[self.kind]

    def steps(self) -> Iterator[Step]:
        for block in self.body:
            for step in block.steps or []:
                yield from step.walk()


class Location(Base):
    code: Text = Field(description="Dokumentplassering, e.g. 'II.MSK.FEL.LAB FEL.LAB DATA.2-2'.")
    path: list[Text] = Field(min_length=1, description="The folder path in the handbook tree.")


class DocRef(Base):
    document: DocId
    note: str = ""


class ExternalRef(Base):
    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^$|^(https?://|mailto:|tel:)\S+$")] = Field(
        "", description="An https:, http:, mailto: or tel: address.")


# ---------------------------------------------------------------- ticket and card


class TicketField(Base):
    """One thing the reporter fills in; ``{key}`` in the ticket's patterns shows its value."""

    key: FieldKey = Field(description="Placeholder name, e.g. 'error' for {error}.")
    label: Text = Field(description="The label on the composer's form, e.g. 'Feilbeskrivelse'.")
    kind: Literal["text", "application", "choice", "mobile"] = Field(
        "text",
        description="text; application (one of the procedure's applications, shown by its "
        "register name); choice (one of 'choices'); mobile (a Norwegian mobile number).",
    )
    required: bool = True
    multiline: bool = Field(False, description="Several lines of text (kind 'text' only).")
    help: str = Field("", description="A hint shown under the label.")
    placeholder: str = Field(
        "", description="Shown in the copy-paste template instead of the label, "
        "e.g. 'navn på applikasjonen'.",
    )
    choices: list[Text] | None = Field(None, description="The options of a 'choice' field.")

    @model_validator(mode="after")
    def _choices(self) -> TicketField:
        if self.kind == "choice" and not self.choices:
            raise ValueError("a field of kind 'choice' needs a non-empty list of choices")
        if self.kind != "choice" and self.choices is not None:
            raise ValueError(f"choices are only for kind 'choice', not '{self.kind}'")
        if self.choices is not None and len(set(self.choices)) != len(self.choices):
            raise ValueError("the choices of a field must differ from each other")
        for choice in self.choices or []:
            if choice != " ".join(choice.split()):
                raise ValueError(f"the choice {choice!r} has spaces at its ends or inside it "
                                 "twice; nobody could choose it as written")
        if self.multiline and self.kind != "text":
            raise ValueError(f"only fields of kind 'text' can be multiline, not '{self.kind}'")
        return self


class PhoneScript(Base):
    call: Text = Field(description="Who to phone, e.g. 'Brukerstøtte'.")
    number: str = Field("", description="Their phone number, if the procedure gives it.")
    say: list[Text] = Field(
        min_length=1, description="What to say; may use {fields} and {case_number}, the number "
        "the case system gave the case.",
    )


class TicketSpec(Base):
    """The case the procedure mandates, as patterns with {field} placeholders.

    Write a literal brace as ``{{`` or ``}}``.
    """

    system: Text = Field(description="Where the case is registered, e.g. 'Min Sykehuspartner'.")
    subject: Text = Field(description="Subject pattern, e.g. '{application} OK skal hjelpe'.")
    first_sentence: Text = Field(description="The description's fixed first line.")
    description: list[Text] = Field(
        min_length=1, description="The description's lines after the first sentence; may use "
        "{fields}. A line whose fields are all optional and left empty is left out.",
    )
    fields: list[TicketField] = Field(min_length=1)
    phone: PhoneScript | None = None


class CardSpec(Base):
    when: Text = Field(description="One line on when to use the card.")
    contact: Text = Field(description="The key contact, e.g. 'Brukerstøtte'.")
    sizes: list[Literal["A4", "A5"]] = Field(["A4", "A5"], min_length=1)
    steps: list[Key] | None = Field(
        None, description="The ids of the top-level steps the card shows (default: all but "
        "those with 'card: false'); they keep the procedure's order and numbers.")
    substeps: bool = Field(True, description="Whether the card shows sub-steps.")


# ---------------------------------------------------------------- document


@dataclass(frozen=True)
class StoredFile:
    """A file a procedure refers to (a figure or an attachment), read and checked.

    Its bytes are in ``path`` (the working file) or ``data`` (a version from git).
    """

    name: str
    sha256: str
    size: int
    kind: str
    """The type as staff know it: 'PNG', 'PDF', 'Word' ..."""
    media_type: str
    width: int | None = None
    height: int | None = None
    path: Path | None = field(default=None, compare=False)
    data: bytes | None = field(default=None, compare=False, repr=False)

    def read_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    @property
    def suffix(self) -> str:
        return self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""


class Revision(Base):
    revision: RevisionNo
    changed: Date = Field(description="Dato endret.")
    changes: str = Field("", description="Endringer fra forrige versjon.")
    approved: Date | None = Field(None, description="Godkjent dato.")
    approved_by: str | None = Field(None, description="Godkjent av.")
    valid_until: Date | None = Field(None, description="Gyldig til (review date).")
    fingerprint: str | None = Field(None, description="Written by 'sopkit approve'.")


class People(Base):
    prepared_by: Text = Field(description="Utarbeidet av.")
    responsible: Text = Field(description="Fagansvarlig.")
    verified_by: str = Field(description="Verifisert av (may be empty).")


class _Memo:
    """What a text's fields give, worked out once; never part of the text's equality
    (pydantic compares private attributes)."""

    __slots__ = ("digest",)

    def __init__(self) -> None:
        self.digest: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Memo)

    __hash__ = None  # type: ignore[assignment]


class Procedure(Base):
    id: DocId = Field(description="DokumentID, e.g. 'D29653'.")
    title: Text
    status: Status
    urgent: bool = Field(False, description="Shown first on the front page.")
    location: Location
    distribution: str = Field(description="Distribusjonsliste.")
    applications: list[Key] = Field([], description="Keys from the application register.")
    people: People
    sections: list[Section] = Field(min_length=1)
    attachments: list[Text | Attachment] = Field(
        [], description="Vedlegg: a file in procedure/files/<ID>/ as {title, file}, or a "
                        "name alone for one kept elsewhere.")
    references: list[DocRef] = Field([], description="Kryssreferanser.")
    external_references: list[ExternalRef] = Field([], description="Eksterne referanser.")
    mandated_phrases: list[Text] = Field([], description="Must reach every output verbatim.")
    ticket: TicketSpec | None = None
    card: CardSpec | None = None
    review_interval_months: int | None = Field(None, ge=1, le=120)
    revisions: list[Revision] = Field(min_length=1, description="Oldest first.")

    _files: dict[str, StoredFile] = PrivateAttr(default_factory=dict)
    _memo: _Memo = PrivateAttr(default_factory=lambda: _Memo())

    @property
    def files(self) -> Mapping[str, StoredFile]:
        """The files the text refers to, by name, once checked (:meth:`with_files`)."""
        return self._files

    def content_json(self) -> str:
        """All fields and the SHA-256 of each file: what a cache of outputs is keyed on."""
        digests = ",".join(f"{name!r}:{f.sha256}" for name, f in self._files.items())
        return f"{self.model_dump_json()}\0{digests}"

    def content_digest(self) -> str:
        """The SHA-256 of :meth:`content_json`, worked out once per text (a build asks
        for it five times per procedure): the fields are frozen, and a copy (with
        other fields or files) works it out again."""
        if self._memo.digest is None:
            self._memo.digest = hashlib.sha256(self.content_json().encode()).hexdigest()
        return self._memo.digest

    def __copy__(self) -> Self:
        copy = super().__copy__()
        copy._memo = _Memo()
        return copy

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        copy = super().__deepcopy__(memo)
        copy._memo = _Memo()
        return copy

    def with_files(self, files: Mapping[str, StoredFile]) -> Procedure:
        """This text with the files it refers to (read and checked elsewhere)."""
        copy = self.model_copy()
        copy._files = dict(sorted(files.items()))
        return copy

    def file_uses(self) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
        """(key path of the 'file' key, file name, 'figure' or 'attachment') of every file
        the text refers to, in document order."""
        for s_index, section in enumerate(self.sections):
            for b_index, block in enumerate(section.body):
                keys: tuple[str | int, ...] = ("sections", s_index, "body", b_index)
                if block.figure is not None:
                    yield (*keys, "figure", "file"), block.figure.file, "figure"
                for path, step in _walk(block.steps or [], (*keys, "steps")):
                    if step.figure is not None:
                        yield (*path, "figure", "file"), step.figure.file, "figure"
        for index, item in enumerate(self.attachments):
            if isinstance(item, Attachment):
                yield ("attachments", index, "file"), item.file, "attachment"

    def figures(self) -> Iterator[Figure]:
        for section in self.sections:
            for block in section.body:
                if block.figure is not None:
                    yield block.figure
                for step in block.steps or []:
                    for sub in step.walk():
                        if sub.figure is not None:
                            yield sub.figure

    def card_figures(self) -> list[Figure]:
        """The figures the wall card shows: those marked ``card: true`` in the sections'
        blocks, and on the steps the card shows (:meth:`card_step_list`)."""
        if self.card is None:
            return []
        blocks = [block.figure for section in self.sections for block in section.body
                  if block.figure is not None and block.figure.card]
        steps = [step.figure for step in self.card_step_list()
                 if step.figure is not None and step.figure.card]
        return [*blocks, *steps]

    def attachment_files(self) -> list[Attachment]:
        return [item for item in self.attachments if isinstance(item, Attachment)]

    @property
    def current(self) -> Revision:
        return self.revisions[-1]

    @property
    def last_approved(self) -> Revision | None:
        return next((r for r in reversed(self.revisions) if r.approved), None)

    @property
    def revised(self) -> bool:
        """Whether there is more than one revision: only then is there something to
        compare, and a change page (a first revision's history is one line)."""
        return len(self.revisions) > 1

    @property
    def unapproved(self) -> bool:
        """A draft that has never been approved: nothing of it is in force."""
        return self.status == "draft" and self.last_approved is None

    def section(self, kind: str) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def steps(self) -> Iterator[Step]:
        for section in self.sections:
            yield from section.steps()

    def top_steps(self) -> list[Step]:
        """The top-level steps (not their sub-steps), in order."""
        return [step for section in self.sections for block in section.body
                for step in block.steps or []]

    def card_steps(self) -> list[tuple[int, Step]]:
        """The top-level steps on the wall card, with their numbers on the page (each
        list of steps is numbered from 1 there).

        ``card.steps`` chooses them (default: all); a step with ``card: false`` is
        never on it. With ``card.substeps: false`` their sub-steps stay off too
        (see :meth:`on_card`).
        """
        chosen = self.card.steps if self.card is not None else None
        return [(number, step) for section in self.sections for block in section.body
                for number, step in enumerate(block.steps or [], start=1)
                if step.card is not False and (chosen is None or step.id in chosen)]

    def on_card(self, step: Step) -> list[Step]:
        """``step``'s sub-steps that the card shows."""
        if self.card is not None and not self.card.substeps:
            return []
        return [sub for sub in step.steps if sub.card is not False]

    def card_step_list(self) -> list[Step]:
        """Every step the card shows, sub-steps at any depth after their step."""
        def below(step: Step) -> list[Step]:
            return [s for sub in self.on_card(step) for s in (sub, *below(sub))]

        return [s for _, top in self.card_steps() for s in (top, *below(top))]

    def card_contact(self) -> Contact:
        """The card's key contact: a contacts entry with the card's contact role, else the
        ticket's phone script if it calls that role; else the role alone (no number)."""
        role = self.card.contact if self.card is not None else ""
        for section in self.sections:
            for block in section.body:
                for contact in block.contacts or []:
                    if _same(contact.role, role):
                        return contact
        phone = self.ticket.phone if self.ticket else None
        if phone is not None and _same(phone.call, role):
            return Contact(role=role, phone=phone.number)
        return Contact(role=role)


def _walk(steps: list[Step], keys: tuple[str | int, ...]
          ) -> Iterator[tuple[tuple[str | int, ...], Step]]:
    for index, step in enumerate(steps):
        yield (*keys, index), step
        yield from _walk(step.steps, (*keys, index, "steps"))


def _same(a: str, b: str) -> bool:
    """Whether two names are the same, whatever the case and spacing."""
    return normalize(a).casefold() == normalize(b).casefold()
