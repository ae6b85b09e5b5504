"""Publishing: a target that cannot be the project, no moment without a site, one build
at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXED_EPOCH, copy_project, warm
from sopkit import publish
from sopkit.cli import cli
from sopkit.pipeline import build_site
from sopkit.source.errors import SopkitError
from sopkit.source.project import Project

pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
         ) -> Path:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return warm(copy_project(tmp_path / "project"), request)


def _build(root: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(root), "build", *args])


@pytest.mark.parametrize(("target", "says"), [
    (".", "it is the project"),
    ("..", "it holds the project"),
    ("procedure", "it is procedure/"),
    ("templates", "it is templates/"),
    ("procedure/site", "inside procedure/"),
    ("~", "your home folder"),
])
def test_a_target_that_is_or_holds_something_precious_is_refused(root, target, says):
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    path = Path(target).expanduser() if target == "~" else root / target
    result = _build(root, "-o", str(path))
    assert result.exit_code == 1, result.output
    assert "refusing to build" in result.output and says in result.output
    assert sorted(p.relative_to(root) for p in root.rglob("*")
                  if not p.is_relative_to(root / "build")) == [
        p for p in before if not (root / p).is_relative_to(root / "build")]


def test_a_folder_with_other_files_is_refused(root, tmp_path):
    other = tmp_path / "documents"
    other.mkdir()
    (other / "viktig.txt").write_text("ikke slett", encoding="utf-8")
    result = _build(root, "-o", str(other))
    assert result.exit_code == 1 and "is not empty and is not a site sopkit built" in result.output
    assert (other / "viktig.txt").read_text(encoding="utf-8") == "ikke slett"


def test_a_new_empty_or_earlier_site_folder_is_built_into(root, tmp_path):
    target = tmp_path / "ut"
    assert _build(root, "-o", str(target)).exit_code == 0
    assert (target / publish.MARKER).is_file() and (target / "index.html").is_file()
    assert _build(root, "-o", str(target)).exit_code == 0  # a site sopkit built
    empty = tmp_path / "tom"
    empty.mkdir()
    assert _build(root, "-o", str(empty)).exit_code == 0


def test_the_exchange_is_atomic_when_the_file_system_can(root, monkeypatch):
    build_site(Project(root))
    renames: list[tuple[Path, Path]] = []
    real = Path.rename
    monkeypatch.setattr(Path, "rename", lambda self, to: renames.append((self, to))
                        or real(self, to))
    build_site(Project(root))
    assert renames == []  # renameat2(RENAME_EXCHANGE): one step, no rename
    assert (root / "site" / "index.html").is_file()


@pytest.mark.parametrize("killed_at", [1, 2])
def test_a_build_killed_between_two_renames_is_repaired(root, monkeypatch, killed_at):
    """Where the file system cannot exchange: kill the build at each rename of the
    publish step; the site is there afterwards, or the next build puts it back."""
    build_site(Project(root))
    first = (root / "site" / "index.html").read_bytes()
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    real = Path.rename
    count = 0

    def rename(self: Path, to: Path) -> Path:
        nonlocal count
        count += 1
        if count == killed_at:
            raise KeyboardInterrupt  # stands in for SIGKILL at this point
        return real(self, to)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        build_site(Project(root))
    monkeypatch.setattr(Path, "rename", real)
    if killed_at == 2:  # the old site was moved aside, the new one never arrived
        assert not (root / "site").exists() and (root / ".site.old").is_dir()
    build_site(Project(root))
    assert (root / "site" / "index.html").read_bytes() == first
    assert not list(root.glob(".site.*"))


def test_one_build_at_a_time(root):
    """A second build while one holds the lock stops with a message."""
    script = ("import sys, time; from pathlib import Path\n"
              "from sopkit import publish; from sopkit.source.project import Project\n"
              "with publish.build_lock(Project(Path(sys.argv[1]))):\n"
              "    print('locked', flush=True); time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", script, str(root)],
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        result = _build(root)
        assert result.exit_code == 1
        assert "another sopkit build of this project is running" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert time.monotonic() - started < 20  # refused, not waited
        assert not (root / "site").exists()
    finally:
        holder.kill()
        holder.communicate()
    assert _build(root).exit_code == 0


def test_two_builds_at_once_leave_one_whole_site(root):
    command = [sys.executable, "-m", "sopkit", "--project", str(root), "build"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env) for _ in range(2)]
    outcomes = []
    for run in runs:
        _, err = run.communicate(timeout=300)
        outcomes.append((run.returncode, err))
    assert any(code == 0 for code, _ in outcomes)
    for code, err in outcomes:
        assert "Traceback" not in err
        if code:
            assert "another sopkit build of this project is running" in err
    assert (root / "site" / "assets").is_dir() and (root / "site" / "index.html").is_file()


def test_check_target_needs_no_build(root):
    with pytest.raises(SopkitError, match="it is the project"):
        publish.check_target(root, Project(root))


@pytest.mark.parametrize("link_to", ["procedure", ".", "templates"])
def test_a_site_folder_that_is_a_link_is_refused(root, link_to):
    (root / "site").symlink_to(root / link_to if link_to != "." else root,
                               target_is_directory=True)
    before = sorted(p.name for p in (root / "procedure").iterdir())
    result = _build(root)
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert sorted(p.name for p in (root / "procedure").iterdir()) == before
    assert (root / "procedure" / "documents").is_dir()


def test_a_site_folder_with_other_files_is_refused(root):
    (root / "site").mkdir()
    (root / "site" / "notes.txt").write_text("viktig", encoding="utf-8")
    for args in ((), ("-o", str(root / "site"))):
        result = _build(root, *args)
        assert result.exit_code == 1 and "not a site sopkit built" in result.output
    assert (root / "site" / "notes.txt").read_text(encoding="utf-8") == "viktig"


@pytest.mark.parametrize("inside", ["build", "build/cache", ".git/sopkit-out"])
def test_sopkits_working_folders_and_git_are_refused(root, inside):
    (root / ".git").mkdir(exist_ok=True)
    result = _build(root, "-o", str(root / inside))
    assert result.exit_code == 1 and "refusing to build" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_build_killed_at_any_write_of_publishing_leaves_a_whole_site(root, monkeypatch,
                                                                        exchange):
    """Kill the build at every write, rename, exchange and removal of the publish step
    in turn: there is a whole site at once, or the next build puts one back."""
    import shutil

    build_site(Project(root))
    files = sorted(p.relative_to(root / "site") for p in (root / "site").rglob("*"))
    operations = {"write_text": (Path, "write_text"), "rename": (Path, "rename"),
                  "rmtree": (shutil, "rmtree"), "_exchange": (publish, "_exchange")}
    originals = {name: getattr(owner, attr) for name, (owner, attr) in operations.items()}
    if not exchange:
        originals["_exchange"] = lambda a, b: False
    real_publish = publish.publish
    state = {"count": 0, "kill_at": 0}

    def counting(name: str):
        def operation(*args, **kwargs):
            state["count"] += 1
            if state["count"] == state["kill_at"]:
                raise KeyboardInterrupt  # stands in for SIGKILL here
            return originals[name](*args, **kwargs)
        return operation

    def publish_counted(new: Path, target: Path, **kwargs):
        for name, (owner, attr) in operations.items():
            monkeypatch.setattr(owner, attr, counting(name))
        try:
            return real_publish(new, target, **kwargs)
        finally:
            for name, (owner, attr) in operations.items():
                monkeypatch.setattr(owner, attr, originals[name])

    killed = 0
    for kill_at in range(1, 12):
        state.update(count=0, kill_at=kill_at)
        monkeypatch.setattr("sopkit.pipeline.publish", publish_counted)
        try:
            build_site(Project(root))
        except KeyboardInterrupt:
            killed += 1
        monkeypatch.setattr("sopkit.pipeline.publish", real_publish)
        build_site(Project(root))  # the next build: repairs, builds, publishes
        assert sorted(p.relative_to(root / "site")
                      for p in (root / "site").rglob("*")) == files, kill_at
        assert not list(root.glob(".site.*")), kill_at
        if state["count"] < kill_at:  # publishing did fewer operations: all were tried
            break
    assert killed >= 3


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_previous_site_that_cannot_be_removed_is_a_warning(root, monkeypatch, exchange):
    """A file that may not be deleted in the old site: the new site is published,
    the build succeeds with a warning, and later builds go on doing so."""
    import shutil

    build_site(Project(root))
    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    real = shutil.rmtree

    def stubborn(path, *args, **kwargs):
        if Path(path).name.startswith((".site.building-", ".site.old")):
            raise PermissionError(1, "Operation not permitted", str(Path(path) / "låst.pdf"))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", stubborn)
    for _ in range(3):
        result = _build(root)
        assert result.exit_code == 0, result.output
        assert "could not remove this leftover folder (Operation not permitted" in result.output
        assert "Traceback" not in result.output
        assert (root / "site" / "index.html").is_file()


@pytest.mark.parametrize("epoch", ["", "i morgen", "99999999999999999999"])
def test_a_build_date_that_is_no_date_is_a_message(root, monkeypatch, epoch):
    """SOURCE_DATE_EPOCH set but empty or not seconds: said before anything is built
    (MkDocs would stop with a bare ValueError), and the last site is left alone."""
    assert _build(root).exit_code == 0
    site = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = _build(root)
    assert result.exit_code == 1
    assert f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds" in result.output
    assert "hint: unset it" in result.output and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == site


@pytest.mark.parametrize(("removed", "says"), [
    ("ticket/description.txt.j2", "templates/ticket/description.txt.j2: not found"),
    ("site/_evidence.html.j2", "templates/site/_evidence.html.j2: not found"),
    ("site/_blocks.html.j2", "templates/site/_blocks.html.j2: not found (used by templates/site/"),
])
def test_a_missing_template_is_named_with_a_hint(root, monkeypatch, removed, says):
    """A project whose templates/ lacks one of sopkit's templates (deleted, or a project
    set up by hand): the build names it and says how to restore it, and the last site
    is left alone."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    assert _build(root).exit_code == 0
    site = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    (root / "templates" / removed).unlink()
    result = _build(root)
    assert result.exit_code == 1
    assert says in result.output, result.output
    assert "hint: templates/ must hold every template" in result.output
    assert f"git checkout -- templates/{removed}" in result.output
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == site


def test_a_process_that_builds_again_removes_the_replaced_site_in_the_background(
        root, monkeypatch):
    """``sopkit serve`` builds after each save: the site it replaces (5000 files at 1000
    procedures) is removed in another thread, after the build has returned, not in the
    time between the save and the browser showing it."""
    from sopkit import pipeline

    project, target = Project(root), root / "build" / "preview"
    build_site(project, target=target, again=True)
    pipeline.removals_done()
    first = sorted(p.relative_to(target) for p in target.rglob("*"))
    release = threading.Event()
    removed: list[tuple[str, str]] = []
    discard = publish.discard

    def slow(path: Path) -> list[str]:
        if path.name.startswith(".preview.old-"):
            assert release.wait(60)
        removed.append((path.name, threading.current_thread().name))
        return discard(path)

    monkeypatch.setattr(publish, "discard", slow)
    build_site(project, target=target, again=True)  # returns while the removal waits
    aside = [p.name for p in target.parent.iterdir() if p.name.startswith(".preview.old-")]
    assert len(aside) == 1 and (target.parent / aside[0] / "index.html").is_file()
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == first
    release.set()
    pipeline.removals_done()
    assert [r for r in removed if r[0].startswith(".preview.old-")] == [
        (aside[0], "sopkit-discard")]
    assert not (target.parent / aside[0]).exists()
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []


def test_a_removal_left_by_an_ended_process_is_finished_by_the_next_build(root):
    target = root / "site"
    assert _build(root).exit_code == 0
    leftover = root / f".site.old-{os.getpid() + 1}-1"
    (leftover / "kort").mkdir(parents=True)
    (leftover / "kort" / "D1-A4.pdf").write_bytes(b"%PDF")
    assert _build(root).exit_code == 0
    assert not leftover.exists() and (target / "index.html").is_file()
