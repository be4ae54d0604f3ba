"""Table-driven tests of ``foxcontract.check`` against the shipped contract.

Expected verdicts come from the test side only: :func:`reference` (API.md in plain Python)
for the sweeps, and rule ids written out by hand for the single-field perturbations. Each
test loops over its table and reports every mismatch in one assertion message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from test_oracle_family import family_reference, family_sweep
from test_oracle_reference import (
    ADVANCED,
    BASE,
    DIMENSIONS,
    FAST,
    LITE,
    MODELS,
    OMIT,
    STANDARD,
    reference,
    sweep,
)

from foxcontract import check, default_contract

VALID = {**BASE, "model": STANDARD}


def mismatches(cases: Iterable[tuple[Any, list[str]]]) -> list[str]:
    """``body: expected [...], check() said [...]`` for every case the oracle gets wrong."""
    out = []
    for body, expected in cases:
        actual = [v.rule for v in check(body)]
        if actual != expected:
            out.append(f"{body!r}: expected {expected}, check() said {actual}")
    return out


def report(wrong: list[str], total: int) -> str:
    shown = "\n".join(wrong[:40])
    more = f"\n... and {len(wrong) - 40} more" if len(wrong) > 40 else ""
    return f"{len(wrong)} of {total} bodies judged wrongly:\n{shown}{more}"


@pytest.mark.parametrize("model", DIMENSIONS["model"], ids=repr)
def test_every_combination_of_the_main_dimensions(model: Any) -> None:
    rest = {k: v for k, v in DIMENSIONS.items() if k != "model"}
    cases = [(b, reference(b)) for b in sweep(rest, model=model)]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))
    assert len(cases) == 6 * 6 * 5 * 5


@pytest.mark.parametrize("model", [*MODELS, OMIT], ids=("standard", "fast", "lite", "omitted"))
def test_every_combination_of_the_advanced_options(model: Any) -> None:
    cases = [(b, reference(b)) for b in sweep(ADVANCED, model=model)]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))


def test_the_sweeps_reach_every_rule() -> None:
    """The sweeps are only worth something if they break every rule of the contract."""
    bodies = [*sweep(DIMENSIONS), *NON_OBJECTS, *(b for b, _ in PERTURBATIONS)]
    for model in (*MODELS, OMIT):
        bodies.extend(sweep(ADVANCED, model=model))
    bodies.extend(family_sweep())
    seen = {rule for body in bodies for rule in family_reference(body)}
    assert seen == set(default_contract().rule_ids)


# Each field, one change at a time, on a valid Standard body. Written out by hand.
_FIELD_CASES: dict[str, list[tuple[Any, list[str]]]] = {
    "model": [
        (OMIT, ["model.required"]),
        (None, ["model.type"]),
        (3, ["model.type"]),
        (["veo-3.1-image-to-video"], ["model.type"]),
        ({"name": STANDARD}, ["model.type"]),
        ("VEO-3.1-IMAGE-TO-VIDEO", ["model.enum"]),
        ("veo-3.1-text-to-video", ["model.enum"]),
        ("", ["model.enum"]),
        (" ", ["model.enum"]),
        (FAST, []),
        (LITE, []),
    ],
    "prompt": [
        (OMIT, ["prompt.required"]),
        (None, ["prompt.type"]),
        (8, ["prompt.type"]),
        (True, ["prompt.type"]),
        (["a"], ["prompt.type"]),
        ("", ["prompt.minLength"]),
        (" ", ["prompt.pattern"]),
        ("\t\n ", ["prompt.pattern"]),
        ("花在风中轻轻摇曳", []),
        (" x ", []),
    ],
    "image_url": [
        (OMIT, ["image_url.required"]),
        (None, ["image_url.type"]),
        (1, ["image_url.type"]),
        ({"url": "https://example.com/x.jpg"}, ["image_url.type"]),
        ("", ["image_url.pattern"]),
        (" ", ["image_url.pattern"]),
        ("ftp://example.com/x.jpg", ["image_url.pattern"]),
        ("https://", ["image_url.pattern"]),
        ("https:///x.jpg", ["image_url.pattern"]),
        ("example.com/x.jpg", ["image_url.pattern"]),
        ("//example.com/x.jpg", ["image_url.pattern"]),
        ("https://example.com/x.jpg ", ["image_url.pattern"]),
        ("https://example.com/x.jpg\n", ["image_url.pattern"]),
        ("https://exa mple.com/x.jpg", ["image_url.pattern"]),
        ("https://:443/x.jpg", ["image_url.pattern"]),
        ("HTTPS://example.com/x.jpg", []),
        ("Http://example.com/x.jpg", []),
        ("http://example.com/x.jpg", []),
        ("https://example.com", []),
        ("https://example.com:8443/a/b.png?size=large#top", []),
    ],
    "aspect_ratio": [
        (OMIT, []),
        (None, ["aspect_ratio.type"]),
        (16, ["aspect_ratio.type"]),
        (1.7778, ["aspect_ratio.type"]),
        ("1:1", ["aspect_ratio.enum"]),
        ("16/9", ["aspect_ratio.enum"]),
        ("", ["aspect_ratio.enum"]),
        (" ", ["aspect_ratio.enum"]),
        ("9:16", []),
    ],
    "duration": [
        (OMIT, []),
        (None, ["duration.type"]),
        ("8", ["duration.type"]),
        ("", ["duration.type"]),
        (True, ["duration.type"]),
        (8.5, ["duration.type"]),
        (5, ["duration.enum"]),
        (0, ["duration.enum"]),
        (10, ["duration.enum"]),
        (-8, ["duration.enum"]),
        (8.0, []),  # integral_floats: ambiguous, so the oracle accepts it
        (4, []),
    ],
    "resolution": [
        (OMIT, []),
        (None, ["resolution.type"]),
        (1080, ["resolution.type"]),
        ("1080P", ["resolution.enum"]),
        ("4K", ["resolution.enum"]),
        ("1080", ["resolution.enum"]),
        ("", ["resolution.enum"]),
        (" ", ["resolution.enum"]),
        ("4k", []),
    ],
    "generate_audio": [
        (OMIT, []),
        (None, ["generate_audio.type"]),
        ("true", ["generate_audio.type"]),
        (1, ["generate_audio.type"]),
        (0, ["generate_audio.type"]),
        ("", ["generate_audio.type"]),
        (True, []),
    ],
    "auto_fix": [
        (OMIT, []),
        (None, []),
        ("true", ["auto_fix.type"]),
        (1, ["auto_fix.type"]),
        ("", ["auto_fix.type"]),
        (False, []),
    ],
    "safety_tolerance": [
        (OMIT, []),
        (None, []),
        (0, ["safety_tolerance.minimum"]),
        (-1, ["safety_tolerance.minimum"]),
        (7, ["safety_tolerance.maximum"]),
        (1, []),
        (6, []),
        ("3", ["safety_tolerance.type"]),
        (3.5, ["safety_tolerance.type"]),
        (True, ["safety_tolerance.type"]),
        ("", ["safety_tolerance.type"]),
    ],
    "enhance_prompt": [
        (OMIT, []),
        (None, []),
        ("true", ["enhance_prompt.type"]),
        (1, ["enhance_prompt.type"]),
        (" ", ["enhance_prompt.type"]),
        (True, []),
    ],
    "person_generation": [
        (OMIT, []),
        (None, []),
        ("DONT_ALLOW", ["person_generation.enum"]),
        ("allow_all", ["person_generation.enum"]),
        ("", ["person_generation.enum"]),
        (" ", ["person_generation.enum"]),
        (1, ["person_generation.type"]),
        (True, ["person_generation.type"]),
        ("dont_allow", []),
    ],
    # the fields of the other modes: refused on an image-to-video body when valid
    "first_image_url": [
        (OMIT, []),
        ("https://example.com/first.jpg", ["image-to-video.no-first_image_url"]),
        (None, ["first_image_url.type"]),
        (5, ["first_image_url.type"]),
        ("example.com/first.jpg", ["first_image_url.pattern"]),
    ],
    "last_image_url": [
        (OMIT, []),
        ("https://example.com/last.jpg", ["image-to-video.no-last_image_url"]),
        ("ftp://example.com/last.jpg", ["last_image_url.pattern"]),
    ],
    "reference_image_urls": [
        (OMIT, []),
        (["https://example.com/ref1.jpg"], ["image-to-video.no-reference_image_urls"]),
        ("https://example.com/ref1.jpg", ["reference_image_urls.type"]),
        ([], ["reference_image_urls.minItems"]),
        (["https://example.com/ref1.jpg"] * 4, ["reference_image_urls.maxItems"]),
        (["https://example.com/ref1.jpg", "ref2.jpg"], ["reference_image_urls.items"]),
        ([None], ["reference_image_urls.items"]),
    ],
    "video_url": [
        (OMIT, []),
        ("https://example.com/clip.mp4", ["image-to-video.no-video_url"]),
        (["https://example.com/clip.mp4"], ["video_url.type"]),
    ],
    "reference_type": [
        (OMIT, []),
        (None, []),
        ("STYLE", ["image-to-video.no-reference_type"]),
        ("style", ["reference_type.enum"]),
        (1, ["reference_type.type"]),
    ],
    "negative_prompt": [
        (OMIT, []),
        (None, []),
        (3, ["negative_prompt.type"]),
        (["blurry"], ["negative_prompt.type"]),
        ("", []),
        (" ", []),
        ("blurry, low quality, watermark", []),
    ],
    "seed": [
        (OMIT, []),
        (None, []),
        ("42", ["seed.type"]),
        (4.5, ["seed.type"]),
        (False, ["seed.type"]),
        ("", ["seed.type"]),
        (-1, []),
        (2**40, []),
    ],
}

PERTURBATIONS: list[tuple[Any, list[str]]] = [
    ({k: v for k, v in {**VALID, field: value}.items() if v is not OMIT}, expected)
    for field, cases in _FIELD_CASES.items()
    for value, expected in cases
]

NON_OBJECTS = [None, [], [VALID], "x", "", 3, 3.5, True, [[{}]], [{"model": [{"x": None}]}]]


def test_the_perturbation_table_covers_every_field() -> None:
    assert set(_FIELD_CASES) == {f.name for f in default_contract().fields}


@pytest.mark.parametrize("field", list(_FIELD_CASES))
def test_single_field_perturbations(field: str) -> None:
    cases = [
        ({k: v for k, v in {**VALID, field: value}.items() if v is not OMIT}, expected)
        for value, expected in _FIELD_CASES[field]
    ]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))
    # the hand-written table and the reference agree, so the sweeps are judged by the same rules
    disagreements = [(b, e, family_reference(b)) for b, e in cases if family_reference(b) != e]
    assert not disagreements


def test_non_object_bodies_are_one_body_type_violation() -> None:
    cases = [(body, ["body.type"]) for body in NON_OBJECTS]
    wrong = mismatches(cases)
    assert not wrong, report(wrong, len(cases))
    assert [str(v) for v in check([])] == ["[body.type] body: expected a JSON object, got array []"]


def test_unknown_extra_fields_are_accepted() -> None:
    extras: dict[str, Any] = {
        "Model": "x",
        "resolution ": "4K",
        "": None,
        "callback_url": "not a url",
        "nested": {"deep": [1, {"x": None}]},
    }
    assert check({**VALID, **extras}) == []
    assert [v.rule for v in check({**VALID, **extras, "model": LITE, "resolution": "4k"})] == [
        "lite-no-4k"
    ]
