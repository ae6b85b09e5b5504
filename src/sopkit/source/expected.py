"""What each output must show of a procedure, derived from its YAML alone.

The verifiers that run after a build (:mod:`sopkit.outputs.evidence`) look for
these items in every final artefact. They are worked out here by code that
shares nothing with the renderers, its own small Markdown-to-text included
(:func:`visible_words`), so that text a renderer drops is not also dropped from
what is expected:

* every step, by its id: its full text on pages and in the archival PDF, its
  card wording (or full text) on wall cards;
* every mandated phrase;
* the identity: DokumentID, revision and, once approved, Gyldig til;
* every figure (by file name, with its alternative text) and, on pages, every
  attachment file (with its title): found by the file's bytes, not its name
  (see :mod:`sopkit.outputs.evidence`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Literal

from sopkit.source.model import Procedure, Step

ItemKind = Literal["step", "phrase", "identity", "ticket", "figure", "attachment"]

_SPACE = re.compile(r"[\s\u00a0]+")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\(\s*(<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"
                   r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_SAFE_URL = re.compile(r"^(https?:|mailto:|tel:|(?![/\\]{2})[^:]*$)", re.IGNORECASE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?![\w])")
_SLOT = re.compile("\x00([0-9]+)\x00")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
"""Soft hyphens and zero-width characters: never drawn, so never expected."""


@dataclass(frozen=True)
class Item:
    """One thing an artefact must show: ``text``, as a reader sees it."""

    kind: ItemKind
    key: str
    """The step's id, the phrase's number, or the identity field (id, revision, valid_until)."""
    text: str

    def label(self) -> str:
        short = self.text if len(self.text) <= 40 else self.text[:39] + "…"
        if self.kind == "step":
            return f"step '{self.key}' (\"{short}\")"
        if self.kind == "phrase":
            return f"mandated phrase \"{short}\""
        if self.kind == "figure":
            return f"figure '{self.key}' (\"{short}\")"
        if self.kind == "attachment":
            return f"attachment '{self.key}' (\"{short}\")"
        if self.kind == "ticket":
            return f"ticket {self.key} \"{short}\""
        return f"{self.key} \"{short}\""


def words(text: str) -> str:
    """Whitespace (also non-breaking) folded into single spaces; soft hyphens and
    zero-width characters, which are never drawn, left out."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def visible_words(markdown: str) -> str:
    """The words a reader sees of procedure text in its Markdown subset: emphasis,
    code and link markup removed, escapes and a few entities resolved.

    Written apart from the renderers on purpose; a test compares it with them.
    """
    slots: list[str] = []

    def keep(text: str) -> str:  # escaped characters and code spans are not parsed further
        slots.append(text)
        return f"\x00{len(slots) - 1}\x00"

    text = markdown.replace("\\`", keep("`"))
    text = _CODE.sub(lambda m: keep(m.group(2).strip() or m.group(2)), text)
    text = _ESCAPE.sub(lambda m: keep(m.group(1)), text)
    text = _LINK.sub(lambda m: m.group(1) if _SAFE_URL.match(m.group(2).strip("<>"))
                     else m.group(0), text)
    for pattern in (_STRONG, _EMPHASIS_STAR, _EMPHASIS_UNDERSCORE):
        previous = None
        while previous != text:
            previous, text = text, pattern.sub(lambda m: m.groups()[-1], text)
    text = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
    for _ in range(len(slots)):  # a slot may hold another (an escape inside a link text)
        text, count = _SLOT.subn(
            lambda m: slots[int(m.group(1))] if int(m.group(1)) < len(slots) else m.group(0),
            text)
        if not count:
            break
    return words(text)


def _steps(steps: list[Step]) -> list[Step]:
    return [s for step in steps for s in (step, *_steps(step.steps))]


def all_steps(proc: Procedure) -> list[Step]:
    return [step for section in proc.sections for block in section.body
            for step in _steps(block.steps or [])]


def identity(proc: Procedure) -> list[Item]:
    rev = proc.current
    items = [Item("identity", "id", proc.id), Item("identity", "revision", rev.revision)]
    if rev.valid_until is not None:
        items.append(Item("identity", "valid_until", f"{rev.valid_until:%d.%m.%Y}"))
    return items


def phrases(proc: Procedure) -> list[Item]:
    return [Item("phrase", str(index), words(phrase))
            for index, phrase in enumerate(proc.mandated_phrases)]


def figures(proc: Procedure, *, card: bool = False) -> list[Item]:
    """Every figure of ``proc`` (with ``card``: those its wall card shows)."""
    shown = proc.card_figures() if card else proc.figures()
    return [Item("figure", f.file, words(f.alt)) for f in shown]


def attachments(proc: Procedure) -> list[Item]:
    return [Item("attachment", a.file, words(a.title)) for a in proc.attachment_files()]


def full_text(proc: Procedure) -> list[Item]:
    """What the archival PDF of ``proc`` must show (and a page, with :func:`page_items`)."""
    return [*identity(proc), *phrases(proc),
            *(Item("step", step.id, visible_words(step.text)) for step in all_steps(proc)),
            *figures(proc)]


def page_items(proc: Procedure) -> list[Item]:
    """What a page of ``proc`` must show: its full text and its attachment files."""
    return [*full_text(proc), *attachments(proc)]


def card_text(proc: Procedure) -> list[Item]:
    """What ``proc``'s wall card must show: the steps it chooses (``card.steps``,
    ``card: false``, ``card.substeps``), in their card wording."""
    return [*identity(proc), *phrases(proc),
            *(Item("step", step.id, visible_words(step.card or step.text))
              for step in proc.card_step_list()),
            *figures(proc, card=True)]
