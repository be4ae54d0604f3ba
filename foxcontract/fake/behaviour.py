"""How well a client behaves towards the API, read off the fake's call log.

Three checks, each a named entry of :data:`CHECKS`:

- ``retry-after``: after an answer carrying ``Retry-After`` (whole seconds or an HTTP date),
  no request reached the fake before that time had passed since the answer left. Any request
  counts (RFC 9110: the time to wait "before making a follow-up request").
- ``poll-after-terminal``: a task was not polled again once an answer had shown it in a
  terminal status of the contract's lifecycle (``completed``, ``failed``).
- ``paid-create-resent``: the body of a create the fake accepted (a paid generation on the
  real API) was not sent again: a client that retries a create after a timeout pays twice.

``check_calls(calls, fake)`` returns the :class:`Misbehaviour` found, in call order; the
fixtures turn them into a test failure. Times are the fake's ``time.monotonic()`` readings.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

from foxcontract.fake.core import FakeAPI
from foxcontract.fake.wire import Call

__all__ = ["CHECKS", "RETRY_SLACK", "Misbehaviour", "check_calls", "explain"]

RETRY_SLACK = 0.05
"""Seconds a request may come early after a Retry-After (clock reading granularity)."""


@dataclass(frozen=True)
class Misbehaviour:
    """One thing the client did that a well-behaved client does not: ``call`` is its number
    in the call log (1-based)."""

    check: str
    call: int
    message: str


def _shown(call: Call) -> str:
    return f"{call.request.method} {call.request.path.split('?', 1)[0]}"


def _retry_seconds(call: Call) -> float | None:
    value = call.response.headers.get("retry-after")
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - (call.wall + call.response.delay)


def _retry_after(calls: Sequence[Call], fake: FakeAPI) -> Iterator[Misbehaviour]:
    start = calls[0].at if calls else 0.0
    allowed, source, said = float("-inf"), 0, ""
    for number, call in enumerate(calls, start=1):
        if call.at < allowed - RETRY_SLACK:
            yield Misbehaviour(
                "retry-after",
                number,
                f"call {number} ({_shown(call)}) at t={call.at - start:.3f} s: call {source}'s "
                f"answer said Retry-After: {said}, so no request before t={allowed - start:.3f} s "
                f"({allowed - call.at:.3f} s too soon)",
            )
        seconds = _retry_seconds(call)
        if seconds is not None and call.answered_at + seconds > allowed:
            allowed = call.answered_at + seconds
            source, said = number, call.response.headers["retry-after"]


def _poll_after_terminal(calls: Sequence[Call], fake: FakeAPI) -> Iterator[Misbehaviour]:
    poll = fake.poll_contract
    lifecycle = poll.lifecycle
    if lifecycle is None:
        return
    ended: dict[str, tuple[int, str]] = {}
    for number, call in enumerate(calls, start=1):
        task_id = None
        if call.contract == poll.name:
            found = fake.route(call.request.method, call.request.path)
            task_id = found[1].get("task_id") if found is not None else None
            if task_id in ended:
                before, ended_as = ended[task_id]
                yield Misbehaviour(
                    "poll-after-terminal",
                    number,
                    f"call {number} ({_shown(call)}) polled task {task_id} again after call "
                    f"{before} answered it {ended_as!r}, a terminal status: it will not change",
                )
        body = call.response.body
        if call.response.status == 200 and isinstance(body, dict):
            status, answered_id = body.get(lifecycle.field), body.get("id", task_id)
            if status in lifecycle.terminal and isinstance(answered_id, str):
                ended.setdefault(answered_id, (number, str(status)))


def _body_key(call: Call) -> tuple[int, str | bytes]:
    try:
        return call.body_size, json.dumps(call.request.json(), sort_keys=True)
    except ValueError:  # not JSON, truncated, or an integer too long to print
        return call.body_size, call.request.body


def _paid_create_resent(calls: Sequence[Call], fake: FakeAPI) -> Iterator[Misbehaviour]:
    create = fake.create_contract.name
    accepted: dict[tuple[int, str | bytes], tuple[int, str]] = {}
    for number, call in enumerate(calls, start=1):
        if call.contract != create:
            continue
        key = _body_key(call)
        if key in accepted:
            before, task_id = accepted[key]
            yield Misbehaviour(
                "paid-create-resent",
                number,
                f"call {number} ({_shown(call)}) re-sent the body of call {before}, which was "
                f"accepted (task {task_id}): each accepted create is a paid generation",
            )
        elif call.response.status == 200:
            body = call.response.body
            accepted[key] = (number, str(body.get("id") if isinstance(body, dict) else None))


_Check = Callable[[Sequence[Call], FakeAPI], Iterator[Misbehaviour]]
CHECKS: dict[str, _Check] = {
    "retry-after": _retry_after,
    "poll-after-terminal": _poll_after_terminal,
    "paid-create-resent": _paid_create_resent,
}


def check_calls(
    calls: Sequence[Call], fake: FakeAPI, checks: Collection[str] = tuple(CHECKS)
) -> list[Misbehaviour]:
    """What the client behind ``calls`` did wrong, by the named ``checks``, in call order."""
    found = [m for name in checks for m in CHECKS[name](calls, fake)]
    return sorted(found, key=lambda m: m.call)


MAX_SHOWN = 20


def explain(
    problems: Sequence[Misbehaviour], calls: Sequence[Call], provider: str = "FoxAPI"
) -> str:
    """The problems, then the calls they refer to with their times (``provider``: the
    provider's name, as its contracts give it)."""
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    lines = [f"{provider} client misbehaved: {problems[0].check} ({count})", ""]
    lines += [f"  [{m.check}] {m.message}" for m in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        lines.append(f"  ... and {len(problems) - MAX_SHOWN} more")
    start = calls[0].at if calls else 0.0
    lines += ["", "Calls (t: seconds since the first call):"]
    for number, call in enumerate(calls[:MAX_SHOWN], start=1):
        retry = call.response.headers.get("retry-after")
        lines.append(
            f"  {number:>3}  t={call.at - start:8.3f}  {_shown(call)}  {call.response.status}"
            + (f"  Retry-After: {retry}" if retry is not None else "")
        )
    if len(calls) > MAX_SHOWN:
        lines.append(f"  ... and {len(calls) - MAX_SHOWN} more calls")
    return "\n".join(lines)
