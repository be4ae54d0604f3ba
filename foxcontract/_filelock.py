"""An exclusive lock on an open file, across processes (the budget ledger, a cassette folder)."""

from __future__ import annotations

import sys

__all__ = ["lock", "unlock"]

if sys.platform == "win32":  # pragma: no cover
    import msvcrt

    def lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

    def unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
