"""What reading each procedure file found, kept by the file's content (issue 17).

Reading 1000 procedure files took 0.8 s a build: composing the YAML (0.3 s) and
checking the rules (0.3 s) were most of it. An edit changes one file, so both are
kept here and reused for a file whose text is unchanged:

* the file's data, by the SHA-256 of its text (what :func:`sopkit.source.load.load_text`
  builds from it depends on nothing else);
* the problems :func:`sopkit.source.rules.check_procedure` found, by everything it
  reads: the file's path and text, its figures' and attachments' digests, the
  application keys, the date, whether the fingerprint is checked and whether it
  is being approved (the path as problems name it: relative to the working directory).

The models are made again each build (validating them is fast; unpickling them
was not, see BENCHMARKS.md); a process that reads again (``sopkit serve``) keeps the
decoded data and the models of the texts it read last (:data:`_DECODED`,
``sopkit.source.library._VALIDATED``). Every key holds a digest of the code that reads and
checks and the versions of the libraries it uses (:data:`LIBRARIES`), so a new
version of sopkit or of one of them reads everything again. The cache is one index
in ``build/cache/`` (:func:`sopkit.cachefiles.write_index`): a damaged one is
ignored, as if empty.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sopkit.cachefiles import code_digest, read_index, write_index
from sopkit.source.errors import Problem, display_path

LIBRARIES = ("pyyaml", "pydantic", "pydantic-core", "markdown-it-py")
"""Whose versions shape what reading finds (YAML, models, the text of Markdown)."""

_DECODED: dict[str, Any] = {}
"""The data of the last reading in this process, decoded, by key, when the process reads
again (``keep``): ``sopkit serve`` reads procedure/ after each save, and most texts
are as before. Nothing changes the data once loaded (it is validated into frozen
models)."""


class ReadCache:
    """The cache in ``path`` (``None``: nothing kept, nothing reused)."""

    def __init__(self, path: Path | None, *, keep: bool = False) -> None:
        self.path = path
        self.keep = keep
        """Whether to keep the decoded data in memory for the next reading."""
        self._old: dict[str, Any] = read_index(path) if path is not None else {}
        self._new: dict[str, Any] = {}
        self._decoded: dict[str, Any] = {}

    def data(self, text: str) -> tuple[str, Any]:
        """The key of ``text`` and the data last loaded from it (``None`` if unknown)."""
        key = _digest("data", text)
        found = self._old.get(key)
        if found is not None:
            self._new[key] = found
            decoded = _DECODED.get(key)
            if decoded is None:
                decoded = json.loads(found)
            self._decoded[key] = decoded
            return key, decoded
        return key, None

    def keep_data(self, key: str, data: Any) -> None:
        self._new[key] = json.dumps(data)
        self._decoded[key] = data

    @staticmethod
    def checks_key(path: Path, text: str, files: dict[str, str], applications: set[str],
                   today: str, check_fingerprint: bool, approving: bool) -> str:
        return _digest("checks", display_path(path), text, json.dumps(sorted(files.items())),
                       json.dumps(sorted(applications)), today, str(check_fingerprint),
                       str(approving))

    def checks(self, key: str) -> list[Problem] | None:
        """The problems found under ``key`` (see :meth:`checks_key`), if known."""
        found = self._old.get(key)
        if found is None:
            return None
        self._new[key] = found
        return [Problem(*item) for item in found]

    def keep_checks(self, key: str, problems: list[Problem]) -> None:
        self._new[key] = [[p.path, p.line, p.column, p.key, p.message, p.hint, p.severity]
                          for p in problems]

    def save(self) -> None:
        """Keep what this reading used (and nothing else), if it differs."""
        _DECODED.clear()
        if self.keep:
            _DECODED.update(self._decoded)
        if self.path is not None and self._new != self._old:
            write_index(self.path, self._new)


def _digest(*parts: str) -> str:
    salt = code_digest(("sopkit.source.load", "sopkit.source.rules"), LIBRARIES)
    return hashlib.sha256("\0".join((salt, *parts)).encode()).hexdigest()
