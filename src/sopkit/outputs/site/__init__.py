"""The handbook site: Markdown pages rendered from templates, then a real MkDocs build.

``render`` gives the staging docs folder's files (procedure and draft pages,
front page, applications, archive, and the quality pages), ``write_docs``
writes them, ``build`` runs MkDocs (:mod:`.generator`, the one module that
knows MkDocs) and :func:`.verify.verify_site` proves that every step and
mandated phrase reached the built pages.

The names are imported when first used (PEP 562): a process that builds a share
of the site with MkDocs imports the generator and what it needs, not the page
templates, the quality pages and the models (about 25 MiB a process).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sopkit.outputs.site.generator import Processes, shard_count, theme_files
    from sopkit.outputs.site.generator import mkdocs_build as build
    from sopkit.outputs.site.handbook import archived_texts, navigation, render
    from sopkit.outputs.site.pagecache import PageCache
    from sopkit.outputs.site.pages import write_docs
    from sopkit.outputs.site.rendercache import RenderCache

_WHERE = {
    "Processes": ("generator", "Processes"), "shard_count": ("generator", "shard_count"),
    "theme_files": ("generator", "theme_files"), "build": ("generator", "mkdocs_build"),
    "archived_texts": ("handbook", "archived_texts"), "navigation": ("handbook", "navigation"),
    "render": ("handbook", "render"), "PageCache": ("pagecache", "PageCache"),
    "write_docs": ("pages", "write_docs"), "RenderCache": ("rendercache", "RenderCache"),
}
"""Where each name is. None is also a module's name: importing that module would make
the package's name the module."""


if not TYPE_CHECKING:  # type checkers see the imports above, and no other name

    def __getattr__(name: str) -> Any:
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module, attribute = _WHERE[name]
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        globals()[name] = value
        return value


__all__ = ["PageCache", "Processes", "RenderCache", "archived_texts", "build", "navigation",
           "render", "shard_count", "theme_files", "write_docs"]
