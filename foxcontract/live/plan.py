"""The live plan: every free probe and paid create of a run, cut to the budget, and its
printout (shown before any request is sent, and by ``foxcontract plan``).

``build_plan(contracts, budget)`` is pure: the same contracts and budget give the same plan
in every process, so pytest-xdist workers agree on the items without talking.

The budget is split: the first ``budget - reserve`` paid creates are sent first; the
**reserve** (``--fox-reserve``, :func:`default_reserve` unless told) is kept for the free
probes a provider may accept (each such accept is charged: it started a paid generation),
and the last ``reserve`` creates are sent after the free probes of documented facts and
per-model assumptions, with what their accepts left of it. A provider that refuses what the
contract says it refuses loses no paid create to the reserve; one that accepts refusals
pays for them out of the budget. The probes of the contract's stances on single fields (a
null, a blank prompt: where a provider may well read the docs otherwise) come after every
create, and are sent only while the budget has room: their answers are news about the
contract, not faults of the provider, and the budget buys the planned coverage first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from foxcontract.contract.model import MISSING, Contract
from foxcontract.live._classes import class_of
from foxcontract.live._modes import ModeCoverage, mode_coverage
from foxcontract.live.covering import cover
from foxcontract.live.probes import (
    DEFAULT_MAX_FREE_PROBES,
    FreeProbe,
    cap_free_probes,
    free_probes,
    in_send_order,
)
from foxcontract.live.targets import Target, classes, domain
from foxcontract.oracle import check

__all__ = [
    "PaidCreate",
    "Plan",
    "PlanError",
    "build_plan",
    "default_reserve",
    "format_plan",
    "task_contract",
]

JSON = Any


DEFAULT_LEFT_OUT = "default left out"
DEFAULT_SENT = "default sent"


@dataclass(frozen=True)
class PaidCreate:
    """One accepted request to make (and pay for), the values, pairs and triples it is the
    first to send, and the class of value it carries in each free-form field (and whether
    each field with a default is left out or sent at its default)."""

    name: str
    contract: str
    method: str
    path: str
    body: dict[str, JSON]
    covers: tuple[Target, ...]
    carries: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"
    """The request's Content-Type: the contract's, with a charset parameter on the second
    create of a contract (a parameter the media type allows, that some servers refuse)."""

    def configuration(self) -> str:
        """The body in one line: a free-form field by its class (``prompt=<cjk>``)."""
        named = dict(self.carries)
        shown = [
            f"{k}=<{named[k]}>"
            if named.get(k, DEFAULT_SENT) not in (DEFAULT_SENT, DEFAULT_LEFT_OUT)
            else f"{k}={_show(v)}"
            for k, v in self.body.items()
        ]
        return " ".join(shown)

    def news(self) -> str:
        """What this create is the first to send, counted: ``3 values, 2 pairs, 1 triple``."""
        counts = [sum(1 for t in self.covers if t.priority == p) for p in (0, 1, 2)]
        words = (("value", "values"), ("pair", "pairs"), ("triple", "triples"))
        return ", ".join(f"{n} {w[n != 1]}" for n, w in zip(counts, words, strict=True) if n)


def _show(value: JSON) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Plan:
    budget: int
    free: tuple[FreeProbe, ...]
    paid: tuple[PaidCreate, ...]
    dropped: tuple[PaidCreate, ...]
    uncovered: tuple[Target, ...]
    infeasible: tuple[Target, ...]
    task_contract: str | None
    free_cap: int = DEFAULT_MAX_FREE_PROBES
    free_left_out: int = 0
    modes: tuple[ModeCoverage, ...] = ()
    """What the kept creates send of each mode (variant) of a contract's body."""
    reserve: int = 0
    """Paid creates of the budget kept for free probes the provider may accept."""
    models: tuple[str, ...] = ()
    """The models the paid creates are planned for (``--fox-models``; empty: every one)."""

    @property
    def wanted(self) -> int:
        return len(self.paid) + len(self.dropped)

    @property
    def first(self) -> tuple[PaidCreate, ...]:
        """The paid creates sent before the free probes (the budget less the reserve)."""
        return self.paid[: max(0, len(self.paid) - self._held_back)]

    @property
    def last(self) -> tuple[PaidCreate, ...]:
        """The paid creates sent after the free probes, with what is left of the reserve."""
        return self.paid[len(self.first) :]

    @property
    def _held_back(self) -> int:
        return max(0, len(self.paid) - (self.budget - self.reserve))

    @property
    def order(self) -> tuple[FreeProbe | PaidCreate, ...]:
        """Every probe in the order a run sends it: the first creates, the free probes of
        documented facts and per-model assumptions, the last creates, then the free probes
        of the contract's stances on fields (sent only while the budget has room)."""
        stances = tuple(p for p in self.free if p.on_stance)
        others = tuple(p for p in self.free if not p.on_stance)
        return (*self.first, *others, *self.last, *stances)


def default_reserve(budget: int) -> int:
    """The paid creates kept for accepted free probes unless ``--fox-reserve`` says: one
    per six of the budget, at least one when there is a budget."""
    return budget // 6 or min(budget, 1)


def task_contract(contracts: Iterable[Contract]) -> Contract | None:
    """The contract that polls a task (the one with a lifecycle), if any."""
    return next((c for c in contracts if c.lifecycle is not None), None)


def carried(contract: Contract, body: dict[str, JSON]) -> tuple[tuple[str, str], ...]:
    """(field, class) for each free-form field ``body`` sends a class of, and for each field
    with a default: left out, or sent at its default."""
    out: list[tuple[str, str]] = []
    for f in contract.fields:
        if f.default is not MISSING and not f.required:
            if f.name not in body:
                out.append((f.name, DEFAULT_LEFT_OUT))
            elif body[f.name] == f.default and type(body[f.name]) is type(f.default):
                out.append((f.name, DEFAULT_SENT))
        elif f.name in body:
            name = class_of(classes(contract, f), body[f.name])
            if name is not None:
                out.append((f.name, name))
    return tuple(out)


def _content_type(contract: Contract, index: int) -> str:
    """The Content-Type of a contract's ``index``-th paid create (counted from 0)."""
    media = contract.content_type or "application/json"
    return f"{media}; charset=utf-8" if index == 1 and media == "application/json" else media


class PlanError(ValueError):
    """A plan the options ask for cannot be made (a model no contract has)."""


def build_plan(
    contracts: Iterable[Contract],
    budget: int,
    max_free: int = DEFAULT_MAX_FREE_PROBES,
    reserve: int | None = None,
    models: Sequence[str] = (),
) -> Plan:
    """Plan a live run of ``contracts`` spending at most ``budget`` paid creates, ``reserve``
    of them (:func:`default_reserve` when ``None``) kept for free probes the provider may
    accept, and sending at most ``max_free`` free probes. With ``models``, the paid
    creates are planned for those values of a body's discriminator only (the free probes
    still start from bodies of every mode); a model no paid contract has is a
    :class:`PlanError`."""
    contracts = list(contracts)
    models = tuple(dict.fromkeys(models))
    _check_models(contracts, models)
    free: list[FreeProbe] = []
    planned: list[PaidCreate] = []
    infeasible: list[Target] = []
    for c in contracts:
        bases: list[dict[str, JSON]] = []
        if c.has_body and c.paid:
            found = cover(c)
            focused = bool(models) and c.discriminator is not None
            if focused:  # the free probes start from a body of every mode all the same
                bases = [body for body, _ in found.bodies]
                found = cover(c, only=models)
            infeasible += found.infeasible
            for index, (body, met) in enumerate(found.bodies):
                if check(body, c):  # never plan money on a body the oracle refuses
                    raise AssertionError(f"planned body breaks {check(body, c)}")
                if not focused:
                    bases.append(body)
                planned.append(
                    PaidCreate(
                        f"paid-{len(planned) + 1:02d}",
                        c.name,
                        c.method,
                        c.url_path,
                        body,
                        met,
                        carried(c, body),
                        _content_type(c, index),
                    )
                )
        free += free_probes(c, bases)
    capped, left_out = cap_free_probes(free, max_free)
    capped = in_send_order(capped)
    held = min(budget, default_reserve(budget) if reserve is None else reserve)
    kept, dropped = planned[:budget], planned[budget:]
    covered = {t for p in kept for t in p.covers}
    uncovered = tuple(t for p in dropped for t in p.covers if t not in covered)
    tc = task_contract(contracts)
    modes = tuple(
        m
        for c in contracts
        for m in mode_coverage(
            c,
            [(p.body, p.covers) for p in kept if p.contract == c.name],
            [p.body for p in dropped if p.contract == c.name],
        )
    )
    return Plan(
        budget,
        capped,
        tuple(kept),
        tuple(dropped),
        uncovered,
        tuple(infeasible),
        tc.name if tc else None,
        max_free,
        left_out,
        modes,
        held,
        models,
    )


def _check_models(contracts: list[Contract], models: tuple[str, ...]) -> None:
    known = {
        v: c
        for c in contracts
        if c.has_body and c.paid and c.discriminator is not None
        for v in domain(c, c.field(c.discriminator))
        if isinstance(v, str)
    }
    unknown = [m for m in models if m not in known]
    if unknown and known:  # contracts without models plan as they are
        raise PlanError(
            f"no contract of the run has model {', '.join(repr(m) for m in unknown)}; "
            f"the contracts' models: {', '.join(known)}"
        )


def format_plan(plan: Plan, base_url: str | None = None, *, verbose: bool = False) -> list[str]:
    """The plan in plain lines, as printed before a live run."""
    where = f" against {base_url}" if base_url else ""
    lines = [f"foxcontract live plan{where}: budget {plan.budget} paid create(s)"]
    by_contract: dict[str, int] = {}
    for p in plan.free:
        by_contract[p.contract] = by_contract.get(p.contract, 0) + 1
    parts = ", ".join(f"{n} {name}" for name, n in by_contract.items())
    lines.append(f"  free probes: {len(plan.free)} ({parts}); refused requests cost nothing")
    lines.append(
        f"  free probe cap: {plan.free_cap} a run (--fox-max-free-probes); "
        f"{plan.free_left_out} left out"
    )
    if verbose:
        lines += [f"    {p.contract}::{p.name}: {p.describe()}" for p in plan.free]
    groups = [sum(1 for p in plan.free if p.group == g) for g in (0, 1, 2)]
    lines.append(
        f"  free probe order: {groups[0]} on documented facts, then {groups[1]} on per-model "
        f"assumptions; {groups[2]} on the contract's stances on fields go last, only while "
        "the budget has room (an accept is charged)"
    )
    poll = f", each then polled on {plan.task_contract} (free)" if plan.task_contract else ""
    lines.append(f"  paid creates: {len(plan.paid)} of {plan.wanted} planned{poll}")
    if plan.models:
        lines.append(
            f"  models: paid creates for {', '.join(plan.models)} only (--fox-models); "
            "free probes cover every model"
        )
    lines.append(_reserve_line(plan))
    for c in plan.paid:
        media = "" if c.content_type == "application/json" else f" (as {c.content_type})"
        lines.append(f"    {c.name} {c.contract}: {c.configuration()}{media}")
        lines.append(f"        new: {c.news() or 'nothing (the budget has room)'}")
        if verbose:
            lines += [f"          {t.describe()}" for t in c.covers if t.priority > 0]
    kinds = [sum(1 for p in plan.paid for t in p.covers if t.priority == k) for k in (0, 1, 2)]
    lines.append(
        f"  covered: {kinds[0]} field values, {kinds[1]} model-dependent pairs, "
        f"{kinds[2]} three-way combinations"
    )
    for contract in dict.fromkeys(m.contract for m in plan.modes):
        lines.append(f"  coverage by mode ({contract}):")
        lines += [f"    {m.describe()}" for m in plan.modes if m.contract == contract and m.planned]
    lines += _carried_lines(plan.paid)
    if plan.dropped:
        lines.append(
            f"  dropped by the budget: {len(plan.dropped)} paid create(s) "
            f"({', '.join(p.name for p in plan.dropped)}), leaving {len(plan.uncovered)} "
            "value(s)/pair(s)/triple(s) unsent:"
        )
        shown = [t.describe() for t in plan.uncovered]
        cut = shown if verbose else shown[:8]
        lines += [f"    {s}" for s in cut]
        if len(cut) < len(shown):
            lines.append(f"    ... and {len(shown) - len(cut)} more (foxcontract plan --verbose)")
    if plan.infeasible:
        values = sum(1 for t in plan.infeasible if t.priority == 0)
        pairs = sum(1 for t in plan.infeasible if t.priority == 1)
        triples = sum(1 for t in plan.infeasible if t.priority == 2)
        some = f"{values} value(s), " if values else ""
        lines.append(
            f"  not sendable (the rules forbid them; probed as free refusals): "
            f"{some}{pairs} pair(s), {triples} triple(s)"
        )
    return lines


def _reserve_line(plan: Plan) -> str:
    """The reserve: how much of the budget is kept for accepted free probes, and which
    creates get what they leave."""
    if plan.reserve == 0:
        return (
            "  reserve: 0 of the budget for free probes the provider may accept (--fox-reserve); "
            "the first accept after the budget is spent costs one create beyond it and stops "
            "the free probes"
        )
    last = ", ".join(c.name for c in plan.last)
    after = f", {last} after the free probes with what is left" if last else ""
    return (
        f"  reserve: {plan.reserve} of the budget for free probes the provider may accept "
        f"(--fox-reserve); {len(plan.first)} create(s) first{after}"
    )


def _carried_lines(paid: Iterable[PaidCreate]) -> list[str]:
    """Which class of value each free-form field carries, and in which create."""
    by_field: dict[str, dict[str, list[str]]] = {}
    for p in paid:
        for name, cls in p.carries:
            by_field.setdefault(name, {}).setdefault(cls, []).append(p.name.removeprefix("paid-"))
    if not by_field:
        return []
    lines = ["  value classes carried (create numbers):"]
    for name, found in by_field.items():
        shown = ", ".join(f"{cls} ({' '.join(nums)})" for cls, nums in found.items())
        lines.append(f"    {name}: {shown}")
    return lines
