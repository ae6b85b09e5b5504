"""Projects in throw-away git repositories, with a second revision of the seed.

:func:`make_revision_7` makes the changes the quality tests look for: one step
reworded, one added, one removed, approved as revision 7.00 on a fixed date
(Godkjent dato, Dato endret and Gyldig til change with it).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import SEED_DOC, edit

APPROVER = "Kvalitetsleder Kari Nordmann"
NOTE = "Trinn 1 fjernet, trinn 4 rettet, nytt trinn om oppfølging"

REWORDED = "description"
REWORDED_OLD = "Feilbeskrivelse pluss hvilke applikasjon"
REWORDED_NEW = "Feilbeskrivelse pluss hvilken applikasjon"
REMOVED = "register-case"
REMOVED_TEXT = "Sakene meldes inn via Min Sykehuspartner."
ADDED = "follow-up"
ADDED_TEXT = "Følg opp saken i Min Sykehuspartner til den er løst."

_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                            env={**os.environ, **_ENV}, check=True)
    return result.stdout


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def init(root: Path) -> str:
    git(root, "init", "-q", "-b", "main")
    return commit_all(root, "Seed")


def refingerprint(doc: Path) -> None:
    """Record the current text's fingerprint on the last revision (test set-up only)."""
    from sopkit.source.fingerprint import fingerprint
    from sopkit.source.library import read_library

    doc_id = doc.name.split("-")[0]
    proc = read_library(doc.parent.parent, skip_fingerprint_of=doc_id).get(doc_id)
    text = doc.read_text(encoding="utf-8")
    *head, last = re.split(r"(?m)^(?=    fingerprint: )", text)
    last = re.sub(r"fingerprint: \S+", f"fingerprint: {fingerprint(proc)}", last, count=1)
    doc.write_text("".join(head) + last, encoding="utf-8")


def make_revision_7(project: Path, run: Callable[..., Result]) -> None:
    """Reword, add and remove a step in the seed; approve it as 7.00."""
    doc = project / "procedure" / "documents" / SEED_DOC
    edit(doc, REWORDED_OLD, REWORDED_NEW)
    edit(doc, f"""          - id: {REMOVED}
            text: {REMOVED_TEXT}
            card: Meld saken i Min Sykehuspartner.
""", "")
    text = doc.read_text(encoding="utf-8")
    anchor = "              gjelder et fagsystem med kritikalitet 1.\"\n"
    assert text.count(anchor) == 1
    doc.write_text(text.replace(anchor, anchor + f"""          - id: {ADDED}
            text: {ADDED_TEXT}
"""), encoding="utf-8")
    result = run("approve", "D29653", "--by", APPROVER, "--note", NOTE)
    assert result.exit_code == 0, result.output
