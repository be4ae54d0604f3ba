"""What the Veo 3.1 docs say of the image-to-video combinations, written out by hand for
tests of the live plan (not read from the contract): the defaults, and which model,
resolution and duration go together (API.md)."""

from __future__ import annotations

LITE = "veo-3.1-lite-image-to-video"
DEFAULTS: dict[str, object] = {"aspect_ratio": "16:9", "duration": 8, "resolution": "1080p"}


def effective(body: dict[str, object], name: str) -> object:
    """The value a body sends for ``name``: its own, else the documented default."""
    return body.get(name, DEFAULTS.get(name))


def sendable(model: str, resolution: str, duration: object) -> bool:
    """API.md: Lite has no 4k, and at 1080p only 8 s."""
    if model == LITE:
        return resolution != "4k" and (resolution != "1080p" or duration == 8)
    return True
