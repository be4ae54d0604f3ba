"""The documented extension hooks: what a conftest returns is used, or named when wrong."""

from __future__ import annotations

import pytest
from served_fake import live_project

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    ("conftest", "error"),
    [
        (
            "def pytest_foxcontract_retry_policy(config):\n    return {'attempts': 2}\n",
            "ERROR: pytest_foxcontract_retry_policy returned dict, not a RetryPolicy "
            "(from foxcontract.live import RetryPolicy) or None",
        ),
        (
            "def pytest_foxcontract_poll_schedule(config):\n    return 0.5\n",
            "ERROR: pytest_foxcontract_poll_schedule returned float, not a PollSchedule "
            "(from foxcontract.live import PollSchedule) or None",
        ),
    ],
    ids=["retry-policy", "poll-schedule"],
)
def test_a_hook_that_returns_the_wrong_type_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, conftest: str, error: str
) -> None:
    project = live_project(pytester, monkeypatch, "sk-test-hook")
    project.makeconftest(conftest)
    result = project.runpytest_subprocess(
        "contracts", "--fox-mode", "live", "--fox-base-url", "http://127.0.0.1:9"
    )
    result.stderr.fnmatch_lines([error])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
