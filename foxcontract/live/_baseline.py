"""The baseline of accepted drift (``--fox-baseline FILE``): known disagreements between
the provider and the contract, each with a reason and a date.

A live run reports a known disagreement without failing on it, fails on a new one, and
reports an entry whose rule or probe now agrees as stale (the fix landed: remove it).

```yaml
foxcontract-baseline: 1
accepted:
  - rule: body.type                 # or probe: rule-body.type[1]
    contract: videos-generations    # optional: any contract otherwise
    reason: the provider answers a JSON array with 400; ticket FOX-12
    date: 2026-11-30
```
JSON with the same keys works too (JSON is YAML).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foxcontract.contract.errors import ContractError, Problem, did_you_mean
from foxcontract.contract.source import parse_source

__all__ = ["Baseline", "BaselineEntry", "BaselineError", "load_baseline"]

FORMAT_KEY = "foxcontract-baseline"
ENTRY_KEYS = ("rule", "probe", "contract", "reason", "date")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BaselineError(ContractError):
    """A baseline file that cannot be used: ``file:line: what is wrong``."""


@dataclass(frozen=True)
class BaselineEntry:
    line: int
    reason: str
    date: str
    rule: str | None = None
    probe: str | None = None
    contract: str | None = None

    @property
    def target(self) -> str:
        what = f"rule {self.rule}" if self.rule else f"probe {self.probe}"
        return f"{self.contract} {what}" if self.contract else what

    def matches(self, contract: str, probe: str, rule: str | None) -> bool:
        if self.contract is not None and self.contract != contract:
            return False
        return (self.rule is not None and self.rule == rule) or (
            self.probe is not None and self.probe == probe
        )


@dataclass(frozen=True)
class Baseline:
    path: Path
    entries: tuple[BaselineEntry, ...]

    def match(self, contract: str, probe: str, rule: str | None) -> BaselineEntry | None:
        return next((e for e in self.entries if e.matches(contract, probe, rule)), None)

    def where(self, entry: BaselineEntry) -> str:
        return f"{self.path.name}:{entry.line}"


def _text(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if isinstance(value, str) else None


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file; a bad one is a :class:`BaselineError` at its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BaselineError([Problem(path, 1, f"cannot read the baseline file: {exc}")]) from None
    source = parse_source(path, text, BaselineError)
    data = source.data

    def fail(where: list[str | int], message: str) -> BaselineError:
        return BaselineError([Problem(path, source.line(where), message)])

    if not isinstance(data, dict) or not isinstance(data.get("accepted"), list):
        raise fail([], f"a baseline is a mapping with {FORMAT_KEY}: 1 and a list accepted:")
    if data.get(FORMAT_KEY) != 1:
        raise fail([FORMAT_KEY], f"{FORMAT_KEY}: must be 1 (the format version)")
    for key in data:
        if key not in (FORMAT_KEY, "accepted"):
            hint = did_you_mean(key, (FORMAT_KEY, "accepted"))
            raise fail([key], f"unknown key {key!r}{hint}; a baseline has {FORMAT_KEY}, accepted")
    entries = []
    seen: dict[tuple[Any, ...], int] = {}
    for i, item in enumerate(data["accepted"]):
        at: list[str | int] = ["accepted", i]
        if not isinstance(item, dict):
            raise fail(at, "each accepted entry is a mapping: rule or probe, reason, date")
        for key in item:
            if key not in ENTRY_KEYS:
                hint = did_you_mean(key, ENTRY_KEYS)
                raise fail(
                    [*at, key], f"unknown key {key!r}{hint}; allowed: {', '.join(ENTRY_KEYS)}"
                )
        if ("rule" in item) == ("probe" in item):
            raise fail(at, "an accepted entry names either rule: or probe: (one of them)")
        for key in ("rule", "probe", "contract"):
            if key in item and not (isinstance(item[key], str) and item[key]):
                raise fail([*at, key], f"{key}: must be a non-empty string")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise fail(
                [*at, "reason"] if "reason" in item else at, "reason: say why it is accepted"
            )
        date = _text(item.get("date"))
        if date is None or not _DATE.match(date):
            where = [*at, "date"] if "date" in item else at
            raise fail(
                where, f"date: when it was accepted, as YYYY-MM-DD (got {item.get('date')!r})"
            )
        entry = BaselineEntry(
            source.line(at), reason.strip(), date, item.get("rule"), item.get("probe"),
            item.get("contract"),
        )  # fmt: skip
        key = (entry.rule, entry.probe, entry.contract)
        if key in seen:
            raise fail(at, f"{entry.target} is already accepted at line {seen[key]}")
        seen[key] = entry.line
        entries.append(entry)
    return Baseline(path, tuple(entries))
