"""The sandboxed URL fetcher and strict rendering every PDF output uses.

* The fetcher: WeasyPrint fetches everything a document refers to (stylesheets, fonts,
  images, attachments) through one fetcher. Ours serves ``data:`` URLs and files
  whose real path (symbolic links and ``..`` resolved) lies inside one of the
  allowed folders: the project and the font folder. Anything else, another
  local file or any network address, stops the rendering with
  :class:`RefusedURL`; the refusal is also recorded, because WeasyPrint swallows
  errors raised while it draws SVG images.
* Strict rendering (:func:`strict`): any WeasyPrint warning (a missing font,
  bad CSS) or refused URL fails the output, naming it.
"""

from __future__ import annotations

import mimetypes
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from sopkit.outputs.logs import warnings_logged
from sopkit.source.errors import SopkitError


class RefusedURL(FatalURLFetchingError):  # type: ignore[misc]  # WeasyPrint has no types
    """A document referred to something outside the sandbox."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"refused to fetch {_short(url)}: {reason}")


class SandboxFetcher(URLFetcher):  # type: ignore[misc]
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


@contextmanager
def strict(label: str, fetcher: SandboxFetcher) -> Iterator[None]:
    """Turn WeasyPrint's warnings and ``fetcher``'s refusals inside the block into a
    :class:`SopkitError` naming ``label`` (e.g. ``D29653 (A4)``)."""
    fetcher.refused.clear()
    # A refused URL is recorded by the fetcher and reported below.
    with warnings_logged("weasyprint") as messages, suppress(RefusedURL), \
            warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile for PDF/A and never closes it
        warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
        yield
    if fetcher.refused:  # also those WeasyPrint caught (in SVG images)
        raise SopkitError(f"{label}: {fetcher.refused[0]}\n    hint: a PDF may only use "
                          "data: URLs and files inside the project or the font package")
    if messages:
        raise SopkitError(f"{label}: WeasyPrint reported problems:\n    "
                          + "\n    ".join(messages))
