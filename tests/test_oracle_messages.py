"""The oracle's output as users read it: the order of violations, the messages, the error kind."""

from __future__ import annotations

from helpers.oracle_reference import BASE, LITE, STANDARD, build

from foxcontract import check, default_contract, expected_error

VALID = {**BASE, "model": STANDARD}


def test_every_violation_of_a_broken_body_is_reported_in_contract_order() -> None:
    body = {
        "seed": "1",
        "model": LITE,
        "prompt": "",
        "duration": 6,
        "resolution": "4k",
        "enhance_prompt": True,
        "safety_tolerance": 9,
    }
    assert [v.rule for v in check(body)] == [
        "prompt.minLength",
        "safety_tolerance.maximum",
        "seed.type",
        "image_url.required",  # a mode's required field: after the fields, before the limits
        "lite-no-4k",
        "enhance-prompt-standard-only",
    ]


def test_the_messages_name_the_field_the_value_and_the_rule() -> None:
    body = build({"model": LITE, "duration": 4, "safety_tolerance": 3})
    assert [str(v) for v in check(body)] == [
        "[lite-1080p-8s-only] duration: 4 is not allowed (it must be 8) when model is "
        "veo-3.1-lite-image-to-video and resolution is 1080p (the default) "
        "(rule lite-1080p-8s-only: Lite at 1080p supports only 8 seconds "
        "(4 and 6 need resolution 720p).)",
        "[safety-tolerance-standard-fast-only] safety_tolerance: must not be sent when model "
        "is veo-3.1-lite-image-to-video (rule safety-tolerance-standard-fast-only: "
        "safety_tolerance is available for Standard and Fast, not applicable for Lite.)",
    ]
    assert [v.field for v in check(body)] == ["duration", "safety_tolerance"]
    assert [str(v) for v in check({**VALID, "safety_tolerance": 0, "duration": "8"})] == [
        '[duration.type] duration: expected integer, got string "8"',
        "[safety_tolerance.minimum] safety_tolerance: 0 is less than the minimum 1",
    ]


def test_expected_error_is_the_kind_of_the_first_violation() -> None:
    assert expected_error(check(VALID)) is None
    assert expected_error(check({**VALID, "duration": 5})) == "validation"
    lite = build({"model": LITE, "enhance_prompt": True})
    assert expected_error(check(lite)) == "unsupported_advanced_options"
    assert default_contract().error_for("lite-no-4k").status == 422
