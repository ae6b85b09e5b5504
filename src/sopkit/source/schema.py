"""JSON Schema files for editors (VS Code YAML validates while typing)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from sopkit.source.model import ApplicationRegister, Handbook, PeopleRegister, Procedure

SCHEMAS: dict[str, type[BaseModel]] = {
    "procedure.schema.json": Procedure,
    "applications.schema.json": ApplicationRegister,
    "handbook.schema.json": Handbook,
    "people.schema.json": PeopleRegister,
}


def schema_text(cls: type[BaseModel]) -> str:
    schema = cls.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def stale_schemas(directory: Path) -> list[Path]:
    """Schema files that are missing or differ from the models."""
    return [
        directory / name
        for name, cls in SCHEMAS.items()
        if not (directory / name).is_file()
        or (directory / name).read_text(encoding="utf-8") != schema_text(cls)
    ]


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for path in stale_schemas(directory):
        path.write_text(schema_text(SCHEMAS[path.name]), encoding="utf-8")
        written.append(path)
    return written
