"""Record mode: a live run that writes redacted cassettes and snapshots, which replay mode
then reads offline."""

from __future__ import annotations

import shutil

import pytest
from served_fake import served_fake_fixture

from foxcontract.cassette import load_cassette
from foxcontract.contract import shipped_contracts_dir
from foxcontract.fake import FakeAPI

# record and replay runs against the served fake
pytestmark = pytest.mark.slow

KEY = "sk-record-mode-test-key-7"


fake = served_fake_fixture(KEY)


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    folder = pytester.mkdir("contracts")
    for path in shipped_contracts_dir().glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    monkeypatch.setenv("FOXAPI_API_KEY", KEY)
    return pytester


def record(project: pytest.Pytester, fake: FakeAPI, *args: str) -> pytest.RunResult:
    return project.runpytest(
        "contracts", "--fox-mode", "record", "--fox-base-url", fake.base_url,  # type: ignore[attr-defined]
        "--fox-budget", "2", "-m", "fox_live", "-p", "no:cacheprovider",
        *args,
    )  # fmt: skip


def test_record_writes_cassettes_and_snapshots(project: pytest.Pytester, fake: FakeAPI) -> None:
    result = record(project, fake)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "recorded (redacted): contracts/cassettes/tasks-get.live.yaml",
            "recorded (redacted): contracts/cassettes/__snapshots__/tasks-get.live.ambr",
            "recorded (redacted): contracts/cassettes/videos-generations.live.yaml",
            "recorded (redacted): contracts/cassettes/__snapshots__/videos-generations.live.ambr",
        ]
    )
    cassettes = project.path / "contracts" / "cassettes"
    creates = load_cassette(cassettes / "videos-generations.live.yaml")
    tasks = load_cassette(cassettes / "tasks-get.live.yaml")
    assert creates.source == "live"
    names = {i.name for i in creates.interactions}
    assert {"paid-01", "paid-02", "auth-wrong-key", "rule-lite-no-4k-1"} <= names
    assert "malformed-json" not in names  # not JSON: not recorded
    assert {"paid-01-poll-1", "paid-02-poll-1", "example-unknown-task"} <= {
        i.name for i in tasks.interactions
    }
    snapshots = (cassettes / "__snapshots__" / "videos-generations.live.ambr").read_text()
    assert "# name: paid-01\n" in snapshots
    assert "'id': '<volatile str>'" in snapshots
    # a second recording replaces interactions by name instead of adding duplicates
    assert record(project, fake).ret == 0
    again = load_cassette(cassettes / "videos-generations.live.yaml")
    assert sorted(i.name for i in again.interactions) == sorted(names)


def test_replay_mode_replays_a_recording(project: pytest.Pytester, fake: FakeAPI) -> None:
    assert record(project, fake).ret == 0
    fake.reset()  # replay must never reach it
    replayed = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider", "-q")
    output = replayed.stdout.str()
    outcomes = replayed.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, output
    assert outcomes["passed"] >= 90
    assert fake.calls == []
