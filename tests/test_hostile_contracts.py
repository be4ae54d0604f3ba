"""Hostile contract and cassette files: each one is a ``file:line`` error, within a bounded
time, and nothing a file says makes foxcontract reach the network or read outside its folder.

The inputs are generated here (alias bombs, deep nesting, long integers, duplicate keys,
bytes that are not UTF-8, ``$ref`` escapes, fields no value satisfies, cut-short cassettes);
each test asserts the whole line a user sees. Every test runs with the network refused: a
connection attempt fails the test loudly.
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from foxcontract import cli
from foxcontract.cassette import CassetteError, is_cassette, load_cassette
from foxcontract.cassette.write import HEADER
from foxcontract.contract import ContractError, load_contract
from foxcontract.contract.schemas import validator_of

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
SHIPPED = (CONTRACTS / "videos-generations.yaml").read_text(encoding="utf-8")
CASSETTE = (CONTRACTS / "cassettes" / "videos-generations.yaml").read_text(encoding="utf-8")
# a generous bound for one hostile file on a loaded machine; a bomb that expands runs forever
SECONDS = 10.0

ERRORS_HEAD = 'foxcontract: 1\nkind: errors\nname: errors\nversion: "1"\n'
ERRORS_TAIL = "errors:\n  x: {status: 400, type: x}\n"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Any connection attempt is recorded and fails at once."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"the network was reached: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture
def timed() -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"


def validate(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = cli.main(["validate", *map(str, paths)])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def errors_file(folder: Path, body: str, name: str = "errors.yaml", after: str = "") -> Path:
    """``folder/name``: an errors file with ``body`` between its head and its one error kind,
    and ``after`` at its end."""
    path = folder / name
    path.write_text(ERRORS_HEAD + body + ERRORS_TAIL + after, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def with_response_schema(schema: str) -> str:
    """The shipped contract with ``schema`` as its 200 response schema (and without the
    provenance of the parts of the shipped schema it replaces)."""
    at = SHIPPED.index('  "200":\n    schema:\n')
    end = SHIPPED.index("    volatile:", at)
    rest = "".join(
        line
        for line in SHIPPED[end:].splitlines(keepends=True)
        if not line.startswith("      schema.properties.")
    )
    return SHIPPED[:at] + f'  "200":\n    schema: {schema}\n' + rest


def laughs(levels: int, width: int = 10) -> str:
    """A "billion laughs" bomb: each level is ``width`` aliases of the one before."""
    lines = ["bomb:", f"  a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# --- the YAML itself ------------------------------------------------------------------------

ALIAS_BOMB = (
    "aliases expand to more than 10,000 values (an alias bomb?); a contract file may not "
    "repeat that much through aliases: write the values out"
)


@pytest.mark.parametrize("levels", [9, 6], ids=["billion-laughs", "million-leaves"])
def test_an_alias_bomb_is_refused_at_once_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], timed: None, levels: int
) -> None:
    path = errors_file(tmp_path, "schema: {}\n", "bomb.yaml", after=laughs(levels))
    code, out = validate(capsys, path)
    # a0 is 11 values, a1 adds 110, a2 1,110, a3 11,110: the bound is passed on a3's line
    assert out == f"{path}:{line_of(path, 'a3:')}: {ALIAS_BOMB}\n"
    assert code == 1


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = tmp_path / "videos-generations.yaml"
    text = SHIPPED.replace("enum: [720p, 1080p, 4k]", "enum: &resolutions [720p, 1080p, 4k]")
    path.write_text(
        text.replace("{resolution: {in: [720p, 1080p]}}", "{resolution: {in: *resolutions}}")
    )
    contract = load_contract(path)
    assert contract.rule("lite-no-4k").then.values == ("720p", "1080p", "4k")


@pytest.mark.parametrize(
    "schema",
    ["schema: &s {not: *s}\n", "docs: &s x\nschema: &s {not: *s}\n"],
    ids=["once", "again"],
)
def test_an_alias_inside_the_node_it_names_is_refused(tmp_path: Path, schema: str) -> None:
    path = errors_file(tmp_path, schema, "loop.yaml")
    with pytest.raises(ContractError) as info:
        load_contract(path)
    assert str(info.value) == (
        f"{path}:{line_of(path, 'schema:')}: alias *s is inside the node it names (a structure "
        "that never ends); "
        "write the value out"
    )


@pytest.mark.parametrize(
    "nest",
    ["[" * 250 + "]" * 250, "\n" + "  - " * 1 + "- " * 250 + "x"],
    ids=["flow", "block"],
)
def test_deep_nesting_is_an_error_not_a_recursion_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], timed: None, nest: str
) -> None:
    path = errors_file(tmp_path, "schema: " + nest + "\n", "deep.yaml")
    assert path.stat().st_size < 700
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:{line_of(path, '[[[') if '[' in nest else 6}: nested more than 64 levels deep; "
        "a contract file may not nest deeper\n"
    )
    assert code == 1


def test_an_integer_past_pythons_digit_limit_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], timed: None
) -> None:
    path = tmp_path / "errors.yaml"
    path.write_text(ERRORS_HEAD.replace('version: "1"', "version: " + "9" * 5000) + ERRORS_TAIL)
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:4: an integer of 5,000 digits is longer than the 4,300 digits allowed; "
        "quote it if it is meant as a string\n"
    )
    assert code == 1


def test_a_hex_integer_past_the_digit_limit_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "errors.yaml"
    path.write_text(ERRORS_HEAD.replace('version: "1"', "version: 0x" + "f" * 4000) + ERRORS_TAIL)
    with pytest.raises(ContractError) as info:
        load_contract(path)
    assert str(info.value) == (
        f"{path}:4: an integer of 4,817 digits is longer than the 4,300 digits allowed; "
        "quote it if it is meant as a string"
    )


def test_a_duplicate_key_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = errors_file(tmp_path, "schema: {}\nschema: {type: object}\n")
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:6: not valid YAML: while constructing a mapping found duplicate key "
        '"schema" with value "{\'type\': \'object\'}" (original value: "{}")\n'
    )
    assert code == 1


@pytest.mark.parametrize(
    ("raw", "line", "byte", "column"),
    [
        (ERRORS_HEAD.encode() + b"docs: caf\xe9\n", 5, 0xE9, 10),
        (ERRORS_HEAD.encode("utf-16"), 1, 0xFF, 1),
    ],
    ids=["latin-1", "utf-16"],
)
def test_a_file_that_is_not_utf8_names_the_line_of_the_byte(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    raw: bytes,
    line: int,
    byte: int,
    column: int,
) -> None:
    path = tmp_path / "errors.yaml"
    path.write_bytes(raw)
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:{line}: the contract file is not UTF-8 text: byte 0x{byte:02x} at column "
        f"{column} cannot be decoded; save the file as UTF-8\n"
    )
    assert code == 1


def test_a_control_character_is_named_with_its_line(tmp_path: Path) -> None:
    path = errors_file(tmp_path, "docs: a\x00b\n")
    with pytest.raises(ContractError) as info:
        load_contract(path)
    assert str(info.value) == f"{path}:5: not valid YAML: character #x0000 is not allowed"


def test_a_huge_contract_is_refused_before_it_is_parsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.yaml"
    rule = "  - {id: r%d, when: {model: x}, then: {resolution: {in: [720p]}}}\n"
    path.write_text(SHIPPED + "".join(rule % i for i in range(80_000)))  # about 5 MB
    assert path.stat().st_size > 5_000_000
    start = time.perf_counter()
    code, out = validate(capsys, path)
    assert time.perf_counter() - start < 1.0
    assert out == (
        f"{path}:1: the contract file is larger than 500,000 bytes, the most foxcontract "
        "reads; split it or shorten it\n"
    )
    assert code == 1


def test_validate_reports_every_file_whatever_the_others_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], timed: None
) -> None:
    bomb = errors_file(tmp_path, "schema: {}\n", "a.yaml", after=laughs(9))
    deep = errors_file(tmp_path, "schema: " + "[" * 250 + "]" * 250 + "\n", "b.yaml")
    big = errors_file(tmp_path, "schema: {maximum: " + "1" * 4301 + "}\n", "c.yaml")
    good = errors_file(tmp_path, "schema: {type: object}\n", "d.yaml")
    code, out = validate(capsys, bomb, deep, big, good)
    assert out.splitlines() == [
        f"{bomb}:{line_of(bomb, 'a3:')}: {ALIAS_BOMB}",
        f"{deep}:5: nested more than 64 levels deep; a contract file may not nest deeper",
        f"{big}:5: an integer of 4,301 digits is longer than the 4,300 digits allowed; "
        "quote it if it is meant as a string",
        f"{good}: ok (errors file, 1 error kinds)",
    ]
    assert code == 1


def test_collection_reports_the_bad_file_and_collects_the_others(pytester: pytest.Pytester) -> None:
    for name in ("videos-generations.yaml", "errors.yaml"):
        shutil.copy(CONTRACTS / name, pytester.path / name)
    bomb = errors_file(pytester.path, "schema: {}\n", "bomb.yaml", after=laughs(9))
    errors_file(pytester.path, "schema: " + "[" * 250 + "]" * 250 + "\n", "deep.yaml")
    result = pytester.runpytest("--co", "-q", ".")
    result.stdout.fnmatch_lines(
        [
            "videos-generations.yaml::lite-no-4k[accepted]",
            f"bomb.yaml:{line_of(bomb, 'a3:')}: {ALIAS_BOMB}",
            "deep.yaml:5: nested more than 64 levels deep; a contract file may not nest deeper",
            "*2 errors*",
        ],
        consecutive=False,
    )
    assert "Traceback" not in result.stdout.str()
    assert "RecursionError" not in result.stdout.str()


# --- $ref: only within the contract set ----------------------------------------------------

NOT_ALLOWED = (
    "is not allowed: a contract may refer only to its own parts (#/...) or to files under its "
    "folder, never to a URL or an absolute path"
)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("https://example.com/s.json", f"$ref 'https://example.com/s.json' {NOT_ALLOWED}"),
        ("http://127.0.0.1:9/s.json", f"$ref 'http://127.0.0.1:9/s.json' {NOT_ALLOWED}"),
        ("file:///etc/passwd", f"$ref 'file:///etc/passwd' {NOT_ALLOWED}"),
        ("/etc/passwd", f"$ref '/etc/passwd' {NOT_ALLOWED}"),
        ("urn:x:y", f"$ref 'urn:x:y' {NOT_ALLOWED}"),
        (
            "../outside.yaml",
            "$ref '../outside.yaml' is not allowed: it leaves the contract's folder ({folder})",
        ),
        (
            "sub/../../outside.yaml",
            "$ref 'sub/../../outside.yaml' is not allowed: it leaves "
            "the contract's folder ({folder})",
        ),
        (
            "link.yaml",
            "$ref 'link.yaml' is not allowed: it leaves the contract's folder ({folder})",
        ),
        ("#msg", "$ref '#msg': only JSON pointers (#/...) are supported after '#', not anchors"),
        (
            "#/$defs/mesage",
            "$ref '#/$defs/mesage' points at nothing: no 'mesage' there (did you mean 'message'?)",
        ),
        ("missing.yaml", "$ref 'missing.yaml': no such file {folder}/missing.yaml"),
        (
            "#/properties/error",
            "$ref '#/properties/error' leads back to itself (a recursive "
            "schema); foxcontract needs schemas of bounded depth: write the recursion out to the "
            "depth needed",
        ),
    ],
)
def test_a_ref_outside_the_contract_set_is_a_contract_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str, message: str
) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (tmp_path / "outside.yaml").write_text("type: string\n")
    (folder / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    path = errors_file(
        folder,
        "schema:\n  type: object\n  $defs:\n    message: {type: string}\n"
        f"  properties:\n    error: {{$ref: '{ref}'}}\n",
    )
    code, out = validate(capsys, path)
    assert out == f"{path}:10: {message.format(folder=folder.resolve())}\n"
    assert code == 1


@pytest.mark.parametrize("keyword", ["$id", "$dynamicRef", "$anchor"])
def test_keywords_that_change_how_refs_resolve_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keyword: str
) -> None:
    path = errors_file(tmp_path, f"schema:\n  type: object\n  {keyword}: https://e.example/\n")
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:7: {keyword} is not supported in a contract; use $ref with a JSON pointer "
        "(#/...) or a file under the contract's folder\n"
    )
    assert code == 1


def test_refs_are_resolved_into_the_model(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "error.yaml").write_text(
        "error:\n  type: object\n  required: [message]\n"
        "  properties:\n    message: {$ref: '#/text'}\ntext: {type: string, minLength: 1}\n"
    )
    shutil.copy(CONTRACTS / "tasks-get.yaml", tmp_path)
    errors = (CONTRACTS / "errors.yaml").read_text()
    old = errors[errors.index("schema:\n") : errors.index("errors:\n")]
    (tmp_path / "errors.yaml").write_text(
        errors.replace(
            old,
            "schema:\n  type: object\n  required: [error]\n  $defs:\n    body:\n"
            "      $ref: schemas/error.yaml#/error\n  properties:\n"
            "    error: {$ref: '#/$defs/body'}\n",
        )
    )
    contract = load_contract(tmp_path / "tasks-get.yaml")
    assert contract.error_schema["properties"]["error"] == {
        "type": "object",
        "required": ["message"],
        "properties": {"message": {"type": "string", "minLength": 1}},
    }
    assert "$ref" not in repr(contract.error_schema)


def test_a_ref_bomb_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], timed: None
) -> None:
    defs = "".join(
        f"    a{i}: {{allOf: [{{$ref: '#/$defs/a{i - 1}'}}, {{$ref: '#/$defs/a{i - 1}'}}]}}\n"
        for i in range(1, 30)
    )
    path = errors_file(
        tmp_path,
        f"schema:\n  $ref: '#/$defs/a29'\n  $defs:\n    a0: {{type: object}}\n{defs}",
    )
    code, out = validate(capsys, path)
    # a29 would hold 2**29 copies of a0; expanded depth first, the bound is passed at a $ref
    # of a4 (long before the first copy of a29 is complete)
    assert out == (
        f"{path}:{line_of(path, 'a4:')}: $ref values expand to more than 10,000 schema "
        "values; a contract may not repeat that much through $ref\n"
    )
    assert code == 1


@pytest.mark.parametrize(
    "ref", ["https://example.com/s.json", "http://127.0.0.1:9/s.json", "file:///etc/passwd"]
)
def test_validators_never_fetch_a_ref(ref: str, no_network: list[Any]) -> None:
    validator = validator_of({"properties": {"a": {"$ref": ref}}})
    with pytest.raises(Exception, match="Unresolvable"):
        validator.is_valid({"a": 1})
    assert no_network == []


def test_replay_of_a_contract_with_refs_reaches_no_network(pytester: pytest.Pytester) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", pytester.path)
    (pytester.path / "cassettes").mkdir()
    shutil.copy(CONTRACTS / "cassettes" / "tasks-get.yaml", pytester.path / "cassettes")
    shutil.copytree(
        CONTRACTS / "cassettes" / "__snapshots__", pytester.path / "cassettes" / "__snapshots__"
    )
    (pytester.path / "states.yaml").write_text(
        "status: {enum: [pending, processing, completed, failed]}\n"
    )
    shipped = (CONTRACTS / "tasks-get.yaml").read_text()
    old = "        status: {enum: [pending, processing, completed, failed]}\n"
    assert shipped.count(old) == 1
    path = pytester.path / "tasks-get.yaml"
    path.write_text(shipped.replace(old, "        status: {$ref: 'states.yaml#/status'}\n"))
    schema = load_contract(path).responses["200"].schema
    assert schema["properties"]["status"] == {
        "enum": ["pending", "processing", "completed", "failed"]
    }
    result = pytester.runpytest("-q", ".")
    assert result.ret == 0, result.stdout.str()
    assert result.parseoutcomes() == {"passed": 7}


# --- fields no value satisfies -------------------------------------------------------------

FIELD_CASES = [
    (
        "        minimum: 1\n",
        "        minimum: .inf\n",
        "minimum: .inf",
        "minimum of 'safety_tolerance' must be a finite number up to 1e308, not inf",
    ),
    (
        "        maximum: 6\n",
        "        maximum: .nan\n",
        "maximum: .nan",
        "maximum of 'safety_tolerance' must be a finite number up to 1e308, not nan",
    ),
    (
        "        minimum: 1\n",
        "        minimum: " + "9" * 400 + "\n",
        "minimum: 999",
        "minimum of 'safety_tolerance' must be a finite number up to 1e308, not an integer of "
        "400 digits",
    ),
    (
        "        minimum: 1\n",
        "        minimum: 7\n",
        "safety_tolerance:",
        "no value of 'safety_tolerance' can be valid: no integer lies between 7 and 6",
    ),
    (
        "        minimum: 1\n        maximum: 6\n",
        "        minimum: 1.5\n        maximum: 1.7\n",
        "safety_tolerance:",
        "no value of 'safety_tolerance' can be valid: no integer lies between 1.5 and 1.7",
    ),
    (
        "        minLength: 1\n",
        "        minLength: 2\n        maxLength: 1\n",
        "      prompt:",
        "no value of 'prompt' can be valid: minLength 2 is above maxLength 1",
    ),
    (
        "        default: 8\n",
        "        default: 8\n        minimum: 5\n",
        "enum: [4, 6, 8]",
        "enum value 4 of 'duration' breaks the field's own schema: 4 is less than the minimum of 5",
    ),
    (
        "        default: 1080p\n",
        "        default: 1080p\n        pattern: '^x'\n",
        "default: 1080p",
        "default value '1080p' of 'resolution' breaks the field's own schema: '1080p' does not "
        "match '^x'",
    ),
    (
        '      seed:\n        type: [integer, "null"]\n',
        '      seed:\n        type: [object, "null"]\n',
        "type: [object",
        "foxcontract cannot make values for 'seed' of type object or null: give it an enum or a "
        "const (values are made for string, integer, number, boolean, and arrays of them)",
    ),
    (
        '      seed:\n        type: [integer, "null"]\n',
        '      seed:\n        type: [integer, "null"]\n        enum: [null]\n',
        "enum: [null]",
        "foxcontract cannot make values for 'seed': its enum holds only null",
    ),
]


@pytest.mark.parametrize(("old", "new", "needle", "message"), FIELD_CASES)
def test_a_field_no_value_satisfies_is_refused_by_validate(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    needle: str,
    message: str,
) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = tmp_path / "videos-generations.yaml"
    text = SHIPPED
    start = text.index("      safety_tolerance:") if "minimum" in old or "maximum" in old else 0
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :])
    code, out = validate(capsys, path)
    lines = [line for line in out.splitlines() if message in line]
    assert lines, out
    assert lines[0] == f"{path}:{line_of(path, needle)}: {message}"
    assert code == 1


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            "{type: nonsense}",
            "responses.200.schema.type: 'nonsense' is not valid under any of the given schemas",
        ),
        (
            "{type: string, pattern: '('}",
            "responses.200.schema.pattern: '(' is not a valid "
            "regular expression: missing ), unterminated subpattern at position 0",
        ),
        ("{oneOf: []}", "responses.200.schema.oneOf: [] should be non-empty"),
        (
            "{type: number, multipleOf: 0}",
            "responses.200.schema.multipleOf: 0 is less than or equal to the minimum of 0",
        ),
    ],
)
def test_a_response_schema_that_is_not_json_schema_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], schema: str, message: str
) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = tmp_path / "videos-generations.yaml"
    path.write_text(with_response_schema(schema))
    code, out = validate(capsys, path)
    assert out == f"{path}:{line_of(path, '    schema: {')}: {message}\n"
    assert code == 1


# --- cassettes -----------------------------------------------------------------------------


def cassette_error(path: Path) -> str:
    start = time.perf_counter()
    with pytest.raises(CassetteError) as info:
        load_cassette(path)
    assert time.perf_counter() - start < SECONDS
    return str(info.value)


def test_a_cassette_cut_to_its_header_is_an_error_not_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "videos-generations.yaml"
    path.write_text(HEADER)
    assert is_cassette(path)
    assert cassette_error(path) == f"{path}:1: the cassette file is empty"


@pytest.mark.parametrize(
    ("cut_after", "message"),
    [
        ("  - name: ", "interaction 1: missing field 'request'"),
        ("    respo", "not valid YAML: while scanning a simple key could not find expected ':'"),
    ],
    ids=["after-a-name", "inside-a-key"],
)
def test_a_cassette_cut_short_is_an_error(tmp_path: Path, cut_after: str, message: str) -> None:
    path = tmp_path / "videos-generations.yaml"
    at = CASSETTE.index(cut_after) + len(cut_after)
    at = CASSETTE.index("\n", at) + 1 if cut_after.endswith(": ") else at
    path.write_text(CASSETTE[:at])
    assert is_cassette(path)
    line = path.read_text().count("\n", 0, path.read_text().rindex(cut_after)) + 1
    assert cassette_error(path).splitlines()[0] == f"{path}:{line}: {message}"


def test_a_cassette_with_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "videos-generations.yaml"
    path.write_text(
        CASSETTE.replace("      status: 200\n", "      status: 200\n      status: 500\n", 1)
    )
    assert cassette_error(path) == (
        f"{path}:{line_of(path, 'status: 500')}: not valid YAML: while constructing a mapping "
        'found duplicate key "status" with value "500" (original value: "200")'
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "[" * 250 + "]" * 250,
            "nested more than 64 levels deep; a cassette file may not nest deeper",
        ),
        (
            "1" * 5000,
            "an integer of 5,000 digits is longer than the 4,300 digits allowed; quote "
            "it if it is meant as a string",
        ),
    ],
    ids=["deep", "long-integer"],
)
def test_a_hostile_cassette_body_is_an_error_at_its_line(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "videos-generations.yaml"
    first = CASSETTE.index("      body:\n", CASSETTE.index("    response:"))
    end = (
        CASSETTE.index("  - name:", first + 1) if "  - name:" in CASSETTE[first:] else len(CASSETTE)
    )
    path.write_text(CASSETTE[:first] + f"      body: {body}\n" + CASSETTE[end:])
    assert cassette_error(path) == f"{path}:{line_of(path, '      body: ')}: {message}"


def test_an_alias_bomb_in_a_cassette_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "videos-generations.yaml"
    bomb = (
        laughs(9)
        .replace("bomb:\n", "")
        .replace("\n  ", "\n        ")
        .replace("  a0", "        a0", 1)
    )
    at = CASSETTE.index("      body:\n", CASSETTE.index("    response:"))
    path.write_text(CASSETTE[:at] + "      body:\n" + bomb + CASSETTE[at + len("      body:\n") :])
    assert cassette_error(path) == (
        f"{path}:{line_of(path, 'a3:')}: aliases expand to more than 10,000 values (an alias "
        "bomb?); a cassette file may not repeat that much through aliases: write the values out"
    )


def test_a_cassette_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "videos-generations.yaml"
    path.write_bytes(CASSETTE.encode().replace(b"The documented", b"The docum\xe9nted", 1))
    line = next(i for i, raw in enumerate(path.read_bytes().splitlines(), 1) if b"\xe9" in raw)
    assert cassette_error(path).startswith(
        f"{path}:{line}: the cassette file is not UTF-8 text: byte 0xe9 at column "
    )


def test_a_huge_cassette_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "videos-generations.yaml"
    path.write_text(CASSETTE + "#" * 8_000_001)
    start = time.perf_counter()
    assert cassette_error(path) == (
        f"{path}:1: the cassette file is larger than 8,000,000 bytes, the most foxcontract "
        "reads; split it or shorten it"
    )
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("schema", "outcome", "line"),
    [
        ("true", "passed", None),
        (
            "false",
            "failed",
            "videos-generations.yaml:{line}: no case could be generated for response[200]: "
            "Cannot generate test cases from empty strategy: nothing() (arg 0)",
        ),
        (
            "{type: integer, minimum: 5, maximum: 1}",
            "failed",
            "videos-generations.yaml:{line}: no case could be generated for response[200]: "
            "Cannot have max_value=1 < min_value=5",
        ),
        (
            "{enum: []}",
            "failed",
            "videos-generations.yaml:{line}: no case could be generated for response[200]: "
            "Cannot sample from a length-zero sequence.",
        ),
    ],
    ids=["true", "false", "empty-range", "empty-enum"],
)
def test_a_response_schema_no_body_satisfies_fails_without_a_traceback(
    pytester: pytest.Pytester, schema: str, outcome: str, line: str | None
) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", pytester.path)
    path = pytester.path / "videos-generations.yaml"
    path.write_text(with_response_schema(schema))
    result = pytester.runpytest("-q", "videos-generations.yaml::response[200]")
    result.assert_outcomes(**{outcome: 1})
    if line is not None:
        assert line.format(line=line_of(path, '  "200":')) in result.stdout.lines
    assert "Traceback" not in result.stdout.str()
    assert "TypeError" not in result.stdout.str()


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "        minLength: 1\n",
            "        minLength: 1000000000\n",
            "minLength: 1000000000",
            "minLength 1,000,000,000 of 'prompt' is more than foxcontract can make values of "
            "(at most 1,000); give the field an enum, or a smaller minLength",
        ),
        (
            "        pattern: '\\S'\n",
            "        pattern: '^a{99999}$'\n",
            "a{99999}",
            "pattern of 'prompt' repeats 99,999 times, more than foxcontract can make strings "
            "of (at most 1,000)",
        ),
    ],
    ids=["minLength", "pattern-repeat"],
)
def test_a_field_too_large_to_make_values_of_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    needle: str,
    message: str,
) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = tmp_path / "videos-generations.yaml"
    assert SHIPPED.count(old) == 1
    path.write_text(SHIPPED.replace(old, new))
    code, out = validate(capsys, path)
    assert out == f"{path}:{line_of(path, needle)}: {message}\n"
    assert code == 1


@pytest.mark.parametrize(
    ("errors", "reason"),
    [
        ("/etc/passwd", NOT_ALLOWED.removeprefix("is not allowed: ")),
        ("https://example.com/errors.yaml", NOT_ALLOWED.removeprefix("is not allowed: ")),
        ("../errors.yaml", "it leaves the contract's folder ({folder})"),
    ],
)
def test_the_errors_file_must_be_under_the_contracts_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], errors: str, reason: str
) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = folder / "videos-generations.yaml"
    path.write_text(SHIPPED.replace("errors: errors.yaml", f"errors: '{errors}'"))
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:{line_of(path, 'errors: ')}: errors file {errors!r} is not allowed: "
        f"{reason.format(folder=folder.resolve())}\n"
    )
    assert code == 1


def test_a_huge_contract_in_the_tree_is_a_collection_error(pytester: pytest.Pytester) -> None:
    rule = "  - {id: r%d, when: {model: x}, then: {resolution: {in: [720p]}}}\n"
    (pytester.path / "huge.yaml").write_text(SHIPPED + "".join(rule % i for i in range(80_000)))
    start = time.perf_counter()
    result = pytester.runpytest("--co", "-q", ".")
    assert time.perf_counter() - start < SECONDS
    result.stdout.fnmatch_lines(
        [
            "huge.yaml:1: the contract file is larger than 500,000 bytes, the most foxcontract "
            "reads; split it or shorten it",
            "*1 error*",
        ]
    )


@pytest.mark.parametrize("pattern", ["^(a+)+$", "(?:\\d*)*", "^((ab)+)+$"])
def test_a_field_pattern_that_can_take_exponential_time_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pattern: str
) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = tmp_path / "videos-generations.yaml"
    path.write_text(SHIPPED.replace("        pattern: '\\S'\n", f"        pattern: '{pattern}'\n"))
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:{line_of(path, pattern)}: request.body.properties.prompt.pattern: "
        f"{pattern!r} repeats a repetition (as in (a+)+), which can take exponential time to "
        "match; repeat once (a+)\n"
    )
    assert code == 1


@pytest.mark.parametrize("pattern", ["^(\\d+,)+$", "^(x{2})+$", "^a+b+$"])
def test_a_pattern_with_one_way_to_match_is_fine(tmp_path: Path, pattern: str) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = tmp_path / "videos-generations.yaml"
    path.write_text(SHIPPED.replace("        pattern: '\\S'\n", f"        pattern: '{pattern}'\n"))
    assert load_contract(path).field("prompt").schema["pattern"] == pattern


def test_a_response_pattern_that_can_take_exponential_time_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(CONTRACTS / "errors.yaml", tmp_path)
    path = tmp_path / "videos-generations.yaml"
    old = "        id: {type: string, minLength: 1}\n"
    assert SHIPPED.count(old) == 1
    path.write_text(SHIPPED.replace(old, "        id: {type: string, pattern: '^(\\w+)*$'}\n"))
    code, out = validate(capsys, path)
    assert out == (
        f"{path}:{line_of(path, 'id: {type: string, pattern')}: "
        "responses.200.schema.properties.id.pattern: '^(\\\\w+)*$' repeats a repetition (as in "
        "(a+)+), which can take exponential time to match; repeat once (a+)\n"
    )
    assert code == 1
