"""site_url comes from mkdocs.yml, read tolerantly (Material's tags are allowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import edit
from sopkit.outputs.site.config import site_url
from sopkit.source.errors import SopkitError
from sopkit.source.project import Project


def test_example_site_url(project: Path) -> None:
    assert site_url(Project(project)) == "https://kvalitet.sshf.example/handbok/"


def test_python_and_env_tags_do_not_stop_the_reader(project: Path) -> None:
    (project / "mkdocs.yml").write_text(
        "site_name: Håndbok\n"
        "site_url: https://intranett.sykehus.example/kvalitet\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
        "extra:\n"
        "  analytics: !ENV [ANALYTICS, false]\n",
        encoding="utf-8",
    )
    # A missing trailing slash is added, as MkDocs does.
    assert site_url(Project(project)) == "https://intranett.sykehus.example/kvalitet/"


def test_missing_site_url_names_the_file_and_hints(project: Path) -> None:
    edit(project / "mkdocs.yml", "site_url: https://kvalitet.sshf.example/handbok/\n", "")
    with pytest.raises(SopkitError, match=r"mkdocs\.yml: site_url is not set") as caught:
        site_url(Project(project))
    assert "hint:" in caught.value.message


@pytest.mark.parametrize("value", ["kvalitet.sshf.example/handbok/", "file:///srv/handbok/",
                                   "https://kvalitet.sshf.example/handbok/?x=1"])
def test_site_url_must_be_an_http_address(project: Path, value: str) -> None:
    edit(project / "mkdocs.yml", "https://kvalitet.sshf.example/handbok/", value)
    with pytest.raises(SopkitError, match="site_url"):
        site_url(Project(project))


def test_missing_mkdocs_yml(tmp_path: Path) -> None:
    with pytest.raises(SopkitError, match=r"mkdocs\.yml: no such file"):
        site_url(Project(tmp_path))
