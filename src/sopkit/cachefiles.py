"""What every cache keyed on content shares: a digest of what made an entry besides
the content (sopkit's code, the libraries' versions, a folder of templates), and
reading and writing a cache's index whole."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import sys
import time
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any


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


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
"""Where a statement holds statements (an import is always a statement)."""


@cache
def _imported_modules(path: Path) -> list[str]:
    """The sopkit modules a source file imports (``from sopkit.x import y`` may import
    the module ``sopkit.x.y``), also inside functions, classes and ``try``. Parsed,
    but only statements are visited (all of the tree took four times as long)."""
    names: list[str] = []
    todo: list[ast.AST] = list(ast.parse(path.read_bytes(), str(path)).body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names
                      if node.module.startswith("sopkit")
                      and _is_module(f"{node.module}.{alias.name}")]
        for field in _BODIES:
            todo += getattr(node, field, None) or ()
    return [name for name in names if name == "sopkit" or name.startswith("sopkit.")]


def _is_module(name: str) -> bool:
    """Whether ``name`` is a module, found without importing it (only its package)."""
    package, _, leaf = name.rpartition(".")
    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError:
        return False
    folders = spec.submodule_search_locations if spec is not None else None
    return any((Path(folder) / f"{leaf}.py").is_file()
               or (Path(folder) / leaf / "__init__.py").is_file() for folder in folders or ())


@cache
def code_digest(roots: tuple[str, ...], libraries: tuple[str, ...] = ()) -> str:
    """The digest of the Python version, the source of :func:`code_files` of ``roots``
    and the versions of the distributions ``libraries``: what a cache's entries were
    made with besides their content, so that an upgrade makes them again."""
    digest = hashlib.sha256(sys.version.encode())
    for path in code_files(roots):
        digest.update(b"\0" + path.read_bytes())
    for name in libraries:
        try:
            digest.update(f"\0{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"\0{name}=-".encode())
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """The digest of every file in ``folder`` (a folder of templates), by its path in
    the folder and its bytes; of nothing when there is no such folder."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_file():
            digest.update(b"\0" + path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def read_index(path: Path) -> dict[str, Any]:
    """A cache's index, as :func:`write_index` wrote it; empty if it is missing or
    damaged, or was changed by anything else (its checksum no longer matches)."""
    try:
        checksum, _, body = path.read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != checksum:
            return {}
        data = json.loads(body)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_index(path: Path, data: dict[str, Any]) -> None:
    """Write a cache's index whole (:func:`write_atomic`): the SHA-256 of its JSON on
    the first line, then the JSON. Keys keep their order: a page's search entries go
    back into the search index as MkDocs wrote them."""
    body = json.dumps(data).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


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


Stamp = tuple[int, int, int, int]
"""A file's device, inode, size and time of last change (ns): :func:`stamp`."""


def stamp(path: Path) -> Stamp | None:
    """What tells a file from its changed self without reading it, as make and git do:
    writing it anew changes its time of last change (or, for a new file, its inode),
    and rewriting it in place changes that time too. None if it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


RACY_NS = 1_000_000_000
"""How old a file's time must be for its stamp to be trusted later: see :func:`settled`."""


def settled(found: Stamp) -> bool:
    """Whether a stamp may be kept to tell the file later: not when the file was written
    in the last second, as a change in the same tick of the file system's clock would
    keep its time (git calls such files "racily clean"); those are read again."""
    return found[3] < time.time_ns() - RACY_NS


def link_atomic(source: Path, path: Path) -> None:
    """Make ``path`` the file ``source`` whole: a hard link to it (no bytes written),
    or a copy where ``source`` cannot be linked (another file system); put in place
    under a temporary name, as :func:`write_atomic` does."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.unlink(missing_ok=True)
        try:
            os.link(source, temp)
        except OSError:
            temp.write_bytes(source.read_bytes())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
