"""Cassette files: the format's errors name file and line, writes are redacted and safe,
and the shipped docs cassettes are exactly the contracts' documented examples."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from foxcontract.cassette import (
    CassetteError,
    Interaction,
    dump_cassette,
    from_examples,
    is_cassette,
    load_cassette,
    write_cassette,
)
from foxcontract.contract import load_contract, shipped_contracts_dir
from foxcontract.redact import SecretLeakError

CONTRACTS = Path(__file__).parents[1] / "contracts"
SHIPPED = CONTRACTS / "cassettes" / "videos-generations.yaml"


@pytest.fixture
def cassette(tmp_path: Path) -> Path:
    path = tmp_path / "videos-generations.yaml"
    shutil.copy(SHIPPED, path)
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def error_of(path: Path) -> str:
    with pytest.raises(CassetteError) as info:
        load_cassette(path)
    return str(info.value)


@pytest.mark.parametrize("name", ["videos-generations", "tasks-get"])
def test_the_shipped_cassettes_are_the_documented_examples(name: str) -> None:
    shipped = load_cassette(CONTRACTS / "cassettes" / f"{name}.yaml")
    contract = load_contract(CONTRACTS / f"{name}.yaml")
    built = from_examples(contract, shipped.path, shipped.recorded_at)
    assert dump_cassette(built) == shipped.path.read_text(), (
        "the docs cassettes are stale: run python -m foxcontract cassette contracts"
    )
    assert shipped.source == "docs"


def test_an_unknown_field_is_named_with_its_line(cassette: Path) -> None:
    edit(cassette, "    response:\n      status: 422", "    respnse:\n      status: 422")
    assert error_of(cassette) == (
        f"{cassette}:41: interaction 2: missing field 'response'\n"
        f"{cassette}:54: unknown field 'respnse' in interaction 2 (did you mean 'response'?)"
    )


def test_a_truncated_cassette_is_an_error_at_the_line(cassette: Path) -> None:
    text = cassette.read_text()
    cassette.write_text(text[: text.index("lite-4k-rejected") + 30] + "\n  - {name: [")
    assert error_of(cassette) == (
        f"{cassette}:43: not valid YAML: while parsing a flow node expected the node content, "
        "but found '<stream end>'"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("status: 422", "status: 42", "55: status: must be an HTTP status (100..599), got 42"),
        ("source: docs", "source: doc", "6: source: must be one of docs, live, got 'doc'"),
        ("cassette: 1", "cassette: 2", "3: cassette: must be the format version 1, got 2"),
        (
            "name: lite-4k-rejected",
            "name: documented-request",
            "41: interaction name 'documented-request' is used twice",
        ),
        ("method: POST", "method: post", "14: method: must be an HTTP method, got 'post'"),
    ],
)
def test_bad_values_are_named_with_their_line(
    cassette: Path, old: str, new: str, message: str
) -> None:
    edit(cassette, old, new)
    assert error_of(cassette) == f"{cassette}:{message}"


def test_an_empty_file_and_a_list_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "e.yaml"
    empty.write_text("")
    assert error_of(empty) == f"{empty}:1: the cassette file is empty"
    listed = tmp_path / "l.yaml"
    listed.write_text("- cassette: 1\n")
    assert error_of(listed) == f"{listed}:1: a cassette must be a YAML mapping, not a list"


def test_cassettes_are_told_from_contracts() -> None:
    assert is_cassette(SHIPPED)
    assert not is_cassette(CONTRACTS / "videos-generations.yaml")


def test_writes_redact_the_key_and_merge_by_name(
    cassette: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOXAPI_API_KEY", "sk-live-secret-0001")
    old = load_cassette(cassette)
    recorded = replace(
        old.interactions[0],
        name="new-one",
        request_headers={"Authorization": "Bearer sk-live-secret-0001"},
        request_body={**old.interactions[0].request_body, "prompt": "sk-live-secret-0001"},
    )
    write_cassette(replace(old, interactions=(recorded,)))
    text = cassette.read_text()
    assert "sk-live-secret-0001" not in text
    assert "authorization: Bearer <redacted>" in text
    assert [i.name for i in load_cassette(cassette).interactions] == [
        "documented-request",
        "lite-4k-rejected",
        "reference-request",
        "first-last-frame-request",
        "extend-request",
        "new-one",
    ]


def test_a_secret_that_escapes_redaction_is_refused_and_nothing_is_written(
    cassette: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOXAPI_API_KEY", raising=False)
    before = cassette.read_text()
    old = load_cassette(cassette)
    leaking = replace(old.interactions[0], name="leak", doc="password hunter2-secret")
    with pytest.raises(
        SecretLeakError, match=r"refusing to write a secret \(line \d+: the API key\)"
    ):
        write_cassette(
            replace(old, interactions=(leaking,)), secrets=["hunter2-secret"], merge=False
        )
    # redaction removes it from bodies and headers; a doc field is not redacted: refused
    assert cassette.read_text() == before


def test_a_corrupt_cassette_is_not_overwritten(cassette: Path) -> None:
    cassette.write_text("cassette: 1\ninteractions: [\n")
    old = load_cassette(SHIPPED)
    with pytest.raises(CassetteError):
        write_cassette(replace(old, path=cassette))
    assert cassette.read_text() == "cassette: 1\ninteractions: [\n"


def test_a_contract_file_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "videos-generations.yaml"
    shutil.copy(CONTRACTS / "videos-generations.yaml", target)
    old = load_cassette(SHIPPED)
    with pytest.raises(CassetteError, match="refusing to overwrite a file that is not a cassette"):
        write_cassette(replace(old, path=target))


def test_interactions_round_trip(cassette: Path) -> None:
    loaded = load_cassette(cassette)
    assert isinstance(loaded.interactions[0], Interaction)
    assert [i.line for i in loaded.interactions] == [11, 41, 62, 93, 123]
    assert dump_cassette(loaded) == cassette.read_text()


def test_the_cassettes_command_writes_the_docs_cassettes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from foxcontract import cli

    assert cli.main(["cassette", str(CONTRACTS), "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{tmp_path}/tasks-get.yaml: 2 documented interactions",
        f"{tmp_path}/videos-generations.yaml: 5 documented interactions",
    ]
    for name in ("tasks-get.yaml", "videos-generations.yaml"):
        fresh = load_cassette(tmp_path / name)
        shipped = load_cassette(CONTRACTS / "cassettes" / name)
        assert fresh.interactions == shipped.interactions
        # run again over the shipped ones: unchanged, recorded_at kept
        assert cli.main(["cassette", str(CONTRACTS), "--out", str(tmp_path)]) == 0
        assert load_cassette(tmp_path / name).recorded_at == fresh.recorded_at


def test_the_cassettes_command_never_writes_into_the_installed_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from foxcontract import cli

    monkeypatch.chdir(tmp_path)  # no ./contracts here: the folder must be named
    assert cli.main(["cassette"]) == 2
    assert capsys.readouterr().err == (
        "foxcontract cassette: error: name the contracts folder to write cassettes for "
        "(foxcontract cassette contracts): there is no ./contracts here, and the shipped ones "
        f"in {shipped_contracts_dir()} are never written to\n"
    )
    package = Path(cli.__file__).parent

    def files() -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in package.rglob("*") if p.is_file()}

    before = files()
    assert cli.main(["cassette", str(CONTRACTS), "--out", str(package / "_shipped")]) == 2
    assert capsys.readouterr().err == (
        "foxcontract cassette: error: refusing to write cassettes into the installed package "
        f"({package / '_shipped'}): name a folder of your project with --out, or copy the "
        "contracts into it first\n"
    )
    assert files() == before  # nothing written, whether or not the install has _shipped/
    # with the project's own ./contracts, that is the default
    shutil.copytree(CONTRACTS, tmp_path / "contracts")
    assert cli.main(["cassette"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "contracts/cassettes/tasks-get.yaml: 2 documented interactions",
        "contracts/cassettes/videos-generations.yaml: 5 documented interactions",
    ]
