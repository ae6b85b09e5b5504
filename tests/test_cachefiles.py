"""The code digest in every cache key: which of sopkit's files a module's output
depends on, read from import statements (:func:`sopkit.cachefiles.code_files`)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from sopkit.cachefiles import _imported_modules, code_files

SRC = Path(__file__).resolve().parents[1] / "src"


PLAIN = (
    '"""Docs."""\n'
    "import json\n"
    "from sopkit.source import (\n"
    "    model,  # a comment\n"
    "    errors as problems,\n"
    ")\n"
    "from sopkit.outputs.urls import link\n"
    "import sopkit.outputs.evidence as ev, os\n"
    "\n"
    "def later() -> None:\n"
    "    from sopkit.outputs.fetcher import SandboxFetcher  # only when called\n")
TRICKY = (  # forms a pattern over lines would miss, and a docstring it would take
    '"""Not an import: import sopkit.outputs.nothing and friends."""\n'
    "from sopkit.source import (  # a comment with a ) in it\n"
    "    model,\n"
    ")\n"
    "from sopkit.outputs.urls \\\n"
    "    import link\n"
    "import os; import sopkit.outputs.evidence\n"
    "try: import sopkit.outputs.fetcher\n"
    "except ImportError: pass\n"
    "class Later:\n"
    "    def f(self) -> None:\n"
    "        with open(os.devnull):\n"
    "            from sopkit.outputs.card.paper import PAPER\n")


@pytest.mark.parametrize(("source", "imported"), [
    (PLAIN, {"sopkit.source", "sopkit.source.model", "sopkit.source.errors",
             "sopkit.outputs.urls", "sopkit.outputs.evidence", "sopkit.outputs.fetcher"}),
    (TRICKY, {"sopkit.source", "sopkit.source.model", "sopkit.outputs.urls",
              "sopkit.outputs.evidence", "sopkit.outputs.fetcher",
              "sopkit.outputs.card.paper"}),
], ids=["plain", "tricky"])
def test_every_form_of_import_is_found(tmp_path, source, imported):
    module = tmp_path / "example.py"
    module.write_text(source, encoding="utf-8")
    assert set(_imported_modules(module)) == imported


def _parsed(path: Path) -> set[str]:
    """The sopkit modules ``path`` imports, by Python's own parser."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names
                      if (SRC / node.module.replace(".", "/") / f"{alias.name}.py").is_file()}
    return {name for name in names if name.split(".")[0] == "sopkit"}


def test_no_import_of_sopkit_is_missed():
    for path in sorted((SRC / "sopkit").rglob("*.py")):
        assert _parsed(path) <= set(_imported_modules(path)), path


def test_working_out_the_digest_imports_nothing_it_lists():
    code = ("import sys\nfrom sopkit.cachefiles import code_files\n"
            "files = code_files(('sopkit.outputs.card.cache',\n"
            "                    'sopkit.outputs.archival.document'))\n"
            "assert any(p.name == 'fetcher.py' for p in files), files\n"
            "print('weasyprint' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False", done.stderr


def test_the_digest_follows_imports_into_other_modules():
    files = {path.relative_to(SRC / "sopkit").as_posix()
             for path in code_files(("sopkit.outputs.card.verify",))}
    assert {"outputs/card/verify.py", "outputs/card/paper.py", "outputs/evidence.py",
            "source/expected.py"} <= files


def test_compiled_templates_are_kept_apart_by_salt_and_a_damaged_one_is_compiled_again(
        tmp_path):
    from jinja2 import Environment, FileSystemLoader
    from jinja2.bccache import bc_magic

    from sopkit.outputs.templates import compiled_cache

    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text("{{ '<b>' }}", encoding="utf-8")
    folder = tmp_path / "compiled"

    def rendered(autoescape: bool, salt: str) -> str:
        env = Environment(loader=FileSystemLoader(str(tmp_path / "t")), autoescape=autoescape,
                          bytecode_cache=compiled_cache(folder, salt))
        return env.get_template("page.html").render()

    assert rendered(True, "escaping") == "&lt;b&gt;"
    assert rendered(False, "plain") == "<b>"  # not the escaping one's compiled code
    assert [p.name for p in folder.iterdir()] != [] and len(list(folder.iterdir())) == 1
    for kept in folder.rglob("*.cache"):
        kept.write_bytes(bc_magic + b"damaged")
    assert rendered(False, "plain") == "<b>"


def test_the_modules_of_the_keyed_distributions_are_listed():
    """pagecache.MODULES names the top-level modules of DISTRIBUTIONS: code from any
    other module (a Markdown extension, a slug function) turns the page cache off."""
    from importlib.metadata import packages_distributions

    from sopkit.outputs.site.pagecache import DISTRIBUTIONS, MODULES, keyed

    wanted = {name.lower() for name in DISTRIBUTIONS}
    found = {module for module, dists in packages_distributions().items()
             if any(dist.lower() in wanted for dist in dists) and not module.startswith("_")}
    assert found <= set(MODULES), found - set(MODULES)
    assert keyed("pymdownx.slugs") and keyed("functools") and not keyed("lokal_utvidelse")
