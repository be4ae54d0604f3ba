"""The independent reference for the oracle (``helpers.oracle_reference``) checked against a
few verdicts written out by hand, so the reference itself cannot drift silently."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.oracle_reference import (
    BASE,
    DIMENSIONS,
    FAST,
    LITE,
    MODELS,
    OMIT,
    STANDARD,
    build,
    reference,
    sweep,
)

# Verdicts written out by hand: if the reference disagrees with one, the reference is wrong.
HAND_WRITTEN: list[tuple[Any, list[str]]] = [
    (build({"model": STANDARD}), []),
    (build({"model": LITE, "duration": 4}), ["lite-1080p-8s-only"]),
    (build({"model": LITE, "duration": 4, "resolution": "720p"}), []),
    (build({"model": LITE, "resolution": "4k"}), ["lite-no-4k"]),
    (build({"model": LITE, "resolution": "4K", "duration": 4}), ["resolution.enum"]),
    (build({"model": LITE, "enhance_prompt": None, "safety_tolerance": None}), []),
    (
        build({"model": LITE, "safety_tolerance": 3, "enhance_prompt": True}),
        ["safety-tolerance-standard-fast-only", "enhance-prompt-standard-only"],
    ),
    (
        build({"model": FAST, "safety_tolerance": 6, "person_generation": "dont_allow"}),
        ["person-generation-standard-only"],
    ),
    (build({"model": None, "duration": None}), ["model.type", "duration.type"]),
    (
        {"prompt": "", "image_url": "ftp://example.com/x.jpg"},
        ["model.required", "prompt.minLength", "image_url.pattern"],
    ),
    ({"model": FAST, "prompt": " \t", "image_url": "https://example.com"}, ["prompt.pattern"]),
    ([BASE], ["body.type"]),
]


@pytest.mark.parametrize(("body", "expected"), HAND_WRITTEN)
def test_reference_agrees_with_hand_written_verdicts(body: Any, expected: list[str]) -> None:
    assert reference(body) == expected


def test_sweeps_cover_every_allowed_value_omitted_and_null() -> None:
    for values in DIMENSIONS.values():
        assert OMIT in values
        assert None in values
    assert set(MODELS) <= set(DIMENSIONS["model"])
    assert sum(1 for _ in sweep(DIMENSIONS)) == 6 * 6 * 6 * 5 * 5
