"""sopkit: controlled quality procedures as code."""

from __future__ import annotations

from sopkit.source.errors import InvalidInput, Problem, SopkitError
from sopkit.source.library import Library, read_library
from sopkit.source.model import Procedure

__version__ = "0.1.0"

__all__ = ["InvalidInput", "Library", "Problem", "Procedure", "SopkitError", "read_library"]
