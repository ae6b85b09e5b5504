"""A sandboxed URL fetcher for WeasyPrint: ``data:`` URLs and a few folders only.

WeasyPrint fetches everything a document refers to (stylesheets, fonts,
images, attachments) through one fetcher. Ours serves ``data:`` URLs and files
whose real path (symbolic links and ``..`` resolved) lies inside one of the
allowed folders: the project and the font package. Anything else, another
local file or any network address, stops the rendering with
:class:`RefusedURL`; the refusal is also recorded, because WeasyPrint swallows
errors raised while it draws SVG images.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class RefusedURL(FatalURLFetchingError):
    """A document referred to something outside the sandbox."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"refused to fetch {_short(url)}: {reason}")


class SandboxFetcher(URLFetcher):
    """Serve ``data:`` URLs and files under ``roots``; refuse everything else."""

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False,
                         fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.refused: list[RefusedURL] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._file(url)
        self._refuse(url, "only data: URLs and files inside the project may be used")

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            self._refuse(url, f"files on another host ({parts.netloc}) may not be used")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not self.roots:
            self._refuse(url, "only data: URLs may be used here")
        if not any(path.is_relative_to(root) for root in self.roots):
            allowed = " or ".join(str(root) for root in self.roots)
            self._refuse(url, f"{path} is outside {allowed}")
        try:
            body = path.read_bytes()
        except OSError as exc:
            self._refuse(url, f"cannot read {path}: {exc.strerror}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": mime})

    def _refuse(self, url: str, reason: str) -> NoReturn:
        error = RefusedURL(url, reason)
        self.refused.append(error)
        raise error


def _short(url: str, limit: int = 120) -> str:
    return url if len(url) <= limit else url[:limit] + "…"
