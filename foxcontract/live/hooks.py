"""What ``foxcontract.plugin``'s hooks call for live and record modes, in one place."""

from foxcontract.live.items import add_live_items
from foxcontract.live.run import configure, header, sessionstart, terminal_summary, unconfigure

__all__ = [
    "add_live_items",
    "configure",
    "header",
    "sessionstart",
    "terminal_summary",
    "unconfigure",
]
