"""Settings sopkit reads from the site configuration, ``mkdocs.yml``.

``mkdocs.yml`` may hold tags PyYAML's safe loader refuses (Material documents
``!!python/name:`` tags for emoji and ``!ENV`` for environment variables), so
it is read with a safe loader that turns every unknown tag into nothing
instead of failing: sopkit only needs plain keys such as ``site_url``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from sopkit.source.errors import SopkitError, display_path
from sopkit.source.project import Project


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads any tagged value as nothing."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:", _ignore_tag)

_HINT = (
    "set the address where the handbook is published, e.g.\n"
    "        site_url: https://kvalitet.sykehus.example/handbok/\n"
    "    in mkdocs.yml; wall-card QR codes point there"
)


def read_config(path: Path) -> dict[str, Any]:
    """The top-level mapping of ``mkdocs.yml``; unknown tags read as ``None``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SopkitError(f"{display_path(path)}: no such file; sopkit reads the site "
                          "settings from mkdocs.yml in the project folder") from None
    try:
        data = yaml.load(text, Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        raise SopkitError(f"{display_path(path)}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise SopkitError(f"{display_path(path)}: expected key: value lines at the top level")
    return data


def theme_dir(project: Project) -> Path | None:
    """The theme's folder of overrides (``theme.custom_dir`` in ``mkdocs.yml``), if set."""
    theme = read_config(project.mkdocs_yml).get("theme")
    folder = theme.get("custom_dir") if isinstance(theme, dict) else None
    return project.mkdocs_yml.parent / folder if isinstance(folder, str) else None


def site_url(project: Project) -> str:
    """The handbook's public address from ``mkdocs.yml``, ending in ``/``.

    Raises :class:`SopkitError` with a hint when it is missing or not an
    absolute http(s) address.
    """
    where = display_path(project.mkdocs_yml)
    value = read_config(project.mkdocs_yml).get("site_url")
    if not value:
        raise SopkitError(f"{where}: site_url is not set\n    hint: {_HINT}")
    if not isinstance(value, str):
        raise SopkitError(f"{where}: site_url must be text, not {value!r}\n    hint: {_HINT}")
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SopkitError(f"{where}: site_url '{url}' is not an absolute http(s) address"
                          f"\n    hint: {_HINT}")
    if parts.query or parts.fragment:
        raise SopkitError(f"{where}: site_url '{url}' must not have a ?query or #fragment"
                          f"\n    hint: {_HINT}")
    return url if url.endswith("/") else url + "/"
