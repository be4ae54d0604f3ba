"""``verdict.judge``: the expected outcome (the oracle, re-run) against the actual answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.shipped import contract_with
from helpers.verdicts import GOOD, LITE_4K, TASK, err

from foxcontract.contract.model import Contract
from foxcontract.verdict import judge, response_problems

LITE_ENHANCE = {**GOOD, "model": "veo-3.1-lite-image-to-video", "enhance_prompt": True}


@pytest.mark.parametrize(
    ("body", "status", "answer", "problems"),
    [
        (GOOD, 200, TASK, []),
        (
            GOOD,
            422,
            err("invalid_request_error"),
            ["status: an allowed body was rejected with 422"],
        ),
        (LITE_4K, 200, TASK, ["status: a body breaking rule lite-no-4k was accepted with 200"]),
        (LITE_4K, 422, err("invalid_request_error"), []),
        (LITE_ENHANCE, 422, err("invalid_request_error", "unsupported_advanced_options"), []),
        (
            LITE_ENHANCE,
            422,
            err("invalid_request_error"),
            [
                "error: expected 422 unsupported_advanced_options code "
                "unsupported_advanced_options, got 422 type invalid_request_error code None"
            ],
        ),
        (
            LITE_4K,
            400,
            err("invalid_request_error"),
            [
                "status: expected 422 validation type invalid_request_error, "
                "got 400 type invalid_request_error code None"
            ],
        ),
        (
            GOOD,
            418,
            err("teapot"),
            [
                "status: an allowed body was rejected with 418",
                "status: 418 is not an answer the contract lists "
                "[200, 400, 401, 402, 422, 429, 500, 503]",
            ],
        ),
        (
            GOOD,
            200,
            {**TASK, "status": "queued"},
            [
                "schema: status: 'queued' is not one of ['pending', 'processing', 'completed', "
                "'failed'] (against responses.200.schema)"
            ],
        ),
    ],
)
def test_judge(create: Contract, body: Any, status: int, answer: Any, problems: list[str]) -> None:
    verdict = judge(create, status, answer, body)
    assert [str(p) for p in verdict.problems] == problems
    assert verdict.ok is (not problems)


@pytest.mark.parametrize(
    ("status", "kind", "name"),
    [
        (429, "rate_limit_error", "rate_limit"),
        (503, "service_unavailable_error", "unavailable"),
        (402, "insufficient_quota", "insufficient_quota"),
        (401, "authentication_error", "authentication"),
    ],
)
def test_answers_that_do_not_judge_the_body_are_inconclusive(
    create: Contract, status: int, kind: str, name: str
) -> None:
    for body in (GOOD, LITE_4K):
        verdict = judge(create, status, err(kind), body)
        assert verdict.ok
        assert verdict.outcome == "inconclusive"
        assert verdict.inconclusive == (
            f"{status} {name}: the provider answered without judging the body"
        )


def test_an_inconclusive_answer_still_has_its_body_checked(create: Contract) -> None:
    verdict = judge(create, 429, {"error": {"type": "rate_limit_error"}}, GOOD)
    assert [str(p) for p in verdict.problems] == [
        "schema: error: 'message' is a required property (against the errors contract's schema)"
    ]
    wrong = judge(create, 429, err("server_error"), GOOD)
    assert [str(p) for p in wrong.problems] == [
        "error: error type 'server_error' for 429, expected 'rate_limit_error'"
    ]


def test_the_lifecycle_rules_of_a_polled_task(poll: Contract) -> None:
    failed = {
        "id": "t",
        "object": "video.generation.task",
        "type": "video",
        "model": "m",
        "status": "failed",
        "progress": 10,
        "created": 1,
        "error": None,
    }
    assert [str(p) for p in response_problems(poll, 200, failed)] == [
        "schema: error: None is not of type 'object' (against responses.200.schema)"
    ]
    verdict = judge(poll, 404, err("not_found"))
    assert verdict.ok
    assert verdict.expected.describe() == "any answer the contract lists (no body to judge)"


def test_explain_lists_expected_actual_and_problems(create: Contract) -> None:
    verdict = judge(create, 200, TASK, LITE_4K)
    assert verdict.explain().splitlines() == [
        "expected: 422 validation type invalid_request_error for rule lite-no-4k (resolution)",
        "actual:   200",
        '  - [lite-no-4k] resolution: "4k" is not allowed (it must be one of 720p, 1080p) '
        "when model is veo-3.1-lite-image-to-video "
        "(rule lite-no-4k: Lite supports only 720p and 1080p.)",
        "problem: status: a body breaking rule lite-no-4k was accepted with 200",
    ]


# --- response headers --------------------------------------------------------------------
def test_the_content_type_of_an_answer_is_judged(create: Contract) -> None:
    ok = judge(create, 200, TASK, GOOD, {"Content-Type": "application/json; charset=utf-8"})
    assert ok.problems == ()
    html = judge(create, 200, TASK, GOOD, {"content-type": "text/html"})
    assert [str(p) for p in html.problems] == [
        "header: Content-Type: expected application/json (responses.200.content_type), got "
        "'text/html'"
    ]
    fact = html.problems[0].fact
    assert fact is not None
    assert (fact.part, fact.key) == ("header", "content-type")
    assert fact.provenance.documented
    none = judge(create, 422, err("invalid_request_error"), LITE_4K, {})
    assert [str(p) for p in none.problems] == [
        "header: Content-Type: expected application/json (the errors file's content_type), "
        "got no Content-Type header"
    ]
    assert judge(create, 200, TASK, GOOD).problems == ()  # headers unknown: not judged


def test_a_required_header_is_judged_by_its_schema(tmp_path: Path) -> None:
    contract = contract_with(
        tmp_path,
        (
            "    content_type: application/json\n",
            "    content_type: application/json\n"
            "    headers: {x-request-id: {type: string, pattern: '^req-'}}\n",
        ),
    )
    json_ct = {"content-type": "application/json"}
    missing = judge(contract, 200, TASK, GOOD, json_ct)
    assert [str(p) for p in missing.problems] == [
        "header: x-request-id: required by responses.200.headers, missing"
    ]
    wrong = judge(contract, 200, TASK, GOOD, {**json_ct, "X-Request-Id": "abc"})
    assert [str(p) for p in wrong.problems] == [
        "header: x-request-id: 'abc': 'abc' does not match '^req-' (responses.200.headers)"
    ]
    assert judge(contract, 200, TASK, GOOD, {**json_ct, "x-request-id": "req-1"}).ok


def test_each_problem_names_the_fact_and_its_provenance(create: Contract) -> None:
    accepted = judge(create, 200, TASK, {**GOOD, "prompt": " "})
    fact = accepted.problems[0].fact
    assert fact is not None
    assert (fact.part, fact.rule) == ("rule", "prompt.pattern")
    assert not fact.documented
    refused = judge(create, 400, err("invalid_request_error"), [GOOD])
    fact = refused.problems[0].fact
    assert fact is not None
    assert (fact.part, fact.rule) == ("answer", "body.type")
    assert not fact.documented  # stance 6
    lite = judge(create, 200, TASK, LITE_4K)
    fact = lite.problems[0].fact
    assert fact is not None
    assert fact.documented
    assert fact.rule == "lite-no-4k"
    drift = response_problems(create, 200, {**TASK, "model": 5})
    fact = drift[0].fact
    assert fact is not None
    assert fact.key == "schema.properties.model"
    assert not fact.documented  # stance 7
