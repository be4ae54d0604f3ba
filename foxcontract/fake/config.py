"""How the fake behaves: faults, task scripts, quota and deliberate contract breaks.

Everything here is plain, frozen data that round-trips through JSON, so the same script can
drive the in-process fake (``FakeAPI(config)``), the ``fox_api`` fixture and a served fake
(``python -m foxcontract serve --config script.json``, the ``FOXCONTRACT_FAKE_CONFIG``
environment variable, or ``PUT /_fake/config`` on a running server).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from foxcontract.contract.errors import did_you_mean

__all__ = [
    "CONFIG_ENV",
    "KEY_ENV",
    "TEST_KEY",
    "FakeConfig",
    "FakeConfigError",
    "Fault",
    "Mutations",
    "TaskScript",
    "default_key",
]

TEST_KEY = "sk-foxcontract-test-key"
"""The key the fake accepts when none is given (and ``FOXAPI_API_KEY`` is unset)."""
KEY_ENV = "FOXAPI_API_KEY"
CONFIG_ENV = "FOXCONTRACT_FAKE_CONFIG"
"""A path to a JSON config file, or the JSON itself, read by ``FakeConfig.from_env``."""


class FakeConfigError(ValueError):
    """A fake config that cannot be used: says which key or value, with a suggestion."""


def default_key() -> str:
    return os.environ.get(KEY_ENV) or TEST_KEY


@dataclass(frozen=True)
class Fault:
    """A scripted failure for the next ``times`` matching requests (``None``: all of them).

    ``kind`` (an error kind of the contract, e.g. ``rate_limit``) or ``status`` (e.g. 503)
    answers with that error; ``drop`` closes the connection without an answer; ``delay``
    waits that many seconds first (alone, it makes a slow but correct answer).
    ``method``/``path`` (a glob such as ``/v1/tasks/*``) narrow the requests it hits.
    """

    kind: str | None = None
    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.0
    drop: bool = False
    times: int | None = 1
    method: str | None = None
    path: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise FakeConfigError(
                f"fault times: must be 1 or more (or null: always), got {self.times}"
            )
        if not 0 <= self.delay <= 60:
            raise FakeConfigError(f"fault delay: must be 0..60 seconds, got {self.delay}")
        if self.retry_after is not None and self.retry_after < 0:
            raise FakeConfigError(f"fault retry_after: must be 0 or more, got {self.retry_after}")


@dataclass(frozen=True)
class TaskScript:
    """The life of a created task: ``statuses[0]`` in the create answer, then one per poll
    (the last one repeats). A ``failed`` status carries ``error`` (code, message)."""

    statuses: tuple[str, ...] = ("pending", "processing", "completed")
    error_code: str = "generation_failed"
    error_message: str = "the video could not be generated"
    credits: int = 5

    def __post_init__(self) -> None:
        if not self.statuses:
            raise FakeConfigError("task statuses: needs at least one status")
        object.__setattr__(self, "statuses", tuple(self.statuses))

    @classmethod
    def failing(cls, code: str = "generation_failed", message: str | None = None) -> TaskScript:
        """pending -> processing -> failed, with the task error ``code``."""
        return cls(
            statuses=("pending", "processing", "failed"),
            error_code=code,
            error_message=message or TaskScript.error_message,
        )


@dataclass(frozen=True)
class Mutations:
    """Deliberate contract breaks, for drift tests and mutation benchmarks.

    ``accept_rules``: accept bodies whose violations are all among these rule ids;
    ``answer_rules``: answer a broken rule with another error kind (rule id -> kind);
    ``patch_task``: keys merged into every task body (``null`` deletes the key);
    ``unchecked_lifecycle``: allow task scripts that break the contract's lifecycle.
    """

    accept_rules: frozenset[str] = frozenset()
    answer_rules: Mapping[str, str] = field(default_factory=dict)
    patch_task: Mapping[str, Any] = field(default_factory=dict)
    unchecked_lifecycle: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "accept_rules", frozenset(self.accept_rules))


@dataclass(frozen=True)
class FakeConfig:
    """The whole behaviour of one fake. ``credits``: accepted creates before every further
    one gets 402 (``None``: unlimited). ``seed`` makes task ids reproducible."""

    key: str = field(default_factory=default_key, repr=False)
    faults: tuple[Fault, ...] = ()
    task: TaskScript = TaskScript()
    credits: int | None = None
    estimated_time: int = 45
    mutations: Mutations = Mutations()
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "faults", tuple(self.faults))

    def with_faults(self, *faults: Fault) -> FakeConfig:
        return replace(self, faults=(*self.faults, *faults))

    # --- JSON ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The config as JSON data, without the key."""
        data = asdict(self)
        data.pop("key")
        data["mutations"]["accept_rules"] = sorted(self.mutations.accept_rules)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, base: FakeConfig | None = None) -> FakeConfig:
        """Build a config from JSON data; keys not given keep ``base``'s (or the default's)."""
        if not isinstance(data, Mapping):
            raise FakeConfigError(f"fake config: expected a JSON object, got {type(data).__name__}")
        start = base if base is not None else cls()
        values = _known(data, cls, "fake config")
        if "faults" in values:
            values["faults"] = tuple(_build(Fault, f, "fault") for f in values["faults"])
        if "task" in values:
            values["task"] = _build(TaskScript, values["task"], "task")
        if "mutations" in values:
            values["mutations"] = _build(Mutations, values["mutations"], "mutations")
        try:
            return replace(start, **values)
        except TypeError as exc:
            raise FakeConfigError(f"fake config: {exc}") from None

    @classmethod
    def from_json(cls, text: str, *, where: str = "fake config") -> FakeConfig:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise FakeConfigError(f"{where}: not valid JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_file(cls, path: str | Path) -> FakeConfig:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise FakeConfigError(f"{path}: cannot read the fake config: {exc}") from None
        return cls.from_json(text, where=str(path))

    @classmethod
    def from_env(cls) -> FakeConfig:
        """From ``FOXCONTRACT_FAKE_CONFIG`` (a JSON file path, or inline JSON), else default."""
        raw = os.environ.get(CONFIG_ENV, "").strip()
        if not raw:
            return cls()
        if raw.startswith("{"):
            return cls.from_json(raw, where=CONFIG_ENV)
        return cls.from_file(raw)


def _known(data: Mapping[str, Any], kind: type[Any], where: str) -> dict[str, Any]:
    names = [f.name for f in fields(kind)]
    for key in data:
        if key not in names:
            raise FakeConfigError(f"{where}: unknown key {key!r}{did_you_mean(key, names)}")
    return dict(data)


def _build(kind: type[Any], data: Any, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise FakeConfigError(f"{where}: expected a JSON object, got {type(data).__name__}")
    values = _known(data, kind, where)
    if kind is TaskScript and "statuses" in values:
        values["statuses"] = tuple(values["statuses"])
    try:
        return kind(**values)
    except TypeError as exc:
        raise FakeConfigError(f"{where}: {exc}") from None
