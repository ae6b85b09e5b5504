"""Content fingerprints: what proves that a text is the one that was approved.

The fingerprint is a SHA-256 of everything a reader sees: every field of the
procedure but its status and revision records, as canonical JSON, and the
SHA-256 of each file it refers to (figures and attachments), by name. It is
recorded at approval (:mod:`sopkit.quality.approval`); a text whose fingerprint
differs from its approved revision's was changed without a new revision.
"""

from __future__ import annotations

import hashlib
import json
import weakref

from sopkit.source.model import Procedure

FINGERPRINT_PREFIX = "sha256:"


# id(procedure) -> (weak reference to it, its fingerprint); an entry goes with its object.
_fingerprints: dict[int, tuple[weakref.ref[Procedure], str]] = {}


def fingerprint(proc: Procedure) -> str:
    """A hash of everything a reader sees: all fields but status and revision records.

    Procedures are frozen, so the hash is computed once per object.
    """
    key = id(proc)
    known = _fingerprints.get(key)
    if known is not None and known[0]() is proc:
        return known[1]
    value = _compute_fingerprint(proc)
    _fingerprints[key] = (weakref.ref(proc, lambda _: _fingerprints.pop(key, None)), value)
    return value


def _compute_fingerprint(proc: Procedure) -> str:
    content = proc.model_dump(mode="json", exclude={"status", "revisions"}, exclude_defaults=True)
    if proc.files:  # absent without files: the fingerprints of such texts stay as they were
        content["files"] = {name: f.sha256 for name, f in proc.files.items()}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return FINGERPRINT_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()


def next_revision(revision: str) -> str:
    """The next major revision: ``"6.00"`` -> ``"7.00"``."""
    return f"{int(revision.split('.')[0]) + 1}.00"
