"""Client behaviour checks: Retry-After honoured, no poll of a finished task, no accepted
(paid) create sent again. The checks over a call log with a controlled clock (exact messages),
then as users run them: ``check_client=True`` on ``fox_api`` and ``fox_server``."""

from __future__ import annotations

import json

import pytest

from foxcontract.fake import TEST_KEY, FakeAPI, FakeConfig, FakeRequest, Fault, TaskScript
from foxcontract.fake.behaviour import check_calls, explain

BODY = {
    "model": "veo-3.1-lite-image-to-video",
    "prompt": "a fox",
    "image_url": "https://example.com/fox.jpg",
    "resolution": "720p",
    "duration": 4,
}
HEADERS = {"authorization": f"Bearer {TEST_KEY}", "content-type": "application/json"}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeAPI:
    return FakeAPI(FakeConfig(key=TEST_KEY), monotonic=clock)


def create(fake: FakeAPI, body: object = BODY) -> dict[str, object]:
    request = FakeRequest("POST", "/v1/videos/generations", HEADERS, json.dumps(body).encode())
    answer = fake.handle(request).body
    assert isinstance(answer, dict)
    return answer


def poll(fake: FakeAPI, task_id: object) -> dict[str, object]:
    answer = fake.handle(FakeRequest("GET", f"/v1/tasks/{task_id}", HEADERS)).body
    assert isinstance(answer, dict)
    return answer


def test_a_request_sooner_than_retry_after_is_flagged_with_the_times(
    fake: FakeAPI, clock: Clock
) -> None:
    fake.add_fault(Fault(kind="rate_limit", retry_after=2))
    create(fake)
    clock.now += 0.5
    create(fake)
    clock.now += 2.0
    create(fake)
    problems = check_calls(fake.calls, fake, ["retry-after"])
    assert [(m.check, m.call) for m in problems] == [("retry-after", 2)]
    assert problems[0].message == (
        "call 2 (POST /v1/videos/generations) at t=0.500 s: call 1's answer said "
        "Retry-After: 2, so no request before t=2.000 s (1.500 s too soon)"
    )
    assert fake.calls[0].response.headers["retry-after"] == "2"


def test_retry_after_counts_from_when_a_delayed_answer_left(fake: FakeAPI, clock: Clock) -> None:
    fake.add_fault(Fault(kind="rate_limit", retry_after=1, delay=0.01))
    create(fake)
    clock.now += 1.005  # 1 s after the answer left, within the slack
    create(fake)
    assert check_calls(fake.calls, fake) == []


def test_retry_after_as_an_http_date(fake: FakeAPI, clock: Clock) -> None:
    fake.add_fault(Fault(status=503, retry_after="Fri, 01 Jan 2100 00:00:00 GMT"))
    create(fake)
    clock.now += 60
    create(fake)
    problems = check_calls(fake.calls, fake)
    assert [(m.check, m.call) for m in problems] == [("retry-after", 2)]
    assert "said Retry-After: Fri, 01 Jan 2100 00:00:00 GMT" in problems[0].message


def test_polling_a_finished_task_is_flagged(fake: FakeAPI, clock: Clock) -> None:
    fake.script_task(TaskScript(("pending", "failed")))
    task_id = create(fake)["id"]
    assert poll(fake, task_id)["status"] == "failed"
    clock.now += 1
    poll(fake, task_id)
    problems = check_calls(fake.calls, fake)
    assert [(m.check, m.call) for m in problems] == [("poll-after-terminal", 3)]
    assert problems[0].message == (
        f"call 3 (GET /v1/tasks/{task_id}) polled task {task_id} again after call 2 answered "
        "it 'failed', a terminal status: it will not change"
    )


def test_polling_until_completed_and_stopping_passes(fake: FakeAPI) -> None:
    task_id = create(fake)["id"]
    statuses = [poll(fake, task_id)["status"] for _ in range(2)]
    assert statuses == ["processing", "completed"]
    assert check_calls(fake.calls, fake) == []


def test_resending_an_accepted_create_is_flagged_but_a_retry_of_a_refused_one_is_not(
    fake: FakeAPI,
) -> None:
    fake.add_fault(Fault(status=503))
    create(fake)  # 503: not accepted, a retry is right
    task_id = create(fake)["id"]  # accepted: paid
    create(fake, {**BODY, "prompt": "another fox"})  # a different video: fine
    create(fake, dict(reversed(BODY.items())))  # the same body, keys in another order
    problems = check_calls(fake.calls, fake)
    assert [(m.check, m.call) for m in problems] == [("paid-create-resent", 4)]
    assert problems[0].message == (
        "call 4 (POST /v1/videos/generations) re-sent the body of call 2, which was accepted "
        f"(task {task_id}): each accepted create is a paid generation"
    )
    assert fake.paid == 3


def test_the_explanation_lists_the_problems_then_the_calls(fake: FakeAPI, clock: Clock) -> None:
    fake.add_fault(Fault(kind="rate_limit", retry_after=1))
    create(fake)
    clock.now += 0.25
    create(fake)
    text = explain(check_calls(fake.calls, fake), fake.calls)
    assert text.splitlines() == [
        "FoxAPI client misbehaved: retry-after (1 problem)",
        "",
        "  [retry-after] call 2 (POST /v1/videos/generations) at t=0.250 s: call 1's answer "
        "said Retry-After: 1, so no request before t=1.000 s (0.750 s too soon)",
        "",
        "Calls (t: seconds since the first call):",
        "    1  t=   0.000  POST /v1/videos/generations  429  Retry-After: 1",
        "    2  t=   0.250  POST /v1/videos/generations  200",
    ]


def test_calls_carry_monotonic_and_wall_times(fake: FakeAPI, clock: Clock) -> None:
    create(fake)
    clock.now += 3
    create(fake)
    first, second = fake.calls
    assert (first.at, second.at) == (100.0, 103.0)
    assert 1.7e9 < first.wall <= second.wall


# --- as users run them ---------------------------------------------------------------------
CLIENTS = """
import json, time
import urllib.error, urllib.request

import httpx, pytest

BODY = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox",
        "image_url": "https://example.com/fox.jpg", "resolution": "720p", "duration": 4}


def httpx_create(fox, honour_retry_after):
    auth = {"Authorization": "Bearer " + fox.key}
    for _ in range(3):
        answer = httpx.post(fox.base_url + "/v1/videos/generations", json=BODY, headers=auth)
        if answer.status_code != 429:
            return answer.json()
        if honour_retry_after:
            time.sleep(int(answer.headers["retry-after"]))


def urllib_send(fox, method, path, body=None, timeout=5):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(fox.base_url + path, data=data, method=method, headers={
        "Authorization": "Bearer " + fox.key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.fox_api(check_client=True)
def test_api_ignores_retry_after(fox_api):
    fox_api.fault(kind="rate_limit", retry_after=30, times=2)
    httpx_create(fox_api, honour_retry_after=False)


@pytest.mark.fox_api(check_client=True)
def test_api_honours_retry_after(fox_api):
    fox_api.fault(kind="rate_limit", retry_after=1)
    assert httpx_create(fox_api, honour_retry_after=True)["status"] == "pending"


def test_api_polls_a_failed_task(fox_api):
    fox_api.check_client = True
    fox_api.fail_next_task()
    task = httpx_create(fox_api, True)
    auth = {"Authorization": "Bearer " + fox_api.key}
    for _ in range(4):  # keeps polling though the task failed
        httpx.get(fox_api.base_url + "/v1/tasks/" + task["id"], headers=auth)


@pytest.mark.fox_api(check_client=["retry-after"])
def test_api_resends_but_only_retry_after_is_checked(fox_api):
    httpx_create(fox_api, True)
    httpx_create(fox_api, True)


@pytest.mark.fox_server(check_client=True)
def test_server_resends_a_paid_create_after_a_timeout(fox_server):
    fox_server.fault(delay=0.5)
    for _ in range(2):
        try:  # a client that gives up after 0.2 s, then sends the create again
            urllib_send(fox_server, "POST", "/v1/videos/generations", BODY, timeout=0.2)
        except OSError:
            pass
    assert fox_server.paid == 2


@pytest.mark.fox_server(check_client=True)
def test_server_well_behaved(fox_server):
    fox_server.fault(kind="rate_limit", retry_after=1)
    status, _ = urllib_send(fox_server, "POST", "/v1/videos/generations", BODY)
    assert status == 429
    time.sleep(1)
    status, task = urllib_send(fox_server, "POST", "/v1/videos/generations", BODY)
    while task["status"] not in ("completed", "failed"):
        status, task = urllib_send(fox_server, "GET", "/v1/tasks/" + task["id"])
    assert task["status"] == "completed"


@pytest.mark.fox_server(check_client=True)
def test_server_ignores_retry_after(fox_server):
    fox_server.fault(kind="rate_limit", retry_after=30)
    for _ in range(2):
        urllib_send(fox_server, "POST", "/v1/videos/generations", BODY)


def test_unchecked_by_default(fox_api):
    fox_api.fault(kind="rate_limit", retry_after=1)
    httpx_create(fox_api, honour_retry_after=False)


@pytest.mark.fox_api(check_client=["retry_after"])
def test_a_misspelt_check(fox_api):
    pass


def test_a_misspelt_check_set_in_the_test(fox_api):
    fox_api.check_client = "poll_after_terminal"
"""


def test_misbehaving_clients_fail_at_teardown_and_well_behaved_ones_pass(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_clients=CLIENTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=9, errors=6)
    lines = result.stdout.lines
    errors = [line for line in lines if line.startswith("ERROR test_clients.py::")]
    assert sorted(e.split(" - ")[0] for e in errors) == [
        "ERROR test_clients.py::test_a_misspelt_check",
        "ERROR test_clients.py::test_a_misspelt_check_set_in_the_test",
        "ERROR test_clients.py::test_api_ignores_retry_after",
        "ERROR test_clients.py::test_api_polls_a_failed_task",
        "ERROR test_clients.py::test_server_ignores_retry_after",
        "ERROR test_clients.py::test_server_resends_a_paid_create_after_a_timeout",
    ]
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_api_ignores_retry_after _*",
            "E*ClientMisbehaviourError: FoxAPI client misbehaved: retry-after (2 problems)",
            "*  [[]retry-after[]] call 2 (POST /v1/videos/generations) at t=* s: call 1's"
            " answer said Retry-After: 30, so no request before t=30.000 s (* s too soon)",
            "*  [[]retry-after[]] call 3 (POST /v1/videos/generations) at t=* s: call 2's *",
            "*Calls (t: seconds since the first call):",
            "*  1  t=   0.000  POST /v1/videos/generations  429  Retry-After: 30",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_api_polls_a_failed_task _*",
            "E*ClientMisbehaviourError: FoxAPI client misbehaved: poll-after-terminal (2 problems)",
            "*  [[]poll-after-terminal[]] call 4 (GET /v1/tasks/task-unified-*) polled task"
            " task-unified-* again after call 3 answered it 'failed', a terminal status:"
            " it will not change",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_server_resends_a_paid_create_after_a_timeout _*",
            "E*ClientMisbehaviourError: FoxAPI client misbehaved: paid-create-resent (1 problem)",
            "*  [[]paid-create-resent[]] call 2 (POST /v1/videos/generations) re-sent the body"
            " of call 1, which was accepted (task task-unified-*): each accepted create is a"
            " paid generation",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_server_ignores_retry_after _*",
            "E*ClientMisbehaviourError: FoxAPI client misbehaved: retry-after (1 problem)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.fox_api: check_client: unknown check 'retry_after' (did you mean"
            " 'retry-after'?) (checks: retry-after, poll-after-terminal, paid-create-resent)"
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*fox_api.check_client: unknown check 'poll_after_terminal' (did you mean"
            " 'poll-after-terminal'?) *"
        ]
    )
