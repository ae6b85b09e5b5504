"""The case a procedure mandates in the case system: as text, and on the site.

:mod:`.text` fills the ticket's patterns (command line, procedure page);
:mod:`.composer` renders the site's composer pages (``render``) and, after the
build, checks that they and the procedure pages carry the ticket (``verify``).
"""

from __future__ import annotations

from sopkit.outputs.ticket.composer import site_files as render
from sopkit.outputs.ticket.composer import verify_built as verify

__all__ = ["render", "verify"]
