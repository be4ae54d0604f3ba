"""A minimal contract (one rule, one example) written into a pytester project."""

from __future__ import annotations

import pytest

from foxcontract.contract import shipped_contracts_dir

MINI = """\
foxcontract: 1
kind: endpoint
name: mini
version: "1"
errors: errors.yaml
request:
  method: POST
  path: /v1/mini
  body:
    type: object
    required: [model]
    properties:
      model:
        type: string
        enum: [big, small]
      size:
        type: integer
        enum: [1, 2]
        default: 1
      note:
        type: [string, "null"]
rules:
  - id: small-size-1
    doc: small supports size 1 only.
    when: {model: small}
    then: {size: {in: [1]}}
    expect: validation
responses:
  "200":
    schema:
      type: object
      required: [id]
      properties:
        id: {type: string}
  errors: [validation]
examples:
  - name: small-size-2
    request:
      body: {model: small, size: 2}
    response:
      status: 422
      body: {error: {message: size 2 is not supported, type: invalid_request_error}}
"""


def lit(line: str) -> str:
    """An fnmatch pattern matching ``line``'s brackets literally."""
    return line.replace("[", "[[]")


def write_mini(pytester: pytest.Pytester, text: str = MINI, name: str = "mini.yaml") -> None:
    """``text`` as ``name`` in the pytester project, beside a copy of the shipped errors file."""
    errors = (shipped_contracts_dir() / "errors.yaml").read_text(encoding="utf-8")
    pytester.path.joinpath("errors.yaml").write_text(errors, encoding="utf-8")
    pytester.path.joinpath(name).write_text(text, encoding="utf-8")
