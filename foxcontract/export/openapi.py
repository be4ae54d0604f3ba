"""One OpenAPI 3.1 document for a set of endpoint contracts.

Each contract is one operation (its ``name`` is the ``operationId``): the request body schema
with its cross rules (:mod:`foxcontract.export.rules`), path parameters, the documented
responses, one response per error status with the shared error body, the provider's key as
its security scheme (bearer, or an API key in its header), and a ``links`` object from every
created task to the contract that polls it (``task: {role: poll}``), passing the task's id
(where ``task.id`` says) as that contract's ``task.param``, and the contract's documented
examples. The title and server are the provider's (its ``name`` and ``base_url``). Every
``pattern`` is rewritten to read the same in ECMA-262 as in Python (``export.regex``); one
that cannot be is a :class:`ContractError` at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from foxcontract import __version__
from foxcontract.contract import path_params
from foxcontract.contract.errors import ContractError
from foxcontract.contract.model import Contract, ErrorKind
from foxcontract.contract.provider import DEFAULT_PROVIDER, Provider
from foxcontract.export.regex import PatternError, portable_schema
from foxcontract.export.rules import exact, request_schema

__all__ = ["API_KEY", "BEARER", "OPENAPI_VERSION", "openapi_document"]

OPENAPI_VERSION = "3.1.0"
BEARER = "bearer"
"""The name of the bearer security scheme in ``components.securitySchemes``."""
API_KEY = "apiKey"
"""The name of the scheme of a key sent in a header of its own (``auth.scheme: header``)."""


def _scheme(provider: Provider) -> tuple[str, dict[str, Any]]:
    """The security scheme's name and its ``components.securitySchemes`` entry."""
    auth = provider.auth
    if auth.scheme == "bearer":
        return BEARER, {"type": "http", "scheme": "bearer"}
    return API_KEY, {"type": "apiKey", "in": "header", "name": auth.header}


def _nested(path: str, leaf: dict[str, Any]) -> dict[str, Any]:
    """``{properties: {a: {required: [b], properties: {b: leaf}}}}`` for the path ``a.b``."""
    *parents, last = path.split(".")
    node: dict[str, Any] = {"required": [last], "properties": {last: leaf}}
    for step in reversed(parents):
        node = {"required": [step], "properties": {step: node}}
    return node


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    into["required"] = sorted({*into.get("required", []), *more.get("required", [])})
    for name, schema in more.get("properties", {}).items():
        known = into.setdefault("properties", {}).get(name)
        if known is None:
            into["properties"][name] = schema
        else:
            _merge(known, schema)


def _parameters(contract: Contract) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": portable_schema(
                dict(contract.params.get(name, {"type": "string"})), ["request", "params", name]
            ),
        }
        for name in path_params(contract.url_path)
    ]


def _error_ref(contract: Contract, shared: dict[str, Any]) -> dict[str, Any]:
    """A ``$ref`` to the contract's error body in ``components.schemas`` (added if new)."""
    schema = portable_schema(dict(contract.error_schema), ["errors"])
    for name, known in shared.items():
        if known == schema:
            return {"$ref": f"#/components/schemas/{name}"}
    name = "Error" if not shared else f"Error{len(shared) + 1}"
    shared[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def _error_schema(contract: Contract, kind: ErrorKind, shared: dict[str, Any]) -> dict[str, Any]:
    """The error body, with the type (and code) this kind of error carries, where the
    provider's error answers carry them."""
    shape = contract.provider.error
    pinned: dict[str, Any] = {}
    if kind.type is not None:
        _merge(pinned, _nested(shape.type, {"const": kind.type}))
    if kind.code is not None and shape.code:
        _merge(pinned, _nested(shape.code, {"const": kind.code}))
    schema = _error_ref(contract, shared)
    if not pinned:
        return schema
    return {"allOf": [schema], "properties": pinned["properties"]}


def _error_responses(contract: Contract, shared: dict[str, Any]) -> dict[str, Any]:
    by_status: dict[str, list[ErrorKind]] = {}
    for name in contract.errors:
        kind = contract.error_kinds[name]
        by_status.setdefault(str(kind.status), []).append(kind)
    out: dict[str, Any] = {}
    for status, kinds in sorted(by_status.items()):
        schemas = [_error_schema(contract, k, shared) for k in kinds]
        description = "; ".join(f"{k.name}: {k.cause}" if k.cause else k.name for k in kinds)
        schema = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
        out[status] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    return out


def _responses(
    contract: Contract, pollers: list[Contract], shared: dict[str, Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, spec in contract.responses.items():
        response: dict[str, Any] = {
            "description": f"{contract.name} {status}",
            "content": {
                "application/json": {
                    "schema": portable_schema(dict(spec.schema), ["responses", status, "schema"])
                }
            },
        }
        links = _links(contract, spec.schema, pollers) if status.startswith("2") else {}
        if links:
            response["links"] = links
        out[status] = response
    out.update(_error_responses(contract, shared))
    return out


def _links(contract: Contract, schema: Any, pollers: list[Contract]) -> dict[str, Any]:
    """From a create's answer carrying the task's id (``task.id``) to each contract that
    polls a task by it (``task.param``)."""
    task = contract.task
    if task is None or task.role != "create":
        return {}
    if task.id.split(".")[0] not in schema.get("properties", {}):
        return {}
    links: dict[str, Any] = {}
    for poller in pollers:
        param = poller.task.param if poller.task is not None else None
        if poller is contract or param is None:
            continue
        links[_link_name(poller)] = {
            "operationId": poller.name,
            "parameters": {param: "$response.body#/" + task.id.replace(".", "/")},
            "description": f"poll the created task with {poller.method} {poller.url_path}",
        }
    return links


def _link_name(contract: Contract) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", contract.name))


def _operation(
    contract: Contract, pollers: list[Contract], shared: dict[str, Any]
) -> dict[str, Any]:
    try:
        return _unchecked_operation(contract, pollers, shared)
    except PatternError as exc:
        line = contract.line_of(exc.where) if contract.line_of is not None else 1
        raise ContractError.at(contract.path, line, f"cannot export this pattern: {exc}") from None


def _unchecked_operation(
    contract: Contract, pollers: list[Contract], shared: dict[str, Any]
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": contract.name,
        "summary": f"{contract.method} {contract.url_path}",
    }
    if contract.docs:
        op["externalDocs"] = {"url": contract.docs}
    params = _parameters(contract)
    if params:
        op["parameters"] = params
    if contract.has_body:
        schema = request_schema(contract)
        media = contract.content_type or "application/json"
        op["requestBody"] = {"required": True, "content": {media: {"schema": schema}}}
        if not exact(contract):
            op["x-foxcontract-inexact"] = (
                "integral_floats: reject cannot be written in JSON Schema; "
                "this schema accepts 8.0 where the contract rejects it"
            )
    op["responses"] = _responses(contract, pollers, shared)
    _add_examples(contract, op)
    op["security"] = [{_scheme(contract.provider)[0]: []}] if contract.keyed else []
    return op


def _add_examples(contract: Contract, op: dict[str, Any]) -> None:
    """The contract's documented examples: each response under its status, the request
    body of an accepted one under the request, path parameters under their parameter."""
    for ex in contract.examples:
        named = {"summary": ex.doc or ex.name}
        response = op["responses"].get(str(ex.status))
        if response is not None:
            media = response["content"]["application/json"]
            media.setdefault("examples", {})[ex.name] = {**named, "value": ex.response_body}
        if ex.body is not None and 200 <= ex.status < 300 and "requestBody" in op:
            for media in op["requestBody"]["content"].values():
                media.setdefault("examples", {})[ex.name] = {**named, "value": ex.body}
        for param in op.get("parameters", []):
            if param["name"] in ex.params:
                value = ex.params[param["name"]]
                param.setdefault("examples", {})[ex.name] = {**named, "value": value}


def openapi_document(contracts: Iterable[Contract]) -> dict[str, Any]:
    """The OpenAPI 3.1 document for ``contracts`` (endpoint contracts, in order)."""
    contracts = list(contracts)
    pollers = [c for c in contracts if c.task is not None and c.task.role == "poll"]
    paths: dict[str, dict[str, Any]] = {}
    shared: dict[str, Any] = {}
    for contract in contracts:
        ops = paths.setdefault(contract.url_path, {})
        ops[contract.method.lower()] = _operation(contract, pollers, shared)
    versions = sorted({c.version for c in contracts})
    provider = contracts[0].provider if contracts else DEFAULT_PROVIDER
    scheme, scheme_entry = _scheme(provider)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": provider.title,
            "version": ", ".join(versions) or "0",
            "description": f"Exported by foxcontract {__version__} from: "
            + ", ".join(c.path.name for c in contracts),
        },
        "servers": [{"url": provider.base_url}],
        "paths": paths,
        "components": {"schemas": shared, "securitySchemes": {scheme: scheme_entry}},
    }
