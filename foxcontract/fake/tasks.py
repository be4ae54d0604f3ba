"""The fake's tasks: created by an accepted POST, moved along their script by each poll."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from typing import Any

from foxcontract.contract.model import Lifecycle
from foxcontract.fake.config import FakeConfigError, TaskScript

__all__ = ["Task", "check_script", "new_task_id"]

_ALPHABET = string.ascii_lowercase + string.digits


def new_task_id(created: int, rng: random.Random) -> str:
    """An id of the documented shape ``task-unified-<unix>-<8 chars>``."""
    return f"task-unified-{created}-{''.join(rng.choice(_ALPHABET) for _ in range(8))}"


def check_script(script: TaskScript, lifecycle: Lifecycle | None) -> None:
    """Refuse a script whose statuses the contract's lifecycle does not allow."""
    if lifecycle is None:
        return
    known = set(lifecycle.transitions)
    for status in script.statuses:
        if status not in known:
            raise FakeConfigError(
                f"task statuses: unknown status {status!r} (one of {sorted(known)})"
            )
    if script.statuses[0] not in lifecycle.initial:
        raise FakeConfigError(
            f"task statuses: a task starts {' or '.join(lifecycle.initial)}, "
            f"not {script.statuses[0]!r}"
        )
    for before, after in zip(script.statuses, script.statuses[1:], strict=False):
        if not lifecycle.allows(before, after):
            raise FakeConfigError(
                f"task statuses: the lifecycle does not allow {before} -> {after}"
            )


@dataclass
class Task:
    """One task and how far along its script it is."""

    id: str
    model: str
    created: int
    script: TaskScript
    estimated_time: int
    polls: int = 0
    progress: int = 0

    @property
    def status(self) -> str:
        return self.script.statuses[min(self.polls, len(self.script.statuses) - 1)]

    def advance(self) -> None:
        self.polls += 1
        status = self.status
        if status == "completed":
            self.progress = 100
        elif status == "processing":
            self.progress = min(90, max(self.progress, 0) + 30)

    def created_body(self) -> dict[str, Any]:
        """The answer to the POST that created the task."""
        return {
            "created": self.created,
            "id": self.id,
            "model": self.model,
            "object": "video.generation.task",
            "progress": self.progress,
            "status": self.status,
            "task_info": {
                "can_cancel": self.status in ("pending", "processing"),
                "estimated_time": self.estimated_time,
            },
            "type": "video",
        }

    def polled_body(self) -> dict[str, Any]:
        """The answer to ``GET /v1/tasks/{id}`` in the task's current state."""
        status = self.status
        return {
            "id": self.id,
            "object": "video.generation.task",
            "type": "video",
            "model": self.model,
            "status": status,
            "progress": self.progress,
            "created": self.created,
            "results": (
                [{"url": f"https://storage.foxapi.cc/videos/{self.id}.mp4"}]
                if status == "completed"
                else None
            ),
            "error": (
                {
                    "code": self.script.error_code,
                    "message": self.script.error_message,
                    "type": "task_error",
                }
                if status == "failed"
                else None
            ),
            "usage": {"credits_reserved": self.script.credits, "user_group": "default"},
        }
