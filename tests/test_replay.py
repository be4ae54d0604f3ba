"""Replaying the cassettes as users run it: ``pytest contracts`` offline, drift detection,
verdict disagreements, snapshots, and network isolation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CONTRACTS = Path(__file__).parents[1] / "contracts"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A copy of the shipped contracts, cassettes and snapshots."""
    shutil.copytree(CONTRACTS, pytester.path / "contracts")
    return pytester


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_cassettes_replay_offline(project: pytest.Pytester) -> None:
    result = project.runpytest("contracts/cassettes", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(
        [
            "contracts/cassettes/tasks-get.yaml::documented-completed-task PASSED*",
            "contracts/cassettes/tasks-get.yaml::unknown-task PASSED*",
            "contracts/cassettes/videos-generations.yaml::documented-request PASSED*",
            "contracts/cassettes/videos-generations.yaml::lite-4k-rejected PASSED*",
            "contracts/cassettes/videos-generations.yaml::reference-request PASSED*",
            "contracts/cassettes/videos-generations.yaml::first-last-frame-request PASSED*",
            "contracts/cassettes/videos-generations.yaml::extend-request PASSED*",
        ]
    )


def test_a_contract_change_the_recording_no_longer_satisfies_fails(
    project: pytest.Pytester,
) -> None:
    edit(
        project.path / "contracts/videos-generations.yaml",
        "object: {const: video.generation.task}",
        "object: {const: video.task}",
    )
    result = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=4)  # every accepted create
    result.stdout.fnmatch_lines(
        [
            "*/contracts/cassettes/videos-generations.yaml:11: interaction 'documented-request' "
            "no longer satisfies contract videos-generations (*/contracts/videos-generations.yaml)",
            "request:  POST /v1/videos/generations",
            "expected: 2xx: the body breaks no rule",
            "problem:  schema: object: 'video.task' was expected (against responses.200.schema)",
        ]
    )


@pytest.mark.parametrize(
    ("old", "new", "lines"),
    [
        (  # the recorded body no longer breaks a rule, but its answer is still a refusal
            "resolution: 4k",
            "resolution: 720p",
            [
                "*videos-generations.yaml:41: interaction 'lite-4k-rejected' no longer satisfies*",
                "expected: 2xx: the body breaks no rule",
                "problem:  status: an allowed body was rejected with 422",
            ],
        ),
        (  # the recorded refusal is of another error kind than the rule's
            "type: invalid_request_error",
            "type: rate_limit_error",
            [
                "expected: 422 validation type invalid_request_error for rule lite-no-4k "
                "(resolution)",
                "problem:  error: expected 422 validation type invalid_request_error, "
                "got 422 type rate_limit_error code None",
            ],
        ),
    ],
    ids=["the-oracle-disagrees", "a-wrong-error-kind"],
)
def test_a_recorded_answer_the_verdict_disagrees_with_fails(
    project: pytest.Pytester, old: str, new: str, lines: list[str]
) -> None:
    edit(project.path / "contracts/cassettes/videos-generations.yaml", old, new)
    result = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, failed=1)
    result.stdout.fnmatch_lines(lines)


def test_volatile_paths_are_ignored_and_other_changes_need_a_snapshot_update(
    project: pytest.Pytester,
) -> None:
    cassette = project.path / "contracts/cassettes/tasks-get.yaml"
    edit(cassette, "created: 1757165031", "created: 1800000000")
    edit(cassette, "user_group: default", "user_group: pro")
    result = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*tasks-get.yaml:11: the normalised response of 'documented-completed-task' differs "
            "from its snapshot (run with --snapshot-update to accept it)",
            "*'user_group': 'pro',*",
        ]
    )
    assert "1800000000" not in result.stdout.str()
    project.runpytest("contracts/cassettes", "-p", "no:cacheprovider", "--snapshot-update")
    again = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider")
    again.assert_outcomes(passed=7)


def test_a_cassette_for_another_contract_version_is_a_collection_error(
    project: pytest.Pytester,
) -> None:
    cassette = project.path / "contracts/cassettes/tasks-get.yaml"
    edit(cassette, "contract_version: '2026-11-24'", "contract_version: '2025-01-01'")
    result = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*/contracts/cassettes/tasks-get.yaml:5: recorded for tasks-get version 2025-01-01, "
            "but */contracts/tasks-get.yaml is version 2026-11-24: record it again "
            "(pytest --fox-mode record) or check it against the new version and update "
            "contract_version"
        ]
    )


def test_fox_replay_answers_from_cassettes_and_blocks_everything_else(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        """
        import socket

        import httpx
        import pytest

        BODY = {"model": "veo-3.1-image-to-video",
                "prompt": "The flowers sway gently in the wind",
                "image_url": "https://example.com/photo.jpg", "resolution": "1080p",
                "duration": 8, "generate_audio": True}

        @pytest.mark.fox_cassette("contracts/cassettes")
        def test_recorded(fox_replay):
            response = httpx.post("https://api.foxapi.cc/v1/videos/generations", json=BODY,
                                  headers={"Authorization": "Bearer sk-anything-123"})
            assert response.json()["status"] == "pending"
            task = httpx.get("https://api.foxapi.cc/v1/tasks/task-unified-1-any")
            assert task.json()["status"] == "completed"
            assert len(fox_replay.calls) == 2

        @pytest.mark.fox_cassette("contracts/cassettes")
        def test_not_recorded(fox_replay):
            httpx.post("https://api.foxapi.cc/v1/videos/generations", json={**BODY, "seed": 1})

        def test_other_host(fox_replay):
            httpx.get("https://example.org/page")

        def test_raw_socket(fox_replay):
            socket.create_connection(("192.0.2.1", 80), timeout=1)
        """
    )
    result = project.runpytest(
        "-p",
        "no:cacheprovider",
        "test_fox_replay_answers_from_cassettes_and_blocks_everything_else.py",
    )
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [
            ">       httpx.post(*",
            "E       foxcontract.replay.fixture.MissingInteractionError: no recorded interaction "
            "matches POST https://api.foxapi.cc/v1/videos/generations",
            'E         body sent: {*"seed": 1*}',
            "E         why:       the nearest recording, 'documented-request' "
            "(*/contracts/cassettes/videos-generations.yaml:11), differs in body fields "
            "seed (sent 1, not recorded)",
            "E         cassettes: */contracts/cassettes",
            "E         replay mode makes no network requests; to record this answer from the "
            "real API, run pytest --fox-mode record*",
            "E         to record what is missing, run pytest --fox-mode record "
            "--fox-record-mode new*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E*MissingInteractionError: no recorded interaction matches GET "
            "https://example.org/page",
            "E         body sent: (no body)",
            "E         why:       the path differs: recorded endpoints are "
            "GET /v1/tasks/{task_id}, POST /v1/videos/generations",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E*NetworkBlockedError: blocked a real network request to socket ('192.0.2.1', 80): "
            "replay mode makes no network requests*"
        ]
    )
    # library frames are hidden: the user's line is followed by the message
    assert "site-packages/httpx" not in result.stdout.str()
    assert "respx/router.py" not in result.stdout.str()


def tracked(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_partial_runs_never_report_or_touch_snapshots_of_items_they_did_not_run(
    project: pytest.Pytester,
) -> None:
    before = tracked(project.path / "contracts")
    for args in (
        ("-k", "lite-4k"),
        ("-k", "lite-4k", "--snapshot-update"),
        ("contracts/cassettes/tasks-get.yaml::unknown-task", "--snapshot-update"),
        ("-m", "fox_replay", "--snapshot-update"),
    ):
        result = project.runpytest("contracts", "-p", "no:cacheprovider", *args)
        assert result.ret == 0, (args, result.stdout.str())
        assert "unused" not in result.stdout.str(), args
    assert tracked(project.path / "contracts") == before


def test_an_interaction_gone_from_its_cassette_loses_its_snapshot_on_update_only(
    project: pytest.Pytester,
) -> None:
    snapshots = project.path / "contracts/cassettes/__snapshots__/tasks-get.ambr"
    cassette = project.path / "contracts/cassettes/tasks-get.yaml"
    text = cassette.read_text()
    cassette.write_text(text[: text.index("  - name: unknown-task")])
    plain = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider")
    plain.assert_outcomes(passed=6)
    assert "# name: unknown-task" in snapshots.read_text()
    project.runpytest(
        "contracts/cassettes", "-p", "no:cacheprovider", "--snapshot-update"
    ).assert_outcomes(passed=6)
    assert "# name: unknown-task" not in snapshots.read_text()
    assert "# name: documented-completed-task" in snapshots.read_text()


def test_a_corrupt_snapshot_file_fails_its_items_with_a_clear_error(
    project: pytest.Pytester,
) -> None:
    snapshots = project.path / "contracts/cassettes/__snapshots__/tasks-get.ambr"
    snapshots.write_bytes(b"# serializer version: 1\n# name: unknown-task\n  \xff\xfe\n")
    result = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider", "--snapshot-update")
    result.assert_outcomes(passed=5, failed=2)
    result.stdout.fnmatch_lines(
        [
            f"{snapshots}:1: cannot read this snapshot file (UnicodeDecodeError: 'utf-8' codec "
            "can't decode byte 0xff*); restore it from version control, or delete it and record "
            "or run --snapshot-update again",
        ]
    )
    assert snapshots.read_bytes().endswith(b"\xff\xfe\n")  # never overwritten


@pytest.mark.parametrize("kill_at", [1, 2])
def test_an_interrupted_unit_write_leaves_the_previous_pair_or_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kill_at: int
) -> None:
    from foxcontract.cassette import _store

    folder = tmp_path / "cassettes"
    folder.mkdir()
    cassette, snapshots = folder / "c.yaml", folder / "__snapshots__" / "c.ambr"
    cassette.write_text("old cassette")
    snapshots.parent.mkdir()
    snapshots.write_text("old snapshots")
    real = _store.os.replace
    calls = 0

    def killed(source: str, target: str) -> None:
        nonlocal calls
        calls += 1
        if calls == kill_at:
            raise KeyboardInterrupt  # the process dies here
        real(source, target)

    monkeypatch.setattr(_store.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt), _store.folder_lock(folder):
        _store.write_unit(folder, {cassette: "new cassette", snapshots: "new snapshots"}, [])
    monkeypatch.setattr(_store.os, "replace", real)
    _store.recover(folder)  # the next reader
    expected = "old" if kill_at == 1 else "new"  # 1: before the manifest; 2: after it
    assert (cassette.read_text(), snapshots.read_text()) == (
        f"{expected} cassette",
        f"{expected} snapshots",
    )
    assert not (folder / _store.JOURNAL).exists()


def test_a_recorded_answer_with_another_content_type_fails_naming_the_header(
    project: pytest.Pytester,
) -> None:
    cassette = project.path / "contracts/cassettes/videos-generations.yaml"
    edit(
        cassette,
        "    response:\n      status: 200\n      headers:\n        content-type: application/json",
        "    response:\n      status: 200\n      headers:\n        content-type: text/html",
    )
    result = project.runpytest("contracts/cassettes", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*/contracts/cassettes/videos-generations.yaml:11: interaction 'documented-request' "
            "no longer satisfies contract videos-generations (*/contracts/videos-generations.yaml)",
            "problem:  header: Content-Type: expected application/json "
            "(responses.200.content_type), got 'text/html'",
        ]
    )
