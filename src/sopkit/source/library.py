"""Read the whole ``procedure/`` folder: settings, application register, documents.

Everything is read and checked before anything is written; all problems of
all files are collected, then :func:`read_library` either returns a
:class:`Library` or raises :class:`InvalidInput` listing every one of them.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from sopkit.source.errors import Finding, InvalidInput, Problems, SopkitError
from sopkit.source.files import check_files, unused_files
from sopkit.source.files import folder as files_folder
from sopkit.source.load import KeyPath, Loaded, dotted, load_yaml
from sopkit.source.model import (
    Application,
    ApplicationRegister,
    Handbook,
    PeopleRegister,
    Person,
    Procedure,
    StoredFile,
)
from sopkit.source.people import words
from sopkit.source.readcache import ReadCache
from sopkit.source.rules import check_characters, check_procedure, parse

HANDBOOK_FILE = "handbook.yml"
APPLICATIONS_FILE = "applications.yml"
PEOPLE_FILE = "people.yml"
DOCUMENTS_DIR = "documents"

_VALIDATED: dict[tuple[str, str], Procedure] = {}
"""The procedures of the last reading in this process, by file and text, when the
process reads again (``keep``): ``sopkit serve`` reads procedure/ after each save, and
most texts are as before (the models are frozen; validation depends on nothing but
the text's data)."""


@dataclass(frozen=True)
class Library:
    """Everything in ``procedure/``, validated. Procedures are sorted by ID."""

    root: Path
    handbook: Handbook
    applications: dict[str, Application]
    procedures: tuple[Procedure, ...]
    people: tuple[Person, ...] = field(compare=False)
    """The people register (``people.yml``; empty when the file is missing)."""
    sources: dict[str, Path] = field(compare=False)
    today: dt.date
    warnings: Problems = field(default_factory=Problems, compare=False)

    @cached_property
    def _by_id(self) -> dict[str, Procedure]:
        return {proc.id: proc for proc in self.procedures}

    def get(self, doc_id: str) -> Procedure:
        proc = self._by_id.get(doc_id)
        if proc is not None:
            return proc
        known = ", ".join(p.id for p in self.procedures) or "none"
        raise SopkitError(f"no procedure with ID '{doc_id}' in {self.root} (known: {known})")

    def current(self) -> tuple[Procedure, ...]:
        """Procedures presented as current: everything but obsolete ones."""
        return tuple(p for p in self.procedures if p.status != "obsolete")

    def in_force(self) -> tuple[Procedure, ...]:
        """Procedures staff follow: current ones with an approved revision.

        A draft never approved is left out (of navigation, search, the front
        page and the application register): it must not be taken for a rule.
        """
        return tuple(p for p in self.current() if not p.unapproved)

    def unapproved(self) -> tuple[Procedure, ...]:
        """Drafts that have never been approved."""
        return tuple(p for p in self.procedures if p.unapproved)

    def locate(self, findings: list[Finding]) -> Problems:
        """``findings`` as problems at ``file:line:col: key`` in the procedures' files."""
        problems = Problems()
        files: dict[Path, Loaded | None] = {}  # read each file once, however many findings
        for finding in findings:
            path = self.sources.get(finding.doc_id)
            if path is not None and path not in files:
                files[path] = load_yaml(path, Problems())
            loaded = files.get(path) if path is not None else None
            if path is None or loaded is None:
                problems.add(path or self.root, 1, 1, dotted(finding.keys),
                             f"{finding.doc_id}: {finding.message}", finding.hint)
                continue
            at = loaded.mark(finding.keys)
            problems.add(path, at.line, at.column, dotted(finding.keys), finding.message,
                         finding.hint)
        return problems

    def review_interval(self, proc: Procedure) -> int:
        return proc.review_interval_months or self.handbook.review_interval_months


def today() -> dt.date:
    """The build date: from SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.date.today()
    try:  # set but empty is an error too: MkDocs would stop on it later
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise SopkitError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds\n    hint: "
            "unset it (unset SOURCE_DATE_EPOCH), or give the build date as seconds "
            "since 1970 (date +%s)") from None


def read_library(root: Path, *, on: dt.date | None = None, strict: bool = False,
                 skip_fingerprint_of: str | None = None,
                 approving: str | None = None, cache: Path | None = None,
                 keep: bool = False) -> Library:
    """Load and check all of ``root``; raise :class:`InvalidInput` on any error.

    With ``strict`` warnings (such as an overdue review) count as errors.
    ``approving`` is the document ``sopkit approve`` is about to approve: held
    to the rules of an approved text (no placeholder left), its fingerprint
    not checked. ``skip_fingerprint_of`` lets other commands read a document whose
    approved text has changed, which is what it is about to record. ``cache``: a file
    keeping what reading each document found, for the next reading
    (:mod:`sopkit.source.readcache`). ``keep``: this process reads again (``sopkit
    serve``): the decoded data and models of this reading's texts are kept in memory
    for the next reading, which validates only the texts that changed.
    """
    on = on or today()
    problems = Problems()
    if not root.is_dir():
        raise SopkitError(f"{root}: no such folder; sopkit reads procedures from procedure/")

    handbook = _read_one(root / HANDBOOK_FILE, Handbook, problems)
    register = _read_one(root / APPLICATIONS_FILE, ApplicationRegister, problems)
    people = _read_people(root / PEOPLE_FILE, problems)
    applications: dict[str, Application] = {}
    if register is not None:
        for app in register.applications:
            if app.key in applications:
                problems.add(root / APPLICATIONS_FILE, 1, 1, "applications",
                             f"application key '{app.key}' is used twice")
            applications[app.key] = app

    docs_dir = root / DOCUMENTS_DIR
    paths = sorted(docs_dir.glob("*.yml")) + sorted(docs_dir.glob("*.yaml"))
    if not paths:
        problems.add(docs_dir, 1, 1, "", "no procedure files (*.yml) found",
                     "add procedures as procedure/documents/<ID>-<title>.yml")
    loaded_docs: list[tuple[Loaded, Procedure]] = []
    unreadable: set[str] = set()
    known = ReadCache(cache, keep=keep)
    validated: dict[tuple[str, str], Procedure] = {}
    with _cycle_collector_paused():
        for path in paths:
            loaded = load_yaml(path, problems, within=root, cache=known)
            if loaded is None:
                unreadable.add(path.stem.split("-")[0])
                continue
            check_characters(loaded, problems)
            proc = _VALIDATED.get((str(path), loaded.text)) or parse(Procedure, loaded, problems)
            if proc is None:
                unreadable.add(path.stem.split("-")[0])
                continue
            validated[str(path), loaded.text] = proc
            used = {name for _, name, _ in proc.file_uses()}
            files = _read_files(proc, used, loaded, root, problems)
            proc = proc.with_files(files)
            complete = used <= set(files)  # a bad file is its own problem, not a changed text
            _check(proc, loaded, problems, set(applications), on, known,
                   check_fingerprint=complete and proc.id not in (skip_fingerprint_of, approving),
                   approving=proc.id == approving)
            loaded_docs.append((loaded, proc))
    known.save()
    _VALIDATED.clear()
    if keep:
        _VALIDATED.update(validated)

    _check_across(loaded_docs, problems, unreadable)
    if strict:
        problems.items = [
            replace(p, severity="error")
            for p in problems.items
        ]
    if problems.errors:
        raise InvalidInput(problems)
    assert handbook is not None and register is not None
    procs = sorted((proc for _, proc in loaded_docs), key=lambda p: p.id)
    warnings = Problems(problems.warnings)
    return Library(
        root=root,
        handbook=handbook,
        applications=applications,
        procedures=tuple(procs),
        people=people,
        sources={proc.id: loaded.path for loaded, proc in loaded_docs},
        today=on,
        warnings=warnings,
    )


def _check(proc: Procedure, loaded: Loaded, problems: Problems, applications: set[str],
           on: dt.date, cache: ReadCache, *, check_fingerprint: bool, approving: bool) -> None:
    """:func:`check_procedure`, or the problems it found in the same text before."""
    key = cache.checks_key(loaded.path, loaded.text,
                           {name: f"{file.sha256} {file.kind} {file.width} {file.height}"
                            for name, file in proc.files.items()},
                           applications, on.isoformat(), check_fingerprint, approving)
    found = cache.checks(key)
    if found is None:
        own = Problems()
        check_procedure(proc, loaded, own, applications, on,
                        check_fingerprint=check_fingerprint, approving=approving)
        cache.keep_checks(key, own.items)
        found = own.items
    problems.items += found


def _read_files(proc: Procedure, used: set[str], loaded: Loaded, root: Path,
                problems: Problems) -> dict[str, StoredFile]:
    """The figures and attachments ``proc`` refers to (``used``), checked; a problem for
    each bad one, and a warning for each file in its folder that it does not use."""
    def report(keys: KeyPath, message: str, hint: str) -> None:
        at = loaded.mark(keys)
        problems.add(loaded.path, at.line, at.column, dotted(keys), message, hint)

    files = check_files(proc, root, report) if used else {}
    for name in unused_files(proc.id, used, root):
        problems.add(files_folder(root, proc.id) / name, 1, 1, "",
                     f"{proc.id} does not use this file",
                     "refer to it as a figure or an attachment, or remove it (earlier "
                     "revisions keep their files in git history)", "warning")
    return files


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Reading makes many short-lived objects and no reference cycles, so Python's
    cycle collector only costs time there (about a third of reading 1000 files)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_M = TypeVar("_M", Handbook, ApplicationRegister)


def _read_one(path: Path, cls: type[_M], problems: Problems) -> _M | None:
    loaded = load_yaml(path, problems, within=path.parent)
    if loaded is not None:
        check_characters(loaded, problems)
    return None if loaded is None else parse(cls, loaded, problems)


def _read_people(path: Path, problems: Problems) -> tuple[Person, ...]:
    """The people register; a missing file is an empty register (nobody may approve)."""
    if not path.exists():
        return ()
    loaded = load_yaml(path, problems, within=path.parent)
    if loaded is not None:
        check_characters(loaded, problems)
    register = None if loaded is None else parse(PeopleRegister, loaded, problems)
    if loaded is None or register is None:
        return ()
    seen: dict[frozenset[str], int] = {}
    for index, person in enumerate(register.people):
        name = words(person.name)
        if not name:
            at = loaded.mark(("people", index, "name"))
            problems.add(path, at.line, at.column, f"people[{index}].name",
                         f"'{person.name}' is not a name", "write the person's name in words")
            continue
        if name in seen:
            at = loaded.mark(("people", index, "name"))
            problems.add(path, at.line, at.column, f"people[{index}].name",
                         f"'{person.name}' is registered twice (also people[{seen[name]}])",
                         "each person is listed once; give all their rights in 'approves'")
        seen.setdefault(name, index)
    return tuple(register.people)


def _check_across(docs: list[tuple[Loaded, Procedure]], problems: Problems,
                  unreadable: set[str]) -> None:
    """Rules across documents: unique IDs, cross-references to known documents.

    A reference to a document whose file could not be read (named ``ID`` or
    ``ID-…``) is not reported: that file's own problem is, once.
    """
    first: dict[str, Loaded] = {}
    for loaded, proc in docs:
        if proc.id in first:
            other = first[proc.id].path.name
            at = loaded.mark(("id",))
            problems.add(loaded.path, at.line, at.column, "id",
                         f"document ID {proc.id} is also used by {other}",
                         "document IDs must be unique across procedure/")
        first.setdefault(proc.id, loaded)
    for loaded, proc in docs:
        for index, ref in enumerate(proc.references):
            if ref.document not in first and ref.document not in unreadable:
                at = loaded.mark(("references", index, "document"))
                problems.add(loaded.path, at.line, at.column, f"references[{index}].document",
                             f"cross-reference to unknown document {ref.document}",
                             "refer to the ID of a document in procedure/documents/")
