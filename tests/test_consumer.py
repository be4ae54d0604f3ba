"""The ``fox_api`` fixture as users run it: the sample client's tests pass, and fail naming
the rule when the client is changed to send a request the contract forbids."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture
def sample(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for module in ("sample_client", "test_sample_client"):  # imported by tests/examples
        monkeypatch.delitem(sys.modules, module, raising=False)
    for name in ("sample_client.py", "test_sample_client.py"):
        pytester.makepyfile(**{name[:-3]: (EXAMPLES / name).read_text()})
    return pytester


@pytest.mark.parametrize(
    "workers", [[], pytest.param(["-n", "2"], marks=pytest.mark.slow)], ids=["serial", "xdist"]
)
def test_the_sample_clients_tests_pass_with_the_fixture(
    sample: pytest.Pytester, workers: list[str]
) -> None:
    result = sample.runpytest("-p", "no:cacheprovider", *workers)
    result.assert_outcomes(passed=6)


def test_async_clients_talk_to_the_fake_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        import httpx

        def test_async(fox_api):
            async def go():
                async with httpx.AsyncClient(base_url=fox_api.base_url) as client:
                    auth = {"Authorization": "Bearer " + fox_api.key}
                    body = {"model": "veo-3.1-fast-image-to-video", "prompt": "x",
                            "image_url": "https://e.com/a.jpg", "enhance_prompt": True}
                    await client.post("/v1/videos/generations", json=body, headers=auth)
            asyncio.run(go())
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E*ContractViolationError: "
            "FoxAPI request breaks rule enhance-prompt-standard-only (field enhance_prompt)"
        ]
    )


def test_they_fail_naming_the_rule_when_the_client_sends_enhance_prompt_to_lite(
    sample: pytest.Pytester,
) -> None:
    client = (EXAMPLES / "sample_client.py").read_text()
    changed = client.replace(
        '"duration": duration,', '"duration": duration,\n            "enhance_prompt": True,'
    )
    assert changed != client
    sample.makepyfile(sample_client=changed)
    result = sample.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=6)
    result.stdout.fnmatch_lines(
        [
            "E*foxcontract.fixtures.ContractViolationError: "
            "FoxAPI request breaks rule enhance-prompt-standard-only (field enhance_prompt)",
            "E*  [[]enhance-prompt-standard-only[]] enhance_prompt: must not be sent when model"
            " is one of veo-3.1-fast-image-to-video, veo-3.1-lite-image-to-video *",
            "E*Request sent:",
            "E*  POST https://api.foxapi.cc/v1/videos/generations",
            "E*  authorization: Bearer <redacted>",
            'E*  body: {"duration": 4, "enhance_prompt": true, "image_url": "https://example.com/fox.jpg",'
            ' "model": "veo-3.1-lite-image-to-video", "prompt": *',
            "E*The provider would answer 422 invalid_request_error (unsupported_advanced_options)",
            "E*Contract: */videos-generations.yaml",
        ]
    )
    assert "sk-foxcontract-test-key" not in result.stdout.str()
    assert "SideEffectError" not in result.stdout.str()  # respx's wrapper is not shown


def test_a_violation_the_code_swallows_still_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_swallows(fox_api):
            try:
                httpx.post(fox_api.base_url + "/v1/videos/generations",
                           json={"model": "veo-3.1-lite-image-to-video", "prompt": "x",
                                 "image_url": "https://e.com/a.jpg", "resolution": "4k"},
                           headers={"Authorization": "Bearer " + fox_api.key})
            except Exception:
                pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "E*foxcontract.fixtures.ContractViolationError: "
            "FoxAPI request breaks rule lite-no-4k (field resolution)"
        ]
    )


def test_a_missing_key_is_a_violation_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_no_key(fox_api):
            httpx.get(fox_api.base_url + "/v1/tasks/abc")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["E*ContractViolationError: FoxAPI request breaks rule request.auth (field Authorization)"]
    )


def test_other_hosts_are_blocked_and_strict_false_answers_like_the_provider(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import httpx, pytest

        def test_other_host(fox_api):
            httpx.get("https://example.org/")

        @pytest.mark.fox_api(strict=False, base_url="http://fox.test")
        def test_lenient(fox_api):
            response = httpx.post("http://fox.test/v1/videos/generations", json={},
                                  headers={"Authorization": "Bearer " + fox_api.key})
            assert response.status_code == 422
            assert [v.rule for v in fox_api.calls[0].violations] == [
                "model.required", "prompt.required"]

        @pytest.mark.fox_api(credit=1)
        def test_typo(fox_api):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "E*respx.models.AllMockedAssertionError: "
            "RESPX: <Request('GET', 'https://example.org/')> not mocked!"
        ]
    )
    result.stdout.fnmatch_lines(
        ["@pytest.mark.fox_api: unknown option 'credit' (did you mean 'credits'?)"]
    )


def test_fox_api_answers_at_the_base_url_the_code_is_configured_with(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a gateway with a path prefix, set the way the code under test reads it
    monkeypatch.setenv("FOXAPI_BASE_URL", "https://gateway.example.com/foxapi/")
    pytester.makepyfile(
        """
        import os

        import httpx
        import pytest

        BODY = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox",
                "image_url": "https://example.com/fox.jpg"}

        def test_create_then_poll(fox_api):
            base = os.environ["FOXAPI_BASE_URL"].rstrip("/")
            auth = {"Authorization": "Bearer " + fox_api.key}
            task = httpx.post(base + "/v1/videos/generations", json=BODY, headers=auth).json()
            polled = httpx.get(base + "/v1/tasks/" + task["id"], headers=auth)
            assert polled.status_code == 200
            assert fox_api.base_url == "https://gateway.example.com/foxapi"
            assert [c.request.path for c in fox_api.calls] == [
                "/v1/videos/generations", "/v1/tasks/" + task["id"]]

        @pytest.mark.fox_api(base_url="https://other.example")
        def test_the_marker_wins(fox_api):
            assert fox_api.base_url == "https://other.example"
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


BAD_VALUES = """
import pytest

from foxcontract.fake import Fault


def test_configure(fox_api):
    fox_api.configure(credits="5")


def test_configure_misspelt(fox_api):
    fox_api.configure(credit=5)


def test_fault(fox_api):
    fox_api.fault(kind="rate_limt")


def test_script(fox_api):
    fox_api.script_task("pending", "donee")


def test_a_fault_of_the_users_own():
    Fault(status="503")


@pytest.mark.fox_api(credits="x")
def test_marker(fox_api):
    pass


@pytest.mark.fox_api(check_client=["retry-afterr"])
def test_marker_check(fox_api):
    pass
"""


def test_a_bad_value_for_the_fake_fails_at_the_users_line_with_the_message_alone(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_bad=BAD_VALUES)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=5, errors=2)
    error = "E       foxcontract.fake.config.FakeConfigError: "
    expected = {
        "test_configure": [
            '>       fox_api.configure(credits="5")',
            f"{error}fake config credits: expected an integer of 0 or more, or null "
            "(unlimited), got the string '5' (did you mean 5, without quotes?)",
        ],
        "test_configure_misspelt": [
            ">       fox_api.configure(credit=5)",
            f"{error}fake config: unknown key 'credit' (did you mean 'credits'?)",
        ],
        "test_fault": [
            '>       fox_api.fault(kind="rate_limt")',
            f"{error}fault kind: unknown error kind 'rate_limt' (did you mean 'rate_limit'?)",
        ],
        "test_script": [
            '>       fox_api.script_task("pending", "donee")',
            f"{error}task statuses: unknown status 'donee' (one of ['completed', 'failed', "
            "'pending', 'processing'])",
        ],
        "test_a_fault_of_the_users_own": [
            '>       Fault(status="503")',
            f"{error}fault status: expected an integer 100..599, or null, got the string "
            "'503' (did you mean 503, without quotes?)",
        ],
    }
    lines = result.stdout.lines
    for test, shown in expected.items():
        at = lines.index(shown[0])  # the user's line, then the message, then where: no frame
        assert lines[at - 1] == f"    def {test}({'' if 'own' in test else 'fox_api'}):"
        assert lines[at + 1 : at + 3] == [shown[1], ""], test
        assert re.fullmatch(r"test_bad\.py:\d+: FakeConfigError", lines[at + 3]), lines[at + 3]
    setup = [line for line in lines if line.startswith("@pytest.mark.fox_api: ")]
    assert setup == [
        "@pytest.mark.fox_api: fake config credits: expected an integer of 0 or more, or null "
        "(unlimited), got the string 'x'",
        "@pytest.mark.fox_api: check_client: unknown check 'retry-afterr' (did you mean "
        "'retry-after'?) (checks: retry-after, poll-after-terminal, paid-create-resent)",
    ]
    output = result.stdout.str()
    assert "During handling" not in output
    assert "foxcontract/" not in output.replace("foxcontract.fake.config", "")
    assert "dataclasses" not in output
    assert "<string>" not in output


def test_requests_matches_the_whole_path_or_a_glob(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        BODY = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox",
                "image_url": "https://example.com/fox.jpg"}

        def test_paths(fox_api):
            auth = {"Authorization": "Bearer " + fox_api.key}
            with httpx.Client(base_url=fox_api.base_url, headers=auth) as client:
                task = client.post("/v1/videos/generations", json=BODY).json()
                client.get("/v1/tasks/" + task["id"])
                client.get("/v1/tasks/" + task["id"] + "?verbose=1")
                client.post("/v1/videos/generations-extra", json=BODY)
            polls = ["/v1/tasks/" + task["id"], "/v1/tasks/" + task["id"] + "?verbose=1"]
            paths = lambda *args: [r.path for r in fox_api.requests(*args)]
            assert paths("GET", "/v1/tasks") == []
            assert paths("GET", "/v1/tasks/") == []
            assert paths("GET", "/v1/tasks/*") == polls
            assert paths("GET", "/v1/tasks/" + task["id"]) == polls
            assert paths("POST", "/v1/videos/generations") == ["/v1/videos/generations"]
            assert paths(None, "/v1/videos/*") == [
                "/v1/videos/generations", "/v1/videos/generations-extra"]
            assert len(paths()) == 4
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
