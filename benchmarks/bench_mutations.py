"""Mutation benchmark of live mode: inject one fault at a time into the loopback fake and
check that ``pytest contracts --fox-mode live --fox-budget 12`` fails, naming the rule or
check, while the faithful fake (and the faithful fake with transport faults) passes.

    python benchmarks/bench_mutations.py [--only NAME ...] [--json FILE] [--list]

Reports, per run, killed or not, the failing probes, the paid creates used and the time,
then the kill rate, the most paid creates of any run and the time per run. Exit status 0
only when every fault is detected, the faithful runs pass and every run stays in budget and
under 20 s. The fake runs in this process (a thread on 127.0.0.1); pytest in a subprocess,
exactly as a user runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

from foxcontract.contract import shipped_contracts_dir
from foxcontract.fake import FakeServer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import KEY, MUTANTS, Mutant

BUDGET = 12
WAIT = "5"  # the run's deadline for every task: the fake ends one in under a second
TIME_LIMIT = 20.0
# Plugins installed in this environment that live mode does not use: their import time
# (several seconds on a busy machine) is not live mode's.
UNUSED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:anyio", "-p", "no:randomly")


@dataclass
class Result:
    name: str
    category: str
    killed: bool
    passed: bool
    failures: list[str] = field(default_factory=list)
    detail: str = ""
    paid: int = 0
    seconds: float = 0.0
    exit_code: int = 0


def _failures(junit: Path) -> list[tuple[str, str]]:
    out = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            text = (failure.text or failure.get("message") or "").strip()
            out.append((case.get("name", "?"), text))
    return out


def run(mutant: Mutant, contracts: Path, workdir: Path) -> Result:
    api = mutant.api()
    junit = workdir / f"{mutant.name}.xml"
    env = {**os.environ, "FOXAPI_API_KEY": KEY}
    env.pop("FOXAPI_BASE_URL", None)
    with FakeServer(api) as server:
        args = [
            sys.executable, "-m", "pytest", str(contracts), "--fox-mode", "live",
            "--fox-base-url", server.base_url, "--fox-budget", str(BUDGET), "--fox-wait", WAIT,
            "-m", "fox_live", "-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS,
            f"--junitxml={junit}", "--rootdir", str(workdir),
        ]  # fmt: skip
        start = time.monotonic()
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        seconds = time.monotonic() - start
    failed = _failures(junit) if junit.exists() else []
    detail = ""
    if failed:  # the first check named after the "got:" line, else the first line
        lines = failed[0][1].splitlines()
        after = [ln.strip() for i, ln in enumerate(lines) if i and "got:" in lines[i - 1]]
        detail = (after or lines or [""])[0]
    killed = proc.returncode == 1 and bool(failed)
    return Result(
        mutant.name, mutant.category, killed, proc.returncode == 0,
        [name for name, _ in failed], detail[:140], api.paid, seconds, proc.returncode,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="run only these mutants")
    parser.add_argument("--json", help="also write the results as JSON to this file")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name:30} {m.category:16} {m.doc}")
        return 0
    chosen = [m for m in MUTANTS if args.only is None or m.name in args.only]
    contracts = shipped_contracts_dir()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="foxcontract-bench-") as tmp:
        for mutant in chosen:
            r = run(mutant, contracts, Path(tmp))
            results.append(r)
            verdict = (
                ("PASS" if r.passed else "FALSE FAILURE")
                if mutant.faithful
                else ("killed" if r.killed else "SURVIVED")
            )
            print(
                f"{r.name:30} {verdict:13} paid {r.paid:2}  {r.seconds:5.1f}s  "
                f"{len(r.failures):3} failing  {r.failures[:1]} {r.detail}",
                flush=True,
            )
    return report(results, chosen, args.json)


def report(results: list[Result], chosen: list[Mutant], json_path: str | None) -> int:
    faithful = {m.name for m in chosen if m.faithful}
    mutants = [r for r in results if r.name not in faithful]
    killed = sum(r.killed for r in mutants)
    times = [r.seconds for r in results]
    paid = [r.paid for r in results]
    print()
    if mutants:
        print(f"kill rate: {killed}/{len(mutants)} = {killed / len(mutants):.0%}")
    print(
        f"faithful runs passing: {sum(r.passed for r in results if r.name in faithful)}"
        f"/{len(faithful)}"
    )
    print(
        f"paid creates per run: max {max(paid)}, mean {sum(paid) / len(paid):.1f} (budget {BUDGET})"
    )
    print(
        f"time per run: mean {sum(times) / len(times):.1f}s, max {max(times):.1f}s "
        f"(limit {TIME_LIMIT:g}s)"
    )
    if json_path:
        Path(json_path).write_text(json.dumps([asdict(r) for r in results], indent=2))
    ok = (
        killed == len(mutants)
        and all(r.passed for r in results if r.name in faithful)
        and max(paid) <= BUDGET
        and max(times) < TIME_LIMIT
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
