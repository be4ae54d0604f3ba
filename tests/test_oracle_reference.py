"""An independent reference for the oracle: API.md's rules for ``POST /v1/videos/generations``
written in plain Python, without reading the contract file.

The oracle tests compare ``foxcontract.check`` with :func:`reference`, so a contract that
drifts from API.md (a rule deleted, an enum value misspelt, a default changed) fails them.
This module also holds the bodies they share, and checks the reference against a few
verdicts written out by hand, so the reference itself cannot drift silently.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest

STANDARD = "veo-3.1-image-to-video"
FAST = "veo-3.1-fast-image-to-video"
LITE = "veo-3.1-lite-image-to-video"
MODELS = (STANDARD, FAST, LITE)


class _Omit:
    def __repr__(self) -> str:  # stable, so test ids are the same in every xdist worker
        return "OMIT"


OMIT: Any = _Omit()
"""A dimension's value meaning "leave the field out of the body"."""

BASE = {"prompt": "The flowers sway gently in the wind", "image_url": "https://example.com/x.jpg"}

# API.md section 1, "Body", in table order (the order violations are reported in).
FIELD_ORDER = (
    "model",
    "prompt",
    "image_url",
    "aspect_ratio",
    "duration",
    "resolution",
    "generate_audio",
    "auto_fix",
    "safety_tolerance",
    "enhance_prompt",
    "person_generation",
    "negative_prompt",
    "seed",
)
REQUIRED = ("model", "prompt", "image_url")
DEFAULTS = {"aspect_ratio": "16:9", "duration": 8, "resolution": "1080p", "generate_audio": False}
CROSS_ORDER = (
    "lite-no-4k",
    "lite-1080p-8s-only",
    "safety-tolerance-standard-fast-only",
    "enhance-prompt-standard-only",
    "person-generation-standard-only",
)


def _is_int(v: Any) -> bool:
    # Stance 3: a fractional number is a type violation; 8.0 is ambiguous and the contract's
    # integral_floats setting accepts it.
    if isinstance(v, bool):
        return False
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def _is_http_url(v: str) -> bool:
    """Stance 4: an http(s) URL (scheme in any case) with a host, and nothing blank in it."""
    if any(c.isspace() for c in v):
        return False
    scheme, sep, rest = v.partition("://")
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    name = host.rsplit(":", 1)[0] if ":" in host else host  # the host without its port
    return bool(sep) and scheme.lower() in ("http", "https") and name != "" and "@" not in host


def _field(name: str, v: Any) -> str | None:
    """The keyword that ``v`` breaks as the value of field ``name``, or None if it is fine."""
    nullable = name in (
        "auto_fix",
        "safety_tolerance",
        "enhance_prompt",
        "person_generation",
        "negative_prompt",
        "seed",
    )
    if v is None:
        return None if nullable else "type"
    strings = ("model", "prompt", "image_url", "aspect_ratio", "resolution", "negative_prompt")
    if name in strings and not isinstance(v, str):
        return "type"
    if name in ("generate_audio", "auto_fix", "enhance_prompt") and not isinstance(v, bool):
        return "type"
    if name in ("duration", "safety_tolerance", "seed") and not _is_int(v):
        return "type"
    if name == "person_generation" and not isinstance(v, str):
        return "type"
    allowed = {
        "model": MODELS,
        "aspect_ratio": ("16:9", "9:16"),
        "duration": (4, 6, 8),
        "resolution": ("720p", "1080p", "4k"),
        "person_generation": ("dont_allow", "allow_adult"),
    }
    if name in allowed and v not in allowed[name]:
        return "enum"
    if name == "safety_tolerance":
        return "minimum" if v < 1 else "maximum" if v > 6 else None
    if name == "prompt":
        return "minLength" if v == "" else None if v.strip() else "pattern"
    if name == "image_url" and not _is_http_url(v):
        return "pattern"
    return None


def reference(body: Any) -> list[str]:
    """The rule ids API.md says ``body`` breaks, in the order the oracle reports them."""
    if not isinstance(body, dict):
        return ["body.type"]
    out: list[str] = []
    broken: set[str] = set()
    for name in FIELD_ORDER:
        if name not in body:
            if name in REQUIRED:
                out.append(f"{name}.required")
                broken.add(name)
            continue
        keyword = _field(name, body[name])
        if keyword is not None:
            out.append(f"{name}.{keyword}")
            broken.add(name)

    def sent(name: str) -> bool:  # stance 8: null means absent for nullable fields
        return body.get(name) is not None

    def value(name: str) -> Any:
        return body[name] if sent(name) else DEFAULTS.get(name)

    model = body.get("model")
    cross = {
        "lite-no-4k": (("model", "resolution"), model == LITE and value("resolution") == "4k"),
        "lite-1080p-8s-only": (
            ("model", "resolution", "duration"),
            model == LITE and value("resolution") == "1080p" and value("duration") != 8,
        ),
        "safety-tolerance-standard-fast-only": (
            ("model", "safety_tolerance"),
            model == LITE and sent("safety_tolerance"),
        ),
        "enhance-prompt-standard-only": (
            ("model", "enhance_prompt"),
            model in (FAST, LITE) and sent("enhance_prompt"),
        ),
        "person-generation-standard-only": (
            ("model", "person_generation"),
            model in (FAST, LITE) and sent("person_generation"),
        ),
    }
    for rule_id in CROSS_ORDER:
        names, broken_rule = cross[rule_id]
        if broken_rule and broken.isdisjoint(names):
            out.append(rule_id)
    return out


# The values each dimension of the combination sweep takes: every allowed value, omitted,
# explicit null, and one near miss.
DIMENSIONS: dict[str, tuple[Any, ...]] = {
    "model": (*MODELS, OMIT, None, "veo-3.1-Lite-image-to-video"),
    "resolution": ("720p", "1080p", "4k", OMIT, None, "4K"),
    "duration": (4, 6, 8, OMIT, None, 5),
    "aspect_ratio": ("16:9", "9:16", OMIT, None, "1:1"),
    "generate_audio": (True, False, OMIT, None, "true"),
}
ADVANCED: dict[str, tuple[Any, ...]] = {
    "auto_fix": (OMIT, None, True, 1),
    "safety_tolerance": (OMIT, None, 3, 7),
    "enhance_prompt": (OMIT, None, False, "false"),
    "person_generation": (OMIT, None, "allow_adult", "ALLOW_ADULT"),
    "negative_prompt": (OMIT, None, "blurry, watermark", 0),
    "seed": (OMIT, None, 42, 4.5),
}


def build(values: dict[str, Any]) -> dict[str, Any]:
    """BASE plus each of ``values`` that is not :data:`OMIT`."""
    body = dict(BASE)
    body.update({k: v for k, v in values.items() if v is not OMIT})
    return body


def sweep(dimensions: dict[str, tuple[Any, ...]], **fixed: Any) -> Iterator[dict[str, Any]]:
    """Every combination of ``dimensions`` (with ``fixed`` fields set) as a body."""
    names = list(dimensions)
    for combo in itertools.product(*(dimensions[n] for n in names)):
        yield build({**fixed, **dict(zip(names, combo, strict=True))})


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
