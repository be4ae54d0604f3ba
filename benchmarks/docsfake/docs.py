"""What the documentation says, as data: routes, models, fields, enums, defaults and the
per-model limits of the four Veo 3.1 modes of ``POST /v1/videos/generations``: image-to-video
(the seed page ``shared/foxapi/seed-page.txt`` and ``API.md``), first and last frame,
reference images and extend (``FAMILY.md``). The request's ``model`` decides the mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = Any

CREATE_PATH = "/v1/videos/generations"
TASK_PREFIX = "/v1/tasks/"
STANDARD = "veo-3.1-image-to-video"
FAST = "veo-3.1-fast-image-to-video"
LITE = "veo-3.1-lite-image-to-video"
FL_STANDARD = "veo-3.1-first-last-frame-to-video"
FL_FAST = "veo-3.1-fast-first-last-frame-to-video"
FL_LITE = "veo-3.1-lite-first-last-frame-to-video"
REF_STANDARD = "veo-3.1-reference-to-video"
REF_FAST = "veo-3.1-fast-reference-to-video"
EXTEND = "veo-3.1-extend"
EXTEND_FAST = "veo-3.1-extend-fast"
REFERENCE_IMAGES = (1, 3)  # reference_image_urls: 1 to 3 images
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "4k": (3840, 2160)}
POLLS_TO_COMPLETE = 3
MAX_BODY = 1 << 20

_RATIOS = ("16:9", "9:16")
_RESOLUTIONS = ("720p", "1080p", "4k")
_PERSON = ("dont_allow", "allow_adult")


@dataclass(frozen=True)
class Mode:
    """One documentation page: its models, the fields a body may carry, the required ones,
    the fields holding one public URL, enums, defaults, the models each advanced option is
    for, and the Lite model (no 4k; at 1080p only 8 s) if the mode has one."""

    name: str
    models: tuple[str, ...]
    fields: tuple[str, ...]
    required: tuple[str, ...]
    urls: tuple[str, ...]
    enums: dict[str, tuple[JSON, ...]]
    defaults: dict[str, JSON]
    advanced: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lite: str | None = None


IMAGE = Mode(
    "image-to-video",
    (STANDARD, FAST, LITE),
    ("model", "prompt", "image_url", "aspect_ratio", "duration", "resolution", "generate_audio",
     "auto_fix", "safety_tolerance", "enhance_prompt", "person_generation", "negative_prompt",
     "seed"),
    ("prompt", "image_url"),
    ("image_url",),
    {"aspect_ratio": _RATIOS, "duration": (4, 6, 8), "resolution": _RESOLUTIONS,
     "person_generation": _PERSON},
    {"aspect_ratio": "16:9", "duration": 8, "resolution": "1080p", "generate_audio": False},
    {"safety_tolerance": (STANDARD, FAST), "enhance_prompt": (STANDARD,),
     "person_generation": (STANDARD,)},
    LITE,
)  # fmt: skip
FIRST_LAST = Mode(
    "first-last-frame",
    (FL_STANDARD, FL_FAST, FL_LITE),
    ("model", "prompt", "first_image_url", "last_image_url", "aspect_ratio", "duration",
     "resolution", "generate_audio", "auto_fix", "safety_tolerance", "enhance_prompt",
     "person_generation", "negative_prompt", "seed"),
    ("prompt", "first_image_url", "last_image_url"),
    ("first_image_url", "last_image_url"),
    {"aspect_ratio": _RATIOS, "duration": (4, 6, 8), "resolution": _RESOLUTIONS,
     "person_generation": _PERSON},
    {"aspect_ratio": "16:9", "duration": 8, "resolution": "1080p", "generate_audio": False},
    {"safety_tolerance": (FL_STANDARD, FL_FAST), "enhance_prompt": (FL_STANDARD,),
     "person_generation": (FL_STANDARD,)},  # person_generation: [gap], read as Standard only
    FL_LITE,
)  # fmt: skip
REFERENCE = Mode(
    "reference-to-video",
    (REF_STANDARD, REF_FAST),
    ("model", "prompt", "reference_image_urls", "aspect_ratio", "duration", "resolution",
     "generate_audio", "auto_fix", "safety_tolerance", "enhance_prompt", "person_generation",
     "reference_type"),
    ("prompt", "reference_image_urls"),
    (),
    {"aspect_ratio": _RATIOS, "duration": (8,), "resolution": _RESOLUTIONS,
     "person_generation": _PERSON, "reference_type": ("ASSET", "STYLE")},
    {"aspect_ratio": "16:9", "duration": 8, "resolution": "1080p", "generate_audio": False},
    {"enhance_prompt": (REF_STANDARD,), "person_generation": (REF_STANDARD,),
     "reference_type": (REF_STANDARD,)},
)  # fmt: skip
EXTENDING = Mode(
    "extend",
    (EXTEND, EXTEND_FAST),
    ("model", "prompt", "video_url", "aspect_ratio", "generate_audio", "auto_fix",
     "safety_tolerance", "negative_prompt", "seed"),
    ("prompt", "video_url"),
    ("video_url",),
    {"aspect_ratio": _RATIOS},
    {"aspect_ratio": "16:9", "generate_audio": True, "auto_fix": True},
)  # fmt: skip
MODES = (IMAGE, FIRST_LAST, REFERENCE, EXTENDING)
MODELS = tuple(m for mode in MODES for m in mode.models)
DEFAULT_MODEL = STANDARD


def mode_of(body: dict[str, JSON]) -> Mode:
    """The mode the body's model belongs to; a missing or unknown model is judged as the
    documented default model's mode (image-to-video)."""
    model = body.get("model")
    for mode in MODES:
        if model in mode.models:
            return mode
    return IMAGE


def effective(body: dict[str, JSON], name: str) -> JSON:
    """The value the server works with: the body's, or the documented default of the
    body's mode when the field is left out or null."""
    value = body.get(name)
    if value is not None:
        return value
    if name == "model":
        return DEFAULT_MODEL
    return mode_of(body).defaults.get(name)
