"""The oracle held to the independent reference for the whole Veo 3.1 family
(``helpers/oracle_family.py``: FAMILY.md's four modes in plain Python, without reading the
contract file) on a sweep of every mode, and the reference held to verdicts written by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers.oracle_family import (
    EXTEND,
    EXTEND_FAST,
    FLF,
    FLF_FAST,
    FLF_LITE,
    MODE_BASE,
    MODELS,
    MODES,
    PROMPT,
    REF,
    REF_FAST,
    SHAPES,
    URL,
    family_reference,
    family_sweep,
)
from helpers.oracle_reference import STANDARD
from helpers.shipped import contract_with

from foxcontract import check, default_contract
from foxcontract.contract.model import MISSING

HAND_WRITTEN: list[tuple[Any, list[str]]] = [
    (
        {
            "model": REF,
            "prompt": "A woman walking through a garden",
            "reference_image_urls": ["https://example.com/ref1.jpg"],
            "duration": 8,
            "resolution": "1080p",
            "reference_type": "STYLE",
        },
        [],
    ),
    ({"model": REF_FAST, "prompt": PROMPT, "reference_image_urls": [URL]}, []),
    ({"model": REF, "prompt": PROMPT, "reference_image_urls": [URL], "duration": 6},
     ["reference-duration-8-only"]),
    ({"model": REF, "prompt": PROMPT}, ["reference_image_urls.required"]),
    ({"model": REF, "prompt": PROMPT, "reference_image_urls": []},
     ["reference_image_urls.minItems"]),
    ({"model": REF_FAST, "prompt": PROMPT, "reference_image_urls": [URL],
      "reference_type": "ASSET"}, ["reference-type-standard-only"]),
    ({"model": REF, "prompt": PROMPT, "reference_image_urls": [URL], "seed": 1},
     ["reference-to-video.no-seed"]),
    ({"model": EXTEND, "prompt": PROMPT, "video_url": URL}, []),
    ({"model": EXTEND_FAST, "prompt": PROMPT, "video_url": URL, "duration": 8,
      "resolution": "720p"}, ["extend.no-duration", "extend.no-resolution"]),
    ({"model": EXTEND, "prompt": PROMPT, "image_url": URL},
     ["video_url.required", "extend.no-image_url"]),
    ({"model": FLF_LITE, "prompt": PROMPT, **MODE_BASE["first-last-frame"], "duration": 4},
     ["flf-lite-1080p-8s-only"]),
    ({"model": FLF_LITE, "prompt": PROMPT, **MODE_BASE["first-last-frame"], "duration": 4,
      "resolution": "720p"}, []),
    ({"model": FLF, "prompt": PROMPT, "first_image_url": URL},
     ["last_image_url.required"]),
    ({"model": FLF_FAST, "prompt": PROMPT, **MODE_BASE["first-last-frame"], "image_url": URL,
      "person_generation": "dont_allow"},
     ["first-last-frame.no-image_url", "flf-person-generation-standard-only"]),
    ({"model": STANDARD, "prompt": PROMPT, "image_url": URL, "video_url": URL},
     ["image-to-video.no-video_url"]),
    ({"model": "veo-3.1", "prompt": PROMPT, "image_url": URL}, ["model.enum"]),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), HAND_WRITTEN)
def test_reference_agrees_with_hand_written_verdicts(body: Any, expected: list[str]) -> None:
    assert family_reference(body) == expected


@pytest.mark.parametrize(("body", "expected"), HAND_WRITTEN)
def test_the_oracle_agrees_with_hand_written_verdicts(body: Any, expected: list[str]) -> None:
    assert [v.rule for v in check(body)] == expected


def test_the_oracle_agrees_with_the_family_reference_on_every_mode() -> None:
    bodies = list(family_sweep())
    assert len(bodies) == len(MODELS) * (4 * 4 * (3 + 3 + 3 + 2 + 3 + 2) + len(SHAPES))
    wrong = [
        (b, family_reference(b))
        for b in bodies
        if [v.rule for v in check(b)] != family_reference(b)
    ]
    assert wrong[:3] == []


def test_every_rule_a_mode_brings_is_reached_by_the_sweep() -> None:
    reached = {r for b in family_sweep() for r in family_reference(b)}
    new_fields = ("first_image_url", "last_image_url", "reference_image_urls", "video_url")
    brought = [
        r
        for r in default_contract().rule_ids
        if r.startswith((*(f"{m}." for m in MODES), "flf-", "reference-", "reference_type."))
        or r.split(".")[0] in (*new_fields, "image_url")
    ]
    # fields of other modes 24, limits 9, required by a mode 5, field rules 12 + image_url's 2
    assert len(brought) == 24 + 9 + 5 + 12 + 2
    assert [r for r in brought if r not in reached] == []


def test_each_mode_reads_its_own_defaults() -> None:
    """extend has generate_audio true and no duration, so a rule reading them sees that."""
    c = default_contract()
    extend = {"model": EXTEND, "prompt": PROMPT, "video_url": URL}
    assert c.default_of("generate_audio", extend) is True
    assert c.default_of("auto_fix", extend) is True
    assert c.default_of("duration", extend) is MISSING
    standard = {"model": STANDARD, "prompt": PROMPT, "image_url": URL}
    assert c.default_of("generate_audio", standard) is False
    assert c.default_of("duration", standard) == 8
    assert c.variant_of(extend) is c.variant("extend")
    assert c.variant_of({"model": "veo-3.1"}) is None


READ_DEFAULTS = """rules:
  - id: audio-no-negative-prompt
    when: {generate_audio: true}
    then: {negative_prompt: absent}
  - id: eight-seconds-no-seed
    when: {duration: 8}
    then: {seed: absent}
"""


def test_a_rule_reads_the_default_of_the_bodys_mode(tmp_path: Path) -> None:
    """extend's generate_audio defaults to true, the other modes' to false; extend has no
    duration, so no default of 8 either."""
    c = contract_with(tmp_path, ("\nrules:\n", "\n" + READ_DEFAULTS))
    extend = {"model": EXTEND, "prompt": PROMPT, "video_url": URL}
    standard = {"model": STANDARD, "prompt": PROMPT, "image_url": URL}
    assert [str(v) for v in check({**extend, "negative_prompt": "blurry"}, c)] == [
        "[audio-no-negative-prompt] negative_prompt: must not be sent when generate_audio is "
        "True (the default) (rule audio-no-negative-prompt)"
    ]
    assert check({**standard, "negative_prompt": "blurry"}, c) == []
    assert check({**extend, "generate_audio": False, "negative_prompt": "blurry"}, c) == []
    assert check({**extend, "seed": 1}, c) == []  # no duration in extend
    assert [v.rule for v in check({**standard, "seed": 1}, c)] == ["eight-seconds-no-seed"]


def test_a_body_without_an_optional_discriminator_has_its_defaults_variant(
    tmp_path: Path,
) -> None:
    c = contract_with(
        tmp_path,
        ("\nrules:\n", "\n" + READ_DEFAULTS),
        ("    required: [model, prompt]\n", "    required: [prompt]\n"),
        ("        default: veo-3.1-image-to-video\n", "        default: veo-3.1-extend\n"),
    )
    body = {"prompt": PROMPT, "video_url": URL, "negative_prompt": "blurry"}
    assert [v.rule for v in check(body, c)] == ["audio-no-negative-prompt"]
    assert c.variant_of(body) is c.variant("extend")
    # a null model is a type violation, and the rules not reading it still read the default's
    # variant
    assert [v.rule for v in check({**body, "model": None}, c)] == [
        "model.type",
        "audio-no-negative-prompt",
    ]
    standard = {"model": STANDARD, "prompt": PROMPT, "image_url": URL, "negative_prompt": "x"}
    assert check(standard, c) == []
