"""sopkit: controlled quality procedures as code.

The names below are imported when first used (PEP 562): a worker process that
imports one of sopkit's modules does not import the models and the reading of
procedures with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sopkit.source.errors import InvalidInput, Problem, SopkitError
    from sopkit.source.library import Library, read_library
    from sopkit.source.model import Procedure

__version__ = "0.1.0"

_WHERE = {"InvalidInput": "sopkit.source.errors", "Problem": "sopkit.source.errors",
          "SopkitError": "sopkit.source.errors", "Library": "sopkit.source.library",
          "read_library": "sopkit.source.library", "Procedure": "sopkit.source.model"}


if not TYPE_CHECKING:  # type checkers see the imports above, and no other name

    def __getattr__(name: str) -> Any:
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value


__all__ = ["InvalidInput", "Library", "Problem", "Procedure", "SopkitError", "read_library"]
