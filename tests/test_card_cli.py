"""`sopkit card ID [--size A4|A5] [-o FILE]`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from cardtools import PAPER, reader


def _size(pdf: Path) -> tuple[float, float]:
    (page,) = reader(pdf.read_bytes()).pages
    return float(page.mediabox.width), float(page.mediabox.height)


def test_default_is_a4_in_the_current_folder(project: Path, run: Callable[..., Result]) -> None:
    result = run("card", "D29653")
    assert result.exit_code == 0, result.output
    assert "wrote D29653-A4.pdf" in result.output
    width, height = _size(project / "D29653-A4.pdf")
    assert abs(width - PAPER["A4"][0]) < 0.5 and abs(height - PAPER["A4"][1]) < 0.5


def test_size_and_output(project: Path, run: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "wall.pdf"
    result = run("card", "D29653", "--size", "a5", "-o", str(target))
    assert result.exit_code == 0, result.output
    width, height = _size(target)
    assert abs(width - PAPER["A5"][0]) < 0.5 and abs(height - PAPER["A5"][1]) < 0.5


def test_unknown_document(run: Callable[..., Result]) -> None:
    result = run("card", "D1")
    assert result.exit_code == 1
    assert "no procedure with ID 'D1'" in result.output


def test_help_says_where_the_file_goes(run: Callable[..., Result]) -> None:
    result = run("card", "--help")
    assert "DOC_ID-SIZE.pdf in the current folder" in " ".join(result.output.split())
    assert "site_url" in result.output
