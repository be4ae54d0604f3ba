"""The ``fox_server`` fixture as users run it: the fake served on loopback for clients that
are not httpx (``requests``, ``urllib``), with the same API as ``fox_api``."""

from __future__ import annotations

import pytest

CLIENTS = """
import json, os, socket, urllib.error, urllib.request

import pytest, requests

BODY = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox",
        "image_url": "https://example.com/fox.jpg", "resolution": "720p", "duration": 4}
PORTS = []


def auth(fox):
    return {"Authorization": "Bearer " + fox.key}


def test_requests_client_creates_and_polls(fox_server):
    PORTS.append(fox_server.port)
    assert fox_server.base_url == "http://127.0.0.1:%d" % fox_server.port
    assert os.environ["FOXAPI_BASE_URL"] == fox_server.base_url
    assert os.environ["FOXAPI_API_KEY"] == fox_server.key
    with requests.Session() as session:
        session.headers.update(auth(fox_server))
        task = session.post(fox_server.base_url + "/v1/videos/generations", json=BODY).json()
        while task["status"] not in ("completed", "failed"):
            task = session.get(fox_server.base_url + "/v1/tasks/" + task["id"]).json()
    assert task["results"][0]["url"].endswith(".mp4")
    assert [(c.request.method, c.response.status) for c in fox_server.calls] == [
        ("POST", 200), ("GET", 200), ("GET", 200)]
    assert len(fox_server.requests("GET", "/v1/tasks/*")) == 2
    assert json.loads(fox_server.requests("POST")[0].body) == BODY
    assert fox_server.paid == 1
    assert fox_server.calls[0].at <= fox_server.calls[1].at


def test_requests_client_meets_scripted_answers(fox_server):
    url = fox_server.base_url + "/v1/videos/generations"
    fox_server.configure(credits=3)
    fox_server.fault(kind="rate_limit", retry_after=3)
    limited = requests.post(url, json=BODY, headers=auth(fox_server))
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3")
    assert limited.json()["error"]["type"] == "rate_limit_error"
    fox_server.script_task("pending", "failed", error_code="content_policy")
    task = requests.post(url, json=BODY, headers=auth(fox_server)).json()
    polled = requests.get(fox_server.base_url + "/v1/tasks/" + task["id"],
                          headers=auth(fox_server)).json()
    assert (polled["status"], polled["error"]["code"]) == ("failed", "content_policy")
    fox_server.fail_next_task()
    assert requests.post(url, json=BODY, headers=auth(fox_server)).status_code == 200
    assert requests.post(url, json=BODY, headers=auth(fox_server)).status_code == 200
    assert requests.post(url, json=BODY, headers=auth(fox_server)).status_code == 402
    assert fox_server.paid == 3
    fox_server.fault(drop=True)
    with pytest.raises(requests.ConnectionError):
        requests.post(url, json=BODY, headers=auth(fox_server))


def test_urllib_client(fox_server):
    assert fox_server.port != PORTS[0]  # a server of its own
    with pytest.raises(OSError):  # the previous test's server is gone
        socket.create_connection(("127.0.0.1", PORTS[0]), timeout=1).close()
    request = urllib.request.Request(
        fox_server.base_url + "/v1/videos/generations", data=json.dumps(BODY).encode(),
        headers={**auth(fox_server), "Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        task = json.loads(answer.read())
    assert task["status"] == "pending"
    unknown = urllib.request.Request(fox_server.base_url + "/v1/tasks/nope",
                                     headers=auth(fox_server))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unknown, timeout=5)
    assert refused.value.code == 404
    assert json.loads(refused.value.read())["error"]["type"] == "not_found"


def test_requests_client_breaks_a_rule(fox_server):
    answer = requests.post(fox_server.base_url + "/v1/videos/generations",
                           json={**BODY, "resolution": "4k"}, headers=auth(fox_server))
    assert answer.status_code == 422  # the provider's answer; the test fails at teardown


def test_raw_client_sends_broken_framing(fox_server):
    with socket.create_connection(("127.0.0.1", fox_server.port), timeout=5) as raw:
        raw.sendall(b"POST /v1/videos/generations HTTP/1.1\\r\\nHost: x\\r\\n"
                    b"Transfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n")
        assert raw.recv(4096).startswith(b"HTTP/1.1 400 ")


@pytest.mark.fox_server(strict=False, credits=0)
def test_lenient_server(fox_server):
    answer = requests.post(fox_server.base_url + "/v1/videos/generations",
                           json={**BODY, "resolution": "4k"}, headers=auth(fox_server))
    assert answer.status_code == 422
    assert [v.rule for v in fox_server.calls[0].violations] == ["lite-no-4k"]
    ok = requests.post(fox_server.base_url + "/v1/videos/generations", json=BODY,
                       headers=auth(fox_server))
    assert ok.status_code == 402


@pytest.mark.fox_server(credit=1)
def test_typo(fox_server):
    pass


@pytest.mark.fox_server(credits="abc")
def test_bad_value(fox_server):
    pass
"""


def test_fox_server_serves_requests_and_urllib_clients(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_clients=CLIENTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, errors=4)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_requests_client_breaks_a_rule _*",
            "E*ContractViolationError: FoxAPI request breaks rule lite-no-4k (field resolution)",
            "*Request sent:",
            "*  POST http://127.0.0.1:*/v1/videos/generations",
            "*  authorization: Bearer <redacted>",
            "*The provider would answer 422 invalid_request_error*",
            "*script it: fox_server.fault(kind=...); to let such requests through,"
            " fox_server.strict = False.",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_raw_client_sends_broken_framing _*",
            "E*ContractViolationError: FoxAPI request breaks rule request.http (field request)",
            "*  [[]request.http[]] chunked body: bad chunk size 'zz'",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.fox_server: unknown option 'credit' (did you mean 'credits'?)"]
    )
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.fox_server: fake config credits: expected an integer of 0 or more,"
            " or null (unlimited), got the string 'abc'"
        ]
    )
    assert "sk-foxcontract-test-key" not in result.stdout.str()
