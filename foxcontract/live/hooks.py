"""What ``foxcontract.plugin``'s hooks call for live and record modes, in one place, and the
stash key of the live run (``LIVE``) for the other hooks that read it."""

import pytest

from foxcontract.live import run
from foxcontract.live.items import add_live_items
from foxcontract.live.run import (
    LIVE,
    header,
    sessionstart,
    terminal_summary,
    unconfigure,
)
from foxcontract.report import tally_of

__all__ = [
    "LIVE",
    "add_live_items",
    "configure",
    "header",
    "sessionstart",
    "terminal_summary",
    "unconfigure",
]


def configure(config: pytest.Config) -> None:
    """Set up the live run, its provider answers told to the run's rule-coverage tally."""
    run.configure(config, observer=tally_of(config).provider)
