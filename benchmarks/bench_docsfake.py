"""Independent benchmark of live mode: ``pytest contracts --fox-mode live`` against a stand-in
for FoxAPI written from the documentation alone (``benchmarks/docsfake``, no code or files
shared with the package), once faithful and once per injected fault.

    python benchmarks/bench_docsfake.py [--quick] [--only CATEGORY ...] [--fault NAME ...]
        [--jobs 1|2] [--json FILE] [--list] [--pytest-args "--fox-wait 30"]

Per category it prints: faults caught / total, paid creates per run (the generations the
fake started, accepted refusals included), the median number of items skipped per run (paid
creates not sent once the budget was used up), the median seconds per run, and the faults
missed. A fault is caught when its run fails a probe that passes against
the faithful fake, or fails one the faithful fake also fails with another message; it is
reported when it fails nothing but a probe is reported as an assumption disproved that the
faithful run kept (a fault on a point the docs leave open, which fails under --fox-strict). Before
that it prints the false alarms: the probes that fail against the faithful fake (each is a
point where the contract's stance differs from a reading of the docs, or a bug).

Budget 12, and 24 for the three-way faults (each compared with a faithful run at the same
budget). ``--quick`` runs the first fault of each category. The key is a canary: a run whose
output or junit report shows it is reported as a LEAK. Runs at most two
pytest processes at a time; each fake listens on 127.0.0.1 and stops with its run.
Exit 0 when every run finished (caught or not), 1 when a run errored or leaked the key.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from docsfake.faults import CATEGORIES, FAULTS, Fault  # noqa: E402
from docsfake.server import STANCES, serve  # noqa: E402

KEY = "sk-canary-docsfake-7f3a9c41e2b8d605"
BUDGET = 12
BUDGET_THREE_WAY = 24
RUN_TIMEOUT = 600.0
# Plugins of this environment live mode does not use: their import time is not live mode's.
UNUSED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:anyio", "-p", "no:randomly")
_VOLATILE = re.compile(r"task-unified-\d+-[a-z0-9]{8}|\b\d{9,}\b|\d+\.\d+s\b|:\d{4,5}\b")
_DISPROVED = re.compile(r"^ASSUMPTION DISPROVED (\S+)", re.MULTILINE)


@dataclass
class Run:
    fault: str | None
    category: str
    budget: int
    exit_code: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    paid: int = 0
    requests: int = 0
    seconds: float = 0.0
    leaked: bool = False
    disproved: list[str] = field(default_factory=list)
    caught: bool = False
    reported: bool = False
    evidence: list[str] = field(default_factory=list)
    note: str = ""


def _outcomes(junit: Path) -> tuple[dict[str, str], list[str]]:
    """The failing items (name -> message) and the skipped ones of a junit report."""
    failed: dict[str, str] = {}
    skipped: list[str] = []
    if not junit.exists():
        return failed, skipped
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '?')}".lstrip(":")
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        if bad is not None:
            failed[name] = (bad.text or bad.get("message") or "").strip()
        elif case.find("skipped") is not None:
            skipped.append(name)
    return failed, skipped


def run_one(
    fault: Fault | None, budget: int, contracts: Path, workdir: Path, extra: list[str]
) -> Run:
    name = fault.name if fault else "faithful"
    junit = workdir / f"{name}-{budget}.xml"
    env = {**os.environ, "FOXAPI_API_KEY": KEY}
    env.pop("FOXAPI_BASE_URL", None)
    r = Run(fault.name if fault else None, fault.category if fault else "-", budget)
    with serve(KEY, fault.name if fault else None) as running:
        args = [
            sys.executable, "-m", "pytest", str(contracts), "--fox-mode", "live",
            "--fox-budget", str(budget), "--fox-base-url", running.base_url, *extra,
            "-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS, f"--junitxml={junit}",
            "--rootdir", str(workdir),
        ]  # fmt: skip
        start = time.monotonic()
        try:
            proc = subprocess.run(
                args, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=workdir
            )
            r.exit_code, output = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as exc:
            r.exit_code, output = -1, f"timed out after {RUN_TIMEOUT:g}s: {exc}"
        r.seconds = time.monotonic() - start
        r.paid = running.fake.creates
        r.requests = running.server.requests
    r.failures, r.skipped = _outcomes(junit)
    r.disproved = sorted(set(_DISPROVED.findall(output)))
    texts = [output, junit.read_text() if junit.exists() else ""]
    r.leaked = any(KEY in t for t in texts)
    if r.exit_code not in (0, 1):
        tail = [ln for ln in output.strip().splitlines() if ln.strip()][-3:]
        r.note = f"pytest exit {r.exit_code}: " + " | ".join(tail)[:300]
    return r


def _norm(text: str) -> str:
    return _VOLATILE.sub("#", text)


def judge(run: Run, faithful: Run) -> None:
    """Caught: a probe fails that passed faithfully, or fails with another message.
    Reported: not caught, but a probe the faithful run kept to the contract's assumption
    is reported as disproving it (the fault is on a point the docs leave open: a default
    run reports it and does not fail; ``--fox-strict`` fails it)."""
    for name, text in sorted(run.failures.items()):
        if name not in faithful.failures:
            run.evidence.append(f"new failure {name}: {_first_line(text)}")
        elif _norm(text) != _norm(faithful.failures[name]):
            run.evidence.append(f"changed failure {name}: {_first_line(text)}")
    run.caught = bool(run.evidence)
    if not run.caught:
        new = [n for n in run.disproved if n not in faithful.disproved]
        run.evidence += [f"assumption disproved (reported, not failed) {n}" for n in new]
        run.reported = bool(new)


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    got = [ln for ln in lines if ln.startswith("got:")]
    problems = [ln for ln in lines[lines.index(got[0]) + 1 :]] if got else []
    return " / ".join(([got[0]] if got else lines[:1]) + problems[:1])[:200]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(CATEGORIES),
        default=None,
        metavar="CATEGORY",
        help="run only this category (repeatable)",
    )
    parser.add_argument("--fault", action="append", default=None, help="run only this fault")
    parser.add_argument("--quick", action="store_true", help="the first fault of each category")
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=2, help="runs at once")
    parser.add_argument("--json", type=Path, help="also write every run as JSON here")
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    parser.add_argument("--pytest-args", default="", help="more pytest options for each run")
    parser.add_argument("--contracts", type=Path, default=HERE.parent / "contracts")
    args = parser.parse_args(argv)  # fmt: skip
    if args.list:
        for f in FAULTS:
            print(f"{f.category:13} {f.name:34} {f.doc}")
        return 0
    chosen = [
        f
        for f in FAULTS
        if (args.only is None or f.category in args.only)
        and (args.fault is None or f.name in args.fault)
    ]
    if args.fault and len(chosen) != len(set(args.fault)):
        parser.error(f"unknown fault among {args.fault}; --list shows them")
    if args.quick:
        seen: set[str] = set()
        chosen = [f for f in chosen if not (f.category in seen or seen.add(f.category))]
    extra = shlex.split(args.pytest_args)
    budgets = sorted({_budget(f) for f in chosen} | {BUDGET})
    _header(args, chosen, extra, budgets)
    with tempfile.TemporaryDirectory(prefix="foxcontract-docsfake-") as tmp:
        work = Path(tmp)
        jobs: list[tuple[Fault | None, int]] = [(None, b) for b in budgets]
        jobs += [(f, _budget(f)) for f in chosen]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_one, f, b, args.contracts, work, extra) for f, b in jobs]
            runs = []
            for fut, (f, b) in zip(futures, jobs, strict=True):
                r = fut.result()
                runs.append(r)
                print(f"  ran {(f.name if f else 'faithful'):34} budget {b:2}: "
                      f"{len(r.failures):3} failing, {len(r.skipped):2} skipped, "
                      f"paid {r.paid:2}, {r.seconds:5.1f}s"
                      f"{'  ' + r.note if r.note else ''}", flush=True)  # fmt: skip
        total = time.monotonic() - started
    faithful = {r.budget: r for r in runs if r.fault is None}
    for r in runs:
        if r.fault is not None:
            judge(r, faithful[r.budget])
    _report(runs, faithful, total)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in runs], indent=2))
        print(f"\nevery run as JSON: {args.json}")
    bad = [r for r in runs if r.leaked or r.exit_code not in (0, 1)]
    return 1 if bad else 0


def _budget(f: Fault) -> int:
    return BUDGET_THREE_WAY if f.category == "three-way" else BUDGET


def _git_rev() -> str:
    try:
        out = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)  # fmt: skip
        return out.stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def _header(
    args: argparse.Namespace, chosen: list[Fault], extra: list[str], budgets: list[int]
) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"docs-only fake benchmark of live mode, {now}, commit {_git_rev()}")
    print(
        f"  each run: pytest {args.contracts} --fox-mode live --fox-budget N "
        f"--fox-base-url http://127.0.0.1:PORT {' '.join(extra)}".rstrip()
    )
    print(
        f"  budgets: {BUDGET} ({BUDGET_THREE_WAY} for three-way faults); "
        f"{len(chosen)} fault run(s) + {len(budgets)} faithful, {args.jobs} at a time"
    )
    print("  the fake's own stances where the docs are silent:")
    for s in STANCES:
        print(f"    - {s}")
    print(flush=True)  # fmt: skip


def _report(runs: list[Run], faithful: dict[int, Run], total: float) -> None:
    print()
    for budget, r in sorted(faithful.items()):
        print(f"false alarms on the faithful fake at budget {budget}: {len(r.failures)} failing "
              f"probe(s), paid {r.paid}, {r.seconds:.1f}s"
              f"{'  ' + r.note if r.note else ''}")  # fmt: skip
        for name, text in sorted(r.failures.items()):
            print(f"    {name}: {_first_line(text)}")
        if r.skipped:
            print(f"  skipped (not sent) on the faithful fake: {len(r.skipped)}: "
                  f"{', '.join(n.rsplit('::', 1)[-1] for n in r.skipped)}")  # fmt: skip
    print()
    print(f"{'category':14} {'caught':>8} {'reported':>8} {'paid/run':>9} {'skipped':>8} "
          f"{'median s':>9}  missed")  # fmt: skip
    fault_runs = [r for r in runs if r.fault is not None]
    for cat in CATEGORIES:
        rs = [r for r in fault_runs if r.category == cat]
        if not rs:
            continue
        caught = sum(r.caught for r in rs)
        paid = f"{min(r.paid for r in rs)}-{max(r.paid for r in rs)}"
        median = statistics.median(r.seconds for r in rs)
        skipped = statistics.median(len(r.skipped) for r in rs)
        reported = sum(r.reported for r in rs)
        missed = ", ".join(r.fault or "" for r in rs if not r.evidence) or "-"
        print(f"{cat:14} {caught:>4}/{len(rs):<3} {reported:>8} {paid:>9} {skipped:8g} "
              f"{median:9.1f}  {missed}")  # fmt: skip
    if fault_runs:
        caught = sum(r.caught for r in fault_runs)
        reported = sum(r.reported for r in fault_runs)
        print(f"{'all':14} {caught:>4}/{len(fault_runs):<3} {reported:>8} "
              f"{'':>9} {'':>8} {statistics.median(r.seconds for r in fault_runs):9.1f}  "
              f"({caught / len(fault_runs):.0%} caught, {reported} more reported as "
              f"assumptions disproved; wall time {total:.0f}s)")  # fmt: skip
    print("\nwhat caught each fault (first evidence):")
    for r in fault_runs:
        first = r.evidence[0] if r.evidence else "MISSED"
        more = f" (+{len(r.evidence) - 1} more)" if len(r.evidence) > 1 else ""
        print(f"  {r.fault:34} {first[:150]}{more}")
    for r in runs:
        if r.leaked:
            print(f"LEAK: the canary key appeared in the output of run {r.fault or 'faithful'}")
        if r.exit_code not in (0, 1):
            print(f"ERROR: run {r.fault or 'faithful'}: {r.note}")


if __name__ == "__main__":
    sys.exit(main())
