"""Prove that the ticket a procedure mandates reached staff as its YAML defines it.

Three artefacts carry the ticket: the procedure page (its subject and
description as code blocks to copy), the composer page (the data its script
fills in) and the command line (``sopkit ticket ID``). Each is checked against
the YAML's ``ticket:`` read here on its own terms, not through the code that
rendered it:

* the composer's subject, description and phone lines, joined back into
  ``{field}`` patterns, are the YAML's lines (the description may add lines,
  not lose or change one), and its fields have the YAML's keys, labels, kinds
  and choices;
* the command line's template shows the subject and every description line
  with each ``{field}`` as its «placeholder»;
* every mandated phrase that the YAML's subject or first sentence holds is in
  the subject or description each artefact gives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sopkit.outputs.evidence import Check, Report, sha256
from sopkit.outputs.htmltext import NO_RULES, Stylesheets, code_blocks
from sopkit.outputs.ticket.text import as_text, fill
from sopkit.outputs.urls import COMPOSER_CSS, COMPOSER_JS, COMPOSER_PAGE, PROCEDURE_PAGE, built
from sopkit.source.errors import SopkitError
from sopkit.source.expected import Item, words
from sopkit.source.library import Library
from sopkit.source.model import Procedure, TicketSpec
from sopkit.source.project import Project

_DATA = re.compile(r'<script type="application/json" id="sopkit-composer-data">(.*?)</script>',
                   re.DOTALL)
_FIELD = re.compile(r"\{\{|\}\}|\{([a-z][a-z0-9_]*)\}")
HINT = ("templates/site/composer.md.j2, ticket_block.md.j2, templates/ticket/ or "
        "composer.js drops or changes it")


def verify_ticket(proc: Procedure, library: Library, project: Project, site: Path,
                  rules: Stylesheets = NO_RULES) -> list[Report]:
    """The ticket's reports: on the procedure page, in the composer, on the command line."""
    spec = proc.ticket
    assert spec is not None
    template = _template_lines(spec)
    phrases = [Item("phrase", str(i), words(p)) for i, p in enumerate(proc.mandated_phrases)
               if words(p) in words(spec.subject) or words(p) in words(spec.first_sentence)]
    reports = []

    page = built(PROCEDURE_PAGE.format(id=proc.id))
    data = _read(site / page)
    blocks = ([words(b) for b in code_blocks(data.decode("utf-8"), rules, article=True)]
              if data else [])
    reports.append(Report(proc.id, "ticket on the page", page, sha256(data), tuple(
        Check(item, any(item.text in block for block in blocks))
        for item in [*template, *phrases])))

    if proc.status != "obsolete":
        composer = built(COMPOSER_PAGE.format(id=proc.id))
        data = _read(site / composer)
        found = _DATA.search(data.decode("utf-8")) if data else None
        try:
            composed = json.loads(found.group(1)) if found else {}  # as the browser reads it
        except ValueError:
            composed = {}
        reports.append(Report(proc.id, "ticket composer", composer, sha256(data),
                              tuple(_composer_checks(proc, spec, composed, phrases))))

    text = as_text(fill(proc, library, project), project)
    lines = [words(line) for line in text.splitlines()]
    reports.append(Report(proc.id, "ticket on the command line", f"sopkit ticket {proc.id}",
                          sha256(text.encode()), tuple(
                              Check(item, any(item.text in line for line in lines))
                              for item in [*template, *phrases])))
    return reports


def _template_lines(spec: TicketSpec) -> list[Item]:
    """The subject and description lines as the template shows them: «placeholders»."""
    shown = {f.key: f"«{f.placeholder or f.label}»" for f in spec.fields}
    shown["case_number"] = "«saksnummer»"

    def fill_in(pattern: str) -> str:
        return words(_FIELD.sub(lambda m: shown.get(m.group(1), m.group(0)) if m.group(1)
                                else m.group(0)[0], pattern))

    return [Item("ticket", "subject", fill_in(spec.subject)),
            Item("ticket", "first_sentence", fill_in(spec.first_sentence)),
            *(Item("ticket", f"description[{i}]", fill_in(line))
              for i, line in enumerate(spec.description))]


def _pattern(tokens: Any) -> str:
    """Composer tokens joined back into a ``{field}`` pattern."""
    try:
        return "".join(value.replace("{", "{{").replace("}", "}}") if kind == "text"
                       else f"{{{value}}}" for kind, value in tokens)
    except (TypeError, ValueError):
        return ""


def _composer_checks(proc: Procedure, spec: TicketSpec, data: dict[str, Any],
                     phrases: list[Item]) -> list[Check]:
    description = [_pattern(line) for line in data.get("description", [])]
    phone = [_pattern(line) for line in data.get("phone", [])]
    checks = [Check(Item("ticket", "subject", spec.subject),
                    _pattern(data.get("subject")) == spec.subject),
              Check(Item("ticket", "first_sentence", spec.first_sentence),
                    spec.first_sentence in description)]
    checks += [Check(Item("ticket", f"description[{i}]", line), line in description)
               for i, line in enumerate(spec.description)]
    say = spec.phone.say if spec.phone else []
    checks += [Check(Item("ticket", f"phone.say[{i}]", line), line in phone)
               for i, line in enumerate(say)]
    fields = {f.get("key"): f for f in data.get("fields", []) if isinstance(f, dict)}
    for field in spec.fields:
        got = fields.get(field.key, {})
        choices = (list(proc.applications) if field.kind == "application"
                   else field.choices if field.kind == "choice" else None)
        given = [c.get("value") for c in got.get("choices") or []] or None
        checks.append(Check(Item("ticket", f"field {field.key}", field.label),
                            got.get("label") == field.label and got.get("kind") == field.kind
                            and bool(got.get("required")) == field.required
                            and given == choices))
    subject_and_start = words(" ".join([_pattern(data.get("subject")), *description[:1]]))
    checks += [Check(item, item.text in subject_and_start) for item in phrases]
    return checks


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def verify_tickets(library: Library, project: Project, site: Path,
                   rules: Stylesheets = NO_RULES) -> list[Report]:
    """Every ticket's reports; :class:`SopkitError` if the composer's script or styles
    were not copied into the site."""
    with_ticket = [proc for proc in library.procedures if proc.ticket is not None]
    for asset in (COMPOSER_JS, COMPOSER_CSS):
        if any(p.status != "obsolete" for p in with_ticket) and not (site / asset).is_file():
            raise SopkitError(f"{asset} was not copied into the site\n    hint: {HINT}")
    return [report for proc in with_ticket
            for report in verify_ticket(proc, library, project, site, rules)]
