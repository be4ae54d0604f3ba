"""``foxcontract init [DIR]``: put the contracts, a sample test and a CI step in a project.

Copies the shipped contracts (and their cassettes and snapshots, when shipped) into DIR
(default ``contracts``), with ``test_foxapi_sample.py`` (a small httpx client and its tests
on the ``fox_api`` fixture) and ``foxapi-ci.yml.example`` (a GitHub Actions workflow, to copy
into ``.github/workflows/``). A file that already exists is never overwritten: it is listed
as skipped. DIR may not lie inside an installed package (site-packages): the copies are the
project's, to edit and commit.
Exit 0 done (some files may have been skipped), 2 bad input or a file that cannot be written.
"""

from __future__ import annotations

import argparse
import sysconfig
from pathlib import Path

from foxcontract._files import yaml_files
from foxcontract.cli._common import UsageError

__all__ = ["CI_STEP", "SAMPLE_TEST", "add_arguments", "planned_files", "run"]

SAMPLE_TEST = '''\
"""A sample: a small FoxAPI client and its tests on the fox_api fixture (written by
``foxcontract init``). No network and no key: every request the client sends is checked
against the contracts in this folder, and a request they forbid fails the test naming the
rule. Replace the client with your own and keep the kinds of test."""

import time

import httpx
import pytest

PHOTO = "https://example.com/fox.jpg"


class FoxError(Exception):
    pass


def generate(base_url, key, *, max_polls=10, retries=2, sleep=time.sleep):
    """Create a video task, poll it until it ends, return the video's URL."""
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base_url, headers=auth, timeout=10) as http:

        def send(method, path, **kwargs):
            for attempt in range(retries + 1):
                answer = http.request(method, path, **kwargs)
                if answer.status_code in (429, 500, 503) and attempt < retries:
                    sleep(float(answer.headers.get("retry-after", "1")))
                    continue
                if answer.status_code >= 400:
                    raise FoxError(f"{answer.status_code}: {answer.text}")
                return answer.json()

        body = {"model": "veo-3.1-lite-image-to-video", "prompt": "a fox", "image_url": PHOTO}
        task = send("POST", "/v1/videos/generations", json=body)
        for _ in range(max_polls):
            task = send("GET", f"/v1/tasks/{task['id']}")
            if task["status"] == "completed":
                return task["results"][0]["url"]
            if task["status"] == "failed":
                raise FoxError(f"task failed: {task['error']['code']}")
        raise TimeoutError("the task did not finish")


def test_a_video_is_generated(fox_api):
    url = generate(fox_api.base_url, fox_api.key, sleep=lambda s: None)
    assert url.endswith(".mp4")
    assert [c.request.method for c in fox_api.calls] == ["POST", "GET", "GET"]


def test_a_rate_limit_is_retried(fox_api):
    fox_api.fault(kind="rate_limit")
    generate(fox_api.base_url, fox_api.key, sleep=lambda s: None)
    assert fox_api.calls[0].response.status == 429


def test_a_failed_task_is_reported(fox_api):
    fox_api.fail_next_task(code="content_policy")
    with pytest.raises(FoxError, match="content_policy"):
        generate(fox_api.base_url, fox_api.key, sleep=lambda s: None)
'''

CI_STEP = """\
# A GitHub Actions workflow (written by `foxcontract init`): copy it into .github/workflows/
# as foxapi-ci.yml.
# It runs the contract suite and your fox_api tests offline: no key, no network, no cost.
name: FoxAPI contract
on: [push, pull_request]
jobs:
  foxapi-contract:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install foxcontract  # or your project's pinned requirements
      - run: python -m pytest {folder} --fox-contracts {folder}
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        default="contracts",
        metavar="DIR",
        help="where to put the contracts, the sample test and the CI step (default: contracts)",
    )


def _shipped_files() -> list[tuple[Path, Path]]:
    """(source, path relative to DIR) of every shipped file the project gets."""
    from foxcontract.contract import shipped_contracts_dir

    shipped = shipped_contracts_dir()
    out = [(p, Path(p.name)) for p in yaml_files(shipped)]
    cassettes = shipped / "cassettes"
    out += [(p, Path("cassettes", p.name)) for p in yaml_files(cassettes)]
    snapshots = cassettes / "__snapshots__"
    if snapshots.is_dir():
        out += [
            (p, Path("cassettes", "__snapshots__", p.name))
            for p in sorted(snapshots.glob("*.ambr"))
        ]
    return out


def planned_files(folder: Path) -> list[tuple[Path, str]]:
    """Every file ``init`` writes into ``folder``, with its text, in order."""
    out = [(folder / rel, src.read_text(encoding="utf-8")) for src, rel in _shipped_files()]
    out.append((folder / "test_foxapi_sample.py", SAMPLE_TEST))
    out.append((folder / "foxapi-ci.yml.example", CI_STEP.format(folder=folder.as_posix())))
    return out


def _installed_package_dirs() -> list[Path]:
    paths = sysconfig.get_paths()
    found = {Path(paths[k]).resolve() for k in ("purelib", "platlib") if k in paths}
    found.add(Path(__file__).resolve().parent)
    return sorted(found)


def _refuse_installed(folder: Path) -> None:
    target = folder.resolve()
    for installed in _installed_package_dirs():
        if target == installed or installed in target.parents:
            raise UsageError(
                f"{folder} is inside an installed package folder ({installed}): give a "
                "folder of your project, e.g. `foxcontract init contracts` from its root"
            )


def _write_new(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it exists (``False``: skipped)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        return False
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return True


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    _refuse_installed(folder)
    written: list[Path] = []
    skipped: list[Path] = []
    for path, text in planned_files(folder):
        (written if _write_new(path, text) else skipped).append(path)
    for path in written:
        print(f"wrote    {path}")
    for path in skipped:
        print(f"skipped  {path} (it exists; left as it is)")
    shown = folder.as_posix()
    print(f"{len(written)} written, {len(skipped)} skipped.")
    print("Next:")
    print(f"  1. make fox_api and fox_replay follow {shown}: add `fox_contracts = {shown}`")
    print("     to your pytest configuration (pytest.ini, or [tool.pytest.ini_options])")
    print(f"  2. python -m pytest {shown}    (the contract suite and the sample, offline)")
    print(f"  3. copy {shown}/foxapi-ci.yml.example to .github/workflows/foxapi-ci.yml")
    return 0
