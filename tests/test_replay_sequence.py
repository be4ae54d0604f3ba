"""Answering requests from recordings: in recorded order, from any host or base-URL prefix,
and a miss that says what differs. Pure functions, tested in process."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from foxcontract.cassette import Cassette, Interaction, load_cassette
from foxcontract.replay import contract_for
from foxcontract.replay._sequence import Sequencer, recordings

CASSETTES = Path(__file__).parents[1] / "contracts" / "cassettes"
TASK = "/v1/tasks/task-unified-1757165031-uyujaw3d"


def poll(name: str, status: str, path: str = TASK) -> Interaction:
    return Interaction(name, "GET", path, {}, None, 200, {}, {"status": status}, has_body=False)


@pytest.fixture
def shipped() -> list[tuple[Cassette, object]]:
    out = []
    for name in ("videos-generations", "tasks-get"):
        cassette = load_cassette(CASSETTES / f"{name}.yaml")
        out.append((cassette, contract_for(cassette)))
    return out


def polling(test: str, *interactions: Interaction) -> Sequencer:
    cassette = load_cassette(CASSETTES / "tasks-get.yaml")
    cassette = replace(cassette, interactions=interactions)
    return Sequencer(recordings([(cassette, contract_for(cassette))]), test)


def test_repeated_polls_get_the_recorded_answers_in_order_then_the_last_repeats() -> None:
    seq = polling(
        "test_poll",
        poll("test_poll-2", "pending"),
        poll("test_poll-3", "processing"),
        poll("test_poll-4", "completed"),
    )
    seen = [seq.find("GET", TASK, None) for _ in range(5)]
    assert [r.interaction.response_body["status"] for r in seen if r] == [
        "pending",
        "processing",
        "completed",
        "completed",
        "completed",
    ]


def test_a_tests_own_recordings_come_first_and_in_number_order() -> None:
    seq = polling(
        "test_b",
        poll("test_a-2", "failed"),
        poll("test_b-10", "completed"),
        poll("test_b-9", "processing"),
    )
    assert [seq.find("GET", TASK, None).interaction.name for _ in range(3)] == [  # type: ignore[union-attr]
        "test_b-9",
        "test_b-10",
        "test_b-10",
    ]


def test_any_host_and_any_path_prefix_match_and_the_same_task_is_preferred() -> None:
    seq = polling("t", poll("t-1", "completed"), poll("t-2", "failed", "/v1/tasks/other-task"))
    found = seq.find("GET", "/gateway/foxapi" + TASK, None)
    assert found is not None
    assert found.interaction.name == "t-1"
    # another task id: volatile, so a recording of the endpoint still answers
    assert seq.find("GET", "/v1/tasks/never-seen", None) is not None
    # ... unless the path must be exactly the recorded one (record mode "new")
    assert seq.find("GET", "/v1/tasks/never-seen", None, exact=True) is None
    assert seq.find("GET", "/v1/tasks", None) is None


def test_a_miss_names_the_body_fields_that_differ_from_the_nearest(shipped: list) -> None:  # type: ignore[type-arg]
    seq = Sequencer(recordings(shipped))
    body = {
        "model": "veo-3.1-lite-image-to-video",
        "prompt": "The flowers sway gently in the wind",
        "image_url": "https://example.com/photo.jpg",
        "resolution": "720p",
    }
    path = "/v1/videos/generations"
    assert seq.find("POST", path, body) is None
    assert seq.explain("POST", path, body) == (
        f"the nearest recording, 'lite-4k-rejected' ({CASSETTES}/videos-generations.yaml:41), "
        'differs in body fields resolution (sent "720p", recorded "4k")'
    )
    assert seq.explain("DELETE", path, None) == (
        "the method differs: this path is recorded for POST only"
    )
    assert seq.explain("GET", "/v2/other", None) == (
        "the path differs: recorded endpoints are GET /v1/tasks/{task_id}, "
        "POST /v1/videos/generations"
    )
