"""The bodies and answers the verdict tests judge: an allowed body, one breaking lite-no-4k,
a contract-valid task, and an error answer of a given type and code."""

from __future__ import annotations

from typing import Any

GOOD = {"model": "veo-3.1-image-to-video", "prompt": "a fox", "image_url": "https://e.com/a.jpg"}
LITE_4K = {**GOOD, "model": "veo-3.1-lite-image-to-video", "resolution": "4k"}
TASK = {
    "created": 1,
    "id": "t",
    "model": "m",
    "object": "video.generation.task",
    "progress": 0,
    "status": "pending",
    "task_info": {"can_cancel": True, "estimated_time": 4},
    "type": "video",
}


def err(kind: Any, code: str | None = None) -> dict[str, Any]:
    """An error answer of type ``kind`` (with ``code`` when given)."""
    body: dict[str, Any] = {"message": "m", "type": kind}
    if code:
        body["code"] = code
    return {"error": body}
