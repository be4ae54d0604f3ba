"""The drift report: for each rule and probe of a live run, what the contract expected and
what the provider did, disagreements first.

A disagreement is settled by the provenance of the fact it contradicts (:func:`settle`):

- **drift**: the fact is documented (or no single fact is at stake): the probe fails;
- **assumption disproved**: the fact is a stance the contract took where the docs are
  silent (a ``null`` sent for a field whose documented type does not take it tests the
  null stance, not the documented type: :func:`~foxcontract.live.probes.null_stance`):
  reported with the provider's answer and the one-line YAML change that adopts it,
  failing only under ``--fox-strict``;
- **known**: the rule or probe is in the baseline of accepted drift (``--fox-baseline``):
  reported, never failing. A baseline entry whose probes all agree now is **stale**.

Each process appends its outcomes (one JSON line each) to ``outcomes-<pid>.jsonl`` in the
run directory; the report reads them all, so pytest-xdist workers need no channel.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from foxcontract.contract.model import Contract
from foxcontract.live._adopt import adoption
from foxcontract.live._baseline import Baseline
from foxcontract.live.probes import null_stance
from foxcontract.verdict import Disagreement, Fact

__all__ = [
    "Disproved",
    "Outcome",
    "Settled",
    "append_outcome",
    "format_drift",
    "read_outcomes",
    "settle",
]


@dataclass(frozen=True)
class Disproved:
    """An assumption of the contract that the provider's answer disproves."""

    problem: str
    assumed: str
    adopt: str

    def lines(self) -> list[str]:
        return [f"- {self.problem}", f"  {self.assumed}", f"  adopt: {self.adopt}"]


@dataclass(frozen=True)
class Settled:
    """The disagreements of one probe, sorted by what they mean."""

    drift: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    """Per drift line: the documented fact it breaks (``documented: <page>: "<words>"``)."""
    disproved: tuple[Disproved, ...] = ()
    known: tuple[str, ...] = ()
    baseline: str = ""
    """The baseline entry that accepts this probe's disagreements (``file:line: reason``)."""

    def fails(self, strict: bool) -> bool:
        return bool(self.drift) or (strict and bool(self.disproved))


def settle(
    contract: Contract,
    probe: str,
    rule: str | None,
    problems: Sequence[Disagreement | str],
    *,
    status: int,
    body: Any,
    headers: Mapping[str, str] | None,
    sent: Any,
    baseline: Baseline | None = None,
) -> Settled:
    """Sort one probe's ``problems`` into drift, disproved assumptions and known drift."""
    found = [p if isinstance(p, Disagreement) else _plain(p) for p in problems]
    if not found:
        return Settled()
    entry = baseline.match(contract.name, probe, rule) if baseline is not None else None
    if entry is not None and baseline is not None:
        accepted = f"{baseline.where(entry)}: {entry.reason} ({entry.date})"
        return Settled(known=tuple(str(p) for p in found), baseline=accepted)
    drift: list[str] = []
    facts: list[str] = []
    disproved: list[Disproved] = []
    for p in found:
        fact = p.fact
        if fact is not None and fact.part == "rule" and fact.rule is not None:
            stance = null_stance(contract, fact.rule, sent)
            fact = fact if stance is None else replace(fact, provenance=stance)
        if fact is not None and fact.part == "answer" and not fact.provenance.documented:
            fact = _kind_broken(contract, fact, status, body) or fact
        if fact is None or fact.provenance.documented:
            drift.append(str(p))
            facts.append(fact.provenance.describe() if fact is not None else "")
            continue
        adopt = adoption(contract, fact, status, body, headers, sent)
        assumed = fact.provenance.describe()
        if fact.provenance.line:
            assumed += f" ({contract_file(contract, fact.part)}:{fact.provenance.line})"
        disproved.append(Disproved(str(p), assumed, adopt))
    return Settled(tuple(drift), tuple(facts), tuple(disproved))


def _kind_broken(contract: Contract, fact: Fact, status: int, body: Any) -> Fact | None:
    """The documented error kind an answer breaks when the rule's answer is assumed but the
    provider named that very kind (its code) with another status: the kind's status is
    the documented fact at stake, not the assumption of which kind answers."""
    if fact.rule is None:
        return None
    kind = contract.error_kinds.get(contract.rule(fact.rule).expect)
    error = body.get("error") if isinstance(body, Mapping) else None
    if kind is None or kind.code is None or not kind.provenance.documented:
        return None
    if not isinstance(error, Mapping) or error.get("code") != kind.code or status == kind.status:
        return None
    return Fact("error", kind.provenance, key=kind.name, status=str(status))


def contract_file(contract: Contract, part: str) -> str:
    """The file a fact's provenance is written in."""
    if part == "error" and contract.errors_path is not None:
        return contract.errors_path.name
    return contract.path.name


def _plain(text: str) -> Disagreement:
    check, _, message = text.partition(": ")
    return Disagreement(check, message) if message else Disagreement("problem", text)


@dataclass(frozen=True)
class Outcome:
    contract: str
    probe: str
    rule: str | None
    expected: str
    actual: str
    problems: tuple[str, ...] = ()
    """Drift: disagreements with documented facts (each fails the probe)."""
    facts: tuple[str, ...] = ()
    disproved: tuple[Disproved, ...] = ()
    known: tuple[str, ...] = ()
    baseline: str = ""
    strict: bool = False

    @property
    def agrees(self) -> bool:
        return not self.problems and not self.disproved and not self.known

    @property
    def flag(self) -> str:
        if self.problems or (self.strict and self.disproved):
            return "DRIFT"
        if self.disproved:
            return "DISPROVED"
        return "KNOWN" if self.known else "ok"


def append_outcome(run_dir: Path, outcome: Outcome) -> None:
    path = run_dir / f"outcomes-{os.getpid()}.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(outcome)) + "\n")


def read_outcomes(run_dir: Path) -> list[Outcome]:
    out: list[Outcome] = []
    for path in sorted(run_dir.glob("outcomes-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                data["problems"] = tuple(data["problems"])
                data["known"] = tuple(data.get("known", ()))
                data["facts"] = tuple(data.get("facts", ()))
                data["disproved"] = tuple(Disproved(**d) for d in data.get("disproved", ()))
                out.append(Outcome(**data))
    return sorted(out, key=lambda o: (o.contract, o.probe))


def _group(o: Outcome) -> str:
    if o.rule:
        return f"rule {o.rule}"
    return "paid creates" if o.probe.startswith("paid-") else o.probe.split("[")[0]


_FLAGS = ("DRIFT", "DISPROVED", "KNOWN", "ok")


def _table(outcomes: list[Outcome]) -> list[str]:
    """One line per rule or kind of probe: what the contract expects, what the provider
    answered (status x count), and whether they agree (the worst flag of its probes)."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.contract, _group(o)), []).append(o)
    rows = []
    for (contract, what), members in groups.items():
        answered = Counter(o.actual[:3] for o in members)  # the HTTP status
        shown = " ".join(f"{status}x{n}" for status, n in sorted(answered.items()))
        flag = min((o.flag for o in members), key=_FLAGS.index)
        rows.append((f"{contract} {what}", members[0].expected, shown, flag))
    width = max(len(r[0]) for r in rows)
    expect_width = max(len(r[1]) for r in rows)
    out = [f"  {'probed':{width}}  {'the contract expects':{expect_width}}  provider answered"]
    out += [f"  {a:{width}}  {b:{expect_width}}  {c} {d}" for a, b, c, d in rows]
    return out


@dataclass
class _Tally:
    drift: list[Outcome] = field(default_factory=list)
    disproved: list[Outcome] = field(default_factory=list)
    known: list[Outcome] = field(default_factory=list)


def _baseline_lines(outcomes: list[Outcome], baseline: Baseline) -> list[str]:
    lines: list[str] = []
    stale, unprobed = [], []
    for entry in baseline.entries:
        probed = [o for o in outcomes if entry.matches(o.contract, o.probe, o.rule)]
        if not probed:
            unprobed.append(entry)
        elif all(not o.known for o in probed):
            stale.append(entry)
    for entry in stale:
        lines.append(
            f"STALE {baseline.where(entry)}: {entry.target} agrees with the contract now "
            f"(accepted {entry.date}: {entry.reason}); remove the entry"
        )
    for entry in unprobed:
        lines.append(f"not probed in this run: {baseline.where(entry)}: {entry.target}")
    return lines


def format_drift(
    outcomes: list[Outcome], *, verbose: bool = False, baseline: Baseline | None = None
) -> list[str]:
    """The report as lines: a summary, the table, documented drift, the assumptions the
    provider disproved (with the YAML change that adopts each), known drift and stale
    baseline entries, and (verbose) every agreement."""
    if not outcomes:
        return ["no live probe got an answer from the provider"]
    t = _Tally()
    for o in outcomes:
        if o.problems or (o.strict and o.disproved):
            t.drift.append(o)
        if o.disproved:
            t.disproved.append(o)
        if o.known:
            t.known.append(o)
    rules = {(o.contract, o.rule) for o in outcomes if o.rule}
    bad_rules = sorted({f"{o.contract}:{o.rule}" for o in t.drift if o.rule})
    lines = [
        f"{len(outcomes)} probe(s) sent, {len(t.drift)} disagree with the contract; "
        f"{len(rules)} rule(s) probed, {len(bad_rules)} with drift"
        + (f" ({', '.join(bad_rules)})" if bad_rules else "")
    ]
    strict = any(o.strict for o in outcomes)
    if t.disproved or t.known or baseline is not None:
        note = "failing under --fox-strict" if strict else "not failing; --fox-strict fails them"
        lines.append(
            f"assumptions disproved: {len(t.disproved)} probe(s) ({note}); "
            f"known drift (baseline): {len(t.known)} probe(s)"
        )
    lines += _table(outcomes)
    for o in t.drift:
        lines.append(f"DRIFT {o.contract}::{o.probe}")
        lines.append(f"    contract: {o.expected}")
        lines.append(f"    provider: {o.actual}")
        for p, fact in zip(o.problems, o.facts or [""] * len(o.problems), strict=True):
            lines.append(f"    - {p}")
            lines += [f"      {fact}"] if fact else []
        if o.strict:
            lines += [f"    {line}" for d in o.disproved for line in d.lines()]
    for o in t.disproved:
        lines.append(f"ASSUMPTION DISPROVED {o.contract}::{o.probe}")
        lines.append(f"    contract: {o.expected}")
        lines.append(f"    provider: {o.actual}")
        lines += [f"    {line}" for d in o.disproved for line in d.lines()]
    for o in t.known:
        lines.append(f"KNOWN {o.contract}::{o.probe} (baseline {o.baseline})")
        lines += [f"    - {p}" for p in o.known]
    if baseline is not None:
        lines += _baseline_lines(outcomes, baseline)
    if verbose:
        lines += [
            f"ok    {o.contract}::{o.probe}: {o.expected} | {o.actual}"
            for o in outcomes
            if o.agrees
        ]
    return lines
