"""The archival PDF of an approved revision (``sopkit pdf``): A4, PDF/A-2u, tagged,
read back and checked before it is handed out (``verify``)."""

from __future__ import annotations

from sopkit.outputs.archival.document import FILE_NAME, PDF_VARIANT
from sopkit.outputs.archival.document import archival_pdf as render
from sopkit.outputs.archival.verify import verify_archival as verify

__all__ = ["FILE_NAME", "PDF_VARIANT", "render", "verify"]
