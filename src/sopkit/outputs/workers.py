"""What the PDF outputs share to render many documents: worker processes, a digest of
the code that renders them (for caches keyed on content), and putting cached files
into a built site.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")


def in_workers(func: Callable[[Job], Result], todo: list[Job], *, jobs: int,
               start: Callable[..., None], args: tuple[Any, ...]) -> Iterator[Result]:
    """``func`` of each of ``todo``, in order; on up to ``jobs`` worker processes (each
    set up once by ``start(*args)``) when there is enough to do, else here."""
    workers = max(1, min(jobs, os.cpu_count() or 1, len(todo) // 2))
    if workers == 1:
        start(*args)
        yield from map(func, todo)
        return
    # spawn, not fork: a fresh interpreter per worker shares no threads or
    # fontconfig state with the parent.
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(16, math.ceil(len(todo) / (workers * 4))))
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=start, initargs=args)
    try:
        yield from pool.map(func, todo, chunksize=chunk)
    finally:  # on the first error, do not wait for the rest
        pool.shutdown(cancel_futures=True)


@cache
def code_files(roots: tuple[str, ...]) -> tuple[Path, ...]:
    """The source files of the modules ``roots`` and of every sopkit module they import,
    directly or not (read from their import statements, not listed by hand)."""
    found: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        found[name] = Path(spec.origin)
        todo += _imported_modules(found[name])
    return tuple(sorted(found.values()))


def _imported_modules(path: Path) -> list[str]:
    """The sopkit modules a source file imports (``from sopkit.x import y`` may import
    the module ``sopkit.x.y``)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names
                      if node.module.startswith("sopkit")
                      and _is_module(f"{node.module}.{alias.name}")]
    return [name for name in names if name == "sopkit" or name.startswith("sopkit.")]


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


class Readable(Protocol):
    def read_bytes(self) -> bytes: ...


def place(cached: Mapping[str, Readable], out_dir: Path, *, previous: Path | None = None
          ) -> list[Path]:
    """Put each cached file at ``out_dir/name`` (``cached``: site-relative name -> a file,
    or anything else with ``read_bytes``).

    The cache is copied, never linked: a change made to a published file must not
    reach it. A file that ``previous`` (the site being replaced) already has, byte
    for byte, is hard-linked from there instead: that file leaves with the old
    site, so the new site shares it with nothing (2000 copies took 0.8 s).
    """
    written = []
    for name, source in cached.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = source.read_bytes()
        if previous is None or not _link_if_same(previous / name, content, path):
            path.write_bytes(content)
        written.append(path)
    return written


def _link_if_same(old: Path, content: bytes, path: Path) -> bool:
    try:
        if old.stat().st_size != len(content) or old.read_bytes() != content:
            return False
        os.link(old, path)
    except OSError:
        return False
    return True


def read_index(path: Path) -> dict[str, Any]:
    """A cache's JSON index (a mapping); empty if it is missing or damaged."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file whole: a temporary file beside it, renamed over it (and
    removed again if writing fails, e.g. on a full disk)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
