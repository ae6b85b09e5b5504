"""What the PDF outputs share to render many documents: worker processes, and putting
cached files into a built site.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sopkit.cachefiles import read_index, settled, stamp, write_index

Job = TypeVar("Job")
Result = TypeVar("Result")


def in_workers(func: Callable[[Job], Result], todo: list[Job], *, jobs: int,
               start: Callable[..., None], args: tuple[Any, ...]) -> Iterator[Result]:
    """``func`` of each of ``todo``, in order; on up to ``jobs`` worker processes (each
    set up once by ``start(*args)``) when there is enough to do, else here."""
    if not todo:
        return  # nothing to set up either (a card renderer imports WeasyPrint: 0.4 s)
    workers = max(1, min(jobs, os.cpu_count() or 1, len(todo) // 2))
    if workers == 1:
        start(*args)
        yield from map(func, todo)
        return
    chunk = max(1, min(16, math.ceil(len(todo) / (workers * 4))))
    pool = ProcessPoolExecutor(workers, mp_context=SPAWN, initializer=start, initargs=args)
    try:
        yield from pool.map(func, todo, chunksize=chunk)
    finally:  # on the first error, do not wait for the rest
        pool.shutdown(cancel_futures=True)


class _LeanProcess(multiprocessing.context.SpawnProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        with lean_main():
            return multiprocessing.context.SpawnProcess._Popen(process_obj)


class _LeanSpawn(multiprocessing.context.SpawnContext):
    Process = _LeanProcess


SPAWN: Any = _LeanSpawn()
"""How sopkit starts every worker process: spawn, not fork (a fresh interpreter
shares no threads or fontconfig state with the parent), and without running the
main script again (:func:`lean_main`, around each start: ``Process._Popen``)."""


@contextmanager
def lean_main() -> Iterator[None]:
    """Processes spawned in here do not run this program's main script again.

    multiprocessing's spawn imports the parent's ``__main__`` in each child, so that
    functions defined there are found; sopkit's workers run functions of sopkit's
    modules only, and the ``sopkit`` command's script imports the whole command line
    and the models (about 25 MiB a process). A main module named like a package's
    ``__main__`` is not imported again (``multiprocessing.spawn``, in
    ``get_preparation_data`` and ``_fixup_main_from_name``): the script's module is
    given such a name while processes start. (``python -m`` names it so.)
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    main.__spec__ = ModuleSpec("sopkit.__main__", None)
    try:
        yield
    finally:
        main.__spec__ = None


class Readable(Protocol):
    def read_bytes(self) -> bytes: ...


def place(cached: Mapping[str, Readable], out_dir: Path, *, previous: Path | None = None,
          stamps: Stamps | None = None) -> list[Path]:
    """Put each cached file at ``out_dir/name`` (``cached``: site-relative name -> a file,
    or anything else with ``read_bytes``).

    The cache is copied, never linked: a change made to a published file must not
    reach it. (The page cache links: it checks each page's SHA-256 before use.) A
    file that ``previous`` (the site being replaced) already has, byte for byte, is
    hard-linked from there instead: that file leaves with the old site, so the new
    site shares it with nothing (2000 copies took 0.8 s). ``stamps`` (of the files
    placed into ``previous``) tell that without reading either file (see :class:`Stamps`).
    """
    written = []
    for path, name, source in _targets(cached, out_dir):
        old = previous / name if previous is not None else None
        if (old is not None and stamps is not None and isinstance(source, Path)
                and stamps.link_same(name, source, old, path)):
            written.append(path)
            continue
        content = source.read_bytes()
        if old is None or not _link_if_same(old, content, path):
            path.write_bytes(content)
        if stamps is not None and isinstance(source, Path):
            stamps.record(name, source, path)
        written.append(path)
    return written


class Stamps:
    """What :func:`place` put where, kept from one build of a site to the next
    (``file``, for the site at ``target``): each placed file by its name in the site,
    with the stamps of its source (a cache file) and of the file placed. In the next
    build, a name whose source and file in the old site both have the stamps recorded
    holds the same bytes as that source: it is linked without reading either (3000
    cards and PDFs read twice took 0.3 s of every build). Anything else is read and
    compared, as before."""

    def __init__(self, file: Path, target: Path) -> None:
        self.file = file
        self.target = str(target)
        kept = read_index(file)
        self.known: dict[str, list[Any]] = (
            kept.get("files", {}) if kept.get("target") == self.target else {})
        self.made: dict[str, list[Any]] = {}

    def link_same(self, name: str, source: Path, old: Path, path: Path) -> bool:
        """Link ``path`` to ``old`` if their stamps tell that it holds the bytes of
        ``source``; whether it did."""
        entry = self.known.get(name)
        if (isinstance(entry, list) and len(entry) == 3 and entry[0] == str(source)
                and list(stamp(source) or ()) == entry[1]
                and list(stamp(old) or ()) == entry[2] and _link(old, path)):
            self.made[name] = entry  # a link: the same file, the same stamps
            return True
        return False

    def record(self, name: str, source: Path, path: Path) -> None:
        """Keep the stamps of ``source`` and of ``path``, its copy or link, unless either
        was written in the last second: a change within the same tick of the file
        system's clock would keep the time (git calls such files "racily clean"), so
        those are read again in the next build, and kept then."""
        here, there = stamp(source), stamp(path)
        if here is not None and there is not None and settled(here) and settled(there):
            self.made[name] = [str(source), list(here), list(there)]

    def save(self) -> None:
        """Keep this build's stamps (once the site with these files is published)."""
        if self.made != self.known:
            write_index(self.file, {"target": self.target, "files": self.made})


def put(sources: Mapping[str, Path], out_dir: Path, *, previous: Path | None = None
        ) -> None:
    """Put each file at ``out_dir/name`` from ``sources`` (name -> a file whose bytes the
    caller has checked): hard-linked when it is the file of ``previous`` (the site being
    replaced) at the same name, else copied, as :func:`place` does."""
    for path, name, source in _targets(sources, out_dir):
        if previous is not None and source == previous / name:
            try:
                os.link(source, path)
                continue
            except OSError:
                pass
        path.write_bytes(source.read_bytes())


_T = TypeVar("_T")


def _targets(files: Mapping[str, _T], out_dir: Path) -> Iterator[tuple[Path, str, _T]]:
    """(where in ``out_dir``, name, source) of each of ``files``, its folder made (once)."""
    made: set[Path] = set()
    for name, source in files.items():
        path = out_dir / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        yield path, name, source


def _link_if_same(old: Path, content: bytes, path: Path) -> bool:
    try:
        if old.stat().st_size != len(content) or old.read_bytes() != content:
            return False
    except OSError:
        return False
    return _link(old, path)


def _link(old: Path, path: Path) -> bool:
    try:
        os.link(old, path)
    except OSError:
        return False
    return True
