"""What a wall card says: the pieces of a procedure that go on it, as plain data.

This module knows nothing about PDF. It picks the card's content (title, when
to use it, the numbered steps in their card wording, the ticket's subject rule
and first sentence, the key contact, the document-control facts and the QR
address), renders it to HTML through ``templates/card/card.html.j2``, and
checks that every mandated phrase is in the HTML's text: that the shorter card
wording (or a restyled template) dropped none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import segno

from sopkit.outputs.files import data_url
from sopkit.outputs.htmltext import body, html_text
from sopkit.outputs.templates import render
from sopkit.outputs.urls import card_qr_url
from sopkit.source.errors import ContentError, Finding, SopkitError, TemplateProblem
from sopkit.source.load import KeyPath, dotted, strings
from sopkit.source.model import NOTE_LABELS, Contact, Figure, Procedure, Step, TicketSpec
from sopkit.source.patterns import parse_pattern
from sopkit.source.project import Project
from sopkit.source.text import normalize, plain

CARD_TEMPLATE = "card/card.html.j2"
# Notes of these levels reach the card; plain "NB!" notes are background and stay off it.
CARD_NOTE_LEVELS = ("warning", "important")
QR_BORDER = 4  # modules of quiet zone, as the QR standard requires
QR_PIXELS_PER_MODULE = 4


@dataclass(frozen=True)
class CardFigure:
    """A figure marked ``card: true``, embedded (a ``data:`` URL)."""

    src: str = field(repr=False)
    alt: str
    caption: str
    kind: str
    sha256: str


@dataclass(frozen=True)
class CardStep:
    text: str
    number: int = 0  # the step's number on the page (0 for a sub-step: lettered)
    id: str = ""
    when: str | None = None
    role: str | None = None
    notes: tuple[tuple[str, str], ...] = ()
    figure: CardFigure | None = None
    steps: tuple[CardStep, ...] = ()


@dataclass(frozen=True)
class Slot:
    """A piece of a ticket pattern: literal text, or a field to fill in."""

    text: str
    fill: bool = False  # a field the writer fills in


@dataclass(frozen=True)
class CardTicket:
    system: str
    subject: tuple[Slot, ...]
    first_sentence: str


@dataclass(frozen=True)
class Card:
    """Everything printed on one card (the same on A4 and A5)."""

    id: str
    title: str
    draft: bool
    revision: str
    approved: dt.date | None
    valid_until: dt.date | None
    dated: dt.date  # the PDF's date: Godkjent dato, or Dato endret of a draft
    when: str
    steps: tuple[CardStep, ...]
    figures: tuple[CardFigure, ...]
    """Figures marked for the card outside the steps (those in steps are with them)."""
    ticket: CardTicket | None
    contact: Contact
    url: str
    qr: str = field(repr=False)


def card_url(site: str, proc: Procedure) -> str:
    """The procedure's page under ``site`` (ends in /), with the revision printed on the card."""
    return card_qr_url(site, proc.id, proc.current.revision)


def card_document(proc: Procedure, project: Project, *, site: str) -> str:
    """``proc``'s card as HTML, checked to hold every mandated phrase."""
    html = card_html(build_card(proc, site=site), project)
    check_phrases(proc, html)
    return html


def build_card(proc: Procedure, *, site: str) -> Card:
    """The content of ``proc``'s card; :class:`SopkitError` if it cannot have one.

    ``site`` is the handbook's address (site_url). Nothing on a card depends on the
    day it is made (a card printed from the site is printed later anyway): the
    same procedure gives the same card, so the cache never renders it again.
    """
    if proc.card is None:
        raise SopkitError(f"{proc.id}: the procedure defines no card\n"
                          "    hint: add 'card:' with 'when:' and 'contact:' to its YAML")
    if proc.status == "obsolete":
        raise SopkitError(f"{proc.id}: the document is obsolete (utgått) and gets no card")
    url = card_url(site, proc)
    rev = proc.current
    return Card(
        id=proc.id,
        title=proc.title,
        draft=proc.status == "draft",
        revision=rev.revision,
        approved=rev.approved,
        valid_until=rev.valid_until,
        dated=rev.approved or rev.changed,
        when=proc.card.when,
        steps=tuple(_card_step(proc, step, number) for number, step in proc.card_steps()),
        figures=tuple(_card_figure(proc, block.figure) for section in proc.sections
                      for block in section.body
                      if block.figure is not None and block.figure.card),
        ticket=_ticket(proc.ticket),
        contact=proc.card_contact(),
        url=url,
        qr=qr_png(url),
    )


def card_html(card: Card, project: Project) -> str:
    """The card as HTML; a mistake in the template is reported with its line."""
    try:
        return render(project.templates, CARD_TEMPLATE, card=card)
    except TemplateProblem as exc:
        raise TemplateProblem(f"{card.id}: {exc.message}") from None


def check_phrases(proc: Procedure, html: str) -> None:
    """Every mandated phrase must be on the card, whatever the card wording says;
    :class:`ContentError` names each missing phrase and where it is in the YAML."""
    words = html_text(body(html))
    findings = [
        Finding(proc.id, ("mandated_phrases", index),
                f"the wall card lacks the mandated phrase '{phrase}'", phrase_hint(proc, phrase))
        for index, phrase in enumerate(proc.mandated_phrases) if normalize(phrase) not in words]
    if findings:
        raise ContentError(findings)


def phrase_hint(proc: Procedure, phrase: str) -> str:
    """Where ``phrase`` is in the procedure, and why the card does not show it there."""
    data = proc.model_dump(mode="json", exclude={"revisions", "mandated_phrases"},
                           exclude_none=True)
    wanted = normalize(phrase)
    places = [(_yaml_keys(keys), parent) for keys, text, parent in strings(data)
              if wanted in plain(text)]
    shown = {step.id for step in proc.card_step_list()}
    for keys, parent in places:  # a place the card shows: the template lost it
        worded = keys[-1] == "text" and "steps" in keys and parent.get("card")
        noted = "notes" in keys and parent.get("level") not in CARD_NOTE_LEVELS
        left_off = "steps" in keys and keys[-1] != "notes" and parent.get("id") not in shown
        if _on_card(keys) and not worded and not noted and not left_off:
            return (f"the phrase is in {dotted(keys)}, which the card shows: the card "
                    f"template (templates/{CARD_TEMPLATE}) or its stylesheet drops it")
    for keys, parent in places:
        if "steps" in keys and keys[-1] in ("text", "card") and parent.get("id") not in shown:
            return (f"the phrase is in {dotted(keys)}, but card.steps leaves it out (or "
                    "card.substeps: false, or 'card: false' on the step): put that step on "
                    "the card")
    for keys, parent in places:
        if keys[-1] == "text" and "steps" in keys and parent.get("card"):
            return (f"the phrase is in {dotted(keys)}, but the step's card wording "
                    f"({dotted((*keys[:-1], 'card'))}) leaves it out: keep the phrase in the "
                    "card wording, or remove 'card:' to print the full text")
    for keys, _ in places:
        if keys[-1] in ("note", "important", "warning") and "steps" not in keys:
            return (f"the phrase is in {dotted(keys)}, an '{keys[-1]}' block outside the "
                    "steps; a card shows only steps (with their important and warning "
                    "notes): put the phrase in a step, its card wording or one of its notes")
    for keys, _ in places:
        if "notes" in keys:
            return (f"the phrase is in {dotted(keys)}, an NB! note, and a card shows only "
                    "the 'important' and 'warning' notes of steps: put it in a step")
    if places:
        return (f"the phrase is in {dotted(places[0][0])}, which the card does not show (a "
                "card shows the steps in their card wording with their important and warning "
                "notes, and the ticket's subject and first sentence): put it in a step or its "
                "card wording")
    return "the phrase is nowhere in the procedure's text; fix the phrase or the text"


def _yaml_keys(keys: KeyPath) -> KeyPath:
    """A paragraph's text is its block in the YAML (``- Tekst ...`` or ``- text: ...``)."""
    return keys[:-1] if len(keys) > 2 and keys[-3] == "body" and keys[-1] == "text" else keys


def _on_card(keys: KeyPath) -> bool:
    """Whether the card prints the field at ``keys`` (see :func:`build_card`)."""
    if keys[:1] == ("card",) or keys in (("ticket", "subject"), ("ticket", "first_sentence"),
                                         ("title",)):
        return True
    return keys[:1] == ("sections",) and "steps" in keys and keys[-1] in (
        "text", "card", "when", "role")


def qr_png(url: str) -> str:
    """A real QR code (never Micro QR) as a black-on-white PNG data URL.

    A few pixels per module, drawn without smoothing (``image-rendering:
    pixelated``): sharp at any print size and much cheaper for WeasyPrint than SVG.
    """
    qr = segno.make_qr(url, error="m")
    return qr.png_data_uri(scale=QR_PIXELS_PER_MODULE, border=QR_BORDER,
                           dark="#000", light="#fff")


def _card_step(proc: Procedure, step: Step, number: int = 0) -> CardStep:
    return CardStep(
        text=step.card or step.text,
        number=number,
        id=step.id,
        when=step.when,
        role=step.role,
        notes=tuple((NOTE_LABELS[n.level], n.text) for n in step.notes
                    if n.level in CARD_NOTE_LEVELS),
        figure=(_card_figure(proc, step.figure)
                if step.figure is not None and step.figure.card else None),
        steps=tuple(_card_step(proc, sub) for sub in proc.on_card(step)),
    )


def _card_figure(proc: Procedure, figure: Figure) -> CardFigure:
    stored = proc.files[figure.file]
    return CardFigure(data_url(stored), figure.alt, figure.caption, stored.kind, stored.sha256)


def _ticket(ticket: TicketSpec | None) -> CardTicket | None:
    if ticket is None:
        return None
    labels = {f.key: f.label for f in ticket.fields}
    slots = tuple(Slot(value) if kind == "text" else Slot(labels.get(value, value), fill=True)
                  for kind, value in parse_pattern(ticket.subject))
    first = "".join(value if kind == "text" else f"«{labels.get(value, value)}»"
                    for kind, value in parse_pattern(ticket.first_sentence))
    return CardTicket(ticket.system, slots, first)
