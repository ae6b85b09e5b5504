"""What every cache keyed on content shares: the code that made an entry (a digest of
it goes into the keys) and writing a cache file whole."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
from functools import cache
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
