"""``fox_replay`` in record mode against the loopback fake, then the same tests offline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from foxcontract.cassette import load_cassette
from foxcontract.fake import FakeAPI, FakeConfig, FakeServer

KEY = "sk-recording-key-42"
TESTS = """
import os

import httpx
import pytest

BODY = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox", "resolution": "720p",
        "image_url": "https://example.com/fox.jpg", "duration": %d}

@pytest.mark.fox_cassette("cassettes")
def test_%s(fox_replay, request):
    base = request.config.getoption("fox_base_url") or "https://api.foxapi.cc"
    auth = {"Authorization": "Bearer " + os.environ.get("FOXAPI_API_KEY", "none")}
    created = httpx.post(base + "/v1/videos/generations", json=BODY, headers=auth)
    assert created.status_code == 200
    task = httpx.get(base + "/v1/tasks/" + created.json()["id"], headers=auth)
    assert task.json()["status"] == "processing"
"""


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(FakeAPI(FakeConfig(key=KEY))) as served:
        yield served


def test_record_then_replay_offline(
    pytester: pytest.Pytester, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_four=TESTS % (4, "four"), test_six=TESTS % (6, "six"))
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    recorded = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--fox-mode",
        "record",
        "--fox-base-url",
        server.base_url,
        "-n",
        "2",
    )
    recorded.assert_outcomes(passed=2)
    create = load_cassette(pytester.path / "cassettes" / "videos-generations.yaml")
    poll = load_cassette(pytester.path / "cassettes" / "tasks-get.yaml")
    assert sorted(i.name for i in create.interactions) == ["test_four-1", "test_six-1"]
    assert sorted(i.name for i in poll.interactions) == ["test_four-2", "test_six-2"]
    assert (create.source, create.base_url) == ("live", server.base_url)
    for name in ("videos-generations.yaml", "tasks-get.yaml"):
        text = (pytester.path / "cassettes" / name).read_text()
        assert KEY not in text
        assert "authorization: Bearer <redacted>" in text

    monkeypatch.delenv("FOXAPI_API_KEY")
    server.stop()
    args = ("-p", "no:cacheprovider", "--fox-base-url", server.base_url, "-p", "no:xdist")
    first = pytester.runpytest(*args)
    first.assert_outcomes(passed=2, failed=4)  # the 4 recorded interactions: no snapshot yet
    first.stdout.fnmatch_lines(
        [
            "*the normalised response of 'test_four-1' differs from its "
            "snapshot (run with --snapshot-update to accept it)"
        ]
    )
    pytester.runpytest(*args, "--snapshot-update").assert_outcomes(passed=6)
    pytester.runpytest(*args).assert_outcomes(passed=6)
