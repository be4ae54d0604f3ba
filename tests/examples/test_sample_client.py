"""The sample client's own tests, written against the ``fox_api`` fixture: no network, and
every request the client sends is checked against the FoxAPI contract."""

from __future__ import annotations

import pytest
from sample_client import FoxClient, FoxError, TaskFailed

from foxcontract.fixtures import FoxAPIMock

PHOTO = "https://example.com/fox.jpg"


def test_generate_returns_the_video_url(fox_api: FoxAPIMock) -> None:
    url = FoxClient().generate("a fox in the snow", PHOTO)
    assert url.endswith(".mp4")
    assert [c.request.method for c in fox_api.calls] == ["POST", "GET", "GET"]
    assert fox_api.paid == 1


def test_rate_limits_are_retried(fox_api: FoxAPIMock) -> None:
    fox_api.fault(kind="rate_limit", retry_after=0)
    FoxClient().create("a fox", PHOTO)
    assert [c.response.status for c in fox_api.calls] == [429, 200]


def test_a_failed_task_raises(fox_api: FoxAPIMock) -> None:
    fox_api.fail_next_task(code="content_policy")
    with pytest.raises(TaskFailed, match="content_policy"):
        FoxClient().generate("a fox", PHOTO)


def test_a_slow_task_gives_up_after_max_polls(fox_api: FoxAPIMock) -> None:
    fox_api.script_task("pending", "processing")
    with pytest.raises(TimeoutError):
        FoxClient(max_polls=3).generate("a fox", PHOTO)
    assert len(fox_api.requests("GET")) == 3


def test_no_quota_is_not_retried(fox_api: FoxAPIMock) -> None:
    fox_api.fault(kind="insufficient_quota")
    with pytest.raises(FoxError) as info:
        FoxClient().create("a fox", PHOTO)
    assert (info.value.status, info.value.type) == (402, "insufficient_quota")
    assert len(fox_api.calls) == 1


def test_server_errors_are_retried_then_reported(fox_api: FoxAPIMock) -> None:
    fox_api.fault(kind="unavailable", times=None)
    with pytest.raises(FoxError, match="503 service_unavailable_error"):
        FoxClient(max_retries=2).create("a fox", PHOTO)
    assert len(fox_api.calls) == 3
