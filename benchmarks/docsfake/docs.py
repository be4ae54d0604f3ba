"""What the documentation says, as data: routes, models, fields, enums, defaults and the
per-model limits of the seed page (``shared/foxapi/seed-page.txt``) and ``API.md``."""

from __future__ import annotations

from typing import Any

JSON = Any

CREATE_PATH = "/v1/videos/generations"
TASK_PREFIX = "/v1/tasks/"
STANDARD = "veo-3.1-image-to-video"
FAST = "veo-3.1-fast-image-to-video"
LITE = "veo-3.1-lite-image-to-video"
MODELS = (STANDARD, FAST, LITE)
FIELDS = (
    "model", "prompt", "image_url", "aspect_ratio", "duration", "resolution", "generate_audio",
    "auto_fix", "safety_tolerance", "enhance_prompt", "person_generation", "negative_prompt",
    "seed",
)  # fmt: skip
ENUMS: dict[str, tuple[JSON, ...]] = {
    "model": MODELS,
    "aspect_ratio": ("16:9", "9:16"),
    "duration": (4, 6, 8),
    "resolution": ("720p", "1080p", "4k"),
    "person_generation": ("dont_allow", "allow_adult"),
}
DEFAULTS: dict[str, JSON] = {
    "model": STANDARD,
    "aspect_ratio": "16:9",
    "duration": 8,
    "resolution": "1080p",
    "generate_audio": False,
}
ADVANCED_MODELS = {  # seed page, "Model differences"
    "safety_tolerance": (STANDARD, FAST),
    "enhance_prompt": (STANDARD,),
    "person_generation": (STANDARD,),
}
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "4k": (3840, 2160)}
POLLS_TO_COMPLETE = 3
MAX_BODY = 1 << 20


def effective(body: dict[str, JSON], name: str) -> JSON:
    """The value the server works with: the body's, or the documented default when the
    field is left out or null."""
    value = body.get(name)
    return DEFAULTS.get(name) if value is None else value
