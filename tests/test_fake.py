"""The fake FoxAPI's core, driven in-process through respx and httpx."""

from __future__ import annotations

import re

import httpx
import pytest
from helpers.mounted import AUTH, BASE, mounted_fake_fixture

from foxcontract.fake import (
    FakeAPI,
    FakeConfig,
    FakeConfigError,
    Fault,
    Mutations,
    TaskScript,
)
from foxcontract.verdict import judge

GOOD = {
    "model": "veo-3.1-image-to-video",
    "prompt": "The flowers sway gently in the wind",
    "image_url": "https://example.com/photo.jpg",
}


fake = mounted_fake_fixture()


def create(body: object = GOOD, **kwargs: object) -> httpx.Response:
    return httpx.post(f"{BASE}/v1/videos/generations", json=body, headers=AUTH, **kwargs)  # type: ignore[arg-type]


def poll(task_id: str) -> httpx.Response:
    return httpx.get(f"{BASE}/v1/tasks/{task_id}", headers=AUTH)


def test_an_allowed_body_creates_a_pending_task_that_satisfies_the_contract(fake: FakeAPI) -> None:
    response = create()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pending"
    assert re.fullmatch(r"task-unified-\d{10}-[a-z0-9]{8}", body["id"]), body["id"]
    assert judge(fake.create_contract, 200, body, GOOD).ok
    assert fake.paid == 1


def test_a_task_moves_pending_processing_completed_across_polls(fake: FakeAPI) -> None:
    task_id = create().json()["id"]
    seen = [poll(task_id).json() for _ in range(3)]
    assert [b["status"] for b in seen] == ["processing", "completed", "completed"]
    assert seen[1]["results"][0]["url"].endswith(".mp4")
    assert seen[1]["progress"] == 100
    for body in seen:
        assert judge(fake.poll_contract, 200, body).ok, judge(fake.poll_contract, 200, body)


def test_a_scripted_failed_task_carries_the_task_error(fake: FakeAPI) -> None:
    fake.script_task(TaskScript.failing("content_policy", "refused"))
    task_id = create().json()["id"]
    poll(task_id)
    body = poll(task_id).json()
    assert body["status"] == "failed"
    assert body["error"] == {"code": "content_policy", "message": "refused", "type": "task_error"}
    assert judge(fake.poll_contract, 200, body).ok


def test_a_script_the_lifecycle_forbids_is_refused(fake: FakeAPI) -> None:
    with pytest.raises(FakeConfigError, match="does not allow completed -> processing"):
        fake.script_task(TaskScript(("pending", "completed", "processing")))


def test_a_rule_violation_gets_the_contracts_error(fake: FakeAPI) -> None:
    body = {**GOOD, "model": "veo-3.1-lite-image-to-video", "enhance_prompt": True}
    response = create(body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_advanced_options"
    assert error["message"] == (
        "enhance_prompt: must not be sent when model is one of veo-3.1-fast-image-to-video, "
        "veo-3.1-lite-image-to-video (rule enhance-prompt-standard-only: enhance_prompt is "
        "available for Standard only.)"
    )
    assert [v.rule for v in fake.calls[-1].violations] == ["enhance-prompt-standard-only"]
    assert judge(fake.create_contract, 422, response.json(), body).ok
    assert fake.paid == 0


def test_a_field_violation_is_422_invalid_request_error(fake: FakeAPI) -> None:
    response = create({**GOOD, "resolution": "1080P"})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer sk-wrong-key-123"}, 401), (AUTH, 200)],
)
def test_the_key_is_checked(fake: FakeAPI, headers: dict[str, str], status: int) -> None:
    response = httpx.post(f"{BASE}/v1/videos/generations", json=GOOD, headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.json()["error"]["type"] == "authentication_error"


def test_malformed_json_and_a_wrong_content_type_are_400(fake: FakeAPI) -> None:
    url = f"{BASE}/v1/videos/generations"
    bad_json = httpx.post(
        url, content=b"{bad", headers={**AUTH, "content-type": "application/json"}
    )
    text = httpx.post(url, content=b"{}", headers={**AUTH, "content-type": "text/plain"})
    assert (bad_json.status_code, text.status_code) == (400, 400)
    assert bad_json.json()["error"]["type"] == "invalid_request_error"
    assert (
        "Content-Type must be application/json, got text/plain" in text.json()["error"]["message"]
    )


def test_an_unknown_task_is_404_not_found(fake: FakeAPI) -> None:
    response = poll("task-unified-0-nothere0")
    assert response.status_code == 404
    assert response.json() == {"error": {"message": "task not found", "type": "not_found"}}


def test_a_429_fault_carries_retry_after_once(fake: FakeAPI) -> None:
    fake.add_fault(Fault(kind="rate_limit", retry_after=2))
    first, second = create(), create()
    assert first.status_code == 429
    assert first.headers["retry-after"] == "2"
    assert first.json()["error"]["type"] == "rate_limit_error"
    assert second.status_code == 200


@pytest.mark.parametrize(
    ("status", "kind"),
    [(402, "insufficient_quota"), (500, "server_error"), (503, "service_unavailable_error")],
)
def test_status_faults_answer_with_the_error_body(fake: FakeAPI, status: int, kind: str) -> None:
    fake.add_fault(Fault(status=status, method="POST"))
    response = create()
    assert response.status_code == status
    assert response.json()["error"]["type"] == kind
    assert judge(fake.create_contract, status, response.json(), GOOD).inconclusive


def test_a_dropped_connection_and_a_slow_answer(fake: FakeAPI) -> None:
    fake.add_fault(Fault(drop=True))
    with pytest.raises(httpx.RemoteProtocolError):
        create()
    fake.add_fault(Fault(delay=0.5))
    with pytest.raises(httpx.ReadTimeout):
        create(timeout=0.05)


def test_faults_match_on_method_and_path_glob(fake: FakeAPI) -> None:
    fake.add_fault(Fault(status=500, path="/v1/tasks/*", times=None))
    task_id = create().json()["id"]
    assert [poll(task_id).status_code for _ in range(2)] == [500, 500]


def test_credits_run_out_with_402(fake: FakeAPI) -> None:
    fake.configure(credits=1)
    assert [create().status_code for _ in range(2)] == [200, 402]


def test_mutations_break_the_contract_on_purpose(fake: FakeAPI) -> None:
    fake.configure(
        mutations=Mutations(accept_rules=frozenset({"lite-no-4k"}), patch_task={"object": "task"})
    )
    body = {**GOOD, "model": "veo-3.1-lite-image-to-video", "resolution": "4k"}
    response = create(body)
    verdict = judge(fake.create_contract, response.status_code, response.json(), body)
    assert [p.check for p in verdict.problems] == ["status", "schema"]
    assert verdict.explain().splitlines() == [
        "expected: 422 validation type invalid_request_error for rule lite-no-4k (resolution)",
        "actual:   200",
        '  - [lite-no-4k] resolution: "4k" is not allowed (it must be one of 720p, 1080p) when '
        "model is veo-3.1-lite-image-to-video (rule lite-no-4k: Lite supports only 720p and "
        "1080p.)",
        "problem: status: a body breaking rule lite-no-4k was accepted with 200",
        "problem: schema: object: 'video.generation.task' was expected (against "
        "responses.200.schema)",
    ]


def test_an_unknown_route_is_404(fake: FakeAPI) -> None:
    response = httpx.get(f"{BASE}/v1/models", headers=AUTH)
    assert response.status_code == 404


def test_config_round_trips_through_json_and_names_unknown_keys() -> None:
    config = FakeConfig(faults=(Fault(kind="rate_limit", retry_after=1),), credits=3, key="sk-x")
    again = FakeConfig.from_dict(config.to_dict(), base=FakeConfig(key="sk-x"))
    assert again == config
    assert "key" not in config.to_dict()
    with pytest.raises(FakeConfigError, match=r"unknown key 'credit' \(did you mean 'credits'\?\)"):
        FakeConfig.from_json('{"credit": 1}')
    with pytest.raises(FakeConfigError, match="fault: unknown key 'retry'"):
        FakeConfig.from_dict({"faults": [{"retry": 1}]})


def test_an_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(
        FakeConfigError, match=r"unknown error kind 'rate_limited' \(did you mean 'rate_limit'\?\)"
    ):
        FakeAPI(FakeConfig(faults=(Fault(kind="rate_limited"),)))


def test_config_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("FOXCONTRACT_FAKE_CONFIG", '{"credits": 2}')
    assert FakeConfig.from_env().credits == 2


def test_answer_rules_and_an_unchecked_lifecycle(fake: FakeAPI) -> None:
    fake.configure(
        mutations=Mutations(answer_rules={"lite-no-4k": "server"}, unchecked_lifecycle=True),
        task=TaskScript(("completed", "pending")),
    )
    body = {**GOOD, "model": "veo-3.1-lite-image-to-video", "resolution": "4k"}
    assert create(body).status_code == 500
    created = create().json()
    assert created["status"] == "completed"
    assert poll(created["id"]).json()["status"] == "pending"


def test_reset_forgets_calls_and_tasks_and_restarts_faults(fake: FakeAPI) -> None:
    fake.configure(faults=(Fault(status=500, method="POST"),))
    assert create().status_code == 500
    task_id = create().json()["id"]
    fake.reset()
    assert fake.calls == []
    assert poll(task_id).status_code == 404
    assert create().status_code == 500
