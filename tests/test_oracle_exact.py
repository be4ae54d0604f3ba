"""The oracle's exact answers where the table tests only compare rule ids: the whole
``Violation`` (rule, field, message) for non-objects, missing and unknown fields, every kind
of ``when`` condition (equal, in, not in, absent, present, none at all), defaults on both
sides of a rule, and which cross rules are skipped because a field they read is broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.shipped import contract_with

from foxcontract import Contract, Violation, check, expected_error

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
STANDARD = "veo-3.1-image-to-video"
LITE = "veo-3.1-lite-image-to-video"
VALID = {"model": STANDARD, "prompt": "a fox", "image_url": "https://example.com/fox.jpg"}

# one rule per kind of condition, on fields no shipped rule reads together
EXTRA_RULES = f"""rules:
  - id: no-when
    then: {{auto_fix: {{not_in: [true]}}}}
  - id: when-absent
    doc: d2.
    when: {{seed: absent, model: {STANDARD}}}
    then: {{negative_prompt: present}}
  - id: when-present
    when: {{seed: present}}
    then: {{aspect_ratio: {{in: ["9:16"]}}}}
  - id: when-not-in
    when: {{seed: {{not_in: [1, 9]}}}}
    then: {{person_generation: absent}}
  - id: when-in
    when: {{seed: {{in: [9]}}}}
    then: {{enhance_prompt: absent}}
  - id: required-not-lite
    when: {{model: {{not_in: [{LITE}]}}, negative_prompt: present}}
    then: {{generate_audio: {{not_in: [true]}}}}
"""


@pytest.fixture
def extra(tmp_path: Path) -> Contract:
    return contract_with(tmp_path, ("\nrules:\n", "\n" + EXTRA_RULES))


def test_a_body_that_is_not_an_object() -> None:
    assert check(["x"]) == [
        Violation("body.type", "body", "body: expected a JSON object, got array ['x']")
    ]
    assert check(None) == [Violation("body.type", "body", "body: expected a JSON object, got null")]


def test_missing_required_fields() -> None:
    # without a model there is no mode, so no mode's own required field is asked for
    assert check({"prompt": "a fox"}) == [
        Violation("model.required", "model", "model: required field is missing"),
    ]
    assert check({"model": STANDARD}) == [
        Violation("prompt.required", "prompt", "prompt: required field is missing"),
        Violation(
            "image_url.required",
            "image_url",
            "image_url: must be sent when model is one of veo-3.1-image-to-video, "
            "veo-3.1-fast-image-to-video, veo-3.1-lite-image-to-video "
            "(rule image_url.required: required for image-to-video)",
        ),
    ]


def test_unknown_fields_in_a_closed_contract(tmp_path: Path) -> None:
    closed = contract_with(tmp_path, ("additionalProperties: true", "additionalProperties: false"))
    says = "unknown field (this contract rejects unknown fields)"
    assert check({**VALID, "zeta": 1, "seed": 3, "alpha": 2}, closed) == [
        Violation("body.additionalProperties", "alpha", f"alpha: {says}"),
        Violation("body.additionalProperties", "zeta", f"zeta: {says}"),
    ]
    assert expected_error(check({**VALID, "zeta": 1}, closed), closed) == "validation"


def test_every_kind_of_condition(extra: Contract) -> None:
    def said(body: dict[str, object]) -> list[str]:
        return [str(v) for v in check({**VALID, "negative_prompt": "", **body}, extra)]

    assert said({"seed": 1}) == [
        '[when-present] aspect_ratio: "16:9" (the default) is not allowed (it must be 9:16) '
        "when seed is present (rule when-present)"
    ]
    assert said({"seed": 1, "aspect_ratio": "9:16"}) == []
    assert said({"seed": 1, "aspect_ratio": "9:16", "auto_fix": True}) == [
        "[no-when] auto_fix: true is not allowed (it must be none of True) (rule no-when)"
    ]
    assert said({"seed": 1, "aspect_ratio": "9:16", "auto_fix": False}) == []
    # seed not sent (nor defaulted): absent holds, present does not, not_in holds, in does not
    assert said({"person_generation": "dont_allow", "enhance_prompt": True}) == [
        "[when-not-in] person_generation: must not be sent when seed is none of 1, 9 "
        "(not sent) (rule when-not-in)"
    ]
    assert said({"seed": None, "person_generation": "dont_allow"}) == [
        "[when-not-in] person_generation: must not be sent when seed is none of 1, 9 "
        "(not sent) (rule when-not-in)"
    ]
    assert said({"seed": 2, "aspect_ratio": "9:16", "person_generation": "dont_allow"}) == [
        "[when-not-in] person_generation: must not be sent when seed is none of 1, 9 "
        "(rule when-not-in)"
    ]
    assert said({"seed": 9, "aspect_ratio": "9:16", "enhance_prompt": True}) == [
        "[when-in] enhance_prompt: must not be sent when seed is 9 (rule when-in)"
    ]
    body = {**VALID, "generate_audio": True}
    assert [str(v) for v in check(body, extra)] == [
        "[when-absent] negative_prompt: must be sent when seed is absent and model is "
        f"{STANDARD} (rule when-absent: d2.)"
    ]
    assert [str(v) for v in check({**body, "negative_prompt": "blur"}, extra)] == [
        "[required-not-lite] generate_audio: true is not allowed (it must be none of True) "
        f"when model is none of {LITE} and negative_prompt is present (rule required-not-lite)"
    ]


def test_a_value_rule_on_a_field_neither_sent_nor_defaulted(tmp_path: Path) -> None:
    rule = "\nrules:\n  - id: seed-one\n    then: {seed: {in: [1, 2]}}\n"
    contract = contract_with(tmp_path, ("\nrules:\n", rule))
    assert check(VALID, contract) == [
        Violation("seed-one", "seed", "seed: must be sent (as one of 1, 2) (rule seed-one)")
    ]
    assert check({**VALID, "seed": None}, contract) == check(VALID, contract)
    assert check({**VALID, "seed": 2}, contract) == []


def test_a_rule_reading_a_broken_field_is_not_judged(extra: Contract) -> None:
    # model missing: its own violation only, though not_in would hold on a missing value
    body = {"prompt": "a fox", "image_url": "https://example.com/fox.jpg", "generate_audio": True}
    assert [v.rule for v in check({**body, "negative_prompt": "blur"}, extra)] == ["model.required"]
    # seed broken: the rules reading seed are skipped (as JSON, "9" is none of 1, 9)
    body = {**VALID, "seed": "9", "person_generation": "dont_allow"}
    assert [v.rule for v in check(body, extra)] == ["seed.type"]


def test_a_required_fields_default_is_not_applied(tmp_path: Path) -> None:
    nullable = contract_with(
        tmp_path,
        ("        type: string\n        enum: [veo-3.1-image-to-video,",
         "        type: [string, 'null']\n        enum: [null, veo-3.1-image-to-video,"),
        ("\nrules:\n", f"\nrules:\n  - id: standard-no-seed\n    when: {{model: {STANDARD}}}\n"
         "    then: {seed: absent}\n"),
    )  # fmt: skip
    assert [v.rule for v in check({**VALID, "seed": 3}, nullable)] == ["standard-no-seed"]
    # a null model is not sent (null means absent), and the documented default is not
    # filled in for a required field
    assert check({**VALID, "model": None, "seed": 3}, nullable) == []
