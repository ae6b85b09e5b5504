"""What changed between two texts of a procedure, as data.

Steps are matched by their stable ``id``: a step is added, removed, reworded
(with word-level changes to its text, condition, role, card wording or notes)
or moved (out of the order of the steps both texts share, or to another
parent step). Other section content is compared paragraph by paragraph, and
the metadata field by field. :func:`format_text` renders the result for a
terminal; the site renders the same data as HTML (``site/changes.md.j2``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from sopkit.source.model import (
    NOTE_LABELS,
    STATUS_LABELS,
    Block,
    Figure,
    Procedure,
    Step,
    StoredFile,
)
from sopkit.source.text import normalize

Tag = Literal["=", "-", "+"]
Op = tuple[Tag, str]


@dataclass(frozen=True)
class TextDiff:
    """Two texts and the word-level operations that turn ``old`` into ``new``."""

    old: str
    new: str
    ops: tuple[Op, ...]

    @property
    def changed(self) -> bool:
        return self.old != self.new


def words(old: str, new: str) -> TextDiff:
    """Word-level differences; runs of changed words are kept together."""
    old, new = normalize(old), normalize(new)
    a, b = old.split(), new.split()
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("+", " ".join(b[j1:j2])))
    return TextDiff(old, new, tuple(ops))


@dataclass(frozen=True)
class FieldChange:
    """A changed field: a metadata field, or a part of a step."""

    label: str
    diff: TextDiff


StepKind = Literal["added", "removed", "reworded", "moved"]


@dataclass(frozen=True)
class StepChange:
    id: str
    kinds: tuple[StepKind, ...]
    old_number: str | None
    new_number: str | None
    text: TextDiff
    fields: tuple[FieldChange, ...] = ()

    @property
    def number(self) -> str:
        return self.new_number or self.old_number or ""


ParagraphKind = Literal["added", "removed", "reworded"]


@dataclass(frozen=True)
class ParagraphChange:
    kind: ParagraphKind
    diff: TextDiff


@dataclass(frozen=True)
class SectionChange:
    heading: str
    kind: Literal["added", "removed", "changed"]
    paragraphs: tuple[ParagraphChange, ...]


FileKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FileChange:
    """A figure or attachment file added, removed or replaced (by its bytes)."""

    name: str
    kind: FileKind
    old: StoredFile | None
    new: StoredFile | None


@dataclass(frozen=True)
class ProcedureDiff:
    doc_id: str
    title: str
    old_label: str
    new_label: str
    metadata: tuple[FieldChange, ...]
    steps: tuple[StepChange, ...]
    sections: tuple[SectionChange, ...]
    files: tuple[FileChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.metadata or self.steps or self.sections or self.files)

    def step(self, step_id: str) -> StepChange:
        return next(s for s in self.steps if s.id == step_id)


def compare(old: Procedure, new: Procedure, old_label: str = "", new_label: str = "",
            applications: dict[str, str] | None = None) -> ProcedureDiff:
    """The differences from ``old`` to ``new`` (two texts of one procedure)."""
    return ProcedureDiff(
        doc_id=new.id,
        title=new.title,
        old_label=old_label or old.current.revision,
        new_label=new_label or new.current.revision,
        metadata=tuple(_metadata(old, new, applications or {})),
        steps=tuple(_steps(old, new)),
        sections=tuple(_sections(old, new)),
        files=tuple(_files(old, new)),
    )


def _files(old: Procedure, new: Procedure) -> Iterator[FileChange]:
    """Files by name: added, removed, or with other bytes (SHA-256)."""
    for name in sorted({*old.files, *new.files}):
        before, after = old.files.get(name), new.files.get(name)
        if before is None:
            yield FileChange(name, "added", None, after)
        elif after is None:
            yield FileChange(name, "removed", before, None)
        elif before.sha256 != after.sha256:
            yield FileChange(name, "changed", before, after)


# ---------------------------------------------------------------- metadata

REVISION_FIELDS: tuple[tuple[str, str], ...] = (
    ("revision", "Revisjon"),
    ("changed", "Dato endret"),
    ("changes", "Endringer fra forrige versjon"),
    ("approved", "Godkjent dato"),
    ("approved_by", "Godkjent av"),
    ("valid_until", "Gyldig til"),
)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, bool):
        return "Ja" if value else "Nei"
    return str(value)


def _document_fields(proc: Procedure, apps: dict[str, str]) -> dict[str, str]:
    fields = {
        "Tittel": proc.title,
        "Status": STATUS_LABELS[proc.status],
        "Haster": _show(proc.urgent),
        "Dokumentplassering": proc.location.code,
        "Mappe": "\\".join(proc.location.path),
        "Distribusjonsliste": proc.distribution,
        "Applikasjoner": ", ".join(apps.get(k, k) for k in proc.applications),
        "Utarbeidet av": proc.people.prepared_by,
        "Fagansvarlig": proc.people.responsible,
        "Verifisert av": proc.people.verified_by,
        "Vedlegg": " | ".join(a if isinstance(a, str) else f"{a.title} ({a.file})"
                              for a in proc.attachments),
        "Kryssreferanser": " | ".join(
            f"{r.document} {r.note}".strip() for r in proc.references),
        "Eksterne referanser": " | ".join(
            f"{r.title} {r.url}".strip() for r in proc.external_references),
        "Obligatoriske formuleringer": " | ".join(proc.mandated_phrases),
        "Revisjonsintervall (måneder)": _show(proc.review_interval_months),
    }
    for name, label in (("ticket", "Saksmelding"), ("card", "Veggkort")):
        value = getattr(proc, name)
        dumped = value.model_dump(mode="json", exclude_defaults=True) if value else {}
        for key, text in _flatten(dumped, ()):
            fields[f"{label} ({key})"] = text
    for name, label in REVISION_FIELDS:
        fields[label] = _show(getattr(proc.current, name))
    return fields


def _flatten(value: Any, keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """``{"fields": [{"key": "x"}]}`` -> ``("fields 1.key", "x")``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, (*keys, key))
    elif isinstance(value, list) and keys and any(isinstance(v, dict) for v in value):
        for index, item in enumerate(value, start=1):
            yield from _flatten(item, (*keys[:-1], f"{keys[-1]} {index}"))
    elif isinstance(value, list):
        yield ".".join(keys), " | ".join(_show(v) for v in value)
    else:
        yield ".".join(keys), _show(value)


def _metadata(old: Procedure, new: Procedure, apps: dict[str, str]) -> Iterator[FieldChange]:
    before, after = _document_fields(old, apps), _document_fields(new, apps)
    for label in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(label, ""), after.get(label, "")
        if normalize(a) != normalize(b):
            yield FieldChange(label, words(a, b))
    # sections added or removed show below; here only a change of their order
    a_heads = [s.heading for s in old.sections]
    b_heads = [s.heading for s in new.sections]
    a_common = [h for h in a_heads if h in b_heads]
    b_common = [h for h in b_heads if h in a_heads]
    if a_common != b_common:
        yield FieldChange("Rekkefølge på seksjoner", words(", ".join(a_common),
                                                           ", ".join(b_common)))


# ---------------------------------------------------------------- steps


@dataclass(frozen=True)
class _Placed:
    step: Step
    number: str
    parent: str | None
    order: int


def _placed(proc: Procedure) -> dict[str, _Placed]:
    out: dict[str, _Placed] = {}

    def walk(steps: list[Step], prefix: str, parent: str | None) -> None:
        for index, step in enumerate(steps, start=1):
            number = f"{prefix}{index}"
            out[step.id] = _Placed(step, number, parent, len(out))
            walk(step.steps, f"{number}.", step.id)

    for section in proc.sections:
        for block in section.body:
            walk(block.steps or [], "", None)
    return out


def _step_fields(step: Step) -> dict[str, str]:
    return {
        "Tekst": step.text,
        "Betingelse": step.when or "",
        "Rolle": step.role or "",
        "Veggkort": ("ikke på kortet" if step.card is False else step.card or ""),
        "Merknader": " | ".join(f"{NOTE_LABELS[n.level]} {n.text}" for n in step.notes),
        "Figur": _figure(step.figure) if step.figure else "",
    }


def _figure(figure: Figure) -> str:
    return " – ".join(part for part in (
        figure.file, figure.alt, figure.caption, "på veggkortet" if figure.card else "")
        if part)


def _whole(step: Step, *, removed: bool) -> tuple[FieldChange, ...]:
    """Every field but the text of a step added or removed as a whole (its sub-steps
    are steps of their own in the diff)."""
    return tuple(FieldChange(label, words(value, "") if removed else words("", value))
                 for label, value in _step_fields(step).items() if label != "Tekst" and value)


def _lcs(a: list[str], b: list[str]) -> set[str]:
    """The items of a longest common subsequence of two id lists."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            table[i][j] = (table[i + 1][j + 1] + 1 if a[i] == b[j]
                           else max(table[i + 1][j], table[i][j + 1]))
    keep: set[str] = set()
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            keep.add(a[i])
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return keep


def _steps(old: Procedure, new: Procedure) -> Iterator[StepChange]:
    before, after = _placed(old), _placed(new)
    common_old = [i for i in before if i in after]
    common_new = [i for i in after if i in before]
    in_order = _lcs(common_old, common_new)
    changes: list[tuple[int, StepChange]] = []
    for step_id, was in before.items():
        if step_id not in after:
            changes.append((was.order, StepChange(
                step_id, ("removed",), was.number, None, words(was.step.text, ""),
                _whole(was.step, removed=True))))
    for step_id, now in after.items():
        if step_id not in before:
            changes.append((now.order, StepChange(
                step_id, ("added",), None, now.number, words("", now.step.text),
                _whole(now.step, removed=False))))
            continue
        was = before[step_id]
        kinds: list[StepKind] = []
        a, b = _step_fields(was.step), _step_fields(now.step)
        fields = tuple(FieldChange(label, words(a[label], b[label]))
                       for label in a if normalize(a[label]) != normalize(b[label]))
        if fields:
            kinds.append("reworded")
        if step_id not in in_order or was.parent != now.parent:
            kinds.append("moved")
        if kinds:
            changes.append((now.order, StepChange(
                step_id, tuple(kinds), was.number, now.number,
                words(was.step.text, now.step.text),
                tuple(f for f in fields if f.label != "Tekst"))))
    # in the new text's order; removed steps where they stood in the old one
    changes.sort(key=lambda item: item[0])
    yield from (change for _, change in changes)


# ---------------------------------------------------------------- other section content


def paragraphs(blocks: list[Block]) -> list[str]:
    """A section's content other than steps, as one line of text per paragraph."""
    out: list[str] = []
    for block in blocks:
        kind = block.kind
        if kind == "text":
            out.append((f"For {block.role}: " if block.role else "") + (block.text or ""))
        elif kind in NOTE_LABELS:
            out.append(f"{NOTE_LABELS[kind]} {getattr(block, kind)}")
        elif kind == "table" and block.table:
            out.append("Tabell: " + " | ".join(block.table.columns))
            out.extend(" | ".join(row) for row in block.table.rows)
        elif kind == "contacts":
            for c in block.contacts or []:
                out.append(", ".join(v for v in (c.role, c.name, c.phone, c.hours, c.note) if v))
        elif kind == "terms":
            out.extend(f"{t.term}: {t.definition}" for t in block.terms or [])
        elif kind == "figure" and block.figure:
            out.append(f"Figur: {_figure(block.figure)}")
    return [normalize(p) for p in out]


def _section_keys(proc: Procedure) -> dict[tuple[str, str, int], tuple[str, list[str]]]:
    seen: dict[tuple[str, str], int] = {}
    out: dict[tuple[str, str, int], tuple[str, list[str]]] = {}
    for section in proc.sections:
        base = (section.kind, section.title or "")
        seen[base] = seen.get(base, 0) + 1
        out[(*base, seen[base])] = (section.heading, paragraphs(section.body))
    return out


def _sections(old: Procedure, new: Procedure) -> Iterator[SectionChange]:
    before, after = _section_keys(old), _section_keys(new)
    for key, (heading, paras) in after.items():
        if key not in before:
            if paras:
                yield SectionChange(heading, "added", tuple(
                    ParagraphChange("added", words("", p)) for p in paras))
            continue
        changed = tuple(_paragraph_changes(before[key][1], paras))
        if changed:
            yield SectionChange(heading, "changed", changed)
    for key, (heading, paras) in before.items():
        if key not in after and paras:
            yield SectionChange(heading, "removed", tuple(
                ParagraphChange("removed", words(p, "")) for p in paras))


def _paragraph_changes(a: list[str], b: list[str]) -> Iterator[ParagraphChange]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        pairs = min(len(olds), len(news))
        for x, y in zip(olds[:pairs], news[:pairs], strict=True):
            yield ParagraphChange("reworded", words(x, y))
        for x in olds[pairs:]:
            yield ParagraphChange("removed", words(x, ""))
        for y in news[pairs:]:
            yield ParagraphChange("added", words("", y))


# ---------------------------------------------------------------- terminal


_ANSI = {"-": "\x1b[31m", "+": "\x1b[32m", "head": "\x1b[1m", "end": "\x1b[0m"}


def inline(diff: TextDiff, color: bool = False) -> str:
    """``[-removed words-]{+added words+}``, as ``git diff --word-diff`` writes them."""
    out = ""
    previous = ""
    for tag, text in diff.ops:
        if tag == "=":
            piece = text
        else:
            marked = f"[-{text}-]" if tag == "-" else f"{{+{text}+}}"
            piece = f"{_ANSI[tag]}{marked}{_ANSI['end']}" if color else marked
        glue = "" if not out or (previous == "-" and tag == "+") else " "
        out += glue + piece
        previous = tag
    return out


_SIGNS = {"added": "+", "removed": "-", "reworded": "~", "moved": ">", "changed": "~"}


def format_text(diff: ProcedureDiff, color: bool = False) -> str:
    """The differences for a terminal: one line per change, words marked like git's."""

    def head(text: str) -> str:
        return f"{_ANSI['head']}{text}{_ANSI['end']}" if color else text

    lines = [head(f"{diff.doc_id} {diff.title}: {diff.old_label} -> {diff.new_label}")]
    if diff.empty:
        lines.append("No differences.")
        return "\n".join(lines) + "\n"
    if diff.metadata:
        lines += ["", head("Metadata")]
        for change in diff.metadata:
            lines.append(f"  ~ {change.label}: {_value_change(change.diff, color)}")
    if diff.steps:
        lines += ["", head("Steps (by id)")]
        for step in diff.steps:
            sign = _SIGNS[step.kinds[0]]
            where = (f"{step.old_number} -> {step.new_number}" if "moved" in step.kinds
                     else step.number)
            text = (step.text.old if step.kinds == ("removed",) else step.text.new
                    if "reworded" not in step.kinds else inline(step.text, color))
            lines.append(f"  {sign} {', '.join(step.kinds)}: step {where} [{step.id}]: {text}")
            for field in step.fields:
                lines.append(f"      {field.label}: {_value_change(field.diff, color)}")
    if diff.files:
        lines += ["", head("Files (SHA-256)")]
        for file in diff.files:
            lines.append(f"  {_SIGNS[file.kind]} {file.kind}: {file.name}: " + _file_change(file))
    if diff.sections:
        lines += ["", head("Sections")]
        for section in diff.sections:
            lines.append(f"  {_SIGNS[section.kind]} {section.heading} ({section.kind})")
            for para in section.paragraphs:
                text = inline(para.diff, color) if para.kind == "reworded" else (
                    para.diff.new or para.diff.old)
                lines.append(f"      {_SIGNS[para.kind]} {para.kind}: {text}")
    return "\n".join(lines) + "\n"


def _file_change(change: FileChange) -> str:
    def one(stored: StoredFile) -> str:
        return f"{stored.sha256} ({stored.size:,} bytes)"
    if change.old is None and change.new is not None:
        return one(change.new)
    if change.new is None and change.old is not None:
        return one(change.old)
    assert change.old is not None and change.new is not None
    return f"{one(change.old)} -> {one(change.new)}"


def _value_change(diff: TextDiff, color: bool) -> str:
    """Short values as ``old -> new``; longer text with word marks."""
    if len(diff.old) <= 40 and len(diff.new) <= 40:
        old = diff.old or "(empty)"
        new = diff.new or "(empty)"
        return f"{old} -> {new}"
    return inline(diff, color)

