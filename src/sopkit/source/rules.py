"""Turn loaded YAML into models and check the rules that span fields and files.

Each rule adds problems located at ``file:line:col`` with the dotted key path
and a hint; nothing here stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sopkit.source import model
from sopkit.source.errors import Problems
from sopkit.source.fingerprint import fingerprint, next_revision
from sopkit.source.load import KeyPath, Loaded, dotted, strings
from sopkit.source.model import Procedure, revision_key
from sopkit.source.patterns import BUILTINS, PatternError, fields_in, parse_pattern
from sopkit.source.review import review_state
from sopkit.source.text import has_markup, normalize, plain

M = TypeVar("M", bound=BaseModel)

_ALL_KEYS = sorted(
    {
        name
        for obj in vars(model).values()
        if isinstance(obj, type) and issubclass(obj, BaseModel)
        for name in obj.model_fields
    }
)
_TYPE_NAMES = {
    "dict": "a mapping (key: value lines)",
    "list": "a list (lines starting with '- ')",
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "NoneType": "nothing (empty)",
}
TICKET_BUILTINS = tuple(BUILTINS)
PLACEHOLDER = "FYLL UT"
"""Marks text still to be written in a new document (``sopkit new``)."""


# Characters that are not text: control characters (tab and line breaks aside) and the
# bidirectional overrides and isolates that can make text read differently from
# what it says (U+202E turns "gpj.exe" into "exe.jpg").
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_characters(loaded: Loaded, problems: Problems) -> None:
    """Every string in ``loaded`` is text: a problem names each that is not."""
    if not _NOT_TEXT.search(loaded.text) and "\\" not in loaded.text:
        return  # neither such a character nor an escape that could write one
    for keys, text, _ in strings(loaded.data):
        found = _NOT_TEXT.search(text)
        if found:
            at = loaded.mark(keys)
            problems.add(loaded.path, at.line, at.column, dotted(keys),
                         f"holds the character U+{ord(found.group()):04X}, which is not "
                         "text", "remove it (it may have come with copied text); control "
                         "characters and text-direction overrides are not allowed")


def parse(cls: type[M], loaded: Loaded, problems: Problems) -> M | None:
    """Validate ``loaded.data`` as ``cls``; report every schema error with its line."""
    try:
        return cls.model_validate(loaded.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            _report(error, loaded, problems)
        return None


def _report(error: Any, loaded: Loaded, problems: Problems) -> None:
    keys, _ = _resolve(loaded.data, error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    hint = ""
    if kind == "missing":
        name = str(error["loc"][-1])
        message = f"required key '{name}' is missing"
        hint = f"add '{name}:' here; see procedure/schema/ for the format"
        at = loaded.mark(keys)
        keys = (*keys, name)
    elif kind == "extra_forbidden":
        name = str(keys[-1]) if keys else "?"
        message = f"unknown key '{name}'"
        close = difflib.get_close_matches(name, _ALL_KEYS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "remove it; see procedure/schema/"
        at = loaded.mark(keys)
    else:
        at = loaded.mark(keys)
        message = error["msg"].removeprefix("Value error, ")
        expected = _expected(kind)
        if expected:
            got = _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
            message = f"expected {expected}, got {got}"
            if expected == "text":
                hint = "put the value in quotes"
            elif expected.startswith("a mapping") and isinstance(value, list):
                hint = "remove the '- ' in front of the keys"
        elif kind == "string_pattern_mismatch":
            message = f"'{value}' does not have the required form"
            hint = _pattern_hint(keys)
        elif kind == "too_short":
            message = "must not be empty"
        elif kind == "literal_error":
            message = f"'{value}' is not allowed; {error['msg'].lower()}"
    problems.add(loaded.path, at.line, at.column, dotted(keys), message, hint)


def _expected(kind: str) -> str:
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _TYPE_NAMES["dict"]
    if kind == "list_type":
        return _TYPE_NAMES["list"]
    if kind == "string_type":
        return "text"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "a whole number"
    if kind in ("bool_type", "bool_parsing"):
        return "true or false"
    return ""


def _pattern_hint(keys: KeyPath) -> str:
    last = next((k for k in reversed(keys) if isinstance(k, str)), "")
    return {
        "id": "keys are lower-case words joined by '-', e.g. 'call-support'; "
        "document IDs are capitals then digits, e.g. 'D29653'",
        "document": "a document ID is capitals then digits, e.g. 'D29653'",
        "revision": "write the revision in quotes as major.minor, e.g. \"6.00\"",
        "key": "lower-case letters, digits and '-' (fields: '_'), e.g. 'unilab'",
    }.get(str(last), "see procedure/schema/ for the expected form")


def _resolve(data: Any, loc: tuple[Any, ...]) -> tuple[KeyPath, Any]:
    """Follow a pydantic error location through the data, skipping validator tags."""
    keys: list[str | int] = []
    for part in loc:
        in_dict = isinstance(data, dict) and isinstance(part, str) and part in data
        if in_dict or (isinstance(data, list) and isinstance(part, int) and part < len(data)):
            keys.append(part)
            data = data[part]
    return tuple(keys), data


# ---------------------------------------------------------------- rules for one procedure


def check_procedure(
    proc: Procedure,
    loaded: Loaded,
    problems: Problems,
    applications: set[str],
    today: dt.date,
    *,
    check_fingerprint: bool = True,
    approving: bool = False,
) -> None:
    def add(keys: KeyPath, message: str, hint: str = "", severity: Any = "error") -> None:
        at = loaded.mark(keys)
        problems.add(loaded.path, at.line, at.column, dotted(keys), message, hint, severity)

    stem = loaded.path.name.rsplit(".", 1)[0]
    if stem != proc.id and not stem.startswith(f"{proc.id}-"):
        add(("id",), f"file name '{loaded.path.name}' does not start with the document ID "
            f"and a dash", f"rename the file to '{proc.id}-<short-title>.yml'")
    for index, key in enumerate(proc.applications):
        if key not in applications:
            add(("applications", index), f"unknown application '{key}'",
                "use a key from procedure/applications.yml or add the application there: "
                + ", ".join(sorted(applications)))
    _check_placeholders(proc, loaded, add, approving)
    _check_step_ids(proc, add)
    _check_figures(proc, add)
    _check_phrases(proc, add)
    if proc.ticket is not None:
        _check_ticket(proc, add)
    if proc.card is not None:
        _check_card(proc, add)
    _check_revisions(proc, add, today, check_fingerprint)


def _check_placeholders(proc: Procedure, loaded: Loaded, add: Any, approving: bool) -> None:
    """Text still to be written: a warning in a draft, an error in an approved text
    or one being approved."""
    if PLACEHOLDER not in loaded.text:
        return
    for keys, text, _ in strings(loaded.data):
        if PLACEHOLDER in text:
            add(keys, f"still to be written: {text}",
                "replace the placeholder with the procedure's own text",
                "warning" if proc.status == "draft" and not approving else "error")


def _check_step_ids(proc: Procedure, add: Any) -> None:
    seen: set[str] = set()
    for s_index, section in enumerate(proc.sections):
        for b_index, block in enumerate(section.body):
            for keys, step in _walk_steps(block.steps or [], ("sections", s_index, "body", b_index,
                                                                "steps")):
                if step.id in seen:
                    add((*keys, "id"), f"step id '{step.id}' is used twice",
                        "step ids must be unique in a procedure; they identify a step "
                        "across revisions")
                seen.add(step.id)


_NOT_ALT = {"bilde", "figur", "foto", "skjermbilde", "image", "picture", "screenshot",
            "illustrasjon", "flytskjema"}
"""Words that say a picture is there, not what it shows."""


def _check_figures(proc: Procedure, add: Any) -> None:
    """Alternative text says what a figure shows: not its file name, not 'bilde'."""
    for keys, name, use in proc.file_uses():
        if use != "figure":
            continue
        figure = _at(proc, keys[:-1])
        assert isinstance(figure, model.Figure)
        alt = normalize(figure.alt).casefold().strip(" .:")
        stem = name.rsplit("/", 1)[-1].casefold()
        if alt in (stem, stem.rsplit(".", 1)[0]) or alt in _NOT_ALT:
            add((*keys[:-1], "alt"), f"the alternative text '{figure.alt}' does not say what "
                "the figure shows", "write what someone who cannot see the picture needs to "
                "know from it, e.g. 'Unilab-vinduet Skriv ut etiketter med knappen Skriv ut'")
        if figure.card and not any(f is figure for f in proc.card_figures()):
            why = ("the procedure has no wall card" if proc.card is None
                   else "its step is not on the card")
            add((*keys[:-1], "card"), f"the figure is marked for the wall card, but {why}",
                "put the step on the card (card.steps), or remove 'card: true'", "warning")


def _at(value: Any, keys: KeyPath) -> Any:
    for key in keys:
        value = value[key] if isinstance(key, int) else getattr(value, key)
    return value


def _check_card(proc: Procedure, add: Any) -> None:
    """The card's choice of steps names top-level steps, and its contact has a number."""
    assert proc.card is not None
    top = {step.id: step for step in proc.top_steps()}
    subs = {step.id for step in proc.steps()} - set(top)
    listed: set[str] = set()
    for index, step_id in enumerate(proc.card.steps or []):
        keys = ("card", "steps", index)
        if step_id in listed:
            add(keys, f"step '{step_id}' is listed twice", "list each step once")
        elif step_id in subs:
            add(keys, f"'{step_id}' is a sub-step", "list top-level steps in card.steps; "
                "their sub-steps come with them (card.substeps: false leaves them all out)")
        elif step_id not in top:
            add(keys, f"no top-level step has the id '{step_id}'",
                "the top-level steps are: " + ", ".join(top))
        elif top[step_id].card is False:
            add(keys, f"step '{step_id}' says 'card: false' but card.steps lists it",
                "remove it from card.steps, or remove 'card: false' from the step")
        listed.add(step_id)
    if not proc.card_steps():
        add(("card",), "the wall card would show no step",
            "list the steps the card shows in card.steps, or remove 'card: false' from some")
    contact = proc.card_contact()
    if not contact.phone:
        add(("card", "contact"), f"the wall card gives no phone number for '{contact.role}'",
            f"add a contacts entry with role '{contact.role}' and its phone, or the number as "
            "ticket.phone.number if the phone script calls them; until then the card prints "
            "the name alone", "warning")


def _walk_steps(steps: list[model.Step], keys: KeyPath) -> Iterator[tuple[KeyPath, model.Step]]:
    for index, step in enumerate(steps):
        yield (*keys, index), step
        yield from _walk_steps(step.steps, (*keys, index, "steps"))


def own_text(proc: Procedure) -> str:
    """All text a reader of the procedure sees, as plain words (for phrase checks)."""
    dumped = proc.model_dump(exclude={"mandated_phrases", "revisions"}, exclude_none=True)
    return normalize(" ".join(plain(s) if has_markup(s) else s for s in _strings(dumped)))


def _strings(value: Any) -> list[str]:
    """Every string in nested dicts and lists, in document order."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(reversed(item.values()))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))
    return found


def _check_phrases(proc: Procedure, add: Any) -> None:
    if not proc.mandated_phrases:
        return
    text = own_text(proc)
    for index, phrase in enumerate(proc.mandated_phrases):
        if normalize(phrase) not in text:
            add(("mandated_phrases", index),
                f"mandated phrase '{phrase}' does not occur in the procedure's text",
                "phrases are matched exactly (case and punctuation), ignoring line breaks; "
                "fix the phrase or the text")


def _check_ticket(proc: Procedure, add: Any) -> None:
    ticket = proc.ticket
    assert ticket is not None
    fields = {f.key: f for f in ticket.fields}
    seen: set[str] = set()
    for index, item in enumerate(ticket.fields):
        keys = ("ticket", "fields", index)
        if item.key in seen:
            add((*keys, "key"), f"ticket field '{item.key}' is defined twice")
        seen.add(item.key)
        if item.key in TICKET_BUILTINS:
            add((*keys, "key"), f"'{item.key}' is a built-in placeholder, not a field name",
                f"the reporter types {{{item.key}}} in the phone script; "
                "give this field another key")
        if item.kind == "application" and not proc.applications:
            add((*keys, "kind"),
                "an 'application' field needs the procedure to list applications",
                "add 'applications: [...]' with keys from procedure/applications.yml")

    used: set[str] = set()

    def placeholders(keys: KeyPath, pattern: str, where: str) -> None:
        try:
            names = fields_in(parse_pattern(pattern))
        except PatternError as exc:
            add(keys, f"broken placeholder in '{pattern}': {exc}",
                "placeholders are field keys in braces, e.g. {application}; "
                "write a literal brace as {{ or }}")
            return
        for name in names:
            used.add(name)
            field = fields.get(name)
            if field is None and name not in TICKET_BUILTINS:
                add(keys, f"unknown field '{{{name}}}' in the pattern",
                    "use one of: " + ", ".join(f"{{{n}}}" for n in sorted(fields)))
            elif field is None and where != "phone":
                add(keys, f"'{{{name}}}' is only known after the case is registered",
                    "use it in the phone script (ticket.phone.say)")
            elif field is not None and where != "description" and field.multiline:
                add(keys, f"field '{name}' has several lines and cannot be used in one line",
                    "use multiline fields in the description only")
            elif field is not None and where == "subject" and not field.required:
                add(keys, f"the subject uses '{{{name}}}', which is optional",
                    f"make field '{name}' required; the subject may not lack it")

    placeholders(("ticket", "subject"), ticket.subject, "subject")
    placeholders(("ticket", "first_sentence"), ticket.first_sentence, "description")
    for index, line in enumerate(ticket.description):
        placeholders(("ticket", "description", index), line, "description")
    if ticket.phone is not None:
        for index, line in enumerate(ticket.phone.say):
            placeholders(("ticket", "phone", "say", index), line, "phone")
    for index, item in enumerate(ticket.fields):
        if item.key not in used:
            add(("ticket", "fields", index, "key"),
                f"ticket field '{item.key}' is not used in the subject, description "
                "or phone script", f"add {{{item.key}}} to a line or remove the field, "
                "so that nothing the reporter types is lost")


def _check_revisions(proc: Procedure, add: Any, today: dt.date,
                     check_fingerprint: bool) -> None:
    previous: model.Revision | None = None
    for index, rev in enumerate(proc.revisions):
        keys = ("revisions", index)
        if previous is not None and revision_key(rev.revision) <= revision_key(previous.revision):
            add((*keys, "revision"),
                f"revision {rev.revision} does not come after {previous.revision}",
                "revisions are listed oldest first and their numbers must increase")
        if rev.approved and rev.valid_until and rev.valid_until <= rev.approved:
            add((*keys, "valid_until"),
                f"Gyldig til {rev.valid_until:%d.%m.%Y} is not after Godkjent dato "
                f"{rev.approved:%d.%m.%Y}", "the review date must come after approval")
        if rev.approved and not rev.approved_by:
            add((*keys, "approved_by"), "an approved revision needs 'approved_by'",
                "record approvals with 'sopkit approve ID --by NAME'")
        if previous is not None and not rev.changes and rev.approved:
            add((*keys, "changes"), "an approved revision needs 'changes' (Endringer fra "
                "forrige versjon)", "say in a sentence what changed")
        previous = rev

    review = review_state(proc, today)
    if review.overdue:
        assert review.index is not None
        rev = proc.revisions[review.index]
        assert rev.valid_until is not None
        finish = (f"approve the draft: 'sopkit approve {proc.id} --by NAME'"
                  if proc.status == "draft" else
                  f"approve a new revision: 'sopkit approve {proc.id} --by NAME --note TEXT'")
        add(("revisions", review.index, "valid_until"),
            f"review overdue: Gyldig til was {rev.valid_until:%d.%m.%Y}",
            f"review the procedure and {finish}", "warning")

    current = proc.current
    last = ("revisions", len(proc.revisions) - 1)
    if proc.status == "draft":
        if current.approved:
            add((*last, "approved"), f"status is draft but revision {current.revision} is "
                "already approved", f"start a new revision with 'sopkit draft {proc.id}'")
        return
    missing = [k for k in ("approved", "approved_by", "valid_until") if not getattr(current, k)]
    if missing:
        add(last, f"status is {proc.status} but revision {current.revision} lacks "
            + ", ".join(missing),
            f"record the approval with 'sopkit approve {proc.id} --by NAME'")
        return
    if proc.status != "approved":
        return
    if check_fingerprint and current.fingerprint != fingerprint(proc):
        add((*last, "fingerprint"),
            f"the text of approved revision {current.revision} was changed without a new revision",
            f"an approved text may not change: run 'sopkit draft {proc.id}' to start revision "
            f"{next_revision(current.revision)} (or 'sopkit approve {proc.id} --by NAME "
            "--note TEXT' to approve the change at once), or undo the change")

