"""A small FoxAPI client, as a user of foxcontract might write one: create a Lite video,
poll the task until it ends, retry rate limits and server errors (a bounded number of
times, honouring Retry-After)."""

from __future__ import annotations

import os
import time
from typing import Any

import httpx

BASE_URL = "https://api.foxapi.cc"
LITE = "veo-3.1-lite-image-to-video"
RETRYABLE = {429, 500, 503}


class FoxError(Exception):
    """The API said no; ``status`` and ``type`` as the error body gives them."""

    def __init__(self, status: int, body: Any) -> None:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        self.status = status
        self.type = error.get("type")
        self.code = error.get("code")
        super().__init__(f"{status} {self.type}: {error.get('message')}")


class TaskFailed(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        self.code = error.get("code")
        super().__init__(f"task failed: {error.get('code')}: {error.get('message')}")


class FoxClient:
    def __init__(
        self,
        api_key: str | None = None,
        base_url: str = BASE_URL,
        max_retries: int = 3,
        max_polls: int = 10,
        poll_interval: float = 0.0,
    ) -> None:
        key = api_key or os.environ["FOXAPI_API_KEY"]
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=10
        )
        self.max_retries = max_retries
        self.max_polls = max_polls
        self.poll_interval = poll_interval

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        for attempt in range(self.max_retries + 1):
            response = self.http.request(method, path, **kwargs)
            if response.status_code in RETRYABLE and attempt < self.max_retries:
                time.sleep(min(float(response.headers.get("retry-after", 0)), 2.0))
                continue
            if response.status_code >= 400:
                raise FoxError(response.status_code, response.json())
            return response.json()  # type: ignore[no-any-return]
        raise AssertionError("unreachable")

    def create(self, prompt: str, image_url: str, *, duration: int = 4) -> dict[str, Any]:
        body = {
            "model": LITE,
            "prompt": prompt,
            "image_url": image_url,
            "resolution": "720p",
            "duration": duration,
        }
        return self._send("POST", "/v1/videos/generations", json=body)

    def wait(self, task_id: str) -> dict[str, Any]:
        for _ in range(self.max_polls):
            task = self._send("GET", f"/v1/tasks/{task_id}")
            if task["status"] == "completed":
                return task
            if task["status"] == "failed":
                raise TaskFailed(task["error"])
            time.sleep(self.poll_interval)
        raise TimeoutError(f"task {task_id} did not finish in {self.max_polls} polls")

    def generate(self, prompt: str, image_url: str) -> str:
        """The URL of the finished video."""
        task = self.wait(self.create(prompt, image_url)["id"])
        return str(task["results"][0]["url"])
