"""What every cache keyed on content shares: the code that made an entry (a digest of
it goes into the keys) and writing a cache file whole."""

from __future__ import annotations

import importlib.util
import json
import os
import re
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


_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(sopkit[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)"
                     r"|import[ \t]+([\w., \t]+))", re.MULTILINE)


@cache
def _imported_modules(path: Path) -> list[str]:
    """The sopkit modules a source file imports (``from sopkit.x import y`` may import
    the module ``sopkit.x.y``), also inside functions. Read with a pattern, not parsed:
    an import-like line in a docstring adds a file too many, never one too few."""
    names: list[str] = []
    for match in _IMPORT.finditer(path.read_text(encoding="utf-8")):
        module, imported, plain = match.groups()
        if module:
            names.append(module)
            for alias in imported.strip("() \t").replace("\n", ",").split(","):
                name = alias.split("#")[0].split(" as ")[0].strip()
                if name.isidentifier() and _is_module(f"{module}.{name}"):
                    names.append(f"{module}.{name}")
        else:
            names += [alias.split(" as ")[0].strip() for alias in plain.split(",")]
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
