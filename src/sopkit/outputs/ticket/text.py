"""The case a procedure mandates in the case system (Min Sykehuspartner).

A procedure's ``ticket:`` holds a subject pattern, description lines and a phone
script with ``{field}`` placeholders; ``templates/ticket/description.txt.j2``
lays the description out (the fixed first sentence, the lines, a trace line
naming the procedure and its revision). :func:`patterns` parses all of it into
tokens once. :func:`fill` (command line, procedure page) and the site's composer
(``templates/assets/javascripts/composer.js``, fed by :func:`composer_data`)
fill those same tokens by the same rules, so the two cannot drift:

1. A value is cleaned: line breaks become ``\\n`` (a space in a single-line
   field) and whitespace (:data:`WHITESPACE`) is trimmed at both ends.
2. An application is shown by its register name; a mobile number must match
   :data:`MOBILE` once whitespace is removed, and is shown as ``912 34 567``.
3. A line other than the subject whose fields are all empty is left out.
4. A value not given is a visible placeholder, e.g. ``«Feilbeskrivelse»``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sopkit.outputs.templates import render
from sopkit.source.errors import SopkitError
from sopkit.source.library import Library
from sopkit.source.model import Procedure, TicketField, TicketSpec
from sopkit.source.patterns import (
    BUILTINS,
    Pattern,
    PatternError,
    fields_in,
    literal,
    parse_pattern,
)
from sopkit.source.project import Project

# The same regular expressions run in Python and in the browser (JavaScript).
WHITESPACE = r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
# Norwegian mobile numbers: 8 digits starting with 4 or 9 (Nkom's number plan;
# 2, 3, 5, 6, 7 are landlines and 8 special services), optionally after +47 / 0047.
MOBILE = r"^(?:\+47|0047)?[49][0-9]{7}$"
DESCRIPTION_TEMPLATE = "ticket/description.txt.j2"
TEXT_TEMPLATE = "ticket/ticket.txt.j2"

Part = Literal["all", "subject", "description", "phone"]
_TRIM = re.compile(f"^{WHITESPACE}+|{WHITESPACE}+$")
_SPACES = re.compile(WHITESPACE)


# ---------------------------------------------------------------- patterns


@dataclass(frozen=True)
class Patterns:
    subject: Pattern
    description: tuple[Pattern, ...]
    phone: tuple[Pattern, ...]


def spec(proc: Procedure) -> TicketSpec:
    if proc.ticket is None:
        raise SopkitError(f"{proc.id} defines no ticket")
    return proc.ticket


def patterns(proc: Procedure, project: Project) -> Patterns:
    ticket = spec(proc)
    layout = render(project.templates, DESCRIPTION_TEMPLATE, proc=proc, rev=proc.current,
                    ticket=ticket, literal=literal)
    try:
        description = tuple(parse_pattern(line) for line in layout.rstrip("\n").split("\n"))
        result = Patterns(
            subject=parse_pattern(ticket.subject),
            description=description,
            phone=tuple(parse_pattern(line) for line in (ticket.phone.say if ticket.phone
                                                          else [])),
        )
    except PatternError as exc:
        raise SopkitError(f"{proc.id}: {DESCRIPTION_TEMPLATE} makes a broken ticket "
                          f"pattern: {exc}") from None
    keys = {f.key for f in ticket.fields}
    unknown = sorted({name for line in description for name in fields_in(line)} - keys)
    if unknown:
        raise SopkitError(f"{proc.id}: {DESCRIPTION_TEMPLATE} uses unknown fields: "
                          + ", ".join(f"{{{name}}}" for name in unknown)
                          + "\n    hint: put other text in with literal(...)")
    return result


# ---------------------------------------------------------------- values


def clean(field: TicketField | None, raw: str) -> str:
    """Rule 1 for a field's value (``None``: a single-line builtin such as the case number)."""
    text = re.sub(r"\r\n?", "\n", raw)
    if field is None or not field.multiline:
        text = text.replace("\n", " ")
    return _TRIM.sub("", text)


def mobile_number(value: str) -> str | None:
    """A Norwegian mobile number as ``912 34 567``, or ``None`` if it is not one."""
    compact = _SPACES.sub("", value)
    if not re.search(MOBILE, compact):
        return None
    digits = compact[-8:]
    return f"{digits[:3]} {digits[3:5]} {digits[5:]}"


def placeholder(field: TicketField) -> str:
    return f"«{field.placeholder or field.label}»"


@dataclass(frozen=True)
class ValueProblem:
    field: TicketField
    code: Literal["missing", "invalid"]
    value: str = ""

    def describe(self, procedure: Procedure) -> str:
        """The problem in English, for the command line."""
        option = option_name(self.field.key)
        if self.code == "missing":
            return f"{option} ({self.field.label}) is required"
        allowed = {
            "application": "one of: " + ", ".join(procedure.applications),
            "choice": "one of: " + "; ".join(self.field.choices or []),
            "mobile": "a Norwegian mobile number: 8 digits starting with 4 or 9, "
                      "optionally after +47 or 0047",
        }.get(self.field.kind, "")
        return f"{option} ({self.field.label}): '{self.value}' is not {allowed}"


class InvalidValues(SopkitError):
    def __init__(self, proc: Procedure, problems: list[ValueProblem]) -> None:
        self.problems = problems
        super().__init__(f"{proc.id}: the ticket is not complete:\n"
                         + "\n".join(f"  {p.describe(proc)}" for p in problems))


def option_name(key: str) -> str:
    """The command-line option of a field: ``contact_mobile`` -> ``--contact-mobile``."""
    return "--" + key.replace("_", "-")


def resolve(proc: Procedure, library: Library, values: Mapping[str, str]) -> dict[str, str]:
    """Accept what people type on a command line: an application's name as well as its
    key, a unique beginning of a choice (any case). Other values are kept as given."""
    out = dict(values)
    for field in spec(proc).fields:
        given = values.get(field.key)
        if given is None:
            continue
        wanted = clean(field, given).casefold()
        if field.kind == "application":
            found = [key for key in proc.applications
                     if wanted in (key, library.applications[key].name.casefold())]
        elif field.kind == "choice":
            choices = field.choices or []
            found = [c for c in choices if c.casefold() == wanted] or [
                c for c in choices if wanted and c.casefold().startswith(wanted)]
        else:
            continue
        if len(found) == 1:
            out[field.key] = found[0]
    return out


def _shown(proc: Procedure, library: Library, values: Mapping[str, str],
           partial: bool) -> tuple[dict[str, str | None], list[ValueProblem]]:
    """What each placeholder shows: text, ``""`` (empty) or ``None`` (not known yet)."""
    ticket = spec(proc)
    known = {f.key for f in ticket.fields} | set(BUILTINS)
    unknown = sorted(set(values) - known)
    if unknown:
        raise SopkitError(f"{proc.id}'s ticket has no field " + ", ".join(unknown))
    shown: dict[str, str | None] = {}
    problems: list[ValueProblem] = []
    for field in ticket.fields:
        raw = values.get(field.key)
        value = "" if raw is None else clean(field, raw)
        if not value:
            if partial:
                shown[field.key] = None
            elif field.required:
                problems.append(ValueProblem(field, "missing"))
            else:
                shown[field.key] = ""
            continue
        display: str | None = value
        if field.kind == "application":
            app = library.applications.get(value)
            display = app.name if app and value in proc.applications else None
        elif field.kind == "choice":
            display = value if value in (field.choices or []) else None
        elif field.kind == "mobile":
            display = mobile_number(value)
        if display is None:
            problems.append(ValueProblem(field, "invalid", value))
        shown[field.key] = display
    for name in BUILTINS:
        shown[name] = clean(None, values.get(name) or "") or None
    return shown, problems


# ---------------------------------------------------------------- filling


@dataclass(frozen=True)
class Ticket:
    """A filled-in (or template) case: what to paste, and what to say on the phone."""

    doc_id: str
    revision: str
    system: str
    subject: str
    description: str
    call: str
    number: str
    say: tuple[str, ...]


def _line(pattern: Pattern, shown: Mapping[str, str | None], marks: Mapping[str, str],
          *, keep: bool = False) -> str | None:
    names = fields_in(pattern)
    if names and not keep and all(shown.get(name) == "" for name in names):
        return None
    out = []
    for kind, value in pattern:
        if kind == "text":
            out.append(value)
        else:
            known = shown.get(value)
            out.append(marks[value] if known is None else known)
    return "".join(out)


def fill(proc: Procedure, library: Library, project: Project,
         values: Mapping[str, str] | None = None, *, partial: bool = False) -> Ticket:
    """The ticket with ``values`` (field key -> text) filled in.

    ``values=None`` gives the template, all placeholders. With ``partial`` the
    values given are filled in and the rest stay placeholders; otherwise every
    required field must be given and :class:`InvalidValues` lists what is not.
    """
    ticket = spec(proc)
    shown, problems = _shown(proc, library, values or {}, partial or values is None)
    if problems:
        raise InvalidValues(proc, problems)
    marks = {f.key: placeholder(f) for f in ticket.fields}
    marks.update({name: f"«{text}»" for name, text in BUILTINS.items()})
    pats = patterns(proc, project)
    lines = (_line(p, shown, marks) for p in pats.description)
    say = (_line(p, shown, marks) for p in pats.phone)
    return Ticket(
        doc_id=proc.id,
        revision=proc.current.revision,
        system=ticket.system,
        subject=_line(pats.subject, shown, marks, keep=True) or "",
        description="\n".join(line for line in lines if line is not None),
        call=ticket.phone.call if ticket.phone else "",
        number=ticket.phone.number if ticket.phone else "",
        say=tuple(line for line in say if line is not None),
    )


def as_text(ticket: Ticket, project: Project, part: Part = "all") -> str:
    """The ticket as the command line prints it (``templates/ticket/ticket.txt.j2``)."""
    if part == "subject":
        return ticket.subject + "\n"
    if part == "description":
        return ticket.description + "\n"
    if part == "phone":
        return "".join(line + "\n" for line in ticket.say)
    return render(project.templates, TEXT_TEMPLATE, ticket=ticket)


# ---------------------------------------------------------------- the composer's data


def composer_data(proc: Procedure, library: Library, project: Project) -> dict[str, Any]:
    """Everything the site's composer needs, JSON-serialisable: the parsed patterns,
    the fields with their choices (applications by register name) and the rules."""
    ticket = spec(proc)
    pats = patterns(proc, project)

    def tokens(pattern: Pattern) -> list[list[str]]:
        return [[kind, value] for kind, value in pattern]

    def choices(field: TicketField) -> list[dict[str, str]] | None:
        if field.kind == "application":
            return [{"value": key, "text": library.applications[key].name}
                    for key in proc.applications]
        if field.kind == "choice":
            return [{"value": c, "text": c} for c in field.choices or []]
        return None

    return {
        "id": proc.id,
        "revision": proc.current.revision,
        "system": ticket.system,
        "whitespace": WHITESPACE,
        "mobile": MOBILE,
        "subject": tokens(pats.subject),
        "description": [tokens(p) for p in pats.description],
        "phone": [tokens(p) for p in pats.phone],
        "fields": [
            {"key": f.key, "label": f.label, "kind": f.kind, "required": f.required,
             "multiline": f.multiline, "help": f.help, "placeholder": placeholder(f),
             "choices": choices(f)}
            for f in ticket.fields
        ],
        "builtins": {name: f"«{text}»" for name, text in BUILTINS.items()},
    }
