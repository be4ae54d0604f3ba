"""An independent reference for the oracle: API.md's rules for ``POST /v1/videos/generations``
written in plain Python, without reading the contract file, and the bodies the oracle tests
share.

The oracle tests compare ``foxcontract.check`` with :func:`reference`, so a contract that
drifts from API.md (a rule deleted, an enum value misspelt, a default changed) fails them.
``tests/test_oracle_reference.py`` checks the reference against verdicts written out by hand,
so the reference itself cannot drift silently.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

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

# API.md section 1, "Body": the fields that take null ("or null"), in table order.
NULLABLE = (
    "auto_fix",
    "safety_tolerance",
    "enhance_prompt",
    "person_generation",
    "negative_prompt",
    "seed",
)
# API.md section 1, "Body", in table order (the order violations are reported in).
FIELD_ORDER = (
    "model",
    "prompt",
    "image_url",
    "aspect_ratio",
    "duration",
    "resolution",
    "generate_audio",
    *NULLABLE,
)
REQUIRED = ("model", "prompt", "image_url")
DEFAULTS = {"aspect_ratio": "16:9", "duration": 8, "resolution": "1080p", "generate_audio": False}


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
    if v is None:
        return None if name in NULLABLE else "type"
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


def field_violations(
    body: dict[str, Any],
    order: tuple[str, ...],
    required: tuple[str, ...],
    keyword_of: Callable[[str, Any], str | None],
) -> tuple[list[str], set[str]]:
    """Each field of ``order`` on its own: ``<field>.required`` for a ``required`` one left
    out, ``<field>.<keyword>`` for a value ``keyword_of`` finds wrong; and the fields broken."""
    out: list[str] = []
    broken: set[str] = set()
    for name in order:
        if name not in body:
            if name in required:
                out.append(f"{name}.required")
                broken.add(name)
            continue
        keyword = keyword_of(name, body[name])
        if keyword is not None:
            out.append(f"{name}.{keyword}")
            broken.add(name)
    return out, broken


Limits = dict[str, tuple[tuple[str, ...], bool]]
"""rule id -> (the fields it reads, whether the body breaks it)."""


def tier_limits(
    prefix: str,
    fast: str,
    lite: str,
    model: Any,
    value: Callable[[str], Any],
    sent: Callable[[str], bool],
) -> Limits:
    """The five rules that keep a mode's Fast and Lite models to less than its Standard one
    (API.md section 1 for image-to-video; FAMILY.md gives first-last-frame the same, its ids
    prefixed ``flf-``), in file order."""
    return {
        f"{prefix}lite-no-4k": (
            ("model", "resolution"),
            model == lite and value("resolution") == "4k",
        ),
        f"{prefix}lite-1080p-8s-only": (
            ("model", "resolution", "duration"),
            model == lite and value("resolution") == "1080p" and value("duration") != 8,
        ),
        f"{prefix}safety-tolerance-standard-fast-only": (
            ("model", "safety_tolerance"),
            model == lite and sent("safety_tolerance"),
        ),
        f"{prefix}enhance-prompt-standard-only": (
            ("model", "enhance_prompt"),
            model in (fast, lite) and sent("enhance_prompt"),
        ),
        f"{prefix}person-generation-standard-only": (
            ("model", "person_generation"),
            model in (fast, lite) and sent("person_generation"),
        ),
    }


def limits_broken(limits: Limits, broken: set[str]) -> list[str]:
    """The rules of ``limits`` the body breaks, in order, leaving out those that read a field
    already broken on its own (a wrong value is reported once, by its field)."""
    return [rule_id for rule_id, (names, hit) in limits.items() if hit and broken.isdisjoint(names)]


def reference(body: Any) -> list[str]:
    """The rule ids API.md says ``body`` breaks, in the order the oracle reports them."""
    if not isinstance(body, dict):
        return ["body.type"]
    out, broken = field_violations(body, FIELD_ORDER, REQUIRED, _field)

    def sent(name: str) -> bool:  # stance 8: null means absent for nullable fields
        return body.get(name) is not None

    def value(name: str) -> Any:
        return body[name] if sent(name) else DEFAULTS.get(name)

    return out + limits_broken(tier_limits("", FAST, LITE, body.get("model"), value, sent), broken)


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


VALID = {**BASE, "model": STANDARD}
_FRAMES = {
    "model": "veo-3.1-first-last-frame-to-video",
    "prompt": BASE["prompt"],
    "first_image_url": "https://example.com/first.jpg",
    "last_image_url": "https://example.com/last.jpg",
}
_REFERENCE = {
    "model": "veo-3.1-reference-to-video",
    "prompt": BASE["prompt"],
    "reference_image_urls": ["https://example.com/ref1.jpg"],
}
_EXTEND = {
    "model": "veo-3.1-extend",
    "prompt": BASE["prompt"],
    "video_url": "https://example.com/clip.mp4",
}
# The valid body each field is changed on: a Standard image-to-video body, except for the
# fields of the other modes of FAMILY.md, changed on a body of their own mode.
FIELD_BASE: dict[str, dict[str, Any]] = {
    "first_image_url": _FRAMES,
    "last_image_url": _FRAMES,
    "reference_image_urls": _REFERENCE,
    "reference_type": _REFERENCE,
    "video_url": _EXTEND,
}


def perturbed(field: str, value: Any) -> dict[str, Any]:
    """The valid body of ``field`` (:data:`FIELD_BASE`) with ``field`` set to ``value``
    (left out for :data:`OMIT`)."""
    body = {**FIELD_BASE.get(field, VALID), field: value}
    return {k: v for k, v in body.items() if v is not OMIT}


# Each field, one change at a time, on the valid body of its mode. Written out by hand.
FIELD_CASES: dict[str, list[tuple[Any, list[str]]]] = {
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
    "first_image_url": [
        (OMIT, ["first_image_url.required"]),
        (None, ["first_image_url.type"]),
        (5, ["first_image_url.type"]),
        (["https://example.com/first.jpg"], ["first_image_url.type"]),
        ("", ["first_image_url.pattern"]),
        ("example.com/first.jpg", ["first_image_url.pattern"]),
        ("https://", ["first_image_url.pattern"]),
        ("https://example.com/first.jpg ", ["first_image_url.pattern"]),
        ("HTTPS://example.com/first.jpg", []),
        ("https://example.com/last.jpg", []),  # the same frame twice is still two URLs
    ],
    "last_image_url": [
        (OMIT, ["last_image_url.required"]),
        (None, ["last_image_url.type"]),
        (True, ["last_image_url.type"]),
        ({"url": "https://example.com/last.jpg"}, ["last_image_url.type"]),
        (" ", ["last_image_url.pattern"]),
        ("ftp://example.com/last.jpg", ["last_image_url.pattern"]),
        ("https:///last.jpg", ["last_image_url.pattern"]),
        ("http://example.com/last.jpg", []),
    ],
    "reference_image_urls": [
        (OMIT, ["reference_image_urls.required"]),
        (None, ["reference_image_urls.type"]),
        ("https://example.com/ref1.jpg", ["reference_image_urls.type"]),
        ({"url": "https://example.com/ref1.jpg"}, ["reference_image_urls.type"]),
        ([], ["reference_image_urls.minItems"]),
        (["https://example.com/ref1.jpg"] * 4, ["reference_image_urls.maxItems"]),
        (["x"], ["reference_image_urls.items"]),
        ([None], ["reference_image_urls.items"]),
        ([["https://example.com/ref1.jpg"]], ["reference_image_urls.items"]),
        (
            ["https://example.com/ref1.jpg", "ftp://example.com/ref2.jpg"],
            ["reference_image_urls.items"],
        ),
        (["https://example.com/ref1.jpg", "https://example.com/ref2.jpg"], []),
        (["https://example.com/ref1.jpg"] * 3, []),
    ],
    "video_url": [
        (OMIT, ["video_url.required"]),
        (None, ["video_url.type"]),
        (1, ["video_url.type"]),
        (["https://example.com/clip.mp4"], ["video_url.type"]),
        ("", ["video_url.pattern"]),
        ("rtmp://example.com/live", ["video_url.pattern"]),
        ("https://example.com/clip.mp4 ", ["video_url.pattern"]),
        ("https://exa mple.com/clip.mp4", ["video_url.pattern"]),
        ("http://example.com/clip.mp4", []),
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
    "reference_type": [
        (OMIT, []),
        (None, []),
        ("ASSET", []),
        ("STYLE", []),
        ("style", ["reference_type.enum"]),
        ("dont_allow", ["reference_type.enum"]),
        ("", ["reference_type.enum"]),
        (" ", ["reference_type.enum"]),
        (1, ["reference_type.type"]),
        (True, ["reference_type.type"]),
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

# A field of another mode on a valid Standard image-to-video body: refused by its own rule
# while its value is good, by the field's own rule when it is not; null means absent.
FOREIGN_CASES: list[tuple[dict[str, Any], list[str]]] = [
    (
        {**VALID, "first_image_url": "https://example.com/first.jpg"},
        ["image-to-video.no-first_image_url"],
    ),
    ({**VALID, "last_image_url": "ftp://example.com/last.jpg"}, ["last_image_url.pattern"]),
    (
        {**VALID, "reference_image_urls": ["https://example.com/ref1.jpg"]},
        ["image-to-video.no-reference_image_urls"],
    ),
    ({**VALID, "reference_image_urls": []}, ["reference_image_urls.minItems"]),
    ({**VALID, "video_url": "https://example.com/clip.mp4"}, ["image-to-video.no-video_url"]),
    ({**VALID, "reference_type": "STYLE"}, ["image-to-video.no-reference_type"]),
    ({**VALID, "reference_type": None}, []),
    (
        {**_REFERENCE, "model": "veo-3.1-fast-reference-to-video", "reference_type": "ASSET"},
        ["reference-type-standard-only"],
    ),
    ({**_REFERENCE, "seed": 42}, ["reference-to-video.no-seed"]),
    ({**_EXTEND, "duration": 8}, ["extend.no-duration"]),
    ({**_EXTEND, "image_url": "https://example.com/x.jpg"}, ["extend.no-image_url"]),
]

PERTURBATIONS: list[tuple[Any, list[str]]] = [
    *(
        (perturbed(field, value), expected)
        for field, cases in FIELD_CASES.items()
        for value, expected in cases
    ),
    *FOREIGN_CASES,
]

NON_OBJECTS = [None, [], [VALID], "x", "", 3, 3.5, True, [[{}]], [{"model": [{"x": None}]}]]
