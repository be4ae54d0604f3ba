"""``verdict`` at its edges, with exact values: the 2xx boundaries, every line of an
explanation, the expected error kinds of a body breaking several rules, answers that are not
JSON objects, and the fact (with its key and status) each problem names."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.shipped import CONTRACTS
from helpers.verdicts import GOOD, LITE_4K, TASK, err

from foxcontract.contract import load_contract
from foxcontract.contract.model import UNSTATED, Contract
from foxcontract.verdict import NO_BODY, Expected, Verdict, expect, judge, media_type

LISTED = "[200, 400, 401, 402, 422, 429, 500, 503]"
VALIDATION = "422 validation type invalid_request_error"
ADVANCED = "422 unsupported_advanced_options code unsupported_advanced_options"


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(199, "rejected"), (200, "accepted"), (299, "accepted"), (300, "rejected")],
)
def test_the_outcome_at_the_2xx_boundaries(status: int, outcome: str) -> None:
    expected = Expected((), None, ())
    assert Verdict(expected, status, ()).outcome == outcome
    assert Verdict(expected, status, (), inconclusive="429 rate_limit: ...").outcome == (
        "inconclusive"
    )


def test_a_3xx_answer_is_not_an_acceptance(create: Contract) -> None:
    allowed = judge(create, 300, err("x"), GOOD)
    assert [str(p) for p in allowed.problems] == [
        "status: an allowed body was rejected with 300",
        f"status: 300 is not an answer the contract lists {LISTED}",
    ]
    broken = judge(create, 300, err("x"), LITE_4K)
    assert [str(p) for p in broken.problems] == [
        f"status: expected {VALIDATION}, got 300 type x code None",
        f"status: 300 is not an answer the contract lists {LISTED}",
    ]
    assert judge(create, 200, TASK, GOOD).problems == ()
    assert [str(p) for p in judge(create, 299, TASK, LITE_4K).problems] == [
        "status: a body breaking rule lite-no-4k was accepted with 299",
        f"status: 299 is not an answer the contract lists {LISTED}",
    ]


def test_an_inconclusive_answer_explained(create: Contract) -> None:
    verdict = judge(create, 429, err("rate_limit_error"), LITE_4K)
    assert verdict.inconclusive == "429 rate_limit: the provider answered without judging the body"
    assert verdict.explain() == "\n".join(
        [
            f"expected: {VALIDATION} for rule lite-no-4k (resolution)",
            "actual:   429",
            '  - [lite-no-4k] resolution: "4k" is not allowed (it must be one of 720p, 1080p) '
            "when model is veo-3.1-lite-image-to-video "
            "(rule lite-no-4k: Lite supports only 720p and 1080p.)",
            "inconclusive: 429 rate_limit: the provider answered without judging the body",
        ]
    )
    assert judge(create, 200, TASK, GOOD).explain() == (
        "expected: 2xx: the body breaks no rule\nactual:   200"
    )


def test_a_refusal_that_judges_the_body_is_never_inconclusive(create: Contract) -> None:
    # 400 malformed_request is named by a setting, not by any rule
    verdict = judge(create, 400, err("invalid_request_error"), GOOD)
    assert verdict.inconclusive is None
    assert [str(p) for p in verdict.problems] == ["status: an allowed body was rejected with 400"]


def test_the_kinds_a_body_breaking_several_rules_may_get(create: Contract) -> None:
    body = {**LITE_4K, "enhance_prompt": True, "duration": 5}
    expected = expect(create, body)
    assert [v.rule for v in expected.violations] == [
        "duration.enum",
        "lite-no-4k",
        "enhance-prompt-standard-only",
    ]
    assert [k.name for k in expected.kinds] == ["validation", "unsupported_advanced_options"]
    assert expected.kind is not None
    assert expected.kind.name == "validation"
    assert expected.describe() == f"{VALIDATION} for rule duration.enum (duration)"
    assert judge(create, 422, err("x", "unsupported_advanced_options"), body).ok
    two = {**body, "duration": 8}
    assert judge(create, 422, err("invalid_request_error", "other"), two).ok  # validation
    wrong = judge(create, 422, err("weird", "other"), two)
    # 422 has an untyped kind too: an unknown type is no error-type problem of its own
    assert [str(p) for p in wrong.problems] == [
        f"error: expected {VALIDATION} or {ADVANCED}, got 422 type weird code other"
    ]


def test_no_body_no_judgement(create: Contract, poll: Contract) -> None:
    assert expect(create) == Expected((), None, (), judged=False)
    assert expect(create, NO_BODY).judged is False
    assert expect(poll, {"model": 3}) == Expected((), None, (), judged=False)
    assert expect(create, {**GOOD, "model": 3}).judged is True


def test_answers_that_are_not_json_objects(create: Contract) -> None:
    text = judge(create, 422, "Unprocessable", LITE_4K)
    assert [str(p) for p in text.problems] == [
        f"error: expected {VALIDATION}, got 422",
        "schema: (the body): 'Unprocessable' is not of type 'object' "
        "(against the errors contract's schema)",
    ]
    flat = judge(create, 422, {"error": "bad"}, LITE_4K)
    assert [str(p) for p in flat.problems] == [
        f"error: expected {VALIDATION}, got 422",
        "schema: error: 'bad' is not of type 'object' (against the errors contract's schema)",
    ]
    assert [str(p) for p in judge(create, 200, [], GOOD).problems] == [
        "schema: (the body): [] is not of type 'object' (against responses.200.schema)"
    ]


def test_the_facts_named(create: Contract) -> None:
    accepted = judge(create, 200, TASK, LITE_4K).problems[0].fact
    assert accepted is not None
    assert (accepted.part, accepted.rule, accepted.key, accepted.status) == (
        "rule", "lite-no-4k", "", "",
    )  # fmt: skip
    assert accepted.provenance == create.rule("lite-no-4k").provenance
    refused = judge(create, 400, err("invalid_request_error"), LITE_4K).problems[0].fact
    assert refused is not None
    assert (refused.part, refused.rule, refused.key) == ("answer", "lite-no-4k", "")
    assert refused.provenance == create.rule("lite-no-4k").answer
    typed = judge(create, 429, err("server_error"), GOOD).problems[0].fact
    assert typed is not None
    assert (typed.part, typed.key, typed.status, typed.rule) == ("error", "rate_limit", "429", None)
    assert typed.provenance == create.error_kinds["rate_limit"].provenance
    schema = judge(create, 200, {**TASK, "progress": 101}, GOOD).problems[0].fact
    assert schema is not None
    assert (schema.part, schema.status) == ("response", "200")


def test_the_content_type(create: Contract) -> None:
    assert media_type("Application/JSON ; charset=utf-8") == "application/json"
    assert media_type("text/plain") == "text/plain"
    upper = judge(create, 200, TASK, GOOD, {"CONTENT-TYPE": "Application/Json"})
    assert upper.problems == ()
    wrong = judge(create, 422, err("invalid_request_error"), LITE_4K, {"content-type": "text/x"})
    assert [str(p) for p in wrong.problems] == [
        "header: Content-Type: expected application/json (the errors file's content_type), "
        "got 'text/x'"
    ]
    fact = wrong.problems[0].fact
    assert fact is not None
    assert (fact.part, fact.key, fact.status) == ("header", "content-type", "422")
    assert fact.provenance == create.error_provenance["content_type"]
    assert fact.provenance is not UNSTATED


def edited_contracts(folder: Path, create: str = "", errors: str = "") -> Contract:
    """The shipped create contract and errors file, each with ``old\\nnew`` edits applied."""
    for name, edit in (("videos-generations.yaml", create), ("errors.yaml", errors)):
        text = (CONTRACTS / name).read_text(encoding="utf-8")
        if edit:
            old, new = edit.split("\n=>\n")
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        (folder / name).write_text(text, encoding="utf-8")
    return load_contract(folder / "videos-generations.yaml")


def test_a_polled_not_found_is_not_inconclusive(poll: Contract) -> None:
    verdict = judge(poll, 404, err("not_found"))
    assert (verdict.inconclusive, verdict.outcome, verdict.ok) == (None, "rejected", True)


def test_two_typed_kinds_of_one_status(tmp_path: Path) -> None:
    contract = edited_contracts(
        tmp_path,
        errors="    type: null\n    code: unsupported_advanced_options\n=>\n"
        "    type: advanced_error\n    code: unsupported_advanced_options\n",
    )
    verdict = judge(contract, 422, err("weird"), LITE_4K)
    assert [str(p) for p in verdict.problems] == [
        "error: expected 422 validation type invalid_request_error, got 422 type weird code None",
        "error: error type 'weird' for 422, expected 'invalid_request_error' or 'advanced_error'",
    ]
    fact = verdict.problems[1].fact
    assert fact is not None
    assert (fact.part, fact.key, fact.status) == ("error", "validation", "422")


def test_a_nested_schema_problem_names_its_path(create: Contract) -> None:
    task = {**TASK, "task_info": {"can_cancel": True, "estimated_time": -1}}
    verdict = judge(create, 200, task, GOOD)
    assert [str(p) for p in verdict.problems] == [
        "schema: task_info.estimated_time: -1 is less than the minimum of 0 "
        "(against responses.200.schema)"
    ]
    fact = verdict.problems[0].fact
    assert fact is not None
    assert fact.key == "schema.properties.task_info.properties.estimated_time.minimum"
    assert not fact.documented


def test_a_required_header_names_its_provenance(tmp_path: Path) -> None:
    contract = edited_contracts(
        tmp_path,
        create="    content_type: application/json\n    provenance:\n=>\n"
        "    content_type: application/json\n"
        "    headers: {x-request-id: {type: string, pattern: '^req-'}}\n"
        "    provenance:\n"
        '      headers: {assumed: "every answer carries its request id"}\n',
    )
    json_ct = {"content-type": "application/json"}
    for headers in (json_ct, {**json_ct, "x-request-id": "abc"}):
        fact = judge(contract, 200, TASK, GOOD, headers).problems[0].fact
        assert fact is not None
        assert (fact.part, fact.key) == ("header", "x-request-id")
        assert fact.provenance == contract.responses["200"].provenance_of("headers")
        assert fact.provenance is not UNSTATED
        assert not fact.documented
