"""A brand-new document, from 'sopkit new' to an approved revision on the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sopkit.source.library import read_library

pytestmark = pytest.mark.usefixtures("fixed_today")

TITLE = "Prøvetaking av blodkultur: «Hast»"


def fill_in(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for n, placeholder in enumerate(re.findall(r'"«FYLL UT: [^»]*»"', text)):
        text = text.replace(placeholder, f"Tekst nummer {n + 1}.", 1)
    path.write_text(text, encoding="utf-8")


def test_a_new_document_from_draft_to_approval(run, project):
    result = run("new", "D40001", "--title", TITLE, "--location", "II.MSK.LAB.MIK",
                 "--path", "Medisinsk serviceklinikk / Mikrobiologi",
                 "--prepared-by", "Bioingeniør Ola Nordmann")
    assert result.exit_code == 0, result.output
    path = project / "procedure" / "documents" / "D40001-provetaking-av-blodkultur-hast.yml"
    assert f"wrote procedure/documents/{path.name}" in result.output
    assert "sopkit approve D40001 --by NAME" in result.output
    proc = read_library(project / "procedure").get("D40001")
    assert (proc.title, proc.status, proc.current.revision) == (TITLE, "draft", "1.00")
    assert proc.location.path == ["Medisinsk serviceklinikk", "Mikrobiologi"]
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schema/procedure.schema.json\n")

    check = run("check")  # placeholders warn while the document is a draft
    assert check.exit_code == 0, check.output
    lines = [line for line in check.output.splitlines() if "still to be written" in line]
    assert len(lines) == 5
    assert f"{path.name}:15:3: people.responsible: warning: still to be written" in check.output
    before = path.read_bytes()
    refused = run("approve", "D40001", "--by", "Kari Nordmann")
    assert refused.exit_code == 1
    assert "people.responsible: still to be written" in refused.output
    assert path.read_bytes() == before

    fill_in(path)
    check = run("check")
    assert check.exit_code == 0 and "still to be written" not in check.output
    approved = run("approve", "D40001", "--by", "Kari Nordmann")
    assert approved.exit_code == 0, approved.output
    proc = read_library(project / "procedure").get("D40001")
    assert proc.status == "approved" and proc.current.approved_by == "Kvalitetsleder Kari Nordmann"
    check = run("check")
    assert check.exit_code == 0 and "D40001" not in check.output


@pytest.mark.parametrize(("args", "message"), [
    (["D29653"], "D29653 already exists"),
    (["d1"], "'d1' is not a document ID"),
    (["D40002", "--title", " "], "--title must not be empty"),
])
def test_new_refuses(run, args, message):
    defaults = {"--title": "Ny prosedyre", "--location": "II.MSK"}
    given = dict(zip(args[1::2], args[2::2], strict=True))
    result = run("new", args[0], *(x for k, v in {**defaults, **given}.items() for x in (k, v)))
    assert result.exit_code == 1 and message in result.output


def test_the_first_document_of_a_new_handbook(run, project):
    for path in (project / "procedure" / "documents").glob("*.yml"):
        path.unlink()
    result = run("new", "D1", "--title", "Første", "--location", "II.MSK")
    assert result.exit_code == 0, result.output
    assert (project / "procedure" / "documents" / "D1-forste.yml").is_file()


@pytest.mark.parametrize("title", ["abc\x7fdef", "a\x85b", "linje\nskift"])
def test_new_refuses_control_characters(run, title):
    result = run("new", "D40003", "--title", title, "--location", "II.MSK")
    assert result.exit_code == 1 and "control character" in result.output
