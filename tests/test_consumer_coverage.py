"""Consumer coverage: at the end of a run that used ``fox_api``, the table of the rules the
project's requests touched and of the answers its code was made to handle, the same with
and without xdist."""

from __future__ import annotations

import pytest
from helpers.mini import write_mini

pytest_plugins = ["pytester"]

CLIENT_TESTS = """
import httpx


def send(fox_api, method, path, body=None):
    auth = {"Authorization": "Bearer " + fox_api.key}
    with httpx.Client(base_url=fox_api.base_url, headers=auth) as client:
        return client.request(method, path, json=body)


def test_created_and_polled(fox_api):
    task = send(fox_api, "POST", "/v1/mini", {"model": "small", "size": 1}).json()
    assert send(fox_api, "GET", "/v1/tasks/" + task["id"]).status_code == 200


def test_rate_limited_then_failed(fox_api):
    fox_api.fault(kind="rate_limit")
    fox_api.fail_next_task()
    assert send(fox_api, "POST", "/v1/mini", {"model": "big"}).status_code == 429
    task = send(fox_api, "POST", "/v1/mini", {"model": "big"}).json()
    for _ in range(3):
        polled = send(fox_api, "GET", "/v1/tasks/" + task["id"]).json()
    assert polled["status"] == "failed"


def test_a_broken_request(fox_api):
    fox_api.strict = False
    assert send(fox_api, "POST", "/v1/mini", {"model": "small", "size": 2}).status_code == 422


def test_without_the_fake():
    pass
"""

TABLE = [
    "your tests sent 8 requests to the fake FoxAPI in 3 tests",
    "  rules of mini   accepted  broke",
    "  body.type              4      0",
    "  model.required         4      0",
    "  model.type             4      0",
    "  model.enum             4      0",
    "  size.type              2      0",
    "  size.enum              2      0",
    "  small-size-1           1      1",
    "  never touched: note.type",
    "  answers your code was made to handle  seen",
    "  429 rate limited                         1",
    "  402 out of credits                       0",
    "  401 key refused                          0",
    "  5xx server error                         0",
    "  a failed task                            2",
    "  a dropped connection                     0",
    "  a slow answer                            0",
    "foxcontract: your code never saw: 402 out of credits, 401 key refused, 5xx server "
    "error, a dropped connection, a slow answer (script them with fox_api.fault(...) and "
    "fox_api.fail_next_task())",
]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """The mini contract as the project's create endpoint (the poll endpoint is shipped)."""
    write_mini(pytester)
    pytester.makeini("[pytest]\nfox_contracts = mini.yaml\n")
    pytester.makepyfile(test_client=CLIENT_TESTS)
    return pytester


@pytest.mark.parametrize(
    "workers", [[], pytest.param(["-n", "2"], marks=pytest.mark.slow)], ids=["serial", "xdist"]
)
def test_the_table_shows_what_the_tests_exercised(
    project: pytest.Pytester, workers: list[str]
) -> None:
    result = project.runpytest("-p", "no:cacheprovider", "test_client.py", *workers)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*= foxcontract consumer coverage =*", TABLE[0]])
    result.stdout.fnmatch_lines(TABLE, consecutive=True)


def test_every_answer_seen_says_so(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_faults="""
        import httpx
        import pytest
        from test_client import send

        @pytest.mark.parametrize("fault", [
            {"kind": "insufficient_quota"}, {"kind": "authentication"}, {"kind": "server"},
            {"drop": True}, {"delay": 0.01},
        ])
        def test_fault(fox_api, fault):
            fox_api.fault(**fault)
            try:
                send(fox_api, "POST", "/v1/mini", {"model": "big"})
            except httpx.TransportError:
                pass
        """
    )
    result = project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=9 + 20)
    result.stdout.fnmatch_lines(
        [
            "  answers your code was made to handle  seen",
            "  429 rate limited                         1",
            "  402 out of credits                       1",
            "  401 key refused                          1",
            "  5xx server error                         1",
            "  a failed task                            2",
            "  a dropped connection                     1",
            "  a slow answer                            1",
            "foxcontract: your code saw every answer the contract allows",
        ],
        consecutive=True,
    )


def test_no_table_in_a_run_without_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*consumer coverage*")


def test_fox_server_calls_are_counted_too(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_served="""
        import json
        import urllib.error
        import urllib.request


        def test_urllib_client(fox_server):
            fox_server.fault(kind="rate_limit")
            request = urllib.request.Request(
                fox_server.base_url + "/v1/mini",
                data=json.dumps({"model": "big"}).encode(),
                headers={"Authorization": "Bearer " + fox_server.key,
                         "Content-Type": "application/json"},
            )
            try:
                urllib.request.urlopen(request, timeout=5)
            except urllib.error.HTTPError as error:
                assert error.code == 429
        """
    )
    result = project.runpytest("-p", "no:cacheprovider", "test_served.py")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "your tests sent 1 requests to the fake FoxAPI in 1 tests",
            "  rules of mini   accepted  broke",
            "  body.type              1      0",
        ]
    )
    result.stdout.fnmatch_lines(["  429 rate limited                         1"])
