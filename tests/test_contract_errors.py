"""A bad contract file is a ``ContractError`` reading ``file:line: message``, exactly.

Each test edits a copy of the shipped contracts in ``tmp_path`` and asserts the whole text a
user sees. The line is found in the edited file by its text, so the tests state which line
the message points at without hard-coding the shipped file's line numbers.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
from helpers.shipped import CONTRACTS, SHIPPED, edited, error_of, line_of, write

from foxcontract import ContractError, load_contract
from foxcontract.contract import load_contracts

KINDS = (
    "malformed_request, authentication, insufficient_quota, not_found, validation, "
    "unsupported_advanced_options, rate_limit, server, unavailable"
)
FIELDS = (
    "model, prompt, image_url, first_image_url, last_image_url, reference_image_urls, "
    "video_url, aspect_ratio, duration, resolution, generate_audio, auto_fix, "
    "safety_tolerance, enhance_prompt, person_generation, reference_type, negative_prompt, seed"
)


def test_the_shipped_contract_loads(tmp_path: Path) -> None:
    contract = load_contract(write(tmp_path, SHIPPED))
    assert contract.name == "videos-generations"
    assert [c.name for c in load_contracts(sorted(CONTRACTS.glob("*.yaml")))] == [
        "tasks-get",
        "videos-generations",
    ]


def test_bad_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, edited("  method: POST", "  method: [POST"))
    assert error_of(path) == (
        f"{path}:{line_of(path, '  path: /v1/videos')}: not valid YAML: while parsing a flow "
        "sequence expected ',' or ']', but got ':'"
    )


def test_tab_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, "foxcontract: 1\nkind:\n\tendpoint\n")
    assert error_of(path) == (
        f"{path}:3: not valid YAML: while scanning for the next token found character '\\t' "
        "that cannot start any token"
    )


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert error_of(path) == (
        f"{path}:1: the contract file is empty; it needs at least foxcontract, kind, name, version"
    )


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "a list"), ("hello\n", "a string"), ("3\n", "a number")]
)
def test_not_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}:1: a contract file must be a YAML mapping of keys, not {kind}"


def test_unknown_top_level_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, edited("\nrules:", "\nrulez:"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'rulez:')}: unknown key 'rulez' in the top level (did you mean "
        "'rules'?); allowed keys: cost, docs, errors, examples, foxcontract, kind, lifecycle, "
        "name, request, responses, rules, settings, sources, task, version"
    )


def test_misspelt_field_keyword_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, edited("        minimum: 1", "        minimun: 1"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'minimun: 1')}: unknown key 'minimun' in "
        "request.body.properties.safety_tolerance (did you mean 'minimum'?); allowed keys: "
        "const, default, description, enum, examples, exclusiveMaximum, exclusiveMinimum, "
        "family_names, family_values, format, items, maxItems, maxLength, maximum, minItems, "
        "minLength, minimum, pattern, provenance, title, type"
    )


def test_misspelt_json_type_suggests_the_right_one(tmp_path: Path) -> None:
    text = edited("        type: boolean\n        default: false", "        type: bool\n")
    path = write(tmp_path, text)
    assert error_of(path) == (
        f"{path}:{line_of(path, 'type: bool')}: request.body.properties.generate_audio.type: "
        "'bool' is not one of ['string', 'integer', 'number', 'boolean', 'null', 'array', "
        "'object'] (did you mean 'boolean'?)"
    )


def test_missing_top_level_key(tmp_path: Path) -> None:
    path = write(tmp_path, edited("name: videos-generations\n", ""))
    assert error_of(path) == f"{path}:1: the top level: missing required key 'name'"
    path = write(tmp_path, edited("    then: {resolution: {in: [720p, 1080p]}}\n", ""))
    assert error_of(path) == (
        f"{path}:{line_of(path, '- id: lite-no-4k')}: rules.0: missing required key 'then'"
    )
    path = write(tmp_path, "foxcontract: 1\nkind: endpoint\n")
    assert error_of(path) == "\n".join(
        f"{path}:1: the top level: missing required key {key!r}"
        for key in ("errors", "name", "request", "responses", "version")
    )


def test_invalid_pattern(tmp_path: Path) -> None:
    path = write(tmp_path, edited("pattern: '\\S'", "pattern: '[a'"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'pattern: ')}: request.body.properties.prompt.pattern: '[a' is "
        "not a valid regular expression: unterminated character set at position 0"
    )


def test_rule_naming_an_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path, edited("then: {resolution: {in:", "then: {resolutoin: {in:"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'resolutoin')}: rule names unknown field 'resolutoin' (did you "
        f"mean 'resolution'?); fields: {FIELDS}"
    )


def test_rule_condition_value_outside_the_fields_enum(tmp_path: Path) -> None:
    path = write(tmp_path, edited("resolution: 1080p}", "resolution: 1080P}"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'resolution: 1080P}')}: rule value '1080P' is not an allowed "
        "'resolution' (did you mean '1080p'?); allowed: ['720p', '1080p', '4k']"
    )


def test_rule_condition_of_an_unknown_shape(tmp_path: Path) -> None:
    path = write(
        tmp_path, edited("then: {enhance_prompt: absent}", "then: {enhance_prompt: {among: [1]}}")
    )
    assert error_of(path) == (
        f"{path}:{line_of(path, 'among')}: unknown key 'among' in rules.3.then.enhance_prompt; "
        "allowed keys: in, not_in"
    )
    path = write(
        tmp_path, edited("then: {resolution: {in: [720p, 1080p]}}", "then: {resolution: [720p]}")
    )
    assert error_of(path) == (
        f"{path}:{line_of(path, 'then: {resolution: [720p]}')}: rules.0.then.resolution: "
        "['720p'] is not valid here; expected a condition: a value, absent, present, "
        "{in: [...]} or {not_in: [...]}"
    )


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    path = write(tmp_path, edited("  - id: lite-1080p-8s-only", "  - id: lite-no-4k"))
    first, second = line_of(path, "id: lite-no-4k"), line_of(path, "id: lite-no-4k", 2)
    assert error_of(path) == (
        f"{path}:{second}: duplicate rule id 'lite-no-4k' (first defined at line {first})"
    )


def test_rule_id_taken_by_a_field_rule(tmp_path: Path) -> None:
    path = write(tmp_path, edited("  - id: lite-no-4k", "  - id: resolution.enum"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'id: resolution.enum')}: rule id 'resolution.enum' is taken by "
        "a field rule; choose another id"
    )


def test_default_outside_its_enum(tmp_path: Path) -> None:
    path = write(tmp_path, edited("        default: 1080p", "        default: 1080P"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'default: 1080P')}: default '1080P' of 'resolution' is not in "
        "its enum ['720p', '1080p', '4k'] (did you mean '1080p'?)"
    )


def test_unknown_error_kind_in_expect(tmp_path: Path) -> None:
    text = edited(
        "    expect: validation\n  - id: lite-1080p", "    expect: validaton\n  - id: lite-1080p"
    )
    path = write(tmp_path, text)
    assert error_of(path) == (
        f"{path}:{line_of(path, 'expect: validaton')}: unknown error kind 'validaton' (did you "
        f"mean 'validation'?); the errors file defines: {KINDS}"
    )


def test_required_entry_that_is_not_a_property(tmp_path: Path) -> None:
    text = edited(
        "required: [model, prompt]",
        "required:\n      - model\n      - promt",
    )
    path = write(tmp_path, text)
    assert error_of(path).splitlines() == [
        f"{path}:{line_of(path, '- promt')}: required field 'promt' is not a property (did you "
        "mean 'prompt'?)",
        # prompt, no longer required, is then in no variant's fields either
        f"{path}:{line_of(path, '      prompt:')}: field 'prompt' is a field of no variant, so "
        "no body may send it; add it to the fields of the variants that take it",
    ]


def test_a_required_rule_points_at_its_list_item(tmp_path: Path) -> None:
    text = edited(
        "required: [model, prompt]",
        "required:\n      - model\n      - prompt",
    )
    path = write(tmp_path, text)
    contract = load_contract(path)
    assert contract.rule("model.required").line == line_of(path, "- model")
    # a variant's required field: the line of its entry in the variant's list
    assert contract.rule("image_url.required").line == line_of(path, "required: [image_url]")
    assert contract.rule("video_url.required").line == line_of(path, "required: [video_url]")
    assert contract.rule("lite-no-4k").line == line_of(path, "- id: lite-no-4k")
    assert contract.rule("duration.enum").line == line_of(path, "enum: [4, 6, 8]")


def test_missing_errors_file(tmp_path: Path) -> None:
    path = write(tmp_path, SHIPPED, errors_file=False)
    assert error_of(path) == (
        f"{path}:{line_of(path, 'errors: errors.yaml')}: errors file 'errors.yaml' not found "
        f"next to this contract ({tmp_path / 'errors.yaml'})"
    )


def test_errors_file_of_the_wrong_kind(tmp_path: Path) -> None:
    path = write(tmp_path, edited("errors: errors.yaml", "errors: videos-generations.yaml"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'errors: videos-')}: 'videos-generations.yaml' is not an "
        "errors file: its kind is 'endpoint', not 'errors'"
    )


def test_missing_contract_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    assert error_of(path) == f"{path}:1: contract file not found"


def test_every_problem_is_reported_sorted_by_line(tmp_path: Path) -> None:
    text = edited("        default: 1080p", "        default: 1080P")
    text = edited(
        "    expect: validation\n  - id: lite-1080p",
        "    expect: validaton\n  - id: lite-1080p",
        text,
    )
    path = write(tmp_path, text)
    with pytest.raises(ContractError) as info:
        load_contract(path)
    assert [p.line for p in info.value.problems] == [
        line_of(path, "default: 1080P"),
        line_of(path, "expect: validaton"),
    ]


def test_a_bad_errors_file_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, SHIPPED)
    errors = tmp_path / "errors.yaml"
    errors.write_text(
        errors.read_text().replace("    retryable: true\n", "    retriable: true\n", 1)
    )
    assert error_of(path) == (
        f"{errors}:{line_of(errors, 'retriable')}: unknown key 'retriable' in "
        "errors.rate_limit (did you mean 'retryable'?); allowed keys: cause, code, provenance, "
        "retryable, status, type"
    )


def test_a_lifecycle_state_without_transitions(tmp_path: Path) -> None:
    tasks = (CONTRACTS / "tasks-get.yaml").read_text(encoding="utf-8")
    text = edited("  terminal: [completed, failed]", "  terminal: [complete, failed]", tasks)
    path = write(tmp_path, text)
    assert error_of(path) == (
        f"{path}:{line_of(path, 'terminal: [complete,')}: lifecycle state 'complete' has no "
        "transitions entry (did you mean 'completed'?)"
    )


# --- the body's variants: chosen by a discriminator -------------------------------------
STANDARD_VALUES = (
    "values: [veo-3.1-image-to-video, veo-3.1-fast-image-to-video, veo-3.1-lite-image-to-video]"
)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "    discriminator: model\n",
            "    discriminator: modle\n",
            "discriminator: modle",
            "discriminator 'modle' is not a property (did you mean 'model'?)",
        ),
        (
            "    discriminator: model\n",
            "",
            "    variants:",
            "variants need a discriminator: the field whose value chooses the variant "
            "(discriminator: model)",
        ),
        (
            STANDARD_VALUES,
            STANDARD_VALUES.replace("lite-image", "Lite-image"),
            STANDARD_VALUES.replace("lite-image", "Lite-image"),
            "variant 'image-to-video': 'veo-3.1-Lite-image-to-video' is not an allowed 'model' "
            "(did you mean 'veo-3.1-lite-image-to-video'?); allowed: *",
        ),
        (
            "values: [veo-3.1-extend, veo-3.1-extend-fast]",
            "values: [veo-3.1-extend, veo-3.1-extend-fast, veo-3.1-image-to-video]",
            "values: [veo-3.1-extend, veo-3.1-extend-fast, veo-3.1-image-to-video]",
            "variant 'extend': 'veo-3.1-image-to-video' already chooses variant "
            "'image-to-video' (line *); a value chooses one variant",
        ),
        (
            "values: [veo-3.1-extend, veo-3.1-extend-fast]",
            "values: [veo-3.1-extend]",
            "veo-3.1-fast-reference-to-video, veo-3.1-extend, veo-3.1-extend-fast]",
            "model value 'veo-3.1-extend-fast' chooses no variant; add it to the values of one "
            "of: image-to-video, first-last-frame, reference-to-video, extend",
        ),
        (
            "        required: [video_url]\n",
            "        required: [vidoe_url]\n",
            "required: [vidoe_url]",
            "variant 'extend': required names unknown field 'vidoe_url' (did you mean "
            "'video_url'?)",
        ),
        (
            "        defaults: {generate_audio: true, auto_fix: true}\n",
            "        defaults: {generate_audio: 'yes', duration: 8}\n",
            "defaults: {generate_audio: 'yes'",
            "variant 'extend': default 'yes' of 'generate_audio' breaks the field's own "
            "schema: 'yes' is not of type 'boolean'",
        ),
        (
            "        defaults: {generate_audio: true, auto_fix: true}\n",
            "        defaults: {generate_audio: 'yes', duration: 8}\n",
            "defaults: {generate_audio: 'yes'",
            "variant 'extend': default for 'duration', which is not one of its fields",
        ),
        (
            "        defaults: {generate_audio: true, auto_fix: true}\n",
            "        defaults: {video_url: https://example.com/v.mp4}\n",
            "defaults: {video_url",
            "variant 'extend': 'video_url' is required, so it has no default",
        ),
        (
            "      - name: extend\n",
            "      - name: first-last-frame\n",
            "      - name: first-last-frame#2",
            "duplicate variant name 'first-last-frame' (first defined at line *)",
        ),
        (
            "        fields: [aspect_ratio, generate_audio, auto_fix, safety_tolerance, "
            "negative_prompt, seed]\n",
            "        fields: [aspect_ratio, generate_audio, auto_fix, safety_tolerance, "
            "negative_prompt, seed, reference_typ]\n",
            "reference_typ]",
            "variant 'extend': fields names unknown field 'reference_typ' (did you mean "
            "'reference_type'?)",
        ),
    ],
)
def test_a_bad_variant_is_an_error_at_its_line(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    path = write(tmp_path, edited(old, new))
    lines = error_of(path).splitlines()
    needle, _, nth = needle.partition("#")  # the nth line holding it
    wanted = f"{path}:{line_of(path, needle, int(nth or 1))}: {message}"
    assert any(fnmatch.fnmatch(line, wanted.replace("[", "[[]")) for line in lines), lines


def test_a_field_of_no_variant_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = SHIPPED.replace("negative_prompt, seed]", "negative_prompt]")
    assert text.count("negative_prompt]") == 3  # seed left out of every variant's fields
    path = write(tmp_path, text)
    assert error_of(path) == (
        f"{path}:{line_of(path, '      seed:')}: field 'seed' is a field of no variant, so no "
        "body may send it; add it to the fields of the variants that take it"
    )


def test_an_unknown_variant_fact_in_provenance_names_the_facts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(
            "          required.video_url: {",
            "          requird.video_url: {",
        ),
    )
    assert error_of(path).startswith(
        f"{path}:{line_of(path, 'requird.video_url')}: provenance for 'requird.video_url', "
        "which variant 'extend' does not have (did you mean 'required.video_url'?); it can "
        "vouch for: values, fields, fields.image_url,"
    )
