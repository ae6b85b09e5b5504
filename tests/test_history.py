"""Revision history and differences: texts from git, proven by fingerprints; sopkit diff."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from conftest import SEED_DOC, edit
from gitrepo import (
    ADDED,
    ADDED_TEXT,
    APPROVER,
    NOTE,
    REMOVED,
    REMOVED_TEXT,
    REWORDED,
    commit_all,
    git,
    init,
    make_revision_7,
)
from sopkit.quality.diff import compare, format_text, words
from sopkit.quality.history import History
from sopkit.source.errors import SopkitError
from sopkit.source.library import read_library
from sopkit.source.model import Procedure, Step

TODAY = dt.date(2026, 11, 25)


pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.fixture
def repo(project, run):
    """The project in a git repository: the seed (6.00) committed, then 7.00 committed."""
    init(project)
    make_revision_7(project, run)
    commit_all(project, "D29653 revision 7.00")
    return project


def history(project) -> History:
    return History(read_library(project / "procedure"))


# ---------------------------------------------------------------- history


def test_seed_revision_is_the_working_file_without_git(project):
    """The seed's only revision needs no git history: its fingerprint is the file's."""
    entries = history(project).entries("D29653")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.revision.revision == "6.00"
    assert entry.revision.changes == "Byttet ut ordet SymPathy med LVMS"
    assert entry.version is not None and entry.version.source == "working copy"
    assert not entry.superseded


def test_earlier_revision_text_comes_from_git(repo):
    h = history(repo)
    old = h.version("D29653", "6.00")
    assert old.source.startswith("git ")
    assert old.proc.current.revision == "6.00"
    assert old.proc.current.approved_by == "Spesialrådgiver Jon Sverre Berg"
    assert REMOVED in [s.id for s in old.proc.steps()]
    assert "id: register-case" in old.source_text
    new = h.version("D29653", "7.00")
    assert new.source == "working copy" and ADDED in [s.id for s in new.proc.steps()]
    entries = h.entries("D29653")
    assert [(e.revision.revision, e.superseded) for e in entries] == [("6.00", True),
                                                                    ("7.00", False)]


def test_each_text_is_worked_out_once(repo):
    """Pages, the archival PDF and the proof each ask for a revision's text: one build
    finds it (in git, or as the working file) once, errors included."""
    h = history(repo)
    assert h.version("D29653", "6.00") is h.version("D29653", "6.00")
    assert h.entries("D29653")[0].version is h.version("D29653", "6.00")
    assert h.version("D29653", "7.00") is h.entries("D29653")[1].version


def test_history_command(repo, run):
    result = run("history", "D29653")
    assert result.exit_code == 0, result.output
    assert result.output.index("7.00  in force") < result.output.index("6.00  superseded")
    assert "Byttet ut ordet SymPathy med LVMS" in result.output
    assert "Text:           git " in result.output
    shown = run("history", "D29653", "--show", "6.00")
    assert shown.exit_code == 0
    assert "id: register-case" in shown.output and 'revision: "7.00"' not in shown.output


def test_text_is_found_after_the_file_is_renamed(repo, run):
    doc = repo / "procedure" / "documents" / SEED_DOC
    git(repo, "mv", str(doc), str(doc.with_name("D29653-hastesaker.yml")))
    commit_all(repo, "Rename")
    assert history(repo).version("D29653", "6.00").source.startswith("git ")


def test_uncommitted_approved_text_is_an_error_not_a_guess(project, run):
    init(project)
    make_revision_7(project, run)  # 7.00 approved but not committed
    edit(project / "procedure" / "documents" / SEED_DOC, "Følg opp saken", "Følg saken")
    result = run("approve", "D29653", "--by", APPROVER, "--note", "Ordlyd")
    assert result.exit_code == 0, result.output  # 8.00: now 7.00's text is nowhere
    with pytest.raises(SopkitError, match=r"revision 7\.00 is not in git history") as error:
        history(project).version("D29653", "7.00")
    assert "commit every approved revision" in error.value.message
    assert history(project).version("D29653", "6.00").source.startswith("git ")


def test_shallow_clone_fails_with_a_clear_message(repo, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)],
                   check=True, capture_output=True)
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    shallow = history(clone)
    for _ in range(2):  # found once, said every time
        with pytest.raises(SopkitError, match="git fetch --unshallow"):
            shallow.version("D29653", "6.00")
    entries = history(clone).entries("D29653")  # the records are still listed
    assert entries[0].version is None and "shallow" in entries[0].reason
    assert entries[1].version is not None


def test_folder_without_git_fails_with_a_clear_message(repo, tmp_path, run):
    copy = tmp_path / "export"
    shutil.copytree(repo / "procedure", copy / "procedure")
    with pytest.raises(SopkitError, match="not in a git checkout"):
        history(copy).version("D29653", "6.00")


# ---------------------------------------------------------------- diff


def test_diff_reports_exactly_the_changes(repo):
    h = history(repo)
    result = compare(h.version("D29653", "6.00").proc, h.version("D29653", "7.00").proc)
    assert {s.id: s.kinds for s in result.steps} == {
        REWORDED: ("reworded",), REMOVED: ("removed",), ADDED: ("added",),
    }
    reworded = result.step(REWORDED)
    assert [op for op in reworded.text.ops if op[0] != "="] == [("-", "hvilke"),
                                                                ("+", "hvilken")]
    assert reworded.fields == ()
    assert (reworded.old_number, reworded.new_number) == ("4", "3")
    assert result.step(REMOVED).text.old == REMOVED_TEXT
    assert result.step(ADDED).text.new == ADDED_TEXT
    assert result.step(ADDED).new_number == "7"
    assert result.sections == ()
    meta = {m.label: (m.diff.old, m.diff.new) for m in result.metadata}
    assert meta == {
        "Revisjon": ("6.00", "7.00"),
        "Dato endret": ("07.12.2022", "25.11.2026"),
        "Endringer fra forrige versjon": ("Byttet ut ordet SymPathy med LVMS", NOTE),
        "Godkjent dato": ("07.12.2022", "25.11.2026"),
        "Godkjent av": ("Spesialrådgiver Jon Sverre Berg", APPROVER),
        "Gyldig til": ("07.12.2024", "25.11.2028"),
    }


def test_diff_command_in_a_terminal_form(repo, run):
    result = run("diff", "D29653")  # working copy is 7.00: compares 6.00 -> 7.00
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0] == (
        "D29653 Melding av hastesaker i Min Sykehuspartner, LV SSHF: 6.00 -> 7.00")
    assert "~ reworded: step 3 [description]: Saksbeskrivelsen: Feilbeskrivelse pluss " \
           "[-hvilke-]{+hvilken+} applikasjon" in out
    assert f"- removed: step 1 [{REMOVED}]: {REMOVED_TEXT}" in out
    assert f"+ added: step 7 [{ADDED}]: {ADDED_TEXT}" in out
    assert "~ Gyldig til: 07.12.2024 -> 25.11.2028" in out
    assert "\x1b[" not in out  # no colour when not a terminal
    assert "Sections" not in out
    explicit = run("diff", "D29653", "--from", "6.00", "--to", "7.00")
    assert explicit.output == out
    coloured = run("diff", "D29653", "--color")
    assert "\x1b[31m[-hvilke-]\x1b[0m" in coloured.output


def test_diff_working_copy_against_last_approved(repo, run):
    """What a reviewer is about to approve: the draft against the revision in force."""
    assert run("draft", "D29653").exit_code == 0
    doc = repo / "procedure" / "documents" / SEED_DOC
    edit(doc, "Alle som skal melde hastesaker", "Alle som melder hastesaker")
    result = run("diff", "D29653")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith(": 7.00 -> working copy (8.00, draft)")
    assert "~ Omfang (changed)" in result.output
    assert "~ reworded: Alle som [-skal melde-]{+melder+} hastesaker til Sykehuspartner." \
        in result.output
    assert "~ Status: Godkjent -> Utkast" in result.output
    assert "Steps" not in result.output


def test_diff_of_unapproved_edit_to_approved_text(repo, run):
    """An approved file edited without a draft still diffs (check would refuse it)."""
    doc = repo / "procedure" / "documents" / SEED_DOC
    edit(doc, "Alle som skal melde hastesaker", "Alle som melder hastesaker")
    result = run("diff", "D29653")
    assert result.exit_code == 0, result.output
    assert "-> working copy (7.00, not approved)" in result.output.splitlines()[0]


def test_diff_with_only_one_revision(run):
    result = run("diff", "D29653")
    assert result.exit_code == 0
    assert "has only revision 6.00" in result.output


def test_diff_nothing_before_the_first_revision(repo, run):
    result = run("diff", "D29653", "--to", "6.00")
    assert result.exit_code == 0
    assert result.output == "D29653 has no approved revision before 6.00 to compare with.\n"


def test_diff_unknown_revision(repo, run):
    result = run("diff", "D29653", "--from", "5.00")
    assert result.exit_code == 1
    assert "D29653 has no revision 5.00 (revisions: 6.00, 7.00)" in result.output


def _seed() -> Procedure:
    from conftest import PROCEDURES
    return read_library(PROCEDURES).get("D29653")


def _with_steps(proc: Procedure, order: list[str], texts: dict[str, str] | None = None
                ) -> Procedure:
    steps = {s.id: s for s in proc.steps()}
    new = [steps[i].model_copy(update={"text": (texts or {}).get(i, steps[i].text)})
           for i in order]
    sections = []
    for section in proc.sections:
        body = [b.model_copy(update={"steps": new}) if b.steps else b for b in section.body]
        sections.append(section.model_copy(update={"body": body}))
    return proc.model_copy(update={"sections": sections})


def test_moved_step_by_order():
    seed = _seed()
    ids = [s.id for s in seed.steps()]
    moved = [ids[0], ids[1], ids[5], ids[2], ids[3], ids[4], ids[6]]
    result = compare(seed, _with_steps(seed, moved))
    assert [(s.id, s.kinds, s.old_number, s.new_number) for s in result.steps] == [
        (ids[5], ("moved",), "6", "3")]
    assert result.metadata == () and result.sections == ()


def test_moved_and_reworded():
    seed = _seed()
    ids = [s.id for s in seed.steps()]
    order = [ids[6], *ids[:6]]
    result = compare(seed, _with_steps(seed, order, {ids[6]: "Ring Brukerstøtte straks."}))
    assert [(s.id, s.kinds) for s in result.steps] == [(ids[6], ("reworded", "moved"))]
    assert "moved: step 7 -> 1" in format_text(result)
    assert "{+straks.+}" in format_text(result)


def test_unchanged_texts_have_no_differences():
    seed = _seed()
    result = compare(seed, seed)
    assert result.empty
    assert "No differences." in format_text(result)


def test_word_level_operations():
    diff = words("Ring Brukerstøtte etter at saken er meldt",
                 "Ring Brukerstøtte straks etter at saken er registrert")
    assert diff.ops == (("=", "Ring Brukerstøtte"), ("+", "straks"),
                        ("=", "etter at saken er"), ("-", "meldt"), ("+", "registrert"))


# ---------------------------------------------------------------- the site's needs


def test_site_build_without_history_fails_clearly(repo, tmp_path):
    from sopkit.outputs.site.quality import site_files
    from sopkit.source.project import Project

    export = tmp_path / "export"
    shutil.copytree(repo, export, ignore=shutil.ignore_patterns(".git"))
    with pytest.raises(SopkitError, match="not in a git checkout"):
        site_files(read_library(export / "procedure"), Project(export))


def test_obsolete_document_is_published_as_it_is(project, seed_file):
    """The last text of an obsolete document is its own page; no history is needed."""
    from sopkit.outputs.site.quality import site_files
    from sopkit.source.project import Project

    old = seed_file.with_name("D10000-gammel-rutine.yml")
    old.write_text(seed_file.read_text(encoding="utf-8").replace("id: D29653", "id: D10000")
                   .replace("status: approved", "status: obsolete"), encoding="utf-8")
    files = site_files(read_library(project / "procedure"), Project(project))
    assert "endringer/D10000.md" not in files  # one revision: its history is one line
    assert not [name for name in files if name.startswith("arkiv/D10000")]


def _full_step() -> Step:
    return Step.model_validate({
        "id": "check-tube", "text": "Kontroller røret.", "when": "Hvis prøven er hemolysert",
        "role": "Bioingeniør", "card": "Sjekk røret.",
        "notes": [{"level": "warning", "text": "Ikke rist røret."}],
        "steps": [{"id": "check-label", "text": "Les etiketten."}]})


@pytest.mark.parametrize("added", [True, False])
def test_a_step_added_or_removed_shows_every_field(added):
    seed = _seed()
    with_step = _with_steps(seed, [s.id for s in seed.steps()])
    body = with_step.sections[3].body
    first = body[0].model_copy(update={"steps": [*body[0].steps, _full_step()]})
    sections = list(with_step.sections)
    sections[3] = sections[3].model_copy(update={"body": [first, *body[1:]]})
    longer = with_step.model_copy(update={"sections": sections})
    result = compare(seed, longer) if added else compare(longer, seed)
    shown = format_text(result)
    kind = "added" if added else "removed"
    assert f"{kind}: step 8 [check-tube]: Kontroller røret." in shown
    assert f"{kind}: step 8.1 [check-label]: Les etiketten." in shown
    for value in ("Hvis prøven er hemolysert", "Bioingeniør", "Sjekk røret.",
                  "Ikke rist røret."):
        assert value in shown, value
