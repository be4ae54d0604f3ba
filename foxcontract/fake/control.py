"""The served fake's control routes under ``/_fake/``: scripts for a running server.

``GET|PUT /_fake/config`` (a whole :class:`FakeConfig`; the key stays the one the server was
started with), ``POST /_fake/faults`` (one :class:`Fault`), ``POST /_fake/tasks`` (a
:class:`TaskScript` for the next task), ``POST /_fake/reset``, ``GET /_fake/calls`` (method,
path, status, broken rules, times; never headers). A body is strict JSON and is checked whole
before anything is applied: a bad value is a 400 naming the key, and the fake is unchanged.
"""

from __future__ import annotations

from foxcontract.fake.config import FakeConfig, FakeConfigError
from foxcontract.fake.core import FakeAPI
from foxcontract.fake.wire import FakeResponse, strict_json

__all__ = ["CONTROL", "control"]

CONTROL = "/_fake/"
_JSON = {"content-type": "application/json"}


def control(fake: FakeAPI, method: str, path: str, body: bytes) -> FakeResponse:
    """The answer to a control request (``path`` starts with :data:`CONTROL`)."""
    what = path[len(CONTROL) :].split("?", 1)[0].strip("/")
    try:
        data = strict_json(body) if body else {}
        if (method, what) == ("GET", "config"):
            return FakeResponse(200, fake.config.to_dict(), _JSON)
        if (method, what) == ("PUT", "config"):
            if isinstance(data, dict) and "key" in data:
                raise FakeConfigError(
                    "fake config key: the accepted key is fixed while the server runs "
                    f"(start it with --key, or {fake.provider.auth.key_env})"
                )
            config = FakeConfig.from_dict(data, base=FakeConfig(key=fake.config.key))
            return FakeResponse(200, fake.configure(config).to_dict(), _JSON)
        if (method, what) == ("POST", "faults"):
            fake.add_fault(FakeConfig.from_dict({"faults": [data]}).faults[0])
            return FakeResponse(200, fake.config.to_dict(), _JSON)
        if (method, what) == ("POST", "tasks"):
            fake.script_task(FakeConfig.from_dict({"task": data}).task)
            return FakeResponse(200, {"scripted": True}, _JSON)
        if (method, what) == ("POST", "reset"):
            fake.reset()
            return FakeResponse(200, {"reset": True}, _JSON)
        if (method, what) == ("GET", "calls"):
            calls = [
                {
                    "method": c.request.method,
                    "path": c.request.path,
                    "status": c.response.status,
                    "rules": [v.rule for v in c.violations],
                    "at": c.at,
                    "wall": c.wall,
                }
                for c in fake.calls
            ]
            return FakeResponse(200, {"calls": calls}, _JSON)
    except ValueError as exc:  # FakeConfigError, StrictJSONError: nothing was applied
        return FakeResponse(
            400, {"error": {"message": str(exc), "type": "fake_config_error"}}, _JSON
        )
    return FakeResponse(
        404, {"error": {"message": f"no control {method} {path}", "type": "not_found"}}, _JSON
    )
