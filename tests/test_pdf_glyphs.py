"""Digits a Norwegian reader cannot misread, read from the fonts embedded in the PDFs.

"6.00" must not read as "6.ØØ", nor "D31050" as "D3105Ø": in the wall cards (A4
and A5) and the archival PDF, the zero has no stroke or dot in its counter, and
0, O, Ø, 1, l and I are six different shapes.
"""

from __future__ import annotations

import itertools

import pytest

from cardtools import contours, glyphs_of
from conftest import edit
from sopkit.outputs.archival.document import trial_pdf
from sopkit.outputs.card.cache import render_card
from sopkit.source.library import read_library
from sopkit.source.project import Project

SIX = "0OØ1lI"
TEXT = "Kode 0 O Ø 1 l I, D31050, 6.00, 07.12.2022"


@pytest.fixture(scope="module")
def project_with_the_six(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The seed, approved again with the six in its first step and card wording."""
    from click.testing import CliRunner

    from conftest import copy_project
    from sopkit.cli import cli

    root = copy_project(tmp_path_factory.mktemp("glyphs") / "project")
    assert CliRunner().invoke(cli, ["--project", str(root), "draft", "D29653"]).exit_code == 0
    seed = root / "procedure" / "documents" / "D29653-melding-av-hastesaker.yml"
    edit(seed, "text: Sakene meldes inn via Min Sykehuspartner.",
         f"text: Sakene meldes inn via Min Sykehuspartner. {TEXT}")
    edit(seed, "card: Meld saken i Min Sykehuspartner.",
         f"card: Meld saken i Min Sykehuspartner. {TEXT}")
    approve = ["--project", str(root), "approve", "D29653", "--by", "Kari Nordmann",
               "--note", "Kode for lesbare tegn."]
    assert CliRunner().invoke(cli, approve).exit_code == 0
    return Project(root)


def pdfs(project: Project) -> dict[str, bytes]:
    library = read_library(project.procedures)
    proc = library.get("D29653")
    out = {size: render_card(proc, library, project, size) for size in ("A4", "A5")}
    out["archival"] = trial_pdf(proc, proc.current, library, project)
    return out


@pytest.mark.parametrize("artefact", ["A4", "A5", "archival"])
def test_zero_is_plain_and_the_six_shapes_differ(project_with_the_six: Project, artefact: str):
    fonts = glyphs_of(pdfs(project_with_the_six)[artefact])
    regular = [chars for name, chars in fonts.items() if all(c in chars for c in SIX)]
    assert regular, {name: "".join(c for c in SIX if c in chars) for name, chars in fonts.items()}
    for chars in regular:
        assert contours(chars["0"]) == 2  # outside and counter: nothing across the counter
        assert contours(chars["O"]) == 2
        for a, b in itertools.combinations(SIX, 2):
            assert chars[a] != chars[b], (a, b)


def test_l_has_a_tail_and_i_has_serifs(project_with_the_six: Project):
    """Shapes, not just heights: neither l nor I is a plain bar (Inter's cv05, cv08)."""
    fonts = glyphs_of(pdfs(project_with_the_six)["A4"])
    faces = [chars for chars in fonts.values() if "l" in chars and "I" in chars]
    assert faces
    for chars in faces:
        for char in "lI":
            assert not _plain_bar(chars[char]), char
    assert _plain_bar(_bar())  # the check itself knows a bar when it sees one


def _plain_bar(outline: list) -> bool:
    """A rectangle: one contour of four straight sides."""
    operators = [operator for operator, _ in outline]
    return operators == ["moveTo", "lineTo", "lineTo", "lineTo", "closePath"]


def _bar() -> list:
    return [("moveTo", ((0, 0),)), ("lineTo", ((0, 10),)), ("lineTo", ((2, 10),)),
            ("lineTo", ((2, 0),)), ("closePath", ())]


def test_the_six_are_in_the_pdf_as_text(project_with_the_six: Project):
    from cardtools import text_of

    for artefact, pdf in pdfs(project_with_the_six).items():
        assert TEXT in text_of(pdf), artefact

