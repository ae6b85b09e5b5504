"""The texts of earlier revisions, from git history, proven by their fingerprints.

A procedure file keeps every revision's record (number, dates, approver,
fingerprint) but only the newest text. The text of an earlier revision is the
version of the file, anywhere in git history, whose content fingerprint equals
the fingerprint recorded when that revision was approved: the fingerprint proves
it is the approved text, so a wrong version can never be shown as one.

The working file is tried first: a revision whose fingerprint equals the working
text's needs no history at all (the seed's only revision, or a periodic review
that changed nothing). Otherwise git is asked, once per :class:`History`, for
every version of every file in ``procedure/documents/``. Renamed files are
found too, because versions are matched by content, not by name.

A text that cannot be found is an error that says why and what to do: the
folder is not a git checkout, the checkout is shallow (``git fetch
--unshallow``), or the approved text was never committed.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from sopkit.source.errors import Problems, SopkitError
from sopkit.source.files import (
    FILES_DIR,
    MAX_ATTACHMENT_BYTES,
    FileProblem,
    check_name,
    identify,
)
from sopkit.source.fingerprint import fingerprint
from sopkit.source.library import Library
from sopkit.source.load import MAX_BYTES, load_text
from sopkit.source.model import Procedure, Revision, StoredFile
from sopkit.source.rules import parse

WORKING_COPY = "arbeidskopi"
_ID_LINE = re.compile(r"^id:\s*[\"']?([A-Z]+[0-9]+)", re.MULTILINE)


@dataclass(frozen=True)
class Version:
    """One text of a procedure: an approved revision, or the working copy.

    ``proc`` is the text with the revision records up to and including this
    one, so ``proc.current`` is this revision's record.
    """

    doc_id: str
    label: str
    proc: Procedure
    revision: Revision
    source: str
    source_text: str
    working: bool = False

    @property
    def name(self) -> str:
        """For the command line: '6.00' or 'working copy (7.00, draft)'."""
        if not self.working:
            return self.label
        state = "draft" if self.proc.status == "draft" else "not approved"
        return f"working copy ({self.revision.revision}, {state})"

    @property
    def title(self) -> str:
        if not self.working:
            return f"revisjon {self.label}"
        state = "utkast" if self.proc.status == "draft" else "ikke godkjent"
        return f"arbeidskopi (revisjon {self.revision.revision}, {state})"


@dataclass(frozen=True)
class Entry:
    """A revision record and whether its text is available."""

    revision: Revision
    version: Version | None
    reason: str = ""
    superseded: bool = False

    @property
    def approved(self) -> bool:
        return self.revision.approved is not None


@dataclass(frozen=True)
class _Found:
    proc: Procedure
    text: str
    commit: str
    date: dt.date


@dataclass
class History:
    """Revision texts for the procedures of one library; git is asked at most once."""

    library: Library
    _found: dict[str, _Found] = field(default_factory=dict)
    _versions: dict[tuple[str, int], Version | SopkitError] = field(default_factory=dict)
    """Each text worked out once (pages, the archival PDF and the proof ask for it)."""
    _scanned: bool = False
    _why_missing: str = ""

    # ------------------------------------------------------------ public

    def entries(self, doc_id: str) -> list[Entry]:
        """Every revision record of ``doc_id``, oldest first, with its text when available."""
        proc = self.library.get(doc_id)
        last = proc.last_approved
        out = []
        for index, rev in enumerate(proc.revisions):
            superseded = rev.approved is not None and last is not None and (
                rev.revision != last.revision or proc.status == "obsolete"
            )
            try:
                version = self._version(proc, index)
                out.append(Entry(rev, version, superseded=superseded))
            except SopkitError as exc:
                out.append(Entry(rev, None, exc.message, superseded=superseded))
        return out

    def version(self, doc_id: str, revision: str) -> Version:
        """The text of one revision; raises :class:`SopkitError` when it cannot be found."""
        proc = self.library.get(doc_id)
        for index, rev in enumerate(proc.revisions):
            if rev.revision == revision:
                return self._version(proc, index)
        known = ", ".join(r.revision for r in proc.revisions)
        raise SopkitError(f"{doc_id} has no revision {revision} (revisions: {known})")

    def working(self, doc_id: str) -> Version:
        """The working file as it is now (may be a draft or have unapproved changes)."""
        proc = self.library.get(doc_id)
        path = self.library.sources[doc_id]
        return Version(doc_id, WORKING_COPY, proc, proc.current, "working copy",
                       path.read_text(encoding="utf-8-sig"), working=True)

    def working_is_approved(self, doc_id: str) -> bool:
        """True when the working text is exactly the last approved revision's text."""
        proc = self.library.get(doc_id)
        last = proc.last_approved
        return (last is not None and proc.status != "draft"
                and last.fingerprint == fingerprint(proc))

    # ------------------------------------------------------------ lookup

    def _version(self, proc: Procedure, index: int) -> Version:
        key = (proc.id, index)
        if key not in self._versions:
            try:
                self._versions[key] = self._make_version(proc, index)
            except SopkitError as exc:
                self._versions[key] = exc
        found = self._versions[key]
        if isinstance(found, SopkitError):
            raise SopkitError(found.message)  # a new one: raised again, it would collect frames
        return found

    def _make_version(self, proc: Procedure, index: int) -> Version:
        rev = proc.revisions[index]
        records = proc.revisions[: index + 1]
        path = self.library.sources[proc.id]
        if rev.approved is None:
            if index == len(proc.revisions) - 1:
                return self.working(proc.id)
            raise SopkitError(f"{proc.id} revision {rev.revision} was never approved; "
                              "only approved texts are kept")
        if not rev.fingerprint:
            raise SopkitError(
                f"{proc.id} revision {rev.revision} has no fingerprint, so its text cannot be "
                "identified (records imported from an older system keep no text)")
        if rev.fingerprint == fingerprint(proc):
            content, source = proc, "working copy"
            text = path.read_text(encoding="utf-8-sig")
        else:
            found = self._find(rev.fingerprint, proc.id, rev.revision)
            content, text = found.proc, found.text
            source = f"git {found.commit[:10]} ({found.date:%Y-%m-%d})"
        versioned = content.model_copy(update={"status": "approved", "revisions": records})
        return Version(proc.id, rev.revision, versioned, rev, source, text)

    def _find(self, wanted: str, doc_id: str, revision: str) -> _Found:
        if wanted not in self._found and not self._scanned:
            self._scan()
        found = self._found.get(wanted)
        if found is None:
            raise SopkitError(
                f"the approved text of {doc_id} revision {revision} is not in git history "
                f"(no version of the file has its fingerprint {wanted[:19]}...).\n"
                + self._why_missing
            )
        return found

    def _with_files(self, git: _Git, proc: Procedure, commit: str, date: dt.date,
                    blob: str, name: str, missing: set[str]
                    ) -> tuple[Procedure, str, str, dt.date]:
        """``proc`` (the text of ``blob``, first in ``commit``) with its files as they were
        in ``commit``, or, for files committed after their text, in a later commit that
        changed them while the text stayed ``blob``: the first whose fingerprint is
        wanted (else as in ``commit``)."""
        found = proc.with_files(git.files(commit, proc))
        if fingerprint(found) in missing:
            return found, fingerprint(found), commit, date
        text = git.object(blob, MAX_BYTES)
        for later, when in git.file_commits(proc.id):
            if later == commit or git.object(f"{later}:./{name}", MAX_BYTES) != text:
                continue
            candidate = proc.with_files(git.files(later, proc))
            if fingerprint(candidate) in missing:
                return candidate, fingerprint(candidate), later, when
        return found, fingerprint(found), commit, date

    def _wanted(self) -> dict[str, set[str]]:
        """Document ID -> fingerprints of approved revisions not equal to the working text."""
        wanted: dict[str, set[str]] = {}
        for proc in self.library.procedures:
            now = fingerprint(proc)
            prints = {r.fingerprint for r in proc.revisions
                      if r.approved and r.fingerprint and r.fingerprint != now}
            if prints:
                wanted[proc.id] = prints
        return wanted

    def _scan(self) -> None:
        """Walk every version of the documents folder in git, newest first."""
        self._scanned = True
        wanted = self._wanted()
        missing = set().union(*wanted.values()) if wanted else set()
        if not missing:
            return
        folder = next(iter(self.library.sources.values())).parent
        git = _Git(folder)
        problem = git.problem()
        if problem:
            self._why_missing = problem
            return
        try:
            for commit, date, blob, name in git.versions():
                text = git.blob(blob)
                if text is None:
                    continue
                match = _ID_LINE.search(text)
                if match is None or match.group(1) not in wanted:
                    continue
                proc = _parse(text, Path(f"{commit[:10]}:{blob[:10]}"))
                if proc is None:
                    continue
                print_ = fingerprint(proc)
                if any(proc.file_uses()):
                    proc, print_, commit, date = self._with_files(git, proc, commit, date,
                                                                  blob, name, missing)
                if print_ in missing:
                    missing.discard(print_)
                    self._found[print_] = _Found(proc, text, commit, date)
                    if not missing:
                        break
        finally:
            git.close()
        if missing:
            self._why_missing = (
                f"    hint: the checkout at {git.root} is shallow: run 'git fetch --unshallow' "
                "(in CI: clone with full history, e.g. fetch-depth: 0)"
                if git.shallow() else
                "    hint: commit every approved revision (run 'sopkit approve', then commit "
                "the file, and its figures and attachments in procedure/files/ in the same "
                "commit) before changing the text again"
            )


def in_force(library: Library, history: History) -> tuple[Library, dict[str, Procedure]]:
    """The library as staff must see it, and the drafts under way.

    While an approved document has a new draft, its last approved text stays in
    force: that text (from the working file or git, proven by its fingerprint)
    takes the draft's place on its page, its card and its ticket. The drafts are
    returned apart, for pages of their own.
    """
    shown: list[Procedure] = []
    drafts: dict[str, Procedure] = {}
    for proc in library.procedures:
        last = proc.last_approved
        if proc.status == "draft" and last is not None:
            approved = history.version(proc.id, last.revision).proc
            shown.append(approved.model_copy(update={"status": "approved"}))
            drafts[proc.id] = proc
        else:
            shown.append(proc)
    return replace(library, procedures=tuple(shown)), drafts


WORKING = "working"
"""The label of the working copy where a revision number is asked for."""


def versions_to_compare(history: History, doc_id: str, old: str | None,
                        new: str | None) -> tuple[Version, Version] | None:
    """The two texts ``sopkit diff`` compares by default; None when there is only one.

    ``new`` defaults to the working copy when it has unapproved changes, else the
    last approved revision; ``old`` to the approved revision before ``new``.
    """
    proc = history.library.get(doc_id)
    approved = [r.revision for r in proc.revisions if r.approved]

    def get(label: str) -> Version:
        return history.working(doc_id) if label == WORKING else history.version(doc_id, label)

    if new is None:
        new = approved[-1] if history.working_is_approved(doc_id) else WORKING
    if old is None:
        if new == WORKING:
            earlier = approved
        else:
            newest = next(i for i, r in enumerate(proc.revisions) if r.revision == new)
            earlier = [r.revision for r in proc.revisions[:newest] if r.approved]
        if not earlier:
            return None
        old = earlier[-1]
    return get(old), get(new)


def _parse(text: str, label: Path) -> Procedure | None:
    problems = Problems()
    loaded = load_text(text, label, problems)
    return None if loaded is None else parse(Procedure, loaded, problems)


class _Git:
    """The few git commands history needs, run with subprocess."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.root = folder
        self._batch: subprocess.Popen[bytes] | None = None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(["git", "-C", str(self.folder), *args], capture_output=True,
                                  text=True, encoding="utf-8", check=False)
        except FileNotFoundError:
            raise SopkitError("git is not installed; earlier revision texts come from git "
                              "history") from None

    def problem(self) -> str:
        """Why git history cannot be read here, or ''."""
        result = self._run("rev-parse", "--show-toplevel")
        if result.returncode != 0:
            return (f"    hint: {self.folder} is not in a git checkout; earlier revision texts "
                    "come from git history, so work in (or build from) a git clone")
        self.root = Path(result.stdout.strip())
        if self._run("rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
            return "    hint: the git repository has no commits yet; commit procedure/ first"
        return ""

    def shallow(self) -> bool:
        result = self._run("rev-parse", "--is-shallow-repository")
        return result.stdout.strip() == "true"

    def versions(self) -> list[tuple[str, dt.date, str, str]]:
        """(commit, commit date, blob, path) for each file version in the folder, newest
        first (the path relative to the folder).

        Merges are compared with their first parent, so a version made while
        resolving a merge conflict is found too.
        """
        result = self._run("log", "--format=%x00%H %cs", "--raw", "--no-abbrev", "--no-renames",
                           "--diff-merges=first-parent", "--", ".")
        if result.returncode != 0:
            raise SopkitError(f"git log failed in {self.folder}: {result.stderr.strip()}")
        out: list[tuple[str, dt.date, str, str]] = []
        seen: set[str] = set()
        prefix = self._prefix()
        for chunk in result.stdout.split("\0")[1:]:
            lines = chunk.splitlines()
            commit, date = lines[0].split()
            for line in lines[1:]:
                if not line.startswith(":"):
                    continue
                meta, name = line.split("\t", 1)
                blob = meta.split()[3]
                if blob.strip("0") and blob not in seen and name.endswith((".yml", ".yaml")):
                    seen.add(blob)
                    out.append((commit, dt.date.fromisoformat(date), blob,
                                name.removeprefix(prefix)))
        return out

    def _prefix(self) -> str:
        """The folder's path in the repository, ending in '/' ('' at its root)."""
        result = self._run("rev-parse", "--show-prefix")
        return result.stdout.strip() if result.returncode == 0 else ""

    def file_commits(self, doc_id: str) -> list[tuple[str, dt.date]]:
        """The commits that changed ``procedure/files/<ID>/``, newest first."""
        result = self._run("log", "--format=%H %cs", "--", f"../{FILES_DIR}/{doc_id}")
        if result.returncode != 0:
            return []
        return [(commit, dt.date.fromisoformat(day)) for commit, day in
                (line.split() for line in result.stdout.splitlines() if line.strip())]

    def blob(self, sha: str) -> str | None:
        """A blob's text (``git cat-file --batch``, one process for all), or None."""
        data = self.object(sha, MAX_BYTES)
        if data is None:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None

    def files(self, commit: str, proc: Procedure) -> dict[str, StoredFile]:
        """The files ``proc`` (a version of ``commit``) refers to, as they were in that
        commit: ``procedure/files/<ID>/`` beside ``procedure/documents/``. A file that is
        missing or not what it should be is left out (the fingerprint then differs)."""
        found: dict[str, StoredFile] = {}
        for _, name, use in proc.file_uses():
            if name in found:
                continue
            try:
                check_name(name)
                data = self.object(f"{commit}:./../{FILES_DIR}/{proc.id}/{name}",
                                   MAX_ATTACHMENT_BYTES)
                if data is not None:
                    found[name] = identify(name, data, use)
            except FileProblem:
                continue
        return found

    def object(self, name: str, limit: int) -> bytes | None:
        """An object's bytes by its name (a SHA or ``commit:path``; ``git cat-file
        --batch``, one process for all), or None if it is missing or over ``limit``."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "-C", str(self.folder), "cat-file", "--batch"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(name.encode() + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3 or not header[2].isdigit():  # '<name> missing' (or ambiguous)
            return None
        size = int(header[2])
        data = self._batch.stdout.read(size + 1)[:size]  # the content, and its newline
        return data if header[1] == b"blob" and size <= limit else None

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()
            if self._batch.stdout is not None:
                self._batch.stdout.close()
            self._batch = None
