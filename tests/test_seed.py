"""The seed document D29653 is transcribed completely and verbatim.

The expected text is read from the seed itself (tests/seed/, a copy of
shared/seed/), not from the YAML, so a lost or altered word fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import PROCEDURES, REPO
from sopkit.source.library import read_library
from sopkit.source.model import Procedure
from sopkit.source.text import normalize, plain

SEED = Path(__file__).parent / "seed" / "D29653-melding-av-hastesaker.txt"
SHARED_SEED = REPO.parent / "shared" / "seed" / SEED.name
HEADINGS = ("HENSIKT", "OMFANG", "BAKGRUNN", "UTFØRELSE", "Vedlegg:")


def seed_lines() -> list[str]:
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]


def value_after(label: str) -> str:
    """The first non-empty line after the line ``label``."""
    lines = seed_lines()
    index = lines.index(label)
    return next(line for line in lines[index + 1:] if line)


def paragraph(heading: str) -> str:
    lines = seed_lines()
    start = lines.index(heading) + 1
    end = min(lines.index(h) for h in HEADINGS if lines.index(h) > start - 1 and h != heading)
    return normalize(" ".join(lines[start:end]))


def labelled(prefix: str) -> str:
    line = next(line for line in seed_lines() if line.startswith(prefix))
    return line.removeprefix(prefix).strip()


def signatures() -> dict[str, str]:
    line = next(line for line in SEED.read_text(encoding="utf-8").splitlines()
                if line.startswith("Utarbeidet av:"))
    pairs = (cell.split(":", 1) for cell in line.split("\t"))
    return {label.strip(): value.strip() for label, value in pairs}


@pytest.fixture(scope="module")
def proc() -> Procedure:
    return read_library(PROCEDURES).get("D29653")


def body_text(proc: Procedure, kind: str) -> str:
    section = proc.section(kind)
    assert section is not None, kind
    return normalize(" ".join(plain(block.text or "") for block in section.body))


def test_seed_copy_matches_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip("shared/seed is not beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_title(proc):
    first = next(line for line in seed_lines() if line)
    assert first == proc.title + "."  # the seed's heading line ends with a full stop


def test_metadata(proc):
    rev = proc.current
    assert value_after("Dokumentplassering:") == proc.location.code
    assert value_after("Godkjent dato:") == f"{rev.approved:%d.%m.%Y}"
    assert value_after("Gyldig til:") == f"{rev.valid_until:%d.%m.%Y}"
    assert value_after("Dato endret:") == f"{rev.changed:%d.%m.%Y}"
    assert value_after("Revisjon:") == rev.revision
    folder = next(line for line in seed_lines() if "\\" in line)
    assert folder == "\\".join(proc.location.path)
    assert labelled("DISTRIBUSJONSLISTE:") == proc.distribution
    assert labelled("ENDRINGER FRA FORRIGE VERSJON:") == rev.changes
    assert labelled("DokumentID:") == proc.id


def test_signatures(proc):
    found = signatures()
    assert found == {
        "Utarbeidet av": proc.people.prepared_by,
        "Fagansvarlig": proc.people.responsible,
        "Godkjent av": proc.current.approved_by,
        "Verifisert av": proc.people.verified_by,
    }
    assert proc.people.verified_by == ""  # empty in the document: nothing invented


@pytest.mark.parametrize(("heading", "kind"), [
    ("HENSIKT", "purpose"), ("OMFANG", "scope"), ("BAKGRUNN", "background"),
])
def test_sections_verbatim(proc, heading, kind):
    assert body_text(proc, kind) == paragraph(heading)


def test_steps_verbatim_and_in_order(proc):
    seed_steps = [re.sub(r"^\d+\.\s*", "", line) for line in seed_lines()
                  if re.match(r"^\d+\.\s", line)]
    assert len(seed_steps) == 7
    assert [normalize(plain(step.text)) for step in proc.steps()] == seed_steps


def test_empty_reference_lists(proc):
    for label in ("Vedlegg:", "Kryssreferanser:", "Eksterne referanser:"):
        assert label in seed_lines() and labelled(label) == ""
    assert proc.attachments == [] and proc.references == [] and proc.external_references == []


def test_every_seed_sentence_is_in_the_procedure(proc):
    """Belt and braces: each sentence of the seed's body occurs in the loaded text."""
    corpus = normalize(" ".join([
        *(plain(b.text or "") for s in proc.sections for b in s.body),
        *(plain(step.text) for step in proc.steps()),
    ]))
    body = " ".join(paragraph(h) for h in ("HENSIKT", "OMFANG", "BAKGRUNN"))
    body += " " + " ".join(re.sub(r"^\d+\.\s*", "", line) for line in seed_lines()
                           if re.match(r"^\d+\.\s", line))
    sentences = [s for s in re.split(r"(?<=[.?])\s+", normalize(body)) if s]
    assert len(sentences) >= 10
    missing = [s for s in sentences if s not in corpus]
    assert not missing
