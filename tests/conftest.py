"""Shared fixtures: a throw-away project, and the CLI.

Tests never read the live ``procedure/``: the handbook's content belongs to its
users, and an approval or a new document there must not turn the suite red.
A test project is the fixture handbook (``tests/fixtures/handbook/procedure``: the
seed D29653 as transcribed, revision 6.00; the long D31044; D40210 with figures
and an attachment in ``files/D40210/``; the draft D10001; the settings, people
and application register) with sopkit's own ``templates/`` and ``mkdocs.yml``; its
JSON Schema files are generated, as ``sopkit schema`` does.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sopkit.cli import cli

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "handbook"
PROCEDURES = FIXTURE / "procedure"
"""The fixture handbook's procedure/ folder (read-only: tests copy it to change it)."""
SEED_DOC = "D29653-melding-av-hastesaker.yml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
            ) -> Path:
    """A test project (see the module notes) to modify freely.

    The working directory is the project, as when a user runs sopkit in one. Its card
    and archival PDF caches are those a real build of the fixture handbook made
    (:data:`WARM_CACHES`): a cached PDF is one whose every input is the same, so a test
    that changes what a card or PDF shows gets its own rendered and checked. Rendering
    them took three quarters of a first build (5 of 7 s). A test about those caches
    themselves, or that needs every card rendered by its own build, is marked ``cold``.
    """
    root = warm(copy_project(tmp_path / "project"), request)
    monkeypatch.chdir(root)
    return root


WARM_CACHES = ("cards", "archival")
"""The caches of build/cache/ a test project starts with (see :func:`project`)."""


def warm(root: Path, request: pytest.FixtureRequest) -> Path:
    """Give the test project at ``root`` the card and archival PDF caches of the session's
    real build of the fixture handbook, unless the test is marked ``cold``."""
    if request.node.get_closest_marker("cold") is None:
        warmed: Path = request.getfixturevalue("built_project")
        for name in WARM_CACHES:
            shutil.copytree(warmed / "build" / "cache" / name, root / "build" / "cache" / name)
    return root


@pytest.fixture
def seed_file(project: Path) -> Path:
    return project / "procedure" / "documents" / SEED_DOC


@pytest.fixture
def run(project: Path) -> Callable[..., Result]:
    """Run ``sopkit --project <copy> ARGS`` in-process and return click's result."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--project", str(project), *args])

    return invoke


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a file, insisting that it was there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


FIXED_EPOCH = "1795608000"  # 2026-11-25 12:00 UTC: builds in tests are reproducible


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 2026-11-25 (SOURCE_DATE_EPOCH), for tests that compare dates."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)


def copy_project(root: Path) -> Path:
    """A test project at ``root``: the fixture handbook with sopkit's templates."""
    from sopkit.source.schema import write_schemas

    root.mkdir(parents=True)
    shutil.copytree(PROCEDURES, root / "procedure")
    write_schemas(root / "procedure" / "schema")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="session")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test project shared by a session's tests that only read it."""
    return copy_project(tmp_path_factory.mktemp("handbook") / "project")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with its site built for real, once per test session."""
    from sopkit.pipeline import build_site
    from sopkit.source.project import Project

    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        patch.setenv("NO_MKDOCS_2_WARNING", "1")
        build_site(Project(root))
    return root


@pytest.fixture(scope="session")
def built_site(built_project: Path) -> Path:
    return built_project / "site"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process (Debian's package, driven by Playwright)."""
    from browser import chromium

    with chromium() as b:
        yield b


def assert_built_as_by_one_process(root: Path, tmp: Path) -> list[Path]:
    """Build ``root``'s staged pages (``build/docs``) with one MkDocs process and assert
    that ``root/site`` holds the same files with the same bytes (besides the wall cards,
    which are placed after MkDocs). Returns those files (site-relative)."""
    from sopkit.outputs import site
    from sopkit.source.library import read_library

    nav = site.navigation(read_library(root / "procedure"))
    site.build(root / "mkdocs.yml", root / "build" / "docs", tmp / "one", nav,
               processes=site.Processes(1))
    # the PDFs are placed after MkDocs, and the evidence is put into its page afterwards
    return assert_same_files(root / "site", tmp / "one",
                             leave_out=("kort/", "arkiv/pdf/", "filer/", "kontroll.html",
                                       ".sopkit-site"))


def assert_same_files(built: Path, expected: Path, *, leave_out: tuple[str, ...] = ()
                      ) -> list[Path]:
    """Assert that two folders hold the same files with the same bytes; return them.
    ``leave_out``: files, or folders ending in '/', not compared."""
    def files(folder: Path) -> list[Path]:
        return sorted(p.relative_to(folder) for p in folder.rglob("*")
                      if p.is_file() and not p.relative_to(folder).as_posix().startswith(
                          leave_out))

    wanted = files(expected)
    assert files(built) == wanted
    for file in wanted:
        assert (built / file).read_bytes() == (expected / file).read_bytes(), file
    return wanted
