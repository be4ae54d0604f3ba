"""What ``foxcontract.plugin``'s hooks call for live and record modes, in one place, and the
stash key of the live run (``LIVE``) for the other hooks that read it."""

from foxcontract.live.items import add_live_items
from foxcontract.live.run import (
    LIVE,
    configure,
    header,
    sessionstart,
    terminal_summary,
    unconfigure,
)

__all__ = [
    "LIVE",
    "add_live_items",
    "configure",
    "header",
    "sessionstart",
    "terminal_summary",
    "unconfigure",
]
