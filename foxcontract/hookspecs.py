"""The hooks foxcontract calls, for a project's ``conftest.py`` or a plugin to implement.

Each is asked once, at the start of a live or record run; the first implementation that
returns something other than ``None`` wins (``firstresult``). For example, shorter retries
for a test server::

    from foxcontract.live import RetryPolicy

    def pytest_foxcontract_retry_policy(config):
        return RetryPolicy(attempts=3, total=5.0, timeout=2.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from foxcontract.live.polling import PollSchedule
    from foxcontract.live.retry import RetryPolicy

__all__ = ["pytest_foxcontract_poll_schedule", "pytest_foxcontract_retry_policy"]


@pytest.hookspec(firstresult=True)
def pytest_foxcontract_retry_policy(config: pytest.Config) -> RetryPolicy | None:
    """The retries and time limits of every live request (:class:`foxcontract.live.RetryPolicy`):
    attempts, backoff, the ``Retry-After`` cap, one attempt's ``timeout`` and a request's
    ``total``. ``None``: the default policy. The contract's retryable error statuses are
    added to the policy's own."""


@pytest.hookspec(firstresult=True)
def pytest_foxcontract_poll_schedule(config: pytest.Config) -> PollSchedule | None:
    """When each paid task is polled (:class:`foxcontract.live.PollSchedule`: ``base``
    seconds, doubling up to ``cap``). ``None``: the default schedule."""
