"""The exported request schema as a judge of bodies, beside the oracle: both must agree."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import jsonschema_rs

from foxcontract.contract import Contract
from foxcontract.export import request_schema
from foxcontract.oracle import check


class Judges:
    """The exported request schema under two validators: ``jsonschema`` (Python, the
    Draft 2020-12 reference here) and ``jsonschema_rs`` (Rust; its regexes read as
    ECMA-262 does, as tools in other languages read an OpenAPI document)."""

    def __init__(self, contract: Contract) -> None:
        schema = request_schema(contract)
        jsonschema.Draft202012Validator.check_schema(schema)
        self.python = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        self.rust = jsonschema_rs.Draft202012Validator(schema)

    def is_valid(self, body: Any) -> bool:
        return bool(self.python.is_valid(body))

    def rust_is_valid(self, body: Any) -> bool | None:
        """``None`` for a body that cannot be sent (a lone surrogate is not UTF-8)."""
        try:
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return None
        return bool(self.rust.is_valid(body))


def validator_for(contract: Contract) -> Judges:
    return Judges(contract)


def assert_agree(judges: Judges, contract: Contract, body: Any) -> bool:
    """The oracle's verdict on ``body`` (``True``: valid), if both validators agree."""
    violations = check(body, contract)
    by_python, by_rust = judges.is_valid(body), judges.rust_is_valid(body)
    if by_python == (not violations) and by_rust in (None, by_python):
        return by_python
    why = [e.message for e in judges.python.iter_errors(body)][:3]
    raise AssertionError(
        f"verdicts differ on {body!r}: oracle {[str(v) for v in violations] or 'valid'}, "
        f"JSON Schema {why or 'valid'}, jsonschema_rs {'valid' if by_rust else 'invalid'}"
    )
