"""Running the live plan: one probe at a time, judged against the contract.

A :class:`LiveSession` holds what one process needs (client, ledger, contracts, plan) and
runs a probe on demand, raising :class:`~foxcontract.live.failures.LiveFailure` (an
``AssertionError``: a failure, not an error) that names the probe, the rule or check, what
was sent, expected and got. Every outcome is appended to the run directory, for the drift
report and for record mode.

Whether a probe is sent, and what its answer cost, is the budget's say
(:mod:`foxcontract.live.charging`): a paid create is charged unless refused as the contract
lists, and a ledger that cannot be trusted fails it unsent. An accepted create's task is
handed to the session's :class:`~foxcontract.live.tasks.Tasks`, which follows it and, for
:meth:`LiveSession.lifecycle`, judges how it ended.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from foxcontract._settings import DEFAULT_WAIT
from foxcontract.contract.model import Contract, Provenance
from foxcontract.live._baseline import Baseline
from foxcontract.live._kinds import kind_problems
from foxcontract.live.budget import Ledger, charged_statuses
from foxcontract.live.charging import charge_free, check_free, paid_create
from foxcontract.live.client import Answer, BudgetExhausted, LiveClient, LiveError
from foxcontract.live.drift import Outcome, append_outcome, settle
from foxcontract.live.failures import LiveFailure, LiveSkip, ProviderGone
from foxcontract.live.lifecycle import TaskTracker
from foxcontract.live.plan import PaidCreate, Plan, build_plan
from foxcontract.live.polling import PollSchedule, task_key
from foxcontract.live.probes import DEFAULT_MAX_FREE_PROBES, FreeProbe
from foxcontract.live.tasks import Tasks
from foxcontract.verdict import (
    NO_BODY,
    Disagreement,
    Fact,
    header_problems,
    judge,
    response_problems,
)

__all__ = ["LiveSession", "Observer", "Recorder"]

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
        self._tasks: Tasks | None = None
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
        check_free(self.ledger, c, probe)
        evidence = self._assumed.get(probe.rests_on) if probe.rests_on else None
        if evidence is not None and evidence.settled:
            raise LiveSkip(
                f"not sent: the assumption it tests ({probe.rests_on}) is settled already: "
                f"the provider accepted {', '.join(evidence.accepted)}; another accept would "
                "cost a create and show nothing new"
            )
        answer = self._send(probe, c, probe.path, probe.body, paid=frozenset())
        problems: list[Disagreement | str] = []
        problems += charge_free(self.ledger, c, answer.status)
        if probe.rests_on is not None:
            problems += self._consistency(probe, answer.status)
        if probe.kind in ("rule", "example") and c.has_body:
            verdict = judge(c, answer.status, answer.body, probe.body, answer.headers)
            if verdict.inconclusive:
                problems.append(f"status: {verdict.inconclusive}")
            problems += verdict.problems
        else:
            fact = _probe_fact(c, probe)
            problems += kind_problems(probe.expect, answer, fact)
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
            with paid_create(c, create):
                answer = self._send(create, c, create.path, create.body, paid=charged_statuses(c))
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
                    record = partial(self._record_poll, tc.name, create)
                    self.tasks.follow(key, create.name, tracker, record)
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
                self.tasks.not_followed(key, create.name, _first_line(str(exc)))
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
            self.tasks.not_followed(key, create.name, reason)

    @property
    def task_contract(self) -> Contract | None:
        name = self.plan.task_contract
        return self.contract(name) if name else None

    @property
    def tasks(self) -> Tasks:
        """The tasks of this process's paid creates (made on first use)."""
        if self._tasks is None:
            tc = self.task_contract
            assert tc is not None
            self._tasks = Tasks(tc, self.client, self.run_dir, self.wait, self.schedule)
        return self._tasks

    def _record_poll(self, contract: str, create: PaidCreate, path: str, answer: Answer) -> None:
        """Record one poll of ``create``'s task (called from the follower's threads)."""
        if self.recorder is not None:
            with self._record_lock:
                self.recorder(contract, create, path, NO_BODY, answer)

    def lifecycle(self, create: PaidCreate, *, alone: bool = True) -> None:
        """Judge the lifecycle of ``create``'s task (see :meth:`Tasks.judge`)."""
        c = self.contract(create.contract)
        self.tasks.judge(c, create, alone=alone, strict=self.strict)

    def stop_following(self, *, wait: bool) -> None:
        """Stop following tasks (``wait``: only once every task followed here has ended)."""
        if self._tasks is not None:
            self._tasks.close(wait=wait)

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


def _probe_fact(c: Contract, probe: FreeProbe) -> Fact:
    """The fact an auth or malformed probe tests: the setting that names its answer, or
    the error kind itself."""
    if probe.kind == "malformed":
        provenance: Provenance = c.settings.provenance_of("malformed_request")
        return Fact("setting", provenance, key="malformed_request")
    return Fact("error", probe.expect.provenance, key=probe.expect.name)


def _sent(probe: FreeProbe) -> str:
    auth = {"none": " (no Authorization header)", "wrong": " (a wrong key)"}.get(probe.auth, "")
    if probe.raw is not None:
        return f"{probe.raw.decode(errors='replace')!r} as {probe.content_type}{auth}"
    return ("" if probe.body is None else json.dumps(probe.body)) + auth


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _cut(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
