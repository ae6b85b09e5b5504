"""sopkit: controlled quality procedures as code."""

from __future__ import annotations

from .errors import InvalidInput, Problem, SopkitError
from .library import Library, read_library
from .model import Procedure

__version__ = "0.1.0"

__all__ = ["InvalidInput", "Library", "Problem", "Procedure", "SopkitError", "read_library"]
