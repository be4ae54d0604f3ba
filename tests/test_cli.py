"""The ``foxcontract`` command: subcommands, help, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from foxcontract import cli
from foxcontract.contract import default_contract, shipped_contracts_dir

SHIPPED = shipped_contracts_dir()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse: --help and usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_subcommand_and_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for name in cli.COMMANDS:
        assert f"    {name} " in out
    assert "  0  success\n" in out
    assert "  1  the check failed" in out
    assert "  2  usage error: unknown subcommand" in out


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_each_subcommand_has_help(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, _ = run(capsys, name, "--help")
    assert code == 0
    assert out.startswith(f"usage: foxcontract {name} ")
    assert cli.COMMANDS[name][1] in " ".join(out.split())


def test_unknown_subcommand_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "frobnicate")
    choices = ", ".join(repr(n) for n in cli.COMMANDS)
    assert (code, out) == (2, "")
    assert err == (
        "foxcontract: error: argument COMMAND: invalid choice: 'frobnicate' "
        f"(choose from {choices})\n"
    )


def test_no_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert err == "foxcontract: error: the following arguments are required: COMMAND\n"


def test_validate_the_shipped_contracts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(SHIPPED))
    assert (code, err) == (0, "")
    rules = len(default_contract().rules)
    kinds = len(default_contract().error_kinds)
    assert out.splitlines() == [
        f"{SHIPPED / 'errors.yaml'}: ok (errors file, {kinds} error kinds)",
        f"{SHIPPED / 'tasks-get.yaml'}: ok (endpoint tasks-get, 0 rules)",
        f"{SHIPPED / 'videos-generations.yaml'}: ok (endpoint videos-generations, {rules} rules)",
    ]


def test_validate_prints_file_line_problems_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("errors.yaml", "videos-generations.yaml"):
        (tmp_path / name).write_text((SHIPPED / name).read_text())
    bad = tmp_path / "videos-generations.yaml"
    text = bad.read_text().replace(
        "then: {resolution: {in: [720p, 1080p]}}", "then: {resolution: {in: [720p, 1080P]}}"
    )
    bad.write_text(
        text.replace(
            "    when: {model: veo-3.1-lite-image-to-video}\n",
            "    wehn: {model: veo-3.1-lite-image-to-video}\n",
            1,
        )
    )
    code, out, err = run(capsys, "validate", str(tmp_path))
    line = text.splitlines().index("    when: {model: veo-3.1-lite-image-to-video}") + 1
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{tmp_path / 'errors.yaml'}: ok (errors file, {len(default_contract().error_kinds)} "
        "error kinds)",
        f"{bad}:{line}: unknown key 'wehn' in rules.0 (did you mean 'when'?); "
        "allowed keys: doc, expect, id, provenance, then, when",
    ]


def test_validate_a_missing_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nope.yaml"
    code, out, err = run(capsys, "validate", str(missing))
    assert (code, out) == (2, "")
    assert err == f"foxcontract validate: error: no such file or folder: {missing}\n"


def test_validate_an_empty_folder_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 2
    assert (
        err
        == f"foxcontract validate: error: no contract files (*.yaml, *.yml) in folder: {tmp_path}\n"
    )


def test_export_writes_the_document_atomically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./contracts: the shipped ones
    out_file = tmp_path / "openapi.json"
    out_file.write_text("old")
    code, out, err = run(capsys, "export", "openapi", "--out", str(out_file))
    assert (code, err) == (0, "")
    assert out.startswith("exported the contracts shipped with foxcontract, in ")
    assert json.loads(out_file.read_text())["openapi"] == "3.1.0"
    assert sorted(os.listdir(tmp_path)) == ["openapi.json"]  # no temporary file left


def test_export_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export", "openapi", str(SHIPPED / "videos-generations.yaml"))
    assert code == 0
    assert list(json.loads(out)["paths"]) == ["/v1/videos/generations"]


def test_export_to_an_unwritable_path_is_one_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "missing-folder" / "openapi.json"
    code, out, err = run(capsys, "export", "openapi", "--out", str(target))
    assert (code, out) == (2, "")
    assert err == f"foxcontract export: error: cannot write {target}: No such file or directory\n"
    assert list(tmp_path.iterdir()) == []


def test_export_onto_a_folder_keeps_it_and_leaves_no_temporary_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    code, _, err = run(capsys, "export", "openapi", "--out", str(target))
    assert code == 2
    assert err == f"foxcontract export: error: cannot write {target}: Is a directory\n"
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_export_of_an_invalid_contract_is_exit_1_with_file_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "errors.yaml").write_text((SHIPPED / "errors.yaml").read_text())
    bad = tmp_path / "videos-generations.yaml"
    bad.write_text(
        (SHIPPED / "videos-generations.yaml").read_text().replace("kind: endpoint", "kind: endpont")
    )
    out_file = tmp_path / "openapi.json"
    code, out, err = run(capsys, "export", "openapi", str(bad), "--out", str(out_file))
    assert (code, out) == (1, "")
    line = bad.read_text().splitlines().index("kind: endpont") + 1
    assert err == (
        f"{bad}:{line}: kind: 'endpont' is not one of ['endpoint', 'errors'] "
        "(did you mean 'endpoint'?)\n"
    )
    assert not out_file.exists()


def test_export_of_only_an_errors_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    errors = SHIPPED / "errors.yaml"
    code, _, err = run(capsys, "export", "openapi", str(errors))
    assert code == 2
    assert err == f"foxcontract export: error: no endpoint contracts among: {errors}\n"


def test_unknown_export_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", "swagger")
    assert code == 2
    assert err == (
        "foxcontract export: error: argument format: invalid choice: 'swagger' "
        "(choose from 'openapi')\n"
    )


def test_the_installed_command_has_no_traceback_on_bad_input(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "foxcontract", "validate", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert (
        done.stderr
        == f"foxcontract validate: error: no such file or folder: {tmp_path / 'nope.yaml'}\n"
    )


def test_plan_prints_the_live_plan_and_sends_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from foxcontract.contract import load_contracts, shipped_contracts_dir
    from foxcontract.live import build_plan, format_plan

    monkeypatch.delenv("FOXAPI_BASE_URL", raising=False)
    monkeypatch.setattr("socket.socket.connect", _no_network)
    monkeypatch.chdir(tmp_path)  # no ./contracts here: the shipped ones, and it says so
    code, out, err = run(capsys, "plan", "--budget", "3")
    assert (code, err) == (0, "")
    contracts = list(load_contracts(sorted(SHIPPED.glob("*.yaml"))))
    expected = format_plan(build_plan(contracts, 3), "https://api.foxapi.cc")
    assert out.splitlines() == [
        *expected,
        f"planned from the contracts shipped with foxcontract, in {shipped_contracts_dir()} "
        "(there is no ./contracts here; name a PATH for your own)",
    ]
    assert (
        expected[0]
        == "foxcontract live plan against https://api.foxapi.cc: budget 3 paid create(s)"
    )
    # 2,847 candidates of the four modes' 81 rules (and the other probes), 400 kept
    assert expected[2] == "  free probe cap: 400 a run (--fox-max-free-probes); 2447 left out"
    assert expected[3] == (
        "  free probe order: 201 on documented facts, then 155 on per-model assumptions; 44 on "
        "the contract's stances on fields go last, only while the budget has room (an accept "
        "is charged)"
    )
    assert expected[4] == "  paid creates: 3 of 61 planned, each then polled on tasks-get (free)"
    assert expected[5] == (
        "  reserve: 1 of the budget for free probes the provider may accept (--fox-reserve); "
        "2 create(s) first, paid-03 after the free probes with what is left"
    )


def _no_network(*_args: object) -> None:
    raise AssertionError("foxcontract plan opened a connection")


def test_plan_takes_the_base_url_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOXAPI_BASE_URL", "http://127.0.0.1:9")
    code, out, _ = run(capsys, "plan", str(SHIPPED))
    assert code == 0
    assert out.splitlines()[0] == (
        "foxcontract live plan against http://127.0.0.1:9: budget 0 paid create(s)"
    )


@pytest.mark.parametrize(
    ("budget", "message"),
    [("-1", "must be 0 or more, not -1"), ("two", "not a whole number: 'two'")],
)
def test_plan_rejects_a_bad_budget(
    capsys: pytest.CaptureFixture[str], budget: str, message: str
) -> None:
    code, out, err = run(capsys, "plan", "--budget", budget)
    assert (code, out) == (2, "")
    assert err == f"foxcontract plan: error: argument --budget: {message}\n"


def test_plan_of_a_missing_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "plan", str(tmp_path / "gone.yaml"))
    assert code == 2
    assert err == f"foxcontract plan: error: no such file or folder: {tmp_path / 'gone.yaml'}\n"
