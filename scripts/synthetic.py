"""Synthetic procedures of realistic size, for benchmarks.

``make_project(root, n)`` copies sopkit's templates and mkdocs.yml and the test
fixture's settings and application register and adds ``n`` generated approved procedures
spread over a four-level Dokumentplassering tree, each with purpose, scope,
background, 6-8 steps (one with a note, one with a sub-step, all with card wording),
a contact table, mandated phrases and a valid fingerprint.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import yaml

from sopkit.source.fingerprint import fingerprint
from sopkit.source.model import Procedure
from sopkit.source.schema import write_schemas

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "handbook" / "procedure"
CLINICS = ["Medisinsk serviceklinikk", "Kirurgisk klinikk", "Medisinsk klinikk",
           "Psykisk helse", "Klinikk for diagnostikk"]
DEPARTMENTS = ["Laboratoriene", "Poliklinikk", "Sengepost", "Fellesfunksjoner"]
SECTIONS = ["Medisinsk biokjemi", "Mikrobiologi", "Patologi", "Blodbank", "Immunologi"]
AREAS = ["Prøvetaking", "Analyse", "Kvalitetskontroll", "Datasystemer", "HMS"]
WORDS = [
    "prøve", "analyse", "rør", "etikett", "pasient", "rekvisisjon", "instrument", "kontroll",
    "avvik", "resultat", "sentrifuge", "kjøleskap", "temperatur", "reagens", "kalibrering",
    "vakt", "lege", "bioingeniør", "melding", "journal", "registrering", "transport",
    "hastegrad",
]


def _sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def procedure_data(index: int, rng: random.Random) -> dict[str, Any]:
    doc_id = f"D{10000 + index}"
    steps = []
    for number in range(rng.randint(6, 8)):
        card = _sentence(rng, 6)  # the card wording is also the step's first sentence
        step: dict[str, Any] = {
            "id": f"steg-{number + 1}",
            "text": f"{card} {_sentence(rng)}",
            "card": card,
        }
        if number == 1:
            step["notes"] = [{"level": "important", "text": _sentence(rng, 8)}]
        if number == 2:
            step["steps"] = [{"id": f"steg-{number + 1}-1", "text": _sentence(rng),
                              "card": _sentence(rng, 4)}]
        steps.append(step)
    data: dict[str, Any] = {
        "id": doc_id,
        "title": f"Rutine {index}: " + _sentence(rng, 5).rstrip("."),
        "status": "approved",
        "urgent": index % 50 == 0,
        "location": {
            "code": f"II.{index % 97}",
            "path": [CLINICS[index % 5], DEPARTMENTS[index // 5 % 4],
                     SECTIONS[index // 20 % 5], AREAS[index // 100 % 5]],
        },
        "distribution": "EK",
        "applications": [rng.choice(["miclis", "dips", "unilab", "prosang", "lvms"])],
        "people": {"prepared_by": "Fagbioingeniør Test Testesen",
                   "responsible": "Seksjonsleder", "verified_by": ""},
        "sections": [
            {"kind": "purpose", "body": [" ".join(_sentence(rng) for _ in range(2))]},
            {"kind": "scope", "body": [_sentence(rng)]},
            {"kind": "background", "body": [" ".join(_sentence(rng) for _ in range(4))]},
            {"kind": "procedure", "body": [{"steps": steps}]},
            {"kind": "responsibility", "body": [{"contacts": [
                {"role": "Vakthavende bioingeniør", "phone": "380 00 000", "hours": "Hele døgnet"},
                {"role": "Seksjonsleder", "phone": "380 00 001", "hours": "Dagtid"},
            ]}]},
        ],
        "mandated_phrases": [steps[0]["card"].rstrip(".")],
        "card": {"when": _sentence(rng, 10), "contact": "Vakthavende bioingeniør"},
        "revisions": [{
            "revision": "1.00", "changed": "2026-01-05", "changes": "Ny prosedyre.",
            "approved": "2026-01-05", "approved_by": "Kvalitetsleder Kari Nordmann",
            "valid_until": "2028-01-05",
        }],
    }
    return data


def write_procedure(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as an approved procedure: with the fingerprint of its content."""
    data["revisions"][-1]["fingerprint"] = fingerprint(Procedure.model_validate(data))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")


def make_project(root: Path, n: int, *, seed: int = 1) -> Path:
    """A project with the real settings and templates and ``n`` synthetic procedures."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    docs = root / "procedure" / "documents"
    docs.mkdir(parents=True)
    for name in ("handbook.yml", "applications.yml"):  # the test fixture's, not the live ones
        shutil.copy(FIXTURE / name, root / "procedure" / name)
    write_schemas(root / "procedure" / "schema")
    rng = random.Random(seed)
    for index in range(n):
        data = procedure_data(index, rng)
        write_procedure(docs / f"{data['id']}-rutine.yml", data)
    return root
