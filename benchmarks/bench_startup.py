"""Benchmark: what installing foxcontract costs an unrelated pytest run.

Target (issue 9): at most 10% more CPU than the same run with ``-p no:foxcontract``, on a
project of one test and no contract. And against a run without the plugins that installing
foxcontract brings along (its dependencies': Hypothesis, respx, syrupy, anyio), which is what
the same run costs where foxcontract is not installed. Runs ``python -m pytest`` N times each
way, alternating (so a busy machine slows all alike), in a temporary one-test project outside
the source tree, and prints the CPU time (user + system, of the child processes) and the
ratios.
Run: ``python benchmarks/bench_startup.py [N]`` (default 10).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

TEST = "def test_one():\n    assert 1 + 1 == 2\n"
BASE = ["-q", "-p", "no:cacheprovider"]
WAYS = {
    "with foxcontract": [],
    "with -p no:foxcontract": ["-p", "no:foxcontract"],
    "without foxcontract and the plugins it brings": [
        "-p", "no:foxcontract", "-p", "no:hypothesispytest", "-p", "no:respx",
        "-p", "no:syrupy", "-p", "no:anyio",
    ],
}  # fmt: skip


def cpu_of_run(project: Path, extra: list[str]) -> float:
    """The CPU seconds one ``python -m pytest`` run in ``project`` takes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *BASE, *extra],
        cwd=project,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"pytest {' '.join(extra)} failed:\n{done.stdout}{done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(n: int) -> float:
    with tempfile.TemporaryDirectory(prefix="fox-startup-") as tmp:
        project = Path(tmp)
        (project / "test_one.py").write_text(TEST, encoding="utf-8")
        for extra in WAYS.values():  # warm the file cache and the bytecode of each
            cpu_of_run(project, extra)
        total = dict.fromkeys(WAYS, 0.0)
        for _ in range(n):
            for way, extra in WAYS.items():
                total[way] += cpu_of_run(project, extra)
    print(f"{n} runs each of `python -m pytest` on a one-test project")
    for way, cpu in total.items():
        print(f"  {way + ':':48} {cpu / n:.3f} s CPU per run")
    mine, without, bare = total.values()
    ratio = mine / without
    print(f"  foxcontract's plugin: {ratio:.3f} ({(ratio - 1) * 100:+.1f}%; target at most +10%)")
    print(f"  installing foxcontract: {mine / bare:.3f} (the run where it is not installed)")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
