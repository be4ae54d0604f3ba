"""The run's Markdown summary for a CI job page (``$GITHUB_STEP_SUMMARY``, ``--fox-summary``).

Made from the report document (:mod:`foxcontract._run_report`), so the page and the JSON
never disagree: the verdict first, then the money spent, the drift (documented facts broken
apart from assumptions disproved and known drift), the rules no case or probe reached, and
per model the values and combinations the paid creates sent and the refusals the free
probes asked for, each with how the provider answered, then the rule tally. Tables only: a
page people read at a glance.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from foxcontract.redact import SecretLike, find_secrets, write_text_safely

__all__ = ["markdown", "write_summary"]

NO_MODEL = "(no model)"


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip() or "-"


def _table(
    head: Sequence[str], rows: Iterable[Sequence[Any]], right: Sequence[int] = ()
) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(head))]
    out = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return out


def _answered(statuses: Counter[str]) -> str:
    return " ".join(f"{s}x{n}" for s, n in sorted(statuses.items())) or "-"


def _status(probe: Mapping[str, Any]) -> str:
    actual = probe.get("actual")
    if probe["outcome"] == "skipped" or not actual:
        return "not sent"
    found = re.match(r"\d{3}", str(actual))
    return found.group(0) if found else str(actual)[:20]


def _counts(outcomes: Mapping[str, int]) -> str:
    order = ["passed", "failed", "error", "skipped"]
    shown = [f"{outcomes[k]} {k}" for k in order if outcomes.get(k)]
    return ", ".join(shown) or "no tests ran"


def _verdict(doc: Mapping[str, Any]) -> list[str]:
    run = doc["run"]
    where = f" against `{run['base_url']}`" if run["base_url"] else ""
    lines = [f"# foxcontract: {run['verdict'].upper()}", ""]
    lines.append(
        f"{run['mode']} run{where}, foxcontract {run['foxcontract']}, {run['duration']:.1f} s: "
        f"{_counts(run['outcomes'])}."
    )
    drift = doc["drift"]
    documented = {(d["contract"], d["probe"]) for d in drift if d["settled"] == "drift"}
    disproved = {(d["contract"], d["probe"]) for d in drift if d["settled"] == "disproved"}
    known = {(d["contract"], d["probe"]) for d in drift if d["settled"] == "known"}
    bullets = []
    if doc["probes"]:
        bullets.append(
            f"{len(documented)} probe(s) with drift, {len(disproved)} with an assumption "
            f"disproved, {len(known)} with known drift (baseline), of {len(doc['probes'])} "
            "live item(s)"
        )
    bullets += list(run["gate"])
    if doc["unreached"] and not run["gate"]:
        bullets.append(f"{len(doc['unreached'])} rule(s) reached by no case and no probe")
    if bullets:
        lines.append("")
        lines += [f"- {b}" for b in bullets]
    return lines


def _money(doc: Mapping[str, Any]) -> list[str]:
    b = doc["budget"]
    if b is None:
        return ["## Money", "", "Nothing spent: a replay run sends no request."]
    return [
        "## Money",
        "",
        *_table(
            ["budget", "spent", "of which unexpected", "not sent (budget spent)", "left"],
            [[b["budget"], b["spent"], b["unexpected"], b["refused"], b["left"]]],
            right=range(5),
        ),
    ]


def _drift(doc: Mapping[str, Any]) -> list[str]:
    if not doc["probes"]:
        return []
    drift = doc["drift"]
    lines = ["## Drift", ""]
    if not drift:
        return [*lines, "None: every probe sent agrees with the contract."]
    kinds = (
        ("drift", "Documented facts broken (these fail the run)"),
        ("disproved", "Assumptions of the contract disproved (failing only under --fox-strict)"),
        ("known", "Known drift (accepted in the baseline)"),
    )
    for settled, title in kinds:
        rows = [d for d in drift if d["settled"] == settled]
        if not rows:
            continue
        last = {"drift": "fact", "disproved": "adopt", "known": "baseline"}[settled]
        lines += [f"### {title}", ""]
        lines += _table(
            ["contract", "probe", "rule", "the contract expects", "the provider answered",
             "problem", last],
            [[d["contract"], d["probe"], d["rule"], d["expected"], d["actual"], d["problem"],
              d[last] if settled != "drift" else d["fact"] or "(no single fact)"] for d in rows],
        )  # fmt: skip
        lines.append("")
    return lines[:-1]


def _unreached(doc: Mapping[str, Any]) -> list[str]:
    if not doc["unreached"]:
        return ["## Unreached rules", "", "None: every rule was reached by a case or a probe."]
    return [
        "## Unreached rules",
        "",
        *_table(
            ["contract", "rule", "where"],
            [[u["contract"], u["rule"], u["line"]] for u in doc["unreached"]],
        ),
    ]


def _model(probe: Mapping[str, Any]) -> str:
    request = probe.get("request") or {}
    try:
        body = json.loads(request.get("body") or "null")
    except ValueError:
        return NO_MODEL
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) and model else NO_MODEL


def _per_model(doc: Mapping[str, Any]) -> list[str]:
    """Per model the contracts allow: the paid creates' values and combinations, and the
    rules the free probes broke for it (a probe sending a model no contract allows, or
    none, is in the rule table only)."""
    allowed = [m for c in doc["run"]["contracts"] for m in c["models"]]
    models: dict[str, list[Mapping[str, Any]]] = {m: [] for m in dict.fromkeys(allowed)}
    for p in doc["probes"]:
        if p["kind"] in ("paid", "rule") and _model(p) in models:
            models[_model(p)].append(p)
    models = {m: found for m, found in models.items() if found}
    if not models:
        return []
    lines = ["## Covered per model", ""]
    for model in models:
        lines += [f"### `{model}`", ""]
        sent: dict[str, tuple[int, Counter[str]]] = {}
        refused: dict[str, Counter[str]] = {}
        for p in models[model]:
            status = _status(p)
            if p["kind"] == "paid":
                for what in p["covers"] or ["(a body sent again)"]:
                    n, answers = sent.setdefault(what, (0, Counter()))
                    answers[status] += 1
                    sent[what] = (n + 1, answers)
            else:
                refused.setdefault(p["rule"] or "-", Counter())[status] += 1
        if sent:
            lines += _table(
                ["value or combination sent", "paid creates", "the provider answered"],
                [[what, n, _answered(a)] for what, (n, a) in sent.items()],
                right=[1],
            )
            lines.append("")
        if refused:
            lines += _table(
                ["rule broken (free probe)", "probes", "the provider answered"],
                [[rule, sum(a.values()), _answered(a)] for rule, a in refused.items()],
                right=[1],
            )
            lines.append("")
    return lines[:-1]


def _rules(doc: Mapping[str, Any]) -> list[str]:
    rows = []
    for name, entry in doc["coverage"].items():
        for rid, c in entry["rules"].items():
            rows.append([name, rid, c["line"], c["accepted"], c["violated"],
                         _answered(Counter(c["provider"]))])  # fmt: skip
    if not rows:
        return []
    head = ["contract", "rule", "where", "accepted", "violated", "the provider answered"]
    return ["## Rules", "", *_table(head, rows, right=[3, 4])]


def markdown(doc: Mapping[str, Any]) -> str:
    """The summary of the report document ``doc``."""
    sections = [_verdict(doc), _money(doc), _drift(doc), _unreached(doc), _per_model(doc)]
    sections.append(_rules(doc))
    return "\n\n".join("\n".join(s) for s in sections if s) + "\n"


def write_summary(path: Path, text: str, secrets: Iterable[SecretLike], *, append: bool) -> None:
    """Write (or, for the job's own summary file, append) ``text``; a secret in it is
    refused and nothing is written."""
    if not append:
        write_text_safely(path, text, secrets)
        return
    leaks = find_secrets(text, secrets)
    if leaks:
        from foxcontract.redact import SecretLeakError

        raise SecretLeakError(f"{path}: refusing to write a secret ({'; '.join(leaks)})")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(("\n" if path.exists() and path.stat().st_size else "") + text)
