"""What users install and run: the shipped contracts, the README's commands, CI's script."""

from __future__ import annotations

import configparser
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers.fourth_model import PRO, add_model

import foxcontract
from foxcontract import check, default_contract, load_contract
from foxcontract.contract import shipped_contracts_dir

ROOT = Path(__file__).resolve().parents[1]
THREE = ["errors.yaml", "tasks-get.yaml", "videos-generations.yaml"]
QUICK_START = [
    "python -m pip install . && python -m pytest contracts",
    "python -m pip install tox && tox",
]
VALID = {
    "model": "veo-3.1-image-to-video",
    "prompt": "The flowers sway gently in the wind",
    "image_url": "https://example.com/photo.jpg",
}


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_shipped_contracts_dir_holds_the_three_contracts() -> None:
    shipped = shipped_contracts_dir()
    assert set(THREE) <= {p.name for p in shipped.glob("*.yaml")}
    assert load_contract(shipped / "tasks-get.yaml").url_path == "/v1/tasks/{task_id}"
    assert default_contract().path == shipped / "videos-generations.yaml"


def test_check_works_with_no_contract_argument() -> None:
    assert check(VALID) == []
    assert [v.rule for v in check({**VALID, "resolution": "4K"})] == ["resolution.enum"]


def test_the_wheel_ships_the_contracts_named_in_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"] == {
        **{f"contracts/{name}": f"foxcontract/_shipped/{name}" for name in THREE},
        "contracts/cassettes": "foxcontract/_shipped/cassettes",  # what fox_replay reads
    }
    assert all((ROOT / source).exists() for source in wheel["force-include"])


@pytest.mark.skipif(
    os.environ.get("FOXCONTRACT_TEST_INSTALLED") != "1",
    reason="only on foxcontract installed from its wheel (tox sets FOXCONTRACT_TEST_INSTALLED)",
)
def test_the_installed_wheel_carries_the_contracts_and_its_data() -> None:
    package = Path(foxcontract.__file__).resolve().parent
    assert package != ROOT / "foxcontract", "foxcontract was imported from the source tree"
    assert package.parent.name == "site-packages", package
    assert shipped_contracts_dir() == package / "_shipped"
    for name in [*THREE, "cassettes/videos-generations.yaml", "cassettes/tasks-get.yaml"]:
        shipped = (package / "_shipped" / name).read_bytes()
        assert shipped == (ROOT / "contracts" / name).read_bytes(), name
    assert (package / "contract" / "contract.schema.json").is_file()
    assert (package / "_report.schema.json").is_file()
    assert (package / "py.typed").is_file()


def test_the_readme_starts_with_exactly_the_two_quick_start_commands() -> None:
    text = readme()
    commands = re.findall(r"```sh\n(.*?)\n```", text, flags=re.DOTALL)
    assert commands[:2] == QUICK_START
    assert [line for line in text.splitlines() if line.startswith("python -m pip")] == QUICK_START
    assert text.index(QUICK_START[1]) < text.index("\n## ", text.index("## Quick start") + 1)


def test_ci_runs_the_readmes_second_command() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    assert "set -euo pipefail" in script.read_text(encoding="utf-8").splitlines()
    done = subprocess.run(
        ["bash", str(script), "--print-command"],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.stdout == QUICK_START[1] + "\n"


def test_the_readme_example_prints_what_it_says() -> None:
    blocks = re.findall(r"```python\n(.*?)\n```", readme(), flags=re.DOTALL)
    (example,) = [b for b in blocks if "from foxcontract import check, expected_error" in b]
    shown = example.partition("    print(violation)\n")[2].splitlines()[:2]
    promised = " ".join(line.removeprefix("# ") for line in shown).removesuffix("...)")
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(example, namespace)
    assert out.getvalue().startswith(promised)
    assert "expected_error(check(body))  # 'validation'" in example
    assert foxcontract.expected_error(check(namespace["body"])) == "validation"


def test_the_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## [Unreleased]\n" in text


@pytest.mark.slow
def test_ci_fails_when_the_command_fails_even_with_exit_5(tmp_path: Path) -> None:
    """pytest's "no tests collected" (exit 5) must fail CI, like any other failure."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "README.md").write_text(
        "python -m pip install nothing\npython -m pip install nothing || exit 5\n"
    )
    done = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PIP_NO_INDEX": "1"},
    )
    assert done.returncode == 5, done.stderr
    assert done.stdout.startswith("+ python -m pip install nothing || exit 5\n")
    assert ".ci/run: passed" not in done.stdout


USER_TEST = """
import httpx

import foxcontract


def test_foxcontract_is_the_installed_wheel():
    assert foxcontract.__file__.startswith("SITE"), foxcontract.__file__


def test_a_model_added_to_the_projects_contract_is_accepted(fox_api):
    body = {"model": "NEW", "prompt": "a fox", "image_url": "https://example.com/fox.jpg"}
    auth = {"Authorization": "Bearer " + fox_api.key}
    with httpx.Client(base_url=fox_api.base_url, headers=auth) as client:
        assert client.post("/v1/videos/generations", json=body).status_code == 200
"""


def _run(args: list[str], cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    # a separate installation: coverage of the project's own run must not measure it
    dropped = ("PYTHONPATH", "CI", "COVERAGE_PROCESS_START")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    done = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
@pytest.mark.wheel
def test_the_wheel_in_a_project_of_its_own(tmp_path: Path) -> None:
    """Build the wheel, install it (without the source tree) for a new project, and use it
    as its users do: ``foxcontract init``, the contract suite offline, the sample test, and
    a model the team adds to its own copy of the contract, accepted by ``fox_api``."""
    wheels, site, app = tmp_path / "wheels", tmp_path / "site", tmp_path / "app"
    app.mkdir()
    _run(["-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(wheels)], tmp_path, site)
    (wheel,) = wheels.glob("foxcontract-*.whl")
    _run(["-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)], app, site)

    init = _run(["-m", "foxcontract", "init"], app, site)
    assert "wrote    contracts/videos-generations.yaml" in init.stdout.splitlines()
    (app / "pytest.ini").write_text("[pytest]\nfox_contracts = contracts\n", encoding="utf-8")
    suite = _run(["-m", "pytest", "-p", "no:cacheprovider", "-q", "contracts"], app, site)
    assert re.search(r"^\d+ passed in ", suite.stdout, re.MULTILINE), suite.stdout

    contract = app / "contracts" / "videos-generations.yaml"
    text = contract.read_text(encoding="utf-8")
    contract.write_text(add_model(text), "utf-8")
    (app / "test_app.py").write_text(
        USER_TEST.replace("NEW", PRO).replace("SITE", str(site)), encoding="utf-8"
    )
    mine = _run(["-m", "pytest", "-p", "no:cacheprovider", "-q", "test_app.py"], app, site)
    assert "2 passed" in mine.stdout
    assert "foxcontract consumer coverage" in mine.stdout
    again = _run(["-m", "pytest", "-p", "no:cacheprovider", "-q", "contracts"], app, site)
    assert re.search(r"^\d+ passed in ", again.stdout, re.MULTILINE), again.stdout


def test_the_lowest_env_installs_the_floor_of_every_dependency(tmp_path: Path) -> None:
    from lowest_floors import floors

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = [
        re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0] for d in pyproject["project"]["dependencies"]
    ]
    assert [line.split("==")[0] for line in floors()] == names
    tox = (ROOT / "tox.ini").read_text(encoding="utf-8")
    assert "python {tox_root}{/}tests{/}lowest_floors.py {env_tmp_dir}{/}floors.txt" in tox
    no_floor = tmp_path / "pyproject.toml"
    no_floor.write_text('[project]\ndependencies = ["httpx<1"]\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="dependency 'httpx<1' has no >= floor"):
        floors(no_floor)


def test_ci_runs_the_slow_tests_and_schemathesis_and_the_loop_leaves_them_out() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    assert tox["tox"]["env_list"].split(", ") == [
        "py311", "slow", "schemathesis", "coverage", "lowest", "lint", "type",
    ]  # fmt: skip
    fast = tox["testenv"]["commands"].split("\n")
    slow = tox["testenv:slow"]["commands"].split("\n")
    assert [c for c in fast if c.startswith("pytest")] == [
        'pytest -n 2 -p no:cacheprovider -m "not slow" {posargs}'
    ]
    assert [c for c in slow if c.startswith("pytest")] == [
        "pytest -n 2 -p no:cacheprovider -m slow {posargs}"
    ]
    assert tox["testenv:coverage"]["depends"] == "py311, slow"
    assert tox["testenv:schemathesis"]["commands"] == (
        "pytest -p no:cacheprovider tests/test_schemathesis_fake.py {posargs}"
    )
