"""What the budget ledger tests read off a ledger: the sentence every ledger error ends with
(written out here, not taken from the package), and the four counts of its state."""

from __future__ import annotations

from foxcontract.live import Ledger

STOP = "paid creates stop, since the money already spent cannot be known; free probes go on"


def counts(ledger: Ledger) -> tuple[int, int, int, int]:
    """(spent, reserved, unexpected, refused) of ``ledger``'s state."""
    s = ledger.state()
    return (s.spent, s.reserved, s.unexpected, s.refused)
