"""The published JSON Schema is current and accepts the real files."""

from __future__ import annotations

import json

import jsonschema

from conftest import REPO
from sopkit.source.errors import Problems
from sopkit.source.load import load_yaml
from sopkit.source.schema import SCHEMAS, stale_schemas

SCHEMA_DIR = REPO / "procedure" / "schema"
FILES = {
    "procedure.schema.json": sorted((REPO / "procedure" / "documents").glob("*.yml")),
    "applications.schema.json": [REPO / "procedure" / "applications.yml"],
    "handbook.schema.json": [REPO / "procedure" / "handbook.yml"],
}


def test_committed_schema_matches_models():
    assert stale_schemas(SCHEMA_DIR) == [], "run 'sopkit schema' and commit the result"


def test_schema_validates_the_repository_files():
    assert set(FILES) == set(SCHEMAS)
    for name, paths in FILES.items():
        schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
        for path in paths:
            loaded = load_yaml(path, Problems())
            assert loaded is not None
            jsonschema.validate(loaded.data, schema)


def test_schema_rejects_a_typo():
    schema = json.loads((SCHEMA_DIR / "procedure.schema.json").read_text(encoding="utf-8"))
    loaded = load_yaml(FILES["procedure.schema.json"][0], Problems())
    assert loaded is not None
    bad = {**loaded.data, "titel": "x"}
    validator = jsonschema.Draft202012Validator(schema)
    assert any("titel" in error.message for error in validator.iter_errors(bad))


def test_check_reports_a_stale_schema(run, project):
    (project / "procedure" / "schema" / "handbook.schema.json").write_text("{}\n")
    result = run("check")
    assert result.exit_code == 1 and "run 'sopkit schema'" in result.output
    assert run("schema").exit_code == 0
    assert run("check").exit_code == 0
