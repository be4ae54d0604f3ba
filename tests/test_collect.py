"""Collection of contract files as pytest items, as users run it (pytester)."""

from __future__ import annotations

import pytest
from helpers.mini import MINI, lit, write_mini

pytest_plugins = ["pytester"]


def test_a_minimal_contract_is_collected_per_rule_and_kind(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "mini.yaml::consistency",
            lit("mini.yaml::body.type[accepted]"),
            lit("mini.yaml::body.type[violated]"),
            lit("mini.yaml::model.required[accepted]"),
            lit("mini.yaml::model.required[violated]"),
            lit("mini.yaml::model.type[accepted]"),
            lit("mini.yaml::model.type[violated]"),
            lit("mini.yaml::model.enum[accepted]"),
            lit("mini.yaml::model.enum[violated]"),
            lit("mini.yaml::size.type[accepted]"),
            lit("mini.yaml::size.type[violated]"),
            lit("mini.yaml::size.enum[accepted]"),
            lit("mini.yaml::size.enum[violated]"),
            lit("mini.yaml::note.type[accepted]"),
            lit("mini.yaml::note.type[violated]"),
            lit("mini.yaml::small-size-1[accepted]"),
            lit("mini.yaml::small-size-1[violated]"),
            lit("mini.yaml::example[small-size-2]"),
            lit("mini.yaml::response[200]"),
            lit("mini.yaml::response[errors]"),
            "20 tests collected*",
        ]
    )


def test_the_contract_passes_and_items_sit_at_the_rule_line(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    result = pytester.runpytest("-v", "-k", "small-size")
    result.stdout.fnmatch_lines(
        [
            lit("mini.yaml::small-size-1[accepted] PASSED*"),
            lit("mini.yaml::small-size-1[violated] PASSED*"),
            lit("mini.yaml::example[small-size-2] PASSED*"),
        ]
    )
    result.assert_outcomes(passed=3)
    items = pytester.inline_run("--collect-only", "-k", "small-size-1[violated]")
    (item,) = items.getcalls("pytest_collection_finish")[0].session.items
    assert item.location == ("mini.yaml", 22, "mini::small-size-1[violated]")


def test_markers_select_kinds(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    result = pytester.runpytest("--collect-only", "-q", "-m", "fox_violated")
    result.stdout.fnmatch_lines([lit("mini.yaml::body.type[violated]"), "8/20 tests collected*"])


def test_a_broken_contract_fails_collection_with_file_and_line(pytester: pytest.Pytester) -> None:
    write_mini(pytester, MINI.replace("when: {model: small}", "when: {modle: small}"))
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting mini.yaml*",
            "mini.yaml:25: rule names unknown field 'modle' (did you mean 'model'?); "
            "fields: model, size, note",
            "*1 error*",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    assert result.ret == pytest.ExitCode.INTERRUPTED


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "the contract file is empty; it needs at least foxcontract, kind, name, version"),
        ("- a\n- b\n", "a contract file must be a YAML mapping*"),
        ("a: [\n", "not valid YAML: *"),
    ],
    ids=["empty", "not-a-mapping", "not-yaml"],
)
def test_a_file_given_as_fox_contracts_must_be_one(
    pytester: pytest.Pytester, text: str, says: str
) -> None:
    pytester.path.joinpath("bad.yaml").write_text(text, encoding="utf-8")
    result = pytester.runpytest("--fox-contracts", "bad.yaml", "bad.yaml")
    result.stdout.fnmatch_lines(["*ERROR collecting bad.yaml*", f"bad.yaml:*: {says}"])


def test_a_marked_file_that_is_broken_fails_collection(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("bad.yaml").write_text("foxcontract: 1\na: [\n", encoding="utf-8")
    result = pytester.runpytest("bad.yaml")
    result.stdout.fnmatch_lines(["*ERROR collecting bad.yaml*", "bad.yaml:*: not valid YAML: *"])


def test_a_folder_configured_as_contracts_rejects_a_stray_file(
    pytester: pytest.Pytester,
) -> None:
    pytester.mkdir("specs").joinpath("empty.yml").write_text("", encoding="utf-8")
    pytester.makeini("[pytest]\nfox_contracts = specs\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["*ERROR collecting specs/empty.yml*", "*is empty*"])


def test_other_yaml_files_are_left_alone(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    pytester.path.joinpath("settings.yaml").write_text("retries: 3\n", encoding="utf-8")
    pytester.path.joinpath("empty.yml").write_text("", encoding="utf-8")
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["20 tests collected*"])
    result.stdout.no_fnmatch_line("*settings.yaml*")


def test_an_errors_file_is_validated(pytester: pytest.Pytester) -> None:
    write_mini(pytester)
    errors = pytester.path.joinpath("errors.yaml")
    errors.write_text(errors.read_text().replace("    status: 422", "    statuss: 422", 1))
    result = pytester.runpytest("--collect-only", "-q", "errors.yaml")
    result.stdout.fnmatch_lines(["*ERROR collecting errors.yaml*", "errors.yaml:*statuss*"])


def test_k_selects_a_rule_of_the_shipped_contracts(pytester: pytest.Pytester) -> None:
    from foxcontract import default_contract

    for name in ("videos-generations.yaml", "errors.yaml"):
        text = (default_contract().path.parent / name).read_text(encoding="utf-8")
        pytester.path.joinpath(name).write_text(text, encoding="utf-8")
    result = pytester.runpytest("--collect-only", "-q", "-k", "flf-lite-no-4k")
    result.stdout.fnmatch_lines(
        [
            lit("videos-generations.yaml::flf-lite-no-4k[accepted]"),
            lit("videos-generations.yaml::flf-lite-no-4k[violated]"),
            "2/* tests collected*",
        ]
    )
