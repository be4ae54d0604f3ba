"""Running the live plan: one probe at a time, judged against the contract.

A :class:`LiveSession` holds what one process needs (client, ledger, contracts, plan) and
runs a probe on demand, raising :class:`LiveFailure` (an ``AssertionError``: a failure, not
an error) that names the probe, the rule or check, what was sent, expected and got. Every
outcome is appended to the run directory, for the drift report and for record mode.

A paid create is charged unless refused as the contract lists (see
:mod:`foxcontract.live.budget`); a ledger that cannot be trusted fails the create unsent. An
accepted create's task is handed to the :class:`~foxcontract.live.lifecycle.TaskFollower`,
and :meth:`LiveSession.lifecycle` judges how it ended, plus a fetch of it without a key and
with a wrong key (free, refused).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

import httpx

from foxcontract._settings import DEFAULT_WAIT
from foxcontract.contract import fill_path
from foxcontract.contract.model import Contract, ErrorKind, Provenance
from foxcontract.live._baseline import Baseline
from foxcontract.live.budget import Ledger, LedgerError, charged_statuses
from foxcontract.live.client import Answer, BudgetExhausted, LiveClient, LiveError
from foxcontract.live.drift import Disproved, Outcome, append_outcome, settle
from foxcontract.live.lifecycle import TaskTracker
from foxcontract.live.plan import PaidCreate, Plan, build_plan
from foxcontract.live.polling import PollSchedule, TaskFollower, TaskResult, task_key
from foxcontract.live.probes import DEFAULT_MAX_FREE_PROBES, FreeProbe
from foxcontract.verdict import (
    NO_BODY,
    Disagreement,
    Fact,
    header_problems,
    judge,
    response_problems,
)

__all__ = ["LiveFailure", "LiveSession", "LiveSkip", "Observer", "Recorder"]

Recorder = Callable[[str, FreeProbe | PaidCreate, str, Any, Answer], None]
"""``recorder(contract, probe, path, request_body, answer)``: called after each exchange."""


Observer = Callable[[str | None, int, Contract], None]
"""``observer(rule_id, status, contract)``: the rule-coverage tally's record of an answer."""


UNANSWERED_LIMIT = 2
"""After this many probes in a row without an answer (none at all, or only retryable ones
until the retries ran out), the rest fail at once (no hang)."""

UNUSABLE_LIMIT = 10
"""After this many probes in a row refused with a 4xx the client could not read (a gateway's
HTML 401 page), the rest fail at once; fewer fail only their own probes, so an HTML answer
to the auth probes does not stop the run."""


@dataclass
class _Evidence:
    """What the provider did with the probes of one assumption, in this process."""

    assumption: str
    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        """Nothing more to learn: the probes left would only cost creates. A stance on a
        field is settled by one accept; a per-model assumption (``... when model=...``) by
        two accepts, or an accept and a refusal (the provider disagreed with itself), so a
        limit kept for one value and broken for another still shows."""
        if not self.per_model:
            return bool(self.accepted)
        return len(self.accepted) >= 2 or bool(self.accepted and self.refused)

    @property
    def per_model(self) -> bool:
        return " when " in self.assumption


class LiveFailure(AssertionError):
    """The provider disagreed with the contract; the message says where and how."""


class ProviderGone(LiveFailure):
    """The provider stopped answering (or its answers stopped being readable) for several
    probes in a row: this probe was not sent, and the run stops here (``stop`` says why)."""

    def __init__(self, message: str, stop: str) -> None:
        super().__init__(message)
        self.stop = stop


class LiveSkip(Exception):
    """The probe was not sent (the budget is spent); the message says why."""


@dataclass
class LiveSession:
    contracts: Sequence[Contract]
    client: LiveClient
    ledger: Ledger
    run_dir: Path
    wait: float = DEFAULT_WAIT
    schedule: PollSchedule = field(default_factory=PollSchedule)
    recorder: Recorder | None = None
    observer: Observer | None = None
    strict: bool = False
    """Fail on a disproved assumption too (``--fox-strict``)."""
    baseline: Baseline | None = None
    max_free_probes: int = DEFAULT_MAX_FREE_PROBES
    reserve: int | None = None
    """Paid creates kept for accepted free probes (``--fox-reserve``; ``None``: the default)."""
    models: tuple[str, ...] = ()
    """The models paid creates are planned for (``--fox-models``; empty: every model)."""

    def __post_init__(self) -> None:
        self._plan: Plan | None = None
        self._follower: TaskFollower | None = None
        self._record_lock = threading.Lock()
        self._unanswered: list[str] = []
        self._unusable: list[str] = []
        self._by_name = {c.name: c for c in self.contracts}
        self._assumed: dict[str, _Evidence] = {}

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            self._plan = build_plan(
                self.contracts,
                self.ledger.budget,
                self.max_free_probes,
                self.reserve,
                self.models,
            )
        return self._plan

    def contract(self, name: str) -> Contract:
        return self._by_name[name]

    def run(self, probe: FreeProbe | PaidCreate, *, follow: bool = True) -> None:
        """Send ``probe`` and judge the answer; a paid create's task is then followed (in
        the background, see :meth:`lifecycle`) when ``follow``."""
        if isinstance(probe, FreeProbe):
            self._free(probe)
        else:
            self._paid(probe, follow=follow)

    # --- free probes -------------------------------------------------------------------
    def _free(self, probe: FreeProbe) -> None:
        c = self.contract(probe.contract)
        try:
            state = self.ledger.state()
        except LedgerError:
            state = None  # free probes go on; an accept among them is reported below
        if state is not None and state.unexpected and state.exhausted:
            raise LiveSkip(
                f"not sent: {self.ledger.describe()}; free probes stop too, since this "
                "provider charges for requests the contract says it refuses"
            )
        if probe.on_stance and c.paid and (state is None or state.exhausted):
            why = "the budget ledger cannot be read" if state is None else self.ledger.describe()
            raise LiveSkip(
                f"not sent: it tests the contract's stance ({probe.rests_on}), which a "
                f"provider may answer by accepting the body, and {why}; stances are probed "
                "only with budget left after the paid creates"
            )
        evidence = self._assumed.get(probe.rests_on) if probe.rests_on else None
        if evidence is not None and evidence.settled:
            raise LiveSkip(
                f"not sent: the assumption it tests ({probe.rests_on}) is settled already: "
                f"the provider accepted {', '.join(evidence.accepted)}; another accept would "
                "cost a create and show nothing new"
            )
        answer = self._send(probe, c, probe.path, probe.body, paid=frozenset())
        problems: list[Disagreement | str] = []
        if c.paid and str(answer.status) in charged_statuses(c):
            try:
                self.ledger.charge_unexpected()
            except LedgerError as exc:
                problems.append(f"budget: this answer may have cost a create, not counted: {exc}")
        if probe.rests_on is not None:
            problems += self._consistency(probe, answer.status)
        if probe.kind in ("rule", "example") and c.has_body:
            verdict = judge(c, answer.status, answer.body, probe.body, answer.headers)
            if verdict.inconclusive:
                problems.append(f"status: {verdict.inconclusive}")
            problems += verdict.problems
        else:
            fact = _probe_fact(c, probe)
            problems += _kind_problems(probe.expect, answer, fact)
            problems += response_problems(c, answer.status, answer.body)
            problems += header_problems(c, answer.status, answer.headers or {})
        expected = probe.expect.describe()
        self._finish(
            c, probe.name, probe.rule, expected, answer, problems, sent=_sent(probe),
            body=probe.body,
        )  # fmt: skip

    def _consistency(self, probe: FreeProbe, status: int) -> list[Disagreement | str]:
        """Keep the evidence on the assumption ``probe`` tests; a provider that refuses a
        per-model limit for one value and accepts it for another (or one body and not the
        next) disagrees with itself, whoever is right: that is drift, not news."""
        assert probe.rests_on is not None
        evidence = self._assumed.setdefault(probe.rests_on, _Evidence(probe.rests_on))
        if not evidence.per_model:  # a stance on a field reads many cases: no self-check
            if 200 <= status < 300:
                evidence.accepted.append(probe.name)
            return []
        if 200 <= status < 300:
            evidence.accepted.append(probe.name)
            if evidence.refused:
                return [
                    f"consistency: the provider refused {evidence.refused[0]} on the same "
                    f"assumption ({probe.rests_on}) but accepted this body"
                ]
        elif 400 <= status < 500:
            evidence.refused.append(probe.name)
            if evidence.accepted:
                return [
                    f"consistency: the provider accepted {evidence.accepted[0]} on the same "
                    f"assumption ({probe.rests_on}) but refused this body"
                ]
        return []

    # --- paid creates ------------------------------------------------------------------
    def _paid(self, create: PaidCreate, *, follow: bool) -> None:
        c = self.contract(create.contract)
        tc = self.task_contract
        key = task_key(c, create.name)
        followed = False
        try:
            try:
                answer = self._send(create, c, create.path, create.body, paid=charged_statuses(c))
            except BudgetExhausted as exc:
                raise LiveSkip(f"not sent: {exc}") from None
            except LedgerError as exc:
                raise LiveFailure(
                    f"{c.name}::{create.name}: stopped by the budget ledger: {exc}"
                ) from None
            verdict = judge(c, answer.status, answer.body, create.body, answer.headers)
            problems: list[Disagreement | str] = (
                [f"status: {verdict.inconclusive}"] if verdict.inconclusive else []
            )
            problems += verdict.problems
            extra = ""
            if 200 <= answer.status < 300 and tc is not None and tc.lifecycle is not None:
                tracker = TaskTracker(tc.lifecycle, id_path=c.task.id if c.task else "id")
                problems += [f"lifecycle: {p}" for p in tracker.observe(answer.body, "create")]
                if follow and tracker.task_id is not None:
                    path = _poll_path(tc, tracker.task_id)
                    poll = partial(self._poll_once, tc, create, path)
                    self.follower.follow(key, create.name, tracker, poll)
                    followed = True
                    extra = f"; task {tracker.task_id} followed by lifecycle[{create.name}]"
            self._finish(
                c,
                create.name,
                None,
                "2xx: an allowed body is accepted",
                answer,
                problems,
                sent=json.dumps(create.body),
                extra=extra,
                body=create.body,
            )
        except Exception as exc:  # whoever waits for the task hears why there is none
            if not followed and tc is not None and tc.lifecycle is not None:
                self.follower.not_followed(key, create.name, _first_line(str(exc)))
            raise
        if not followed and tc is not None and tc.lifecycle is not None:
            accepted = 200 <= answer.status < 300
            reason = (
                "no task id in the create answer"
                if accepted
                else f"the create was answered {answer.summary()}"
            )
            if not follow:
                reason = "its lifecycle item was not selected"
            self.follower.not_followed(key, create.name, reason)

    @property
    def task_contract(self) -> Contract | None:
        name = self.plan.task_contract
        return self.contract(name) if name else None

    @property
    def follower(self) -> TaskFollower:
        """The follower of this process's tasks (made on first use)."""
        if self._follower is None:
            tc = self.task_contract
            assert tc is not None
            assert tc.lifecycle is not None
            self._follower = TaskFollower(self.run_dir, tc, self.wait, self.schedule)
        return self._follower

    def _poll_once(self, tc: Contract, create: PaidCreate, path: str) -> Answer:
        """One poll of ``create``'s task (called from the follower's threads)."""
        answer = self.client.send(tc.method, path, auth="key")
        if self.recorder is not None:
            with self._record_lock:
                self.recorder(tc.name, create, path, NO_BODY, answer)
        return answer

    def lifecycle(self, create: PaidCreate, *, alone: bool = True) -> None:
        """Judge the lifecycle of ``create``'s task, followed since its create (here, or in
        another process of the run unless ``alone``): terminal by the deadline, and still so
        once more; and refused to anyone without the key."""
        c = self.contract(create.contract)
        tc = self.task_contract
        assert tc is not None
        assert tc.lifecycle is not None
        name = f"lifecycle[{create.name}]"
        slack = 2 * self.client.policy.total + self.schedule.cap + 5.0
        key = task_key(c, create.name)
        if alone and not self.follower.knows(key):
            raise LiveSkip(f"no task to follow: {create.name} has not run before this item")
        result = self.follower.result(key, slack)
        if result is None:
            raise LiveFailure(
                f"{c.name}::{name}: no word of the task of {create.name} within the run's "
                f"deadline (--fox-wait {self.wait:g}) plus {slack:g}s: the process that "
                "sent the create ended without reporting it"
            )
        if result.not_followed is not None:
            raise LiveSkip(f"no task to follow: {create.name}: {result.not_followed}")
        terminal = tc.lifecycle.terminal
        expected = (
            f"a terminal state ({', '.join(terminal)}) within --fox-wait {self.wait:g}s, "
            "kept once more"
        )
        auth = self._task_auth(tc, result.task_id) if result.task_id is not None else []
        problems = result.judged(terminal) + auth
        disproved = () if problems else _ended_otherwise(tc, result)
        outcome = Outcome(
            tc.name, name, None, expected, result.summary(), tuple(problems),
            disproved=disproved, strict=self.strict,
        )  # fmt: skip
        append_outcome(self.run_dir, outcome)
        if problems or (self.strict and disproved):
            lines = [f"{c.name}::{name}: the task's lifecycle disagrees with the contract"]
            lines.append(f"  created by: {create.name} ({c.method} {c.url_path})")
            lines.append(f"  expected:   {expected}")
            lines.append(f"  got:        {result.summary(status=False)}")
            lines += [f"  {p}" for p in problems]
            for d in disproved:
                lines.append("  assumption disproved (failing under --fox-strict):")
                lines += [f"    {line}" for line in d.lines()]
            raise LiveFailure(self.client.scrub("\n".join(lines)))

    def _task_auth(self, tc: Contract, task_id: str) -> list[str]:
        """The created task fetched without a key and with a wrong key (free): both must get
        the contract's authentication answer, never the task."""
        kinds = [tc.error_kinds[n] for n in tc.errors if n in tc.error_kinds]
        kind = tc.error_kind("authentication") or next((k for k in kinds if k.status == 401), None)
        if kind is None or not tc.keyed:
            return []
        path = _poll_path(tc, task_id)
        out: list[str] = []
        checks: tuple[tuple[Literal["none", "wrong"], str], ...] = (
            ("none", "without a key"),
            ("wrong", "with a wrong key"),
        )
        for auth, how in checks:
            where = f"auth: {tc.method} {path} {how}"
            try:
                answer = self.client.send(tc.method, path, auth=auth)
            except LiveError as exc:
                out.append(f"{where}: no answer: {exc}")
                continue
            fact = Fact("error", kind.provenance, key=kind.name)
            out += [f"{where}: {p}" for p in _kind_problems(kind, answer, fact)]
        return out

    def stop_following(self, *, wait: bool) -> None:
        """Stop following tasks (``wait``: only once every task followed here has ended)."""
        if self._follower is not None:
            self._follower.close(wait=wait)

    def close(self, *, wait: bool) -> None:
        self.stop_following(wait=wait)
        self.client.close()

    # --- plumbing ------------------------------------------------------------------------
    def _send(
        self,
        probe: FreeProbe | PaidCreate,
        c: Contract,
        path: str,
        body: Any,
        *,
        paid: frozenset[str],
        method: str | None = None,
    ) -> Answer:
        raw = probe.raw if isinstance(probe, FreeProbe) else None
        null_body = raw is None and body is None and method is None and c.has_body
        if null_body:
            raw = b"null"  # a JSON null body, not an empty one
        if len(self._unanswered) >= UNANSWERED_LIMIT:
            why = f"the provider gave no answer to {len(self._unanswered)} probes in a row"
            raise ProviderGone(
                f"{c.name}::{probe.name}: not sent: {why}; the first: {self._unanswered[0]}",
                f"foxcontract: live run stopped: {why} ({self.client.base_url}); nothing "
                "more was sent",
            )
        if len(self._unusable) >= UNUSABLE_LIMIT:
            why = (
                f"the provider's answers to {len(self._unusable)} probes in a row could not be read"
            )
            raise ProviderGone(
                f"{c.name}::{probe.name}: not sent: {why}; the first: {self._unusable[0]}",
                f"foxcontract: live run stopped: {why} ({self.client.base_url}); nothing "
                "more was sent",
            )
        try:
            answer = self.client.send(
                method or probe.method,
                path,
                json_body=body if raw is None else None,
                content=raw,
                content_type=probe.content_type,
                auth=probe.auth if isinstance(probe, FreeProbe) else "key",
                paid=paid,
                spender=self.ledger if paid else None,
            )
        except BudgetExhausted:
            raise
        except LiveError as exc:
            status = exc.status
            if exc.final and status is not None and 400 <= status < 500:
                self._unanswered.clear()  # a refusal, only one the client could not read
                self._unusable.append(f"{probe.name}: {exc}")
            else:  # none, only retryable ones, or an answer that never came whole
                self._unanswered.append(f"{probe.name}: {exc}")
            raise LiveFailure(
                f"{c.name}::{probe.name}: no answer from the provider\n  {exc}"
            ) from None
        except httpx.HTTPError as exc:  # not expected: the client wraps these
            raise LiveFailure(
                f"{c.name}::{probe.name}: {type(exc).__name__}: {self.client.scrub(str(exc))}"
            ) from None
        self._unanswered.clear()
        self._unusable.clear()
        if method is None and self.recorder is not None:
            sent = body if raw is None or null_body else NO_BODY
            self.recorder(c.name, probe, path, sent, answer)
        return answer

    def _finish(
        self,
        c: Contract,
        name: str,
        rule: str | None,
        expected: str,
        answer: Answer,
        problems: Sequence[Disagreement | str],
        *,
        sent: str,
        extra: str = "",
        body: Any = None,
    ) -> None:
        settled = settle(
            c, name, rule, problems, status=answer.status, body=answer.body,
            headers=answer.headers, sent=body, baseline=self.baseline,
        )  # fmt: skip
        outcome = Outcome(
            contract=c.name,
            probe=name,
            rule=rule,
            expected=expected,
            actual=answer.summary() + extra,
            problems=settled.drift,
            facts=settled.facts,
            disproved=settled.disproved,
            known=settled.known,
            baseline=settled.baseline,
            strict=self.strict,
        )
        append_outcome(self.run_dir, outcome)
        if self.observer is not None and (rule is not None or name.startswith("paid-")):
            self.observer(rule, answer.status, c)
        if not settled.fails(self.strict):
            return
        lines = [f"{c.name}::{name}: the provider disagrees with the contract"]
        if rule is not None:
            r = c.rule(rule)
            lines.append(f"  rule {rule} ({c.path.name}:{r.line}){': ' + r.doc if r.doc else ''}")
        lines.append(f"  sent:     {answer.method} {answer.path} {_cut(sent)}")
        lines.append(f"  expected: {expected}")
        lines.append(f"  got:      {answer.summary()}{extra}")
        for p, fact in zip(settled.drift, settled.facts, strict=True):
            lines.append(f"  {p}")
            lines += [f"    {fact}"] if fact else []
        for d in settled.disproved:
            lines.append("  assumption disproved (failing under --fox-strict):")
            lines += [f"    {line}" for line in d.lines()]
        raise LiveFailure(self.client.scrub("\n".join(lines)))


def _ended_otherwise(tc: Contract, result: TaskResult) -> tuple[Disproved, ...]:
    """The contract's stance that a task of a body it accepts ends in ``accepted_ends``,
    disproved by a planned create's task that ended in another terminal state."""
    lc = tc.lifecycle
    if lc is None or lc.accepted_ends is None or not result.terminal:
        return ()
    if result.status == lc.accepted_ends:
        return ()
    where = f"{tc.path.name}:{lc.accepted_provenance.line}"
    return (
        Disproved(
            f"task {result.task_id} of a body the contract accepts ended {result.status!r}, "
            f"not {lc.accepted_ends!r}",
            f"{lc.accepted_provenance.describe()} ({where})",
            f"{where}: remove accepted_ends (a task of an accepted body may end {result.status!r})",
        ),
    )


def _probe_fact(c: Contract, probe: FreeProbe) -> Fact:
    """The fact an auth or malformed probe tests: the setting that names its answer, or
    the error kind itself."""
    if probe.kind == "malformed":
        provenance: Provenance = c.settings.provenance_of("malformed_request")
        return Fact("setting", provenance, key="malformed_request")
    return Fact("error", probe.expect.provenance, key=probe.expect.name)


def _kind_problems(kind: ErrorKind, answer: Answer, fact: Fact) -> list[Disagreement]:
    if answer.status != kind.status:
        message = f"expected {kind.status} {kind.name}, got {answer.summary()}"
        return [Disagreement("status", message, fact)]
    err = answer.error()
    if err is None:
        return [Disagreement("error", f"a {kind.status} without an error object", fact)]
    out = []
    if kind.type is not None and err.type != kind.type:
        message = f"expected type {kind.type!r}, got {err.type!r}"
        out.append(Disagreement("error", message, fact))
    if kind.code is not None and err.code != kind.code:
        message = f"expected code {kind.code!r}, got {err.code!r}"
        out.append(Disagreement("error", message, fact))
    return out


def _sent(probe: FreeProbe) -> str:
    auth = {"none": " (no Authorization header)", "wrong": " (a wrong key)"}.get(probe.auth, "")
    if probe.raw is not None:
        return f"{probe.raw.decode(errors='replace')!r} as {probe.content_type}{auth}"
    return ("" if probe.body is None else json.dumps(probe.body)) + auth


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _cut(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _poll_path(tc: Contract, task_id: str) -> str:
    """The poll contract's path for ``task_id`` (in its ``task.param``)."""
    if tc.task is not None and tc.task.param is not None:
        return tc.task.poll_path(tc.url_path, task_id)
    return fill_path(tc.url_path, task_id)
