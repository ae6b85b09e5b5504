"""Strict Jinja rendering of the templates in ``templates/``.

``StrictUndefined`` turns a misspelt variable into an error instead of an empty
string; HTML (and Markdown pages, which embed HTML) are autoescaped, plain text
(``.txt``) is not. Filters format dates the Norwegian way and render the safe
Markdown subset of procedure text.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import traceback
from functools import lru_cache
from pathlib import Path

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
)
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from sopkit.outputs.files import file_size
from sopkit.outputs.urls import link
from sopkit.source.errors import TemplateProblem
from sopkit.source.model import NOTE_LABELS, SECTION_TITLES, STATUS_LABELS
from sopkit.source.text import inline_html, norwegian_date, plain


def markdown_inline(text: str | None) -> Markup:
    """Procedure text as safe inline HTML (raw HTML in it is shown as text)."""
    return Markup(inline_html(text or ""))  # inline_html escapes all raw HTML


# The characters Python-Markdown takes after a backslash as themselves (ESCAPED_CHARS).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def heading(text: str | None) -> Markup:
    """Text for a Markdown heading line, shown as written: each character Markdown (or
    its attr_list extension, ``{: ...}``) could read as markup gets a backslash, and
    HTML is escaped, so a title can neither add attributes, links or images nor run
    script. Line breaks become spaces."""
    text = " ".join((text or "").split())
    return Markup("".join(f"\\{escape(part)}" if _MARKDOWN_PUNCTUATION.fullmatch(part)
                          else str(escape(part))
                          for part in _MARKDOWN_PUNCTUATION.split(text) if part))


def front_matter(text: str) -> Markup:
    """A value for a page's YAML front matter: HTML-escaped (Material prints titles
    without escaping them), line breaks as spaces, in YAML double quotes (JSON's
    escapes are YAML's), so no character can end the value or the front matter."""
    return Markup(json.dumps(str(escape(" ".join(text.split()))), ensure_ascii=False))


def list_marker(number: int, depth: int = 0) -> str:
    """A step's number as the page's nested lists show it: 1, 2 ... for steps;
    a ... z, aa ... for sub-steps; i, ii ... below those (CSS decimal,
    lower-alpha and lower-roman)."""
    if depth == 0:
        return str(number)
    if depth == 1:
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
                ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    roman = ""
    for numeral, value in numerals:
        count, number = divmod(number, value)
        roman += numeral * count
    return roman


def css_string(text: str) -> Markup:
    """``text`` as a CSS string (e.g. for ``content:`` in a ``<style>``): quoted, with
    quotes, backslashes, ``<`` and control characters escaped the CSS way, not as HTML
    entities (which a stylesheet would print as they are)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "<" or not char.isprintable():
            out.append(f"\\{ord(char):X} ")
        else:
            out.append(char)
    return Markup('"' + "".join(out) + '"')


def _autoescape(name: str | None) -> bool:
    """Escape HTML and Markdown templates (``x.html.j2``, ``x.md.j2``); not plain text."""
    base = (name or "").removesuffix(".j2")
    return base.endswith((".html", ".md", ".xml", ".svg"))


@lru_cache(maxsize=8)
def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date=norwegian_date, md=markdown_inline, plain=plain, heading=heading,
        front_matter=front_matter, css_string=css_string, list_marker=list_marker,
        file_size=file_size,
    )
    env.globals.update(
        section_titles=SECTION_TITLES, status_labels=STATUS_LABELS, note_labels=NOTE_LABELS,
        link=link,
    )
    return env


class _Compiled(FileSystemBytecodeCache):
    """Jinja's file cache, where a damaged file means compiling again, not an error."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # Jinja unpickles and unmarshals it unguarded
            bucket.reset()


def compiled_cache(folder: Path, salt: str) -> BytecodeCache:
    """Jinja's cache of compiled templates, in a folder of ``folder`` named for ``salt``:
    compiling the ~50 templates of a build took a third of a second, every build.
    Jinja compiles a template again when its source changes, but not when Jinja, the
    environment's options or its filters do: those belong in ``salt``. The folders
    of other salts are removed."""
    here = folder / hashlib.sha256(salt.encode()).hexdigest()[:16]
    if not here.is_dir():
        for other in folder.iterdir() if folder.is_dir() else ():
            if other.is_dir() and not other.is_symlink():
                shutil.rmtree(other, ignore_errors=True)
        here.mkdir(parents=True, exist_ok=True)
    return _Compiled(str(here))


def keep_compiled(templates: Path, folder: Path) -> None:
    """Keep the compiled templates of ``templates`` in ``folder`` (:func:`compiled_cache`)
    from now on in this process; the salt is this module's code (the environment and
    its filters) and the versions of Python, Jinja and MarkupSafe."""
    from sopkit.cachefiles import code_digest

    salt = code_digest((__name__,), ("jinja2", "markupsafe"))
    environment(templates).bytecode_cache = compiled_cache(folder, salt)


def render(templates: Path, name: str, **context: object) -> str:
    """``templates/name`` rendered with ``context``; a mistake in a template is a
    :class:`SopkitError` naming the template and its line."""
    try:
        return environment(templates).get_template(name).render(**context)
    except TemplateNotFound as exc:  # the template itself, or one it includes
        missing = exc.name if isinstance(exc.name, str) else name
        where = "" if missing == name else f" (used by templates/{name})"
        raise TemplateProblem(
            f"templates/{missing}: not found{where}\n    hint: templates/ must hold every "
            "template of sopkit's own templates/ folder; restore it from there or from "
            f"git (git checkout -- templates/{missing})") from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None) or next(
            (frame.lineno for frame in reversed(traceback.extract_tb(exc.__traceback__))
             if frame.filename.endswith(".j2")), "?")
        raise TemplateProblem(f"templates/{name}:{line}: {type(exc).__name__}: {exc}") from None
