"""Files in procedure/ that are not what they seem, and inputs that used to crash."""

from __future__ import annotations

import os

import pytest

from conftest import edit


def test_a_link_to_a_file_outside_the_project_is_not_read(run, project, tmp_path):
    secret = tmp_path / "hemmelig.yml"
    secret.write_text("id: D1\npassord: hemmelig\n", encoding="utf-8")
    (project / "procedure" / "documents" / "D1-lenke.yml").symlink_to(secret)
    result = run("check")
    assert result.exit_code == 1
    assert "is a link to" in result.output and "outside" in result.output
    assert "hemmelig" not in result.output.replace(str(secret), "")


def test_a_link_to_a_device_or_a_loop_is_refused(run, project):
    docs = project / "procedure" / "documents"
    (docs / "D2-null.yml").symlink_to("/dev/zero")
    (docs / "D3-loop.yml").symlink_to(docs / "D3-loop.yml")
    result = run("check")
    assert result.exit_code == 1
    assert "D2-null.yml:1:1: is a link to /dev/zero" in result.output
    assert "D3-loop.yml:1:1: cannot read file" in result.output
    assert "Traceback" not in result.output


def test_a_pipe_is_refused_without_waiting(run, project):
    os.mkfifo(project / "procedure" / "documents" / "D4-pipe.yml")
    result = run("check")
    assert result.exit_code == 1 and "D4-pipe.yml:1:1: is not a regular file" in result.output


def test_the_file_name_must_be_the_id_and_a_dash(run, seed_file):
    seed_file.rename(seed_file.with_name("D296531-kopi.yml"))
    result = run("check")
    assert result.exit_code == 1 and "does not start with the document ID and a dash" in (
        result.output)


@pytest.mark.parametrize(("old", "new", "says"), [
    ("urgent: true", "urgent: " + "[" * 300 + "]" * 300, "nested more than 40 levels"),
    ("review_interval_months: 24", "review_interval_months: " + "9" * 5000,
     "review_interval_months:"),
])
def test_inputs_that_used_to_crash_are_messages(run, project, seed_file, old, new, says):
    target = seed_file if old.startswith("urgent") else project / "procedure" / "handbook.yml"
    edit(target, old, new)
    result = run("check")
    assert result.exit_code == 1, result.output
    assert says in result.output and "Traceback" not in result.output
