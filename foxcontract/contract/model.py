"""The typed, validated contract: what the loader builds and everything else reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from foxcontract.contract.provider import ErrorParts, Provider
    from foxcontract.contract.task import Outcome, TaskRole

__all__ = [
    "FIELD_KEYWORDS",
    "MISSING",
    "UNSTATED",
    "Condition",
    "Contract",
    "DocSource",
    "ErrorKind",
    "Example",
    "FamilyName",
    "FamilyValue",
    "Field",
    "Lifecycle",
    "Provenance",
    "ResponseSpec",
    "Rule",
    "Settings",
    "Variant",
    "json_key",
]

JSON = Any

FIELD_KEYWORDS = (
    "type",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "items",
    "minItems",
    "maxItems",
)
"""The JSON Schema keywords of a body field that each become a rule ``<field>.<keyword>``,
in the order they are judged (the first one broken is the one reported)."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""The value of a field that was not sent and has no default."""


def json_key(value: JSON) -> tuple[str, JSON]:
    """A hashable key under which JSON values compare as JSON does (``True`` is not ``1``)."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if value is None:
        return ("z", None)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list | tuple):
        return ("a", tuple(json_key(v) for v in value))
    if isinstance(value, dict):
        return ("o", frozenset((str(k), json_key(v)) for k, v in value.items()))
    return ("j", repr(value))


# --- provenance: where each fact of a contract comes from --------------------------------


@dataclass(frozen=True)
class DocSource:
    """A documentation page a contract quotes (``sources:`` of a contract file)."""

    id: str
    title: str
    url: str = ""
    copy: str = ""

    def describe(self) -> str:
        return f"{self.title} ({self.url})" if self.url else self.title


@dataclass(frozen=True)
class Provenance:
    """Where one fact comes from: ``documented`` (a page and its words) or assumed (a
    stance where the docs are silent, and why). ``given`` is False when the contract wrote
    no provenance for the fact: it then counts as assumed, never as documented."""

    documented: bool
    reason: str = ""
    source: DocSource | None = None
    quote: str = ""
    line: int = 0
    given: bool = True
    answer: Provenance | None = None
    """The provenance of the answer to a body breaking the fact (``expect:`` in the entry)."""

    @property
    def label(self) -> str:
        return "documented" if self.documented else "assumed"

    def describe(self) -> str:
        if self.documented and self.source is not None:
            return f'documented: {self.source.title}: "{self.quote}"'
        return f"assumed: {self.reason}"


UNSTATED = Provenance(False, "no provenance given in the contract", given=False)
"""The provenance of a fact the contract wrote none for: an assumption."""


@dataclass(frozen=True)
class FamilyValue:
    """A value valid elsewhere in the API family (another mode's model, an older version of
    the docs) but not for this field: a near miss to probe first."""

    value: JSON
    provenance: Provenance


@dataclass(frozen=True)
class FamilyName:
    """A name the field goes by elsewhere in the API family (an older page's ``image_urls``
    or ``video``): a body that sends the field under it, and not under its own name, lacks
    the field. ``value`` is what is sent under it (:data:`MISSING`: the field's own value)."""

    name: str
    value: JSON
    provenance: Provenance


@dataclass(frozen=True)
class ErrorKind:
    """One row of the error table: how the provider answers a kind of failure."""

    name: str
    status: int
    type: str | None
    code: str | None = None
    retryable: bool = False
    cause: str = ""
    provenance: Provenance = dc_field(default=UNSTATED, compare=False)

    def describe(self) -> str:
        """``422 validation type invalid_request_error``: status, name, type and code."""
        bits = [str(self.status), self.name]
        bits += [f"{k} {v}" for k, v in (("type", self.type), ("code", self.code)) if v]
        return " ".join(bits)

    def matches(self, status: int, parts: ErrorParts | None) -> bool:
        """Whether an answer of ``status`` whose error says ``parts`` (``None``: no error
        object) is this kind: the same status, and the type and code where this kind
        names them."""
        if status != self.status:
            return False
        error_type = parts.type if parts is not None else None
        code = parts.code if parts is not None else None
        return (self.type is None or error_type == self.type) and (
            self.code is None or code == self.code
        )


Op = Literal["eq", "in", "not_in", "absent", "present"]


@dataclass(frozen=True)
class Condition:
    """A test on one field: equal to a value, in / not in a list, absent or present."""

    op: Op
    values: tuple[JSON, ...] = ()

    @property
    def keys(self) -> frozenset[tuple[str, JSON]]:
        return frozenset(json_key(v) for v in self.values)

    def holds(self, present: bool, value: JSON) -> bool:
        """Whether the condition holds for a field ``present`` in the body with ``value``
        (``value`` is the default when the field was not sent, or :data:`MISSING`)."""
        if self.op == "absent":
            return not present
        if self.op == "present":
            return present
        if value is MISSING:
            return self.op == "not_in"
        member = json_key(value) in self.keys
        return member if self.op in ("eq", "in") else not member

    def describe(self) -> str:
        if self.op in ("absent", "present"):
            return "is absent" if self.op == "absent" else "is present"
        shown = ", ".join(_show(v) for v in self.values)
        if self.op == "eq" or (self.op == "in" and len(self.values) == 1):
            return f"is {shown}"
        return f"is one of {shown}" if self.op == "in" else f"is none of {shown}"


def _show(value: JSON) -> str:
    return value if isinstance(value, str) else repr(value)


@dataclass(frozen=True)
class Rule:
    """A named rule. Field rules (``keyword`` set) come from a field's JSON Schema; cross
    rules (``then`` set) from the ``rules:`` section and from the body's variants (``shape``).
    ``field`` is the field to change."""

    id: str
    field: str
    expect: str
    line: int
    doc: str = ""
    keyword: str | None = None
    when: Mapping[str, Condition] = dc_field(default_factory=dict)
    then: Condition | None = None
    provenance: Provenance = UNSTATED
    """Where the rule (what a body must do) comes from."""
    answer: Provenance = UNSTATED
    """Where the expected answer to a body breaking it (``expect``) comes from."""
    shape: bool = False
    """A rule of the body's variants (a mode's required field, a field of another mode):
    about which fields a body sends, not about their values."""

    @property
    def is_cross(self) -> bool:
        return self.then is not None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the rule reads."""
        return (*self.when, self.field) if self.is_cross else (self.field,)


@dataclass(frozen=True)
class Field:
    """One property of the request body."""

    name: str
    schema: Mapping[str, JSON]
    required: bool
    line: int
    provenance: Mapping[str, Provenance] = dc_field(default_factory=dict)
    """Per keyword (``type``, ``enum``, ..., ``default``, ``required``): where it comes from."""
    family_values: tuple[FamilyValue, ...] = ()
    family_names: tuple[FamilyName, ...] = ()

    def provenance_of(self, keyword: str) -> Provenance:
        return self.provenance.get(keyword, UNSTATED)

    @property
    def types(self) -> tuple[str, ...]:
        t = self.schema.get("type", ())
        return (t,) if isinstance(t, str) else tuple(t)

    @property
    def nullable(self) -> bool:
        return "null" in self.types

    @property
    def enum(self) -> tuple[JSON, ...] | None:
        e = self.schema.get("enum")
        return tuple(e) if e is not None else None

    @property
    def default(self) -> JSON:
        return self.schema.get("default", MISSING)


@dataclass(frozen=True)
class Variant:
    """One request shape of the body (a mode), chosen by the value of the discriminator
    field: which fields it takes, which it requires, and its own defaults."""

    name: str
    values: tuple[JSON, ...]
    """The discriminator's values that choose this variant (the mode's models)."""
    fields: frozenset[str]
    """Every field of this variant: the discriminator, the body's required fields, and the
    fields it lists. A field outside is not a field of this mode."""
    required: tuple[str, ...]
    """The fields this variant requires besides the body's own required fields."""
    defaults: Mapping[str, JSON]
    """Defaults that differ from the field's own (``generate_audio: true``)."""
    line: int
    doc: str = ""
    provenance: Mapping[str, Provenance] = dc_field(default_factory=dict)
    """Per fact (``values``, ``fields``, ``fields.<name>``, ``required.<name>``,
    ``defaults.<name>``): where it comes from."""

    @property
    def keys(self) -> frozenset[tuple[str, JSON]]:
        return frozenset(json_key(v) for v in self.values)

    def provenance_of(self, fact: str) -> Provenance:
        found = self.provenance.get(fact)
        if found is None and fact.startswith("fields."):
            found = self.provenance.get("fields")
        return found if found is not None else UNSTATED


@dataclass(frozen=True)
class Settings:
    """The contract's stance on what the documentation leaves open (API.md section 4)."""

    null_means_absent: bool = True
    integral_floats: Literal["accept", "reject", "ambiguous"] = "ambiguous"
    field_violation: str = "validation"
    malformed_request: str = "malformed_request"
    answers: Mapping[str, str] = dc_field(default_factory=dict)
    """Field rules answered with another error kind than ``field_violation`` (rule -> kind)."""
    provenance: Mapping[str, Provenance] = dc_field(default_factory=dict)
    """Per setting: where the stance comes from."""

    def provenance_of(self, name: str) -> Provenance:
        return self.provenance.get(name, UNSTATED)


@dataclass(frozen=True)
class ResponseSpec:
    status: str
    schema: Mapping[str, JSON]
    volatile: tuple[str, ...]
    line: int
    content_type: str | None = None
    """The media type of the answer's Content-Type (parameters such as charset aside)."""
    headers: Mapping[str, Mapping[str, JSON]] = dc_field(default_factory=dict)
    """Other required headers: lower-case name -> JSON Schema of the value."""
    provenance: Mapping[str, Provenance] = dc_field(default_factory=dict)
    """Per key (``schema``, ``content_type``, ``headers``): where it comes from."""

    def provenance_of(self, key: str) -> Provenance:
        return self.provenance.get(key, UNSTATED)


@dataclass(frozen=True)
class Example:
    name: str
    doc: str
    body: JSON
    params: Mapping[str, JSON]
    status: int
    response_body: JSON
    line: int


@dataclass(frozen=True)
class Lifecycle:
    field: str
    initial: tuple[str, ...]
    transitions: Mapping[str, tuple[str, ...]]
    terminal: tuple[str, ...]
    progress: str | None = None
    outcomes: Mapping[str, Outcome] | None = None
    """Per terminal state, what its answer must carry (``None``: FoxAPI's, see
    :mod:`foxcontract.contract.provider`)."""
    accepted_ends: str | None = None
    """The terminal state a task of a body the contract accepts is expected to end in
    (``None``: any terminal state will do)."""
    accepted_provenance: Provenance = UNSTATED
    """Where :attr:`accepted_ends` comes from (the docs rarely say when a task fails)."""

    def allows(self, before: str, after: str) -> bool:
        return after in self.transitions.get(before, ())

    def outcome(self, state: str) -> Outcome | None:
        """What an answer in terminal ``state`` must carry, if the contract says."""
        from foxcontract.contract.task import default_outcomes

        found = self.outcomes if self.outcomes is not None else default_outcomes(self.terminal)
        return found.get(state)

    @property
    def success(self) -> str | None:
        """The terminal state of a task that succeeded (its outcome carries results)."""
        return next((s for s in self.terminal if (o := self.outcome(s)) and o.succeeded), None)

    @property
    def failure(self) -> str | None:
        """The terminal state of a task that failed (its outcome carries an error)."""
        return next((s for s in self.terminal if (o := self.outcome(s)) and o.error), None)


def _default_provider() -> Provider:
    from foxcontract.contract.provider import DEFAULT_PROVIDER

    return DEFAULT_PROVIDER


@dataclass(frozen=True, eq=False)
class Contract:
    """One endpoint's contract. Compared by identity; build it with ``load_contract``."""

    path: Path
    name: str
    version: str
    docs: str
    method: str
    url_path: str
    auth: str
    content_type: str | None
    fields: tuple[Field, ...]
    additional_properties: bool
    body_schema: Mapping[str, JSON] | None
    params: Mapping[str, Mapping[str, JSON]]
    settings: Settings
    rules: tuple[Rule, ...]
    responses: Mapping[str, ResponseSpec]
    error_kinds: Mapping[str, ErrorKind]
    error_schema: Mapping[str, JSON]
    errors: tuple[str, ...]
    paid: frozenset[str]
    examples: tuple[Example, ...]
    lifecycle: Lifecycle | None
    line_of: Any = dc_field(repr=False, default=None)
    """``line_of(path) -> int``: the line of any part of the file, for messages."""
    sources: Mapping[str, DocSource] = dc_field(default_factory=dict)
    error_content_type: str | None = None
    """The Content-Type of every error answer (the errors file's ``content_type``)."""
    error_provenance: Mapping[str, Provenance] = dc_field(default_factory=dict)
    """The errors file's ``provenance`` (its ``schema`` and ``content_type``)."""
    errors_path: Path | None = None
    errors_line_of: Any = dc_field(repr=False, default=None)
    """``errors_line_of(path) -> int``: the line of any part of the errors file."""
    discriminator: str | None = None
    """The body field whose value chooses the body's variant (``model``), if any."""
    variants: tuple[Variant, ...] = ()
    provider: Provider = dc_field(default_factory=_default_provider, repr=False)
    """The provider (the errors file's ``provider:`` section)."""
    task: TaskRole | None = None
    """This endpoint's part in a task's life (its ``task:`` section), if any."""

    @property
    def keyed(self) -> bool:
        """Whether a request to this endpoint carries the provider's key."""
        return self.auth != "none"

    def error_kind(self, role: str) -> ErrorKind | None:
        """The error kind playing ``role`` for the provider (``authentication``, ...)."""
        name = self.provider.kind(role)
        return self.error_kinds.get(name) if name is not None else None

    @property
    def has_body(self) -> bool:
        return self.body_schema is not None

    @property
    def cross_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.is_cross)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def variant_of(self, body: Any) -> Variant | None:
        """The variant a body's discriminator value chooses (``None``: no variants, or a
        body without a known discriminator value)."""
        if not self.variants or not isinstance(body, dict) or self.discriminator is None:
            return None
        value = body.get(self.discriminator)
        chooser = self.field(self.discriminator)
        if value is None and not chooser.required:  # not sent (or null): its default
            value = chooser.default
        key = json_key(value)
        return next((v for v in self.variants if key in v.keys), None)

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)

    def default_of(self, name: str, body: Any = None) -> JSON:
        """The default of field ``name`` for ``body``, as rules read it: its variant's own
        default, none when the field is not one of the variant's, else the field's (none for
        a required field: its documented default is not filled in). :data:`MISSING`: none."""
        variant = self.variant_of(body)
        if variant is not None:
            if name not in variant.fields:
                return MISSING
            if name in variant.defaults:
                return variant.defaults[name]
        try:
            f = self.field(name)
        except KeyError:
            return MISSING
        return MISSING if f.required else f.default

    def required_in(self, body: Any) -> frozenset[str]:
        """The fields ``body`` must send: the body's required fields and its variant's."""
        required = frozenset(f.name for f in self.fields if f.required)
        variant = self.variant_of(body)
        return required | frozenset(variant.required) if variant is not None else required

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        from foxcontract.contract.errors import did_you_mean

        raise KeyError(
            f"no rule {rule_id!r} in contract {self.name!r}{did_you_mean(rule_id, self.rule_ids)}"
        )

    def error_for(self, rule_id: str) -> ErrorKind:
        """The provider's expected answer to a body that breaks ``rule_id``."""
        return self.error_kinds[self.rule(rule_id).expect]
