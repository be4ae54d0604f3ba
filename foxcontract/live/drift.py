"""The drift report: for each rule and probe of a live run, what the contract expected and
what the provider did, disagreements first.

Each process appends its outcomes (one JSON line each) to ``outcomes-<pid>.jsonl`` in the
run directory; the report reads them all, so pytest-xdist workers need no channel.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Outcome", "append_outcome", "format_drift", "read_outcomes"]


@dataclass(frozen=True)
class Outcome:
    contract: str
    probe: str
    rule: str | None
    expected: str
    actual: str
    problems: tuple[str, ...] = ()

    @property
    def agrees(self) -> bool:
        return not self.problems


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
                out.append(Outcome(**data))
    return sorted(out, key=lambda o: (o.contract, o.probe))


def _group(o: Outcome) -> str:
    if o.rule:
        return f"rule {o.rule}"
    return "paid creates" if o.probe.startswith("paid-") else o.probe.split("[")[0]


def _table(outcomes: list[Outcome]) -> list[str]:
    """One line per rule or kind of probe: what the contract expects, what the provider
    answered (status x count), and whether they agree."""
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault((o.contract, _group(o)), []).append(o)
    rows = []
    for (contract, what), members in groups.items():
        answered = Counter(o.actual[:3] for o in members)  # the HTTP status
        shown = " ".join(f"{status}x{n}" for status, n in sorted(answered.items()))
        flag = "ok" if all(o.agrees for o in members) else "DRIFT"
        rows.append((f"{contract} {what}", members[0].expected, shown, flag))
    width = max(len(r[0]) for r in rows)
    expect_width = max(len(r[1]) for r in rows)
    out = [f"  {'probed':{width}}  {'the contract expects':{expect_width}}  provider answered"]
    out += [f"  {a:{width}}  {b:{expect_width}}  {c} {d}" for a, b, c, d in rows]
    return out


def format_drift(outcomes: list[Outcome], *, verbose: bool = False) -> list[str]:
    """The report as lines: a summary, every disagreement, and (verbose) every agreement."""
    if not outcomes:
        return ["no live probe was sent"]
    bad = [o for o in outcomes if not o.agrees]
    rules = {(o.contract, o.rule) for o in outcomes if o.rule}
    bad_rules = sorted({f"{o.contract}:{o.rule}" for o in bad if o.rule})
    lines = [
        f"{len(outcomes)} probe(s) sent, {len(bad)} disagree with the contract; "
        f"{len(rules)} rule(s) probed, {len(bad_rules)} with drift"
        + (f" ({', '.join(bad_rules)})" if bad_rules else "")
    ]
    lines += _table(outcomes)
    for o in bad:
        lines.append(f"DRIFT {o.contract}::{o.probe}")
        lines.append(f"    contract: {o.expected}")
        lines.append(f"    provider: {o.actual}")
        lines += [f"    - {p}" for p in o.problems]
    if verbose:
        lines += [
            f"ok    {o.contract}::{o.probe}: {o.expected} | {o.actual}"
            for o in outcomes
            if o.agrees
        ]
    return lines
