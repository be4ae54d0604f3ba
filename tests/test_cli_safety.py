"""The commands never rewrite a user's file the run did not own: ``foxcontract cassette``
leaves an existing cassette that differs from the documented examples (edited by hand, or
recorded by a live run) as it is unless ``--force`` is given."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foxcontract import cli

CONTRACTS = Path(__file__).parents[1] / "contracts"
LIVE = """\
# foxcontract cassette: recorded FoxAPI interactions; the format is described in
# foxcontract/cassette/model.py.
cassette: 1
contract: videos-generations
contract_version: '2026-11-24'
source: live
recorded_at: '2026-12-02T03:21:50Z'
base_url: http://127.0.0.1:33285
interactions:
  - name: test_recorded_own-1
    request:
      method: POST
      path: /v1/videos/generations
      headers:
        authorization: Bearer <redacted>
        content-type: application/json
      body:
        model: veo-3.1-extend
        prompt: the fox keeps running
        video_url: https://example.com/fox.mp4
    response:
      status: 200
      headers:
        content-type: application/json
      body:
        id: task-1
        status: pending
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CONTRACTS, tmp_path / "contracts")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_hand_edited_cassette_is_skipped_and_kept(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = project / "contracts" / "cassettes" / "videos-generations.yaml"
    edited = cassette.read_text().replace("lite-4k-rejected", "lite-4k-refused", 1)
    cassette.write_text(edited)
    assert cli.main(["cassette"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "contracts/cassettes/tasks-get.yaml: 2 documented interactions",
        "skipped  contracts/cassettes/videos-generations.yaml (it exists and differs from the "
        "documented examples; left as it is: --force overwrites it)",
    ]
    assert cassette.read_text() == edited
    # asked for: written again from the examples
    assert cli.main(["cassette", "--force"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "contracts/cassettes/tasks-get.yaml: 2 documented interactions",
        "contracts/cassettes/videos-generations.yaml: 5 documented interactions",
    ]
    shipped = CONTRACTS / "cassettes" / "videos-generations.yaml"
    assert cassette.read_text() == shipped.read_text()


def test_a_recorded_live_cassette_is_never_replaced_without_force(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = project / "recorded"
    out.mkdir()
    (out / "videos-generations.yaml").write_text(LIVE)
    assert cli.main(["cassette", "contracts", "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{out}/tasks-get.yaml: 2 documented interactions",
        f"skipped  {out}/videos-generations.yaml (it exists and holds 1 interaction recorded "
        "by a live run, source: live; left as it is: --force replaces it with the documented "
        "examples)",
    ]
    assert (out / "videos-generations.yaml").read_text() == LIVE
    assert cli.main(["cassette", "contracts", "--out", str(out), "--force"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"{out}/videos-generations.yaml: 5 documented interactions"
    )
    assert "source: docs" in (out / "videos-generations.yaml").read_text()


def test_a_broken_cassette_is_skipped_not_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = project / "contracts" / "cassettes" / "tasks-get.yaml"
    cassette.write_text("cassette: 1\ninteractions: [\n")
    assert cli.main(["cassette"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "skipped  contracts/cassettes/tasks-get.yaml (it exists and is not a valid cassette; "
        "left as it is: --force overwrites it)"
    )
    assert cassette.read_text() == "cassette: 1\ninteractions: [\n"


def test_the_cassette_help_names_the_force_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["cassette", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert (
        "--force overwrite a cassette that exists and differs from the documented examples, "
        "one recorded by a live run (source: live) included; without it, such a file is "
        "skipped and left as it is"
    ) in text
