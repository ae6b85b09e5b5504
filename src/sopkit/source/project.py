"""Where a sopkit project keeps its parts (the design card's top-level names)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def procedures(self) -> Path:
        return self.root / "procedure"

    @property
    def schema_dir(self) -> Path:
        return self.procedures / "schema"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def build(self) -> Path:
        return self.root / "build"
