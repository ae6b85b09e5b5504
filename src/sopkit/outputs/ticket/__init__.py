"""The case a procedure mandates in the case system: as text, and on the site.

:mod:`.text` fills the ticket's patterns (command line, procedure page);
:mod:`.composer` renders the site's composer pages (``render``); after the
build, :mod:`.verify` checks that the procedure pages, the composer pages and
the command line carry the ticket as the YAML defines it (``verify``).
"""

from __future__ import annotations

from sopkit.outputs.ticket.composer import site_files as render
from sopkit.outputs.ticket.verify import verify_tickets as verify

__all__ = ["render", "verify"]
