"""``foxcontract probe REPORT ITEM``: send one live probe of a ``--fox-report`` file again,
exactly as the run sent it, and say whether the provider still disagrees with the contract.

``ITEM`` is the probe's node id as the report lists it, ``CONTRACT::PROBE``
(``videos-generations::rule-lite-no-4k[1]``), or the probe's name when only one contract has
it. The request goes to the report's base URL (or ``--base-url``) with the key from
``FOXAPI_API_KEY`` when the run sent it with the key; it is retried as a live run retries.
A free probe is sent freely (if the provider accepts it after all, that create is counted,
as in the run); a paid create only with ``--budget 1`` or more, through the budget ledger.

The answer is judged against what the report says the contract expected, unless the probe's
contract file (found from its node id, relative to the current folder) changed since the run
(its sha256 differs from the report's): then a warning names the file, and a rule or example
probe is judged against the contract as it is now (the oracle, run on the body sent); a
contract file that no longer loads is a usage error, before anything is sent.

Exit 0: the answer agrees with the contract now; 1: it still disagrees (reproduced), or no
answer came; 2: bad input (no such report or item, a paid create without ``--budget``, no key).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from foxcontract._probe_record import SentRequest
from foxcontract._run_report import FORMAT, VERSION
from foxcontract._settings import check_base_url
from foxcontract.cli._common import UsageError, budget_count
from foxcontract.contract.provider import ErrorShape

__all__ = ["add_arguments", "find_probe", "read_report", "run"]

SHOWN = 2000
"""How much of the answer's body is printed."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", metavar="REPORT", help="the JSON file of a --fox-report run")
    parser.add_argument(
        "item", metavar="ITEM", help="the probe: its node id, CONTRACT::PROBE, or PROBE"
    )
    parser.add_argument(
        "--budget",
        type=budget_count,
        default=0,
        metavar="N",
        help="the most paid creates this may make (default 0: a paid create is refused)",
    )
    parser.add_argument(
        "--base-url", default=None, metavar="URL", help="send it here (default: the report's)"
    )


def read_report(path: str | Path) -> dict[str, Any]:
    """The report at ``path``; a missing, unreadable or foreign file is a usage error."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (write one with pytest --fox-report)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable JSON report: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f'{path}: not a foxcontract report (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise UsageError(
            f"{path}: report version {data.get('version')!r}; this foxcontract reads "
            f"version {VERSION}"
        )
    return data


def find_probe(report: dict[str, Any], item: str, where: str) -> dict[str, Any]:
    """The probe ``item`` names in ``report``; none or several is a usage error."""
    probes: list[dict[str, Any]] = list(report.get("probes", []))
    for test in (
        lambda p: p["nodeid"] == item,
        lambda p: f"{p['contract']}::{p['probe']}" == item,
        lambda p: p["probe"] == item,
    ):
        found = [p for p in probes if test(p)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            both = ", ".join(f"{p['contract']}::{p['probe']}" for p in found)
            raise UsageError(f"{item!r} names {len(found)} probes in {where}: {both}")
    if not probes:
        raise UsageError(f"{where} holds no live probe (it is the report of a replay run)")
    names = [f"{p['contract']}::{p['probe']}" for p in probes]
    close = difflib.get_close_matches(item, names, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UsageError(f"no probe {item!r} in {where} ({len(probes)} probes){hint}")


def _error_shape(probe: dict[str, Any]) -> ErrorShape:
    """Where the provider's error answers carry their parts: read from the probe's contract
    file when it is still there (its ``location``), else FoxAPI's."""
    from foxcontract.contract import ContractError, load_contract

    path = Path(str(probe.get("location", "")).rsplit(":", 1)[0])
    try:
        return load_contract(path).provider.error if path.is_file() else ErrorShape()
    except (ContractError, OSError, ValueError):
        return ErrorShape()


def _problems(probe: dict[str, Any], status: int, body: Any) -> list[str]:
    """How the answer disagrees with what the report says the contract expects."""
    expect = probe["expect"]
    paid = set(expect.get("paid", ()))
    if probe["paid"]:
        ok = str(status) in paid
        return [] if ok else [f"status: an allowed body got {status}, not {'/'.join(sorted(paid))}"]
    if status != expect["status"]:
        return [f"status: expected {expect['status']} {expect['name']}, got {status}"]
    err = _error_shape(probe).parts(body)
    if err is None:
        return [f"error: a {status} without an error object"]
    out = []
    for key in ("type", "code"):
        got = getattr(err, key)
        if expect.get(key) is not None and got != expect[key]:
            out.append(f"error: expected {key} {expect[key]!r}, got {got!r}")
    return out


def _contract_file(probe: dict[str, Any]) -> Path | None:
    """The probe's contract file: the file of its node id (relative to the current folder),
    else the file of its ``location``; ``None`` when neither is there."""
    node_file = str(probe.get("nodeid", "")).split("::")[0]
    location_file = str(probe.get("location", "")).rsplit(":", 1)[0]
    for name in (node_file, location_file):
        path = Path(name)
        if name and path.suffix in (".yaml", ".yml") and path.is_file():
            return path
    return None


def _changed_contract(report: dict[str, Any], probe: dict[str, Any]) -> tuple[Path, Any] | None:
    """The probe's contract file and the contract in it now, when the file changed since
    the run (its sha256 differs from the report's); ``None`` when it did not (or cannot be
    found). A changed file that no longer loads is a usage error."""
    from foxcontract.contract import ContractError, load_contract

    path = _contract_file(probe)
    runs = report.get("run", {}).get("contracts", [])
    then = next((c.get("sha256") for c in runs if c.get("name") == probe["contract"]), None)
    if path is None or then is None:
        return None
    if hashlib.sha256(path.read_bytes()).hexdigest() == then:
        return None
    try:
        return path, load_contract(path)
    except ContractError as exc:
        raise UsageError(
            f"{path} changed since the report and is no longer a valid contract (nothing was "
            f"sent):\n{exc}"
        ) from None


def _judged_now(contract: Any, probe: dict[str, Any], request: SentRequest) -> Any:
    """The body the probe sent, when the contract as it is now can judge it (a rule or
    example probe of an endpoint with a body); else :data:`NO_BODY`."""
    from foxcontract.verdict import NO_BODY

    if probe.get("kind") not in ("rule", "example") or not contract.has_body:
        return NO_BODY
    try:
        return json.loads(request.body) if request.body is not None else NO_BODY
    except ValueError:
        return NO_BODY


def run(args: argparse.Namespace) -> int:
    from foxcontract.live.budget import Ledger
    from foxcontract.live.client import BudgetExhausted, LiveClient, LiveError
    from foxcontract.live.key import ApiKey

    report = read_report(args.report)
    probe = find_probe(report, args.item, args.report)
    if probe.get("request") is None:
        raise UsageError(
            f"{probe['contract']}::{probe['probe']} sends no request of its own "
            f"(a {probe['kind']} item): send its create again"
        )
    request = SentRequest.from_json(probe["request"])
    name = f"{probe['contract']}::{probe['probe']}"
    changed = _changed_contract(report, probe)
    if probe["paid"] and args.budget < 1:
        raise UsageError(
            f"{name} is a paid create: it costs money if accepted; add --budget 1 to send it"
        )
    key_auth = request.key_auth()
    key = ApiKey.from_env(name=key_auth.key_env)
    if request.auth == "key" and key is None:
        raise UsageError(
            f"{name} was sent with the API key: set {key_auth.key_env} (nothing was sent)"
        )
    base_url = request.base_url.rstrip("/")
    if args.base_url is not None:
        try:
            base_url = check_base_url(args.base_url)
        except ValueError as exc:
            raise UsageError(f"--base-url: invalid value: {exc}") from None
    from foxcontract.verdict import NO_BODY, judge

    body: Any = NO_BODY
    if changed is not None:
        path, contract = changed
        body = _judged_now(contract, probe, request)
        how = (
            "judged against the contract as it is now"
            if body is not NO_BODY
            else f"a {probe['kind']} probe: judged against the report's expectation"
        )
        print(f"warning: {path} changed since the report (its sha256 differs): {how}")
    print(f"sending {name} again to {base_url}")
    print(f"  {request.curl()}" if args.base_url is None else f"  {request.method} {request.path}")
    paid = frozenset(probe["expect"].get("paid", ()))
    with tempfile.TemporaryDirectory(prefix="foxcontract-probe-") as folder:
        ledger = Ledger(folder, args.budget)
        client = LiveClient(base_url, key, auth=key_auth)
        try:
            answer = client.send(
                request.method,
                request.path,
                content=request.content(),
                content_type=request.headers.get("Content-Type", "application/json"),
                auth=request.auth,
                paid=paid if probe["paid"] else frozenset(),
                spender=ledger if probe["paid"] else None,
            )
        except BudgetExhausted as exc:  # pragma: no cover - the budget is checked above
            raise UsageError(str(exc)) from None
        except LiveError as exc:
            print(f"no answer: {exc}")
            return 1
        finally:
            client.close()
        if not probe["paid"] and str(answer.status) in paid:
            ledger.charge_unexpected()
            print("the provider accepted it: it cost a paid create")
        spent = ledger.state().spent
    text = answer.text if len(answer.text) <= SHOWN else answer.text[:SHOWN] + "..."
    expected = probe.get("expected") or "-"
    problems = _problems(probe, answer.status, answer.body)
    if changed is not None and body is not NO_BODY:
        verdict = judge(changed[1], answer.status, answer.body, body, answer.headers)
        expected = f"{verdict.expected.describe()} (the contract now; the run: {expected})"
        problems = [str(p) for p in verdict.problems]
        if verdict.inconclusive:
            problems.insert(0, f"status: {verdict.inconclusive}")
    print(f"  expected: {expected}")
    print(f"  in the run: {probe.get('actual') or 'not sent'}")
    print(f"  now:      {answer.summary()} {text}")
    if probe["paid"] or spent:
        print(f"  paid creates spent: {spent} of budget {args.budget}")
    if problems:
        print(f"reproduced: {name}: the provider still disagrees with the contract")
        for p in problems:
            print(f"  {p}")
        return 1
    print(f"not reproduced: {name}: the answer agrees with the contract now")
    return 0
