"""Bad input is met with a located message, never a traceback or silent data loss."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import edit, line_of
from sopkit.source.errors import InvalidInput, Problems
from sopkit.source.library import read_library
from sopkit.source.load import MAX_BYTES, load_text, load_yaml


def problems_of(project: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_library(project / "procedure")
    return [p.format() for p in caught.value.problems.errors]


def one_problem(project: Path) -> str:
    found = problems_of(project)
    assert len(found) == 1, found
    return found[0]


def test_yaml_syntax_error_names_file_and_line(project, seed_file):
    edit(seed_file, "  code: II.MSK", "  code: [II.MSK")
    message = one_problem(project)
    assert message.startswith(f"procedure/documents/{seed_file.name}:")
    assert "YAML syntax error" in message and "hint:" in message


def test_duplicate_key_is_an_error_naming_both_lines(project, seed_file):
    first = line_of(seed_file, "distribution:")
    edit(seed_file, "distribution:", "distribution: Laboratoriet\ndistribution:")
    message = one_problem(project)
    assert f"{seed_file.name}:{first + 1}:1: distribution: duplicate key 'distribution'" in message
    assert f"first on line {first}" in message


def test_unquoted_no_stays_text(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("a: no\nb: yes\nc: on\nd: off\ne: 6.00\nf: 2022-12-07\ng: true\n")
    loaded = load_yaml(path, Problems())
    assert loaded is not None
    assert loaded.data == {"a": "no", "b": "yes", "c": "on", "d": "off", "e": "6.00",
                           "f": "2022-12-07", "g": True}


def test_unquoted_no_in_text_field_reaches_the_model(project, seed_file):
    edit(seed_file, "verified_by: \"\"", "verified_by: no")
    library = read_library(project / "procedure", skip_fingerprint_of="D29653")
    assert library.get("D29653").people.verified_by == "no"


def test_wrong_type(project, seed_file):
    edit(seed_file, "title: Melding av hastesaker i Min Sykehuspartner, LV SSHF", "title: 42")
    message = one_problem(project)
    line = line_of(seed_file, "title: 42")
    assert f":{line}:1: title: expected text, got a whole number" in message
    assert "hint: put the value in quotes" in message


def test_unknown_key_suggests_the_right_one(project, seed_file):
    edit(seed_file, "distribution:", "distribusion:")
    found = problems_of(project)
    line = line_of(seed_file, "distribusion:")
    assert any(f":{line}:1: distribusion: unknown key 'distribusion'" in m
               and "did you mean 'distribution'?" in m for m in found), found
    assert any("required key 'distribution' is missing" in m for m in found), found


def test_missing_required_field_points_at_its_mapping(project, seed_file):
    edit(seed_file, "  prepared_by: IKT systemansvarlig Annette Narvestad\n", "")
    message = one_problem(project)
    line = line_of(seed_file, "people:")
    assert f":{line}:1: people.prepared_by: required key 'prepared_by' is missing" in message


def test_impossible_date(project, seed_file):
    edit(seed_file, "    changed: 2022-12-07", "    changed: 2022-02-30")
    message = one_problem(project)
    line = line_of(seed_file, "2022-02-30")
    assert f":{line}:5: revisions[0].changed: is not a real date" in message


def test_date_written_wrongly(project, seed_file):
    edit(seed_file, "    changed: 2022-12-07", "    changed: 07.12.2022")
    message = one_problem(project)
    assert "revisions[0].changed: must be a date written as YYYY-MM-DD" in message


def test_file_not_utf8(project, seed_file):
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_bytes(text.encode("latin-1"))
    line = text[: text.index("ø")].count("\n") + 1
    message = one_problem(project)
    assert f"{seed_file.name}:{line}:" in message and "not UTF-8 (byte 0xf8)" in message
    assert "hint: save the file as UTF-8" in message


def test_empty_file(project, seed_file):
    seed_file.write_text("  \n")
    assert "file is empty" in one_problem(project)


def test_list_where_mapping_belongs(project, seed_file):
    edit(seed_file, "people:\n  prepared_by:", "people:\n  - prepared_by:")
    edit(seed_file, "  responsible:", "    responsible:")
    edit(seed_file, "  verified_by:", "    verified_by:")
    message = one_problem(project)
    assert "people: expected a mapping (key: value lines), got a list" in message
    assert "remove the '- '" in message


def test_oversized_file(project, seed_file):
    seed_file.write_text("# " + "x" * MAX_BYTES + "\n")
    assert "the limit is" in one_problem(project)


def test_alias_bomb_is_refused(project, seed_file):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    seed_file.write_text(bomb)
    message = one_problem(project)
    assert f"{seed_file.name}:2:" in message and "aliases (&name, *name) are not allowed" in message


@pytest.mark.parametrize(("text", "where"), [
    ("a: &x 1\nc:\n  d: *x\n", "3:3: c.d"),  # a key's value: the key
    ("a: &x 1\nb:\n  - 1\n  - *x\n", "2:1: b[1]"),  # a list item: the list's key
    ("a: &x [1]\nb:\n  - - 1\n    - *x\n", "3:5: b[0][1]"),  # in a list in a list: that list
])
def test_alias_is_reported_where_it_is_used(tmp_path, text, where):
    problems = Problems()
    assert load_text(text, tmp_path / "x.yml", problems) is None
    assert f"x.yml:{where}: YAML anchors and aliases" in problems.items[0].format()


def test_windows_file_with_bom_and_crlf(project, seed_file):
    plain = read_library(project / "procedure").get("D29653")
    text = seed_file.read_text(encoding="utf-8")
    seed_file.write_bytes("\ufeff".encode() + text.replace("\n", "\r\n").encode())
    assert read_library(project / "procedure").get("D29653") == plain


def test_all_problems_in_one_run(project, seed_file):
    other = seed_file.with_name("D10001-annen.yml")
    other.write_text(seed_file.read_text().replace("id: D29653", "id: D10001")
                     .replace("title: Melding", "tittel: Melding"))
    edit(seed_file, "  code: II.MSK", "  code: [II.MSK")
    found = problems_of(project)
    assert any(other.name in m and "unknown key 'tittel'" in m for m in found), found
    assert any(seed_file.name in m and "YAML syntax error" in m for m in found), found


def test_command_line_prints_message_not_traceback(project, seed_file):
    edit(seed_file, "title: Melding", "title: [Melding")
    done = subprocess.run(
        [sys.executable, "-m", "sopkit", "--project", str(project), "check"],
        capture_output=True, text=True, cwd=project, check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"procedure/documents/{seed_file.name}:" in done.stderr


def test_a_texts_content_is_worked_out_afresh_for_every_copy(project):
    """``content_digest`` (what output caches are keyed on) is kept per text: a copy with
    other fields or other files must never carry its original's, and keeping it must
    not change whether two texts are equal."""
    import copy
    import hashlib

    from sopkit.source.model import StoredFile

    proc = read_library(project / "procedure").procedures[0]
    twin = proc.model_copy()
    before = proc.content_digest()
    assert before == hashlib.sha256(proc.content_json().encode()).hexdigest()
    assert proc == twin  # one worked out, the other not: still equal
    for changed in (proc.model_copy(update={"status": "obsolete"}),
                    proc.model_copy(update={"status": "obsolete"}, deep=True),
                    copy.copy(proc).model_copy(update={"status": "obsolete"})):
        assert '"status":"obsolete"' in changed.content_json()
        assert changed.content_digest() == hashlib.sha256(
            changed.content_json().encode()).hexdigest() != before
    figure = StoredFile("bilde.png", "ab" * 32, 10, "PNG", "image/png")
    with_file = proc.with_files({"bilde.png": figure})
    assert with_file.content_digest() not in (before, twin.with_files({}).content_digest())
    assert copy.deepcopy(with_file).content_digest() == with_file.content_digest()
    assert proc.content_digest() == before
