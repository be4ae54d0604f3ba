"""The oracle: which rules of a contract a request body breaks.

``check(body)`` is the single judge of what a body should get: the strategies label their
cases with it, the fake API answers with it, the live verdict re-runs it on the exact body
sent, and users call it as a free pre-flight check before spending money on a request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from foxcontract.contract.loader import default_contract
from foxcontract.contract.model import MISSING, Condition, Contract, Rule, json_key
from foxcontract.fieldcheck import FieldCheck, compile_field, describe_value, got

__all__ = ["Violation", "check", "expected_error"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: its id, the field to change, and what is wrong, in plain words."""

    rule: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class _Checker:
    """A contract compiled for fast judging."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        integral = contract.settings.integral_floats
        self.fields: list[tuple[str, bool, FieldCheck]] = [
            (f.name, f.required, compile_field(f.name, f.schema, integral)) for f in contract.fields
        ]
        self.known = frozenset(f.name for f in contract.fields)
        self.closed = not contract.additional_properties
        self.null_absent = contract.settings.null_means_absent
        self.defaults = {
            f.name: f.default
            for f in contract.fields
            if not f.required and f.default is not MISSING
        }
        # each variant's defaults, by discriminator value (a field not of the variant has none)
        self.discriminator = contract.discriminator
        # a body not sending the discriminator has the variant of its default, if any
        self.chooser_default = self.defaults.get(contract.discriminator or "", MISSING)
        self.variant_defaults: dict[Any, dict[str, Any]] = {}
        for variant in contract.variants:
            own = {k: v for k, v in self.defaults.items() if k in variant.fields}
            own.update(variant.defaults)
            for value in variant.values:
                self.variant_defaults[json_key(value)] = own
        self.cross = [
            (
                rule,
                frozenset(rule.fields),
                tuple((name, _compile_condition(cond)) for name, cond in rule.when.items()),
                _compile_condition(rule.then),
            )
            for rule in contract.cross_rules
            if rule.then is not None
        ]

    def __call__(self, body: Any) -> list[Violation]:
        if not isinstance(body, dict):
            return [
                Violation("body.type", "body", f"body: expected a JSON object, got {got(body)}")
            ]
        out: list[Violation] = []
        broken: set[str] = set()
        for name, required, field_check in self.fields:
            if name in body:
                problem = field_check(body[name])
                if problem is not None:
                    out.append(Violation(f"{name}.{problem[0]}", name, problem[1]))
                    broken.add(name)
            elif required:
                out.append(
                    Violation(f"{name}.required", name, f"{name}: required field is missing")
                )
                broken.add(name)
        if self.closed:
            for key in sorted((k for k in body if k not in self.known), key=str):
                out.append(
                    Violation(
                        "body.additionalProperties",
                        str(key),
                        f"{key}: unknown field (this contract rejects unknown fields)",
                    )
                )
        defaults = self._defaults(body)
        for rule, names, when, then in self.cross:
            if broken and not broken.isdisjoint(names):
                continue
            if all(holds(*self._state(body, name, defaults)) for name, holds in when):
                present, value = self._state(body, rule.field, defaults)
                if not then(present, value):
                    out.append(self._explain(body, rule, present, value))
        return out

    def _defaults(self, body: dict[str, Any]) -> dict[str, Any]:
        """The defaults that apply to ``body``: those of its variant, if it has one (without
        variants there are none by value, and the field's own defaults apply)."""
        value = body.get(self.discriminator or "")
        if value is None:  # not sent (or null): the discriminator's default, as the model reads
            value = self.chooser_default
        return self.variant_defaults.get(json_key(value), self.defaults)

    def _state(self, body: dict[str, Any], name: str, defaults: dict[str, Any]) -> tuple[bool, Any]:
        value = body.get(name, MISSING)
        present = value is not MISSING and not (value is None and self.null_absent)
        if not present:
            return False, defaults.get(name, MISSING)
        return True, value

    def _explain(self, body: dict[str, Any], rule: Rule, present: bool, value: Any) -> Violation:
        assert rule.then is not None
        context = " and ".join(
            f"{n} {c.describe()}{self._defaulted(body, n, c)}" for n, c in rule.when.items()
        )
        if rule.then.op == "absent":
            what = "must not be sent"
        elif rule.then.op == "present":
            what = "must be sent"
        elif value is MISSING:  # neither sent nor defaulted
            what = f"must be sent (as {rule.then.describe()[3:]})"
        else:
            shown = describe_value(value) + ("" if present else " (the default)")
            what = f"{shown} is not allowed (it must be {rule.then.describe()[3:]})"
        when = f" when {context}" if context else ""
        doc = f": {rule.doc}" if rule.doc else ""
        return Violation(rule.id, rule.field, f"{rule.field}: {what}{when} (rule {rule.id}{doc})")

    def _defaulted(self, body: dict[str, Any], name: str, condition: Condition) -> str:
        """`` (the default)`` when a ``when`` condition held on a default, not a sent value,
        and `` (not sent)`` when it held on a field neither sent nor defaulted (``not_in``)."""
        present, value = self._state(body, name, self._defaults(body))
        if condition.op in ("absent", "present") or present:
            return ""
        return " (not sent)" if value is MISSING else " (the default)"


def _compile_condition(condition: Condition) -> Callable[[bool, Any], bool]:
    """``Condition.holds`` with its value set built once."""
    keys = condition.keys
    op = condition.op
    if op in ("absent", "present"):
        return condition.holds
    member = op in ("eq", "in")

    def holds(present: bool, value: Any) -> bool:
        if value is MISSING:
            return not member
        return (json_key(value) in keys) is member

    return holds


_checkers: WeakKeyDictionary[Contract, _Checker] = WeakKeyDictionary()


def _checker(contract: Contract) -> _Checker:
    found = _checkers.get(contract)
    if found is None:
        found = _checkers[contract] = _Checker(contract)
    return found


def check(body: Any, contract: Contract | None = None) -> list[Violation]:
    """Every rule of ``contract`` (default: the shipped image-to-video contract) that the
    request ``body`` breaks, in a fixed order: fields in contract order, then cross-field
    rules in file order. An empty list means the body is allowed. Never raises on any value."""
    return _checker(contract if contract is not None else default_contract())(body)


def expected_error(violations: list[Violation], contract: Contract | None = None) -> str | None:
    """The name of the error kind the provider should answer ``violations`` with (that of
    the first one), or ``None`` when the body is allowed."""
    if not violations:
        return None
    c = contract if contract is not None else default_contract()
    return c.rule(violations[0].rule).expect
