"""The fake's tasks: created by an accepted create, moved along their script by each poll.

Their answers are not built by hand: each starts from the endpoint's documented answer (its
first example with a 2xx status) or, without one, from the least instance of its response
schema; then the contract's task facts fill it in: the id where ``task.id`` says (the
example's id replaced wherever it appears, e.g. in a result URL), the ``clock`` fields,
the ``echo`` fields copied from the request, the lifecycle's status and progress fields,
and each terminal state's outcome (results with a URL, or an error object with the
script's code and message), cleared to ``null`` in the other states.
"""

from __future__ import annotations

import copy
import random
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from foxcontract.contract import get_path, set_path
from foxcontract.contract.model import Contract, Lifecycle
from foxcontract.contract.task import TaskRole
from foxcontract.fake.config import FakeConfigError, TaskScript

__all__ = [
    "Task",
    "TaskBodies",
    "check_script",
    "instance",
    "new_task_id",
    "resolved",
    "usual_life",
]

_ALPHABET = string.ascii_lowercase + string.digits
_PLACEHOLDER = re.compile(r"\{(unix|random)(?::(\d+))?\}")
SCRIPTED = {"task_info.estimated_time": "estimated_time", "usage.credits_reserved": "credits"}
"""Answer paths (FoxAPI's) filled from the fake's config and task script where the
documented answer has them: the wait it announces, the credits a task reserves."""


def new_task_id(created: int, rng: random.Random, id_format: str = TaskRole.id_format) -> str:
    """An id of the contract's shape (``{unix}``: ``created``, ``{random:N}``: N random
    characters; FoxAPI's ``task-unified-<unix>-<8 chars>`` by default)."""

    def fill(match: re.Match[str]) -> str:
        if match[1] == "unix":
            return str(created)
        return "".join(rng.choice(_ALPHABET) for _ in range(int(match[2] or 8)))

    return _PLACEHOLDER.sub(fill, id_format)


def usual_life(lifecycle: Lifecycle | None, *, fails: bool = False) -> tuple[str, ...]:
    """The statuses of a task that goes well (or, ``fails``, badly): the first initial
    status, every other status that is neither initial nor terminal, in the order the
    lifecycle lists them, then the successful (failed) terminal one, each step allowed."""
    if lifecycle is None:
        return ()
    life = [lifecycle.initial[0]]
    for state in lifecycle.transitions:
        running = state not in lifecycle.terminal and state != life[0]
        if running and lifecycle.allows(life[-1], state):
            life.append(state)
    end = lifecycle.failure if fails else lifecycle.success
    if end is not None and lifecycle.allows(life[-1], end):
        life.append(end)
    return tuple(life)


def resolved(script: TaskScript, lifecycle: Lifecycle | None) -> TaskScript:
    """``script`` with its statuses: its own, else the lifecycle's usual life."""
    if script.statuses:
        return script
    life = usual_life(lifecycle, fails=script.fails)
    if not life:
        raise FakeConfigError("task statuses: the contract has no lifecycle; give the statuses")
    return replace(script, statuses=life)


def check_script(script: TaskScript, lifecycle: Lifecycle | None) -> None:
    """Refuse a script whose statuses the contract's lifecycle does not allow."""
    if lifecycle is None or not script.statuses:
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


# --- an answer from a response schema --------------------------------------------------------
def _branch(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first ``oneOf``/``anyOf`` branch that is not ``null`` (the schema itself without)."""
    for key in ("oneOf", "anyOf"):
        for option in schema.get(key) or ():
            if isinstance(option, Mapping) and option.get("type") != "null":
                return option
    return schema


def instance(schema: Any) -> Any:
    """The least value ``schema`` allows (for a schema without a documented example)."""
    if not isinstance(schema, Mapping):
        return None
    schema = _branch(schema)
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), None)
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    types = schema.get("type", "object" if "properties" in schema else "null")
    kinds = [types] if isinstance(types, str) else [t for t in types if t != "null"] or ["null"]
    kind = kinds[0]
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: instance(properties.get(name)) for name in schema.get("required", [])}
    if kind == "array":
        return [instance(schema.get("items")) for _ in range(int(schema.get("minItems", 0)))]
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    return False if kind == "boolean" else None


def _schema_at(schema: Any, path: str) -> Any:
    for step in path.split("."):
        if not isinstance(schema, Mapping):
            return None
        schema = (_branch(schema).get("properties") or {}).get(step)
    return schema


def _nullable(schema: Any) -> bool:
    if not isinstance(schema, Mapping):
        return False
    types = schema.get("type", ())
    branches = [*(schema.get("oneOf") or ()), *(schema.get("anyOf") or ())]
    return "null" in ([types] if isinstance(types, str) else types) or any(
        isinstance(b, Mapping) and b.get("type") == "null" for b in branches
    )


def _clear(body: dict[str, Any], path: str, schema: Any) -> None:
    """Clear the outcome at ``path`` in a state it does not belong to: ``null`` at the
    outermost part of the path that may be null, else the path left out."""
    steps = path.split(".")
    for end in range(1, len(steps) + 1):
        prefix = ".".join(steps[:end])
        if _nullable(_schema_at(schema, prefix)):
            set_path(body, prefix, None)
            return
    parent = get_path(body, ".".join(steps[:-1])) if len(steps) > 1 else body
    if isinstance(parent, dict):
        parent.pop(steps[-1], None)


def _replace_strings(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_replace_strings(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _replace_strings(v, old, new) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class _Template:
    body: dict[str, Any]
    example_id: str | None
    schema: Mapping[str, Any]


def _template(contract: Contract, id_path: str) -> _Template:
    """The documented 2xx answer of ``contract`` (else its schema's least instance)."""
    ok = sorted(s for s in contract.responses if s.startswith("2"))
    found_schema = contract.responses[ok[0]].schema if ok else {}
    # a boolean schema (``true``: any answer) has no properties to fill
    schema = found_schema if isinstance(found_schema, Mapping) else {}
    for example in contract.examples:
        if 200 <= example.status < 300 and isinstance(example.response_body, dict):
            body = copy.deepcopy(example.response_body)
            found = get_path(body, id_path)
            return _Template(body, found if isinstance(found, str) and found else None, schema)
    made = instance(schema)
    return _Template(made if isinstance(made, dict) else {}, None, schema)


class TaskBodies:
    """The answers about tasks, made from the create and poll contracts."""

    def __init__(self, create: Contract, poll: Contract) -> None:
        self.role = create.task or TaskRole("create")
        self.lifecycle = poll.lifecycle
        self._create = _template(create, self.role.id)
        self._poll = _template(poll, self.role.id)

    def created(self, task: Task) -> dict[str, Any]:
        """The answer to the create that made ``task``."""
        return self._fill(self._create, task)

    def polled(self, task: Task) -> dict[str, Any]:
        """The answer to a poll of ``task`` in its current state."""
        return self._fill(self._poll, task)

    def _fill(self, template: _Template, task: Task) -> dict[str, Any]:
        body = copy.deepcopy(template.body)
        if template.example_id is not None:
            body = _replace_strings(body, template.example_id, task.id)
        properties = _branch(template.schema).get("properties") or {}

        def known(path: str) -> bool:
            return get_path(body, path) is not None or path.split(".")[0] in properties

        set_path(body, self.role.id, task.id)
        for path in self.role.clock:
            if known(path):
                set_path(body, path, task.created)
        for path, value in task.echoed.items():
            if known(path):
                set_path(body, path, value)
        for path, source in SCRIPTED.items():
            if get_path(body, path) is not None:
                set_path(body, path, getattr(task.script, source, task.estimated_time))
        lc = self.lifecycle
        if lc is None:
            return body
        set_path(body, lc.field, task.status)
        if lc.progress is not None and known(lc.progress):
            set_path(body, lc.progress, task.progress)
        for state in lc.terminal:
            outcome = lc.outcome(state)
            if outcome is None:
                continue
            path = outcome.results or outcome.error or ""
            if state == task.status:
                set_path(body, path, self._outcome_value(outcome, template, body, task))
            elif known(path):
                _clear(body, path, template.schema)
        return body

    @staticmethod
    def _outcome_value(outcome: Any, template: _Template, body: Any, task: Task) -> Any:
        schema = _schema_at(template.schema, outcome.results or outcome.error)
        if outcome.results is not None:
            given = get_path(body, outcome.results)
            if isinstance(given, list) and given:
                return given
            item = instance((_branch(schema or {})).get("items"))
            item = item if isinstance(item, dict) else {}
            item[outcome.url] = f"https://fake.invalid/results/{task.id}"
            return [item]
        error = instance(schema)
        error = error if isinstance(error, dict) else {}
        error[outcome.code] = task.script.error_code
        error[outcome.message] = task.script.error_message
        return error


@dataclass
class Task:
    """One task and how far along its script it is. ``echoed``: the answer fields copied
    from the create request (answer path -> value)."""

    id: str
    echoed: Mapping[str, Any]
    created: int
    script: TaskScript
    estimated_time: int
    lifecycle: Lifecycle | None = None
    polls: int = 0
    progress: int = 0

    @property
    def status(self) -> str:
        return self.script.statuses[min(self.polls, len(self.script.statuses) - 1)]

    def advance(self) -> None:
        """One poll: the next status of the script; progress 100 on success, else it grows
        by 30 (up to 90) while the task runs (past the lifecycle's first state, not ended)."""
        self.polls += 1
        status = self.status
        lc = self.lifecycle
        if lc is None:
            return
        if status == lc.success:
            self.progress = 100
        elif status != lc.initial[0] and status not in lc.terminal:
            self.progress = min(90, max(self.progress, 0) + 30)
