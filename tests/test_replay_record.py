"""A consumer's own project, as users run it: an httpx client that creates a video and polls
its task, recorded once through ``fox_replay`` against the loopback fake (budgeted), then
replayed offline with the production base URL and no key; partial runs touch no file."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from served_fake import Created201, served, served_fake_fixture

from foxcontract.cassette import load_cassette
from foxcontract.fake import FakeAPI, FakeConfig

KEY = "sk-consumer-recording-key-42"
CLIENT = '''
import os
import time

import httpx

def generate(body, polls=20):
    """Create a video and poll its task until it is done."""
    base = os.environ.get("FOXAPI_BASE_URL", "https://api.foxapi.cc")
    headers = {"Authorization": "Bearer " + os.environ["FOXAPI_API_KEY"]}
    with httpx.Client(base_url=base, headers=headers, timeout=5) as client:
        created = client.post("/v1/videos/generations", json=body)
        created.raise_for_status()
        task_id = created.json()["id"]
        for _ in range(polls):
            task = client.get("/v1/tasks/" + task_id).json()
            if task["status"] in ("completed", "failed"):
                return task
            time.sleep(0.01)
    raise TimeoutError("the task never finished")
'''
TEST = """
import pytest

from app import generate

BODY = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox", "resolution": "720p",
        "image_url": "https://example.com/fox.jpg", "duration": %(duration)d}

@pytest.mark.fox_cassette("cassettes")
def test_%(name)s(fox_replay):
    task = generate(BODY)
    assert task["status"] == "completed"
    assert task["results"][0]["url"].endswith(".mp4")
    assert [r.method for r, _ in fox_replay.calls][:2] == ["POST", "GET"]
"""
NO_CACHE = ("-p", "no:cacheprovider")


fake = served_fake_fixture(KEY)


@pytest.fixture
def app(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(app=CLIENT, test_four=TEST % {"duration": 4, "name": "four"})
    pytester.syspathinsert()
    monkeypatch.delenv("FOXAPI_API_KEY", raising=False)
    monkeypatch.delenv("FOXAPI_BASE_URL", raising=False)
    return pytester


def creates(fake: FakeAPI) -> int:
    return sum(1 for c in fake.calls if c.request.method == "POST")


def checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def record(
    app: pytest.Pytester, fake: FakeAPI, *args: str, mode: str = "record"
) -> pytest.RunResult:
    os.environ["FOXAPI_API_KEY"] = KEY
    os.environ["FOXAPI_BASE_URL"] = fake.base_url  # type: ignore[attr-defined]
    try:
        return app.runpytest(*NO_CACHE, "--fox-mode", mode, "-p", "no:xdist", *args)
    finally:
        del os.environ["FOXAPI_API_KEY"], os.environ["FOXAPI_BASE_URL"]


@pytest.mark.slow
def test_record_once_then_replay_offline_anywhere(app: pytest.Pytester, fake: FakeAPI) -> None:
    refused = record(app, fake, "--fox-budget", "0", "test_four.py")
    refused.assert_outcomes(failed=1)
    refused.stdout.fnmatch_lines(
        [
            "E*foxcontract.replay.fixture.BudgetRefusedError: POST "
            "http://127.0.0.1:*/v1/videos/generations was not sent: it is a paid create "
            "(videos-generations) and budget exhausted: 0 of 0 paid creates spent "
            "(--fox-budget 0); raise --fox-budget to record it",
        ]
    )
    assert creates(fake) == 0
    assert not (app.path / "cassettes").exists()

    recorded = record(app, fake, "--fox-budget", "1", "test_four.py")
    recorded.assert_outcomes(passed=1)
    assert creates(fake) == 1
    recorded.stdout.fnmatch_lines(["paid creates: 1 of budget 1 spent*"])
    cassettes = app.path / "cassettes"
    polls = load_cassette(cassettes / "tasks-get.yaml")
    assert [i.response_body["status"] for i in polls.interactions] == ["processing", "completed"]
    assert [i.name for i in polls.interactions] == ["test_four-2", "test_four-3"]
    for path in cassettes.rglob("*.*"):
        assert KEY not in path.read_text(), path
    assert (cassettes / "__snapshots__" / "videos-generations.ambr").is_file()

    fake.reset()  # replay must never reach it
    plain = app.runpytest(*NO_CACHE)  # no key, the production base URL
    plain.assert_outcomes(passed=4)  # the test, and the three recorded interactions
    os.environ["FOXAPI_BASE_URL"] = "https://gateway.example/foxapi"  # a path prefix
    try:
        app.runpytest(*NO_CACHE, "test_four.py").assert_outcomes(passed=1)
    finally:
        del os.environ["FOXAPI_BASE_URL"]
    assert fake.calls == []

    before = checksums(app.path)
    for args in (
        ("-k", "four-2"),
        ("-k", "four-2", "--snapshot-update"),
        ("-k", "test_four and not cassettes", "--snapshot-update"),
        ("cassettes/tasks-get.yaml::test_four-3", "--snapshot-update"),
        ("-m", "fox_replay", "--snapshot-update"),
        ("-n", "2", "--snapshot-update"),
    ):
        result = app.runpytest(*NO_CACHE, *args)
        assert result.ret == 0, (args, result.stdout.str())
        assert "unused" not in result.stdout.str(), args
    assert checksums(app.path) == before


def test_record_new_sends_only_what_is_missing(app: pytest.Pytester, fake: FakeAPI) -> None:
    record(app, fake, "--fox-budget", "1").assert_outcomes(passed=1)
    app.makepyfile(test_six=TEST % {"duration": 6, "name": "six"})
    sent = len(fake.calls)  # no reset: the fake would hand out the same task id again
    again = record(
        app, fake, "--fox-budget", "1", "--fox-record-mode", "new", "test_four.py", "test_six.py"
    )
    again.assert_outcomes(passed=2)
    assert creates(fake) == 2  # test_four was replayed, only test_six was sent
    assert len(fake.calls) == sent + 3  # its create and two polls
    names = [
        i.name for i in load_cassette(app.path / "cassettes/videos-generations.yaml").interactions
    ]
    assert names == ["test_four-1", "test_six-1"]
    fake.reset()
    app.runpytest(*NO_CACHE).assert_outcomes(passed=8)
    assert fake.calls == []


def test_record_refuses_another_host_and_record_modes_need_record(
    app: pytest.Pytester, fake: FakeAPI
) -> None:
    app.makepyfile(
        test_prod="""
        import httpx

        import pytest

        @pytest.mark.fox_cassette("cassettes")
        def test_prod(fox_replay):
            httpx.post("https://api.foxapi.cc/v1/videos/generations", json={})

        def test_unnamed(fox_replay):
            pass
        """
    )
    result = record(app, fake, "--fox-budget", "1", "test_prod.py")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*fox_replay records into the folder named by @pytest.mark.fox_cassette(...), "
            "relative to the rootdir: add one to this test (the shipped cassettes are never "
            "written to)"
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E       foxcontract.replay.fixture.WrongBaseURLError: POST "
            "https://api.foxapi.cc/v1/videos/generations was not sent: this run records "
            "against http://127.0.0.1:* (--fox-base-url or FOXAPI_BASE_URL); point the client "
            "at the same base URL"
        ]
    )
    assert fake.calls == []
    usage = app.runpytest(*NO_CACHE, "--fox-record-mode", "new")
    assert usage.ret == pytest.ExitCode.USAGE_ERROR
    usage.stderr.fnmatch_lines(
        [
            "ERROR: --fox-record-mode new sends requests and records them: add --fox-mode "
            "record (it needs FOXAPI_API_KEY, and --fox-budget for paid creates)"
        ]
    )


@pytest.mark.slow
def test_two_record_runs_at_once_both_pass_and_both_are_kept(
    app: pytest.Pytester, fake: FakeAPI
) -> None:
    app.makepyfile(test_six=TEST % {"duration": 6, "name": "six"})
    env = {
        **os.environ,
        "FOXAPI_API_KEY": KEY,
        "FOXAPI_BASE_URL": fake.base_url,  # type: ignore[attr-defined]
        "PYTHONPATH": os.pathsep.join([str(app.path), *sys.path]),
    }
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                *NO_CACHE,
                "--fox-mode",
                "record",
                "--fox-budget",
                "1",
                "-q",
                test,
            ],
            cwd=app.path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for test in ("test_four.py", "test_six.py")
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    names = {i.name for i in load_cassette(app.path / "cassettes/tasks-get.yaml").interactions}
    assert names == {"test_four-2", "test_four-3", "test_six-2", "test_six-3"}
    fake.reset()
    app.runpytest(*NO_CACHE).assert_outcomes(passed=8)


def test_live_mode_sends_through_the_same_budget_and_records_nothing(
    app: pytest.Pytester, fake: FakeAPI
) -> None:
    record(app, fake, "--fox-budget", "0", mode="live").assert_outcomes(failed=1)
    assert creates(fake) == 0
    record(app, fake, "--fox-budget", "1", mode="live").assert_outcomes(passed=1)
    assert creates(fake) == 1
    assert not (app.path / "cassettes").exists()


def test_a_create_accepted_with_201_is_charged(app: pytest.Pytester) -> None:
    with served(Created201(FakeConfig(key=KEY))) as fake:
        result = record(app, fake, "--fox-budget", "1", mode="live")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["paid creates: 1 of budget 1 spent*"])
    assert fake.paid == 1


@pytest.mark.parametrize("mode", ["record", "live"])
def test_the_base_url_given_on_the_command_line_is_set_in_the_environment_for_the_test(
    app: pytest.Pytester, fake: FakeAPI, mode: str
) -> None:
    """The client reads its base URL from FOXAPI_BASE_URL (default: production); with only
    ``--fox-base-url`` given, the test must still send to it, not be refused as sent to
    production."""
    base_url: str = fake.base_url  # type: ignore[attr-defined]
    app.makepyfile(
        test_env=f"""
        import os

        import pytest

        @pytest.mark.fox_cassette("cassettes")
        def test_env(fox_replay):
            assert os.environ.get("FOXAPI_BASE_URL") == "{base_url}"
        """
    )
    os.environ["FOXAPI_API_KEY"] = KEY
    try:
        args = ("--fox-mode", mode, "--fox-base-url", base_url, "--fox-budget", "1")
        result = app.runpytest(*NO_CACHE, "-p", "no:xdist", *args, "test_four.py", "test_env.py")
    finally:
        del os.environ["FOXAPI_API_KEY"]
    result.assert_outcomes(passed=2)
    assert creates(fake) == 1
    assert "FOXAPI_BASE_URL" not in os.environ  # set for the test only
    assert (app.path / "cassettes").exists() is (mode == "record")
