"""API.md section 4: each stance is one line of YAML, and changing it changes the verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.shipped import edited, write

from foxcontract import Contract, check, default_contract, expected_error, load_contract

LITE = "veo-3.1-lite-image-to-video"
VALID = {
    "model": "veo-3.1-image-to-video",
    "prompt": "a fox in the snow",
    "image_url": "https://example.com/fox.jpg",
}


def rules(body: Any, contract: Contract | None = None) -> list[str]:
    return [v.rule for v in check(body, contract)]


def test_null_means_absent(tmp_path: Path) -> None:
    body = {**VALID, "model": LITE, "enhance_prompt": None, "safety_tolerance": None}
    assert rules(body) == []
    contract = load_contract(
        write(tmp_path, edited("null_means_absent: true", "null_means_absent: false"))
    )
    assert contract.settings.null_means_absent is False
    assert rules(body, contract) == [
        "safety-tolerance-standard-fast-only",
        "enhance-prompt-standard-only",
    ]


def test_integral_floats(tmp_path: Path) -> None:
    body = {**VALID, "duration": 8.0, "safety_tolerance": 3.0}
    assert rules(body) == []
    contract = load_contract(
        write(tmp_path, edited("integral_floats: ambiguous", "integral_floats: reject"))
    )
    assert rules(body, contract) == ["duration.type", "safety_tolerance.type"]
    assert rules({**VALID, "duration": 8}, contract) == []


def test_field_violation_names_the_error_kind_of_field_rules(tmp_path: Path) -> None:
    body = {**VALID, "duration": 5}
    assert expected_error(check(body)) == "validation"
    assert default_contract().error_for("duration.enum").status == 422
    contract = load_contract(
        write(tmp_path, edited("field_violation: validation", "field_violation: malformed_request"))
    )
    assert expected_error(check(body, contract), contract) == "malformed_request"
    assert contract.error_for("duration.enum").status == 400
    # a cross rule's own `expect` is not changed by the setting
    lite = {**VALID, "model": LITE, "resolution": "4k"}
    assert expected_error(check(lite, contract), contract) == "validation"


def test_unknown_fields_can_be_rejected(tmp_path: Path) -> None:
    body = {**VALID, "callback_url": "https://example.com/hook", "Seed": 1}
    assert rules(body) == []
    contract = load_contract(
        write(tmp_path, edited("additionalProperties: true", "additionalProperties: false"))
    )
    assert [str(v) for v in check(body, contract)] == [
        "[body.additionalProperties] Seed: unknown field (this contract rejects unknown fields)",
        "[body.additionalProperties] callback_url: unknown field (this contract rejects "
        "unknown fields)",
    ]


def test_a_not_applicable_field_is_answered_as_the_rule_expects(tmp_path: Path) -> None:
    body = {**VALID, "model": LITE, "enhance_prompt": True}
    kind = default_contract().error_kinds[expected_error(check(body)) or ""]
    assert (kind.status, kind.code) == (422, "unsupported_advanced_options")
    text = edited(
        "    then: {enhance_prompt: absent}\n    expect: unsupported_advanced_options",
        "    then: {enhance_prompt: absent}\n    expect: validation",
    )
    contract = load_contract(write(tmp_path, text))
    assert expected_error(check(body, contract), contract) == "validation"


def test_the_documented_examples_get_the_documented_answers() -> None:
    contract = default_contract()
    assert contract.examples
    for example in contract.examples:
        kind = expected_error(check(example.body, contract), contract)
        status = 200 if kind is None else contract.error_kinds[kind].status
        assert status == example.status, example.name
