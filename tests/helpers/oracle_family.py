"""An independent reference for the whole Veo 3.1 family on ``POST /v1/videos/generations``:
FAMILY.md's four modes written in plain Python, without reading the contract file.

A mode is chosen by ``model``; it takes its own fields (a field of another mode breaks
``<mode>.no-<field>``), requires its own (``<field>.required``) and has its own defaults
(extend: ``generate_audio`` and ``auto_fix`` default to true; it has no duration or
resolution). Where FAMILY.md says [gap], the stance is the contract's (see its provenance).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from helpers.oracle_reference import (
    DEFAULTS,
    FAST,
    LITE,
    OMIT,
    STANDARD,
    Limits,
    _field,
    _is_http_url,
    field_violations,
    limits_broken,
    tier_limits,
)

FLF = "veo-3.1-first-last-frame-to-video"
FLF_FAST = "veo-3.1-fast-first-last-frame-to-video"
FLF_LITE = "veo-3.1-lite-first-last-frame-to-video"
REF = "veo-3.1-reference-to-video"
REF_FAST = "veo-3.1-fast-reference-to-video"
EXTEND = "veo-3.1-extend"
EXTEND_FAST = "veo-3.1-extend-fast"

FIELD_ORDER = (
    "model",
    "prompt",
    "image_url",
    "first_image_url",
    "last_image_url",
    "reference_image_urls",
    "video_url",
    "aspect_ratio",
    "duration",
    "resolution",
    "generate_audio",
    "auto_fix",
    "safety_tolerance",
    "enhance_prompt",
    "person_generation",
    "reference_type",
    "negative_prompt",
    "seed",
)
_COMMON = ("aspect_ratio", "generate_audio", "auto_fix", "safety_tolerance")
_ADVANCED = ("enhance_prompt", "person_generation", "negative_prompt", "seed")
# mode -> (its models, the fields it requires, every field it takes besides model and prompt)
MODES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "image-to-video": (
        (STANDARD, FAST, LITE),
        ("image_url",),
        ("image_url", *_COMMON, "duration", "resolution", *_ADVANCED),
    ),
    "first-last-frame": (
        (FLF, FLF_FAST, FLF_LITE),
        ("first_image_url", "last_image_url"),
        ("first_image_url", "last_image_url", *_COMMON, "duration", "resolution", *_ADVANCED),
    ),
    "reference-to-video": (
        (REF, REF_FAST),
        ("reference_image_urls",),
        (
            "reference_image_urls",
            *_COMMON,
            "duration",
            "resolution",
            "enhance_prompt",
            "person_generation",
            "reference_type",
        ),
    ),
    "extend": (
        (EXTEND, EXTEND_FAST),
        ("video_url",),
        ("video_url", *_COMMON, "negative_prompt", "seed"),
    ),
}
MODELS = tuple(m for models, _, _ in MODES.values() for m in models)
MODE_DEFAULTS = {"extend": {"aspect_ratio": "16:9", "generate_audio": True, "auto_fix": True}}
URL_FIELDS = ("first_image_url", "last_image_url", "video_url")


def mode_of(model: Any) -> str | None:
    return next((m for m, (models, _, _) in MODES.items() if model in models), None)


def _family_field(name: str, v: Any) -> str | None:
    """The keyword ``v`` breaks as the value of field ``name`` (None: it is fine)."""
    if name == "model":
        if not isinstance(v, str):
            return "type"
        return None if v in MODELS else "enum"
    if name in URL_FIELDS:
        if not isinstance(v, str):
            return "type"
        return None if _is_http_url(v) else "pattern"
    if name == "reference_image_urls":
        if not isinstance(v, list):
            return "type"
        if any(not isinstance(item, str) or not _is_http_url(item) for item in v):
            return "items"
        return "minItems" if not v else "maxItems" if len(v) > 3 else None
    if name == "reference_type":
        if v is None:
            return None
        if not isinstance(v, str):
            return "type"
        return None if v in ("ASSET", "STYLE") else "enum"
    return _field(name, v)


# the rules of the rules: section, in file order: (id, mode's models it reads, the check)
def _limits(body: dict[str, Any], value: Any, sent: Any) -> Limits:
    model = body.get("model")
    return {
        **tier_limits("", FAST, LITE, model, value, sent),
        **tier_limits("flf-", FLF_FAST, FLF_LITE, model, value, sent),
        "reference-duration-8-only": (
            ("model", "duration"),
            model in (REF, REF_FAST) and value("duration") != 8,
        ),
        "reference-enhance-prompt-standard-only": (
            ("model", "enhance_prompt"),
            model == REF_FAST and sent("enhance_prompt"),
        ),
        "reference-person-generation-standard-only": (
            ("model", "person_generation"),
            model == REF_FAST and sent("person_generation"),
        ),
        "reference-type-standard-only": (
            ("model", "reference_type"),
            model == REF_FAST and sent("reference_type"),
        ),
    }


def family_reference(body: Any) -> list[str]:
    """The rule ids FAMILY.md (and API.md) say ``body`` breaks, in the oracle's order."""
    if not isinstance(body, dict):
        return ["body.type"]
    out, broken = field_violations(body, FIELD_ORDER, ("model", "prompt"), _family_field)
    mode = mode_of(body.get("model"))

    def sent(name: str) -> bool:  # stance 8: null means absent
        return body.get(name) is not None

    def value(name: str) -> Any:
        if sent(name):
            return body[name]
        if mode is None:
            return DEFAULTS.get(name)
        if name not in MODES[mode][2]:
            return None
        return MODE_DEFAULTS.get(mode, DEFAULTS).get(name)

    model_ok = "model" not in broken
    for name in FIELD_ORDER:  # each mode's required fields, once, in body order
        needed = mode is not None and name in MODES[mode][1]
        if model_ok and needed and not sent(name) and name not in broken:
            out.append(f"{name}.required")
    for m, (models, _, fields) in MODES.items():  # each mode's foreign fields
        for name in FIELD_ORDER:
            if name in ("model", "prompt") or name in fields:
                continue
            if model_ok and name not in broken and body.get("model") in models and sent(name):
                out.append(f"{m}.no-{name}")
    return out + limits_broken(_limits(body, value, sent), broken)


PROMPT = "The flowers sway gently in the wind"
URL = "https://example.com/x.jpg"
# what each mode's body always sends, besides the sweep's fields
MODE_BASE = {
    "image-to-video": {"image_url": URL},
    "first-last-frame": {"first_image_url": URL, "last_image_url": "https://example.com/y.jpg"},
    "reference-to-video": {"reference_image_urls": [URL]},
    "extend": {"video_url": "https://example.com/v.mp4"},
}
# the sweep: every mode's fields, each allowed, omitted, null, a near miss; and a field of
# another mode
FAMILY_DIMENSIONS: dict[str, tuple[Any, ...]] = {
    "resolution": ("720p", "4k", OMIT, "4K"),
    "duration": (4, 8, OMIT, 5),
    "generate_audio": (True, OMIT, "true"),
    "safety_tolerance": (OMIT, 3, 7),
    "enhance_prompt": (OMIT, None, True),
    "person_generation": (OMIT, "allow_adult"),
    "reference_type": (OMIT, "STYLE", "style"),
    "seed": (OMIT, 42),
}
SHAPES: tuple[tuple[str, Any], ...] = (
    ("image_url", OMIT),
    ("image_url", "ftp://x"),
    ("first_image_url", OMIT),
    ("last_image_url", "https://example.com/z.jpg"),
    ("reference_image_urls", []),
    ("reference_image_urls", [URL, URL, URL]),
    ("reference_image_urls", [URL, URL, URL, URL]),
    ("reference_image_urls", ["x"]),
    ("reference_image_urls", URL),
    ("video_url", OMIT),
    ("video_url", "https://example.com/v.mp4 "),
    ("video_url", 1),
    ("first_image_url", 5),
    ("first_image_url", "example.com/a.jpg"),
    ("last_image_url", None),
    ("last_image_url", "https://"),
    ("reference_type", 1),
    # each mode's required field left out, and a valid value of a field of another mode
    ("last_image_url", OMIT),
    ("reference_image_urls", OMIT),
    ("image_url", URL),
    ("image_url", 1),
    ("first_image_url", URL),
    ("video_url", URL),
    ("negative_prompt", "blurry"),
)


def family_sweep() -> Iterator[dict[str, Any]]:
    """For every model, on the mode's own body: every resolution x duration of
    :data:`FAMILY_DIMENSIONS`, each crossed with each value of one other dimension; and
    each of :data:`SHAPES` (a required field left out, a field of another mode, an array
    of the wrong size)."""
    others = [(n, v) for n, values in FAMILY_DIMENSIONS.items() for v in values]
    others = [(n, v) for n, v in others if n not in ("resolution", "duration")]
    for model in MODELS:
        mode = mode_of(model)
        assert mode is not None
        base = {"model": model, "prompt": PROMPT, **MODE_BASE[mode]}
        for res, dur in itertools.product(
            FAMILY_DIMENSIONS["resolution"], FAMILY_DIMENSIONS["duration"]
        ):
            for name, v in others:
                sent = {"resolution": res, "duration": dur, name: v}
                yield {**base, **{k: x for k, x in sent.items() if x is not OMIT}}
        for name, shape in SHAPES:
            body = {k: v for k, v in base.items() if k != name}
            yield body if shape is OMIT else {**body, name: shape}
