"""Every command on mutated procedure files: a message, never a traceback.

A fixed corpus of mutations (seeded, so every run tries the same ones): lines
deleted, doubled or swapped, indentation broken, files cut short, values
replaced by hostile text (control characters, YAML tags and aliases, huge
numbers, deep nesting, markup), lists turned into mappings. Each mutant is
checked; some are also built, approved, drafted and turned into a card, a
ticket, a diff and the register. A command may succeed or refuse, but its
output must never hold a traceback or sopkit's "internal error" (a bug).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_project
from sopkit.cli import cli

pytestmark = pytest.mark.slow

SEED = "D29653-melding-av-hastesaker.yml"
LONG = "D31044-nedetid-unilab.yml"
MUTANTS = 80
HOSTILE = [
    "", "~", "null", "[", "{", "]: x", "*alias", "&anchor x",
    "!!python/object/apply:os.system [ls]", "!!binary AAAA", "9" * 5000, "1e400", "-0",
    "0x1F", "2026-02-30", "6.00.1",
    "\x00\x07\x1b[31m", "\u202eevil", "<script>alert(1)</script>", "{{ 7*7 }}", "{application}",
    "[x](javascript:alert(1))", "X {: onfocus=alert(1) }", "'", '"', "\\", "a" * 70000,
    "[" * 200 + "]" * 200, "{a: " * 60 + "1" + "}" * 60, "æøå ÆØÅ «»", "\t", "- - -",
]


TEXTS = [  # hostile but valid text: it must come out as text
    "<script>alert(1)</script> & «sitat»", "[x](javascript:alert(1)) og ![i](http://e.example/i)",
    "X {: tabindex=0 onfocus=alert(1) }", "{application} {{ 7*7 }} {% raw %}",
    "ÆØÅ æøå 0 O Ø 1 l I",
    "Ring 38 07 45 10 `HEMOL` **fet** _kursiv_", "a" * 3000, "G:\\Lab\\eksport \"sitat\" 'x'",
]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    kind = rng.choice(["delete", "double", "swap", "indent", "cut", "value", "listmap", "nul",
                       "bom", "tabs", "text", "text", "text", "text", "text", "text"])
    at = rng.randrange(len(lines))
    if kind == "delete":
        del lines[at]
    elif kind == "double":
        lines.insert(at, lines[at])
    elif kind == "swap":
        other = rng.randrange(len(lines))
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "indent":
        lines[at] = " " * rng.choice([1, 3, 5]) + lines[at]
    elif kind == "cut":
        return text[: rng.randrange(len(text))]
    elif kind == "value":
        keyed = [i for i, line in enumerate(lines) if ": " in line] or [0]
        at = rng.choice(keyed)
        key = lines[at].split(": ", 1)[0] if ": " in lines[at] else "x"
        lines[at] = f"{key}: {rng.choice(HOSTILE)}"
    elif kind == "listmap":
        listed = [i for i, line in enumerate(lines) if line.lstrip().startswith("- ")] or [0]
        at = rng.choice(listed)
        lines[at] = lines[at].replace("- ", "x: ", 1)
    elif kind == "nul":
        lines[at] += "\x00"
    elif kind == "bom":
        return "\ufeff" + text.replace("\n", "\r\n")
    elif kind == "text":
        texts = [i for i, line in enumerate(lines)
                 if line.lstrip().startswith(("text: ", "card: ", "- ")) and ": " in line] or [0]
        at = rng.choice(texts)
        key = lines[at].split(": ", 1)[0] if ": " in lines[at] else "text"
        lines[at] = f"{key}: {json.dumps(rng.choice(TEXTS), ensure_ascii=False)}"
    elif kind == "tabs":
        lines[at] = lines[at].replace("  ", "\t", 1)
    return "\n".join(lines)


def run(root: Path, *args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(cli, ["--project", str(root), *args])
    exception = None if isinstance(result.exception, SystemExit) else result.exception
    return result.exit_code, result.output, exception


def test_mutated_procedures_never_give_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    # Without the last net: an operating-system error here is a bug too, so it must
    # show as an exception, not as a message.
    monkeypatch.setenv("SOPKIT_DEBUG", "1")
    rng = random.Random(20261201)
    root = copy_project(tmp_path / "project")
    for doc_id in ("D29653", "D31044"):  # drafts: their text may change, so mutants go deep
        assert run(root, "draft", doc_id)[0] == 0
    documents = root / "procedure" / "documents"
    originals = {name: (documents / name).read_text(encoding="utf-8") for name in (SEED, LONG)}
    failures: list[str] = []
    commands = 0
    outcomes: dict[int, int] = {}
    for number in range(MUTANTS):
        name = rng.choice([SEED, LONG])
        text = originals[name]
        for _ in range(rng.choice([1, 1, 1, 2])):
            text = mutate(text, rng)
        (documents / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        doc_id = name.split("-")[0]
        plan = [("check",)]
        if number % 4 == 0:
            plan += [("register",), ("review-due",), ("ticket", "D29653"),
                     ("diff", doc_id), ("card", doc_id, "-o", str(tmp_path / "kort.pdf"))]
        if number % 8 == 0:
            plan += [("build",), ("verify",)]
        if number % 6 == 1:
            plan += [("draft", doc_id), ("approve", doc_id, "--by", "Kari Nordmann",
                                         "--note", "Endret")]
        for args in plan:
            code, output, exception = run(root, *args)
            commands += 1
            outcomes[code] = outcomes.get(code, 0) + 1
            if exception is not None or "Traceback" in output or "internal error" in output \
                    or code not in (0, 1, 2):
                failures.append(f"mutant {number} ({name}), sopkit {' '.join(args)}: "
                                f"exit {code}, {exception!r}\n{output[-600:]}")
        (documents / name).write_text(originals[name], encoding="utf-8")
    print(f"fuzz: {MUTANTS} mutants, {commands} commands, {len(failures)} tracebacks, "
          f"exit codes {outcomes}")
    assert failures == [], "\n\n".join(failures[:5])
    assert outcomes.get(0, 0) > 10 and outcomes.get(1, 0) > 10  # both paths were taken


# ---------------------------------------------------------------- the last net


def test_an_operating_system_error_is_a_message_with_a_hint(tmp_path, monkeypatch):
    import errno

    root = copy_project(tmp_path / "project")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "build/cache/cards/x.pdf")

    monkeypatch.setattr("sopkit.pipeline.build_site", full)
    monkeypatch.delenv("SOPKIT_DEBUG", raising=False)
    code, output, exception = run(root, "build")
    assert (code, exception) == (1, None)
    assert output.startswith("build/cache/cards/x.pdf: No space left on device\n    hint: the "
                             "disk is full")
    assert "Traceback" not in output


def test_an_unexpected_error_is_an_internal_error_to_report(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project")

    def broken(*args, **kwargs):
        raise RuntimeError("something sopkit did not expect")

    monkeypatch.setattr("sopkit.pipeline.build_site", broken)
    monkeypatch.delenv("SOPKIT_DEBUG", raising=False)
    code, output, exception = run(root, "build")
    assert (code, exception) == (1, None)
    assert "internal error: RuntimeError: something sopkit did not expect" in output
    assert "SOPKIT_DEBUG=1" in output and "Traceback" not in output
    monkeypatch.setenv("SOPKIT_DEBUG", "1")
    assert isinstance(run(root, "build")[2], RuntimeError)  # the traceback, on request


def test_a_full_disk_leaves_no_half_written_cache_file(tmp_path, monkeypatch):
    import errno

    from sopkit.cachefiles import write_atomic

    real = Path.write_bytes

    def full(self, data):
        real(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError):
        write_atomic(tmp_path / "card.pdf", b"%PDF-1.7 ..." * 100)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- faults of the machine


def test_a_site_folder_that_cannot_be_replaced_is_a_message(tmp_path, monkeypatch):
    """site/ on its own mount cannot be renamed (EBUSY): a message and a way out."""
    import errno

    from sopkit import publish

    root = copy_project(tmp_path / "project")
    assert run(root, "build")[0] == 0

    def busy(a, b):
        raise OSError(errno.EBUSY, "Device or resource busy", str(b))

    monkeypatch.setattr(publish, "_exchange", busy)
    code, output, exception = run(root, "build")
    assert (code, exception) == (1, None)
    assert "Device or resource busy" in output and "build into another one with -o" in output
    assert (root / "site" / "index.html").is_file()  # the old site is still there
    assert not list(root.glob(".site.*"))


def test_a_procedure_deleted_during_a_build(tmp_path, monkeypatch):
    import sopkit.pipeline as pipeline

    root = copy_project(tmp_path / "project")
    real = pipeline.read_library

    def then_deleted(*args, **kwargs):
        library = real(*args, **kwargs)
        (root / "procedure" / "documents" / "D31044-nedetid-unilab.yml").unlink()
        return library

    monkeypatch.setattr(pipeline, "read_library", then_deleted)
    code, output, exception = run(root, "build")
    assert exception is None and code in (0, 1) and "Traceback" not in output
    assert "internal error" not in output


def test_approving_a_file_that_may_not_be_changed_is_a_message(tmp_path, monkeypatch):
    """An immutable procedure file (chattr +i): approve says so and changes nothing."""
    import errno
    import os

    root = copy_project(tmp_path / "project")
    assert run(root, "draft", "D31044")[0] == 0
    doc = root / "procedure" / "documents" / "D31044-nedetid-unilab.yml"
    before = doc.read_bytes()
    real = os.replace

    def immutable(source, target, *args, **kwargs):
        if Path(target).name == doc.name:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", immutable)
    code, output, exception = run(root, "approve", "D31044", "--by", "Kari Nordmann",
                                  "--note", "Ny runde")
    assert (code, exception) == (1, None)
    assert "Operation not permitted" in output and "immutable" in output
    assert doc.read_bytes() == before
    assert not [p for p in doc.parent.iterdir() if p.name.startswith(".")]  # no temp left
