"""Putting a built site in place: safely, whole, and one build at a time.

* **A target that cannot be the project.** ``sopkit build -o DIR`` writes only
  into a folder that does not exist, is empty, or is a site sopkit built
  before (it holds the marker file :data:`MARKER`), and never into, or above,
  the project, ``procedure/``, ``templates/``, ``.git`` or the home folder.
* **No moment without a site.** The new site is built beside the target and
  exchanged with it in one atomic step (``renameat2(RENAME_EXCHANGE)`` on
  Linux). Where the file system cannot exchange, two renames are used, and a
  build that was killed between them is repaired by the next one (the old site
  is put back before anything else).
* **One build at a time.** A build holds a lock (``build/build.lock``) from
  start to end; a second build of the same project stops with a message.
  Staging folders carry the build's process ID.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sopkit.source.errors import SopkitError
from sopkit.source.project import Project

MARKER = ".sopkit-site"
"""Written into every site sopkit builds: a folder holding it may be replaced."""
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_target(target: Path, project: Project) -> None:
    """Refuse a target (``site/`` too) that is, holds or lies in something precious,
    that is a symbolic link, or that holds files sopkit did not write."""
    where = target.resolve()
    name = f"-o {target}" if target.absolute() != project.site.absolute() else "site/"
    if target.is_symlink():
        raise SopkitError(f"{name} is a symbolic link (to {where}); sopkit replaces the folder "
                          "it builds into, so it will not follow a link\n    hint: remove "
                          "the link, or build into a real folder")
    precious = {project.root: "the project", project.procedures: "procedure/",
                project.templates: "templates/", project.root / ".git": ".git",
                project.build: "build/ (sopkit's caches)", Path.home(): "your home folder"}
    for path, what in precious.items():
        path = path.resolve()
        if where == path or path.is_relative_to(where):
            raise SopkitError(f"{name}: refusing to build into {where}: it "
                              f"{'is' if where == path else 'holds'} {what}"
                              "\n    hint: give a new or empty folder, e.g. -o /tmp/handbok")
    inside = {project.procedures: "procedure/", project.templates: "templates/",
              project.root / ".git": ".git"}
    if where != (project.build / "preview").resolve():  # the preview's own folder
        inside[project.build] = "build/"
    for path, what in inside.items():
        if where.is_relative_to(path.resolve()):
            raise SopkitError(f"{name}: refusing to build inside {what}"
                              "\n    hint: give a folder outside the project's working "
                              "folders")
    if where.exists() and not where.is_dir():
        raise SopkitError(f"{name}: {where} is a file, not a folder")
    if where.is_dir() and any(where.iterdir()) and not is_site(where):
        raise SopkitError(f"{name}: {where} is not empty and is not a site sopkit built "
                          f"(it has no {MARKER})\n    hint: give a new or empty folder, or "
                          "move its files away")


def is_site(folder: Path) -> bool:
    """Whether ``folder`` is a site sopkit built: it has the marker (or, built before
    the marker was written, sopkit's own stylesheet)."""
    return ((folder / MARKER).is_file()
            or (folder / "assets" / "stylesheets" / "sopkit.css").is_file())


@contextmanager
def build_lock(project: Project) -> Iterator[None]:
    """Hold the project's build lock; :class:`SopkitError` if another build has it."""
    project.build.mkdir(parents=True, exist_ok=True)
    with (project.build / "build.lock").open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SopkitError("another sopkit build of this project is running"
                              "\n    hint: wait for it to finish, then build again") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def staging_for(target: Path) -> Path:
    """This build's own staging folder beside ``target``."""
    return target.with_name(f".{target.name}.building-{os.getpid()}")


def recover(target: Path) -> list[str]:
    """Repair what a killed build left beside ``target`` (call under the build lock):
    put the old site back if it was moved aside and the new one never arrived,
    and remove staging folders. Returns warnings about leftovers that cannot be
    removed (they stay, and do not stop the build)."""
    old = target.with_name(f".{target.name}.old")
    if not target.exists() and old.is_dir():
        old.rename(target)
    warnings: list[str] = []
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in sorted(target.parent.glob(pattern)):
            warnings += discard(leftover)
    return warnings + discard(old)


def publish(new: Path, target: Path, *, later: Later | None = None) -> list[str]:
    """Put ``new`` in place of ``target`` with no moment without a site. Returns
    warnings about the previous site if it cannot be removed: the new one is in
    place by then, and the build has succeeded. ``later``: the previous site is
    removed by it, in the background (see :class:`Later`)."""
    (new / MARKER).write_text("Built by sopkit; 'sopkit build -o' may replace this folder.\n",
                              encoding="utf-8")
    if target.exists() and _exchange(new, target):
        # ``new`` holds the old site now
        return later.discard(new, target) if later is not None else discard(new)
    old = target.with_name(f".{target.name}.old")
    warnings = discard(old)
    if old.exists():  # it cannot be removed: out of the way, for recover() to retry
        old.rename(_aside(target))
    if target.exists():
        target.rename(old)
    new.rename(target)
    return warnings + discard(old)


def discard(path: Path) -> list[str]:
    """Remove a folder sopkit no longer needs (a previous site, a staging folder); if
    that fails (a file that may not be deleted), a warning instead of an error."""
    try:
        remove(path)
    except OSError as exc:
        if not path.exists() and not path.is_symlink():  # gone: another build removed it
            return []
        return [f"{path}: could not remove this leftover folder ({exc.strerror}: "
                f"{exc.filename})\n    hint: remove it by hand; the site itself is fine"]
    return []


class Later:
    """Removes previous sites in the background, for a process that builds again and
    again (``sopkit serve``): removing a site of 1000 procedures (5000 files in 640
    folders) took 0.2-0.3 s of each rebuild, between the save and the browser showing
    it. The folder is first renamed to a leftover name (``.<target>.old-<pid>-<n>``),
    which :func:`recover` removes if this process ends before it has; :meth:`wait`
    (call it before the next build, and before the process ends) waits for the removals
    under way. A removal that fails leaves the folder to the next build's
    :func:`recover`, which warns about it then."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def discard(self, path: Path, target: Path) -> list[str]:
        aside = _aside(target)
        try:
            path.rename(aside)
        except OSError:
            return discard(path)
        thread = threading.Thread(target=discard, args=(aside,), name="sopkit-discard",
                                  daemon=True)
        thread.start()
        self._threads.append(thread)
        return []

    def wait(self) -> None:
        for thread in self._threads:
            thread.join()
        self._threads.clear()


def _aside(target: Path) -> Path:
    """A new leftover name beside ``target`` for a folder to remove, which :func:`recover`
    removes if nothing else does."""
    return target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system or file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
