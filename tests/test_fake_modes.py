"""The fake FoxAPI on every mode of ``POST /v1/videos/generations``: it takes each mode's
documented body and refuses each mode's documented limits with the contract's error."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from helpers.mounted import AUTH, BASE, mounted_fake_fixture

from foxcontract.fake import FakeAPI
from foxcontract.verdict import judge

URL = "https://example.com/frame.jpg"
PROMPT = "The flower opens from bud to bloom"
FLF = {"prompt": PROMPT, "first_image_url": URL, "last_image_url": "https://example.com/b.jpg"}
REF = {"prompt": PROMPT, "reference_image_urls": ["https://example.com/ref1.jpg"]}
EXTEND = {"prompt": PROMPT, "video_url": "https://example.com/clip.mp4"}

# FAMILY.md's documented request, and one body of each other mode from its page's fields
ACCEPTED: list[dict[str, Any]] = [
    {
        "model": "veo-3.1-reference-to-video",
        "prompt": "A woman walking through a garden",
        "reference_image_urls": ["https://example.com/ref1.jpg"],
        "duration": 8,
        "resolution": "1080p",
        "reference_type": "STYLE",
    },
    {"model": "veo-3.1-fast-reference-to-video", **REF, "reference_image_urls": [URL] * 3},
    {"model": "veo-3.1-first-last-frame-to-video", **FLF, "enhance_prompt": True},
    {"model": "veo-3.1-lite-first-last-frame-to-video", **FLF, "duration": 4, "resolution": "720p"},
    {"model": "veo-3.1-extend", **EXTEND, "negative_prompt": "blurry", "seed": 7},
    {"model": "veo-3.1-extend-fast", **EXTEND, "aspect_ratio": "9:16", "generate_audio": False},
]
# each mode's limits: (body, the rule, the error type, the error code)
VALIDATION = ("invalid_request_error", None)
ADVANCED = ("invalid_request_error", "unsupported_advanced_options")
REFUSED: list[tuple[dict[str, Any], str, tuple[str, str | None]]] = [
    (
        {"model": "veo-3.1-lite-first-last-frame-to-video", **FLF, "resolution": "4k"},
        "flf-lite-no-4k",
        VALIDATION,
    ),
    (
        {"model": "veo-3.1-lite-first-last-frame-to-video", **FLF, "duration": 6},
        "flf-lite-1080p-8s-only",
        VALIDATION,
    ),
    (
        {"model": "veo-3.1-lite-first-last-frame-to-video", **FLF, "safety_tolerance": 2},
        "flf-safety-tolerance-standard-fast-only",
        ADVANCED,
    ),
    (
        {"model": "veo-3.1-first-last-frame-to-video", "prompt": PROMPT, "first_image_url": URL},
        "last_image_url.required",
        VALIDATION,
    ),
    ({"model": "veo-3.1-reference-to-video", **REF, "duration": 6}, "reference-duration-8-only",
     VALIDATION),
    (
        {"model": "veo-3.1-reference-to-video", **REF, "reference_image_urls": [URL] * 4},
        "reference_image_urls.maxItems",
        VALIDATION,
    ),
    (
        {"model": "veo-3.1-reference-to-video", **REF, "reference_image_urls": []},
        "reference_image_urls.minItems",
        VALIDATION,
    ),
    (
        {"model": "veo-3.1-fast-reference-to-video", **REF, "reference_type": "ASSET"},
        "reference-type-standard-only",
        ADVANCED,
    ),
    ({"model": "veo-3.1-extend", **EXTEND, "duration": 8}, "extend.no-duration", VALIDATION),
    ({"model": "veo-3.1-extend", "prompt": PROMPT}, "video_url.required", VALIDATION),
]  # fmt: skip


fake = mounted_fake_fixture()


def create(body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{BASE}/v1/videos/generations", json=body, headers=AUTH)


@pytest.mark.parametrize("body", ACCEPTED, ids=lambda b: str(b["model"]))
def test_the_fake_accepts_each_modes_body(fake: FakeAPI, body: dict[str, Any]) -> None:
    response = create(body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "pending"
    assert judge(fake.create_contract, 200, response.json(), body).ok
    assert fake.paid == 1


@pytest.mark.parametrize(("body", "rule", "error"), REFUSED, ids=[r for _, r, _ in REFUSED])
def test_the_fake_refuses_each_modes_limits_with_the_contracts_error(
    fake: FakeAPI, body: dict[str, Any], rule: str, error: tuple[str, str | None]
) -> None:
    response = create(body)
    assert response.status_code == 422
    found = response.json()["error"]
    assert (found["type"], found.get("code")) == error
    assert [v.rule for v in fake.calls[-1].violations] == [rule]
    assert fake.calls[-1].violations[0].field in found["message"]
    assert judge(fake.create_contract, 422, response.json(), body).ok
    assert fake.paid == 0
