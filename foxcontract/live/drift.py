"""The drift report: for each rule and probe of a live run, what the contract expected and
what the provider did, disagreements first.

Each process appends its outcomes (one JSON line each) to ``outcomes-<pid>.jsonl`` in the
run directory; the report reads them all, so pytest-xdist workers need no channel.
"""

from __future__ import annotations

import json
import os
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
