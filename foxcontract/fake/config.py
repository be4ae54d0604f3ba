"""How the fake behaves: faults, task scripts, quota and deliberate contract breaks.

Everything here is plain, frozen data that round-trips through JSON, so the same script can
drive the in-process fake (``FakeAPI(config)``), the ``fox_api`` fixture and a served fake
(``python -m foxcontract serve --config script.json``, the ``FOXCONTRACT_FAKE_CONFIG``
environment variable, or ``PUT /_fake/config`` on a running server).
"""

from __future__ import annotations

import email.utils
import math
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from foxcontract.contract.errors import did_you_mean
from foxcontract.fake.wire import strict_json

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


# --- value checks: what was expected, what came, and the likely intent ----------------------
def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value[:40]!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)[:40]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _hint(value: Any, want: str) -> str:
    """`` (did you mean X?)`` when ``value`` is the intended one in the wrong JSON type."""
    if isinstance(value, str):
        text = value.strip()
        if want in ("integer", "number") and re.fullmatch(r"-?[0-9]{1,18}", text):
            return f" (did you mean {int(text)}, without quotes?)"
        if want == "number" and re.fullmatch(r"-?[0-9]{1,18}\.[0-9]{1,18}", text):
            return f" (did you mean {float(text)}, without quotes?)"
        if want == "boolean" and text.lower() in ("true", "false"):
            return f" (did you mean {text.lower()}, without quotes?)"
    if want == "integer" and isinstance(value, float) and value.is_integer():
        return f" (did you mean {int(value)}?)"
    if want == "boolean" and _is_int(value) and value in (0, 1):
        return f" (did you mean {'true' if value else 'false'}?)"
    return ""


def _fail(where: str, name: str, expected: str, value: Any, want: str) -> None:
    raise FakeConfigError(
        f"{where} {name}: expected {expected}, got {_describe(value)}{_hint(value, want)}"
    )


def _integer(
    where: str,
    name: str,
    value: Any,
    low: int | None,
    high: int | None,
    *,
    nullable: bool = False,
    null: str = "",
) -> None:
    if value is None and nullable:
        return
    ranged = (
        f" {low}..{high}"
        if low is not None and high is not None
        else f" of {low} or more"
        if low is not None
        else ""
    )
    expected = f"an integer{ranged}" + (
        f", or null ({null})" if null else ", or null" if nullable else ""
    )
    if not _is_int(value):
        _fail(where, name, expected, value, "integer")
    if (low is not None and value < low) or (high is not None and value > high):
        raise FakeConfigError(f"{where} {name}: expected {expected}, got {value}")


def _number(where: str, name: str, value: Any, low: float, high: float, unit: str) -> None:
    expected = f"a number of {unit} {low}..{high}"
    if not _is_number(value):
        _fail(where, name, expected, value, "number")
    if not low <= value <= high:
        raise FakeConfigError(f"{where} {name}: must be {low}..{high} {unit}, got {value}")


def _boolean(where: str, name: str, value: Any) -> None:
    if not isinstance(value, bool):
        _fail(where, name, "true or false", value, "boolean")


def _string(
    where: str, name: str, value: Any, *, nullable: bool = False, item: bool = False
) -> None:
    if value is None and nullable:
        return
    if not isinstance(value, str):
        expected = "strings" if item else "a string" + (", or null" if nullable else "")
        _fail(where, name, expected, value, "string")


def _retry_after(value: Any) -> None:
    expected = "whole seconds (0 or more) or an HTTP date, or null"
    if value is None or (_is_int(value) and value >= 0):
        return
    if isinstance(value, float) and value >= 0:
        if value.is_integer():
            return
        raise FakeConfigError(
            f"fault retry_after: Retry-After is {expected}, got {value} "
            f"(did you mean {math.ceil(value)}?)"
        )
    if isinstance(value, str):
        try:
            email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            _fail("fault", "retry_after", expected, value, "integer")
        return
    _fail("fault", "retry_after", expected, value, "integer")


@dataclass(frozen=True)
class Fault:
    """A scripted failure for the next ``times`` matching requests (``None``: all of them).

    ``kind`` (an error kind of the contract, e.g. ``rate_limit``) or ``status`` (e.g. 503)
    answers with that error; ``drop`` closes the connection without an answer; ``delay``
    waits that many seconds first (alone, it makes a slow but correct answer).
    ``retry_after`` sets the answer's ``Retry-After``: whole seconds, or an HTTP date.
    ``method``/``path`` (a glob such as ``/v1/tasks/*``) narrow the requests it hits.
    """

    kind: str | None = None
    status: int | None = None
    retry_after: int | str | None = None
    delay: float = 0.0
    drop: bool = False
    times: int | None = 1
    method: str | None = None
    path: str | None = None
    message: str | None = None

    def __post_init__(self) -> None:
        where = "fault"
        _string(where, "kind", self.kind, nullable=True)
        _integer(where, "status", self.status, 100, 599, nullable=True)
        _retry_after(self.retry_after)
        if isinstance(self.retry_after, float):
            object.__setattr__(self, "retry_after", int(self.retry_after))
        _number(where, "delay", self.delay, 0, 60, "seconds")
        _boolean(where, "drop", self.drop)
        _integer(where, "times", self.times, 1, None, nullable=True, null="always")
        _string(where, "method", self.method, nullable=True)
        _string(where, "path", self.path, nullable=True)
        _string(where, "message", self.message, nullable=True)


@dataclass(frozen=True)
class TaskScript:
    """The life of a created task: ``statuses[0]`` in the create answer, then one per poll
    (the last one repeats). Without ``statuses``, the contract's usual life: its first
    initial status, the other running ones, then its successful end (FoxAPI: pending,
    processing, completed), or its failed end when ``fails``. A failed task carries
    ``error_code`` and ``error_message`` in its error object."""

    statuses: tuple[str, ...] = ()
    error_code: str = "generation_failed"
    error_message: str = "the video could not be generated"
    credits: int = 5
    fails: bool = False

    def __post_init__(self) -> None:
        statuses: Any = self.statuses
        if isinstance(statuses, str) or not isinstance(statuses, list | tuple):
            raise FakeConfigError(
                f"task statuses: expected a list of statuses, got {_describe(statuses)}"
                + (f" (did you mean [{statuses!r}]?)" if isinstance(statuses, str) else "")
            )
        for status in statuses:
            _string("task", "statuses", status, item=True)
        object.__setattr__(self, "statuses", tuple(statuses))
        _string("task", "error_code", self.error_code)
        _string("task", "error_message", self.error_message)
        _integer("task", "credits", self.credits, 0, None)
        _boolean("task", "fails", self.fails)

    @classmethod
    def failing(cls, code: str = "generation_failed", message: str | None = None) -> TaskScript:
        """The contract's usual life, ending failed (FoxAPI: pending, processing, failed),
        with the task error ``code``."""
        return cls(fails=True, error_code=code, error_message=message or cls.error_message)


@dataclass(frozen=True)
class Mutations:
    """Deliberate contract breaks, for drift tests and mutation benchmarks.

    ``accept_rules``: accept bodies whose violations are all among these rule ids;
    ``answer_rules``: answer a broken rule with another error kind (rule id -> kind);
    ``patch_task``: keys merged into every task body (``null`` deletes the key);
    ``unchecked_lifecycle``: allow task scripts that break the contract's lifecycle.
    The rule ids and kinds are checked against the contract when the fake takes the config.
    """

    accept_rules: frozenset[str] = frozenset()
    answer_rules: Mapping[str, str] = field(default_factory=dict)
    patch_task: Mapping[str, Any] = field(default_factory=dict)
    unchecked_lifecycle: bool = False

    def __post_init__(self) -> None:
        rules: Any = self.accept_rules
        if isinstance(rules, str) or not isinstance(rules, list | tuple | set | frozenset):
            raise FakeConfigError(
                f"mutations accept_rules: expected a list of rule ids, got {_describe(rules)}"
            )
        for rule in rules:
            _string("mutations", "accept_rules", rule, item=True)
        object.__setattr__(self, "accept_rules", frozenset(rules))
        for name in ("answer_rules", "patch_task"):
            value: Any = getattr(self, name)
            if not isinstance(value, Mapping):
                raise FakeConfigError(
                    f"mutations {name}: expected an object, got {_describe(value)}"
                )
            for key in value:
                _string("mutations", name, key, item=True)
        for kind in self.answer_rules.values():
            _string("mutations", "answer_rules", kind, item=True)
        _boolean("mutations", "unchecked_lifecycle", self.unchecked_lifecycle)


@dataclass(frozen=True)
class FakeConfig:
    """The whole behaviour of one fake. ``credits``: accepted creates before every further
    one gets 402 (``None``: unlimited). ``seed`` makes task ids reproducible.

    Every value is checked when the config is made (a wrong type or range raises
    :class:`FakeConfigError` naming the key), so a bad config is refused whole."""

    key: str = field(default_factory=default_key, repr=False)
    faults: tuple[Fault, ...] = ()
    task: TaskScript = TaskScript()
    credits: int | None = None
    estimated_time: int = 45
    mutations: Mutations = Mutations()
    seed: int = 0

    def __post_init__(self) -> None:
        where = "fake config"
        if not isinstance(self.key, str) or not self.key or self.key != self.key.strip():
            raise FakeConfigError(f"{where} key: expected a non-empty string without spaces")
        faults: Any = self.faults
        if not isinstance(faults, list | tuple):
            raise FakeConfigError(f"{where} faults: expected a list, got {_describe(faults)}")
        for fault in faults:
            if not isinstance(fault, Fault):
                raise FakeConfigError(f"{where} faults: expected Fault items, got {fault!r}")
        object.__setattr__(self, "faults", tuple(faults))
        for name, kind in (("task", TaskScript), ("mutations", Mutations)):
            if not isinstance(getattr(self, name), kind):
                raise FakeConfigError(f"{where} {name}: expected a {kind.__name__}")
        _integer(where, "credits", self.credits, 0, None, nullable=True, null="unlimited")
        _integer(where, "estimated_time", self.estimated_time, 0, None)
        _integer(where, "seed", self.seed, None, None)

    def with_faults(self, *faults: Fault) -> FakeConfig:
        return replace(self, faults=(*self.faults, *faults))

    def with_changes(self, **changes: Any) -> FakeConfig:
        """This config with some fields changed; an unknown field is a
        :class:`FakeConfigError` with a "did you mean"."""
        return replace(self, **_known(changes, FakeConfig, "fake config"))

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
            if not isinstance(values["faults"], list | tuple):
                raise FakeConfigError(
                    f"fake config faults: expected a list, got {_describe(values['faults'])}"
                )
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
        """Build a config from JSON text; ``where`` (a file, an environment variable) begins
        every error's message."""
        try:
            data = strict_json(text.encode("utf-8", "surrogatepass"))
        except ValueError as exc:
            raise FakeConfigError(f"{where}: not valid JSON: {exc}") from None
        if where == "fake config":
            return cls.from_dict(data)
        problem: FakeConfigError | None = None
        try:
            return cls.from_dict(data)
        except FakeConfigError as exc:
            problem = exc
        raise FakeConfigError(f"{where}: {problem}")  # outside the except: one message

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
    try:
        return kind(**values)
    except TypeError as exc:
        raise FakeConfigError(f"{where}: {exc}") from None
