"""The OpenAPI 3.1 export: a valid document that says what the contracts say."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from foxcontract.contract import default_contract, load_contracts, shipped_contracts_dir
from foxcontract.export import openapi_document, request_schema

POST = "/v1/videos/generations"
GET = "/v1/tasks/{task_id}"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document(load_contracts(sorted(shipped_contracts_dir().glob("*.yaml"))))


def test_the_document_passes_the_openapi_31_validator(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_validator_used_here_does_reject_a_broken_document(document: dict[str, Any]) -> None:
    broken = {**document, "paths": {POST: {"post": {"responses": {"200": {}}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_one_operation_per_contract(document: dict[str, Any]) -> None:
    assert {path: list(ops) for path, ops in document["paths"].items()} == {
        GET: ["get"],
        POST: ["post"],
    }
    assert document["paths"][GET]["get"]["operationId"] == "tasks-get"
    assert document["paths"][POST]["post"]["operationId"] == "videos-generations"


def test_the_request_body_is_the_contract_schema_with_its_rules(document: dict[str, Any]) -> None:
    body = document["paths"][POST]["post"]["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema == request_schema(default_contract())
    assert schema["required"] == ["model", "prompt"]
    assert schema["additionalProperties"] is True
    assert "variants" not in schema
    assert "discriminator" not in schema
    comments = [rule["$comment"].split(":")[0] for rule in schema["allOf"]]
    variants = ["image-to-video", "first-last-frame", "reference-to-video", "extend"]
    assert comments[:4] == [f"variant {v}" for v in variants]
    extend = schema["allOf"][3]
    assert extend["if"] == {
        "required": ["model"],
        "properties": {"model": {"enum": ["veo-3.1-extend", "veo-3.1-extend-fast"]}},
    }
    assert extend["then"]["required"] == ["video_url"]
    assert extend["then"]["properties"]["generate_audio"] == {"default": True}
    assert extend["then"]["properties"]["duration"] == {"type": "null"}  # null means absent
    assert comments[4] == "rule image_url.required"
    rules = [c for c in comments[4:] if not c.endswith(".required")]
    assert [c for c in rules if ".no-" not in c] == [
        "rule lite-no-4k",
        "rule lite-1080p-8s-only",
        "rule safety-tolerance-standard-fast-only",
        "rule enhance-prompt-standard-only",
        "rule person-generation-standard-only",
        "rule flf-lite-no-4k",
        "rule flf-lite-1080p-8s-only",
        "rule flf-safety-tolerance-standard-fast-only",
        "rule flf-enhance-prompt-standard-only",
        "rule flf-person-generation-standard-only",
        "rule reference-duration-8-only",
        "rule reference-enhance-prompt-standard-only",
        "rule reference-person-generation-standard-only",
        "rule reference-type-standard-only",
    ]


def test_bearer_security_on_every_operation(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"bearer": {"type": "http", "scheme": "bearer"}}
    for ops in document["paths"].values():
        for op in ops.values():
            assert op["security"] == [{"bearer": []}]


def test_every_error_status_with_the_error_body(document: dict[str, Any]) -> None:
    post = document["paths"][POST]["post"]["responses"]
    get = document["paths"][GET]["get"]["responses"]
    assert sorted(post) == ["200", "400", "401", "402", "422", "429", "500", "503"]
    assert sorted(get) == ["200", "401", "404", "429", "500", "503"]
    assert document["components"]["schemas"]["Error"] == dict(default_contract().error_schema)
    pinned_401 = post["401"]["content"]["application/json"]["schema"]
    assert pinned_401 == {
        "allOf": [{"$ref": "#/components/schemas/Error"}],
        "properties": {
            "error": {
                "required": ["type"],
                "properties": {"type": {"const": "authentication_error"}},
            }
        },
    }
    both_422 = post["422"]["content"]["application/json"]["schema"]["anyOf"]
    assert [b["properties"]["error"]["properties"] for b in both_422] == [
        {"type": {"const": "invalid_request_error"}},
        {"code": {"const": "unsupported_advanced_options"}},
    ]


def test_the_created_task_links_to_its_poll(document: dict[str, Any]) -> None:
    created = document["paths"][POST]["post"]["responses"]["200"]
    assert created["links"] == {
        "TasksGet": {
            "operationId": "tasks-get",
            "parameters": {"task_id": "$response.body#/id"},
            "description": "poll the created task with GET /v1/tasks/{task_id}",
        }
    }
    assert "links" not in document["paths"][GET]["get"]["responses"]["200"]


def test_path_parameters_from_the_contract(document: dict[str, Any]) -> None:
    (param,) = document["paths"][GET]["get"]["parameters"]
    assert {k: v for k, v in param.items() if k != "examples"} == {
        "name": "task_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1},
    }


def test_responses_are_the_contract_schemas(document: dict[str, Any]) -> None:
    created = document["paths"][POST]["post"]["responses"]["200"]["content"]["application/json"]
    assert created["schema"] == dict(default_contract().responses["200"].schema)


def _media_validator(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A validator for ``schema`` whose ``#/components/...`` refs resolve in ``document``."""
    import jsonschema

    return jsonschema.Draft202012Validator({**schema, "components": document["components"]})


def test_the_documented_examples_are_in_the_document_and_valid(document: dict[str, Any]) -> None:
    post = document["paths"][POST]["post"]
    request = post["requestBody"]["content"]["application/json"]
    accepted = ["documented-request", "reference-request", "first-last-frame-request"]
    accepted.append("extend-request")
    assert list(request["examples"]) == accepted
    assert list(post["responses"]["200"]["content"]["application/json"]["examples"]) == accepted
    assert list(post["responses"]["422"]["content"]["application/json"]["examples"]) == [
        "lite-4k-rejected"
    ]
    (param,) = document["paths"][GET]["get"]["parameters"]
    assert list(param["examples"]) == ["documented-completed-task", "unknown-task"]
    checked = 0
    for ops in document["paths"].values():
        for op in ops.values():
            media_of = (
                [op["requestBody"]["content"]["application/json"]] if "requestBody" in op else []
            )
            media_of += [r["content"]["application/json"] for r in op["responses"].values()]
            for media in media_of:
                validator = _media_validator(document, media["schema"])
                for example in media.get("examples", {}).values():
                    assert validator.is_valid(example["value"]), example
                    checked += 1
    assert checked == 11  # 4 requests, their 4 answers, a 422, 2 tasks
