"""Each endpoint's part in a task's life, and what a task's terminal states must carry.

- an endpoint's ``task:`` section: ``role: create`` (``id``: where the created task's id is
  in the answer; ``id_format``, ``clock`` and ``echo`` shape the fake's answers) or
  ``role: poll`` (``param``: the path parameter that takes the id);
- the poll contract's ``lifecycle.outcomes``: what each terminal state's answer must carry,
  results with a URL (``{results: <path>, url: <key>}``) or an error object
  (``{error: <path>}``).

Without them, FoxAPI's: the endpoint with a body creates, the one with a lifecycle polls by
its only path parameter; ``completed`` carries ``results`` with a ``url``, ``failed`` an
``error``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from foxcontract.contract._paths import get_path
from foxcontract.contract._provenance import NEEDS, _Reader, lacks_provenance
from foxcontract.contract._template import fill_path, path_params
from foxcontract.contract.errors import did_you_mean
from foxcontract.contract.model import UNSTATED, Contract, Lifecycle, Provenance

__all__ = [
    "Outcome",
    "TaskRole",
    "default_outcomes",
    "default_task",
    "read_accepted_ends",
    "read_outcomes",
    "read_task",
    "task_endpoints",
]

JSONPath = list[str | int]
_ID_FIELDS = {"unix", "random"}


# --- an endpoint's part in a task's life ----------------------------------------------------
@dataclass(frozen=True)
class TaskRole:
    """What an endpoint does to a task. ``create``: its answer is a new task, whose id is at
    ``id``; the fake makes ids from ``id_format`` (``{unix}``: the time, ``{random:N}``: N
    random characters), sets the ``clock`` fields to the creation time and copies the
    ``echo`` fields from the request. ``poll``: the path parameter ``param`` takes the id."""

    role: Literal["create", "poll"]
    id: str = "id"
    param: str | None = None
    id_format: str = "task-unified-{unix}-{random:8}"
    clock: tuple[str, ...] = ("created",)
    echo: tuple[str, ...] = ("model",)
    provenance: Mapping[str, Provenance] = field(default_factory=dict, compare=False)

    def poll_path(self, url_path: str, task_id: str) -> str:
        """``url_path`` with the task's id in its parameter."""
        return fill_path(url_path, {str(self.param): task_id})


def default_task(data: Mapping[str, Any]) -> TaskRole | None:
    """The part of an endpoint without a ``task:`` section: the one with a request body
    creates tasks, the one with a lifecycle polls them by its only path parameter."""
    request = data["request"]
    if request.get("body") is not None:
        return TaskRole("create")
    params = path_params(request["path"])
    if data.get("lifecycle") is not None and len(params) == 1:
        return TaskRole("poll", param=params[0])
    return None


def read_task(reader: _Reader) -> TaskRole | None:
    """An endpoint's ``task:`` section (or its default); what is wrong with it goes to
    ``reader.problems``."""
    data = reader.src.data
    given = data.get("task")
    if given is None:
        return default_task(data)

    def problem(at: JSONPath, message: str) -> None:
        reader.problem(["task", *at], message)

    role = given["role"]
    params = path_params(data["request"]["path"])
    param = given.get("param")
    if role == "poll":
        if param is None:
            shown = ", ".join(params) or "none"
            problem(
                ["role"],
                "task: a poll endpoint needs param: the path parameter that takes the task id "
                f"(the path's: {shown})",
            )
        elif param not in params:
            problem(
                ["param"],
                f"task param {param!r} is not a parameter of the path {data['request']['path']}"
                f"{did_you_mean(param, params)}",
            )
        if data.get("lifecycle") is None:
            problem(["role"], "task: a poll endpoint needs a lifecycle: section (its states)")
    elif param is not None:
        problem(
            ["param"], "task param is for a poll endpoint; a create endpoint names its id (id: ...)"
        )
    id_format = given.get("id_format", TaskRole.id_format)
    for name in re.findall(r"\{(\w+)(?::\d+)?\}", id_format):
        if name not in _ID_FIELDS:
            problem(
                ["id_format"],
                f"id_format: unknown placeholder {{{name}}} (known: {{unix}}, {{random:N}})",
            )
    facts = [k for k in ("role", "id", "param", "id_format", "clock", "echo") if k in given]
    provenance = reader.mapping(given.get("provenance"), ["task", "provenance"], facts, "task")
    return TaskRole(
        role,
        id=given.get("id", TaskRole.id),
        param=param,
        id_format=id_format,
        clock=tuple(given.get("clock", TaskRole.clock)),
        echo=tuple(given.get("echo", TaskRole.echo)),
        provenance=provenance,
    )


def task_endpoints(contracts: Iterable[Contract]) -> tuple[Contract | None, Contract | None]:
    """The first endpoint that creates tasks and the first that polls them (by ``task.role``)."""
    create = poll = None
    for contract in contracts:
        role = contract.task.role if contract.task is not None else None
        if role == "create" and create is None:
            create = contract
        elif role == "poll" and poll is None:
            poll = contract
    return create, poll


# --- what a terminal state requires ---------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What the answer in terminal ``state`` must carry: a non-empty list at ``results``,
    each item with a non-empty string at ``url`` (a success); or an object at ``error``,
    whose ``code`` and ``message`` keys the fake fills from its task script (a failure)."""

    state: str
    results: str | None = None
    url: str = "url"
    error: str | None = None
    code: str = "code"
    message: str = "message"

    @property
    def succeeded(self) -> bool:
        return self.results is not None

    def problems(self, body: Mapping[str, Any], where: str) -> list[str]:
        """What the answer ``body`` in this state lacks (``where`` names it)."""
        a = "an" if self.state[:1] in "aeiou" else "a"
        if self.results is not None:
            results = get_path(body, self.results)
            if not isinstance(results, list) or not results:
                return [f"{where}: {a} {self.state} task has no {self.results}"]
            bad = [
                i
                for i, r in enumerate(results)
                if not (isinstance(r, Mapping) and isinstance(r.get(self.url), str) and r[self.url])
            ]
            if bad:
                url = "URL" if self.url == "url" else f"URL ({self.url})"
                return [f"{where}: {self.state} task {self.results} {bad} carry no {url}"]
        if self.error is not None and not isinstance(get_path(body, self.error), Mapping):
            return [f"{where}: {a} {self.state} task carries no {self.error} object"]
        return []


def default_outcomes(terminal: tuple[str, ...]) -> dict[str, Outcome]:
    """FoxAPI's: ``completed`` carries ``results`` with a ``url``, ``failed`` an ``error``."""
    known = {
        "completed": Outcome("completed", results="results"),
        "failed": Outcome("failed", error="error"),
    }
    return {s: known[s] for s in terminal if s in known}


def read_accepted_ends(reader: _Reader, lifecycle: Lifecycle) -> tuple[str | None, Provenance]:
    """The lifecycle's ``accepted_ends:`` (none when absent): the terminal state a task of
    an accepted body ends in and its provenance; what is wrong with it goes to
    ``reader.problems``."""
    given = (reader.src.data.get("lifecycle") or {}).get("accepted_ends")
    if given is None:
        return None, UNSTATED
    at: JSONPath = ["lifecycle", "accepted_ends"]
    state = given["state"]
    if state not in lifecycle.terminal:
        reader.problem(
            [*at, "state"],
            f"lifecycle accepted_ends {state!r} is not a terminal state"
            f"{did_you_mean(state, lifecycle.terminal)} "
            f"(terminal: {', '.join(lifecycle.terminal)})",
        )
        return None, UNSTATED
    if lacks_provenance(given):
        reader.problem(at, f"lifecycle accepted_ends {NEEDS}")
        return None, UNSTATED
    provenance = reader.entry({k: v for k, v in given.items() if k != "state"}, at)
    return state, provenance


def read_outcomes(reader: _Reader, lifecycle: Lifecycle) -> dict[str, Outcome]:
    """The lifecycle's ``outcomes:`` (FoxAPI's when absent); what is wrong with them goes to
    ``reader.problems``."""
    given = (reader.src.data.get("lifecycle") or {}).get("outcomes")
    if given is None:
        return default_outcomes(lifecycle.terminal)
    out: dict[str, Outcome] = {}
    for state, spec in given.items():
        at: JSONPath = ["lifecycle", "outcomes", state]
        if state not in lifecycle.terminal:
            reader.problem(
                at,
                f"lifecycle outcome for {state!r}, which is not a terminal state"
                f"{did_you_mean(state, lifecycle.terminal)} (terminal: "
                f"{', '.join(lifecycle.terminal)})",
            )
            continue
        if ("results" in spec) == ("error" in spec):
            reader.problem(
                at,
                f"lifecycle outcome {state!r}: give results: (a success with result URLs) "
                "or error: (a failure with an error object), one of the two",
            )
            continue
        out[state] = Outcome(state, **spec)
    return out
