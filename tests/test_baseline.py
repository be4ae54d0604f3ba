"""The baseline file of accepted drift: YAML or JSON, every mistake at its ``file:line``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foxcontract.live._baseline import BaselineError, load_baseline

GOOD = """\
foxcontract-baseline: 1
accepted:
  - rule: body.type
    reason: answered 400
    date: 2026-11-30
"""


def error_of(tmp_path: Path, text: str) -> str:
    path = tmp_path / "baseline.yaml"
    path.write_text(text)
    with pytest.raises(BaselineError) as info:
        load_baseline(path)
    return str(info.value).replace(str(path), "baseline.yaml")


def test_yaml_and_json_baselines_load(tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(GOOD)
    (entry,) = load_baseline(path).entries
    assert (entry.rule, entry.reason, entry.date, entry.line) == (
        "body.type", "answered 400", "2026-11-30", 3,
    )  # fmt: skip
    assert entry.matches("videos-generations", "rule-body.type[1]", "body.type")
    data = {"foxcontract-baseline": 1, "accepted": [
        {"probe": "auth-wrong-key", "contract": "tasks-get", "reason": "r", "date": "2026-01-02"}
    ]}  # fmt: skip
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(data))
    (entry,) = load_baseline(path).entries
    assert entry.matches("tasks-get", "auth-wrong-key", None)
    assert not entry.matches("videos-generations", "auth-wrong-key", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("accepted: []\n", "baseline.yaml:1: foxcontract-baseline: must be 1 (the format version)"),
        ("- rule: x\n", "baseline.yaml:1: a baseline is a mapping with foxcontract-baseline: 1 "
         "and a list accepted:"),
        (GOOD.replace("    reason: answered 400\n", ""),
         "baseline.yaml:3: reason: say why it is accepted"),
        (GOOD.replace("2026-11-30", "30/11/2026"),
         "baseline.yaml:5: date: when it was accepted, as YYYY-MM-DD (got '30/11/2026')"),
        (GOOD.replace("    date:", "    dat:"),
         "baseline.yaml:5: unknown key 'dat' (did you mean 'date'?); allowed: rule, probe, "
         "contract, reason, date"),
        (GOOD.replace("  - rule: body.type\n    reason", "  - reason"),
         "baseline.yaml:3: an accepted entry names either rule: or probe: (one of them)"),
        (GOOD + GOOD.split("accepted:\n")[1],
         "baseline.yaml:6: rule body.type is already accepted at line 3"),
        (GOOD.replace("accepted:", "acepted:"),
         "baseline.yaml:1: a baseline is a mapping with foxcontract-baseline: 1 and a list "
         "accepted:"),
        ("foxcontract-baseline: 1\naccepted: [\n",
         "baseline.yaml:3: not valid YAML: while parsing a flow node expected the node "
         "content, but found '<stream end>'"),
    ],
)  # fmt: skip
def test_a_bad_baseline_names_its_line(tmp_path: Path, text: str, message: str) -> None:
    assert error_of(tmp_path, text) == message


def test_an_unreadable_baseline(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match=r"missing\.yaml:1: cannot read the baseline file"):
        load_baseline(tmp_path / "missing.yaml")
