"""How a live request is retried: capped exponential backoff honouring a capped
``Retry-After``, with attempts and total time both bounded.

``timeout`` bounds one attempt, the whole exchange (connect, send, the answer's headers and
every byte of its body), and ``total`` bounds the request with all its retries and waits:
a server that answers one byte at a time is cut off by them, not only one that goes silent.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base: float = 0.25
    cap: float = 4.0
    retry_after_cap: float = 10.0
    total: float = 30.0
    timeout: float = 10.0
    statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    def __post_init__(self) -> None:
        problems = [] if _whole(self.attempts, 1) else [_not("attempts", "at least 1", self)]
        problems += [
            _not(name, "0 or more", self)
            for name in ("base", "cap", "retry_after_cap")
            if not _seconds(getattr(self, name), zero=True)
        ]
        problems += [
            _not(name, "more than 0", self)
            for name in ("total", "timeout")
            if not _seconds(getattr(self, name), zero=False)
        ]
        if not all(_whole(s, 100) and s <= 599 for s in self.statuses):
            problems.append(f"statuses must be HTTP statuses (100-599), not {self.statuses!r}")
        if problems:
            raise ValueError(f"RetryPolicy: {'; '.join(problems)}")

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        backoff = float(min(self.cap, self.base * 2.0 ** (attempt - 1)))
        hinted = _parse_retry_after(retry_after)
        if hinted is None:
            return backoff
        return float(min(self.retry_after_cap, max(hinted, 0.0)))


def _whole(value: object, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _seconds(value: object, *, zero: bool) -> bool:
    """A finite number of seconds, more than 0 (or 0 too, with ``zero``)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    return value >= 0 if zero else value > 0


def _not(name: str, wanted: str, owner: object) -> str:
    kind = "a whole number" if name == "attempts" else "a number of seconds"
    return f"{name} must be {kind} {wanted}, not {getattr(owner, name)!r}"


def check_seconds(owner: str, values: dict[str, object]) -> None:
    """Raise ``ValueError`` naming each of ``values`` that is not a number of seconds more
    than 0 (``owner`` names the class in the message)."""
    bad = [
        f"{name} must be a number of seconds more than 0, not {value!r}"
        for name, value in values.items()
        if not _seconds(value, zero=False)
    ]
    if bad:
        raise ValueError(f"{owner}: {'; '.join(bad)}")


def _parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` value (seconds, or an HTTP date); ``None`` if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return None if math.isnan(seconds) else seconds
    try:  # a date beyond year 9999 is an OverflowError or a ValueError
        when = email.utils.parsedate_to_datetime(value)
        return float(when.timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None
