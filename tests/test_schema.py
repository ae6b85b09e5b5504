"""The published JSON Schema is current and accepts real procedure files.

``procedure/schema/`` is written by ``sopkit schema`` from the models, not by the
handbook's users, so its freshness is checked in the repository itself; the
files validated are the fixture handbook's and the rich fixture procedure.
"""

from __future__ import annotations

import json

import jsonschema

from conftest import PROCEDURES, REPO
from sopkit.source.errors import Problems
from sopkit.source.load import load_yaml
from sopkit.source.schema import SCHEMAS, schema_text, stale_schemas

SCHEMA_DIR = REPO / "procedure" / "schema"
FILES = {
    "procedure.schema.json": [*sorted((PROCEDURES / "documents").glob("*.yml")),
                              *sorted((REPO / "tests" / "data").glob("*.yml"))],
    "applications.schema.json": [PROCEDURES / "applications.yml"],
    "handbook.schema.json": [PROCEDURES / "handbook.yml"],
    "people.schema.json": [PROCEDURES / "people.yml"],
}


def test_committed_schema_matches_models():
    assert stale_schemas(SCHEMA_DIR) == [], "run 'sopkit schema' and commit the result"


def test_schema_validates_real_files():
    assert set(FILES) == set(SCHEMAS)
    for name, paths in FILES.items():
        schema = json.loads(schema_text(SCHEMAS[name]))
        for path in paths:
            loaded = load_yaml(path, Problems())
            assert loaded is not None
            jsonschema.validate(loaded.data, schema)


def test_schema_rejects_a_typo():
    schema = json.loads(schema_text(SCHEMAS["procedure.schema.json"]))
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
