"""What a live item raises when its probe is not judged a pass.

- :class:`LiveFailure`: the provider disagreed with the contract (an ``AssertionError``, so
  pytest reports a failure, not an error); the message names the probe, the rule or check,
  what was sent, expected and got;
- :class:`ProviderGone`: the provider stopped answering, so the run stops;
- :class:`LiveSkip`: the probe was not sent (the budget is spent, there is no task to
  judge); the message says why.
"""

from __future__ import annotations

__all__ = ["LiveFailure", "LiveSkip", "ProviderGone"]


class LiveFailure(AssertionError):
    """The provider disagreed with the contract; the message says where and how."""


class ProviderGone(LiveFailure):
    """The provider stopped answering (or its answers stopped being readable) for several
    probes in a row: this probe was not sent, and the run stops here (``stop`` says why)."""

    def __init__(self, message: str, stop: str) -> None:
        super().__init__(message)
        self.stop = stop


class LiveSkip(Exception):
    """The probe was not sent (the budget is spent); the message says why."""
