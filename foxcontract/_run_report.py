"""The run's report for CI (``--fox-report FILE``): one JSON document, versioned, in the
format of the schema shipped beside this module (``_report.schema.json``).

It holds the run's metadata (foxcontract and contract versions, mode, base URL, seed,
Hypothesis profile, start and duration, verdict), the budget and what was spent, the rule
coverage (the tally of :mod:`foxcontract.report`, its keys unchanged), the rules no case or
probe reached, every live probe with its verdict and its request, and the drift, each
disagreement with the provenance of the fact it contradicts. Under pytest-xdist it is built
by the controller, from the merged tally and the records every worker left in the live run
directory. The key is never in it: :func:`write_report` scans the text before writing.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from foxcontract._probe_record import ProbeRecord
from foxcontract.contract.model import UNSTATED as UNSTATED_FACT
from foxcontract.redact import SecretLike, write_text_safely

__all__ = [
    "FORMAT",
    "VERSION",
    "RunFacts",
    "build_report",
    "contract_entry",
    "report_schema",
    "schema_problems",
    "unreached",
    "write_report",
]

FORMAT = "foxcontract-report"
VERSION = 2
"""Version 1 was the rule tally alone (contract names at the top level, now ``coverage``)."""

MODEL_FIELD = "model"
"""The body field that picks the request shape (FAMILY.md: one endpoint, several models)."""

UNSTATED = "unstated"
"""The provenance of a disproved fact the contract gave no provenance for (an assumption)."""

_NO_PROVENANCE = UNSTATED_FACT.describe()
"""How a disproved fact without provenance describes its provenance."""


@dataclass(frozen=True)
class RunFacts:
    """What the report says of the run itself."""

    mode: str
    base_url: str | None
    seed: int | None
    hypothesis_profile: str | None
    started: str
    duration: float
    exit_status: int
    outcomes: Mapping[str, int]
    contracts: Sequence[Any]
    """The collected endpoint contracts (``foxcontract.contract.Contract``)."""


@cache
def report_schema() -> dict[str, Any]:
    """The shipped JSON Schema of the report."""
    text = resources.files("foxcontract").joinpath("_report.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_problems(document: Any) -> list[str]:
    """Where ``document`` breaks the shipped schema, as ``path: message`` lines."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(report_schema())
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
        for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]


def unreached(coverage: Mapping[str, Any]) -> list[dict[str, str]]:
    """The rules of ``coverage`` (the tally as JSON) that no case was judged against and no
    probe of the provider was answered for."""
    out = []
    for name, entry in coverage.items():
        for rid, c in entry["rules"].items():
            if c["line"] and not (c["accepted"] or c["violated"] or c["provider"]):
                out.append({"contract": name, "rule": rid, "line": c["line"]})
    return out


def contract_entry(contract: Any) -> dict[str, Any]:
    """A contract's entry in ``run.contracts`` (an entry already made is kept as it is)."""
    if isinstance(contract, Mapping):
        return dict(contract)
    path = Path(contract.path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = None
    models = next((f.enum for f in contract.fields if f.name == MODEL_FIELD), None) or ()
    return {
        "name": contract.name,
        "file": path.name,
        "version": contract.version,
        "sha256": digest,
        "models": [m for m in models if isinstance(m, str)],
    }


def _verdict(facts: RunFacts, gate: list[str]) -> str:
    if facts.exit_status == 0 and not gate:
        return "passed"
    return "failed"


def _drift(outcomes: Iterable[Any]) -> list[dict[str, Any]]:
    """Every disagreement of the live run (``foxcontract.live.drift.Outcome``), one entry per
    problem: ``settled`` says what it means (``drift``: a documented fact broken, or no
    single fact at stake, failing; ``disproved``: an assumption of the contract that the
    provider disproves; ``known``: accepted in the baseline), ``provenance`` where the fact
    comes from (``documented``, ``assumed``, ``unstated`` when the contract gives none, and
    ``null`` when no single fact is at stake)."""
    out: list[dict[str, Any]] = []
    for o in outcomes:
        base = {
            "contract": o.contract,
            "probe": o.probe,
            "rule": o.rule,
            "expected": o.expected,
            "actual": o.actual,
        }
        facts = tuple(o.facts)
        for i, problem in enumerate(o.problems):
            fact = facts[i] if i < len(facts) and facts[i] else None
            provenance = "documented" if fact else None
            out.append(
                {**base, "settled": "drift", "provenance": provenance, "problem": problem}
                | {"fact": fact, "adopt": None, "baseline": None}
            )
        for d in o.disproved:
            provenance = UNSTATED if d.assumed.startswith(_NO_PROVENANCE) else "assumed"
            out.append(
                {**base, "settled": "disproved", "provenance": provenance, "problem": d.problem}
                | {"fact": d.assumed, "adopt": d.adopt, "baseline": None}
            )
        for problem in o.known:
            out.append(
                {**base, "settled": "known", "provenance": None, "problem": problem}
                | {"fact": None, "adopt": None, "baseline": o.baseline or None}
            )
    return out


def _probe_entry(record: ProbeRecord, outcome: Any | None) -> dict[str, Any]:
    entry = record.to_json()
    if record.request is not None:
        entry["curl"] = record.request.curl()
    entry["expected"] = outcome.expected if outcome is not None else None
    entry["actual"] = outcome.actual if outcome is not None else None
    entry["agrees"] = outcome.agrees if outcome is not None else None
    return entry


def build_report(
    facts: RunFacts,
    coverage: Mapping[str, Any],
    *,
    ledger: Any | None = None,
    records: Sequence[ProbeRecord] = (),
    outcomes: Sequence[Any] = (),
    gate: Sequence[str] = (),
) -> dict[str, Any]:
    """The report document. ``coverage``: the tally as JSON; ``ledger``: the live run's
    ``LedgerState`` (``None`` in replay mode); ``records`` and ``outcomes``: the live items'
    records and the drift outcomes; ``gate``: why a gate failed the run."""
    from foxcontract import __version__

    by_probe = {(o.contract, o.probe): o for o in outcomes}
    budget = None
    if ledger is not None:
        budget = {
            "budget": ledger.budget,
            "spent": ledger.spent,
            "unexpected": ledger.unexpected,
            "refused": ledger.refused,
            "left": ledger.left,
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "run": {
            "foxcontract": __version__,
            "python": platform.python_version(),
            "mode": facts.mode,
            "base_url": facts.base_url,
            "seed": facts.seed,
            "hypothesis_profile": facts.hypothesis_profile,
            "started": facts.started,
            "duration": round(facts.duration, 3),
            "exit_status": facts.exit_status,
            "verdict": _verdict(facts, list(gate)),
            "gate": list(gate),
            "outcomes": dict(sorted(facts.outcomes.items())),
            "contracts": [contract_entry(c) for c in facts.contracts],
        },
        "budget": budget,
        "coverage": dict(coverage),
        "unreached": unreached(coverage),
        "probes": [_probe_entry(r, by_probe.get((r.contract, r.probe))) for r in records],
        "drift": _drift(outcomes),
    }


def write_report(
    path: str | Path, document: Mapping[str, Any], secrets: Iterable[SecretLike]
) -> None:
    """Write the report atomically; a secret in it is refused (nothing written)."""
    write_text_safely(path, json.dumps(document, indent=2) + "\n", secrets)
