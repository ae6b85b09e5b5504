"""What every PDF output shares: the font (Inter, made static from the
``fontpkg-inter`` package by :mod:`sopkit.outputs.fonts`) as ``@font-face`` rules
(:func:`font_face_css`). The sandboxed fetcher and strict rendering are in
:mod:`sopkit.outputs.fetcher`, which imports WeasyPrint (0.3 s): only the commands
that render a PDF pay for it.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from sopkit.outputs.fonts import FAMILY as FONT_FAMILY
from sopkit.outputs.fonts import font_dir, font_files, font_version


@lru_cache(maxsize=2)
def font_face_css(*, inline: bool = False) -> str:
    """``@font-face`` rules for the font: file URLs into the font folder (the
    fetcher must allow :func:`~sopkit.outputs.fonts.font_dir`), or with ``inline``
    the files as ``data:`` URLs, so that the document needs no file access at all."""
    rules = []
    for (weight, style), path in font_files().items():
        url = (f"data:font/ttf;base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
               if inline else f'"{path.as_uri()}"')
        rules.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
                     f"font-style: {style}; src: url({url}); }}")
    return "\n".join(rules)


__all__ = [
    "FONT_FAMILY",
    "font_dir",
    "font_face_css",
    "font_version",
]
